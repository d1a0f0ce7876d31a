#if MPFR  // the cross-checks need GNU MPFR: swift test --traits MPFR
import struct ExMy.SplitMix64
import MPFRReference
import Testing

/// The oracle's arithmetic: results worked out by hand from IEEE 754 and the arithmetic contract, and
/// checked against an independent implementation — the machine's own IEEE 754 binary32 and binary64
/// arithmetic (correctly rounded, ties to even, with subnormals), through Swift's `Float` and
/// `Double`.
@Suite struct ArithmeticTests {
    typealias O = MPFRReference

    func rne(_ op: ReferenceOperation, _ f: ReferenceFormat, _ o: ReferenceOverflow = .none) -> ReferenceResult {
        O.evaluate(op, in: f, rounding: .nearestEven, overflow: o)
    }

    @Test func e4m3fnByHand() {
        // 448 + 16 = 464: a tie between 448 (1.110b·2^8, even) and 480; no overflow.
        #expect(rne(.add(448, 16), F.e4m3fn) == r(448, .inexact))
        #expect(rne(.add(448, 32), F.e4m3fn) == r(.nan, [.overflow, .inexact]))
        #expect(rne(.add(448, 32), F.e4m3fn, .satFinite) == r(448, [.overflow, .inexact]))
        #expect(rne(.subtract(-448, 32), F.e4m3fn, .satPropagate) == r(-448, [.overflow, .inexact]))
        // 1/3 in [0.25, 0.5), step 2^-5: 10.67 steps → 11 · 2^-5.
        #expect(rne(.divide(1, 3), F.e4m3fn) == r(0.34375, .inexact))
        #expect(O.evaluate(.divide(1, 3), in: F.e4m3fn, rounding: .towardZero, overflow: .none) == r(0.3125, .inexact))
        // Tininess before rounding: 2^-6 − 2^-10 = (1 − 2^-4)·2^-6 rounds up to 2^-6.
        #expect(rne(.subtract(p2(-6), p2(-10)), F.e4m3fn) == r(p2(-6), [.inexact, .underflow]))
        #expect(rne(.multiply(p2(-5), p2(-5)), F.e4m3fn) == r(0, [.inexact, .underflow]))     // 2^-10: tie to 0
        #expect(rne(.multiply(-p2(-5), p2(-5)), F.e4m3fn) == r(-0.0, [.inexact, .underflow]))
        #expect(rne(.squareRoot(2), F.e4m3fn) == r(1.375, .inexact))          // 1.414 → 1.375 (1.011b)
        #expect(rne(.fusedMultiplyAdd(3, 5, 0.5), F.e4m3fn) == r(16, .inexact))  // 15.5: tie → 16 (1.000b·2^4)
        #expect(rne(.fusedMultiplyAdd(3, 5, -0.5), F.e4m3fn) == r(14, .inexact)) // 14.5: tie → 14 (1.110b·2^3)
    }

    @Test func specialValues() {
        // Division by zero: ±∞ with divisionByZero, then encoded as ±∞ is.
        #expect(rne(.divide(1, 0), F.e5m2) == r(.infinity, .divisionByZero))
        #expect(rne(.divide(1, -0.0), F.e5m2) == r(-.infinity, .divisionByZero))
        #expect(rne(.divide(-3, -0.0), F.e5m2, .satFinite) == r(57344, [.inexact, .divisionByZero]))
        #expect(rne(.divide(1, 0), F.e4m3fn) == r(.nan, [.invalid, .divisionByZero]))
        #expect(rne(.divide(1, -0.0), F.e4m3fn, .satFinite) == r(-448, [.inexact, .divisionByZero]))
        #expect(rne(.divide(1, 0), F.e2m1) == r(6, [.invalid, .inexact, .divisionByZero]))
        #expect(rne(.divide(.infinity, 0), F.e5m2) == r(.infinity))          // exact ∞: no flag
        // Invalid operations.
        for op: ReferenceOperation in [
            .divide(0, 0), .divide(.infinity, -.infinity), .multiply(0, -.infinity), .add(.infinity, -.infinity),
            .subtract(.infinity, .infinity), .squareRoot(-1), .squareRoot(-.infinity), .remainder(.infinity, 1),
            .remainder(1, 0), .truncatingRemainder(-.infinity, 2), .truncatingRemainder(3, -0.0),
            .fusedMultiplyAdd(0, .infinity, 1), .fusedMultiplyAdd(.infinity, 2, -.infinity),
        ] {
            #expect(rne(op, F.e5m2) == r(.nan, .invalid), "\(op)")
            #expect(rne(op, F.e2m1) == r(0, .invalid), "\(op)")           // no NaN: +0
            #expect(rne(op, F.e8m0) == r(.nan, .invalid), "\(op)")
        }
        // NaN operands: NaN, no flag (even with 0·∞ in a fused multiply-add).
        for op: ReferenceOperation in [.add(.nan, 1), .multiply(0, -.nan), .squareRoot(.nan),
                                       .fusedMultiplyAdd(0, .infinity, .nan), .roundToIntegral(.nan, .up)] {
            #expect(rne(op, F.e4m3fn) == r(.nan), "\(op)")
            #expect(rne(op, F.e2m1) == r(0, .invalid), "\(op)")
        }
        #expect(rne(.multiply(.infinity, -2), F.e5m2) == r(-.infinity))
        #expect(rne(.multiply(.infinity, -2), F.e4m3fn) == r(-.nan, .invalid))  // −∞ encoded as a conversion: −NaN
        #expect(rne(.divide(5, .infinity), F.e5m2) == r(0))
        #expect(rne(.divide(-5, .infinity), F.e5m2) == r(-0.0))
        #expect(rne(.squareRoot(.infinity), F.e5m2) == r(.infinity))
        #expect(rne(.fusedMultiplyAdd(2, 3, -.infinity), F.e5m2) == r(-.infinity))
        #expect(rne(.remainder(5, .infinity), F.e5m2) == r(5))
        #expect(rne(.roundToIntegral(-.infinity, .down), F.e5m2) == r(-.infinity))
    }

