// CExMyKernels: the batch engine's hot loops compiled for AVX2 and for AVX-512, chosen at run time.
//
// Why C: Swift has no per-function target attributes, and SwiftPM refuses `unsafeFlags` (such as
// `-target-cpu`) in a package that is used as a dependency, so Swift code in ExMy is always built
// for the x86-64 baseline (SSE2). A C function can carry `__attribute__((target("avx2")))` and be
// called only after a run-time CPU check; no compiler flag is needed.
//
// What: every encoder loop here is a transcription of a loop in Sources/ExMy/Batch
// (EncodeKernels.swift, FastEncodePlan.swift, SourceWidening.swift, BatchEncoder.fillRandom): the
// same arithmetic on the same parameters, so the same codes (the encode kernels on 8-lane vectors,
// 32 lanes per iteration, for FP4 with the packing of CodePacking.packRange in their store, and for
// the stochastic rules with the random words of fillRandom computed in their loop). The parameters
// are computed only in Swift (FastEncodePlan); the rounding decisions that are not made by these
// loops (special lanes, whose raw lanes may differ between the two) stay with the scalar engine.
// The decoder of one-byte codes (DecodeKernels.c) computes values from code bits where the Swift
// path reads a table; Swift's DecodePlan accepts it for a format only after it reproduced that
// table for all 256 bytes. The batch tests run every case through the Swift loops and each copy of
// the C loops this CPU runs (AVX2, AVX-512) and compare them all with the scalar engine.
//
// Each loop is written once, for AVX2, and compiled twice (Target.h): the AVX-512 copy is the same
// source under `target("avx2,bmi2,fma,avx512f,avx512bw,avx512vl,avx512dq")`, on the same 8-lane
// vectors, run where `exmy_avx512_supported()` says so. On a CPU without AVX2, and on other
// architectures, `exmy_avx2_supported()` returns 0 and ExMy runs its Swift loops.
#ifndef CEXMYKERNELS_H
#define CEXMYKERNELS_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// The run-time parameters of every encode kernel, derived from the format and the rule by
/// `FastEncodePlan` (Swift). Swift's `KernelParameters` is this struct.
typedef struct ExMyKernelParameters {
    // Shared.
    uint32_t sh;          ///< 23 − M: bits dropped from a normal Float significand
    uint32_t off;         ///< (127 − bias) << M, wrapping
    int32_t tinyBits;     ///< bits of 2^emin
    int32_t special;      ///< bits of the greatest magnitude a kernel may handle
    int32_t lowSpecial;   ///< unsigned formats: inputs below this are special too
    int32_t signShift;    ///< 32 − K
    int32_t signBit;      ///< 1 << (K − 1) for sign-magnitude formats
    uint32_t codeMask;    ///< 2^K − 1
    uint32_t tinyShift;   ///< flushing: a tiny lane's 0/1 becomes 0/2^M
    // Nearest-even kernel.
    uint32_t c0;          ///< 2^(sh−1) − 1 (2^(sh−1) for M = 0)
    uint32_t lsbAnd;      ///< 1 (0 for M = 0: every normal value is odd)
    float magic;          ///< 2^(emin − M + 23), or 2^(emin + 23) when flushing
    uint32_t magicBits;
    // General kernel.
    float tinyAdd;        ///< 2^emin (2^(emin + M) when flushing)
    uint32_t tinyBase;    ///< bits(tinyAdd) − (off << sh) on the subnormal grid
    uint32_t stickyBit;   ///< 1 where the rule needs the bits below T
    uint32_t g0;          ///< constant added before the shift
    uint32_t gL;          ///< added where the lsb at `sL` is set (as a mask)
    uint32_t sL;
    uint32_t gN;          ///< added for negative lanes
    uint32_t sR;          ///< random bits are added as R << sR
} ExMyKernelParameters;

/// Kernels (`FastEncodePlan.Kernel`, without the binary32 identity, which stays in Swift).
enum {
    EXMY_KERNEL_NEAREST_EVEN = 0,
    EXMY_KERNEL_GENERAL = 1,
    EXMY_KERNEL_TRUNCATE = 2,
    EXMY_KERNEL_STOCHASTIC_AB = 3,
    EXMY_KERNEL_STOCHASTIC_C = 4,
};

