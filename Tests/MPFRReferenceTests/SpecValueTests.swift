#if MPFR  // the cross-checks need GNU MPFR: swift test --traits MPFR
import struct ExMy.SplitMix64
import MPFRReference
import Testing

/// Published values of the formats (OCP OFP8 v1.0, OCP MX v1.0, IEEE P3109 interim report,
/// AMD/Graphcore FNUZ), checked against the oracle's decoding and extremes.
@Suite struct SpecValueTests {
    typealias O = MPFRReference

    @Test func e4m3fnExtremesAndCodes() {
        #expect(O.greatestFiniteMagnitude(F.e4m3fn) == 448)
        #expect(O.leastNormalMagnitude(F.e4m3fn) == p2(-6))
        #expect(O.leastNonzeroMagnitude(F.e4m3fn) == p2(-9))
        #expect(O.value(ofCode: 0x7E, in: F.e4m3fn) == 448)   // S.1111.110
        #expect(O.value(ofCode: 0xFE, in: F.e4m3fn) == -448)
        #expect(O.value(ofCode: 0x38, in: F.e4m3fn) == 1)
        #expect(O.value(ofCode: 0x08, in: F.e4m3fn) == p2(-6))
        #expect(O.value(ofCode: 0x01, in: F.e4m3fn) == p2(-9))
        #expect(O.value(ofCode: 0x07, in: F.e4m3fn) == 7 * p2(-9))
        #expect(O.value(ofCode: 0x78, in: F.e4m3fn) == 256)   // 1111.000 is finite in E4M3
        #expect(O.value(ofCode: 0x7F, in: F.e4m3fn).isNaN)
        let negativeNaN = O.value(ofCode: 0xFF, in: F.e4m3fn)
        #expect(negativeNaN.isNaN && negativeNaN.sign == .minus)
        let negativeZero = O.value(ofCode: 0x80, in: F.e4m3fn)
        #expect(negativeZero == 0 && negativeZero.sign == .minus)
    }

