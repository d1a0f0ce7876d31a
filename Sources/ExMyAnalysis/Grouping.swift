import ExMy

/// How the elements of a tensor map to scale groups, walked as runs of consecutive elements that
/// share a group (so the analyzer never calls a closure per element).
///
/// - tensor: one group;
/// - block `B`: runs of `B` along the last axis, a shorter final run when the last dimension is not
///   a multiple of `B`; group `row · ⌈last / B⌉ + column / B`;
/// - channel `axis`: group `(i / stride) % size`, `stride` the product of the dimensions after
///   `axis` and `size` the dimension itself.
struct GroupLayout: Sendable {
    enum Kind: Sendable {
        case tensor
        case block(size: Int, last: Int, perRow: Int)
        case channel(stride: Int, size: Int)
    }

    let kind: Kind
    /// The number of groups: at least 1, and at most the number of elements of a non-empty
    /// tensor, so the per-group statistics never outgrow the tensor (an empty tensor is one empty
    /// group whatever the granularity: a shape such as `(0, 2^32, 2^32)` allocates nothing).
    let count: Int

    /// Bytes of per-group statistics of one granularity's pass 1 (greatest magnitude and a
    /// non-finite flag) and of the scales of one scheme.
    static let maximaBytesPerGroup = MemoryLayout<Double>.stride + MemoryLayout<Bool>.stride
    static let scaleBytesPerGroup = MemoryLayout<Double>.stride

    /// The layout of `shape`. Every size is computed with overflow-checked arithmetic.
    ///
    /// - Throws: ``AnalysisError`` for a negative dimension, a shape whose element count overflows
    ///   `Int`, a block size below 1, or an axis the shape lacks.
    init(_ shape: [Int], _ granularity: Granularity) throws {
        var n = 1
        for d in shape {
            guard d >= 0 else { throw AnalysisError("shape \(shape) has a negative dimension") }
            let (p, overflow) = n.multipliedReportingOverflow(by: d)
            guard !overflow else { throw AnalysisError("shape \(shape) holds more elements than a 64-bit integer counts") }
            n = p
        }
        switch granularity {
        case .tensor:
            kind = .tensor
            count = 1
        case .block(let b):
            guard b >= 1 else { throw AnalysisError("block size must be at least 1, not \(b)") }
            let last = max(shape.last ?? 1, 1)
            // ⌈last / B⌉ without `last + B − 1`, which overflows for a last dimension near 2^63.
            let perRow = last / b + (last % b == 0 ? 0 : 1)
            kind = .block(size: b, last: last, perRow: perRow)
            // (n / last) rows of perRow ≤ last blocks: at most n.
            count = max((n / last) * perRow, 1)
        case .channel(let axis):
            guard shape.indices.contains(axis) else {
                throw AnalysisError("per-channel axis \(axis) does not exist in a tensor of shape \(shape)")
            }
            guard n > 0 else {
                // No element, no channel to scale (the dimensions may be absurd: nothing is allocated per channel).
                kind = .channel(stride: 1, size: 1)
                count = 1
                return
            }
            // Both divide n > 0, so neither overflows.
            let stride = shape[(axis + 1)...].reduce(1, *)
            let size = shape[axis]
            kind = .channel(stride: stride, size: size)
            count = size
        }
    }

    /// The group of element `i`.
    func group(of i: Int) -> Int {
        switch kind {
        case .tensor: return 0
        case .block(let b, let last, let perRow): return (i / last) * perRow + (i % last) / b
        case .channel(let stride, let size): return (i / stride) % size
        }
    }

    /// Calls `body(start, end, group)` for the maximal runs of consecutive elements of `range` that
    /// share a group, in increasing order.
    @inline(__always)
    func forEachRun(in range: Range<Int>, _ body: (Int, Int, Int) throws -> Void) rethrows {
        var i = range.lowerBound
        let hi = range.upperBound
        switch kind {
        case .tensor:
            if i < hi { try body(i, hi, 0) }
        case .block(let b, let last, let perRow):
            while i < hi {
                let row = i / last, column = i - row * last
                let block = column / b
                let end = min(hi, row * last + min((block + 1) * b, last))
                try body(i, end, row * perRow + block)
                i = end
            }
        case .channel(let stride, let size):
            while i < hi {
                let q = i / stride
                let end = min(hi, (q + 1) * stride)
                try body(i, end, q % size)
                i = end
            }
        }
    }
}

/// Pass 1 of the analyzer: the absolute maximum of every group, which groups hold a NaN or ±∞, and
/// the absolute maximum of the whole tensor's finite elements. Schemes with the same granularity
/// share it.
struct GroupMaxima: Sendable {
    let layout: GroupLayout
    /// The greatest finite `|x|` of each group (0 for a group with no finite nonzero element).
    let amax: [Double]
    /// Whether the group holds a NaN or ±∞.
    let nonFinite: [Bool]
    /// The greatest finite `|x|` of the tensor.
    let tensorAmax: Double

    init(_ tensor: Tensor, _ granularity: Granularity) throws {
        let layout = try GroupLayout(tensor.shape, granularity)
        var amax = [Double](repeating: 0, count: layout.count)
        var nonFinite = [Bool](repeating: false, count: layout.count)
        var tensorBits: UInt32 = 0
        tensor.values.withUnsafeBufferPointer { values in
            guard let base = values.baseAddress else { return }
            let bits = UnsafeRawPointer(base).assumingMemoryBound(to: UInt32.self)
            amax.withUnsafeMutableBufferPointer { amax in
                nonFinite.withUnsafeMutableBufferPointer { nonFinite in
                    layout.forEachRun(in: 0..<values.count) { start, end, g in
                        // For finite values |x| orders as its bit pattern; a pattern at or above
                        // +∞'s marks a NaN or ∞ (rare: then the run is walked again element by element).
                        var m: UInt32 = 0
                        var i = start
                        while i < end {
                            m = max(m, bits[i] & 0x7FFF_FFFF)
                            i &+= 1
                        }
                        if m >= 0x7F80_0000 {
                            nonFinite[g] = true
                            m = 0
                            for k in start..<end where bits[k] & 0x7FFF_FFFF < 0x7F80_0000 { m = max(m, bits[k] & 0x7FFF_FFFF) }
                        }
                        let a = Double(Float(bitPattern: m))
                        if a > amax[g] { amax[g] = a }
                        tensorBits = max(tensorBits, m)
                    }
                }
            }
        }
        self.layout = layout
        self.amax = amax
        self.nonFinite = nonFinite
        self.tensorAmax = Double(Float(bitPattern: tensorBits))
    }
}
