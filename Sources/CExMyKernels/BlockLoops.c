// The per-block loops around the encode kernels, one source per loop, compiled per instance
// (Target.h): the widening of `Double` (to `Float` rounded to odd; AVX2 and AVX-512 by the
// hardware's conversion toward zero, portable by its conversion to nearest, giving the same bits), Float16 and bfloat16
// inputs to kernel lanes; the flag scans (FastEncodePlan.anyInexact, anyTinyNonzero,
// anyTinyInexact); and the random
// bits of stochastic rounding written out (BatchEncoder.fillRandom, for the tests: the kernels
// compute the same words in their loop, CounterRandom.h). (FP4 packing happens in the encode
// kernels' stores.)
#include "CExMyKernels.h"
#include "Target.h"
#include "CounterRandom.h"

EXMY_INLINE int fill_random(uint32_t *restrict dst, intptr_t n, const ExMyCounterRandom *random) {
    // Whole groups of 32 words through a buffer (the last group may run past n).
    for (intptr_t i = 0; i < n; i += 32) {
        exmy_v8u words[4];
        exmy_counter_words(random, i, words);
        const intptr_t count = n - i < 32 ? n - i : 32;
        __builtin_memcpy(dst + i, words, (size_t)count * 4);
    }
    return 0;
}

EXMY_ALL_ISAS(int, exmy_fill_random_isa, fill_random, (uint32_t *restrict dst, intptr_t n, const ExMyCounterRandom *random), (dst, n, random))

void exmy_simd_fill_random(int isa, uint32_t *dst, intptr_t n, const ExMyCounterRandom *random) { (void)exmy_fill_random_isa(isa, dst, n, random); }

/// One double (its bits) narrowed to `Float` bits rounded to odd, by the hardware's conversion to
/// nearest (the default environment, which the batch engine runs under): the nearest `Float` `t` is
/// the truncation or one step above it in magnitude, so stepping its bits back where `|t| > |x|`
/// gives the truncation (Float subnormals included, ±FLT_MAX for |x| ≥ FLT_MAX, a NaN quieted with
/// its payload's top bits), and the odd bit goes on where `t` differs from `x` (a NaN included): the
/// bits the AVX2 and AVX-512 copies get from a conversion toward zero (`exmy_simd_widen_double`).
/// No branch, so the loop vectorises (NEON `fcvtn`, SSE2 `cvtpd2ps`).
EXMY_INLINE uint32_t narrow_to_odd_bits(uint64_t u) {
    double x;
    __builtin_memcpy(&x, &u, sizeof x);
    const float t = (float)x;
    const double back = (double)t;
    const uint32_t bits = exmy_bits(t) - (uint32_t)(__builtin_fabs(back) > __builtin_fabs(x));
    return bits | (uint32_t)(back != x);
}

EXMY_INLINE int widen_double_portable_body(const uint32_t *restrict s, int32_t *restrict dst, intptr_t n) {
    for (intptr_t i = 0; i < n; i++) dst[i] = (int32_t)narrow_to_odd_bits((uint64_t)s[2 * i] | (uint64_t)s[2 * i + 1] << 32);
    return 0;
}

__attribute__((noinline)) static void widen_double_portable(const uint32_t *restrict s, int32_t *restrict dst, intptr_t n) {
    (void)widen_double_portable_body(s, dst, n);
}

EXMY_INLINE int widen_half(const uint16_t *restrict s, int32_t *restrict dst, intptr_t n, int bfloat16) {
    if (bfloat16) {
        for (intptr_t i = 0; i < n; i++) dst[i] = (int32_t)((uint32_t)s[i] << 16);
        return 0;
    }
    for (intptr_t i = 0; i < n; i++) {
        const uint32_t h = s[i], sign = (h & 0x8000u) << 16, magnitude = h & 0x7FFFu;
        // Exact: |h| << 13 is h's significand and exponent in a Float 2^112 too small.
        const uint32_t widened = exmy_bits(exmy_float(magnitude << 13) * 0x1p112f);
        dst[i] = (int32_t)((magnitude >= 0x7C00u ? (uint32_t)EXMY_SPECIAL_MARKER : widened) | sign);
    }
    return 0;
}

