import ExMy
import Foundation

/// A tensor of `Float` values with a C-order shape.
public struct Tensor: Sendable {
    public var name: String
    public var shape: [Int]
    public var values: [Float]

    /// Creates a tensor; `shape` defaults to one dimension.
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

/// Quantizes tensors and measures the error.
public enum Quantizer {
    /// Quantizes `tensor` under `scheme`, feeding every (input, output) pair to the metrics.
    ///
    /// Each element `x` of a group with scale `s` becomes `decode(encode(x / s)) · s`; the division is
    /// done in `Double` (exact for power-of-two scales; otherwise within 2^-53 relative, far below any
    /// element format's resolution — a tie can then be missed only if `x / s` lies within 2^-53 of it).
    public static func quantize(_ tensor: Tensor, _ scheme: QuantizationScheme, seed: UInt64 = 0,
                                keepOutput: Bool = false) throws -> (metrics: ErrorMetrics, counts: GroupCounts, output: [Float]) {
        let groupOf = try groupIndex(tensor.shape, scheme.granularity)
        let groupCount = groupOf.count
        // Pass 1: absolute maximum per group (NaN/∞ mark the group non-finite).
        var amax = [Double](repeating: 0, count: groupCount)
        var nonFinite = [Bool](repeating: false, count: groupCount)
        var tensorAmax = 0.0
        for (i, x) in tensor.values.enumerated() {
            let g = groupOf.index(i)
            if !x.isFinite { nonFinite[g] = true; continue }
            let a = Double(abs(x))
            if a > amax[g] { amax[g] = a }
            if a > tensorAmax { tensorAmax = a }
        }
        let tensorScale = scheme.tensorScale(amax: tensorAmax)
        var counts = GroupCounts(groups: groupCount)
        var scales = [Double](repeating: 0, count: groupCount)
        for g in 0..<groupCount {
            if nonFinite[g] { counts.nonFiniteGroups += 1; scales[g] = .nan; continue }
            if amax[g] == 0 { counts.zeroGroups += 1; scales[g] = scheme.zeroGroupScale; continue }
            let s = scheme.groupScale(amax: amax[g], tensorScale: tensorScale)
            if s == 0 { counts.underflowedScales += 1 }
            scales[g] = s
        }
        // Pass 2: elements.
        var metrics = ErrorMetrics(element: scheme.element)
        var output = keepOutput ? [Float](repeating: 0, count: tensor.values.count) : []
        var random = SeededGenerator(seed: seed)
        let format = scheme.element
        for (i, x) in tensor.values.enumerated() {
            let s = scales[groupOf.index(i)]
            let q: Double
            if s.isNaN {
                q = .nan
            } else if s == 0 {
                q = 0
            } else {
                let y = Double(x) / s
                let code = format.encode(y, rounding: scheme.rounding, overflow: scheme.overflow, random: &random).code
                q = format.decode(code) * s
            }
            metrics.add(input: Double(x), output: q, scale: s)
            if keepOutput { output[i] = Float(q) }
        }
        return (metrics, counts, output)
    }

    /// Maps an element index to its scale group.
    struct GroupIndex {
        let count: Int
        let index: (Int) -> Int
    }

    static func groupIndex(_ shape: [Int], _ granularity: Granularity) throws -> GroupIndex {
        let n = shape.reduce(1, *)
        switch granularity {
        case .tensor:
            return GroupIndex(count: 1) { _ in 0 }
        case .block(let b):
            guard b >= 1 else { throw AnalysisError("block size must be at least 1, not \(b)") }
            let last = max(shape.last ?? 1, 1)
            let perRow = (last + b - 1) / b
            let rows = n / last
            return GroupIndex(count: max(rows * perRow, 1)) { i in (i / last) * perRow + (i % last) / b }
        case .channel(let axis):
            guard shape.indices.contains(axis) else {
                throw AnalysisError("per-channel axis \(axis) does not exist in a tensor of shape \(shape)")
            }
            let stride = shape[(axis + 1)...].reduce(1, *)
            let size = shape[axis]
            return GroupIndex(count: max(size, 1)) { i in (i / max(stride, 1)) % max(size, 1) }
        }
    }
}
