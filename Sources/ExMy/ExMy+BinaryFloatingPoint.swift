/// `BinaryFloatingPoint` (and everything it refines: `FloatingPoint`, `SignedNumeric`, `Numeric`,
/// `AdditiveArithmetic`, `Strideable`, `ExpressibleByFloatLiteral`, `ExpressibleByIntegerLiteral`),
/// so generic Swift numeric code runs unchanged on every ExMy format.
///
/// ```swift
/// func horner<T: FloatingPoint>(_ c: [T], _ x: T) -> T { c.reversed().reduce(0) { $0 * x + $1 } }
/// horner([1, 0.5, 0.25] as [Float8E4M3FN], 3)   // every step rounded into E4M3FN: 4.75 → 5
/// ```
///
/// Every arithmetic requirement goes through the arithmetic core on ``FloatFormat`` with the
/// format's default rules (see `ExMy+Arithmetic.swift`); every protocol default that assumes the
/// IEEE 754 layout is replaced, so subnormals, formats without subnormals, without zero (E8M0),
/// unsigned formats and two's-complement formats (MXINT8) all answer from their exact values.
///
/// ## Special values in formats that lack them (no property traps)
///
/// | member | ieee | fn | fnuz / p3109Finite | p3109Extended | none |
/// |---|---|---|---|---|---|
/// | ``nan``, ``signalingNaN`` | quiet NaN | NaN (all-ones magnitude) | the NaN code (0x80 signed) | the NaN code | **+0** (code 0; the least value without zero) |
/// | ``infinity`` | +∞ | **NaN** | **NaN** | +∞ | **greatestFiniteMagnitude** |
/// | `-0` | −0 | −0 | **+0** | **+0** | −0 |
///
/// ``nan`` is what ``FloatFormat/encodeNaN(negative:)`` gives and ``infinity`` what converting
/// `Double.infinity` with the format's default overflow rule gives — the values the arithmetic
/// produces for NaN and ∞ results, so `x / 0 == .infinity` style code stays consistent. In a format
/// without NaN, `ExMy.nan.isNaN` is `false`; in a format without ∞, `ExMy.infinity.isInfinite` is
/// `false`: generic code must test `isNaN` / `isInfinite` on results rather than assume them.
/// ``signalingNaN`` is ``nan``, the quiet NaN, kept so for compatibility. IEEE-style formats do have
/// signaling NaN codes (quiet bit clear, E5M2 0x7D): ``isSignalingNaN`` reports them, build one with
/// `init(bitPattern:)`, and arithmetic treats them as signaling under
/// ``ArithmeticOptions/signalingNaNs``. FN, FNUZ and P3109 formats have no signaling NaN.
///
/// Negation (`-x`, ``negate()``) is exact and flips the sign bit where the format has one — NaN
/// codes included where NaNs carry a sign (ieee, fn); the single NaN of fnuz/P3109 formats and
/// their zero are their own negations. Where `−x` has no code, `-x` is the conversion of the exact
/// value `−x` with the default rules: in an **unsigned** format, `-x` of a nonzero value (or of +∞)
/// is NaN (E8M0, UE4M3, P3109 unsigned; +0 or the least value in a format without NaN), `-0` is +0;
/// in **two's complement** (MXINT8), `-(-2.0)` overflows to the greatest value 127/64.
/// ``magnitude`` follows the same rules (`|−2.0|` is 127/64 in MXINT8).
///
/// ## Where the protocol's semantic requirements cannot hold
///
/// - **No zero (E8M0)**: ``zero`` (code 0) is the least value 2^−127, not an additive identity;
///   `x − x` is NaN (the conversion of an exact zero into a format without zero).
/// - **Unsigned**: `SignedNumeric` negation is not closed (see above); `x - y` with `y > x` is NaN.
/// - **Two's complement (MXINT8)**: `-x` and `magnitude` are not closed for the most negative
///   value; `exponentBitPattern` is 0 and `significandBitPattern` is the magnitude in quanta (up to
///   `2^M`); every nonzero value ``isSubnormal``; ``leastNormalMagnitude`` is 2^emin rounded into
///   the format (the greatest value: a fixed-point format has no normal range).
/// - **No NaN / no ∞**: see the table; `isNaN`/`isInfinite` are never true.
/// - **Significands not representable**: where the format's [1, 2) binade lacks a value's
///   significand (FP3 E1M1: 3 = 1.5·2 but 1.5 is not a value; exotic biases that exclude 1),
///   ``significand`` and ``ulpOfOne`` are rounded into the format, so
///   `init(sign:exponent:significand:)` cannot rebuild that value.
/// - **Generic conversions by the standard library**: `Double(x)` / `Float(x)` in code generic over
///   `BinaryFloatingPoint` read ``exponent``, ``significandWidth`` and ``significandBitPattern``,
///   which are consistent for every layout here (exact results, tested). For `(E, M)` equal to
///   IEEE binary16 `(5, 10)` or binary32 `(8, 23)` the standard library instead reinterprets the
///   fields as that IEEE format, which is right only for the IEEE layout (``ExMyBinary16``,
///   ``ExMyBinary32``): a custom `e5m10` with another bias or specials converts wrongly in generic
///   code. The concrete `Double(_: ExMy)` and ``doubleValue`` are always exact.
/// - **`stride(from:to:by:)`**: Swift computes element `k` as `start.addingProduct(Self(k), step)`.
///   In a format without ∞, `Self(k)` saturates (FP4: 6) or becomes NaN (E4M3FN, k ≥ 464), so a
///   stride that needs more steps than that never reaches its end (FP4 `stride(from: -2, to: 3,
///   by: 0.5)` repeats 1 forever): bound such loops (`.prefix(n)`).
/// - **`random(in:)`**: calls on a concrete ExMy type use ``random(in:using:)-(Range<ExMy<Format>>,_)``
///   below, which works for every format. Code generic over `BinaryFloatingPoint` gets the
///   standard library's algorithm, which needs the integers below `2^(M+1)` and `2^−(M+1)` to be
///   representable and `upperBound − lowerBound` to be finite (it traps otherwise, as for `Float`):
///   fine for E4M3FN, E5M2, FP16, BF16 on moderate ranges, wrong for E8M0, FP4 and MXINT8.
extension ExMy: BinaryFloatingPoint {
    public typealias RawSignificand = UInt64
    public typealias RawExponent = UInt64
    public typealias Exponent = Int
    public typealias Magnitude = ExMy
    public typealias Stride = ExMy

