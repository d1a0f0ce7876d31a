import ExMy
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads fuzzer bytes front to back; missing bytes read as zero.
public struct ByteReader {
    public let bytes: [UInt8]
    public var offset = 0
    public init(_ bytes: [UInt8]) { self.bytes = bytes }
    public mutating func byte() -> UInt8 {
        defer { offset += 1 }
        return offset < bytes.count ? bytes[offset] : 0
    }
    public mutating func uint64() -> UInt64 {
        var v: UInt64 = 0
        for i in 0..<8 { v |= UInt64(byte()) << (8 * UInt64(i)) }
        return v
    }
    /// The bytes not read yet.
    public mutating func rest() -> ArraySlice<UInt8> {
        defer { offset = max(offset, bytes.count) }
        return offset < bytes.count ? bytes[offset...] : []
    }
}

/// The raw knobs of a format, as read from fuzzer bytes (4 bytes).
public struct FormatKnobs: CustomStringConvertible {
    public var e: Int, m: Int, bias: Int?, subnormals: Bool, zero: Bool
    public var signedness: Signedness, specials: SpecialValueEncoding

    /// byte 0: E = b % 12; byte 1: M = b % 53; byte 2: bias offset from the IEEE default (Int8;
    /// -128 means "default", i.e. bias nil); byte 3: bit 0 subnormals, bit 1 zero, bits 2–3
    /// signedness (mod 3), bits 4–6 specials (mod 6).
    public init(_ r: inout ByteReader) {
        e = Int(r.byte() % 12)
        m = Int(r.byte() % 53)
        let off = Int8(bitPattern: r.byte())
        let ieee = e == 0 ? 0 : (1 << (e - 1)) - 1
        bias = off == Int8.min ? nil : ieee + Int(off)
        let f = r.byte()
        subnormals = f & 1 != 0
        zero = f & 2 != 0
        let s = Signedness.allCases, sp = SpecialValueEncoding.allCases
        signedness = s[Int((f >> 2) & 3) % s.count]
        specials = sp[Int((f >> 4) & 7) % sp.count]
    }

    /// The format, or nil when the description is invalid (it must throw, never trap).
    public func format() -> FloatFormat? {
        try? FloatFormat(exponentBitCount: e, significandBitCount: m, bias: bias, hasSubnormals: subnormals,
                         hasZero: zero, signedness: signedness, specials: specials)
    }

    public var description: String {
        "E=\(e) M=\(m) bias=\(bias.map(String.init) ?? "default") subnormals=\(subnormals) zero=\(zero) \(signedness) \(specials)"
    }
}

/// Replays files through `check` (the plain, non-fuzzer build of each target).
public func replay(_ paths: some Sequence<String>, _ check: ([UInt8]) -> Void) -> Int32 {
    var n = 0
    for path in paths {
        guard let f = fopen(path, "rb") else { print("cannot open \(path)"); return 1 }
        var bytes: [UInt8] = []
        var buf = [UInt8](repeating: 0, count: 4096)
        while true {
            let k = fread(&buf, 1, buf.count, f)
            if k <= 0 { break }
            bytes += buf[0..<k]
        }
        fclose(f)
        check(bytes)
        n += 1
    }
    print("replayed \(n) input(s), no failure")
    return 0
}