/// Sign encodings (`FastEncodePlan.Sign`).
enum {
    EXMY_SIGN_MAGNITUDE = 0,
    EXMY_SIGN_NO_NEGATIVE_ZERO = 1,
    EXMY_SIGN_UNSIGNED = 2,
    EXMY_SIGN_TWOS_COMPLEMENT = 3,
};

/// 1 when this CPU and OS run AVX2 code (x86-64 only), else 0.
int exmy_avx2_supported(void);

/// 1 when this CPU and OS run the AVX-512 copies (AVX-512 F, BW, VL and DQ, and the ZMM state
/// saved by the OS; x86-64 only), else 0.
int exmy_avx512_supported(void);

/// The calling thread's floating-point control word (x86-64: MXCSR; elsewhere 0), and setting it
/// (the tests use these to run the batch engine under a caller's non-default environment).
uint32_t exmy_fp_control(void);
void exmy_fp_set_control(uint32_t control);

/// Saves the calling thread's floating-point control and sets the default one (x86-64: MXCSR
/// 0x1F80, every exception masked, round to nearest even, no flush-to-zero, no denormals-are-zero;
/// the caller's exception flags kept), and returns the saved value for `exmy_fp_restore`, which
/// puts it back, flags included. Elsewhere both do nothing (see FloatingPointEnvironment.swift).
uint32_t exmy_fp_enter_default(void);
void exmy_fp_restore(uint32_t saved);

/// Orders the calling thread's streaming stores (the `streaming` argument of the loops below)
/// before its later stores: called once after a thread's last streaming loop, before another
/// thread reads the output (x86-64: `sfence`; elsewhere nothing).
void exmy_streaming_fence(void);

/// The instruction set of a loop's copy: each `exmy_simd_*` loop is compiled twice from one source
/// (Target.h), and `isa` picks the copy. The caller passes only what this CPU runs.
enum {
    EXMY_ISA_AVX2 = 0,
    EXMY_ISA_AVX512 = 1,
};

/// The `codeBytes` value for FP4 codes packed two per byte, the first in the low nibble
/// (`CodePacking`); `dst` then points at the byte of lane 0 (the lane count before it is even).
enum { EXMY_CODES_PACKED4 = 0 };

/// The random bits of stochastic rounding for a run of at most 65 536 consecutive elements
/// (`CounterRandom`, `BatchEncoder.CounterRun` in Swift): element t of the run is at position
/// `p = position + t` (wrapping at 16 bits) of its 65 536-element counter block, which is the run's
/// first block while `p ≥ position` and the next block after `p` wraps. Its word is
/// `(mix16(p ^ κ₀) | mix16(p ^ κ₁) << 16) & mask` with the keys of that block (κ₁ only when `wide`).
typedef struct ExMyCounterRandom {
    uint32_t mask;        ///< 2^N − 1 for N random bits
    int32_t wide;         ///< 1 when N > 16 (the word needs κ₁'s lane too)
    uint16_t position;    ///< position of element 0 in its counter block
    uint16_t key0;        ///< κ₀ of element 0's block
    uint16_t key1;        ///< κ₁ of element 0's block
    uint16_t nextKey0;    ///< κ₀ of the block after it
    uint16_t nextKey1;    ///< κ₁ of the block after it
} ExMyCounterRandom;

/// Runs an encode kernel on `n` lanes (`Float` bit patterns) into codes of `codeBytes` bytes (1, 2
/// or 4, or `EXMY_CODES_PACKED4` for 4-bit formats) at `dst`. `tinyGeneral` is 1 for formats
/// without subnormals. The stochastic kernels compute each lane's random bits from `random` (at
/// most 65 536 lanes; null for the other kernels). Returns a value whose sign bit is set iff some
/// lane is special (`EncodeKernels.Summary.special`). `streaming` asks for non-temporal stores
/// (honoured where `dst` is 16-byte aligned; the same codes either way; see Target.h).
int32_t exmy_simd_encode(int isa, const ExMyKernelParameters *parameters, int kernel, int sign, int tinyGeneral, int codeBytes,
                         const int32_t *src, void *dst, intptr_t n, const ExMyCounterRandom *random, int streaming);

