/// A number read from text, reduced exactly to what one correct rounding needs.
///
/// Decimal (`-12.5e-3`, `.5`, `7.`) and hexadecimal (`0x1.8p3`, `0X1P-2`, `0xff`) text of any
/// length, `inf`, `infinity` and `nan` (case-insensitive, optional sign), with surrounding spaces,
/// tabs, carriage returns and line feeds, is read *exactly*: a finite nonzero value becomes
/// `significand · 2^exponent` where ``significand`` holds the top 64 bits of the exact value and its
/// bit 0 is OR'd with a sticky bit for every nonzero bit below (``isExact`` is then `false`). That
/// reduction decides every deterministic rounding rule of every format exactly, because every format
/// keeps at most 53 significant bits, so the sticky bit lies at least 10 places below the rounding
/// position. ``FloatFormat/encode(_:rounding:overflow:random:)-(ExactNumber,_,_,_)`` then rounds
/// once, with the format's rules.
///
/// ```swift
/// let x = ExactNumber(parsing: "1.0625000000000000001")!
/// FloatFormat.e4m3fn.encode(x).code          // 0x39 (1.125): above the midpoint 1.0625
/// FloatFormat.e4m3fn.encode(text: "1.0625")?.code   // 0x38 (1.0): the tie goes to even
/// ```
///
/// How it stays exact with bounded work:
/// - Decimal text with at most 19 significant digits and a decimal exponent in −27 … 27 (after the
///   digits are read as an integer) is converted with 64/128-bit integer arithmetic and no allocation.
/// - Longer text keeps its first ``maxSignificantDigits`` (800) significant digits and replaces the
///   rest, when any of it is nonzero, by one more digit 1 (a sticky digit). That is exact for
///   rounding: every rounding boundary of every valid format (grid points and midpoints, the overflow
///   threshold and half the least value included) is `n · 2^j` with `n < 2^54` and
///   `2^-1075 ≤ n · 2^j < 2^1025`. For `j ≥ 0` it is an integer below 2^1025 (at most 309 digits);
///   for `j < 0` its significant digits are those of `n · 5^-j`, fewer than
///   `54 · log10 2 + 1075 · log10 5 + 1 < 769`. A boundary with at most 800 significant digits cannot lie
///   strictly between two 800-digit neighbours, so the kept digits plus the sticky digit fall on
///   the same side of every boundary as the full text.
/// - Values of at least 10^311 (hexadecimal: 2^1201) are replaced by 2^1200, and values below
///   10^-400 (hexadecimal: 2^-1400) by 2^-1500 (both inexact stand-ins): beyond every finite value,
///   respectively far below half the least value (2^-1075) of every format, they round exactly as
///   the text does under every deterministic rule, and under the P3109 stochastic variants (`ν`
///   below 2^-250 for the text and the stand-in alike, so `⌊ν · 2^(N+1)⌋ = 0`). Exponents of any
///   size are read without overflow (they saturate far beyond these limits).
///
/// Departures and limits: stochastic rules see the fraction below the quantum through the same 64
/// bits; the P3109 variants with `N` random bits are exact when `N ≤ 61 − M` (more in the
/// subnormal range), and the exact-probability rule rounds up with a probability within
/// `2^(M − 63)` of the exact one (for values replaced by 2^-1500 it is that of the stand-in, below
/// 2^-250 in any case).
public struct ExactNumber: Hashable, Sendable {
    /// What the text denotes.
    public enum Kind: Hashable, Sendable {
        /// Not a number (`nan`, with an optional sign).
        case nan
        /// Infinity (`inf` / `infinity`, with an optional sign).
        case infinity
        /// Zero (`0`, `-0`, or any spelling of a zero significand).
        case zero
        /// A finite nonzero number, held in ``ExactNumber/significand`` and ``ExactNumber/exponent``.
        case finite
    }

    /// NaN, ±∞, ±0 or a finite nonzero number.
    public let kind: Kind
    /// The sign written in the text (`-nan` and `-0` keep theirs).
    public let sign: FloatingPointSign
    /// For ``Kind/finite``: the top 64 bits of `|x|` (bit 63 set), bit 0 OR'd with the sticky bit;
    /// zero otherwise.
    public let significand: UInt64
    /// For ``Kind/finite``: `|x| ≈ significand · 2^exponent` (exactly, when ``isExact``).
    public let exponent: Int
    /// Whether `significand · 2^exponent` is exactly the value of the text (no sticky bit was set).
    public let isExact: Bool

