import Foundation
import Testing
@testable import ExMy

/// Exact decimal input and exact / shortest decimal output. The expected
/// codes and strings below are worked out by hand from the formats' definitions; the MPFR
/// cross-check is in `DecimalTextCrossCheckTests`.
struct DecimalTextTests {
    /// A text just above the midpoint 1.0625 of 1 (0x38) and 1.125 (0x39) rounds up; read through
    /// `Double` it would become 1.0625 and round to even.
    @Test func nearMidpointTextRoundsOnceFromItsExactValue() {
        let f = FloatFormat.e4m3fn
        #expect(f.encode(text: "1.0625000000000000001")?.code == 0x39)
        #expect(f.encode(text: "1.0625")?.code == 0x38)  // a tie: to even
        #expect(f.encode(text: "1.06249999999999999999999")?.code == 0x38)
        #expect(f.encode(text: "1.1875")?.code == 0x3A)  // tie between 0x39 and 0x3A: to even
        #expect(f.encode(text: "1.0625" + String(repeating: "0", count: 2000) + "1")?.code == 0x39)  // beyond the 800-digit cap
        #expect(f.encode(text: "1.0624" + String(repeating: "9", count: 2000))?.code == 0x38)
        #expect(f.encode(text: "1.0625000000000000001", rounding: .towardZero)?.code == 0x38)
        #expect(Float8E4M3FN("1.0625000000000000001")?.bitPattern == 0x39)
        #expect(Float8E4M3FN("  1.0625000000000000001\r\n")?.bitPattern == 0x39)
    }

    @Test func boundariesOfHalfPrecision() {
        let f = FloatFormat.fp16
        #expect(f.encode(text: "1e400", rounding: .towardZero)?.code == 0x7BFF)
        #expect(f.encode(text: "1e400")?.code == 0x7C00)
        #expect(f.encode(text: "65519.99999999999999999999")?.code == 0x7BFF)
        #expect(f.encode(text: "65520")?.code == 0x7C00)  // the overflow threshold is a tie: to even (2^16)
        #expect(f.encode(text: "65520", rounding: .toNearestOrZero)?.code == 0x7BFF)
        #expect(f.encode(text: "5.9604644775390625e-8")?.code == 0x0001)  // 2^-24, exact
        #expect(f.encode(text: "5.9604644775390625e-8")?.status == [])
        #expect(f.encode(text: "2.98023223876953125e-8")?.code == 0x0000)  // 2^-25: a tie, to even
        #expect(f.encode(text: "2.98023223876953125000000001e-8")?.code == 0x0001)
        #expect(f.encode(text: "2.98023223876953125000000001e-8")?.status == [.inexact, .underflow])
        #expect(f.encode(text: "0x1.8p3")?.code == 0x4A00)
        #expect(f.encode(text: "0X1.8P+3")?.code == 0x4A00)
        #expect(f.encode(text: "0x18")?.code == 0x4E00)  // 24
        #expect(f.encode(text: "0x1.0020000000000000000000001p0")?.code == 0x3C01)  // above the midpoint 1 + 2^-11
        #expect(f.encode(text: "0x1.002p0")?.code == 0x3C00)  // the midpoint: to even
        #expect(f.encode(text: "-0")?.code == 0x8000)
        #expect(f.encode(text: "-0.000e-99999999999999999999")?.code == 0x8000)
        #expect(f.encode(text: "inf")?.code == 0x7C00)
        #expect(f.encode(text: "-Infinity")?.code == 0xFC00)
        #expect(f.encode(text: "+INF")?.code == 0x7C00)
        #expect(f.encode(text: "nan")?.code == 0x7E00)
        #expect(f.encode(text: "-nan")?.code == 0xFE00)
        #expect(f.encode(text: "\t1.5\r")?.code == 0x3E00)
        #expect(f.encode(text: ".5")?.code == 0x3800)
        #expect(f.encode(text: "5.")?.code == 0x4500)
    }

    /// Exponents far outside every range are read without trapping.
    @Test func absurdExponents() {
        let f = FloatFormat.fp16
        #expect(f.encode(text: "1e-999999999")?.code == 0x0000)
        #expect(f.encode(text: "1e-999999999")?.status == [.inexact, .underflow])
        #expect(f.encode(text: "1e-999999999", rounding: .up)?.code == 0x0001)
        #expect(f.encode(text: "-1e999999999999999999999")?.code == 0xFC00)
        #expect(f.encode(text: "1e+99999999999999999999999999999999999999999999", rounding: .down)?.code == 0x7BFF)
        #expect(f.encode(text: "0x1p-99999999999999999999999999", rounding: .awayFromZero)?.code == 0x0001)
        #expect(f.encode(text: "0x1p99999999999999999999999999")?.code == 0x7C00)
        #expect(f.encode(text: "0." + String(repeating: "0", count: 100_000) + "1e100000")?.code == 0x2E66)  // 0.1
        #expect(f.encode(text: "1" + String(repeating: "0", count: 100_000) + "e-100000")?.code == 0x3C00)
    }

    @Test func notNumbers() {
        for text in ["", " ", "abc", "1.5x", "0x", "0xp1", "1e", "1e+", "--1", "+-1", "1..2", "1.2.3", "0x1p", ".", ".e1",
                     "e5", "infinit", "infinityy", "nana", "1 2", "0x1.8q3", "1e5.5", "١", "1\u{0}"] {
            #expect(ExactNumber(parsing: text) == nil, "\(text)")
            #expect(FloatFormat.fp16.encode(text: text) == nil, "\(text)")
        }
        #expect(Float8E4M3FN("abc") == nil)
    }

