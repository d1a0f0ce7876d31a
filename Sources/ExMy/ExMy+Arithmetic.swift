/// Arithmetic on typed values: `FloatingPoint`'s operators under the format's default rules, and
/// the same operations under any rule, with the flags they raise.
///
/// Every operation decodes its operands to their exact `Double` values and calls the arithmetic
/// core on ``FloatFormat`` (``FloatFormat/add(_:_:rounding:overflow:options:random:)`` and its siblings),
/// which computes the exact result and rounds it once into the format through the one rounding
/// primitive: IEEE 754's "compute exactly, then round" model, as P3109 states it. `docs/arithmetic.md`
/// lists the special cases (NaN operands, invalid operations, division by zero, signed zeros).
///
/// ```swift
/// let a: Float8E4M3FN = 1.5, b: Float8E4M3FN = 0.3125
/// a + b                                                    // 1.75 (1.8125 rounds to nearest even)
/// a.adding(b, rounding: .up)                               // (value: 1.875, status: [inexact])
/// Float8E4M3FN(448).multiplied(by: 2, rounding: .toNearestOrEven, overflow: .saturateFinite)
///                                                          // (value: 448, status: [inexact, overflow])
/// var g = CounterRandomGenerator(seed: 7, index: 0)
/// a.adding(b, rounding: .stochasticA(bits: 8), using: &g)  // 1.75 or 1.875, reproducibly
/// ```
///
/// The operators use `Format.defaultRounding` and `Format.defaultOverflow` (round to nearest even
/// and overflow `none` for every catalog format: OCP's non-saturating mode, so E4M3FN's 448 + 32
/// is NaN). A format whose default rule is stochastic draws from `SystemRandomNumberGenerator`;
/// use the `using:` methods for reproducible results.
extension ExMy {
    /// The operand the arithmetic core takes: ``doubleValue``, or a signaling `Double` NaN for a
    /// signaling NaN code (see ``ArithmeticOptions/signalingNaNs``).
    @inlinable var operand: Double { Format.format.operand(code) }

    @inlinable static func value(_ r: FloatFormat.Encoded) -> (value: ExMy, status: ConversionStatus) {
        (ExMy(encoded: r), r.status)
    }

    // MARK: Operators (default rules)

    /// The sum, rounded once with the format's default rules (IEEE 754 `addition`).
    @inlinable public static func + (lhs: ExMy, rhs: ExMy) -> ExMy {
        var g = SystemRandomNumberGenerator()
        return ExMy(encoded: Format.format.add(lhs.doubleValue, rhs.doubleValue, rounding: Format.defaultRounding, overflow: Format.defaultOverflow, random: &g))
    }

    /// The difference, rounded once with the format's default rules (IEEE 754 `subtraction`).
    @inlinable public static func - (lhs: ExMy, rhs: ExMy) -> ExMy {
        var g = SystemRandomNumberGenerator()
        return ExMy(encoded: Format.format.subtract(lhs.doubleValue, rhs.doubleValue, rounding: Format.defaultRounding, overflow: Format.defaultOverflow, random: &g))
    }

    /// The product, rounded once with the format's default rules (IEEE 754 `multiplication`).
    @inlinable public static func * (lhs: ExMy, rhs: ExMy) -> ExMy {
        var g = SystemRandomNumberGenerator()
        return ExMy(encoded: Format.format.multiply(lhs.doubleValue, rhs.doubleValue, rounding: Format.defaultRounding, overflow: Format.defaultOverflow, random: &g))
    }

    /// The quotient, rounded once with the format's default rules (IEEE 754 `division`). `x / 0`
    /// for finite nonzero `x` is ±∞ encoded as the format encodes ∞ (NaN in E4M3FN, the greatest
    /// finite value in FP4); `0 / 0` is NaN (+0 in a format without NaN). Never traps.
    @inlinable public static func / (lhs: ExMy, rhs: ExMy) -> ExMy {
        var g = SystemRandomNumberGenerator()
        return ExMy(encoded: Format.format.divide(lhs.doubleValue, rhs.doubleValue, rounding: Format.defaultRounding, overflow: Format.defaultOverflow, random: &g))
    }

