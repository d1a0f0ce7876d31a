#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Sequential input from a file, a pipe, a FIFO, a character device or standard input.
///
/// Opening never blocks: the path is opened with `O_NONBLOCK` (a FIFO with no writer would
/// otherwise wait in `open` forever) and the flag is cleared once the descriptor is known to be a
/// stream, so reads block as usual. A directory, a socket or anything that is neither a regular file
/// nor a stream is refused with an error that names what it is.
package final class ByteReader {
    /// The path as given (`<stdin>` for standard input).
    package let path: String
    /// The size of a regular file when opened; `nil` for pipes, FIFOs, devices and standard input.
    package let regularFileSize: Int?
    private var descriptor: Int32
    private let ownsDescriptor: Bool
    /// Bytes read so far.
    package private(set) var offset = 0

    /// Opens `path`, or standard input when `path` is `nil` or `-`.
    ///
    /// - Throws: ``TensorIOError`` for a missing file, a directory, a socket, or a failed `open`.
    package init(path: String?) throws {
        guard let path, path != "-" else {
            self.path = "<stdin>"
            descriptor = STDIN_FILENO
            ownsDescriptor = false
            var info = stat()
            if fstat(STDIN_FILENO, &info) == 0, info.st_mode & S_IFMT == S_IFREG {
                regularFileSize = Int(info.st_size)
            } else {
                regularFileSize = nil
            }
            return
        }
        self.path = path
        guard !path.isEmpty else { throw TensorIOError(path: "''", kind: .invalidArgument("the input path is empty")) }
        var fd: Int32
        repeat { fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC) } while fd < 0 && errno == EINTR
        guard fd >= 0 else { throw TensorIOError.opening(path, errno: errno) }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            let code = errno
            close(fd)
            throw TensorIOError(path: path, kind: .ioFailure(operation: "fstat", errno: code))
        }
        switch info.st_mode & S_IFMT {
        case S_IFREG:
            regularFileSize = Int(info.st_size)
        case S_IFIFO, S_IFCHR:
            regularFileSize = nil
        default:
            close(fd)
            throw TensorIOError(path: path, kind: .notARegularFile(.init(mode: UInt32(info.st_mode))))
        }
        // Reads block from here on (a FIFO's reader waits for data, not for a writer).
        let flags = fcntl(fd, F_GETFL)
        if flags >= 0 { _ = fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) }
        descriptor = fd
        ownsDescriptor = true
    }

    deinit {
        if ownsDescriptor && descriptor >= 0 { close(descriptor) }
    }

    /// Reads up to `buffer.count` bytes; fewer only at the end of the input. Returns the count
    /// (0 at the end).
    package func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        guard let base = buffer.baseAddress, buffer.count > 0 else { return 0 }
        var done = 0
        while done < buffer.count {
            let got = sysRead(descriptor, base + done, min(buffer.count - done, 1 << 30))
            if got < 0 {
                let code = errno
                if code == EINTR { continue }
                if code == EAGAIN {
                    // Standard input inherited in non-blocking mode: wait for data.
                    var p = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
                    _ = poll(&p, 1, -1)
                    continue
                }
                if code == EISDIR { throw TensorIOError(path: path, kind: .notARegularFile(.directory)) }
                throw TensorIOError(path: path, kind: .ioFailure(operation: "read", errno: code))
            }
            if got == 0 { break }
            done += got
        }
        offset += done
        return done
    }

    /// Reads exactly `count` bytes, or throws ``TensorIOError/Kind/truncatedData(expected:available:)``.
    package func readExactly(_ count: Int) throws -> [UInt8] {
        guard count > 0 else { return [] }
        var bytes = [UInt8](repeating: 0, count: count)
        let got = try bytes.withUnsafeMutableBytes { try read(into: $0) }
        guard got == count else { throw TensorIOError(path: path, kind: .truncatedData(expected: count, available: got)) }
        return bytes
    }
}

