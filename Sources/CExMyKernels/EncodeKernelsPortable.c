// The encode kernels' portable instance: the width-generic body (EncodeBody.h) on 8-lane vectors of
// clang's vector extensions with no target attribute, so it compiles for any CPU (SSE2 on x86-64,
// NEON on arm64, scalar code where the target has no vectors) and runs where AVX2 is absent; and
// the entry point `exmy_simd_encode`, which picks an instance; and `exmy_pack4`, the kernels'
// packed-FP4 stores on codes already computed.
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

void exmy_pack4(const uint8_t *src, intptr_t n, uint8_t *dst) {
    // The portable instance's own stores: store_group for whole groups of 32 codes (masked to
    // 4 bits, as a kernel without `exact` masks to its code width), store_tail for the rest.
    P p = {0};
    p.codeMask = 0xF;
    const vi none = {0};
    intptr_t i = 0;
    for (; i + 4 * EXMY_W <= n; i += 4 * EXMY_W) {
        vu c[4];
        for (int g = 0; g < 4; g++) {
            vb b;
            __builtin_memcpy(&b, src + i + g * EXMY_W, sizeof b);
            c[g] = __builtin_convertvector(b, vu);
        }
        store_group(EXMY_PACKED4, 0, EXMY_SIGN_UNSIGNED, &p, dst, i, c[0], c[1], c[2], c[3], none, none, none, none, 0);
    }
    for (; i < n; i += EXMY_W) {
        const intptr_t count = n - i < EXMY_W ? n - i : EXMY_W;
        vb b = {0};
        __builtin_memcpy(&b, src + i, (size_t)count);
        store_tail(EXMY_PACKED4, dst, i, count, __builtin_convertvector(b, vu), p.codeMask);
    }
}
