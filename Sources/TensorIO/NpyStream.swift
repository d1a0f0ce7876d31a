/// A `.npy` file read front to back: the header, then the data in pieces of any size.
///
/// Works on anything ``ByteReader`` opens — regular files, pipes, FIFOs, standard input — with
/// memory bounded by the caller's buffer, whatever the array's size. The header is validated
/// exactly as ``NpyFile`` validates it; where the size of the input is not known in advance (a
/// stream), data shorter than the shape needs is reported when the stream ends early.
///
/// ```swift
/// let npy = try NpyStreamReader(ByteReader(path: "x.npy"))
/// var buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 22, alignment: 64)
/// while case let n = try npy.readData(into: buffer), n > 0 { … }   // host byte order
/// ```
package final class NpyStreamReader {
    /// The parsed header.
    package let header: NpyHeader
    /// The input.
    package let reader: ByteReader
    private var pending: [UInt8]
    private var delivered = 0

    /// Reads and validates the header of a `.npy` stream.
    ///
    /// - Parameter voidType: How to read an anonymous void descr (`<V2` as ``TensorDType/bfloat16``, …).
    /// - Throws: ``TensorIOError`` as ``NpyFile/init(path:interpretingVoidAs:)`` does.
    package init(_ reader: ByteReader, interpretingVoidAs voidType: TensorDType? = nil) throws {
        self.reader = reader
        let prefix = StreamPrefix(reader)
        header = try NpyFile.parseHeader(prefix, path: reader.path, size: reader.regularFileSize, voidType: voidType)
        pending = prefix.bytes.count > header.dataOffset ? Array(prefix.bytes[header.dataOffset...]) : []
    }

    /// Bytes of data not yet delivered.
    package var remainingByteCount: Int { header.byteCount - delivered }

    /// Fills `buffer` with the next data bytes, converted to host byte order, and returns how many
    /// (a whole number of elements; 0 once the array has been read). Bytes after the array's data
    /// are ignored, as NumPy ignores them.
    ///
    /// - Throws: ``TensorIOError/Kind/truncatedData(expected:available:)`` when the input ends first.
    package func readData(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        let size = header.dtype.byteSize
        let want = min(remainingByteCount, buffer.count / size * size)
        guard want > 0 else { return 0 }
        var got = 0
        if !pending.isEmpty {
            let n = min(pending.count, want)
            pending.withUnsafeBytes { buffer.baseAddress!.copyMemory(from: $0.baseAddress!, byteCount: n) }
            pending.removeFirst(n)
            got = n
        }
        if got < want {
            got += try reader.read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[got..<want]))
        }
        guard got == want else {
            throw TensorIOError(path: reader.path, kind: .truncatedData(expected: header.byteCount, available: delivered + got))
        }
        if header.isBigEndian && size > 1 {
            let base = buffer.baseAddress!
            for e in stride(from: 0, to: got, by: size) {
                for k in 0..<size / 2 {
                    let a = base.load(fromByteOffset: e + k, as: UInt8.self)
                    base.storeBytes(of: base.load(fromByteOffset: e + size - 1 - k, as: UInt8.self), toByteOffset: e + k, as: UInt8.self)
                    base.storeBytes(of: a, toByteOffset: e + size - 1 - k, as: UInt8.self)
                }
            }
        }
        delivered += got
        return got
    }
}

/// The first bytes of a stream, kept so the header parser may read them by offset.
final class StreamPrefix: PositionalByteSource {
    let reader: ByteReader
    var bytes: [UInt8] = []
    /// Headers longer than this on a stream are refused (NumPy's own reader refuses 10,000 bytes).
    static let limit = 1 << 24

    init(_ reader: ByteReader) { self.reader = reader }

    func readBytes(count: Int, at offset: Int) throws -> [UInt8] {
        let (end, overflow) = offset.addingReportingOverflow(count)
        guard !overflow, end <= Self.limit else {
            throw TensorIOError(path: reader.path, kind: .headerTooLarge(headerLength: UInt64(count), limit: Self.limit))
        }
        if end > bytes.count {
            let old = bytes.count
            bytes += [UInt8](repeating: 0, count: end - old)
            let got = try bytes.withUnsafeMutableBytes { try reader.read(into: UnsafeMutableRawBufferPointer(rebasing: $0[old..<end])) }
            if got < end - old {
                bytes.removeLast(end - old - got)
                throw TensorIOError(path: reader.path, kind: .truncatedHeader(needed: end, available: bytes.count))
            }
        }
        return Array(bytes[offset..<end])
    }
}

/// Writes a `.npy` header for data that follows in pieces (see ``NpyWriter``).
extension NpyWriter {
    /// The header bytes of an array of `dtype` and `shape`, to be followed by exactly
    /// `shape.product × dtype.byteSize` little-endian data bytes.
    package static func header(dtype: TensorDType, shape: [Int], path: String = "<memory>") throws -> [UInt8] {
        let count = try Sizes.elementCount(of: shape, path: path)
        return try header(dtype: dtype, shape: shape, valueCount: count, version: nil, path: path)
    }
}
