/// The order in which a dot product's terms are added.
public enum AccumulationOrder: Hashable, Sendable, CustomStringConvertible {
    /// `acc = round(acc + t_i)` for i = 1 … n, from `acc = +0`. With exact products and no block
    /// scaling each step is one fused multiply–add, `acc = round(a_i·b_i + acc)`.
    case sequential
    /// A balanced binary tree: the sum of `t[0..<n]` is `round(sum(t[0..<n/2]) + sum(t[n/2..<n]))`
    /// (the left half has ⌊n/2⌋ terms), a single term is `round(t)`.
    case pairwise
    /// Partial sums in the accumulator format, added into a wide accumulator every `interval`
    /// products (DeepSeek-V3's FP8 GEMM promotes every 128): sequential within an interval from
    /// `+0`, then `wide = round_wide(wide + partial)`; a last, shorter interval is promoted too.
    case promoted(interval: Int, wide: DotRounding)

    /// `sequential`, `pairwise` or `promote/K_p→wide`.
    public var description: String {
        switch self {
        case .sequential: return "sequential"
        case .pairwise: return "pairwise"
        case .promoted(let k, let wide): return "promote/\(k)→\(wide)"
        }
    }
}
