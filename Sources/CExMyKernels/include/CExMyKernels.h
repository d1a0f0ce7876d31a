// CExMyKernels: the batch engine's loops, written once in C and compiled per instruction set.
//
// Why C: Swift has no per-function target attributes, and SwiftPM refuses `unsafeFlags` (such as
// `-target-cpu`) in a package that is used as a dependency, so Swift code in ExMy is always built
// for the target's baseline. A C function can carry `__attribute__((target("avx2")))` and be called
// only after a run-time CPU check; no compiler flag is needed.
//
// What: the batch encoder's loops (the encode kernels, for FP4 with the packing in their store
// and for the stochastic rules with the counter stream's words computed in their loop; the
// widening of `Double`, Float16 and bfloat16 inputs to `Float` lanes; the underflow pre-scan), the
// arithmetic decoder of one-byte codes, and the counter random stream itself (scalar, for Swift's
// `CounterRandom`, and on vectors in the kernels). The parameters are computed only in Swift
// (FastEncodePlan, DecodePlan); the rounding decisions these loops do not make (special lanes)
// stay with the scalar engine, which is the reference: the batch tests compare every instance
// this CPU runs with it.
//
// Instances (Target.h): every encoder loop is compiled as the *portable* instance (no target
// attribute: SSE2 on x86-64, NEON on arm64, whatever the target has elsewhere) and, on x86-64, as
// an AVX2 and an AVX-512 instance (the encode kernels and the decoder at 16 lanes there), chosen
// at run time by `exmy_avx2_supported()` / `exmy_avx512_supported()`. The decoder has no portable
// instance (it gathers with x86 instructions): without AVX2, Swift decodes through a table.
// Tests/arm64/check.sh runs the portable instance under qemu-aarch64 against the x86 instances.
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

/// The instruction set of a loop's copy: each `exmy_simd_*` loop is compiled per instruction set from
/// one source (Target.h), and `isa` picks the copy. The caller passes only what this CPU runs
/// (EXMY_ISA_PORTABLE runs everywhere; off x86-64 every value runs the portable copy).
enum {
    EXMY_ISA_PORTABLE = 0,
    EXMY_ISA_AVX2 = 1,
    EXMY_ISA_AVX512 = 2,
};

/// The `codeBytes` value for FP4 codes packed two per byte, the first in the low nibble
/// (`CodePacking`); `dst` then points at the byte of lane 0 (the lane count before it is even).
enum { EXMY_CODES_PACKED4 = 0 };

/// Packs `n` byte codes (their low 4 bits) two per byte, the first in the low nibble
/// (EXMY_CODES_PACKED4), by the encode kernels' packed-FP4 stores: `CodePacking` for FP4, and the
/// batch encoder's blocks that the scalar engine converts. `dst` holds ⌈n/2⌉ bytes.
void exmy_pack4(const uint8_t *src, intptr_t n, uint8_t *dst);

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
void exmy_simd_fill_random(int isa, uint32_t *dst, intptr_t n, const ExMyCounterRandom *random);

/// `Double` inputs to kernel lanes: `n` doubles (as 2n little-endian 32-bit words) into `Float` bit
/// patterns rounded to odd (truncated toward zero, Float subnormals included, with the last bit set
/// where anything was dropped; a NaN stays a NaN with that bit). ±∞ stays ±∞, and |x| > FLT_MAX
/// becomes ±0x7F7FFFFF (FLT_MAX with the odd bit), special in every plan. AVX2: the hardware's
/// conversion under MXCSR round-toward-zero (the caller's MXCSR restored); AVX-512: embedded
/// rounding; portable: the same bits by integer arithmetic.
void exmy_simd_widen_double(int isa, const uint32_t *src, int32_t *dst, intptr_t n);

/// The `Float` lane a kernel sees for an input it must leave to the scalar engine (a quiet NaN:
/// special in every plan).
enum { EXMY_SPECIAL_MARKER = 0x7FC00000 };

