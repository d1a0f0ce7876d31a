// The batched kernel of the matrix-unit models' fused-group pipeline (`MatrixUnit.Pipeline.fusedGroup`,
// the NVIDIA tensor cores): D = A·B + C for a block of rows of A against every column of B,
// vectorised over EXMY_FG_W columns of B (no gathers: one element of A is broadcast against a row
// of EXMY_FG_W elements of B), compiled per instruction set like the other loops (Target.h).
//
// The parameters and the packed operands come from Swift (`FusedGroupPlan` in
// Sources/ExMyHardware/MatrixUnit+Batch.swift), which takes this path only for models within the
// bounds stated there and below; everything else (NaN and ±∞ operands or C, scales that are not
// plain powers of two, a group result that reaches the grid's top binade) is flagged or pre-scanned
// there and computed by the scalar model (`MatrixUnitKernel.dot`), which is the reference.
//
// One group along K (L products and the accumulator), per lane, as the scalar model computes it:
//   1. C's significand and exponent from its code (zero: the exponent e_zero);
//   2. the group's largest exponent: max(e_C, e_zero, max over nonzero products of e_a + e_b + e_s)
//      (a zero operand carries the exponent EXMY_FG_ZERO_EXPONENT, so its products never win, and the
//      explicit e_zero stands for them: C is always in the group and its exponent is at least the
//      accumulator's least normal exponent ≥ e_zero, so the two maxima agree);
//   3. each product's magnitude `|s_a·s_b|·2^pre` (pre = F − M_a − M_b, folded into B's significands
//      by Swift) shifted right by (max − e), i.e. truncated toward zero to F fraction bits below the
//      largest exponent, the sign put back (truncation of the magnitude, as the scalar model and
//      MMA-Sim do), summed in 32-bit lanes over at most `chunk` terms (chunk · term bound < 2^31,
//      Swift checks) and then in 64-bit lanes;
//   4. C aligned the same way (64-bit lanes);
//   5. the sum T (|T| < 2^52, Swift checks) rounded onto the output grid (RZ or RNE, M_g fraction
//      bits, least normal exponent e_min) and written as the accumulator's code, the next group's C.
#include "CExMyKernels.h"
#include "Target.h"

#define EXMY_FG_W 8
typedef int32_t fg_vi __attribute__((vector_size(4 * EXMY_FG_W)));
typedef uint32_t fg_vu __attribute__((vector_size(4 * EXMY_FG_W)));
typedef int64_t fg_vl __attribute__((vector_size(8 * EXMY_FG_W)));
typedef uint64_t fg_vul __attribute__((vector_size(8 * EXMY_FG_W)));
typedef double fg_vd __attribute__((vector_size(8 * EXMY_FG_W)));

_Static_assert(EXMY_FG_W == EXMY_FUSED_GROUP_LANES, "the lane count Swift packs B with");

EXMY_INLINE fg_vi fg_load(const int32_t *p) {
    fg_vi v;
    memcpy(&v, p, sizeof v);
    return v;
}

