#if MPFR  // the cross-checks need GNU MPFR: swift test --traits MPFR
import struct ExMy.SplitMix64
import MPFRReference
import Testing

/// Conversions checked against values published in the specs, worked out by hand from the contract,
/// or produced by an independent implementation (Swift's own Float16 / Float conversions).
@Suite struct ConversionTests {
    typealias O = MPFRReference

    @Test func e4m3fnOCPExamples() {
        #expect(rne(464, F.e4m3fn) == r(448, .inexact))         // rounds first, then no overflow
        #expect(rne(465, F.e4m3fn) == r(.nan, [.overflow, .inexact]))
        #expect(rne(465, F.e4m3fn, .satFinite) == r(448, [.overflow, .inexact]))
        #expect(rne(465, F.e4m3fn, .satPropagate) == r(448, [.overflow, .inexact]))
        #expect(rne(-465, F.e4m3fn) == r(-.nan, [.overflow, .inexact]))  // S.1111.111
        // A single rounding from the exact input (ml_dtypes' float32 detour gives −448).
        #expect(rne(-431.99999999999994, F.e4m3fn) == r(-416, .inexact))
        #expect(rne(432, F.e4m3fn) == r(448, .inexact))          // tie: 416 = 1.101b·2^8 is odd
        #expect(rne(.infinity, F.e4m3fn) == r(.nan, .invalid))
        #expect(rne(-.infinity, F.e4m3fn, .satFinite) == r(-448, .inexact))
        #expect(rne(-.nan, F.e4m3fn) == r(-.nan))
        #expect(rne(-0.0, F.e4m3fn) == r(-0.0))
        #expect(rne(p2(-9), F.e4m3fn) == r(p2(-9)))
        #expect(rne(p2(-10), F.e4m3fn) == r(0, [.inexact, .underflow]))          // tie to even 0
        #expect(rne(-p2(-10), F.e4m3fn) == r(-0.0, [.inexact, .underflow]))
        #expect(rne(3 * p2(-10), F.e4m3fn) == r(2 * p2(-9), [.inexact, .underflow]))
        // Tininess before rounding: just below 2^-6 rounds up to 2^-6 and still flags underflow.
        #expect(rne(p2(-6) - p2(-12), F.e4m3fn) == r(p2(-6), [.inexact, .underflow]))
        #expect(rne(p2(-6) + p2(-12), F.e4m3fn) == r(p2(-6), .inexact))
    }

    @Test func e5m2() {
        #expect(rne(61440, F.e5m2) == r(.infinity, [.overflow, .inexact]))   // tie above 57344
        #expect(rne(61439, F.e5m2) == r(57344, .inexact))
        #expect(rne(61440, F.e5m2, .satFinite) == r(57344, [.overflow, .inexact]))
        #expect(rne(-.infinity, F.e5m2) == r(-.infinity))
        #expect(rne(-.infinity, F.e5m2, .satPropagate) == r(-.infinity))
        #expect(rne(.infinity, F.e5m2, .satFinite) == r(57344, .inexact))
        #expect(rne(p2(-16), F.e5m2) == r(p2(-16)))
        #expect(rne(.nan, F.e5m2) == r(.nan))
        let up = O.convert(60000, to: F.e5m2, rounding: .up, overflow: .none)
        #expect(up == r(.infinity, [.overflow, .inexact]))
        let upNegative = O.convert(-1e6, to: F.e5m2, rounding: .up, overflow: .none)
        #expect(upNegative == r(-57344, [.overflow, .inexact]))
        let towardZero = O.convert(1e6, to: F.e5m2, rounding: .towardZero, overflow: .none)
        #expect(towardZero == r(57344, [.overflow, .inexact]))
        let down = O.convert(-60000, to: F.e5m2, rounding: .down, overflow: .none)
        #expect(down == r(-.infinity, [.overflow, .inexact]))
    }

