/// One tensor listed in a safetensors header, validated against the file.
public struct TensorInfo: Sendable, Hashable {
    /// The tensor's name (the header key).
    public let name: String
    /// The element type.
    public let dtype: TensorDType
    /// The shape; `[]` for a scalar.
    public let shape: [Int]
    /// The number of elements (product of ``shape``; 1 for a scalar).
    public let elementCount: Int
    /// The number of data bytes (``elementCount`` × ``TensorDType/byteSize``).
    public let byteCount: Int
    /// The header's `data_offsets`: the byte range relative to the start of the data section.
    public let dataOffsets: Range<Int>
    /// The offset of the first data byte from the start of the file.
    public let fileOffset: Int
}

/// A `.safetensors` file opened for reading.
///
/// Opening reads the 8-byte header length and the JSON header, and validates every entry:
/// known dtype, non-negative shape whose element and byte counts do not overflow, `data_offsets`
/// with `begin <= end`, a span equal to dtype size × element count, inside the data section,
/// and not overlapping any other tensor. Gaps between tensors are tolerated. `__metadata__`
/// string entries are kept in ``metadata``; other metadata values are ignored.
///
/// Tensor data is never loaded at open. Each `read…` call reads one tensor with positional reads
/// (`pread`), and ``forEachChunk(of:chunkSize:_:)`` streams one tensor through a fixed-size buffer,
/// so a checkpoint of any size can be analysed tensor by tensor with memory bounded by one
/// tensor (or one chunk). The file is not memory-mapped: a mapped file that is truncated by
/// another process would crash the reader with `SIGBUS`, whereas a short read is an ordinary
/// ``TensorIOError``.
///
/// The class is immutable and uses positional reads only, so it can be shared between tasks;
/// several tensors may be read concurrently.
public final class SafetensorsFile: Sendable {
    /// The default limit on the JSON header length: 100 000 000 bytes, as in the reference
    /// implementation.
    public static let defaultMaximumHeaderLength = 100_000_000

    /// The path the file was opened with.
    public let path: String
    /// All supported tensors, in order of their position in the file.
    public let tensors: [TensorInfo]
    /// The string entries of `__metadata__`.
    public let metadata: [String: String]
    /// Tensors skipped because their dtype is not supported (name → dtype string as written).
    /// Always empty unless the file was opened with `skippingUnsupportedDTypes: true`.
    public let unsupportedTensors: [String: String]
    /// The length of the JSON header in bytes (as stored in the first 8 bytes).
    public let headerLength: Int
    private let index: [String: Int]
    private let file: RandomAccessFile

