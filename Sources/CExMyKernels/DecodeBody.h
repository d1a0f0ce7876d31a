// The width-generic body of the arithmetic decoder (DecodeKernels.c, DecodeKernels512.c), included
// once per instruction set with EXMY_W (lanes per vector: 8 or 16), EXMY_LANE_ATTR (the lane
// functions' target attribute) and EXMY_ISA_SUFFIX (avx2 or avx512); it defines
// `exmy_decode_<suffix>`.
//
// Written with clang's vector extensions, so one source serves both widths: 4 · EXMY_W codes per
// iteration (32 or 64 bytes), tested once for exceptions on the bytes, widened to 32-bit lanes,
// decoded, and stored as Floats or widened to Doubles (`vcvtps2pd`).
#include "CExMyKernels.h"
#include "Target.h"

#if defined(__x86_64__)
#include <immintrin.h>

#define EXMY_G (4 * EXMY_W)
#define EXMY_CAT2(a, b) a##b
#define EXMY_CAT(a, b) EXMY_CAT2(a, b)
#define EXMY_DVINLINE EXMY_LANE_ATTR EXMY_INLINE

typedef uint32_t du __attribute__((vector_size(4 * EXMY_W)));
typedef int32_t di __attribute__((vector_size(4 * EXMY_W)));
typedef float df __attribute__((vector_size(4 * EXMY_W)));
typedef double dd __attribute__((vector_size(8 * EXMY_W)));
typedef uint8_t db __attribute__((vector_size(EXMY_W)));
typedef uint8_t dg __attribute__((vector_size(EXMY_G)));
typedef int8_t dgs __attribute__((vector_size(EXMY_G)));

/// The decoder's parameters as vectors, made once per call.
typedef struct {
    du magnitudeMask, signMask, normalAdd;
    di subnormalLimit, exceptionBelow, exceptionCode;
    df subnormalScale;
    uint32_t significandShift, signShift;
    int exceptionCode8;
    uint8_t codeMask8, magnitudeMask8, top8;
} DecodeVectors;

EXMY_DVINLINE DecodeVectors decode_vectors(const ExMyDecodeParameters *p) {
    DecodeVectors v;
    v.magnitudeMask = (du){0} + p->magnitudeMask;
    v.signMask = (du){0} + (p->signBit << (p->signShift & 31));
    v.normalAdd = (du){0} + p->normalAdd;
    v.subnormalLimit = (di){0} + p->subnormalLimit;
    v.exceptionBelow = (di){0} + (p->exceptionMagnitude - 1);
    v.exceptionCode = (di){0} + p->exceptionCode;
    v.subnormalScale = (df){0} + p->subnormalScale;
    v.significandShift = p->significandShift & 31;
    v.signShift = p->signShift & 31;
    v.exceptionCode8 = p->exceptionCode;
    v.codeMask8 = (uint8_t)p->codeMask;
    v.magnitudeMask8 = (uint8_t)p->magnitudeMask;
    // m ≥ exceptionMagnitude (an exceptionMagnitude above 255 matches no byte: top8 = 0, unused).
    v.top8 = p->exceptionMagnitude > 255 ? 0 : (uint8_t)p->exceptionMagnitude;
    return v;
}

/// EXMY_W codes (`c`: 32-bit lanes; bits above K are ignored) to Float bits, exceptions aside: a
/// normal magnitude by an integer add to the shifted bits, a subnormal one as `Float(m) · 2^(emin − M)`.
EXMY_DVINLINE du decode_lanes(const DecodeVectors *v, du c) {
    const du m = c & v->magnitudeMask;
    const du normal = (m << v->significandShift) + v->normalAdd;
    const du subnormal = (du)(__builtin_convertvector((di)m, df) * v->subnormalScale);
    const du isSubnormal = (du)((di)m < v->subnormalLimit);
    return ((subnormal & isSubnormal) | (normal & ~isSubnormal)) | ((c << v->signShift) & v->signMask);
}