    @Test func e2m1() {
        #expect(rne(5, F.e2m1) == r(4, .inexact))
        #expect(O.convert(5, to: F.e2m1, rounding: .nearestAway, overflow: .none) == r(6, .inexact))
        #expect(O.convert(5, to: F.e2m1, rounding: .nearestZero, overflow: .none) == r(4, .inexact))
        #expect(rne(0.25, F.e2m1) == r(0, [.inexact, .underflow]))
        #expect(rne(0.75, F.e2m1) == r(1, [.inexact, .underflow]))    // 0.5 is odd (f = 1)
        #expect(rne(2.5, F.e2m1) == r(2, .inexact))
        #expect(rne(3.5, F.e2m1) == r(4, .inexact))
        #expect(rne(7, F.e2m1) == r(6, [.overflow, .inexact]))         // 7 → 8 overflows; no ∞/NaN
        #expect(rne(-7, F.e2m1) == r(-6, [.overflow, .inexact]))
        #expect(rne(6.9, F.e2m1) == r(6, .inexact))
        #expect(rne(.nan, F.e2m1) == r(0, .invalid))                   // no NaN: the raw +0
        #expect(rne(.infinity, F.e2m1) == r(6, [.invalid, .inexact]))
        #expect(rne(-.infinity, F.e2m1, .satFinite) == r(-6, .inexact))
        #expect(rne(-0.0, F.e2m1) == r(-0.0))
        let table: [(ReferenceRounding, Double, Double)] = [
            (.nearestEven, 2, -2), (.nearestAway, 3, -3), (.nearestZero, 2, -2),
            (.towardZero, 2, -2), (.up, 3, -2), (.down, 2, -3), (.away, 3, -3), (.odd, 3, -3),
        ]
        for (rule, positive, negative) in table {
            #expect(O.convert(2.5, to: F.e2m1, rounding: rule, overflow: .none) == r(positive, .inexact))
            #expect(O.convert(-2.5, to: F.e2m1, rounding: rule, overflow: .none) == r(negative, .inexact))
        }
    }

    @Test func e8m0() {
        #expect(rne(3, F.e8m0) == r(4, .inexact))     // M = 0: ties go up in magnitude
        #expect(rne(1.5, F.e8m0) == r(2, .inexact))
        #expect(rne(1.4, F.e8m0) == r(1, .inexact))
        #expect(rne(6, F.e8m0) == r(8, .inexact))
        #expect(O.convert(3, to: F.e8m0, rounding: .towardZero, overflow: .none) == r(2, .inexact))
        #expect(rne(0, F.e8m0) == r(.nan, .invalid))
        #expect(rne(0, F.e8m0, .satFinite) == r(p2(-127), .invalid))
        #expect(rne(-1, F.e8m0) == r(.nan, .invalid))
        #expect(rne(-1, F.e8m0, .satFinite) == r(p2(-127), .invalid))
        #expect(rne(p2(-200), F.e8m0) == r(p2(-127), [.inexact, .underflow]))
        let rz = O.convert(p2(-200), to: F.e8m0, rounding: .towardZero, overflow: .none)
        #expect(rz == r(p2(-127), [.inexact, .underflow]))         // no zero: the least value
        #expect(rne(p2(128), F.e8m0) == r(.nan, [.overflow, .inexact]))
        #expect(rne(p2(128), F.e8m0, .satFinite) == r(p2(127), [.overflow, .inexact]))
        #expect(rne(.infinity, F.e8m0) == r(.nan, .invalid))
        #expect(rne(-.nan, F.e8m0) == r(.nan))       // unsigned NaN has no sign
    }

    @Test func e4m3fnuzAndP3109() {
        #expect(rne(-0.0, F.e4m3fnuz) == r(0))
        #expect(rne(-p2(-12), F.e4m3fnuz) == r(0, [.inexact, .underflow]))
        #expect(rne(-.nan, F.e4m3fnuz) == r(.nan))
        #expect(rne(248, F.e4m3fnuz) == r(.nan, [.overflow, .inexact]))   // 240 odd: 248 → 256
        #expect(rne(247, F.e4m3fnuz) == r(240, .inexact))
        #expect(rne(232, F.binary8p4se) == r(224, .inexact))   // tie: 224 = 1.110b·2^7 is even
        #expect(rne(233, F.binary8p4se) == r(.infinity, [.overflow, .inexact]))
        #expect(rne(231, F.binary8p4se) == r(224, .inexact))
        #expect(rne(-.infinity, F.binary8p4se) == r(-.infinity))
        #expect(rne(-.infinity, F.binary8p4se, .satFinite) == r(-224, .inexact))
        let rz = O.convert(1000, to: F.binary8p4se, rounding: .towardZero, overflow: .none)
        #expect(rz == r(224, [.overflow, .inexact]))
        let finite = ReferenceFormat(exponentBits: 4, significandBits: 3, bias: 8, specials: .p3109Finite)
        #expect(O.greatestFiniteMagnitude(finite) == 240)
        #expect(rne(.infinity, finite) == r(.nan, .invalid))
        #expect(rne(.infinity, finite, .satPropagate) == r(.nan, .invalid))
        #expect(rne(.infinity, finite, .satFinite) == r(240, .inexact))
    }

