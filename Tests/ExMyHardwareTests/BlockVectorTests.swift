import ExMy
import ExMyAnalysis
import ExMyHardware
import Testing

/// Block vectors for MX and NVFP4 hardware: names, hand-worked lines, the scale rules recomputed
/// from the specifications' text, the checker, the device models.
struct BlockVectorTests {
    static func model(_ name: String, _ settings: BlockSettings = BlockSettings()) throws -> BlockVectorModel {
        guard let f = try BlockFunction(parsing: name) else { throw VectorError("\(name) is not a block function") }
        return try BlockVectorModel(f, settings)
    }

    static func vectors(_ m: BlockVectorModel, level: Int = 1, count: Int? = nil, seed: UInt64 = 1) throws -> [BlockVector] {
        var result: [BlockVector] = []
        try BlockVectorGenerator(m, level: level, count: count, seed: seed).generate { result.append($0) }
        return result
    }

    static func f32(_ x: Float) -> UInt64 { UInt64(x.bitPattern) }

    // MARK: Names

    @Test func blockFunctionNames() throws {
        let mx = try Self.model("f32_to_mxfp8e4m3")
        #expect(mx.blockSize == 32 && mx.element == .e4m3fn && mx.scaleFormat == .e8m0fnu && !mx.hasTensorScale)
        #expect(try Self.model("bf16_to_mxfp8-e5m2").element == .e5m2)
        #expect(try Self.model("f16_to_mxfp6e2m3").element == .e2m3fn)
        let nv = try Self.model("f32_to_nvfp4")
        #expect(nv.blockSize == 16 && nv.element == .e2m1fn && nv.scaleFormat == .ue4m3 && nv.hasTensorScale)
        #expect(try !Self.model("f32_to_nvfp4", BlockSettings(tensorScale: false)).hasTensorScale)
        #expect(try Self.model("f32_to_mxfp4", BlockSettings(block: 16)).blockSize == 16)
        let dot = try Self.model("nvfp4_dot16")
        #expect(dot.inputWidths.count == 16 + 16 + 1 + 1 + 1 && dot.outputWidths == [32])
        let p3109 = try Self.model("e4m3fn_dot32")
        #expect(p3109.scaleFormat == nil && p3109.inputWidths.count == 65)
        #expect(try Self.model("mxfp4_dot64").inputWidths.count == 64 + 64 + 2 + 2 + 1)
        // Element-wise functions are not block functions; f32_to_mxint8 is the MXINT8 element conversion.
        #expect(try BlockFunction(parsing: "f32_add") == nil)
        #expect(try BlockFunction(parsing: "f32_to_mxint8") == nil)
        #expect(try BlockFunction(parsing: "f32_to_e4m3fn") == nil)
        for bad in ["q9_to_mxfp4", "mxfp4_dot33", "absmax_dot32", "nvfp4_dot0"] {
            #expect(throws: VectorError.self) { try Self.model(bad) }
        }
    }

    @Test func badSettingsAreRefused() throws {
        #expect(throws: VectorError.self) { try Self.model("f32_to_mxfp4", BlockSettings(rounding: .stochasticA(bits: 4))) }
        #expect(throws: VectorError.self) { try Self.model("f32_to_mxfp4", BlockSettings(scaleRule: "sideways")) }
        #expect(throws: VectorError.self) { try Self.model("f32_to_nvfp4", BlockSettings(scaleRule: "floor")) }
        #expect(throws: VectorError.self) { try Self.model("f32_to_mxfp4", BlockSettings(tensorScale: false)) }
        #expect(throws: VectorError.self) { try Self.model("f32_to_mxfp4", BlockSettings(element: .e5m2)) }
        #expect(throws: VectorError.self) { try Self.model("e4m3fn_dot32", BlockSettings(scaleRule: "floor")) }
        #expect(throws: VectorError.self) { try Self.model("mxfp8e4m3_dot32", BlockSettings(overflow: .saturateFinite)) }
        // A device model whose element or scale format is not the function's.
        let blackwell = try MatrixUnit.preset(named: "blackwell-tcgen05-mxf8-e4m3")
        #expect(throws: VectorError.self) { try Self.model("nvfp4_dot16", BlockSettings(unit: blackwell)) }
        #expect(throws: VectorError.self) { try Self.model("e4m3fn_dot32", BlockSettings(unit: blackwell)) }
        #expect(throws: VectorError.self) { try Self.model("f32_to_mxfp4", BlockSettings(unit: blackwell)) }
    }

