#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A read-only file accessed with positional reads (`pread`).
///
/// Positional reads do not share a file offset, so one instance may be used from several threads
/// at once. The descriptor is closed when the last reference goes away.
///
/// `pread` is used rather than `mmap` on purpose: a mapped file that shrinks while mapped raises
/// `SIGBUS` on access, which would crash the process, while a short `pread` is an ordinary error.
final class RandomAccessFile: Sendable, PositionalByteSource {
    let path: String
    let descriptor: Int32
    /// Size in bytes when the file was opened.
    let size: Int

    /// Opens `path`, which must be a regular file. Never blocks: the file is opened with
    /// `O_NONBLOCK` (a FIFO with no writer would otherwise wait in `open` forever) and anything
    /// but a regular file — a directory, a FIFO, a device — is refused at once, naming what it is.
    init(path: String) throws {
        self.path = path
        guard !path.isEmpty else { throw TensorIOError(path: "''", kind: .invalidArgument("the input path is empty")) }
        var fd: Int32
        repeat {
            fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        } while fd < 0 && errno == EINTR
        guard fd >= 0 else {
            throw TensorIOError.opening(path, errno: errno)
        }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            let code = errno
            close(fd)
            throw TensorIOError(path: path, kind: .ioFailure(operation: "fstat", errno: code))
        }
        guard (info.st_mode & S_IFMT) == S_IFREG else {
            close(fd)
            throw TensorIOError(path: path, kind: .notARegularFile(.init(mode: UInt32(info.st_mode))))
        }
        let flags = fcntl(fd, F_GETFL)
        if flags >= 0 { _ = fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) }
        self.descriptor = fd
        self.size = Int(info.st_size)
    }

    deinit {
        close(descriptor)
    }

    /// Fills `buffer` with the bytes starting at `offset`. Throws `truncatedData` when the file
    /// ends first (which can only happen if it shrank after opening, since callers check sizes).
    func read(into buffer: UnsafeMutableRawBufferPointer, at offset: Int) throws {
        guard let base = buffer.baseAddress, buffer.count > 0 else { return }
        var done = 0
        while done < buffer.count {
            // Linux transfers at most 0x7ffff000 bytes per call; stay well below.
            let want = min(buffer.count - done, 1 << 30)
            let got = pread(descriptor, base + done, want, off_t(offset + done))
            if got < 0 {
                let code = errno
                if code == EINTR { continue }
                throw TensorIOError(path: path, kind: .ioFailure(operation: "pread", errno: code))
            }
            if got == 0 {
                throw TensorIOError(path: path, kind: .truncatedData(expected: buffer.count, available: done))
            }
            done += got
        }
    }

    /// Reads `count` bytes at `offset` into a new array.
    func readBytes(count: Int, at offset: Int) throws -> [UInt8] {
        guard count > 0 else { return [] }
        var failure: Error?
        let bytes = [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            do {
                try read(into: UnsafeMutableRawBufferPointer(buffer), at: offset)
                initialized = count
            } catch {
                failure = error
                initialized = 0
            }
        }
        if let failure { throw failure }
        return bytes
    }
}

/// A file written sequentially and replaced atomically: the bytes go to a temporary file beside
/// the destination (``OutputFile``), which is renamed over it only by ``close()``; on an error or
/// without `close()` the destination keeps what it had.
final class SequentialFileWriter {
    let path: String
    private let output: OutputFile

    init(path: String) throws {
        self.path = path
        output = try OutputFile(path: path)
    }

    func write(_ bytes: UnsafeRawBufferPointer) throws {
        try output.write(bytes)
    }

    func write(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { (raw) in try write(raw) }
    }

    /// Syncs the file and renames it into place, reporting any failure (a full disk included).
    func close() throws {
        try output.commit()
    }
}


/// Bytes read at given offsets: a file, or the start of a stream kept in memory (headers).
protocol PositionalByteSource {
    func readBytes(count: Int, at offset: Int) throws -> [UInt8]
}
