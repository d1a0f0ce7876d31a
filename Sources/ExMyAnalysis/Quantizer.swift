import ExMy
import Foundation

/// A tensor of `Float` values with a C-order shape.
public struct Tensor: Sendable {
    /// The tensor's name, used in error messages and reports.
    public var name: String
    /// The dimensions, outermost first. Checked against ``values`` by the initializer only;
    /// assigning it later is not checked.
    public var shape: [Int]
    /// The elements in C (row-major) order; their count is the product of ``shape``.
    public var values: [Float]

    /// Creates a tensor; `shape` defaults to one dimension.
    ///
    /// - Throws: ``AnalysisError`` when a dimension is negative, the product of `shape` overflows
    ///   `Int`, or it differs from `values.count`.
    public init(name: String, values: [Float], shape: [Int]? = nil) throws {
        let s = shape ?? [values.count]
        var product = 1
        for d in s {
            guard d >= 0 else { throw AnalysisError("tensor \(name): negative dimension in shape \(s)") }
            let (p, overflow) = product.multipliedReportingOverflow(by: d)
            guard !overflow else { throw AnalysisError("tensor \(name): shape \(s) overflows") }
            product = p
        }
        guard product == values.count else {
            throw AnalysisError("tensor \(name): shape \(s) holds \(product) elements, but \(values.count) values were given")
        }
        self.name = name
        self.shape = s
        self.values = values
    }
}

/// What quantizing one tensor under one scheme produced, besides the metrics.
public struct GroupCounts: Hashable, Sendable {
    /// Number of scale groups.
    public var groups = 0
    /// Groups whose elements are all zero (their scale is arbitrary: 1, or E8M0's least).
    public var zeroGroups = 0
    /// Groups holding a NaN or ±∞: the spec makes their scale NaN, so every element becomes NaN.
    public var nonFiniteGroups = 0
    /// Groups whose scale underflowed its format to zero: their elements become zero.
    public var underflowedScales = 0
}

/// Quantizes tensors and measures the error, on the batch engine.
///
/// Each element `x` of a group with scale `s` becomes `decode(encode(x / s)) · s`; the division is
/// done in `Double` (exact for power-of-two scales; otherwise within 2^-53 relative, far below any
/// element format's resolution — a tie can then be missed only if `x / s` lies within 2^-53 of it).
/// The quotients are encoded by a ``BatchEncoder`` and decoded by a ``BatchDecoder`` (which give
/// exactly `FloatFormat.encode` / `FloatFormat.decode`), a block of ``blockSize`` elements at a
/// time. The tensor is cut into chunks of ``chunkSize`` elements whose metrics are accumulated in
/// element order and merged in chunk order, whatever the number of threads: results never depend
/// on it. Stochastic rules draw element `i`'s bits from the ``CounterRandom`` stream of `seed` at
/// index `i` (the flat index in the tensor). Memory: the per-group maxima and scales (16 bytes per
/// group), and about 160 KiB of scratch per thread; nothing is allocated per element.
public enum Quantizer {
    /// Elements per chunk: the unit of threading and of metrics merging.
    public static let chunkSize = 1 << 16
    /// Elements per batch call inside a chunk (the scratch buffers' length).
    static let blockSize = 4096

    /// Quantizes `tensor` under `scheme`, feeding every (input, output) pair to the metrics.
    ///
    /// - Parameters:
    ///   - seed: the seed of stochastic element rounding.
    ///   - keepOutput: return the quantized tensor (`Float(q)` per element) as well.
    ///   - threads: threads over chunks; `nil` uses every active processor for tensors of more
    ///     than one chunk. The results do not depend on it.
    public static func quantize(_ tensor: Tensor, _ scheme: QuantizationScheme, seed: UInt64 = 0,
                                keepOutput: Bool = false, threads: Int? = nil) throws -> (metrics: ErrorMetrics, counts: GroupCounts, output: [Float]) {
        let maxima = try GroupMaxima(tensor, scheme.granularity)
        return try quantize(tensor, scheme, maxima: maxima, seed: seed, keepOutput: keepOutput, threads: threads)
    }

    /// The scale of every group and the group counts (pass 1's maxima to scales).
    static func scales(_ scheme: QuantizationScheme, _ maxima: GroupMaxima) -> (scales: [Double], counts: GroupCounts) {
        let tensorScale = scheme.tensorScale(amax: maxima.tensorAmax)
        let maxElement = scheme.element.greatestFiniteMagnitude
        let zeroScale = scheme.zeroGroupScale
        var counts = GroupCounts(groups: maxima.layout.count)
        var scales = [Double](repeating: 0, count: maxima.layout.count)
        for g in 0..<maxima.layout.count {
            if maxima.nonFinite[g] { counts.nonFiniteGroups += 1; scales[g] = .nan; continue }
            if maxima.amax[g] == 0 { counts.zeroGroups += 1; scales[g] = zeroScale; continue }
            let s = scheme.groupScale(amax: maxima.amax[g], tensorScale: tensorScale, maxElement: maxElement)
            if s == 0 { counts.underflowedScales += 1 }
            scales[g] = s
        }
        return (scales, counts)
    }