    /// The exponent field width `E` of the format (0 for fixed-point formats such as MXINT8).
    @inlinable public static var exponentBitCount: Int { Format.format.exponentBitCount }
    /// The trailing significand field width `M`.
    @inlinable public static var significandBitCount: Int { Format.format.significandBitCount }
    /// 2.
    @inlinable public static var radix: Int { 2 }
    /// The same as ``nan`` (quiet; a signaling NaN of an IEEE-style format is built with
    /// `init(bitPattern:)`, for example E5M2 0x7D).
    @inlinable public static var signalingNaN: ExMy { nan }

    /// π rounded toward zero (as IEEE 754 and Swift's `pi` require), or the greatest finite value
    /// where π is out of range (MXINT8: 127/64; FP3 E1M1: 3).
    ///
    /// `Double.pi` is π rounded toward zero to 53 bits and every format's grid is a subset of
    /// Double's, so rounding `Double.pi` toward zero gives the format's value below π.
    @inlinable public static var pi: ExMy {
        var g = SystemRandomNumberGenerator()
        return ExMy(encoded: Format.format.encode(Double.pi, rounding: .towardZero, overflow: .saturateFinite, random: &g))
    }

    // MARK: Integers

    /// Converts an integer with the default rules.
    @inlinable public init(_ value: Int) {
        self.init(value, rounding: Format.defaultRounding)
    }

    /// The integer's value, or `nil` if the format cannot hold it exactly.
    @inlinable public init?<Source: BinaryInteger>(exactly value: Source) {
        var g = SystemRandomNumberGenerator()
        let r = Format.format.encode(integer: value, rounding: .toNearestOrEven, overflow: .none, random: &g)
        guard r.status.isEmpty else { return nil }
        self.init(encoded: r)
    }

    #if !(os(Windows) || os(Android)) && (arch(i386) || arch(x86_64))
    /// Converts a `Float80` with the default rules, rounding once from its exact value.
    @inlinable public init(_ value: Float80) {
        self.init(value, rounding: Format.defaultRounding)
    }
    #endif

    // MARK: Sign, magnitude, negation

    /// `|self|`: exact where the format has the positive value (it always does for sign-magnitude
    /// formats; the single NaN of fnuz/P3109 formats is its own magnitude). In two's complement the
    /// magnitude of the most negative value is rounded with the default rules (127/64 in MXINT8).
    @inlinable public var magnitude: ExMy {
        let f = Format.format
        switch f.signedness {
        case .unsigned: return self
        case .signMagnitude:
            if !f.nanHasSign && codeClass == .nan { return self }
            return ExMy(bitPattern: bitPattern & ~Format.BitPattern(truncatingIfNeeded: f.signBit))
        case .twosComplement:
            return f.isNegative(code) ? -self : self
        }
    }

