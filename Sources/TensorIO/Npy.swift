/// A `.npy` format version.
///
/// Version 1.0 stores the header length in 2 bytes, 2.0 in 4 bytes, and 3.0 is 2.0 with a UTF-8
/// (rather than Latin-1) header. ``NpyWriter`` picks 1.0 unless the header needs more than
/// 65 535 bytes.
public enum NpyFormatVersion: Int, Sendable, Hashable, CaseIterable {
    /// Version 1.0.
    case v1 = 1
    /// Version 2.0.
    case v2 = 2
    /// Version 3.0.
    case v3 = 3

    /// Number of bytes of the header-length field.
    var lengthFieldSize: Int { self == .v1 ? 2 : 4 }
}

/// The parsed header of a `.npy` file.
public struct NpyHeader: Sendable, Hashable {
    /// The format version.
    public var version: NpyFormatVersion
    /// The element type.
    public var dtype: TensorDType
    /// The descr string exactly as the file gives it (for example `"<f4"` or `">u2"`).
    public var descr: String
    /// Whether the elements are stored big-endian (a `>` descr). Readers swap such data to the
    /// host order; ``NpyFile/readRawBytes()`` returns it as stored.
    public var isBigEndian: Bool
    /// The array shape; `[]` for a 0-dimensional (scalar) array.
    public var shape: [Int]
    /// The number of elements (the product of ``shape``; 1 for a scalar).
    public var elementCount: Int
    /// The number of data bytes (``elementCount`` × ``TensorDType/byteSize``).
    public var byteCount: Int
    /// The offset of the first data byte from the start of the file.
    public var dataOffset: Int
}

/// The magic string at the start of every `.npy` file.
let npyMagic: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59]  // "\x93NUMPY"

/// A `.npy` file opened for reading.
///
/// Opening reads and validates only the header; element data is read on demand with positional
/// reads, so a large array can be processed in bounded memory with ``forEachChunk(chunkSize:_:)``.
///
/// Supported: format versions 1.0, 2.0 and 3.0; C-order arrays of any rank (including 0-d
/// scalars and arrays with zero elements) of the types listed in ``TensorDType`` that NumPy has
/// (`f2 f4 f8 i1 i2 i4 i8 u1 u2 u4 u8 b1`), in either byte order: big-endian (`>`) data is
/// byte-swapped on reading. Fortran-order arrays, structured, string, object, complex and
/// datetime dtypes are rejected with a ``TensorIOError``. Bytes after the array data are ignored,
/// as NumPy does.
///
/// bfloat16 and FP8 arrays saved through `ml_dtypes` carry an anonymous void descr (`<V2`,
/// `<V1`); pass the intended type as `interpretingVoidAs` to read them.
///
/// The class is immutable and uses positional reads only, so it can be shared between tasks.
public final class NpyFile: Sendable {
    /// The path the file was opened with.
    public let path: String
    /// The parsed header.
    public let header: NpyHeader
    private let file: RandomAccessFile

    /// The array shape (`[]` for a scalar).
    public var shape: [Int] { header.shape }
    /// The element type.
    public var dtype: TensorDType { header.dtype }
    /// The number of elements.
    public var elementCount: Int { header.elementCount }

    /// Opens `path` and validates its header.
    ///
    /// - Parameters:
    ///   - path: The file to read.
    ///   - voidType: How to read an anonymous void descr (`<V2`, `|V1`, …): as this type, whose
    ///     byte size must equal the void size. `nil` (the default) rejects void descrs.
    /// - Throws: ``TensorIOError`` for a missing file, bad magic, an unsupported version, a
    ///   header length beyond the file, a malformed header dict, an unsupported dtype, Fortran
    ///   order, an invalid or overflowing shape, or data shorter than the shape requires.
    public init(path: String, interpretingVoidAs voidType: TensorDType? = nil) throws {
        self.path = path
        let file = try RandomAccessFile(path: path)
        self.file = file
        self.header = try NpyFile.readHeader(file, voidType: voidType)
    }

    private init(path: String, header: NpyHeader, file: RandomAccessFile) {
        self.path = path
        self.header = header
        self.file = file
    }

    /// The same file read as elements of another type of the same size, for bit patterns stored
    /// under a NumPy integer type: an array of bfloat16 bits saved as `uint16`
    /// (`x.view(np.uint16)`) is read with `try NpyFile(path: p).reinterpreted(as: .bfloat16)`.
    /// The byte order of the file is kept.
    /// - Throws: ``TensorIOError/Kind/elementTypeMismatch(stored:requested:)`` if the sizes differ.
    public func reinterpreted(as dtype: TensorDType) throws -> NpyFile {
        guard dtype.byteSize == header.dtype.byteSize else {
            throw TensorIOError(path: path, kind: .elementTypeMismatch(stored: header.dtype, requested: "\(dtype)"))
        }
        var header = self.header
        header.dtype = dtype
        return NpyFile(path: path, header: header, file: file)
    }

