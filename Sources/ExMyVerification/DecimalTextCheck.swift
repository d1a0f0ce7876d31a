#if MPFR  // the oracle needs GNU MPFR (libmpfr-dev): built with the package trait MPFR
import ExMy
import MPFRReference

/// The cross-check of number text (decimal and hexadecimal, any length) and of the decimal printers
/// against the MPFR oracle.
///
/// Inputs are built around the values where rounding is decided: the exact decimal expansion of
/// every midpoint between adjacent values (every one for formats of at most 12 bits, a seeded sample
/// otherwise) and of the boundaries (half the least value, the least value, the overflow threshold),
/// printed by MPFR, then perturbed: the tie itself, a digit 1 appended after zeros (just above), one
/// unit subtracted in the last of up to 1000 digits (just below), truncated and rounded-up prefixes;
/// the exact values of codes, perturbed the same way; random decimal strings (1–1000 digits, any
/// exponent, including far outside every range); random hexadecimal strings; special spellings.
extension CrossCheck {
    /// A textual input and what it was made from (for messages).
    public struct TextInput: Sendable {
        public var text: String
        public var origin: String
        public init(text: String, origin: String) {
            self.text = text
            self.origin = origin
        }
    }

    /// The seeded text inputs for `format`: `count` random strings (half decimal near the format's
    /// range, a quarter far outside it or of extreme length, a quarter hexadecimal) plus the
    /// near-midpoint strings of up to `anchors` pairs of adjacent values (every pair for formats of
    /// at most 12 bits when `anchors` allows), `variants` perturbations each.
    public static func textInputs(_ format: FloatFormat, anchors: Int, variants: Int, count: Int, seed: UInt64) -> [TextInput] {
        var g = SplitMix64(seed: seed ^ UInt64(truncatingIfNeeded: format.hashValue & 0xFFFF) ^ 0x5EED)
        var out: [TextInput] = []
        let specials = ["inf", "-inf", "+Infinity", "-INFINITY", "nan", "-nan", "NaN", "0", "-0", "+0.000e-99999",
                        "-0x0p0", " 1.5\r", "\t-2.5 ", "1e-999999999", "-1e999999999999999999999", "1e+99999999999999999999999999999",
                        "0.0000000000000000000000000000000000000000000000000000000000001e-300", ".5", "5.", "0x.8p1", "0X1P-2",
                        "0xffffffffffffffffffffffffffffffffffffffff", "0x1.fffffffffffffffffffffffffffffffp1023"]
        for s in specials { out.append(TextInput(text: s, origin: "special")) }
        // Adjacent values: (a, b) with a < b, both finite magnitudes of the format.
        var magnitudes: [Double] = []
        let negativeLimit = format.signedness == .twosComplement ? format.maxMagnitudeCode + 1 : format.maxMagnitudeCode
        if format.bitWidth <= 12 {
            for c in 0...format.codeMask {
                let v = format.decode(c)
                if v.isFinite { magnitudes.append(v.magnitude) }
            }
        } else {
            let m = UInt64(format.significandBitCount)
            var codes: [UInt64] = [0, 1, 2, 3, negativeLimit, format.maxMagnitudeCode, format.maxMagnitudeCode - 1]
            if format.exponentBitCount > 0 { codes += [(1 << m) - 1, 1 << m, (1 << m) + 1, (2 << m) - 1, 2 << m] }
            for _ in 0..<anchors { codes.append(g.next() % (format.maxMagnitudeCode + 1)) }
            for c in codes where c <= format.maxMagnitudeCode {
                for d in [c, c + 1] where d <= format.maxMagnitudeCode {
                    let v = format.decode(d)
                    if v.isFinite { magnitudes.append(v.magnitude) }
                }
            }
            if format.signedness == .twosComplement { magnitudes.append(format.decode(format.codeMask & (format.maxMagnitudeCode + 1)).magnitude) }
        }
        magnitudes = Array(Set(magnitudes)).sorted()
        var pairs: [(Double, Double)] = []
        if format.bitWidth <= 12 {
            for i in 1..<max(1, magnitudes.count) { pairs.append((magnitudes[i - 1], magnitudes[i])) }
            if let first = magnitudes.first, first > 0 { pairs.append((0, first)) }  // no zero: half the least value
        } else {
            // Sampled values: pair each with its successor code's value when that is the next value.
            for (i, a) in magnitudes.enumerated() where i + 1 < magnitudes.count {
                let b = magnitudes[i + 1]
                if let ca = Self.code(of: a, in: format), let cb = Self.code(of: b, in: format), cb == ca + 1 || a == 0 {
                    pairs.append((a, b))
                }
            }
            if let least = magnitudes.first(where: { $0 > 0 }) { pairs.append((0, least)) }
        }
        if pairs.count > anchors {
            // Keep the extremes, sample the rest.
            var kept = Array(pairs.prefix(4) + pairs.suffix(4))
            for _ in 0..<(anchors - kept.count) { kept.append(pairs[Int(g.next() % UInt64(pairs.count))]) }
            pairs = kept
        }
        var spelling = SplitMix64(seed: seed &+ 17)  // signs and spellings (perturb holds `g`)
        func emit(_ digits: String, _ e: Int, _ origin: String) {
            let sign = spelling.next() & 1 == 0 ? "" : "-"
            out.append(TextInput(text: sign + spell(digits, e, &spelling), origin: origin))
        }
        for (a, b) in pairs {
            precondition(a.isFinite && b.isFinite && a < b, "\(format): bad pair \(a), \(b)")
            let mid = MPFRReference.exactDecimal(midpointOf: a, b)
            emit(mid.digits, mid.exponent, "midpoint of \(a) and \(b)")
            for _ in 0..<variants { perturb(mid.digits, mid.exponent, "midpoint of \(a) and \(b)", &g, emit) }
            if b > 0 {
                let exact = MPFRReference.exactDecimal(b)
                emit(exact.digits, exact.exponent, "value \(b)")
                perturb(exact.digits, exact.exponent, "value \(b)", &g, emit)
            }
        }
        // The overflow threshold: greatest + step/2, step the grid's quantum above greatest.
        let greatest = format.greatestFiniteMagnitude
        let below = format.decode(format.maxMagnitudeCode - (format.maxMagnitudeCode > 0 ? 1 : 0)).magnitude
        let step = format.significandBitCount == 0 && format.exponentBitCount > 0 ? greatest : greatest - below
        if step > 0, step.significandBitPattern == 0 {
            // greatest = G · 2^ge with G odd; threshold = (G · 2^(ge − se + 1) + 1) · 2^(se − 1).
            let ge = Int(greatest.exponent) - greatest.significandWidth
            let gOdd = UInt64(greatest.significandBitPattern | (1 << 52)) >> UInt64(52 - greatest.significandWidth)
            let se = Int(step.exponent)
            if ge - se + 1 >= 0 && ge - se + 1 < 10 {
                let t = MPFRReference.exactDecimal(significand: (gOdd << UInt64(ge - se + 1)) + 1, exponent: se - 1)
                emit(t.digits, t.exponent, "overflow threshold")
                for _ in 0..<max(variants, 8) { perturb(t.digits, t.exponent, "overflow threshold", &g, emit) }
            }
        }
        // Random decimal and hexadecimal strings.
        let lowDecade = Int((format.leastNonzeroMagnitude.exponent - 2)) * 30103 / 100000
        let highDecade = Int(greatest.exponent + 2) * 30103 / 100000
        for i in 0..<count {
            switch i % 4 {
            case 0, 1:
                let n = g.next() & 1 == 0 ? 1 + Int(g.next() % 25) : 1 + Int(g.next() % 1000)
                let digits = randomDigits(n, &g)
                let lead = lowDecade + Int(g.next() % UInt64(highDecade - lowDecade + 1))
                emit(digits, lead + 1, "random decimal")
            case 2:
                let n = 1 + Int(g.next() % (g.next() & 1 == 0 ? 40 : 1500))
                let digits = randomDigits(n, &g)
                let e = Int(truncatingIfNeeded: g.next() % 2000) - 1000
                emit(digits, e, "random decimal, any exponent")
            default:
                out.append(TextInput(text: randomHex(format, &g), origin: "random hexadecimal"))
            }
        }
        return out
    }

