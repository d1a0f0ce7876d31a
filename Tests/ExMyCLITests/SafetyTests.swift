import Foundation
import Testing
import ExMyTestSupport
@testable import ExMyCLI
@testable import ExMy
import ExMyBenchmarks
@testable import ExMyAnalysis
@testable import TensorIO

/// Regression tests for analyze, dot, bench and report: absurd shapes,
/// FIFOs, devices and directories as input, unknown dtypes, absurd sizes, and writes that a full
/// disk interrupts. Nothing absurd is allocated for real: memory and disk limits are injected
/// (``SystemResources/injected``) and a full disk is simulated (``OutputFile/simulatedDisk``:
/// writes past a byte budget fail with ENOSPC, as on a real full disk; no tmpfs is mounted).
extension CLITests {
@Suite
struct SafetyTests {
    func run(_ args: String...) throws -> String { try TestCLI.run(args) }

    /// A fresh folder under the temporary directory.
    func folder() throws -> String { try Scratch.directory("safety") }

    /// The message of the error `body` throws (the test fails if it throws none).
    func failure(_ body: () throws -> Void, sourceLocation: SourceLocation = #_sourceLocation) -> String {
        do {
            try body()
            Issue.record("no error", sourceLocation: sourceLocation)
            return ""
        } catch {
            return "\(error)"
        }
    }

    /// A float32 `.npy` file of any shape holding `values` (which need not match the shape: the
    /// absurd shapes here hold no element).
    func writeNpy(shape: [Int], values: [Float] = [], to path: String) throws { try Fixtures.writeNpy(values, shape: shape, to: path) }

    /// A `.safetensors` file with one tensor of `dtype` and `shape` and `byteCount` zero bytes.
    func writeSafetensors(_ entries: [(name: String, dtype: String, shape: [Int], byteCount: Int)], to path: String) throws {
        var json: [String] = []
        var offset = 0
        for e in entries {
            json.append("\"\(e.name)\":{\"dtype\":\"\(e.dtype)\",\"shape\":[\(e.shape.map(String.init).joined(separator: ","))],\"data_offsets\":[\(offset),\(offset + e.byteCount)]}")
            offset += e.byteCount
        }
        let header = Data(("{" + json.joined(separator: ",") + "}").utf8)
        var file = Data()
        withUnsafeBytes(of: UInt64(header.count).littleEndian) { file.append(contentsOf: $0) }
        file.append(header)
        file.append(Data(count: offset))
        try file.write(to: URL(fileURLWithPath: path))
    }

    /// Runs `body` with a watchdog: if it is still running after a few seconds (blocked in the
    /// `open` of `fifo`), the FIFO is opened for writing and closed, which releases the reader —
    /// so a regression fails the test instead of hanging the suite.
    func withFIFOWatchdog<R>(_ fifo: String, _ body: () throws -> R) rethrows -> R {
        let done = UnsafeMutablePointer<Bool>.allocate(capacity: 1)
        done.initialize(to: false)
        nonisolated(unsafe) let flag = done
        let thread = Thread {
            for _ in 0..<50 {
                usleep(100_000)
                if flag.pointee { return }
            }
            let fd = open(fifo, O_WRONLY | O_NONBLOCK)
            if fd >= 0 { close(fd) }
        }
        thread.start()
        defer { done.pointee = true; usleep(150_000) }
        return try body()
    }

    // MARK: 1. Absurd shapes