    private var stored: StoredTensor {
        StoredTensor(
            file: file, offset: header.dataOffset, elementCount: header.elementCount,
            dtype: header.dtype, bigEndian: header.isBigEndian)
    }

    /// All elements converted to `Float` (exactly for f2, bfloat16 and FP8; rounded to nearest
    /// for f8 and wide integers; booleans as 0 and 1).
    public func readFloats() throws -> [Float] {
        try stored.readDecoded(as: Float.self)
    }

    /// All elements converted to `Double`.
    public func readDoubles() throws -> [Double] {
        try stored.readDecoded(as: Double.self)
    }

    /// All elements as `T`, which must be the stored type or an unsigned integer of the same size
    /// (a bit-pattern view, e.g. `UInt16` for bfloat16). Big-endian data is swapped to host order.
    public func readElements<T: TensorElement>(as type: T.Type) throws -> [T] {
        try stored.readElements(as: type)
    }

    /// The data bytes exactly as stored (in the file's byte order, see ``NpyHeader/isBigEndian``).
    public func readRawBytes() throws -> [UInt8] {
        try stored.readRawBytes()
    }

    /// Calls `body` with consecutive chunks of at most `chunkSize` elements converted to `Float`,
    /// in C order. Only one chunk is in memory at a time; the buffer is valid only during the
    /// call. Errors thrown by `body` stop the iteration and propagate.
    public func forEachChunk(
        chunkSize: Int = defaultTensorChunkSize, _ body: (UnsafeBufferPointer<Float>) throws -> Void
    ) throws {
        try stored.forEachChunk(chunkSize: chunkSize, as: Float.self, body)
    }

    /// Calls `body` with consecutive chunks of at most `chunkSize` elements converted to `Double`.
    public func forEachChunk(
        chunkSize: Int = defaultTensorChunkSize, as type: Double.Type,
        _ body: (UnsafeBufferPointer<Double>) throws -> Void
    ) throws {
        try stored.forEachChunk(chunkSize: chunkSize, as: Double.self, body)
    }

    /// Reads the shape and all elements of `path` as `Float` in one call.
    public static func readFloats(path: String) throws -> (shape: [Int], values: [Float]) {
        let file = try NpyFile(path: path)
        return (file.shape, try file.readFloats())
    }

    // MARK: - Header

    private static func readHeader(_ file: RandomAccessFile, voidType: TensorDType?) throws -> NpyHeader {
        try parseHeader(file, path: file.path, size: file.size, voidType: voidType)
    }

