#if MPFR  // the cross-checks need GNU MPFR: swift test --traits MPFR
import MPFRReference
import Testing

/// Stochastic rounding: candidates and probabilities worked out by hand, and the P3109 A/B/C
/// formulas evaluated by hand for small N.
@Suite struct StochasticTests {
    typealias O = MPFRReference

    func sr(_ x: Double, _ f: ReferenceFormat, _ v: ReferenceStochastic, _ n: Int, _ random: UInt64,
            _ o: ReferenceOverflow = .none) -> ReferenceResult {
        O.convertStochastic(x, to: f, variant: v, randomBits: n, random: random, overflow: o)
    }

    @Test func candidates() {
        let c = O.stochasticCandidates(2.25, in: F.e2m1)           // E2M1 step 1 in [2, 4)
        #expect(c.lo == 2 && c.hi == 3)
        #expect(c.fraction.numerator == 0.25 && c.fraction.denominatorLog2 == 0)
        #expect(c.fraction.value == 0.25 && c.fraction.isExactAsDouble)
        let n = O.stochasticCandidates(-5, in: F.e2m1)             // step 2 in [4, 8)
        #expect(n.lo == -4 && n.hi == -6)
        #expect(n.fraction.numerator == 1 && n.fraction.denominatorLog2 == 1 && n.fraction.value == 0.5)
        let t = O.stochasticCandidates(p2(-10), in: F.e4m3fn)     // half the least subnormal
        #expect(t.lo == 0 && t.hi == p2(-9))
        #expect(t.fraction.numerator == p2(-10) && t.fraction.denominatorLog2 == -9)
        #expect(t.fraction.value == 0.5)
        let nz = O.stochasticCandidates(-p2(-10), in: F.e4m3fn)
        #expect(nz.lo.bitPattern == (-0.0).bitPattern && nz.hi == -p2(-9))
        let o = O.stochasticCandidates(460, in: F.e4m3fn)        // beyond 448: unbounded grid
        #expect(o.lo == 448 && o.hi == 480 && o.fraction.value == 12.0 / 32)
        let exact = O.stochasticCandidates(3, in: F.e2m1)
        #expect(exact.lo == 3 && exact.hi == 3 && exact.fraction.numerator == 0)
        let e8 = O.stochasticCandidates(3, in: F.e8m0)           // M = 0: [2, 4), step 2
        #expect(e8.lo == 2 && e8.hi == 4 && e8.fraction.value == 0.5)
        let clamp = O.stochasticCandidates(p2(-300), in: F.e8m0) // no zero: one candidate
        #expect(clamp.lo == p2(-127) && clamp.hi == p2(-127) && clamp.fraction.numerator == 0)
        // ν = 2^-1074 / 2^100 is not a Double; the exact pair still is.
        let wide = ReferenceFormat(exponentBits: 2, significandBits: 1, bias: -99,
                                   hasSubnormals: false, specials: .none)
        let w = O.stochasticCandidates(p2(-1074), in: wide)
        #expect(w.lo == 0 && w.hi == p2(100))
        #expect(w.fraction.numerator == p2(-1074) && w.fraction.denominatorLog2 == 100)
        #expect(w.fraction.value == 0 && !w.fraction.isExactAsDouble)
    }

    /// x = 2.25 into E2M1: ν = 1/4.
    /// A, N = 2: floor(1) + R ≥ 4 ⇔ R = 3.  B, N = 2: floor(2) + 2R + 1 ≥ 8 ⇔ R ≥ 3 (2R ≥ 5).
    /// C, N = 2: rte(1) + R ≥ 4 ⇔ R = 3.
    @Test func quarter() {
        for v in [ReferenceStochastic.variantA, .variantB, .variantC] {
            for random: UInt64 in 0...3 {
                let expected = random == 3 ? 3.0 : 2.0
                #expect(sr(2.25, F.e2m1, v, 2, random) == r(expected, .inexact), "\(v) R=\(random)")
                #expect(sr(-2.25, F.e2m1, v, 2, random) == r(-expected, .inexact), "\(v) R=\(random)")
            }
        }
    }

