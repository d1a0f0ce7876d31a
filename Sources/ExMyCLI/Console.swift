import Foundation

/// Where commands write. Standard output by default; tests install a buffer with ``capture(_:)``.
public final class Console: @unchecked Sendable {
    private let lock = NSLock()
    private var buffer: String?
    private var binary: Data?

    /// The console used by every command.
    public static let shared = Console()

    /// Writes text (a newline is appended).
    public func print(_ text: String) {
        lock.lock(); defer { lock.unlock() }
        if buffer != nil { buffer! += text + "\n" } else { FileHandle.standardOutput.write(Data((text + "\n").utf8)) }
    }

    /// Writes raw bytes (binary output to standard output).
    public func write(_ data: Data) {
        lock.lock(); defer { lock.unlock() }
        if binary != nil { binary!.append(data) } else { FileHandle.standardOutput.write(data) }
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

    /// Runs `body` with output captured; returns the text and bytes written.
    public func capture(_ body: () throws -> Void) rethrows -> (text: String, data: Data) {
        lock.lock(); buffer = ""; binary = Data(); lock.unlock()
        defer { lock.lock(); buffer = nil; binary = nil; lock.unlock() }
        try body()
        lock.lock(); defer { lock.unlock() }
        return (buffer ?? "", binary ?? Data())
    }
}

extension ExMyCommand {
    /// Parses `arguments` and runs the command with output captured (for tests).
    public static func runCapturing(_ arguments: [String]) throws -> (text: String, data: Data) {
        try Console.shared.capture {
            var command = try parseAsRoot(arguments)
            try command.run()
        }
    }
}

/// A one-line error for bad input (a file, a number, a format): ArgumentParser prints
/// `Error: <message>` without the usage text and exits with status 1.
struct CLIError: Error, CustomStringConvertible {
    let description: String
    init(_ message: String) { description = message }
}
