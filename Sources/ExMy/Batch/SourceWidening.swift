/// Turning a block of `Double`, `Float16` or bfloat16 inputs into `Float` bit patterns the kernels
/// read, and reading single inputs back exactly for the scalar path.
enum SourceWidening {
    /// The `Float` bits a kernel sees for an input it must leave to the scalar engine (a quiet NaN:
    /// special in every sign mode).
    static let specialMarker: UInt32 = 0x7FC0_0000

    /// Writes `n` kernel lanes for the inputs at `source` (elements `offset ..< offset + n`).
    ///
    /// - bfloat16: the bits shifted left by 16 (exact).
    /// - Float16: exact widening (`|h| << 13` read as a `Float`, times 2^112, covers subnormals);
    ///   ±∞ and NaN become the special marker.
    /// - Double: rounded to `Float` precision *to odd* (truncate, set the last bit when anything
    ///   was dropped). A format with `M ≤ 21` rounds that value exactly as it would round the
    ///   `Double` under every deterministic rule: the odd bit stands for the dropped bits at least
    ///   two places below its rounding position, so there is no double rounding. Stochastic A and
    ///   B read N (N + 1) bits below that position, and are exact only while the odd bit lies below
    ///   those (`FastEncodePlan.acceptsNarrowedDoubles`). Inputs outside `Float`'s normal range (and ±∞,
    ///   NaN) become the special marker, and the scalar engine encodes them from the `Double`.
    static func widen(
        _ kind: BatchElementKind, _ source: UnsafeRawPointer, _ offset: Int, _ n: Int, into dst: UnsafeMutablePointer<Int32>
    ) {
        switch kind {
        case .float:
            (dst as UnsafeMutablePointer<Int32>).update(from: source.assumingMemoryBound(to: Int32.self) + offset, count: n)
        case .bfloat16:
            let s = source.assumingMemoryBound(to: UInt16.self) + offset
            var i = 0
            while i < n {
                dst[i] = Int32(bitPattern: UInt32(s[i]) &<< 16)
                i &+= 1
            }
        case .float16:
            let s = source.assumingMemoryBound(to: UInt16.self) + offset
            var i = 0
            while i < n {
                let h = UInt32(s[i])
                let sign = (h & 0x8000) &<< 16
                let magnitude = h & 0x7FFF
                let widened = (Float(bitPattern: magnitude &<< 13) * 0x1p112).bitPattern
                let bits = magnitude >= 0x7C00 ? specialMarker : widened
                dst[i] = Int32(bitPattern: bits | sign)
                i &+= 1
            }
        case .double:
            // On 32-bit halves: SSE2 has no 64-bit comparisons.
            let s = source.assumingMemoryBound(to: UInt32.self) + 2 * offset
            var i = 0
            while i < n {
                let lo = s[2 &* i], hi = s[2 &* i &+ 1]
                let habs = hi & 0x7FFF_FFFF
                let e = Int32(bitPattern: habs &>> 20)
                // 1 when any of the 29 dropped bits is set: (−1 or 0) + 1.
                let sticky = UInt32(bitPattern: (lo &<< 3) == 0 ? -1 : 0) &+ 1
                let narrowed = (((habs &<< 3) | (lo &>> 29)) &- (UInt32(896) &<< 23)) | sticky
                let inRange = e >= 897 && e <= 1150  // Float's normal exponents
                let zero = habs | lo == 0
                let magnitude = (inRange ? narrowed : specialMarker) & (zero ? 0 : .max)
                dst[i] = Int32(bitPattern: magnitude | (hi & 0x8000_0000))
                i &+= 1
            }
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
