#if MPFR  // the oracle needs GNU MPFR (libmpfr-dev): built with the package trait MPFR
import CMPFR

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Number text into a format, and exact decimal printing, with MPFR.
///
/// MPFR reads decimal and hexadecimal strings exactly (`mpfr_strtofr`, base 0): the oracle reads
/// the text toward zero at 128 bits and, when MPFR reports the result inexact (ternary value), sets
/// the last bit (round to odd). A value rounded to odd at 128 bits lies on the same side of every
/// number of at most 127 significant bits as the text's exact value and is exact only when the text
/// is, so the conversion that follows (the same one ``convert(_:to:rounding:overflow:)`` uses for a
/// `Double`: MPFR's RNDZ / RNDA / RNDN on the emulated grid, exact comparisons with the midpoint,
/// MPFR's parity) rounds it exactly as it would round the text's value: every rounding boundary of
/// a format has at most 54 significant bits. Text below MPFR's exponent range (about 10^-323228496)
/// reads as 0 with an inexact ternary value; the oracle replaces it by 2^-2000, which lies below
/// every boundary as the text does; values above 2^100000 (including MPFR's overflow) are replaced
/// by 2^100000·(1 + 2^-127), above every format.
extension MPFRReference {
    /// What MPFR read.
    enum ReadText {
        case nan(negative: Bool)
        case infinity(negative: Bool)
        case zero(negative: Bool)
        /// `|x|`, rounded to odd at 128 bits, is in `w.text`.
        case finite(negative: Bool)
    }

    /// Reads the whole of `text` (surrounding spaces, tabs, CR and LF ignored) with `mpfr_strtofr`,
    /// base 0; `nil` when MPFR does not read all of it as one number. Wide range must be active.
    static func read(_ text: String, _ w: Workspace) -> ReadText? {
        let space: Set<Character> = [" ", "\t", "\r", "\n", "\u{0B}", "\u{0C}", "\r\n"]
        var t = Substring(text)
        while let c = t.first, space.contains(c) { t.removeFirst() }
        while let c = t.last, space.contains(c) { t.removeLast() }
        guard !t.isEmpty, !t.utf8.contains(0) else { return nil }
        let negative = t.first == "-"
        return String(t).withCString { start -> ReadText? in
            var end: UnsafeMutablePointer<CChar>? = nil
            let ternary = mpfr_strtofr(w.text, start, &end, 0, MPFR_RNDZ)
            guard let end, end == UnsafeMutablePointer(mutating: start) + strlen(start) else { return nil }
            if mpfr_nan_p(w.text) != 0 { return .nan(negative: negative) }
            let signBit = mpfr_signbit(w.text) != 0
            if mpfr_inf_p(w.text) != 0 { return .infinity(negative: signBit) }
            if mpfr_zero_p(w.text) != 0 {
                if ternary == 0 { return .zero(negative: signBit) }
                mpfr_set_ui_2exp(w.text, 1, -2000, MPFR_RNDN)  // below MPFR's range: a tiny stand-in
                return .finite(negative: signBit)
            }
            mpfr_abs(w.text, w.text, MPFR_RNDN)
            if mpfr_get_exp(w.text) > 100_000 {
                // Far above every format (MPFR's RNDZ overflow gives its greatest number, whose RNDA
                // rounding would be ∞): an inexact stand-in that every rule overflows the same way.
                mpfr_set_ui_2exp(w.text, 1, 100_000, MPFR_RNDN)
                mpfr_nextabove(w.text)
                return .finite(negative: signBit)
            }
            if ternary != 0 && mpfr_min_prec(w.text) < mpfr_get_prec(w.text) {
                mpfr_nextabove(w.text)  // round to odd: the exact value lies strictly above
            }
            return .finite(negative: signBit)
        }
    }

