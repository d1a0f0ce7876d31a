// CExMyBenchmarkKernels: the benchmark's memory-bandwidth limit kernel in C (`exmy bench`,
// ExMyBenchmarks), compiled per instruction set as the batch loops are (portable everywhere, AVX2
// and AVX-512 on x86-64: Sources/CExMyKernels/Target.h), with their prefetching.
#ifndef CEXMYBENCHMARKKERNELS_H
#define CEXMYBENCHMARKKERNELS_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// The benchmark's SIMD stream kernel: for each of `blocks` blocks, reads `srcBlockBytes` bytes
/// from `src` and writes `dstBlockBytes` bytes to `dst` (both multiples of 32), with the encode
/// kernels' prefetching and no arithmetic beyond XOR (`ExMyBenchmark`'s limit kernel); `isa` as
/// for the `exmy_simd_*` loops;
/// with `streaming`, the stores are non-temporal, as the conversion's are for the same job.
void exmy_simd_stream_blocks(int isa, const uint8_t *src, intptr_t srcBlockBytes, uint8_t *dst, intptr_t dstBlockBytes, intptr_t blocks,
                             int streaming);

#ifdef __cplusplus
}
#endif

#endif
