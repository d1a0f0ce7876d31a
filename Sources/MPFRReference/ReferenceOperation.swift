#if MPFR  // the oracle needs GNU MPFR (libmpfr-dev): built with the package trait MPFR
/// How ``ReferenceOperation/roundToIntegral(_:_:)`` chooses the integer: the six rules of Swift's
/// `FloatingPointRoundingRule` (IEEE 754 §5.9 roundToIntegralTiesToEven, …TiesToAway,
/// …TowardPositive, …TowardNegative, …TowardZero, and away from zero), each computed by one MPFR
/// function.
public enum ReferenceIntegralRounding: Sendable, Hashable, CaseIterable {
    /// Nearest integer, ties away from zero (`mpfr_round`).
    case toNearestOrAwayFromZero
    /// Nearest integer, ties to even (`mpfr_roundeven`).
    case toNearestOrEven
    /// The least integer not below `x` (`mpfr_ceil`).
    case up
    /// The greatest integer not above `x` (`mpfr_floor`).
    case down
    /// Truncation (`mpfr_trunc`).
    case towardZero
    /// The nearest integer away from zero (`mpfr_rint` with `MPFR_RNDA`).
    case awayFromZero
}

/// An arithmetic operation on exact `Double` operands, as the oracle evaluates it: the exact
/// mathematical result is computed with MPFR and rounded once into the target format.
///
/// The operands are any `Double`s (typically decoded codes, possibly of another format). The
/// special cases follow IEEE 754 §6–§7 and `docs/arithmetic.md`:
///
/// | operation | result |
/// |---|---|
/// | any NaN operand | the format's NaN, no flag (a format without NaN: `+0` / least value, invalid) |
/// | ∞ − ∞, 0 · ∞, 0 / 0, ∞ / ∞, √(x < 0), remainder(∞, y), remainder(x, 0), fma(0, ∞, z) | NaN, invalid |
/// | finite nonzero / 0 | ±∞ with divisionByZero, then encoded as ±∞ is |
/// | exact zero sum or difference of nonzero or opposite-signed terms | `+0` (`−0` under `.down`) |
/// | products, quotients | sign = XOR of the operands' signs |
/// | √(−0), remainder(±0, y), roundToIntegral(±0) | the operand's zero |
/// | remainder(x, ±∞), x finite | x |
public enum ReferenceOperation: Sendable, Hashable, CustomStringConvertible {
    /// `x + y`.
    case add(Double, Double)
    /// `x − y` (that is, `x + (−y)`).
    case subtract(Double, Double)
    /// `x · y`.
    case multiply(Double, Double)
    /// `x / y`.
    case divide(Double, Double)
    /// `√x`.
    case squareRoot(Double)
    /// `x · y + z` with one rounding.
    case fusedMultiplyAdd(Double, Double, Double)
    /// IEEE 754 remainder: `x − n·y` with `n` the integer nearest `x / y`, ties to even
    /// (`mpfr_remainder`). Exact.
    case remainder(Double, Double)
    /// `x − n·y` with `n` the integer part of `x / y` (C `fmod`, `mpfr_fmod`). Exact.
    case truncatingRemainder(Double, Double)
    /// `x` rounded to an integer by the given rule (exact), then rounded into the format.
    case roundToIntegral(Double, ReferenceIntegralRounding)

    /// For example `add(1.5, -0.25)`.
    public var description: String {
        switch self {
        case .add(let x, let y): return "add(\(x), \(y))"
        case .subtract(let x, let y): return "subtract(\(x), \(y))"
        case .multiply(let x, let y): return "multiply(\(x), \(y))"
        case .divide(let x, let y): return "divide(\(x), \(y))"
        case .squareRoot(let x): return "squareRoot(\(x))"
        case .fusedMultiplyAdd(let x, let y, let z): return "fusedMultiplyAdd(\(x), \(y), \(z))"
        case .remainder(let x, let y): return "remainder(\(x), \(y))"
        case .truncatingRemainder(let x, let y): return "truncatingRemainder(\(x), \(y))"
        case .roundToIntegral(let x, let rule): return "roundToIntegral(\(x), \(rule))"
        }
    }
}
#endif
