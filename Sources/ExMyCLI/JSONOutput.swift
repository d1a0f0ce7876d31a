import Foundation

/// The conventions every `--json` output follows (docs/json.md is the reference for each schema).
///
/// - One JSON document per run (`bench` alone writes JSON Lines: one object per result, one per
///   line), encoded by `JSONEncoder` with sorted keys.
/// - Keys are snake_case and stable; a key that carries a unit names it (`_bits`, `_flops`, `_s`,
///   `_bytes`, `_db`, `_binades`); counts of things say what they count (`params`, `tokens`).
/// - Numbers are JSON numbers. A value that may be non-finite is written `null` with a sibling
///   string `<key>_nonfinite` (`"inf"`, `"-inf"` or `"nan"`), present only then.
/// - Codes are integers (exact up to 2^64 − 1: read them as 64-bit integers, not doubles), with
///   a `_hex` string beside them.
/// - Every top-level object has `schema_version` (1).
enum JSONOutput {
    /// The version of every schema in docs/json.md.
    static let schemaVersion = 1

    /// `value` as JSON text: sorted keys, pretty-printed unless `compact`.
    static func string<T: Encodable>(_ value: T, compact: Bool = false) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = compact ? [.sortedKeys, .withoutEscapingSlashes] : [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .throw
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    /// The exact decimal expansion of a finite `Double`: every digit, no exponent, no trailing
    /// zeros after the point (`448`, `0.001953125`, `-0`). `v = m·2^q` with `m` odd has exactly
    /// `max(0, −q)` digits after the point (at most 1074); C's `printf` writes them exactly.
    static func exactDecimal(_ v: Double) -> String {
        precondition(v.isFinite)
        if v == 0 { return v.sign == .minus ? "-0" : "0" }
        let q = Int(v.exponent) - v.significandWidth  // the weight of the lowest set bit
        return String(format: "%.*f", max(0, -q), v)
    }

    /// `"inf"`, `"-inf"` or `"nan"` for a non-finite value; `nil` for a finite one.
    static func nonFiniteName(_ v: Double) -> String? {
        v.isNaN ? "nan" : v.isInfinite ? (v < 0 ? "-inf" : "inf") : nil
    }

    /// `0x7F`: a code in hex, zero-padded to the format's width in hex digits.
    static func hex(_ code: UInt64, bitWidth: Int) -> String {
        let digits = (bitWidth + 3) / 4
        let raw = String(code, radix: 16, uppercase: true)
        return "0x" + String(repeating: "0", count: max(0, digits - raw.count)) + raw
    }
}

/// A key of a hand-written `encode(to:)`: the JSON key exactly as docs/json.md spells it.
struct JSONKey: CodingKey {
    let stringValue: String
    var intValue: Int? { nil }
    init(_ string: String) { stringValue = string }
    init?(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}

extension KeyedEncodingContainer where Key == JSONKey {
    /// Any encodable value under `key` (`nil` is written as `null`, not left out).
    mutating func put<T: Encodable>(_ value: T?, _ key: String) throws {
        if let value { try encode(value, forKey: JSONKey(key)) } else { try encodeNil(forKey: JSONKey(key)) }
    }

    /// A real number under `key`: a JSON number when finite; otherwise `null` and a sibling
    /// `<key>_nonfinite` string (`"inf"`, `"-inf"`, `"nan"`).
    mutating func real(_ value: Double, _ key: String) throws {
        if let name = JSONOutput.nonFiniteName(value) {
            try encodeNil(forKey: JSONKey(key))
            try encode(name, forKey: JSONKey(key + "_nonfinite"))
        } else {
            try encode(value, forKey: JSONKey(key))
        }
    }

    /// `schema_version` and `command`, which open every top-level object.
    mutating func header(_ command: String) throws {
        try put(JSONOutput.schemaVersion, "schema_version")
        try put(command, "command")
    }
}
