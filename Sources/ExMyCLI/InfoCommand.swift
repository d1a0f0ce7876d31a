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
            Console.shared.print(try info.jsonString())
        } else {
            for (key, value) in info.rows { Console.shared.print(key.padding(toLength: 26, withPad: " ", startingAt: 0) + value) }
        }
    }
}

/// The properties `exmy info` prints, in a stable order.
struct FormatInfo: Encodable {
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
        defaultRounding = RoundingRule.toNearestOrEven.cliName
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

    func jsonString() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return String(decoding: try encoder.encode(self), as: UTF8.self)
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
        struct Row: Encodable { var code: String; var fields: String; var value: String; var `class`: String }
        var rows: [Row] = []
        for code in 0..<f.codeCount {
            let v = f.decode(code)
            let valueText: String = v.isNaN ? (f.isNegative(code) && v.sign == .minus ? "-nan" : "nan") : v.isInfinite ? (v < 0 ? "-inf" : "inf") : (v == 0 && v.sign == .minus ? "-0" : f.exactDescription(ofCode: code))
            rows.append(Row(code: FormatInfo.hex(code, f), fields: Self.fields(code, f), value: valueText, class: f.classify(code).rawValue))
        }
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            Console.shared.print(String(decoding: try encoder.encode(rows), as: UTF8.self))
        } else if csv {
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
