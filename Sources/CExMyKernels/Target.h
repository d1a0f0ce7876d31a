// The attribute that compiles a function for AVX2 (x86-64 only; elsewhere the functions compile
// for the baseline and are never called, because exmy_avx2_supported() returns 0).
#ifndef CEXMYKERNELS_TARGET_H
#define CEXMYKERNELS_TARGET_H

#include <stdint.h>
#include <string.h>

#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
#define EXMY_AVX2 __attribute__((target("avx2")))
#else
#define EXMY_AVX2
#endif

#define EXMY_INLINE static inline __attribute__((always_inline))

/// A Float's bits and back (Swift's `bitPattern` / `Float(bitPattern:)`).
EXMY_INLINE float exmy_float(uint32_t u) { float f; memcpy(&f, &u, sizeof f); return f; }
EXMY_INLINE uint32_t exmy_bits(float f) { uint32_t u; memcpy(&u, &f, sizeof u); return u; }

/// How far ahead of the current input position the streaming loops prefetch, in bytes (8 KiB: one
/// 2048-element block of `Float`s). Measured on the development machine (docs/performance.md):
/// with the encode kernels' arithmetic between the loads, the hardware prefetcher alone leaves one
/// core short of the memory bandwidth.
#define EXMY_PREFETCH_DISTANCE 8192

/// Prefetches the `bytes` bytes (a multiple of 64) that lie EXMY_PREFETCH_DISTANCE beyond `p`.
/// Prefetching never faults, so the addresses may lie beyond the buffer.
EXMY_INLINE void exmy_prefetch_ahead(const void *p, intptr_t bytes) {
    const char *q = (const char *)p + EXMY_PREFETCH_DISTANCE;
    for (intptr_t j = 0; j < bytes; j += 64) __builtin_prefetch(q + j);
}

#endif
