import Foundation
import Testing
import ExMy

/// ExMy against Berkeley TestFloat's own generator (`testfloat_gen`, SoftFloat 3 built unmodified):
/// every line it writes is a case with SoftFloat's result and flags, and ExMy must give the same
/// result (NaN results compared as "is NaN", as `testfloat_ver` does by default) and exactly the
/// same flags, under ``ArithmeticOptions/softFloat`` with TestFloat's tininess setting.
///
/// The generator is looked up at `../shared/tools/testfloat/testfloat_gen` beside the package root;
/// where it is absent the tests are skipped with that message. Coverage (counts in
/// docs/verification.md): f16, f32 and f64 `add sub mul div sqrt mulAdd rem roundToInt` (`-exact`
/// too) `eq le lt`, and every conversion among f16, bf16, f32 and f64 that TestFloat has (bf16 only
/// to and from f32), level 1, under each of the six rounding modes (`-rodd` included) and both
/// tininess settings. The comparisons and `rem` do not round (their lines are the same in every mode
/// and tininess setting), so they run once, in `-rnear_even -tininessafter`. To keep the default
/// suite near a minute (release): the two-operand functions (46,464 level-1 cases each) check one
/// line in 4 (stride 4, from the first); `mulAdd` (6,133,248 level-1 cases per mode) checks the
/// first 20,000 cases TestFloat writes for each mode and tininess setting (level 1 interleaves its
/// operand patterns, so these cover every class of operand); everything else checks every line.
/// `EXMY_LONG=1` checks every line of every function.
struct TestFloatTests {
    // MARK: The tool

    /// The package root, from this file's path (Tests/ExMyTests/TestFloatTests.swift).
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let generator = packageRoot.appendingPathComponent("../shared/tools/testfloat/testfloat_gen").standardizedFileURL
    static let available = FileManager.default.isExecutableFile(atPath: generator.path)
    static let long = ProcessInfo.processInfo.environment["EXMY_LONG"] == "1"
    static let skipMessage: Comment = "TestFloat is absent: no executable ../shared/tools/testfloat/testfloat_gen beside the package root (see that folder's README)"

    // MARK: Formats and modes

    static let f16 = FloatFormat.fp16, bf16 = FloatFormat.bf16, f32 = FloatFormat.fp32
    // swiftlint:disable:next force_try
    static let f64 = try! FloatFormat(parsing: "e11m52")

    static func format(_ name: Substring) -> FloatFormat {
        switch name {
        case "f16": return f16
        case "bf16": return bf16
        case "f32": return f32
        default: return f64
        }
    }

    /// TestFloat's rounding options, ExMy's rule and the integral rule of `roundToInt` in that mode.
    static let modes: [(option: String, rule: RoundingRule, integral: FloatingPointRoundingRule)] = [
        ("-rnear_even", .toNearestOrEven, .toNearestOrEven), ("-rminMag", .towardZero, .towardZero),
        ("-rmin", .down, .down), ("-rmax", .up, .up), ("-rnear_maxMag", .toNearestOrAwayFromZero, .toNearestOrAwayFromZero),
        ("-rodd", .toOdd, .towardZero),
    ]

    /// One `testfloat_gen` run.
    struct Job: CustomTestStringConvertible, Sendable {
        var function: String
        var mode: Int
        var tininessAfter: Bool
        var exact = false
        /// Check only the first `limit` lines (then stop the generator); `nil`: every line.
        var limit: Int?
        /// Check one line in `stride` (the first, then every `stride`-th).
        var stride = 1

        var arguments: [String] {
            [TestFloatTests.modes[mode].option, tininessAfter ? "-tininessafter" : "-tininessbefore"]
                + (exact ? ["-exact"] : []) + ["-level", "1", function]
        }
        var testDescription: String {
            "\(function) \(arguments.dropLast(3).joined(separator: " "))" + (limit.map { " (first \($0))" } ?? "")
                + (stride > 1 ? " (1 line in \(stride))" : "")
        }
    }

