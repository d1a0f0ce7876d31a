import Foundation
import Testing
@testable import ExMy

/// The IEEE remainder, the truncating remainder and rounding to an integral value against
/// `Double.remainder(dividingBy:)`, `truncatingRemainder(dividingBy:)` and `rounded(_:)` (exact
/// operations in hardware/libm), for binary64 and fp32 bit for bit, and for small formats through
/// `BruteForceReference` (those results are exact Doubles, so the expectation is their conversion).
struct ArithmeticRemainderTests {
    typealias Support = ArithmeticTestSupport
    /// `x.remainder(dividingBy: y)` with a zero result given the sign of `x`, as IEEE 754 §5.3.1
    /// requires: glibc's `remainder` (which Swift calls at run time on Linux) returns −0 for some
    /// positive `x` and +0 for some negative `x` (e.g. 3.8658486304526895e-270 rem 2^-1022 gives
    /// −0). The nonzero results are exact and taken as they are.
    static func ieeeRemainder<T: BinaryFloatingPoint>(_ x: T, _ y: T) -> T {
        let r = x.remainder(dividingBy: y)
        return r == 0 ? (x.sign == .minus ? -T.zero : T.zero) : r
    }

    static let integralRules: [FloatingPointRoundingRule] = [.toNearestOrEven, .toNearestOrAwayFromZero, .towardZero, .awayFromZero, .up, .down]

    @Test func binary64MatchesDouble() {
        let f = ArithmeticDivisionAndRootTests.binary64
        let xs = ArithmeticDivisionAndRootTests.doubleOperands(count: 300, seed: 31)
        let ys = ArithmeticDivisionAndRootTests.doubleOperands(count: 300, seed: 32)
        var failures = 0
        for x in xs {
            for rule in Self.integralRules where !ArithmeticDivisionAndRootTests.same(f.roundToIntegral(x, rule).code, x.rounded(rule)) {
                failures += 1
                Issue.record("rounded(\(x), \(rule))")
            }
            for y in ys {
                if !ArithmeticDivisionAndRootTests.same(f.remainder(x, y).code, Self.ieeeRemainder(x, y)) {
                    failures += 1
                    if failures < 6 { Issue.record("remainder(\(x), \(y)): got \(Double(bitPattern: f.remainder(x, y).code)), expected \(Self.ieeeRemainder(x, y))") }
                }
                if !ArithmeticDivisionAndRootTests.same(f.truncatingRemainder(x, y).code, x.truncatingRemainder(dividingBy: y)) {
                    failures += 1
                    if failures < 6 { Issue.record("fmod(\(x), \(y))") }
                }
            }
        }
        #expect(failures == 0)
    }

    /// Exponent differences up to 2045 (dividends of up to 2098 bits), and ties of the IEEE remainder.
    @Test func hugeExponentDifferencesAndTies() {
        let f = ArithmeticDivisionAndRootTests.binary64
        var g = SplitMix64(seed: 33)
        for _ in 0..<20_000 {
            let x = Double(bitPattern: g.next() & 0x7FEF_FFFF_FFFF_FFFF)
            let y = Double(bitPattern: g.next() & 0x000F_FFFF_FFFF_FFFF | (g.next() & 1 == 0 ? 0 : 0x0010_0000_0000_0000 * (g.next() % 100)))
            guard y != 0 else { continue }
            #expect(ArithmeticDivisionAndRootTests.same(f.remainder(x, y).code, Self.ieeeRemainder(x, y)), "remainder(\(x), \(y))")
            #expect(ArithmeticDivisionAndRootTests.same(f.truncatingRemainder(x, y).code, x.truncatingRemainder(dividingBy: y)), "fmod(\(x), \(y))")
        }
        for k in 1...200 {
            let y = Double(k) * 0x1p-30
            for n in [1.5, 2.5, 3.5, -4.5, 1e6 + 0.5] {
                let x = n * y
                #expect(ArithmeticDivisionAndRootTests.same(f.remainder(x, y).code, Self.ieeeRemainder(x, y)), "remainder(\(x), \(y))")
            }
        }
    }

    @Test func fp32MatchesFloat() {
        let f = FloatFormat.fp32
        let xs = ArithmeticBasicOperationTests.floatOperands(count: 300, seed: 34)
        let ys = ArithmeticBasicOperationTests.floatOperands(count: 300, seed: 35)
        var failures = 0
        for x in xs {
            for rule in Self.integralRules where !ArithmeticDivisionAndRootTests.same(f.roundToIntegral(Double(x), rule).code, x.rounded(rule)) {
                failures += 1
            }
            for y in ys {
                if !ArithmeticDivisionAndRootTests.same(f.remainder(Double(x), Double(y)).code, Self.ieeeRemainder(x, y)) { failures += 1 }
                if !ArithmeticDivisionAndRootTests.same(f.truncatingRemainder(Double(x), Double(y)).code, x.truncatingRemainder(dividingBy: y)) { failures += 1 }
            }
        }
        #expect(failures == 0)
    }

