/// Reads a number as written on a command line: plain decimal, scientific notation, or a decimal
/// with a one-letter scale suffix.
///
/// | input | value |
/// |---|---|
/// | `1e9`, `3.5e21` | 1 000 000 000, 3.5 × 10²¹ |
/// | `70K`, `70k` | 70 × 10³ |
/// | `500M` | 500 × 10⁶ (M is *million*, never milli) |
/// | `1.2B`, `1.2G` | 1.2 × 10⁹ |
/// | `27T` | 27 × 10¹² |
/// | `2P` | 2 × 10¹⁵ |
///
/// Suffixes are case-insensitive. Surrounding spaces are ignored. A suffix is applied to the
/// *decimal text* (`1.2B` reads as `1.2e9`), so the result is the correctly rounded `Double`
/// of the written value, not `1.2 * 1e9`. Exponent and suffix cannot be combined (`1e3K`).
/// Not accepted: `inf`, `nan`, hexadecimal, digit separators, a leading `+`-less empty mantissa
/// (`e9`, `K`), values that overflow `Double`, and (unless `allowNegative`) a minus sign.
///
/// ```swift
/// try parseScaledNumber("1.2B")   // 1_200_000_000
/// try parseScaledNumber("1.2X")   // throws: unknown suffix "X"
/// ```
///
/// - Parameters:
///   - text: the number as typed, e.g. `"27T"`.
///   - allowNegative: whether a leading `-` is accepted. Model sizes, token counts and
///     compute budgets are never negative, so the default is `false`.
/// - Throws: ``CapybaraError/malformedNumber(text:reason:)`` with the reason.
public func parseScaledNumber(_ text: String, allowNegative: Bool = false) throws(CapybaraError) -> Double {
    let bytes = Array(text.utf8)
    func fail(_ reason: String) -> CapybaraError { .malformedNumber(text: text, reason: reason) }
    func isSpace(_ c: UInt8) -> Bool { c == 0x20 || (0x09...0x0D).contains(c) }
    func isDigit(_ c: UInt8) -> Bool { (0x30...0x39).contains(c) }

    var start = 0, end = bytes.count
    while start < end, isSpace(bytes[start]) { start += 1 }
    while end > start, isSpace(bytes[end - 1]) { end -= 1 }
    guard start < end else { throw fail("empty input; expected a number such as 1e9, 1.2B or 500M") }
    let body = String(decoding: bytes[start..<end], as: UTF8.self)
    let lowered = body.lowercased()
    for word in ["inf", "infinity", "+inf", "-inf", "+infinity", "-infinity", "nan", "+nan", "-nan"] where lowered == word {
        throw fail("infinities and NaN are not accepted; give a finite number")
    }

    var i = start
    var negative = false
    if bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-") {
        negative = bytes[i] == UInt8(ascii: "-")
        i += 1
    }
    let mantissaStart = i
    var digits = 0, nonzeroDigit = false
    while i < end, isDigit(bytes[i]) { digits += 1; nonzeroDigit = nonzeroDigit || bytes[i] != 0x30; i += 1 }
    if i < end, bytes[i] == UInt8(ascii: ".") {
        i += 1
        while i < end, isDigit(bytes[i]) { digits += 1; nonzeroDigit = nonzeroDigit || bytes[i] != 0x30; i += 1 }
    }
    guard digits > 0 else {
        throw fail("not a number; expected digits, e.g. 1e9, 1.2B, 500M, 70K")
    }
    let mantissa = String(decoding: bytes[mantissaStart..<i], as: UTF8.self)

    var exponentText = ""
    if i < end, bytes[i] == UInt8(ascii: "e") || bytes[i] == UInt8(ascii: "E") {
        var j = i + 1
        if j < end, bytes[j] == UInt8(ascii: "+") || bytes[j] == UInt8(ascii: "-") { j += 1 }
        let expDigitsStart = j
        while j < end, isDigit(bytes[j]) { j += 1 }
        guard j > expDigitsStart else { throw fail("exponent has no digits") }
        exponentText = String(decoding: bytes[(i + 1)..<j], as: UTF8.self)
        i = j
    }
    if i < end {
        let rest = String(decoding: bytes[i..<end], as: UTF8.self)
        let suffixExponent: String
        switch rest.lowercased() {
        case "k": suffixExponent = "3"
        case "m": suffixExponent = "6"
        case "b", "g": suffixExponent = "9"
        case "t": suffixExponent = "12"
        case "p": suffixExponent = "15"
        default:
            if rest.count == 1 {
                throw fail("unknown suffix \"\(rest)\"; expected K (10³), M (10⁶), B or G (10⁹), T (10¹²) or P (10¹⁵)")
            }
            throw fail("unexpected characters \"\(rest)\" after the number")
        }
        guard exponentText.isEmpty else {
            throw fail("use an exponent or a suffix, not both")
        }
        exponentText = suffixExponent
    }
    if negative && !allowNegative {
        throw fail("negative values are not allowed here")
    }
    let normalized = (negative ? "-" : "") + mantissa + (exponentText.isEmpty ? "" : "e" + exponentText)
    guard let value = Double(normalized) else {
        throw fail("not a number")
    }
    guard value.isFinite else { throw fail("too large for a Double") }
    if value == 0 && nonzeroDigit { throw fail("too small: it underflows to zero") }
    return value
}
