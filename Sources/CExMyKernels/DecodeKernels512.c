// The arithmetic decoder for AVX-512 (F, BW, VL, DQ): DecodeBody.h on 16-lane, 512-bit vectors, 64
// codes per iteration (DecodeKernels.c exports the entry points).
#define EXMY_W 16
#define EXMY_LANE_ATTR EXMY_AVX512
#define EXMY_ISA_SUFFIX avx512
#include "DecodeBody.h"