/// `decode_lanes` with the exception lanes taken from `table` (one masked gather; `c` masked to K bits).
EXMY_DVINLINE du decode_lanes_exceptions(const DecodeVectors *v, const float *table, du c) {
    const du m = c & v->magnitudeMask;
    const di exception = ((di)m > v->exceptionBelow) | ((di)c == v->exceptionCode);
    const du value = decode_lanes(v, c);
#if EXMY_W == 8
    return (du)_mm256_mask_i32gather_epi32((__m256i)value, (const int *)table, (__m256i)c, (__m256i)exception, 4);
#else
    return (du)_mm512_mask_i32gather_epi32((__m512i)value, _mm512_movepi32_mask((__m512i)exception), (__m512i)c, (const int *)table, 4);
#endif
}

#if EXMY_W == 8
typedef __m256i dvector;
#define EXMY_STORE_VECTOR exmy_store32
#else
typedef __m512i dvector;
#define EXMY_STORE_VECTOR exmy_store64
#endif

/// Stores EXMY_W decoded lanes as Floats or Doubles at element `k` of `dst`, a whole vector at a time.
EXMY_DVINLINE void store_lanes(du value, void *dst, intptr_t k, int wide, int nt) {
    if (!wide) {
        EXMY_STORE_VECTOR((float *)dst + k, (dvector)value, nt);
        return;
    }
    const dd d = __builtin_convertvector((df)value, dd);
    dvector parts[2];
    __builtin_memcpy(parts, &d, sizeof parts);
    EXMY_STORE_VECTOR((double *)dst + k, parts[0], nt);
    EXMY_STORE_VECTOR((double *)dst + k + EXMY_W / 2, parts[1], nt);
}

/// The EXMY_W codes at `src` (bytes) as 32-bit lanes, unmasked: `decode_lanes` reads only the
/// magnitude bits and shifts the bits above the sign out.
EXMY_DVINLINE du load_codes(const uint8_t *src) {
    db part;
    __builtin_memcpy(&part, src, sizeof part);
    return __builtin_convertvector(part, du);
}

/// Whether some byte lane of `exception` is set.
EXMY_DVINLINE int any_set(dgs exception) {
#if EXMY_W == 8
    return _mm256_movemask_epi8((__m256i)exception) != 0;
#else
    return _mm512_movepi8_mask((__m512i)exception) != 0;
#endif
}

/// Decodes the EXMY_G codes at `src` into element `k` of `dst`. Whether any is an exception is
/// tested once, on the bytes (magnitudes and codes are below 256); only then are the lanes masked
/// to K bits, for the exception tests and the table's index.
EXMY_DVINLINE void decode_group(const DecodeVectors *v, const float *table, const uint8_t *src, void *dst, intptr_t k, int wide, int nt) {
    dg b;
    __builtin_memcpy(&b, src, sizeof b);
    b &= v->codeMask8;
    const dg m = b & v->magnitudeMask8;
    dgs exception = v->top8 ? (dgs)(m >= v->top8) : (dgs){0};
    if (v->exceptionCode8 >= 0) exception |= (dgs)(b == (uint8_t)v->exceptionCode8);
    if (!any_set(exception)) {
        for (int q = 0; q < 4; q++) store_lanes(decode_lanes(v, load_codes(src + q * EXMY_W)), dst, k + q * EXMY_W, wide, nt);
        return;
    }
    const du codeMask = (du){0} + (uint32_t)v->codeMask8;
    for (int q = 0; q < 4; q++) {
        const du c = load_codes(src + q * EXMY_W) & codeMask;
        store_lanes(decode_lanes_exceptions(v, table, c), dst, k + q * EXMY_W, wide, nt);
    }
}

/// The EXMY_G 4-bit codes packed two per byte at `src` (the first in the low nibble), one per byte.
EXMY_DVINLINE void unpack4(const uint8_t *src, uint8_t codes[EXMY_G]) {
#if EXMY_W == 8
    const __m128i b = _mm_loadu_si128((const __m128i *)src), low = _mm_set1_epi8(0x0F);
    const __m128i lo = _mm_and_si128(b, low), hi = _mm_and_si128(_mm_srli_epi16(b, 4), low);
    // One store of the whole group, so that decode_group's loads are forwarded from it.
    _mm256_storeu_si256((__m256i *)codes, _mm256_setr_m128i(_mm_unpacklo_epi8(lo, hi), _mm_unpackhi_epi8(lo, hi)));
#else
    const __m256i b = _mm256_loadu_si256((const __m256i *)src), low = _mm256_set1_epi8(0x0F);
    const __m256i lo = _mm256_and_si256(b, low), hi = _mm256_and_si256(_mm256_srli_epi16(b, 4), low);
    // Unpacking works within 128-bit halves: codes 0–15 and 32–47 in `l`, 16–31 and 48–63 in `h`.
    const __m256i l = _mm256_unpacklo_epi8(lo, hi), h = _mm256_unpackhi_epi8(lo, hi);
    const __m512i all = _mm512_inserti64x4(_mm512_castsi256_si512(_mm256_permute2x128_si256(l, h, 0x20)), _mm256_permute2x128_si256(l, h, 0x31), 1);
    _mm512_storeu_si512(codes, all);
#endif
}

