/// An error reading or writing a tensor file.
///
/// Every error names the file (``path``) and says what is wrong with it (``kind``). The
/// ``description`` is a complete sentence meant for users, for example
/// `model.safetensors: tensor 'lm_head.weight' has data_offsets [0, 96) but dtype F32 × shape [4, 8] needs 128 bytes`.
///
/// The readers never trap on malformed input: sizes are computed with overflow-checked
/// arithmetic, every offset is bounds-checked, and every problem surfaces as one of these errors.
public struct TensorIOError: Error, CustomStringConvertible, Sendable, Equatable {
    /// What went wrong.
    public enum Kind: Sendable, Equatable {
        /// The file does not exist.
        case fileNotFound
        /// An operating-system call failed (`errno` and the call named in `operation`).
        case ioFailure(operation: String, errno: Int32)
        /// The path names something that is not a regular file, and the reader needs one: a
        /// directory, or a FIFO or device given to a reader that reads at offsets (`.npy` and
        /// `.safetensors` files opened with ``NpyFile`` and ``SafetensorsFile``).
        case notARegularFile(FileType)
        /// The file does not start with the format's magic bytes (`\x93NUMPY` for `.npy`; for
        /// safetensors, the JSON header does not start with `{`).
        case badMagic
        /// The file ends before its fixed-size preamble does (`needed` bytes, `available` present).
        case truncatedHeader(needed: Int, available: Int)
        /// The `.npy` format version is not 1.0, 2.0 or 3.0.
        case unsupportedVersion(major: Int, minor: Int)
        /// The header length field points past the end of the file.
        case headerLengthBeyondFile(headerLength: UInt64, fileSize: Int)
        /// The safetensors header length is larger than the reader's limit (100 MB by default, the
        /// limit of the reference implementation); such a length is corrupt, not a real header.
        case headerTooLarge(headerLength: UInt64, limit: Int)
        /// The header (the `.npy` dict literal or the safetensors JSON) is not well formed, or
        /// lacks or duplicates a required entry; the string says what and where.
        case malformedHeader(String)
        /// The element type is not supported; `dtype` is the type as the file names it, `tensor`
        /// the safetensors entry that uses it (`nil` for `.npy`).
        case unsupportedDType(String, tensor: String?)
        /// The `.npy` array is stored in Fortran (column-major) order, which is not supported.
        case fortranOrder
        /// A shape has a negative or non-integer dimension.
        case invalidShape(String)
        /// The number of elements given does not match the product of the shape.
        case shapeMismatch(shapeElementCount: Int, valueCount: Int)
        /// A computed size (shape product, byte count or offset) does not fit in `Int`.
        case sizeOverflow(String)
        /// A safetensors entry's data_offsets are not a valid `[begin, end]` pair with `begin <= end`.
        case invalidDataOffsets(tensor: String, begin: UInt64, end: UInt64)
        /// A safetensors entry's data_offsets reach past the end of the data section.
        case dataOffsetsOutOfRange(tensor: String, end: UInt64, dataSectionSize: Int)
        /// A safetensors entry's byte range length differs from dtype size × element count.
        case dataSizeMismatch(tensor: String, byteCount: UInt64, expected: Int)
        /// Two safetensors entries share bytes.
        case overlappingTensors(String, String)
        /// The data ends before the tensor does (`expected` bytes wanted, `available` present).
        case truncatedData(expected: Int, available: Int)
        /// No tensor of that name is in the file.
        case tensorNotFound(String)
        /// The requested Swift element type cannot hold the stored dtype.
        case elementTypeMismatch(stored: TensorDType, requested: String)
        /// The output path cannot be written without destroying something, or is not writable
        /// (a directory, a symbolic link, a read-only file, a FIFO with no reader); the string says which.
        case unusableOutput(String)
        /// An argument passed by the caller is invalid (for example a chunk size of zero, or a
        /// duplicate tensor name given to a writer).
        case invalidArgument(String)
    }

    /// What a path names when it is not a regular file.
    public enum FileType: String, Sendable, Equatable {
        /// A directory (`S_IFDIR`).
        case directory = "a directory"
        /// A FIFO, or named pipe (`S_IFIFO`).
        case fifo = "a FIFO (named pipe)"
        /// A character device such as `/dev/null` or a terminal (`S_IFCHR`).
        case characterDevice = "a character device"
        /// A block device such as a disk (`S_IFBLK`).
        case blockDevice = "a block device"
        /// A Unix-domain socket (`S_IFSOCK`).
        case socket = "a socket"
        /// A symbolic link itself (`S_IFLNK`): only from an `lstat` mode, since `stat` and `fstat`
        /// follow links.
        case symbolicLink = "a symbolic link"
        /// Any other file type, a regular file's mode (`S_IFREG`) included when one is passed to
        /// ``init(mode:)``.
        case other = "not a regular file"

