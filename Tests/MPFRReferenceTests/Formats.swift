#if MPFR  // the cross-checks need GNU MPFR: swift test --traits MPFR
import struct ExMy.SplitMix64
import MPFRReference

/// The formats the tests use, written from their specifications.
enum F {
    /// OCP OFP8 E4M3 (ml_dtypes float8_e4m3fn).
    static let e4m3fn = ReferenceFormat(exponentBits: 4, significandBits: 3, bias: 7, specials: .fn)
    /// OCP OFP8 E5M2 (IEEE-like).
    static let e5m2 = ReferenceFormat(exponentBits: 5, significandBits: 2, bias: 15, specials: .ieee)
    /// OCP MX FP4 E2M1: no Inf, no NaN.
    static let e2m1 = ReferenceFormat(exponentBits: 2, significandBits: 1, bias: 1, specials: .none)
    /// OCP MX scale E8M0: unsigned, bias 127, no zero, NaN 0xFF.
    static let e8m0 = ReferenceFormat(exponentBits: 8, significandBits: 0, bias: 127,
                                      hasSubnormals: false, hasZero: false,
                                      signedness: .unsigned, specials: .fn)
    /// IEEE 754 binary16.
    static let binary16 = ReferenceFormat(exponentBits: 5, significandBits: 10, bias: 15)
    /// IEEE 754 binary32.
    static let binary32 = ReferenceFormat(exponentBits: 8, significandBits: 23, bias: 127)
    /// IEEE 754 binary64.
    static let binary64 = ReferenceFormat(exponentBits: 11, significandBits: 52, bias: 1023)
    /// bfloat16: binary32's exponent, 7 significand bits.
    static let bfloat16 = ReferenceFormat(exponentBits: 8, significandBits: 7, bias: 127)
    /// AMD/Graphcore E4M3FNUZ: bias 8, one NaN at 0x80, no −0.
    static let e4m3fnuz = ReferenceFormat(exponentBits: 4, significandBits: 3, bias: 8, specials: .fnuz)
    /// IEEE P3109 binary8p4 signed extended: K 8, P 4, bias 2^(K−P−1) = 8.
    static let binary8p4se = ReferenceFormat(exponentBits: 4, significandBits: 3, bias: 8,
                                             specials: .p3109Extended)
    /// OCP MXINT8: 8-bit two's complement with an implied scale 2^−6.
    static let mxint8 = ReferenceFormat(exponentBits: 0, significandBits: 7, bias: 0,
                                        signedness: .twosComplement, specials: .none)
    /// E3M3 without subnormals (flush to zero), bias 3: emin −2.
    static let e3m3flush = ReferenceFormat(exponentBits: 3, significandBits: 3, bias: 3,
                                           hasSubnormals: false, specials: .none)
}

/// Shorthands.
func rne(_ x: Double, _ f: ReferenceFormat, _ o: ReferenceOverflow = .none) -> ReferenceResult {
    MPFRReference.convert(x, to: f, rounding: .nearestEven, overflow: o)
}

func r(_ value: Double, _ flags: ReferenceFlags = []) -> ReferenceResult {
    ReferenceResult(value: value, flags: flags)
}

/// `2^e` as a Double.
func p2(_ e: Int) -> Double { Double(sign: .plus, exponent: e, significand: 1) }
#endif
