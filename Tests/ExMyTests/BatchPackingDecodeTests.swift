import Foundation
import Testing
@testable import ExMy

/// Packing, unpacking and batch decoding.
@Suite(.splittingShortArrays)
struct BatchPackingDecodeTests {
    typealias S = BatchTestSupport

    /// The documented bit order, on hand-written examples.
    @Test func bitOrder() throws {
        // FP4: first element in the low nibble (PyTorch float4_e2m1fn_x2, ml_dtypes, OCP).
        #expect(try CodePacking.pack([0x1, 0xA, 0x3], bitWidth: 4) == [0xA1, 0x03])
        // FP6: a little-endian 24-bit word c0 + c1·2^6 + c2·2^12 + c3·2^18.
        // c = [0x01, 0x02, 0x03, 0x3F]: word = 0x01 | 0x80 | 0x3000 | 0xFC0000 = 0xFC3081.
        #expect(try CodePacking.pack([0x01, 0x02, 0x03, 0x3F], bitWidth: 6) == [0x81, 0x30, 0xFC])
        // A partial group: 2 codes → 12 bits → 2 bytes.
        #expect(try CodePacking.pack([0x3F, 0x3F], bitWidth: 6) == [0xFF, 0x0F])
        // Generic widths follow the same stream: 3-bit codes 1, 2, 3 → 0b011_010_001.
        #expect(try CodePacking.pack([1, 2, 3], bitWidth: 3) == [0xD1, 0x00])
        #expect(try CodePacking.packedByteCount(count: 5, bitWidth: 6) == 4)
    }

    /// Pack then unpack is the identity on every width and many lengths.
    @Test func packUnpackRoundTrip() throws {
        var g = CounterRandomGenerator(seed: 3, index: 0)
        for w in 1...8 {
            for n in [0, 1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 63, 64, 65, 1000] {
                let codes = (0..<n).map { _ in UInt8(truncatingIfNeeded: g.next()) & UInt8((1 << w) - 1) }
                let packed = try CodePacking.pack(codes, bitWidth: w)
                #expect(packed.count == (n * w + 7) / 8)
                #expect(try CodePacking.unpack(packed, bitWidth: w, count: n) == codes, "w \(w) n \(n)")
            }
        }
    }

    /// Packed encoding equals packing the unpacked codes, for FP4, FP6, FP3 and 8-bit formats, at
    /// lengths that end mid-byte and mid-group, across blocks and threads.
    @Test func encodePackedMatchesPackOfCodes() throws {
        // The 4-bit formats cover every sign mode and both tiny modes of the AVX2 kernels' packed
        // store (no −0, unsigned, no subnormals), each rule shape, and lengths around its 32-lane groups.
        let formats: [FloatFormat] = [
            .e2m1fn, .e3m2fn, .e2m3fn, .fp3E1M1, .e4m3fn, try FloatFormat(parsing: "binary6p3ue"),
            try FloatFormat(parsing: "binary4p2se"), try FloatFormat(parsing: "binary4p2uf"), try FloatFormat(parsing: "e2m1:subnormals=off,specials=none"),
        ]
        for f in formats {
            let rules: [RoundingRule] = f.bitWidth == 4
                ? [.toNearestOrEven, .stochasticA(bits: 8), .towardZero, .up, .stochasticC(bits: 4)]
                : [.toNearestOrEven, .stochasticA(bits: 8)]
            for rule in rules {
                for encoder in BatchTestSupport.loopVariants(try BatchEncoder(f, rounding: rule, nanPolicy: .zero)) {
                    for n in [0, 1, 2, 3, 5, 31, 32, 33, 70, 2079, 4097, 10_001] {
                        let input = BatchShapeTests.mixed(n, seed: UInt64(n + 1))
                        let (codes, status) = try encoder.encode(input, as: UInt8.self, options: .init(seed: 8))
                        // The codes themselves are the scalar engine's (NaN aside: the policy maps it to 0).
                        let reference = BatchTestSupport.scalar(f, rule, .none, input.map(Double.init), seed: 8)
                        let wrong = (0..<n).first { !input[$0].isNaN && UInt64(codes[$0]) != reference.codes[$0] }
                        #expect(wrong == nil, "\(f) \(rule) n \(n) \(encoder.loops) loops: element \(wrong ?? -1)")
                        for threads in [1, 3] {
                            for streaming in [false, true] {
                                let (packed, packedStatus) = try BatchTestSupport.withStreaming(streaming) {
                                    try encoder.encodePacked(input, options: .init(threads: threads, seed: 8))
                                }
                                #expect(packed == (try CodePacking.pack(codes, bitWidth: f.bitWidth)), "\(f) \(rule) n \(n) \(encoder.loops) loops, streaming \(streaming)")
                                #expect(packedStatus == status)
                            }
                        }
                    }
                }
            }
        }
    }