    /// The scales of a tensor's groups under a scheme, split as stored (for the dot-product study,
    /// which applies block scales to partial sums).
    struct GroupScales {
        /// Element index → group.
        let layout: GroupLayout
        /// The full scale of each group, as ``scales(_:_:)`` gives it.
        let scales: [Double]
        /// The factor of each group's scale stored with the group (``scales`` divided by
        /// ``tensorFactor``; equal to ``scales`` except under NVFP4's two-level scaling). Zero and
        /// non-finite groups hold the same value as in ``scales``.
        let storedScales: [Double]
        /// The tensor-wide factor of the scales (NVFP4's FP32 tensor scale; 1 otherwise).
        let tensorFactor: Double
        let counts: GroupCounts
    }

    /// Pass 1 with the scales split into stored and tensor-wide factors.
    static func groupScales(_ tensor: Tensor, _ scheme: QuantizationScheme) throws -> GroupScales {
        let maxima = try GroupMaxima(tensor, scheme.granularity)
        let (scales, counts) = Self.scales(scheme, maxima)
        let tensorScale = scheme.tensorScale(amax: maxima.tensorAmax)
        let maxElement = scheme.element.greatestFiniteMagnitude
        var stored = scales
        var tensorFactor = 1.0
        for g in 0..<maxima.layout.count where !maxima.nonFinite[g] && maxima.amax[g] != 0 {
            let f = scheme.groupScaleFactors(amax: maxima.amax[g], tensorScale: tensorScale, maxElement: maxElement)
            stored[g] = f.stored
            tensorFactor = f.tensor
        }
        return GroupScales(layout: maxima.layout, scales: scales, storedScales: stored, tensorFactor: tensorFactor, counts: counts)
    }

    /// The element (unscaled) that `x` becomes in a group of scale `s`: `decode(encode(x / s))`; NaN
    /// when `s` is NaN (a group holding NaN or ±∞), 0 when `s` is 0 (a scale that underflowed).
    static func element<G: RandomNumberGenerator>(_ x: Float, scale s: Double, format: FloatFormat, scheme: QuantizationScheme, random: inout G) -> Double {
        if s.isNaN { return .nan }
        if s == 0 { return 0 }
        let code = format.encode(Double(x) / s, rounding: scheme.rounding, overflow: scheme.overflow, random: &random).code
        return format.decode(code)
    }

    /// Pass 2 with the maxima of pass 1 given (schemes of the same granularity share them).
    static func quantize(_ tensor: Tensor, _ scheme: QuantizationScheme, maxima: GroupMaxima, seed: UInt64,
                         keepOutput: Bool, threads: Int?) throws -> (metrics: ErrorMetrics, counts: GroupCounts, output: [Float]) {
        if let threads, threads < 1 { throw AnalysisError("threads must be at least 1, not \(threads)") }
        let (scales, counts) = Self.scales(scheme, maxima)
        let encoder = try BatchEncoder(scheme.element, rounding: scheme.rounding, overflow: scheme.overflow)
        let decoder = BatchDecoder(scheme.element)
        let n = tensor.values.count
        let chunks = (n + chunkSize - 1) / chunkSize
        var output = keepOutput ? [Float](repeating: 0, count: n) : []
        var chunkMetrics = [ErrorMetrics](repeating: ErrorMetrics(element: scheme.element), count: chunks)
        let workers = max(1, min(threads ?? ProcessInfo.processInfo.activeProcessorCount, chunks))
        try tensor.values.withUnsafeBufferPointer { values in
            try scales.withUnsafeBufferPointer { scales in
                try output.withUnsafeMutableBufferPointer { output in
                    try chunkMetrics.withUnsafeMutableBufferPointer { chunkMetrics in
                        let job = ChunkJob(
                            values: values, scales: scales, output: keepOutput ? output : nil, layout: maxima.layout,
                            encoder: encoder, decoder: decoder, seed: seed)
                        let metrics = UncheckedBuffer(chunkMetrics)
                        try forEachChunk(chunks, workers: workers) { c in
                            let range = (c * chunkSize)..<min(n, (c + 1) * chunkSize)
                            try job.run(range, into: &metrics.buffer[c])
                        }
                    }
                }
            }
        }
        var metrics = ErrorMetrics(element: scheme.element)
        for m in chunkMetrics { metrics.merge(m) }
        return (metrics, counts, output)
    }

