#if MPFR  // the oracle needs GNU MPFR (libmpfr-dev): built with the package trait MPFR
/// The deterministic rounding rules of semantics §4, step 4.
///
/// `lo ≤ |x| ≤ hi` are the adjacent candidates on the format's unbounded grid.
///
/// | rule | `x = 2.5` into E2M1 | `x = −2.5` |
/// |---|---|---|
/// | nearestEven | 2 | −2 |
/// | nearestAway | 3 | −3 |
/// | nearestZero | 2 | −2 |
/// | towardZero | 2 | −2 |
/// | up | 3 | −2 |
/// | down | 2 | −3 |
/// | away | 3 | −3 |
/// | odd | 3 | −3 |
public enum ReferenceRounding: Sendable, Hashable, CaseIterable {
    /// Nearest, ties to the even candidate (MPFR's `MPFR_RNDN`; for `M = 0` ties go up in magnitude,
    /// or to the even code where the format's ``ReferenceFormat/parity`` is `evenCode`).
    case nearestEven
    /// Nearest, ties away from zero.
    case nearestAway
    /// Nearest, ties toward zero.
    case nearestZero
    /// Truncation (`MPFR_RNDZ`).
    case towardZero
    /// Toward +∞ (`MPFR_RNDU`).
    case up
    /// Toward −∞ (`MPFR_RNDD`).
    case down
    /// Away from zero (`MPFR_RNDA`).
    case away
    /// Round to odd: an inexact result takes the odd candidate.
    case odd
}

/// The P3109 stochastic-rounding variants of semantics §4 with `N` random bits `R ∈ [0, 2^N)`.
///
/// With `ν = (|x| − lo)/(hi − lo)` the rounding picks `hi` when:
/// - ``variantA``: `floor(ν·2^N) + R ≥ 2^N`
/// - ``variantB``: `floor(ν·2^(N+1)) + 2R + 1 ≥ 2^(N+1)`
/// - ``variantC``: `roundTiesToEven(ν·2^N) + R ≥ 2^N`
public enum ReferenceStochastic: Sendable, Hashable {
    /// Truncate `ν` to `N` bits, then add `R`.
    case variantA
    /// Truncate `ν` to `N + 1` bits, then add `2R + 1` (an unbiased half-step offset).
    case variantB
    /// Round `ν` to `N` bits (ties to even), then add `R`.
    case variantC
}

/// What happens when the rounded magnitude exceeds the greatest finite value (semantics §5, §6).
public enum ReferenceOverflow: Sendable, Hashable, CaseIterable {
    /// Overflow and ±∞ inputs clamp to ±greatestFinite.
    case satFinite
    /// Finite overflow clamps to ±greatestFinite; ±∞ inputs stay ±∞ where the format has ∞.
    case satPropagate
    /// IEEE 754 overflow: ±∞ (NaN, or ±greatestFinite, where the format has no ∞) for the rules
    /// that round outward, ±greatestFinite for towardZero / odd / the inward directed rule.
    case none
}

/// The exception flags a conversion raises (semantics §4–§7).
public struct ReferenceFlags: OptionSet, Sendable, Hashable, CustomStringConvertible {
    /// The raw bits.
    public var rawValue: UInt8
    /// Creates flags from raw bits.
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    /// The input is not on the format's grid (or overflowed, or was clamped).
    public static let inexact = ReferenceFlags(rawValue: 1 << 0)
    /// Inexact and `|x| < 2^emin` (tininess before rounding).
    public static let underflow = ReferenceFlags(rawValue: 1 << 1)
    /// The rounded magnitude exceeds the greatest finite magnitude.
    public static let overflow = ReferenceFlags(rawValue: 1 << 2)
    /// The input has no encoding (NaN into a format without NaN, zero into a format without zero,
    /// ±∞ into a format without ∞ under `satPropagate` / `none`, a negative value into an unsigned
    /// format).
    public static let invalid = ReferenceFlags(rawValue: 1 << 3)
    /// An arithmetic operation with finite nonzero dividend and zero divisor produced an exact ±∞
    /// (IEEE 754 §7.3); the ∞ is then encoded as a conversion of ±∞ would be, with its own flags.
    public static let divisionByZero = ReferenceFlags(rawValue: 1 << 4)

    /// The flag names, for example `[inexact, underflow]`.
    public var description: String {
        var names: [String] = []
        if contains(.inexact) { names.append("inexact") }
        if contains(.underflow) { names.append("underflow") }
        if contains(.overflow) { names.append("overflow") }
        if contains(.invalid) { names.append("invalid") }
        if contains(.divisionByZero) { names.append("divisionByZero") }
        return "[" + names.joined(separator: ", ") + "]"
    }
}

/// The result of one reference conversion: the exact value of the result code, and the flags.
///
/// Equality is *bitwise* on the value: `+0` and `−0` differ, and two NaNs are equal when their
/// signs agree (the payload is ignored).
public struct ReferenceResult: Sendable, Equatable, CustomStringConvertible {
    /// The exact value of the result (±0, ±∞, or NaN — negative NaN where the format's NaNs carry a
    /// sign and the input was negative). For an invalid operation into a format with no NaN code, the
    /// value the contract prescribes (`+0`, or the least positive value for formats without zero).
    public var value: Double
    /// The flags raised.
    public var flags: ReferenceFlags

    /// Creates a result.
    public init(value: Double, flags: ReferenceFlags) {
        self.value = value
        self.flags = flags
    }

    /// Bitwise equality of the values (NaNs compare by sign only) and equality of the flags.
    public static func == (a: ReferenceResult, b: ReferenceResult) -> Bool {
        guard a.flags == b.flags else { return false }
        if a.value.isNaN || b.value.isNaN {
            return a.value.isNaN && b.value.isNaN && a.value.sign == b.value.sign
        }
        return a.value.bitPattern == b.value.bitPattern
    }

    /// For example `-416.0 [inexact]`.
    public var description: String { "\(value) \(flags)" }
}

/// The exact stochastic-rounding probability `ν = (|x| − lo)/(hi − lo)`, as
/// `numerator / 2^denominatorLog2`.
///
/// `hi − lo` is always a power of two (one grid step), and `|x| − lo` is always exactly a `Double`,
/// so the pair is exact. ``value`` is the same number rounded to a `Double` (exact whenever it is
/// representable, see ``isExactAsDouble``; it can only fail to be when it is below `2^−1074`).
public struct ReferenceFraction: Sendable, Hashable, CustomStringConvertible {
    /// `|x| − lo`, exact (`0` when `x` is on the grid).
    public var numerator: Double
    /// `log2(hi − lo)` (`0` when `lo = hi`).
    public var denominatorLog2: Int
    /// `numerator · 2^−denominatorLog2` rounded to nearest `Double`.
    public var value: Double
    /// Whether ``value`` is exactly `ν`.
    public var isExactAsDouble: Bool

    /// Creates a fraction; ``value`` and ``isExactAsDouble`` are computed by the oracle.
    public init(numerator: Double, denominatorLog2: Int, value: Double, isExactAsDouble: Bool) {
        self.numerator = numerator
        self.denominatorLog2 = denominatorLog2
        self.value = value
        self.isExactAsDouble = isExactAsDouble
    }

    /// For example `0.25 (= 0.0625 / 2^-2)`.
    public var description: String { "\(value) (= \(numerator) / 2^\(denominatorLog2))" }
}
#endif
