/// Fused multiply-add, rounded once into the format.
extension FloatFormat {
    /// `x · y + z` with one rounding, from the exact value (IEEE 754 `fusedMultiplyAdd`).
    ///
    /// ```swift
    /// // An FP8 product accumulated into FP16 with one rounding:
    /// FloatFormat.fp16.fusedMultiplyAdd(0.3125, 448, 1024).code    // 0x648C (1164)
    /// ```
    ///
    /// The product is exact (106 bits); product and addend are summed exactly (192-bit window,
    /// sticky bit below it); the 64-bit round-to-odd sum goes to the one rounding primitive. 0 · ∞ is
    /// invalid whatever `z` is, except that fma(0, ∞, quiet NaN) gives NaN without a flag by
    /// default (one of the two choices IEEE 754 §7.2(c) allows; with
    /// ``ArithmeticOptions/invalidZeroTimesInfinityPlusNaN`` it raises invalid, as SoftFloat and x86
    /// do); (±∞) + (∓∞) is invalid. A signaling NaN operand raises invalid under
    /// ``ArithmeticOptions/signalingNaNs``; tininess follows ``ArithmeticOptions/tininess``. An exact zero result follows IEEE 754
    /// §6.3: the product's zero has the XOR of the signs; a zero sum of opposite signs is +0 (−0
    /// under ``RoundingRule/down``). Other departures as for ``add(_:_:rounding:overflow:options:random:)``.
    @inlinable
    public func fusedMultiplyAdd<G: RandomNumberGenerator>(
        _ x: Double, _ y: Double, _ z: Double, rounding: RoundingRule, overflow: OverflowRule, options: ArithmeticOptions = .default, random: inout G
    ) -> Encoded {
        if options.signalingNaNs && (x.isSignalingNaN || y.isSignalingNaN || z.isSignalingNaN) { return encodeSignalingNaN() }
        let exact = ExactResult.fusedMultiplyAdd(
            x, y, z, roundingDown: rounding == .down, zeroTimesInfinityPlusNaNIsInvalid: options.invalidZeroTimesInfinityPlusNaN)
        return encode(exact, rounding: rounding, overflow: overflow, options: options, random: &random)
    }

    /// `x · y + z` rounded once into this format; a stochastic rule draws from the system generator.
    /// See ``fusedMultiplyAdd(_:_:_:rounding:overflow:options:random:)``.
    @inlinable
    public func fusedMultiplyAdd(
        _ x: Double, _ y: Double, _ z: Double, rounding: RoundingRule = .toNearestOrEven, overflow: OverflowRule = .none,
        options: ArithmeticOptions = .default
    ) -> Encoded {
        var g = SystemRandomNumberGenerator()
        return fusedMultiplyAdd(x, y, z, rounding: rounding, overflow: overflow, options: options, random: &g)
    }
}
