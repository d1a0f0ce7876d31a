import ExMy

/// Where the vector pairs of an accumulation study come from.
public enum DotVectorSource: Sendable, CustomStringConvertible {
    /// Seeded synthetic vectors: `a` from one distribution, `b` drawn independently from another
    /// (which may be the same distribution), or `b = a` when `b` is `nil` (then the dot product is the
    /// squared norm `Σ a_i²`: every product is ≥ 0 and nothing cancels).
    case synthetic(a: Distribution, b: Distribution?, seed: UInt64)
    /// Real tensors. A tensor of two or more dimensions is read as rows (the last axis); a 1-D
    /// tensor as consecutive slices. With one tensor, trial `t` pairs rows `2t` and `2t+1` (slices
    /// `2t` and `2t+1`); with two, row (slice) `t` of each. A vector of length `K` is the first `K`
    /// elements of a row.
    case tensors(Tensor, Tensor?)

    /// The distributions and seed, or the tensor names.
    public var description: String {
        switch self {
        case .synthetic(let a, let b, let seed):
            guard let b else { return "\(a), b = a, seed \(seed)" }
            return a == b ? "\(a) seed \(seed)" : "\(a) · \(b) seed \(seed)"
        case .tensors(let a, let b): return b.map { "\(a.name) · \($0.name)" } ?? a.name
        }
    }

    /// Checks the shapes of real tensors.
    public func validate() throws {
        guard case .tensors(let a, let b) = self else { return }
        guard !a.values.isEmpty else { throw AnalysisError("tensor \(a.name) is empty") }
        if let b {
            guard !b.values.isEmpty else { throw AnalysisError("tensor \(b.name) is empty") }
            guard Self.isMatrix(a) == Self.isMatrix(b) else {
                throw AnalysisError("tensors \(a.name) \(a.shape) and \(b.name) \(b.shape) do not match: both must be 1-D, or both have rows")
            }
            if Self.isMatrix(a), a.shape.last != b.shape.last {
                throw AnalysisError("rows of \(a.name) \(a.shape) and \(b.name) \(b.shape) have different lengths")
            }
        }
    }

    static func isMatrix(_ t: Tensor) -> Bool { t.shape.count >= 2 }

    static func rowLength(_ t: Tensor) -> Int { isMatrix(t) ? (t.shape.last ?? 0) : t.values.count }

    /// The longest vector the source can give (`nil`: any length).
    public var maximumLength: Int? {
        switch self {
        case .synthetic: return nil
        case .tensors(let a, let b):
            if Self.isMatrix(a) { return Self.rowLength(a) }
            return b.map { min(a.values.count, $0.values.count) } ?? a.values.count / 2
        }
    }

    /// How many vector pairs of length `length` the source holds (`Int.max` for synthetic data).
    public func availablePairs(length: Int) -> Int {
        guard length >= 1 else { return 0 }
        switch self {
        case .synthetic: return .max
        case .tensors(let a, let b):
            if Self.isMatrix(a) {
                guard length <= Self.rowLength(a) else { return 0 }
                let rowsA = a.values.count / max(Self.rowLength(a), 1)
                if let b { return min(rowsA, b.values.count / max(Self.rowLength(b), 1)) }
                return rowsA / 2
            }
            if let b { return min(a.values.count, b.values.count) / length }
            return a.values.count / (2 * length)
        }
    }

    /// The raw vectors of pair `trial` of length `length` (`trial < availablePairs(length:)`).
    public func pair(length: Int, trial: Int) -> (a: [Float], b: [Float]) {
        switch self {
        case .synthetic(let da, let db, let seed):
            let a = da.sample(count: length, seed: Self.derivedSeed(seed, UInt64(length), UInt64(trial), 0))
            guard let db else { return (a, a) }
            return (a, db.sample(count: length, seed: Self.derivedSeed(seed, UInt64(length), UInt64(trial), 1)))
        case .tensors(let a, let b):
            func slice(_ t: Tensor, _ start: Int) -> [Float] { Array(t.values[start..<(start + length)]) }
            if Self.isMatrix(a) {
                let n = Self.rowLength(a)
                if let b { return (slice(a, trial * n), slice(b, trial * n)) }
                return (slice(a, 2 * trial * n), slice(a, (2 * trial + 1) * n))
            }
            if let b { return (slice(a, trial * length), slice(b, trial * length)) }
            return (slice(a, 2 * trial * length), slice(a, (2 * trial + 1) * length))
        }
    }

    /// A seed derived from several parts (SplitMix64 finalizer over a running combination).
    public static func derivedSeed(_ parts: UInt64...) -> UInt64 {
        var h: UInt64 = 0x243F_6A88_85A3_08D3
        for p in parts {
            h = SplitMix64.hash(h ^ p)
        }
        return h
    }
}
