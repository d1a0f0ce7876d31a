import Foundation
import Testing
@testable import ExMy

/// Division and square root against independent oracles: `Float` and `Double` hardware division
/// and square root (fp32, and E11M52 = binary64), `Float16` (fp16), and, for every pair of codes of
/// the small formats under every deterministic and overflow rule, `BruteForceReference` applied to
/// a stand-in for the exact quotient or root located by exact comparisons (`x` against `v·y`,
/// `x` against `v²`).
struct ArithmeticDivisionAndRootTests {
    typealias Support = ArithmeticTestSupport
    static let binary64 = try! FloatFormat(exponentBitCount: 11, significandBitCount: 52)

    /// Random Doubles: every exponent (subnormals included), and values near 1.
    static func doubleOperands(count: Int, seed: UInt64) -> [Double] {
        var g = SplitMix64(seed: seed)
        var xs: [Double] = [0, -0.0, 1, -1, 2, .infinity, -.infinity, .nan, .greatestFiniteMagnitude, .leastNormalMagnitude,
                            .leastNonzeroMagnitude, Double.leastNormalMagnitude.nextDown, 3, 0.1, -1e300, 1e-300]
        while xs.count < count {
            let bits = g.next()
            var x = Double(bitPattern: bits)
            if g.next() & 1 == 0 { x = Double(sign: x.sign, exponent: Int(g.next() % 80) - 40, significand: Double(bitPattern: (bits & 0x000F_FFFF_FFFF_FFFF) | 0x3FF0_0000_0000_0000)) }
            xs.append(x)
        }
        return xs
    }

    static func same(_ code: UInt64, _ expected: Double) -> Bool {
        expected.isNaN ? Double(bitPattern: code).isNaN : code == expected.bitPattern
    }

    static func same(_ code: UInt64, _ expected: Float) -> Bool {
        expected.isNaN ? Float(bitPattern: UInt32(code)).isNaN : UInt32(code) == expected.bitPattern
    }

    @Test func binary64MatchesDoubleHardware() {
        let f = Self.binary64
        let xs = Self.doubleOperands(count: 300, seed: 11), ys = Self.doubleOperands(count: 300, seed: 12)
        var failures = 0
        for x in xs {
            if !Self.same(f.squareRoot(x).code, x.squareRoot()) { failures += 1; Issue.record("sqrt \(x)") }
            for y in ys {
                let checks = [
                    (f.divide(x, y).code, x / y, "/"), (f.add(x, y).code, x + y, "+"), (f.subtract(x, y).code, x - y, "-"),
                    (f.multiply(x, y).code, x * y, "*"),
                ]
                for (code, expected, op) in checks where !Self.same(code, expected) {
                    failures += 1
                    if failures < 6 { Issue.record("binary64 \(x) \(op) \(y)") }
                }
            }
        }
        #expect(failures == 0)
    }

    @Test func fp32MatchesFloatHardware() {
        let f = FloatFormat.fp32
        let xs = ArithmeticBasicOperationTests.floatOperands(count: 400, seed: 13)
        let ys = ArithmeticBasicOperationTests.floatOperands(count: 400, seed: 14)
        var failures = 0
        for x in xs {
            if !Self.same(f.squareRoot(Double(x)).code, x.squareRoot()) { failures += 1; Issue.record("sqrt \(x)") }
            for y in ys where !Self.same(f.divide(Double(x), Double(y)).code, x / y) {
                failures += 1
                if failures < 6 { Issue.record("fp32 \(x) / \(y)") }
            }
        }
        #expect(failures == 0)
    }

    #if !((os(macOS) || targetEnvironment(macCatalyst)) && arch(x86_64))
    @Test func fp16MatchesFloat16() {
        let f = FloatFormat.fp16
        var failures = 0
        for bits in 0...UInt16.max {
            let x = Float16(bitPattern: bits)
            let r = f.squareRoot(Double(x)).code
            let e = x.squareRoot()
            if !(e.isNaN ? Float16(bitPattern: UInt16(r)).isNaN : UInt16(r) == e.bitPattern) { failures += 1 }
        }
        var g = SplitMix64(seed: 15)
        for _ in 0..<200_000 {
            let x = Float16(bitPattern: UInt16(truncatingIfNeeded: g.next()))
            let y = Float16(bitPattern: UInt16(truncatingIfNeeded: g.next()))
            let r = f.divide(Double(x), Double(y)).code
            let e = x / y
            if !(e.isNaN ? Float16(bitPattern: UInt16(r)).isNaN : UInt16(r) == e.bitPattern) {
                failures += 1
                if failures < 6 { Issue.record("fp16 \(x) / \(y)") }
            }
        }
        #expect(failures == 0)
    }
    #endif