    /// Opens `path` and validates its header.
    ///
    /// - Parameters:
    ///   - path: The file to read.
    ///   - skippingUnsupportedDTypes: When `true`, tensors whose dtype is not supported (such as
    ///     the packed `F4` or `F6_*` types) are listed in ``unsupportedTensors`` instead of
    ///     failing the open. Their offsets are still checked for range and overlap.
    ///   - maximumHeaderLength: The largest JSON header accepted, in bytes. The default,
    ///     ``defaultMaximumHeaderLength`` (100 MB), is the reference implementation's limit; real
    ///     headers are far smaller, so a larger length means a corrupt file, and the limit keeps
    ///     such a file from making the reader allocate gigabytes.
    /// - Throws: ``TensorIOError``: missing file, file shorter than 8 bytes, header length beyond
    ///   the file or above the limit, header not a JSON object (`badMagic` when it does not start with `{`),
    ///   malformed JSON or entries, unsupported dtype, invalid shape, size overflow, invalid,
    ///   out-of-range, mis-sized or overlapping data offsets.
    public init(
        path: String, skippingUnsupportedDTypes: Bool = false, maximumHeaderLength: Int = SafetensorsFile.defaultMaximumHeaderLength
    ) throws {
        self.path = path
        let file = try RandomAccessFile(path: path)
        self.file = file
        guard file.size >= 8 else {
            throw TensorIOError(path: path, kind: .truncatedHeader(needed: 8, available: file.size))
        }
        let lengthBytes = try file.readBytes(count: 8, at: 0)
        var declared: UInt64 = 0
        for byte in lengthBytes.reversed() { declared = declared << 8 | UInt64(byte) }
        guard declared <= UInt64(file.size - 8) else {
            throw TensorIOError(path: path, kind: .headerLengthBeyondFile(headerLength: declared, fileSize: file.size))
        }
        guard declared <= UInt64(max(0, maximumHeaderLength)) else {
            throw TensorIOError(path: path, kind: .headerTooLarge(headerLength: declared, limit: maximumHeaderLength))
        }
        let headerLength = Int(declared)
        self.headerLength = headerLength
        let headerBytes = try file.readBytes(count: headerLength, at: 8)
        let parsed = try headerBytes.withUnsafeBufferPointer { buffer in
            var parser = SafetensorsHeaderParser(bytes: buffer, path: path)
            return try parser.parse()
        }
        self.metadata = parsed.metadata

        let dataStart = 8 + headerLength
        let dataSize = file.size - dataStart
        var tensors: [TensorInfo] = []
        tensors.reserveCapacity(parsed.entries.count)
        var unsupported: [String: String] = [:]
        var index: [String: Int] = [:]
        index.reserveCapacity(parsed.entries.count)
        var ranges: [(name: String, begin: UInt64, end: UInt64)] = []
        ranges.reserveCapacity(parsed.entries.count)
        for entry in parsed.entries {
            let name = entry.name
            guard index.updateValue(tensors.count, forKey: name) == nil, unsupported[name] == nil else {
                throw TensorIOError(path: path, kind: .malformedHeader("duplicate tensor name '\(name)'"))
            }
            guard entry.begin <= entry.end else {
                throw TensorIOError(path: path, kind: .invalidDataOffsets(tensor: name, begin: entry.begin, end: entry.end))
            }
            guard let dtype = TensorDType(safetensorsName: entry.dtypeName) else {
                if skippingUnsupportedDTypes {
                    guard entry.end <= UInt64(dataSize) else {
                        throw TensorIOError(path: path, kind: .dataOffsetsOutOfRange(tensor: name, end: entry.end, dataSectionSize: dataSize))
                    }
                    index[name] = nil
                    unsupported[name] = entry.dtypeName
                    ranges.append((name, entry.begin, entry.end))
                    continue
                }
                throw TensorIOError(path: path, kind: .unsupportedDType(entry.dtypeName, tensor: name))
            }
            let count = try Sizes.elementCount(of: entry.shape, tensor: name, path: path)
            let bytes = try Sizes.byteCount(elementCount: count, dtype: dtype, shape: entry.shape, tensor: name, path: path)
            guard entry.end - entry.begin == UInt64(bytes) else {
                throw TensorIOError(path: path, kind: .dataSizeMismatch(tensor: name, byteCount: entry.end - entry.begin, expected: bytes))
            }
            guard entry.end <= UInt64(dataSize) else {
                throw TensorIOError(path: path, kind: .dataOffsetsOutOfRange(tensor: name, end: entry.end, dataSectionSize: dataSize))
            }
            let begin = Int(entry.begin), end = Int(entry.end)  // both <= dataSize, so they fit
            tensors.append(TensorInfo(
                name: name, dtype: dtype, shape: entry.shape, elementCount: count, byteCount: bytes,
                dataOffsets: begin..<end, fileOffset: dataStart + begin))
            ranges.append((name, entry.begin, entry.end))
        }

        // Overlap: sort by start; each non-empty range must begin at or after the furthest end so far.
        let rangeOrder: ((name: String, begin: UInt64, end: UInt64), (name: String, begin: UInt64, end: UInt64)) -> Bool = {
            ($0.begin, $0.end, $0.name) < ($1.begin, $1.end, $1.name)
        }
        if !isSorted(ranges, by: rangeOrder) { ranges.sort(by: rangeOrder) }
        var furthest: (name: String, end: UInt64)?
        for range in ranges where range.end > range.begin {
            if let previous = furthest, range.begin < previous.end {
                throw TensorIOError(path: path, kind: .overlappingTensors(previous.name, range.name))
            }
            if furthest.map({ range.end > $0.end }) ?? true { furthest = (range.name, range.end) }
        }

        let tensorOrder: (TensorInfo, TensorInfo) -> Bool = {
            ($0.dataOffsets.lowerBound, $0.dataOffsets.upperBound, $0.name) < ($1.dataOffsets.lowerBound, $1.dataOffsets.upperBound, $1.name)
        }
        if !isSorted(tensors, by: tensorOrder) {
            tensors.sort(by: tensorOrder)
            for (position, tensor) in tensors.enumerated() { index[tensor.name] = position }
        }
        self.tensors = tensors
        self.unsupportedTensors = unsupported
        self.index = index
    }

