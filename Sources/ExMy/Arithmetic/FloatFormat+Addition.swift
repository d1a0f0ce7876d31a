/// Addition and subtraction, rounded once into the format.
extension FloatFormat {
    /// `x + y`, computed exactly and rounded once into this format (IEEE 754 `addition`).
    ///
    /// ```swift
    /// FloatFormat.e4m3fn.add(1, 0.0625).code        // 0x38 (1): the tie 1.0625 rounds to even
    /// FloatFormat.e4m3fn.add(448, 32, overflow: .saturateFinite).code   // 0x7E (448)
    /// ```
    ///
    /// `x` and `y` may be any `Double`s (values of other formats included). The exact sum is
    /// computed in integer arithmetic, rounded to odd at 64 significant bits (which decides every
    /// deterministic rule exactly) and handed to the one rounding primitive; overflow, underflow and
    /// the special values follow the conversion contract (`docs/semantics.md` §4–§7).
    ///
    /// Departures from IEEE 754 (all stated in `docs/arithmetic.md`):
    /// - A NaN result is the format's canonical NaN; operand NaN payloads and signs are not kept.
    ///   A format without NaN gives what ``encodeNaN(negative:)`` gives (code 0, flag invalid).
    /// - ∞ − ∞ is invalid; in a format without ∞, an ∞ result is encoded as a conversion of ±∞ is
    ///   (``encodeInfinity(negative:overflow:)``: NaN, or ±greatestFiniteMagnitude under sat-finite).
    /// - An exact zero result is +0 (−0 under ``RoundingRule/down``; x + x keeps the sign of a zero x),
    ///   then +0 in formats without −0. Formats without zero follow ``encodeZero(negative:overflow:)``.
    /// - Stochastic rules round the 64-bit round-to-odd intermediate, not the exact sum: the P3109
    ///   variants with at most 62 − p random bits (p = M + 1) decide exactly as for the exact sum;
    ///   ``RoundingRule/stochastic`` sees a ν that differs by less than 2^−(64−p).
    @inlinable
    public func add<G: RandomNumberGenerator>(
        _ x: Double, _ y: Double, rounding: RoundingRule, overflow: OverflowRule, options: ArithmeticOptions = .default, random: inout G
    ) -> Encoded {
        if options.signalingNaNs && (x.isSignalingNaN || y.isSignalingNaN) { return encodeSignalingNaN() }
        return encode(ExactResult.sum(x, y, negatingY: false, roundingDown: rounding == .down), rounding: rounding, overflow: overflow, options: options, random: &random)
    }

    /// `x + y` rounded once into this format; a stochastic rule draws from the system generator.
    /// See ``add(_:_:rounding:overflow:options:random:)``.
    @inlinable
    public func add(_ x: Double, _ y: Double, rounding: RoundingRule = .toNearestOrEven, overflow: OverflowRule = .none, options: ArithmeticOptions = .default) -> Encoded {
        var g = SystemRandomNumberGenerator()
        return add(x, y, rounding: rounding, overflow: overflow, options: options, random: &g)
    }

    /// `x − y`, computed exactly and rounded once into this format (IEEE 754 `subtraction`,
    /// `x + (−y)`).
    ///
    /// ```swift
    /// FloatFormat.e5m2.subtract(1, 1).code                      // 0x00 (+0)
    /// FloatFormat.e5m2.subtract(1, 1, rounding: .down).code     // 0x80 (−0)
    /// ```
    ///
    /// Same semantics and departures from IEEE 754 as ``add(_:_:rounding:overflow:options:random:)``.
    @inlinable
    public func subtract<G: RandomNumberGenerator>(
        _ x: Double, _ y: Double, rounding: RoundingRule, overflow: OverflowRule, options: ArithmeticOptions = .default, random: inout G
    ) -> Encoded {
        if options.signalingNaNs && (x.isSignalingNaN || y.isSignalingNaN) { return encodeSignalingNaN() }
        return encode(ExactResult.sum(x, y, negatingY: true, roundingDown: rounding == .down), rounding: rounding, overflow: overflow, options: options, random: &random)
    }

    /// `x − y` rounded once into this format; a stochastic rule draws from the system generator.
    /// See ``subtract(_:_:rounding:overflow:options:random:)``.
    @inlinable
    public func subtract(_ x: Double, _ y: Double, rounding: RoundingRule = .toNearestOrEven, overflow: OverflowRule = .none, options: ArithmeticOptions = .default) -> Encoded {
        var g = SystemRandomNumberGenerator()
        return subtract(x, y, rounding: rounding, overflow: overflow, options: options, random: &g)
    }
}
