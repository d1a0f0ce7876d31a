/// The exact square root of a value, rounded to odd at 64 bits.
extension ExactResult {
    /// `√x` by the digit-by-digit integer square root of a 127- or 128-bit integer: a 64-bit root
    /// and a remainder whose nonzeroness is the sticky bit. IEEE 754 special cases: √(±0) = ±0,
    /// √(+∞) = +∞, and the square root of a negative nonzero number (−∞ included) is invalid.
    @inlinable
    static func squareRoot(_ x: Double) -> ExactResult {
        switch ExactOperand(x) {
        case .nan: return .quietNaN
        case .zero(let n): return .zero(negative: n)
        case .infinity(let n): return n ? .invalidNaN : .infinity(negative: false, divisionByZero: false)
        case .finite(let n, let s, let e):
            if n { return .invalidNaN }
            // x = (a · 2^64) · 2^exponent with a ∈ [2^63, 2^64); make the exponent even.
            let shift = s.leadingZeroBitCount
            let a = s << UInt64(shift)
            var exponent = e - shift - 64
            var radicand = WideUInt(high: 0, middle: a, low: 0)
            if exponent & 1 != 0 {
                radicand = WideUInt(high: 0, middle: a >> 1, low: a << 63)  // exact: the low bits are 0
                exponent += 1
            }
            let (root, exact) = integerSquareRoot(radicand)
            return .finite(negative: false, significand: root | (exact ? 0 : 1), exponent: exponent / 2)
        }
    }

    /// `⌊√n⌋` of a 128-bit `n` (in the middle and low words) and whether it is exact, by the
    /// restoring digit-by-digit method (two bits of `n` per step, 64 steps).
    @inlinable
    static func integerSquareRoot(_ n: WideUInt) -> (root: UInt64, exact: Bool) {
        var remainder = WideUInt.zero
        var root: UInt64 = 0
        for step in 0..<64 {
            // The next two bits of n, from the top.
            let position = 126 - 2 * step
            let word = position >= 64 ? n.middle : n.low
            let pair = (word >> UInt64(position & 63)) & 3
            remainder = remainder.shiftedLeft(by: 2)
            remainder.low |= pair
            // Trial subtrahend 4·root + 1 (up to 66 bits).
            let trial = WideUInt(high: 0, middle: root >> 62, low: root << 2 | 1)
            if !(remainder < trial) {
                remainder = WideUInt.subtracting(remainder, trial)
                root = root << 1 | 1
            } else {
                root <<= 1
            }
        }
        return (root, remainder.isZero)
    }
}
