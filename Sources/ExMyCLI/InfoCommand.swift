import ArgumentParser
import ExMy
import Foundation

/// `exmy info FORMAT`: every property of a format.
struct InfoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "info", abstract: "Print every property of a format.")

    @Argument(help: "A format name (e4m3fn, e5m2, e2m1fn, bf16, binary8p3se, …) or generic spelling (e3m3:bias=5,subnormals=off).")
    var format: String

    @Flag(help: "Print JSON.")
    var json = false

    func run() throws {
        let f = try FormatArgument.parse(format)
        let info = FormatInfo(f)
        if json {
            Console.shared.print(try JSONOutput.string(FormatInfoJSON(f)))
        } else {
            for (key, value) in info.rows { Console.shared.print(key.padding(toLength: 26, withPad: " ", startingAt: 0) + value) }
        }
    }
}

/// The properties `exmy info` prints as text, in a stable order (`--json`: ``FormatInfoJSON``).
struct FormatInfo {
    var name: String
    var canonical: String
    var generic: String
    var bitWidth: Int
    var exponentBits: Int
    var significandBits: Int
    var bias: Int
    var subnormals: Bool
    var zero: Bool
    var negativeZero: Bool
    var signedness: String
    var specials: String
    var greatestFinite: String
    var leastNormal: String
    var leastSubnormal: String
    var epsilon: String
    var dynamicRangeBinades: Double
    var finiteCodes: UInt64
    var nanCodes: [String]
    var infinityCodes: [String]
    var defaultRounding: String
    var defaultOverflow: String

    init(_ f: FloatFormat) {
        name = f.name ?? "-"
        canonical = f.canonicalSpelling
        generic = f.genericSpelling
        bitWidth = f.bitWidth
        exponentBits = f.exponentBitCount
        significandBits = f.significandBitCount
        bias = f.bias
        subnormals = f.hasSubnormals
        zero = f.hasZero
        negativeZero = f.hasNegativeZero
        signedness = f.signedness.rawValue
        specials = f.specials.rawValue
        greatestFinite = Self.number(f.greatestFiniteMagnitude)
        leastNormal = Self.number(f.leastNormalMagnitude)
        leastSubnormal = f.hasSubnormals ? Self.number(f.leastNonzeroMagnitude) : "none"
        epsilon = Self.number(f.ulpOfOne)
        dynamicRangeBinades = (f.dynamicRange * 1000).rounded() / 1000
        finiteCodes = f.finiteCodeCount
        nanCodes = f.canonicalNaNCodes.map { Self.hex($0, f) }
        if f.nanCodeCount > UInt64(nanCodes.count) { nanCodes.append("… \(f.nanCodeCount) in all") }
        infinityCodes = f.infinityCodes.map { Self.hex($0, f) }
        defaultRounding = RoundingRule.toNearestOrEven.spelling
        defaultOverflow = OverflowRule.none.rawValue
    }

    static func hex(_ code: UInt64, _ f: FloatFormat) -> String {
        let digits = (f.bitWidth + 3) / 4
        let raw = String(code, radix: 16, uppercase: true)
        return "0x" + String(repeating: "0", count: max(0, digits - raw.count)) + raw
    }

    /// An exact value: the shortest exact decimal, or `2^k` for powers of two far from 1.
    static func number(_ v: Double) -> String {
        if v != 0 && abs(v.exponent) >= 20 {
            let significand = v.significand
            return significand == 1 ? "2^\(v.exponent)" : "\(number(significand)) × 2^\(v.exponent)"
        }
        if v == v.rounded() && abs(v) < 1e17 { return String(Int64(v)) }
        var text = String(format: "%.1100f", v)
        while text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
        return text
    }

    var rows: [(String, String)] {
        [("name", name), ("canonical spelling", canonical), ("generic spelling", generic), ("bits", "\(bitWidth)"),
         ("exponent bits (E)", "\(exponentBits)"), ("significand bits (M)", "\(significandBits)"), ("bias", "\(bias)"),
         ("subnormals", subnormals ? "yes" : "no"), ("zero", zero ? "yes" : "no"), ("negative zero", negativeZero ? "yes" : "no"),
         ("signedness", signedness), ("specials", specials), ("greatest finite", greatestFinite),
         ("least normal", leastNormal), ("least subnormal", leastSubnormal), ("epsilon (ulp of 1)", epsilon),
         ("dynamic range (binades)", String(format: "%.3f", dynamicRangeBinades)), ("finite codes", "\(finiteCodes)"),
         ("NaN codes", nanCodes.isEmpty ? "none" : nanCodes.joined(separator: " ")),
         ("infinity codes", infinityCodes.isEmpty ? "none" : infinityCodes.joined(separator: " ")),
         ("default rounding", defaultRounding), ("default overflow", defaultOverflow)]
    }

}

/// `exmy info FORMAT --json` (schema in docs/json.md): every property as a JSON number, boolean or
/// string; each value also as its exact decimal expansion (`_exact`); codes as integers and hex.
struct FormatInfoJSON: Encodable {
    let format: FloatFormat

    init(_ format: FloatFormat) { self.format = format }

