// The benchmark's memory-bandwidth limit kernel (`exmy bench`, ExMyBenchmarks), the only one: it
// moves exactly the bytes of a conversion, compiled per instruction set like the batch loops
// (Target.h: portable, and on x86-64 AVX2 and AVX-512) and prefetching its input the way the
// encode kernels do, so that a conversion's fraction of the limit is measured against the best
// plain stream this code base knows how to write, on every CPU.
#include "CExMyBenchmarkKernels.h"
#include "CExMyKernels.h"
#include "../CExMyKernels/Target.h"

typedef uint32_t exmy_v8u __attribute__((vector_size(32), aligned(1)));
typedef uint32_t exmy_v8u_aligned __attribute__((vector_size(32)));
typedef uint32_t exmy_v4u_aligned __attribute__((vector_size(16)));

/// Stores 32 bytes at `d`; `nt` as `exmy_streaming` gives it: 0 an ordinary store, 1 two
/// non-temporal 16-byte stores (16-byte aligned), 2 one non-temporal 32-byte store (32-byte
/// aligned). Written with clang's builtins, so every instance gets its own instructions
/// (`vmovntdq` with AVX2, `movntdq` with SSE2, `stnp` on arm64).
EXMY_INLINE void store_vector(exmy_v8u *d, exmy_v8u x, int nt) {
    if (nt == 2) {
        __builtin_nontemporal_store((exmy_v8u_aligned)x, (exmy_v8u_aligned *)d);
    } else if (nt) {
        const exmy_v4u_aligned lo = __builtin_shufflevector(x, x, 0, 1, 2, 3), hi = __builtin_shufflevector(x, x, 4, 5, 6, 7);
        __builtin_nontemporal_store(lo, (exmy_v4u_aligned *)d);
        __builtin_nontemporal_store(hi, (exmy_v4u_aligned *)d + 1);
    } else {
        *d = x;
    }
}

/// Fold: output vector j is the XOR of input vectors ratio·j … ratio·j + ratio − 1; prefetching
/// each KiB of input as the encode kernels do. Inlined, a literal `ratio` unrolls the inner loop.
EXMY_INLINE void fold(const exmy_v8u *in, exmy_v8u *out, intptr_t outVectors, intptr_t ratio, int nt) {
    // Output vectors per KiB (32 vectors) of input.
    const intptr_t perKiB = ratio >= 32 ? 1 : 32 / ratio;
    for (intptr_t j = 0; j < outVectors; j++) {
        const intptr_t k = j * ratio;
        if (j % perKiB == 0) exmy_prefetch_ahead(in + k, ratio >= 32 ? 32 * ratio : 1024);
        exmy_v8u x = in[k];
        for (intptr_t q = 1; q < ratio; q++) x ^= in[k + q];
        store_vector(out + j, x, nt);
    }
}

/// Splat: input vector k is stored as output vectors ratio·k … ratio·k + ratio − 1.
EXMY_INLINE void splat(const exmy_v8u *in, exmy_v8u *out, intptr_t inVectors, intptr_t ratio, int nt) {
    for (intptr_t k = 0; k < inVectors; k++) {
        if ((k & 31) == 0) exmy_prefetch_ahead(in + k, 1024);
        const exmy_v8u x = in[k];
        for (intptr_t q = 0; q < ratio; q++) store_vector(out + k * ratio + q, x, nt);
    }
}

EXMY_INLINE int stream_blocks(const uint8_t *src, intptr_t srcBlockBytes, uint8_t *dst, intptr_t dstBlockBytes,
                                         intptr_t blocks, int streaming) {
    // Both block sizes are multiples of 32 bytes (2048 elements of at least 4 bits). Where one
    // block size is a multiple of the other (every traffic but packed FP6's), the blocks are one
    // contiguous stream folded or splatted at that ratio in a single flat loop (no division per
    // vector: a loop with one measured 15 – 25 % below this one from memory, and the encoder beat
    // it). The input is read in order; each KiB of it is prefetched as the encode kernels do
    // (exmy_prefetch_ahead).
    // With `streaming`, the stores are non-temporal, as the conversion's are (Target.h; the caller
    // fences).
    const int nt = exmy_streaming(streaming, dst);
    const intptr_t s = srcBlockBytes / 32, d = dstBlockBytes / 32;
    const exmy_v8u *in = (const exmy_v8u *)src;
    exmy_v8u *out = (exmy_v8u *)dst;
    if (s >= d && s % d == 0) {
        const intptr_t r = s / d, n = d * blocks;
        switch (r) {
        case 1: fold(in, out, n, 1, nt); break;
        case 2: fold(in, out, n, 2, nt); break;
        case 4: fold(in, out, n, 4, nt); break;
        case 8: fold(in, out, n, 8, nt); break;
        default: fold(in, out, n, r, nt); break;
        }
        return 0;
    }
    if (d > s && d % s == 0) {
        const intptr_t r = d / s, n = s * blocks;
        switch (r) {
        case 2: splat(in, out, n, 2, nt); break;
        case 4: splat(in, out, n, 4, nt); break;
        case 8: splat(in, out, n, 8, nt); break;
        default: splat(in, out, n, r, nt); break;
        }
        return 0;
    }
    // Other ratios (packed FP6: 3 output bytes per 16 input bytes), block by block.
    for (intptr_t b = 0; b < blocks; b++) {
        const exmy_v8u *bin = (const exmy_v8u *)(src + b * srcBlockBytes);
        exmy_v8u *bout = (exmy_v8u *)(dst + b * dstBlockBytes);
        for (intptr_t j = 0; j < d; j++) {
            const intptr_t k0 = j * s / d, k1 = s >= d ? (j + 1) * s / d : k0 + 1;
            // Fold (s ≥ d): output vector j is the XOR of input vectors k0 ..< k1. Splat: it is
            // input vector k0.
            exmy_v8u x = {0};
            for (intptr_t k = k0; k < k1; k++) {
                if ((k & 31) == 0 && (s >= d || j == 0 || (j - 1) * s / d != k)) {
                    exmy_prefetch_ahead(bin + k, s - k < 32 ? 32 * (s - k) : 1024);
                }
                x ^= bin[k];
            }
            store_vector(bout + j, x, nt);
        }
    }
    return 0;
}

EXMY_ALL_ISAS(int, exmy_stream_blocks_isa, stream_blocks,
              (const uint8_t *src, intptr_t srcBlockBytes, uint8_t *dst, intptr_t dstBlockBytes, intptr_t blocks, int streaming),
              (src, srcBlockBytes, dst, dstBlockBytes, blocks, streaming))

void exmy_simd_stream_blocks(int isa, const uint8_t *src, intptr_t srcBlockBytes, uint8_t *dst, intptr_t dstBlockBytes, intptr_t blocks,
                             int streaming) {
    (void)exmy_stream_blocks_isa(isa, src, srcBlockBytes, dst, dstBlockBytes, blocks, streaming);
}
