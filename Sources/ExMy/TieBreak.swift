/// Which of two neighbours counts as *even* in a format with no trailing significand bits (`M = 0`).
///
/// With `M ≥ 1` the two readings are the same neighbour (the low bit of a code is the low bit of its
/// significand), so the knob exists only for `M = 0` formats. There the integer significand of every
/// nonzero normal value is 1 (odd), so IEEE 754's reading sends every tie up in magnitude, while
/// IEEE P3109 reads the parity of the *code*:
///
/// | format, input | ``evenSignificand`` (IEEE 754, MPFR, ml_dtypes) | ``evenCode`` (P3109 v4.0 §4.7.4, gfloat) |
/// |---|---|---|
/// | E8M0FNU, 3 (between 2 and 4) | 4 (code 0x81) | 2 (code 0x80) |
/// | binary8p1se, 1.5·2^60 | 2^61 | 2^60 (code 124, even) |
/// | binary3p1se, 1.5 (between 1 and 2 = overflow) | overflow (+∞ under SatNone) | 1.0 (code 2) |
///
/// The knob decides ``RoundingRule/toNearestOrEven`` at a tie and ``RoundingRule/toOdd`` whenever
/// the input is inexact (round-to-odd takes the odd neighbour); no other rule reads parity.
/// P3109 v4.0 §4.7.4 defines `CodeIsEven = IsEven(⌊S̃⌋)` for `P > 1` and
/// `(⌊S̃⌋ = 0) or IsEven(Q + B)` for `P = 1`, and uses it for both NearestTiesToEven and ToOdd.
///
/// Defaults: ``evenCode`` for the P3109 specials (`p3109-finite`, `p3109-extended`), so every P3109
/// format follows the report; ``evenSignificand`` for every other format (E8M0FNU, generic
/// `e{E}m0`), as IEEE 754 and MPFR. Spelled `ties=even-code` / `ties=even-significand` in the
/// generic spelling (`e8m0:bias=127,subnormals=off,zero=off,unsigned,specials=fn,ties=even-code`).
public enum TieBreak: String, Hashable, Sendable, Codable, CaseIterable {
    /// The neighbour whose integer significand is even (IEEE 754's reading; with `M = 0` zero is the
    /// only even value, so ties round up in magnitude except next to zero).
    case evenSignificand = "even-significand"
    /// The neighbour whose code (magnitude code) is even (IEEE P3109 v4.0 §4.7.4).
    case evenCode = "even-code"

    /// The default for a format with these specials: ``evenCode`` for the P3109 encodings,
    /// ``evenSignificand`` otherwise.
    @inlinable public static func defaultValue(for specials: SpecialValueEncoding) -> TieBreak {
        specials == .p3109Finite || specials == .p3109Extended ? .evenCode : .evenSignificand
    }
}