    /// The code of a positive finite value, by search on the sampled magnitude codes' order (the
    /// magnitude code is monotonic in the value).
    static func code(of x: Double, in format: FloatFormat) -> UInt64? {
        var lo: UInt64 = 0, hi = format.maxMagnitudeCode
        while lo < hi {
            let mid = lo + (hi - lo) / 2
            if format.decode(mid) < x { lo = mid + 1 } else { hi = mid }
        }
        return format.decode(lo) == x ? lo : nil
    }

    static func randomDigits(_ n: Int, _ g: inout SplitMix64) -> String {
        var s = [UInt8]()
        s.reserveCapacity(n)
        for i in 0..<n {
            let d = UInt8(g.next() % 10)
            s.append(UInt8(ascii: "0") + (i == 0 && d == 0 ? 1 : d))
        }
        return String(decoding: s, as: UTF8.self)
    }

    /// `0.digits · 10^e` spelled in one of several equivalent ways.
    static func spell(_ digits: String, _ e: Int, _ g: inout SplitMix64) -> String {
        let d = Array(digits)
        switch g.next() % 4 {
        case 0:
            return "0." + digits + (g.next() & 1 == 0 ? "e" : "E") + String(e)
        case 1:
            let first = String(d[0]), rest = String(d.dropFirst())
            return first + (rest.isEmpty ? "" : "." + rest) + "e" + (e - 1 >= 0 && g.next() & 1 == 0 ? "+" : "") + String(e - 1)
        case 2 where e >= 0 && e <= 60:
            // Positional: integer part, then the fraction.
            if d.count <= e { return digits + String(repeating: "0", count: e - d.count) }
            return String(d[0..<e]).ifEmpty("0") + "." + String(d[e...])
        case 3 where e < 0 && e > -40:
            return "0." + String(repeating: "0", count: -e) + digits
        default:
            return digits + "e" + String(e - d.count)
        }
    }

