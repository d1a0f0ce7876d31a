/// The integral value of `x` under a `FloatingPointRoundingRule`, which is always exact.
extension ExactResult {
    /// `x` rounded to an integral value with `rule` (IEEE 754 `roundToIntegral…`), computed on the
    /// integer significand. The result is exact; a zero result keeps the sign of `x` (−0.4 → −0);
    /// ±∞ stays ±∞.
    @inlinable
    static func integral(_ x: Double, _ rule: FloatingPointRoundingRule) -> ExactResult {
        integral(x, rule, toOdd: false).result
    }

    /// `x` rounded to an integral value with `rule`, or to odd when `toOdd` (the truncated integer,
    /// with its last bit set when the truncation was inexact: SoftFloat's `softfloat_round_odd` in
    /// `roundToInt`), and whether the integral value differs from `x` (for `roundToIntegralExact`).
    @inlinable
    static func integral(_ x: Double, _ rule: FloatingPointRoundingRule, toOdd: Bool) -> (result: ExactResult, inexact: Bool) {
        switch ExactOperand(x) {
        case .nan: return (.quietNaN, false)
        case .infinity(let n): return (.infinity(negative: n, divisionByZero: false), false)
        case .zero(let n): return (.zero(negative: n), false)
        case .finite(let negative, let s, let e):
            if e >= 0 { return (.finite(negative: negative, significand: s, exponent: e), false) }
            let shift = -e
            // n = ⌊|x|⌋, and the discarded fraction compared with one half.
            let n: UInt64
            let fractionIsZero: Bool
            let fractionVersusHalf: Int  // sign of (fraction − 1/2)
            if shift < 64 {
                n = s >> UInt64(shift)
                let fraction = s & ((1 << UInt64(shift)) - 1)
                let half: UInt64 = 1 << UInt64(shift - 1)
                fractionIsZero = fraction == 0
                fractionVersusHalf = fraction < half ? -1 : fraction == half ? 0 : 1
            } else {
                n = 0  // |x| < 2^53 · 2^−64 < 1/2
                fractionIsZero = false
                fractionVersusHalf = -1
            }
            let up: Bool
            if toOdd {
                up = !fractionIsZero && n & 1 == 0
            } else {
                switch rule {
                case .toNearestOrEven: up = fractionVersusHalf > 0 || (fractionVersusHalf == 0 && n & 1 == 1)
                case .toNearestOrAwayFromZero: up = fractionVersusHalf >= 0
                case .towardZero: up = false
                case .awayFromZero: up = !fractionIsZero
                case .up: up = !fractionIsZero && !negative
                case .down: up = !fractionIsZero && negative
                @unknown default:
                    // A rule added to the standard library later: Double's own (exact) integral rounding.
                    return (integral(x.rounded(rule), .towardZero), !fractionIsZero)
                }
            }
            let magnitude = up ? n + 1 : n
            if magnitude == 0 { return (.zero(negative: negative), !fractionIsZero) }
            return (.finite(negative: negative, significand: magnitude, exponent: 0), !fractionIsZero)
        }
    }
}