    /// The reference answer for `x / y` in a small format: specials from Double (exact for them),
    /// finite nonzero quotients located by `|x|` versus `v·|y|` (exact products of small values).
    static func expectedQuotient(_ x: Double, _ y: Double, _ reference: BruteForceReference, _ rule: RoundingRule, _ overflow: OverflowRule)
        -> (BruteForceReference.Outcome, ConversionStatus)
    {
        if x.isNaN || y.isNaN { return reference.convert(.nan, rule, overflow) }
        if y == 0 || x == 0 || !x.isFinite || !y.isFinite {
            let q = x / y
            var r = reference.convert(q, rule, overflow)
            if q.isNaN { r.1.insert(.invalid) }
            if y == 0 && x != 0 && x.isFinite { r.1.insert(.divisionByZero) }
            return r
        }
        let ax = abs(x), ay = abs(y)
        let s = Support.surrogate(in: reference) { v in ax < v * ay ? -1 : ax == v * ay ? 0 : 1 }
        return reference.convert(x.sign == y.sign ? s : -s, rule, overflow)
    }

    static func expectedRoot(_ x: Double, _ reference: BruteForceReference, _ rule: RoundingRule, _ overflow: OverflowRule)
        -> (BruteForceReference.Outcome, ConversionStatus)
    {
        if x.isNaN { return reference.convert(.nan, rule, overflow) }
        if x < 0 { var r = reference.convert(.nan, rule, overflow); r.1.insert(.invalid); return r }
        if x == 0 || x.isInfinite { return reference.convert(x, rule, overflow) }
        let s = Support.surrogate(in: reference) { v in x < v * v ? -1 : x == v * v ? 0 : 1 }
        return reference.convert(s, rule, overflow)
    }

    @Test(arguments: ArithmeticTestSupport.smallFormats)
    func smallFormatsMatchReferenceRounding(format f: FloatFormat) {
        let reference = BruteForceReference(f)
        let values = Support.values(f)
        var failures = 0
        func check(_ r: FloatFormat.Encoded, _ expected: (BruteForceReference.Outcome, ConversionStatus), _ what: @autoclosure () -> String) {
            if !Support.matches(r, expected, in: f) {
                failures += 1
                if failures < 6 { Issue.record("\(f) \(what()): got \(f.decode(r.code)) \(r.status), expected \(expected.0) \(expected.1)") }
            }
        }
        for rule in RoundingRule.deterministicRules {
            for overflow in Support.overflowRules {
                for x in values {
                    check(f.squareRoot(x, rounding: rule, overflow: overflow), Self.expectedRoot(x, reference, rule, overflow), "sqrt(\(x)) \(rule) \(overflow)")
                    for y in values {
                        check(f.divide(x, y, rounding: rule, overflow: overflow), Self.expectedQuotient(x, y, reference, rule, overflow), "\(x) / \(y) \(rule) \(overflow)")
                    }
                }
            }
        }
        #expect(failures == 0)
    }

