#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import TensorIO

/// Checks on a tensor file named on the command line, made before it is opened: what is not a
/// regular file is refused at once with a message that says what it is and what to do (a FIFO
/// given to `analyze` would otherwise wait for a writer; a directory would give a library error).
enum InputFiles {
    /// Throws unless `path` (after symbolic links) is an existing regular file.
    ///
    /// - Parameter option: the option that named it (`--input`), for the message.
    static func requireRegularFile(_ path: String, option: String) throws {
        guard !path.isEmpty else { throw CLIError("\(option) is empty: give a .npy or .safetensors file") }
        var info = stat()
        guard stat(path, &info) == 0 else {
            let code = errno
            if code == ENOENT || code == ENOTDIR { throw CLIError("\(path): no such file (\(option))") }
            throw CLIError("\(path): cannot be read (\(option)): \(String(cString: strerror(code)))")
        }
        let type = TensorIOError.FileType(mode: UInt32(info.st_mode))
        switch type {
        case .other where info.st_mode & S_IFMT == S_IFREG:
            return
        case .directory:
            throw CLIError("\(path): is a directory (\(option)); give a .npy or .safetensors file inside it")
        default:
            throw CLIError("\(path): is \(type.rawValue), not a regular file (\(option)); .npy and .safetensors files are read at offsets, so save the data to a regular file and give that")
        }
    }
}