/// One tile: `rows` rows of A against the EXMY_FG_W columns of one packed block of B, `w` of them
/// real. See `exmy_fused_group_rows` for the layouts.
EXMY_INLINE void fused_group_tile(const ExMyFusedGroupParameters *restrict p, intptr_t rows, intptr_t k, const int32_t *restrict aSig,
                                  const int32_t *restrict aExp, const int32_t *restrict bBlock, const int32_t *restrict aScale,
                                  intptr_t blocks, const int32_t *restrict bScale, const uint32_t *restrict c, uint32_t *restrict d,
                                  uint8_t *restrict flags, intptr_t ldc, intptr_t w) {
    const int32_t L = p->groupSize, F = p->fractionBits, chunk = p->chunk;
    const int32_t macc = p->accSignificandBits, mg = p->gridSignificandBits, emin = p->accMinExponent;
    const uint32_t fracMask = (1u << macc) - 1, expMask = (1u << (p->accBits - 1 - macc)) - 1;
    const uint32_t signShift = (uint32_t)p->accBits - 1, magMask = (1u << signShift) - 1;
    const int64_t cLeft = F > macc ? F - macc : 0, cRight = macc > F ? macc - F : 0;
    for (intptr_t r = 0; r < rows; r++) {
        const int32_t *as = aSig + r * k, *ae = aExp + r * k;
        fg_vu code = {0};
        for (intptr_t j = 0; j < w; j++) code[j] = c[r * ldc + j];
        fg_vi overflow = {0};
        for (intptr_t g0 = 0; g0 < k; g0 += L) {
            const intptr_t g1 = g0 + L < k ? g0 + L : k;
            // 1. C.
            const fg_vi field = (fg_vi)((code >> (uint32_t)macc) & expMask);
            const fg_vi cZero = (fg_vi)((code & magMask) == 0);
            const fg_vi cNeg = -(fg_vi)(code >> signShift);
            fg_vi cExp = __builtin_elementwise_max(field, (fg_vi){0} + 1) + (emin - 1);
            cExp = (cZero & p->zeroExponent) | (~cZero & cExp);
            const fg_vi cSig = (fg_vi)(code & fracMask) | ((fg_vi)(field != 0) & (int32_t)(1u << macc));
            // 2. The largest exponent (the scales' exponents add to every nonzero product's).
            fg_vi scale = {0};
            if (bScale) {
                const intptr_t jb = g0 / p->blockSize;
                scale = fg_load(bScale + jb * EXMY_FG_W) + aScale[r * blocks + jb];
            }
            fg_vi top = (fg_vi){0} + EXMY_FG_ZERO_EXPONENT;
            for (intptr_t i = g0; i < g1; i++) top = __builtin_elementwise_max(top, fg_load(bBlock + i * 2 * EXMY_FG_W + EXMY_FG_W) + ae[i]);
            fg_vi maxE = __builtin_elementwise_max(top + scale, cExp);
            maxE = __builtin_elementwise_max(maxE, (fg_vi){0} + p->zeroExponent);
            // 4. C aligned (64-bit lanes).
            const fg_vl cShift = __builtin_elementwise_min(__builtin_convertvector(maxE - cExp, fg_vl) + cRight, (fg_vl){0} + 63);
            fg_vl cAligned = (fg_vl)(((fg_vul)__builtin_convertvector(cSig, fg_vl) << (uint64_t)cLeft) >> (fg_vul)cShift);
            const fg_vl cNeg64 = __builtin_convertvector(cNeg, fg_vl);
            fg_vl total = (cAligned ^ cNeg64) - cNeg64;
            // 3. The products: d = (max − e_s) − e_a − e_b ≥ 0, clamped at 31 (every term is below 2^31).
            const fg_vi base = maxE - scale;
            for (intptr_t c0 = g0; c0 < g1; c0 += chunk) {
                const intptr_t c1 = c0 + chunk < g1 ? c0 + chunk : g1;
                fg_vi sum = {0};
                for (intptr_t i = c0; i < c1; i++) {
                    const fg_vi bs = fg_load(bBlock + i * 2 * EXMY_FG_W), be = fg_load(bBlock + i * 2 * EXMY_FG_W + EXMY_FG_W);
                    const fg_vi product = bs * as[i];
                    const fg_vi negative = product >> 31;
                    const fg_vu magnitude = (fg_vu)__builtin_elementwise_abs(product);
                    const fg_vu shift = (fg_vu)__builtin_elementwise_min((base - ae[i]) - be, (fg_vi){0} + 31);
                    sum += ((fg_vi)(magnitude >> shift) ^ negative) - negative;
                }
                total += __builtin_convertvector(sum, fg_vl);
            }
            // 5. Rounding onto the grid: T·2^u with u = max − F.
            const fg_vl u = __builtin_convertvector(maxE, fg_vl) - F;
            const fg_vl negative = total >> 63;
            const fg_vl magnitude = (total ^ negative) - negative;
            // floor(log2 |T|) from the exponent of |T| as a double (exact: |T| < 2^52).
            const fg_vd asDouble = (fg_vd)(magnitude | 0x4330000000000000LL) - 0x1p52;
            const fg_vl top64 = (((fg_vl)asDouble) >> 52) - 1023;
            const fg_vl e = u + top64;
            const fg_vl ec = __builtin_elementwise_max(e, (fg_vl){0} + emin);
            const fg_vl drop = ec - mg - u;
            const fg_vul right = (fg_vul)__builtin_elementwise_min(__builtin_elementwise_max(drop, (fg_vl){0}), (fg_vl){0} + 63);
            const fg_vul left = (fg_vul)__builtin_elementwise_max(-drop, (fg_vl){0});
            fg_vul m = (fg_vul)magnitude;
            if (p->nearestEven) {
                const fg_vul half = ((fg_vul){0} + 1) << right >> 1;
                const fg_vul odd = (m >> right) & 1;
                m += (half - 1 + odd) & (fg_vul)(right > 0);
            }
            const fg_vul rounded = (m >> right) << left;
            overflow |= __builtin_convertvector((fg_vl)(e >= p->gridMaxExponent) & (fg_vl)(magnitude != 0), fg_vi);
            const fg_vul out = (rounded << (uint64_t)(macc - mg)) + ((fg_vul)(ec - emin) << (uint64_t)macc);
            const fg_vul nonzero = (fg_vul)(rounded != 0);
            const fg_vul signed64 = (out | (((fg_vul)negative & 1) << signShift)) & nonzero;
            code = __builtin_convertvector(signed64, fg_vu);
        }
        for (intptr_t j = 0; j < w; j++) {
            d[r * ldc + j] = code[j];
            flags[r * ldc + j] |= overflow[j] ? 1 : 0;
        }
    }
}

EXMY_INLINE int fused_group_rows(const ExMyFusedGroupParameters *restrict p, intptr_t rows, intptr_t n, intptr_t k, const int32_t *restrict aSig,
                                 const int32_t *restrict aExp, const int32_t *restrict bPacked, const int32_t *restrict aScale, intptr_t blocks,
                                 const int32_t *restrict bScale, const uint32_t *restrict c, uint32_t *restrict d, uint8_t *restrict flags) {
    const intptr_t columnBlocks = (n + EXMY_FG_W - 1) / EXMY_FG_W;
    for (intptr_t jb = 0; jb < columnBlocks; jb++) {
        const intptr_t j0 = jb * EXMY_FG_W, w = n - j0 < EXMY_FG_W ? n - j0 : EXMY_FG_W;
        fused_group_tile(p, rows, k, aSig, aExp, bPacked + jb * k * 2 * EXMY_FG_W, aScale, blocks,
                         bScale ? bScale + jb * blocks * EXMY_FG_W : 0, c + j0, d + j0, flags + j0, n, w);
    }
    return 0;
}

EXMY_ALL_ISAS(int, exmy_fused_group_rows, fused_group_rows,
              (const ExMyFusedGroupParameters *restrict p, intptr_t rows, intptr_t n, intptr_t k, const int32_t *restrict aSig,
               const int32_t *restrict aExp, const int32_t *restrict bPacked, const int32_t *restrict aScale, intptr_t blocks,
               const int32_t *restrict bScale, const uint32_t *restrict c, uint32_t *restrict d, uint8_t *restrict flags),
              (p, rows, n, k, aSig, aExp, bPacked, aScale, blocks, bScale, c, d, flags))