    /// Runs `body(c)` for `c` in `0 ..< chunks` on `workers` threads (each claims the next chunk).
    static func forEachChunk(_ chunks: Int, workers: Int, _ body: @Sendable (Int) throws -> Void) throws {
        if workers <= 1 {
            for c in 0..<chunks { try body(c) }
            return
        }
        let state = ClaimState()
        DispatchQueue.concurrentPerform(iterations: workers) { _ in
            while let c = state.claim(below: chunks) {
                do { try body(c) } catch { state.fail(error) }
            }
        }
        if let error = state.error { throw error }
    }
}

/// The shared counter of ``Quantizer/forEachChunk(_:workers:_:)`` and the first error; once an
/// error is recorded no further chunk is handed out.
final class ClaimState: @unchecked Sendable {
    private let lock = NSLock()
    private var next = 0
    private(set) var error: Error?

    func claim(below limit: Int) -> Int? {
        lock.lock(); defer { lock.unlock() }
        guard error == nil, next < limit else { return nil }
        next += 1
        return next - 1
    }

    func fail(_ e: Error) {
        lock.lock(); defer { lock.unlock() }
        if error == nil { error = e }
    }
}

/// A buffer written by several threads at disjoint indices.
struct UncheckedBuffer<T>: @unchecked Sendable {
    let buffer: UnsafeMutableBufferPointer<T>
    init(_ buffer: UnsafeMutableBufferPointer<T>) { self.buffer = buffer }
}

/// Pass 2 over one chunk: scales per element, quotients, batch encode and decode, outputs, metrics.
struct ChunkJob: @unchecked Sendable {
    let values: UnsafeBufferPointer<Float>
    let scales: UnsafeBufferPointer<Double>
    let output: UnsafeMutableBufferPointer<Float>?
    let layout: GroupLayout
    let encoder: BatchEncoder
    let decoder: BatchDecoder
    let seed: UInt64

    func run(_ range: Range<Int>, into metrics: inout ErrorMetrics) throws {
        let w = encoder.format.bitWidth
        if w <= 8 { try run(range, into: &metrics, UInt8.self) }
        else if w <= 16 { try run(range, into: &metrics, UInt16.self) }
        else if w <= 32 { try run(range, into: &metrics, UInt32.self) }
        else { try run(range, into: &metrics, UInt64.self) }
    }

    private func run<C: BatchCode>(_ range: Range<Int>, into metrics: inout ErrorMetrics, _: C.Type) throws {
        let blockSize = Quantizer.blockSize
        // Scratch: per-element scale, quotient, decoded quotient, output, codes.
        let scratch = UnsafeMutableRawPointer.allocate(byteCount: blockSize * (32 + MemoryLayout<C>.stride), alignment: 64)
        defer { scratch.deallocate() }
        let scale = scratch.bindMemory(to: Double.self, capacity: blockSize)
        let quotient = (scratch + blockSize * 8).bindMemory(to: Double.self, capacity: blockSize)
        let decoded = (scratch + blockSize * 16).bindMemory(to: Double.self, capacity: blockSize)
        let q = (scratch + blockSize * 24).bindMemory(to: Double.self, capacity: blockSize)
        let codes = (scratch + blockSize * 32).bindMemory(to: C.self, capacity: blockSize)
        let x = values.baseAddress!
        var b = range.lowerBound
        while b < range.upperBound {
            let m = min(blockSize, range.upperBound - b)
            layout.forEachRun(in: b..<(b + m)) { start, end, g in
                let s = scales[g]
                var i = start - b
                let stop = end - b
                while i < stop {
                    scale[i] = s
                    i &+= 1
                }
            }
            // A NaN scale (non-finite group) or a zero one (underflowed) fixes the output: encode 0.
            for j in 0..<m {
                let s = scale[j]
                quotient[j] = s.isNaN || s == 0 ? 0 : Double(x[b + j]) / s
            }
            let options = BatchOptions(threads: 1, seed: seed, startIndex: UInt64(b))
            _ = try encoder.encode(UnsafeBufferPointer(start: quotient, count: m), into: UnsafeMutableBufferPointer(start: codes, count: m), options: options)
            try decoder.decode(UnsafeBufferPointer(start: codes, count: m), into: UnsafeMutableBufferPointer(start: decoded, count: m), threads: 1)
            for j in 0..<m {
                let s = scale[j]
                q[j] = s.isNaN ? .nan : s == 0 ? 0 : decoded[j] * s
            }
            metrics.add(inputs: x + b, outputs: q, scales: scale, quotients: quotient, count: m)
            if let output {
                for j in 0..<m { output[b + j] = Float(q[j]) }
            }
            b += m
        }
    }
}