/// Float16 (`bfloat16` 0) or bfloat16 (`bfloat16` 1) inputs to kernel lanes, exactly: bfloat16
/// bits shifted left by 16; Float16 by `|h| << 13` read as a `Float` times 2^112 (subnormals
/// included), ±∞ and NaN as ±EXMY_SPECIAL_MARKER.
void exmy_simd_widen_half(int isa, const uint16_t *src, int32_t *dst, intptr_t n, int bfloat16);

/// `FastEncodePlan.anyTinyNonzero`: 1 when some lane has 0 < |x| < 2^emin (`limit` = bits(2^emin) − 1).
int exmy_simd_any_tiny_nonzero(int isa, const int32_t *src, intptr_t n, int32_t limit);

/// Whether some lane of `src[0 ..< n]` that is not special (`exmy_lane_special`) is inexact
/// (`tinyOnly` 0) or tiny and inexact (`tinyOnly` 1, underflow), for a plan with kernel parameters
/// `p` and sign encoding `sign`: `lowMask` is 2^(23 − M) − 1, `magic` 2^(emin − M + 23), and
/// `tinyAlwaysInexact` 1 for formats without subnormals (`FastEncodePlan.anyInexact`).
int exmy_simd_scan_inexact(int isa, const ExMyKernelParameters *p, int sign, int tinyOnly, int tinyAlwaysInexact, uint32_t lowMask, float magic,
                           const int32_t *src, intptr_t n);

/// A value whose sign bit is set iff the lane with bits `x` is special for an encode kernel with
/// parameters `p` and sign encoding `sign` (EncodeBody.h's `sign_special`, one lane): a magnitude
/// above `special`, and for unsigned formats a negative `x` or one below `lowSpecial`.
static inline int32_t exmy_lane_special(const ExMyKernelParameters *p, int sign, int32_t x) {
    if (sign == EXMY_SIGN_UNSIGNED) return (int32_t)(((uint32_t)p->special - (uint32_t)x) | ((uint32_t)x - (uint32_t)p->lowSpecial));
    return (int32_t)((uint32_t)p->special - (uint32_t)(x & 0x7FFFFFFF));
}

// MARK: The counter random stream (Swift's `CounterRandom` documents the definition)

/// `mix16` on `x` in place: a bijection of 16-bit values, on a scalar or on the 16-bit lanes of a
/// vector (16-bit multiplies wrap).
#define EXMY_MIX16(x)                                                                                  \
    do {                                                                                               \
        (x) ^= (x) >> 8;                                                                               \
        (x) *= (uint16_t)0x6B53;                                                                       \
        (x) ^= (x) >> 7;                                                                               \
        (x) *= (uint16_t)0x3C4D;                                                                       \
        (x) ^= (x) >> 9;                                                                               \
    } while (0)

/// The 16-bit mixing bijection of the counter stream.
static inline uint16_t exmy_mix16(uint16_t v) {
    uint16_t x = v;
    EXMY_MIX16(x);
    return x;
}

