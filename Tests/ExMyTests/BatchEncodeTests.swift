import Foundation
import Testing
@testable import ExMy

/// The batch encoder against the scalar engine, code for code and flag for flag.
struct BatchEncodeTests {
    typealias S = BatchTestSupport

    struct Case: Sendable, CustomTestStringConvertible {
        var format: FloatFormat
        var testDescription: String { format.description }
    }

    static let cases = S.formats.map { Case(format: $0) }

    /// Every Float16 and bfloat16 pattern, the midpoints and specials, every deterministic rule.
    /// By default the exhaustive sets run under the two kernels' representative rules (nearest-even
    /// and toward zero) and a 1-in-16 sample under the other rules; `EXMY_LONG=1` runs all of them
    /// under every rule. The specials and midpoints run under every overflow rule.
    @Test(arguments: cases)
    func deterministicRulesMatchScalar(_ c: Case) throws {
        let f = c.format
        let exhaustive = S.allFloat16 + S.allBFloat16
        let sample = stride(from: 0, to: exhaustive.count, by: 16).map { exhaustive[$0] }
        let edges = S.midpoints(f) + S.specials
        for rule in RoundingRule.deterministicRules {
            for overflow in OverflowRule.allCases {
                var inputs = edges
                if overflow == .none {
                    inputs += S.long || rule == .toNearestOrEven || rule == .towardZero ? exhaustive : sample
                }
                let doubles = inputs.map(Double.init)
                let encoder = try BatchEncoder(f, rounding: rule, overflow: overflow, nanPolicy: .zero)
                let expected = S.scalar(f, rule, overflow, doubles)
                let got = try S.batchNatural(encoder, inputs)
                let mismatch = S.firstMismatch(got.codes, expected.codes, doubles)
                #expect(mismatch == nil, "\(f) \(rule) \(overflow): \(mismatch ?? "")")
                #expect(got.status == expected.status, "\(f) \(rule) \(overflow): flags")
                if mismatch != nil { return }
            }
        }
    }

    /// Flags element by element: each edge value alone, under both kernels' rules and every overflow rule.
    @Test(arguments: cases)
    func flagsPerElement(_ c: Case) throws {
        let f = c.format
        let edges = S.midpoints(f) + S.specials
        let step = S.long ? 1 : 3
        for rule in [RoundingRule.toNearestOrEven, .towardZero, .stochasticA(bits: 4)] {
            for overflow in OverflowRule.allCases {
                let encoder = try BatchEncoder(f, rounding: rule, overflow: overflow, nanPolicy: .zero)
                for k in stride(from: 0, to: edges.count, by: step) {
                    let v = edges[k]
                    let expected = S.scalar(f, rule, overflow, [Double(v)], seed: 9, startIndex: 5)
                    let got = try S.batch(encoder, [v], options: .init(seed: 9, startIndex: 5))
                    #expect(got.codes == expected.codes && got.status == expected.status,
                            "\(f) \(rule) \(overflow) \(v): \(got) vs \(expected)")
                }
            }
        }
    }

    /// Stochastic rules: the batch result equals the scalar engine driven by ``CounterRandomGenerator``.
    @Test(arguments: cases)
    func stochasticRulesMatchScalar(_ c: Case) throws {
        let f = c.format
        let exhaustive = S.allFloat16 + S.allBFloat16
        let sample = stride(from: 0, to: exhaustive.count, by: S.long ? 1 : 8).map { exhaustive[$0] }
        let inputs = S.midpoints(f) + S.specials + sample
        let doubles = inputs.map(Double.init)
        for rule in S.stochasticRules {
            for (seed, start) in [(UInt64(0), UInt64(0)), (0x5EED, 65_530)] {
                let encoder = try BatchEncoder(f, rounding: rule, overflow: .saturateFinite, nanPolicy: .zero)
                let expected = S.scalar(f, rule, .saturateFinite, doubles, seed: seed, startIndex: start)
                let got = try S.batchNatural(encoder, inputs, options: .init(seed: seed, startIndex: start))
                let mismatch = S.firstMismatch(got.codes, expected.codes, doubles)
                #expect(mismatch == nil, "\(f) \(rule) seed \(seed): \(mismatch ?? "")")
                #expect(got.status == expected.status, "\(f) \(rule): flags")
                if mismatch != nil { return }
            }
        }
    }
}

extension BatchEncodeTests {
    /// Which (format, rule) pairs run on the vector kernels.
    @Test func vectorKernelCoverage() throws {
        for f in [FloatFormat.e4m3fn, .e5m2, .e2m1fn, .e3m2fn, .e2m3fn, .e4m3fnuz, .e5m2fnuz, .e4m3b11fnuz, .e3m4, .e4m3, .ue4m3, .mxint8, .fp16, .bf16, .tf32] {
            for rule in RoundingRule.deterministicRules + [.stochasticA(bits: 8), .stochasticB(bits: 8), .stochasticC(bits: 8)] {
                #expect(try BatchEncoder(f, rounding: rule).usesVectorKernel, "\(f) \(rule)")
            }
        }
        #expect(try BatchEncoder(try FloatFormat(parsing: "e3m3:bias=5,subnormals=off")).usesVectorKernel)
        for rule in [RoundingRule.toNearestOrEven, .towardZero, .up, .stochasticA(bits: 8)] {
            #expect(try BatchEncoder(.e8m0fnu, rounding: rule).usesVectorKernel, "e8m0fnu \(rule)")
            #expect(try BatchEncoder(.fp32, rounding: rule).usesVectorKernel, "fp32 \(rule)")
            // binary8p1uf ties to the even code (P3109 v4.0 §4.7.4); its bias 128 makes the Float
            // exponent's parity the opposite of the code's, so nearest-even goes to the scalar engine.
            if rule != .toNearestOrEven {
                #expect(try BatchEncoder(try FloatFormat(parsing: "binary8p1uf"), rounding: rule).usesVectorKernel, "binary8p1uf \(rule)")
            }
        }
        #expect(try !BatchEncoder(try FloatFormat(parsing: "binary8p1uf"), rounding: .toNearestOrEven).usesVectorKernel)
        #expect(try BatchEncoder(try FloatFormat(parsing: "e8m0:bias=127,subnormals=off,zero=off,unsigned,specials=fn,ties=even-code")).usesVectorKernel)
        #expect(try !BatchEncoder(.e8m0fnu, rounding: .toOdd).usesVectorKernel)
        #expect(try !BatchEncoder(.e4m3fn, rounding: .stochastic).usesVectorKernel)
        #expect(try !BatchEncoder(.e4m3fn, rounding: .stochasticA(bits: 21)).usesVectorKernel)
        #expect(try !BatchEncoder(try FloatFormat(parsing: "e8m3:bias=130"), rounding: .toNearestOrEven).usesVectorKernel)
    }
}

