/// The IEEE remainder and the truncating remainder, rounded once into the format.
extension FloatFormat {
    /// `x − n·y` with `n = x / y` rounded to the nearest integer, ties to even (IEEE 754
    /// `remainder`), rounded once into this format.
    ///
    /// ```swift
    /// FloatFormat.e4m3fn.remainder(7, 2).code     // 0xB8 (−1): 7/2 = 3.5 rounds to 4
    /// FloatFormat.e4m3fn.remainder(5, 2).code     // 0x38 (1): 5/2 = 2.5 rounds to 2
    /// ```
    ///
    /// The remainder is exact (as a `Double`); it is computed by exact modular reduction of the
    /// significands (the exponent difference can exceed 2000 bits) and only the conversion into this
    /// format rounds — which happens when `x` and `y` come from a wider format. A zero result has the
    /// sign of `x`. Invalid: `x` infinite, or `y` zero. `x` finite and `y` infinite gives `x`.
    /// Departures from IEEE 754 as for ``add(_:_:rounding:overflow:options:random:)`` (canonical NaN
    /// results; −0 becomes +0 in formats without −0).
    @inlinable
    public func remainder<G: RandomNumberGenerator>(
        _ x: Double, _ y: Double, rounding: RoundingRule, overflow: OverflowRule, options: ArithmeticOptions = .default, random: inout G
    ) -> Encoded {
        if options.signalingNaNs && (x.isSignalingNaN || y.isSignalingNaN) { return encodeSignalingNaN() }
        return encode(ExactResult.remainder(x, y, nearest: true), rounding: rounding, overflow: overflow, options: options, random: &random)
    }

    /// The IEEE remainder rounded once into this format; a stochastic rule draws from the system
    /// generator. See ``remainder(_:_:rounding:overflow:options:random:)``.
    @inlinable
    public func remainder(_ x: Double, _ y: Double, rounding: RoundingRule = .toNearestOrEven, overflow: OverflowRule = .none, options: ArithmeticOptions = .default) -> Encoded {
        var g = SystemRandomNumberGenerator()
        return remainder(x, y, rounding: rounding, overflow: overflow, options: options, random: &g)
    }

    /// `x − n·y` with `n = x / y` truncated toward zero (C `fmod`, Swift
    /// `truncatingRemainder(dividingBy:)`; not an IEEE 754 operation), rounded once into this format.
    ///
    /// ```swift
    /// FloatFormat.e4m3fn.truncatingRemainder(7, 2).code     // 0x38 (1)
    /// FloatFormat.e4m3fn.truncatingRemainder(-7, 2).code    // 0xB8 (−1): the sign of x
    /// ```
    ///
    /// Exact, then converted, as ``remainder(_:_:rounding:overflow:options:random:)``; the result has the
    /// sign of `x` (a zero result too). Invalid: `x` infinite, or `y` zero.
    @inlinable
    public func truncatingRemainder<G: RandomNumberGenerator>(
        _ x: Double, _ y: Double, rounding: RoundingRule, overflow: OverflowRule, options: ArithmeticOptions = .default, random: inout G
    ) -> Encoded {
        if options.signalingNaNs && (x.isSignalingNaN || y.isSignalingNaN) { return encodeSignalingNaN() }
        return encode(ExactResult.remainder(x, y, nearest: false), rounding: rounding, overflow: overflow, options: options, random: &random)
    }

    /// The truncating remainder rounded once into this format; a stochastic rule draws from the
    /// system generator. See ``truncatingRemainder(_:_:rounding:overflow:options:random:)``.
    @inlinable
    public func truncatingRemainder(_ x: Double, _ y: Double, rounding: RoundingRule = .toNearestOrEven, overflow: OverflowRule = .none, options: ArithmeticOptions = .default) -> Encoded {
        var g = SystemRandomNumberGenerator()
        return truncatingRemainder(x, y, rounding: rounding, overflow: overflow, options: options, random: &g)
    }
}
