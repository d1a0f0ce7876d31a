import Foundation
import Testing
@testable import ExMy

/// Addition, subtraction and multiplication against independent oracles: `Float` hardware
/// arithmetic for fp32, `Float16` for fp16, and, for small formats, every pair of codes under every
/// deterministic rule and overflow rule against `BruteForceReference` (the exact sum or product of
/// two small-format values is a `Double`, so the expectation is the reference conversion of it).
struct ArithmeticBasicOperationTests {
    typealias Support = ArithmeticTestSupport

    /// Random Float operands with every exponent, and the edge values.
    static func floatOperands(count: Int, seed: UInt64) -> [Float] {
        var g = SplitMix64(seed: seed)
        var xs: [Float] = [0, -0.0, 1, -1, .infinity, -.infinity, .nan, .greatestFiniteMagnitude, -.greatestFiniteMagnitude,
                           .leastNormalMagnitude, .leastNonzeroMagnitude, -.leastNonzeroMagnitude, Float.leastNormalMagnitude.nextDown,
                           1.5, 3, 0.1, 1e30, -1e-30]
        while xs.count < count {
            let bits = UInt32(truncatingIfNeeded: g.next())
            var x = Float(bitPattern: bits)
            // Half of them near 1 so that sums cancel and round in interesting ways.
            if g.next() & 1 == 0 { x = Float(sign: x.sign, exponent: Int(g.next() % 60) - 30, significand: Float(bitPattern: (bits & 0x007F_FFFF) | 0x3F80_0000)) }
            xs.append(x)
        }
        return xs
    }

    static func sameFloat(_ code: UInt64, _ expected: Float) -> Bool {
        expected.isNaN ? Float(bitPattern: UInt32(code)).isNaN : UInt32(code) == expected.bitPattern
    }

    @Test func fp32MatchesFloatHardware() {
        let f = FloatFormat.fp32
        let xs = Self.floatOperands(count: 400, seed: 1)
        let ys = Self.floatOperands(count: 400, seed: 2)
        var failures = 0
        for x in xs {
            for y in ys {
                let dx = Double(x), dy = Double(y)
                if !Self.sameFloat(f.add(dx, dy).code, x + y) { failures += 1 }
                if !Self.sameFloat(f.subtract(dx, dy).code, x - y) { failures += 1 }
                if !Self.sameFloat(f.multiply(dx, dy).code, x * y) { failures += 1 }
                if failures > 0 && failures < 5 { Issue.record("fp32 mismatch for \(x), \(y)") }
            }
        }
        #expect(failures == 0)
    }

    /// Neighbouring magnitudes cancel: x − nextUp/nextDown(x) and x + (−x·(1 ± ulp)) for many x.
    @Test func fp32CancellationMatchesFloatHardware() {
        let f = FloatFormat.fp32
        var g = SplitMix64(seed: 3)
        for _ in 0..<20_000 {
            let x = Float(bitPattern: UInt32(truncatingIfNeeded: g.next()) & 0x7FFF_FFFF)
            guard x.isFinite else { continue }
            let shift = Int(g.next() % 40)
            var y = x
            for _ in 0..<(shift % 4) { y = y.nextUp }
            let z = Float(sign: .plus, exponent: x.exponent - shift, significand: 1.25)
            for (a, b) in [(x, y), (x, x.nextDown), (x, z), (z, x), (x, -y)] {
                #expect(Self.sameFloat(f.subtract(Double(a), Double(b)).code, a - b), "\(a) - \(b)")
                #expect(Self.sameFloat(f.add(Double(a), Double(b)).code, a + b), "\(a) + \(b)")
            }
        }
    }

