import Foundation
import Testing
@testable import ExMy

/// The fused multiply-add against independent oracles: `Float.addingProduct` and
/// `Double.addingProduct` (hardware fma, `c + a·b`) for fp32 and binary64, and `BruteForceReference`
/// for small formats, where `x·y + z` of small-format values is an exact `Double`.
struct ArithmeticFusedMultiplyAddTests {
    typealias Support = ArithmeticTestSupport

    @Test func fp32MatchesFloatFusedMultiplyAdd() {
        let f = FloatFormat.fp32
        let xs = ArithmeticBasicOperationTests.floatOperands(count: 60, seed: 21)
        let ys = ArithmeticBasicOperationTests.floatOperands(count: 60, seed: 22)
        let zs = ArithmeticBasicOperationTests.floatOperands(count: 60, seed: 23)
        var failures = 0
        for x in xs { for y in ys { for z in zs {
            let expected = z.addingProduct(x, y)
            let code = f.fusedMultiplyAdd(Double(x), Double(y), Double(z)).code
            if !ArithmeticDivisionAndRootTests.same(code, expected) {
                failures += 1
                if failures < 6 { Issue.record("fp32 fma(\(x), \(y), \(z)): got \(Float(bitPattern: UInt32(code))), expected \(expected)") }
            }
        } } }
        #expect(failures == 0)
    }

    /// z cancels the product: z = −round(x·y) and its neighbours, so the result is the product's
    /// rounding error (the hardest case: massive cancellation, then a tiny exact result).
    @Test func cancellationMatchesHardware() {
        var g = SplitMix64(seed: 24)
        let f32 = FloatFormat.fp32
        let f64 = ArithmeticDivisionAndRootTests.binary64
        for _ in 0..<50_000 {
            let x = Float(bitPattern: UInt32(truncatingIfNeeded: g.next()) & 0x4FFF_FFFF | 0x0080_0000)
            let y = Float(bitPattern: UInt32(truncatingIfNeeded: g.next()) & 0x4FFF_FFFF | 0x0080_0000)
            let p = x * y
            for z in [-p, -p.nextUp, -p.nextDown, p] {
                let e = z.addingProduct(x, y)
                #expect(ArithmeticDivisionAndRootTests.same(f32.fusedMultiplyAdd(Double(x), Double(y), Double(z)).code, e), "fma(\(x), \(y), \(z))")
            }
            let dx = Double(bitPattern: g.next() & 0x4FFF_FFFF_FFFF_FFFF | 0x0010_0000_0000_0000)
            let dy = Double(bitPattern: g.next() & 0x4FFF_FFFF_FFFF_FFFF | 0x0010_0000_0000_0000)
            let dp = dx * dy
            for dz in [-dp, -dp.nextUp, -dp.nextDown, dp, dp * 0x1p-70, -dp * 0x1p-200] where dz.isFinite {
                let e = dz.addingProduct(dx, dy)
                for rule in [RoundingRule.toNearestOrEven] {
                    #expect(ArithmeticDivisionAndRootTests.same(f64.fusedMultiplyAdd(dx, dy, dz, rounding: rule).code, e), "fma(\(dx), \(dy), \(dz))")
                }
            }
        }
    }