    @inlinable public static func += (lhs: inout ExMy, rhs: ExMy) { lhs = lhs + rhs }
    @inlinable public static func -= (lhs: inout ExMy, rhs: ExMy) { lhs = lhs - rhs }
    @inlinable public static func *= (lhs: inout ExMy, rhs: ExMy) { lhs = lhs * rhs }
    @inlinable public static func /= (lhs: inout ExMy, rhs: ExMy) { lhs = lhs / rhs }

    /// The square root, rounded once with the format's default rules (IEEE 754 `squareRoot`).
    /// √(−0) is −0; the root of a negative nonzero value is NaN (+0 in a format without NaN).
    @inlinable public func squareRoot() -> ExMy {
        var g = SystemRandomNumberGenerator()
        return ExMy(encoded: Format.format.squareRoot(doubleValue, rounding: Format.defaultRounding, overflow: Format.defaultOverflow, random: &g))
    }

    @inlinable public mutating func formSquareRoot() { self = squareRoot() }

    /// `self + lhs · rhs`, rounded once with the format's default rules (IEEE 754
    /// `fusedMultiplyAdd`).
    @inlinable public func addingProduct(_ lhs: ExMy, _ rhs: ExMy) -> ExMy {
        var g = SystemRandomNumberGenerator()
        return ExMy(encoded: Format.format.fusedMultiplyAdd(lhs.doubleValue, rhs.doubleValue, doubleValue, rounding: Format.defaultRounding, overflow: Format.defaultOverflow, random: &g))
    }

    @inlinable public mutating func addProduct(_ lhs: ExMy, _ rhs: ExMy) { self = addingProduct(lhs, rhs) }

    /// The IEEE 754 remainder `self − n · other`, `n` the integer nearest `self / other` (ties to
    /// even). The exact remainder is representable in IEEE formats; formats without subnormals may
    /// have to round it, with the format's default rules.
    @inlinable public func remainder(dividingBy other: ExMy) -> ExMy {
        var g = SystemRandomNumberGenerator()
        return ExMy(encoded: Format.format.remainder(doubleValue, other.doubleValue, rounding: Format.defaultRounding, overflow: Format.defaultOverflow, random: &g))
    }

    @inlinable public mutating func formRemainder(dividingBy other: ExMy) { self = remainder(dividingBy: other) }

    /// `self − n · other` with `n` the quotient truncated toward zero (C's `fmod`).
    @inlinable public func truncatingRemainder(dividingBy other: ExMy) -> ExMy {
        var g = SystemRandomNumberGenerator()
        return ExMy(encoded: Format.format.truncatingRemainder(doubleValue, other.doubleValue, rounding: Format.defaultRounding, overflow: Format.defaultOverflow, random: &g))
    }

    @inlinable public mutating func formTruncatingRemainder(dividingBy other: ExMy) { self = truncatingRemainder(dividingBy: other) }

    /// The integral value chosen by `rule` (IEEE 754 `roundToIntegral…`). When that integer is not
    /// representable (it exceeds the greatest finite value, e.g. `0.75.rounded(.up)` in a format
    /// whose values are all below 1), it is rounded into the format with the default rules.
    @inlinable public func rounded(_ rule: FloatingPointRoundingRule) -> ExMy {
        var g = SystemRandomNumberGenerator()
        return ExMy(encoded: Format.format.roundToIntegral(doubleValue, rule, rounding: Format.defaultRounding, overflow: Format.defaultOverflow, random: &g))
    }

    /// `rounded(.toNearestOrAwayFromZero)` (IEEE 754 `roundToIntegralTiesToAway`, as Swift's
    /// `rounded()`).
    @inlinable public func rounded() -> ExMy { rounded(.toNearestOrAwayFromZero) }

    @inlinable public mutating func round(_ rule: FloatingPointRoundingRule) { self = rounded(rule) }
    /// Rounds to an integral value with `.toNearestOrAwayFromZero` in place (IEEE 754
    /// `roundToIntegralTiesToAway`, as Swift's `round()`); see ``rounded(_:)`` for integers the
    /// format cannot represent.
    @inlinable public mutating func round() { self = rounded() }

    // MARK: Any rule, with flags

    /// The sum under `rounding` and `overflow`, with the flags raised.
    @inlinable public func adding(
        _ other: ExMy, rounding: RoundingRule, overflow: OverflowRule = Format.defaultOverflow, options: ArithmeticOptions = .default
    ) -> (value: ExMy, status: ConversionStatus) {
        var g = SystemRandomNumberGenerator()
        return adding(other, rounding: rounding, overflow: overflow, options: options, using: &g)
    }

