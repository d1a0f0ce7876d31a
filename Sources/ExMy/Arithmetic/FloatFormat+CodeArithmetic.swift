/// Arithmetic on codes of this format: each operand code is decoded exactly (a signaling NaN code
/// to a signaling `Double` NaN, see ``FloatFormat/isSignalingNaN(_:)``) and the operation is
/// the `Double`-level one (``add(_:_:rounding:overflow:options:random:)`` and its siblings), rounded once.
extension FloatFormat {
    /// The code of `x + y` for codes `x`, `y` of this format. See ``add(_:_:rounding:overflow:options:random:)``.
    @inlinable
    package func add(
        code x: UInt64, code y: UInt64, rounding: RoundingRule = .toNearestOrEven, overflow: OverflowRule = .none,
        options: ArithmeticOptions = .default
    ) -> Encoded {
        add(operand(x), operand(y), rounding: rounding, overflow: overflow, options: options)
    }

    /// The code of `x − y` for codes of this format. See ``subtract(_:_:rounding:overflow:options:random:)``.
    @inlinable
    package func subtract(
        code x: UInt64, code y: UInt64, rounding: RoundingRule = .toNearestOrEven, overflow: OverflowRule = .none,
        options: ArithmeticOptions = .default
    ) -> Encoded {
        subtract(operand(x), operand(y), rounding: rounding, overflow: overflow, options: options)
    }

    /// The code of `x · y` for codes of this format. See ``multiply(_:_:rounding:overflow:options:random:)``.
    @inlinable
    package func multiply(
        code x: UInt64, code y: UInt64, rounding: RoundingRule = .toNearestOrEven, overflow: OverflowRule = .none,
        options: ArithmeticOptions = .default
    ) -> Encoded {
        multiply(operand(x), operand(y), rounding: rounding, overflow: overflow, options: options)
    }

    /// The code of `x / y` for codes of this format. See ``divide(_:_:rounding:overflow:options:random:)``.
    @inlinable
    package func divide(
        code x: UInt64, code y: UInt64, rounding: RoundingRule = .toNearestOrEven, overflow: OverflowRule = .none,
        options: ArithmeticOptions = .default
    ) -> Encoded {
        divide(operand(x), operand(y), rounding: rounding, overflow: overflow, options: options)
    }

    /// The code of `√x` for a code of this format. See ``squareRoot(_:rounding:overflow:options:random:)``.
    @inlinable
    package func squareRoot(
        code x: UInt64, rounding: RoundingRule = .toNearestOrEven, overflow: OverflowRule = .none,
        options: ArithmeticOptions = .default
    ) -> Encoded {
        squareRoot(operand(x), rounding: rounding, overflow: overflow, options: options)
    }

    /// The code of `x · y + z` for codes of this format. See
    /// ``fusedMultiplyAdd(_:_:_:rounding:overflow:options:random:)``.
    @inlinable
    package func fusedMultiplyAdd(
        code x: UInt64, code y: UInt64, code z: UInt64, rounding: RoundingRule = .toNearestOrEven, overflow: OverflowRule = .none,
        options: ArithmeticOptions = .default
    ) -> Encoded {
        fusedMultiplyAdd(operand(x), operand(y), operand(z), rounding: rounding, overflow: overflow, options: options)
    }

    /// The code of the IEEE remainder of codes `x`, `y` of this format. See
    /// ``remainder(_:_:rounding:overflow:options:random:)``.
    @inlinable
    package func remainder(
        code x: UInt64, code y: UInt64, rounding: RoundingRule = .toNearestOrEven, overflow: OverflowRule = .none,
        options: ArithmeticOptions = .default
    ) -> Encoded {
        remainder(operand(x), operand(y), rounding: rounding, overflow: overflow, options: options)
    }

    /// The code of a code `x` of this format rounded to an integral value. See
    /// ``roundToIntegral(_:_:rounding:overflow:options:random:)``.
    @inlinable
    package func roundToIntegral(
        code x: UInt64, _ integralRule: FloatingPointRoundingRule, rounding: RoundingRule = .toNearestOrEven,
        overflow: OverflowRule = .none, options: ArithmeticOptions = .default
    ) -> Encoded {
        roundToIntegral(operand(x), integralRule, rounding: rounding, overflow: overflow, options: options)
    }
}
