import Foundation
import Testing
@testable import ExMy

/// Argument errors, the NaN policy, and the counter-based random stream.
@Suite(.splittingShortArrays)
struct BatchErrorTests {
    @Test func argumentErrors() throws {
        let encoder = try BatchEncoder(.e4m3fn)
        var out = [UInt8](repeating: 0, count: 3)
        let input: [Float] = [1, 2]
        var e = #expect(throws: BatchError.self) {
            _ = try input.withUnsafeBufferPointer { src in try out.withUnsafeMutableBufferPointer { try encoder.encode(src, into: $0) } }
        }
        #expect(e?.kind == .lengthMismatch)
        e = #expect(throws: BatchError.self) { _ = try BatchEncoder(.fp16).encode(input, as: UInt8.self) }
        #expect(e?.kind == .codeTypeTooNarrow)
        e = #expect(throws: BatchError.self) { _ = try encoder.encode(input, as: UInt8.self, options: .init(threads: 0)) }
        #expect(e?.kind == .invalidArgument)
        e = #expect(throws: BatchError.self) { _ = try encoder.encode(input, as: UInt8.self, options: .init(startIndex: .max)) }
        #expect(e?.kind == .tooLarge)
        e = #expect(throws: BatchError.self) { _ = try BatchEncoder(.fp16).encodePacked(input) }
        #expect(e?.kind == .invalidArgument)
        var packed = [UInt8](repeating: 0, count: 2)
        e = #expect(throws: BatchError.self) {
            _ = try input.withUnsafeBufferPointer { src in try packed.withUnsafeMutableBufferPointer { try BatchEncoder(.e2m1fn).encodePacked(src, into: $0) } }
        }
        #expect(e?.kind == .lengthMismatch)
        e = #expect(throws: BatchError.self) { _ = try BatchDecoder(.e2m1fn).decodePacked([0x12], count: 3, as: Float.self) }
        #expect(e?.kind == .lengthMismatch)
        e = #expect(throws: BatchError.self) { _ = try CodePacking.pack([1, 2], bitWidth: 9) }
        #expect(e?.kind == .invalidArgument)
        #expect(throws: FormatError.self) { _ = try BatchEncoder(.e4m3fn, rounding: .stochasticA(bits: 63)) }
        #expect(throws: BatchError.self) { _ = try BatchEncoder(.e2m1fn, nanPolicy: .codes(positive: 0x10, negative: 0)) }
        // A misaligned typed buffer (memory bound at an odd address).
        let raw = UnsafeMutableRawPointer.allocate(byteCount: 64, alignment: 16)
        defer { raw.deallocate() }
        let odd = (raw + 1).bindMemory(to: Float.self, capacity: 4)
        e = #expect(throws: BatchError.self) {
            _ = try out.withUnsafeMutableBufferPointer { try encoder.encode(UnsafeBufferPointer(start: odd, count: 3), into: $0) }
        }
        #expect(e?.kind == .misaligned)
        // Empty buffers are fine.
        #expect(try encoder.encode([Float](), as: UInt8.self).codes.isEmpty)
    }

    /// NaN into a format without NaN: the default policy throws, naming the first NaN; the output
    /// holds every element's code, NaNs as code 0. Other policies write their codes.
    @Test func nanPolicy() throws {
        let input: [Float] = [1, .nan, 2, -.nan, 3]
        var out = [UInt8](repeating: 0xEE, count: input.count)
        for threads in [1, 2] {
            let error = #expect(throws: BatchError.self) {
                _ = try input.withUnsafeBufferPointer { src in
                    try out.withUnsafeMutableBufferPointer { try BatchEncoder(.e2m1fn).encode(src, into: $0, options: .init(threads: threads)) }
                }
            }
            #expect(error?.kind == .nanInput(index: 1))
            #expect(error?.value?.isNaN == true)
            #expect(out == [0x2, 0x0, 0x4, 0x0, 0x5])
        }
        // Large input: the first NaN is found across blocks and threads.
        var big = [Float](repeating: 1.5, count: 100_000)
        big[70_001] = -.nan
        big[90_000] = .nan
        let error = #expect(throws: BatchError.self) { _ = try BatchEncoder(.e3m2fn).encode(big, as: UInt8.self, options: .init(threads: 3)) }
        #expect(error?.kind == .nanInput(index: 70_001))
        // ml_dtypes' choice: −0 for +NaN, +0 for −NaN.
        let ml = try BatchEncoder(.e2m1fn, nanPolicy: .codes(positive: 0x8, negative: 0x0))
        let (codes, status) = try ml.encode(input, as: UInt8.self)
        #expect(codes == [0x2, 0x8, 0x4, 0x0, 0x5])
        #expect(status.contains(.invalid))
        // Formats with NaN ignore the policy.
        let (e4, s4) = try BatchEncoder(.e4m3fn).encode(input, as: UInt8.self)
        #expect(e4 == [0x38, 0x7F, 0x40, 0xFF, 0x44])
        #expect(s4.isEmpty)
        let (z, _) = try BatchEncoder(.e2m1fn, nanPolicy: .zero).encode(input, as: UInt8.self)
        #expect(z == [0x2, 0x0, 0x4, 0x0, 0x5])
    }

    /// The status is the union of the elements' flags.
    @Test func flagsUnion() throws {
        let encoder = try BatchEncoder(.e4m3fn)
        #expect(try encoder.encode([1, 2, 448] as [Float], as: UInt8.self).status == [])
        #expect(try encoder.encode([1, 0.3] as [Float], as: UInt8.self).status == [.inexact])
        #expect(try encoder.encode([1, 1e-4] as [Float], as: UInt8.self).status == [.inexact, .underflow])
        #expect(try encoder.encode([1, 1000] as [Float], as: UInt8.self).status == [.inexact, .overflow])
        #expect(try BatchEncoder(.e2m1fn, nanPolicy: .zero).encode([Float.nan], as: UInt8.self).status == [.invalid])
        #expect(try BatchEncoder(.ue4m3).encode([-1] as [Float], as: UInt8.self).status == [.invalid])
    }

    /// The stream's definition: the generator replays the words; the 16-bit lanes of word 0 are
    /// exactly equidistributed per 65 536-element block.
    @Test func counterRandom() {
        let s = CounterRandom(seed: 42)
        var g = CounterRandomGenerator(seed: 42, index: 1234)
        #expect(g.next() == s.word(index: 1234, draw: 0))
        #expect(g.next() == s.word(index: 1234, draw: 1))
        #expect(s.word(index: 1) != s.word(index: 2))
        #expect(CounterRandom(seed: 43).word(index: 1) != s.word(index: 1))
        // Pinned values: changing the definition changes every stochastic result.
        #expect(CounterRandom.mix16(0) == 0)
        #expect(CounterRandom.splitmix64(0) == 0xE220_A839_7B1D_CDAF)
        var seen = [Bool](repeating: false, count: 65536)
        for i in 0..<65536 { seen[Int(s.word(index: UInt64(131_072 + i)) & 0xFFFF)] = true }
        #expect(seen.allSatisfy { $0 })
        // Mean of 8 random bits over a block: exactly 127.5.
        var sum = 0
        for i in 0..<65536 { sum += Int(s.word(index: UInt64(i)) & 0xFF) }
        #expect(sum == 127 * 65536 + 32768)
    }

    /// Stochastic rounding is unbiased on average: 1.1 in E4M3 (between 1 and 1.125) averages 1.1
    /// with variant B, and floor(ν·256)/256 with variant A.
    @Test func stochasticAverages() throws {
        let n = 65536
        let input = [Float](repeating: 1.1, count: n)
        let decoder = BatchDecoder(.e4m3fn)
        for (rule, expected) in [(RoundingRule.stochasticA(bits: 8), 1 + 0.125 * Double((0.8 * 256).rounded(.down)) / 256),
                                 (.stochasticB(bits: 8), 1 + 0.125 * (Double((Double(Float(1.1)) - 1) / 0.125 * 512).rounded(.down) + 1) / 512)] {
            let (codes, _) = try BatchEncoder(.e4m3fn, rounding: rule).encode(input, as: UInt8.self, options: .init(seed: 1))
            let mean = try decoder.decode(codes, as: Double.self).reduce(0, +) / Double(n)
            #expect(abs(mean - expected) < 1e-9, "\(rule) mean \(mean) expected \(expected)")
        }
    }
}

