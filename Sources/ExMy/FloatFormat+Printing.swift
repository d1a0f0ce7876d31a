/// Printing and reading numbers.
///
/// Two printers, both exact about what they claim:
/// - ``FloatFormat/exactDescription(ofCode:)`` prints the exact decimal expansion of a code's value
///   in positional notation (every finite value is a dyadic rational, so it terminates: at most 767
///   significant digits and 1074 digits after the point, for the least subnormal of e11m52).
/// - ``FloatFormat/shortestDescription(ofCode:)`` prints the shortest decimal that reads back (read
///   exactly, rounded once to nearest even, overflow rule `none`) to the same code.
extension FloatFormat {
    /// The shortest decimal string that reads back to `code`'s value: read exactly (as
    /// ``ExactNumber`` does) and rounded once to nearest even with overflow rule `none`, it gives the
    /// same code as the value itself, without overflow (E2M3FN's 7.5 prints as `7.5`, not `8`,
    /// though 8 saturates to 7.5). Among the strings of that shortest length, the one nearest the
    /// exact value (ties to an even last digit) when it reads back, else the other neighbour.
    ///
    /// Notation as C's `%g` with the digits found, exponent without `+` or leading zeros: scientific
    /// when the decimal exponent `X` of the leading digit is below −4 or at least the number of
    /// digits, positional otherwise. `nan`, `-nan` (where NaNs are signed), `inf`, `-inf`, `0`, `-0`.
    ///
    /// ```swift
    /// FloatFormat.e4m3fn.shortestDescription(ofCode: 0x7E)   // "4.5e2" (448: 450 reads back to it)
    /// FloatFormat.e4m3fn.shortestDescription(ofCode: 0x2A)   // "0.3" (0.3125)
    /// ```
    public func shortestDescription(ofCode code: UInt64) -> String {
        let v = decode(code)
        if v.isNaN { return isNegative(code) && nanHasSign ? "-nan" : "nan" }
        if v.isInfinite { return v < 0 ? "-inf" : "inf" }
        if v == 0 { return v.sign == .minus ? "-0" : "0" }
        let target = encode(v).code
        let sign: FloatingPointSign = v.sign
        var (digits, pointExponent) = Self.exactDecimal(v.magnitude)
        while digits.last == UInt8(ascii: "0") {
            digits.removeLast()
            pointExponent += 1
        }
        // v = 0.d1d2… · 10^(lead + 1): d1 is the digit of 10^lead.
        let lead = digits.count - 1 + pointExponent
        var g = SystemRandomNumberGenerator()
        func readsBack(_ value: UInt64, _ k: Int) -> Bool {
            let n = ExactNumber.decimal(value, k, sign)
            let r = encode(n, rounding: .toNearestOrEven, overflow: .none, random: &g)
            return r.code == target && r.status.isDisjoint(with: [.overflow, .invalid])
        }
        let zero = UInt8(ascii: "0")
        for d in 1..<min(digits.count, 20) {
            var floor: UInt64 = 0
            for i in 0..<d { floor = floor * 10 + UInt64(digits[i] - zero) }
            let k = lead - d + 1
            // The digits after the d-th are nonzero (trailing zeros were removed).
            let next = digits[d] - zero
            let up = next > 5 || (next == 5 && (d + 1 < digits.count || floor & 1 == 1))
            for candidate in up ? [floor + 1, floor] : [floor, floor + 1] where readsBack(candidate, k) {
                return Self.scientificText(sign: sign, value: candidate, exponent: k)
            }
        }
        return Self.positionalText(sign: sign, digits: digits, exponent: pointExponent, scientificStyle: true)
    }

    /// The exact decimal value of `code`, in positional notation without trailing zeros after the
    /// point (`-0` for negative zero; NaN and ±∞ as ``shortestDescription(ofCode:)``).
    ///
    /// Every finite value of every valid format is a dyadic rational `n · 2^e`, whose decimal
    /// expansion terminates after `max(0, −e)` digits; this prints all of them.
    ///
    /// ```swift
    /// FloatFormat.bf16.exactDescription(ofCode: 0x5BC8)   // "112589990684262400"
    /// FloatFormat.e4m3fn.exactDescription(ofCode: 0x01)   // "0.001953125"
    /// ```
    public func exactDescription(ofCode code: UInt64) -> String {
        let v = decode(code)
        if v.isNaN || v.isInfinite { return shortestDescription(ofCode: code) }
        if v == 0 { return v.sign == .minus ? "-0" : "0" }
        let (digits, exponent) = Self.exactDecimal(v.magnitude)
        return Self.positionalText(sign: v.sign, digits: digits, exponent: exponent, scientificStyle: false)
    }

