// The encode kernels' portable instance: the width-generic body (EncodeBody.h) on 8-lane vectors of
// clang's vector extensions with no target attribute, so it compiles for any CPU (SSE2 on x86-64,
// NEON on arm64, scalar code where the target has no vectors) and runs where AVX2 is absent; and
// the entry point `exmy_simd_encode`, which picks an instance.
#define EXMY_W 8
#define EXMY_LANE_ATTR
#define EXMY_PORTABLE_BODY 1
#define EXMY_IOTA {0, 1, 2, 3, 4, 5, 6, 7}
#include "EncodeBody.h"

EXMY_KERNELS(, portable)

static const Instance instances_portable[5][8] = EXMY_TABLE(portable);

#if defined(__x86_64__)
/// The AVX2 and AVX-512 instances (EncodeKernels.c, EncodeKernels512.c).
extern const Instance exmy_encode_instances_avx2[5][8];
extern const Instance exmy_encode_instances_avx512[5][8];
#endif

int32_t exmy_simd_encode(int isa, const ExMyKernelParameters *parameters, int kernel, int sign, int tinyGeneral, int codeBytes,
                         const int32_t *src, void *dst, intptr_t n, const ExMyCounterRandom *random, int streaming) {
    // The caller passes valid shapes (FastEncodePlan) and an instruction set this CPU runs
    // (EncodeLoops); anything else would be a bug there.
    const int shape = sign * 2 + (tinyGeneral ? 1 : 0);
    Instance f = instances_portable[kernel][shape];
#if defined(__x86_64__)
    if (isa == EXMY_ISA_AVX512) f = exmy_encode_instances_avx512[kernel][shape];
    else if (isa == EXMY_ISA_AVX2) f = exmy_encode_instances_avx2[kernel][shape];
#else
    (void)isa;
#endif
    return f(parameters, codeBytes, src, dst, n, random, streaming);
}
