internal import CExMyKernels

/// Packing sub-byte codes into bytes, and back.
///
/// ## Bit order
/// Codes of `w` bits (1 … 8) are packed into a little-endian bit stream: element `k` occupies
/// bits `k·w … k·w + w − 1` of the stream, where bit `j` of the stream is bit `j mod 8` of byte
/// `j / 8`. The last byte is padded with zero bits.
///
/// - FP4 (`w = 4`): two codes per byte, **the first element in the low nibble** (bits 3:0) — the
///   order of PyTorch's `float4_e2m1fn_x2` and NVIDIA's `__nv_fp4x2_e2m1`. Byte `j` is
///   `code[2j] | code[2j+1] << 4`. (ml_dtypes' `float4_e2m1fn` stores one code per byte: use the
///   unpacked API for it.)
/// - FP6 (`w = 6`): four codes per three bytes, the same LSB-first stream. For a group of four codes
///   `c0 … c3`: `byte0 = c0 | c1 << 6`, `byte1 = c1 >> 2 | c2 << 4`, `byte2 = c2 >> 4 | c3 << 2`
///   (masked to 8 bits). This is the natural extension of the FP4 order (a 24-bit little-endian
///   word holding `c0 + c1·2^6 + c2·2^12 + c3·2^18`); the OCP MX spec does not fix a memory layout
///   for FP6, and some kernels use other, hardware-specific tilings — convert with
///   ``unpack(_:bitWidth:count:into:)`` and repack if you need one of those.
/// - `w = 8`: one code per byte (packing is a copy).
public enum CodePacking {
    /// The number of bytes that `count` codes of `bitWidth` bits occupy: `⌈count · bitWidth / 8⌉`.
    public static func packedByteCount(count: Int, bitWidth: Int) throws -> Int {
        try checkWidth(bitWidth)
        guard count >= 0 else { throw BatchError(.invalidArgument, "count must be non-negative, not \(count)") }
        let (bits, overflow) = count.multipliedReportingOverflow(by: bitWidth)
        if overflow || bits > Int.max - 7 {
            throw BatchError(.tooLarge, "\(count) codes of \(bitWidth) bits are too many to pack")
        }
        return (bits + 7) / 8
    }

    /// Packs `codes` (the low `bitWidth` bits of each; higher bits are ignored) into `bytes`, which
    /// must hold exactly ``packedByteCount(count:bitWidth:)`` bytes.
    public static func pack(_ codes: UnsafeBufferPointer<UInt8>, bitWidth: Int, into bytes: UnsafeMutableBufferPointer<UInt8>) throws {
        let needed = try packedByteCount(count: codes.count, bitWidth: bitWidth)
        try BatchChecks.sameLength(needed, bytes.count, "packing \(codes.count) codes of \(bitWidth) bits needs \(needed) bytes")
        guard let src = codes.baseAddress, let dst = bytes.baseAddress else { return }
        packRange(src, codes.count, bitWidth, dst)
    }

    /// Unpacks `count` codes of `bitWidth` bits from `bytes` (which must hold exactly
    /// ``packedByteCount(count:bitWidth:)`` bytes) into `codes`.
    public static func unpack(_ bytes: UnsafeBufferPointer<UInt8>, bitWidth: Int, count: Int, into codes: UnsafeMutableBufferPointer<UInt8>) throws {
        let needed = try packedByteCount(count: count, bitWidth: bitWidth)
        try BatchChecks.sameLength(needed, bytes.count, "unpacking \(count) codes of \(bitWidth) bits reads \(needed) bytes")
        try BatchChecks.sameLength(count, codes.count, "unpacking")
        guard let src = bytes.baseAddress, let dst = codes.baseAddress else { return }
        unpackRange(src, count, bitWidth, 0, dst)
    }

    /// Packs an array of codes.
    public static func pack(_ codes: [UInt8], bitWidth: Int) throws -> [UInt8] {
        let n = try packedByteCount(count: codes.count, bitWidth: bitWidth)
        return try [UInt8](unsafeUninitializedCapacity: n) { buffer, initialized in
            try codes.withUnsafeBufferPointer { try pack($0, bitWidth: bitWidth, into: buffer) }
            initialized = n
        }
    }

    /// Unpacks `count` codes from an array of bytes.
    public static func unpack(_ bytes: [UInt8], bitWidth: Int, count: Int) throws -> [UInt8] {
        _ = try packedByteCount(count: count, bitWidth: bitWidth)
        return try [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            try bytes.withUnsafeBufferPointer { try unpack($0, bitWidth: bitWidth, count: count, into: buffer) }
            initialized = count
        }
    }

    static func checkWidth(_ w: Int) throws {
        guard (1...8).contains(w) else {
            throw BatchError(.invalidArgument, "packed codes are 1 … 8 bits wide, not \(w); wider codes are stored one per UInt16/UInt32")
        }
    }

