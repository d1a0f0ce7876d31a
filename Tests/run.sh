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
    FUZZ_SECONDS="${FUZZ_SECONDS:-20}" Fuzz/run.sh
fi
echo "== all tests passed"
echo "tests: ${passed:-0} passed, 0 failed"
