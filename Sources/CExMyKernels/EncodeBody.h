// The width-generic body of the encode kernels (the batch encoder's vector path), included once per
// instance with
//   EXMY_W              the lanes per vector: 8 (256-bit: portable and AVX2) or 16 (512-bit, AVX-512),
//   EXMY_LANE_ATTR      the target attribute of the lane functions (Target.h; empty for portable),
//   EXMY_IOTA           the vector {0, 1, …, EXMY_W − 1},
//   EXMY_PORTABLE_BODY  defined for the portable instance (EncodeKernelsPortable.c): its stores are
//                       plain C (`__builtin_convertvector`), for any CPU;
// it defines the kernels and the macro EXMY_KERNELS(ATTR, ISA), which instantiates them.
//
// Written with clang's vector extensions (`+`, `>>`, `&`, comparisons giving −1/0 masks, casts
// between vector types of one size are bit casts), so that the same source runs on every width and
// CPU; only the narrowing store (`store_group`) has a form per instance. The format and the rule
// enter as parameters (ExMyKernelParameters, computed by Swift's FastEncodePlan) and as constant
// arguments (sign encoding, tiny mode, rule shape, code layout); `always_inline` bodies are
// instantiated once per combination by EXMY_KERNELS, so every loop is branch-free. Unsigned C
// arithmetic wraps; shifts are written with `& 31` where a count could reach 32.
//
// The special summary keeps the greatest magnitude (a lane is special iff its magnitude exceeds
// `special`); the x86 instances' general kernels put the sign of byte and packed FP4 codes of
// sign-magnitude formats onto the narrowed bytes, a group at a time (`signs_on_bytes`). Special
// lanes may hold different raw codes in different instances; the driver (Swift's BatchEncoder)
// re-encodes them with the scalar engine.
//
// Every lane that a kernel does not handle exactly is *special* (NaN, ±∞, a magnitude above the
// greatest finite value, a negative value into an unsigned format, zero into a format without
// zero): the kernel reports that the block has one, and the driver re-encodes exactly those
// elements with the scalar engine, so every code is the scalar engine's.
//
// How a magnitude `a` (the bits of `|x|`, a normal `Float` at or above `2^emin`) is rounded: with
// `sh = 23 − M` bits to drop, the code of a normal result is `(a >> sh) − off` with
// `off = (127 − bias) << M`, and a rule rounds up by adding a constant before the shift: a carry
// out of the dropped bits increments the code, carrying into the exponent field when the
// significand overflows. Ties-to-even adds `2^(sh−1) − 1 + lsb`; toward zero adds 0; stochastic
// variant A with `N` random bits `R` adds `R << (sh − N)` (a carry happens iff
// `⌊ν·2^N⌋ + R ≥ 2^N`), and so on (FastEncodePlan). Below `2^emin` the grid is fixed-point. The
// nearest-even kernel rounds there with one `Float` addition of a power of two
// `2^(emin − M + 23)`, whose quantum is exactly the subnormal quantum, so the hardware's
// ties-to-even rounding is the format's. The general kernel needs the dropped bits themselves: it
// computes `T = ⌊|x| / 2^(emin − 23)⌋` exactly (one addition, one subtraction, one comparison), ORs
// a sticky bit for the bits below `T` where the rule needs it, and then rounds `T` with the same
// integer add-and-shift as the normal lanes.
#include "CExMyKernels.h"
#include "Target.h"
#include "CounterRandom.h"

#if defined(__x86_64__)
#include <immintrin.h>
#endif

typedef ExMyKernelParameters P;
/// EXMY_W lanes of 32 bits.
typedef uint32_t vu __attribute__((vector_size(4 * EXMY_W)));
typedef int32_t vi __attribute__((vector_size(4 * EXMY_W)));
typedef float vf __attribute__((vector_size(4 * EXMY_W)));

/// Code layouts: `codeBytes` 1, 2 or 4, or EXMY_CODES_PACKED4 (CExMyKernels.h).
#define EXMY_PACKED4 EXMY_CODES_PACKED4

// MARK: Lanes

#define EXMY_VINLINE EXMY_LANE_ATTR EXMY_INLINE

/// `v` in every lane.
EXMY_VINLINE vu splat(uint32_t v) { return (vu){0} + v; }

/// `mask ? a : b` per lane (`mask` lanes are −1 or 0).
EXMY_VINLINE vu lane_select(vi mask, vu a, vu b) { return (a & (vu)mask) | (b & ~(vu)mask); }

/// Whether `code` reads the magnitude beyond its low bits (SignMagnitudeNoNegativeZeroMode).
EXMY_INLINE int reads_whole_magnitude(int sign) { return sign == EXMY_SIGN_NO_NEGATIVE_ZERO; }