    /// Variants of the decimal `0.digits · 10^e` just above, just below and near it.
    static func perturb(_ digits: String, _ e: Int, _ origin: String, _ g: inout SplitMix64, _ emit: (String, Int, String) -> Void) {
        let n = digits.count
        let target = g.next() & 3 == 0 ? n + 1 + Int(g.next() % 1000) : max(n + 1, 20 + Int(g.next() % 781))
        // Just above: zeros then a 1.
        emit(digits + String(repeating: "0", count: target - n - 1) + "1", e, origin + " + tiny")
        // Just below: subtract one unit in the last of `target` digits.
        var below = Array((digits + String(repeating: "0", count: target - n)).utf8)
        var i = below.count - 1
        while i >= 0 {
            if below[i] == UInt8(ascii: "0") {
                below[i] = UInt8(ascii: "9")
                i -= 1
            } else {
                below[i] -= 1
                break
            }
        }
        var start = 0
        while start < below.count - 1 && below[start] == UInt8(ascii: "0") { start += 1 }
        emit(String(decoding: below[start...], as: UTF8.self), e - start, origin + " − tiny")
        // A prefix (truncated) and the prefix plus one unit.
        if n > 1 {
            let t = 1 + Int(g.next() % UInt64(n - 1))
            let prefix = Array(digits.utf8.prefix(t))
            emit(String(decoding: prefix, as: UTF8.self), e, origin + " truncated")
            var up = prefix
            var j = up.count - 1
            while j >= 0 {
                if up[j] == UInt8(ascii: "9") {
                    up[j] = UInt8(ascii: "0")
                    j -= 1
                } else {
                    up[j] += 1
                    break
                }
            }
            if j < 0 {
                emit("1", e + 1, origin + " rounded up")
            } else {
                emit(String(decoding: up, as: UTF8.self), e, origin + " rounded up")
            }
        }
    }

    static func randomHex(_ format: FloatFormat, _ g: inout SplitMix64) -> String {
        let hex = Array("0123456789abcdefABCDEF")
        let n = 1 + Int(g.next() % (g.next() & 1 == 0 ? 16 : 40))
        var s = ""
        let point = Int(g.next() % UInt64(n + 1))
        for i in 0..<n {
            if i == point && g.next() & 1 == 0 { s.append(".") }
            s.append(hex[Int(g.next() % UInt64(hex.count))])
        }
        let low = Int(format.leastNonzeroMagnitude.exponent) - 8, high = Int(format.greatestFiniteMagnitude.exponent) + 8
        let p = low + Int(g.next() % UInt64(high - low + 1)) - 4 * (n - min(point, n))
        let sign = g.next() & 1 == 0 ? "" : "-"
        return sign + (g.next() & 1 == 0 ? "0x" : "0X") + s + (g.next() & 1 == 0 ? "p" : "P") + String(p)
    }

