import Foundation

/// Text spellings of formats: catalog names, P3109 names and the generic spelling.
///
/// - Catalog names, case-insensitive: `e4m3fn`, `e5m2`, `e4m3fnuz`, `e5m2fnuz`, `e4m3b11fnuz`,
///   `e3m4`, `e4m3`, `e2m3fn`, `e3m2fn`, `e2m1fn`, `e8m0fnu`, `ue4m3`, `fp16`, `bf16`, `tf32`,
///   `fp32`, `mxint8`, `fp3-e1m1`, `fp3-e1m1-nosub`, `fp3-e2m0`, `fp3-e2m0-nosub`; ml_dtypes
///   names (`float8_e4m3fn`, `float4_e2m1fn`, …) and `half`, `bfloat16`, `float16`, `float32`.
/// - P3109: `binary{K}p{P}{s|u}{e|f}`, e.g. `binary8p3se`.
/// - Generic: `e{E}m{M}` with options after a colon, comma-separated:
///   `bias=N`, `subnormals=on|off`, `zero=on|off`, `specials=ieee|fn|fnuz|none|p3109-finite|p3109-extended`,
///   `ties=even-code|even-significand` (only with `M = 0`, see ``TieBreak``),
///   and one of `signed`, `unsigned`, `twos-complement`. Defaults: IEEE bias, subnormals on, zero,
///   signed, `specials=ieee`, the specials' ``TieBreak/defaultValue(for:)``.
///   Example: `e3m3:bias=5,subnormals=off,specials=none`. Each option may be given once:
///   `bias=1,bias=2`, `bias=1,bias=1` and `signed,unsigned` are errors.
extension FloatFormat {
    /// Parses any spelling above.
    ///
    /// - Throws: ``FormatError`` naming the unknown part and listing what is accepted, a repeated
    ///   or contradictory option, or a bias outside -4096…4096 (however many digits it has).
    public init(parsing text: String) throws {
        let spelled = text.trimmingCharacters(in: .whitespaces)
        let key = spelled.lowercased()
        if let named = Self.namedFormats[key] ?? Self.aliases[key].flatMap({ Self.namedFormats[$0] }) {
            self = named
            return
        }
        if let p3109 = try Self.parseP3109(key) {
            self = p3109
            return
        }
        self = try Self.parseGeneric(key, original: spelled)
    }

    /// The spelling that parses back to this format: the catalog name where the format has one,
    /// otherwise ``genericSpelling`` (also for a named format whose ``tieBreak`` is not its
    /// specials' default: the name would parse back to the default).
    public var canonicalSpelling: String {
        if let name, tieBreak == TieBreak.defaultValue(for: specials) { return name }
        return genericSpelling
    }

    /// The generic spelling: `e{E}m{M}` and every knob that differs from the defaults.
    public var genericSpelling: String {
        var options: [String] = []
        if signedness != .signMagnitude { options.append(signedness.rawValue) }
        let ieeeBias = exponentBitCount == 0 ? 0 : (1 << (exponentBitCount - 1)) - 1
        if bias != ieeeBias { options.append("bias=\(bias)") }
        if !hasSubnormals { options.append("subnormals=off") }
        if !hasZero { options.append("zero=off") }
        if specials != .ieee { options.append("specials=\(specials.rawValue)") }
        if tieBreak != TieBreak.defaultValue(for: specials) { options.append("ties=\(tieBreak.rawValue)") }
        let base = "e\(exponentBitCount)m\(significandBitCount)"
        return options.isEmpty ? base : base + ":" + options.joined(separator: ",")
    }

    static let namedFormats: [String: FloatFormat] = {
        var table: [String: FloatFormat] = [:]
        for f in catalog { if let n = f.name { table[n] = f } }
        for f in p3109Family { if let n = f.name { table[n] = f } }
        return table
    }()

    static let aliases: [String: String] = [
        "float8_e4m3fn": "e4m3fn", "float8_e5m2": "e5m2", "float8_e4m3fnuz": "e4m3fnuz", "float8_e5m2fnuz": "e5m2fnuz",
        "float8_e4m3b11fnuz": "e4m3b11fnuz", "float8_e3m4": "e3m4", "float8_e4m3": "e4m3", "float6_e2m3fn": "e2m3fn",
        "float6_e3m2fn": "e3m2fn", "float4_e2m1fn": "e2m1fn", "float8_e8m0fnu": "e8m0fnu", "half": "fp16",
        "float16": "fp16", "binary16": "fp16", "bfloat16": "bf16", "float32": "fp32", "single": "fp32",
        "binary32": "fp32", "e5m10": "fp16", "e8m7": "bf16", "e8m10": "tf32", "e8m23": "fp32",
    ]

    /// The names `FloatFormat(parsing:)` accepts besides the generic and P3109 spellings.
    public static var knownNames: [String] { catalog.compactMap(\.name) }

    static func parseP3109(_ key: String) throws -> FloatFormat? {
        guard key.hasPrefix("binary"), key.count > 9 else { return nil }
        let body = key.dropFirst("binary".count)
        guard let pIndex = body.firstIndex(of: "p"), let k = Int(body[..<pIndex]) else { return nil }
        let rest = body[body.index(after: pIndex)...]
        guard rest.count >= 3 else { return nil }
        let flags = rest.suffix(2)
        guard let p = Int(rest.dropLast(2)) else { return nil }
        guard let s = flags.first, let d = flags.last, "su".contains(s), "ef".contains(d) else {
            throw FormatError("P3109 names end in s|u (signed/unsigned) and e|f (extended/finite), as binary8p3se; got '\(key)'")
        }
        return try p3109(bitWidth: k, precision: p, signed: s == "s", extended: d == "e")
    }

