/// The choices IEEE 754 leaves to an implementation, and the two integral-rounding variants TestFloat
/// tests, for conversions and arithmetic: one small value that every rounding entry point takes
/// (`options:`, default ``default``).
///
/// ```swift
/// // 2^-15 · (1 − 2^-12) rounds to 2^-14, the least normal FP16 value: tiny before rounding
/// // (underflow raised, the default) but not after rounding (TestFloat's default, x86, RISC-V).
/// let x = 0x1.ffep-15
/// FloatFormat.fp16.encode(x).status                                   // [inexact, underflow]
/// FloatFormat.fp16.encode(x, options: .init(tininess: .afterRounding)).status   // [inexact]
/// FloatFormat.fp16.fusedMultiplyAdd(0, .infinity, .nan, options: .softFloat).status  // [invalid]
/// ```
///
/// ``default`` is ExMy's documented behaviour (`docs/semantics.md` §8): tininess before rounding,
/// every NaN quiet, no flag for fma(0, ∞, NaN), `roundToIntegral` without the inexact flag.
/// ``softFloat`` is Berkeley SoftFloat's (and x86's) choices, which TestFloat checks with
/// `-tininessafter`.
@frozen public struct ArithmeticOptions: Hashable, Sendable {
    /// When an inexact tiny result raises ``ConversionStatus/underflow`` (IEEE 754-2019 §7.5).
    public enum Tininess: String, Hashable, Sendable, CaseIterable {
        /// Tiny when the exact nonzero result is below the least normal magnitude `2^emin`
        /// (ExMy's default; SoftFloat's `softfloat_tininess_beforeRounding`, ARM).
        case beforeRounding = "before"
        /// Tiny when the result rounded to the format's precision `M + 1` with an unbounded exponent
        /// range is nonzero and below `2^emin` (TestFloat's default, x86 SSE/AVX, RISC-V). Stochastic
        /// rules, for which IEEE 754 defines no such rounding, judge the delivered result: tiny when
        /// it is below `2^emin`.
        case afterRounding = "after"
    }

    /// How tininess is detected (IEEE 754 §7.5 lets the implementation choose; one choice for all
    /// operations). Default ``Tininess/beforeRounding``.
    public var tininess: Tininess

    /// Whether NaN codes of IEEE-style formats (``SpecialValueEncoding/ieee``) whose quiet bit (the
    /// top significand bit) is clear are signaling NaNs (IEEE 754 §6.2). When `true`, a signaling
    /// NaN operand of an arithmetic operation or a conversion raises ``ConversionStatus/invalid``
    /// and gives the format's quiet NaN (§7.2). Operands are `Double`s: a `Double` whose quiet bit
    /// is clear (`Double.signalingNaN`) is signaling, and ``FloatFormat/operand(_:)`` turns a
    /// signaling NaN code into one. Formats with FN, FNUZ or P3109 specials have one NaN (or one per sign) and no signaling
    /// NaN: the option changes nothing for their codes. Default `false`: every NaN is quiet.
    public var signalingNaNs: Bool

    /// Whether `fusedMultiplyAdd(0, ∞, NaN)` (either order of the factors) raises
    /// ``ConversionStatus/invalid`` when the addend is a quiet NaN, as SoftFloat, x86 and RISC-V do.
    /// IEEE 754 §7.2(c) leaves it to the implementation. Default `false` (NaN, no flag).
    public var invalidZeroTimesInfinityPlusNaN: Bool

    /// Whether ``FloatFormat/roundToIntegral(_:_:rounding:overflow:options:random:)`` raises
    /// ``ConversionStatus/inexact`` when the integral value differs from the operand: IEEE 754
    /// §5.9 `roundToIntegralExact` (TestFloat's `-exact`). Default `false` (the `roundToIntegral…`
    /// operations, which raise no flag).
    public var roundToIntegralExact: Bool

    /// Whether ``FloatFormat/roundToIntegral(_:_:rounding:overflow:options:random:)`` rounds to odd,
    /// whatever its `FloatingPointRoundingRule`: the operand truncated to an integer, and when that
    /// was inexact the integer's last bit set (±0.3 → ±1, 2.5 → 3, 3.5 → 3), as SoftFloat's
    /// `roundToInt` with `softfloat_round_odd` (TestFloat's `-rodd`). Not an IEEE 754 operation.
    /// Default `false`.
    public var roundToIntegralToOdd: Bool

    /// Options with ExMy's defaults unless given.
    @inlinable public init(
        tininess: Tininess = .beforeRounding, signalingNaNs: Bool = false, invalidZeroTimesInfinityPlusNaN: Bool = false,
        roundToIntegralExact: Bool = false, roundToIntegralToOdd: Bool = false
    ) {
        self.tininess = tininess
        self.signalingNaNs = signalingNaNs
        self.invalidZeroTimesInfinityPlusNaN = invalidZeroTimesInfinityPlusNaN
        self.roundToIntegralExact = roundToIntegralExact
        self.roundToIntegralToOdd = roundToIntegralToOdd
    }

    /// ExMy's documented behaviour: tininess before rounding, no signaling NaNs, no flag for
    /// fma(0, ∞, NaN), `roundToIntegral` raising no flag.
    public static let `default` = ArithmeticOptions()

    /// Berkeley SoftFloat 3 as TestFloat runs it by default (and x86 SSE/AVX): tininess after
    /// rounding, signaling NaNs, invalid for fma(0, ∞, quiet NaN). `roundToIntegral` stays
    /// non-exact and not to odd (set those per call, as TestFloat's `-exact` and `-rodd` do).
    public static let softFloat = ArithmeticOptions(tininess: .afterRounding, signalingNaNs: true, invalidZeroTimesInfinityPlusNaN: true)
}