    /// The correctly rounded conversion of number text into `format` under each (rounding, overflow)
    /// pair, reading the text once; `nil` when MPFR does not read the text as a number.
    ///
    /// Accepts what `mpfr_strtofr` accepts in base 0 (decimal with `e` exponents, `0x` hexadecimal
    /// with `p` exponents, `inf`, `infinity`, `nan`, a sign, and MPFR's own extras such as `0b`
    /// binary, `@inf@` and `nan(…)`), with surrounding white space. NaN, ±∞ and ±0 follow the same
    /// rules as the `Double` conversion.
    ///
    /// ```swift
    /// convert(text: "1.0625000000000000001", to: e4m3fn, rules: [(.nearestEven, .none)])  // [1.125 [inexact]]
    /// ```
    public static func convert(
        text: String, to format: ReferenceFormat, rules: [(rounding: ReferenceRounding, overflow: ReferenceOverflow)]
    ) -> [ReferenceResult]? {
        let w = Workspace.current
        let plan = w.plan(for: format)
        guard plan.problem == nil else { return rules.map { _ in invalidFormatResult } }
        let saved = SavedRange()
        defer { saved.restore() }
        guard let r = read(text, w) else { return nil }
        switch r {
        case .nan(let negative):
            return rules.map { specialInput(negative ? -Double.nan : .nan, plan, $0.overflow)! }
        case .infinity(let negative):
            return rules.map { specialInput(negative ? -.infinity : .infinity, plan, $0.overflow)! }
        case .zero(let negative):
            return rules.map { specialInput(negative ? -0.0 : 0.0, plan, $0.overflow)! }
        case .finite(let negative):
            w.usePrecision(plan.precision)
            return rules.map { round(w.text, negative: negative, rounding: $0.rounding, overflow: $0.overflow, plan, w) }
        }
    }

    /// The correctly rounded conversion of number text into `format`; `nil` when MPFR does not read
    /// the text as a number (see ``convert(text:to:rules:)``).
    public static func convert(
        text: String, to format: ReferenceFormat, rounding: ReferenceRounding, overflow: ReferenceOverflow
    ) -> ReferenceResult? {
        convert(text: text, to: format, rules: [(rounding, overflow)])?.first
    }

    /// Stochastic rounding (P3109 variant A, B or C with `randomBits` random bits, the low bits of
    /// `random`) of number text, as ``convertStochastic(_:to:variant:randomBits:random:overflow:)``
    /// does for a `Double`; `ν` is computed from the text's value rounded to odd at 128 bits, so the
    /// decision is exact whenever `ν · 2^(N+1)` is decided by its first 127 − (M + 1) bits. `nil`
    /// when MPFR does not read the text as a number.
    public static func convertStochastic(
        text: String, to format: ReferenceFormat,
        variant: ReferenceStochastic, randomBits: Int, random: UInt64,
        overflow: ReferenceOverflow
    ) -> ReferenceResult? {
        guard (0...64).contains(randomBits) else { return invalidFormatResult }
        let w = Workspace.current
        let plan = w.plan(for: format)
        guard plan.problem == nil else { return invalidFormatResult }
        let saved = SavedRange()
        defer { saved.restore() }
        guard let r = read(text, w) else { return nil }
        switch r {
        case .nan(let negative): return specialInput(negative ? -Double.nan : .nan, plan, overflow)
        case .infinity(let negative): return specialInput(negative ? -.infinity : .infinity, plan, overflow)
        case .zero(let negative): return specialInput(negative ? -0.0 : 0.0, plan, overflow)
        case .finite(let negative):
            w.usePrecision(plan.precision)
            return stochastic(w.text, negative: negative, overflow, plan, w,
                              decide: variantDecision(variant, randomBits: randomBits, random: random))
        }
    }

    // MARK: Exact decimal printing

    /// The exact decimal value of `significand · 2^exponent` (`significand` nonzero, the value within
    /// 2^-1200 … 2^1100), as MPFR prints it (`mpfr_get_str`, base 10, with more digits than the
    /// value has, so without rounding): the significant digits without trailing zeros and the decimal
    /// exponent `e` with value `= 0.d₁d₂… · 10^e`.
    ///
    /// ```swift
    /// exactDecimal(significand: 5, exponent: -4)   // ("3125", 0): 0.3125
    /// ```
    public static func exactDecimal(significand: UInt64, exponent: Int) -> (digits: String, exponent: Int) {
        let w = Workspace.current
        let saved = SavedRange()
        defer { saved.restore() }
        mpfr_set_ui_2exp(w.wide, UInt(significand), exponent, MPFR_RNDN)  // exact: 64 bits
        return digits(w.wide)
    }

