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
        #expect(try !BatchEncoder(.fp32).usesVectorKernel)
        #expect(try !BatchEncoder(.e4m3fn, rounding: .stochastic).usesVectorKernel)
    }
}
