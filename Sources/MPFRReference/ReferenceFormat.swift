#if MPFR  // the oracle needs GNU MPFR (libmpfr-dev): built with the package trait MPFR
/// A small floating-point (or fixed-point) format, described by its knobs, as the oracle sees it.
///
/// This is the oracle's own copy of the format description of `docs/semantics.md` §1; it does not
/// depend on the ExMy engine. Every knob has the meaning the contract gives it:
///
/// ```swift
/// // OCP E4M3 (ml_dtypes float8_e4m3fn): max 448, NaN at S.1111.111, no infinity.
/// let e4m3fn = ReferenceFormat(exponentBits: 4, significandBits: 3, bias: 7,
///                              hasSubnormals: true, hasZero: true,
///                              signedness: .signMagnitude, specials: .fn)
/// MPFRReference.greatestFiniteMagnitude(e4m3fn)   // 448.0
/// ```
///
/// The oracle validates a description lightly: an invalid one makes every query answer NaN (with the
/// ``ReferenceFlags/invalid`` flag for conversions) instead of trapping. ``validationProblem`` says
/// what is wrong.
public struct ReferenceFormat: Sendable, Hashable, CustomStringConvertible {
    /// How the sign is stored.
    public enum Signedness: Sendable, Hashable {
        /// A sign bit on top of the magnitude (`−0` exists unless the specials take its code).
        case signMagnitude
        /// No sign bit: only non-negative values.
        case unsigned
        /// The whole code is a two's-complement integer (E = 0, specials `none`, subnormals on;
        /// MXINT8). The negative side reaches one quantum further; there is no `−0`.
        case twosComplement
    }

    /// Where NaN and ±∞ live (semantics §3).
    public enum Specials: Sendable, Hashable {
        /// Exponent field all ones: significand 0 is ±∞, anything else NaN.
        case ieee
        /// Finite + NaN: the magnitude all ones is NaN (either sign); no ∞.
        case fn
        /// Finite + NaN, unsigned zero: the code of `−0` (`2^(K−1)`) is the only NaN; no ∞, no `−0`.
        case fnuz
        /// Every code is finite.
        case none
        /// P3109 finite domain: NaN at `2^(K−1)` (signed) or `2^K − 1` (unsigned); no ∞, no `−0`.
        case p3109Finite
        /// P3109 extended domain: NaN as ``p3109Finite``; signed: magnitude all ones is ±∞;
        /// unsigned: `2^K − 2` is +∞.
        case p3109Extended
    }

    /// Width `E` of the exponent field, 0 … 11.
    public var exponentBits: Int
    /// Number `M` of trailing significand bits (the implicit leading bit is not counted), 0 … 52.
    public var significandBits: Int
    /// Which neighbour is *even* when `M = 0` (semantics §4 step 4): the one with the even integer
    /// significand (IEEE 754, MPFR: every nonzero normal value is odd, so ties go up in magnitude),
    /// or the one with the even code (IEEE P3109 v4.0 §4.7.4: `CodeIsEven = (⌊S̃⌋ = 0) or
    /// IsEven(Q + B)` for `P = 1`). With `M ≥ 1` both readings pick the same neighbour.
    public enum Parity: Sendable, Hashable {
        /// IEEE 754 / MPFR: parity of the integer significand.
        case evenSignificand
        /// IEEE P3109: parity of the code.
        case evenCode
    }

    /// Exponent bias; the least normal exponent is `1 − bias` (`−bias` for formats without zero).
    public var bias: Int
    /// Whether exponent field 0 holds subnormals (gradual underflow).
    public var hasSubnormals: Bool
    /// Only meaningful without subnormals: `false` makes exponent field 0 an ordinary normal
    /// binade and the format has no zero (E8M0). Ignored when ``hasSubnormals`` is `true`.
    public var hasZero: Bool
    /// How the sign is stored.
    public var signedness: Signedness
    /// Where NaN and ±∞ live.
    public var specials: Specials
    /// Which neighbour counts as even for nearest-even ties and round-to-odd when `M = 0`.
    public var parity: Parity

    /// Creates a format description; nothing is validated here (see ``validationProblem``).
    ///
    /// - Parameters:
    ///   - exponentBits: `E`, 0 … 11.
    ///   - significandBits: `M`, 0 … 52.
    ///   - bias: the exponent bias (IEEE default `2^(E−1) − 1`).
    ///   - hasSubnormals: exponent field 0 holds subnormals.
    ///   - hasZero: without subnormals, whether exponent field 0 is zero (`true`) or a normal binade.
    ///   - signedness: sign bit, unsigned, or two's complement.
    ///   - specials: where NaN and ±∞ live.
    ///   - parity: which neighbour is even when `M = 0`; `nil` gives ``Parity/evenCode`` for the
    ///     P3109 specials and ``Parity/evenSignificand`` for the others (semantics §4 step 4).
    public init(
        exponentBits: Int, significandBits: Int, bias: Int,
        hasSubnormals: Bool = true, hasZero: Bool = true,
        signedness: Signedness = .signMagnitude, specials: Specials = .ieee, parity: Parity? = nil
    ) {
        self.exponentBits = exponentBits
        self.significandBits = significandBits
        self.bias = bias
        self.hasSubnormals = hasSubnormals
        self.hasZero = hasZero
        self.signedness = signedness
        self.specials = specials
        self.parity = parity ?? ((specials == .p3109Finite || specials == .p3109Extended) ? .evenCode : .evenSignificand)
    }

    /// Width `K = E + M + 1` of a code (`E + M` for unsigned formats).
    public var bitWidth: Int {
        exponentBits + significandBits + (signedness == .unsigned ? 0 : 1)
    }

    /// A one-line description, for example `E4M3 bias 7 signMagnitude fn subnormals`.
    public var description: String {
        let zero = hasSubnormals ? "subnormals" : (hasZero ? "flush-to-zero" : "no-zero")
        let ties = significandBits == 0 ? " \(parity)" : ""
        return "E\(exponentBits)M\(significandBits) bias \(bias) \(signedness) \(specials) \(zero)\(ties)"
    }

    /// Why the oracle rejects this description, or `nil` when it is valid.
    ///
    /// Valid means: `E` in 0 … 11, `M` in 0 … 52, `K` in 1 … 64; two's complement only with
    /// `E = 0`, specials `none` and subnormals; `ieee` needs `E ≥ 1`; `fnuz` needs a sign bit;
    /// `E = 0` needs subnormals or no zero; the format has a positive finite value, and every
    /// finite value is exactly representable as a `Double`.
    public var validationProblem: String? {
        Plan.make(self).problem
    }
}
#endif
