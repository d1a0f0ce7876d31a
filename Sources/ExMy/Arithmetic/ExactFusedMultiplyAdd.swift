/// The exact value of `x · y + z`, rounded to odd at 64 bits.
extension ExactResult {
    /// `x · y + z` with a single rounding: the exact 106-bit product and the addend are summed
    /// exactly in a 192-bit window (``sum(aNegative:aHigh:aLow:aExponent:bNegative:bHigh:bLow:bExponent:roundingDown:)``).
    ///
    /// IEEE 754 special cases: 0 · ∞ is invalid (also when z is ∞), ∞ − ∞ between the product and
    /// z is invalid; a NaN operand gives the quiet NaN without a flag, and fma(0, ∞, NaN) too unless
    /// `zeroTimesInfinityPlusNaNIsInvalid` (IEEE 754 §7.2(c) leaves that flag to the
    /// implementation). An exact zero result is the sum of the product's zero (sign XOR) and z's
    /// zero, or of a cancellation: +0, or −0 when `roundingDown`.
    @inlinable
    static func fusedMultiplyAdd(
        _ x: Double, _ y: Double, _ z: Double, roundingDown: Bool, zeroTimesInfinityPlusNaNIsInvalid: Bool = false
    ) -> ExactResult {
        let a = ExactOperand(x), b = ExactOperand(y), c = ExactOperand(z)
        if case .nan = a { return .quietNaN }
        if case .nan = b { return .quietNaN }
        if case .nan = c {
            switch (a, b) {
            case (.infinity, .zero), (.zero, .infinity): return zeroTimesInfinityPlusNaNIsInvalid ? .invalidNaN : .quietNaN
            default: return .quietNaN
            }
        }
        // The product's class, or its exact 128-bit significand.
        switch (a, b) {
        case (.infinity, .zero), (.zero, .infinity):
            return .invalidNaN
        case (.infinity(let p), .infinity(let q)), (.infinity(let p), .finite(let q, _, _)), (.finite(let p, _, _), .infinity(let q)):
            let negative = p != q
            if case .infinity(let r) = c, r != negative { return .invalidNaN }
            return .infinity(negative: negative, divisionByZero: false)
        case (.zero(let p), .zero(let q)), (.zero(let p), .finite(let q, _, _)), (.finite(let p, _, _), .zero(let q)):
            let negative = p != q
            switch c {
            case .infinity(let r): return .infinity(negative: r, divisionByZero: false)
            case .zero(let r): return .zero(negative: negative == r ? r : roundingDown)
            case .finite(let r, let s, let e): return .finite(negative: r, significand: s, exponent: e)
            case .nan: return .quietNaN
            }
        case (.finite(let p, let s1, let e1), .finite(let q, let s2, let e2)):
            let negative = p != q
            let (high, low) = s1.multipliedFullWidth(by: s2)
            switch c {
            case .infinity(let r): return .infinity(negative: r, divisionByZero: false)
            case .zero: return rounding(negative: negative, WideUInt(high: 0, middle: high, low: low), exponent: e1 + e2)
            case .finite(let r, let s, let e):
                return sum(
                    aNegative: negative, aHigh: high, aLow: low, aExponent: e1 + e2,
                    bNegative: r, bHigh: 0, bLow: s, bExponent: e, roundingDown: roundingDown)
            case .nan: return .quietNaN
            }
        default:
            return .quietNaN  // unreachable: NaN operands were handled above
        }
    }
}