    @Test func mxint8() {
        #expect(rne(-2, F.mxint8) == r(-2))
        #expect(rne(2, F.mxint8) == r(127.0 / 64, [.overflow, .inexact]))
        #expect(rne(-2.005, F.mxint8) == r(-2, .inexact))   // |x| ≥ 2^emin: no underflow
        #expect(rne(-2.01, F.mxint8) == r(-2, [.overflow, .inexact]))   // 128.64 quanta → 129
        #expect(rne(-3, F.mxint8) == r(-2, [.overflow, .inexact]))
        #expect(rne(0.5 / 64, F.mxint8) == r(0, .inexact))
        #expect(rne(1.5 / 64, F.mxint8) == r(2.0 / 64, .inexact))
        #expect(rne(2.5 / 64, F.mxint8) == r(2.0 / 64, .inexact))
        #expect(rne(-0.0, F.mxint8) == r(0))
        #expect(rne(-0.1 / 64, F.mxint8) == r(0, .inexact))
        #expect(rne(1.0, F.mxint8) == r(1.0))
        #expect(rne(.nan, F.mxint8) == r(0, .invalid))
        #expect(rne(-.infinity, F.mxint8) == r(-2, [.invalid, .inexact]))
        // Fixed point (E = 0): no normal range, so no underflow (docs/semantics.md §4).
        #expect(rne(1.99, F.mxint8) == r(127.0 / 64, .inexact))
        #expect(rne(1.995, F.mxint8) == r(127.0 / 64, [.overflow, .inexact]))
        let c = O.stochasticCandidates(100.3, in: F.mxint8)   // grid of 1/64 beyond the range
        #expect(c.lo == 6419.0 / 64 && c.hi == 6420.0 / 64)
    }