EXMY_ALL_ISAS(int, exmy_widen_half_isa, widen_half, (const uint16_t *restrict s, int32_t *restrict dst, intptr_t n, int bfloat16),
              (s, dst, n, bfloat16))

void exmy_simd_widen_half(int isa, const uint16_t *src, int32_t *dst, intptr_t n, int bfloat16) {
    (void)exmy_widen_half_isa(isa, src, dst, n, bfloat16);
}

#if defined(__x86_64__)
#include <immintrin.h>

/// `vcvtpd2ps` of four doubles under the current MXCSR rounding (volatile: never moved across
/// the MXCSR writes around it, which a plain intrinsic, to the compiler a pure function, could be).
EXMY_AVX2 EXMY_INLINE __m128 convert_under_mxcsr(__m256d d) {
    __m128 f;
    __asm__ volatile("vcvtpd2ps %1, %0" : "=x"(f) : "x"(d));
    return f;
}

/// Doubles `0 ..< n` (n a multiple of 8) narrowed to `Float` precision rounding to odd; MXCSR must
/// round toward zero. The conversion truncates (Float subnormals included), converting back is
/// exact, and the odd bit goes on where the two differ.
EXMY_AVX2 EXMY_INLINE void narrow_to_odd(const double *restrict s, int32_t *restrict dst, intptr_t n) {
    const __m256i one = _mm256_set1_epi32(1);
    for (intptr_t i = 0; i < n; i += 8) {
        const __m256d d0 = _mm256_loadu_pd(s + i), d1 = _mm256_loadu_pd(s + i + 4);
        const __m128 f0 = convert_under_mxcsr(d0), f1 = convert_under_mxcsr(d1);
        // Unordered-or-unequal: a NaN is "inexact" too, and stays a NaN with the odd bit.
        const __m256d i0 = _mm256_cmp_pd(_mm256_cvtps_pd(f0), d0, _CMP_NEQ_UQ);
        const __m256d i1 = _mm256_cmp_pd(_mm256_cvtps_pd(f1), d1, _CMP_NEQ_UQ);
        // The two 4 × 64-bit masks as 8 × 32 bits, in element order.
        const __m256 packed = _mm256_shuffle_ps(_mm256_castpd_ps(i0), _mm256_castpd_ps(i1), 0x88);
        const __m256i inexact = _mm256_permute4x64_epi64(_mm256_castps_si256(packed), 0xD8);
        const __m256i f = _mm256_castps_si256(_mm256_set_m128(f1, f0));
        _mm256_storeu_si256((__m256i *)(dst + i), _mm256_or_si256(f, _mm256_and_si256(inexact, one)));
    }
}

/// `exmy_simd_widen_double` by the hardware: every double becomes its `Float` rounded to odd
/// (Float subnormals and zeros stay values: the kernels take `Float` subnormals as they take
/// `Float` inputs; ±∞ stays ±∞, a NaN stays a NaN, and |x| > FLT_MAX becomes ±FLT_MAX with the odd
/// bit, ±0x7F7FFFFF, which every plan treats as special: `FastEncodePlan`'s `special` is at most the
/// greatest `Float` below FLT_MAX). The caller's MXCSR is restored before returning.
EXMY_AVX2 EXMY_INLINE void widen_double(const uint32_t *restrict s, int32_t *restrict dst, intptr_t n) {
    const double *d = (const double *)s;
    uint32_t caller, towardZero = 0x7F80;  // every exception masked, round toward zero, no FTZ/DAZ
    __asm__ volatile("vstmxcsr %0" : "=m"(caller));
    __asm__ volatile("vldmxcsr %0" : : "m"(towardZero));
    // Steps of 128 doubles (1 KiB), each prefetching ahead (exmy_prefetch_ahead).
    intptr_t i = 0;
    for (; i + 128 <= n; i += 128) {
        exmy_prefetch_ahead(d + i, 1024);
        narrow_to_odd(d + i, dst + i, 128);
    }
    if (i < n) {
        // The last n mod 128 doubles through a zero-padded block of 8s.
        double tail[128] = {0};
        int32_t lanes[128];
        const intptr_t m = n - i, whole = (m + 7) & ~(intptr_t)7;
        __builtin_memcpy(tail, d + i, (size_t)m * 8);
        narrow_to_odd(tail, lanes, whole);
        __builtin_memcpy(dst + i, lanes, (size_t)m * 4);
    }
    __asm__ volatile("vldmxcsr %0" : : "m"(caller));
}