/// The words the stochastic kernels draw, written out: element t (`t < n ≤ 65 536`) of `random`'s
/// run gets its word (`BatchEncoder.fillRandom`; the tests compare it with `CounterRandom.word`).
void exmy_avx2_fill_random(uint32_t *dst, intptr_t n, const ExMyCounterRandom *random);

/// `SourceWidening.widen`'s job for `Double` inputs: `n` doubles (as 2n little-endian 32-bit words)
/// into `Float` bit patterns rounded to odd, by the hardware's conversion toward zero (AVX2: under
/// MXCSR round-toward-zero, the caller's MXCSR restored; AVX-512: embedded rounding). Where the
/// Swift loop writes the special marker, these lanes hold Float subnormals and zeros, ±∞, NaN, or
/// ±0x7F7FFFFF for |x| > FLT_MAX (special in every plan).
void exmy_simd_widen_double(int isa, const uint32_t *src, int32_t *dst, intptr_t n);

/// `FastEncodePlan.anyTinyNonzero`: 1 when some lane has 0 < |x| < 2^emin (`limit` = bits(2^emin) − 1).
int exmy_simd_any_tiny_nonzero(int isa, const int32_t *src, intptr_t n, int32_t limit);

/// The parameters of the arithmetic decoder (`DecodeKernels.c`, derived and checked by Swift's
/// `DecodePlan`) for a format of K ≤ 8 bits with M significand bits.
typedef struct ExMyDecodeParameters {
    uint32_t codeMask;          ///< 2^K − 1: the bits of a code byte that are read
    uint32_t magnitudeMask;     ///< the magnitude bits (2^(K−1) − 1 with a sign bit, else 2^K − 1)
    uint32_t signBit;           ///< 1 << (K − 1) with a sign bit, else 0
    uint32_t signShift;         ///< 32 − K: moves the sign bit to bit 31
    uint32_t significandShift;  ///< 23 − M
    uint32_t normalAdd;         ///< (127 − bias) << 23, wrapping: added to a normal magnitude << (23 − M)
    int32_t subnormalLimit;     ///< 2^M: smaller magnitudes are subnormal (or zero)
    float subnormalScale;       ///< 2^(emin − M), or 0 for formats without subnormals
    int32_t exceptionMagnitude; ///< magnitudes at or above this take the table's value
    int32_t exceptionCode;      ///< and so does this code (−1: none)
} ExMyDecodeParameters;

/// Decodes `n` one-byte codes at `src` into `dst` (`table`: the format's 256 Float values,
/// indexed by code, for the exception lanes). `streaming` as in `exmy_simd_encode`.
void exmy_simd_decode_bytes(int isa, const ExMyDecodeParameters *parameters, const float *table, const uint8_t *src, float *dst, intptr_t n,
                            int streaming);

/// `exmy_simd_decode_bytes` into `Double`s: each lane's `Float` widened by the hardware (exact;
/// NaNs keep sign and payload, quieted).
void exmy_simd_decode_bytes_double(int isa, const ExMyDecodeParameters *parameters, const float *table, const uint8_t *src, double *dst,
                                   intptr_t n, int streaming);

/// `exmy_simd_decode_bytes` (`wide` 0) or `exmy_simd_decode_bytes_double` (`wide` 1) for `n` FP4
/// codes packed two per byte at `src` (element 0 in the low nibble of `src[0]`).
void exmy_simd_decode_packed4(int isa, const ExMyDecodeParameters *parameters, const float *table, const uint8_t *src, void *dst, intptr_t n,
                              int wide, int streaming);

/// The benchmark's SIMD stream kernel: for each of `blocks` blocks, reads `srcBlockBytes` bytes
/// from `src` and writes `dstBlockBytes` bytes to `dst` (both multiples of 32), with the encode
/// kernels' prefetching and no arithmetic beyond XOR (`ExMyBenchmark`'s strongest limit kernel);
/// with `streaming`, the stores are non-temporal, as the conversion's are for the same job.
void exmy_simd_stream_blocks(int isa, const uint8_t *src, intptr_t srcBlockBytes, uint8_t *dst, intptr_t dstBlockBytes, intptr_t blocks,
                             int streaming);

#ifdef __cplusplus
}
#endif

#endif
