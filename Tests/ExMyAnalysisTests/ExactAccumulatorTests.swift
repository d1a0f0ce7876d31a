import Foundation
import Testing
@testable import ExMyAnalysis
import ExMy

/// The exact long accumulator against independent oracles: Int64 sums of small integers times powers
/// of two, and the hardware's own correctly rounded `+`, `×` and fused multiply–add.
struct ExactAccumulatorTests {
    /// A finite Double from random bits (every exponent, subnormals included).
    func randomFinite(_ g: inout SeededGenerator) -> Double {
        while true {
            let d = Double(bitPattern: g.next())
            if d.isFinite { return d }
        }
    }

    @Test func sumsOfScaledIntegersMatchInt64() throws {
        // a_i = m·2^e with |m| ≤ 15, e ∈ [-10, 10]: every product is an integer multiple of 2^-20 below
        // 2^48 · 2^-20, so Σ a_i b_i · 2^20 is an exact Int64 for up to 4096 terms.
        var g = SeededGenerator(seed: 42)
        for trial in 0..<200 {
            let n = 1 + Int(g.next() % 4096)
            var acc = ExactAccumulator()
            var sum: Int64 = 0
            for _ in 0..<n {
                let ma = Int64(g.next() % 31) - 15, ea = Int(g.next() % 21) - 10
                let mb = Int64(g.next() % 31) - 15, eb = Int(g.next() % 21) - 10
                acc.addProduct(Double(ma) * pow(2, Double(ea)), Double(mb) * pow(2, Double(eb)))
                sum += (ma * mb) << Int64(ea + eb + 20)
            }
            // Double(Int64) rounds to nearest even, and the scaling by 2^-20 is exact.
            #expect(acc.doubleValue == Double(sum) * 0x1p-20, "trial \(trial)")
            // Exactly equal: subtracting the integer in two exact Double pieces leaves zero.
            let high = (sum >> 26) << 26, low = sum - high
            var difference = acc
            difference.subtract(Double(high) * 0x1p-20)
            difference.subtract(Double(low) * 0x1p-20)
            #expect(difference.isZero, "trial \(trial)")
            #expect(acc.isZero == (sum == 0))
        }
    }

    @Test func roundingMatchesHardwareAddMultiplyAndFMA() {
        var g = SeededGenerator(seed: 7)
        for _ in 0..<20000 {
            let x = randomFinite(&g), y = randomFinite(&g), z = randomFinite(&g)
            var sum = ExactAccumulator()
            sum.add(x)
            sum.add(y)
            let s = x + y
            #expect(sum.doubleValue == s || (s == 0 && sum.doubleValue == 0), "\(x) + \(y)")
            var product = ExactAccumulator()
            product.addProduct(x, y)
            let p = x * y
            #expect(product.doubleValue == p || (p == 0 && product.doubleValue == 0), "\(x) × \(y)")
            var fused = ExactAccumulator()
            fused.addProduct(x, y)
            fused.add(z)
            let f = z.addingProduct(x, y)
            #expect(fused.doubleValue == f || (f == 0 && fused.doubleValue == 0), "fma(\(x), \(y), \(z))")
        }
        // Products in the subnormal range and below it, scaled so the result is visible.
        for _ in 0..<20000 {
            let x = Double(sign: .plus, exponent: -Int(g.next() % 600) - 450, significand: 1 + Double(g.next() >> 12) * 0x1p-52)
            let y = Double(sign: g.next() & 1 == 0 ? .plus : .minus, exponent: -Int(g.next() % 600), significand: 1 + Double(g.next() >> 12) * 0x1p-52)
            var product = ExactAccumulator()
            product.addProduct(x, y)
            #expect(product.doubleValue == x * y, "\(x) × \(y)")
        }
    }

    @Test func cancellationAcrossTheWholeRange() {
        var acc = ExactAccumulator()
        acc.add(0x1p1000)
        acc.add(0x1p-1000)
        acc.add(-0x1p1000)
        #expect(acc.doubleValue == 0x1p-1000)
        // The least product of two Doubles, 2^-2148, survives beside 2^2046 and its removal.
        var tiny = ExactAccumulator()
        tiny.addProduct(0x1p-1074, 0x1p-1074)
        tiny.addProduct(0x1p1023, 0x1p1023)
        tiny.addProduct(-0x1p1023, 0x1p1023)
        #expect(!tiny.isZero)
        #expect(tiny.doubleValue == 0)  // below binary64's least subnormal: rounds to +0
        let r = tiny.roundedToOdd64
        #expect(r?.negative == false && r?.significand == 1 << 63 && r?.exponent == -2148 - 63)
        // The greatest products, summed past Double's range, round to +∞; the exact value is kept.
        var big = ExactAccumulator()
        big.addProduct(.greatestFiniteMagnitude, .greatestFiniteMagnitude)
        big.addProduct(.greatestFiniteMagnitude, .greatestFiniteMagnitude)
        #expect(big.doubleValue == .infinity)
        big.addProduct(-.greatestFiniteMagnitude, .greatestFiniteMagnitude)
        big.addProduct(-.greatestFiniteMagnitude, .greatestFiniteMagnitude)
        big.add(-1.5)
        #expect(big.doubleValue == -1.5)
    }

    @Test func roundToOddSignificandKeepsTheSticky() {
        // 1 + 2^-70: 64 leading bits are 1 followed by zeros; the discarded 2^-70 sets the last bit.
        var acc = ExactAccumulator()
        acc.add(1)
        acc.add(0x1p-70)
        let r = acc.roundedToOdd64
        #expect(r?.significand == 1 << 63 | 1 && r?.exponent == -63)
        // Negative values: −(2^64 + 1)·2^-10 — 65 bits — rounds to odd with the sign.
        var neg = ExactAccumulator()
        neg.add(-0x1p54)
        neg.add(-0x1p-10)
        let n = neg.roundedToOdd64
        #expect(n?.negative == true && n?.significand == 1 << 63 | 1 && n?.exponent == 54 - 63)
        // Rounding into FP32: 1 + 2^-24 + 2^-80 is just above the tie: nearest-even goes up.
        var tie = ExactAccumulator()
        tie.add(1)
        tie.add(0x1p-24)
        tie.add(0x1p-80)
        var unused = SystemRandomNumberGenerator()
        let e = tie.rounded(into: .fp32, rule: .toNearestOrEven, overflow: .none, random: &unused)
        #expect(FloatFormat.fp32.decode(e.code) == Double(Float(1).nextUp))
        #expect(e.status.contains(.inexact))
    }

    @Test func combiningAndNonFiniteValues() {
        var a = ExactAccumulator(), b = ExactAccumulator()
        a.add(3.5)
        b.addProduct(-2, 0.25)
        a.add(b)
        #expect(a.doubleValue == 3)
        a.subtract(b)
        #expect(a.doubleValue == 3.5)
        #expect(a.negated().doubleValue == -3.5)
        var inf = ExactAccumulator()
        inf.add(.infinity)
        inf.add(1)
        #expect(inf.doubleValue == .infinity && inf.isInfinite && !inf.isFinite)
        inf.add(-.infinity)
        #expect(inf.doubleValue.isNaN)
        var zeroTimesInfinity = ExactAccumulator()
        zeroTimesInfinity.addProduct(0, .infinity)
        #expect(zeroTimesInfinity.isNaN)
        a.reset()
        #expect(a.isZero && a.doubleValue == 0 && a.doubleValue.sign == .plus)
    }
}
