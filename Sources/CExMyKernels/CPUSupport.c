// The run-time checks that select the AVX2 or AVX-512 copies of the C loops.
#include "CExMyKernels.h"

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
    return exmy_avx2_supported() && __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
                   __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512dq")
               ? 1
               : 0;
#else
    return 0;
#endif
}