    static func parseGeneric(_ key: String, original: String) throws -> FloatFormat {
        let parts = key.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
        let head = parts.first ?? ""
        guard head.hasPrefix("e"), let mIndex = head.firstIndex(of: "m"),
              let e = Int(head[head.index(after: head.startIndex)..<mIndex]),
              let m = Int(head[head.index(after: mIndex)...])
        else {
            throw FormatError("unknown format '\(original)': use a name (\(knownNames.joined(separator: ", ")), binary8p3se, …) or the generic spelling e{E}m{M}[:bias=N,subnormals=on|off,zero=on|off,specials=ieee|fn|fnuz|none|p3109-finite|p3109-extended,ties=even-code|even-significand,signed|unsigned|twos-complement]")
        }
        var bias: Int?
        var subnormals = true, zero = true
        var signedness = Signedness.signMagnitude
        var specials = SpecialValueEncoding.ieee
        var ties: TieBreak?
        // Each knob once: a repeated or contradictory knob (`bias=1,bias=2`, `signed,unsigned`) is
        // an error, not "the last one wins".
        var given: [String: String] = [:]
        func once(_ knob: String, _ option: String) throws {
            if let earlier = given[knob] {
                if earlier == option { throw FormatError("'\(original)' gives '\(option)' twice: give it once") }
                throw FormatError("'\(original)' gives both '\(earlier)' and '\(option)': choose one")
            }
            given[knob] = option
        }
        if parts.count == 2 {
            for option in parts[1].split(separator: ",", omittingEmptySubsequences: false) {
                let kv = option.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
                guard let key = kv.first, !key.isEmpty else {
                    throw FormatError("empty option in '\(original)': use bias=N, subnormals=on|off, zero=on|off, specials=…, ties=…, signed, unsigned or twos-complement")
                }
                let text = option.trimmingCharacters(in: .whitespaces)
                switch (kv[0], kv.count == 2 ? kv[1] : nil) {
                case ("bias", let v?):
                    try once("bias", text)
                    guard let b = Int(v) else {
                        let digits = v.hasPrefix("-") || v.hasPrefix("+") ? v.dropFirst() : Substring(v)
                        if !digits.isEmpty && digits.allSatisfy({ $0.isASCII && $0.isNumber }) {
                            throw FormatError("bias \(v) is out of range in '\(original)': choose a bias in -4096…4096")
                        }
                        throw FormatError("bias must be an integer, got '\(v)' in '\(original)'")
                    }
                    bias = b
                case ("subnormals", let v?):
                    try once("subnormals", text)
                    subnormals = try parseSwitch(v, "subnormals", original)
                case ("zero", let v?):
                    try once("zero", text)
                    zero = try parseSwitch(v, "zero", original)
                case ("specials", let v?):
                    try once("specials", text)
                    guard let s = SpecialValueEncoding(rawValue: v) else {
                        throw FormatError("unknown specials '\(v)' in '\(original)': use one of \(SpecialValueEncoding.allCases.map(\.rawValue).joined(separator: ", "))")
                    }
                    specials = s
                case ("ties", let v?):
                    try once("ties", text)
                    guard let t = TieBreak(rawValue: v) else {
                        throw FormatError("unknown ties '\(v)' in '\(original)': use ties=even-code (P3109) or ties=even-significand (IEEE 754)")
                    }
                    ties = t
                case (let word, nil) where Signedness(rawValue: word) != nil:
                    try once("signedness", text)
                    signedness = Signedness(rawValue: word)!
                default:
                    throw FormatError("unknown option '\(option)' in '\(original)': use bias=N, subnormals=on|off, zero=on|off, specials=…, ties=…, signed, unsigned or twos-complement")
                }
            }
        }
        // The two rules of FloatFormat.init whose messages speak of its parameters, in the
        // spelling's words.
        if subnormals && !zero {
            throw FormatError("'\(original)': a format with subnormals always has a zero (exponent field 0, significand 0); drop zero=off, or add subnormals=off for an E8M0-style format without zero")
        }
        if e == 0 && !subnormals && zero {
            throw FormatError("'\(original)': with E = 0 and subnormals=off the only finite value would be zero; drop subnormals=off (fixed point) or add zero=off")
        }
        return try FloatFormat(
            exponentBitCount: e, significandBitCount: m, bias: bias, hasSubnormals: subnormals, hasZero: zero,
            signedness: signedness, specials: specials, tieBreak: ties)
    }

    private static func parseSwitch(_ v: String, _ key: String, _ original: String) throws -> Bool {
        switch v {
        case "on", "true", "yes", "1": return true
        case "off", "false", "no", "0": return false
        default: throw FormatError("\(key) takes on or off, got '\(v)' in '\(original)'")
        }
    }
}

extension FloatFormat: CustomStringConvertible {
    public var description: String { canonicalSpelling }
}

extension FloatFormat: Codable {
    public init(from decoder: Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        self = try FloatFormat(parsing: text)
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(canonicalSpelling)
    }
}
