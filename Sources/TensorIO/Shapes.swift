/// Overflow-checked size arithmetic shared by the readers and writers.
enum Sizes {
    /// The number of elements of `shape` (1 for the empty shape of a scalar), or an error if a
    /// dimension is negative or the product overflows `Int`.
    static func elementCount(of shape: [Int], tensor: String? = nil, path: String) throws(TensorIOError) -> Int {
        var subject: String { tensor.map { "tensor '\($0)' " } ?? "" }
        var count = 1
        for dimension in shape {
            guard dimension >= 0 else {
                throw TensorIOError(path: path, kind: .invalidShape("\(subject)dimension \(dimension) in \(shape) is negative"))
            }
            let (product, overflow) = count.multipliedReportingOverflow(by: dimension)
            guard !overflow else {
                throw TensorIOError(path: path, kind: .sizeOverflow("the element count of \(subject)shape \(shape)"))
            }
            count = product
        }
        return count
    }

    /// `elementCount × dtype.byteSize`, or an error if it overflows `Int`.
    static func byteCount(
        elementCount: Int, dtype: TensorDType, shape: [Int], tensor: String? = nil, path: String
    ) throws(TensorIOError) -> Int {
        var subject: String { tensor.map { "tensor '\($0)' " } ?? "" }
        let (bytes, overflow) = elementCount.multipliedReportingOverflow(by: dtype.byteSize)
        guard !overflow else {
            throw TensorIOError(path: path, kind: .sizeOverflow("the byte count of \(subject)\(dtype) × shape \(shape)"))
        }
        return bytes
    }

    /// `a + b`, or an error naming `what` if it overflows.
    static func add(_ a: Int, _ b: Int, _ what: @autoclosure () -> String, path: String) throws(TensorIOError) -> Int {
        let (sum, overflow) = a.addingReportingOverflow(b)
        guard !overflow else { throw TensorIOError(path: path, kind: .sizeOverflow(what())) }
        return sum
    }
}

/// Bytes of values of a `TensorElement` type, in little-endian order, ready to be written.
func withLittleEndianBytes<T: TensorElement, R>(
    of values: [T], elementSize: Int, _ body: (UnsafeRawBufferPointer) throws -> R
) rethrows -> R {
    if hostIsLittleEndian || elementSize == 1 {
        return try values.withUnsafeBytes { try body($0) }
    }
    var copy = values.withUnsafeBytes { [UInt8]($0) }
    copy.withUnsafeMutableBytes { swapElementBytes($0, elementSize: elementSize) }
    return try copy.withUnsafeBytes { try body($0) }
}
