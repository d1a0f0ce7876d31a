import Foundation
import TensorIO

/// Where commands write. Standard output by default; tests install a buffer with ``capture(_:)``.
///
/// Writes to standard output never trap: a failed write (a closed pipe with SIGPIPE ignored, a full
/// disk, a closed descriptor) is remembered, later output is dropped, and ``finish()`` — which the
/// `exmy` executable calls before it exits — reports it as an error, so the process exits non-zero
/// with a message.
public final class Console: @unchecked Sendable {
    private let lock = NSLock()
    /// Output captured for the current task (tests); `nil` writes to standard output.
    @TaskLocal static var captured: CaptureBuffer?
    private var standardOutput: OutputFile?
    private var failure: Error?

    /// The console used by every command.
    public static let shared = Console()

    private func stdout() throws -> OutputFile {
        if let s = standardOutput { return s }
        let s = try OutputFile(path: nil)
        standardOutput = s
        return s
    }

    /// Writes text (a newline is appended). A write error is kept for ``finish()``.
    public func print(_ text: String) {
        lock.lock(); defer { lock.unlock() }
        if let captured = Self.captured { captured.append(Array((text + "\n").utf8)); return }
        guard failure == nil else { return }
        do { try stdout().write(text + "\n") } catch { failure = error }
    }

    /// Writes raw bytes to standard output, throwing on a write error.
    public func write(_ bytes: UnsafeRawBufferPointer) throws {
        lock.lock(); defer { lock.unlock() }
        if let captured = Self.captured { captured.append(bytes); return }
        if let failure { throw failure }
        do { try stdout().write(bytes) } catch { failure = error; throw error }
    }

    /// Writes raw bytes (binary output to standard output).
    public func write(_ data: Data) throws {
        try data.withUnsafeBytes { try write($0) }
    }

    /// Flushes standard output and throws the first write error, if any.
    public func finish() throws {
        lock.lock(); defer { lock.unlock() }
        if failure == nil, let s = standardOutput {
            do { try s.flush() } catch { failure = error }
        }
        if let failure {
            self.failure = nil
            throw CLIError("cannot write to standard output: \(Self.reason(failure))")
        }
    }

    /// The reason in a failed write's error, without the `<stdout>:` prefix.
    static func reason(_ error: Error) -> String {
        (error as? TensorIOError)?.message ?? "\(error)"
    }

    /// Writes a progress line to standard error, only when standard error is a terminal.
    public func progress(_ text: String) {
        guard isatty(STDERR_FILENO) != 0 else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K\(text)".utf8))
    }

    /// Ends a progress line.
    public func progressDone() {
        guard isatty(STDERR_FILENO) != 0 else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
    }

    /// Runs `body` with this task's output captured; returns everything written to standard
    /// output, as text (decoded as UTF-8) and as bytes. Captures in different tasks are separate.
    public func capture(_ body: () throws -> Void) rethrows -> (text: String, data: Data) {
        let box = CaptureBuffer()
        try Self.$captured.withValue(box) { try body() }
        let data = box.data
        return (String(decoding: data, as: UTF8.self), data)
    }
}

/// Bytes captured from one task's console output.
final class CaptureBuffer: @unchecked Sendable {
    private let lock = NSLock()
    private var bytes = Data()
    func append<C: Collection>(_ more: C) where C.Element == UInt8 {
        lock.lock(); defer { lock.unlock() }
        bytes.append(contentsOf: more)
    }
    var data: Data { lock.lock(); defer { lock.unlock() }; return bytes }
}

extension ExMyCommand {
    /// Parses `arguments` and runs the command with output captured (for tests).
    public static func runCapturing(_ arguments: [String]) throws -> (text: String, data: Data) {
        try Console.shared.capture {
            var command = try parseAsRoot(VectorsCommand.translatingTestFloatOptions(arguments))
            try command.run()
        }
    }

    /// The executable's entry point: runs the command, flushes standard output, and exits with a
    /// message and a non-zero status on any error (a failed write to standard output included).
    public static func runMain() -> Never {
        do {
            var command = try parseAsRoot(VectorsCommand.translatingTestFloatOptions(Array(CommandLine.arguments.dropFirst())))
            try command.run()
            try Console.shared.finish()
        } catch {
            _ = try? Console.shared.finish()
            exit(withError: error)
        }
        exit()
    }
}

/// A one-line error for bad input (a file, a number, a format): ArgumentParser prints
/// `Error: <message>` without the usage text and exits with status 1.
struct CLIError: Error, CustomStringConvertible {
    let description: String
    init(_ message: String) { description = message }
}
