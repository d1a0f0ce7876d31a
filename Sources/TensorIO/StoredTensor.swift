/// The default number of elements handed to a `forEachChunk` body at a time (65 536).
public let defaultTensorChunkSize = 1 << 16

/// One tensor's bytes in an open file: where they are, how many, of which type, in which byte
/// order. Shared by the `.npy` and safetensors readers. The byte range has been checked against
/// the file size when the file was opened.
struct StoredTensor: Sendable {
    let file: RandomAccessFile
    let offset: Int
    let elementCount: Int
    let dtype: TensorDType
    let bigEndian: Bool

    var byteCount: Int { elementCount * dtype.byteSize }  // checked for overflow when opened

    /// Whether the stored bytes are already in this machine's byte order.
    var isHostOrder: Bool { dtype.byteSize == 1 || bigEndian != hostIsLittleEndian }

    func readRawBytes() throws -> [UInt8] {
        try file.readBytes(count: byteCount, at: offset)
    }

    func readElements<T: TensorElement>(as type: T.Type) throws -> [T] {
        guard T.canRepresentBits(of: dtype) else {
            throw TensorIOError(path: file.path, kind: .elementTypeMismatch(stored: dtype, requested: "\(T.self)"))
        }
        if T.self == Bool.self {
            // Any non-zero byte is true; never materialise a Bool from a byte other than 0 or 1.
            let bytes = try readRawBytes()
            let bools = bytes.map { $0 != 0 }
            return unsafeBitCast(bools, to: [T].self)
        }
        let count = elementCount
        var failure: Error?
        let values = [T](unsafeUninitializedCapacity: count) { buffer, initialized in
            do {
                let raw = UnsafeMutableRawBufferPointer(buffer)
                try file.read(into: raw, at: offset)
                if !isHostOrder { swapElementBytes(raw, elementSize: dtype.byteSize) }
                initialized = count
            } catch {
                failure = error
                initialized = 0
            }
        }
        if let failure { throw failure }
        return values
    }

    /// All elements converted to `D`, holding at most one staging chunk besides the result.
    func readDecoded<D: DecodeTarget & TensorElement>(as type: D.Type) throws -> [D] {
        if dtype == D.tensorDType {
            return try readElements(as: D.self)
        }
        let count = elementCount
        var failure: Error?
        let values = [D](unsafeUninitializedCapacity: count) { buffer, initialized in
            do {
                guard let destination = buffer.baseAddress else { initialized = 0; return }
                try forEachDecodedChunk(chunkSize: defaultTensorChunkSize) { start, chunkCount, raw in
                    decodeElements(raw, dtype: dtype, bigEndian: bigEndian, into: destination + start, count: chunkCount)
                }
                initialized = count
            } catch {
                failure = error
                initialized = 0
            }
        }
        if let failure { throw failure }
        return values
    }

    /// Visits the stored bytes chunk by chunk: `body(firstElementIndex, elementCount, rawBytes)`.
    private func forEachDecodedChunk(
        chunkSize: Int, _ body: (Int, Int, UnsafeRawPointer) throws -> Void
    ) throws {
        let elementSize = dtype.byteSize
        let perChunk = max(1, min(chunkSize, elementCount))
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: perChunk * elementSize, alignment: 16)
        defer { buffer.deallocate() }
        guard let base = buffer.baseAddress else { return }
        var start = 0
        while start < elementCount {
            let n = min(perChunk, elementCount - start)
            let slice = UnsafeMutableRawBufferPointer(rebasing: buffer[0..<(n * elementSize)])
            try file.read(into: slice, at: offset + start * elementSize)
            try body(start, n, UnsafeRawPointer(base))
            start += n
        }
    }

    /// Calls `body` with consecutive chunks of at most `chunkSize` elements converted to `D`.
    /// Memory use is two chunk buffers, independent of the tensor size.
    func forEachChunk<D: DecodeTarget & TensorElement>(
        chunkSize: Int, as type: D.Type, _ body: (UnsafeBufferPointer<D>) throws -> Void
    ) throws {
        guard chunkSize > 0 else {
            throw TensorIOError(path: file.path, kind: .invalidArgument("chunk size must be positive, got \(chunkSize)"))
        }
        let perChunk = max(1, min(chunkSize, elementCount))
        let output = UnsafeMutableBufferPointer<D>.allocate(capacity: perChunk)
        defer { output.deallocate() }
        guard let outputBase = output.baseAddress else { return }
        if dtype == D.tensorDType {
            // Same type: read straight into the output buffer, then fix the byte order if needed.
            var start = 0
            while start < elementCount {
                let n = min(perChunk, elementCount - start)
                let raw = UnsafeMutableRawBufferPointer(start: outputBase, count: n * dtype.byteSize)
                try file.read(into: raw, at: offset + start * dtype.byteSize)
                if !isHostOrder { swapElementBytes(raw, elementSize: dtype.byteSize) }
                try body(UnsafeBufferPointer(start: outputBase, count: n))
                start += n
            }
            return
        }
        try forEachDecodedChunk(chunkSize: perChunk) { _, n, raw in
            decodeElements(raw, dtype: dtype, bigEndian: bigEndian, into: outputBase, count: n)
            try body(UnsafeBufferPointer(start: outputBase, count: n))
        }
    }
}
