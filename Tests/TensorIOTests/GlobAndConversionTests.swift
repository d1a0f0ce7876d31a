import Testing
@testable import TensorIO

@Suite("glob patterns")
struct GlobTests {
    @Test(arguments: [
        ("model.layers.*.mlp.*", "model.layers.0.mlp.up_proj.weight", true),
        ("model.layers.*.mlp.*", "model.layers.12.mlp.gate_proj.bias", true),
        ("model.layers.*.mlp.*", "model.layers.0.self_attn.q_proj.weight", false),
        ("model.layers.*.mlp.*", "model.layers..mlp.", true),
        ("model.layers.*.mlp.*", "xmodel.layers.0.mlp.w", false),
        ("*", "", true),
        ("*", "anything.at.all", true),
        ("", "", true),
        ("", "a", false),
        ("?", "", false),
        ("?", "a", true),
        ("?", "ab", false),
        ("a?c", "abc", true),
        ("a?c", "ac", false),
        ("a*c", "ac", true),
        ("a*c", "abbbc", true),
        ("a*c", "abbbcd", false),
        ("*.weight", "lm_head.weight", true),
        ("*.weight", "lm_head.weight_scale", false),
        ("*weight*", "w.weight_scale", true),
        ("**a**", "bab", true),
        ("*a*b*c*", "xxaxxbxxcxx", true),
        ("*a*b*c*", "xxaxxcxxbxx", false),
        ("layers.1?.w", "layers.10.w", true),
        ("layers.1?.w", "layers.1.w", false),
        ("lm_head.weight", "lm_head.weight", true),
        ("lm_head.weight", "lm_head_weight", false),
        ("a\\*b", "a*b", true),
        ("a\\*b", "axb", false),
        ("a\\?", "a?", true),
        ("é?", "éü", true),
        ("trailing\\", "trailing\\", true),
    ])
    func matching(pattern: String, name: String, expected: Bool) {
        #expect(GlobPattern(pattern).matches(name) == expected, "\(pattern) vs \(name)")
    }

    @Test func wildcardsAndPathologicalPatterns() {
        #expect(GlobPattern("a.b").hasWildcards == false)
        #expect(GlobPattern("a.*").hasWildcards)
        #expect(GlobPattern("a\\*").hasWildcards == false)
        // Many stars against a long non-matching name stay fast (no exponential backtracking).
        let pattern = GlobPattern(String(repeating: "a*", count: 50) + "b")
        #expect(!pattern.matches(String(repeating: "a", count: 5_000)))
        #expect(pattern.matches(String(repeating: "a", count: 5_000) + "b"))
    }
}

@Suite("element conversions")
struct ConversionTests {
    #if !((os(macOS) || targetEnvironment(macCatalyst)) && arch(x86_64))
    @Test func float16MatchesTheStandardLibraryForAllPatterns() {
        for bits in UInt16.min...UInt16.max {
            let ours = BitPatterns.float(fromFloat16: bits)
            let reference = Float(Float16(bitPattern: bits))
            if reference.isNaN {
                #expect(ours.isNaN)
                #expect(ours.sign == reference.sign)
            } else {
                #expect(ours.bitPattern == reference.bitPattern, "0x\(String(bits, radix: 16))")
            }
        }
    }

    @Test func e5m2IsTheUpperByteOfBinary16() {
        for bits in UInt8.min...UInt8.max {
            let ours = BitPatterns.float(fromFloat8E5M2: bits)
            let reference = Float(Float16(bitPattern: UInt16(bits) << 8))
            #expect(ours.bitPattern == reference.bitPattern || (ours.isNaN && reference.isNaN))
        }
    }
    #endif

    @Test func bfloat16RoundTripsEveryPattern() {
        for bits in UInt16.min...UInt16.max {
            let value = BitPatterns.float(fromBFloat16: bits)
            #expect(value.bitPattern == UInt32(bits) << 16)
            if value.isNaN {
                #expect(BitPatterns.float(fromBFloat16: BitPatterns.bfloat16(from: value)).isNaN)
            } else {
                #expect(BitPatterns.bfloat16(from: value) == bits)
            }
        }
    }