    /// The names of all supported tensors, in file order.
    public var tensorNames: [String] { tensors.map(\.name) }

    /// Whether a supported tensor called `name` exists.
    public func contains(_ name: String) -> Bool { index[name] != nil }

    /// The tensor called `name`.
    /// - Throws: ``TensorIOError/Kind/tensorNotFound(_:)``.
    public func info(_ name: String) throws -> TensorInfo {
        guard let position = index[name] else {
            throw TensorIOError(path: path, kind: .tensorNotFound(name))
        }
        return tensors[position]
    }

    /// The tensors whose names match a glob `pattern` (see ``GlobPattern``), in file order.
    /// A pattern without wildcards selects at most the one tensor of that exact name.
    public func tensors(matching pattern: String) -> [TensorInfo] {
        tensors(matching: GlobPattern(pattern))
    }

    /// The tensors whose names match `pattern`, in file order.
    public func tensors(matching pattern: GlobPattern) -> [TensorInfo] {
        tensors.filter { pattern.matches($0.name) }
    }

    private func stored(_ name: String) throws -> StoredTensor {
        let tensor = try info(name)
        return StoredTensor(
            file: file, offset: tensor.fileOffset, elementCount: tensor.elementCount,
            dtype: tensor.dtype, bigEndian: false)
    }

    /// The elements of tensor `name` converted to `Float`: exact for F32, F16, BF16 and the FP8
    /// types, rounded to nearest for F64 and wide integers, 0/1 for BOOL.
    public func readFloats(_ name: String) throws -> [Float] {
        try stored(name).readDecoded(as: Float.self)
    }

    /// The elements of tensor `name` converted to `Double` (exact except for 64-bit integers).
    public func readDoubles(_ name: String) throws -> [Double] {
        try stored(name).readDecoded(as: Double.self)
    }

    /// The elements of tensor `name` as `T`, which must be the stored type or an unsigned integer
    /// of the same size (a bit-pattern view: `UInt16` for BF16 or F16, `UInt8` for the FP8 types).
    public func readElements<T: TensorElement>(_ name: String, as type: T.Type) throws -> [T] {
        try stored(name).readElements(as: type)
    }

    /// The bytes of tensor `name` exactly as stored (little-endian).
    public func readRawBytes(_ name: String) throws -> [UInt8] {
        try stored(name).readRawBytes()
    }

    /// Calls `body` with consecutive chunks of at most `chunkSize` elements of tensor `name`
    /// converted to `Float`, in storage (C) order. Memory use is one chunk, whatever the tensor
    /// size; the buffer is valid only during each call. Errors thrown by `body` stop the
    /// iteration and propagate.
    public func forEachChunk(
        of name: String, chunkSize: Int = defaultTensorChunkSize, _ body: (UnsafeBufferPointer<Float>) throws -> Void
    ) throws {
        try stored(name).forEachChunk(chunkSize: chunkSize, as: Float.self, body)
    }

    /// Reads `buffer.count` bytes of tensor `tensor`'s data, starting `byteOffset` bytes into it,
    /// exactly as stored (little-endian), with one positional read: for streaming a tensor's raw
    /// bytes chunk by chunk without reading any byte twice.
    ///
    /// - Throws: ``TensorIOError``: a range outside the tensor, a failed or short read.
    public func readRawBytes(of tensor: TensorInfo, byteOffset: Int, into buffer: UnsafeMutableRawBufferPointer) throws {
        guard byteOffset >= 0, byteOffset <= tensor.byteCount, buffer.count <= tensor.byteCount - byteOffset else {
            throw TensorIOError(path: path, kind: .invalidArgument(
                "bytes \(byteOffset)..<\(byteOffset + buffer.count) are outside tensor '\(tensor.name)' (\(tensor.byteCount) bytes)"))
        }
        try file.read(into: buffer, at: tensor.fileOffset + byteOffset)
    }

    /// Calls `body` with consecutive chunks of tensor `name` converted to `Double`.
    public func forEachChunk(
        of name: String, chunkSize: Int = defaultTensorChunkSize, as type: Double.Type,
        _ body: (UnsafeBufferPointer<Double>) throws -> Void
    ) throws {
        try stored(name).forEachChunk(chunkSize: chunkSize, as: Double.self, body)
    }
}