/// SplitMix64's output function (Steele, Lea and Flood 2014; Stafford's variant 13 of the
/// MurmurHash3 finalizer), a bijection of 64-bit words: ExMy's one 64-bit mixer (Swift's
/// `SplitMix64.mix` calls it).
static inline uint64_t exmy_mix64(uint64_t z) {
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

/// The first word of the SplitMix64 generator seeded with `v`: `exmy_mix64(v + γ)`, γ = 2^64/φ.
static inline uint64_t exmy_splitmix64(uint64_t v) {
    return exmy_mix64(v + 0x9E3779B97F4A7C15ull);
}

/// The four 16-bit keys (κ₀ in the low bits) of the 65 536-element counter block `block` for `draw`,
/// in the stream whose seed hashes to `seedHash` (`exmy_splitmix64(seed)`).
static inline uint64_t exmy_counter_block_keys(uint64_t seedHash, uint64_t block, uint64_t draw) {
    return exmy_splitmix64(exmy_splitmix64(seedHash ^ block) ^ draw);
}

/// The 64-bit word number `draw` of element `index`: `Σ_j mix16(p ^ κ_j) << 16·j` with
/// `p = index mod 2^16` and the keys of block `index >> 16`.
static inline uint64_t exmy_counter_word(uint64_t seedHash, uint64_t index, uint64_t draw) {
    const uint64_t keys = exmy_counter_block_keys(seedHash, index >> 16, draw);
    const uint16_t p = (uint16_t)index;
    uint64_t w = 0;
    for (int j = 0; j < 4; j++) w |= (uint64_t)exmy_mix16((uint16_t)(p ^ (uint16_t)(keys >> (16 * j)))) << (16 * j);
    return w;
}

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

// MARK: The matrix-unit models' fused-group pipeline (FusedGroupKernels.c)

/// Columns of B per packed block (the lanes of the fused-group kernel).
enum { EXMY_FUSED_GROUP_LANES = 8 };

/// The exponent a zero element of A or B is packed with: far below every real exponent, so that a
/// product with a zero operand never sets the group's largest exponent and shifts out entirely.
enum { EXMY_FG_ZERO_EXPONENT = -(1 << 24) };

/// The parameters of `exmy_fused_group_rows`, from Swift's `FusedGroupPlan`, which checks the bounds
/// the kernel relies on (each stated there).
typedef struct ExMyFusedGroupParameters {
    int32_t groupSize;           ///< L: products per group
    int32_t fractionBits;        ///< F
    int32_t zeroExponent;        ///< e_zero (at most the accumulator's least normal exponent)
    int32_t chunk;               ///< products summed in 32-bit lanes before the 64-bit sum
    int32_t accBits;             ///< 32 (FP32) or 16 (FP16): the accumulator's code width
    int32_t accSignificandBits;  ///< the accumulator's M
    int32_t accMinExponent;      ///< the accumulator's (and grid's) least normal exponent
    int32_t gridSignificandBits; ///< the output grid's M (≤ the accumulator's)
    int32_t gridMaxExponent;     ///< a group result with this exponent or more is flagged
    int32_t nearestEven;         ///< 1: round to nearest even onto the grid; 0: toward zero
    int32_t blockSize;           ///< K elements per block scale (with scales)
} ExMyFusedGroupParameters;

/// D = A·B + C for `rows` rows of A and all `n` columns of B, K = `k`, with the fused-group pipeline.
/// A: `aSig`, `aExp` (rows × k): each element's signed significand and exponent (a zero:
/// significand 0, exponent EXMY_FG_ZERO_EXPONENT). B packed per block of EXMY_FUSED_GROUP_LANES
/// columns (the last padded with zeros): for block `jb` and each k, the lanes' significands
/// (magnitude times 2^(F − M_a − M_b), unsigned, below 2^31 / |significand of A|) then their
/// exponents, at `bPacked + (jb·k + k_index)·2·LANES`. Scales (null `bScale`: none): exponents
/// added to the products', `aScale[row·blocks + block]` and `bScale[(jb·blocks + block)·LANES + lane]`.
/// C, D (rows × n codes of the accumulator) and `flags` (rows × n): a lane whose group result reached
/// the grid's top binade gets flag bit 0 set (its code in D is then not the model's: the caller
/// recomputes it). Returns 0.
int exmy_fused_group_rows(int isa, const ExMyFusedGroupParameters *p, intptr_t rows, intptr_t n, intptr_t k, const int32_t *aSig,
                          const int32_t *aExp, const int32_t *bPacked, const int32_t *aScale, intptr_t blocks, const int32_t *bScale,
                          const uint32_t *c, uint32_t *d, uint8_t *flags);

#ifdef __cplusplus
}
#endif

#endif
