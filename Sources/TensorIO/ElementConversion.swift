/// Conversions between the bit patterns of the 16- and 8-bit storage formats and `Float`.
///
/// All decodings are exact: every bfloat16, binary16, FP8 E4M3FN, E5M2 and E8M0 value is a
/// `Float`. NaNs stay NaNs (the payload is carried over where it fits) and the sign of zero is kept.
public enum BitPatterns {
    /// The value of a bfloat16 bit pattern: the pattern shifted into the upper half of a binary32.
    @inlinable
    public static func float(fromBFloat16 bits: UInt16) -> Float {
        Float(bitPattern: UInt32(bits) << 16)
    }

    /// The bfloat16 bit pattern nearest to `value`, rounding to nearest, ties to even. NaNs map to
    /// a quiet NaN with the same sign; values beyond the bfloat16 range round to infinity.
    @inlinable
    public static func bfloat16(from value: Float) -> UInt16 {
        let bits = value.bitPattern
        if value.isNaN {
            return UInt16(truncatingIfNeeded: bits >> 16) | 0x0040
        }
        let lsb = (bits >> 16) & 1
        let rounded = bits &+ 0x7FFF &+ lsb
        return UInt16(truncatingIfNeeded: rounded >> 16)
    }

    /// The value of an IEEE binary16 bit pattern.
    @inlinable
    public static func float(fromFloat16 bits: UInt16) -> Float {
        let sign = UInt32(bits & 0x8000) << 16
        let exponent = UInt32(bits >> 10) & 0x1F
        let mantissa = UInt32(bits & 0x3FF)
        if exponent == 0 {
            // Zero or subnormal: mantissa × 2^-24, exact in binary32.
            let magnitude = Float(mantissa) * 0x1p-24
            return sign != 0 ? -magnitude : magnitude
        }
        if exponent == 0x1F {
            return Float(bitPattern: sign | 0x7F80_0000 | (mantissa << 13))
        }
        return Float(bitPattern: sign | ((exponent + 112) << 23) | (mantissa << 13))
    }

    /// The value of an OCP FP8 E4M3FN bit pattern (bias 7, no infinities, `S.1111.111` is NaN).
    @inlinable
    public static func float(fromFloat8E4M3FN bits: UInt8) -> Float {
        let negative = bits & 0x80 != 0
        let exponent = UInt32(bits >> 3) & 0xF
        let mantissa = UInt32(bits & 0x7)
        let magnitude: Float
        if exponent == 0xF && mantissa == 0x7 {
            magnitude = .nan
        } else if exponent == 0 {
            magnitude = Float(mantissa) * 0x1p-9
        } else {
            magnitude = Float(bitPattern: ((exponent + 120) << 23) | (mantissa << 20))
        }
        return negative ? -magnitude : magnitude
    }

    /// The value of an OCP FP8 E5M2 bit pattern (the upper byte of a binary16).
    @inlinable
    public static func float(fromFloat8E5M2 bits: UInt8) -> Float {
        float(fromFloat16: UInt16(bits) << 8)
    }

    /// The value of an OCP MX E8M0 scale: `2^(bits - 127)`, and NaN for `0xFF`.
    @inlinable
    public static func float(fromFloat8E8M0 bits: UInt8) -> Float {
        if bits == 0xFF { return .nan }
        if bits == 0 { return Float(bitPattern: 0x0040_0000) }  // 2^-127, a binary32 subnormal
        return Float(bitPattern: UInt32(bits) << 23)
    }
}

/// Floating-point types that elements are decoded into.
protocol DecodeTarget: BinaryFloatingPoint {
    init(_ value: Float)
    init(_ value: Double)
    init(_ value: Int64)
    init(_ value: UInt64)
}

extension Float: DecodeTarget {}
extension Double: DecodeTarget {}

@inline(__always)
private func load16(_ raw: UnsafeRawPointer, _ index: Int, _ bigEndian: Bool) -> UInt16 {
    let value = raw.loadUnaligned(fromByteOffset: index &* 2, as: UInt16.self)
    return bigEndian ? UInt16(bigEndian: value) : UInt16(littleEndian: value)
}

@inline(__always)
private func load32(_ raw: UnsafeRawPointer, _ index: Int, _ bigEndian: Bool) -> UInt32 {
    let value = raw.loadUnaligned(fromByteOffset: index &* 4, as: UInt32.self)
    return bigEndian ? UInt32(bigEndian: value) : UInt32(littleEndian: value)
}