    /// Reads and validates a header from `source`, whose total size is `size` (`nil` for a stream:
    /// the data length is then checked by the reader as the data arrives).
    static func parseHeader(
        _ file: some PositionalByteSource, path: String, size knownSize: Int?, voidType: TensorDType?
    ) throws -> NpyHeader {
        let size = knownSize ?? Int.max
        let preambleLength = min(size, 12)
        let preamble = try file.readBytes(count: preambleLength, at: 0)
        let magicPresent = min(preamble.count, npyMagic.count)
        guard Array(preamble[0..<magicPresent]) == Array(npyMagic[0..<magicPresent]) else {
            throw TensorIOError(path: path, kind: .badMagic)
        }
        guard preamble.count >= 8 else {
            throw TensorIOError(path: path, kind: .truncatedHeader(needed: 10, available: preamble.count))
        }
        let major = Int(preamble[6])
        let minor = Int(preamble[7])
        guard minor == 0, let version = NpyFormatVersion(rawValue: major) else {
            throw TensorIOError(path: path, kind: .unsupportedVersion(major: major, minor: minor))
        }
        let lengthEnd = 8 + version.lengthFieldSize
        guard preamble.count >= lengthEnd else {
            throw TensorIOError(path: path, kind: .truncatedHeader(needed: lengthEnd, available: preamble.count))
        }
        var headerLength = 0
        for i in (8..<lengthEnd).reversed() { headerLength = headerLength << 8 | Int(preamble[i]) }
        guard headerLength <= size - lengthEnd else {
            throw TensorIOError(path: path, kind: .headerLengthBeyondFile(headerLength: UInt64(headerLength), fileSize: size))
        }
        let headerBytes = try file.readBytes(count: headerLength, at: lengthEnd)
        var parser = NpyHeaderParser(bytes: headerBytes, latin1: version != .v3, path: path)
        let literal = try parser.parseHeader()
        guard case let .dictionary(entries) = literal else {
            throw TensorIOError(path: path, kind: .malformedHeader("the header is not a dict literal"))
        }
        var descrValue: PythonLiteral?
        var fortranValue: PythonLiteral?
        var shapeValue: PythonLiteral?
        for (key, value) in entries {
            guard case let .string(name) = key else {
                throw TensorIOError(path: path, kind: .malformedHeader("dict key \(key.rendered) is not a string"))
            }
            switch name {
            case "descr":
                guard descrValue == nil else { throw duplicate(name, path) }
                descrValue = value
            case "fortran_order":
                guard fortranValue == nil else { throw duplicate(name, path) }
                fortranValue = value
            case "shape":
                guard shapeValue == nil else { throw duplicate(name, path) }
                shapeValue = value
            default:
                throw TensorIOError(path: path, kind: .malformedHeader("unexpected key '\(name)' (expected exactly 'descr', 'fortran_order', 'shape')"))
            }
        }
        guard let descrValue, let fortranValue, let shapeValue else {
            let missing = [("descr", descrValue), ("fortran_order", fortranValue), ("shape", shapeValue)]
                .filter { $0.1 == nil }.map { "'\($0.0)'" }.joined(separator: ", ")
            throw TensorIOError(path: path, kind: .malformedHeader("missing key \(missing)"))
        }

        let descr: String
        switch descrValue {
        case let .string(text): descr = text
        case .list: throw TensorIOError(path: path, kind: .unsupportedDType("structured dtype \(descrValue.rendered)", tensor: nil))
        default: throw TensorIOError(path: path, kind: .malformedHeader("'descr' is \(descrValue.rendered), not a string"))
        }
        let (dtype, bigEndian) = try parseDescr(descr, voidType: voidType, path: path)

        guard case let .boolean(fortranOrder) = fortranValue else {
            throw TensorIOError(path: path, kind: .malformedHeader("'fortran_order' is \(fortranValue.rendered), not True or False"))
        }

        guard case let .tuple(dimensions) = shapeValue else {
            throw TensorIOError(path: path, kind: .malformedHeader("'shape' is \(shapeValue.rendered), not a tuple"))
        }
        var shape: [Int] = []
        for dimension in dimensions {
            guard case let .integer(size) = dimension else {
                throw TensorIOError(path: path, kind: .invalidShape("dimension \(dimension.rendered) in \(shapeValue.rendered) is not an integer"))
            }
            shape.append(size)
        }
        if fortranOrder {
            throw TensorIOError(path: path, kind: .fortranOrder)
        }
        let elementCount = try Sizes.elementCount(of: shape, path: path)
        let byteCount = try Sizes.byteCount(elementCount: elementCount, dtype: dtype, shape: shape, path: path)
        let dataOffset = lengthEnd + headerLength
        let available = size - dataOffset
        guard knownSize == nil || byteCount <= available else {
            throw TensorIOError(path: path, kind: .truncatedData(expected: byteCount, available: available))
        }
        return NpyHeader(
            version: version, dtype: dtype, descr: descr, isBigEndian: bigEndian && dtype.byteSize > 1,
            shape: shape, elementCount: elementCount, byteCount: byteCount, dataOffset: dataOffset)
    }

    private static func duplicate(_ key: String, _ path: String) -> TensorIOError {
        TensorIOError(path: path, kind: .malformedHeader("duplicate key '\(key)'"))
    }

    /// Maps a descr such as `<f4`, `>u2`, `|b1` or `<V2` to a dtype and byte order.
    static func parseDescr(_ descr: String, voidType: TensorDType?, path: String) throws -> (TensorDType, bigEndian: Bool) {
        var code = Substring(descr)
        var bigEndian = !hostIsLittleEndian  // '=' and no prefix mean the writer's native order
        switch code.first {
        case "<": bigEndian = false; code = code.dropFirst()
        case ">": bigEndian = true; code = code.dropFirst()
        case "|", "=": code = code.dropFirst()
        default: break
        }
        if code.first == "V", let size = Int(code.dropFirst()) {
            guard let voidType else {
                throw TensorIOError(path: path, kind: .unsupportedDType(
                    "\(descr) (an anonymous void type, as ml_dtypes writes bfloat16 and FP8; open with interpretingVoidAs: to read it)", tensor: nil))
            }
            guard voidType.byteSize == size else {
                throw TensorIOError(path: path, kind: .unsupportedDType(
                    "\(descr) (void size \(size) does not match \(voidType), \(voidType.byteSize) bytes)", tensor: nil))
            }
            return (voidType, bigEndian)
        }
        let normalized = code == "?" ? "b1" : String(code)
        guard let dtype = TensorDType.allCases.first(where: { $0.npyTypeCode == normalized }) else {
            throw TensorIOError(path: path, kind: .unsupportedDType(descr, tensor: nil))
        }
        return (dtype, bigEndian)
    }
}