    /// IEEE 754 §6.3: the signs of exact zeros.
    @Test func signsOfZero() {
        #expect(rne(.add(-0.0, -0.0), F.e5m2) == r(-0.0))
        #expect(rne(.add(-0.0, 0), F.e5m2) == r(0))
        #expect(rne(.subtract(-0.0, 0), F.e5m2) == r(-0.0))
        #expect(rne(.add(1, -1), F.e5m2) == r(0))
        #expect(O.evaluate(.add(1, -1), in: F.e5m2, rounding: .down, overflow: .none) == r(-0.0))
        #expect(O.evaluate(.add(-0.0, 0), in: F.e5m2, rounding: .down, overflow: .none) == r(-0.0))
        #expect(O.evaluate(.subtract(3, 3), in: F.e5m2, rounding: .up, overflow: .none) == r(0))
        #expect(rne(.multiply(-0.0, 5), F.e5m2) == r(-0.0))
        #expect(rne(.multiply(-0.0, -5), F.e5m2) == r(0))
        #expect(rne(.divide(0, -5), F.e5m2) == r(-0.0))
        #expect(rne(.squareRoot(-0.0), F.e5m2) == r(-0.0))
        #expect(rne(.fusedMultiplyAdd(-0.0, 2, 0), F.e5m2) == r(0))
        #expect(rne(.fusedMultiplyAdd(-0.0, 2, -0.0), F.e5m2) == r(-0.0))
        #expect(rne(.fusedMultiplyAdd(2, 3, -6), F.e5m2) == r(0))
        #expect(O.evaluate(.fusedMultiplyAdd(2, 3, -6), in: F.e5m2, rounding: .down, overflow: .none) == r(-0.0))
        #expect(rne(.remainder(-0.0, 3), F.e5m2) == r(-0.0))
        #expect(rne(.remainder(-6, 3), F.e5m2) == r(-0.0))            // zero remainder: the sign of x
        #expect(rne(.truncatingRemainder(-6, 3), F.e5m2) == r(-0.0))
        #expect(rne(.roundToIntegral(-0.25, .up), F.e5m2) == r(-0.0))
        #expect(rne(.roundToIntegral(-0.5, .toNearestOrEven), F.e5m2) == r(-0.0))
        // Formats without −0 give +0; without zero: invalid.
        #expect(rne(.multiply(-0.0, 5), F.e4m3fnuz) == r(0))
        #expect(rne(.subtract(2, 2), F.e8m0) == r(.nan, .invalid))
        #expect(rne(.subtract(2, 2), F.e8m0, .satFinite) == r(p2(-127), .invalid))
    }

