import ExMy

/// TestFloat's exception flags, as its vector lines carry them (two hex digits).
public struct TestFloatFlags: OptionSet, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }
    /// IEEE 754 inexact (bit 0, value 1): the result differs from the exact one.
    public static let inexact = TestFloatFlags(rawValue: 1)
    /// IEEE 754 underflow (bit 1, value 2): a tiny, inexact result (tininess as the settings'
    /// ``ArithmeticOptions`` detect it).
    public static let underflow = TestFloatFlags(rawValue: 2)
    /// IEEE 754 overflow (bit 2, value 4): the rounded magnitude exceeded the greatest finite value.
    public static let overflow = TestFloatFlags(rawValue: 4)
    /// IEEE 754 divideByZero (TestFloat calls it "infinite").
    public static let infinite = TestFloatFlags(rawValue: 8)
    /// IEEE 754 invalid operation (bit 4, value 16).
    public static let invalid = TestFloatFlags(rawValue: 16)

    /// ExMy's ``ConversionStatus`` in TestFloat's bits.
    public init(_ status: ConversionStatus) {
        var f: TestFloatFlags = []
        if status.contains(.inexact) { f.insert(.inexact) }
        if status.contains(.underflow) { f.insert(.underflow) }
        if status.contains(.overflow) { f.insert(.overflow) }
        if status.contains(.divisionByZero) { f.insert(.infinite) }
        if status.contains(.invalid) { f.insert(.invalid) }
        self = f
    }

    /// TestFloat's five-letter display: `v` invalid, `z` infinite, `o` overflow, `u` underflow,
    /// `x` inexact, `.` for a flag that is clear.
    public var description: String {
        let letters: [(TestFloatFlags, Character)] = [(.invalid, "v"), (.infinite, "z"), (.overflow, "o"), (.underflow, "u"), (.inexact, "x")]
        return String(letters.map { contains($0.0) ? $0.1 : "." })
    }
}

/// How the reference model rounds: the rule, the overflow rule and, for `roundToInt`, whether the
/// integral rounding is exact (raises inexact).
public struct VectorSettings: Hashable, Sendable {
    /// The rounding rule of the result (for `roundToInt`, also the integral rounding direction).
    public var rounding: RoundingRule
    /// The overflow rule of the result.
    public var overflow: OverflowRule
    /// `roundToInt` only: raise inexact when the integral value differs from the operand
    /// (IEEE 754 `roundToIntegralExact`; TestFloat's `-exact`).
    public var exact: Bool
    /// The engine's implementation choices: tininess before or after rounding, signaling NaNs,
    /// invalid for fma(0, ∞, NaN) (``ArithmeticOptions``; ``ArithmeticOptions/softFloat`` is
    /// TestFloat's default). Its integral-rounding fields are set from ``exact`` and the rule.
    public var options: ArithmeticOptions

    /// Creates settings as given. Nothing is validated here: ``VectorModel/init(_:_:)`` throws
    /// ``VectorError`` for a rule or `exact` that its function cannot take.
    public init(rounding: RoundingRule = .toNearestOrEven, overflow: OverflowRule = .none, exact: Bool = false, options: ArithmeticOptions = .default) {
        self.rounding = rounding
        self.overflow = overflow
        self.exact = exact
        self.options = options
    }

    /// TestFloat's name of the rounding mode (`near_even`, `minMag`, …), or ExMy's spelling.
    public var roundingName: String {
        switch rounding {
        case .toNearestOrEven: return "near_even"
        case .towardZero: return "minMag"
        case .down: return "min"
        case .up: return "max"
        case .toNearestOrAwayFromZero: return "near_maxMag"
        case .toOdd: return "odd"
        default: return rounding.spelling
        }
    }
}

/// One expected answer: the result code (0 or 1 for a comparison) and the flags.
public struct VectorResult: Hashable, Sendable {
    /// The result code in the function's result format (for a comparison, 1 for true, 0 for false).
    public var result: UInt64
    /// The exception flags raised.
    public var flags: TestFloatFlags
    /// Creates an answer as given (nothing is checked).
    public init(result: UInt64, flags: TestFloatFlags) {
        self.result = result
        self.flags = flags
    }
}