    // MARK: Lines worked out by hand

    @Test func scaledConversionLinesByHand() throws {
        let zeros = Array(repeating: UInt64(0), count: 29)
        // MXFP4: amax 7.5 → floor(log2 7.5) − emax(E2M1) = 2 − 2 = 0: scale 2^0 (E8M0 0x7F).
        // 6 → 0x7; 0.25 is the tie between 0 and 0.5 → 0, inexact and underflow; −7.5 → −6 (0xF)
        // saturated: overflow, inexact. Flags 1 | 2 | 4 = 07.
        let mx = try Self.model("f32_to_mxfp4")
        let v = try mx.evaluate([Self.f32(6), Self.f32(0.25), Self.f32(-7.5)] + zeros)
        #expect(v.outputs == [0x7F, 0x7, 0x0, 0xF] + zeros && v.flags.rawValue == 0x07)
        #expect(BlockLayout(mx).line(v).hasSuffix(" 7F 7 0 F " + zeros.map { _ in "0" }.joined(separator: " ") + " 07"))
        // A NaN in the block: scale NaN (E8M0 0xFF), elements written as 0, no flag.
        let nan = try mx.evaluate([0x7FC0_0000, Self.f32(1)] + Array(repeating: 0, count: 30))
        #expect(nan.outputs == [0xFF] + Array(repeating: 0, count: 32) && nan.flags.rawValue == 0)
        // MXFP8 E4M3: amax 1 → 0 − 8 = −8: scale 2^-8 (0x77); 1 → 256 (E4M3 0x78 = 2^8).
        let e4 = try Self.model("f32_to_mxfp8e4m3")
        #expect(try e4.evaluate([Self.f32(1)] + Array(repeating: 0, count: 31)).outputs.prefix(2) == [0x77, 0x78])
        // All zeros: E8M0's least scale 2^-127 (code 0x00).
        #expect(try e4.evaluate(Array(repeating: 0, count: 32)).outputs[0] == 0x00)
        // NVFP4, per-tensor scale 1: amax 6.75 → 6.75 / 6 = 1.125, UE4M3 exactly (exponent 7, M 1:
        // 0x39); 6.75 / 1.125 = 6 (0x7). amax 7 → 7/6 rounded up is 1.25 (0x3A); 7 / 1.25 = 5.6 → 6
        // (0x7), inexact.
        let nv = try Self.model("f32_to_nvfp4")
        let fifteen = Array(repeating: UInt64(0), count: 15)
        let a = try nv.evaluate([Self.f32(6.75)] + fifteen + [Self.f32(1)])
        #expect(a.outputs.prefix(2) == [0x39, 0x7] && a.flags.rawValue == 0)
        let b = try nv.evaluate([Self.f32(7)] + fifteen + [Self.f32(1)])
        #expect(b.outputs.prefix(2) == [0x3A, 0x7] && b.flags.rawValue == 0x01)
        #expect(BlockLayout(nv).line(b).hasPrefix("40E00000 00000000 "))
        #expect(BlockLayout(nv).line(b).contains(" 3F800000 3A 7 0 "))
        // Per-tensor scale 2: 7 / (6·2) rounded up is 0.625 (0x32: exponent field 6, M 2); 7 / 1.25 = 5.6 → 6.
        #expect(try nv.evaluate([Self.f32(7)] + fifteen + [Self.f32(2)]).outputs.prefix(2) == [0x32, 0x7])
        // The ceil rule: 2^ceil(log2(7.5 / 6)) = 2: scale 0x80, 7.5 / 2 = 3.75 → 4 (0x6).
        let ceil = try Self.model("f32_to_mxfp4", BlockSettings(scaleRule: "ceil"))
        #expect(try ceil.evaluate([Self.f32(7.5)] + zeros + [0, 0]).outputs.prefix(2) == [0x80, 0x6])
    }