    @Test func remaindersAndIntegers() {
        #expect(rne(.remainder(5, 3), F.e5m2) == r(-1))               // 5/3 → 2
        #expect(rne(.remainder(7, 2), F.e5m2) == r(-1))               // 3.5 → 4 (even)
        #expect(rne(.remainder(5, 2), F.e5m2) == r(1))                // 2.5 → 2 (even)
        // A zero remainder has the sign of x (IEEE 754 §5.3.1); glibc's remainder gives −0 here.
        #expect(rne(.remainder(3.8658486304526895e-270, p2(-1022)), F.binary64) == r(0))
        #expect(rne(.remainder(-3.8658486304526895e-270, p2(-1022)), F.binary64) == r(-0.0))
        #expect(rne(.truncatingRemainder(5, 3), F.e5m2) == r(2))
        #expect(rne(.truncatingRemainder(-7, 2), F.e5m2) == r(-1))
        #expect(rne(.truncatingRemainder(7, -2), F.e5m2) == r(1))
        #expect(rne(.roundToIntegral(2.5, .toNearestOrEven), F.e5m2) == r(2))
        #expect(rne(.roundToIntegral(2.5, .toNearestOrAwayFromZero), F.e5m2) == r(3))
        #expect(rne(.roundToIntegral(-2.25, .awayFromZero), F.e5m2) == r(-3))
        #expect(rne(.roundToIntegral(-2.25, .down), F.e5m2) == r(-3))
        #expect(rne(.roundToIntegral(-2.75, .towardZero), F.e5m2) == r(-2))
        #expect(rne(.roundToIntegral(2.25, .up), F.e5m2) == r(3))
        // The integer is then rounded into the format: 8 is above E2M1's 6 (no ∞, no NaN).
        #expect(rne(.roundToIntegral(8.5, .down), F.e2m1) == r(6, [.overflow, .inexact]))
        #expect(rne(.roundToIntegral(4.5, .up), F.e2m1) == r(4, .inexact))  // 5 → 4 (tie, 4 even)
    }

    /// Stochastic rounding sees the 64-bit round-to-odd intermediate.
    @Test func stochastic() {
        // 2 + 0.25 = 2.25 exactly: E2M1 lo 2, hi 3, ν = 1/4; A with N = 2: up iff R = 3.
        for random: UInt64 in 0...3 {
            let got = O.evaluateStochastic(.add(2, 0.25), in: F.e2m1, variant: .variantA, randomBits: 2, random: random, overflow: .none)
            #expect(got == r(random == 3 ? 3 : 2, .inexact))
        }
        // 1/3 into E2M1: lo 0, hi 0.5 (subnormal step). RO64(1/3) = (1/3)(1 − 2^-64) + 2^-65, so
        // ν·2^64 = (2^65 + 1)/3 = 12297829382473034411 exactly: up iff u < that.
        let boundary: UInt64 = 12_297_829_382_473_034_411
        #expect(O.evaluateStochastic(.divide(1, 3), in: F.e2m1, uniform: boundary - 1, overflow: .none) == r(0.5, [.inexact, .underflow]))
        #expect(O.evaluateStochastic(.divide(1, 3), in: F.e2m1, uniform: boundary, overflow: .none) == r(0, [.inexact, .underflow]))
        // Special results take no randomness and keep their flags.
        #expect(O.evaluateStochastic(.divide(-1, 0), in: F.e5m2, uniform: 0, overflow: .none) == r(-.infinity, .divisionByZero))
        #expect(O.evaluateStochastic(.add(1, -1), in: F.e5m2, variant: .variantC, randomBits: 3, random: 7, overflow: .none) == r(0))
    }

