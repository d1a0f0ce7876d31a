import ExMy
import Foundation
import TensorIO
import Testing
import ExMyTestSupport
@testable import ExMyCLI

#if canImport(Glibc)
import Glibc
#endif

/// The doors of `exmy encode`/`decode`/`export`: what happens to the output path, hostile input,
/// failed writes. Each test is a reproduction from a review of the CLI that once lost data, trapped
/// or hung.
@Suite
struct DoorTests {
    let dir: String = try! Scratch.directory("doors")

    func path(_ name: String) -> String { dir + "/" + name }
    func write(_ text: String, _ name: String) throws -> String {
        let p = path(name)
        try text.write(toFile: p, atomically: false, encoding: .utf8)
        return p
    }
    func run(_ args: [String]) throws -> (text: String, data: Data) { try TestCLI.runCapturing(args) }
    func message(_ args: [String]) -> String { TestCLI.message(args) ?? "" }
    /// Files in the scratch directory other than `keep`: temporaries must never be left behind.
    func leftovers(except keep: Set<String>) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: dir).filter { !keep.contains($0) }
    }

    @Test func directoryAsOutputIsRefusedAndKept() throws {
        let input = try write("1.5\n", "in.txt")
        let out = path("v")
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: false)
        _ = try write("precious", "v/keep")
        for command in [["encode", "e4m3fn"], ["decode", "e4m3fn"], ["export", "e4m3fn"]] {
            let args = command + (command[0] == "export" ? ["--output", out] : ["--input", input, "--output", out])
            let text = message(args)
            #expect(text.contains("is a directory"), "\(command): \(text)")
            #expect(try String(contentsOfFile: path("v/keep"), encoding: .utf8) == "precious")
        }
        #expect(try leftovers(except: ["in.txt", "v"]).isEmpty)
    }

    @Test func devicesAreWrittenAsStreamsNeverReplaced() throws {
        let input = try write("1.5\n", "in.txt")
        _ = try run(["encode", "e4m3fn", "--input", input, "--output", "/dev/null"])
        var info = stat()
        #expect(lstat("/dev/null", &info) == 0 && info.st_mode & S_IFMT == S_IFCHR)
        #expect(try leftovers(except: ["in.txt"]).isEmpty)
    }

    @Test func fifoOutputWithoutReaderIsAnErrorNotAWait() throws {
        let input = try write("1.5\n", "in.txt")
        let fifo = path("fifo")
        #expect(mkfifo(fifo, 0o644) == 0)
        #expect(message(["encode", "e4m3fn", "--input", input, "--output", fifo]).contains("FIFO with no reader"))
        var info = stat()
        #expect(lstat(fifo, &info) == 0 && info.st_mode & S_IFMT == S_IFIFO)
    }

    @Test func fifoInputDoesNotBlockInOpen() throws {
        let fifo = path("fifo-in")
        #expect(mkfifo(fifo, 0o644) == 0)
        // No writer: the open returns at once and the stream is empty.
        let npy = message(["encode", "e4m3fn", "--input", fifo, "--io", "npy", "--output", path("o.npy")])
        #expect(npy.contains("too short for its header"), "\(npy)")
        #expect(try run(["encode", "e4m3fn", "--input", fifo]).text == "")
    }

    @Test func symlinkAndReadOnlyAndForeignFilesAreNotReplaced() throws {
        let input = try write("1.5\n", "in.txt")
        let target = try write("target", "target.txt")
        #expect(symlink(target, path("link")) == 0)
        #expect(message(["encode", "e4m3fn", "--input", input, "--output", path("link")]).contains("symbolic link"))
        #expect(try String(contentsOfFile: target, encoding: .utf8) == "target")

        let readOnly = try write("mine", "ro.txt")
        #expect(chmod(readOnly, 0o444) == 0)
        #expect(message(["encode", "e4m3fn", "--input", input, "--output", readOnly]).contains("read-only"))
        #expect(try String(contentsOfFile: readOnly, encoding: .utf8) == "mine")

        if geteuid() == 0 {
            let foreign = try write("theirs", "foreign.txt")
            #expect(chown(foreign, 65534, 65534) == 0)
            #expect(message(["encode", "e4m3fn", "--input", input, "--output", foreign]).contains("another user"))
            #expect(try String(contentsOfFile: foreign, encoding: .utf8) == "theirs")
        }
        #expect(try leftovers(except: ["in.txt", "target.txt", "link", "ro.txt", "foreign.txt"]).isEmpty)
    }

    @Test func regularFileIsReplacedAtomicallyAndKeepsItsMode() throws {
        let input = try write("1.5\n", "in.txt")
        let out = try write("old", "out.txt")
        #expect(chmod(out, 0o640) == 0)
        // A user's file with the old fixed temporary name is untouched.
        let partial = try write("user data", "out.txt.exmy-partial")
        _ = try run(["encode", "e4m3fn", "--input", input, "--output", out])
        #expect(try String(contentsOfFile: out, encoding: .utf8) == "0x3C\n")
        #expect(try String(contentsOfFile: partial, encoding: .utf8) == "user data")
        var info = stat()
        #expect(stat(out, &info) == 0 && info.st_mode & 0o777 == 0o640)
        #expect(try leftovers(except: ["in.txt", "out.txt", "out.txt.exmy-partial"]).isEmpty)
    }

    @Test func anErrorLeavesTheOldOutputAndNoTemporary() throws {
        let out = try write("old", "out.txt")
        // The bad line comes after many good ones, so output was being written when it failed.
        let input = try write(String(repeating: "1.5\n", count: 300_000) + "oops\n", "in.txt")
        let text = message(["encode", "e4m3fn", "--input", input, "--output", out])
        #expect(text.contains("line 300001: 'oops' is not a number"), "\(text)")
        #expect(try String(contentsOfFile: out, encoding: .utf8) == "old")
        #expect(try leftovers(except: ["in.txt", "out.txt"]).isEmpty)
    }

    @Test func codesAreIntegersWithAnExactRangeCheck() throws {
        let bad = try write("0xffffffffffffffff\n", "c1.txt")
        #expect(message(["decode", "e4m3fn", "--input", bad]).contains("does not fit in the 8 bits of e4m3fn"))
        let huge = try write("18446744073709551616\n", "c2.txt")
        #expect(message(["decode", "e4m3fn", "--input", huge]).contains("does not fit"))
        // Codes above 2^53 are read exactly: a NaN code stays NaN, and 1 + 2^-52 is not 1.
        let wide = try write("0x7ff0000000000001\n0x3ff0000000000001\n0xFFF0000000000000\n", "c3.txt")
        #expect(try run(["decode", "e11m52", "--input", wide]).text == "nan\n1.0000000000000002220446049250313080847263336181640625\n-inf\n")
        let junk = try write("12abc\n", "c4.txt")
        #expect(message(["decode", "e4m3fn", "--input", junk]).contains("'12abc' is not a code"))
    }

    @Test func crlfTextIsRead() throws {
        let input = try write("1.5\r\n2.5\r\n", "crlf.txt")
        #expect(try run(["encode", "e4m3fn", "--input", input]).text == "0x3C\n0x42\n")
        let codes = try write("0x3C\r\n0x42\r\n", "crlf-codes.txt")
        #expect(try run(["decode", "e4m3fn", "--input", codes]).text == "1.5\n2.5\n")
    }

    @Test func decimalTextIsRoundedOnceFromItsExactValue() throws {
        // Above the midpoint 1.0625 by 10^-19: 1.125 (0x39), not 1.0 through Double.
        let input = try write("1.0625000000000000001\n1.0625\n", "dec.txt")
        #expect(try run(["encode", "e4m3fn", "--input", input]).text == "0x39\n0x38\n")
        // Finite text beyond DBL_MAX is finite: toward zero gives the greatest finite half.
        let big = try write("1e400\n-1e400\n", "big.txt")
        #expect(try run(["encode", "fp16", "--input", big, "--rounding", "toward-zero"]).text == "0x7BFF\n0xFBFF\n")
        let tiny = try write("1e-99999999999999999999\n", "tiny.txt")
        #expect(try run(["encode", "fp16", "--input", tiny, "--rounding", "up"]).text == "0x0001\n")
        // The ml_dtypes profile reads text as float64 first, as numpy does.
        let dbl = try write("-431.99999999999994\n", "dbl.txt")
        #expect(try run(["encode", "e4m3fn", "--input", dbl, "--profile", "ml_dtypes"]).text == "0xFE\n")
        #expect(try run(["encode", "e4m3fn", "--input", dbl]).text == "0xFD\n")
    }

    @Test func integersAbove10To17PrintEveryDigit() throws {
        let codes = try write("0x5bc8\n", "bf.txt")
        #expect(try run(["decode", "bf16", "--input", codes]).text == "112589990684262400\n")
        let fp32 = try write("0x7F7FFFFF\n", "f32.txt")
        #expect(try run(["decode", "fp32", "--input", fp32]).text == "340282346638528859811704183484516925440\n")
        let e11 = try write("0x4376345785d8a000\n", "e11.txt")
        #expect(try run(["decode", "e11m52", "--input", e11]).text == "100000000000000000\n")
    }

    @Test func byteOrderMarkAndHostileLines() throws {
        let bom = path("bom.txt")
        try Data([0xEF, 0xBB, 0xBF] + Array("1.5\n".utf8)).write(to: URL(fileURLWithPath: bom))
        #expect(try run(["encode", "e4m3fn", "--input", bom]).text == "0x3C\n")
        let nul = path("nul.txt")
        try Data(repeating: 0, count: 100_000).write(to: URL(fileURLWithPath: nul))
        let text = message(["encode", "e4m3fn", "--input", nul])
        #expect(text.contains("is not a number") && text.count < 1000, "\(text.prefix(200))")
    }

    @Test func outputThatIsTheInputIsRefused() throws {
        let input = try write("1.5\n", "same.txt")
        #expect(symlink(input, path("same-link")) == 0)
        for args in [["--input", input, "--output", input], ["--input", path("same-link"), "--output", input],
                     ["--input", input, "--output", dir + "/./same.txt"]] {
            let text = message(["encode", "e4m3fn"] + args)
            #expect(text.contains("is the input file"), "\(args): \(text)")
        }
        #expect(try String(contentsOfFile: input, encoding: .utf8) == "1.5\n")
    }

    @Test func mlDtypesVoidArraysAreCodes() throws {
        // np.save of an ml_dtypes float8_e4m3fn array writes descr '|V1'; its bytes are the codes.
        var npy: [UInt8] = [0x93] + Array("NUMPY".utf8) + [1, 0]
        var dict = Array("{'descr': '|V1', 'fortran_order': False, 'shape': (3,), }".utf8)
        while (10 + dict.count + 1) % 64 != 0 { dict.append(0x20) }
        dict.append(0x0A)
        npy += [UInt8(dict.count & 0xFF), UInt8(dict.count >> 8)] + dict + [0x3C, 0xC0, 0x7E]
        let file = path("v1.npy")
        try Data(npy).write(to: URL(fileURLWithPath: file))
        let out = path("v1-values.npy")
        _ = try run(["decode", "e4m3fn", "--input", file, "--output", out])
        let values = try TensorIO.NpyFile(path: out).readFloats()
        #expect(values == [1.5, -2, 448])
    }

    @Test func negativeNumbersAreValuesForTheirOptions() throws {
        let input = try write("1.5\n", "in.txt")
        let seed = message(["encode", "e4m3fn", "--input", input, "--rounding", "stochastic-a", "--seed", "-1"])
        #expect(seed.contains("-1") && seed.contains("--seed") && !seed.contains("Missing value"), "\(seed)")
        let threads = message(["encode", "e4m3fn", "--input", input, "--io", "binary", "--threads", "-1"])
        #expect(threads.contains("--threads must be 1…4096, got -1"), "\(threads)")
        let count = message(["decode", "e2m1fn", "--input", input, "--io", "binary", "--pack", "--count", "-1"])
        #expect(count.contains("--count must be a non-negative number"), "\(count)")
    }
}