    @Test func flushFormatTieGoesToZero() {
        let f = F.e3m3flush
        #expect(O.leastNonzeroMagnitude(f) == 0.25)
        #expect(rne(0.125, f) == r(0, [.inexact, .underflow]))           // 2^(emin−1) → 0
        #expect(rne(-0.125, f) == r(-0.0, [.inexact, .underflow]))
        #expect(rne(0.13, f) == r(0.25, [.inexact, .underflow]))
        #expect(rne(0.12, f) == r(0, [.inexact, .underflow]))
        #expect(O.convert(0.125, to: f, rounding: .nearestAway, overflow: .none)
                == r(0.25, [.inexact, .underflow]))
        #expect(O.convert(0.125, to: f, rounding: .nearestZero, overflow: .none)
                == r(0, [.inexact, .underflow]))
        #expect(O.convert(p2(-40), to: f, rounding: .odd, overflow: .none)
                == r(0.25, [.inexact, .underflow]))                      // lo = 0 is even
        #expect(O.convert(p2(-40), to: f, rounding: .up, overflow: .none)
                == r(0.25, [.inexact, .underflow]))
        #expect(O.convert(-p2(-40), to: f, rounding: .up, overflow: .none)
                == r(-0.0, [.inexact, .underflow]))
        // The non-canonical codes e = 0, f ≠ 0 decode as zero.
        #expect(O.value(ofCode: 0x05, in: f).bitPattern == 0)
        #expect(O.value(ofCode: 0x45, in: f).bitPattern == (-0.0).bitPattern)
        #expect(O.value(ofCode: 0x08, in: f) == 0.25)
    }

    @Test func roundToOdd() {
        func odd(_ x: Double, _ f: ReferenceFormat) -> ReferenceResult {
            O.convert(x, to: f, rounding: .odd, overflow: .none)
        }
        #expect(odd(2.25, F.e2m1) == r(3, .inexact))     // lo 2 = 1.0b·2^1 even → hi
        #expect(odd(3.5, F.e2m1) == r(3, .inexact))      // lo 3 = 1.1b·2^1 odd → lo
        #expect(odd(1.2, F.e2m1) == r(1.5, .inexact))
        #expect(odd(0.3, F.e2m1) == r(0.5, [.inexact, .underflow]))   // lo 0 even
        #expect(odd(0.7, F.e2m1) == r(0.5, [.inexact, .underflow]))   // lo 0.5 odd
        #expect(odd(1.5, F.e2m1) == r(1.5))
        #expect(odd(6.5, F.e2m1) == r(6, .inexact))
        #expect(odd(9, F.e2m1) == r(6, [.overflow, .inexact]))        // hi 12 overflows: odd → max
        #expect(odd(-9, F.e2m1) == r(-6, [.overflow, .inexact]))
        #expect(odd(3, F.e8m0) == r(2, .inexact))        // M = 0: every nonzero value is odd
        #expect(odd(1 + p2(-11), F.binary16) == r(1 + p2(-10), .inexact))
        #expect(odd(1 + p2(-10) + p2(-11), F.binary16) == r(1 + p2(-10), .inexact))
        #expect(odd(p2(-25), F.binary16) == r(p2(-24), [.inexact, .underflow]))
        #expect(odd(3 * p2(-25), F.binary16) == r(p2(-24), [.inexact, .underflow]))
        #expect(odd(5 * p2(-25), F.binary16) == r(3 * p2(-24), [.inexact, .underflow]))
        #expect(odd(1e6, F.e4m3fn) == r(448, [.overflow, .inexact]))
    }

    @Test func unsignedNegatives() {
        let u = ReferenceFormat(exponentBits: 2, significandBits: 1, bias: 1, signedness: .unsigned,
                                specials: .none)
        #expect(O.value(ofCode: 7, in: u) == 6)
        #expect(O.convert(-0.1, to: u, rounding: .towardZero, overflow: .none)
                == r(0, [.inexact, .underflow]))
        #expect(O.convert(-0.1, to: u, rounding: .down, overflow: .none) == r(0, .invalid))
        #expect(rne(-1, u) == r(0, .invalid))
        #expect(rne(-0.0, u) == r(0))
        #expect(rne(-.infinity, u, .satFinite) == r(0, .invalid))
        let up = ReferenceFormat(exponentBits: 4, significandBits: 4, bias: 8, signedness: .unsigned,
                                 specials: .p3109Extended)
        #expect(O.value(ofCode: 0xFF, in: up).isNaN)
        #expect(O.value(ofCode: 0xFE, in: up) == .infinity)
        #expect(O.greatestFiniteMagnitude(up) == 29 * p2(3))  // code 0xFD: 1.1101b·2^7
        #expect(rne(-1, up) == r(.nan, .invalid))
        #expect(rne(-.infinity, up) == r(.nan, .invalid))
        #expect(rne(.infinity, up) == r(.infinity))
    }

    /// Swift's Float16(Double) is a correctly rounded (ties-to-even) IEEE conversion; the oracle's
    /// binary16 must agree on the value, and its flags on what IEEE says.
    @Test func binary16AgreesWithFloat16() {
        var g = SplitMix64(seed: 16)
        for i in 0..<200_000 {
            let x: Double
            switch i % 3 {
            case 0:  // log-uniform over the whole binary16 range and a bit beyond
                let e = Int.random(in: -30...17, using: &g)
                x = Double(sign: Bool.random(using: &g) ? .minus : .plus, exponent: e,
                           significand: Double.random(in: 1..<2, using: &g))
            case 1:  // near midpoints of binary16 values: a code's value ± a few Double ulps
                let code = UInt16.random(in: 0...0x7BFE, using: &g)
                let v = Double(Float16(bitPattern: code)), next = Double(Float16(bitPattern: code + 1))
                let mid = (v + next) / 2
                let k = Int.random(in: -2...2, using: &g)
                x = k < 0 ? mid.nextDown : k > 0 ? mid.nextUp : mid
            default:
                x = Double(bitPattern: g.next())
            }
            let result = rne(x, F.binary16)
            let h = Double(Float16(x))
            if x.isNaN {
                #expect(result.value.isNaN)
                continue
            }
            #expect(result.value.bitPattern == h.bitPattern, "x = \(x)")
            var flags: ReferenceFlags = []
            if h != x { flags.insert(.inexact) }
            if h.isInfinite && !x.isInfinite { flags.insert(.overflow) }
            if h != x && abs(x) < p2(-14) { flags.insert(.underflow) }
            #expect(result.flags == flags, "x = \(x)")
        }
    }

    /// Swift's Float(Double) is the hardware's correctly rounded conversion.
    @Test func binary32AgreesWithFloat() {
        var g = SplitMix64(seed: 32)
        for i in 0..<200_000 {
            let x: Double
            if i % 2 == 0 {
                let e = Int.random(in: -160...130, using: &g)
                x = Double(sign: Bool.random(using: &g) ? .minus : .plus, exponent: e,
                           significand: Double.random(in: 1..<2, using: &g))
            } else {
                let f = Float(bitPattern: UInt32(truncatingIfNeeded: g.next()))
                let k = Int.random(in: -1...1, using: &g)
                let mid = Double(f) + Double(f.ulp) / 2
                x = k < 0 ? mid.nextDown : k > 0 ? mid.nextUp : mid
            }
            guard !x.isNaN else { continue }
            let result = rne(x, F.binary32)
            #expect(result.value.bitPattern == Double(Float(x)).bitPattern, "x = \(x)")
        }
    }

    /// bfloat16 against the widely used integer rounding of a binary32 bit pattern
    /// (`bits + 0x7FFF + lsb >> 16`, ties to even), for finite binary32 inputs.
    @Test func bfloat16AgreesWithIntegerRounding() {
        var g = SplitMix64(seed: 1616)
        for _ in 0..<200_000 {
            let bits = UInt32(truncatingIfNeeded: g.next())
            let f = Float(bitPattern: bits)
            guard f.isFinite else { continue }
            let rounded = (bits &+ 0x7FFF &+ ((bits >> 16) & 1)) >> 16
            let expected = Double(Float(bitPattern: rounded << 16))
            #expect(rne(Double(f), F.bfloat16).value.bitPattern == expected.bitPattern, "bits \(bits)")
        }
    }

    /// Binary64 into itself is the identity, exact, for every non-NaN Double.
    @Test func binary64IsIdentity() {
        var g = SplitMix64(seed: 6464)
        for _ in 0..<50_000 {
            let x = Double(bitPattern: g.next())
            guard !x.isNaN else { continue }
            for rule in ReferenceRounding.allCases {
                let result = O.convert(x, to: F.binary64, rounding: rule, overflow: .none)
                #expect(result == r(x), "x = \(x)")
            }
        }
    }
}

