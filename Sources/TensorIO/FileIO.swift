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

    init(path: String) throws {
        self.path = path
        var fd: Int32
        repeat {
            fd = open(path, O_RDONLY | O_CLOEXEC)
        } while fd < 0 && errno == EINTR
        guard fd >= 0 else {
            let code = errno
            if code == ENOENT || code == ENOTDIR {
                throw TensorIOError(path: path, kind: .fileNotFound)
            }
            throw TensorIOError(path: path, kind: .ioFailure(operation: "open", errno: code))
        }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            let code = errno
            close(fd)
            throw TensorIOError(path: path, kind: .ioFailure(operation: "fstat", errno: code))
        }
        guard (info.st_mode & S_IFMT) == S_IFREG else {
            close(fd)
            throw TensorIOError(path: path, kind: .notARegularFile)
        }
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

/// A file opened for writing (created or truncated), written sequentially.
final class SequentialFileWriter {
    let path: String
    private var descriptor: Int32

    init(path: String) throws {
        self.path = path
        var fd: Int32
        repeat {
            fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        } while fd < 0 && errno == EINTR
        guard fd >= 0 else {
            let code = errno
            if code == ENOENT || code == ENOTDIR {
                throw TensorIOError(path: path, kind: .fileNotFound)
            }
            throw TensorIOError(path: path, kind: .ioFailure(operation: "open", errno: code))
        }
        descriptor = fd
    }

    deinit {
        if descriptor >= 0 { _ = posixClose(descriptor) }
    }

    func write(_ bytes: UnsafeRawBufferPointer) throws {
        guard let base = bytes.baseAddress else { return }
        var done = 0
        while done < bytes.count {
            let want = min(bytes.count - done, 1 << 30)
            let got = posixWrite(descriptor, base + done, want)
            if got < 0 {
                let code = errno
                if code == EINTR { continue }
                throw TensorIOError(path: path, kind: .ioFailure(operation: "write", errno: code))
            }
            done += got
        }
    }

    func write(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { (raw) in try write(raw) }
    }

    /// Closes the file, reporting a failed close (which can signal a failed deferred write).
    func close() throws {
        guard descriptor >= 0 else { return }
        let fd = descriptor
        descriptor = -1
        let result = posixClose(fd)
        if result != 0 {
            let code = errno
            if code != EINTR {
                throw TensorIOError(path: path, kind: .ioFailure(operation: "close", errno: code))
            }
        }
    }
}

private func posixWrite(_ fd: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int {
    write(fd, buffer, count)
}

private func posixClose(_ fd: Int32) -> Int32 {
    close(fd)
}

/// Bytes read at given offsets: a file, or the start of a stream kept in memory (headers).
protocol PositionalByteSource {
    func readBytes(count: Int, at offset: Int) throws -> [UInt8]
}