    /// The negation: exact where the format has `−self` (see the type's documentation for the other
    /// cases: unsigned formats give NaN, two's complement saturates, formats without −0 give +0).
    @inlinable public static prefix func - (x: ExMy) -> ExMy {
        let f = Format.format
        if f.signedness == .signMagnitude {
            if !f.hasNegativeZero {
                let c = x.codeClass
                if c == .nan || c == .zero || c == .nonCanonical { return x }
            }
            return ExMy(bitPattern: x.bitPattern ^ Format.BitPattern(truncatingIfNeeded: f.signBit))
        }
        var g = SystemRandomNumberGenerator()
        return ExMy(encoded: f.encode(-x.doubleValue, rounding: Format.defaultRounding, overflow: Format.defaultOverflow, random: &g))
    }

    /// Replaces `self` with `-self`.
    @inlinable public mutating func negate() { self = -self }

    /// A value with the sign of `signOf` and the magnitude of `magnitudeOf` (IEEE 754 `copySign`),
    /// within the negation rules above.
    @inlinable public init(signOf: ExMy, magnitudeOf: ExMy) {
        let m = magnitudeOf.magnitude
        self = signOf.sign == .minus ? -m : m
    }

    // MARK: Exponent and significand

    /// `(sign == .minus ? −1 : 1) · significand · 2^exponent`, rounded once into the format with the
    /// default rules (exact whenever the result is representable; NaN, ±∞ and ±0 significands give
    /// NaN, ±∞ and ±0 as the format encodes them).
    @inlinable public init(sign: FloatingPointSign, exponent: Int, significand: ExMy) {
        let f = Format.format
        let s = significand.doubleValue
        let negative = (sign == .minus) != (s.sign == .minus)
        var g = SystemRandomNumberGenerator()
        if s.isNaN { self.init(encoded: f.encodeNaN(negative: negative)); return }
        if s.isInfinite { self.init(encoded: f.encodeInfinity(negative: negative, overflow: Format.defaultOverflow)); return }
        if s == 0 { self.init(encoded: f.encodeZero(negative: negative, overflow: Format.defaultOverflow)); return }
        // s is a finite nonzero Double: split it into an integer significand and a power of two.
        let bits = s.bitPattern
        let biased = Int((bits >> 52) & 0x7FF)
        let fraction = bits & 0x000F_FFFF_FFFF_FFFF
        let (n, e) = biased == 0 ? (fraction, -1074) : (fraction | (1 << 52), biased - 1075)
        // Exponents beyond ±100 000 overflow or underflow every format exactly as the real value does.
        let scaled = e + max(-100_000, min(100_000, exponent))
        self.init(encoded: f.encode(negative: negative, significand: n, exponent: scaled, rounding: Format.defaultRounding, overflow: Format.defaultOverflow, random: &g))
    }

    /// `±2^exponent` for finite nonzero values (exact in every format), ±0 for zeros, NaN for NaN
    /// and ±∞ (as Swift's binary types answer).
    @inlinable public var binade: ExMy {
        let v = doubleValue
        if !v.isFinite { return .nan }
        return ExMy(v == 0 ? v : v.binade)
    }

    /// The number of fractional bits of ``significand`` for finite nonzero values; −1 for zeros,
    /// NaN and ±∞. Consistent with ``significandBitPattern`` as the standard library's generic
    /// conversions read it: normal values are `(2^M + significandBitPattern) · 2^(exponent − M)`,
    /// subnormal (and fixed-point) values `significandBitPattern · 2^(exponent − L)` with `L` the
    /// index of its leading one.
    @inlinable public var significandWidth: Int { doubleValue.significandWidth }

    // MARK: Comparison (numeric, on exact values)

    @inlinable public func isEqual(to other: ExMy) -> Bool { doubleValue == other.doubleValue }
    @inlinable public func isLess(than other: ExMy) -> Bool { doubleValue < other.doubleValue }
    @inlinable public func isLessThanOrEqualTo(_ other: ExMy) -> Bool { doubleValue <= other.doubleValue }
    @inlinable public static func <= (lhs: ExMy, rhs: ExMy) -> Bool { lhs.doubleValue <= rhs.doubleValue }
    @inlinable public static func > (lhs: ExMy, rhs: ExMy) -> Bool { lhs.doubleValue > rhs.doubleValue }
    @inlinable public static func >= (lhs: ExMy, rhs: ExMy) -> Bool { lhs.doubleValue >= rhs.doubleValue }