    /// Every rule (stochastic ones with the same random stream) on fp32, fp16 and E4M3: the
    /// operation equals the conversion of the exact result whenever that result is a `Double`
    /// (products of two Floats always; sums when the two-sum error term is zero). The conversion is
    /// the one the MPFR cross-check verifies.
    @Test(arguments: [FloatFormat.fp32, .fp16, .e4m3fn, .e5m2fnuz])
    func everyRuleEqualsConversionOfExactDoubleResult(format f: FloatFormat) {
        let xs = Self.floatOperands(count: 120, seed: 5), ys = Self.floatOperands(count: 120, seed: 6)
        let rules = RoundingRule.deterministicRules + [.stochastic, .stochasticA(bits: 7), .stochasticB(bits: 13), .stochasticC(bits: 2)]
        var g = SplitMix64(seed: 7)
        var failures = 0
        for x in xs {
            for y in ys where x.isFinite && y.isFinite {
                let dx = Double(x), dy = Double(y)
                let product = dx * dy
                let sum = dx + dy
                let bv = sum - dx, av = sum - bv
                let sumIsExact = (dx - av) + (dy - bv) == 0 && sum.isFinite
                for rule in rules {
                    for overflow in Support.overflowRules {
                        let seed = g.next()
                        var a = SplitMix64(seed: seed), b = SplitMix64(seed: seed)
                        if product != 0 && f.multiply(dx, dy, rounding: rule, overflow: overflow, random: &a) != f.encode(product, rounding: rule, overflow: overflow, random: &b) {
                            failures += 1
                            if failures < 6 { Issue.record("\(f) \(x) * \(y) \(rule) \(overflow)") }
                        }
                        a = SplitMix64(seed: seed); b = SplitMix64(seed: seed)
                        if sumIsExact && sum != 0 && f.add(dx, dy, rounding: rule, overflow: overflow, random: &a) != f.encode(sum, rounding: rule, overflow: overflow, random: &b) {
                            failures += 1
                            if failures < 6 { Issue.record("\(f) \(x) + \(y) \(rule) \(overflow)") }
                        }
                    }
                }
            }
        }
        #expect(failures == 0)
    }

    #if !((os(macOS) || targetEnvironment(macCatalyst)) && arch(x86_64))
    @Test func fp16MatchesFloat16() {
        let f = FloatFormat.fp16
        var g = SplitMix64(seed: 4)
        var failures = 0
        for _ in 0..<200_000 {
            let x = Float16(bitPattern: UInt16(truncatingIfNeeded: g.next()))
            let y = Float16(bitPattern: UInt16(truncatingIfNeeded: g.next()))
            let dx = Double(x), dy = Double(y)
            for (code, expected) in [(f.add(dx, dy).code, x + y), (f.subtract(dx, dy).code, x - y), (f.multiply(dx, dy).code, x * y)] {
                let ok = expected.isNaN ? Float16(bitPattern: UInt16(code)).isNaN : UInt16(code) == expected.bitPattern
                if !ok { failures += 1; if failures < 5 { Issue.record("fp16 mismatch for \(x), \(y)") } }
            }
        }
        #expect(failures == 0)
    }
    #endif

    /// Every pair of codes of every small format, every deterministic rule and overflow rule.
    @Test(arguments: ArithmeticTestSupport.smallFormats)
    func smallFormatsMatchReferenceRounding(format f: FloatFormat) {
        let reference = BruteForceReference(f)
        let values = Support.values(f)
        var failures = 0
        for x in values {
            for y in values {
                for rule in RoundingRule.deterministicRules {
                    for overflow in Support.overflowRules {
                        // Sums and products of small-format values are exact Doubles; the IEEE zero
                        // sign of an exact cancellation is +0 (−0 rounding down).
                        var sum = x + y, difference = x - y
                        if x.isFinite && y.isFinite {
                            if sum == 0 && !(x == 0 && y == 0) { sum = rule == .down ? -0.0 : 0.0 }
                            if difference == 0 && !(x == 0 && y == 0) { difference = rule == .down ? -0.0 : 0.0 }
                            if x == 0 && y == 0 && x.sign != y.sign { sum = rule == .down ? -0.0 : 0.0 }
                            if x == 0 && y == 0 && x.sign == y.sign { difference = rule == .down ? -0.0 : 0.0 }
                        }
                        let cases: [(FloatFormat.Encoded, Double, String)] = [
                            (f.add(x, y, rounding: rule, overflow: overflow), sum, "+"),
                            (f.subtract(x, y, rounding: rule, overflow: overflow), difference, "-"),
                            (f.multiply(x, y, rounding: rule, overflow: overflow), x * y, "*"),
                        ]
                        for (r, exact, op) in cases {
                            var expected = reference.convert(exact, rule, overflow)
                            // ∞ − ∞ and 0 · ∞ are invalid operations: NaN plus the invalid flag.
                            if exact.isNaN && !x.isNaN && !y.isNaN { expected.1.insert(.invalid) }
                            if !Support.matches(r, expected, in: f) {
                                failures += 1
                                if failures < 6 {
                                    Issue.record("\(f) \(x) \(op) \(y) \(rule) \(overflow): got \(f.decode(r.code)) \(r.status), expected \(expected.0) \(expected.1)")
                                }
                            }
                        }
                    }
                }
            }
        }
        #expect(failures == 0)
    }

