// The encode kernels for AVX-512 (F, BW, VL, DQ): the width-generic body (EncodeBody.h) on 16-lane,
// 512-bit vectors, 64 lanes per iteration, narrowed to bytes by saturating packs (x86-64 only; the
// entry point `exmy_simd_encode` is in EncodeKernelsPortable.c). Measured from memory on the
// development machine (docs/performance.md), the 512-bit form spends fewer instructions per element
// than the same body on 256-bit vectors under the AVX-512 attribute, which left one core's encoding
// short of the stream limit.
#if defined(__x86_64__)
#define EXMY_W 16
#define EXMY_LANE_ATTR EXMY_AVX512
#define EXMY_IOTA {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15}
#include "EncodeBody.h"

EXMY_KERNELS(EXMY_AVX512, avx512)

const Instance exmy_encode_instances_avx512[5][8] = EXMY_TABLE(avx512);
#endif