        /// The type of a `stat` mode (`st_mode`).
        public init(mode: UInt32) {
            switch mode & UInt32(S_IFMT) {
            case UInt32(S_IFDIR): self = .directory
            case UInt32(S_IFIFO): self = .fifo
            case UInt32(S_IFCHR): self = .characterDevice
            case UInt32(S_IFBLK): self = .blockDevice
            case UInt32(S_IFSOCK): self = .socket
            case UInt32(S_IFLNK): self = .symbolicLink
            default: self = .other
            }
        }
    }

    /// The file concerned (as given by the caller).
    public let path: String
    /// What went wrong.
    public let kind: Kind

    /// Creates an error for `path`.
    public init(path: String, kind: Kind) {
        self.path = path
        self.kind = kind
    }

    /// `"<path>: <problem>"`.
    public var description: String { "\(path): \(message)" }

    /// The problem, without the path.
    public var message: String {
        switch kind {
        case .fileNotFound:
            return "no such file"
        case let .ioFailure(operation, code):
            return "\(operation) failed: \(errnoDescription(code)) (errno \(code))"
        case .notARegularFile(.directory):
            return "is a directory, not a file; give a file inside it"
        case .notARegularFile(.other):
            return "is not a regular file; give a regular file"
        case let .notARegularFile(type):
            return "is \(type.rawValue), not a regular file; this reader reads at offsets and needs a regular file: save the data to a file and give that"
        case .badMagic:
            return "bad magic: this is not a file of the expected format"
        case let .truncatedHeader(needed, available):
            return "file too short for its header: needs at least \(needed) bytes, has \(available)"
        case let .unsupportedVersion(major, minor):
            return "unsupported .npy format version \(major).\(minor) (supported: 1.0, 2.0, 3.0)"
        case let .headerLengthBeyondFile(length, size):
            return "header length \(length) runs past the end of the file (\(size) bytes)"
        case let .headerTooLarge(length, limit):
            return "header length \(length) exceeds the limit of \(limit) bytes"
        case let .malformedHeader(what):
            return "malformed header: \(what)"
        case let .unsupportedDType(name, tensor):
            if let tensor { return "tensor '\(tensor)' has unsupported dtype '\(name)'" }
            return "unsupported dtype '\(name)'"
        case .fortranOrder:
            return "array is stored in Fortran order (fortran_order: True); only C order is supported"
        case let .invalidShape(what):
            return "invalid shape: \(what)"
        case let .shapeMismatch(shapeCount, valueCount):
            return "shape holds \(shapeCount) elements but \(valueCount) values were given"
        case let .sizeOverflow(what):
            return "size overflow: \(what) does not fit in a 64-bit integer"
        case let .invalidDataOffsets(tensor, begin, end):
            return "tensor '\(tensor)' has invalid data_offsets [\(begin), \(end)] (begin must not exceed end)"
        case let .dataOffsetsOutOfRange(tensor, end, size):
            return "tensor '\(tensor)' data_offsets end \(end) is past the end of the data section (\(size) bytes); the file is truncated or the header is wrong"
        case let .dataSizeMismatch(tensor, byteCount, expected):
            return "tensor '\(tensor)' data_offsets span \(byteCount) bytes but dtype × shape needs \(expected) bytes"
        case let .overlappingTensors(a, b):
            return "tensors '\(a)' and '\(b)' have overlapping data_offsets"
        case let .truncatedData(expected, available):
            return "truncated data: expected \(expected) bytes of tensor data, found \(available)"
        case let .tensorNotFound(name):
            return "no tensor named '\(name)'"
        case let .elementTypeMismatch(stored, requested):
            return "cannot read elements stored as \(stored) as \(requested)"
        case let .unusableOutput(why):
            return why
        case let .invalidArgument(what):
            return "invalid argument: \(what)"
        }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

private func errnoDescription(_ code: Int32) -> String {
    guard let cString = strerror(code) else { return "error" }
    return String(cString: cString)
}
