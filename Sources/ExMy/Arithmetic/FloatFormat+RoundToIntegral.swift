/// Rounding to an integral value, then into the format.
extension FloatFormat {
    /// `x` rounded to an integral value with `integralRule`, then converted into this format with
    /// `rounding` (IEEE 754 `roundToIntegralTiesToEven`, `…TiesToAway`, `…TowardZero`,
    /// `…TowardPositive`, `…TowardNegative`, selected by `integralRule`).
    ///
    /// ```swift
    /// FloatFormat.e4m3fn.roundToIntegral(2.5, .toNearestOrEven).code        // 0x40 (2)
    /// FloatFormat.e4m3fn.roundToIntegral(-0.25, .up).code                   // 0x80 (−0)
    /// FloatFormat.e2m1fn.roundToIntegral(4.5, .toNearestOrAwayFromZero).code   // 0x6 (4): 5 is a tie in E2M1
    /// ```
    ///
    /// The integral value is exact (computed on the integer significand); only the conversion into
    /// this format rounds, with `rounding` — so the result need not be an integer when the format
    /// cannot hold that integer (5 in E2M1 above, a tie between 4 and 6), and the flags are the conversion's.
    /// Options: ``ArithmeticOptions/roundToIntegralExact`` adds ``ConversionStatus/inexact`` when the
    /// integral value differs from `x` (IEEE 754 `roundToIntegralExact`);
    /// ``ArithmeticOptions/roundToIntegralToOdd`` replaces `integralRule` by rounding to odd
    /// (truncate, then set the last integer bit when inexact: 2.5 → 3, 0.25 → 1, as SoftFloat's
    /// `softfloat_round_odd`); a signaling NaN `x` raises invalid under
    /// ``ArithmeticOptions/signalingNaNs``. Departures from IEEE 754 by default: the integral step
    /// raises no flag (`roundToIntegral…`, not `roundToIntegralExact`); a zero result keeps the sign
    /// of `x` (−0.25 → −0), then +0 in formats without −0; NaN results are canonical, as for
    /// ``add(_:_:rounding:overflow:options:random:)``.
    @inlinable
    public func roundToIntegral<G: RandomNumberGenerator>(
        _ x: Double, _ integralRule: FloatingPointRoundingRule, rounding: RoundingRule, overflow: OverflowRule, options: ArithmeticOptions = .default, random: inout G
    ) -> Encoded {
        if options.signalingNaNs && x.isSignalingNaN { return encodeSignalingNaN() }
        let (exact, inexact) = ExactResult.integral(x, integralRule, toOdd: options.roundToIntegralToOdd)
        var r = encode(exact, rounding: rounding, overflow: overflow, options: options, random: &random)
        if inexact && options.roundToIntegralExact { r.status.insert(.inexact) }
        return r
    }

    /// `x` rounded to an integral value, then into this format; a stochastic `rounding` draws from the
    /// system generator. See ``roundToIntegral(_:_:rounding:overflow:options:random:)``.
    @inlinable
    public func roundToIntegral(
        _ x: Double, _ integralRule: FloatingPointRoundingRule,
        rounding: RoundingRule = .toNearestOrEven, overflow: OverflowRule = .none,
        options: ArithmeticOptions = .default
    ) -> Encoded {
        var g = SystemRandomNumberGenerator()
        return roundToIntegral(x, integralRule, rounding: rounding, overflow: overflow, options: options, random: &g)
    }
}
