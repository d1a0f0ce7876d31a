import Testing
@testable import ExMy

/// Stochastic rounding: enumerating every value of the N random bits gives exactly the counts the
/// P3109 formulas prescribe, computed here from the input's exact position between its neighbours.
struct StochasticRoundingTests {
    /// A generator that returns the given words in turn.
    struct Replay: RandomNumberGenerator {
        var words: [UInt64]
        var index = 0
        mutating func next() -> UInt64 { defer { index += 1 }; return words[index % words.count] }
    }

    /// x = lo + k/2^s · (hi − lo) in E4M3FN, with lo = 1.25, hi = 1.375 (quantum 1/8).
    static func input(k: Int, s: Int) -> Double { 1.25 + Double(k) / Double(1 << s) * 0.125 }

    @Test(arguments: [1, 2, 3, 4, 6, 8])
    func variantCountsMatchFormulas(bits n: Int) {
        let f = FloatFormat.e4m3fn
        let lo = f.encode(1.25).code, hi = f.encode(1.375).code
        for s in [3, 5, 10] {
            for k in 0..<(1 << s) {
                let x = Self.input(k: k, s: s)
                // ν = k / 2^s exactly.
                var counts = [0, 0, 0]
                for r in 0..<(1 << n) {
                    for (i, rule) in [RoundingRule.stochasticA(bits: n), .stochasticB(bits: n), .stochasticC(bits: n)].enumerated() {
                        var g = Replay(words: [UInt64(r)])
                        let code = f.encode(x, rounding: rule, overflow: .none, random: &g).code
                        #expect(code == lo || code == hi)
                        if code == hi { counts[i] += 1 }
                    }
                }
                // Expected counts over all 2^n values of R, straight from the definitions:
                // A: #{R : floor(ν 2^n) + R ≥ 2^n} = floor(ν 2^n)
                let scaledA = (k << n) >> s
                // B: #{R : floor(ν 2^(n+1)) + 2R + 1 ≥ 2^(n+1)}
                let t = (k << (n + 1)) >> s
                let expectedB = (0..<(1 << n)).filter { t + 2 * $0 + 1 >= 1 << (n + 1) }.count
                // C: roundTiesToEven(ν 2^n)
                let num = k << n, den = 1 << s
                var c = num / den
                let rem = num % den
                if 2 * rem > den || (2 * rem == den && c % 2 == 1) { c += 1 }
                #expect(counts[0] == scaledA, "A n=\(n) k=\(k)/2^\(s)")
                #expect(counts[1] == expectedB, "B n=\(n) k=\(k)/2^\(s)")
                #expect(counts[2] == min(c, 1 << n), "C n=\(n) k=\(k)/2^\(s)")
            }
        }
    }

    @Test func exactProbabilityUsesTheFullFraction() {
        // ν = 3/8: rounding up iff u < 3/8, with u the first word / 2^64.
        let f = FloatFormat.e4m3fn
        let x = Self.input(k: 3, s: 3)
        let threshold = UInt64(3) << 61
        for (word, up) in [(threshold - 1, true), (threshold, false), (0, true), (UInt64.max, false)] {
            var g = Replay(words: [word])
            let code = f.encode(x, rounding: .stochastic, overflow: .none, random: &g).code
            #expect((code == f.encode(1.375).code) == up)
        }
        // A tiny ν (a subnormal Double into E4M3FN): needs leading zero words; exact decision.
        let tiny = 0x1p-1000
        var zeros = Replay(words: [0])
        #expect(f.encode(tiny, rounding: .stochastic, overflow: .none, random: &zeros).code == 1)
        var ones = Replay(words: [1])
        #expect(f.encode(tiny, rounding: .stochastic, overflow: .none, random: &ones).code == 0)
    }

    @Test func exactInputsNeverConsumeRandomness() {
        struct Trap: RandomNumberGenerator { mutating func next() -> UInt64 { Issue.record("drew randomness"); return 0 } }
        var g = Trap()
        for rule in [RoundingRule.stochastic, .stochasticA(bits: 8), .stochasticB(bits: 8), .stochasticC(bits: 8)] {
            _ = FloatFormat.e4m3fn.encode(1.25, rounding: rule, overflow: .none, random: &g)
        }
    }

    @Test func invalidBitCountsAreRejected() {
        #expect(throws: FormatError.self) { try RoundingRule.stochasticA(bits: 0).validated() }
        #expect(throws: FormatError.self) { try RoundingRule.stochasticB(bits: 63).validated() }
        #expect(throws: Never.self) { try RoundingRule.stochasticC(bits: 62).validated() }
    }

    /// The unchecked scalar paths (conversion, arithmetic, typed values, the primitive itself) must
    /// not trap on a bad bit count: they answer NaN with the invalid flag (fuzz-style regression).
    @Test(arguments: [-1, 0, 63, 64, Int.min, Int.max])
    func invalidBitCountsDoNotTrap(bits: Int) {
        var g = SystemRandomNumberGenerator()
        for rule in [RoundingRule.stochasticA(bits: bits), .stochasticB(bits: bits), .stochasticC(bits: bits)] {
            #expect(!rule.isValid)
            let r = FloatFormat.e4m3fn.encode(1.3, rounding: rule, overflow: .none, random: &g)
            #expect(r.code == FloatFormat.e4m3fn.nanCode() && r.status == .invalid)
            let sum = FloatFormat.e4m3fn.add(1, 0.3, rounding: rule, overflow: .none, random: &g)
            #expect(sum.code == FloatFormat.e4m3fn.nanCode() && sum.status == .invalid)
            let none = FloatFormat.e2m1fn.encode(1.3, rounding: rule, overflow: .none, random: &g)
            #expect(none.code == 0 && none.status == .invalid)
            #expect(Float8E4M3FN(1.3, rounding: rule).isNaN)
            let m = FloatFormat.e4m3fn.roundMagnitude(significand: 27, exponent: -4, negative: false, rule: rule, random: &g)
            #expect(m.inexact)
        }
        #expect(RoundingRule.stochasticA(bits: 8).isValid && RoundingRule.toOdd.isValid)
    }
}
