import Foundation
import Testing
@testable import ExMyAnalysis
import ExMy

/// The arithmetic core (`add`, `multiply`, `fusedMultiplyAdd` on ``FloatFormat``) that the dot-product study
/// rounds every step with, against an independent exact computation: the sum or product in the
/// exact long accumulator (products included), rounded once into the format through `ExactAccumulator.rounded(into:…)`.
/// Both end in the one rounding primitive; they share no exact arithmetic.
struct CoreArithmeticCrossCheckTests {
    static let formats: [FloatFormat] = {
        var list: [FloatFormat] = [.e4m3fn, .e5m2, .e4m3fnuz, .e2m1fn, .e3m2fn, .fp16, .bf16, .fp32, .ue4m3, .e8m0fnu, .mxint8]
        for spelling in ["e8m13", "e5m2:subnormals=off", "e11m52"] {
            if let f = try? FloatFormat(parsing: spelling) { list.append(f) }
        }
        return list
    }()

    /// Operands: values of the format, of E4M3/FP16, and random Doubles near the format's range.
    func operand(_ format: FloatFormat, _ g: inout SeededGenerator) -> Double {
        switch g.next() % 4 {
        case 0:
            let code = g.next() & format.codeMask
            let v = format.decode(code)
            return v.isFinite ? v : 1
        case 1:
            return FloatFormat.e4m3fn.decode(g.next() & 0x7E)
        case 2:
            return Double(Float16(bitPattern: UInt16(truncatingIfNeeded: g.next() & 0x7BFF)))  * (g.next() & 1 == 0 ? 1 : -1)
        default:
            let e = Int(g.next() % 80) - 40
            return (g.nextUnit() * 2 - 1) * pow(2, Double(e)) * max(1, format.greatestFiniteMagnitude.squareRoot())
        }
    }

    @Test(arguments: CoreArithmeticCrossCheckTests.formats)
    func addAndMultiplyMatchExactRounding(_ format: FloatFormat) {
        var g = SeededGenerator(seed: UInt64(format.bitWidth * 1000 + format.significandBitCount))
        var unused = SystemRandomNumberGenerator()
        var mismatches = 0
        for _ in 0..<4000 {
            let x = operand(format, &g), y = operand(format, &g)
            for rule in RoundingRule.deterministicRules {
                for overflow in [OverflowRule.none, .saturateFinite] {
                    var sum = ExactAccumulator()
                    sum.add(x)
                    sum.add(y)
                    if !sum.isZero {
                        let want = sum.rounded(into: format, rule: rule, overflow: overflow, random: &unused)
                        let got = format.add(x, y, rounding: rule, overflow: overflow, random: &unused)
                        if got != want {
                            mismatches += 1
                            if mismatches <= 5 { Issue.record("\(format.canonicalSpelling) add(\(x), \(y)) \(rule) \(overflow): core \(got), exact \(want)") }
                        }
                    }
                    var product = ExactAccumulator()
                    product.addProduct(x, y)
                    if !product.isZero {
                        let want = product.rounded(into: format, rule: rule, overflow: overflow, random: &unused)
                        let got = format.multiply(x, y, rounding: rule, overflow: overflow, random: &unused)
                        if got != want {
                            mismatches += 1
                            if mismatches <= 5 { Issue.record("\(format.canonicalSpelling) multiply(\(x), \(y)) \(rule) \(overflow): core \(got), exact \(want)") }
                        }
                    }
                }
            }
        }
        #expect(mismatches == 0)
    }

    /// Any finite `Double` (every exponent, subnormals included), from random bits.
    func anyFinite(_ g: inout SeededGenerator) -> Double {
        while true {
            let d = Double(bitPattern: g.next())
            if d.isFinite { return d }
        }
    }

    @Test(arguments: CoreArithmeticCrossCheckTests.formats)
    func fusedMultiplyAddMatchesExactRounding(_ format: FloatFormat) {
        var g = SeededGenerator(seed: UInt64(format.bitWidth * 7919 + format.significandBitCount))
        var unused = SystemRandomNumberGenerator()
        var mismatches = 0
        for i in 0..<6000 {
            // Mostly operands near the format; every fourth triple from the whole Double range (an
            // addend far above or below the product exercises the sticky bit).
            let wide = i % 4 == 3
            let x = wide ? anyFinite(&g) : operand(format, &g)
            let y = wide ? anyFinite(&g) : operand(format, &g)
            let z = wide && g.next() & 1 == 0 ? anyFinite(&g) : operand(format, &g)
            var exact = ExactAccumulator()
            exact.addProduct(x, y)
            exact.add(z)
            guard !exact.isZero else { continue }
            for rule in RoundingRule.deterministicRules {
                for overflow in [OverflowRule.none, .saturateFinite] {
                    let want = exact.rounded(into: format, rule: rule, overflow: overflow, random: &unused)
                    let got = format.fusedMultiplyAdd(x, y, z, rounding: rule, overflow: overflow, random: &unused)
                    if got != want {
                        mismatches += 1
                        if mismatches <= 5 { Issue.record("\(format.canonicalSpelling) fma(\(x), \(y), \(z)) \(rule) \(overflow): core \(got), exact \(want)") }
                    }
                }
            }
        }
        #expect(mismatches == 0)
    }

    @Test func stochasticRulesSeeTheSameIntermediate() {
        // The contract: stochastic rules round the exact result's 64-bit round-to-odd value. The
        // exact accumulator hands the primitive that value too, so with identically seeded
        // generators every decision must agree.
        var g = SeededGenerator(seed: 5)
        var mismatches = 0
        for format in [FloatFormat.fp16, .bf16, .e4m3fn, .fp32] {
            for rule in [RoundingRule.stochastic, .stochasticA(bits: 8), .stochasticB(bits: 13), .stochasticC(bits: 4)] {
                for _ in 0..<1000 {
                    let x = g.nextNormal() * 100, y = g.nextNormal() * 1e-3, z = g.nextNormal()
                    var fused = ExactAccumulator()
                    fused.addProduct(x, y)
                    fused.add(z)
                    var r1 = SeededGenerator(seed: g.next()), r2 = r1
                    if fused.rounded(into: format, rule: rule, overflow: .none, random: &r1)
                        != format.fusedMultiplyAdd(x, y, z, rounding: rule, overflow: .none, random: &r2) { mismatches += 1 }
                    var sum = ExactAccumulator()
                    sum.add(x)
                    sum.add(z)
                    var r3 = SeededGenerator(seed: g.next()), r4 = r3
                    if sum.rounded(into: format, rule: rule, overflow: .none, random: &r3)
                        != format.add(x, z, rounding: rule, overflow: .none, random: &r4) { mismatches += 1 }
                }
            }
        }
        #expect(mismatches == 0)
    }
}
