internal import CExMyKernels

/// Turning a block of `Double`, `Float16` or bfloat16 inputs into `Float` bit patterns the kernels
/// read (the C loops `exmy_simd_widen_double` and `exmy_simd_widen_half`), and reading single
/// inputs back exactly for the scalar path.
enum SourceWidening {
    /// Writes `n` kernel lanes for the inputs at `source` (elements `offset ..< offset + n`), with
    /// the C loops' instance `loops`.
    ///
    /// - bfloat16: the bits shifted left by 16 (exact).
    /// - Float16: exact widening; ±∞ and NaN become a NaN lane (special in every plan).
    /// - Double: rounded to `Float` precision *to odd* (truncate, set the last bit when anything
    ///   was dropped). A format with `M ≤ 21` rounds that value exactly as it would round the
    ///   `Double` under every deterministic rule: the odd bit stands for the dropped bits at least
    ///   two places below its rounding position, so there is no double rounding. Stochastic A and
    ///   B read N (N + 1) bits below that position, and are exact only while the odd bit lies below
    ///   those (`FastEncodePlan.acceptsNarrowedDoubles`). Float subnormals stay values; ±∞, NaN
    ///   and magnitudes above `Float.greatestFiniteMagnitude` become lanes special in every plan,
    ///   and the scalar engine encodes them from the `Double`.
    static func widen(
        _ kind: BatchElementKind, _ source: UnsafeRawPointer, _ offset: Int, _ n: Int, into dst: UnsafeMutablePointer<Int32>,
        loops: EncodeLoops
    ) {
        switch kind {
        case .float:
            dst.update(from: source.assumingMemoryBound(to: Int32.self) + offset, count: n)
        case .bfloat16:
            exmy_simd_widen_half(loops.isa, source.assumingMemoryBound(to: UInt16.self) + offset, dst, n, 1)
        case .float16:
            exmy_simd_widen_half(loops.isa, source.assumingMemoryBound(to: UInt16.self) + offset, dst, n, 0)
        case .double:
            exmy_simd_widen_double(loops.isa, source.assumingMemoryBound(to: UInt32.self) + 2 * offset, dst, n)
        }
    }

    /// The exact value of input element `index` (NaN keeps its sign).
    @inline(__always)
    static func value(_ kind: BatchElementKind, _ source: UnsafeRawPointer, _ index: Int) -> Double {
        switch kind {
        case .float:
            return Double(source.assumingMemoryBound(to: Float.self)[index])
        case .double:
            return source.assumingMemoryBound(to: Double.self)[index]
        case .bfloat16:
            return Double(Float(bitPattern: UInt32(source.assumingMemoryBound(to: UInt16.self)[index]) << 16))
        case .float16:
            let h = UInt32(source.assumingMemoryBound(to: UInt16.self)[index])
            let negative = h & 0x8000 != 0
            let magnitude = h & 0x7FFF
            let v: Double
            if magnitude > 0x7C00 {
                v = .nan
            } else if magnitude == 0x7C00 {
                v = .infinity
            } else {
                v = Double(Float(bitPattern: magnitude << 13) * 0x1p112)
            }
            return negative ? -v : v
        }
    }
}
