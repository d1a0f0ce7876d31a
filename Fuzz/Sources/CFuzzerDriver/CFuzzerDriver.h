#ifndef EXMY_CFUZZERDRIVER_H
#define EXMY_CFUZZERDRIVER_H
#include <stddef.h>
#include <stdint.h>

/// libFuzzer's driver entry (provided by -sanitize=fuzzer's runtime).
int LLVMFuzzerRunDriver(int *argc, char ***argv,
                        int (*UserCb)(const uint8_t *Data, size_t Size));

#endif
