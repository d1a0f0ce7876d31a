import ExMy
@testable import ExMyCLI
import ExMyHardware
import Foundation
import Testing

/// Issue 18, point 6: ExMy against Berkeley TestFloat, both ways, through `exmy vectors`.
///
/// - `testfloat_gen` vectors go through `exmy vectors check` (in-process) with 0 errors;
/// - `exmy vectors generate` output passes `testfloat_ver` with 0 errors.
///
/// For f16, f32 and f64 add, sub, mul, div, sqrt, mulAdd, rem, roundToInt (not exact and exact), eq,
/// le, lt, and the conversions among f16, bf16, f32 and f64 that TestFloat has, in all six
/// rounding modes, with tininess before rounding (ExMy's semantics). Each run is subsampled (every
/// k-th line, see ``sample``) to keep the release suite inside its budget; `Tests/testfloat.sh` runs
/// every line. Lines with a signaling NaN operand or mulAdd(0, ∞, NaN) are skipped and counted by
/// `--skip-unmodelled` (ExMy models neither). TestFloat's binaries live in `../shared/tools/testfloat/`
/// beside the package; where that folder is absent the tests are skipped with that reason.
@Suite(.serialized)
struct TestFloatVectorsTests {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let folder = packageRoot.appendingPathComponent("../shared/tools/testfloat").standardizedFileURL
    static let gen = folder.appendingPathComponent("testfloat_gen").path
    static let ver = folder.appendingPathComponent("testfloat_ver").path
    static let available = FileManager.default.isExecutableFile(atPath: gen) && FileManager.default.isExecutableFile(atPath: ver)
    static let skipReason: Comment = "TestFloat is absent (no executable testfloat_gen/testfloat_ver in ../shared/tools/testfloat/ beside the package): the TestFloat round trip is skipped"

    static let modes = ["-rnear_even", "-rminMag", "-rmin", "-rmax", "-rnear_maxMag", "-rodd"]
    static let functions: [String] = {
        var names: [String] = []
        for f in ["f16", "f32", "f64"] {
            for op in ["add", "sub", "mul", "div", "sqrt", "mulAdd", "rem", "roundToInt", "eq", "le", "lt"] { names.append("\(f)_\(op)") }
        }
        names += ["f16_to_f32", "f16_to_f64", "f32_to_f16", "f32_to_f64", "f64_to_f16", "f64_to_f32", "f32_to_bf16", "bf16_to_f32"]
        return names
    }()

    /// Lines kept per (function, mode): every k-th line of TestFloat's level-1 output or of ExMy's.
    static let sample = 1500