/// The codes `first ..< first + count` (count ≤ EXMY_G) one per byte: bytes of `src` as they are
/// (`packed` 0), or nibbles of packed FP4 bytes (`packed` 1; element e in byte e / 2, low nibble
/// first).
EXMY_DVINLINE void gather_codes(const uint8_t *src, intptr_t first, intptr_t count, int packed, uint8_t codes[EXMY_G]) {
    for (intptr_t k = 0; k < count; k++) {
        const intptr_t e = first + k;
        codes[k] = packed ? (uint8_t)((src[e / 2] >> (4 * (e & 1))) & 0x0F) : src[e];
    }
}

/// Decodes `n` codes into Floats (`wide` 0) or Doubles (`wide` 1): one-byte codes (`packed` 0) or
/// FP4 codes packed two per byte (`packed` 1, element 0 in the low nibble of `src[0]`). Groups of
/// EXMY_G, with streaming stores where `streaming` is honoured (Target.h; the caller fences); the
/// tail through a buffer. With `streaming`, the codes before the output's first 64-byte boundary
/// go through the buffer too (an even count for packed codes), so that the groups store whole
/// vectors.
EXMY_DVINLINE void decode_codes(const ExMyDecodeParameters *p, const float *table, const uint8_t *src, void *dst, intptr_t n, int wide,
                                int packed, int streaming) {
    const DecodeVectors v = decode_vectors(p);
    const intptr_t size = wide ? 8 : 4;
    uint8_t codes[EXMY_G] = {0};
    double values[EXMY_G];
    intptr_t i = 0;
    const intptr_t offset = (intptr_t)((uintptr_t)dst & 63);
    if (streaming && offset != 0 && offset % size == 0 && n >= 2 * EXMY_G && (!packed || ((64 - offset) / size) % 2 == 0)) {
        i = (64 - offset) / size;
        gather_codes(src, 0, i, packed, codes);
        decode_group(&v, table, codes, values, 0, wide, 0);
        __builtin_memcpy(dst, values, (size_t)(i * size));
    }
    const int nt = exmy_streaming(streaming, (char *)dst + i * size);
    for (intptr_t j = 0; i + EXMY_G <= n; i += EXMY_G, j += EXMY_G) {
        if ((j & 1023) == 0) exmy_prefetch_ahead(src + (packed ? i / 2 : i), 1024);
        if (packed) {
            unpack4(src + i / 2, codes);
            decode_group(&v, table, codes, dst, i, wide, nt);
        } else {
            decode_group(&v, table, src + i, dst, i, wide, nt);
        }
    }
    if (i < n) {
        for (int k = 0; k < EXMY_G; k++) codes[k] = 0;
        gather_codes(src, i, n - i, packed, codes);
        decode_group(&v, table, codes, values, 0, wide, 0);
        __builtin_memcpy((char *)dst + i * size, values, (size_t)((n - i) * size));
    }
}

/// The four exported forms: Float or Double values, from bytes or packed FP4 codes.
EXMY_LANE_ATTR __attribute__((noinline)) void EXMY_CAT(exmy_decode_, EXMY_ISA_SUFFIX)(
    const ExMyDecodeParameters *p, const float *table, const uint8_t *src, void *dst, intptr_t n, int wide, int packed, int streaming) {
    if (wide) {
        if (packed) decode_codes(p, table, src, dst, n, 1, 1, streaming); else decode_codes(p, table, src, dst, n, 1, 0, streaming);
    } else {
        if (packed) decode_codes(p, table, src, dst, n, 0, 1, streaming); else decode_codes(p, table, src, dst, n, 0, 0, streaming);
    }
}
#endif
