// Times the C kernels of Sources/CExMyKernels alone, in L1 (no Swift driver, no flag scans, no
// scalar fix-up): the kernel-only figures of docs/performance.md. Built against the sources, not
// the package (x86-64 with AVX2 only; the AVX-512 rows only where the CPU has AVX-512 F/BW/VL/DQ):
//
//   clang -O2 -ISources/CExMyKernels/include -ISources/CExMyBenchmarkKernels/include Benchmarks/kernels/harness.c \
//       Sources/CExMyKernels/*.c Sources/CExMyBenchmarkKernels/*.c -lm -o /tmp/exmy-kernels
//   /tmp/exmy-kernels encode     # E2M1FN, packed: nearest-even, toward-zero, stochastic A8 (ns per element)
//   /tmp/exmy-kernels decode     # E4M3FN one-byte codes -> Float: arithmetic kernel vs a table loop
//   /tmp/exmy-kernels narrow     # Double -> Float-to-odd narrowing, 2048 doubles (ns per element)
//   /tmp/exmy-kernels limit      # from memory (128M elements): the E4M3FN kernel and the limit kernels
//   /tmp/exmy-kernels decode-limit  # from memory: the E4M3FN decoder (Float, Double), the splat limits, memset
//
// In L1 (encode, decode, narrow) each figure is the best of 7 passes of 4e8 elements' worth of
// 2048-element calls. From memory (limit): 11 interleaved rounds over 128M elements (512 MiB of
// Floats, 128 MiB of codes; beyond the L3 of the development machines) of the E4M3FN encode
// kernel on 2048-element blocks and the C stream kernel (`exmy_simd_stream_blocks`, the
// benchmark's limit), each with ordinary and with streaming stores, and a plain fold loop
// `out[j] = in[4j] ^ … ^ in[4j+3]`, each round's times taken back to back; printed: the medians
// of the rates and of the kernel's (and the plain loop's) fraction of the stream kernel with the
// same kind of stores. decode-limit does the same for decoding 128M one-byte E4M3FN codes into
// Floats and into Doubles against the stream kernel's splats (1 byte read, 4 or 8 written), and
// times glibc's `memset` of the 512 MiB Float output (write only, non-temporal stores at that
// size). The parameters are E2M1FN's and E4M3FN's as FastEncodePlan /
// DecodePlan derive them (written out below); the batch tests, not this file, check that the
// kernels are right.
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "CExMyBenchmarkKernels.h"
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
                                 rows[r].kernel == EXMY_KERNEL_STOCHASTIC_AB ? &run : NULL, 0);
            const double dt = (now() - t) / ELEMENTS;
            if (dt < best) best = dt;
        }
        printf("encode e2m1fn packed %-14s %-6s %.3f ns/element\n", rows[r].name, isa_name(isa), best * 1e9);
    }
}

/// E4M3FN's decoder parameters as DecodePlan derives them (K = 8, M = 3, bias 7; NaN at magnitude
/// 0x7F, the exception), and its 256 Float values into `table`.
static ExMyDecodeParameters e4m3fn_decoder(float table[256]) {
    for (int c = 0; c < 256; c++) {
        const int m = c & 0x7F, e = m >> 3, f = m & 7;
        const float v = m == 0x7F ? NAN : (e ? ldexpf(1 + f / 8.0f, e - 7) : ldexpf(f / 8.0f, -6));
        table[c] = c & 0x80 ? -v : v;
    }
    return (ExMyDecodeParameters){255, 127, 128, 24, 20, (127 - 7) << 23, 8, 0x1p-9f, 127, -1};
}