    /// The lesser of `x` and `y`, or the number if the other is NaN; NaN if both are (IEEE 754-2008
    /// `minNum`, as Swift's `minimum`). −0 and +0 compare equal, so the first is returned.
    @inlinable public static func minimum(_ x: ExMy, _ y: ExMy) -> ExMy {
        x.doubleValue <= y.doubleValue || y.isNaN ? x : y
    }

    /// The greater of `x` and `y`, or the number if the other is NaN (IEEE 754-2008 `maxNum`).
    @inlinable public static func maximum(_ x: ExMy, _ y: ExMy) -> ExMy {
        x.doubleValue > y.doubleValue || y.isNaN ? x : y
    }

    /// The operand of lesser magnitude (compared exactly, so MXINT8's −2.0 has magnitude 2), or the
    /// number if the other is NaN (IEEE 754-2008 `minNumMag`).
    @inlinable public static func minimumMagnitude(_ x: ExMy, _ y: ExMy) -> ExMy {
        x.doubleValue.magnitude <= y.doubleValue.magnitude || y.isNaN ? x : y
    }

    /// The operand of greater magnitude, or the number if the other is NaN (`maxNumMag`).
    @inlinable public static func maximumMagnitude(_ x: ExMy, _ y: ExMy) -> ExMy {
        x.doubleValue.magnitude > y.doubleValue.magnitude || y.isNaN ? x : y
    }

    // MARK: Strideable

    /// `other − self`, rounded with the default rules.
    @inlinable public func distance(to other: ExMy) -> ExMy { other - self }
    /// `self + n`, rounded with the default rules.
    @inlinable public func advanced(by n: ExMy) -> ExMy { self + n }

    // MARK: Random values

    /// A random value of the format in `range`: a uniform real `r ∈ [lowerBound, upperBound)`
    /// (53 random bits) rounded down onto the format's grid, so each value `v` comes up with
    /// probability about `(next value above v − v) / (upperBound − lowerBound)`. Works for every
    /// format (E8M0, FP4, MXINT8, whole ranges). An empty range or a non-finite bound gives ``nan``
    /// instead of trapping.
    public static func random<T: RandomNumberGenerator>(in range: Range<ExMy>, using generator: inout T) -> ExMy {
        let lo = range.lowerBound.doubleValue, hi = range.upperBound.doubleValue
        guard lo < hi, lo.isFinite, hi.isFinite else { return .nan }
        for _ in 0..<64 {
            let x = uniform(lo, hi, &generator)
            let v = ExMy(x, rounding: .down, overflow: .saturateFinite)
            let d = v.doubleValue
            if d >= lo && d < hi { return v }
        }
        return range.lowerBound  // unreachable in practice: each draw lands below hi with probability ≥ 1/2
    }

    /// A random value in `range` from the system generator (see ``random(in:using:)-(Range<ExMy<Format>>,_)``).
    public static func random(in range: Range<ExMy>) -> ExMy {
        var g = SystemRandomNumberGenerator()
        return random(in: range, using: &g)
    }

    /// A random value of the format in `range`: a uniform real in `[lowerBound, upperBound]`
    /// rounded to nearest even onto the format's grid (so both bounds can come up). A non-finite
    /// bound gives ``nan``.
    public static func random<T: RandomNumberGenerator>(in range: ClosedRange<ExMy>, using generator: inout T) -> ExMy {
        let lo = range.lowerBound.doubleValue, hi = range.upperBound.doubleValue
        guard lo.isFinite, hi.isFinite else { return .nan }
        if lo == hi { return range.lowerBound }
        let v = ExMy(uniform(lo, hi, &generator), rounding: .toNearestOrEven, overflow: .saturateFinite)
        let d = v.doubleValue
        return d < lo ? range.lowerBound : (d > hi ? range.upperBound : v)
    }

    /// A random value in `range` from the system generator.
    public static func random(in range: ClosedRange<ExMy>) -> ExMy {
        var g = SystemRandomNumberGenerator()
        return random(in: range, using: &g)
    }

    /// `lo + u · (hi − lo)` for a uniform `u ∈ [0, 1)` with 53 bits, without overflowing Double.
    static func uniform<T: RandomNumberGenerator>(_ lo: Double, _ hi: Double, _ g: inout T) -> Double {
        let u = Double(g.next() >> 11) * 0x1p-53
        let width = hi - lo
        if width.isFinite { return lo + u * width }
        return 2 * (lo / 2 + u * (hi / 2 - lo / 2))
    }
}
