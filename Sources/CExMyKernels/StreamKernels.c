// The benchmark's strongest memory-bandwidth limit kernels (`ExMyBenchmark`): move exactly the bytes
// of a conversion, compiled for AVX2 and for AVX-512 (Target.h) and prefetching their input the way
// the encode kernels do, so that a conversion's fraction of the limit is measured against the best
// plain stream this code base knows how to write, not only against the Swift stream loops.
#include "CExMyKernels.h"
#include "Target.h"

#if defined(__x86_64__)
typedef uint32_t exmy_v8u __attribute__((vector_size(32), aligned(1)));

EXMY_AVX2 EXMY_INLINE void stream_blocks(const uint8_t *src, intptr_t srcBlockBytes, uint8_t *dst, intptr_t dstBlockBytes,
                                         intptr_t blocks) {
    // Both block sizes are multiples of 32 bytes (2048 elements of at least 4 bits). The input is
    // read in order; each time it enters a new 1 KiB step, the step EXMY_PREFETCH_DISTANCE ahead
    // is prefetched, as the encode kernels do.
    const intptr_t s = srcBlockBytes / 32, d = dstBlockBytes / 32;
    for (intptr_t b = 0; b < blocks; b++) {
        const exmy_v8u *in = (const exmy_v8u *)(src + b * srcBlockBytes);
        exmy_v8u *out = (exmy_v8u *)(dst + b * dstBlockBytes);
        for (intptr_t j = 0; j < d; j++) {
            const intptr_t k0 = j * s / d, k1 = s >= d ? (j + 1) * s / d : k0 + 1;
            // Fold (s ≥ d): output vector j is the XOR of input vectors k0 ..< k1. Splat: it is
            // input vector k0.
            exmy_v8u x = {0};
            for (intptr_t k = k0; k < k1; k++) {
                if ((k & 31) == 0 && (s >= d || j == 0 || (j - 1) * s / d != k)) {
                    exmy_prefetch_ahead(in + k, s - k < 32 ? 32 * (s - k) : 1024);
                }
                x ^= in[k];
            }
            out[j] = x;
        }
    }
}

EXMY_BOTH_ISAS_VOID(exmy_simd_stream_blocks, stream_blocks,
                    (const uint8_t *src, intptr_t srcBlockBytes, uint8_t *dst, intptr_t dstBlockBytes, intptr_t blocks),
                    (src, srcBlockBytes, dst, dstBlockBytes, blocks))
#else
void exmy_simd_stream_blocks(int isa, const uint8_t *src, intptr_t srcBlockBytes, uint8_t *dst, intptr_t dstBlockBytes, intptr_t blocks) {
    (void)isa; (void)src; (void)srcBlockBytes; (void)dst; (void)dstBlockBytes; (void)blocks;
}
#endif
