// The encode kernels of Sources/ExMy/Batch/EncodeKernels.swift, line for line, compiled for AVX2.
//
// Each Swift generic parameter (sign mode, tiny mode, rule shape, code type) is a constant
// argument here; `always_inline` bodies are instantiated once per combination by the functions at
// the end, so every loop is branch-free and the compiler vectorises it (8 lanes with AVX2).
// Swift's wrapping operators (&+, &-, &<<, &>>) are unsigned C arithmetic here; Swift's masked
// shifts (`&>>` takes the count modulo 32) are written with `& 31`.
#include "CExMyKernels.h"
#include "Target.h"

typedef ExMyKernelParameters P;

// MARK: Sign modes (EncodeSignMode)

/// Whether `code` reads the magnitude beyond its low bits (SignMagnitudeNoNegativeZeroMode).
EXMY_INLINE int reads_whole_magnitude(int sign) { return sign == EXMY_SIGN_NO_NEGATIVE_ZERO; }

/// `S.code(m, x, p)`.
EXMY_INLINE uint32_t sign_code(int sign, uint32_t m, int32_t x, const P *p) {
    switch (sign) {
    case EXMY_SIGN_MAGNITUDE:
        return m | (uint32_t)((x >> (p->signShift & 31)) & p->signBit);
    case EXMY_SIGN_NO_NEGATIVE_ZERO: {
        uint32_t s = (uint32_t)((x >> (p->signShift & 31)) & p->signBit);
        return m | (m == 0 ? 0 : s);
    }
    case EXMY_SIGN_UNSIGNED:
        return m;
    default: {
        uint32_t negative = (uint32_t)(x >> 31);
        return ((m ^ negative) - negative) & p->codeMask;
    }
    }
}

/// `S.special(x, a, p)`: sign bit set iff the lane is special.
EXMY_INLINE int32_t sign_special(int sign, int32_t x, int32_t a, const P *p) {
    if (sign == EXMY_SIGN_UNSIGNED) {
        return (int32_t)(((uint32_t)p->special - (uint32_t)x) | ((uint32_t)x - (uint32_t)p->lowSpecial));
    }
    return (int32_t)((uint32_t)p->special - (uint32_t)a);
}

EXMY_INLINE void store_code(int codeBytes, void *dst, intptr_t i, uint32_t code) {
    switch (codeBytes) {
    case 1: ((uint8_t *)dst)[i] = (uint8_t)code; break;
    case 2: ((uint16_t *)dst)[i] = (uint16_t)code; break;
    default: ((uint32_t *)dst)[i] = code; break;
    }
}

// MARK: Kernels

/// `for (intptr_t I = 0; I < N; I++)`, in steps of 256 lanes (1 KiB of input at SRC), each step
/// first prefetching the KiB EXMY_PREFETCH_DISTANCE ahead (the Swift loops have no prefetch; this
/// changes no result). Closed by `}}`.
#define EXMY_PREFETCHING_LOOP(I, N, SRC)                                                              \
    for (intptr_t I##0 = 0; I##0 < (N); I##0 += 256)                                                  \
        for (intptr_t I##end = (exmy_prefetch_ahead((SRC) + I##0, 4 * ((N) - I##0 < 256 ? (N) - I##0 : 256)), \
                                (N) - I##0 < 256 ? (N) : I##0 + 256), I = I##0; I < I##end; I++) {

/// `EncodeKernels.nearestEven`.
EXMY_INLINE int32_t nearest_even(const P *pp, int sign, int tinyGeneral, int codeBytes,
                                 const int32_t *restrict src, void *restrict dst, intptr_t n) {
    const P p = *pp;
    int32_t accSpecial = 0;
    const uint32_t sh = p.sh & 31, lsbAnd = p.lsbAnd, c0 = p.c0 - (p.off << sh);
    const int32_t tinyBits = p.tinyBits;
    const float magic = p.magic;
    const uint32_t magicBits = p.magicBits, tinyShift = p.tinyShift & 31;
    EXMY_PREFETCHING_LOOP(i, n, src) {
        const int32_t x = src[i];
        const int32_t a = x & 0x7FFFFFFF;
        const uint32_t ua = (uint32_t)a;
        const uint32_t normal = (ua + c0 + ((ua >> sh) & lsbAnd)) >> sh;
        uint32_t small = exmy_bits(exmy_float(ua) + magic);
        // The low 23 bits of `magicBits` are zero: codes of at most 16 bits need no subtraction.
        if (codeBytes > 2 || reads_whole_magnitude(sign)) small -= magicBits;
        if (tinyGeneral) small = small << tinyShift;
        const uint32_t magnitude = a < tinyBits ? small : normal;
        store_code(codeBytes, dst, i, sign_code(sign, magnitude, x, &p));
        accSpecial |= sign_special(sign, x, a, &p);
    }}
    return accSpecial;
}

/// `EncodeKernels.generalLoop`: `add = g0 + (lsb ? gL : 0) + (negative ? gN : 0) + (R << sR)` before
/// the shift; `lsb`, `negative`, `sticky` and `random` are the rule shape's terms (EncodeRuleShape).
EXMY_INLINE int32_t general(const P *pp, int sign, int tinyGeneral, int codeBytes,
                            int lsb, int negative, int sticky, int random,
                            const int32_t *restrict src, void *restrict dst, intptr_t n,
                            const uint32_t *restrict rnd) {
    const P p = *pp;
    int32_t accSpecial = 0;
    const uint32_t sh = p.sh & 31, off = p.off, tinyShift = p.tinyShift & 31;
    const int32_t tinyBits = p.tinyBits;
    const float tinyAdd = p.tinyAdd;
    const uint32_t tinyBase = p.tinyBase, stickyBit = p.stickyBit;
    const uint32_t g0 = p.g0, gL = p.gL, sL = p.sL & 31, gN = p.gN, sR = p.sR & 31;
    EXMY_PREFETCHING_LOOP(i, n, src) {
        const int32_t x = src[i];
        const int32_t a = x & 0x7FFFFFFF;
        const uint32_t ua = (uint32_t)a;
        // T for tiny lanes: ⌊|x| / quantum⌋ (+ off << sh), with a sticky bit below it.
        const float fa = exmy_float(ua);
        const float s = fa + tinyAdd;
        const uint32_t r = exmy_bits(s - tinyAdd);
        uint32_t small = exmy_bits(s) - tinyBase - ((int32_t)r > a ? 1u : 0u);
        if (sticky) small |= r != ua ? stickyBit : 0;
        const int tiny = a < tinyBits;
        const uint32_t t = tiny ? small : ua;
        uint32_t add = g0;
        if (lsb) add += (0u - ((t >> sL) & 1)) & gL;
        if (negative) add += (uint32_t)(x >> 31) & gN;
        if (random) add += rnd[i] << sR;
        const uint32_t raw = (t + add) >> sh;
        uint32_t magnitude;
        if (tinyGeneral) {
            magnitude = tiny ? raw << tinyShift : raw - off;
        } else {
            magnitude = raw - off;
        }
        store_code(codeBytes, dst, i, sign_code(sign, magnitude, x, &p));
        accSpecial |= sign_special(sign, x, a, &p);
    }}
    return accSpecial;
}

