// Times the C kernels of Sources/CExMyKernels alone, in L1 (no Swift driver, no flag scans, no
// scalar fix-up): the kernel-only figures of docs/performance.md. Built against the sources, not
// the package (x86-64 with AVX2 only; the AVX-512 rows only where the CPU has AVX-512 F/BW/VL/DQ):
//
//   clang -O2 -ISources/CExMyKernels/include -ISources/CExMyKernels Benchmarks/kernels/harness.c \
//       Sources/CExMyKernels/EncodeKernels.c Sources/CExMyKernels/DecodeKernels.c \
//       Sources/CExMyKernels/CPUSupport.c -lm -o /tmp/exmy-kernels
//   /tmp/exmy-kernels encode     # E2M1FN, packed: nearest-even, toward-zero, stochastic A8 (ns per element)
//   /tmp/exmy-kernels decode     # E4M3FN one-byte codes -> Float: arithmetic kernel vs a table loop
//
// Each figure is the best of 7 passes of 4e8 elements' worth of 2048-element calls. The parameters
// are E2M1FN's and E4M3FN's as FastEncodePlan / DecodePlan derive them (written out below); the
// batch tests, not this file, check that the kernels are right.
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "CExMyKernels.h"

static double now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec + t.tv_nsec * 1e-9; }
static uint32_t bits(float f) { uint32_t u; memcpy(&u, &f, 4); return u; }
enum { N = 2048, PASSES = 7 };
static const long ELEMENTS = 400000000;

static const char *isa_name(int isa) { return isa == EXMY_ISA_AVX512 ? "avx512" : "avx2"; }

static void encode(int isa) {
    // E2M1FN: M = 1, bias 1, emin = 0, K = 4, subnormals, no specials (greatest 6).
    ExMyKernelParameters p = {0};
    p.sh = 22; p.off = 126u << 1; p.tinyBits = (int32_t)bits(1.0f); p.special = (int32_t)bits(6.0f);
    p.signShift = 28; p.signBit = 8; p.codeMask = 15;
    p.c0 = (1u << 21) - 1; p.lsbAnd = 1; p.magic = 0x1p22f; p.magicBits = bits(0x1p22f);   // 2^(emin − M + 23)
    p.tinyAdd = 1.0f; p.tinyBase = bits(1.0f) - (p.off << 22); p.sL = 22; p.stickyBit = 1;
    static int32_t src[N]; static uint8_t dst[N / 2];
    srand(1);
    for (int i = 0; i < N; i++) src[i] = (int32_t)bits((float)(((double)rand() / RAND_MAX * 2 - 1) * 4));
    const struct { const char *name; int kernel; } rows[] = {
        {"nearest-even", EXMY_KERNEL_NEAREST_EVEN}, {"toward-zero", EXMY_KERNEL_TRUNCATE}, {"stochastic-a8", EXMY_KERNEL_STOCHASTIC_AB},
    };
    for (int r = 0; r < 3; r++) {
        ExMyKernelParameters q = p;
        if (rows[r].kernel == EXMY_KERNEL_STOCHASTIC_AB) { q.sR = 22 - 8; q.stickyBit = 0; }   // A, N = 8
        const ExMyCounterRandom run = {255, 0, 0, 0x1234, 0x5678, 0x9ABC, 0xDEF0};
        double best = 1e9;
        for (int pass = 0; pass < PASSES; pass++) {
            const double t = now();
            for (long k = 0; k < ELEMENTS / N; k++)
                exmy_simd_encode(isa, &q, rows[r].kernel, EXMY_SIGN_MAGNITUDE, 0, EXMY_CODES_PACKED4, src, dst, N,
                                 rows[r].kernel == EXMY_KERNEL_STOCHASTIC_AB ? &run : NULL);
            const double dt = (now() - t) / ELEMENTS;
            if (dt < best) best = dt;
        }
        printf("encode e2m1fn packed %-14s %-6s %.3f ns/element\n", rows[r].name, isa_name(isa), best * 1e9);
    }
}

static void decode(int isa) {
    // E4M3FN: K = 8, M = 3, bias 7; NaN at magnitude 0x7F (the exception).
    static float table[256];
    for (int c = 0; c < 256; c++) {
        const int m = c & 0x7F, e = m >> 3, f = m & 7;
        const float v = m == 0x7F ? NAN : (e ? ldexpf(1 + f / 8.0f, e - 7) : ldexpf(f / 8.0f, -6));
        table[c] = c & 0x80 ? -v : v;
    }
    const ExMyDecodeParameters p = {255, 127, 128, 24, 20, (127 - 7) << 23, 8, 0x1p-9f, 127, -1};
    static uint8_t src[N]; static float dst[N];
    srand(2);
    for (int i = 0; i < N; i++) { int c; do c = rand() & 0xFF; while ((c & 0x7F) == 0x7F); src[i] = (uint8_t)c; }
    double arithmetic = 1e9, lookup = 1e9;
    for (int pass = 0; pass < PASSES; pass++) {
        double t = now();
        for (long k = 0; k < ELEMENTS / N; k++) exmy_simd_decode_bytes(isa, &p, table, src, dst, N);
        double dt = (now() - t) / ELEMENTS;
        if (dt < arithmetic) arithmetic = dt;
        t = now();
        for (long k = 0; k < ELEMENTS / N; k++) {
            for (int i = 0; i < N; i++) dst[i] = table[src[i]];
            __asm__ volatile("" ::"r"(dst) : "memory");
        }
        dt = (now() - t) / ELEMENTS;
        if (dt < lookup) lookup = dt;
    }
    printf("decode e4m3fn->float %-6s arithmetic %.3f ns/element, table loop %.3f ns/element\n", isa_name(isa), arithmetic * 1e9,
           lookup * 1e9);
}

int main(int argc, char **argv) {
    if (argc != 2 || (strcmp(argv[1], "encode") && strcmp(argv[1], "decode"))) {
        fprintf(stderr, "usage: %s encode|decode\n", argv[0]);
        return 2;
    }
    if (!exmy_avx2_supported()) {
        fprintf(stderr, "this CPU has no AVX2\n");
        return 2;
    }
    for (int isa = EXMY_ISA_AVX2; isa <= (exmy_avx512_supported() ? EXMY_ISA_AVX512 : EXMY_ISA_AVX2); isa++) {
        if (!strcmp(argv[1], "encode")) encode(isa); else decode(isa);
    }
    return 0;
}
