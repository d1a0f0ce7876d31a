import ArgumentParser
import Foundation
import Testing
import ExMyTestSupport
@testable import ExMyCLI

/// Every refusal says, in the CLI's words, which option to change and why —
/// never a library type or parameter, never "Missing value" for a negative number.
extension CLITests {
    /// The message `exmy` prints for `arguments` (ArgumentParser's full text, as the user sees it),
    /// or `nil` when the command succeeds.
    func message(_ arguments: [String]) -> String? { TestCLI.message(arguments) }

    /// Library words that must never reach a user.
    static let libraryWords = ["BatchNaNPolicy", "hasZero", "interpretingVoidAs", "Missing value", "CapybaraError", "argument P ="]

    /// (arguments, texts the message must contain)
    static let refusals: [([String], [String])] = [
        // Negative numbers are values, refused with the option's range.
        (["capybara", "--params", "-1", "--tokens", "1B"], ["--params", "positive", "-1"]),
        (["capybara", "--params", "1B", "--tokens", "-5"], ["--tokens", "positive"]),
        (["capybara", "--params", "1B", "--tokens", "1B", "--block", "-1"], ["--block", "positive integer", "-1"]),
        (["capybara", "--params", "1B", "--tokens", "1B", "--compute", "-1"], ["--compute", "positive"]),
        (["capybara", "--params", "1x", "--tokens", "1B"], ["--params", "1x"]),
        (["capybara", "--params", "1B", "--tokens", "1B", "--constant", "n=-1"], ["--constant", "n"]),
        // capybara names --compute and says why, instead of "argument P = inf is invalid".
        (["capybara", "--params", "1B", "--tokens", "100B", "--compute", "1e308"], ["--compute 1e308", "out of the law's range"]),
        (["analyze", "--format", "e4m3fn", "--block", "-1"], ["--block", "positive integer", "-1"]),
        (["analyze", "--format", "e4m3fn", "--seed", "-1"], ["--seed", "0 to 18446744073709551615"]),
        (["analyze", "--format", "e4m3fn", "--seed", "18446744073709551616"], ["--seed"]),
        (["analyze", "--format", "e4m3fn", "--count", "-5"], ["--count", "positive integer", "-5"]),
        (["analyze", "--format", "e4m3fn", "--scheme", "per-channel", "--axis", "-1"], ["--axis", "-1"]),
        (["analyze", "--format", "e4m3fn", "--rounding", "stochastic", "--random-bits", "-1"], ["--random-bits", "1 to 62", "-1"]),
        (["dot", "--scheme", "absmax", "--block", "-1"], ["--block", "positive integer", "-1"]),
        (["dot", "--seed", "-1"], ["--seed"]),
        (["dot", "--trials", "-1"], ["--trials", "-1"]),
        (["dot", "--lengths", "-1"], ["--lengths", "-1"]),
        (["dot", "--promote", "-1"], ["--promote", "-1"]),
        (["dot", "--accumulator", "fp16", "--rounding", "sr", "--random-bits", "-3"], ["--random-bits", "-3"]),
        (["bench", "--analyzer", "--params", "-1"], ["--params", "-1"]),
        (["bench", "--analyzer", "--params", "1K", "--formats", "-1"], ["--formats", "-1"]),
        (["bench", "--repetitions", "-1"], ["--repetitions", "-1"]),
        (["bench", "--minimum-seconds", "-1"], ["--minimum-seconds"]),
        (["bench", "--sizes", "-1"], ["--sizes", "-1"]),
        // --threads beyond 2^31 used to wrap to 0 or a negative count.
        (["bench", "--threads", "2147483648", "--sizes", "1024"], ["--threads", "1 to 1024", "2147483648"]),
        (["bench", "--threads", "4294967297", "--sizes", "1024"], ["--threads", "4294967297"]),
        (["bench", "--threads", "-1", "--sizes", "1024"], ["--threads", "-1"]),
        (["bench", "--analyzer", "--params", "1K", "--threads", "2147483648"], ["--threads", "2147483648"]),
        // Format spellings: repeated and contradictory options, huge biases, the zero rules.
        (["info", "e4m3:bias=1,bias=2"], ["bias=1", "bias=2", "choose one"]),
        (["info", "e4m3:bias=1,bias=1"], ["bias=1", "twice"]),
        (["info", "e4m3:signed,unsigned"], ["signed", "unsigned", "choose one"]),
        (["info", "e4m3:unsigned,twos-complement"], ["unsigned", "twos-complement"]),
        (["info", "e4m3:subnormals=off,subnormals=on"], ["subnormals=off", "subnormals=on"]),
        (["info", "e4m3:specials=fn,specials=none"], ["specials=fn", "specials=none"]),
        (["info", "e4m3:zero=on,zero=off"], ["zero=on", "zero=off"]),
        (["info", "e4m3:bias=99999999999999999999"], ["bias 99999999999999999999 is out of range", "-4096…4096"]),
        (["info", "e4m3:bias=-99999999999999999999"], ["out of range"]),
        (["info", "e3m3:zero=off"], ["zero=off", "subnormals=off"]),
        (["info", "e0m3:subnormals=off"], ["subnormals=off", "zero=off"]),
        (["values", "e4m3:bias=1,bias=2"], ["bias=1", "bias=2"]),
        (["export", "e4m3:signed,unsigned"], ["signed", "unsigned"]),
    ]

