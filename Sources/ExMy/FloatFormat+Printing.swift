import Foundation

/// Printing and reading numbers.
extension FloatFormat {
    /// The shortest decimal string that converts back (round to nearest even) to the value of `code`.
    public func shortestDescription(ofCode code: UInt64) -> String {
        let v = decode(code)
        if v.isNaN { return isNegative(code) && nanHasSign ? "-nan" : "nan" }
        if v.isInfinite { return v < 0 ? "-inf" : "inf" }
        let target = encode(v).code
        for digits in 1...17 {
            let text = String(format: "%.\(digits)g", v)
            if let parsed = Double(text), encode(parsed).code == target {
                return Self.tidy(text)
            }
        }
        return "\(v)"
    }

    /// The exact decimal value of `code` (every finite value is a dyadic rational, so its decimal
    /// expansion terminates; at most 767 significant digits for the least Double).
    public func exactDescription(ofCode code: UInt64) -> String {
        let v = decode(code)
        if v.isNaN || v.isInfinite { return shortestDescription(ofCode: code) }
        if v == v.rounded() && abs(v) < 1e17 { return v.sign == .minus && v == 0 ? "-0" : String(Int64(v)) }
        // Enough digits to be exact: a dyadic value with k fractional bits has at most k decimals.
        let fractionalBits = max(0, -Int(v.exponent) + significandBitCount + 1)
        var text = String(format: "%.\(min(fractionalBits, 1100))f", v)
        while text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
        return text
    }

    /// Normalises C's `%g` output: `1e+02` → `1e2`, keeps `-0`.
    static func tidy(_ text: String) -> String {
        var t = text
        if let e = t.firstIndex(of: "e") {
            var exponent = String(t[t.index(after: e)...])
            let mantissa = String(t[..<e])
            let negative = exponent.hasPrefix("-")
            exponent = String(exponent.drop { $0 == "+" || $0 == "-" }.drop { $0 == "0" })
            if exponent.isEmpty { exponent = "0" }
            t = mantissa + "e" + (negative ? "-" : "") + exponent
        }
        return t
    }

    /// Reads a number as `Double`: decimal, hexadecimal (`0x1.8p3`), `nan`, `inf`, `infinity`, signed.
    /// `nil` for anything else (including empty text and trailing garbage).
    public static func parseNumber(_ text: String) -> Double? {
        let t = text.trimmingCharacters(in: .whitespaces).lowercased()
        switch t {
        case "nan", "+nan": return .nan
        case "-nan": return -.nan
        case "inf", "+inf", "infinity", "+infinity": return .infinity
        case "-inf", "-infinity": return -.infinity
        default: break
        }
        guard !t.isEmpty, t.allSatisfy({ "0123456789+-.expabcdfx".contains($0) }) else { return nil }
        return Double(t)
    }
}