    static let jobs: [Job] = {
        var jobs: [Job] = []
        let allModes = Array(modes.indices)
        for t in ["f16", "f32", "f64"] {
            for op in ["add", "sub", "mul", "div", "sqrt", "mulAdd", "roundToInt"] {
                for m in allModes {
                    for after in [false, true] {
                        let limit = op == "mulAdd" && !long ? 20_000 : nil
                        let stride = ["add", "sub", "mul", "div"].contains(op) && !long ? 4 : 1
                        jobs.append(Job(function: "\(t)_\(op)", mode: m, tininessAfter: after, limit: limit, stride: stride))
                        if op == "roundToInt" { jobs.append(Job(function: "\(t)_\(op)", mode: m, tininessAfter: after, exact: true)) }
                    }
                }
            }
            for op in ["rem", "eq", "le", "lt"] { jobs.append(Job(function: "\(t)_\(op)", mode: 0, tininessAfter: true, stride: long ? 1 : 4)) }
        }
        let conversions = ["f16_to_f32", "f16_to_f64", "f32_to_f16", "f32_to_f64", "f64_to_f16", "f64_to_f32", "bf16_to_f32", "f32_to_bf16"]
        for c in conversions {
            for m in allModes { for after in [false, true] { jobs.append(Job(function: c, mode: m, tininessAfter: after)) } }
        }
        return jobs
    }()

    // MARK: The check

    @Test(.enabled(if: available, skipMessage), arguments: jobs)
    func testFloatFunction(_ job: Job) throws {
        let outcome = try Self.run(job)
        #expect(outcome.cases > 0, "no case read from testfloat_gen \(job.arguments.joined(separator: " "))")
        #expect(outcome.errors == 0, "\(outcome.errors) of \(outcome.cases) cases differ; first: \(outcome.firstErrors.joined(separator: "; "))")
    }

    struct Outcome { var cases = 0, errors = 0; var firstErrors: [String] = [] }

    /// TestFloat's flag bits (1 inexact, 2 underflow, 4 overflow, 8 infinite, 16 invalid).
    static func testFloatFlags(_ s: ConversionStatus) -> UInt64 {
        (s.contains(.inexact) ? 1 : 0) | (s.contains(.underflow) ? 2 : 0) | (s.contains(.overflow) ? 4 : 0)
            | (s.contains(.divisionByZero) ? 8 : 0) | (s.contains(.invalid) ? 16 : 0)
    }

    /// A code's value as the arithmetic takes it: a signaling NaN code as a signaling `Double` NaN.
    static func operand(_ code: UInt64, _ f: FloatFormat) -> Double {
        guard f.isSignalingNaN(code) else { return f.decode(code) }
        return f.isNegative(code) ? -Double.signalingNaN : Double.signalingNaN
    }

