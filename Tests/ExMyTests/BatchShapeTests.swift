import Foundation
import Testing
@testable import ExMy

/// Lengths, offsets, vector tails, blocks, threads and chunkings: none of them changes a code.
@Suite(.splittingShortArrays)
struct BatchShapeTests {
    typealias S = BatchTestSupport

    static let formats: [FloatFormat] = [
        .e4m3fn, .e5m2, .e2m1fn, .e3m2fn, .e4m3fnuz, .ue4m3, .mxint8, .fp16, .tf32, .e8m0fnu,
        try! FloatFormat(parsing: "e3m3:bias=5,subnormals=off"),
    ]
    static let rules: [RoundingRule] = [.toNearestOrEven, .towardZero, .up, .stochasticA(bits: 8), .stochasticC(bits: 5)]

    /// A mixed input: ordinary values of every magnitude, tiny ones, specials.
    static func mixed(_ count: Int, seed: UInt64) -> [Float] {
        var g = CounterRandomGenerator(seed: seed, index: 0)
        return (0..<count).map { k in
            let w = g.next()
            switch w % 16 {
            case 0: return S.specials[Int(w >> 8) % S.specials.count]
            case 1, 2: return Float(bitPattern: UInt32(truncatingIfNeeded: w >> 16))  // any bit pattern
            default:
                let e = Int((w >> 8) % 40) - 20
                return Float(sign: w & (1 << 40) == 0 ? .plus : .minus, exponent: e, significand: 1 + Float((w >> 20) & 0xFFFF) / 65536)
            }
        }
    }

    /// Every length 0…70 at every offset 0…3 of a buffer: every vector tail and alignment.
    @Test func lengthsAndOffsets() throws {
        let base = Self.mixed(80, seed: 1)
        for f in Self.formats {
            for rule in Self.rules {
                let encoder = try BatchEncoder(f, rounding: rule, nanPolicy: .zero)
                let expectedAll = S.scalar(f, rule, .none, base.map(Double.init), seed: 3)
                for offset in 0..<4 {
                    for length in 0...(80 - offset - 6) where length <= 70 {
                        let slice = Array(base[offset..<(offset + length)])
                        let got = try S.batch(encoder, slice, options: .init(seed: 3, startIndex: UInt64(offset)))
                        let want = Array(expectedAll.codes[offset..<(offset + length)])
                        #expect(got.codes == want, "\(f) \(rule) offset \(offset) length \(length)")
                    }
                }
                // Slices of one buffer, in place (unaligned starts inside an array).
                try base.withUnsafeBufferPointer { buffer in
                    for offset in 1..<4 {
                        let part = UnsafeBufferPointer(rebasing: buffer[offset..<(offset + 61)])
                        for e in S.loopVariants(encoder) {
                            var out = [UInt32](repeating: 0, count: 61)
                            _ = try out.withUnsafeMutableBufferPointer {
                                try e.encode(part, into: $0, options: .init(seed: 3, startIndex: UInt64(offset)))
                            }
                            #expect(out.map(UInt64.init) == Array(expectedAll.codes[offset..<(offset + 61)]), "\(f) \(rule) \(e.loops) loops")
                        }
                    }
                }
            }
        }
    }

    /// Lengths around blocks (2048) and thread chunks; threads 1, 2, 3, 5 and calls cut into pieces
    /// (with matching start indices) give the same codes and flags.
    /// A named thread count is a cap: each thread gets at least `minimumElementsPerThread`
    /// elements (64K outside these suites), so short arrays stay on fewer threads; `nil` chooses.
    @Test func namedThreadCountIsACap() {
        BatchParallel.$minimumElementsPerThread.withValue(1 << 16) {
            #expect(BatchParallel.threadCount(2, 65_536) == 1)
            #expect(BatchParallel.threadCount(2, 131_071) == 1)
            #expect(BatchParallel.threadCount(2, 131_072) == 2)
            #expect(BatchParallel.threadCount(8, 3 << 16) == 3)
            #expect(BatchParallel.threadCount(1, 1 << 30) == 1)
            #expect(BatchParallel.threadCount(2, 0) == 1)
            #expect(BatchParallel.threadCount(nil, 1000) == 1)
        }
        #expect(BatchParallel.threadCount(3, 4099) == 3)  // this suite: every block worth a thread
        #expect(BatchParallel.threadCount(5, 4099) == 3)  // three blocks
    }