/// Builds a `.safetensors` file in memory and writes it.
///
/// Tensors are stored in the order they are added, contiguously, after a JSON header padded with
/// spaces to a multiple of 8 bytes (as the reference implementation does). Every added tensor is
/// held in memory until ``write(to:)``, so this is meant for test fixtures and modest files.
///
/// ```swift
/// var writer = SafetensorsWriter(metadata: ["format": "pt"])
/// try writer.add("w", weights, shape: [64, 128])
/// try writer.add("w_bf16", bits, shape: [64, 128], as: .bfloat16)   // [UInt16] bit patterns
/// try writer.write(to: "/tmp/model.safetensors")
/// ```
public struct SafetensorsWriter: Sendable {
    private struct Entry: Sendable {
        var name: String
        var dtype: TensorDType
        var shape: [Int]
        var bytes: [UInt8]
    }

    /// String metadata written as `__metadata__` (omitted when empty).
    public var metadata: [String: String]
    private var entries: [Entry] = []
    private var names = Set<String>()

    /// Creates an empty writer.
    public init(metadata: [String: String] = [:]) {
        self.metadata = metadata
    }

    /// The names added so far, in order.
    public var tensorNames: [String] { entries.map(\.name) }

    /// Adds a tensor.
    ///
    /// - Parameters:
    ///   - name: A name not used before and not `__metadata__`.
    ///   - values: The elements in C order.
    ///   - shape: The shape; its product must equal `values.count`.
    ///   - dtype: The stored type; defaults to `T.tensorDType`. An unsigned integer array may be
    ///     stored as a same-size format given as bit patterns (`[UInt16]` as `.bfloat16`).
    public mutating func add<T: TensorElement>(
        _ name: String, _ values: [T], shape: [Int], as dtype: TensorDType? = nil
    ) throws {
        let dtype = dtype ?? T.tensorDType
        guard T.canRepresentBits(of: dtype) else {
            throw TensorIOError(path: "<safetensors writer>", kind: .invalidArgument("\(T.self) values cannot be stored as \(dtype)"))
        }
        let bytes = withLittleEndianBytes(of: values, elementSize: dtype.byteSize) { [UInt8]($0) }
        try add(name, rawBytes: bytes, dtype: dtype, shape: shape)
    }

    /// Adds a tensor given as little-endian bytes; `rawBytes.count` must equal dtype size × element count.
    public mutating func add(_ name: String, rawBytes: [UInt8], dtype: TensorDType, shape: [Int]) throws {
        let path = "<safetensors writer>"
        guard name != "__metadata__" else {
            throw TensorIOError(path: path, kind: .invalidArgument("'__metadata__' is reserved and cannot name a tensor"))
        }
        guard !names.contains(name) else {
            throw TensorIOError(path: path, kind: .invalidArgument("duplicate tensor name '\(name)'"))
        }
        let count = try Sizes.elementCount(of: shape, tensor: name, path: path)
        let byteCount = try Sizes.byteCount(elementCount: count, dtype: dtype, shape: shape, tensor: name, path: path)
        guard byteCount == rawBytes.count else {
            if rawBytes.count % dtype.byteSize == 0 {
                throw TensorIOError(path: path, kind: .shapeMismatch(shapeElementCount: count, valueCount: rawBytes.count / dtype.byteSize))
            }
            throw TensorIOError(path: path, kind: .invalidArgument(
                "tensor '\(name)' has \(rawBytes.count) bytes, not a multiple of the \(dtype.byteSize)-byte \(dtype) element"))
        }
        names.insert(name)
        entries.append(Entry(name: name, dtype: dtype, shape: shape, bytes: rawBytes))
    }