    /// The significant decimal digits kept exactly (see the type's discussion).
    public static let maxSignificantDigits = 800

    /// A finite nonzero value `±significand · 2^exponent` (`significand` is nonzero).
    /// Stored normalised (bit 63 set), so equal values compare equal.
    init(sign: FloatingPointSign, significand: UInt64, exponent: Int, isExact: Bool = true) {
        let lz = significand.leadingZeroBitCount
        self.kind = .finite
        self.sign = sign
        self.significand = significand << UInt64(lz)
        self.exponent = exponent - lz
        self.isExact = isExact
    }

    init(special kind: Kind, sign: FloatingPointSign) {
        self.kind = kind
        self.sign = sign
        self.significand = 0
        self.exponent = 0
        self.isExact = true
    }

    /// Top 64 bits of `(high, low)` (not both zero) times `2^exponent`, with `sticky` and the low bits
    /// folded into bit 0.
    init(sign: FloatingPointSign, high: UInt64, low: UInt64, exponent: Int, sticky: Bool) {
        var s = low, e = exponent, lost = sticky
        if high != 0 {
            let lz = high.leadingZeroBitCount
            s = lz == 0 ? high : (high << UInt64(lz)) | (low >> UInt64(64 - lz))
            lost = lost || (low << UInt64(lz)) != 0
            e += 64 - lz
        }
        if lost {
            // Normalise so that the sticky bit is far below any rounding position.
            let lz = s.leadingZeroBitCount
            s = (s << UInt64(lz)) | 1
            e -= lz
        }
        self.init(sign: sign, significand: s, exponent: e, isExact: !lost)
    }

    /// The stand-ins for values beyond every format's range (see the type's discussion).
    static func huge(_ sign: FloatingPointSign) -> ExactNumber {
        ExactNumber(sign: sign, significand: 1 << 63, exponent: 1200 - 63, isExact: false)
    }
    static func tiny(_ sign: FloatingPointSign) -> ExactNumber {
        ExactNumber(sign: sign, significand: 1 << 63, exponent: -1500 - 63, isExact: false)
    }


    // MARK: Reading text

    /// Reads `text` (see the type's discussion for the grammar); `nil` when it is not a number.
    public init?<S: StringProtocol>(parsing text: S) {
        let fast = text.utf8.withContiguousStorageIfAvailable { ExactNumber.read($0) }
        if let fast {
            guard let fast else { return nil }
            self = fast
            return
        }
        let bytes = Array(text.utf8)
        guard let r = bytes.withUnsafeBufferPointer({ ExactNumber.read($0) }) else { return nil }
        self = r
    }

    /// Reads UTF-8 bytes (for example one line of a file, without copying); `nil` when they are not a
    /// number. Bytes outside ASCII never belong to a number.
    public init?(utf8 bytes: UnsafeRawBufferPointer) {
        guard let r = ExactNumber.read(bytes.assumingMemoryBound(to: UInt8.self)) else { return nil }
        self = r
    }

    /// Reads UTF-8 bytes; `nil` when they are not a number.
    public init?(utf8 bytes: UnsafeBufferPointer<UInt8>) {
        guard let r = ExactNumber.read(bytes) else { return nil }
        self = r
    }

    @inline(__always) static func isSpace(_ c: UInt8) -> Bool {
        c == 0x20 || c == 0x09 || c == 0x0D || c == 0x0A || c == 0x0B || c == 0x0C
    }

    /// Whether `b[from..<to]` equals `word` (lowercase ASCII letters), ignoring case.
    @inline(__always)
    static func matches(_ b: UnsafeBufferPointer<UInt8>, _ from: Int, _ to: Int, _ word: StaticString) -> Bool {
        guard to - from == word.utf8CodeUnitCount else { return false }
        let w = word.utf8Start
        for i in 0..<(to - from) where b[from + i] | 0x20 != w[i] { return false }
        return true
    }

    /// Exponents are accumulated up to this size and then saturate (far beyond every stand-in limit,
    /// far below Int's range, whatever the text's length).
    static let exponentLimit = 1 << 40