    @Test func refusalsNameTheOption() throws {
        for (arguments, expected) in Self.refusals {
            let text = try #require(message(arguments), "\(arguments) succeeded")
            for part in expected { #expect(text.contains(part), "\(arguments): \(text)") }
            for word in Self.libraryWords { #expect(!text.contains(word), "\(arguments): \(text)") }
        }
    }

    #if MPFR
    @Test func checkRefusalsNameTheOption() throws {
        for (arguments, expected) in [(["check", "e2m1fn", "--seed", "-1"], ["--seed"]), (["check", "e2m1fn", "--random", "-1"], ["--random", "-1"]),
                                      (["check", "e2m1fn", "--overflow", "clamp"], ["--overflow", "clamp"])] {
            let text = try #require(message(arguments), "\(arguments) succeeded")
            for part in expected { #expect(text.contains(part), "\(arguments): \(text)") }
            #expect(!text.contains("Missing value"))
        }
    }
    #endif

    /// Negative values that are valid still work: they are not taken for options.
    @Test func negativeValuesReachTheCommand() throws {
        #expect(message(["capybara", "--params", "1B", "--tokens", "1B", "--constant", "epsilon=1.5"]) == nil)
        #expect(message(["analyze", "--format", "e4m3fn", "--count", "256", "--seed", "7"]) == nil)
    }

    /// A tensor file's error names the file once (dot said "X: X: …") and no library API.
    @Test func tensorFileMessages() throws {
        let void = temporary("void.npy"), short = temporary("short.npy")
        defer { for p in [void, short] { try? FileManager.default.removeItem(atPath: p) } }
        // A .npy of dtype '|V1' (what ml_dtypes writes for FP8) and a 4-byte truncated file.
        let header = "{'descr': '|V1', 'fortran_order': False, 'shape': (4,), }"
        let padded = header + String(repeating: " ", count: 118 - header.count) + "\n"
        var data = Data([0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(padded.utf8.count), 0])
        data.append(contentsOf: Array(padded.utf8) + [0, 0, 0, 0])
        try data.write(to: URL(fileURLWithPath: void))
        try Data([0x93, 0x4E, 0x55, 0x4D]).write(to: URL(fileURLWithPath: short))
        for arguments in [["dot", "--input", void], ["analyze", "--format", "e4m3fn", "--input", void]] {
            let text = try #require(message(arguments))
            #expect(text.components(separatedBy: void).count == 2, "\(text)")  // the path once
            #expect(text.contains("|V1") && text.contains("float32"), "\(text)")
            for word in Self.libraryWords { #expect(!text.contains(word), "\(text)") }
        }
        for arguments in [["dot", "--input", short], ["analyze", "--format", "e4m3fn", "--input", short]] {
            let text = try #require(message(arguments))
            #expect(text.components(separatedBy: short).count == 2, "\(text)")
        }
    }

    /// The built `exmy` binary, run as a process: messages go to standard error with a non-zero
    /// exit status; JSON goes to standard output with status 0.
    @Test func builtBinaryExitStatus() throws {
        // `swift build --show-bin-path` names the directory the test bundle itself was built
        // into; EXMY_BIN overrides it.
        let directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        let path = ProcessInfo.processInfo.environment["EXMY_BIN"] ?? directory.appendingPathComponent("exmy").path
        guard FileManager.default.isExecutableFile(atPath: path) else {
            print("builtBinaryExitStatus: skipped — no exmy binary at \(path) (build it with `swift build --product exmy`, or set EXMY_BIN)")
            return
        }
        func exmy(_ arguments: [String]) throws -> (status: Int32, out: String, err: String) {
            let r = try Subprocess.run(path, arguments)
            return (r.status, r.output, r.error)
        }
        for (arguments, option) in [(["analyze", "--format", "e4m3fn", "--block", "-1"], "--block"),
                                    (["capybara", "--params", "1B", "--tokens", "1B", "--compute", "1e308"], "--compute"),
                                    (["bench", "--threads", "2147483648"], "--threads"),
                                    (["info", "e4m3:bias=1,bias=2"], "bias=2")] {
            let r = try exmy(arguments)
            #expect(r.status != 0, "\(arguments)")
            #expect(r.err.contains(option) && r.out.isEmpty, "\(arguments): \(r.err)")
        }
        let ok = try exmy(["info", "e11m52", "--json"])
        #expect(ok.status == 0 && ok.err.isEmpty)
        let info = try JSONDecoder().decode(InfoJSON.self, from: Data(ok.out.utf8))
        #expect(info.greatest_finite == .greatestFiniteMagnitude)
    }
}
