import ArgumentParser
import ExMy

/// The conversion the CLI applies: a profile, or explicit rules with a seeded random stream.
struct Converter {
    let format: FloatFormat
    let profile: ConversionProfile?
    let rule: RoundingRule
    let overflow: OverflowRule
    let seed: UInt64

    init(format: FloatFormat, rules: RoundingOptions) throws {
        self.format = format
        profile = try rules.resolvedProfile()
        rule = try profile?.rounding ?? rules.rule()
        overflow = try profile?.overflow(for: format) ?? rules.overflowRule()
        seed = rules.seed
    }

    /// Encodes every value; a NaN into a format without NaN (unless the profile maps it) or a value
    /// with no code at all is an error naming the element, and nothing is written.
    func encode(_ values: [Double], source: String) throws -> [UInt64] {
        var codes = [UInt64](repeating: 0, count: values.count)
        for (i, x) in values.enumerated() {
            let r: FloatFormat.Encoded
            if let profile {
                r = profile.encode(x, into: format)
                if r.status.contains(.invalid) && x.isNaN && profile.rejectsNaNWithoutNaNCode {
                    throw CLIError("\(source): element \(i) is NaN, and \(format) has no NaN code (profile \(profile.rawValue) leaves this undefined; --profile ml_dtypes maps it to a zero)")
                }
            } else {
                var g = ElementRandom(seed: seed, index: UInt64(i))
                r = format.encode(x, rounding: rule, overflow: overflow, random: &g)
                if r.status.contains(.invalid) && format.nanCode() == nil {
                    let why = x.isNaN ? "NaN, and \(format) has no NaN code (--profile ml_dtypes maps NaN to a zero)"
                        : x < 0 || x.sign == .minus ? "\(x), which the unsigned \(format) cannot hold and it has no NaN to signal it"
                        : "\(x), which \(format) cannot hold and it has no NaN to signal it"
                    throw CLIError("\(source): element \(i) is \(why)")
                }
            }
            codes[i] = r.code
        }
        return codes
    }
}

/// A per-element counter-based random stream: the words for element `index` depend only on
/// `(seed, index)` (SplitMix64 finaliser over a Weyl sequence).
struct ElementRandom: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64, index: UInt64) { state = seed &+ index &* 0xD1B5_4A32_D192_ED03 }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Sub-byte packing for binary I/O: FP4 two per byte (first element in the low nibble, as OCP MX,
/// PyTorch `float4_e2m1fn_x2` and ml_dtypes), FP6 four per three bytes (little-endian bit stream:
/// element k occupies bits 6k … 6k+5 of the 24-bit group).
enum Packing {
    static func pack(_ codes: [UInt64], bitWidth: Int) throws -> [UInt8] {
        switch bitWidth {
        case 4:
            var out = [UInt8](repeating: 0, count: (codes.count + 1) / 2)
            for (i, c) in codes.enumerated() { out[i / 2] |= UInt8(c & 0xF) << (i % 2 == 0 ? 0 : 4) }
            return out
        case 6:
            var out = [UInt8](repeating: 0, count: (codes.count * 6 + 7) / 8)
            for (i, c) in codes.enumerated() {
                let bit = i * 6
                let v = UInt32(c & 0x3F) << UInt32(bit % 8)
                out[bit / 8] |= UInt8(v & 0xFF)
                if bit / 8 + 1 < out.count { out[bit / 8 + 1] |= UInt8(v >> 8) }
            }
            return out
        default:
            throw CLIError("--pack applies to 4-bit and 6-bit formats, not \(bitWidth)-bit ones")
        }
    }

    static func unpack(_ bytes: [UInt8], bitWidth: Int, count: Int?) throws -> [UInt64] {
        guard bitWidth == 4 || bitWidth == 6 else { throw CLIError("--pack applies to 4-bit and 6-bit formats, not \(bitWidth)-bit ones") }
        let capacity = bytes.count * 8 / bitWidth
        let n = count ?? capacity
        guard n >= 0, n <= capacity else { throw CLIError("--count \(n) exceeds the \(capacity) codes \(bytes.count) bytes hold") }
        return (0..<n).map { i in
            let bit = i * bitWidth
            var v = UInt32(bytes[bit / 8])
            if bit / 8 + 1 < bytes.count { v |= UInt32(bytes[bit / 8 + 1]) << 8 }
            return UInt64((v >> UInt32(bit % 8)) & ((1 << UInt32(bitWidth)) - 1))
        }
    }
}