/// Eight doubles narrowed to `Float` bits rounded to odd, in AVX-512's own form: conversion with
/// embedded rounding toward zero (`{rz-sae}`: no MXCSR write, no serialising `asm`), the inexact
/// lanes found by one compare into a mask and given the odd bit by one masked OR.
EXMY_AVX512 EXMY_INLINE __m256i narrow8_to_odd(__m512d x) {
    const __m256 f = _mm512_cvt_roundpd_ps(x, _MM_FROUND_TO_ZERO | _MM_FROUND_NO_EXC);
    // Unordered-or-unequal: a NaN is "inexact" too, and stays a NaN with the odd bit.
    const __mmask8 inexact = _mm512_cmp_pd_mask(_mm512_cvtps_pd(f), x, _CMP_NEQ_UQ);
    const __m256i bits = _mm256_castps_si256(f);
    return _mm256_mask_or_epi32(bits, inexact, bits, _mm256_set1_epi32(1));
}

/// The same narrowing as `widen_double`, eight doubles per 512-bit register (`narrow8_to_odd`),
/// the tail by masked loads and stores. Every lane is the AVX2 form's (the tests run both);
/// `Benchmarks/kernels/harness.c narrow` times the two. (One loop with masks throughout measured
/// 30 % slower than this one in L1.)
EXMY_AVX512 __attribute__((noinline)) static void widen_double_avx512(const uint32_t *restrict s, int32_t *restrict dst, intptr_t n) {
    const double *d = (const double *)s;
    intptr_t i = 0;
    for (; i + 128 <= n; i += 128) {
        exmy_prefetch_ahead(d + i, 1024);
        for (intptr_t j = i; j < i + 128; j += 8) _mm256_storeu_si256((__m256i *)(dst + j), narrow8_to_odd(_mm512_loadu_pd(d + j)));
    }
    for (; i < n; i += 8) {
        const __mmask8 lanes = n - i >= 8 ? 0xFF : (__mmask8)((1u << (n - i)) - 1);
        _mm256_mask_storeu_epi32(dst + i, lanes, narrow8_to_odd(_mm512_maskz_loadu_pd(lanes, d + i)));
    }
}

EXMY_AVX2 __attribute__((noinline)) static void widen_double_avx2(const uint32_t *restrict s, int32_t *restrict dst, intptr_t n) {
    widen_double(s, dst, n);
}

void exmy_simd_widen_double(int isa, const uint32_t *restrict s, int32_t *restrict dst, intptr_t n) {
    if (isa == EXMY_ISA_AVX512) widen_double_avx512(s, dst, n);
    else if (isa == EXMY_ISA_AVX2) widen_double_avx2(s, dst, n);
    else widen_double_portable(s, dst, n);
}
#else
void exmy_simd_widen_double(int isa, const uint32_t *restrict s, int32_t *restrict dst, intptr_t n) {
    (void)isa;
    widen_double_portable(s, dst, n);
}
#endif

