/// The exact sum of two finite nonzero values, rounded to odd at 64 bits: the core of addition,
/// subtraction and the fused multiply-add.
extension ExactResult {
    /// `(±a · 2^aExponent) + (±b · 2^bExponent)` for nonzero 128-bit significands `a = aHigh·2^64 + aLow`
    /// and `b = bHigh·2^64 + bLow` (any normalisation), exactly, then rounded to odd at 64 bits. An exact zero gets the
    /// IEEE 754 §6.3 sign: +0, or −0 when `roundingDown` (roundTowardNegative).
    ///
    /// Both significands are left-justified in a 192-bit window, so the larger one has 64 bits of
    /// room below its last possible nonzero bit. The smaller one is shifted right by the exponent
    /// difference `d` with jamming: for `d ≤ 64` the shift is exact (massive cancellation is then
    /// computed exactly); for `d > 64` the difference loses at most one leading bit, so the 64
    /// bits kept lie far above the jammed sticky bit, which then decides only round-to-odd's last bit
    /// — and decides it correctly, because a jammed bit is never at a position that is kept.
    @inlinable
    static func sum(
        aNegative: Bool, aHigh: UInt64, aLow: UInt64, aExponent: Int,
        bNegative: Bool, bHigh: UInt64, bLow: UInt64, bExponent: Int,
        roundingDown: Bool
    ) -> ExactResult {
        var a = WideUInt(high: aHigh, middle: aLow, low: 0)
        var b = WideUInt(high: bHigh, middle: bLow, low: 0)
        let aShift = a.leadingZeroBitCount, bShift = b.leadingZeroBitCount
        a = a.shiftedLeft(by: aShift)
        b = b.shiftedLeft(by: bShift)
        // value = wide · 2^exponent with the top bit of `wide` at 191.
        let aExp = aExponent - 64 - aShift, bExp = bExponent - 64 - bShift
        let aIsLarger = aExp > bExp || (aExp == bExp && !(a < b))
        let (large, largeExp, largeNegative) = aIsLarger ? (a, aExp, aNegative) : (b, bExp, bNegative)
        let (small, smallExp, smallNegative) = aIsLarger ? (b, bExp, bNegative) : (a, aExp, aNegative)
        let aligned = small.shiftedRightJamming(by: largeExp - smallExp)
        if largeNegative == smallNegative {
            let (sum, carry) = WideUInt.adding(large, aligned)
            if carry {
                var shifted = sum.shiftedRightJamming(by: 1)
                shifted.high |= 1 << 63
                return rounding(negative: largeNegative, shifted, exponent: largeExp + 1)
            }
            return rounding(negative: largeNegative, sum, exponent: largeExp)
        }
        if large == aligned { return .zero(negative: roundingDown) }
        return rounding(negative: largeNegative, WideUInt.subtracting(large, aligned), exponent: largeExp)
    }

    /// `x + y` (or `x − y` when `negatingY`), exactly, with IEEE 754 special cases.
    @inlinable
    static func sum(_ x: Double, _ y: Double, negatingY: Bool, roundingDown: Bool) -> ExactResult {
        let a = ExactOperand(x)
        var b = ExactOperand(y)
        if negatingY { b = b.negated }
        switch (a, b) {
        case (.nan, _), (_, .nan):
            return .quietNaN
        case (.infinity(let p), .infinity(let q)):
            return p == q ? .infinity(negative: p, divisionByZero: false) : .invalidNaN
        case (.infinity(let p), _), (_, .infinity(let p)):
            return .infinity(negative: p, divisionByZero: false)
        case (.zero(let p), .zero(let q)):
            return .zero(negative: p == q ? p : roundingDown)
        case (.zero, .finite(let n, let s, let e)), (.finite(let n, let s, let e), .zero):
            return .finite(negative: n, significand: s, exponent: e)
        case (.finite(let n1, let s1, let e1), .finite(let n2, let s2, let e2)):
            return sum(
                aNegative: n1, aHigh: 0, aLow: s1, aExponent: e1,
                bNegative: n2, bHigh: 0, bLow: s2, bExponent: e2, roundingDown: roundingDown)
        }
    }
}