    /// The sum; a stochastic rule draws from `generator`.
    @inlinable public func adding<G: RandomNumberGenerator>(
        _ other: ExMy, rounding: RoundingRule, overflow: OverflowRule = Format.defaultOverflow,
        options: ArithmeticOptions = .default, using generator: inout G
    ) -> (value: ExMy, status: ConversionStatus) {
        Self.value(Format.format.add(operand, other.operand, rounding: rounding, overflow: overflow, options: options, random: &generator))
    }

    /// The difference under `rounding` and `overflow`, with the flags raised. An exact zero
    /// difference is +0, or −0 under ``RoundingRule/down`` (IEEE 754 §6.3), where the format has −0.
    @inlinable public func subtracting(
        _ other: ExMy, rounding: RoundingRule, overflow: OverflowRule = Format.defaultOverflow, options: ArithmeticOptions = .default
    ) -> (value: ExMy, status: ConversionStatus) {
        var g = SystemRandomNumberGenerator()
        return subtracting(other, rounding: rounding, overflow: overflow, options: options, using: &g)
    }

    /// The difference; a stochastic rule draws from `generator`.
    @inlinable public func subtracting<G: RandomNumberGenerator>(
        _ other: ExMy, rounding: RoundingRule, overflow: OverflowRule = Format.defaultOverflow,
        options: ArithmeticOptions = .default, using generator: inout G
    ) -> (value: ExMy, status: ConversionStatus) {
        Self.value(Format.format.subtract(operand, other.operand, rounding: rounding, overflow: overflow, options: options, random: &generator))
    }

    /// The product under `rounding` and `overflow`, with the flags raised.
    @inlinable public func multiplied(
        by other: ExMy, rounding: RoundingRule, overflow: OverflowRule = Format.defaultOverflow, options: ArithmeticOptions = .default
    ) -> (value: ExMy, status: ConversionStatus) {
        var g = SystemRandomNumberGenerator()
        return multiplied(by: other, rounding: rounding, overflow: overflow, options: options, using: &g)
    }

    /// The product; a stochastic rule draws from `generator`.
    @inlinable public func multiplied<G: RandomNumberGenerator>(
        by other: ExMy, rounding: RoundingRule, overflow: OverflowRule = Format.defaultOverflow,
        options: ArithmeticOptions = .default, using generator: inout G
    ) -> (value: ExMy, status: ConversionStatus) {
        Self.value(Format.format.multiply(operand, other.operand, rounding: rounding, overflow: overflow, options: options, random: &generator))
    }

    /// The quotient under `rounding` and `overflow`, with the flags raised (`divisionByZero` for a
    /// finite nonzero value divided by zero).
    @inlinable public func divided(
        by other: ExMy, rounding: RoundingRule, overflow: OverflowRule = Format.defaultOverflow, options: ArithmeticOptions = .default
    ) -> (value: ExMy, status: ConversionStatus) {
        var g = SystemRandomNumberGenerator()
        return divided(by: other, rounding: rounding, overflow: overflow, options: options, using: &g)
    }

    /// The quotient; a stochastic rule draws from `generator`.
    @inlinable public func divided<G: RandomNumberGenerator>(
        by other: ExMy, rounding: RoundingRule, overflow: OverflowRule = Format.defaultOverflow,
        options: ArithmeticOptions = .default, using generator: inout G
    ) -> (value: ExMy, status: ConversionStatus) {
        Self.value(Format.format.divide(operand, other.operand, rounding: rounding, overflow: overflow, options: options, random: &generator))
    }

    /// The square root under `rounding` and `overflow`, with the flags raised.
    @inlinable public func squareRoot(
        rounding: RoundingRule, overflow: OverflowRule = Format.defaultOverflow, options: ArithmeticOptions = .default
    ) -> (value: ExMy, status: ConversionStatus) {
        var g = SystemRandomNumberGenerator()
        return squareRoot(rounding: rounding, overflow: overflow, options: options, using: &g)
    }

    /// The square root; a stochastic rule draws from `generator`.
    @inlinable public func squareRoot<G: RandomNumberGenerator>(
        rounding: RoundingRule, overflow: OverflowRule = Format.defaultOverflow,
        options: ArithmeticOptions = .default, using generator: inout G
    ) -> (value: ExMy, status: ConversionStatus) {
        Self.value(Format.format.squareRoot(operand, rounding: rounding, overflow: overflow, options: options, random: &generator))
    }