EXMY_INLINE int any_tiny_nonzero(const int32_t *restrict src, intptr_t n, int32_t limit) {
    // 0 < a < 2^emin iff a − 1 < bits(2^emin) − 1, unsigned (a = 0 wraps to the greatest value):
    // the least a − 1 decides, one minimum per lane (measured: half the instructions of ORing
    // per-lane comparisons, which matters for data with no tiny values, where the scan never stops).
    uint32_t least = 0xFFFFFFFFu;
    for (intptr_t i = 0; i < n; i++) {
        const uint32_t a = (uint32_t)(src[i] & 0x7FFFFFFF);
        const uint32_t d = a - 1;
        least = d < least ? d : least;
    }
    return least < (uint32_t)limit;
}

EXMY_ALL_ISAS(int, exmy_simd_any_tiny_nonzero, any_tiny_nonzero, (const int32_t *restrict src, intptr_t n, int32_t limit), (src, n, limit))

/// Whether some non-special lane of `src[0 ..< n]` is inexact (`tinyOnly` 0) or tiny and inexact
/// (`tinyOnly` 1): a tiny lane (`|x| < 2^emin`) is inexact where adding and subtracting `magic`
/// (2^(emin − M + 23): the subnormal quantum's `Float` grid) changes it, or always where the format
/// flushes (`tinyAlwaysInexact`; zero lanes aside); another lane where a bit of `lowMask` (the
/// dropped significand bits) is set. Groups of 256 lanes, stopping after the first group with a
/// hit. Branch-free within a group, so that each instance vectorises it.
EXMY_INLINE int scan_inexact_body(const ExMyKernelParameters *p, int sign, int tinyOnly, int tinyAlwaysInexact, uint32_t lowMask,
                                  float magic, const int32_t *restrict src, intptr_t n) {
    const ExMyKernelParameters q = *p;
    for (intptr_t start = 0; start < n; start += 256) {
        const intptr_t end = n - start < 256 ? n : start + 256;
        uint32_t acc = 0;
        for (intptr_t i = start; i < end; i++) {
            const int32_t x = src[i], a = x & 0x7FFFFFFF;
            const uint32_t ua = (uint32_t)a;
            const int ordinary = exmy_lane_special(&q, sign, x) >= 0;
            const uint32_t tinyInexact = tinyAlwaysInexact ? ua : exmy_bits((exmy_float(ua) + magic) - magic) ^ ua;
            const uint32_t inexact = a < q.tinyBits ? tinyInexact : (tinyOnly ? 0 : ua & lowMask);
            acc |= ordinary ? inexact : 0;
        }
        if (acc != 0) return 1;
    }
    return 0;
}

/// `scan_inexact_body` with its mode arguments constant (one loop per combination).
EXMY_INLINE int scan_inexact(const ExMyKernelParameters *p, int sign, int tinyOnly, int tinyAlwaysInexact, uint32_t lowMask, float magic,
                             const int32_t *restrict src, intptr_t n) {
#define EXMY_SCAN(S) \
    (tinyOnly ? (tinyAlwaysInexact ? scan_inexact_body(p, S, 1, 1, lowMask, magic, src, n) : scan_inexact_body(p, S, 1, 0, lowMask, magic, src, n)) \
              : (tinyAlwaysInexact ? scan_inexact_body(p, S, 0, 1, lowMask, magic, src, n) : scan_inexact_body(p, S, 0, 0, lowMask, magic, src, n)))
    switch (sign) {
    case EXMY_SIGN_UNSIGNED: return EXMY_SCAN(EXMY_SIGN_UNSIGNED);
    default: return EXMY_SCAN(EXMY_SIGN_MAGNITUDE);  // every signed encoding has the same special lanes
    }
#undef EXMY_SCAN
}

EXMY_ALL_ISAS(int, exmy_simd_scan_inexact, scan_inexact,
              (const ExMyKernelParameters *p, int sign, int tinyOnly, int tinyAlwaysInexact, uint32_t lowMask, float magic,
               const int32_t *restrict src, intptr_t n),
              (p, sign, tinyOnly, tinyAlwaysInexact, lowMask, magic, src, n))
