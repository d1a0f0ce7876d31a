/// The exact product of two values, rounded to odd at 64 bits.
extension ExactResult {
    /// `x · y` exactly (a 106-bit integer product), with IEEE 754 special cases; the sign of a zero or
    /// infinite product is the XOR of the operands' signs, and 0 · ∞ is invalid.
    @inlinable
    static func product(_ x: Double, _ y: Double) -> ExactResult {
        switch (ExactOperand(x), ExactOperand(y)) {
        case (.nan, _), (_, .nan):
            return .quietNaN
        case (.infinity, .zero), (.zero, .infinity):
            return .invalidNaN
        case (.infinity(let p), .infinity(let q)), (.infinity(let p), .finite(let q, _, _)), (.finite(let p, _, _), .infinity(let q)):
            return .infinity(negative: p != q, divisionByZero: false)
        case (.zero(let p), .zero(let q)), (.zero(let p), .finite(let q, _, _)), (.finite(let p, _, _), .zero(let q)):
            return .zero(negative: p != q)
        case (.finite(let p, let s1, let e1), .finite(let q, let s2, let e2)):
            let (high, low) = s1.multipliedFullWidth(by: s2)
            return rounding(negative: p != q, WideUInt(high: 0, middle: high, low: low), exponent: e1 + e2)
        }
    }
}