    /// x = 2.375: ν = 3/8.
    /// A, N = 2: floor(1.5) = 1, 1 + R ≥ 4 ⇔ R = 3.  B: floor(3) + 2R + 1 ≥ 8 ⇔ R ≥ 2.
    /// C: rte(1.5) = 2, 2 + R ≥ 4 ⇔ R ≥ 2.
    @Test func threeEighths() {
        let threshold: [ReferenceStochastic: UInt64] = [.variantA: 3, .variantB: 2, .variantC: 2]
        for (v, t) in threshold {
            for random: UInt64 in 0...3 {
                let expected = random >= t ? 3.0 : 2.0
                #expect(sr(2.375, F.e2m1, v, 2, random) == r(expected, .inexact), "\(v) R=\(random)")
            }
        }
    }

    /// x = 2.125: ν = 1/8.
    /// A, N = 2: floor(0.5) = 0: never.  B: floor(1) + 2R + 1 ≥ 8 ⇔ R ≥ 3.
    /// C: rte(0.5) = 0 (tie to even): never.
    @Test func oneEighth() {
        for random: UInt64 in 0...3 {
            #expect(sr(2.125, F.e2m1, .variantA, 2, random) == r(2, .inexact))
            #expect(sr(2.125, F.e2m1, .variantB, 2, random) == r(random == 3 ? 3 : 2, .inexact))
            #expect(sr(2.125, F.e2m1, .variantC, 2, random) == r(2, .inexact))
        }
    }

    /// N = 0: A is truncation; B rounds half up (floor(2ν) + 1 ≥ 2 ⇔ ν ≥ 1/2);
    /// C is nearest with ν = 1/2 going down (rte(0.5) = 0).
    @Test func zeroRandomBits() {
        #expect(sr(2.9, F.e2m1, .variantA, 0, 0) == r(2, .inexact))
        #expect(sr(2.5, F.e2m1, .variantB, 0, 0) == r(3, .inexact))
        #expect(sr(2.4, F.e2m1, .variantB, 0, 0) == r(2, .inexact))
        #expect(sr(2.5, F.e2m1, .variantC, 0, 0) == r(2, .inexact))
        #expect(sr(2.6, F.e2m1, .variantC, 0, 0) == r(3, .inexact))
        #expect(sr(2.9, F.e2m1, .variantA, 0, 12345) == r(2, .inexact))   // bits above N ignored
    }

    @Test func bitsAboveNAreIgnoredAndBadNIsInvalid() {
        #expect(sr(2.25, F.e2m1, .variantA, 2, 0b111) == r(3, .inexact))
        #expect(sr(2.25, F.e2m1, .variantA, 2, 0b110) == r(2, .inexact))
        #expect(sr(2.25, F.e2m1, .variantA, 65, 0).value.isNaN)
        #expect(sr(2.25, F.e2m1, .variantA, -1, 0).flags == .invalid)
    }

    /// ν = 1/4 with N = 64: A takes hi for R ≥ 2^64 − 2^62.
    @Test func sixtyFourBits() {
        let t: UInt64 = 3 << 62   // 2^64 − 2^62
        #expect(sr(2.25, F.e2m1, .variantA, 64, t) == r(3, .inexact))
        #expect(sr(2.25, F.e2m1, .variantA, 64, t - 1) == r(2, .inexact))
        #expect(sr(2.25, F.e2m1, .variantC, 64, t) == r(3, .inexact))
        // B: floor(ν·2^65) + 2R + 1 ≥ 2^65 ⇔ 2^63 + 2R + 1 ≥ 2^65 ⇔ R ≥ 3·2^62 − 1/2 ⇔ R ≥ 3·2^62.
        #expect(sr(2.25, F.e2m1, .variantB, 64, 3 << 62) == r(3, .inexact))
        #expect(sr(2.25, F.e2m1, .variantB, 64, 3 << 62 - 1) == r(2, .inexact))
    }