    /// Quotients and roots of other formats' values (FP16 operands into FP8 and FP4), with ties
    /// and near-ties that only exact division decides.
    @Test(arguments: [FloatFormat.e4m3fn, .e5m2, .e2m1fn, .e3m2fn])
    func wideOperandsIntoSmallFormats(format f: FloatFormat) {
        let reference = BruteForceReference(f)
        var g = SplitMix64(seed: 16)
        for _ in 0..<3_000 {
            // Operands with 11 significant bits, so v·y stays exact for grid stand-ins (≤ 6 bits).
            let x = Double(Float16(bitPattern: UInt16(truncatingIfNeeded: g.next()) & 0x7BFF)) * (g.next() & 1 == 0 ? 1 : -1)
            let y = Double(Float16(bitPattern: UInt16(truncatingIfNeeded: g.next()) & 0x7BFF))
            for rule in RoundingRule.deterministicRules {
                let r = f.divide(x, y, rounding: rule, overflow: .saturateFinite)
                let expected = Self.expectedQuotient(x, y, reference, rule, .saturateFinite)
                #expect(Support.matches(r, expected, in: f), "\(x) / \(y) \(rule): got \(f.decode(r.code)) \(r.status), expected \(expected)")
                let s = f.squareRoot(abs(x), rounding: rule, overflow: .none)
                let es = Self.expectedRoot(abs(x), reference, rule, .none)
                #expect(Support.matches(s, es, in: f), "sqrt \(abs(x)) \(rule)")
            }
        }
    }

    @Test func specialValues() {
        let e5m2 = FloatFormat.e5m2, e4m3 = FloatFormat.e4m3fn, e2m1 = FloatFormat.e2m1fn
        #expect(e5m2.divide(1, 0) == FloatFormat.Encoded(code: 0x7C, status: .divisionByZero))
        #expect(e5m2.divide(-1, 0) == FloatFormat.Encoded(code: 0xFC, status: .divisionByZero))
        #expect(e5m2.divide(1, -0.0) == FloatFormat.Encoded(code: 0xFC, status: .divisionByZero))
        #expect(e4m3.divide(1, 0) == FloatFormat.Encoded(code: 0x7F, status: [.divisionByZero, .invalid]))
        #expect(e4m3.divide(1, 0, overflow: .saturateFinite) == FloatFormat.Encoded(code: 0x7E, status: [.divisionByZero, .inexact]))
        #expect(e2m1.divide(-3, 0) == FloatFormat.Encoded(code: 0xF, status: [.divisionByZero, .invalid, .inexact]))
        #expect(FloatFormat.ue4m3.divide(-3, 0) == FloatFormat.Encoded(code: 0x7F, status: [.divisionByZero, .invalid]))
        #expect(e5m2.divide(0, 0) == FloatFormat.Encoded(code: 0x7E, status: .invalid))
        #expect(e5m2.divide(.infinity, -.infinity) == FloatFormat.Encoded(code: 0x7E, status: .invalid))
        #expect(e5m2.divide(.infinity, 0) == FloatFormat.Encoded(code: 0x7C, status: []))
        #expect(e5m2.divide(-2, .infinity) == FloatFormat.Encoded(code: 0x80, status: []))
        #expect(e5m2.divide(0, -3) == FloatFormat.Encoded(code: 0x80, status: []))
        #expect(e5m2.divide(.nan, 0) == FloatFormat.Encoded(code: 0x7E, status: []))
        #expect(FloatFormat.e4m3fnuz.divide(0, -3) == FloatFormat.Encoded(code: 0x00, status: []))
        #expect(e5m2.squareRoot(-0.0) == FloatFormat.Encoded(code: 0x80, status: []))
        #expect(e5m2.squareRoot(-1) == FloatFormat.Encoded(code: 0x7E, status: .invalid))
        #expect(e5m2.squareRoot(-.infinity) == FloatFormat.Encoded(code: 0x7E, status: .invalid))
        #expect(e5m2.squareRoot(.infinity) == FloatFormat.Encoded(code: 0x7C, status: []))
        #expect(e5m2.squareRoot(-Double.leastNonzeroMagnitude).status == .invalid)
        #expect(e2m1.squareRoot(-4) == FloatFormat.Encoded(code: 0, status: .invalid))
        // Documentation examples.
        #expect(e4m3.divide(1, 3).code == 0x2B)
        #expect(e4m3.squareRoot(2).code == 0x3B)
        #expect(e4m3.squareRoot(-0.0).code == 0x80)
        // Huge and tiny operands: quotients far outside Double's range, decided by exact division.
        #expect(e5m2.divide(.greatestFiniteMagnitude, .leastNonzeroMagnitude) == FloatFormat.Encoded(code: 0x7C, status: [.overflow, .inexact]))
        #expect(e5m2.divide(.leastNonzeroMagnitude, .greatestFiniteMagnitude, rounding: .up) == FloatFormat.Encoded(code: 0x01, status: [.inexact, .underflow]))
        #expect(Self.binary64.squareRoot(.leastNonzeroMagnitude).code == (0x1p-537 as Double).bitPattern)
        #expect(Self.binary64.squareRoot(0x1p-1073).code == (0x1p-1073 as Double).squareRoot().bitPattern)
        #expect(FloatFormat.fp32.squareRoot(.leastNonzeroMagnitude) == FloatFormat.Encoded(code: 0, status: [.inexact, .underflow]))
    }