    @Test func utf8Entry() {
        let line = Array("1.0625000000000000001\n".utf8)
        let code = line.withUnsafeBytes { bytes -> UInt64? in
            var g = SystemRandomNumberGenerator()
            return FloatFormat.e4m3fn.encode(utf8: bytes, rounding: .toNearestOrEven, overflow: .none, random: &g)?.code
        }
        #expect(code == 0x39)
        #expect(ExactNumber(parsing: "12.5"[...]) == ExactNumber(parsing: "0x19p-1"))
    }

    /// `parseNumber` keeps returning a `Double`, now read exactly.
    @Test func parseNumberStillWorks() {
        #expect(FloatFormat.parseNumber("0x1.8p3") == 12)
        #expect(FloatFormat.parseNumber(" 2.5\r") == 2.5)
        #expect(FloatFormat.parseNumber("1e400") == .infinity)
        #expect(FloatFormat.parseNumber("-nan")?.isNaN == true)
        #expect(FloatFormat.parseNumber("-nan")?.sign == .minus)
        #expect(FloatFormat.parseNumber("0.1") == 0.1)
        #expect(FloatFormat.parseNumber("2.4703282292062327e-324") == 0)  // 2^-1075: a tie, to even
        #expect(FloatFormat.parseNumber("2.4703282292062328e-324") == 0x1p-1074)
        #expect(FloatFormat.parseNumber("x") == nil)
    }

    // MARK: Printing

    /// Trailing zeros of integers ≥ 10^17 (once dropped) are printed.
    @Test func exactDescriptionOfLargeIntegers() throws {
        #expect(FloatFormat.bf16.exactDescription(ofCode: 0x5BC8) == "112589990684262400")  // 1.5625 · 2^56
        #expect(FloatFormat.fp32.exactDescription(ofCode: 0x7F7F_FFFF) == "340282346638528859811704183484516925440")
        let binary64 = try FloatFormat(exponentBitCount: 11, significandBitCount: 52)
        #expect(binary64.exactDescription(ofCode: 0x4376_3457_85D8_A000) == "100000000000000000")  // 1e17
        #expect(binary64.exactDescription(ofCode: 0x7FEF_FFFF_FFFF_FFFF).count == 309)
        #expect(binary64.exactDescription(ofCode: 0x7FEF_FFFF_FFFF_FFFF).hasPrefix("17976931348623157081452742373170435679807056752584499659891747680315726078002853876058955863276687817154045895351438246423432132688946418276846754670353751698604991057655128207624549009038932894407586850845513394230458323690322294816580855933212334827479782620414472316873817718091929988125040402618412485836"))
    }

    @Test func exactDescriptionOfSmallValues() throws {
        #expect(FloatFormat.e4m3fn.exactDescription(ofCode: 0x01) == "0.001953125")  // 2^-9
        #expect(FloatFormat.e4m3fn.exactDescription(ofCode: 0xFE) == "-448")
        #expect(FloatFormat.e4m3fn.exactDescription(ofCode: 0x80) == "-0")
        #expect(FloatFormat.e4m3fn.exactDescription(ofCode: 0x2A) == "0.3125")
        #expect(FloatFormat.mxint8.exactDescription(ofCode: 0x80) == "-2")
        let binary64 = try FloatFormat(exponentBitCount: 11, significandBitCount: 52)
        let least = binary64.exactDescription(ofCode: 1)  // 2^-1074 = 5^1074 / 10^1074
        #expect(least.hasPrefix("0.000000000000000000000000000000000000000000000000000000000000000000000000000000000000"))
        #expect(least.count == 2 + 1074)
        #expect(least.hasSuffix("5625"))
        #expect(least.drop { $0 == "0" || $0 == "." }.count == 751)  // 5^1074 has 751 digits
        #expect(binary64.exactDescription(ofCode: 0x3FB9_9999_9999_999A) == "0.1000000000000000055511151231257827021181583404541015625")
    }

    @Test func shortestDescription() throws {
        #expect(FloatFormat.e4m3fn.shortestDescription(ofCode: 0x7E) == "4.5e2")
        #expect(FloatFormat.e4m3fn.shortestDescription(ofCode: 0x2A) == "0.3")
        #expect(FloatFormat.fp16.shortestDescription(ofCode: 0x3C00) == "1")
        #expect(FloatFormat.fp16.shortestDescription(ofCode: 0x7BFF) == "6.55e4")
        #expect(FloatFormat.fp16.shortestDescription(ofCode: 0x0001) == "6e-8")
        #expect(FloatFormat.fp32.shortestDescription(ofCode: 0x3DCC_CCCD) == "0.1")
        #expect(FloatFormat.bf16.shortestDescription(ofCode: 0x5BC8) == "1.126e17")  // ulp 2^49 ≈ 5.6e14
        let binary64 = try FloatFormat(exponentBitCount: 11, significandBitCount: 52)
        #expect(binary64.shortestDescription(ofCode: 0x3FB9_9999_9999_999A) == "0.1")
        #expect(binary64.shortestDescription(ofCode: 1) == "5e-324")
        #expect(binary64.shortestDescription(ofCode: 0x7FEF_FFFF_FFFF_FFFF) == "1.7976931348623157e308")
        #expect(binary64.shortestDescription(ofCode: 0x4376_3457_85D8_A000) == "1e17")
        #expect(FloatFormat.fp16.shortestDescription(ofCode: 0x8000) == "-0")
        #expect(FloatFormat.fp16.shortestDescription(ofCode: 0xFC00) == "-inf")
    }
}