    static func run(_ job: Job) throws -> Outcome {
        let parts = job.function.split(separator: "_")
        let mode = modes[job.mode]
        var options = ArithmeticOptions.softFloat
        options.tininess = job.tininessAfter ? .afterRounding : .beforeRounding
        options.roundToIntegralExact = job.exact
        options.roundToIntegralToOdd = mode.rule == .toOdd
        let rule = mode.rule
        // What ExMy gives for one line's operands: (result code, result format, flags), or a
        // comparison's 0/1.
        // (`format` nil for a comparison, whose result is 0 or 1).
        let compute: ([UInt64]) -> (code: UInt64, format: FloatFormat?, status: ConversionStatus)
        if parts.count == 3 {  // X_to_Y
            let source = format(parts[0]), target = format(parts[2])
            compute = { o in
                let r = target.encode(operand(o[0], source), rounding: rule, overflow: .none, options: options)
                return (r.code, target, r.status)
            }
        } else {
            let f = format(parts[0])
            let r: ([UInt64]) -> FloatFormat.Encoded
            switch parts[1] {
            case "add": r = { f.add(code: $0[0], code: $0[1], rounding: rule, options: options) }
            case "sub": r = { f.subtract(code: $0[0], code: $0[1], rounding: rule, options: options) }
            case "mul": r = { f.multiply(code: $0[0], code: $0[1], rounding: rule, options: options) }
            case "div": r = { f.divide(code: $0[0], code: $0[1], rounding: rule, options: options) }
            case "sqrt": r = { f.squareRoot(code: $0[0], rounding: rule, options: options) }
            case "mulAdd": r = { f.fusedMultiplyAdd(code: $0[0], code: $0[1], code: $0[2], rounding: rule, options: options) }
            case "rem": r = { f.remainder(code: $0[0], code: $0[1], rounding: rule, options: options) }
            case "roundToInt": r = { f.roundToIntegral(code: $0[0], mode.integral, rounding: rule, options: options) }
            default:
                let predicate: FloatFormat.ComparisonPredicate = parts[1] == "eq" ? .equal : parts[1] == "le" ? .lessThanOrEqual : .lessThan
                r = { o in
                    let c = f.compare(code: o[0], predicate, code: o[1], options: options)
                    return FloatFormat.Encoded(code: c.result ? 1 : 0, status: c.status)
                }
            }
            let isComparison = ["eq", "le", "lt"].contains(parts[1])
            compute = { o in let e = r(o); return (e.code, isComparison ? nil : f, e.status) }
        }

        let process = Process()
        process.executableURL = generator
        process.arguments = job.arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        try process.run()
        var outcome = Outcome()
        var lineNumber = 0
        let handle = pipe.fileHandleForReading
        var pending: [UInt8] = []
        var fields: [UInt64] = []
        fields.reserveCapacity(5)
        reading: while true {
            let chunk = handle.readData(ofLength: 1 << 20)
            if chunk.isEmpty { break }
            pending.append(contentsOf: chunk)
            var lineStart = 0
            for i in pending.indices where pending[i] == 0x0A {
                let start = lineStart
                lineStart = i + 1
                lineNumber += 1
                if (lineNumber - 1) % job.stride != 0 { continue }
                fields.removeAll(keepingCapacity: true)
                var value: UInt64 = 0, inField = false
                for b in pending[start..<i] {
                    if b == 0x20 {
                        if inField { fields.append(value); value = 0; inField = false }
                        continue
                    }
                    let d: UInt64 = b <= 0x39 ? UInt64(b &- 0x30) : UInt64((b | 0x20) &- 0x61 &+ 10)
                    value = value << 4 | d
                    inField = true
                }
                if inField { fields.append(value) }
                guard fields.count >= 3 else { continue }
                let flags = fields[fields.count - 1], expected = fields[fields.count - 2]
                let operands = Array(fields[0..<(fields.count - 2)])
                let got = compute(operands)
                let resultOK: Bool
                if let f = got.format, f.classify(expected) == .nan {
                    resultOK = f.classify(got.code) == .nan
                } else {
                    resultOK = got.code == expected
                }
                let gotFlags = testFloatFlags(got.status)
                outcome.cases += 1
                if !resultOK || gotFlags != flags {
                    outcome.errors += 1
                    if outcome.firstErrors.count < 5 {
                        let text = String(decoding: pending[start..<i], as: UTF8.self)
                        outcome.firstErrors.append("\(text) → ExMy \(String(got.code, radix: 16, uppercase: true)) \(String(gotFlags, radix: 16))")
                    }
                }
                if let limit = job.limit, outcome.cases >= limit { break reading }
            }
            pending.removeFirst(lineStart)
        }
        // testfloat_gen catches SIGTERM and stops only between cases, which it cannot reach while
        // blocked on a full pipe: close our end (it then dies of SIGPIPE) and kill it.
        try? handle.close()
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        print("TestFloat \(job.testDescription): \(outcome.cases) cases, \(outcome.errors) errors")
        return outcome
    }
}