// MARK: Instances

/// One function per (kernel, sign, tiny); the code width is switched inside.
#define EXMY_INSTANCE(NAME, CALL)                                                                     \
    EXMY_AVX2 __attribute__((noinline)) static int32_t NAME(const P *p, int bytes,                    \
                                                            const int32_t *restrict src,              \
                                                            void *restrict dst, intptr_t n,           \
                                                            const uint32_t *restrict rnd) {           \
        (void)rnd;                                                                                    \
        switch (bytes) {                                                                              \
        case 1: return CALL(1);                                                                       \
        case 2: return CALL(2);                                                                       \
        default: return CALL(4);                                                                      \
        }                                                                                             \
    }

#define EXMY_SIGN_TINY(KERNEL, CALL_S_T)                                                              \
    EXMY_INSTANCE(KERNEL##_0_0, CALL_S_T(0, 0))                                                       \
    EXMY_INSTANCE(KERNEL##_0_1, CALL_S_T(0, 1))                                                       \
    EXMY_INSTANCE(KERNEL##_1_0, CALL_S_T(1, 0))                                                       \
    EXMY_INSTANCE(KERNEL##_1_1, CALL_S_T(1, 1))                                                       \
    EXMY_INSTANCE(KERNEL##_2_0, CALL_S_T(2, 0))                                                       \
    EXMY_INSTANCE(KERNEL##_2_1, CALL_S_T(2, 1))                                                       \
    EXMY_INSTANCE(KERNEL##_3_0, CALL_S_T(3, 0))                                                       \
    EXMY_INSTANCE(KERNEL##_3_1, CALL_S_T(3, 1))

// CALL_S_T(S, T) expands to a macro of the code width B.
#define NE(S, T) NE_##S##_##T
#define NE_0_0(B) nearest_even(p, 0, 0, B, src, dst, n)
#define NE_0_1(B) nearest_even(p, 0, 1, B, src, dst, n)
#define NE_1_0(B) nearest_even(p, 1, 0, B, src, dst, n)
#define NE_1_1(B) nearest_even(p, 1, 1, B, src, dst, n)
#define NE_2_0(B) nearest_even(p, 2, 0, B, src, dst, n)
#define NE_2_1(B) nearest_even(p, 2, 1, B, src, dst, n)
#define NE_3_0(B) nearest_even(p, 3, 0, B, src, dst, n)
#define NE_3_1(B) nearest_even(p, 3, 1, B, src, dst, n)

// Rule shapes, general(…, lsb, negative, sticky, random, …): FullShape, TruncateShape,
// StochasticABShape, StochasticCShape.
#define FULL(S, T) FULL_##S##_##T
#define TRUNC(S, T) TRUNC_##S##_##T
#define SAB(S, T) SAB_##S##_##T
#define SC(S, T) SC_##S##_##T

#define FULL_0_0(B) general(p, 0, 0, B, 1, 1, 1, 0, src, dst, n, rnd)
#define FULL_0_1(B) general(p, 0, 1, B, 1, 1, 1, 0, src, dst, n, rnd)
#define FULL_1_0(B) general(p, 1, 0, B, 1, 1, 1, 0, src, dst, n, rnd)
#define FULL_1_1(B) general(p, 1, 1, B, 1, 1, 1, 0, src, dst, n, rnd)
#define FULL_2_0(B) general(p, 2, 0, B, 1, 1, 1, 0, src, dst, n, rnd)
#define FULL_2_1(B) general(p, 2, 1, B, 1, 1, 1, 0, src, dst, n, rnd)
#define FULL_3_0(B) general(p, 3, 0, B, 1, 1, 1, 0, src, dst, n, rnd)
#define FULL_3_1(B) general(p, 3, 1, B, 1, 1, 1, 0, src, dst, n, rnd)

#define TRUNC_0_0(B) general(p, 0, 0, B, 0, 0, 0, 0, src, dst, n, rnd)
#define TRUNC_0_1(B) general(p, 0, 1, B, 0, 0, 0, 0, src, dst, n, rnd)
#define TRUNC_1_0(B) general(p, 1, 0, B, 0, 0, 0, 0, src, dst, n, rnd)
#define TRUNC_1_1(B) general(p, 1, 1, B, 0, 0, 0, 0, src, dst, n, rnd)
#define TRUNC_2_0(B) general(p, 2, 0, B, 0, 0, 0, 0, src, dst, n, rnd)
#define TRUNC_2_1(B) general(p, 2, 1, B, 0, 0, 0, 0, src, dst, n, rnd)
#define TRUNC_3_0(B) general(p, 3, 0, B, 0, 0, 0, 0, src, dst, n, rnd)
#define TRUNC_3_1(B) general(p, 3, 1, B, 0, 0, 0, 0, src, dst, n, rnd)

#define SAB_0_0(B) general(p, 0, 0, B, 0, 0, 0, 1, src, dst, n, rnd)
#define SAB_0_1(B) general(p, 0, 1, B, 0, 0, 0, 1, src, dst, n, rnd)
#define SAB_1_0(B) general(p, 1, 0, B, 0, 0, 0, 1, src, dst, n, rnd)
#define SAB_1_1(B) general(p, 1, 1, B, 0, 0, 0, 1, src, dst, n, rnd)
#define SAB_2_0(B) general(p, 2, 0, B, 0, 0, 0, 1, src, dst, n, rnd)
#define SAB_2_1(B) general(p, 2, 1, B, 0, 0, 0, 1, src, dst, n, rnd)
#define SAB_3_0(B) general(p, 3, 0, B, 0, 0, 0, 1, src, dst, n, rnd)
#define SAB_3_1(B) general(p, 3, 1, B, 0, 0, 0, 1, src, dst, n, rnd)

#define SC_0_0(B) general(p, 0, 0, B, 1, 0, 1, 1, src, dst, n, rnd)
#define SC_0_1(B) general(p, 0, 1, B, 1, 0, 1, 1, src, dst, n, rnd)
#define SC_1_0(B) general(p, 1, 0, B, 1, 0, 1, 1, src, dst, n, rnd)
#define SC_1_1(B) general(p, 1, 1, B, 1, 0, 1, 1, src, dst, n, rnd)
#define SC_2_0(B) general(p, 2, 0, B, 1, 0, 1, 1, src, dst, n, rnd)
#define SC_2_1(B) general(p, 2, 1, B, 1, 0, 1, 1, src, dst, n, rnd)
#define SC_3_0(B) general(p, 3, 0, B, 1, 0, 1, 1, src, dst, n, rnd)
#define SC_3_1(B) general(p, 3, 1, B, 1, 0, 1, 1, src, dst, n, rnd)

EXMY_SIGN_TINY(nearest_even, NE)
EXMY_SIGN_TINY(full, FULL)
EXMY_SIGN_TINY(truncate, TRUNC)
EXMY_SIGN_TINY(stochastic_ab, SAB)
EXMY_SIGN_TINY(stochastic_c, SC)

typedef int32_t (*Instance)(const P *, int, const int32_t *restrict, void *restrict, intptr_t, const uint32_t *restrict);

#define EXMY_ROW(K) {K##_0_0, K##_0_1, K##_1_0, K##_1_1, K##_2_0, K##_2_1, K##_3_0, K##_3_1}

static const Instance instances[5][8] = {
    EXMY_ROW(nearest_even), EXMY_ROW(full), EXMY_ROW(truncate), EXMY_ROW(stochastic_ab), EXMY_ROW(stochastic_c),
};

int32_t exmy_avx2_encode(const ExMyKernelParameters *parameters, int kernel, int sign, int tinyGeneral, int codeBytes,
                         const int32_t *src, void *dst, intptr_t n, const uint32_t *random) {
    // The caller passes valid shapes (FastEncodePlan); anything else would be a bug there.
    const Instance f = instances[kernel][sign * 2 + (tinyGeneral ? 1 : 0)];
    return f(parameters, codeBytes, src, dst, n, random);
}
