/// Division, rounded once into the format.
extension FloatFormat {
    /// `x / y`, rounded once into this format from the exact quotient (IEEE 754 `division`).
    ///
    /// ```swift
    /// FloatFormat.e4m3fn.divide(1, 3).code                       // 0x2B (0.34375 ≈ 1/3)
    /// FloatFormat.e5m2.divide(1, 0)                             // +∞ (0x7C), flag divisionByZero
    /// FloatFormat.e4m3fn.divide(1, 0, overflow: .saturateFinite).code   // 0x7E (448)
    /// ```
    ///
    /// The significands are divided in integer arithmetic (64-bit quotient, remainder → sticky bit);
    /// the 64-bit round-to-odd quotient goes to the one rounding primitive. 0/0 and ∞/∞ are invalid.
    /// A finite nonzero `x` over ±0 raises ``ConversionStatus/divisionByZero`` and gives ±∞ (the XOR
    /// of the signs), encoded as a conversion of ±∞ is: a format without ∞ gives NaN (flag invalid)
    /// or, under sat-finite, ±greatestFiniteMagnitude (flag inexact) — departures from IEEE 754 that
    /// come from the format, stated in `docs/semantics.md` §6. Other departures as for
    /// ``add(_:_:rounding:overflow:options:random:)`` (canonical NaN results; stochastic rules round the
    /// 64-bit round-to-odd quotient).
    @inlinable
    public func divide<G: RandomNumberGenerator>(
        _ x: Double, _ y: Double, rounding: RoundingRule, overflow: OverflowRule, options: ArithmeticOptions = .default, random: inout G
    ) -> Encoded {
        if options.signalingNaNs && (x.isSignalingNaN || y.isSignalingNaN) { return encodeSignalingNaN() }
        return encode(ExactResult.quotient(x, y), rounding: rounding, overflow: overflow, options: options, random: &random)
    }

    /// `x / y` rounded once into this format; a stochastic rule draws from the system generator.
    /// See ``divide(_:_:rounding:overflow:options:random:)``.
    @inlinable
    public func divide(_ x: Double, _ y: Double, rounding: RoundingRule = .toNearestOrEven, overflow: OverflowRule = .none, options: ArithmeticOptions = .default) -> Encoded {
        var g = SystemRandomNumberGenerator()
        return divide(x, y, rounding: rounding, overflow: overflow, options: options, random: &g)
    }
}