    @Test func bfloat16RoundsToNearestEven() {
        // 1 + 2^-8 is halfway between 1 and 1 + 2^-7: ties to even (1).
        #expect(BitPatterns.bfloat16(from: 1 + 0x1p-8) == 0x3F80)
        // 1 + 3·2^-8 is halfway between 1 + 2^-7 (odd) and 1 + 2^-6: ties to even (up).
        #expect(BitPatterns.bfloat16(from: 1 + 3 * 0x1p-8) == 0x3F82)
        #expect(BitPatterns.bfloat16(from: 1 + 0x1p-8 + 0x1p-20) == 0x3F81)
        #expect(BitPatterns.bfloat16(from: .greatestFiniteMagnitude) == 0x7F80)  // overflows to infinity
        #expect(BitPatterns.bfloat16(from: -.infinity) == 0xFF80)
        #expect(BitPatterns.bfloat16(from: Float(bitPattern: 0x7F80_0001)) & 0x7FC0 == 0x7FC0)  // quiet NaN
    }

    @Test func e4m3fnValues() {
        var finite: [Float] = []
        for bits in UInt8.min...UInt8.max {
            let value = BitPatterns.float(fromFloat8E4M3FN: bits)
            if bits & 0x7F == 0x7F {
                #expect(value.isNaN)
                #expect((value.sign == .minus) == (bits & 0x80 != 0))
            } else {
                #expect(value.isFinite)
                finite.append(value)
            }
        }
        #expect(finite.count == 254)
        #expect(finite.max() == 448)
        #expect(finite.min() == -448)
        #expect(BitPatterns.float(fromFloat8E4M3FN: 0x38) == 1)
        #expect(BitPatterns.float(fromFloat8E4M3FN: 0x01) == 0x1p-9)
        #expect(BitPatterns.float(fromFloat8E4M3FN: 0x07) == 7 * 0x1p-9)
        #expect(BitPatterns.float(fromFloat8E4M3FN: 0x08) == 0x1p-6)
        #expect(BitPatterns.float(fromFloat8E4M3FN: 0x80).bitPattern == (-0.0 as Float).bitPattern)
        // Positive codes are increasing.
        let positives = (UInt8(0)...0x7E).map(BitPatterns.float(fromFloat8E4M3FN:))
        #expect(positives == positives.sorted())
        #expect(Set(positives).count == positives.count)
    }

    @Test func e8m0Values() {
        for bits in UInt8.min...UInt8(0xFE) {
            #expect(BitPatterns.float(fromFloat8E8M0: bits) == Float(sign: .plus, exponent: Int(bits) - 127, significand: 1))
        }
        #expect(BitPatterns.float(fromFloat8E8M0: 0xFF).isNaN)
    }

    @Test func dtypeTables() throws {
        for dtype in TensorDType.allCases {
            #expect(TensorDType(safetensorsName: dtype.safetensorsName) == dtype)
            if let descr = dtype.npyDescr {
                let parsed = try NpyFile.parseDescr(descr, voidType: nil, path: "")
                #expect(parsed.0 == dtype)
                #expect(parsed.bigEndian == false)
                #expect(descr.hasPrefix(dtype.byteSize == 1 ? "|" : "<"))
                #expect(descr.hasSuffix(String(dtype.byteSize)))
            } else {
                #expect(dtype.isFloatingPoint)
            }
        }
        #expect(TensorDType.bfloat16.byteSize == 2)
        #expect(TensorDType.float32.npyDescr == "<f4")
        #expect(TensorDType.uint8.npyDescr == "|u1")
        #expect(TensorDType.bool.npyDescr == "|b1")
        #expect(TensorDType.bfloat16.npyDescr == nil)
        #expect(TensorDType(safetensorsName: "F4") == nil)
        #expect(TensorDType(npyDescr: ">f4") == .float32)
        #expect(TensorDType(npyDescr: "|u1") == .uint8)
        #expect(TensorDType(npyDescr: "<f2") == .float16)
        #expect(TensorDType(npyDescr: "?") == .bool)
        #expect(TensorDType(npyDescr: "<V2") == nil)
        #expect(TensorDType(npyDescr: "<c8") == nil)
        #expect(TensorDType(npyDescr: "") == nil)
        #expect(UInt16.canRepresentBits(of: .bfloat16))
        #expect(UInt16.canRepresentBits(of: .float16))
        #expect(!Int16.canRepresentBits(of: .bfloat16))
        #expect(!Float.canRepresentBits(of: .uint32))
        #expect(UInt32.canRepresentBits(of: .float32))
    }
}