    /// Operands from another format, rounded into a small one: an FP8 product into FP4, with ties.
    @Test func mixedFormatOperands() {
        let reference = BruteForceReference(.e2m1fn)
        let e4m3 = Support.values(.e4m3fn).filter { $0.isFinite }
        for x in e4m3 {
            for y in [0.5, 1.5, -3, 0.09375] {
                for rule in RoundingRule.deterministicRules {
                    let r = FloatFormat.e2m1fn.multiply(x, y, rounding: rule, overflow: .saturateFinite)
                    #expect(Support.matches(r, reference.convert(x * y, rule, .saturateFinite), in: .e2m1fn), "\(x) * \(y) \(rule)")
                    let s = FloatFormat.e2m1fn.add(x, y, rounding: rule, overflow: .saturateFinite)
                    let exact = x + y == 0 ? (rule == .down ? -0.0 : 0.0) : x + y
                    #expect(Support.matches(s, reference.convert(exact, rule, .saturateFinite), in: .e2m1fn), "\(x) + \(y) \(rule)")
                }
            }
        }
    }

    /// Operands far apart: the smaller one only decides the rounding direction (sticky).
    @Test func farApartOperandsDecideDirectedRoundingOnly() {
        let f = FloatFormat.e4m3fn
        for tiny in [Double.leastNonzeroMagnitude, 0x1p-1000, 0x1p-60, 0x1p-10] {
            #expect(f.add(1, tiny).code == f.encode(1).code)
            #expect(f.add(1, tiny, rounding: .up).code == f.encode(1.125).code)
            #expect(f.add(1, -tiny, rounding: .up).code == f.encode(1).code)
            #expect(f.add(1, -tiny, rounding: .down).code == f.encode(0.9375).code)
            #expect(f.add(1, -tiny, rounding: .towardZero).code == f.encode(0.9375).code)
            #expect(f.add(1, tiny, rounding: .toOdd).code == f.encode(1.125).code)
            #expect(f.add(1, tiny).status == .inexact)
            #expect(f.multiply(tiny, 0x1p-20).code == f.encode(0).code)
            #expect(f.multiply(tiny, 0x1p-20).status == [.inexact, .underflow])
            // A tie broken by a far-away operand: 1 + 1/16 is a tie in E4M3; plus or minus tiny is not.
            #expect(f.add(1.0625, tiny).code == f.encode(1.125).code)
            #expect(f.add(1.0625, -tiny).code == f.encode(1).code)
        }
        // The same in fp32 (via Double, where 1 + 2^-60 is not representable): decided by sticky.
        #expect(FloatFormat.fp32.add(1, 0x1p-60, rounding: .up).code == UInt64(Float(1).nextUp.bitPattern))
        #expect(FloatFormat.fp32.add(0x1p-24 + 0x1p-60, 1).code == UInt64(Float(1).nextUp.bitPattern))
    }

    /// The code-level conveniences decode their operands and agree with the Double-level operations.
    @Test func codeLevelOperationsAgreeWithValueLevel() {
        let f = FloatFormat.e4m3fn
        for a in 0...f.codeMask {
            #expect(f.squareRoot(code: a) == f.squareRoot(f.decode(a)))
            for b in stride(from: 0, through: f.codeMask, by: 7) {
                let x = f.decode(a), y = f.decode(b)
                #expect(f.add(code: a, code: b, rounding: .up) == f.add(x, y, rounding: .up))
                #expect(f.subtract(code: a, code: b) == f.subtract(x, y))
                #expect(f.multiply(code: a, code: b, overflow: .saturateFinite) == f.multiply(x, y, overflow: .saturateFinite))
                #expect(f.divide(code: a, code: b) == f.divide(x, y))
                #expect(f.fusedMultiplyAdd(code: a, code: b, code: 0x38) == f.fusedMultiplyAdd(x, y, 1))
            }
        }
    }

    @Test func identitiesAndSignsOfZero() {
        for f in [FloatFormat.e4m3fn, .e5m2, .fp16, .bf16, .e2m1fn] {
            for x in Support.values(f) where x.isFinite {
                #expect(f.multiply(x, 1).code == f.encode(x).code)
                #expect(f.add(x, 0).code == f.encode(x).code || x == 0)
                #expect(f.add(x, -0.0).code == f.encode(x).code)
            }
            #expect(f.add(0, 0).code == f.encode(0.0).code)
            #expect(f.add(-0.0, -0.0).code == f.encode(-0.0).code)
            #expect(f.add(-0.0, 0).code == f.encode(0.0).code)
            #expect(f.add(-0.0, 0, rounding: .down).code == f.encode(-0.0).code)
            #expect(f.subtract(0, 0).code == f.encode(0.0).code)
            #expect(f.subtract(-0.0, 0).code == f.encode(-0.0).code)
            #expect(f.subtract(1.5, 1.5).code == f.encode(0.0).code)
            #expect(f.subtract(1.5, 1.5, rounding: .down).code == f.encode(-0.0).code)
            #expect(f.multiply(-0.0, 2).code == f.encode(-0.0).code)
            #expect(f.multiply(-0.0, -2).code == f.encode(0.0).code)
        }
    }

