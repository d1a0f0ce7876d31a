// The encode kernels of Sources/ExMy/Batch/EncodeKernels.swift for AVX2: the width-generic body
// (EncodeBody.h) on 8-lane (256-bit) vectors, and the exported entry point, which also reaches the
// AVX-512 instances (EncodeKernels512.c: the same body on 16-lane, 512-bit vectors).
//
// Why explicit vectors rather than the auto-vectorised scalar loop the Swift side uses: the loop
// does 4 × 8 lanes per iteration and narrows the 32 codes with three `pack` instructions and one
// permute into one 32-byte store (or 16 bytes of packed FP4 codes), where the vectoriser spent four
// shuffles on every 8 bytes, and the prefetch steps need no second loop level (docs/performance.md).
#define EXMY_W 8
#define EXMY_LANE_ATTR EXMY_AVX2
#define EXMY_IOTA {0, 1, 2, 3, 4, 5, 6, 7}
#include "EncodeBody.h"

EXMY_KERNELS(EXMY_AVX2, avx2)

static const Instance instances_avx2[5][8] = EXMY_TABLE(avx2);

/// The AVX-512 instances (EncodeKernels512.c).
extern const Instance exmy_encode_instances_avx512[5][8];

int32_t exmy_simd_encode(int isa, const ExMyKernelParameters *parameters, int kernel, int sign, int tinyGeneral, int codeBytes,
                         const int32_t *src, void *dst, intptr_t n, const ExMyCounterRandom *random, int streaming) {
    // The caller passes valid shapes (FastEncodePlan) and an instruction set this CPU runs
    // (EncodeLoops); anything else would be a bug there.
    const int shape = sign * 2 + (tinyGeneral ? 1 : 0);
    const Instance f = isa == EXMY_ISA_AVX512 ? exmy_encode_instances_avx512[kernel][shape] : instances_avx2[kernel][shape];
    return f(parameters, codeBytes, src, dst, n, random, streaming);
}