    @Test func dotLinesByHand() throws {
        // MX E4M3 dot over 32: a_0 = b_0 = 1 (0x38), scales 2^1 and 2^-3 (0x80, 0x7C); C = 1:
        // 1·2 · 1·2^-3 + 1 = 1.25 (0x3FA00000), exact.
        let m = try Self.model("mxfp8e4m3_dot32")
        var a = Array(repeating: UInt64(0), count: 32), b = a
        a[0] = 0x38; b[0] = 0x38
        let v = try m.evaluate(a + b + [0x80, 0x7C, Self.f32(1)])
        #expect(v.outputs == [0x3FA0_0000] && v.flags.rawValue == 0)
        // 1 + 2^-24 is a tie: to even (1), inexact. 2^-24 = 1 · 1 · 2^-12 · 2^-12 (0x73 = 2^-12).
        let tie = try m.evaluate(a + b + [0x73, 0x73, Self.f32(1)])
        #expect(tie.outputs == [0x3F80_0000] && tie.flags.rawValue == 0x01)
        // A NaN scale: NaN, no flag; greatest scales and elements: +∞, overflow and inexact.
        #expect(try m.evaluate(a + b + [0xFF, 0x7F, 0]).outputs == [0x7FC0_0000])
        let big = try m.evaluate(Array(repeating: 0x7E, count: 64) + [0xFE, 0xFE, 0])
        #expect(big.outputs == [0x7F80_0000] && big.flags.rawValue == 0x05)
        let line = BlockLayout(m).line(v)
        #expect(line.hasPrefix("38 00 ") && line.hasSuffix(" 80 7C 3F800000 3FA00000 00"))
    }

    // MARK: Scale rules recomputed from the specifications' text

