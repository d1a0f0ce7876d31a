/// A `Double` operand of the arithmetic core, split into its class and, for finite nonzero values,
/// its exact integer significand and exponent (`value = ±significand · 2^exponent`).
@usableFromInline
enum ExactOperand: Hashable, Sendable {
    case nan
    case infinity(negative: Bool)
    case zero(negative: Bool)
    /// `±significand · 2^exponent`, `1 ≤ significand < 2^53`.
    case finite(negative: Bool, significand: UInt64, exponent: Int)

    /// Splits `x` without rounding.
    @inlinable init(_ x: Double) {
        let bits = x.bitPattern
        let negative = bits >> 63 != 0
        let biased = Int((bits >> 52) & 0x7FF)
        let fraction = bits & 0x000F_FFFF_FFFF_FFFF
        if biased == 0x7FF {
            self = fraction == 0 ? .infinity(negative: negative) : .nan
        } else if biased == 0 {
            self = fraction == 0 ? .zero(negative: negative) : .finite(negative: negative, significand: fraction, exponent: -1074)
        } else {
            self = .finite(negative: negative, significand: fraction | (1 << 52), exponent: biased - 1075)
        }
    }
}

extension ExactOperand {
    /// The operand with its sign flipped (NaN stays NaN).
    @inlinable var negated: ExactOperand {
        switch self {
        case .nan: return .nan
        case .infinity(let n): return .infinity(negative: !n)
        case .zero(let n): return .zero(negative: !n)
        case .finite(let n, let s, let e): return .finite(negative: !n, significand: s, exponent: e)
        }
    }
}