    /// The first bytes of a `.safetensors` file holding `tensors` stored contiguously in the order
    /// given (the 8-byte little-endian header length and the JSON header padded with spaces to a
    /// multiple of 8), for writers that stream the tensor data after it. Tensor `i`'s data then
    /// starts `tensors[0..<i]`'s byte counts after the end of the returned bytes.
    ///
    /// - Throws: ``TensorIOError`` for a duplicate or reserved name, or a shape whose size overflows.
    public static func fileHeader(tensors: [(name: String, dtype: TensorDType, shape: [Int])], metadata: [String: String]) throws -> [UInt8] {
        var writer = SafetensorsWriter(metadata: metadata)
        var sizes: [Int] = []
        for t in tensors {
            let path = "<safetensors writer>"
            guard t.name != "__metadata__" else {
                throw TensorIOError(path: path, kind: .invalidArgument("'__metadata__' is reserved and cannot name a tensor"))
            }
            guard writer.names.insert(t.name).inserted else {
                throw TensorIOError(path: path, kind: .invalidArgument("duplicate tensor name '\(t.name)'"))
            }
            let count = try Sizes.elementCount(of: t.shape, tensor: t.name, path: path)
            sizes.append(try Sizes.byteCount(elementCount: count, dtype: t.dtype, shape: t.shape, tensor: t.name, path: path))
            writer.entries.append(Entry(name: t.name, dtype: t.dtype, shape: t.shape, bytes: []))
        }
        let header = writer.headerBytes(sizes: sizes)
        let length = UInt64(header.count)
        return (0..<8).map { UInt8(truncatingIfNeeded: length >> (8 * UInt64($0))) } + header
    }

    /// The JSON header (with padding) for the tensors added so far.
    private func headerBytes() -> [UInt8] { headerBytes(sizes: entries.map(\.bytes.count)) }

    /// The JSON header for the entries, with `sizes[i]` data bytes for entry `i`.
    private func headerBytes(sizes: [Int]) -> [UInt8] {
        var json = "{"
        var first = true
        if !metadata.isEmpty {
            json += "\"__metadata__\":{"
            json += metadata.sorted { $0.key < $1.key }
                .map { "\(jsonString($0.key)):\(jsonString($0.value))" }
                .joined(separator: ",")
            json += "}"
            first = false
        }
        var offset = 0
        for (entry, size) in zip(entries, sizes) {
            if !first { json += "," }
            first = false
            let end = offset + size
            json += "\(jsonString(entry.name)):{\"dtype\":\"\(entry.dtype.safetensorsName)\",\"shape\":["
            json += entry.shape.map(String.init).joined(separator: ",")
            json += "],\"data_offsets\":[\(offset),\(end)]}"
            offset = end
        }
        json += "}"
        var bytes = Array(json.utf8)
        while bytes.count % 8 != 0 { bytes.append(0x20) }
        return bytes
    }

    /// The complete file image.
    public func encode() -> [UInt8] {
        let header = headerBytes()
        var bytes: [UInt8] = []
        bytes.reserveCapacity(8 + header.count + entries.reduce(0) { $0 + $1.bytes.count })
        let length = UInt64(header.count)
        for i in 0..<8 { bytes.append(UInt8(truncatingIfNeeded: length >> (8 * UInt64(i)))) }
        bytes += header
        for entry in entries { bytes += entry.bytes }
        return bytes
    }

    /// Writes the file to `path` (created or replaced).
    public func write(to path: String) throws {
        let header = headerBytes()
        let writer = try SequentialFileWriter(path: path)
        var prefix: [UInt8] = []
        let length = UInt64(header.count)
        for i in 0..<8 { prefix.append(UInt8(truncatingIfNeeded: length >> (8 * UInt64(i)))) }
        try writer.write(prefix + header)
        for entry in entries { try writer.write(entry.bytes) }
        try writer.close()
    }
}

/// Whether `items` is in non-decreasing order (files are nearly always written in offset order,
/// so checking first saves a sort of a large header).
private func isSorted<T>(_ items: [T], by areInIncreasingOrder: (T, T) -> Bool) -> Bool {
    var index = 1
    while index < items.count {
        if areInIncreasingOrder(items[index], items[index - 1]) { return false }
        index += 1
    }
    return true
}

/// A JSON string literal for `text`.
func jsonString(_ text: String) -> String {
    var result = "\""
    for scalar in text.unicodeScalars {
        switch scalar {
        case "\"": result += "\\\""
        case "\\": result += "\\\\"
        case "\n": result += "\\n"
        case "\r": result += "\\r"
        case "\t": result += "\\t"
        default:
            if scalar.value < 0x20 {
                let hex = String(scalar.value, radix: 16)
                result += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            } else {
                result.unicodeScalars.append(scalar)
            }
        }
    }
    return result + "\""
}