/// Whether the sign goes on in `store_group`, on the narrowed bytes (a group at a time), rather than
/// lane by lane in `sign_code`: for the general kernels' byte and packed FP4 codes of
/// sign-magnitude formats (their magnitude codes are exact, below 2^(K−1), so the packs keep them).
EXMY_INLINE int signs_on_bytes(int sign, int codeBytes, int exact) {
#if defined(EXMY_PORTABLE_BODY)
    (void)sign; (void)codeBytes; (void)exact;
    return 0;  // the portable store narrows by truncation: the lanes carry their sign
#endif
    return exact && (codeBytes == 1 || codeBytes == EXMY_PACKED4) && (sign == EXMY_SIGN_MAGNITUDE || sign == EXMY_SIGN_NO_NEGATIVE_ZERO);
}

/// The code of a lane with input bits `x` and rounded magnitude code `m`: a sign bit above the
/// magnitude (−0 kept), a sign bit but no −0 (a zero magnitude stays +0), no sign (negative lanes
/// are special), or two's complement (`−m` modulo `2^K`).
EXMY_VINLINE vu sign_code(int sign, vu m, vi x, const P *p) {
    switch (sign) {
    case EXMY_SIGN_MAGNITUDE:
        return m | (vu)((x >> (p->signShift & 31)) & p->signBit);
    case EXMY_SIGN_NO_NEGATIVE_ZERO: {
        vu s = (vu)((x >> (p->signShift & 31)) & p->signBit);
        return m | (s & ~(vu)(m == 0));
    }
    case EXMY_SIGN_UNSIGNED:
        return m;
    default: {
        vu negative = (vu)(x >> 31);
        return ((m ^ negative) - negative) & p->codeMask;
    }
    }
}

/// Sign bit set iff the lane is special (`exmy_lane_special` on vectors).
EXMY_VINLINE vi sign_special(int sign, vi x, vi a, const P *p) {
    if (sign == EXMY_SIGN_UNSIGNED) {
        return (vi)(((uint32_t)p->special - (vu)x) | ((vu)x - (uint32_t)p->lowSpecial));
    }
    return (vi)((uint32_t)p->special - (vu)a);
}

/// Accumulates `sign_special` over lanes into `acc` (the OR of `part`s for unsigned formats; else the
/// greatest `a`, which is enough: a lane is special iff `a > special`). `summarize_special` turns it
/// into `Summary.special`.
EXMY_VINLINE vi combine_special(int sign, vi acc, vi part) {
    if (sign == EXMY_SIGN_UNSIGNED) return acc | part;
    return (vi)__builtin_elementwise_max((vu)acc, (vu)part);
}

EXMY_VINLINE void accumulate_special(int sign, vi *acc, vi x, vi a, const P *p) {
    *acc = combine_special(sign, *acc, sign == EXMY_SIGN_UNSIGNED ? sign_special(sign, x, a, p) : a);
}

/// A value whose sign bit is set iff some lane accumulated in `acc` is special.
EXMY_VINLINE int32_t summarize_special(int sign, vi acc, const P *p) {
    int32_t summary = 0;
    for (int k = 0; k < EXMY_W; k++) summary |= sign == EXMY_SIGN_UNSIGNED ? acc[k] : (int32_t)((uint32_t)p->special - (uint32_t)acc[k]);
    return summary;
}

/// Round to nearest, ties to even, one group of EXMY_W lanes.
EXMY_VINLINE vu nearest_even_lanes(const P *p, int sign, int tinyGeneral, int codeBytes, uint32_t c0, vi x,
                                    vi *accSpecial) {
    const uint32_t sh = p->sh & 31, tinyShift = p->tinyShift & 31;
    const vi a = x & 0x7FFFFFFF;
    const vu ua = (vu)a;
    const vu normal = (ua + c0 + ((ua >> sh) & p->lsbAnd)) >> sh;
    vu small = (vu)((vf)ua + p->magic);
    // The low 23 bits of `magicBits` are zero: codes of at most 16 bits need no subtraction when
    // stored truncated; the narrowing packs below saturate, so byte codes are masked instead.
    if (codeBytes > 2 || reads_whole_magnitude(sign)) small -= p->magicBits;
    if (tinyGeneral) small = small << tinyShift;
    const vu magnitude = lane_select(a < p->tinyBits, small, normal);
    accumulate_special(sign, accSpecial, x, a, p);
    return sign_code(sign, magnitude, x, p);
}