/// Where a command's output goes, chosen so that nothing is ever destroyed.
///
/// - `nil`, `-`, `/dev/stdout`: standard output, written as a stream.
/// - A character device (`/dev/null`) or a FIFO: opened for writing as a stream, never replaced
///   (a FIFO with no reader is an error, not a wait).
/// - A regular file or a new name: written to a uniquely named temporary file created exclusively
///   in the same directory and renamed over the path only by ``commit()``. On any error, on
///   `deinit` without `commit()`, and on SIGINT or SIGTERM, the temporary file is removed and the
///   path keeps what it had. When the path names an existing file, the temporary file is synced to
///   disk (`fsync`) before the rename, so that a power failure leaves the old content or the new,
///   never a truncated file in its place; a new name has no old content to protect and is not
///   synced (as `cp` and `numpy.save` do not), which keeps writing at the speed of the page cache. An existing file is replaced only if it is a regular file the
///   user may write (owner with write permission): a read-only file, or another user's, is refused;
///   the new file keeps the replaced file's permission bits.
/// - A directory, a symbolic link (other than `/dev/stdout`), a socket: refused.
public final class OutputFile {
    /// The destination as given (`<stdout>` for standard output).
    public let path: String
    /// Whether the output is a stream (standard output, a device or a FIFO) rather than a file
    /// that appears atomically.
    public let isStream: Bool
    private var descriptor: Int32
    private let ownsDescriptor: Bool
    private var temporaryPath: String?
    private var mode: mode_t = 0o644
    /// Whether ``commit()`` replaces an existing file (and so syncs before renaming).
    private var replacesExisting = false
    private var slot: Int?
    private var buffer: [UInt8] = []
    private var prepared = false
    private static let bufferSize = 1 << 20

    /// A disk of `bytes` bytes shared by the files written in the current task, for tests of a
    /// full disk: a write that would pass it fails with `ENOSPC`, as a real full disk makes it fail.
    final class SimulatedDisk: @unchecked Sendable {
        private let lock = PthreadLock()
        private var remaining: Int
        init(bytes: Int) { remaining = bytes }
        func take(_ count: Int) -> Bool {
            lock.withLock {
                guard count <= remaining else { remaining = 0; return false }
                remaining -= count
                return true
            }
        }
    }

    /// The simulated disk of the current task (tests only; `nil`: the real disk).
    @TaskLocal static var simulatedDisk: SimulatedDisk?
    /// Bytes written so far.
    public private(set) var byteCount = 0