    /// OCP MX v1.0 §6.3: X = 2^(floor(log2(max_i |V_i|)) − emax_elem), emax_elem the exponent of the
    /// element format's largest normal number (E4M3 8, E5M2 15, E3M2 4, E2M3 2, E2M1 2); E8M0
    /// encodes 2^e as e + 127 and has 2^-127 … 2^127. The `ceil` rule: the least 2^e with
    /// max_elem · 2^e ≥ amax. NVFP4: the UE4M3 scale is amax / (6 · t) rounded up (the least
    /// UE4M3 value v with v · 6 · t ≥ amax), at most 448. Computed here from FP32 bit patterns.
    @Test func scaleColumnsFollowTheSpecificationText() throws {
        let cases: [(String, Int, Double)] = [("mxfp8e4m3", 8, 448), ("mxfp8e5m2", 15, 57344), ("mxfp6e3m2", 4, 28), ("mxfp6e2m3", 2, 7.5), ("mxfp4", 2, 6)]
        for (scheme, emax, maxElement) in cases {
            for rule in ["floor", "ceil"] {
                let m = try Self.model("f32_to_" + scheme, BlockSettings(scaleRule: rule))
                var checked = 0
                for v in try Self.vectors(m) {
                    let xs = v.inputs.prefix(32).map { Float(bitPattern: UInt32($0)) }
                    if xs.contains(where: { !$0.isFinite }) { #expect(v.outputs[0] == 0xFF); continue }
                    let amax = xs.map(\.magnitude).max()!
                    var e: Int
                    if amax == 0 {
                        e = -127
                    } else if rule == "floor" {
                        e = Int(amax.exponent) - emax
                    } else {
                        e = -300
                        while maxElement * Double(sign: .plus, exponent: e, significand: 1) < Double(amax) { e += 1 }
                    }
                    e = min(max(e, -127), 127)
                    #expect(v.outputs[0] == UInt64(e + 127), "\(scheme) \(rule) amax \(amax)")
                    checked += 1
                }
                #expect(checked > 500)
            }
        }
        // NVFP4: UE4M3 values from the format's definition (bias 7, 3 significand bits, no ∞,
        // 0x7F NaN, greatest 448).
        var ue4m3: [(code: UInt64, value: Double)] = []
        for code in UInt64(0)..<0x7F {
            let e = Int(code >> 3), m = Double(code & 7)
            ue4m3.append((code, e == 0 ? m / 8 * 0x1p-6 : (1 + m / 8) * Double(sign: .plus, exponent: e - 7, significand: 1)))
        }
        for rule in ["up", "even"] {
            let m = try Self.model("f32_to_nvfp4", BlockSettings(scaleRule: rule))
            var checked = 0
            for v in try Self.vectors(m) {
                let xs = v.inputs.prefix(16).map { Double(Float(bitPattern: UInt32($0))) }
                let t = Double(Float(bitPattern: UInt32(v.inputs[16])))
                if xs.contains(where: { !$0.isFinite }) { #expect(v.outputs[0] == 0x7F); continue }
                let amax = xs.map(\.magnitude).max()!
                if amax == 0 { continue }
                let expected: UInt64
                if rule == "up" {
                    expected = ue4m3.first(where: { $0.value * 6 * t >= amax })?.code ?? 0x7E
                } else {
                    // Nearest (ties to the even code); above 448 saturates to 448.
                    let r = amax / (6 * t)
                    var best = ue4m3[0]
                    for c in ue4m3 {
                        let d = abs(c.value - r), db = abs(best.value - r)
                        if d < db || (d == db && c.code % 2 == 0) { best = c }
                    }
                    expected = r >= 448 ? 0x7E : best.code
                }
                #expect(v.outputs[0] == expected, "nvfp4 \(rule) amax \(amax) t \(t)")
                checked += 1
            }
            #expect(checked > 500)
        }
    }

    // MARK: The checker

    /// Every generated line passes; one flipped bit in any output field or in the flags is caught.
    @Test func checkerCatchesAFlippedBit() throws {
        let blackwell = try MatrixUnit.preset(named: "blackwell-tcgen05-mxf8-e4m3")
        let models = [try Self.model("f32_to_mxfp8e4m3"), try Self.model("f32_to_nvfp4"), try Self.model("bf16_to_mxfp4"),
                      try Self.model("mxfp8e4m3_dot32"), try Self.model("nvfp4_dot16"), try Self.model("e4m3fn_dot32"),
                      try Self.model("mxfp8e4m3_dot32", BlockSettings(unit: blackwell))]
        for m in models {
            let checker = BlockVectorChecker(m)
            let layout = BlockLayout(m)
            let vs = try Self.vectors(m, count: 300)
            #expect(vs.count == 300)
            var lines = vs.map(layout.line)
            var errors: [String] = []
            let clean = try checker.check(lines: lines) { errors.append($0) }
            #expect(clean.errors == 0 && clean.tests == 300, "\(m.function.name): \(errors.prefix(2))")
            // Flip one bit of an output field of every fifth line (a finite result, a finite scale)
            // and one flag bit where flags are modelled.
            var flipped = 0
            for i in stride(from: 0, to: vs.count, by: 5) {
                var v = vs[i]
                let field = 1 + i % (v.outputs.count)
                let index = field == v.outputs.count ? 0 : field
                if case .scaledConvert = m.function.kind, m.scaleFormat?.classify(v.outputs[0]) == .nan { continue }
                if case .dot = m.function.kind, FloatFormat.fp32.classify(v.outputs[0]) == .nan { continue }
                v.outputs[index] ^= 1
                lines[i] = layout.line(v)
                flipped += 1
            }
            if m.flagsModelled {
                var v = vs[1]
                v.flags = TestFloatFlags(rawValue: v.flags.rawValue ^ 0x01)
                lines[1] = layout.line(v)
                flipped += 1
            }
            let summary = try checker.check(lines: lines, maxErrors: 1000) { _ in }
            #expect(summary.errors == flipped && flipped > 40, "\(m.function.name)")
        }
    }

    @Test func malformedLinesAreErrors() throws {
        let m = try Self.model("f32_to_nvfp4")
        #expect(throws: VectorError.self) { try m.evaluate([0, 0]) }
        #expect(throws: VectorError.self) { try m.evaluate([0x1_0000_0000] + Array(repeating: 0, count: 16)) }
        let checker = BlockVectorChecker(m)
        for bad in ["00 01", String(repeating: "0 ", count: 34) + "G0", String(repeating: "0 ", count: 17) + "1FF " + String(repeating: "0 ", count: 16) + "00"] {
            #expect(throws: VectorError.self) { try checker.check(line: Substring(bad)) }
        }
    }

    // MARK: Device models and layouts

    /// With a matrix-unit model the result is the model's (here Blackwell's truncation toward zero
    /// into FP32 at F = 25), and the flags are not modelled.
    @Test func deviceAccumulatorModel() throws {
        let blackwell = try MatrixUnit.preset(named: "blackwell-tcgen05-mxf8-e4m3")
        let device = try Self.model("mxfp8e4m3_dot32", BlockSettings(unit: blackwell))
        let exact = try Self.model("mxfp8e4m3_dot32")
        #expect(!device.flagsModelled && exact.flagsModelled)
        let vs = try Self.vectors(device)
        #expect(vs.allSatisfy { $0.flags.rawValue == 0 })
        // The two models differ on some vectors (the device truncates), not on all.
        let differing = try vs.filter { try exact.evaluate($0.inputs).outputs != $0.outputs }.count
        #expect(differing > 0 && differing < vs.count)
        // 1 + 2^-24 · 3/2: nearest gives 1 + 2^-23, truncation toward zero gives 1.
        var a = Array(repeating: UInt64(0), count: 32), b = a
        a[0] = 0x3C; b[0] = 0x38  // 1.5 · 1
        let inputs = a + b + [0x73, 0x73, Self.f32(1)]
        #expect(try exact.evaluate(inputs).outputs == [0x3F80_0001])
        #expect(try device.evaluate(inputs).outputs == [0x3F80_0000])
    }

    @Test func hexWords() throws {
        let m = try Self.model("mxfp8e4m3_dot32")
        let layout = BlockLayout(m)
        #expect(layout.hexWordBits == 64 * 8 + 2 * 8 + 32 + 32 + 5)
        let v = try Self.vectors(m, count: 10)[9]
        let word = layout.hexWord(v)
        #expect(word.count == (layout.hexWordBits + 3) / 4)
        // The least significant 37 bits are {d, flags}.
        let low = UInt64(word.suffix(10), radix: 16)!
        #expect(low & 0x1F == UInt64(v.flags.rawValue) && (low >> 5) & 0xFFFF_FFFF == v.outputs[0])
        #expect(layout.hexHeader.contains("a0[596:589]") && layout.hexHeader.contains("flags[4:0]"))
        let nv = BlockLayout(try Self.model("f32_to_nvfp4"))
        #expect(nv.hexHeader.contains("tensor_scale[") && nv.hexWordBits == 16 * 32 + 32 + 7 + 16 * 4 + 5)
    }

    /// Level 2 is denser; the count cuts or fills.
    @Test func levelsAndCounts() throws {
        let m = try Self.model("f32_to_mxfp6e3m2")
        let one = try Self.vectors(m).count, two = try Self.vectors(m, level: 2).count
        #expect(two > 5 * one)
        #expect(try Self.vectors(m, count: one + 7).count == one + 7)
        #expect(try Self.vectors(m, seed: 2) != Self.vectors(m, seed: 3))
    }
}
