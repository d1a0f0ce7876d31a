// The width-generic body of the arithmetic decoder (DecodeKernels.c, DecodeKernels512.c), included
// once per instruction set with EXMY_W (lanes per vector: 8 or 16), EXMY_LANE_ATTR (the lane
// functions' target attribute) and EXMY_ISA_SUFFIX (avx2 or avx512); it defines
// `exmy_decode_floats_<suffix>` and `exmy_decode_doubles_<suffix>`.
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

/// Stores EXMY_W decoded lanes as Floats or Doubles at element `k` of `dst`.
EXMY_DVINLINE void store_lanes(du value, void *dst, intptr_t k, int wide, int nt) {
#if EXMY_W == 8
    if (!wide) {
        exmy_store32((float *)dst + k, (__m256i)value, nt);
        return;
    }
    const dd d = __builtin_convertvector((df)value, dd);
    __m256i parts[2];
    __builtin_memcpy(parts, &d, sizeof parts);
    exmy_store32((double *)dst + k, parts[0], nt);
    exmy_store32((double *)dst + k + 4, parts[1], nt);
#else
    if (!wide) {
        exmy_store64((float *)dst + k, (__m512i)value, nt);
        return;
    }
    const dd d = __builtin_convertvector((df)value, dd);
    __m512i parts[2];
    __builtin_memcpy(parts, &d, sizeof parts);
    exmy_store64((double *)dst + k, parts[0], nt);
    exmy_store64((double *)dst + k + 8, parts[1], nt);
#endif
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

/// Decodes the `count < EXMY_G` codes at `src` into `dst` through a buffer, with ordinary stores.
EXMY_DVINLINE void decode_part(const DecodeVectors *v, const float *table, const uint8_t *src, void *dst, intptr_t count, int wide) {
    uint8_t codes[EXMY_G] = {0};
    __builtin_memcpy(codes, src, (size_t)count);
    double values[EXMY_G];
    decode_group(v, table, codes, values, 0, wide, 0);
    __builtin_memcpy(dst, values, (size_t)count * (wide ? 8 : 4));
}

/// Decodes `n` codes into Floats (`wide` 0) or Doubles (`wide` 1): groups of EXMY_G, with
/// streaming stores where `streaming` is honoured (Target.h; the caller fences), the tail through
/// a buffer. With
/// `streaming`, the codes before the output's first 64-byte boundary go through the buffer too,
/// so that the groups store whole vectors.
EXMY_DVINLINE void decode_codes(const ExMyDecodeParameters *p, const float *table, const uint8_t *src, void *dst, intptr_t n, int wide,
                                int streaming) {
    const DecodeVectors v = decode_vectors(p);
    const intptr_t size = wide ? 8 : 4;
    intptr_t i = 0;
    const intptr_t offset = (intptr_t)((uintptr_t)dst & 63);
    if (streaming && offset != 0 && offset % size == 0 && n >= 2 * EXMY_G) {
        i = (64 - offset) / size;
        decode_part(&v, table, src, dst, i, wide);
    }
    const int nt = exmy_streaming(streaming, (char *)dst + i * size);
    for (intptr_t j = 0; i + EXMY_G <= n; i += EXMY_G, j += EXMY_G) {
        if ((j & 1023) == 0) exmy_prefetch_ahead(src + i, 1024);
        decode_group(&v, table, src + i, dst, i, wide, nt);
    }
    if (i < n) decode_part(&v, table, src + i, (char *)dst + i * size, n - i, wide);
}

EXMY_LANE_ATTR __attribute__((noinline)) void EXMY_CAT(exmy_decode_floats_, EXMY_ISA_SUFFIX)(
    const ExMyDecodeParameters *p, const float *table, const uint8_t *src, float *dst, intptr_t n, int streaming) {
    decode_codes(p, table, src, dst, n, 0, streaming);
}

EXMY_LANE_ATTR __attribute__((noinline)) void EXMY_CAT(exmy_decode_doubles_, EXMY_ISA_SUFFIX)(
    const ExMyDecodeParameters *p, const float *table, const uint8_t *src, double *dst, intptr_t n, int streaming) {
    decode_codes(p, table, src, dst, n, 1, streaming);
}
#endif