    /// The exact decimal value of a finite nonzero `x` (sign ignored), as ``exactDecimal(significand:exponent:)``.
    public static func exactDecimal(_ x: Double) -> (digits: String, exponent: Int) {
        let w = Workspace.current
        let saved = SavedRange()
        defer { saved.restore() }
        mpfr_set_d(w.wide, x.magnitude, MPFR_RNDN)
        guard mpfr_number_p(w.wide) != 0 else { return ("", 0) }
        return digits(w.wide)
    }

    /// The exact decimal value of `(a + b) / 2` for finite `a`, `b` (not both zero; signs ignored),
    /// computed exactly by MPFR at 2200 bits.
    public static func exactDecimal(midpointOf a: Double, _ b: Double) -> (digits: String, exponent: Int) {
        let w = Workspace.current
        let saved = SavedRange()
        defer { saved.restore() }
        mpfr_set_d(w.wide, a.magnitude, MPFR_RNDN)
        mpfr_set_d(w.code, b.magnitude, MPFR_RNDN)
        mpfr_add(w.wide, w.wide, w.code, MPFR_RNDN)  // exact: the sum of two Doubles has < 2200 bits
        mpfr_div_2ui(w.wide, w.wide, 1, MPFR_RNDN)
        guard mpfr_number_p(w.wide) != 0 else { return ("", 0) }
        return digits(w.wide)
    }

    /// `mpfr_get_str` with `count` digits (rounded with `rnd`; by default exactly as many as the
    /// value has: `⌊log10 x⌋ + 1` plus one per binary place after the point), trailing zeros removed.
    static func digits(_ x: MP, count: Int? = nil, _ rnd: mpfr_rnd_t = MPFR_RNDN) -> (digits: String, exponent: Int) {
        var e: mpfr_exp_t = 0
        var count = count ?? 0
        if count == 0 {
            guard let p = mpfr_get_str(nil, &e, 10, 1, x, MPFR_RNDZ) else { return ("", 0) }
            mpfr_free_str(p)
            let lsb = mpfr_get_exp(x) - mpfr_min_prec(x)  // x = odd · 2^lsb
            count = max(1, e + max(0, -lsb))
        }
        guard let p = mpfr_get_str(nil, &e, 10, count, x, rnd) else { return ("", 0) }
        defer { mpfr_free_str(p) }
        var s = String(cString: p)
        if s.hasPrefix("-") { s.removeFirst() }
        while s.count > 1 && s.hasSuffix("0") { s.removeLast() }
        return (s, e)
    }

    /// The least number of significant digits `d` (1 … 17) for which a `d`-digit decimal reads back
    /// to `code`'s value: MPFR prints the value with `d` digits rounded down and rounded up
    /// (`mpfr_get_str` with `MPFR_RNDD` / `MPFR_RNDU`, the two `d`-digit neighbours), and each is
    /// read back with ``convert(text:to:rounding:overflow:)`` (nearest even, overflow `none`). `nil`
    /// for NaN, ±∞ and zero codes, and when no `d ≤ 17` works. Also returns the candidate strings
    /// of that length that read back.
    public static func shortestDigits(ofCode code: UInt64, in format: ReferenceFormat) -> (count: Int, readBack: [String])? {
        let v = value(ofCode: code, in: format)
        guard v.isFinite, v != 0 else { return nil }
        for d in 1...17 {
            var good: [String] = []
            for rnd in [MPFR_RNDD, MPFR_RNDU] {
                let (digits, e) = printed(v.magnitude, count: d, rnd)
                let text = (v < 0 ? "-" : "") + "0." + digits + "e" + String(e)
                if let r = convert(text: text, to: format, rounding: .nearestEven, overflow: .none),
                   r.flags.isDisjoint(with: [.overflow, .invalid]), r.value.bitPattern == v.bitPattern {
                    good.append(text)
                }
            }
            if !good.isEmpty { return (d, good) }
        }
        return nil
    }

    private static func printed(_ x: Double, count: Int, _ rnd: mpfr_rnd_t) -> (digits: String, exponent: Int) {
        let w = Workspace.current
        let saved = SavedRange()
        defer { saved.restore() }
        mpfr_set_d(w.wide, x, MPFR_RNDN)
        return digits(w.wide, count: count, rnd)
    }
}
#endif
