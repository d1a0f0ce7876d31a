import ExMy

/// Checks vector lines (from any generator, or a device's output) against the reference model.
///
/// A result matches when its code equals the model's, or, unless ``checkNaNs`` is set, when both are
/// NaN codes of the result format (TestFloat's default); the flags must match exactly. Each
/// mismatch gives a TestFloat-style error line: the operands, `=>`, the line's result and flags,
/// `expected`, the model's result and flags; floating-point fields read `±EXP.FRACTION` (the
/// exponent and trailing-significand fields in hex), flags `vzoux` (invalid, infinite, overflow,
/// underflow, inexact; `.` when clear).
public struct VectorChecker: Sendable {
    /// The reference model that computes each line's expected result and flags.
    public let model: VectorModel
    /// The layout lines are parsed with (``model``'s).
    public let layout: VectorLayout
    /// Compare NaN results code for code (TestFloat's `-checkNaNs`).
    public var checkNaNs: Bool
    /// Skip (and count) lines whose operands the model does not model (``VectorModel/models(_:)``:
    /// signaling NaN operands, `mulAdd(0, ∞, NaN)`), instead of checking them.
    public var skipUnmodelled: Bool

    /// Counts of one run.
    public struct Summary: Sendable, Equatable {
        /// Lines checked (passed or failed; skipped lines not included).
        public var tests = 0
        /// Lines whose result or flags differ from the model's (all counted, however many were
        /// reported).
        public var errors = 0
        /// Lines skipped under ``VectorChecker/skipUnmodelled``.
        public var skipped = 0
        /// Creates counts as given (nothing is checked).
        public init(tests: Int = 0, errors: Int = 0, skipped: Int = 0) {
            self.tests = tests
            self.errors = errors
            self.skipped = skipped
        }
    }

    /// Creates a checker for `model`'s lines; `checkNaNs` and `skipUnmodelled` as the properties of
    /// those names. Nothing can fail.
    public init(_ model: VectorModel, checkNaNs: Bool = false, skipUnmodelled: Bool = false) {
        self.model = model
        self.layout = VectorLayout(model)
        self.checkNaNs = checkNaNs
        self.skipUnmodelled = skipUnmodelled
    }

    /// The outcome of one line.
    public enum Outcome: Equatable, Sendable {
        /// The line's result and flags match the model's.
        case pass
        /// The line was not checked: its operands are not modelled and ``VectorChecker/skipUnmodelled``
        /// is set.
        case skipped
        /// The TestFloat-style error line.
        case error(String)
    }

    /// Checks one line; returns `nil` when it matches (or is skipped), otherwise the error line.
    ///
    /// - Throws: ``VectorError`` for a line that is not a vector of this function.
    public func check(line text: Substring) throws -> String? {
        if case .error(let e) = try outcome(line: text) { return e }
        return nil
    }

    /// Checks one line.
    ///
    /// - Throws: ``VectorError`` for a line that is not a vector of this function.
    public func outcome(line text: Substring) throws -> Outcome {
        let v = try layout.parse(text)
        if skipUnmodelled && !model.models(v.operands) { return .skipped }
        if model.randomBitCount > 0, v.random >> UInt64(model.randomBitCount) != 0 {
            throw VectorError("the random field '\(LayoutHex.hex(v.random))' has more than \(model.randomBitCount) bits")
        }
        let expected = model.evaluate(v.operands, random: v.random)
        if matches(v.expected, expected) { return .pass }
        return .error(errorLine(v, expected))
    }

    func matches(_ got: VectorResult, _ want: VectorResult) -> Bool {
        guard got.flags == want.flags else { return false }
        if got.result == want.result { return true }
        if checkNaNs || model.function.operation.isComparison { return false }
        let d = model.function.resultFormat
        return d.classify(got.result) == .nan && d.classify(want.result) == .nan && got.result & ~d.codeMask == 0
    }

    /// TestFloat's display of a code: `±EXP.FRACTION` in hex.
    public static func display(_ code: UInt64, _ f: FloatFormat) -> String {
        let m = UInt64(f.significandBitCount)
        let negative = f.signedness == .signMagnitude && f.isNegative(code)
        let magnitude = f.signedness == .signMagnitude ? code & (f.codeMask >> 1) : code & f.codeMask
        let field = f.exponentBitCount == 0 ? 0 : magnitude >> m
        let fraction = m == 0 ? 0 : magnitude & ((1 << m) - 1)
        let sign = f.signedness == .unsigned ? "" : (negative ? "-" : "+")
        return sign + VectorLayout.hex(field, (f.exponentBitCount + 3) / 4) + "." + VectorLayout.hex(fraction, (f.significandBitCount + 3) / 4)
    }

    func errorLine(_ v: Vector, _ expected: VectorResult) -> String {
        let f = model.function.operandFormat, d = model.function.resultFormat
        var parts = v.operands.map { Self.display($0, f) }
        if model.randomBitCount > 0 { parts.append("r=" + VectorLayout.hex(v.random, (model.randomBitCount + 3) / 4)) }
        func show(_ r: VectorResult) -> String {
            (model.function.operation.isComparison ? String(r.result) : Self.display(r.result, d)) + " " + r.flags.description
        }
        return parts.joined(separator: "  ") + "  => " + show(v.expected) + "  expected " + show(expected)
    }

    /// Checks every line of `lines`, calling `report` with each error line (at most `maxErrors`
    /// of them; the count goes on). Empty lines and lines starting with `#` or `//` are skipped.
    ///
    /// - Throws: ``VectorError`` naming the line number of a malformed line.
    public func check<S: Sequence>(lines: S, maxErrors: Int = 20, report: (String) throws -> Void) throws -> Summary where S.Element: StringProtocol {
        var summary = Summary()
        var number = 0
        for line in lines {
            number += 1
            // Skip blank lines and comments (the first non-blank character # or /).
            guard let first = line.utf8.first(where: { $0 != 32 && $0 != 9 && $0 != 13 }), first != UInt8(ascii: "#"), first != UInt8(ascii: "/") else { continue }
            let outcome: Outcome
            do { outcome = try self.outcome(line: Substring(line)) } catch let e as VectorError {
                throw VectorError("line \(number): \(e.message)")
            }
            switch outcome {
            case .pass: summary.tests += 1
            case .skipped: summary.skipped += 1
            case .error(let error):
                summary.tests += 1
                summary.errors += 1
                if summary.errors <= maxErrors { try report(error) }
            }
        }
        return summary
    }

    /// TestFloat's closing line for a run.
    public func summaryLine(_ s: Summary) -> String {
        var what = "\(model.function.name), rounding \(model.settings.roundingName)"
        if model.function.operation == .roundToInt { what += model.settings.exact ? ", exact" : ", not exact" }
        let skipped = s.skipped == 0 ? "" : " (\(s.skipped) skipped: signaling NaN operands or mulAdd(0, ∞, NaN), which ExMy does not model)"
        if s.errors == 0 { return "In \(s.tests) tests, no errors found in \(what).\(skipped)" }
        return "\(s.tests) tests performed; \(s.errors) error\(s.errors == 1 ? "" : "s") found in \(what).\(skipped)"
    }
}

enum LayoutHex {
    static func hex(_ v: UInt64) -> String { String(v, radix: 16, uppercase: true) }
}
