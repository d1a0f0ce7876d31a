// Decoding one-byte codes of at most 8 bits into `Float` (and `Double`) by arithmetic: the body
// (DecodeBody.h) on 8-lane vectors for AVX2 here, on 16-lane vectors for AVX-512 in
// DecodeKernels512.c, and the exported entry points that pick one
// (`BatchDecoder`'s fast path for one-byte codes and packed FP4 codes, which are unpacked to bytes
// first; its portable path is a table lookup per element, or per byte of packed FP4 codes).
//
// A code's value is built from its bits the way a hardware converter builds it: a normal
// magnitude `m` (exponent field ≥ 1) becomes the Float bits `(m << (23 − M)) + ((127 − bias) << 23)`;
// a subnormal one is `Float(m) · 2^(emin − M)` (exact: an integer times a power of two); the sign
// bit moves to bit 31. Codes outside that scheme (NaN, ±∞, E8M0's 2^−127, FNUZ's NaN at −0) are
// *exceptions*: the lanes whose magnitude is at least `exceptionMagnitude`, or whose code is
// `exceptionCode`, take their value from the format's 256-entry table with one masked gather.
//
// Which formats may use this is decided in Swift (`DecodePlan`): the parameters are derived from
// the format and then checked by running this very kernel on all 256 byte values against the
// table the scalar engine built. A lane's result depends only on its byte, so that check covers
// every input; a format that fails it keeps the table path.
#define EXMY_W 8
#define EXMY_LANE_ATTR EXMY_AVX2
#define EXMY_ISA_SUFFIX avx2
#include "DecodeBody.h"

#if defined(__x86_64__)
void exmy_decode_avx512(const ExMyDecodeParameters *p, const float *table, const uint8_t *src, void *dst, intptr_t n, int wide, int packed,
                        int streaming);

static void decode(int isa, const ExMyDecodeParameters *p, const float *table, const uint8_t *src, void *dst, intptr_t n, int wide,
                   int packed, int streaming) {
    if (isa == EXMY_ISA_AVX512) exmy_decode_avx512(p, table, src, dst, n, wide, packed, streaming);
    else exmy_decode_avx2(p, table, src, dst, n, wide, packed, streaming);
}

void exmy_simd_decode_bytes(int isa, const ExMyDecodeParameters *p, const float *table, const uint8_t *src, float *dst, intptr_t n,
                            int streaming) {
    decode(isa, p, table, src, dst, n, 0, 0, streaming);
}

void exmy_simd_decode_bytes_double(int isa, const ExMyDecodeParameters *p, const float *table, const uint8_t *src, double *dst,
                                   intptr_t n, int streaming) {
    decode(isa, p, table, src, dst, n, 1, 0, streaming);
}

void exmy_simd_decode_packed4(int isa, const ExMyDecodeParameters *p, const float *table, const uint8_t *src, void *dst, intptr_t n,
                              int wide, int streaming) {
    decode(isa, p, table, src, dst, n, wide, 1, streaming);
}
#else
void exmy_simd_decode_bytes(int isa, const ExMyDecodeParameters *p, const float *table, const uint8_t *src, float *dst, intptr_t n,
                            int streaming) {
    (void)isa; (void)p; (void)table; (void)src; (void)dst; (void)n; (void)streaming;
}
void exmy_simd_decode_bytes_double(int isa, const ExMyDecodeParameters *p, const float *table, const uint8_t *src, double *dst,
                                   intptr_t n, int streaming) {
    (void)isa; (void)p; (void)table; (void)src; (void)dst; (void)n; (void)streaming;
}
void exmy_simd_decode_packed4(int isa, const ExMyDecodeParameters *p, const float *table, const uint8_t *src, void *dst, intptr_t n,
                              int wide, int streaming) {
    (void)isa; (void)p; (void)table; (void)src; (void)dst; (void)n; (void)wide; (void)streaming;
}
#endif
