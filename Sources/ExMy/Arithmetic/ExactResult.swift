/// The exact result of an operation before it is rounded into a format: a special value, an exact
/// zero with its sign, or a finite nonzero value given as its 64-bit round-to-odd significand.
@usableFromInline
enum ExactResult: Hashable, Sendable {
    /// The format's NaN; `invalid` when an invalid operation produced it (not for a NaN operand).
    case nan(invalid: Bool)
    /// ±∞; `divisionByZero` for a finite nonzero number divided by zero.
    case infinity(negative: Bool, divisionByZero: Bool)
    /// An exact zero (its sign already decided by IEEE 754 §6.3).
    case zero(negative: Bool)
    /// `±significand · 2^exponent`, where `significand` (top bit set, or any nonzero value when the
    /// result is exact) is the exact result rounded to odd at 64 significant bits.
    case finite(negative: Bool, significand: UInt64, exponent: Int)

    /// The result of an operation with a NaN operand.
    @inlinable static var quietNaN: ExactResult { .nan(invalid: false) }
    /// The result of an invalid operation.
    @inlinable static var invalidNaN: ExactResult { .nan(invalid: true) }

    /// Rounds a nonzero 192-bit exact value `±wide · 2^exponent` to odd at 64 bits.
    @inlinable static func rounding(negative: Bool, _ wide: WideUInt, exponent: Int) -> ExactResult {
        let (significand, shift) = wide.roundedToOdd()
        return .finite(negative: negative, significand: significand, exponent: exponent + shift)
    }
}

extension FloatFormat {
    /// Rounds an exact result into this format: finite values through the one rounding primitive
    /// (``encode(negative:significand:exponent:rounding:overflow:options:random:)``), the rest through
    /// ``encodeZero(negative:overflow:)``, ``encodeInfinity(negative:overflow:)`` and
    /// ``encodeNaN(negative:)``, exactly as a conversion of that value would.
    @inlinable
    func encode<G: RandomNumberGenerator>(
        _ result: ExactResult, rounding rule: RoundingRule, overflow: OverflowRule, options: ArithmeticOptions, random: inout G
    ) -> Encoded {
        switch result {
        case .nan(let invalid):
            var r = encodeNaN(negative: false)
            if invalid { r.status.insert(.invalid) }
            return r
        case .infinity(let negative, let divisionByZero):
            var r = encodeInfinity(negative: negative, overflow: overflow)
            if divisionByZero { r.status.insert(.divisionByZero) }
            return r
        case .zero(let negative):
            return encodeZero(negative: negative, overflow: overflow)
        case .finite(let negative, let significand, let exponent):
            return encode(
                negative: negative, significand: significand, exponent: exponent,
                rounding: rule, overflow: overflow, options: options, random: &random)
        }
    }
}
