import ExMyCLI
import Foundation

/// Helpers shared by the test targets: running `exmy` commands in-process, scratch paths, running a
/// program, and small file fixtures written from their specifications.
public enum TestCLI {
    /// Runs `exmy ARGUMENTS` in-process and returns what it wrote to standard output.
    public static func run(_ arguments: [String]) throws -> String { try ExMyCommand.runCapturing(arguments).text }

    /// Runs `exmy ARGUMENTS` in-process and returns standard output as text and bytes.
    public static func runCapturing(_ arguments: [String]) throws -> (text: String, data: Data) {
        try ExMyCommand.runCapturing(arguments)
    }

    /// The message `exmy` prints for `arguments` (ArgumentParser's full text, as the user sees it),
    /// or `nil` when the command succeeds.
    public static func message(_ arguments: [String]) -> String? {
        do {
            _ = try ExMyCommand.runCapturing(arguments)
            return nil
        } catch {
            return ExMyCommand.message(for: error)
        }
    }
}

/// Unique paths under the temporary directory.
public enum Scratch {
    /// A path `exmy-PREFIX-UUID-NAME` under the temporary directory (nothing is created).
    public static func path(_ prefix: String, _ name: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("exmy-\(prefix)-\(UUID().uuidString)-\(name)").path
    }

    /// A fresh directory `exmy-PREFIX-UUID` under the temporary directory.
    public static func directory(_ prefix: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("exmy-\(prefix)-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }
}

/// Running another program.
public enum Subprocess {
    /// Runs `executable` with `arguments`; returns its exit status and what it wrote to standard
    /// output and standard error (both pipes are drained while it runs, so neither can fill up).
    public static func run(_ executable: String, _ arguments: [String]) throws -> (status: Int32, output: String, error: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let errorData = Drain(err.fileHandleForReading)
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = errorData.wait()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: o, as: UTF8.self), String(decoding: e, as: UTF8.self))
    }

    /// Runs `script` with `/bin/bash -c`; returns its exit status and its standard output and
    /// standard error together.
    public static func shell(_ script: String) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = ["-c", script]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    /// Reads a pipe to its end on another thread.
    private final class Drain: @unchecked Sendable {
        private let done = DispatchSemaphore(value: 0)
        private var data = Data()
        init(_ handle: FileHandle) {
            DispatchQueue.global().async { [self] in
                data = handle.readDataToEndOfFile()
                done.signal()
            }
        }
        func wait() -> Data { done.wait(); return data }
    }
}

/// Small files written from their format specifications (not through TensorIO's writers).
public enum Fixtures {
    /// A little-endian float32 `.npy` (format version 1.0) of `shape` holding `values` (which need not
    /// match the shape: an absurd shape may hold no element).
    public static func npy(_ values: [Float], shape: [Int]) -> Data {
        let dims = shape.count == 1 ? "(\(shape[0]),)" : "(" + shape.map(String.init).joined(separator: ", ") + ")"
        let header = "{'descr': '<f4', 'fortran_order': False, 'shape': \(dims), }"
        let total = ((10 + header.count + 1 + 63) / 64) * 64
        let padded = header + String(repeating: " ", count: total - 10 - header.count - 1) + "\n"
        var data = Data([0x93] + Array("NUMPY".utf8) + [1, 0])
        withUnsafeBytes(of: UInt16(padded.utf8.count).littleEndian) { data.append(contentsOf: $0) }
        data.append(contentsOf: Array(padded.utf8))
        for v in values { withUnsafeBytes(of: v.bitPattern.littleEndian) { data.append(contentsOf: $0) } }
        return data
    }

    /// Writes ``npy(_:shape:)`` to `path`.
    public static func writeNpy(_ values: [Float], shape: [Int], to path: String) throws {
        try npy(values, shape: shape).write(to: URL(fileURLWithPath: path))
    }
}