    @Test func specialValues() {
        let e5m2 = FloatFormat.e5m2, e4m3 = FloatFormat.e4m3fn, e2m1 = FloatFormat.e2m1fn
        // NaN operands: the format's NaN, no flag.
        #expect(e5m2.add(.nan, 1) == FloatFormat.Encoded(code: 0x7E, status: []))
        #expect(e4m3.multiply(2, -.nan) == FloatFormat.Encoded(code: 0x7F, status: []))
        // Invalid operations: NaN and the invalid flag.
        #expect(e5m2.add(.infinity, -.infinity) == FloatFormat.Encoded(code: 0x7E, status: .invalid))
        #expect(e5m2.subtract(.infinity, .infinity).status == .invalid)
        #expect(e5m2.multiply(0, -.infinity) == FloatFormat.Encoded(code: 0x7E, status: .invalid))
        // A format without NaN: encodeNaN's answer (code 0) and invalid.
        #expect(e2m1.multiply(0, .infinity) == FloatFormat.Encoded(code: 0, status: .invalid))
        // ∞ results.
        #expect(e5m2.add(.infinity, 1) == FloatFormat.Encoded(code: 0x7C, status: []))
        #expect(e5m2.multiply(-.infinity, 2) == FloatFormat.Encoded(code: 0xFC, status: []))
        #expect(e4m3.multiply(.infinity, 2) == FloatFormat.Encoded(code: 0x7F, status: .invalid))
        #expect(e4m3.multiply(.infinity, 2, overflow: .saturateFinite) == FloatFormat.Encoded(code: 0x7E, status: .inexact))
        // Finite overflow.
        #expect(e5m2.multiply(57344, 2) == FloatFormat.Encoded(code: 0x7C, status: [.overflow, .inexact]))
        #expect(e5m2.multiply(57344, 2, rounding: .towardZero) == FloatFormat.Encoded(code: 0x7B, status: [.overflow, .inexact]))
        #expect(e4m3.add(448, 32) == FloatFormat.Encoded(code: 0x7F, status: [.overflow, .inexact]))
        #expect(e4m3.add(448, 32, overflow: .saturateFinite) == FloatFormat.Encoded(code: 0x7E, status: [.overflow, .inexact]))
        #expect(e4m3.add(448, 15.99) == FloatFormat.Encoded(code: 0x7E, status: .inexact))
        // Documentation examples.
        #expect(e4m3.add(1, 0.0625).code == 0x38)
        #expect(e5m2.subtract(1, 1).code == 0x00)
        #expect(e5m2.subtract(1, 1, rounding: .down).code == 0x80)
        #expect(e2m1.multiply(1.5, 1.5).code == 0x4)
        #expect(e4m3.multiply(-0.0, 3).code == 0x80)
    }

    /// A stochastic rule rounds the exact result when it has at most 64 significant bits: the
    /// operation then draws exactly as the conversion of the exact value with the same stream.
    @Test func stochasticRulesRoundTheExactResult() {
        let f = FloatFormat.e4m3fn
        var g = SplitMix64(seed: 9)
        for _ in 0..<5_000 {
            let x = Double(Float16(bitPattern: UInt16(truncatingIfNeeded: g.next()) & 0x5FFF))
            let y = Double(Float16(bitPattern: UInt16(truncatingIfNeeded: g.next()) & 0x5FFF))
            guard x.isFinite, y.isFinite else { continue }
            for rule in [RoundingRule.stochastic, .stochasticA(bits: 3), .stochasticB(bits: 5), .stochasticC(bits: 8)] {
                let seed = g.next()
                var a = SplitMix64(seed: seed), b = SplitMix64(seed: seed)
                let exact = x * y  // an exact Double: ≤ 22 significant bits
                let r = f.multiply(x, y, rounding: rule, overflow: .saturateFinite, random: &a)
                let c = f.encode(exact, rounding: rule, overflow: .saturateFinite, random: &b)
                #expect(r == c || (exact == 0), "\(x) * \(y) \(rule)")
                var a2 = SplitMix64(seed: seed), b2 = SplitMix64(seed: seed)
                if (x + y) != 0 {
                    #expect(f.add(x, y, rounding: rule, overflow: .saturateFinite, random: &a2) == f.encode(x + y, rounding: rule, overflow: .saturateFinite, random: &b2))
                }
            }
        }
    }
}