    /// Product and addend 0 … 200 binades apart, either larger, both signs: every alignment of the
    /// 192-bit window (exact shift, the last exact shift, jamming) against hardware fma.
    @Test func everyAlignmentMatchesHardware() {
        let f64 = ArithmeticDivisionAndRootTests.binary64
        var g = SplitMix64(seed: 30)
        var failures = 0
        for _ in 0..<300 {
            let dx = Double(sign: .plus, exponent: Int(g.next() % 20), significand: Double(bitPattern: g.next() & 0x000F_FFFF_FFFF_FFFF | 0x3FF0_0000_0000_0000))
            let dy = Double(sign: .plus, exponent: -Int(g.next() % 20), significand: Double(bitPattern: g.next() & 0x000F_FFFF_FFFF_FFFF | 0x3FF0_0000_0000_0000))
            let dz = Double(bitPattern: g.next() & 0x000F_FFFF_FFFF_FFFF | 0x3FF0_0000_0000_0000)
            for k in -200...200 {
                for z in [dz * Double(sign: .plus, exponent: k, significand: 1), -dz * Double(sign: .plus, exponent: k, significand: 1)] {
                    let expected = z.addingProduct(dx, dy)
                    if !ArithmeticDivisionAndRootTests.same(f64.fusedMultiplyAdd(dx, dy, z).code, expected) {
                        failures += 1
                        if failures < 6 { Issue.record("fma(\(dx), \(dy), \(z))") }
                    }
                    let sum = z + dx
                    if !ArithmeticDivisionAndRootTests.same(f64.add(z, dx).code, sum) { failures += 1 }
                }
            }
        }
        #expect(failures == 0)
    }

    @Test func binary64MatchesDoubleFusedMultiplyAdd() {
        let f = ArithmeticDivisionAndRootTests.binary64
        let xs = ArithmeticDivisionAndRootTests.doubleOperands(count: 50, seed: 25)
        let ys = ArithmeticDivisionAndRootTests.doubleOperands(count: 50, seed: 26)
        let zs = ArithmeticDivisionAndRootTests.doubleOperands(count: 50, seed: 27)
        var failures = 0
        for x in xs { for y in ys { for z in zs {
            let expected = z.addingProduct(x, y)
            if !ArithmeticDivisionAndRootTests.same(f.fusedMultiplyAdd(x, y, z).code, expected) {
                failures += 1
                if failures < 6 { Issue.record("binary64 fma(\(x), \(y), \(z))") }
            }
        } } }
        #expect(failures == 0)
    }

    /// The reference: x·y + z is exact in Double for small-format values; IEEE zero signs and
    /// invalid operations added by hand.
    static func expected(_ x: Double, _ y: Double, _ z: Double, _ reference: BruteForceReference, _ rule: RoundingRule, _ overflow: OverflowRule)
        -> (BruteForceReference.Outcome, ConversionStatus)
    {
        let p = x * y
        var exact = p + z
        if exact == 0 && x.isFinite && y.isFinite && z.isFinite {
            // Exact zero: sign of p + z with p's zero carrying the XOR sign, +0 (−0 down) otherwise.
            let pNegative = x.sign != y.sign
            if p == 0 && z == 0 && pNegative == (z.sign == .minus) { exact = z }
            else { exact = rule == .down ? -0.0 : 0.0 }
        }
        var r = reference.convert(exact, rule, overflow)
        if exact.isNaN && !x.isNaN && !y.isNaN && !z.isNaN { r.1.insert(.invalid) }
        return r
    }

    @Test(arguments: ArithmeticTestSupport.smallFormats)
    func smallFormatsMatchReferenceRounding(format f: FloatFormat) {
        let reference = BruteForceReference(f)
        let values = Support.values(f)
        var g = SplitMix64(seed: 28)
        var failures = 0
        // Every triple for formats of ≤ 16 codes; 40,000 random triples otherwise.
        var triples: [(Double, Double, Double)] = []
        if values.count <= 16 {
            for x in values { for y in values { for z in values { triples.append((x, y, z)) } } }
        } else {
            for _ in 0..<40_000 {
                triples.append((values[Int(g.next() % UInt64(values.count))], values[Int(g.next() % UInt64(values.count))], values[Int(g.next() % UInt64(values.count))]))
            }
        }
        for (x, y, z) in triples {
            for rule in RoundingRule.deterministicRules {
                for overflow in Support.overflowRules {
                    let r = f.fusedMultiplyAdd(x, y, z, rounding: rule, overflow: overflow)
                    let e = Self.expected(x, y, z, reference, rule, overflow)
                    if !Support.matches(r, e, in: f) {
                        failures += 1
                        if failures < 6 { Issue.record("\(f) fma(\(x), \(y), \(z)) \(rule) \(overflow): got \(f.decode(r.code)) \(r.status), expected \(e.0) \(e.1)") }
                    }
                }
            }
        }
        #expect(failures == 0)
    }