    /// Every code of every format of at most 8 bits decodes to the scalar engine's value, converted
    /// to each target type; packed decoding agrees.
    @Test func decodeEveryCode() throws {
        for f in S.formats where f.bitWidth <= 8 {
            let decoder = BatchDecoder(f)
            let codes = (0..<256).map { UInt8($0) }
            let exact = codes.map { f.decode(UInt64($0)) }
            let floats = try decoder.decode(codes, as: Float.self)
            let doubles = try decoder.decode(codes, as: Double.self)
            for k in 0..<256 {
                #expect(floats[k].bitPattern == Float(exact[k]).bitPattern || (floats[k].isNaN && exact[k].isNaN && floats[k].sign == exact[k].sign), "\(f) \(k)")
                #expect(doubles[k].bitPattern == exact[k].bitPattern || (doubles[k].isNaN && exact[k].isNaN), "\(f) \(k)")
            }
            // Wider code types: only the low bits count.
            let wide = try decoder.decode(codes.map { UInt32($0) | 0xFF00 }, as: Float.self)
            #expect(wide.map(\.bitPattern) == floats.map(\.bitPattern))
            var bf = [UInt16](repeating: 0, count: 256)
            try codes.withUnsafeBufferPointer { src in try bf.withUnsafeMutableBufferPointer { try decoder.decode(src, intoBFloat16Bits: $0) } }
            #expect(bf == exact.map { UInt16(FloatFormat.bf16.encode($0).code) })
            #if !((os(macOS) || targetEnvironment(macCatalyst)) && arch(x86_64))
            let halves = try decoder.decode(codes, as: Float16.self)
            #expect(halves.map(\.bitPattern) == exact.map { UInt16(FloatFormat.fp16.encode($0).code) })
            #endif
            if f.bitWidth < 8 {
                let mask = UInt8((1 << f.bitWidth) - 1)
                for n in [1, 2, 3, 5, 64, 4099] {
                    let some = (0..<n).map { UInt8(truncatingIfNeeded: $0 &* 37) & mask }
                    let packed = try CodePacking.pack(some, bitWidth: f.bitWidth)
                    for threads in [1, 2] {
                        let viaPacked = try decoder.decodePacked(packed, count: n, as: Float.self, threads: threads)
                        let direct = try decoder.decode(some, as: Float.self)
                        #expect(viaPacked.map(\.bitPattern) == direct.map(\.bitPattern), "\(f) n \(n)")
                        let viaPackedD = try decoder.decodePacked(packed, count: n, as: Double.self, threads: threads)
                        let directD = try decoder.decode(some, as: Double.self)
                        #expect(viaPackedD.map(\.bitPattern) == directD.map(\.bitPattern), "\(f) n \(n) Double")
                    }
                }
            }
        }
    }

