import Foundation
import TensorIO

/// Where commands write: standard output, or a buffer that ``capture(_:)`` reads back.
///
/// There is no process-wide console: each run of a command writes to the console of its task
/// (``shared``), which ``ExMyCommand/runMain()`` and ``capture(_:)`` install, so commands run
/// concurrently in one process (the tests do) never share output or a failure.
///
/// Writes to standard output never trap: a failed write (a closed pipe with SIGPIPE ignored, a full
/// disk, a closed descriptor) is remembered, later output is dropped, and ``finish()`` — which the
/// `exmy` executable calls before it exits — reports it as an error, so the process exits non-zero
/// with a message.
public final class Console: @unchecked Sendable {
    private let lock = NSLock()
    /// The buffer that receives the output (tests); `nil` writes to standard output.
    private let captured: CaptureBuffer?
    private var standardOutput: OutputFile?
    private var failure: Error?

    /// A console that writes to standard output, or to `buffer`.
    init(capturingInto buffer: CaptureBuffer? = nil) { captured = buffer }

    /// The console of the running task's command (installed by ``ExMyCommand/runMain()`` and
    /// ``capture(_:)``).
    @TaskLocal static var current: Console?

    /// Standard output's console, for a command run without ``ExMyCommand/runMain()`` or
    /// ``capture(_:)`` (a caller embedding the library): standard output is one per process, and so is
    /// its buffer.
    private static let standardOutputConsole = Console()

    /// The console the running command writes to: its task's (see ``Console``).
    public static var shared: Console { current ?? standardOutputConsole }

    private func stdout() throws -> OutputFile {
        if let s = standardOutput { return s }
        let s = try OutputFile(path: nil)
        standardOutput = s
        return s
    }

    /// Writes text (a newline is appended). A write error is kept for ``finish()``.
    public func print(_ text: String) {
        lock.lock(); defer { lock.unlock() }
        if let captured { captured.append(Array((text + "\n").utf8)); return }
        guard failure == nil else { return }
        do { try stdout().write(text + "\n") } catch { failure = error }
    }

    /// Writes raw bytes to standard output, throwing on a write error.
    public func write(_ bytes: UnsafeRawBufferPointer) throws {
        lock.lock(); defer { lock.unlock() }
        if let captured { captured.append(bytes); return }
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
    public static func capture(_ body: () throws -> Void) rethrows -> (text: String, data: Data) {
        let box = CaptureBuffer()
        try $current.withValue(Console(capturingInto: box)) { try body() }
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
        try Console.capture {
            var command = try parseAsRoot(VectorsCommand.translatingTestFloatOptions(arguments))
            try command.run()
        }
    }

    /// The executable's entry point: runs the command, flushes standard output, and exits with a
    /// message and a non-zero status on any error (a failed write to standard output included).
    public static func runMain() -> Never {
        let console = Console()
        do {
            try Console.$current.withValue(console) {
                var command = try parseAsRoot(VectorsCommand.translatingTestFloatOptions(Array(CommandLine.arguments.dropFirst())))
                try command.run()
            }
            try console.finish()
        } catch {
            _ = try? console.finish()
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