    /// The dot-product use: an FP8 product accumulated into FP16, one rounding.
    @Test func fp8ProductsIntoFP16Accumulator() {
        let fp16 = FloatFormat.fp16
        let e4m3 = Support.values(.e4m3fn).filter { $0.isFinite }
        var g = SplitMix64(seed: 29)
        for _ in 0..<20_000 {
            let a = e4m3[Int(g.next() % UInt64(e4m3.count))], b = e4m3[Int(g.next() % UInt64(e4m3.count))]
            let acc = Double(Float16(bitPattern: UInt16(truncatingIfNeeded: g.next()) & 0x7BFF))
            for rule in RoundingRule.deterministicRules {
                // a·b + acc is exact in Double (8 + 11 significant bits over a span < 53 bits).
                let exact = a * b + acc
                let r = fp16.fusedMultiplyAdd(a, b, acc, rounding: rule, overflow: .saturateFinite)
                let c = fp16.encode(exact == 0 ? (rule == .down ? -0.0 : 0.0) : exact, rounding: rule, overflow: .saturateFinite)
                #expect(r == c || (exact == 0 && a * b == 0), "fma(\(a), \(b), \(acc)) \(rule)")
            }
        }
        #expect(fp16.fusedMultiplyAdd(0.3125, 448, 1024).code == 0x648C)
    }

    @Test func specialValues() {
        let e5m2 = FloatFormat.e5m2
        #expect(e5m2.fusedMultiplyAdd(0, .infinity, 1) == FloatFormat.Encoded(code: 0x7E, status: .invalid))
        #expect(e5m2.fusedMultiplyAdd(.infinity, 0, .infinity) == FloatFormat.Encoded(code: 0x7E, status: .invalid))
        #expect(e5m2.fusedMultiplyAdd(0, .infinity, .nan) == FloatFormat.Encoded(code: 0x7E, status: []))
        #expect(e5m2.fusedMultiplyAdd(.infinity, 2, -.infinity) == FloatFormat.Encoded(code: 0x7E, status: .invalid))
        #expect(e5m2.fusedMultiplyAdd(.infinity, -2, -.infinity) == FloatFormat.Encoded(code: 0xFC, status: []))
        #expect(e5m2.fusedMultiplyAdd(2, 3, -.infinity) == FloatFormat.Encoded(code: 0xFC, status: []))
        #expect(e5m2.fusedMultiplyAdd(-0.0, 3, 0) == FloatFormat.Encoded(code: 0x00, status: []))
        #expect(e5m2.fusedMultiplyAdd(-0.0, 3, 0, rounding: .down) == FloatFormat.Encoded(code: 0x80, status: []))
        #expect(e5m2.fusedMultiplyAdd(-0.0, 3, -0.0) == FloatFormat.Encoded(code: 0x80, status: []))
        #expect(e5m2.fusedMultiplyAdd(2, 3, -6) == FloatFormat.Encoded(code: 0x00, status: []))
        #expect(e5m2.fusedMultiplyAdd(2, 3, -6, rounding: .down) == FloatFormat.Encoded(code: 0x80, status: []))
        // fma rounds once where multiply-then-add rounds twice.
        let x = 1.0 + 0x1p-3, z = -(1.0 + 0x1p-2)  // x² = 1 + 2^-2 + 2^-6
        #expect(FloatFormat.e4m3fn.fusedMultiplyAdd(x, x, z) == FloatFormat.Encoded(code: FloatFormat.e4m3fn.encode(0x1p-6).code, status: []))
        #expect(FloatFormat.e4m3fn.add(FloatFormat.e4m3fn.decode(FloatFormat.e4m3fn.multiply(x, x).code), z).code == 0)
    }
}
