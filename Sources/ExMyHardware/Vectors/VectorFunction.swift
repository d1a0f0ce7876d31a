import ExMy

/// Why a test-vector request or line cannot be served: an unknown function name, a format too wide,
/// an option the function does not take, a malformed line.
public struct VectorError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The message, in words a user can act on.
    public let message: String
    /// Creates an error whose ``message`` (and description) is `message`.
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// A function of Berkeley TestFloat's naming scheme, extended to every ExMy format.
///
/// Names are `FMT_op` or `SRC_to_DST`, where a format token is one of TestFloat's (`f16`, `f32`,
/// `f64`, `bf16`) or any spelling `FloatFormat(parsing:)` accepts that has no `_to_` in it
/// (`e4m3fn`, `binary8p3se`, `e2m1fn`, `float8_e4m3fn`, …), or a name defined with
/// ``VectorFunction/init(parsing:customFormats:)``'s `customFormats`.
///
/// ```swift
/// try VectorFunction(parsing: "f32_mulAdd").operation          // .mulAdd
/// try VectorFunction(parsing: "f32_to_e4m3fn").resultFormat    // E4M3FN
/// ```
public struct VectorFunction: Hashable, Sendable {
    /// The operations a vector can exercise.
    public enum Operation: String, Hashable, Sendable, CaseIterable {
        /// IEEE 754 `addition`: `x + y`, rounded once.
        case add
        /// IEEE 754 `subtraction`: `x − y`, rounded once.
        case sub
        /// IEEE 754 `multiplication`: `x · y`, rounded once.
        case mul
        /// IEEE 754 `division`: `x / y`, rounded once (divideByZero, TestFloat's "infinite", for a
        /// finite nonzero `x` over ±0).
        case div
        /// IEEE 754 `remainder`: `x − n·y` with `n` the integer nearest `x / y`, ties to even (exact
        /// in IEEE-style formats; rounded by the settings where a format cannot hold it).
        case rem
        /// IEEE 754 `squareRoot`, rounded once.
        case sqrt
        /// IEEE 754 `fusedMultiplyAdd`: `x · y + z` with a single rounding.
        case mulAdd
        /// IEEE 754 `roundToIntegral…` in the operand's format, the integral rule chosen by the
        /// settings' rounding rule (inexact raised only with ``VectorSettings/exact``).
        case roundToInt
        /// IEEE 754 `compareQuietEqual`, `compareSignalingLessEqual`, `compareSignalingLess`,
        /// `compareSignalingEqual`, `compareQuietLessEqual`, `compareQuietLess` (TestFloat's names).
        case eq, le, lt, eqSignaling = "eq_signaling", leQuiet = "le_quiet", ltQuiet = "lt_quiet"
        /// IEEE 754-2019 `minimum` and `maximum` (a NaN operand gives NaN; −0 < +0).
        case min, max
        /// A conversion from one format into another.
        case convert = "to"

        /// The number of operands (the random-bits column of a stochastic rule not counted).
        public var arity: Int {
            switch self {
            case .sqrt, .roundToInt, .convert: return 1
            case .mulAdd: return 3
            default: return 2
            }
        }

        /// Whether the result is a boolean (a comparison).
        public var isComparison: Bool {
            switch self {
            case .eq, .le, .lt, .eqSignaling, .leQuiet, .ltQuiet: return true
            default: return false
            }
        }

        /// Whether the result is rounded (a stochastic rule then reads a random-bits column).
        public var rounds: Bool { !isComparison && self != .min && self != .max }
    }

    /// The function's name as given (TestFloat's spelling where it has one).
    public let name: String
    /// The operation.
    public let operation: Operation
    /// The format of the operands.
    public let operandFormat: FloatFormat
    /// The format of the result (the operand format except for conversions; unused by comparisons).
    public let resultFormat: FloatFormat

    /// TestFloat's format tokens.
    public static let testFloatFormats: [String: FloatFormat] = {
        // E11M52 with IEEE specials is binary64; it is valid by construction.
        let f64 = (try? FloatFormat(exponentBitCount: 11, significandBitCount: 52, name: "f64")) ?? .fp32
        return ["f16": FloatFormat.fp16.named("f16"), "f32": FloatFormat.fp32.named("f32"), "f64": f64, "bf16": FloatFormat.bf16.named("bf16")]
    }()

    /// Parses a function name.
    ///
    /// - Parameter customFormats: extra format tokens (`--format NAME=SPEC`).
    /// - Throws: ``VectorError`` naming the unknown part and what is accepted.
    public init(parsing text: String, customFormats: [String: FloatFormat] = [:]) throws {
        name = text
        func format(_ token: Substring) throws -> FloatFormat { try Self.format(token, in: text, customFormats: customFormats) }
        if let r = text.range(of: "_to_") {
            operation = .convert
            operandFormat = try format(text[..<r.lowerBound])
            resultFormat = try format(text[r.upperBound...])
            return
        }
        let ops = Operation.allCases.filter { $0 != .convert }.sorted { $0.rawValue.count > $1.rawValue.count }
        for op in ops where text.hasSuffix("_" + op.rawValue) {
            let token = text.dropLast(op.rawValue.count + 1)
            guard !token.isEmpty else { break }
            operation = op
            operandFormat = try format(token)
            resultFormat = operandFormat
            return
        }
        throw VectorError("unknown function '\(text)': use FORMAT_OP with OP one of \(ops.map(\.rawValue).sorted().joined(separator: ", ")), or SOURCE_to_DESTINATION (e.g. f32_add, e4m3fn_mul, f32_to_e4m3fn)")
    }

    /// The format a token of a function name stands for (`f32`, `bf16`, `e4m3fn`, a custom name).
    ///
    /// - Throws: ``VectorError`` naming the token and what is accepted.
    static func format(_ token: Substring, in text: String, customFormats: [String: FloatFormat]) throws -> FloatFormat {
        let t = String(token)
        if let f = customFormats[t] { return f }
        if let f = Self.testFloatFormats[t.lowercased()] { return f }
        if ["f128", "extf80"].contains(t.lowercased()) {
            throw VectorError("\(t) is wider than 64 bits: ExMy's formats hold at most 64 bits (E ≤ 11, M ≤ 52); use f16, f32, f64, bf16 or an ExMy format")
        }
        if ["i32", "i64", "ui32", "ui64"].contains(t.lowercased()) {
            throw VectorError("integer conversions (\(t)) are not supported: use a floating-point format on both sides")
        }
        do { return try FloatFormat(parsing: t) } catch let e as FormatError {
            throw VectorError("'\(t)' in '\(text)' is not a format: \(e.message) (TestFloat's f16, f32, f64, bf16 also work; define others with --format NAME=SPEC)")
        }
    }
}