    @Test(arguments: ArithmeticTestSupport.smallFormats)
    func smallFormatsMatchReferenceRounding(format f: FloatFormat) {
        let reference = BruteForceReference(f)
        let values = Support.values(f)
        var failures = 0
        func check(_ r: FloatFormat.Encoded, _ exact: Double, invalidIfNaN: Bool, _ rule: RoundingRule, _ overflow: OverflowRule, _ what: @autoclosure () -> String) {
            var e = reference.convert(exact, rule, overflow)
            if exact.isNaN && invalidIfNaN { e.1.insert(.invalid) }
            if !Support.matches(r, e, in: f) {
                failures += 1
                if failures < 6 { Issue.record("\(f) \(what()) \(rule) \(overflow): got \(f.decode(r.code)) \(r.status), expected \(e.0) \(e.1)") }
            }
        }
        for rule in RoundingRule.deterministicRules {
            for overflow in Support.overflowRules {
                for x in values {
                    for integral in Self.integralRules {
                        check(f.roundToIntegral(x, integral, rounding: rule, overflow: overflow), x.rounded(integral), invalidIfNaN: false, rule, overflow, "rounded(\(x), \(integral))")
                    }
                    for y in values {
                        let invalid = !x.isNaN && !y.isNaN
                        check(f.remainder(x, y, rounding: rule, overflow: overflow), Self.ieeeRemainder(x, y), invalidIfNaN: invalid, rule, overflow, "remainder(\(x), \(y))")
                        check(f.truncatingRemainder(x, y, rounding: rule, overflow: overflow), x.truncatingRemainder(dividingBy: y), invalidIfNaN: invalid, rule, overflow, "fmod(\(x), \(y))")
                    }
                }
            }
        }
        #expect(failures == 0)
    }

    /// Wide operands into a small format: the exact remainder or integral value is rounded once.
    @Test func wideOperandsRoundOnceIntoSmallFormats() {
        let reference = BruteForceReference(.e2m1fn)
        var g = SplitMix64(seed: 36)
        for _ in 0..<5_000 {
            let x = Double(Float16(bitPattern: UInt16(truncatingIfNeeded: g.next()) & 0x7BFF)) * (g.next() & 1 == 0 ? 1 : -1)
            let y = Double(Float16(bitPattern: UInt16(truncatingIfNeeded: g.next()) & 0x7BFF))
            guard y != 0 else { continue }
            for rule in RoundingRule.deterministicRules {
                let r = FloatFormat.e2m1fn.remainder(x, y, rounding: rule, overflow: .saturateFinite)
                #expect(Support.matches(r, reference.convert(Self.ieeeRemainder(x, y), rule, .saturateFinite), in: .e2m1fn), "remainder(\(x), \(y)) \(rule)")
                let t = FloatFormat.e2m1fn.roundToIntegral(x, .toNearestOrAwayFromZero, rounding: rule, overflow: .saturateFinite)
                #expect(Support.matches(t, reference.convert(x.rounded(.toNearestOrAwayFromZero), rule, .saturateFinite), in: .e2m1fn), "rounded(\(x)) \(rule)")
            }
        }
    }

    @Test func specialValuesAndExamples() {
        let e4m3 = FloatFormat.e4m3fn, e5m2 = FloatFormat.e5m2
        #expect(e4m3.remainder(7, 2).code == 0xB8)
        #expect(e4m3.remainder(5, 2).code == 0x38)
        #expect(e4m3.truncatingRemainder(7, 2).code == 0x38)
        #expect(e4m3.truncatingRemainder(-7, 2).code == 0xB8)
        #expect(e4m3.roundToIntegral(2.5, .toNearestOrEven).code == 0x40)
        #expect(e4m3.roundToIntegral(-0.25, .up).code == 0x80)
        #expect(FloatFormat.e2m1fn.roundToIntegral(4.5, .toNearestOrAwayFromZero).code == 0x6)
        #expect(e5m2.remainder(.infinity, 2) == FloatFormat.Encoded(code: 0x7E, status: .invalid))
        #expect(e5m2.remainder(2, 0) == FloatFormat.Encoded(code: 0x7E, status: .invalid))
        #expect(e5m2.truncatingRemainder(2, -0.0) == FloatFormat.Encoded(code: 0x7E, status: .invalid))
        #expect(e5m2.remainder(-2, .infinity) == FloatFormat.Encoded(code: 0xC0, status: []))
        #expect(e5m2.remainder(-4, 2) == FloatFormat.Encoded(code: 0x80, status: []))
        #expect(e5m2.remainder(.nan, 0) == FloatFormat.Encoded(code: 0x7E, status: []))
        #expect(e5m2.roundToIntegral(-.infinity, .down) == FloatFormat.Encoded(code: 0xFC, status: []))
        #expect(e4m3.roundToIntegral(.infinity, .down) == FloatFormat.Encoded(code: 0x7F, status: .invalid))
        #expect(FloatFormat.e2m1fn.remainder(1, 0) == FloatFormat.Encoded(code: 0, status: .invalid))
        // A remainder that needs rounding into the target format: 1000.5 mod 3 = 1.5 exactly, fine in
        // E2M1; 1000.25 mod 3 = 1.25, which rounds.
        #expect(FloatFormat.e2m1fn.truncatingRemainder(1000.25, 3) == FloatFormat.Encoded(code: 0x2, status: .inexact))
        #expect(FloatFormat.e2m1fn.truncatingRemainder(1000.25, 3, rounding: .up) == FloatFormat.Encoded(code: 0x3, status: .inexact))
    }
}