    /// Compares every text input under every (deterministic rule, overflow rule) pair: ExMy's
    /// ``FloatFormat/encode(_:rounding:overflow:random:)-(ExactNumber,_,_,_)`` of the parsed text
    /// against ``MPFRReference/convert(text:to:rules:)`` (value, sign of zero and NaN, flags; a NaN
    /// into a format without NaN by its flag only). A text ExMy or MPFR does not read is a mismatch.
    public static func runText(_ format: FloatFormat, inputs: [TextInput],
                               rules: [RoundingRule] = RoundingRule.deterministicRules,
                               overflows: [OverflowRule] = OverflowRule.allCases,
                               limit: Int = 10) -> (count: Int, mismatches: [String]) {
        let ref = reference(format)
        let pairs = rules.flatMap { r in overflows.map { (r, $0) } }
        let refPairs = pairs.map { (rounding: reference($0.0)!, overflow: reference($0.1)) }
        var bad: [String] = []
        var n = 0
        for input in inputs {
            guard let number = ExactNumber(parsing: input.text) else {
                bad.append("\(format) '\(input.text)' (\(input.origin)): ExMy does not read it")
                if bad.count >= limit { break } else { continue }
            }
            guard let wants = MPFRReference.convert(text: input.text, to: ref, rules: refPairs) else {
                bad.append("\(format) '\(input.text)' (\(input.origin)): MPFR does not read it")
                if bad.count >= limit { break } else { continue }
            }
            for ((rule, overflow), want) in zip(pairs, wants) {
                n += 1
                let got = format.encode(number, rounding: rule, overflow: overflow)
                let value = format.decode(got.code)
                let ok: Bool
                if number.kind == .nan && format.nanCode() == nil {
                    ok = got.status == .invalid && want.flags == .invalid
                } else {
                    ok = ReferenceResult(value: value, flags: flags(got.status)) == want
                }
                if !ok {
                    bad.append("\(format) '\(input.text.prefix(120))\(input.text.count > 120 ? "…" : "")' (\(input.origin), \(input.text.count) chars) \(rule) \(overflow.rawValue): ExMy code 0x\(String(got.code, radix: 16)) = \(value) \(got.status), MPFR \(want)")
                    if bad.count >= limit { return (n, bad) }
                }
            }
        }
        return (n, bad)
    }

    /// Stochastic rounding of text: P3109 variants A, B and C with `N ≤ 61 − M` random bits (the
    /// range in which ExMy's 64-bit reduction decides them exactly, see ``ExactNumber``) against
    /// ``MPFRReference/convertStochastic(text:to:variant:randomBits:random:overflow:)``.
    public static func runTextStochastic(_ format: FloatFormat, inputs: [TextInput], draws: Int = 2, seed: UInt64 = 3,
                                         limit: Int = 10) -> (count: Int, mismatches: [String]) {
        let ref = reference(format)
        var g = SplitMix64(seed: seed)
        var bad: [String] = []
        var n = 0
        let maxBits = min(62, 61 - format.significandBitCount)
        let bitCounts = Array(Set([1, 3, 8, min(16, maxBits), maxBits])).filter { $0 >= 1 }.sorted()
        for input in inputs {
            guard let number = ExactNumber(parsing: input.text) else { continue }
            for overflow in OverflowRule.allCases {
                for _ in 0..<draws {
                    let r = g.next()
                    for b in bitCounts {
                        for (rule, variant) in [(RoundingRule.stochasticA(bits: b), ReferenceStochastic.variantA), (.stochasticB(bits: b), .variantB), (.stochasticC(bits: b), .variantC)] {
                            n += 1
                            var replay = Replay(words: [r])
                            let got = format.encode(number, rounding: rule, overflow: overflow, random: &replay)
                            guard let want = MPFRReference.convertStochastic(text: input.text, to: ref, variant: variant, randomBits: b, random: r, overflow: reference(overflow)) else {
                                bad.append("\(format) '\(input.text)': MPFR does not read it")
                                continue
                            }
                            let value = format.decode(got.code)
                            let ok = number.kind == .nan && format.nanCode() == nil
                                ? got.status.contains(.invalid) && want.flags.contains(.invalid)
                                : ReferenceResult(value: value, flags: flags(got.status)) == want
                            if !ok {
                                bad.append("\(format) '\(input.text.prefix(100))' (\(input.origin)) \(rule) R=\(r & ((1 << UInt64(b)) - 1)) \(overflow.rawValue): ExMy \(value) \(got.status), MPFR \(want)")
                                if bad.count >= limit { return (n, bad) }
                            }
                        }
                    }
                }
            }
        }
        return (n, bad)
    }

