// The encode kernels for AVX2: the width-generic body (EncodeBody.h) on 8-lane (256-bit) vectors,
// x86-64 only (the entry point `exmy_simd_encode` is in EncodeKernelsPortable.c).
//
// Why explicit vectors rather than an auto-vectorised scalar loop: the loop does 4 × 8 lanes per
// iteration and narrows the 32 codes with three `pack` instructions and one permute into one
// 32-byte store (or 16 bytes of packed FP4 codes), where the vectoriser spent four shuffles on
// every 8 bytes, and the prefetch steps need no second loop level (docs/performance.md).
#if defined(__x86_64__)
#define EXMY_W 8
#define EXMY_LANE_ATTR EXMY_AVX2
#define EXMY_IOTA {0, 1, 2, 3, 4, 5, 6, 7}
#include "EncodeBody.h"

EXMY_KERNELS(EXMY_AVX2, avx2)

const Instance exmy_encode_instances_avx2[5][8] = EXMY_TABLE(avx2);
#endif
