// Decoding one-byte codes of at most 8 bits into `Float` by arithmetic, compiled for AVX2 and AVX-512
// (`BatchDecoder`'s fast path; its portable path is a table lookup per element, and packed FP4
// codes keep their pair table, which measured faster in cache than unpacking and computing).
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
#include "CExMyKernels.h"
#include "Target.h"

#if defined(__x86_64__)
#include <immintrin.h>

/// Eight codes (`c`'s 32-bit lanes, already masked to K bits) to Float bits, exceptions aside.
EXMY_AVX2 EXMY_INLINE __m256i decode8(const ExMyDecodeParameters *p, __m256i c) {
    const __m256i m = _mm256_and_si256(c, _mm256_set1_epi32((int)p->magnitudeMask));
    const __m256i sign = _mm256_and_si256(_mm256_sll_epi32(c, _mm_cvtsi32_si128((int)p->signShift)), _mm256_set1_epi32((int)(p->signBit << p->signShift)));
    const __m256i normal = _mm256_add_epi32(_mm256_sll_epi32(m, _mm_cvtsi32_si128((int)p->significandShift)),
                                            _mm256_set1_epi32((int)p->normalAdd));
    const __m256i subnormal = _mm256_castps_si256(_mm256_mul_ps(_mm256_cvtepi32_ps(m), _mm256_set1_ps(p->subnormalScale)));
    const __m256i isSubnormal = _mm256_cmpgt_epi32(_mm256_set1_epi32(p->subnormalLimit), m);
    return _mm256_or_si256(_mm256_blendv_epi8(normal, subnormal, isSubnormal), sign);
}

/// `decode8` with the exception lanes taken from `table` (one masked gather).
EXMY_AVX2 EXMY_INLINE __m256i decode8_exceptions(const ExMyDecodeParameters *p, const float *table, __m256i c) {
    const __m256i m = _mm256_and_si256(c, _mm256_set1_epi32((int)p->magnitudeMask));
    const __m256i exception = _mm256_or_si256(_mm256_cmpgt_epi32(m, _mm256_set1_epi32(p->exceptionMagnitude - 1)),
                                              _mm256_cmpeq_epi32(c, _mm256_set1_epi32(p->exceptionCode)));
    return _mm256_mask_i32gather_epi32(decode8(p, c), (const int *)table, c, exception, 4);
}

/// Decodes the 32 codes whose bytes are `b` (in order) into `v[0] … v[3]` (8 Float bit patterns
/// each). Whether any of the 32 is an exception is tested once, on the bytes (magnitudes and codes
/// are below 256).
EXMY_AVX2 EXMY_INLINE void decode32(const ExMyDecodeParameters *p, const float *table, __m256i b, __m256i v[4]) {
    b = _mm256_and_si256(b, _mm256_set1_epi8((char)p->codeMask));
    const __m256i m = _mm256_and_si256(b, _mm256_set1_epi8((char)p->magnitudeMask));
    // m ≥ exceptionMagnitude (unsigned bytes; an exceptionMagnitude above 255 matches nothing).
    const int top = p->exceptionMagnitude > 255 ? 0 : p->exceptionMagnitude;
    __m256i exception = top == 0 ? _mm256_setzero_si256() : _mm256_cmpeq_epi8(_mm256_max_epu8(m, _mm256_set1_epi8((char)top)), m);
    if (p->exceptionCode >= 0) exception = _mm256_or_si256(exception, _mm256_cmpeq_epi8(b, _mm256_set1_epi8((char)p->exceptionCode)));
    const int any = _mm256_movemask_epi8(exception) != 0;
    const __m128i lo = _mm256_castsi256_si128(b), hi = _mm256_extracti128_si256(b, 1);
    const __m256i c[4] = {_mm256_cvtepu8_epi32(lo), _mm256_cvtepu8_epi32(_mm_srli_si128(lo, 8)), _mm256_cvtepu8_epi32(hi),
                          _mm256_cvtepu8_epi32(_mm_srli_si128(hi, 8))};
    for (int k = 0; k < 4; k++) v[k] = any ? decode8_exceptions(p, table, c[k]) : decode8(p, c[k]);
}