/// Every other rule, one group of EXMY_W lanes: `add = g0 + (lsb ? gL : 0) + (negative ? gN : 0) +
/// (R << sR)` before the shift; `lsb`, `negative`, `sticky` and `random` are the rule shape's terms
/// (EncodeRuleShape).
EXMY_VINLINE vu general_lanes(const P *p, int sign, int tinyGeneral, int unsignedCodes, int lsb, int negative, int sticky,
                               int random, vi x, vu rnd, vi *accSpecial) {
    const uint32_t sh = p->sh & 31, tinyShift = p->tinyShift & 31, sL = p->sL & 31;
    const vi a = x & 0x7FFFFFFF;
    const vu ua = (vu)a;
    // T for tiny lanes: ⌊|x| / quantum⌋ (+ off << sh), with a sticky bit below it.
    const vf fa = (vf)ua;
    const vf s = fa + p->tinyAdd;
    const vu r = (vu)(s - p->tinyAdd);
    // (r > a) is −1 where the addition rounded up: adding it subtracts 1.
    vu small = (vu)s - p->tinyBase + (vu)((vi)r > a);
    if (sticky) small |= (vu)(r != ua) & p->stickyBit;
    const vi tiny = a < p->tinyBits;
    const vu t = lane_select(tiny, small, ua);
    vu add = splat(p->g0);
    if (lsb) add += (0 - ((t >> sL) & 1)) & p->gL;
    if (negative) add += (vu)(x >> 31) & p->gN;
    if (random) add += rnd;  // R << sR (exmy_counter_terms)
    const vu raw = (t + add) >> sh;
    const vu magnitude = tinyGeneral ? lane_select(tiny, raw << tinyShift, raw - p->off) : raw - p->off;
    accumulate_special(sign, accSpecial, x, a, p);
    // `unsignedCodes`: the sign goes on later, in store_group (signs_on_bytes).
    return unsignedCodes ? magnitude : sign_code(sign, magnitude, x, p);
}

// MARK: Loads and stores

EXMY_VINLINE vi load_lanes(const int32_t *s) { vi v; __builtin_memcpy(&v, s, sizeof v); return v; }