/// The reference model of a vector function: ExMy's engine, rounded once from the exact result.
///
/// Semantics are ExMy's (`docs/semantics.md`, `docs/arithmetic.md`) with the settings'
/// ``ArithmeticOptions``: by default tininess is detected before rounding; every NaN is quiet (a NaN
/// operand raises no flag except in a signaling comparison); fma(0, ∞, NaN) gives NaN without
/// invalid. A NaN result is the format's canonical NaN.
public struct VectorModel: Sendable {
    /// The function this model computes.
    public let function: VectorFunction
    /// The settings as given (validated against ``function`` by ``init(_:_:)``).
    public let settings: VectorSettings

    /// The number of random bits each vector carries: the stochastic rule's N, or 0.
    public var randomBitCount: Int { function.operation.rounds ? (settings.rounding.randomBits ?? 0) : 0 }

    /// Checks that the settings make sense for the function.
    ///
    /// - Throws: ``VectorError`` for exact-probability stochastic rounding (its randomness is not a
    ///   fixed number of bits, so no vector column can carry it), a `roundToInt` rule without an
    ///   integral counterpart, or `exact` on another function.
    public init(_ function: VectorFunction, _ settings: VectorSettings) throws {
        self.function = function
        self.settings = settings
        if settings.rounding == .stochastic && function.operation.rounds {
            throw VectorError("exact-probability stochastic rounding draws as many random words as a value needs, so a vector cannot carry its randomness as a column; use a P3109 variant with N bits (stochastic-a, stochastic-b, stochastic-c with --random-bits N)")
        }
        _ = try settings.rounding.validatedForVectors()
        if function.operation == .roundToInt {
            if settings.rounding.isStochastic {
                throw VectorError("roundToInt takes a deterministic rounding direction, not \(settings.rounding.spelling)")
            }
            if settings.rounding == .toNearestOrZero {
                throw VectorError("roundToInt has no ties-toward-zero direction (IEEE 754 defines five); use nearest-even, nearest-away, toward-zero, up, down, away or odd")
            }
        } else if settings.exact {
            throw VectorError("-exact applies to roundToInt only")
        }
    }

    /// Whether the vector's operands test ExMy's semantics rather than a choice it does not model:
    /// `false` for an IEEE-style signaling NaN operand (every NaN is quiet in ExMy; SoftFloat
    /// raises invalid) and for `mulAdd(0, ∞, NaN)` (IEEE 754 §7.2 leaves its invalid flag to the
    /// implementation). The generator leaves such vectors out; the checker still checks them.
    public func models(_ operands: [UInt64]) -> Bool {
        let f = function.operandFormat
        if !settings.options.signalingNaNs && operands.contains(where: { OperandSource.isSignalingNaN(f, $0) }) { return false }
        if function.operation == .mulAdd && !settings.options.invalidZeroTimesInfinityPlusNaN {
            let x = f.decode(operands[0]), y = f.decode(operands[1]), z = f.decode(operands[2])
            if z.isNaN && ((x == 0 && y.isInfinite) || (x.isInfinite && y == 0)) { return false }
        }
        return true
    }

    /// A generator that hands a fixed word to the stochastic rules (they take its low N bits).
    struct FixedBits: RandomNumberGenerator {
        var word: UInt64
        mutating func next() -> UInt64 { word }
    }

