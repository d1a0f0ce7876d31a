#ifndef EXMY_CMPFR_SHIM_H
#define EXMY_CMPFR_SHIM_H
#include <stdint.h>
#define MPFR_USE_INTMAX_T 1
#include <mpfr.h>

/* mpfr_sgn is documented as a macro only: Swift cannot import it. */
static inline int mpfr_sgn_shim(mpfr_srcptr x) { return mpfr_sgn(x); }

#endif
