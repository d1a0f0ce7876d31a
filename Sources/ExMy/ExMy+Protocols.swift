/// Equality, order, hashing, literals, text and coding.
extension ExMy: Equatable {
    /// Numeric equality: NaN is unequal to everything, −0 equals +0, non-canonical codes equal zero.
    @inlinable public static func == (lhs: ExMy, rhs: ExMy) -> Bool { lhs.doubleValue == rhs.doubleValue }
}

extension ExMy: Hashable {
    /// Hashes the value: −0 and +0 (and non-canonical zeros) hash alike.
    @inlinable public func hash(into hasher: inout Hasher) {
        let v = doubleValue
        hasher.combine(v == 0 ? 0.0 : v)
    }
}

extension ExMy: Comparable {
    /// Numeric order; comparisons with NaN are false.
    @inlinable public static func < (lhs: ExMy, rhs: ExMy) -> Bool { lhs.doubleValue < rhs.doubleValue }

    /// IEEE 754 `totalOrder`: −NaN < −∞ < … < −0 < +0 < … < +∞ < +NaN; codes of equal value are
    /// ordered by their code (non-canonical zeros after the canonical one).
    /// The single NaN of fnuz and signed P3109 formats sits at the code of −0, so it orders as a
    /// negative NaN (below −∞).
    @inlinable public func isTotallyOrdered(belowOrEqualTo other: ExMy) -> Bool {
        let a = totalOrderKey, b = other.totalOrderKey
        if a.rank != b.rank { return a.rank < b.rank }
        if a.value != b.value { return a.value < b.value }
        if a.zeroSign != b.zeroSign { return a.zeroSign < b.zeroSign }
        return a.code <= b.code
    }

    /// (class rank: −NaN 0, numbers 1, +NaN 2; value; 0 for −0 and 1 otherwise; code).
    @inlinable var totalOrderKey: (rank: Int, value: Double, zeroSign: Int, code: UInt64) {
        let v = doubleValue
        if v.isNaN { return (sign == .minus ? 0 : 2, 0, 1, code) }
        return (1, v, v == 0 && v.sign == .minus ? 0 : 1, code)
    }
}

extension ExMy: ExpressibleByFloatLiteral {
    /// A literal, rounded to nearest even. The compiler gives the literal as a `Double` first, so this
    /// rounds twice (exact for formats with M ≤ 25 by the 2p+2 argument for binary inputs, not for
    /// long decimal literals); ``init(_:)-(String)`` rounds once from the exact decimal value.
    @inlinable public init(floatLiteral value: Double) { self.init(value) }
}

extension ExMy: ExpressibleByIntegerLiteral {
    /// An integer literal, rounded to nearest even.
    @inlinable public init(integerLiteral value: Int) { self.init(value) }
}

extension ExMy: CustomStringConvertible, CustomDebugStringConvertible {
    /// The shortest decimal that converts back to the same value (round to nearest even); `nan`,
    /// `inf`, `-inf`. Tiny formats need few digits: E4M3FN's 448 prints as `4.5e2`, because every
    /// number in [432, 464] rounds to it. ``debugDescription`` adds the exact value and the code.
    public var description: String { Format.format.shortestDescription(ofCode: code) }

    public var debugDescription: String {
        let exact = Format.format.exactDescription(ofCode: code)
        let shortest = description
        let head = exact == shortest ? shortest : "\(shortest) = \(exact)"
        return "\(head) (0x\(String(code, radix: 16, uppercase: true)) \(Format.format.canonicalSpelling))"
    }
}

extension ExMy: LosslessStringConvertible {
    /// Parses a decimal or hexadecimal number of any length, `nan`, `inf`, `infinity` (optionally
    /// signed, case-insensitive, surrounding spaces allowed) and rounds it once, from its exact value,
    /// with the format's default rules (see ``ExactNumber``). `nil` when the text is not a number.
    public init?(_ description: String) {
        guard let n = ExactNumber(parsing: description) else { return nil }
        var g = SystemRandomNumberGenerator()
        self.init(encoded: Format.format.encode(n, rounding: Format.defaultRounding, overflow: Format.defaultOverflow, random: &g))
    }
}

extension ExMy: Codable {
    /// Decodes the code (an unsigned integer).
    public init(from decoder: Decoder) throws {
        let raw = try decoder.singleValueContainer().decode(Format.BitPattern.self)
        guard UInt64(truncatingIfNeeded: raw) & ~Format.format.codeMask == 0 else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "code \(raw) does not fit in \(Format.format.bitWidth) bits of \(Format.format)"))
        }
        self.init(bitPattern: raw)
    }

    /// Encodes the code (an unsigned integer), which round-trips every value including NaN payloads.
    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(bitPattern)
    }
}