/// The examples in the batch API's documentation.
struct BatchDocumentationExamples {
    @Test func encoderExample() throws {
        let (codes, status) = try BatchEncoder(.e4m3fn).encode([0.3, 500, -1e-3] as [Float], as: UInt8.self)
        #expect(codes == [0x2A, 0x7F, 0x81])
        #expect(status == [.inexact, .underflow, .overflow])
        let values = try BatchDecoder(.e4m3fn).decode([0x2A, 0x7F] as [UInt8], as: Float.self)
        #expect(values[0] == 0.3125 && values[1].isNaN)
    }

    @Test func counterRandomExample() throws {
        let stream = CounterRandom(seed: 42)
        var g = CounterRandomGenerator(seed: 42, index: 7)
        #expect(g.next() == stream.word(index: 7))
        let x: [Float] = (0..<100).map { Float($0) * 0.37 }
        let (batch, _) = try BatchEncoder(.e4m3fn, rounding: .stochasticA(bits: 8)).encode(x, as: UInt8.self, options: .init(seed: 42))
        for i in 0..<x.count {
            var gi = CounterRandomGenerator(seed: 42, index: UInt64(i))
            let scalar = FloatFormat.e4m3fn.encode(Double(x[i]), rounding: .stochasticA(bits: 8), overflow: .none, random: &gi)
            #expect(scalar.code == UInt64(batch[i]))
        }
    }
}