    /// Opens the output for `path` (see the type's description).
    ///
    /// - Throws: ``TensorIOError`` naming the path and the reason it cannot be written.
    ///   - inputs: Files the command reads: an output path naming one of them (the same file,
    ///     through any link) is refused, since replacing it would destroy the input.
    public init(path: String?, inputs: [String] = []) throws {
        CleanupOnSignal.install()
        guard let path, path != "-", path != "/dev/stdout" else {
            self.path = "<stdout>"
            descriptor = STDOUT_FILENO
            ownsDescriptor = false
            isStream = true
            return
        }
        self.path = path
        guard !path.isEmpty else { throw TensorIOError(path: "''", kind: .invalidArgument("the output path is empty")) }
        guard !path.hasSuffix("/") else { throw TensorIOError(path: path, kind: .unusableOutput("names a directory; give a file name")) }
        var info = stat()
        if lstat(path, &info) == 0 {
            switch info.st_mode & S_IFMT {
            case S_IFDIR:
                throw TensorIOError(path: path, kind: .unusableOutput("is a directory; give a file name inside it"))
            case S_IFLNK:
                throw TensorIOError(path: path, kind: .unusableOutput("is a symbolic link; give the path it points to"))
            case S_IFCHR, S_IFIFO:
                var fd: Int32
                repeat { fd = open(path, O_WRONLY | O_NONBLOCK | O_CLOEXEC) } while fd < 0 && errno == EINTR
                guard fd >= 0 else {
                    let code = errno
                    if code == ENXIO && info.st_mode & S_IFMT == S_IFIFO {
                        throw TensorIOError(path: path, kind: .unusableOutput("is a FIFO with no reader"))
                    }
                    throw TensorIOError.opening(path, errno: code)
                }
                let flags = fcntl(fd, F_GETFL)
                if flags >= 0 { _ = fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) }
                descriptor = fd
                ownsDescriptor = true
                isStream = true
                return
            case S_IFREG:
                for input in inputs {
                    var other = stat()
                    if stat(input, &other) == 0 && other.st_dev == info.st_dev && other.st_ino == info.st_ino {
                        throw TensorIOError(path: path, kind: .unusableOutput("is the input file '\(input)'; write the output to another path"))
                    }
                }
                let owner = info.st_uid == geteuid()
                guard owner, info.st_mode & S_IWUSR != 0 else {
                    let why = owner ? "is read-only" : "belongs to another user"
                    throw TensorIOError(path: path, kind: .unusableOutput("\(why); not replacing it (remove it or choose another path)"))
                }
                mode = info.st_mode & 0o7777
                replacesExisting = true
            default:
                throw TensorIOError(path: path, kind: .invalidArgument("is not a regular file, device or FIFO"))
            }
        } else if errno != ENOENT {
            throw TensorIOError.opening(path, errno: errno)
        } else {
            let mask = umask(0)
            umask(mask)
            mode = 0o666 & ~mask
        }
        // A unique temporary name beside the destination, created exclusively.
        let slash = path.lastIndex(of: "/")
        let directory = slash.map { String(path[...$0]) } ?? ""
        let name = slash.map { String(path[path.index(after: $0)...]) } ?? path
        var template = Array("\(directory).\(name).exmy-XXXXXX".utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else {
            let code = errno
            // A folder that does not exist: the path cannot be written (as `open` would say).
            if code == ENOENT || code == ENOTDIR { throw TensorIOError(path: path, kind: .fileNotFound) }
            throw TensorIOError(path: path, kind: .ioFailure(operation: "create a temporary file in '\(directory.isEmpty ? "." : directory)'", errno: code))
        }
        let temporary = String(decoding: template.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)
        _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        temporaryPath = temporary
        slot = CleanupOnSignal.register(temporary)
        descriptor = fd
        ownsDescriptor = true
        isStream = false
        buffer.reserveCapacity(Self.bufferSize)
    }

    deinit {
        discard()
    }

    /// Appends bytes (buffered).
    public func write(_ bytes: UnsafeRawBufferPointer) throws {
        guard bytes.count > 0 else { return }
        if buffer.count + bytes.count > Self.bufferSize {
            try flush()
            if bytes.count >= Self.bufferSize {
                try writeDirect(bytes)
                return
            }
        }
        buffer.append(contentsOf: bytes)
    }

    /// Appends bytes (buffered).
    public func write(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { try write($0) }
    }

    /// Appends the UTF-8 bytes of `text`.
    public func write(_ text: String) throws {
        var t = text
        try t.withUTF8 { try write(UnsafeRawBufferPointer($0)) }
    }

    /// Writes out the buffer.
    public func flush() throws {
        guard !buffer.isEmpty else { return }
        defer { buffer.removeAll(keepingCapacity: true) }
        try buffer.withUnsafeBytes { try writeDirect($0) }
    }