extension BatchEncodeTests {
    /// Random Float bit patterns (full significands: sticky bits below every rounding position),
    /// every rule; 1 in 8 of them near each format's range. `EXMY_LONG=1`: 2^20 per format and rule.
    @Test(arguments: cases)
    func randomFloatsMatchScalar(_ c: Case) throws {
        let f = c.format
        let n = S.long ? 1 << 20 : 3000
        var g = CounterRandomGenerator(seed: UInt64(f.bitWidth * 1000 + f.significandBitCount), index: 0)
        let scale = Float(min(f.greatestFiniteMagnitude, 1e30))
        let inputs: [Float] = (0..<n).map { k in
            let w = g.next()
            if k % 8 == 0 { return Float(bitPattern: UInt32(truncatingIfNeeded: w)) }
            let u = Float(bitPattern: 0x3F80_0000 | UInt32(truncatingIfNeeded: w >> 41))  // [1, 2), 23 random bits
            let e = Int((w >> 32) % 64) - 56
            return (w & 1 == 0 ? 1 : -1) * scale * Float(sign: .plus, exponent: e, significand: u)
        }
        let doubles = inputs.map(Double.init)
        for rule in RoundingRule.deterministicRules + S.stochasticRules {
            let encoder = try BatchEncoder(f, rounding: rule, overflow: .none, nanPolicy: .zero)
            let expected = S.scalar(f, rule, .none, doubles, seed: 5)
            let got = try S.batchNatural(encoder, inputs, options: .init(seed: 5))
            let mismatch = S.firstMismatch(got.codes, expected.codes, doubles)
            #expect(mismatch == nil, "\(f) \(rule): \(mismatch ?? "")")
            #expect(got.status == expected.status, "\(f) \(rule) flags")
            if mismatch != nil { return }
        }
    }

    /// Every one of the 2^32 Float bit patterns, for a few formats and rules (`EXMY_ALL_FLOATS=1`,
    /// release build: about a minute per pair on two cores).
    @Test(.enabled(if: ProcessInfo.processInfo.environment["EXMY_ALL_FLOATS"] == "1"))
    func allFloats() throws {
        let pairs: [(FloatFormat, RoundingRule)] = [
            (.e4m3fn, .toNearestOrEven), (.e5m2, .toNearestOrEven), (.e2m1fn, .toNearestOrEven),
            (try FloatFormat(parsing: "e3m3:bias=5,subnormals=off"), .toNearestOrEven),
            (.e4m3fn, .towardZero), (.e2m1fn, .stochasticA(bits: 8)), (.e4m3fn, .stochasticC(bits: 8)),
        ]
        for (f, rule) in pairs {
            let encoder = try BatchEncoder(f, rounding: rule, overflow: .saturateFinite, nanPolicy: .zero)
            let chunk = 1 << 24
            var inputs = [Float](repeating: 0, count: chunk)
            var codes = [UInt8](repeating: 0, count: chunk)
            for start in stride(from: 0, to: 1 << 32, by: chunk) {
                for k in 0..<chunk { inputs[k] = Float(bitPattern: UInt32(start + k)) }
                _ = try inputs.withUnsafeBufferPointer { src in
                    try codes.withUnsafeMutableBufferPointer { try encoder.encode(src, into: $0, options: .init(seed: 1, startIndex: UInt64(start))) }
                }
                let bad = try Self.firstScalarMismatch(f, rule, inputs, codes, start)
                #expect(bad == nil, "\(f) \(rule): \(bad ?? "")")
                if bad != nil { return }
            }
        }
    }

    /// Compares `codes` with the scalar engine on all cores.
    static func firstScalarMismatch(_ f: FloatFormat, _ rule: RoundingRule, _ inputs: [Float], _ codes: [UInt8], _ start: Int) throws -> String? {
        let n = inputs.count
        let parts = ProcessInfo.processInfo.activeProcessorCount
        let box = UncheckedSendable((inputs, codes))
        let found = BatchParallel.run(count: n, threads: parts) { range -> String? in
            let stream = CounterRandom(seed: 1)
            for k in range {
                var g = CounterRandomGenerator(stream: stream, index: UInt64(start + k))
                let e = f.encode(Double(box.value.0[k]), rounding: rule, overflow: .saturateFinite, random: &g)
                let want = box.value.0[k].isNaN && f.nanCode() == nil ? 0 : e.code
                if want != UInt64(box.value.1[k]) {
                    return "input bits 0x\(String(box.value.0[k].bitPattern, radix: 16)): batch 0x\(String(box.value.1[k], radix: 16)) scalar 0x\(String(want, radix: 16))"
                }
            }
            return nil
        }
        return found.compactMap { $0 }.first
    }
}