    /// `self + lhs · rhs` rounded once under `rounding` and `overflow`, with the flags raised.
    @inlinable public func addingProduct(
        _ lhs: ExMy, _ rhs: ExMy, rounding: RoundingRule, overflow: OverflowRule = Format.defaultOverflow, options: ArithmeticOptions = .default
    ) -> (value: ExMy, status: ConversionStatus) {
        var g = SystemRandomNumberGenerator()
        return addingProduct(lhs, rhs, rounding: rounding, overflow: overflow, options: options, using: &g)
    }

    /// `self + lhs · rhs`; a stochastic rule draws from `generator`.
    @inlinable public func addingProduct<G: RandomNumberGenerator>(
        _ lhs: ExMy, _ rhs: ExMy, rounding: RoundingRule, overflow: OverflowRule = Format.defaultOverflow,
        options: ArithmeticOptions = .default, using generator: inout G
    ) -> (value: ExMy, status: ConversionStatus) {
        Self.value(Format.format.fusedMultiplyAdd(lhs.operand, rhs.operand, operand, rounding: rounding, overflow: overflow, options: options, random: &generator))
    }

    /// The IEEE remainder under `rounding` and `overflow` (which matter only where the exact
    /// remainder is not representable), with the flags raised.
    @inlinable public func remainder(
        dividingBy other: ExMy, rounding: RoundingRule, overflow: OverflowRule = Format.defaultOverflow, options: ArithmeticOptions = .default
    ) -> (value: ExMy, status: ConversionStatus) {
        var g = SystemRandomNumberGenerator()
        return remainder(dividingBy: other, rounding: rounding, overflow: overflow, options: options, using: &g)
    }

    /// The IEEE remainder; a stochastic rule draws from `generator`.
    @inlinable public func remainder<G: RandomNumberGenerator>(
        dividingBy other: ExMy, rounding: RoundingRule, overflow: OverflowRule = Format.defaultOverflow,
        options: ArithmeticOptions = .default, using generator: inout G
    ) -> (value: ExMy, status: ConversionStatus) {
        Self.value(Format.format.remainder(operand, other.operand, rounding: rounding, overflow: overflow, options: options, random: &generator))
    }

    /// The truncating remainder under `rounding` and `overflow`, with the flags raised.
    @inlinable public func truncatingRemainder(
        dividingBy other: ExMy, rounding: RoundingRule, overflow: OverflowRule = Format.defaultOverflow, options: ArithmeticOptions = .default
    ) -> (value: ExMy, status: ConversionStatus) {
        var g = SystemRandomNumberGenerator()
        return truncatingRemainder(dividingBy: other, rounding: rounding, overflow: overflow, options: options, using: &g)
    }

    /// The truncating remainder; a stochastic rule draws from `generator`.
    @inlinable public func truncatingRemainder<G: RandomNumberGenerator>(
        dividingBy other: ExMy, rounding: RoundingRule, overflow: OverflowRule = Format.defaultOverflow,
        options: ArithmeticOptions = .default, using generator: inout G
    ) -> (value: ExMy, status: ConversionStatus) {
        Self.value(Format.format.truncatingRemainder(operand, other.operand, rounding: rounding, overflow: overflow, options: options, random: &generator))
    }

    /// The integral value chosen by `rule`, rounded into the format under `rounding` and
    /// `overflow` where it is not representable, with the flags raised.
    @inlinable public func rounded(
        _ rule: FloatingPointRoundingRule, rounding: RoundingRule, overflow: OverflowRule = Format.defaultOverflow, options: ArithmeticOptions = .default
    ) -> (value: ExMy, status: ConversionStatus) {
        var g = SystemRandomNumberGenerator()
        return rounded(rule, rounding: rounding, overflow: overflow, options: options, using: &g)
    }

    /// The integral value chosen by `rule`; a stochastic rule draws from `generator`.
    @inlinable public func rounded<G: RandomNumberGenerator>(
        _ rule: FloatingPointRoundingRule, rounding: RoundingRule, overflow: OverflowRule = Format.defaultOverflow,
        options: ArithmeticOptions = .default, using generator: inout G
    ) -> (value: ExMy, status: ConversionStatus) {
        Self.value(Format.format.roundToIntegral(operand, rule, rounding: rounding, overflow: overflow, options: options, random: &generator))
    }
}
