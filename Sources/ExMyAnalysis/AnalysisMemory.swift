import ExMy
import Foundation
import TensorIO

/// The memory the analyzer needs for one tensor, checked against what the machine has before
/// anything is read or allocated (see docs/analysis.md, "Memory").
///
/// `analyze` holds one tensor at a time as `Float` (4 bytes per element), the per-group
/// statistics of each granularity in use (``GroupLayout``: at most one group per element, 9 bytes
/// each), the scales of the schemes being quantized at once (8 bytes per group each), the metrics
/// of every chunk of ``Quantizer/chunkSize`` elements, and a fixed scratch per thread. `dot` holds
/// its one or two input tensors as `Float` and, per thread, vectors of at most
/// ``AccumulationStudy/maximumLength`` elements. Everything else is constant.
package enum AnalysisMemory {
    /// Scratch of one pass-2 thread (``Quantizer/blockSize`` × 40 bytes) with some headroom.
    static let scratchPerThread = Quantizer.blockSize * 40 + (64 << 10)
    /// Metrics of one chunk (the ulp histogram and the sums), with headroom.
    static let bytesPerChunk = 1024

    /// `a + b`, or `Int.max` where that overflows.
    static func add(_ a: Int, _ b: Int) -> Int {
        let (s, o) = a.addingReportingOverflow(b)
        return o ? .max : s
    }

    /// `a × b`, or `Int.max` where that overflows.
    static func multiply(_ a: Int, _ b: Int) -> Int {
        let (p, o) = a.multipliedReportingOverflow(by: b)
        return o ? .max : p
    }

    /// The bytes that analysing a tensor of `shape` under `schemes` on `threads` threads needs.
    ///
    /// - Throws: ``AnalysisError`` for a shape that is invalid for a scheme (a negative or
    ///   overflowing dimension, an axis the shape lacks).
    package static func studyBytes(shape: [Int], schemes: [QuantizationScheme], threads: Int) throws -> Int {
        var n = 1
        for d in shape { n = d < 0 ? 0 : multiply(n, d) }
        var bytes = multiply(n, MemoryLayout<Float>.stride)
        var largestGroupCount = 1
        var seen = Set<Granularity>()
        for s in schemes where seen.insert(s.granularity).inserted {
            let count = try GroupLayout(shape, s.granularity).count
            largestGroupCount = max(largestGroupCount, count)
            bytes = add(bytes, multiply(count, GroupLayout.maximaBytesPerGroup))
        }
        let workers = max(1, min(threads, schemes.count))
        bytes = add(bytes, multiply(workers, multiply(largestGroupCount, GroupLayout.scaleBytesPerGroup)))
        let chunks = n / Quantizer.chunkSize + 1
        bytes = add(bytes, multiply(workers, multiply(chunks, bytesPerChunk)))
        return add(bytes, multiply(max(1, threads), scratchPerThread))
    }

    /// The bytes that holding a tensor of `elementCount` elements as `Float` needs.
    package static func tensorBytes(elementCount: Int) -> Int {
        multiply(max(0, elementCount), MemoryLayout<Float>.stride)
    }

    /// Throws when `bytes` is more than the memory available now (``SystemResources``).
    ///
    /// - Parameters:
    ///   - what: what needs the memory, for the message (`"x.npy: tensor 'w' of shape [4096, 4096]"`).
    ///   - advice: what to do instead.
    package static func check(_ bytes: Int, for what: String, advice: String) throws {
        guard let available = SystemResources.availableMemory(), bytes > available else { return }
        let need = bytes == .max ? "more memory than a 64-bit size counts" : "about \(SystemResources.describe(bytes: bytes)) of memory"
        throw AnalysisError("\(what) needs \(need) (see docs/analysis.md, Memory); about \(SystemResources.describe(bytes: available)) is available (MemAvailable and the cgroup limit): \(advice)")
    }
}

extension SafetensorsFile {
    /// The file's tensors for a message: unknown dtypes first (named with their tensors), then the
    /// others with their dtypes, at most `limit` of each.
    func inventory(limit: Int = 8) -> String {
        var parts: [String] = []
        if !unsupportedTensors.isEmpty {
            let unknown = unsupportedTensors.sorted { $0.key < $1.key }
            let dtypes = Set(unknown.map(\.value)).sorted().joined(separator: ", ")
            let listed = unknown.prefix(limit).map { "'\($0.key)' (\($0.value))" }.joined(separator: ", ")
            parts.append("unsupported dtype\(Set(unknown.map(\.value)).count == 1 ? "" : "s") \(dtypes) in \(listed)\(unknown.count > limit ? ", …" : "")")
        }
        if !tensors.isEmpty {
            let listed = tensors.prefix(limit).map { "'\($0.name)' (\($0.dtype))" }.joined(separator: ", ")
            parts.append("tensors: \(listed)\(tensors.count > limit ? ", …" : "")")
        }
        return parts.isEmpty ? "the file holds no tensor" : parts.joined(separator: "; ")
    }
}