@inline(__always)
private func load64(_ raw: UnsafeRawPointer, _ index: Int, _ bigEndian: Bool) -> UInt64 {
    let value = raw.loadUnaligned(fromByteOffset: index &* 8, as: UInt64.self)
    return bigEndian ? UInt64(bigEndian: value) : UInt64(littleEndian: value)
}

/// Decodes `count` elements of `dtype` stored at `source` (in the given byte order) into
/// `destination`. The caller guarantees `source` holds `count × dtype.byteSize` bytes.
@inline(__always)
func decodeElements<D: DecodeTarget>(
    _ source: UnsafeRawPointer, dtype: TensorDType, bigEndian: Bool,
    into destination: UnsafeMutablePointer<D>, count: Int
) {
    switch dtype {
    case .float32:
        for i in 0..<count { destination[i] = D(Float(bitPattern: load32(source, i, bigEndian))) }
    case .float64:
        for i in 0..<count { destination[i] = D(Double(bitPattern: load64(source, i, bigEndian))) }
    case .float16:
        for i in 0..<count { destination[i] = D(BitPatterns.float(fromFloat16: load16(source, i, bigEndian))) }
    case .bfloat16:
        for i in 0..<count { destination[i] = D(BitPatterns.float(fromBFloat16: load16(source, i, bigEndian))) }
    case .float8E4M3FN:
        let bytes = source.assumingMemoryBound(to: UInt8.self)
        for i in 0..<count { destination[i] = D(BitPatterns.float(fromFloat8E4M3FN: bytes[i])) }
    case .float8E5M2:
        let bytes = source.assumingMemoryBound(to: UInt8.self)
        for i in 0..<count { destination[i] = D(BitPatterns.float(fromFloat8E5M2: bytes[i])) }
    case .float8E8M0:
        let bytes = source.assumingMemoryBound(to: UInt8.self)
        for i in 0..<count { destination[i] = D(BitPatterns.float(fromFloat8E8M0: bytes[i])) }
    case .int64:
        for i in 0..<count { destination[i] = D(Int64(bitPattern: load64(source, i, bigEndian))) }
    case .int32:
        for i in 0..<count { destination[i] = D(Int64(Int32(bitPattern: load32(source, i, bigEndian)))) }
    case .int16:
        for i in 0..<count { destination[i] = D(Int64(Int16(bitPattern: load16(source, i, bigEndian)))) }
    case .int8:
        let bytes = source.assumingMemoryBound(to: Int8.self)
        for i in 0..<count { destination[i] = D(Int64(bytes[i])) }
    case .uint64:
        for i in 0..<count { destination[i] = D(load64(source, i, bigEndian)) }
    case .uint32:
        for i in 0..<count { destination[i] = D(UInt64(load32(source, i, bigEndian))) }
    case .uint16:
        for i in 0..<count { destination[i] = D(UInt64(load16(source, i, bigEndian))) }
    case .uint8:
        let bytes = source.assumingMemoryBound(to: UInt8.self)
        for i in 0..<count { destination[i] = D(UInt64(bytes[i])) }
    case .bool:
        let bytes = source.assumingMemoryBound(to: UInt8.self)
        for i in 0..<count { destination[i] = bytes[i] != 0 ? 1 : 0 }
    }
}

/// Reverses the byte order of each `elementSize`-byte element in place.
func swapElementBytes(_ buffer: UnsafeMutableRawBufferPointer, elementSize: Int) {
    guard elementSize > 1, let base = buffer.baseAddress else { return }
    let count = buffer.count / elementSize
    switch elementSize {
    case 2:
        for i in 0..<count {
            let p = base + i * 2
            p.storeBytes(of: p.loadUnaligned(as: UInt16.self).byteSwapped, as: UInt16.self)
        }
    case 4:
        for i in 0..<count {
            let p = base + i * 4
            p.storeBytes(of: p.loadUnaligned(as: UInt32.self).byteSwapped, as: UInt32.self)
        }
    case 8:
        for i in 0..<count {
            let p = base + i * 8
            p.storeBytes(of: p.loadUnaligned(as: UInt64.self).byteSwapped, as: UInt64.self)
        }
    default:
        let bytes = base.assumingMemoryBound(to: UInt8.self)
        for i in 0..<count {
            var lo = i * elementSize
            var hi = lo + elementSize - 1
            while lo < hi {
                let t = bytes[lo]; bytes[lo] = bytes[hi]; bytes[hi] = t
                lo += 1; hi -= 1
            }
        }
    }
}

/// Whether this machine stores multi-byte values little-endian.
var hostIsLittleEndian: Bool {
    #if _endian(little)
    return true
    #else
    return false
    #endif
}