    /// The arithmetic decoder (``DecodePlan``) serves the formats it was built for wherever AVX2
    /// runs, in each copy this CPU runs (so a check that always failed could not pass unnoticed),
    /// and agrees bit for bit with the table path and the scalar engine on one-byte codes (and
    /// packed FP4, which takes the pair table either way): bytes beyond the code width, every
    /// vector tail, blocks and threads, every copy, into `Float` and `Double`, with ordinary and with
    /// streaming stores.
    @Test func arithmeticDecodeMatchesTables() throws {
        let expectPlan = EncodeLoops.selected != .portable
        let planned: [FloatFormat] = [
            .e4m3fn, .e5m2, .e2m1fn, .e3m2fn, .e2m3fn, .e4m3fnuz, .e5m2fnuz, .e4m3b11fnuz, .e3m4, .e4m3,
            .e8m0fnu, .ue4m3, .fp3E1M1, .fp3E2M0NoSubnormals, try FloatFormat(parsing: "e3m3:bias=5,subnormals=off"),
            try FloatFormat(parsing: "binary8p3se"), try FloatFormat(parsing: "binary8p1uf"),
        ]
        for f in planned {
            #expect(BatchDecoder(f).usesArithmeticKernel(.float) == expectPlan, "\(f)")
            #expect(BatchDecoder(f).usesArithmeticKernel(.double) == expectPlan, "\(f) Double")
            for loops in S.supportedLoops { #expect(BatchDecoder(f).withLoops(loops).loops == loops, "\(f) \(loops)") }
        }
        #expect(!BatchDecoder(.mxint8).usesArithmeticKernel(.float))
        var g = CounterRandomGenerator(seed: 21, index: 0)
        for f in S.formats where f.bitWidth <= 8 {
            let tablesOnly = BatchDecoder(f).withTablesOnly()
            for n in [0, 1, 7, 31, 32, 33, 63, 65, 100, 2047, 2049, 6001] {
                // Any byte: the decoder reads the low bitWidth bits.
                let bytes = (0..<n).map { _ in UInt8(truncatingIfNeeded: g.next()) }
                let scalar = bytes.map { Float(f.decode(UInt64($0))).bitPattern }
                let scalarDoubles = bytes.map { f.decode(UInt64($0)).bitPattern }
                for threads in [1, 3] {
                    for decoder in S.supportedLoops.map({ BatchDecoder(f).withLoops($0) }) {
                        for streaming in [false, true] {
                            let what = "\(f) n \(n) threads \(threads) \(decoder.loops)\(streaming ? " streaming" : "")"
                            let got = try S.withStreaming(streaming) { try decoder.decode(bytes, as: Float.self, threads: threads) }
                            #expect(got.map(\.bitPattern) == scalar, "\(what)")
                            let doubles = try S.withStreaming(streaming) { try decoder.decode(bytes, as: Double.self, threads: threads) }
                            #expect(doubles.map(\.bitPattern) == scalarDoubles, "\(what) Double")
                        }
                    }
                    let decoder = BatchDecoder(f)
                    #expect(try tablesOnly.decode(bytes, as: Float.self, threads: threads).map(\.bitPattern) == scalar, "\(f) n \(n) tables")
                    guard f.bitWidth == 4 else { continue }
                    let packed = try CodePacking.pack(bytes.map { $0 & 0xF }, bitWidth: 4)
                    let want = bytes.map { Float(f.decode(UInt64($0 & 0xF))).bitPattern }
                    let wantDoubles = bytes.map { f.decode(UInt64($0 & 0xF)).bitPattern }
                    for d in S.supportedLoops.map({ BatchDecoder(f).withLoops($0) }) {
                        for streaming in [false, true] {
                            let what = "\(f) n \(n) threads \(threads) \(d.loops)\(streaming ? " streaming" : "") packed"
                            let got = try S.withStreaming(streaming) { try d.decodePacked(packed, count: n, as: Float.self, threads: threads) }
                            #expect(got.map(\.bitPattern) == want, "\(what)")
                            let doubles = try S.withStreaming(streaming) { try d.decodePacked(packed, count: n, as: Double.self, threads: threads) }
                            #expect(doubles.map(\.bitPattern) == wantDoubles, "\(what) Double")
                        }
                    }
                    #expect(try decoder.decodePacked(packed, count: n, as: Float.self, threads: threads).map(\.bitPattern) == want, "\(f) n \(n) packed")
                    #expect(try tablesOnly.decodePacked(packed, count: n, as: Float.self, threads: threads).map(\.bitPattern) == want, "\(f) n \(n) packed tables")
                }
            }
        }
    }

    /// Wider formats decode element by element through the scalar engine.
    @Test func decodeWideFormats() throws {
        for f in [FloatFormat.fp16, .bf16, .tf32, .fp32] {
            let decoder = BatchDecoder(f)
            var g = CounterRandomGenerator(seed: 1, index: 0)
            let codes = (0..<5000).map { _ in UInt32(truncatingIfNeeded: g.next()) & UInt32(truncatingIfNeeded: f.codeMask) }
            let doubles = try decoder.decode(codes, as: Double.self)
            for (k, c) in codes.enumerated() {
                let v = f.decode(UInt64(c))
                #expect(doubles[k].bitPattern == v.bitPattern || (v.isNaN && doubles[k].isNaN))
            }
        }
    }

    /// Encode then decode returns every finite value of the format (round trip on the format's grid).
    @Test func roundTrip() throws {
        for f in S.formats where f.bitWidth <= 8 {
            let decoder = BatchDecoder(f)
            let values = try decoder.decode((0..<(1 << f.bitWidth)).map { UInt8($0) }, as: Float.self)
            let finite = values.filter { $0.isFinite }
            let (codes, status) = try BatchEncoder(f).encode(finite, as: UInt8.self)
            #expect(status.isEmpty, "\(f) \(status)")
            let back = try decoder.decode(codes, as: Float.self)
            #expect(back.map { $0 == 0 ? 0 : $0 } == finite.map { $0 == 0 ? 0 : $0 }, "\(f)")
        }
    }
}