    private func writeDirect(_ bytes: UnsafeRawBufferPointer) throws {
        guard descriptor >= 0 else { throw TensorIOError(path: path, kind: .invalidArgument("written after commit")) }
        guard let base = bytes.baseAddress else { return }
        if temporaryPath != nil, let disk = Self.simulatedDisk, !disk.take(bytes.count) {
            throw TensorIOError(path: path, kind: .ioFailure(operation: "write", errno: ENOSPC))
        }
        var done = 0
        while done < bytes.count {
            let got = sysWrite(descriptor, base + done, min(bytes.count - done, 1 << 30))
            if got < 0 {
                let code = errno
                if code == EINTR { continue }
                throw TensorIOError(path: path, kind: .ioFailure(operation: "write", errno: code))
            }
            done += got
        }
        byteCount += bytes.count
    }

    /// Writes `bytes` at byte `offset` of a file output, leaving the sequential position where it
    /// was (buffered bytes are written out first). For layouts whose parts are computed together but
    /// stored apart, such as a quantized tensor's codes and its scales: write one part in order and
    /// the other in place, then ``skip(_:)`` past it. A stream (standard output, a device, a FIFO)
    /// cannot be written out of order: it throws.
    public func write(_ bytes: UnsafeRawBufferPointer, at offset: Int) throws {
        guard !isStream else {
            throw TensorIOError(path: path, kind: .unusableOutput("is a stream; this output needs a regular file (parts are written out of order)"))
        }
        try flush()
        guard descriptor >= 0 else { throw TensorIOError(path: path, kind: .invalidArgument("written after commit")) }
        guard let base = bytes.baseAddress, bytes.count > 0 else { return }
        var done = 0
        while done < bytes.count {
            let got = pwrite(descriptor, base + done, min(bytes.count - done, 1 << 30), off_t(offset + done))
            if got < 0 {
                let code = errno
                if code == EINTR { continue }
                throw TensorIOError(path: path, kind: .ioFailure(operation: "pwrite", errno: code))
            }
            done += got
        }
    }

    /// Moves the sequential position `count` bytes forward, past a region written (or to be
    /// written) with ``write(_:at:)``; ``byteCount`` counts the skipped bytes. Throws for a stream.
    public func skip(_ count: Int) throws {
        guard count > 0 else { return }
        guard !isStream else {
            throw TensorIOError(path: path, kind: .unusableOutput("is a stream; this output needs a regular file (parts are written out of order)"))
        }
        try flush()
        guard descriptor >= 0 else { throw TensorIOError(path: path, kind: .invalidArgument("written after commit")) }
        guard lseek(descriptor, off_t(count), SEEK_CUR) >= 0 else {
            throw TensorIOError(path: path, kind: .ioFailure(operation: "lseek", errno: errno))
        }
        byteCount += count
    }

    /// The first half of ``commit()``: flushes, and for a file, closes the temporary file (synced
    /// to disk first when it will replace an existing file), without renaming it. Writing several files that must appear together (a
    /// report) calls this on each, and ``commit()`` on each only when every one succeeded: a full
    /// disk then leaves none of them. On error the temporary file is removed.
    public func prepareCommit() throws {
        guard !prepared else { return }
        do {
            try flush()
            guard temporaryPath != nil else { prepared = true; return }
            guard fchmod(descriptor, mode) == 0 else { throw TensorIOError(path: path, kind: .ioFailure(operation: "fchmod", errno: errno)) }
            guard !replacesExisting || fsync(descriptor) == 0 else { throw TensorIOError(path: path, kind: .ioFailure(operation: "fsync", errno: errno)) }
            let fd = descriptor
            descriptor = -1
            guard close(fd) == 0 else { throw TensorIOError(path: path, kind: .ioFailure(operation: "close", errno: errno)) }
            prepared = true
        } catch {
            discard()
            throw error
        }
    }

    /// Finishes the output: flushes, and for a file, renames it over the destination (synced to
    /// disk first when it replaces an existing file). Nothing appears at the destination before this succeeds.
    public func commit() throws {
        do {
            try prepareCommit()
            guard let temporary = temporaryPath else { return }
            guard rename(temporary, path) == 0 else { throw TensorIOError(path: path, kind: .ioFailure(operation: "rename", errno: errno)) }
            temporaryPath = nil
            if let slot { CleanupOnSignal.unregister(slot) }
            slot = nil
        } catch {
            discard()
            throw error
        }
    }