    /// Every E4M3 code against OCP's formula `(−1)^S · 2^(E−7) · (1 + M/8)` (E > 0) or
    /// `(−1)^S · 2^−6 · M/8` (E = 0), written out with integer arithmetic here.
    @Test func e4m3fnEveryCodeMatchesTheOCPFormula() {
        for code in 0..<256 {
            let s = code >> 7, e = (code >> 3) & 15, m = code & 7
            let v = O.value(ofCode: UInt64(code), in: F.e4m3fn)
            if e == 15 && m == 7 { #expect(v.isNaN); continue }
            let magnitude = e == 0 ? Double(m) * p2(-9) : Double(8 + m) * p2(e - 10)
            let expected = s == 1 ? -magnitude : magnitude
            #expect(v.bitPattern == expected.bitPattern, "code \(code)")
        }
    }

    @Test func e5m2() {
        #expect(O.greatestFiniteMagnitude(F.e5m2) == 57344)
        #expect(O.leastNormalMagnitude(F.e5m2) == p2(-14))
        #expect(O.leastNonzeroMagnitude(F.e5m2) == p2(-16))
        #expect(O.value(ofCode: 0x7C, in: F.e5m2) == .infinity)
        #expect(O.value(ofCode: 0xFC, in: F.e5m2) == -.infinity)
        for code: UInt64 in [0x7D, 0x7E, 0x7F, 0xFD, 0xFE, 0xFF] {
            #expect(O.value(ofCode: code, in: F.e5m2).isNaN)
        }
    }

    @Test func e2m1() {
        let expected: [Double] = [0, 0.5, 1, 1.5, 2, 3, 4, 6]
        for (code, v) in expected.enumerated() {
            #expect(O.value(ofCode: UInt64(code), in: F.e2m1) == v)
            #expect(O.value(ofCode: UInt64(code) | 8, in: F.e2m1).bitPattern == (-v).bitPattern)
        }
        #expect(O.greatestFiniteMagnitude(F.e2m1) == 6)
        #expect(O.leastNonzeroMagnitude(F.e2m1) == 0.5)
    }

    @Test func e8m0() {
        #expect(O.value(ofCode: 0, in: F.e8m0) == p2(-127))
        #expect(O.value(ofCode: 127, in: F.e8m0) == 1)
        #expect(O.value(ofCode: 254, in: F.e8m0) == p2(127))
        #expect(O.value(ofCode: 0xFF, in: F.e8m0).isNaN)
        #expect(O.greatestFiniteMagnitude(F.e8m0) == p2(127))
        #expect(O.leastNonzeroMagnitude(F.e8m0) == p2(-127))
        #expect(O.leastNormalMagnitude(F.e8m0) == p2(-127))
    }

    @Test func e4m3fnuz() {
        #expect(O.greatestFiniteMagnitude(F.e4m3fnuz) == 240)
        #expect(O.leastNonzeroMagnitude(F.e4m3fnuz) == p2(-10))
        #expect(O.value(ofCode: 0x80, in: F.e4m3fnuz).isNaN)
        #expect(O.value(ofCode: 0x7F, in: F.e4m3fnuz) == 240)
        #expect(O.value(ofCode: 0xFF, in: F.e4m3fnuz) == -240)
        #expect(O.value(ofCode: 0x00, in: F.e4m3fnuz).bitPattern == 0)
    }

    @Test func p3109Binary8p4se() {
        #expect(O.greatestFiniteMagnitude(F.binary8p4se) == 224)
        #expect(O.value(ofCode: 0x7E, in: F.binary8p4se) == 224)
        #expect(O.value(ofCode: 0x7F, in: F.binary8p4se) == .infinity)
        #expect(O.value(ofCode: 0xFF, in: F.binary8p4se) == -.infinity)
        #expect(O.value(ofCode: 0x80, in: F.binary8p4se).isNaN)
        #expect(O.value(ofCode: 0x01, in: F.binary8p4se) == p2(-10))
        #expect(O.value(ofCode: 0x81, in: F.binary8p4se) == -p2(-10))
    }

    @Test func mxint8() {
        #expect(O.value(ofCode: 0x80, in: F.mxint8) == -2.0)
        #expect(O.value(ofCode: 0x7F, in: F.mxint8) == 127.0 / 64)
        #expect(O.value(ofCode: 0x01, in: F.mxint8) == 1.0 / 64)
        #expect(O.value(ofCode: 0xFF, in: F.mxint8) == -1.0 / 64)
        #expect(O.value(ofCode: 0x40, in: F.mxint8) == 1.0)
        #expect(O.value(ofCode: 0x00, in: F.mxint8).bitPattern == 0)
        #expect(O.greatestFiniteMagnitude(F.mxint8) == 127.0 / 64)
        #expect(O.leastNonzeroMagnitude(F.mxint8) == 1.0 / 64)
    }

    /// Every binary16 code decodes to what Swift's `Float16(bitPattern:)` means.
    @Test func binary16EveryCodeMatchesFloat16() {
        for bits in 0...0xFFFF {
            let expected = Double(Float16(bitPattern: UInt16(bits)))
            let v = O.value(ofCode: UInt64(bits), in: F.binary16)
            if expected.isNaN {
                #expect(v.isNaN && v.sign == expected.sign, "code \(bits)")
            } else {
                #expect(v.bitPattern == expected.bitPattern, "code \(bits)")
            }
        }
        #expect(O.greatestFiniteMagnitude(F.binary16) == Double(Float16.greatestFiniteMagnitude))
        #expect(O.leastNormalMagnitude(F.binary16) == Double(Float16.leastNormalMagnitude))
        #expect(O.leastNonzeroMagnitude(F.binary16) == Double(Float16.leastNonzeroMagnitude))
    }

    /// Every bfloat16 code is the top half of a binary32 code.
    @Test func bfloat16EveryCodeMatchesTopHalfOfFloat() {
        for bits in 0...0xFFFF {
            let expected = Double(Float(bitPattern: UInt32(bits) << 16))
            let v = O.value(ofCode: UInt64(bits), in: F.bfloat16)
            if expected.isNaN {
                #expect(v.isNaN && v.sign == expected.sign, "code \(bits)")
            } else {
                #expect(v.bitPattern == expected.bitPattern, "code \(bits)")
            }
        }
        #expect(O.greatestFiniteMagnitude(F.bfloat16) == 3.3895313892515355e38)
        #expect(O.leastNonzeroMagnitude(F.bfloat16) == p2(-133))
    }

    @Test func binary64CodesAreDoubleBitPatterns() {
        var g = SplitMix64(seed: 64)
        for _ in 0..<10_000 {
            let bits = g.next()
            let expected = Double(bitPattern: bits)
            let v = O.value(ofCode: bits, in: F.binary64)
            if expected.isNaN {
                #expect(v.isNaN && v.sign == expected.sign)
            } else {
                #expect(v.bitPattern == expected.bitPattern)
            }
        }
        #expect(O.greatestFiniteMagnitude(F.binary64) == .greatestFiniteMagnitude)
        #expect(O.leastNonzeroMagnitude(F.binary64) == .leastNonzeroMagnitude)
    }

    @Test func invalidFormatsAnswerNaN() {
        let bad: [ReferenceFormat] = [
            ReferenceFormat(exponentBits: 12, significandBits: 3, bias: 7),
            ReferenceFormat(exponentBits: 4, significandBits: 53, bias: 7),
            ReferenceFormat(exponentBits: 1, significandBits: 3, bias: 0, signedness: .twosComplement,
                            specials: .none),
            ReferenceFormat(exponentBits: 4, significandBits: 3, bias: 8, signedness: .unsigned,
                            specials: .fnuz),
            ReferenceFormat(exponentBits: 11, significandBits: 52, bias: 1000),  // max above Double
            ReferenceFormat(exponentBits: 11, significandBits: 52, bias: 1030),  // quantum below 2^-1074
            ReferenceFormat(exponentBits: 0, significandBits: 3, bias: 0, specials: .ieee),
        ]
        for f in bad {
            #expect(f.validationProblem != nil, "\(f)")
            #expect(O.value(ofCode: 0, in: f).isNaN)
            #expect(O.greatestFiniteMagnitude(f).isNaN)
            let result = O.convert(1, to: f, rounding: .nearestEven, overflow: .none)
            #expect(result.value.isNaN && result.flags == .invalid)
        }
        for f in [F.e4m3fn, F.e5m2, F.e2m1, F.e8m0, F.binary16, F.bfloat16, F.e4m3fnuz,
                  F.binary8p4se, F.mxint8, F.e3m3flush, F.binary64] {
            #expect(f.validationProblem == nil, "\(f)")
        }
    }
}
#endif