/// Formats the grid-property sweep does not reach.
@Suite struct UnusualFormatTests {
    typealias O = MPFRReference

    /// E = 0 without zero: one binade [2^emin, 2^(emin+1)) with step 2^(emin−M); emin = −bias = 0.
    @Test func oneBinadeWithoutZero() {
        let f = ReferenceFormat(exponentBits: 0, significandBits: 2, bias: 0, hasSubnormals: false,
                                hasZero: false, specials: .none)
        #expect(f.validationProblem == nil)
        #expect((0..<4).map { O.value(ofCode: UInt64($0), in: f) } == [1, 1.25, 1.5, 1.75])
        #expect(O.value(ofCode: 5, in: f) == -1.25)
        #expect(rne(0.3, f) == r(1, [.inexact, .underflow]))
        #expect(rne(-0.3, f) == r(-1, [.inexact, .underflow]))
        #expect(rne(1.3, f) == r(1.25, .inexact))
        #expect(rne(1.875, f) == r(1.75, [.overflow, .inexact]))   // 1.75 = 7 quanta is odd → 2
        #expect(rne(0, f) == r(1, .invalid))                       // no zero, no NaN
        #expect(rne(.nan, f) == r(1, .invalid))
    }

    /// Unsigned binary64-wide format: K = 63.
    @Test func unsignedWide() {
        let f = ReferenceFormat(exponentBits: 11, significandBits: 52, bias: 1023, signedness: .unsigned)
        #expect(f.bitWidth == 63)
        #expect(O.value(ofCode: 0x3FF0_0000_0000_0000, in: f) == 1)
        #expect(rne(.pi, f) == r(.pi))
        #expect(rne(-.pi, f) == r(.nan, .invalid))
    }
}
#endif