    /// A generator that always returns the same word (the P3109 variants mask it to N bits).
    struct Constant: RandomNumberGenerator {
        var word: UInt64
        mutating func next() -> UInt64 { word }
    }

    /// P3109 variant A on inexact quotients decides from the exact ν: rounds up iff
    /// ⌊ν·2^N⌋ + R ≥ 2^N, with ⌊ν·2^N⌋ computed here from exact products (ν = (|x| − lo·|y|) /
    /// ((hi − lo)·|y|)), for N up to 62 − p.
    @Test(arguments: [1, 5, 12, 20, 40])
    func stochasticVariantADecidesFromTheExactQuotient(bits n: Int) {
        let f = FloatFormat.e4m3fn
        let values = Support.values(f).filter { $0.isFinite && $0 > 0 }
        var g = SplitMix64(seed: UInt64(n))
        for _ in 0..<4_000 {
            let x = values[Int(g.next() % UInt64(values.count))], y = values[Int(g.next() % UInt64(values.count))]
            let lo = abs(f.decode(f.divide(x, y, rounding: .towardZero, overflow: .saturateFinite).code))
            let hi = abs(f.decode(f.divide(x, y, rounding: .awayFromZero, overflow: .saturateFinite).code))
            guard lo != hi, x / y < 448 else { continue }  // exact or saturated quotients carry no ν
            let scaled = (x - lo * y) * Double(sign: .plus, exponent: n, significand: 1)  // exact
            let den = (hi - lo) * y
            var k = (scaled / den).rounded(.down)
            while k * den > scaled { k -= 1 }
            while (k + 1) * den <= scaled { k += 1 }
            let floorNu = UInt64(k)  // ⌊ν·2^N⌋
            for _ in 0..<4 {
                let r = g.next() & ((1 << UInt64(n)) - 1)
                var c = Constant(word: r)
                let code = f.divide(x, y, rounding: .stochasticA(bits: n), overflow: .saturateFinite, random: &c).code
                let expected = floorNu + r >= (1 << UInt64(n)) ? hi : lo
                #expect(f.decode(code) == expected, "\(x) / \(y), N = \(n), R = \(r)")
            }
        }
    }

    /// Stochastic rules pick one of the two neighbours of the exact quotient (the directed results).
    @Test func stochasticQuotientsAndRootsPickANeighbour() {
        let f = FloatFormat.e4m3fn
        var g = SplitMix64(seed: 17)
        for _ in 0..<5_000 {
            let x = Double(Float16(bitPattern: UInt16(truncatingIfNeeded: g.next()) & 0x5BFF))
            let y = Double(Float16(bitPattern: UInt16(truncatingIfNeeded: g.next()) & 0x5BFF))
            guard x != 0, y != 0 else { continue }
            let lo = f.divide(x, y, rounding: .towardZero, overflow: .saturateFinite).code
            let hi = f.divide(x, y, rounding: .awayFromZero, overflow: .saturateFinite).code
            for rule in [RoundingRule.stochastic, .stochasticA(bits: 4), .stochasticB(bits: 8), .stochasticC(bits: 12)] {
                let c = f.divide(x, y, rounding: rule, overflow: .saturateFinite, random: &g).code
                #expect(c == lo || c == hi)
                let r = f.squareRoot(x, rounding: rule, overflow: .saturateFinite, random: &g).code
                let rlo = f.squareRoot(x, rounding: .towardZero).code, rhi = f.squareRoot(x, rounding: .awayFromZero).code
                #expect(r == rlo || r == rhi)
            }
        }
    }
}