    @Test func analyzeOfHugeEmptyShapesNeitherTrapsNorAllocates() throws {
        let dir = try folder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let cases: [([Int], [String])] = [
            ([1, 0, Int.max], []),                                          // absmax: ⌈last / B⌉ overflowed
            ([1, 0, Int.max], ["--scheme", "mxfp4"]),
            ([1, 0, Int.max], ["--scheme", "per-channel", "--axis", "2"]),
            ([0, 1 << 32, 1 << 32], ["--scheme", "per-channel", "--axis", "0"]),  // the stride overflowed
            ([0, 1 << 32, 1 << 32], ["--scheme", "per-channel", "--axis", "1"]),  // 34 GB of channel maxima
            ([0, Int.max, 2], ["--scheme", "per-channel", "--axis", "1"]),        // memset of 2^63 − 1 groups
            ([0, 268_435_456], ["--scheme", "per-channel", "--axis", "1"]),       // 4.5 GB from a 128-byte file
        ]
        for (shape, scheme) in cases {
            let npy = dir + "/x.npy", st = dir + "/x.safetensors"
            try writeNpy(shape: shape, to: npy)
            try writeSafetensors([("w", "F32", shape, 0)], to: st)
            for input in [npy, st] {
                let before = AnalyzerBenchmark.peakResidentBytes()
                let arguments = ["analyze", "--input", input, "--format", "e4m3fn", "--output-format", "csv"] + (scheme.isEmpty ? [] : scheme)
                let out = try ExMyCommand.runCapturing(arguments).text
                let lines = out.split(whereSeparator: \.isNewline)
                #expect(lines.count == 2, "\(shape) \(scheme)")
                // One empty group whatever the granularity: the zero_blocks column says 1.
                #expect(lines.last?.split(separator: ",").dropLast(2).last == "1", "\(shape) \(scheme): \(out)")
                #expect(AnalyzerBenchmark.peakResidentBytes() - before < 256 << 20, "\(shape) \(scheme)")
            }
        }
    }

    @Test func aTensorTooLargeForMemoryIsRefusedBeforeItIsRead() throws {
        let dir = try folder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let npy = dir + "/x.npy"
        try writeNpy(shape: [64, 64], values: [Float](repeating: 1, count: 4096), to: npy)
        let tiny = SystemResources(availableMemoryBytes: 10_000)
        let message = SystemResources.$injected.withValue(tiny) {
            failure { _ = try run("analyze", "--input", npy, "--format", "e4m3fn") }
        }
        #expect(message.contains("\(npy): the array of shape [64, 64] needs about"), "\(message)")
        #expect(message.contains("9.8 KiB is available"), "\(message)")
        // 2^31 synthetic values (8 GiB as Float) are refused against 1 GiB before one is drawn.
        let synthetic = SystemResources.$injected.withValue(SystemResources(availableMemoryBytes: 1 << 30)) {
            failure { _ = try run("analyze", "--format", "e4m3fn", "--count", "2147483648") }
        }
        #expect(synthetic.contains("2147483648 synthetic values needs about 8."), "\(synthetic)")
        #expect(synthetic.contains("1.0 GiB is available"), "\(synthetic)")
        // dot holds its input tensors: refused the same way.
        let dot = SystemResources.$injected.withValue(tiny) {
            failure { _ = try run("dot", "--input", npy, "--lengths", "16", "--trials", "1", "--accumulator", "fp32") }
        }
        #expect(dot.contains("needs about 16 KiB"), "\(dot)")
        // With the memory there, the same file is analysed.
        #expect(try run("analyze", "--input", npy, "--format", "e4m3fn", "--quiet").contains("e4m3fn"))
    }

    // MARK: 2, 3. FIFOs, devices, directories, unknown dtypes

