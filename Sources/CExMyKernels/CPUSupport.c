// The run-time checks that select the AVX2 or AVX-512 copies of the C loops, and the calling
// thread's floating-point control, which the batch engine sets to the default around its work.
#include "CExMyKernels.h"

#if defined(__x86_64__)
#include <xmmintrin.h>
#endif

int exmy_avx2_supported(void) {
#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
    // Checks the CPUID bit and that the OS saves the YMM registers (XCR0).
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") ? 1 : 0;
#else
    return 0;
#endif
}

int exmy_avx512_supported(void) {
#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
    // __builtin_cpu_supports reports AVX-512 features only where XCR0 shows the OS saves the
    // opmask and ZMM state.
    __builtin_cpu_init();
    // Every feature the AVX-512 copies are compiled with (Target.h's EXMY_AVX512), BMI2 and FMA too.
    return exmy_avx2_supported() && __builtin_cpu_supports("bmi2") && __builtin_cpu_supports("fma") &&
                   __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
                   __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512dq")
               ? 1
               : 0;
#else
    return 0;
#endif
}

// MXCSR: bits 0–5 the exception flags, 6 DAZ, 7–12 the exception masks, 13–14 the rounding mode,
// 15 FTZ. The default is 0x1F80: every exception masked, round to nearest even, no DAZ or FTZ.
#define EXMY_MXCSR_DEFAULT 0x1F80u
#define EXMY_MXCSR_FLAGS 0x3Fu

uint32_t exmy_fp_control(void) {
#if defined(__x86_64__)
    return _mm_getcsr();
#else
    return 0;
#endif
}

void exmy_fp_set_control(uint32_t control) {
#if defined(__x86_64__)
    _mm_setcsr(control);
#else
    (void)control;
#endif
}

uint32_t exmy_fp_enter_default(void) {
#if defined(__x86_64__)
    const uint32_t saved = _mm_getcsr();
    if ((saved & ~EXMY_MXCSR_FLAGS) != EXMY_MXCSR_DEFAULT) _mm_setcsr(EXMY_MXCSR_DEFAULT | (saved & EXMY_MXCSR_FLAGS));
    return saved;
#else
    return 0;
#endif
}

void exmy_fp_restore(uint32_t saved) {
#if defined(__x86_64__)
    // The caller's control and flags: the flags raised inside (inexact, underflow) do not leak out.
    _mm_setcsr(saved);
#else
    (void)saved;
#endif
}

void exmy_streaming_fence(void) {
#if defined(__x86_64__)
    _mm_sfence();
#endif
}
