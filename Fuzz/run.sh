#!/usr/bin/env bash
# Builds the libFuzzer targets and runs each for ${FUZZ_SECONDS:-60} s on a copy of its committed
# seed corpus. Exits non-zero if any target crashes (or fails to build). Installs nothing: MPFR
# (libmpfr-dev) must already be present (fuzz-cli alone does not need it). Usage: Fuzz/run.sh [target ...]
#
# fuzz-cli is built in release (-O, with ASan and libFuzzer's coverage): in a debug build
# swift-argument-parser re-validates every command definition on each parse and one execution
# takes about 0.3 s (2-3 executions/s), against about 30-100/s in release. FUZZ_CLI_CONFIG=debug
# builds it in debug instead (no second build of the package; the smoke then only replays the seeds).
set -u
cd "$(dirname "$0")"
SECONDS_PER_TARGET=${FUZZ_SECONDS:-60}
TARGETS=("$@")
[ ${#TARGETS[@]} -eq 0 ] && TARGETS=(fuzz-crosscheck fuzz-roundtrip fuzz-parse fuzz-cli)
export SWIFT_BACKTRACE=enable=no
FLAGS=(--scratch-path .build-fuzz
       -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library -Xswiftc -DFUZZING -Xswiftc -use-ld=lld)

status=0
summary=()
for t in "${TARGETS[@]}"; do
    config=debug
    [ "$t" = fuzz-cli ] && config=${FUZZ_CLI_CONFIG:-release}
    traits=()
    [ "$t" = fuzz-crosscheck ] && traits=(--traits MPFR)
    echo "== building $t ($config)"
    if ! swift build -c "$config" "${FLAGS[@]}" ${traits[@]+"${traits[@]}"} --product "$t"; then
        summary+=("$t: BUILD FAILED"); status=1; continue
    fi
    bin=$(swift build -c "$config" "${FLAGS[@]}" ${traits[@]+"${traits[@]}"} --show-bin-path)/$t
    rm -rf "corpus-work/$t"; mkdir -p "corpus-work/$t" "artifacts/$t"
    cp corpus/"$t"/* "corpus-work/$t/"
    log="artifacts/$t/last-run.log"
    # fuzz-cli runs whole commands: a memory limit (a shape that makes the CLI allocate gigabytes is a
    # finding), a per-input timeout (a hang is a finding), short inputs and a dictionary of .npy,
    # .safetensors and text pieces. A command that exceeds the limits is reported as a crash.
    extra=()
    [ "$t" = fuzz-cli ] && extra=(-rss_limit_mb=2048 -malloc_limit_mb=2048 -timeout=30 -max_len=4096 -dict=fuzz-cli.dict)
    echo "== fuzzing $t for ${SECONDS_PER_TARGET}s (log: Fuzz/$log)"
    "$bin" -max_total_time="$SECONDS_PER_TARGET" -print_final_stats=1 ${extra[@]+"${extra[@]}"} \
        -artifact_prefix="artifacts/$t/" "corpus-work/$t" >"$log" 2>&1
    rc=$?
    execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -1)
    [ -z "$execs" ] && execs=$(grep -o 'Done [0-9]* runs' "$log" | grep -o '[0-9]*' | tail -1)
    if [ $rc -ne 0 ]; then
        status=1
        summary+=("$t: CRASH (exit $rc) after ${execs:-?} execs; see Fuzz/$log and Fuzz/artifacts/$t/")
        grep -E 'Fatal error|ERROR: |SUMMARY|Test unit written' "$log" | head -5
    else
        summary+=("$t: ok, ${execs:-?} execs in ${SECONDS_PER_TARGET}s")
    fi
done
echo "== summary"
printf '%s\n' "${summary[@]}"
exit $status