    func encode(to encoder: Encoder) throws {
        let f = format
        var c = encoder.container(keyedBy: JSONKey.self)
        try c.header("info")
        try c.put(f.name, "name")
        try c.put(f.canonicalSpelling, "canonical_spelling")
        try c.put(f.genericSpelling, "generic_spelling")
        try c.put(f.bitWidth, "bit_width")
        try c.put(f.exponentBitCount, "exponent_bits")
        try c.put(f.significandBitCount, "significand_bits")
        try c.put(f.bias, "bias")
        try c.put(f.hasSubnormals, "has_subnormals")
        try c.put(f.hasZero, "has_zero")
        try c.put(f.hasNegativeZero, "has_negative_zero")
        try c.put(f.signedness.rawValue, "signedness")
        try c.put(f.specials.rawValue, "specials")
        func value(_ v: Double?, _ key: String) throws {
            try c.put(v, key)
            try c.put(v.map(JSONOutput.exactDecimal), key + "_exact")
        }
        try value(f.greatestFiniteMagnitude, "greatest_finite")
        try value(f.leastNormalMagnitude, "least_normal")
        try value(f.hasSubnormals ? f.leastNonzeroMagnitude : nil, "least_subnormal")
        try value(f.leastNonzeroMagnitude, "least_positive")
        try value(f.ulpOfOne, "epsilon")
        try c.real(f.dynamicRange, "dynamic_range_binades")
        try c.put(f.finiteCodeCount, "finite_code_count")
        try c.put(f.nanCodeCount, "nan_code_count")
        try c.put(f.canonicalNaNCodes, "nan_codes")
        try c.put(f.canonicalNaNCodes.map { JSONOutput.hex($0, bitWidth: f.bitWidth) }, "nan_codes_hex")
        try c.put(f.infinityCodes, "infinity_codes")
        try c.put(f.infinityCodes.map { JSONOutput.hex($0, bitWidth: f.bitWidth) }, "infinity_codes_hex")
        try c.put(RoundingRule.toNearestOrEven.spelling, "default_rounding")
        try c.put(OverflowRule.none.rawValue, "default_overflow")
    }
}

/// `exmy values FORMAT`: every code with its fields, value and class.
struct ValuesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "values", abstract: "List every code of a format: hex, fields, exact value, class.")

    @Argument(help: "The format.")
    var format: String

    @Flag(help: "Print JSON.")
    var json = false

    @Flag(help: "Print CSV.")
    var csv = false

    func validate() throws {
        if json && csv { throw ValidationError("choose one of --json and --csv") }
    }

    func run() throws {
        let f = try FormatArgument.parse(format)
        guard f.bitWidth <= 16 else {
            throw ValidationError("\(f) has 2^\(f.bitWidth) codes; `exmy values` lists formats of at most 16 bits")
        }
        struct Row { var code: String; var fields: String; var value: String; var `class`: String }
        if json {
            Console.shared.print(try JSONOutput.string(ValuesJSON(format: f)))
            return
        }
        var rows: [Row] = []
        for code in 0..<f.codeCount {
            let v = f.decode(code)
            let nanText = f.isSignalingNaN(code) ? "snan" : "nan"  // signaling NaNs: IEEE-style formats only
            let valueText: String = v.isNaN ? (f.isNegative(code) && v.sign == .minus ? "-" + nanText : nanText) : v.isInfinite ? (v < 0 ? "-inf" : "inf") : (v == 0 && v.sign == .minus ? "-0" : f.exactDescription(ofCode: code))
            rows.append(Row(code: FormatInfo.hex(code, f), fields: Self.fields(code, f), value: valueText, class: f.classify(code).rawValue))
        }
        if csv {
            Console.shared.print("code,fields,value,class")
            for r in rows { Console.shared.print("\(r.code),\(r.fields),\(r.value),\(r.class)") }
        } else {
            for r in rows {
                Console.shared.print([r.code, r.fields, r.value, r.class].enumerated().map { i, s in i == 3 ? s : s.padding(toLength: [8, 22, 24][i], withPad: " ", startingAt: 0) }.joined())
            }
        }
    }

    /// `s.eeee.mmm` (two's complement: the integer bits).
    static func fields(_ code: UInt64, _ f: FloatFormat) -> String {
        func bits(_ v: UInt64, _ n: Int) -> String {
            n == 0 ? "" : String((0..<n).reversed().map { (v >> UInt64($0)) & 1 == 1 ? "1" : "0" })
        }
        if f.signedness == .twosComplement { return bits(code, f.bitWidth) }
        let m = f.significandBitCount, e = f.exponentBitCount
        var parts: [String] = []
        if f.signedness == .signMagnitude { parts.append(bits(code >> UInt64(e + m), 1)) }
        if e > 0 { parts.append(bits(code >> UInt64(m), e)) }
        if m > 0 { parts.append(bits(code, m)) }
        return parts.joined(separator: ".")
    }
}

/// `exmy values FORMAT --json` (schema in docs/json.md): one object per code.
struct ValuesJSON: Encodable {
    let format: FloatFormat

    func encode(to encoder: Encoder) throws {
        let f = format
        var c = encoder.container(keyedBy: JSONKey.self)
        try c.header("values")
        try c.put(f.canonicalSpelling, "format")
        try c.put(f.bitWidth, "bit_width")
        var codes = c.nestedUnkeyedContainer(forKey: JSONKey("codes"))
        for code in 0..<f.codeCount { try codes.encode(Code(format: f, code: code)) }
    }

    struct Code: Encodable {
        let format: FloatFormat
        let code: UInt64

        func encode(to encoder: Encoder) throws {
            let f = format
            let v = f.decode(code)
            var c = encoder.container(keyedBy: JSONKey.self)
            try c.put(code, "code")
            try c.put(JSONOutput.hex(code, bitWidth: f.bitWidth), "code_hex")
            try c.put(ValuesCommand.fields(code, f), "fields")
            try c.real(v, "value")
            try c.put(v.isFinite ? JSONOutput.exactDecimal(v) : nil, "value_exact")
            try c.put(f.isNegative(code) && v.sign == .minus, "negative")
            try c.put(f.classify(code).rawValue, "class")
            try c.put(f.isSignalingNaN(code), "signaling_nan")
        }
    }
}
