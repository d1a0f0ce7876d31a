// The attributes that compile a function for AVX2 or for AVX-512, and the macro that instantiates
// a loop once per instruction set.
//
// Each loop is written once, with clang's vector extensions, and compiled up to three times: the
// portable instance (no target attribute: the baseline of the target, SSE2 on x86-64, NEON on
// arm64, plain scalar code elsewhere), and on x86-64 an AVX2 and an AVX-512 instance chosen at run
// time (docs/performance.md, *How the C loops are reached*). The encode kernels and the decoder are
// width-generic bodies (EncodeBody.h, DecodeBody.h) included at 8 lanes for the portable instance
// and AVX2 and at 16 lanes (512-bit vectors) for AVX-512. The other loops are `always_inline`
// bodies instantiated by EXMY_ALL_ISAS: inlined into a function with a target attribute, the same
// source gets that instruction set's encodings. One of those has an AVX-512 form of its own: the
// `Double` narrowing (BlockLoops.c), which uses embedded rounding instead of an MXCSR write.
#ifndef CEXMYKERNELS_TARGET_H
#define CEXMYKERNELS_TARGET_H

#include <stdint.h>
#include <string.h>
#if defined(__x86_64__)
#include <immintrin.h>
#endif

// No floating-point contraction: the AVX-512 copy is compiled with FMA, the AVX2 copy without, and
// a fused `a * b + c` in one would round differently from the other.
#pragma clang fp contract(off)

// The lane helpers take and return 256- and 512-bit vectors by value; they are `always_inline` and
// static, so no call crosses a function of another instruction set and the ABI note clang makes
// for the portable instance (no AVX: such vectors would be passed in memory) does not apply.
#pragma clang diagnostic ignored "-Wpsabi"

#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
/// 1 where the AVX2 and AVX-512 instances are compiled (x86-64), else 0.
#define EXMY_X86 1
#define EXMY_AVX2 __attribute__((target("avx2")))
#define EXMY_AVX512 __attribute__((target("avx2,bmi2,fma,avx512f,avx512bw,avx512vl,avx512dq")))
#else
#define EXMY_X86 0
#define EXMY_AVX2
#define EXMY_AVX512
#endif

/// Defines `NAME_portable` (and on x86-64 `NAME_avx2` and `NAME_avx512`), non-inlined copies of
/// the `always_inline` body `BODY` (which carries no target attribute of its own) compiled for each
/// instruction set, and the exported `NAME(int isa, …)` that calls the copy `isa` names
/// (EXMY_ISA_PORTABLE, EXMY_ISA_AVX2 or EXMY_ISA_AVX512; elsewhere than x86-64 every `isa` runs
/// the portable copy). `PARAMS` is the parenthesised parameter list, `ARGS` the parenthesised
/// argument list.
#if EXMY_X86
#define EXMY_ALL_ISAS(RET, NAME, BODY, PARAMS, ARGS)                                                   \
    __attribute__((noinline)) static RET NAME##_portable PARAMS { return BODY ARGS; }                \
    EXMY_AVX2 __attribute__((noinline)) static RET NAME##_avx2 PARAMS { return BODY ARGS; }          \
    EXMY_AVX512 __attribute__((noinline)) static RET NAME##_avx512 PARAMS { return BODY ARGS; }      \
    RET NAME(int isa, EXMY_UNPAREN PARAMS) {                                                          \
        return isa == EXMY_ISA_AVX512 ? NAME##_avx512 ARGS : isa == EXMY_ISA_AVX2 ? NAME##_avx2 ARGS : NAME##_portable ARGS; \
    }
