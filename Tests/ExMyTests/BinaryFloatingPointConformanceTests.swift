import Foundation
import Testing
@testable import ExMy

/// `BinaryFloatingPoint`'s non-arithmetic members on every code of the typed catalog formats,
/// against expectations computed from the exact `Double` values (decode) and the sorted value
/// list — not from the members under test.
struct BinaryFloatingPointConformanceTests {
    static func eachTypedFormat(_ body: (any ExMyFormat.Type) -> Void) {
        TypedArithmeticTests.eachSmallFormat(body)
        for t: any ExMyFormat.Type in [ExMyFormats.Binary16.self, ExMyFormats.BFloat16.self] { body(t) }
    }

    /// Every code of a typed format (all 2^K for K ≤ 16).
    static func all<F: ExMyFormat>(_: F.Type) -> [ExMy<F>] {
        (0..<min(F.format.codeCount, 1 << 16)).map { ExMy<F>(bitPattern: F.BitPattern($0)) }
    }

    @Test func fieldsExponentSignificandBinade() {
        Self.eachTypedFormat { check($0) }
        func check<F: ExMyFormat>(_: F.Type) {
            let f = F.format
            #expect(ExMy<F>.exponentBitCount == f.exponentBitCount && ExMy<F>.significandBitCount == f.significandBitCount)
            #expect(ExMy<F>.radix == 2)
            for x in Self.all(F.self) {
                let v = x.doubleValue
                // Fields round-trip every code (MXINT8's −2.0 included).
                let y = ExMy<F>(sign: x.sign, exponentBitPattern: x.exponentBitPattern, significandBitPattern: x.significandBitPattern)
                #expect(y.bitPattern == x.bitPattern, "\(f) fields of 0x\(String(UInt64(x.bitPattern), radix: 16))")
                guard v.isFinite, v != 0 else {
                    #expect(x.significandWidth == -1)
                    if v.isNaN { #expect(x.binade.isNaN == f.specials.hasNaN && x.exponent == .max) }
                    if v == 0 { #expect(x.exponent == .min && x.binade.doubleValue == 0) }
                    continue
                }
                let m = v.magnitude
                let e = Int(m.exponent)
                #expect(x.exponent == e, "\(f) exponent of \(v)")
                // The significand, rounded into the format where it is not a value (FP3 E1M1's 3 = 1.5·2).
                let exactSignificand = m / Double(sign: .plus, exponent: e, significand: 1)
                let significandCode = f.encode(exactSignificand, rounding: F.defaultRounding, overflow: F.defaultOverflow).code
                #expect(x.significand.bitPattern == F.BitPattern(significandCode), "\(f) significand of \(v)")
                #expect(x.binade.doubleValue == (v < 0 ? -1 : 1) * Double(sign: .plus, exponent: e, significand: 1), "\(f) binade of \(v)")
                #expect(x.significandWidth == m.significandWidth, "\(f) significandWidth of \(v)")
                // The FloatingPoint law: (sign, exponent, significand) rebuilds the value.
                let z = ExMy<F>(sign: x.sign, exponent: x.exponent, significand: x.significand)
                if x.significand.doubleValue == exactSignificand { #expect(z.doubleValue == v, "\(f) init(sign:exponent:significand:) of \(v)") }
                // What the standard library's generic conversions read: normal values are
                // (2^M + significandBitPattern)·2^(exponent−M); subnormal ones bits·2^(exponent−L).
                let bits = Double(x.significandBitPattern)
                let rebuilt = x.isNormal
                    ? (Double(sign: .plus, exponent: f.significandBitCount, significand: 1) + bits) * Double(sign: .plus, exponent: e - f.significandBitCount, significand: 1)
                    : bits * Double(sign: .plus, exponent: e - (63 - x.significandBitPattern.leadingZeroBitCount), significand: 1)
                #expect(rebuilt == m, "\(f) field decomposition of \(v)")
                #expect(x.isNormal != x.isSubnormal)
            }
        }
    }

    /// `ulp` (as an exact Double), `pi`, the limits, against the sorted list of values.
    @Test func ulpPiAndLimitsFromTheValueList() {
        Self.eachTypedFormat { check($0) }
        func check<F: ExMyFormat>(_: F.Type) {
            let f = F.format
            let finite = Self.all(F.self).filter { $0.isFinite }.map(\.doubleValue)
            let positive = Array(Set(finite.filter { $0 >= 0 }.map(\.magnitude))).sorted()
            for (i, m) in positive.enumerated() where i + 1 < positive.count {
                let x = ExMy<F>(m)
                // The gap above |x| on the grid is its ulp (the last value of a binade included:
                // the next one is the power of two one ulp above it).
                #expect(x.ulpValue == positive[i + 1] - m, "\(f) ulp of \(m)")
            }
            let below = positive.filter { $0 <= Double.pi }
            #expect(ExMy<F>.pi.doubleValue == (below.last ?? positive.first!), "\(f) pi")
            #expect(ExMy<F>.greatestFiniteMagnitude.doubleValue == positive.last!)
            #expect(ExMy<F>.leastNonzeroMagnitude.doubleValue == positive.first { $0 > 0 }!)
        }
    }

    /// The special-value table of `ExMy+BinaryFloatingPoint.swift`, per policy, with no trap.
    @Test func specialValuesPerPolicy() {
        // ieee: everything exists.
        #expect(Float8E5M2.infinity.isInfinite && Float8E5M2.nan.isNaN && (-Float8E5M2.infinity).doubleValue == -.infinity)
        #expect(Float8E5M2.signalingNaN.isNaN && !Float8E5M2.signalingNaN.isSignalingNaN)
        #expect((-Float8E5M2(0)).bitPattern == 0x80)
        // fn: no ∞ → NaN; −0 exists.
        #expect(Float8E4M3FN.infinity.isNaN && !Float8E4M3FN.infinity.isInfinite)
        #expect((-Float8E4M3FN(0)).bitPattern == 0x80 && (-Float8E4M3FN.nan).bitPattern == 0xFF)
        // fnuz / P3109 finite: no ∞ → NaN; no −0: −0 is +0; the single NaN is its own negation.
        #expect(Float8E4M3FNUZ.infinity.isNaN && (-Float8E4M3FNUZ(0)).bitPattern == 0)
        #expect((-Float8E4M3FNUZ.nan).isNaN && Float8E4M3FNUZ.nan.magnitude.isNaN)
        // P3109 extended: ±∞ exist, no −0.
        #expect(Binary8P3SE.infinity.isInfinite && (-Binary8P3SE.infinity).doubleValue == -.infinity)
        #expect((-Binary8P3SE(0)).bitPattern == 0 && (-Binary8P3SE.nan).isNaN)
        // none: no NaN → code 0 (+0); no ∞ → the greatest value.
        #expect(Float4E2M1FN.nan.bitPattern == 0 && !Float4E2M1FN.nan.isNaN)
        #expect(Float4E2M1FN.infinity.doubleValue == 6 && (-Float4E2M1FN.infinity).doubleValue == -6)
        #expect((-Float4E2M1FN(0)).bitPattern == 0x8)
        // Unsigned: negating a nonzero value has no code → NaN (E8M0, UE4M3); zero stays +0.
        #expect((-Float8E8M0FNU(4)).isNaN && (-FloatUE4M3(2)).isNaN && (-FloatUE4M3(0)).bitPattern == 0)
        #expect(Float8E8M0FNU.zero.doubleValue == 0x1p-127)  // no zero: the least value
        #expect((Float8E8M0FNU(4) - Float8E8M0FNU(4)).isNaN)  // an exact zero has no code
        #expect(Float8E8M0FNU.infinity.isNaN)
        // Two's complement: −(−2) overflows to the greatest value; no NaN, no ∞.
        #expect((-MXInt8(-2.0)).doubleValue == 127.0 / 64 && MXInt8(-2.0).magnitude.doubleValue == 127.0 / 64)
        #expect(MXInt8.nan.bitPattern == 0 && MXInt8.infinity.doubleValue == 127.0 / 64)
        #expect(Float8E4M3FN(-3).floatingPointClass == .negativeNormal && Float8E5M2.infinity.floatingPointClass == .positiveInfinity)
    }

    /// Negation and magnitude on every code: the exact negated value where the format has it,
    /// else the conversion of the exact value with the default rules.
    @Test func negationAndMagnitudeOnEveryCode() {
        Self.eachTypedFormat { check($0) }
        func check<F: ExMyFormat>(_: F.Type) {
            let f = F.format
            for x in Self.all(F.self) {
                let v = x.doubleValue
                let n = -x
                var negated = x
                negated.negate()
                #expect(negated.bitPattern == n.bitPattern)
                if v.isNaN {
                    #expect(n.isNaN, "\(f) -NaN")
                    if f.signedness == .signMagnitude && (f.specials == .ieee || f.specials == .fn) { #expect(n.sign != x.sign) }
                    continue
                }
                let expected = f.encode(-v, rounding: F.defaultRounding, overflow: F.defaultOverflow)
                #expect(n.bitPattern == F.BitPattern(expected.code) || (n.isNaN && f.classify(expected.code) == .nan) || (x.isZero && n.isZero), "\(f) -(\(v))")
                if f.signedness == .signMagnitude { #expect((-n).bitPattern == x.bitPattern || x.isZero, "\(f) --x") }
                let m = x.magnitude
                let mExpected = f.encode(v.magnitude, rounding: F.defaultRounding, overflow: F.defaultOverflow)
                #expect(m.doubleValue == f.decode(mExpected.code) || (m.isNaN && f.classify(mExpected.code) == .nan), "\(f) |\(v)|")
                #expect(ExMy<F>(signOf: -1, magnitudeOf: x).doubleValue == (-m).doubleValue || !f.specials.hasNaN || f.signedness != .signMagnitude)
            }
        }
    }

    /// minimum/maximum(Magnitude) follow Swift's rules (IEEE 754-2008 minNum …) on exact values.
    @Test func minimumMaximumOnEveryPair() {
        for t: any ExMyFormat.Type in [ExMyFormats.E4M3FN.self, ExMyFormats.E4M3FNUZ.self, ExMyFormats.MXINT8.self, ExMyFormats.E2M1FN.self, ExMyFormats.E8M0FNU.self] { check(t) }
        func check<F: ExMyFormat>(_: F.Type) {
            let all = Self.all(F.self)
            for x in all { for y in all {
                let a = x.doubleValue, b = y.doubleValue
                func same(_ r: ExMy<F>, _ d: Double) -> Bool { r.isNaN ? d.isNaN : r.doubleValue == d }
                #expect(same(ExMy<F>.minimum(x, y), Double.minimum(a, b)))
                #expect(same(ExMy<F>.maximum(x, y), Double.maximum(a, b)))
                #expect(same(ExMy<F>.minimumMagnitude(x, y), Double.minimumMagnitude(a, b)))
                #expect(same(ExMy<F>.maximumMagnitude(x, y), Double.maximumMagnitude(a, b)))
                #expect((x <= y) == (a <= b) && (x > y) == (a > b) && (x >= y) == (a >= b) && x.isEqual(to: y) == (a == b))
            } }
        }
    }

    /// Integers in, exactly or rounded; Strideable; hashing of ±0.
    @Test func integersStrideableHashing() {
        Self.eachTypedFormat { check($0) }
        func check<F: ExMyFormat>(_: F.Type) {
            let f = F.format
            for i in -300...300 {
                var g = CounterRandomGenerator(seed: 0, index: 0)
                let e = f.encode(integer: i, rounding: F.defaultRounding, overflow: F.defaultOverflow, random: &g)
                let x = ExMy<F>(i)
                #expect(x.bitPattern == F.BitPattern(e.code) || (x.isNaN && f.classify(e.code) == .nan), "\(f) init(\(i))")
                let exact = ExMy<F>(exactly: i)
                #expect((exact != nil) == (e.status.isEmpty), "\(f) init?(exactly: \(i))")
                if let exact { #expect(exact.doubleValue == Double(i)) }
            }
            let one = ExMy<F>(1), two = ExMy<F>(2)
            if one.doubleValue == 1 && two.doubleValue == 2 {
                #expect(one.distance(to: two).doubleValue == 1 && one.advanced(by: one).doubleValue == 2)
            }
            #expect(ExMy<F>(0.0).hashValue == ExMy<F>(-0.0).hashValue)
        }
    }
}
