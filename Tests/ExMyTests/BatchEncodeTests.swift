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

    /// Every Float16 and bfloat16 pattern, the midpoints and specials, every deterministic rule, one
    /// overflow rule; the specials and midpoints under every overflow rule.
    @Test(arguments: cases)
    func deterministicRulesMatchScalar(_ c: Case) throws {
        let f = c.format
        let exhaustive = S.allFloat16 + S.allBFloat16
        let edges = S.midpoints(f) + S.specials
        let rules = RoundingRule.deterministicRules
        for rule in rules {
            for overflow in OverflowRule.allCases {
                let inputs = overflow == .none ? exhaustive + edges : edges
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