static void decode(int isa) {
    static float table[256];
    const ExMyDecodeParameters p = e4m3fn_decoder(table);
    static uint8_t src[N]; static float dst[N];
    srand(2);
    for (int i = 0; i < N; i++) { int c; do c = rand() & 0xFF; while ((c & 0x7F) == 0x7F); src[i] = (uint8_t)c; }
    double arithmetic = 1e9, lookup = 1e9;
    for (int pass = 0; pass < PASSES; pass++) {
        double t = now();
        for (long k = 0; k < ELEMENTS / N; k++) exmy_simd_decode_bytes(isa, &p, table, src, dst, N, 0);
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

static void narrow(int isa) {
    static double src[N]; static int32_t dst[N];
    for (int i = 0; i < N; i++) src[i] = (i * 0.37 - 300) * 1.0000001;  // dropped bits in most lanes
    double best = 1e9;
    for (int pass = 0; pass < PASSES; pass++) {
        const double t = now();
        for (long k = 0; k < ELEMENTS / N; k++) {
            exmy_simd_widen_double(isa, (const uint32_t *)src, dst, N);
            __asm__ volatile("" ::"r"(dst) : "memory");
        }
        const double dt = (now() - t) / ELEMENTS;
        if (dt < best) best = dt;
    }
    printf("narrow double->float-to-odd %-6s %.3f ns/element\n", isa_name(isa), best * 1e9);
}

typedef uint32_t v8u __attribute__((vector_size(32), aligned(1)));

/// The plain fold loop: 4 bytes read, 1 written per element, no prefetching.
__attribute__((target("avx2"), noinline)) static void plain_fold(const uint8_t *src, uint8_t *dst, long n) {
    const v8u *in = (const v8u *)src;
    v8u *out = (v8u *)dst;
    for (long j = 0; j < n / 32; j++) out[j] = in[4 * j] ^ in[4 * j + 1] ^ in[4 * j + 2] ^ in[4 * j + 3];
}

static int by_value(const void *a, const void *b) { const double x = *(const double *)a, y = *(const double *)b; return (x > y) - (x < y); }
static double median(double *v, int n) { qsort(v, (size_t)n, sizeof *v, by_value); return v[n / 2]; }

static void limit(int isa) {
    enum { ROUNDS = 11 };
    const long n = 1L << 27;
    uint8_t *a = aligned_alloc(64, 4 * (size_t)n), *b = aligned_alloc(64, (size_t)n);
    if (!a || !b) { fprintf(stderr, "out of memory\n"); exit(2); }
    for (long i = 0; i < n; i++) ((float *)a)[i] = (float)((i * 2654435761u) % 1000) / 100.0f - 5.0f;
    memset(b, 0, (size_t)n);
    // E4M3FN: M = 3, bias 7, emin = −6, K = 8, greatest 448.
    ExMyKernelParameters p = {0};
    p.sh = 20; p.off = (127 - 7) << 3; p.tinyBits = (int32_t)bits(0x1p-6f); p.special = (int32_t)bits(448.0f);
    p.signShift = 24; p.signBit = 128; p.codeMask = 255;
    p.c0 = (1u << 19) - 1; p.lsbAnd = 1; p.magic = 0x1p14f; p.magicBits = bits(0x1p14f);   // 2^(emin − M + 23)
    p.tinyAdd = 0x1p-6f; p.tinyBase = bits(0x1p-6f) - (p.off << 20); p.sL = 20; p.stickyBit = 1;
    // Ordinary stores (o) and streaming stores (s): the E4M3FN kernel, the stream kernel, and the
    // plain fold loop (ordinary stores only).
    double ko[ROUNDS], ks[ROUNDS], so[ROUNDS], ss[ROUNDS], plain[ROUNDS], fo[ROUNDS], fs[ROUNDS], fp[ROUNDS];
    for (int r = 0; r < ROUNDS; r++) {
        double t[6];
        t[0] = now();
        for (long i = 0; i < n; i += N) exmy_simd_encode(isa, &p, EXMY_KERNEL_NEAREST_EVEN, EXMY_SIGN_MAGNITUDE, 0, 1, (const int32_t *)(a + 4 * i), b + i, N, NULL, 0);
        t[1] = now();
        for (long i = 0; i < n; i += N) exmy_simd_encode(isa, &p, EXMY_KERNEL_NEAREST_EVEN, EXMY_SIGN_MAGNITUDE, 0, 1, (const int32_t *)(a + 4 * i), b + i, N, NULL, 1);
        exmy_streaming_fence();
        t[2] = now();
        exmy_simd_stream_blocks(isa, a, 4 * N, b, N, n / N, 0);
        t[3] = now();
        exmy_simd_stream_blocks(isa, a, 4 * N, b, N, n / N, 1);
        exmy_streaming_fence();
        t[4] = now();
        plain_fold(a, b, n);
        t[5] = now();
        ko[r] = n / (t[1] - t[0]) / 1e6; ks[r] = n / (t[2] - t[1]) / 1e6; so[r] = n / (t[3] - t[2]) / 1e6; ss[r] = n / (t[4] - t[3]) / 1e6;
        plain[r] = n / (t[5] - t[4]) / 1e6;
        fo[r] = ko[r] / so[r]; fs[r] = ks[r] / ss[r]; fp[r] = plain[r] / so[r];
    }
    printf("limit %-6s ordinary stores: E4M3FN kernel %.0f, stream kernel %.0f, plain fold %.0f M elements/s; "
           "streaming stores: kernel %.0f, stream kernel %.0f (medians)\n"
           "limit %-6s kernel / stream: ordinary %.3f, streaming %.3f; plain / stream %.3f\n",
           isa_name(isa), median(ko, ROUNDS), median(so, ROUNDS), median(plain, ROUNDS), median(ks, ROUNDS), median(ss, ROUNDS),
           isa_name(isa), median(fo, ROUNDS), median(fs, ROUNDS), median(fp, ROUNDS));
    free(a); free(b);
}

static void decode_limit(int isa) {
    enum { ROUNDS = 11 };
    const long n = 1L << 27;
    uint8_t *a = aligned_alloc(64, (size_t)n);
    float *b = aligned_alloc(64, 8 * (size_t)n);
    if (!a || !b) { fprintf(stderr, "out of memory\n"); exit(2); }
    for (long i = 0; i < n; i++) a[i] = (uint8_t)((i * 2654435761u) >> 24) & 0x7E;  // no NaN codes
    memset(b, 0, 8 * (size_t)n);
    static float table[256];
    const ExMyDecodeParameters p = e4m3fn_decoder(table);
    // Ordinary stores (o) and streaming stores (s): the decoder into Float and into Double, the
    // stream kernel's splats (4 and 8 bytes written per byte read); memset of the Float output.
    double fo[ROUNDS], fs[ROUNDS], so[ROUNDS], ss[ROUNDS], dfo[ROUNDS], dfs[ROUNDS], dso[ROUNDS], dss[ROUNDS], fill[ROUNDS];
    double ro[ROUNDS], rs[ROUNDS], rdo[ROUNDS], rds[ROUNDS];
    for (int r = 0; r < ROUNDS; r++) {
        double t[10];
        t[0] = now();
        for (long i = 0; i < n; i += N) exmy_simd_decode_bytes(isa, &p, table, a + i, b + i, N, 0);
        t[1] = now();
        for (long i = 0; i < n; i += N) exmy_simd_decode_bytes(isa, &p, table, a + i, b + i, N, 1);
        exmy_streaming_fence();
        t[2] = now();
        exmy_simd_stream_blocks(isa, a, N, (uint8_t *)b, 4 * N, n / N, 0);
        t[3] = now();
        exmy_simd_stream_blocks(isa, a, N, (uint8_t *)b, 4 * N, n / N, 1);
        exmy_streaming_fence();
        t[4] = now();
        for (long i = 0; i < n; i += N) exmy_simd_decode_bytes_double(isa, &p, table, a + i, (double *)b + i, N, 0);
        t[5] = now();
        for (long i = 0; i < n; i += N) exmy_simd_decode_bytes_double(isa, &p, table, a + i, (double *)b + i, N, 1);
        exmy_streaming_fence();
        t[6] = now();
        exmy_simd_stream_blocks(isa, a, N, (uint8_t *)b, 8 * N, n / N, 0);
        t[7] = now();
        exmy_simd_stream_blocks(isa, a, N, (uint8_t *)b, 8 * N, n / N, 1);
        exmy_streaming_fence();
        t[8] = now();
        memset(b, r, 4 * (size_t)n);
        t[9] = now();
        double *v[] = {fo, fs, so, ss, dfo, dfs, dso, dss, fill};
        for (int k = 0; k < 9; k++) v[k][r] = n / (t[k + 1] - t[k]) / 1e6;
        ro[r] = fo[r] / so[r]; rs[r] = fs[r] / ss[r]; rdo[r] = dfo[r] / dso[r]; rds[r] = dfs[r] / dss[r];
    }
    printf("decode-limit %-6s Float: decoder %.0f / %.0f, stream kernel %.0f / %.0f (ordinary / streaming stores); memset %.0f; "
           "Double: decoder %.0f / %.0f, stream kernel %.0f / %.0f M elements/s (medians)\n"
           "decode-limit %-6s decoder / stream: Float %.3f / %.3f, Double %.3f / %.3f (ordinary / streaming)\n",
           isa_name(isa), median(fo, ROUNDS), median(fs, ROUNDS), median(so, ROUNDS), median(ss, ROUNDS), median(fill, ROUNDS),
           median(dfo, ROUNDS), median(dfs, ROUNDS), median(dso, ROUNDS), median(dss, ROUNDS),
           isa_name(isa), median(ro, ROUNDS), median(rs, ROUNDS), median(rdo, ROUNDS), median(rds, ROUNDS));
    free(a); free(b);
}

int main(int argc, char **argv) {
    const char *modes[] = {"encode", "decode", "narrow", "limit", "decode-limit"};
    void (*const runs[])(int) = {encode, decode, narrow, limit, decode_limit};
    int mode = -1;
    for (int k = 0; k < 5 && argc == 2; k++) if (!strcmp(argv[1], modes[k])) mode = k;
    if (mode < 0) {
        fprintf(stderr, "usage: %s encode|decode|narrow|limit|decode-limit\n", argv[0]);
        return 2;
    }
    if (!exmy_avx2_supported()) {
        fprintf(stderr, "this CPU has no AVX2\n");
        return 2;
    }
    for (int isa = EXMY_ISA_AVX2; isa <= (exmy_avx512_supported() ? EXMY_ISA_AVX512 : EXMY_ISA_AVX2); isa++) runs[mode](isa);
    return 0;
}
