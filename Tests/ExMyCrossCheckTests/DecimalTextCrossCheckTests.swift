#if MPFR  // the cross-checks need GNU MPFR: swift test --traits MPFR
import Foundation
import Testing
import ExMy
import ExMyVerification

/// Number text (decimal and hexadecimal, any length) and the decimal printers against MPFR, zero
/// mismatches allowed. The default run is a seeded subset (docs/verification.md lists the counts);
/// `EXMY_LONG=1` runs at least 10^6 strings per catalog format (10^6 random plus the near-midpoint
/// strings of 20,000 pairs), each under every deterministic rule and every overflow rule, and
/// 10^4 random strings per P3109 format.
struct DecimalTextCrossCheckTests {
    static let long = ProcessInfo.processInfo.environment["EXMY_LONG"] == "1"

    /// Custom formats: the widest (e11m52 = binary64 and neighbours), fixed point, no subnormals, no zero.
    static let customFormats: [FloatFormat] = [
        "e11m52", "e10m52", "e11m40:bias=1030", "e10m20:bias=100", "e0m52:bias=1000,specials=none", "e0m7:bias=3,specials=none", "e3m3:bias=5,subnormals=off",
        "e8m0:subnormals=off,zero=off,specials=fn,unsigned,bias=127", "e5m2:unsigned,specials=fn", "e2m0:specials=none", "e6m9:bias=40",
        "e4m3:specials=p3109-extended,bias=8", "e11m52:subnormals=off", "e1m0:specials=none", "e9m1:specials=none,bias=300",
    ].map { try! FloatFormat(parsing: $0) }

    @Test(arguments: FloatFormat.catalog + customFormats)
    func textIntoFormat(_ format: FloatFormat) {
        let longRun = Self.long && FloatFormat.catalog.contains(format)
        let inputs = longRun
            ? CrossCheck.textInputs(format, anchors: 20_000, variants: 4, count: 1_000_000, seed: 1)
            : CrossCheck.textInputs(format, anchors: 600, variants: 2, count: 1500, seed: 1)
        let r = CrossCheck.runText(format, inputs: inputs)
        #expect(r.mismatches.isEmpty, "\(r.mismatches.prefix(5))")
        #expect(r.count >= inputs.count * 24)
        print("decimal text \(format): \(inputs.count) strings, \(r.count) comparisons")
    }

    @Test(arguments: FloatFormat.p3109Family)
    func textIntoP3109(_ format: FloatFormat) {
        let inputs = CrossCheck.textInputs(format, anchors: 300, variants: 1, count: Self.long ? 10_000 : 200, seed: 2)
        let r = CrossCheck.runText(format, inputs: inputs)
        #expect(r.mismatches.isEmpty, "\(r.mismatches.prefix(5))")
        #expect(r.count >= inputs.count * 24)
    }

    @Test(arguments: [FloatFormat.e4m3fn, .e2m1fn, .e8m0fnu, .fp16, .bf16, .fp32, .mxint8, .ue4m3, customFormats[0], customFormats[4]])
    func stochasticTextIntoFormat(_ format: FloatFormat) {
        let inputs = CrossCheck.textInputs(format, anchors: 100, variants: 1, count: 300, seed: 3)
        let r = CrossCheck.runTextStochastic(format, inputs: inputs)
        #expect(r.mismatches.isEmpty, "\(r.mismatches.prefix(5))")
        #expect(r.count > 1000)
    }

    /// Every code of every catalog format of at most 16 bits; for TF32, FP32 and binary64 a seeded
    /// sample plus the boundaries. Exact printer against MPFR's exact decimal; shortest printer read
    /// back by MPFR and compared with MPFR's search for the shortest length.
    @Test(arguments: FloatFormat.catalog + [customFormats[0]])
    func printers(_ format: FloatFormat) {
        let r = CrossCheck.checkPrinting(format, codes: Self.printedCodes(format, sample: Self.long ? 1 << 20 : 1 << 12))
        #expect(r.mismatches.isEmpty, "\(r.mismatches.prefix(5))")
    }

    /// A grid of custom formats: every (E, M) with 1 + E + M ≤ 10, IEEE bias and IEEE − 3,
    /// subnormals on and off; plus wide-exponent formats sampled.
    @Test func printersOnAGrid() {
        var mismatches: [String] = [], formats = 0, codes = 0
        for width in 2...10 {
            for e in 0...min(11, width - 1) {
                let m = width - 1 - e
                let ieee = e == 0 ? 0 : (1 << (e - 1)) - 1
                for bias in [ieee, ieee - 3] {
                    for subnormals in [true, false] {
                        guard let f = try? FloatFormat(exponentBitCount: e, significandBitCount: m, bias: bias, hasSubnormals: subnormals, specials: .none) else { continue }
                        formats += 1
                        let r = CrossCheck.checkPrinting(f, codes: Array(0...f.codeMask))
                        codes += r.count
                        mismatches += r.mismatches
                    }
                }
            }
        }
        for f in Self.customFormats {
            let r = CrossCheck.checkPrinting(f, codes: Self.printedCodes(f, sample: 2000))
            codes += r.count
            mismatches += r.mismatches
        }
        #expect(formats > 50)
        #expect(codes > 10_000)
        #expect(mismatches.isEmpty, "\(mismatches.prefix(5))")
    }

    /// Every code up to 16 bits; otherwise the boundaries (least values, around 2^emin, the
    /// greatest values, each binade's first code) and a seeded sample.
    static func printedCodes(_ f: FloatFormat, sample: Int) -> [UInt64] {
        if f.bitWidth <= 16 { return Array(0...f.codeMask) }
        let m = UInt64(f.significandBitCount)
        var codes: [UInt64] = [0, 1, 2, 3, (1 << m) - 1, 1 << m, (1 << m) + 1, f.maxMagnitudeCode, f.maxMagnitudeCode - 1, f.codeMask]
        for field in 0..<(UInt64(1) << UInt64(f.exponentBitCount)) { codes += [field << m, (field << m) | 1, ((field + 1) << m) - 1] }
        var g = SplitMix64(seed: 99)
        for _ in 0..<sample { codes.append(g.next() & f.codeMask) }
        return codes.filter { $0 <= f.codeMask }
    }
}
#endif
