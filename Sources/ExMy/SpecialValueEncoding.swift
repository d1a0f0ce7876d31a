/// Where a format keeps its NaN and infinity codes.
///
/// The names follow the conventions of the formats that introduced them; `docs/semantics.md` §3 has
/// the exact code table.
///
/// | case | NaN | ±∞ | −0 |
/// |---|---|---|---|
/// | ``ieee`` | top exponent, significand ≠ 0 | top exponent, significand 0 | yes |
/// | ``fn`` | all-ones magnitude (both signs) | none | yes |
/// | ``fnuz`` | the −0 code only | none | no |
/// | ``none`` | none | none | yes |
/// | ``p3109Finite`` | −0 code (signed) / all ones (unsigned) | none | no |
/// | ``p3109Extended`` | as ``p3109Finite`` | top magnitude (signed) / all ones − 1 (unsigned) | no |
public enum SpecialValueEncoding: String, Hashable, Sendable, Codable, CaseIterable {
    /// IEEE 754 style: the all-ones exponent field holds ±∞ (significand 0) and NaNs.
    case ieee
    /// Finite with NaN, as OCP E4M3 ("E4M3FN"): no ∞, NaN only at the all-ones magnitude.
    case fn
    /// Finite, unsigned zero, as AMD/Graphcore FNUZ: one NaN at the code of −0, no −0, no ∞.
    case fnuz
    /// Every code is finite (OCP FP6 and FP4, MXINT8): no NaN, no ∞.
    case none
    /// IEEE P3109 finite domain: one NaN (at 0x80 for signed, at all ones for unsigned), no ∞, no −0.
    case p3109Finite = "p3109-finite"
    /// IEEE P3109 extended domain: as ``p3109Finite`` plus ±∞ at the top magnitude codes.
    case p3109Extended = "p3109-extended"

    /// Whether the encoding has at least one infinity code.
    public var hasInfinity: Bool { self == .ieee || self == .p3109Extended }
    /// Whether the encoding has at least one NaN code.
    public var hasNaN: Bool { self != .none }
}

/// How a format encodes the sign of a value.
public enum Signedness: String, Hashable, Sendable, Codable, CaseIterable {
    /// A sign bit above the exponent field; negative values mirror the positive ones.
    case signMagnitude = "signed"
    /// No sign bit: only non-negative values (E8M0, UE4M3, P3109 unsigned formats).
    case unsigned
    /// A two's-complement integer scaled by a power of two (MXINT8). Only with no exponent bits.
    case twosComplement = "twos-complement"
}