    @Test func exactUniform() {
        func u(_ x: Double, _ value: UInt64, _ o: ReferenceOverflow = .none) -> ReferenceResult {
            O.convertStochastic(x, to: F.e2m1, uniform: value, overflow: o)
        }
        #expect(u(2.25, 1 << 62 - 1) == r(3, .inexact))   // u/2^64 < 1/4
        #expect(u(2.25, 1 << 62) == r(2, .inexact))
        #expect(u(2.25, 0) == r(3, .inexact))
        #expect(u(2.0, 0) == r(2))                          // exact input: no choice
        #expect(u(-5, 1 << 63 - 1) == r(-6, .inexact))      // ν = 1/2
        #expect(u(-5, 1 << 63) == r(-4, .inexact))
        #expect(u(7, 0) == r(6, [.overflow, .inexact]))     // hi 8 overflows; E2M1 has no ∞/NaN
        let t = O.convertStochastic(p2(-10), to: F.e4m3fn, uniform: 0, overflow: .none)
        #expect(t == r(p2(-9), [.inexact, .underflow]))
    }

    @Test func overflowAndSubnormals() {
        // 460 into E4M3FN: lo 448, hi 480, ν = 3/8; A with N = 3: floor(3) + R ≥ 8 ⇔ R ≥ 5.
        #expect(sr(460, F.e4m3fn, .variantA, 3, 5) == r(.nan, [.overflow, .inexact]))
        #expect(sr(460, F.e4m3fn, .variantA, 3, 5, .satFinite) == r(448, [.overflow, .inexact]))
        #expect(sr(-460, F.e4m3fn, .variantA, 3, 5) == r(-.nan, [.overflow, .inexact]))
        #expect(sr(460, F.e4m3fn, .variantA, 3, 4) == r(448, .inexact))
        // E5M2, 60000: lo 57344, hi 65536, ν = 2656/8192; A with N = 2: floor(1.297) + R ≥ 4 ⇔ R = 3,
        // and overflow goes to ∞.
        #expect(sr(60000, F.e5m2, .variantA, 2, 3) == r(.infinity, [.overflow, .inexact]))
        #expect(sr(60000, F.e5m2, .variantA, 2, 2) == r(57344, .inexact))
        // 2^-10 into E4M3FN: lo 0, hi 2^-9, ν = 1/2; C with N = 1: rte(1) + R ≥ 2 ⇔ R = 1.
        #expect(sr(p2(-10), F.e4m3fn, .variantC, 1, 1) == r(p2(-9), [.inexact, .underflow]))
        #expect(sr(p2(-10), F.e4m3fn, .variantC, 1, 0) == r(0, [.inexact, .underflow]))
        #expect(sr(-p2(-10), F.e4m3fn, .variantC, 1, 0) == r(-0.0, [.inexact, .underflow]))
        // Unsigned: a negative x that rounds to 0 is +0; otherwise invalid.
        #expect(sr(-p2(-200), F.e8m0, .variantA, 8, 255) == r(.nan, .invalid))
        // Special inputs follow the deterministic rules.
        #expect(sr(.infinity, F.e4m3fn, .variantB, 4, 0) == r(.nan, .invalid))
        #expect(sr(-0.0, F.e4m3fn, .variantB, 4, 0) == r(-0.0))
    }

    /// Over every R, variant A takes hi exactly floor(ν·2^N) times out of 2^N; with ν a multiple of
    /// 2^-N that is ν·2^N (unbiased).
    @Test func variantAIsUnbiasedOnTheNBitGrid() {
        let n = 6
        for k in 1..<(1 << n) {
            let x = 2 + Double(k) / Double(1 << n)     // E2M1: lo 2, hi 3, ν = k/64
            var count = 0
            for random in 0..<UInt64(1 << n) where sr(x, F.e2m1, .variantA, n, random).value == 3 {
                count += 1
            }
            #expect(count == k)
        }
    }
}
#endif