    @Test func fifosDevicesAndDirectoriesAreRefusedAtOnceAndNamed() throws {
        let dir = try folder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        for name in ["f.npy", "f.safetensors"] {
            let fifo = dir + "/" + name
            #expect(mkfifo(fifo, 0o600) == 0)
            let analyze = withFIFOWatchdog(fifo) { failure { _ = try run("analyze", "--input", fifo, "--format", "e4m3fn") } }
            #expect(analyze == "\(fifo): is a FIFO (named pipe), not a regular file (--input); .npy and .safetensors files are read at offsets, so save the data to a regular file and give that")
            let dot = withFIFOWatchdog(fifo) { failure { _ = try run("dot", "--input", fifo, "--lengths", "16") } }
            #expect(dot.contains("is a FIFO (named pipe), not a regular file (--input)"), "\(dot)")
            // The readers themselves never block in open either.
            let library = withFIFOWatchdog(fifo) { failure { _ = try Tensor.load(path: fifo, name: nil) } }
            #expect(library.contains("is a FIFO (named pipe), not a regular file; this reader reads at offsets"), "\(library)")
        }
        let folderInput = dir + "/d.npy"
        try FileManager.default.createDirectory(atPath: folderInput, withIntermediateDirectories: false)
        let directory = failure { _ = try run("analyze", "--input", folderInput, "--format", "e4m3fn") }
        #expect(directory == "\(folderInput): is a directory (--input); give a .npy or .safetensors file inside it")
        let device = failure { _ = try run("analyze", "--input", "/dev/zero", "--format", "e4m3fn") }
        #expect(device.hasPrefix("/dev/zero: is a character device, not a regular file (--input)"), "\(device)")
        let dotB = failure { _ = try run("dot", "--input", folderInput, "--lengths", "16") }
        #expect(dotB.contains("is a directory (--input)"), "\(dotB)")
        let bench = failure { _ = try run("bench", "--analyzer", "--input", "/dev/null") }
        #expect(bench.hasPrefix("/dev/null: is a character device"), "\(bench)")
        // No Foundation error dump anywhere.
        for m in [directory, device, dotB, bench] { #expect(!m.contains("NSCocoaErrorDomain") && !m.contains("permission")) }
    }

    @Test func unknownSafetensorsDTypesAreNamedWithTheirTensors() throws {
        let dir = try folder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/m.safetensors"
        try writeSafetensors([("w", "F9_E9M9", [4], 8), ("ids", "I64", [2], 16)], to: path)
        let analyze = failure { _ = try run("analyze", "--input", path, "--format", "e4m3fn") }
        #expect(analyze == "\(path): no floating-point tensor (unsupported dtype F9_E9M9 in 'w' (F9_E9M9); tensors: 'ids' (int64))")
        let dot = failure { _ = try run("dot", "--input", path, "--lengths", "16") }
        #expect(dot.contains("unsupported dtype F9_E9M9 in 'w'"), "\(dot)")
    }

    // MARK: 4. Absurd sizes for bench

    @Test func benchSizesBeyondAvailableMemoryAreRefusedUpFront() throws {
        let limit = SystemResources(availableMemoryBytes: 1 << 30)
        let message = SystemResources.$injected.withValue(limit) { failure { _ = try run("bench", "--sizes", "2147483648") } }
        // The standard cases include Double inputs: 8 bytes of values and 1 of codes per element.
        #expect(message.hasPrefix("--sizes 2147483648 is too large for this machine: 2147483648 elements need 18 GiB of buffers (9 bytes each)"), "\(message)")
        #expect(message.contains("three quarters of the 1.0 GiB of memory available now"), "\(message)")
        // The library refuses the same before allocating.
        var configuration = ExMyBenchmark.Configuration.standard
        configuration.sizes = [1 << 31]
        SystemResources.$injected.withValue(limit) {
            #expect(throws: BatchError.self) { _ = try ExMyBenchmark.run(configuration) }
        }
    }

    @Test func analyzerBenchmarkSizesBeyondDiskOrMemoryAreRefusedUpFront() throws {
        let dir = try folder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let checkpoint = dir + "/c.safetensors"
        let disk = SystemResources(availableMemoryBytes: Int.max, freeDiskBytes: 1 << 30)
        let message = SystemResources.$injected.withValue(disk) {
            failure { _ = try run("bench", "--analyzer", "--params", "100G", "--keep-checkpoint", checkpoint) }
        }
        #expect(message.hasPrefix("--params 100G is too large for this machine: a checkpoint of 100000000000 parameters takes 373 GiB on disk; 1.0 GiB is free in '\(dir)'"), "\(message)")
        #expect(!FileManager.default.fileExists(atPath: checkpoint))
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir).isEmpty)
        // Without --keep-checkpoint the temporary folder is checked.
        let temporary = SystemResources.$injected.withValue(disk) { failure { _ = try run("bench", "--analyzer", "--params", "1G") } }
        #expect(temporary.contains("on disk; 1.0 GiB is free in"), "\(temporary)")
        // Enough disk, too little memory for the largest tensor.
        let memory = SystemResources(availableMemoryBytes: 100 << 20, freeDiskBytes: Int.max)
        let tooBig = SystemResources.$injected.withValue(memory) { failure { _ = try run("bench", "--analyzer", "--params", "1G", "--threads", "1") } }
        #expect(tooBig.hasPrefix("--params 1G is too large for this machine: a checkpoint of 1000000000 parameters: tensor 'embed.weight' of shape [183105, 1024] needs about"), "\(tooBig)")
        #expect(tooBig.contains("100 MiB is available"), "\(tooBig)")
    }

