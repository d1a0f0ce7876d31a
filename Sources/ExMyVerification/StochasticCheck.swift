#if MPFR  // the oracle needs GNU MPFR (libmpfr-dev): built with the package trait MPFR
import ExMy
import Foundation
import MPFRReference

extension CrossCheck {
    /// A generator that replays words, then zeros: drives the engine with the same uniform `u` the
    /// oracle is given.
    struct Replay: RandomNumberGenerator {
        var words: [UInt64]
        var index = 0
        mutating func next() -> UInt64 {
            defer { index += 1 }
            return index < words.count ? words[index] : 0
        }
    }

    /// Compares stochastic rounding: for each input and each of `draws` random values, variants
    /// A, B and C with `bits` random bits and exact-probability rounding with a 64-bit uniform give
    /// the oracle's answer (the oracle takes its candidates from MPFR's RNDZ/RNDA roundings and
    /// decides from the exact remainder). Returns (comparisons, mismatches).
    public static func runStochastic(_ format: FloatFormat, inputs xs: [Double], bits: [Int] = [1, 3, 8, 16],
                                     draws: Int = 8, seed: UInt64 = 7, limit: Int = 10) -> (count: Int, mismatches: [String]) {
        let ref = reference(format)
        var g = SplitMix64(seed: seed)
        var bad: [String] = []
        var n = 0
        func check(_ x: Double, _ got: FloatFormat.Encoded, _ want: ReferenceResult, _ what: String) {
            n += 1
            let value = format.decode(got.code)
            let ok = x.isNaN && format.nanCode() == nil ? got.status.contains(.invalid) && want.flags.contains(.invalid)
                : ReferenceResult(value: value, flags: flags(got.status)) == want
            if !ok && bad.count < limit { bad.append("\(format) x = \(x) \(what): ExMy \(value) \(got.status), MPFR \(want)") }
        }
        for x in xs {
            for overflow in OverflowRule.allCases {
                for _ in 0..<draws {
                    let r = g.next()
                    for b in bits {
                        for (rule, variant) in [(RoundingRule.stochasticA(bits: b), ReferenceStochastic.variantA), (.stochasticB(bits: b), .variantB), (.stochasticC(bits: b), .variantC)] {
                            var replay = Replay(words: [r])
                            let got = format.encode(x, rounding: rule, overflow: overflow, random: &replay)
                            let want = MPFRReference.convertStochastic(x, to: ref, variant: variant, randomBits: b, random: r, overflow: reference(overflow))
                            check(x, got, want, "\(rule) R=\(r & ((1 << UInt64(b)) - 1)) \(overflow.rawValue)")
                        }
                    }
                    var replay = Replay(words: [r])
                    let got = format.encode(x, rounding: .stochastic, overflow: overflow, random: &replay)
                    let want = MPFRReference.convertStochastic(x, to: ref, uniform: r, overflow: reference(overflow))
                    check(x, got, want, "stochastic u=\(r) \(overflow.rawValue)")
                }
            }
        }
        return (n, bad)
    }

    /// A statistical test of exact-probability stochastic rounding with a real generator: for each
    /// input, `trials` conversions must round up with a frequency consistent with MPFR's exact
    /// probability ν. The test statistic is `|k − nν| / sqrt(nν(1−ν))`; the threshold 5.0 gives a
    /// false-alarm rate below 6·10^-7 per input (normal approximation), so about 10^-4 over a run of
    /// 100 inputs. Returns the failures.
    public static func frequencyTest(_ format: FloatFormat, inputs xs: [Double], trials: Int = 20_000, seed: UInt64 = 11) -> [String] {
        let ref = reference(format)
        var g = SplitMix64(seed: seed)
        var failures: [String] = []
        for x in xs where x.isFinite {
            let c = MPFRReference.stochasticCandidates(x, in: ref)
            let nu = c.fraction.value
            guard c.lo != c.hi, nu > 0, nu < 1 else { continue }
            // In-range inputs only: beyond the greatest value the overflow rule, not ν, decides.
            if abs(c.hi) > MPFRReference.greatestFiniteMagnitude(ref) || (x < 0 && format.signedness != .signMagnitude) { continue }
            var ups = 0
            for _ in 0..<trials {
                let code = format.encode(x, rounding: .stochastic, overflow: .none, random: &g).code
                let v = format.decode(code)
                if v == c.hi || (v.isInfinite || v.isNaN) { ups += 1 } else if v != c.lo {
                    failures.append("\(format) x = \(x): stochastic result \(v) is neither MPFR candidate \(c.lo) nor \(c.hi)")
                    break
                }
            }
            let n = Double(trials)
            let z = abs(Double(ups) - n * nu) / (n * nu * (1 - nu)).squareRoot()
            if z > 5 { failures.append("\(format) x = \(x): \(ups)/\(trials) rounded up, expected ν = \(nu) (z = \(z))") }
        }
        return failures
    }
}
#endif
