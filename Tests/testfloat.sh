#!/usr/bin/env bash
# The whole TestFloat round trip (the test suite runs a subsample of it:
# Tests/ExMyCLITests/TestFloatVectorsTests.swift). Counts are in docs/verification.md.
#
#  1. every line of `testfloat_gen -tininessbefore MODE FUNCTION` goes through
#     `exmy vectors check FUNCTION MODE -tininessbefore --skip-unmodelled` (0 errors required);
#  2. every line of `exmy vectors generate FUNCTION MODE` goes through
#     `testfloat_ver -tininessbefore MODE FUNCTION` (0 errors required; not for the bf16 functions,
#     for which testfloat_ver at this commit reads no case).
#
# With SOFTFLOAT=1, SoftFloat's own choices on both sides, nothing skipped: TestFloat at its default
# (tininess after rounding, signaling NaNs), `exmy vectors check|generate --softfloat`.
#
#   bash Tests/testfloat.sh                 # level 1, every function and mode
#   SOFTFLOAT=1 bash Tests/testfloat.sh     # the same under SoftFloat's settings (tininess after)
#   LEVEL=2 bash Tests/testfloat.sh         # TestFloat's and ExMy's level 2 (much longer)
#   FUNCTIONS="f32_add f16_to_f32" bash Tests/testfloat.sh
#   TESTFLOAT=/path/to/testfloat bash Tests/testfloat.sh
set -euo pipefail
cd "$(dirname "$0")/.."
TF="${TESTFLOAT:-../shared/tools/testfloat}"
if [ ! -x "$TF/testfloat_gen" ] || [ ! -x "$TF/testfloat_ver" ]; then
    echo "error: no testfloat_gen/testfloat_ver in $TF (set TESTFLOAT=folder)" >&2
    exit 1
fi
LEVEL="${LEVEL:-1}"
swift build -c release --product exmy >/dev/null
EXMY=.build/release/exmy

if [ -z "${FUNCTIONS:-}" ]; then
    FUNCTIONS=""
    for f in f16 f32 f64; do
        for op in add sub mul div sqrt mulAdd rem roundToInt eq le lt; do FUNCTIONS+=" ${f}_${op}"; done
    done
    FUNCTIONS+=" f16_to_f32 f16_to_f64 f32_to_f16 f32_to_f64 f64_to_f16 f64_to_f32 f32_to_bf16 bf16_to_f32"
fi
MODES="-rnear_even -rminMag -rmin -rmax -rnear_maxMag -rodd"
if [ "${SOFTFLOAT:-0}" = 1 ]; then
    TFOPT="-tininessafter"; EXOPT="--softfloat"; SKIP=""
else
    TFOPT="-tininessbefore"; EXOPT="-tininessbefore"; SKIP="--skip-unmodelled"
fi

checked=0; skipped=0; verified=0; failures=0; runs=0
for f in $FUNCTIONS; do
    exacts="-notexact"
    case "$f" in *roundToInt) exacts="-notexact -exact" ;; esac
    for m in $MODES; do
        for x in $exacts; do
            runs=$((runs + 1))
            if out="$("$TF/testfloat_gen" -level "$LEVEL" "$TFOPT" "$m" "$x" "$f" | "$EXMY" vectors check "$f" "$m" "$x" "$EXOPT" $SKIP)"; then
                n="$(echo "$out" | tail -1 | sed -nE 's/^In ([0-9]+) tests.*/\1/p')"
                s="$(echo "$out" | tail -1 | sed -nE 's/.*\(([0-9]+) skipped.*/\1/p')"
                checked=$((checked + ${n:-0})); skipped=$((skipped + ${s:-0}))
            else
                failures=$((failures + 1)); echo "FAIL check $f $m $x:"; echo "$out" | tail -5
            fi
            case "$f" in *bf16*) continue ;; esac
            vout="$("$EXMY" vectors generate "$f" "$m" "$x" "$EXOPT" -level "$LEVEL" | "$TF/testfloat_ver" "$TFOPT" "$m" "$x" "$f" 2>&1 || true)"
            n="$(echo "$vout" | sed -nE 's/^In ([0-9]+) tests, no errors found.*/\1/p' | tail -1)"
            if [ -n "$n" ]; then verified=$((verified + n)); else
                failures=$((failures + 1)); echo "FAIL testfloat_ver $f $m $x:"; echo "$vout" | tail -5
            fi
        done
    done
    echo "$f: done (checked $checked, skipped $skipped, verified $verified so far)"
done
echo "level $LEVEL ($TFOPT, exmy $EXOPT): $runs runs; testfloat_gen → exmy vectors check: $checked lines, 0 errors required, $skipped skipped (sNaN operands, mulAdd(0,∞,NaN)); exmy vectors generate → testfloat_ver: $verified lines; failures: $failures"
[ "$failures" -eq 0 ]