    static func read(_ b: UnsafeBufferPointer<UInt8>) -> ExactNumber? {
        var start = 0, end = b.count
        while start < end && isSpace(b[start]) { start += 1 }
        while end > start && isSpace(b[end - 1]) { end -= 1 }
        guard start < end else { return nil }
        var sign = FloatingPointSign.plus
        if b[start] == UInt8(ascii: "+") || b[start] == UInt8(ascii: "-") {
            if b[start] == UInt8(ascii: "-") { sign = .minus }
            start += 1
        }
        guard start < end else { return nil }
        let first = b[start] | 0x20
        if first == UInt8(ascii: "i") || first == UInt8(ascii: "n") {
            if matches(b, start, end, "inf") || matches(b, start, end, "infinity") {
                return ExactNumber(special: .infinity, sign: sign)
            }
            if matches(b, start, end, "nan") { return ExactNumber(special: .nan, sign: sign) }
            return nil
        }
        if end - start >= 2 && b[start] == UInt8(ascii: "0") && b[start + 1] | 0x20 == UInt8(ascii: "x") {
            return readHex(b, start + 2, end, sign)
        }
        return readDecimal(b, start, end, sign)
    }

    /// Reads `[+-]digits` (decimal) from `i` to `end`; `nil` without digits or with other bytes.
    /// Saturates at ±``exponentLimit``.
    @inline(__always)
    static func readExponent(_ b: UnsafeBufferPointer<UInt8>, _ i: Int, _ end: Int) -> Int? {
        var i = i
        var negative = false
        if i < end && (b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-")) {
            negative = b[i] == UInt8(ascii: "-")
            i += 1
        }
        guard i < end else { return nil }
        var e = 0
        while i < end {
            let d = b[i] &- UInt8(ascii: "0")
            guard d < 10 else { return nil }
            if e < exponentLimit { e = e * 10 + Int(d) }
            i += 1
        }
        return negative ? -e : e
    }

    static func readHex(_ b: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, _ sign: FloatingPointSign) -> ExactNumber? {
        var i = start
        var significand: UInt64 = 0
        var exponent = 0  // binary
        var sticky = false
        var digits = 0
        var seenPoint = false
        while i < end {
            let c = b[i]
            var d: UInt8
            if c == UInt8(ascii: ".") {
                guard !seenPoint else { return nil }
                seenPoint = true
                i += 1
                continue
            }
            d = c &- UInt8(ascii: "0")
            if d >= 10 {
                let l = (c | 0x20) &- UInt8(ascii: "a")
                guard l < 6 else { break }
                d = l + 10
            }
            digits += 1
            if significand >> 60 == 0 {
                significand = significand << 4 | UInt64(d)
                if seenPoint { exponent -= 4 }
            } else {
                if d != 0 { sticky = true }
                if !seenPoint { exponent += 4 }
            }
            i += 1
        }
        guard digits > 0 else { return nil }
        if i < end {
            guard b[i] | 0x20 == UInt8(ascii: "p"), let e = readExponent(b, i + 1, end) else { return nil }
            exponent += e
        }
        if significand == 0 { return ExactNumber(special: .zero, sign: sign) }
        return finite(sign, high: 0, low: significand, exponent: exponent, sticky: sticky)
    }

    /// The value `(high · 2^64 + low) · 2^exponent`, replaced by a stand-in far outside every format.
    @inline(__always)
    static func finite(_ sign: FloatingPointSign, high: UInt64, low: UInt64, exponent: Int, sticky: Bool) -> ExactNumber {
        let n = ExactNumber(sign: sign, high: high, low: low, exponent: exponent, sticky: sticky)
        let lead = n.exponent + 63 - n.significand.leadingZeroBitCount
        if lead > 1200 { return huge(sign) }
        if lead < -1400 { return tiny(sign) }
        return n
    }