    @Test func threadsAndChunkingDoNotChangeResults() throws {
        let lengths = S.long ? [2047, 2048, 2049, 6149, 100_003, 1 << 20] : [2047, 2049, 6149, 20_011]
        for f in [FloatFormat.e4m3fn, .e2m1fn, .fp16, .e8m0fnu] {
            for rule in [RoundingRule.toNearestOrEven, .stochasticA(bits: 8), .stochastic] {
                let encoder = try BatchEncoder(f, rounding: rule, nanPolicy: .zero)
                for n in lengths {
                    let input = Self.mixed(n, seed: UInt64(n))
                    let one = try S.batch(encoder, input, options: .init(threads: 1, seed: 77))
                    if n <= 6149 || S.long {
                        let expected = S.scalar(f, rule, .none, input.map(Double.init), seed: 77)
                        #expect(one.codes == expected.codes, "\(f) \(rule) n \(n) vs scalar")
                        #expect(one.status == expected.status)
                    }
                    for threads in [2, 3, 5] {
                        let many = try S.batch(encoder, input, options: .init(threads: threads, seed: 77))
                        #expect(many.codes == one.codes && many.status == one.status, "\(f) \(rule) n \(n) threads \(threads)")
                    }
                    // Cut into uneven pieces.
                    var pieces: [UInt64] = []
                    var status: ConversionStatus = []
                    var start = 0
                    for cut in [1, 5, 2048, 3001, 7] where start < n {
                        let end = min(n, start + cut * 3)
                        let part = try S.batch(encoder, Array(input[start..<end]), options: .init(seed: 77, startIndex: UInt64(start)))
                        pieces += part.codes
                        status.formUnion(part.status)
                        start = end
                    }
                    if start < n {
                        let part = try S.batch(encoder, Array(input[start..<n]), options: .init(seed: 77, startIndex: UInt64(start)))
                        pieces += part.codes
                        status.formUnion(part.status)
                    }
                    #expect(pieces == one.codes && status == one.status, "\(f) \(rule) n \(n) chunked")
                }
            }
        }
    }

    /// Stochastic rounding where a call's elements cross from one 65 536-element counter block into
    /// the next inside a 2048-element block, at an odd and an even element: the AVX2 kernels switch
    /// keys lane by lane in their loop, the Swift loops in their scratch words. Byte, 16-bit and packed
    /// FP4 codes, random bits in one and in two 16-bit lanes, both loops, against the scalar engine.
    @Test func stochasticAcrossCounterBlocks() throws {
        let cases: [(FloatFormat, RoundingRule)] = [
            (.e4m3fn, .stochasticA(bits: 8)), (.e4m3fn, .stochasticA(bits: 20)), (.e4m3fn, .stochasticB(bits: 17)),
            (.e2m1fn, .stochasticA(bits: 8)), (.e2m1fn, .stochasticC(bits: 4)), (.fp16, .stochasticC(bits: 11)),
        ]
        let n = 6001
        let input = Self.mixed(n, seed: 31)
        for (f, rule) in cases {
            let encoder = try BatchEncoder(f, rounding: rule, nanPolicy: .zero)
            for start: UInt64 in [5 * 65_536 - 1001, 5 * 65_536 - 1000, (1 << 33) - 4093] {
                let expected = S.scalar(f, rule, .none, input.map(Double.init), seed: 12, startIndex: start)
                for threads in [1, 2] {
                    let got = try S.batchNatural(encoder, input, options: .init(threads: threads, seed: 12, startIndex: start))
                    #expect(S.firstMismatch(got.codes, expected.codes, input.map(Double.init)) == nil, "\(f) \(rule) start \(start) threads \(threads)")
                    #expect(got.status == expected.status, "\(f) \(rule) start \(start) flags")
                    guard f.bitWidth == 4 else { continue }
                    let codes = expected.codes.enumerated().map { input[$0.offset].isNaN ? 0 : UInt8($0.element) }
                    for e in S.loopVariants(encoder) {
                        for streaming in [false, true] {
                            let packed = try S.withStreaming(streaming) { try e.encodePacked(input, options: .init(threads: threads, seed: 12, startIndex: start)) }
                            #expect(packed.bytes == (try CodePacking.pack(codes, bitWidth: 4)), "\(f) \(rule) start \(start) \(e.loops) loops packed, streaming \(streaming)")
                        }
                    }
                }
            }
        }
    }

    /// Every code type at least as wide as the format gives the same codes.
    @Test func codeTypes() throws {
        let input = Self.mixed(300, seed: 5)
        for f in [FloatFormat.e4m3fn, .e2m1fn, .ue4m3] {
            let encoder = try BatchEncoder(f, nanPolicy: .zero)
            let c8 = try encoder.encode(input, as: UInt8.self).codes.map(UInt64.init)
            let c16 = try encoder.encode(input, as: UInt16.self).codes.map(UInt64.init)
            let c32 = try encoder.encode(input, as: UInt32.self).codes.map(UInt64.init)
            let c64 = try encoder.encode(input, as: UInt64.self).codes
            #expect(c8 == c16 && c16 == c32 && c32 == c64)
        }
    }
}
