/// Multiplication, rounded once into the format.
extension FloatFormat {
    /// `x · y`, computed exactly and rounded once into this format (IEEE 754 `multiplication`).
    ///
    /// ```swift
    /// FloatFormat.e2m1fn.multiply(1.5, 1.5).code      // 0x4 (2): 2.25 rounds to 2
    /// FloatFormat.e4m3fn.multiply(-0.0, 3).code       // 0x80 (−0)
    /// ```
    ///
    /// The exact product (106 bits) is rounded to odd at 64 significant bits and handed to the one
    /// rounding primitive; a zero or infinite result has the XOR of the operands' signs; 0 · ∞ is
    /// invalid. Departures from IEEE 754 as for ``add(_:_:rounding:overflow:options:random:)``: canonical NaN
    /// results, ∞ and −0 encoded as conversions of them are in formats that lack them, stochastic
    /// rules round the 64-bit round-to-odd intermediate (`docs/arithmetic.md`).
    @inlinable
    public func multiply<G: RandomNumberGenerator>(
        _ x: Double, _ y: Double, rounding: RoundingRule, overflow: OverflowRule, options: ArithmeticOptions = .default, random: inout G
    ) -> Encoded {
        if options.signalingNaNs && (x.isSignalingNaN || y.isSignalingNaN) { return encodeSignalingNaN() }
        return encode(ExactResult.product(x, y), rounding: rounding, overflow: overflow, options: options, random: &random)
    }

    /// `x · y` rounded once into this format; a stochastic rule draws from the system generator.
    /// See ``multiply(_:_:rounding:overflow:options:random:)``.
    @inlinable
    public func multiply(_ x: Double, _ y: Double, rounding: RoundingRule = .toNearestOrEven, overflow: OverflowRule = .none, options: ArithmeticOptions = .default) -> Encoded {
        var g = SystemRandomNumberGenerator()
        return multiply(x, y, rounding: rounding, overflow: overflow, options: options, random: &g)
    }
}
