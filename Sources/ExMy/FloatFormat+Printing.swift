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