    // MARK: Kernels (also used by the encoder and decoder, block by block)

    /// Packs `n` codes starting at stream element 0 into `dst` (which starts at byte 0 of the group).
    /// Callers pass ranges that start on a byte boundary of the stream (`n` codes from an element
    /// index that is a multiple of 8).
    static func packRange(_ src: UnsafePointer<UInt8>, _ n: Int, _ w: Int, _ dst: UnsafeMutablePointer<UInt8>) {
        switch w {
        case 8:
            dst.update(from: src, count: n)
        case 4:
            exmy_pack4(src, n, dst)  // the encode kernels' packed-FP4 store
        case 6:
            let groups = n / 4
            var g = 0
            while g < groups {
                let c0 = UInt32(src[4 &* g] & 0x3F), c1 = UInt32(src[4 &* g &+ 1] & 0x3F)
                let c2 = UInt32(src[4 &* g &+ 2] & 0x3F), c3 = UInt32(src[4 &* g &+ 3] & 0x3F)
                let word = c0 | c1 &<< 6 | c2 &<< 12 | c3 &<< 18
                dst[3 &* g] = UInt8(truncatingIfNeeded: word)
                dst[3 &* g &+ 1] = UInt8(truncatingIfNeeded: word &>> 8)
                dst[3 &* g &+ 2] = UInt8(truncatingIfNeeded: word &>> 16)
                g &+= 1
            }
            let rest = n - 4 * groups
            if rest > 0 {
                var word: UInt32 = 0
                for k in 0..<rest { word |= UInt32(src[4 * groups + k] & 0x3F) << UInt32(6 * k) }
                let bytes = (rest * 6 + 7) / 8
                for k in 0..<bytes { dst[3 * groups + k] = UInt8(truncatingIfNeeded: word >> UInt32(8 * k)) }
            }
        default:
            let mask = UInt32((1 << w) - 1)
            var acc: UInt32 = 0, filled = 0, out = 0
            for k in 0..<n {
                acc |= (UInt32(src[k]) & mask) << UInt32(filled)
                filled += w
                while filled >= 8 {
                    dst[out] = UInt8(truncatingIfNeeded: acc)
                    out += 1
                    acc >>= 8
                    filled -= 8
                }
            }
            if filled > 0 { dst[out] = UInt8(truncatingIfNeeded: acc) }
        }
    }

    /// Unpacks `n` codes starting at stream element `first` (a multiple of 8) from the stream at `src`.
    static func unpackRange(_ src: UnsafePointer<UInt8>, _ n: Int, _ w: Int, _ first: Int, _ dst: UnsafeMutablePointer<UInt8>) {
        let base = src + (first * w) / 8
        switch w {
        case 8:
            dst.update(from: base, count: n)
        case 4:
            let pairs = n / 2
            var j = 0
            while j < pairs {
                let b = base[j]
                dst[2 &* j] = b & 0xF
                dst[2 &* j &+ 1] = b &>> 4
                j &+= 1
            }
            if n & 1 == 1 { dst[n - 1] = base[pairs] & 0xF }
        case 6:
            let groups = n / 4
            var g = 0
            while g < groups {
                let word = UInt32(base[3 &* g]) | UInt32(base[3 &* g &+ 1]) &<< 8 | UInt32(base[3 &* g &+ 2]) &<< 16
                dst[4 &* g] = UInt8(truncatingIfNeeded: word & 0x3F)
                dst[4 &* g &+ 1] = UInt8(truncatingIfNeeded: (word &>> 6) & 0x3F)
                dst[4 &* g &+ 2] = UInt8(truncatingIfNeeded: (word &>> 12) & 0x3F)
                dst[4 &* g &+ 3] = UInt8(truncatingIfNeeded: word &>> 18)
                g &+= 1
            }
            let rest = n - 4 * groups
            if rest > 0 {
                var word: UInt32 = 0
                let bytes = (rest * 6 + 7) / 8
                for k in 0..<bytes { word |= UInt32(base[3 * groups + k]) << UInt32(8 * k) }
                for k in 0..<rest { dst[4 * groups + k] = UInt8(truncatingIfNeeded: (word >> UInt32(6 * k)) & 0x3F) }
            }
        default:
            let mask = UInt32((1 << w) - 1)
            var acc: UInt32 = 0, filled = 0, next = 0
            for k in 0..<n {
                while filled < w {
                    acc |= UInt32(base[next]) << UInt32(filled)
                    next += 1
                    filled += 8
                }
                dst[k] = UInt8(truncatingIfNeeded: acc & mask)
                acc >>= UInt32(w)
                filled -= w
            }
        }
    }
}
