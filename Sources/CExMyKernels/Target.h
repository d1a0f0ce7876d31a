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

#endif