    static func readDecimal(_ b: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, _ sign: FloatingPointSign) -> ExactNumber? {
        // One pass: the first 19 significant digits as an integer, the count of significant digits,
        // whether any digit after the 19th is nonzero, the digits after the point.
        var i = start
        var value: UInt64 = 0
        var significantDigits = 0  // from the first nonzero digit on, trailing zeros included
        var nonzeroBeyond = false
        var fractionDigits = 0
        var anyDigit = false
        var seenPoint = false
        while i < end {
            let c = b[i]
            let d = c &- UInt8(ascii: "0")
            if d < 10 {
                anyDigit = true
                if seenPoint { fractionDigits += 1 }
                if significantDigits > 0 || d != 0 {
                    if significantDigits < 19 {
                        value = value &* 10 &+ UInt64(d)
                    } else if d != 0 {
                        nonzeroBeyond = true
                    }
                    significantDigits += 1
                }
            } else if c == UInt8(ascii: ".") && !seenPoint {
                seenPoint = true
            } else {
                break
            }
            i += 1
        }
        guard anyDigit else { return nil }
        let mantissaEnd = i
        var explicitExponent = 0
        if i < end {
            guard b[i] | 0x20 == UInt8(ascii: "e"), let e = readExponent(b, i + 1, end) else { return nil }
            explicitExponent = e
        }
        if significantDigits == 0 { return ExactNumber(special: .zero, sign: sign) }
        // |x| = (all significant digits as an integer) · 10^k.
        let k = explicitExponent - fractionDigits
        if !nonzeroBeyond, let n = fastDecimal(value, k + (significantDigits - min(significantDigits, 19)), sign) {
            return n
        }
        return slowDecimal(b, start, mantissaEnd, significantDigits: significantDigits, k: k, sign)
    }

    /// `value · 10^k10` (value nonzero) with 64/128-bit integer arithmetic when `|k10| ≤ 27`, else `nil`.
    @inline(__always)
    static func fastDecimal(_ value: UInt64, _ k10: Int, _ sign: FloatingPointSign) -> ExactNumber? {
        if k10 >= 0 && k10 <= 27 {
            let (high, low) = value.multipliedFullWidth(by: powersOfFive[k10])
            return ExactNumber(sign: sign, high: high, low: low, exponent: k10, sticky: false)
        }
        if k10 < 0 && k10 >= -27 {
            // value / 5^j · 2^-j (j = −k10): normalise value, then a 128-bit quotient by 5^j < 2^63.
            let p = powersOfFive[-k10]
            let lz = value.leadingZeroBitCount
            let v = value << UInt64(lz)
            let q1 = v / p, r1 = v % p
            let (q2, r2) = p.dividingFullWidth((r1, 0))
            return ExactNumber(sign: sign, high: q1, low: q2, exponent: k10 - lz - 64, sticky: r2 != 0)
        }
        return nil
    }

    /// `n · 10^k10` for `n` nonzero, with big-integer arithmetic (`n` is consumed). The caller keeps
    /// `n · 10^k10` within 10^-401 … 10^311.
    static func wideDecimal(_ n: inout DecimalInteger, _ k10: Int, _ sign: FloatingPointSign) -> ExactNumber {
        if k10 >= 0 {
            n.multiplyByPowerOfFive(k10)
            let t = n.top64()
            return ExactNumber(sign: sign, high: 0, low: t.bits, exponent: k10 + t.shift, sticky: t.sticky)
        }
        // n / 5^j · 2^-j, j = −k10: scale n to 63 more bits than 5^j, so the quotient has 63 or 64 bits.
        let divisor = DecimalInteger.powerOfFive(-k10)
        let shift = divisor.bitLength + 63 - n.bitLength
        var sticky = false
        if shift > 0 { n.shiftLeft(shift) } else { sticky = n.shiftRight(-shift) }
        let (q, inexact) = n.quotient(dividingBy: divisor)
        return ExactNumber(sign: sign, high: 0, low: q, exponent: k10 - shift, sticky: sticky || inexact)
    }

    /// `value · 10^k10` exactly reduced (value nonzero, `|value · 10^k10|` within 10^-401 … 10^311).
    static func decimal(_ value: UInt64, _ k10: Int, _ sign: FloatingPointSign) -> ExactNumber {
        if let n = fastDecimal(value, k10, sign) { return n }
        var n = DecimalInteger(value)
        return wideDecimal(&n, k10, sign)
    }

