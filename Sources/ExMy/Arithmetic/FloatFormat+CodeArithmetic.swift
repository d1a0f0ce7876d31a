/// Arithmetic on codes of this format: each operand code is decoded exactly and the operation is
/// the `Double`-level one (``add(_:_:rounding:overflow:random:)`` and its siblings), rounded once.
extension FloatFormat {
    /// The code of `x + y` for codes `x`, `y` of this format. See ``add(_:_:rounding:overflow:random:)``.
    @inlinable
    public func add(code x: UInt64, code y: UInt64, rounding: RoundingRule = .toNearestOrEven, overflow: OverflowRule = .none) -> Encoded {
        add(decode(x), decode(y), rounding: rounding, overflow: overflow)
    }

    /// The code of `x − y` for codes of this format. See ``subtract(_:_:rounding:overflow:random:)``.
    @inlinable
    public func subtract(code x: UInt64, code y: UInt64, rounding: RoundingRule = .toNearestOrEven, overflow: OverflowRule = .none) -> Encoded {
        subtract(decode(x), decode(y), rounding: rounding, overflow: overflow)
    }

    /// The code of `x · y` for codes of this format. See ``multiply(_:_:rounding:overflow:random:)``.
    @inlinable
    public func multiply(code x: UInt64, code y: UInt64, rounding: RoundingRule = .toNearestOrEven, overflow: OverflowRule = .none) -> Encoded {
        multiply(decode(x), decode(y), rounding: rounding, overflow: overflow)
    }

    /// The code of `x / y` for codes of this format. See ``divide(_:_:rounding:overflow:random:)``.
    @inlinable
    public func divide(code x: UInt64, code y: UInt64, rounding: RoundingRule = .toNearestOrEven, overflow: OverflowRule = .none) -> Encoded {
        divide(decode(x), decode(y), rounding: rounding, overflow: overflow)
    }

    /// The code of `√x` for a code of this format. See ``squareRoot(_:rounding:overflow:random:)``.
    @inlinable
    public func squareRoot(code x: UInt64, rounding: RoundingRule = .toNearestOrEven, overflow: OverflowRule = .none) -> Encoded {
        squareRoot(decode(x), rounding: rounding, overflow: overflow)
    }

    /// The code of `x · y + z` for codes of this format. See
    /// ``fusedMultiplyAdd(_:_:_:rounding:overflow:random:)``.
    @inlinable
    public func fusedMultiplyAdd(
        code x: UInt64, code y: UInt64, code z: UInt64, rounding: RoundingRule = .toNearestOrEven, overflow: OverflowRule = .none
    ) -> Encoded {
        fusedMultiplyAdd(decode(x), decode(y), decode(z), rounding: rounding, overflow: overflow)
    }
}