/// The 32 values `v` as Floats (`wide` 0) or Doubles (`wide` 1, widened by `vcvtps2pd`), 32 × 4 or
/// 32 × 8 bytes at `dst`.
EXMY_AVX2 EXMY_INLINE void store_values32(const __m256i v[4], void *dst, int wide, int nt) {
    for (int k = 0; k < 4; k++) {
        if (!wide) {
            exmy_store32((float *)dst + 8 * k, v[k], nt);
            continue;
        }
        const __m256 f = _mm256_castsi256_ps(v[k]);
        exmy_store32((double *)dst + 8 * k, _mm256_castpd_si256(_mm256_cvtps_pd(_mm256_castps256_ps128(f))), nt);
        exmy_store32((double *)dst + 8 * k + 4, _mm256_castpd_si256(_mm256_cvtps_pd(_mm256_extractf128_ps(f, 1))), nt);
    }
}

/// Decodes `n` codes into Floats (`wide` 0) or Doubles (`wide` 1); the blocks of 32 with streaming
/// stores where `streaming` is honoured (Target.h), the tail through a buffer.
EXMY_AVX2 EXMY_INLINE void decode_bytes(const ExMyDecodeParameters *p, const float *table, const uint8_t *src, void *dst, intptr_t n,
                                        int wide, int streaming) {
    const int nt = exmy_streaming(streaming, dst);
    const intptr_t size = wide ? 8 : 4;
    __m256i v[4];
    intptr_t i = 0;
    for (; i + 32 <= n; i += 32) {
        if ((i & 1023) == 0) exmy_prefetch_ahead(src + i, 1024);
        decode32(p, table, _mm256_loadu_si256((const __m256i *)(src + i)), v);
        store_values32(v, (char *)dst + i * size, wide, nt);
    }
    exmy_streaming_done(nt);
    if (i < n) {
        uint8_t rest[32] = {0};
        __builtin_memcpy(rest, src + i, (size_t)(n - i));
        decode32(p, table, _mm256_loadu_si256((const __m256i *)rest), v);
        double values[32];
        store_values32(v, values, wide, 0);
        __builtin_memcpy((char *)dst + i * size, values, (size_t)(n - i) * (size_t)size);
    }
}

EXMY_AVX2 EXMY_INLINE void decode_floats(const ExMyDecodeParameters *p, const float *table, const uint8_t *src, float *dst, intptr_t n,
                                         int streaming) {
    decode_bytes(p, table, src, dst, n, 0, streaming);
}

EXMY_AVX2 EXMY_INLINE void decode_doubles(const ExMyDecodeParameters *p, const float *table, const uint8_t *src, double *dst, intptr_t n,
                                          int streaming) {
    decode_bytes(p, table, src, dst, n, 1, streaming);
}

EXMY_BOTH_ISAS_VOID(exmy_simd_decode_bytes, decode_floats,
                    (const ExMyDecodeParameters *p, const float *table, const uint8_t *src, float *dst, intptr_t n, int streaming),
                    (p, table, src, dst, n, streaming))
EXMY_BOTH_ISAS_VOID(exmy_simd_decode_bytes_double, decode_doubles,
                    (const ExMyDecodeParameters *p, const float *table, const uint8_t *src, double *dst, intptr_t n, int streaming),
                    (p, table, src, dst, n, streaming))

#else
void exmy_simd_decode_bytes(int isa, const ExMyDecodeParameters *p, const float *table, const uint8_t *src, float *dst, intptr_t n,
                            int streaming) {
    (void)isa; (void)p; (void)table; (void)src; (void)dst; (void)n; (void)streaming;
}
void exmy_simd_decode_bytes_double(int isa, const ExMyDecodeParameters *p, const float *table, const uint8_t *src, double *dst,
                                   intptr_t n, int streaming) {
    (void)isa; (void)p; (void)table; (void)src; (void)dst; (void)n; (void)streaming;
}
#endif