/// Writes `.npy` files (little-endian, C order).
///
/// Types NumPy lacks (bfloat16, FP8) are written with the void descr ml_dtypes uses (`<V2`,
/// `<V1`); NumPy reads those back as raw void arrays, and `ml_dtypes` users can `.view()` them.
public enum NpyWriter {
    /// Encodes `values` with `shape` as a complete `.npy` file image.
    ///
    /// - Parameters:
    ///   - values: The elements in C order.
    ///   - shape: The array shape; its product must equal `values.count` (`[]` for one scalar).
    ///   - dtype: The stored type. Defaults to `T.tensorDType`; an unsigned integer array may be
    ///     written as a same-size format given as bit patterns (e.g. `[UInt16]` as ``TensorDType/bfloat16``).
    ///   - version: The format version, or `nil` for the smallest that fits (1.0, else 2.0).
    public static func encode<T: TensorElement>(
        _ values: [T], shape: [Int], as dtype: TensorDType? = nil, version: NpyFormatVersion? = nil
    ) throws -> [UInt8] {
        let dtype = try checkedDType(T.self, dtype, path: "<memory>")
        var bytes = try header(dtype: dtype, shape: shape, valueCount: values.count, version: version, path: "<memory>")
        withLittleEndianBytes(of: values, elementSize: dtype.byteSize) { bytes.append(contentsOf: $0) }
        return bytes
    }

    /// Writes `values` with `shape` to `path` (created or replaced). See ``encode(_:shape:as:version:)``.
    public static func write<T: TensorElement>(
        _ values: [T], shape: [Int], to path: String, as dtype: TensorDType? = nil, version: NpyFormatVersion? = nil
    ) throws {
        let dtype = try checkedDType(T.self, dtype, path: path)
        let head = try header(dtype: dtype, shape: shape, valueCount: values.count, version: version, path: path)
        let writer = try SequentialFileWriter(path: path)
        try writer.write(head)
        try withLittleEndianBytes(of: values, elementSize: dtype.byteSize) { try writer.write($0) }
        try writer.close()
    }

    /// Writes a 1-D array.
    public static func write<T: TensorElement>(_ values: [T], to path: String) throws {
        try write(values, shape: [values.count], to: path)
    }

    private static func checkedDType<T: TensorElement>(_ type: T.Type, _ dtype: TensorDType?, path: String) throws -> TensorDType {
        let dtype = dtype ?? T.tensorDType
        guard T.canRepresentBits(of: dtype) else {
            throw TensorIOError(path: path, kind: .invalidArgument("\(T.self) values cannot be written as \(dtype)"))
        }
        return dtype
    }

    /// The header bytes (magic, version, length, padded dict) for an array of `dtype` and `shape`.
    static func header(
        dtype: TensorDType, shape: [Int], valueCount: Int, version: NpyFormatVersion?, path: String
    ) throws -> [UInt8] {
        let count = try Sizes.elementCount(of: shape, path: path)
        guard count == valueCount else {
            throw TensorIOError(path: path, kind: .shapeMismatch(shapeElementCount: count, valueCount: valueCount))
        }
        _ = try Sizes.byteCount(elementCount: count, dtype: dtype, shape: shape, path: path)
        let shapeText: String
        switch shape.count {
        case 0: shapeText = "()"
        case 1: shapeText = "(\(shape[0]),)"
        default: shapeText = "(" + shape.map(String.init).joined(separator: ", ") + ")"
        }
        let dict = Array("{'descr': '\(dtype.npyWriteDescr)', 'fortran_order': False, 'shape': \(shapeText), }".utf8)
        func padded(_ version: NpyFormatVersion) -> (bytes: [UInt8], length: Int) {
            let prefix = npyMagic.count + 2 + version.lengthFieldSize
            let unpadded = prefix + dict.count + 1  // + '\n'
            let padding = (64 - unpadded % 64) % 64
            return (dict + [UInt8](repeating: 0x20, count: padding) + [0x0A], dict.count + padding + 1)
        }
        let chosen = version ?? (padded(.v1).length <= Int(UInt16.max) ? .v1 : .v2)
        let (text, length) = padded(chosen)
        guard chosen != .v1 || length <= Int(UInt16.max) else {
            throw TensorIOError(path: path, kind: .invalidArgument("the header needs \(length) bytes, more than version 1.0 allows"))
        }
        guard length <= Int(UInt32.max) else {
            throw TensorIOError(path: path, kind: .sizeOverflow("the .npy header length"))
        }
        var bytes = npyMagic + [UInt8(chosen.rawValue), 0]
        for i in 0..<chosen.lengthFieldSize { bytes.append(UInt8(truncatingIfNeeded: length >> (8 * i))) }
        bytes += text
        return bytes
    }
}