/// Failed writes to standard output: the built executable, as a user runs it.
@Suite struct StandardOutputTests {
    /// The `exmy` built beside this test bundle (`swift test` builds it with the package).
    static var executable: String? {
        let bundle = Bundle.main.bundleURL
        for dir in [bundle, bundle.deletingLastPathComponent(), bundle.deletingLastPathComponent().deletingLastPathComponent()] {
            let candidate = dir.appendingPathComponent("exmy").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    func shell(_ script: String) throws -> (status: Int32, output: String) { try Subprocess.shell(script) }

    @Test(.enabled(if: executable != nil, "the exmy executable was not built beside the tests"))
    func fullDiskAndClosedPipeAreMessagesNotTraps() throws {
        let exmy = Self.executable!
        let full = try shell("'\(exmy)' info e4m3fn > /dev/full; echo \"status=$?\"")
        #expect(full.output.contains("cannot write to standard output") && full.output.contains("status=1"), "\(full.output)")
        let pipe = try shell("trap '' PIPE; '\(exmy)' values fp16 | head -1 > /dev/null; echo \"status=${PIPESTATUS[0]}\"")
        #expect(pipe.output.contains("Broken pipe") && pipe.output.contains("status=1"), "\(pipe.output)")
        let closed = try shell("'\(exmy)' info e4m3fn >&-; echo \"status=$?\"")
        #expect(closed.output.contains("cannot write to standard output") && closed.output.contains("status=1"), "\(closed.output)")
    }

    @Test(.enabled(if: executable != nil, "the exmy executable was not built beside the tests"))
    func interruptedConversionLeavesNoTemporary() throws {
        let exmy = Self.executable!
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("exmy-sig-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        // The input is a FIFO held open by a writer that never finishes; SIGTERM arrives mid-conversion.
        // (`env --default-signal`: the test runner may ignore these signals, and children inherit that.)
        for sig in ["TERM", "INT"] {
            let r = try shell("""
                set -m
                cd '\(dir)' && rm -f in && mkfifo in
                (yes 1.5 | head -c 3000000; exec sleep 30) > in 2>/dev/null & writer=$!
                env --default-signal=TERM,INT '\(exmy)' encode e4m3fn --input in --output out.txt & pid=$!
                sleep 1.5; kill -\(sig) $pid; wait $pid; echo "status=$?"
                echo "FILES: $(ls -A | grep -v '^in$' | tr '\\n' ' ')"
                kill -- -$writer 2>/dev/null; true
                """)
            let files = r.output.split(separator: "\n").first { $0.hasPrefix("FILES:") } ?? "none"
            #expect(files == "FILES: ", "SIG\(sig) left files behind: \(r.output)")
            #expect(r.output.contains("status=\(sig == "TERM" ? 143 : 130)"), "\(r.output)")
        }
    }
}
