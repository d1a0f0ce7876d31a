// The run-time check that selects the AVX2 loops.
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