    /// The expected result for `operands` (codes of ``VectorFunction/operandFormat``) and, for a
    /// stochastic rule, the N random bits.
    public func evaluate(_ operands: [UInt64], random: UInt64 = 0) -> VectorResult {
        let d = function.resultFormat
        let rule = settings.rounding, overflow = settings.overflow
        let o = settings.options
        var g = FixedBits(word: random)
        let x = operand(operands[0])
        let y = operands.count > 1 ? operand(operands[1]) : 0
        func done(_ e: FloatFormat.Encoded) -> VectorResult { VectorResult(result: e.code, flags: TestFloatFlags(e.status)) }
        switch function.operation {
        case .convert: return done(d.encode(x, rounding: rule, overflow: overflow, options: o, random: &g))
        case .add: return done(d.add(x, y, rounding: rule, overflow: overflow, options: o, random: &g))
        case .sub: return done(d.subtract(x, y, rounding: rule, overflow: overflow, options: o, random: &g))
        case .mul: return done(d.multiply(x, y, rounding: rule, overflow: overflow, options: o, random: &g))
        case .div: return done(d.divide(x, y, rounding: rule, overflow: overflow, options: o, random: &g))
        case .rem: return done(d.remainder(x, y, rounding: rule, overflow: overflow, options: o, random: &g))
        case .sqrt: return done(d.squareRoot(x, rounding: rule, overflow: overflow, options: o, random: &g))
        case .mulAdd:
            return done(d.fusedMultiplyAdd(x, y, operand(operands[2]), rounding: rule, overflow: overflow, options: o, random: &g))
        case .roundToInt: return roundToInt(x)
        case .eq, .le, .lt, .eqSignaling, .leQuiet, .ltQuiet:
            var r = compare(x, y)
            if isSignaling(operands[0]) || isSignaling(operands[1]) { r.flags.insert(.invalid) }
            return r
        case .min, .max: return minMax(operands[0], operands[1], x, y)
        }
    }

    /// A code as the engine's operand: its value, or a signaling `Double` NaN for a signaling NaN
    /// code when the options model signaling NaNs.
    func operand(_ code: UInt64) -> Double {
        let f = function.operandFormat
        guard settings.options.signalingNaNs, f.isSignalingNaN(code) else { return f.decode(code) }
        return f.isNegative(code) ? -Double.signalingNaN : Double.signalingNaN
    }

    func isSignaling(_ code: UInt64) -> Bool {
        settings.options.signalingNaNs && function.operandFormat.isSignalingNaN(code)
    }

    func roundToInt(_ x: Double) -> VectorResult {
        let integral: FloatingPointRoundingRule
        switch settings.rounding {
        case .towardZero, .toOdd: integral = .towardZero
        case .up: integral = .up
        case .down: integral = .down
        case .awayFromZero: integral = .awayFromZero
        case .toNearestOrAwayFromZero: integral = .toNearestOrAwayFromZero
        default: integral = .toNearestOrEven
        }
        var o = settings.options
        o.roundToIntegralExact = settings.exact
        // Round to odd on integers (SoftFloat's round_odd, TestFloat's -rodd): truncate, then set
        // the last bit of an inexact result.
        o.roundToIntegralToOdd = settings.rounding == .toOdd
        let r = function.resultFormat.roundToIntegral(x, integral, rounding: settings.rounding, overflow: settings.overflow, options: o)
        return VectorResult(result: r.code, flags: TestFloatFlags(r.status))
    }

    func compare(_ x: Double, _ y: Double) -> VectorResult {
        let unordered = x.isNaN || y.isNaN
        let signaling: Bool
        let value: Bool
        switch function.operation {
        case .eq: signaling = false; value = x == y
        case .eqSignaling: signaling = true; value = x == y
        case .le: signaling = true; value = x <= y
        case .leQuiet: signaling = false; value = x <= y
        case .lt: signaling = true; value = x < y
        default: signaling = false; value = x < y
        }
        return VectorResult(result: value ? 1 : 0, flags: unordered && signaling ? .invalid : [])
    }

    func minMax(_ a: UInt64, _ b: UInt64, _ x: Double, _ y: Double) -> VectorResult {
        let f = function.operandFormat
        if x.isNaN || y.isNaN {
            return VectorResult(result: f.nanCode() ?? 0, flags: isSignaling(a) || isSignaling(b) ? .invalid : [])
        }
        let takeX: Bool
        if x == y {
            // −0 < +0 (IEEE 754-2019 minimum/maximum); equal values otherwise give the first code.
            let xNegative = x.sign == .minus, yNegative = y.sign == .minus
            takeX = function.operation == .min ? (xNegative || !yNegative) : (!xNegative || yNegative)
        } else {
            takeX = function.operation == .min ? x < y : x > y
        }
        return VectorResult(result: (takeX ? a : b) & f.codeMask, flags: [])
    }
}

extension RoundingRule {
    func validatedForVectors() throws -> RoundingRule {
        do { return try validated() } catch let e as FormatError { throw VectorError(e.message) }
    }
}