#else
#define EXMY_ALL_ISAS(RET, NAME, BODY, PARAMS, ARGS)                                                   \
    __attribute__((noinline)) static RET NAME##_portable PARAMS { return BODY ARGS; }                \
    RET NAME(int isa, EXMY_UNPAREN PARAMS) { (void)isa; return NAME##_portable ARGS; }
#endif
/// The AVX2 and AVX-512 copies only (x86-64; the benchmark's stream kernel), for a body that
/// returns nothing.
#define EXMY_BOTH_ISAS_VOID(NAME, BODY, PARAMS, ARGS)                                                  \
    EXMY_AVX2 __attribute__((noinline)) static void NAME##_avx2 PARAMS { BODY ARGS; }                \
    EXMY_AVX512 __attribute__((noinline)) static void NAME##_avx512 PARAMS { BODY ARGS; }            \
    void NAME(int isa, EXMY_UNPAREN PARAMS) {                                                         \
        if (isa == EXMY_ISA_AVX512) NAME##_avx512 ARGS; else NAME##_avx2 ARGS;                        \
    }
#define EXMY_UNPAREN(...) __VA_ARGS__

#define EXMY_INLINE static inline __attribute__((always_inline))

/// A Float's bits and back (Swift's `bitPattern` / `Float(bitPattern:)`).
EXMY_INLINE float exmy_float(uint32_t u) { float f; memcpy(&f, &u, sizeof f); return f; }
EXMY_INLINE uint32_t exmy_bits(float f) { uint32_t u; memcpy(&u, &f, sizeof u); return u; }

/// How far ahead of the current input position the streaming loops prefetch, in bytes, at two
/// distances: into L1 (`prefetcht0`) 4 KiB ahead, and into L2 (`prefetcht1`) 20 KiB ahead. With the
/// encode kernels' arithmetic between the loads, the hardware prefetcher alone leaves one core short
/// of the memory bandwidth (docs/performance.md); one distance (8 KiB into L1, the earlier form)
/// left the E4M3FN kernel at 0.83 – 0.85 of the stream limit from memory with streaming stores,
/// the two at 0.93 – 0.96, and the limit kernel itself faster (`Benchmarks/kernels/harness.c limit`,
/// three interleaved runs).
#define EXMY_PREFETCH_DISTANCE 4096
#define EXMY_PREFETCH_FAR_DISTANCE 20480

/// Prefetches the `bytes` bytes (a multiple of 64) that lie EXMY_PREFETCH_DISTANCE beyond `p` into
/// L1, and those EXMY_PREFETCH_FAR_DISTANCE beyond it into L2. Prefetching never faults, so the
/// addresses may lie beyond the buffer.
EXMY_INLINE void exmy_prefetch_ahead(const void *p, intptr_t bytes) {
    const char *q = (const char *)p;
    for (intptr_t j = 0; j < bytes; j += 64) __builtin_prefetch(q + EXMY_PREFETCH_DISTANCE + j, 0, 3);
    for (intptr_t j = 0; j < bytes; j += 64) __builtin_prefetch(q + EXMY_PREFETCH_FAR_DISTANCE + j, 0, 2);
}

/// Streaming (non-temporal) stores. The loops that write a caller's output take a `streaming` flag
/// (`StreamingStores` in Swift sets it for jobs large against the last-level cache). With it, whole
/// vectors go out with `movntdq`, past the caches: the output's lines are not read first (no
/// read-for-ownership, up to half the write traffic saved) and do not evict input still to be
/// read. The flag is honoured only where `dst` is 16-byte aligned (the 128-bit form's requirement,
/// met by Swift arrays and `malloc` blocks); elsewhere the stores are ordinary. Where `dst` is
/// 64-byte aligned, whole 32- and 64-byte vectors are stored at once (the loops store at offsets
/// that are multiples of their vector size from `dst`). The loops do not fence: a thread that
/// streamed calls `exmy_streaming_fence` (`sfence`) once after its last loop, before its output is
/// handed to another thread (a fence per 2048-element block drained the write-combining buffers
/// each time and cost a third of the speed). Its own later loads of the output (the encoder's
/// fix-up of special lanes) see the stores without it. The stored bits are the same either way.
///
/// The level of streaming for a loop writing at `dst`: 0 ordinary stores, 1 streaming stores of
/// 16 bytes, 2 streaming stores of whole vectors.
EXMY_INLINE int exmy_streaming(int streaming, const void *dst) {
    if (!streaming || ((uintptr_t)dst & 15) != 0) return 0;
    return ((uintptr_t)dst & 63) == 0 ? 2 : 1;
}

#if defined(__x86_64__)
/// Stores 32 bytes at `d` (with `streaming` 1, 16-byte aligned; with 2, 32-byte aligned).
EXMY_AVX2 EXMY_INLINE void exmy_store32(void *d, __m256i v, int streaming) {
    if (streaming == 2) {
        _mm256_stream_si256((__m256i *)d, v);
    } else if (streaming) {
        _mm_stream_si128((__m128i *)d, _mm256_castsi256_si128(v));
        _mm_stream_si128((__m128i *)d + 1, _mm256_extracti128_si256(v, 1));
    } else {
        _mm256_storeu_si256((__m256i *)d, v);
    }
}

/// Stores 64 bytes at `d` (with `streaming` 1, 16-byte aligned; with 2, 64-byte aligned).
EXMY_AVX512 EXMY_INLINE void exmy_store64(void *d, __m512i v, int streaming) {
    if (streaming == 2) {
        _mm512_stream_si512((__m512i *)d, v);
    } else if (streaming) {
        exmy_store32(d, _mm512_castsi512_si256(v), 1);
        exmy_store32((char *)d + 32, _mm512_extracti64x4_epi64(v, 1), 1);
    } else {
        _mm512_storeu_si512(d, v);
    }
}

/// Stores 16 bytes at `d` (16-byte aligned when `streaming`).
EXMY_AVX2 EXMY_INLINE void exmy_store16(void *d, __m128i v, int streaming) {
    if (streaming) _mm_stream_si128((__m128i *)d, v); else _mm_storeu_si128((__m128i *)d, v);
}
#endif

#endif