    // MARK: 5. report --out

    @Test func reportRefusesWhatItMustNotOverwrite() throws {
        let dir = try folder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(failure { _ = try run("report", "--out", "") } == "--out is empty: give the folder to write the report into")
        try "mine\n".write(toFile: dir + "/README.md", atomically: false, encoding: .utf8)
        let foreign = failure { _ = try run("report", "--out", dir) }
        #expect(foreign == "--out \(dir): the folder holds files that exmy did not write (README.md); give a new or empty folder, or pass --force to write the report's files into it")
        #expect(try String(contentsOfFile: dir + "/README.md", encoding: .utf8) == "mine\n")
        let file = failure { _ = try run("report", "--out", dir + "/README.md") }
        #expect(file == "--out \(dir)/README.md: is a file, not a folder; give a folder for the report")
        // --force passes the check (the folder is then written by ReportFolder.write, tested below).
        #expect(throws: Never.self) { _ = try ReportFolder(path: dir, force: true) }
    }

    @Test func reportFilesAppearAllOrNothing() throws {
        let dir = try folder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let files = ["README.md": String(repeating: "r", count: 3000), "a.csv": String(repeating: "a", count: 3000),
                     "b.svg": String(repeating: "b", count: 3000)]
        // A new folder: written, with the marker listing the files.
        let out = dir + "/report"
        try ReportFolder(path: out, force: false).write(files)
        #expect(try FileManager.default.contentsOfDirectory(atPath: out).sorted() == [".exmy-report", "README.md", "a.csv", "b.svg"])
        #expect(try String(contentsOfFile: out + "/.exmy-report", encoding: .utf8).hasSuffix("README.md\na.csv\nb.svg\n"))
        // A disk that fills after 7000 bytes (two of the three files): nothing is replaced, no
        // temporary file is left.
        try ReportFolder(path: out, force: false).write(["README.md": "old", "a.csv": "old", "b.svg": "old"])
        let full = OutputFile.SimulatedDisk(bytes: 7000)
        let message = OutputFile.$simulatedDisk.withValue(full) {
            failure { try ReportFolder(path: out, force: false).write(files) }
        }
        #expect(message == "--out \(out): cannot write the report (write failed: No space left on device (errno 28)); nothing was changed")
        #expect(try FileManager.default.contentsOfDirectory(atPath: out).sorted() == [".exmy-report", "README.md", "a.csv", "b.svg"])
        for name in ["README.md", "a.csv", "b.svg"] { #expect(try String(contentsOfFile: out + "/" + name, encoding: .utf8) == "old") }
        // A new folder on a full disk is removed again.
        let fresh = dir + "/fresh"
        _ = OutputFile.$simulatedDisk.withValue(OutputFile.SimulatedDisk(bytes: 100)) {
            failure { try ReportFolder(path: fresh, force: false).write(files) }
        }
        #expect(!FileManager.default.fileExists(atPath: fresh))
        // A folder exmy wrote, holding a file of a report name it did not write: refused unless --force.
        try FileManager.default.removeItem(atPath: out + "/b.svg")
        try "mine".write(toFile: out + "/b.svg", atomically: false, encoding: .utf8)
        try "# marker\nREADME.md\na.csv\n".write(toFile: out + "/.exmy-report", atomically: false, encoding: .utf8)
        let foreign = failure { try ReportFolder(path: out, force: false).write(files) }
        #expect(foreign == "--out \(out): b.svg was not written by exmy; pass --force to replace it")
        #expect(try String(contentsOfFile: out + "/b.svg", encoding: .utf8) == "mine")
        try ReportFolder(path: out, force: true).write(files)
        #expect(try String(contentsOfFile: out + "/b.svg", encoding: .utf8) == files["b.svg"])
        // --force into a foreign folder leaves its other files alone.
        let other = dir + "/other"
        try FileManager.default.createDirectory(atPath: other, withIntermediateDirectories: false)
        try "keep".write(toFile: other + "/notes.txt", atomically: false, encoding: .utf8)
        try ReportFolder(path: other, force: true).write(files)
        #expect(try String(contentsOfFile: other + "/notes.txt", encoding: .utf8) == "keep")
        #expect(try ReportFolder(path: dir + "/new", force: false).display == dir + "/new/")
        #expect(try ReportFolder(path: other + "/", force: true).display == other + "/")
    }

    // MARK: 5, 6. dot --svg and --keep-checkpoint

    @Test func dotSVGIsCheckedFirstAndReplacedOnlyWhenComplete() throws {
        let dir = try folder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let refused = failure { _ = try run("dot", "--lengths", "16", "--trials", "1", "--accumulator", "fp32", "--svg", dir) }
        #expect(refused == "--svg \(dir): is a directory; give a file name inside it")
        let svg = dir + "/plot.svg"
        try "old".write(toFile: svg, atomically: false, encoding: .utf8)
        let full = OutputFile.$simulatedDisk.withValue(OutputFile.SimulatedDisk(bytes: 100)) {
            failure { _ = try run("dot", "--lengths", "16", "--trials", "1", "--accumulator", "fp32", "--svg", svg, "--quiet") }
        }
        #expect(full == "--svg \(svg): cannot write the plot (write failed: No space left on device (errno 28))")
        #expect(try String(contentsOfFile: svg, encoding: .utf8) == "old")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["plot.svg"])
        _ = try run("dot", "--lengths", "16", "--trials", "1", "--accumulator", "fp32", "--svg", svg)
        #expect(try String(contentsOfFile: svg, encoding: .utf8).contains("<svg"))
    }

    @Test func keptCheckpointIsNeverLeftTruncated() throws {
        let dir = try folder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let checkpoint = dir + "/c.safetensors"
        try "precious".write(toFile: checkpoint, atomically: false, encoding: .utf8)
        let full = OutputFile.SimulatedDisk(bytes: 100_000)  // a 400 KB checkpoint
        let message = OutputFile.$simulatedDisk.withValue(full) {
            failure { _ = try run("bench", "--analyzer", "--params", "100K", "--formats", "1", "--threads", "1", "--keep-checkpoint", checkpoint) }
        }
        #expect(message == "\(checkpoint): writing the checkpoint failed (write failed: No space left on device (errno 28)); the path was left as it was")
        #expect(try String(contentsOfFile: checkpoint, encoding: .utf8) == "precious")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["c.safetensors"])
        // A directory as --keep-checkpoint is refused before anything is written.
        let folderMessage = failure { _ = try run("bench", "--analyzer", "--params", "100K", "--keep-checkpoint", dir) }
        #expect(folderMessage == "--keep-checkpoint \(dir): is a directory; give a file name inside it")
    }
}
}