#if defined(EXMY_PORTABLE_BODY) && EXMY_W == 8
typedef uint16_t vh __attribute__((vector_size(2 * EXMY_W)));
typedef uint8_t vb __attribute__((vector_size(EXMY_W)));
typedef uint8_t vb32 __attribute__((vector_size(4 * EXMY_W)));
typedef uint8_t vb16 __attribute__((vector_size(2 * EXMY_W)));
/// Stores 32 codes `c0 … c3` (8 each, in order) in the layout `codeBytes`, narrowing by truncation
/// (`__builtin_convertvector`): the code bits of ordinary lanes are the same as in the x86 forms,
/// which narrow by saturating packs after masking; special lanes may differ (the driver rewrites
/// them). Packed FP4: nibble pairs of the byte codes, masked to 4 bits. No streaming stores.
EXMY_INLINE void store_group(int codeBytes, int exact, int sign, const P *p, void *dst, intptr_t i, vu c0, vu c1, vu c2,
                             vu c3, vi x0, vi x1, vi x2, vi x3, int streaming) {
    (void)exact; (void)sign; (void)x0; (void)x1; (void)x2; (void)x3; (void)streaming;
    if (codeBytes == 4) {
        __builtin_memcpy((uint32_t *)dst + i, &c0, sizeof c0);
        __builtin_memcpy((uint32_t *)dst + i + 8, &c1, sizeof c1);
        __builtin_memcpy((uint32_t *)dst + i + 16, &c2, sizeof c2);
        __builtin_memcpy((uint32_t *)dst + i + 24, &c3, sizeof c3);
        return;
    }
    if (codeBytes == 2) {
        const vh h[4] = {__builtin_convertvector(c0, vh), __builtin_convertvector(c1, vh), __builtin_convertvector(c2, vh),
                         __builtin_convertvector(c3, vh)};
        __builtin_memcpy((uint16_t *)dst + i, h, sizeof h);
        return;
    }
    const vb b0 = __builtin_convertvector(c0, vb), b1 = __builtin_convertvector(c1, vb);
    const vb b2 = __builtin_convertvector(c2, vb), b3 = __builtin_convertvector(c3, vb);
    const vb16 b01 = __builtin_shufflevector(b0, b1, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
    const vb16 b23 = __builtin_shufflevector(b2, b3, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
    const vb32 b = __builtin_shufflevector(b01, b23, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20,
                                           21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31);
    if (codeBytes == 1) {
        __builtin_memcpy((uint8_t *)dst + i, &b, sizeof b);
        return;
    }
    // Packed FP4: byte j of the output is code 2j | code 2j+1 << 4.
    const vb16 even = __builtin_shufflevector(b, b, 0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
    const vb16 odd = __builtin_shufflevector(b, b, 1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31);
    const vb16 packed = (even & (uint8_t)0x0F) | ((odd & (uint8_t)0x0F) << 4);
    (void)p;
    __builtin_memcpy((uint8_t *)dst + i / 2, &packed, sizeof packed);
}
#elif defined(__x86_64__) && EXMY_W == 8
/// Stores 32 codes `c0 … c3` (8 each, in order) in the layout `codeBytes`. Special lanes may
/// hold anything (the driver rewrites them), and the narrowing packs saturate, so the code bits
/// of ordinary lanes must be all that is left before a pack: with `exact` (the general kernels),
/// every ordinary lane's code is already below 2^K and only packed FP4 needs a mask (after the
/// packs, so that a special lane cannot spill into its neighbour's nibble); without it (the
/// nearest-even kernel, whose tiny lanes keep `magicBits` above the code), 16-bit and byte codes are
/// masked to the code width first.
EXMY_VINLINE void store_group(int codeBytes, int exact, int sign, const P *p, void *dst, intptr_t i, vu c0, vu c1, vu c2,
                              vu c3, vi x0, vi x1, vi x2, vi x3, int streaming) {
    const uint32_t codeMask = p->codeMask;
    if (codeBytes == 4) {
        exmy_store32((uint32_t *)dst + i, (__m256i)c0, streaming);
        exmy_store32((uint32_t *)dst + i + 8, (__m256i)c1, streaming);
        exmy_store32((uint32_t *)dst + i + 16, (__m256i)c2, streaming);
        exmy_store32((uint32_t *)dst + i + 24, (__m256i)c3, streaming);
        return;
    }
    if (!exact) {
        const vu m = splat(codeBytes == 2 ? 0xFFFF : codeMask);
        c0 &= m, c1 &= m, c2 &= m, c3 &= m;
    }
    const __m256i w01 = _mm256_packus_epi32((__m256i)c0, (__m256i)c1);
    const __m256i w23 = _mm256_packus_epi32((__m256i)c2, (__m256i)c3);
    if (codeBytes == 2) {
        // packus works within 128-bit halves: restore the element order.
        exmy_store32((uint16_t *)dst + i, _mm256_permute4x64_epi64(w01, 0xD8), streaming);
        exmy_store32((uint16_t *)dst + i + 16, _mm256_permute4x64_epi64(w23, 0xD8), streaming);
        return;
    }
    __m256i b = _mm256_packus_epi16(w01, w23);
    if (signs_on_bytes(sign, codeBytes, exact)) {
        // The inputs narrowed by signed saturation keep their sign in bit 7 of each byte, in the
        // codes' byte order; moved to bit K − 1 and ORed in (not onto a zero magnitude without −0).
        __m256i s = _mm256_and_si256(_mm256_packs_epi16(_mm256_packs_epi32((__m256i)x0, (__m256i)x1),
                                                        _mm256_packs_epi32((__m256i)x2, (__m256i)x3)),
                                     _mm256_set1_epi8((char)0x80));
        s = _mm256_srl_epi16(s, _mm_cvtsi32_si128((int)(p->signShift - 24)));  // 8 − K
        if (sign == EXMY_SIGN_NO_NEGATIVE_ZERO) s = _mm256_andnot_si256(_mm256_cmpeq_epi8(b, _mm256_setzero_si256()), s);
        b = _mm256_or_si256(b, s);
    }
    b = _mm256_permutevar8x32_epi32(b, _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7));
    if (codeBytes == 1) {
        exmy_store32((uint8_t *)dst + i, b, streaming);
        return;
    }
    if (exact) b = _mm256_and_si256(b, _mm256_set1_epi8(0x0F));
    // Packed FP4: byte pairs (c, d), both < 16, as 16-bit lanes c | d << 8 become c | d << 4.
    const __m256i w = _mm256_and_si256(_mm256_or_si256(b, _mm256_srli_epi16(b, 4)), _mm256_set1_epi16(0xFF));
    const __m256i n = _mm256_permute4x64_epi64(_mm256_packus_epi16(w, w), 0xD8);
    exmy_store16((uint8_t *)dst + i / 2, _mm256_castsi256_si128(n), streaming);
}
#elif defined(__x86_64__) && EXMY_W == 16
/// Stores 64 codes `c0 … c3` (16 each, in order) in the layout `codeBytes`, as the 8-lane form
/// does: byte codes by the same saturating packs, 16-bit codes and the nibble pairs of packed FP4
/// by AVX-512's truncating narrowing moves (`vpmovdw`, `vpmovwb`): the same bits for every
/// ordinary lane, whose code bits are all that is left before the narrowing (masked first without
/// `exact`); special lanes may differ, and the driver rewrites them. The sign of byte and packed
/// FP4 codes (signs_on_bytes) goes on by a byte mask made of the inputs' sign bits.
EXMY_VINLINE void store_group(int codeBytes, int exact, int sign, const P *p, void *dst, intptr_t i, vu c0, vu c1, vu c2,
                              vu c3, vi x0, vi x1, vi x2, vi x3, int streaming) {
    const uint32_t codeMask = p->codeMask;
    if (codeBytes == 4) {
        const vu c[4] = {c0, c1, c2, c3};
        for (int k = 0; k < 4; k++) {
            exmy_store32((uint32_t *)dst + i + 16 * k, _mm512_castsi512_si256((__m512i)c[k]), streaming);
            exmy_store32((uint32_t *)dst + i + 16 * k + 8, _mm512_extracti64x4_epi64((__m512i)c[k], 1), streaming);
        }
        return;
    }
    if (!exact) {
        const vu m = splat(codeBytes == 2 ? 0xFFFF : codeMask);
        c0 &= m, c1 &= m, c2 &= m, c3 &= m;
    }
    if (codeBytes == 2) {
        exmy_store32((uint16_t *)dst + i, _mm512_cvtepi32_epi16((__m512i)c0), streaming);
        exmy_store32((uint16_t *)dst + i + 16, _mm512_cvtepi32_epi16((__m512i)c1), streaming);
        exmy_store32((uint16_t *)dst + i + 32, _mm512_cvtepi32_epi16((__m512i)c2), streaming);
        exmy_store32((uint16_t *)dst + i + 48, _mm512_cvtepi32_epi16((__m512i)c3), streaming);
        return;
    }
    // Saturating packs, as in the 8-lane form (four instructions where four `vpmovdb` and the
    // inserts joining their results took eleven): 128-bit lane k of `b` then holds the dwords
    // c0[4k … 4k+3], c1[…], c2[…], c3[…] as bytes, and one dword permutation puts them in order.
    const __m512i w01 = _mm512_packus_epi32((__m512i)c0, (__m512i)c1), w23 = _mm512_packus_epi32((__m512i)c2, (__m512i)c3);
    __m512i b = _mm512_permutexvar_epi32(_mm512_setr_epi32(0, 4, 8, 12, 1, 5, 9, 13, 2, 6, 10, 14, 3, 7, 11, 15),
                                         _mm512_packus_epi16(w01, w23));
    if (signs_on_bytes(sign, codeBytes, exact)) {
        // The inputs' sign bits, one per byte in the codes' order; bit K − 1 ORed in where set
        // (not onto a zero magnitude without −0).
        __mmask64 negative = (uint64_t)_mm512_movepi32_mask((__m512i)x0) | (uint64_t)_mm512_movepi32_mask((__m512i)x1) << 16 |
                             (uint64_t)_mm512_movepi32_mask((__m512i)x2) << 32 | (uint64_t)_mm512_movepi32_mask((__m512i)x3) << 48;
        if (sign == EXMY_SIGN_NO_NEGATIVE_ZERO) negative &= _mm512_test_epi8_mask(b, b);
        const __m512i bit = _mm512_set1_epi8((char)(0x80u >> ((p->signShift - 24) & 7)));  // 8 − K
        b = _mm512_mask_mov_epi8(b, negative, _mm512_or_si512(b, bit));
    }
    if (codeBytes == 1) {
        exmy_store32((uint8_t *)dst + i, _mm512_castsi512_si256(b), streaming);
        exmy_store32((uint8_t *)dst + i + 32, _mm512_extracti64x4_epi64(b, 1), streaming);
        return;
    }
    if (exact) b = _mm512_and_si512(b, _mm512_set1_epi8(0x0F));
    // Packed FP4: byte pairs (c, d), both < 16, as 16-bit lanes c | d << 8 become c | d << 4.
    const __m512i w = _mm512_and_si512(_mm512_or_si512(b, _mm512_srli_epi16(b, 4)), _mm512_set1_epi16(0xFF));
    exmy_store32((uint8_t *)dst + i / 2, _mm512_cvtepi16_epi8(w), streaming);
}
#else
#error "EncodeBody.h: no store_group for this instance"
#endif

#if EXMY_W == 16
typedef uint16_t v32h __attribute__((vector_size(64)));
#endif

/// The random terms `R << shift` of elements `i … i + 4·EXMY_W − 1`, EXMY_W per vector in order
/// (`exmy_counter_terms`, CounterRandom.h, for 32 elements; with 16 lanes, its common case, at most
/// 16 random bits and all 64 elements in one counter block, on 512-bit vectors: lane 2j of the
/// 16-bit lanes holds element j, lane 2j + 1 element j + 16, so that the 32-bit words are the low
/// and high halves of the lanes).
EXMY_VINLINE void random_terms(const ExMyCounterRandom *rnd, intptr_t i, uint32_t shift, vu r[4]) {
#if EXMY_W == 8
    exmy_counter_terms(rnd, i, shift, r);
#else
    const intptr_t wrapAt = 65536 - (intptr_t)rnd->position;
    if (!rnd->wide && !(i < wrapAt && i + 64 > wrapAt)) {
        const uint16_t key = i < wrapAt ? rnd->key0 : rnd->nextKey0;
        const v32h iota = {0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23,
                           8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31};
        const uint16_t base = (uint16_t)(rnd->position + (uint16_t)i), mask = (uint16_t)rnd->mask;
        v32h h0 = (iota + base) ^ key, h1 = (iota + (uint16_t)(base + 32)) ^ key;
        EXMY_MIX16(h0);
        EXMY_MIX16(h1);
        const vu v0 = (vu)(h0 & mask), v1 = (vu)(h1 & mask);
        r[0] = (v0 & 0xFFFF) << shift;
        r[1] = (v0 >> 16) << shift;
        r[2] = (v1 & 0xFFFF) << shift;
        r[3] = (v1 >> 16) << shift;
        return;
    }
    exmy_v8u a[4], b[4];
    exmy_counter_terms(rnd, i, shift, a);
    exmy_counter_terms(rnd, i + 32, shift, b);
    r[0] = __builtin_shufflevector(a[0], a[1], 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
    r[1] = __builtin_shufflevector(a[2], a[3], 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
    r[2] = __builtin_shufflevector(b[0], b[1], 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
    r[3] = __builtin_shufflevector(b[2], b[3], 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
#endif
}

/// Stores codes `i ..< i + count` (count ≤ EXMY_W) of the group `c` (the tail).
EXMY_VINLINE void store_tail(int codeBytes, void *dst, intptr_t i, intptr_t count, vu c, uint32_t codeMask) {
    uint32_t lanes[EXMY_W];
    __builtin_memcpy(lanes, &c, sizeof lanes);
    for (intptr_t k = 0; k < count; k++) {
        switch (codeBytes) {
        case 1: ((uint8_t *)dst)[i + k] = (uint8_t)lanes[k]; break;
        case 2: ((uint16_t *)dst)[i + k] = (uint16_t)lanes[k]; break;
        case 4: ((uint32_t *)dst)[i + k] = lanes[k]; break;
        default: {
            // Packed FP4 (i is even): the element at an even index starts a byte, low nibble first.
            const intptr_t e = i + k;
            uint8_t *byte = (uint8_t *)dst + e / 2;
            const uint8_t nibble = (uint8_t)(lanes[k] & codeMask & 0xF);
            *byte = (e & 1) ? (uint8_t)((*byte & 0x0F) | nibble << 4) : nibble;
            break;
        }
        }
    }
}

// MARK: Kernels

/// The loop shared by both kernels: groups of G = 4 · EXMY_W lanes (32 or 64), each step of 256
/// lanes (1 KiB of input) first prefetching ahead (`exmy_prefetch_ahead`; it changes no result); then the last `n mod G` lanes EXMY_W at a time,
/// zero-padded, with the padding kept out of the special summary. `LANES(x, r)` is one group of
/// EXMY_W lanes; `EXACT` is `store_group`'s. With `streaming` (Target.h), the groups of G are
/// stored past the caches and the tail is not; the caller fences (`exmy_streaming_fence`).
#define EXMY_KERNEL_LOOP(LANES, EXACT)                                                                 \
    vi accSpecial = {0};                                                                               \
    vu r[4] = {{0}, {0}, {0}, {0}};                                                                    \
    const int nt = exmy_streaming(streaming, dst);                                                     \
    intptr_t i = 0;                                                                                    \
    for (; i + 4 * EXMY_W <= n; i += 4 * EXMY_W) {                                                     \
        if ((i & 255) == 0) exmy_prefetch_ahead(src + i, 1024);                                        \
        if (random) random_terms(rnd, i, p.sR & 31, r);                                                \
        const vi x0 = load_lanes(src + i), x1 = load_lanes(src + i + EXMY_W);                          \
        const vi x2 = load_lanes(src + i + 2 * EXMY_W), x3 = load_lanes(src + i + 3 * EXMY_W);         \
        const vu q0 = LANES(x0, r[0]), q1 = LANES(x1, r[1]), q2 = LANES(x2, r[2]), q3 = LANES(x3, r[3]); \
        store_group(codeBytes, EXACT, sign, &p, dst, i, q0, q1, q2, q3, x0, x1, x2, x3, nt);           \
    }                                                                                                  \
    for (; i < n; i += EXMY_W) {                                                                       \
        const intptr_t count = n - i < EXMY_W ? n - i : EXMY_W;                                        \
        int32_t xs[EXMY_W] = {0};                                                                      \
        __builtin_memcpy(xs, src + i, (size_t)count * 4);                                              \
        if (random) random_terms(rnd, i, p.sR & 31, r);                                                \
        vi special = {0};                                                                              \
        const vu c = LANES##_INTO(load_lanes(xs), r[0], &special);                                     \
        const vi lane = EXMY_IOTA;                                                                     \
        accSpecial = combine_special(sign, accSpecial, special & (lane < (int32_t)count));             \
        store_tail(codeBytes, dst, i, count, c, p.codeMask);                                           \
    }                                                                                                  \
    return summarize_special(sign, accSpecial, &p);

/// Round to nearest, ties to even: normal lanes `(a + c0 − (off << sh) + lsb) >> sh`, tiny lanes
/// by the `Float` addition of `magic`.
EXMY_VINLINE int32_t nearest_even(const P *pp, int sign, int tinyGeneral, int codeBytes,
                                  const int32_t *restrict src, void *restrict dst, intptr_t n, int streaming) {
    const P p = *pp;
    const uint32_t c0 = p.c0 - (p.off << (p.sh & 31));
    const int random = 0;
    const ExMyCounterRandom *rnd = 0;
#define NE_LANES_INTO(x, r, acc) ((void)(r), nearest_even_lanes(&p, sign, tinyGeneral, codeBytes, c0, x, acc))
#define NE_LANES(x, r) NE_LANES_INTO(x, r, &accSpecial)
    EXMY_KERNEL_LOOP(NE_LANES, 0)
#undef NE_LANES
#undef NE_LANES_INTO
}

/// Every other rule: `add = g0 + (lsb ? gL : 0) + (negative ? gN : 0) + (R << sR)` before the
/// shift, with the terms a rule does not use compiled out (`lsb`, `negative`, `sticky`, `random`).
EXMY_VINLINE int32_t general(const P *pp, int sign, int tinyGeneral, int codeBytes,
                             int lsb, int negative, int sticky, int random,
                             const int32_t *restrict src, void *restrict dst, intptr_t n,
                             const ExMyCounterRandom *rnd, int streaming) {
    const P p = *pp;
    const int bytesSign = signs_on_bytes(sign, codeBytes, 1);
    // The tail (store_tail) stores lane by lane: its codes carry their sign.
#define G_LANES_INTO(x, r, acc) general_lanes(&p, sign, tinyGeneral, 0, lsb, negative, sticky, random, x, r, acc)
#define G_LANES(x, r) general_lanes(&p, sign, tinyGeneral, bytesSign, lsb, negative, sticky, random, x, r, &accSpecial)
    EXMY_KERNEL_LOOP(G_LANES, 1)
#undef G_LANES
#undef G_LANES_INTO
}

// MARK: Instances

/// One function per (instruction set, kernel, sign, tiny); the code layout is switched inside.
#define EXMY_INSTANCE(ATTR, NAME, CALL)                                                               \
    ATTR __attribute__((noinline)) static int32_t NAME(const P *p, int bytes,                         \
                                                            const int32_t *restrict src,              \
                                                            void *restrict dst, intptr_t n,           \
                                                            const ExMyCounterRandom *rnd,             \
                                                            int streaming) {                          \
        (void)rnd;                                                                                    \
        switch (bytes) {                                                                              \
        case EXMY_PACKED4: return CALL(EXMY_PACKED4);                                                 \
        case 1: return CALL(1);                                                                       \
        case 2: return CALL(2);                                                                       \
        default: return CALL(4);                                                                      \
        }                                                                                             \
    }

#define EXMY_SIGN_TINY(ATTR, ISA, KERNEL, CALL_S_T)                                                   \
    EXMY_INSTANCE(ATTR, KERNEL##_0_0_##ISA, CALL_S_T(0, 0))                                           \
    EXMY_INSTANCE(ATTR, KERNEL##_0_1_##ISA, CALL_S_T(0, 1))                                           \
    EXMY_INSTANCE(ATTR, KERNEL##_1_0_##ISA, CALL_S_T(1, 0))                                           \
    EXMY_INSTANCE(ATTR, KERNEL##_1_1_##ISA, CALL_S_T(1, 1))                                           \
    EXMY_INSTANCE(ATTR, KERNEL##_2_0_##ISA, CALL_S_T(2, 0))                                           \
    EXMY_INSTANCE(ATTR, KERNEL##_2_1_##ISA, CALL_S_T(2, 1))                                           \
    EXMY_INSTANCE(ATTR, KERNEL##_3_0_##ISA, CALL_S_T(3, 0))                                           \
    EXMY_INSTANCE(ATTR, KERNEL##_3_1_##ISA, CALL_S_T(3, 1))

// CALL_S_T(S, T) expands to a macro of the code layout B.
#define NE(S, T) NE_##S##_##T
#define NE_0_0(B) nearest_even(p, 0, 0, B, src, dst, n, streaming)
#define NE_0_1(B) nearest_even(p, 0, 1, B, src, dst, n, streaming)
#define NE_1_0(B) nearest_even(p, 1, 0, B, src, dst, n, streaming)
#define NE_1_1(B) nearest_even(p, 1, 1, B, src, dst, n, streaming)
#define NE_2_0(B) nearest_even(p, 2, 0, B, src, dst, n, streaming)
#define NE_2_1(B) nearest_even(p, 2, 1, B, src, dst, n, streaming)
#define NE_3_0(B) nearest_even(p, 3, 0, B, src, dst, n, streaming)
#define NE_3_1(B) nearest_even(p, 3, 1, B, src, dst, n, streaming)

// Rule shapes, general(…, lsb, negative, sticky, random, …): FullShape, TruncateShape,
// StochasticABShape, StochasticCShape.
#define FULL(S, T) FULL_##S##_##T
#define TRUNC(S, T) TRUNC_##S##_##T
#define SAB(S, T) SAB_##S##_##T
#define SC(S, T) SC_##S##_##T

#define FULL_0_0(B) general(p, 0, 0, B, 1, 1, 1, 0, src, dst, n, rnd, streaming)
#define FULL_0_1(B) general(p, 0, 1, B, 1, 1, 1, 0, src, dst, n, rnd, streaming)
#define FULL_1_0(B) general(p, 1, 0, B, 1, 1, 1, 0, src, dst, n, rnd, streaming)
#define FULL_1_1(B) general(p, 1, 1, B, 1, 1, 1, 0, src, dst, n, rnd, streaming)
#define FULL_2_0(B) general(p, 2, 0, B, 1, 1, 1, 0, src, dst, n, rnd, streaming)
#define FULL_2_1(B) general(p, 2, 1, B, 1, 1, 1, 0, src, dst, n, rnd, streaming)
#define FULL_3_0(B) general(p, 3, 0, B, 1, 1, 1, 0, src, dst, n, rnd, streaming)
#define FULL_3_1(B) general(p, 3, 1, B, 1, 1, 1, 0, src, dst, n, rnd, streaming)

#define TRUNC_0_0(B) general(p, 0, 0, B, 0, 0, 0, 0, src, dst, n, rnd, streaming)
#define TRUNC_0_1(B) general(p, 0, 1, B, 0, 0, 0, 0, src, dst, n, rnd, streaming)
#define TRUNC_1_0(B) general(p, 1, 0, B, 0, 0, 0, 0, src, dst, n, rnd, streaming)
#define TRUNC_1_1(B) general(p, 1, 1, B, 0, 0, 0, 0, src, dst, n, rnd, streaming)
#define TRUNC_2_0(B) general(p, 2, 0, B, 0, 0, 0, 0, src, dst, n, rnd, streaming)
#define TRUNC_2_1(B) general(p, 2, 1, B, 0, 0, 0, 0, src, dst, n, rnd, streaming)
#define TRUNC_3_0(B) general(p, 3, 0, B, 0, 0, 0, 0, src, dst, n, rnd, streaming)
#define TRUNC_3_1(B) general(p, 3, 1, B, 0, 0, 0, 0, src, dst, n, rnd, streaming)

#define SAB_0_0(B) general(p, 0, 0, B, 0, 0, 0, 1, src, dst, n, rnd, streaming)
#define SAB_0_1(B) general(p, 0, 1, B, 0, 0, 0, 1, src, dst, n, rnd, streaming)
#define SAB_1_0(B) general(p, 1, 0, B, 0, 0, 0, 1, src, dst, n, rnd, streaming)
#define SAB_1_1(B) general(p, 1, 1, B, 0, 0, 0, 1, src, dst, n, rnd, streaming)
#define SAB_2_0(B) general(p, 2, 0, B, 0, 0, 0, 1, src, dst, n, rnd, streaming)
#define SAB_2_1(B) general(p, 2, 1, B, 0, 0, 0, 1, src, dst, n, rnd, streaming)
#define SAB_3_0(B) general(p, 3, 0, B, 0, 0, 0, 1, src, dst, n, rnd, streaming)
#define SAB_3_1(B) general(p, 3, 1, B, 0, 0, 0, 1, src, dst, n, rnd, streaming)

#define SC_0_0(B) general(p, 0, 0, B, 1, 0, 1, 1, src, dst, n, rnd, streaming)
#define SC_0_1(B) general(p, 0, 1, B, 1, 0, 1, 1, src, dst, n, rnd, streaming)
#define SC_1_0(B) general(p, 1, 0, B, 1, 0, 1, 1, src, dst, n, rnd, streaming)
#define SC_1_1(B) general(p, 1, 1, B, 1, 0, 1, 1, src, dst, n, rnd, streaming)
#define SC_2_0(B) general(p, 2, 0, B, 1, 0, 1, 1, src, dst, n, rnd, streaming)
#define SC_2_1(B) general(p, 2, 1, B, 1, 0, 1, 1, src, dst, n, rnd, streaming)
#define SC_3_0(B) general(p, 3, 0, B, 1, 0, 1, 1, src, dst, n, rnd, streaming)
#define SC_3_1(B) general(p, 3, 1, B, 1, 0, 1, 1, src, dst, n, rnd, streaming)

/// Every kernel, under one instruction set's attribute.
#define EXMY_KERNELS(ATTR, ISA)                                                                       \
    EXMY_SIGN_TINY(ATTR, ISA, nearest_even, NE)                                                       \
    EXMY_SIGN_TINY(ATTR, ISA, full, FULL)                                                             \
    EXMY_SIGN_TINY(ATTR, ISA, truncate, TRUNC)                                                        \
    EXMY_SIGN_TINY(ATTR, ISA, stochastic_ab, SAB)                                                     \
    EXMY_SIGN_TINY(ATTR, ISA, stochastic_c, SC)

typedef int32_t (*Instance)(const P *, int, const int32_t *restrict, void *restrict, intptr_t, const ExMyCounterRandom *, int);

/// The instances of one instruction set as a table [kernel][sign · 2 + tiny] (`exmy_simd_encode`).
#define EXMY_ROW(K, ISA)                                                                              \
    {K##_0_0_##ISA, K##_0_1_##ISA, K##_1_0_##ISA, K##_1_1_##ISA, K##_2_0_##ISA, K##_2_1_##ISA, K##_3_0_##ISA, K##_3_1_##ISA}
#define EXMY_TABLE(ISA)                                                                               \
    {EXMY_ROW(nearest_even, ISA), EXMY_ROW(full, ISA), EXMY_ROW(truncate, ISA), EXMY_ROW(stochastic_ab, ISA),          \
     EXMY_ROW(stochastic_c, ISA)}