    /// Abandons the output: a temporary file is removed, the destination is left as it was.
    public func discard() {
        if ownsDescriptor && descriptor >= 0 { close(descriptor) }
        descriptor = -1
        buffer = []
        if let temporary = temporaryPath { unlink(temporary) }
        temporaryPath = nil
        if let slot { CleanupOnSignal.unregister(slot) }
        slot = nil
    }
}

extension TensorIOError {
    /// The error for a failed `open` of `path`, in words: missing, a directory, no permission.
    static func opening(_ path: String, errno code: Int32) -> TensorIOError {
        switch code {
        case ENOENT, ENOTDIR: return TensorIOError(path: path, kind: .fileNotFound)
        case EISDIR: return TensorIOError(path: path, kind: .notARegularFile(.directory))
        default: return TensorIOError(path: path, kind: .ioFailure(operation: "open", errno: code))
        }
    }
}

/// Temporary files to remove when the process is interrupted (SIGINT, SIGTERM, SIGHUP): a fixed
/// table of C strings, read by the handler with async-signal-safe calls only (`unlink`, `signal`,
/// `raise`). SIGKILL cannot be caught; a file left by it has a unique `.NAME.exmy-XXXXXX` name
/// beside its destination and never replaces anything.
enum CleanupOnSignal {
    static let capacity = 64
    nonisolated(unsafe) static let table: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?> = {
        let t = UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>.allocate(capacity: capacity)
        t.initialize(repeating: nil, count: capacity)
        return t
    }()
    nonisolated(unsafe) static var installed = false
    nonisolated(unsafe) static let lock: UnsafeMutablePointer<pthread_mutex_t> = {
        let m = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
        pthread_mutex_init(m, nil)
        return m
    }()

    static func install() {
        pthread_mutex_lock(lock); defer { pthread_mutex_unlock(lock) }
        guard !installed else { return }
        installed = true
        _ = table
        for sig in [SIGINT, SIGTERM, SIGHUP] {
            var action = sigaction()
            action.__sigaction_handler.sa_handler = { sig in
                for i in 0..<CleanupOnSignal.capacity {
                    if let p = CleanupOnSignal.table[i] { unlink(p) }
                }
                signal(sig, SIG_DFL)
                raise(sig)
            }
            sigemptyset(&action.sa_mask)
            action.sa_flags = 0
            var old = sigaction()
            // Leave a signal alone that the parent told us to ignore.
            if sigaction(sig, nil, &old) == 0, let handler = old.__sigaction_handler.sa_handler,
               unsafeBitCast(handler, to: Int.self) == 1 /* SIG_IGN */ { continue }
            sigaction(sig, &action, nil)
        }
    }

    static func register(_ path: String) -> Int? {
        pthread_mutex_lock(lock); defer { pthread_mutex_unlock(lock) }
        for i in 0..<capacity where table[i] == nil {
            table[i] = strdup(path)
            return i
        }
        return nil
    }

    static func unregister(_ slot: Int) {
        pthread_mutex_lock(lock); defer { pthread_mutex_unlock(lock) }
        let p = table[slot]
        table[slot] = nil
        free(p)
    }
}

private func sysRead(_ fd: Int32, _ buffer: UnsafeMutableRawPointer, _ count: Int) -> Int { read(fd, buffer, count) }
private func sysWrite(_ fd: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int { write(fd, buffer, count) }

/// A mutex without Foundation (TensorIO imports only the C library).
final class PthreadLock: @unchecked Sendable {
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    init() {
        mutex = .allocate(capacity: 1)
        pthread_mutex_init(mutex, nil)
    }
    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
    }
    func withLock<R>(_ body: () throws -> R) rethrows -> R {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body()
    }
}