    /// Any decimal: big-integer arithmetic on at most ``maxSignificantDigits`` + 1 digits.
    static func slowDecimal(
        _ b: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, significantDigits: Int, k: Int, _ sign: FloatingPointSign
    ) -> ExactNumber {
        // Decimal position of the leading digit: |x| ∈ [10^lead, 10^(lead+1)).
        let lead = k + significantDigits - 1
        if lead > 310 { return huge(sign) }  // ≥ 10^311 > 2^1025 > every boundary
        if lead < -400 { return tiny(sign) }  // < 10^-399: far below 2^-1075 ≤ every positive boundary
        // Gather up to maxSignificantDigits digits, 19 at a time.
        var n = DecimalInteger()
        var chunk: UInt64 = 0, chunkDigits = 0, kept = 0
        var droppedNonzero = false
        var i = start
        while i < end {
            let d = b[i] &- UInt8(ascii: "0")
            i += 1
            guard d < 10 else { continue }  // the point
            if kept == 0 && d == 0 { continue }  // leading zeros
            if kept < maxSignificantDigits {
                chunk = chunk * 10 + UInt64(d)
                chunkDigits += 1
                kept += 1
                if chunkDigits == 19 {
                    n.multiply(by: 10_000_000_000_000_000_000, adding: chunk)
                    chunk = 0
                    chunkDigits = 0
                }
            } else if d != 0 {
                droppedNonzero = true
                break
            }
        }
        if chunkDigits > 0 { n.multiply(by: powersOfTen[chunkDigits], adding: chunk) }
        var k10 = k + (significantDigits - kept)
        if droppedNonzero {
            n.multiply(by: 10, adding: 1)  // the sticky digit
            k10 -= 1
        }
        return wideDecimal(&n, k10, sign)
    }

    /// 10^0 … 10^19.
    static let powersOfTen: [UInt64] = {
        var p: [UInt64] = [1]
        for _ in 1...19 { p.append(p.last! * 10) }
        return p
    }()

    /// 5^0 … 5^27.
    static let powersOfFive: [UInt64] = {
        var p: [UInt64] = [1]
        for _ in 1...27 { p.append(p.last! * 5) }
        return p
    }()
}

extension FloatFormat {
    /// Rounds an exactly read number once into this format (NaN, ±∞ and ±0 as `docs/semantics.md`
    /// §4 says; the sign of `-nan` and `-0` is kept where the format can carry it).
    @inlinable
    public func encode<G: RandomNumberGenerator>(
        _ number: ExactNumber, rounding rule: RoundingRule, overflow: OverflowRule, random: inout G
    ) -> Encoded {
        let negative = number.sign == .minus
        switch number.kind {
        case .nan: return encodeNaN(negative: negative)
        case .infinity: return encodeInfinity(negative: negative, overflow: overflow)
        case .zero: return encodeZero(negative: negative, overflow: overflow)
        case .finite:
            return encode(negative: negative, significand: number.significand, exponent: number.exponent,
                          rounding: rule, overflow: overflow, random: &random)
        }
    }

    /// Rounds an exactly read number once into this format (a stochastic rule draws from the system
    /// generator).
    @inlinable
    public func encode(
        _ number: ExactNumber, rounding rule: RoundingRule = .toNearestOrEven, overflow: OverflowRule = .none
    ) -> Encoded {
        var g = SystemRandomNumberGenerator()
        return encode(number, rounding: rule, overflow: overflow, random: &g)
    }

    /// Reads number text exactly and rounds it once into this format; `nil` when the text is not a
    /// number (see ``ExactNumber`` for the grammar and the guarantees).
    ///
    /// ```swift
    /// FloatFormat.e4m3fn.encode(text: "1.0625000000000000001")?.code  // 0x39
    /// FloatFormat.fp16.encode(text: "1e400", rounding: .towardZero)?.code  // 0x7BFF (65504)
    /// ```
    @inlinable
    public func encode<S: StringProtocol, G: RandomNumberGenerator>(
        text: S, rounding rule: RoundingRule, overflow: OverflowRule, random: inout G
    ) -> Encoded? {
        guard let n = ExactNumber(parsing: text) else { return nil }
        return encode(n, rounding: rule, overflow: overflow, random: &random)
    }

    /// Reads number text exactly and rounds it once (a stochastic rule draws from the system
    /// generator); `nil` when the text is not a number.
    @inlinable
    public func encode<S: StringProtocol>(
        text: S, rounding rule: RoundingRule = .toNearestOrEven, overflow: OverflowRule = .none
    ) -> Encoded? {
        var g = SystemRandomNumberGenerator()
        return encode(text: text, rounding: rule, overflow: overflow, random: &g)
    }

    /// Reads number text given as UTF-8 bytes (a line of a file, no copy) and rounds it once; `nil`
    /// when the bytes are not a number.
    @inlinable
    public func encode<G: RandomNumberGenerator>(
        utf8 bytes: UnsafeRawBufferPointer, rounding rule: RoundingRule, overflow: OverflowRule, random: inout G
    ) -> Encoded? {
        guard let n = ExactNumber(utf8: bytes) else { return nil }
        return encode(n, rounding: rule, overflow: overflow, random: &random)
    }
}
