/// Square root, rounded once into the format.
extension FloatFormat {
    /// `√x`, rounded once into this format from the exact square root (IEEE 754 `squareRoot`).
    ///
    /// ```swift
    /// FloatFormat.e4m3fn.squareRoot(2).code      // 0x3B (1.375 ≈ 1.414)
    /// FloatFormat.e4m3fn.squareRoot(-0.0).code   // 0x80 (−0)
    /// FloatFormat.e4m3fn.squareRoot(-1)          // NaN (0x7F), flag invalid
    /// ```
    ///
    /// The root is an integer square root with remainder (sticky bit) of the significand; the 64-bit
    /// round-to-odd root goes to the one rounding primitive. √(−0) = −0 (+0 in formats without −0);
    /// √(+∞) = +∞ (encoded as a conversion of +∞ is); the root of a negative nonzero number is
    /// invalid. Other departures from IEEE 754 as for ``add(_:_:rounding:overflow:options:random:)``.
    @inlinable
    public func squareRoot<G: RandomNumberGenerator>(
        _ x: Double, rounding: RoundingRule, overflow: OverflowRule, options: ArithmeticOptions = .default, random: inout G
    ) -> Encoded {
        if options.signalingNaNs && x.isSignalingNaN { return encodeSignalingNaN() }
        return encode(ExactResult.squareRoot(x), rounding: rounding, overflow: overflow, options: options, random: &random)
    }

    /// `√x` rounded once into this format; a stochastic rule draws from the system generator.
    /// See ``squareRoot(_:rounding:overflow:options:random:)``.
    @inlinable
    public func squareRoot(_ x: Double, rounding: RoundingRule = .toNearestOrEven, overflow: OverflowRule = .none, options: ArithmeticOptions = .default) -> Encoded {
        var g = SystemRandomNumberGenerator()
        return squareRoot(x, rounding: rounding, overflow: overflow, options: options, random: &g)
    }
}