    static func run(_ executable: String, _ arguments: [String], input: String? = nil) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let out = Pipe()
        process.standardOutput = out
        process.standardError = out
        if let input { process.standardInput = FileHandle(forReadingAtPath: input) }
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    /// The first `limit` lines a generator writes; the process is stopped once they are read
    /// (TestFloat's level 1 has no smaller size than 6.1 million lines for mulAdd; its first 300 000
    /// lines hold some 135 000 distinct values of each operand, and -n cannot go below the level).
    static func prefix(_ executable: String, _ arguments: [String], lines limit: Int) throws -> [String] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        var data = Data()
        var count = 0
        while count < limit {
            let chunk = out.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            count += chunk.reduce(0) { $0 + ($1 == 10 ? 1 : 0) }
            data.append(chunk)
        }
        // TestFloat catches SIGTERM and stops only between cases, while blocked on a full pipe:
        // close the pipe (its next write fails) and kill it.
        try? out.fileHandleForReading.close()
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        return Array(String(decoding: data, as: UTF8.self).split(separator: "\n").prefix(limit).map(String.init))
    }

    static func every<T>(_ items: [T], keeping n: Int) -> [T] {
        guard items.count > n else { return items }
        let stride = items.count / n
        return items.enumerated().compactMap { $0.offset % stride == 0 ? $0.element : nil }
    }

    static func temporary(_ name: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("exmy-tf-\(UUID().uuidString)-\(name)").path
    }

    @Test(.enabled(if: available, skipReason), arguments: functions)
    func testFloatVectorsPassExMyCheck(_ function: String) throws {
        let roundToInt = function.hasSuffix("roundToInt")
        for mode in Self.modes {
            for exact in roundToInt ? ["-notexact", "-exact"] : [""] {
                var args = ["-tininessbefore", mode]
                if !exact.isEmpty { args.append(exact) }
                // mulAdd's level 1 is 6.1 million lines: its first 50 000 are sampled (all of a
                // binary operation's 46 464).
                let generated = try Self.prefix(Self.gen, args + [function], lines: 50_000)
                try #require(generated.count > 300, "testfloat_gen \(args) \(function) wrote \(generated.count) lines")
                let lines = Self.every(generated, keeping: Self.sample)
                let path = Self.temporary("\(function).txt")
                defer { try? FileManager.default.removeItem(atPath: path) }
                try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
                var text = ""
                var status = "passed"
                do {
                    text = try ExMyCommand.runCapturing(["vectors", "check", function] + args + ["--skip-unmodelled", "--input", path]).text
                } catch {
                    status = "failed: \(error)"
                    // Show the error lines: the same check through the library.
                    let model = try VectorModel(try VectorFunction(parsing: function), Self.settings(mode, exact: exact == "-exact"))
                    let checker = VectorChecker(model, skipUnmodelled: true)
                    _ = try checker.check(lines: lines, maxErrors: 5) { text += $0 + "\n" }
                }
                #expect(status == "passed" && text.contains("no errors found"), "\(function) \(mode) \(exact): \(status)\n\(text)")
                let tested = text.split(separator: " ").dropFirst().first.flatMap { Int($0.trimmingCharacters(in: .punctuationCharacters)) } ?? 0
                #expect(tested > lines.count / 2, "\(function) \(mode): only \(tested) of \(lines.count) lines checked\n\(text)")
            }
        }
    }

    static func settings(_ mode: String, exact: Bool) -> VectorSettings {
        let rule: RoundingRule
        switch mode {
        case "-rminMag": rule = .towardZero
        case "-rmin": rule = .down
        case "-rmax": rule = .up
        case "-rnear_maxMag": rule = .toNearestOrAwayFromZero
        case "-rodd": rule = .toOdd
        default: rule = .toNearestOrEven
        }
        return VectorSettings(rounding: rule, overflow: .none, exact: exact)
    }

    /// `testfloat_ver` at this TestFloat commit reads no case for bf16 functions (it prints only
    /// "Testing f32_to_bf16." and exits 0), so those two are checked in the other direction only.
    static let verifiable = functions.filter { !$0.contains("bf16") }

    @Test(.enabled(if: available, skipReason), arguments: verifiable)
    func exmyVectorsPassTestFloatVer(_ function: String) throws {
        let roundToInt = function.hasSuffix("roundToInt")
        for mode in Self.modes {
            for exact in roundToInt ? [false, true] : [false] {
                let model = try VectorModel(try VectorFunction(parsing: function), Self.settings(mode, exact: exact))
                let layout = VectorLayout(model)
                // Every 40th vector of ExMy's level 1 (about 1 600 of f16_add's 63 393).
                var kept: [String] = []
                try VectorGenerator(model, level: 1, seed: 1).generate(every: 40) { kept.append(layout.line($0)) }
                let path = Self.temporary("\(function).txt")
                defer { try? FileManager.default.removeItem(atPath: path) }
                try (kept.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
                var args = ["-tininessbefore", mode]
                if exact { args.append("-exact") }
                let verified = try Self.run(Self.ver, args + [function], input: path)
                #expect(verified.status == 0 && verified.output.contains("In \(kept.count) tests, no errors found"),
                        "\(function) \(mode) exact=\(exact): \(verified.output.suffix(1500))")
            }
        }
    }

    /// SoftFloat's own choices (`--softfloat`: tininess after rounding, signaling NaNs, invalid for
    /// mulAdd(0, ∞, qNaN)) against TestFloat's defaults, both ways, nothing skipped: a subsample of
    /// 1 500 lines per (function, mode) of `testfloat_gen` through `exmy vectors check --softfloat`,
    /// and every 40th vector of `exmy vectors generate --softfloat` (signaling NaN operands included)
    /// through `testfloat_ver` at its default tininess after rounding.
    static let softFloatFunctions = ["f16_add", "f32_mul", "f64_div", "f16_sqrt", "f32_mulAdd", "f32_roundToInt", "f32_to_f16", "f64_to_f32", "f32_lt"]

    @Test(.enabled(if: available, skipReason), arguments: softFloatFunctions)
    func softFloatSettingsRoundTrip(_ function: String) throws {
        for mode in Self.modes {
            let generated = try Self.prefix(Self.gen, [mode, function], lines: 50_000)
            try #require(generated.count > 300, "testfloat_gen \(mode) \(function) wrote \(generated.count) lines")
            let lines = Self.every(generated, keeping: Self.sample)
            let path = Self.temporary("\(function)-softfloat.txt")
            defer { try? FileManager.default.removeItem(atPath: path) }
            try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
            var text = ""
            do {
                text = try ExMyCommand.runCapturing(["vectors", "check", function, mode, "--softfloat", "--input", path]).text
            } catch {
                var settings = Self.settings(mode, exact: false)
                settings.options = .softFloat
                let checker = VectorChecker(try VectorModel(try VectorFunction(parsing: function), settings))
                _ = try checker.check(lines: lines, maxErrors: 5) { text += $0 + "\n" }
            }
            #expect(text.hasPrefix("In \(lines.count) tests, no errors found"), "testfloat_gen \(function) \(mode) → check --softfloat:\n\(text)")

            var settings = Self.settings(mode, exact: false)
            settings.options = .softFloat
            let model = try VectorModel(try VectorFunction(parsing: function), settings)
            let layout = VectorLayout(model)
            var kept: [String] = []
            try VectorGenerator(model, level: 1, seed: 1).generate(every: 40) { kept.append(layout.line($0)) }
            try (kept.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
            let verified = try Self.run(Self.ver, [mode, function], input: path)
            #expect(verified.status == 0 && verified.output.contains("In \(kept.count) tests, no errors found"),
                    "generate --softfloat \(function) \(mode) → testfloat_ver: \(verified.output.suffix(1500))")
        }
    }

    /// The command itself, whole: `exmy vectors generate f32_to_f16 -rmin` through `testfloat_ver`.
    @Test(.enabled(if: available, skipReason))
    func generateCommandOutputPassesTestFloatVer() throws {
        let path = Self.temporary("f32_to_f16.txt")
        defer { try? FileManager.default.removeItem(atPath: path) }
        _ = try ExMyCommand.runCapturing(["vectors", "generate", "f32_to_f16", "-rmin", "--output", path])
        let verified = try Self.run(Self.ver, ["-tininessbefore", "-rmin", "f32_to_f16"], input: path)
        #expect(verified.status == 0 && verified.output.contains("no errors found"), "\(verified.output.suffix(800))")
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").count
        #expect(lines > 10_000)
    }

    /// A wrong result and a wrong flag are both reported, and the command fails.
    @Test(.enabled(if: available, skipReason))
    func checkReportsErrorsAndFails() throws {
        let path = Self.temporary("bad.txt")
        defer { try? FileManager.default.removeItem(atPath: path) }
        // 1 + 1 = 2 (0x40000000, exact): a wrong result, then a wrong flag, then a right line.
        try "3F800000 3F800000 40000001 00\n3F800000 3F800000 40000000 01\n3F800000 3F800000 40000000 00\n".write(toFile: path, atomically: true, encoding: .utf8)
        #expect(throws: (any Error).self) { try ExMyCommand.runCapturing(["vectors", "check", "f32_add", "--input", path]) }
        let model = try VectorModel(try VectorFunction(parsing: "f32_add"), VectorSettings())
        var errors: [String] = []
        let summary = try VectorChecker(model).check(lines: try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")) { errors.append($0) }
        #expect(summary == VectorChecker.Summary(tests: 3, errors: 2, skipped: 0))
        #expect(errors == [
            "+7F.000000  +7F.000000  => +80.000001 .....  expected +80.000000 .....",
            "+7F.000000  +7F.000000  => +80.000000 ....x  expected +80.000000 .....",
        ])
        // testfloat_ver agrees that these are the errors.
        let verified = try Self.run(Self.ver, ["f32_add"], input: path)
        #expect(verified.output.contains("2 errors found"))
    }

    /// The line `check` expects for `operands` under `options`, read back from its error line:
    /// a deliberately wrong line (result and flags all ones) is checked, and the expected result
    /// and flags are taken from the model directly.
    static func lineFor(_ function: String, _ operands: String, _ options: [String]) throws -> String {
        let translated = VectorsCommand.translatingTestFloatOptions(["vectors", "check", function] + options)
        let command = try VectorsCheckCommand.parse(Array(translated.dropFirst(2)))
        let model = try command.options.model()
        let ops = operands.split(separator: " ").map { UInt64($0, radix: 16)! }
        let layout = VectorLayout(model)
        return layout.line(Vector(operands: ops, expected: model.evaluate(ops)))
    }

    /// A result file with no vector in it (a device that crashed before writing) fails the check.
    @Test func checkingNothingFails() throws {
        let path = Self.temporary("empty.txt")
        defer { try? FileManager.default.removeItem(atPath: path) }
        for content in ["", "\n\n"] {
            try content.write(toFile: path, atomically: true, encoding: .utf8)
            #expect(throws: (any Error).self) { try ExMyCommand.runCapturing(["vectors", "check", "e4m3fn_mul", "--input", path]) }
        }
        // One correct line passes.
        let one = try ExMyCommand.runCapturing(["vectors", "generate", "e4m3fn_mul", "-n", "1"]).text
        try one.write(toFile: path, atomically: true, encoding: .utf8)
        #expect(try ExMyCommand.runCapturing(["vectors", "check", "e4m3fn_mul", "--input", path]).text.contains("In 1 tests, no errors found"))
    }

    /// The command's options and messages, without TestFloat.
    @Test func commandOptionsAndMessages() throws {
        func run(_ args: String...) throws -> String { try ExMyCommand.runCapturing(args).text }
        // TestFloat's spellings: -rminMag, -n; every E2M1 pair is 256 lines, -n cuts it to 5.
        let five = try run("vectors", "generate", "e2m1fn_add", "-rminMag", "-n", "5")
        #expect(five == "0 0 0 00\n0 1 1 00\n0 2 2 00\n0 3 3 00\n0 4 4 00\n")
        // 1.5 + 0.5 = 2 exactly; 3 + 0.5 = 3.5 rounds toward zero to 3 (inexact).
        #expect(try run("vectors", "generate", "e2m1fn_add", "-rminMag").contains("\n5 1 5 01\n"))
        // --hex: the header, then {a, b, result, flags}: 4 + 4 + 4 + 5 = 17 bits, 5 digits.
        let hex = try run("vectors", "generate", "e2m1fn_add", "--hex", "--count", "2").split(separator: "\n")
        #expect(hex.count == 3 && hex[0].hasPrefix("// exmy vectors e2m1fn_add") && hex[2] == "00220")
        // A stochastic rule adds the random column; a custom format through --format.
        let sr = try run("vectors", "generate", "my4_mul", "--format", "my4=e2m1:specials=none", "--rounding", "stochastic-b", "--random-bits", "6", "-n", "1")
        #expect(sr.split(separator: " ").count == 5)
        // Tininess after rounding (the semantics branch's ArithmeticOptions): 0x1.ffep-15 (f32
        // 0x387FF000) rounds to 2^-14, FP16's least normal: underflow before rounding, not after.
        #expect(try run("vectors", "generate", "f32_to_f16", "-n", "0") == "")
        let before = try Self.lineFor("f32_to_f16", "387FF000", [])
        let after = try Self.lineFor("f32_to_f16", "387FF000", ["-tininessafter"])
        #expect(before == "387FF000 0400 03" && after == "387FF000 0400 01")
        // Signaling NaNs: an f16 sNaN operand raises invalid with --signaling-nans (or --softfloat).
        #expect(try Self.lineFor("f16_add", "7C01 3C00", ["--softfloat"]).hasSuffix(" 10"))
        #expect(try Self.lineFor("f16_add", "7C01 3C00", []).hasSuffix(" 00"))
        // Checking what generate wrote passes.
        let path = Self.temporary("e3m2.txt")
        defer { try? FileManager.default.removeItem(atPath: path) }
        _ = try run("vectors", "generate", "e3m2fn_div", "--overflow", "sat-finite", "-rmax", "--output", path)
        let ok = try run("vectors", "check", "e3m2fn_div", "--overflow", "sat-finite", "-rmax", "--input", path)
        #expect(ok == "In 4096 tests, no errors found in e3m2fn_div, rounding max.\n")
        // Checked under another rule, the same lines fail (and the command throws).
        #expect(throws: (any Error).self) { try run("vectors", "check", "e3m2fn_div", "--input", path) }
        // Refusals are messages, not traps.
        for (args, words) in [
            (["vectors", "generate", "f32_frob"], "unknown function"),
            (["vectors", "generate", "f32_add", "--tininess", "sideways"], "unknown tininess"),
            (["vectors", "generate", "e4m3fn_add", "--rounding", "stochastic"], "exact-probability"),
            (["vectors", "generate", "e4m3fn_add", "-level", "3"], "-level takes 1 or 2"),
            (["vectors", "generate", "e4m3fn_add", "--exact"], "roundToInt only"),
            (["vectors", "generate", "x_add", "--format", "x_y=e4m3"], "may not contain"),
            (["vectors", "check", "f32_add", "--input", "/nonexistent/vectors.txt"], "nonexistent"),
        ] {
            do {
                _ = try ExMyCommand.runCapturing(args)
                Issue.record("\(args) did not fail")
            } catch {
                #expect("\(error)".contains(words), "\(args): \(error)")
            }
        }
        // A malformed line names its number.
        try "0 0 0 00\nzz 0 0 00\n".write(toFile: path, atomically: true, encoding: .utf8)
        do {
            _ = try run("vectors", "check", "e2m1fn_add", "--input", path)
            Issue.record("a malformed line was accepted")
        } catch { #expect("\(error)".contains("line 2")) }
    }
}
