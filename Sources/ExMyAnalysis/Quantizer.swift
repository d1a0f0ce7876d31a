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
        let groups = try groupScales(tensor, scheme)
        let groupOf = groups.groupOf
        let scales = groups.scales
        let counts = groups.counts
        // Pass 2: elements.
        var metrics = ErrorMetrics(element: scheme.element)
        var output = keepOutput ? [Float](repeating: 0, count: tensor.values.count) : []
        var random = SeededGenerator(seed: seed)
        let format = scheme.element
        for (i, x) in tensor.values.enumerated() {
            let s = scales[groupOf.index(i)]
            let q = element(x, scale: s, format: format, scheme: scheme, random: &random) * s
            metrics.add(input: Double(x), output: q, scale: s)
            if keepOutput { output[i] = Float(q) }
        }
        return (metrics, counts, output)
    }

    /// The element (unscaled) that `x` becomes in a group of scale `s`: `decode(encode(x / s))`; NaN
    /// when `s` is NaN (a group holding NaN or ±∞), 0 when `s` is 0 (a scale that underflowed).
    @inline(__always)
    static func element(_ x: Float, scale s: Double, format: FloatFormat, scheme: QuantizationScheme, random: inout SeededGenerator) -> Double {
        if s.isNaN { return .nan }
        if s == 0 { return 0 }
        let code = format.encode(Double(x) / s, rounding: scheme.rounding, overflow: scheme.overflow, random: &random).code
        return format.decode(code)
    }

    /// The scales of a tensor's groups under a scheme (pass 1 of ``quantize(_:_:seed:keepOutput:)``).
    struct GroupScales {
        /// Element index → group.
        let groupOf: GroupIndex
        /// The full scale of each group: NaN for a group holding NaN or ±∞, the scheme's zero-group
        /// scale for an all-zero group, 0 for a scale that underflowed its format.
        let scales: [Double]
        /// The factor of each group's scale stored with the group (``scales`` divided by
        /// ``tensorFactor``; equal to ``scales`` except under NVFP4's two-level scaling). Zero and
        /// non-finite groups hold the same value as in ``scales``.
        let storedScales: [Double]
        /// The tensor-wide factor of the scales (NVFP4's FP32 tensor scale; 1 otherwise).
        let tensorFactor: Double
        let counts: GroupCounts
    }

    /// Pass 1: the absolute maximum of each group, then its scale.
    static func groupScales(_ tensor: Tensor, _ scheme: QuantizationScheme) throws -> GroupScales {
        let groupOf = try groupIndex(tensor.shape, scheme.granularity)
        let groupCount = groupOf.count
        // Absolute maximum per group (NaN/∞ mark the group non-finite).
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
        var stored = [Double](repeating: 0, count: groupCount)
        var tensorFactor = 1.0
        for g in 0..<groupCount {
            if nonFinite[g] { counts.nonFiniteGroups += 1; scales[g] = .nan; stored[g] = .nan; continue }
            if amax[g] == 0 { counts.zeroGroups += 1; scales[g] = scheme.zeroGroupScale; stored[g] = scales[g]; continue }
            let f = scheme.groupScaleFactors(amax: amax[g], tensorScale: tensorScale)
            let s = f.tensor == 1 ? f.stored : f.stored * f.tensor
            if s == 0 { counts.underflowedScales += 1 }
            scales[g] = s
            stored[g] = f.stored
            tensorFactor = f.tensor
        }
        return GroupScales(groupOf: groupOf, scales: scales, storedScales: stored, tensorFactor: tensorFactor, counts: counts)
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
