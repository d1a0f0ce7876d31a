/// The exact quotient of two values, rounded to odd at 64 bits.
extension ExactResult {
    /// `x / y` by long division of the significands: a 64-bit quotient and a remainder whose
    /// nonzeroness is the sticky bit. IEEE 754 special cases: 0/0 and ∞/∞ are invalid; a finite
    /// nonzero x over ±0 is ±∞ with `divisionByZero`; signs of zero and infinite results are the
    /// XOR of the operands' signs.
    @inlinable
    static func quotient(_ x: Double, _ y: Double) -> ExactResult {
        switch (ExactOperand(x), ExactOperand(y)) {
        case (.nan, _), (_, .nan):
            return .quietNaN
        case (.infinity, .infinity), (.zero, .zero):
            return .invalidNaN
        case (.infinity(let p), .zero(let q)), (.infinity(let p), .finite(let q, _, _)):
            return .infinity(negative: p != q, divisionByZero: false)
        case (.finite(let p, _, _), .zero(let q)):
            return .infinity(negative: p != q, divisionByZero: true)
        case (.zero(let p), .infinity(let q)), (.zero(let p), .finite(let q, _, _)), (.finite(let p, _, _), .infinity(let q)):
            return .zero(negative: p != q)
        case (.finite(let p, let s1, let e1), .finite(let q, let s2, let e2)):
            // Left-justify both: a, b ∈ [2^63, 2^64).
            let aShift = s1.leadingZeroBitCount, bShift = s2.leadingZeroBitCount
            let a = s1 << UInt64(aShift), b = s2 << UInt64(bShift)
            // (a · 2^64) / b needs a < b for a 64-bit quotient; otherwise divide (a · 2^63) / b.
            // Either way the quotient lies in [2^63, 2^64).
            let dividend: (high: UInt64, low: UInt64) = a < b ? (a, 0) : (a >> 1, a << 63)
            let (quotient, remainder) = b.dividingFullWidth(dividend)
            let scale = a < b ? 64 : 63
            // x / y = (a / b) · 2^(e1 − aShift − e2 + bShift), and a/b = quotient · 2^−scale (+ rest).
            return .finite(
                negative: p != q, significand: quotient | (remainder != 0 ? 1 : 0),
                exponent: e1 - aShift - e2 + bShift - scale)
        }
    }
}
