#ifndef EXMY_CMPFR_SHIM_H
#define EXMY_CMPFR_SHIM_H
#include <stdint.h>
#define MPFR_USE_INTMAX_T 1
#include <mpfr.h>
#endif
