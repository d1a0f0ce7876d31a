// The random bits of stochastic rounding on vectors: the counter stream's words (CExMyKernels.h,
// `exmy_counter_word`) for 32 consecutive elements at a time, computed in the encode kernels' loop
// (no scratch buffer) and by `exmy_simd_fill_random`, which writes the same words out for the tests.
// No target attribute: these inline into each instance (Target.h).
#ifndef CEXMYKERNELS_COUNTERRANDOM_H
#define CEXMYKERNELS_COUNTERRANDOM_H

#include "CExMyKernels.h"
#include "Target.h"

typedef uint32_t exmy_v8u __attribute__((vector_size(32)));
typedef uint16_t exmy_v8h __attribute__((vector_size(16)));
typedef uint16_t exmy_v16h __attribute__((vector_size(32)));
typedef int16_t exmy_v16s __attribute__((vector_size(32)));

/// `mix16` on 16 lanes.
EXMY_INLINE exmy_v16h exmy_mix16_lanes(exmy_v16h x) {
    EXMY_MIX16(x);
    return x;
}

/// The 16-bit lanes `mix16(p ^ κ)` of 16 elements at positions `p` (lanes that wrapped past
/// 65 535 since the run's first element take the next block's key).
EXMY_INLINE exmy_v16h exmy_counter_half(exmy_v16h p, exmy_v16s wrapped, uint16_t key, uint16_t nextKey) {
    const exmy_v16h k = ((exmy_v16h)wrapped & nextKey) | (~(exmy_v16h)wrapped & key);
    return exmy_mix16_lanes(p ^ k);
}

/// The 16-bit lanes `8q … 8q + 7` of `h` widened to 32 bits.
#define EXMY_WIDEN_QUARTER(h, q)                                                                       \
    __builtin_convertvector(__builtin_shufflevector(h, h, 8 * (q), 8 * (q) + 1, 8 * (q) + 2, 8 * (q) + 3, \
                                                    8 * (q) + 4, 8 * (q) + 5, 8 * (q) + 6, 8 * (q) + 7), exmy_v8u)

/// The words of elements `i … i + 31` of the run `r`, 8 per vector in order, each lane with the key
/// of its counter block (the general case: any crossing, any `N`). Lanes 65 536 or more elements
/// past the run's start, which lie beyond every run, get meaningless words.
EXMY_INLINE void exmy_counter_words(const ExMyCounterRandom *r, intptr_t i, exmy_v8u out[4]) {
    const exmy_v16h iota0 = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15};
    const exmy_v16h iota1 = iota0 + (uint16_t)16;
    const uint16_t base = (uint16_t)(r->position + (uint16_t)i);
    const exmy_v16h p0 = iota0 + base, p1 = iota1 + base;
    // A lane has wrapped iff its position is below the run's first (the run is < 65 536 long).
    const exmy_v16s w0 = (exmy_v16s)(p0 < r->position), w1 = (exmy_v16s)(p1 < r->position);
    const exmy_v16h lo0 = exmy_counter_half(p0, w0, r->key0, r->nextKey0);
    const exmy_v16h lo1 = exmy_counter_half(p1, w1, r->key0, r->nextKey0);
    out[0] = EXMY_WIDEN_QUARTER(lo0, 0);
    out[1] = EXMY_WIDEN_QUARTER(lo0, 1);
    out[2] = EXMY_WIDEN_QUARTER(lo1, 0);
    out[3] = EXMY_WIDEN_QUARTER(lo1, 1);
    if (r->wide) {
        const exmy_v16h hi0 = exmy_counter_half(p0, w0, r->key1, r->nextKey1);
        const exmy_v16h hi1 = exmy_counter_half(p1, w1, r->key1, r->nextKey1);
        out[0] |= EXMY_WIDEN_QUARTER(hi0, 0) << 16;
        out[1] |= EXMY_WIDEN_QUARTER(hi0, 1) << 16;
        out[2] |= EXMY_WIDEN_QUARTER(hi1, 0) << 16;
        out[3] |= EXMY_WIDEN_QUARTER(hi1, 1) << 16;
    }
    for (int k = 0; k < 4; k++) out[k] &= r->mask;
}

/// `word << shift` for elements `i … i + 31` of the run `r`, as `exmy_counter_words` gives them
/// (the stochastic kernels' random term; `N + shift ≤ 32`). The common case, at most 16 random bits
/// and all 32 elements in one counter block, takes one key for the group and computes the 16-bit
/// lanes interleaved (lane 2j: element j, lane 2j + 1: element j + 8 of each half), so that the
/// 32-bit words are the low and high halves of the lanes (little-endian lanes), without widening
/// instructions.
EXMY_INLINE void exmy_counter_terms(const ExMyCounterRandom *r, intptr_t i, uint32_t shift, exmy_v8u out[4]) {
    // Elements t ≥ wrapAt of the run lie in the next counter block.
    const intptr_t wrapAt = 65536 - (intptr_t)r->position;
    if (r->wide || (i < wrapAt && i + 32 > wrapAt)) {
        exmy_counter_words(r, i, out);
        for (int k = 0; k < 4; k++) out[k] <<= shift;
        return;
    }
    const uint16_t key = i < wrapAt ? r->key0 : r->nextKey0;
    const exmy_v16h iota = {0, 8, 1, 9, 2, 10, 3, 11, 4, 12, 5, 13, 6, 14, 7, 15};
    const uint16_t base = (uint16_t)(r->position + (uint16_t)i);
    const uint16_t mask = (uint16_t)r->mask;
    const exmy_v8u v0 = (exmy_v8u)(exmy_mix16_lanes((iota + base) ^ key) & mask);
    const exmy_v8u v1 = (exmy_v8u)(exmy_mix16_lanes((iota + (uint16_t)(base + 16)) ^ key) & mask);
    out[0] = (v0 & 0xFFFF) << shift;
    out[1] = (v0 >> 16) << shift;
    out[2] = (v1 & 0xFFFF) << shift;
    out[3] = (v1 >> 16) << shift;
}

#endif
