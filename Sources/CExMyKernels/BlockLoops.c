// The per-block loops around the encode kernels, transcribed from Swift and compiled for AVX2:
// the Double → Float-to-odd narrowing (SourceWidening.widen) and the underflow pre-scan
// (FastEncodePlan.anyTinyNonzero); and the random bits of stochastic rounding written out
// (BatchEncoder.fillRandom: the kernels compute the same words in their loop, CounterRandom.h).
// (FP4 packing happens in the encode kernels' stores.)
#include "CExMyKernels.h"
#include "Target.h"
#include "CounterRandom.h"

EXMY_AVX2 void exmy_avx2_fill_random(uint32_t *restrict dst, intptr_t n, const ExMyCounterRandom *random) {
    // Whole groups of 32 words through a buffer (the last group may run past n).
    for (intptr_t i = 0; i < n; i += 32) {
        exmy_v8u words[4];
        exmy_counter_words(random, i, words);
        const intptr_t count = n - i < 32 ? n - i : 32;
        __builtin_memcpy(dst + i, words, (size_t)count * 4);
    }
}

/// `SourceWidening.widen` for `Double` lanes `0 ..< n`.
EXMY_INLINE void widen_double(const uint32_t *restrict s, int32_t *restrict dst, intptr_t n) {
    const uint32_t specialMarker = 0x7FC00000u;  // SourceWidening.specialMarker
    for (intptr_t i = 0; i < n; i++) {
        const uint32_t lo = s[2 * i], hi = s[2 * i + 1];
        const uint32_t habs = hi & 0x7FFFFFFFu;
        const int32_t e = (int32_t)(habs >> 20);
        // 1 when any of the 29 dropped bits is set.
        const uint32_t sticky = (uint32_t)((lo << 3) == 0 ? -1 : 0) + 1;
        const uint32_t narrowed = (((habs << 3) | (lo >> 29)) - (896u << 23)) | sticky;
        const int inRange = e >= 897 && e <= 1150;  // Float's normal exponents
        const int zero = (habs | lo) == 0;
        const uint32_t magnitude = (inRange ? narrowed : specialMarker) & (zero ? 0u : 0xFFFFFFFFu);
        dst[i] = (int32_t)(magnitude | (hi & 0x80000000u));
    }
}

EXMY_AVX2 void exmy_avx2_widen_double(const uint32_t *restrict s, int32_t *restrict dst, intptr_t n) {
    // Steps of 128 doubles (1 KiB), each prefetching the KiB EXMY_PREFETCH_DISTANCE ahead.
    for (intptr_t i = 0; i < n; i += 128) {
        const intptr_t m = n - i < 128 ? n - i : 128;
        exmy_prefetch_ahead(s + 2 * i, 8 * m);
        widen_double(s + 2 * i, dst + i, m);
    }
}

EXMY_AVX2 int exmy_avx2_any_tiny_nonzero(const int32_t *restrict src, intptr_t n, int32_t limit) {
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