    /// Extreme exponents: exact sums and fused multiply-adds that span the whole Double range.
    @Test func wideExponentSpans() {
        // 2^1023 + 2^-1074 is exact at 2098 bits; into binary64 it rounds to 2^1023, inexact.
        #expect(rne(.add(p2(1023), p2(-1074)), F.binary64) == r(p2(1023), .inexact))
        #expect(O.evaluate(.add(p2(1023), p2(-1074)), in: F.binary64, rounding: .up, overflow: .none)
                == r(p2(1023).nextUp, .inexact))
        // 2^1000 · 2^1000 − 2^-1074: 2^2000 overflows; the tiny term only decides the direction.
        #expect(O.evaluate(.fusedMultiplyAdd(p2(1000), p2(1000), -p2(-1074)), in: F.binary64, rounding: .towardZero, overflow: .none)
                == r(.greatestFiniteMagnitude, [.overflow, .inexact]))
        // 2^-600 · 2^-600 + 1: 1 + 2^-1200 rounds to 1 (nearest) or 1.nextUp (up).
        #expect(O.evaluate(.fusedMultiplyAdd(p2(-600), p2(-600), 1), in: F.binary64, rounding: .up, overflow: .none)
                == r(1.0.nextUp, .inexact))
        #expect(O.evaluate(.fusedMultiplyAdd(-p2(-600), p2(-600), 1), in: F.binary64, rounding: .nearestEven, overflow: .none)
                == r(1, .inexact))
        #expect(O.evaluate(.fusedMultiplyAdd(-p2(-600), p2(-600), 1), in: F.binary64, rounding: .towardZero, overflow: .none)
                == r(1.0.nextDown, .inexact))
        // 2^-1074 · 2^-1074: far below binary64's least subnormal: 0 (nearest) or 2^-1074 (up).
        #expect(rne(.multiply(p2(-1074), p2(-1074)), F.binary64) == r(0, [.inexact, .underflow]))
        #expect(O.evaluate(.multiply(p2(-1074), p2(-1074)), in: F.binary64, rounding: .up, overflow: .none)
                == r(p2(-1074), [.inexact, .underflow]))
    }

    /// Independent judge: the machine's binary32 and binary64 arithmetic (IEEE 754, ties to even)
    /// on seeded random operands, special values and near-cancelling pairs included.
    @Test func againstHardwareBinary32() {
        var g = SplitMix64(seed: 2024)
        var checked = 0
        for i in 0..<60_000 {
            let (x, y, z) = (randomFloat(&g, i), randomFloat(&g, i + 1), randomFloat(&g, i + 2))
            let c = i % 7 == 0 ? -x * Float(bitPattern: 0x3F80_0000 | UInt32(truncatingIfNeeded: g.next() & 0xFF)) : y
            let cases: [(ReferenceOperation, Float)] = [
                (.add(Double(x), Double(c)), x + c),
                (.subtract(Double(x), Double(y)), x - y),
                (.multiply(Double(x), Double(y)), x * y),
                (.divide(Double(x), Double(y)), x / y),
                (.squareRoot(Double(x)), x.squareRoot()),
                (.fusedMultiplyAdd(Double(x), Double(y), Double(z)), z.addingProduct(x, y)),
                (.remainder(Double(x), Double(y)), x.remainder(dividingBy: y)),
                (.truncatingRemainder(Double(x), Double(y)), x.truncatingRemainder(dividingBy: y)),
                (.roundToIntegral(Double(x), .toNearestOrEven), x.rounded(.toNearestOrEven)),
                (.roundToIntegral(Double(x), .awayFromZero), x.rounded(.awayFromZero)),
            ]
            for (op, expected) in cases {
                let got = rne(op, F.binary32)
                let same = expected.isNaN ? got.value.isNaN : got.value.bitPattern == Double(expected).bitPattern
                #expect(same, "\(op): MPFR \(got), hardware \(expected)")
                checked += 1
            }
        }
        #expect(checked == 600_000)
    }

    @Test func againstHardwareBinary64() {
        var g = SplitMix64(seed: 64)
        for i in 0..<30_000 {
            let (x, y, z) = (randomDouble(&g, i), randomDouble(&g, i + 1), randomDouble(&g, i + 2))
            let cases: [(ReferenceOperation, Double)] = [
                (.add(x, i % 5 == 0 ? -x.nextUp : y), x + (i % 5 == 0 ? -x.nextUp : y)),
                (.multiply(x, y), x * y),
                (.divide(x, y), x / y),
                (.squareRoot(x), x.squareRoot()),
                (.fusedMultiplyAdd(x, y, z), z.addingProduct(x, y)),
                (.remainder(x, y), x.remainder(dividingBy: y)),
                (.truncatingRemainder(x, y), x.truncatingRemainder(dividingBy: y)),
                (.roundToIntegral(x, .toNearestOrAwayFromZero), x.rounded()),
            ]
            for (op, expected) in cases {
                let got = rne(op, F.binary64)
                let same = expected.isNaN ? got.value.isNaN : got.value.bitPattern == expected.bitPattern
                #expect(same, "\(op): MPFR \(got), hardware \(expected)")
            }
        }
    }

    /// Random binary32 operands: every 16th any bit pattern (NaN, ∞, subnormals), else exponents
    /// within ±40 of 1 with both signs, and some zeros.
    func randomFloat(_ g: inout SplitMix64, _ i: Int) -> Float {
        let r = g.next()
        if i % 16 == 0 { return Float(bitPattern: UInt32(truncatingIfNeeded: r)) }
        if i % 97 == 0 { return r & 1 == 0 ? 0 : -0.0 }
        let exponent = Int((r >> 32) % 81) - 40
        let v = Float(sign: r >> 63 == 1 ? .minus : .plus, exponent: exponent,
                      significand: 1 + Float(UInt32(truncatingIfNeeded: r) >> 9) * 0x1p-23)
        return v
    }

    /// Random binary64 operands: every 8th any bit pattern, else exponents within ±60.
    func randomDouble(_ g: inout SplitMix64, _ i: Int) -> Double {
        let r = g.next()
        if i % 8 == 0 { return Double(bitPattern: r) }
        let exponent = Int(r % 121) - 60
        return Double(sign: r >> 63 == 1 ? .minus : .plus, exponent: exponent,
                      significand: 1 + Double(g.next() >> 12) * 0x1p-52)
    }
}
#endif