    /// The exact value of a positive finite `x` as `D · 10^exponent`: the decimal digits of the
    /// integer `D` (ASCII) and `exponent ≤ 0`; for `exponent < 0` the last digit is nonzero.
    static func exactDecimal(_ x: Double) -> (digits: [UInt8], exponent: Int) {
        let bits = x.bitPattern
        let biased = Int((bits >> 52) & 0x7FF)
        var n = bits & 0x000F_FFFF_FFFF_FFFF
        var e = -1074
        if biased != 0 {
            n |= 1 << 52
            e = biased - 1075
        }
        let tz = min(n.trailingZeroBitCount, max(0, -e))
        n >>= UInt64(tz)
        e += tz
        if e >= 0 {
            if e <= 11 { return (decimalDigits(n << UInt64(e)), 0) }
            var w = DecimalInteger(n)
            w.shiftLeft(e)
            return (w.decimalDigits(), 0)
        }
        // n · 2^e = n · 5^-e / 10^-e.
        let j = -e
        if j <= 27 {
            let (high, low) = n.multipliedFullWidth(by: ExactNumber.powersOfFive[j])
            if high == 0 { return (decimalDigits(low), e) }
        }
        var w = DecimalInteger(n)
        w.multiplyByPowerOfFive(j)
        return (w.decimalDigits(), e)
    }

    static func decimalDigits(_ x: UInt64) -> [UInt8] {
        if x == 0 { return [UInt8(ascii: "0")] }
        var out: [UInt8] = []
        var x = x
        while x != 0 {
            out.append(UInt8(ascii: "0") + UInt8(x % 10))
            x /= 10
        }
        out.reverse()
        return out
    }

    /// `±value · 10^exponent` in `%g` style with as many digits as `value` has (trailing zeros dropped).
    static func scientificText(sign: FloatingPointSign, value: UInt64, exponent: Int) -> String {
        var digits = decimalDigits(value)
        var e = exponent
        while digits.count > 1 && digits.last == UInt8(ascii: "0") {
            digits.removeLast()
            e += 1
        }
        return positionalText(sign: sign, digits: digits, exponent: e, scientificStyle: true)
    }

    /// `±D · 10^exponent` (digits of `D`, no leading zeros): positional notation, or with
    /// `scientificStyle` `%g`'s choice (scientific when the leading digit's exponent is below −4 or
    /// at least the number of digits).
    static func positionalText(sign: FloatingPointSign, digits: [UInt8], exponent: Int, scientificStyle: Bool) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(digits.count + 8 + max(0, -exponent))
        if sign == .minus { out.append(UInt8(ascii: "-")) }
        let lead = digits.count - 1 + exponent
        let zero = UInt8(ascii: "0")
        if scientificStyle {
            var p = digits.count
            while p > 1 && digits[p - 1] == zero { p -= 1 }
            if lead < -4 || lead >= p {
                out.append(digits[0])
                if p > 1 {
                    out.append(UInt8(ascii: "."))
                    out.append(contentsOf: digits[1..<p])
                }
                out.append(UInt8(ascii: "e"))
                out.append(contentsOf: String(lead).utf8)
                return String(decoding: out, as: UTF8.self)
            }
            return positionalText(sign: sign, digits: Array(digits[0..<p]), exponent: lead - p + 1, scientificStyle: false)
        }
        if exponent >= 0 {
            out.append(contentsOf: digits)
            out.append(contentsOf: repeatElement(zero, count: exponent))
        } else if lead >= 0 {
            out.append(contentsOf: digits[0...lead])
            out.append(UInt8(ascii: "."))
            out.append(contentsOf: digits[(lead + 1)...])
        } else {
            out.append(zero)
            out.append(UInt8(ascii: "."))
            out.append(contentsOf: repeatElement(zero, count: -lead - 1))
            out.append(contentsOf: digits)
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Reads a number as `Double`: decimal, hexadecimal (`0x1.8p3`), `nan`, `inf`, `infinity`, signed,
    /// with surrounding spaces, tabs, carriage returns and line feeds. The text is read exactly and
    /// rounded once to nearest even (as ``ExactNumber``); beyond the `Double` range it gives ±∞.
    /// `nil` for anything else (including empty text and trailing garbage).
    ///
    /// To convert text into a format, use ``encode(text:rounding:overflow:random:)``, which rounds
    /// once from the exact value; going through this `Double` would round twice.
    public static func parseNumber(_ text: String) -> Double? {
        guard let n = ExactNumber(parsing: text) else { return nil }
        return binary64.decode(binary64.encode(n).code)
    }

    /// IEEE binary64, for ``parseNumber(_:)``.
    static let binary64: FloatFormat = {
        // swiftlint:disable:next force_try
        try! FloatFormat(exponentBitCount: 11, significandBitCount: 52, name: "binary64")
    }()
}