    // MARK: Printing

    /// Checks both printers on `codes`: ``FloatFormat/exactDescription(ofCode:)`` against MPFR's
    /// exact decimal printing of MPFR's own decoding of the code; ``FloatFormat/shortestDescription(ofCode:)``
    /// read back by MPFR (nearest even, overflow `none`) to the code's value, with as many
    /// significant digits as MPFR's search for the shortest string that reads back
    /// (``MPFRReference/shortestDigits(ofCode:in:)``). With `shortest: false` only the exact printer.
    public static func checkPrinting(_ format: FloatFormat, codes: [UInt64], shortest: Bool = true,
                                     limit: Int = 10) -> (count: Int, mismatches: [String]) {
        let ref = reference(format)
        var bad: [String] = []
        var n = 0
        for code in codes {
            let want = MPFRReference.value(ofCode: code, in: ref)
            let exact = format.exactDescription(ofCode: code)
            let short = format.shortestDescription(ofCode: code)
            n += 1
            func fail(_ what: String) {
                bad.append("\(format) code 0x\(String(code, radix: 16)) (\(want)): \(what)")
            }
            if want.isNaN {
                if !(exact.hasSuffix("nan") && short == exact) { fail("NaN printed as '\(exact)' / '\(short)'") }
                continue
            }
            if want.isInfinite || want == 0 {
                let expected = want.isInfinite ? (want < 0 ? "-inf" : "inf") : (want.sign == .minus ? "-0" : "0")
                if exact != expected || short != expected { fail("printed '\(exact)' / '\(short)', expected '\(expected)'") }
                continue
            }
            // Exact: same sign, same significant digits, same decimal exponent.
            let mp = MPFRReference.exactDecimal(want)
            let got = normalized(exact)
            let exactOK = got != nil && got!.negative == (want < 0) && got!.digits == mp.digits && got!.exponent == mp.exponent
                && !exact.contains("e")
            if !exactOK {
                fail("exactDescription '\(exact.prefix(80))…' ≠ MPFR 0.\(mp.digits.prefix(60))…e\(mp.exponent)")
            }
            if shortest {
                let back = MPFRReference.convert(text: short, to: ref, rounding: .nearestEven, overflow: .none)
                if back == nil || back!.value.bitPattern != want.bitPattern {
                    fail("shortestDescription '\(short)' reads back as \(back.map(\.description) ?? "nothing")")
                } else if let s = MPFRReference.shortestDigits(ofCode: code, in: ref), let got = normalized(short),
                          got.digits.count != s.count {
                    fail("shortestDescription '\(short)' has \(got.digits.count) digits, MPFR finds \(s.count) (\(s.readBack))")
                }
            }
            if bad.count >= limit { break }
        }
        return (n, bad)
    }

    /// `(sign, significant digits without leading and trailing zeros, e)` with value
    /// `0.digits · 10^e`, from positional or scientific decimal text.
    static func normalized(_ text: String) -> (negative: Bool, digits: String, exponent: Int)? {
        var t = Substring(text)
        var negative = false
        if t.first == "-" {
            negative = true
            t.removeFirst()
        }
        var exp = 0
        if let e = t.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            guard let x = Int(t[t.index(after: e)...]) else { return nil }
            exp = x
            t = t[..<e]
        }
        let parts = t.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count <= 2 else { return nil }
        let intPart = String(parts[0]), frac = parts.count == 2 ? String(parts[1]) : ""
        var all = Array(intPart + frac)
        var pointAt = intPart.count + exp  // value = 0.all · 10^pointAt
        while all.first == "0" {
            all.removeFirst()
            pointAt -= 1
        }
        while all.last == "0" { all.removeLast() }
        guard !all.isEmpty, all.allSatisfy(\.isNumber) else { return nil }
        return (negative, String(all), pointAt)
    }
}

extension String {
    fileprivate func ifEmpty(_ other: String) -> String { isEmpty ? other : self }
}
#endif
