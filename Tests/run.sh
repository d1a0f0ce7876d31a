#!/usr/bin/env bash
# The whole test suite. Installs MPFR's headers where they are missing (Debian/Ubuntu apt, or brew),
# then runs `swift test` with the MPFR cross-check, then the arm64 check of the C kernels
# (Tests/arm64/check.sh, qemu-aarch64), then each fuzz target for a short smoke period.
#
#   bash Tests/run.sh            # everything (what .ci/run runs)
#   EXMY_LONG=1 bash Tests/run.sh  # also the opt-in long sweeps (all 2^32 Float inputs per 8-bit format)
set -euo pipefail
cd "$(dirname "$0")/.."

if ! pkg-config --exists mpfr 2>/dev/null && ! [ -f /usr/include/mpfr.h ]; then
    echo "== installing MPFR headers (libmpfr-dev)"
    if command -v apt-get >/dev/null; then
        SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
        $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq libmpfr-dev libgmp-dev pkg-config >/dev/null
    elif command -v brew >/dev/null; then
        brew install mpfr gmp pkg-config
    else
        echo "error: MPFR headers are missing and neither apt-get nor brew is available; install libmpfr-dev (MPFR ≥ 4.1)" >&2
        exit 1
    fi
fi

# Icarus Verilog: the exported SystemVerilog is simulated against `exmy vectors` (ExMyHardwareTests).
# A missing simulator is installed here, or the run fails: CI never skips the simulation silently.
if ! command -v iverilog >/dev/null || ! command -v vvp >/dev/null; then
    echo "== installing Icarus Verilog (iverilog)"
    if command -v apt-get >/dev/null; then
        SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
        DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq iverilog >/dev/null 2>&1 \
            || { $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq iverilog >/dev/null; }
    elif command -v brew >/dev/null; then
        brew install icarus-verilog
    else
        echo "error: Icarus Verilog is missing and neither apt-get nor brew is available; install iverilog" >&2
        exit 1
    fi
    command -v iverilog >/dev/null || { echo "error: installing iverilog failed" >&2; exit 1; }
fi
export EXMY_REQUIRE_IVERILOG=1

# Release build: the exhaustive MPFR cross-check runs ~100x faster than in debug. -enable-testing
# keeps @testable imports working in release.
echo "== swift test (release, with the MPFR trait for exmy check)"
log="$(mktemp)"
swift test -c release --traits MPFR -Xswiftc -enable-testing 2>&1 | tee "$log"
# Swift Testing's count (XCTest's "Executed 0 tests" line only means no XCTest cases exist).
passed="$(grep -oE "Test run with [0-9]+ tests" "$log" | tail -1 | grep -oE "[0-9]+" || true)"
rm -f "$log"

# The C kernels' portable instance cross-compiled for aarch64 and run under qemu-aarch64, against
# the x86-64 instances on the same inputs (installs gcc-aarch64-linux-gnu and qemu-user if missing).
bash Tests/arm64/check.sh

if [ -x Fuzz/run.sh ]; then
    echo "== fuzz smoke"
    # fuzz-cli in debug here (its findings are replayed as unit tests by FuzzCLIFindingsTests): the
    # release ASan build takes about 4 minutes of CI's time; `Fuzz/run.sh fuzz-cli` alone fuzzes in release.
    FUZZ_SECONDS="${FUZZ_SECONDS:-20}" FUZZ_CLI_CONFIG="${FUZZ_CLI_CONFIG:-debug}" Fuzz/run.sh
fi
echo "== all tests passed"
echo "tests: ${passed:-0} passed, 0 failed"
