#if MPFR  // the cross-checks need GNU MPFR: swift test --traits MPFR
import Foundation
import Testing
import ExMy
import ExMyVerification

/// ExMy against MPFR, zero mismatches allowed (docs/verification.md lists the counts).
struct MPFRCrossCheckTests {
    /// Every catalog format: every code's value; boundaries, every Float16 and every bfloat16 input
    /// under every deterministic rule × every overflow rule; 10^6 random Doubles and 10^6 random
    /// Floats per format, cycling through the rule pairs. Wide formats (TF32, FP32) take a sample of
    /// their codes and midpoints.
    @Test(arguments: FloatFormat.catalog)
    func catalogFormat(_ format: FloatFormat) {
        let codes = CrossCheck.checkCodes(format)
        #expect(codes.mismatches.isEmpty, "\(codes.mismatches.prefix(5))")
        let tally = CrossCheck.run(format, randomCount: Self.randomCount)
        #expect(tally.mismatches.isEmpty, "\(tally.mismatches.prefix(5).map(\.description))")
        #expect(tally.total > 3_000_000)
    }

    /// The P3109 family for K = 3 … 8 (120 formats): codes, boundaries and every Float16 input under
    /// every rule pair.
    @Test(arguments: FloatFormat.p3109Family)
    func p3109Format(_ format: FloatFormat) {
        #expect(CrossCheck.checkCodes(format).mismatches.isEmpty)
        let tally = CrossCheck.run(format, sets: [.boundaries, .float16], randomCount: 0)
        #expect(tally.mismatches.isEmpty, "\(tally.mismatches.prefix(5).map(\.description))")
    }

    /// The parametric space: every (E, M) with 2 ≤ 1 + E + M ≤ 16, subnormals on and off, three
    /// biases (IEEE, IEEE − 3, IEEE + 5), specials none and IEEE, on every midpoint and its
    /// neighbours (a seeded sample of 4096 midpoints for formats of more than 12 bits).
    @Test(arguments: 2...16)
    func parametricSpace(width: Int) {
        var formats = 0, comparisons = 0
        var mismatches: [String] = []
        for e in 0...min(11, width - 1) {
            let m = width - 1 - e
            guard m <= 52 else { continue }
            let ieee = e == 0 ? 0 : (1 << (e - 1)) - 1
            for subnormals in [true, false] {
                for bias in [ieee, ieee - 3, ieee + 5] {
                    for specials in [SpecialValueEncoding.none, .ieee] {
                        guard let f = try? FloatFormat(exponentBitCount: e, significandBitCount: m, bias: bias, hasSubnormals: subnormals, specials: specials) else { continue }
                        formats += 1
                        let rules = width <= 10 ? RoundingRule.deterministicRules : [.toNearestOrEven, .towardZero, .toOdd, .up]
                        let tally = CrossCheck.run(f, sets: [.boundaries], rules: rules, randomCount: 0, sample: width > 12 ? 4096 : 1 << 16, limit: 3)
                        comparisons += tally.total
                        mismatches += tally.mismatches.map(\.description)
                    }
                }
            }
        }
        #expect(formats > 0)
        #expect(mismatches.isEmpty, "\(mismatches.prefix(5))")
        #expect(comparisons > 0)
    }

    /// Stochastic rounding: variants A, B, C and exact rounding equal the oracle for given random
    /// values; the empirical frequency matches the exact probability (false-alarm rate ≈ 10^-4).
    @Test(arguments: [FloatFormat.e4m3fn, .e5m2, .e2m1fn, .e3m2fn, .e8m0fnu, .mxint8, .fp3E1M1NoSubnormals])
    func stochastic(_ format: FloatFormat) {
        let xs = Array(CrossCheck.inputs(.boundaries, format).prefix(400)) + CrossCheck.inputs(.randomDouble, format, count: 300)
        let r = CrossCheck.runStochastic(format, inputs: xs, draws: 2)
        #expect(r.mismatches.isEmpty, "\(r.mismatches.prefix(5))")
        #expect(r.count > 10_000)
        let f = CrossCheck.frequencyTest(format, inputs: CrossCheck.inputs(.randomDouble, format, count: 40, seed: 3), trials: 4000)
        #expect(f.isEmpty, "\(f.prefix(5))")
    }

    /// `EXMY_LONG=1`: all 2^32 Float inputs for the 8-bit catalog formats under nearest-even with
    /// each overflow rule (minutes per format in release builds).
    @Test(.enabled(if: ProcessInfo.processInfo.environment["EXMY_LONG"] == "1"), arguments: FloatFormat.catalog.filter { $0.bitWidth == 8 })
    func everyFloat(_ format: FloatFormat) {
        let ref = CrossCheck.reference(format)
        var bad = 0
        for bits in UInt32.min...UInt32.max {
            let x = Double(Float(bitPattern: bits))
            for o in OverflowRule.allCases where CrossCheck.compare(x, format, ref, .toNearestOrEven, o) != nil { bad += 1 }
            if bad > 10 { break }
        }
        #expect(bad == 0)
    }

    static var randomCount: Int { Int(ProcessInfo.processInfo.environment["EXMY_RANDOM_COUNT"] ?? "") ?? 1_000_000 }
}
#endif
