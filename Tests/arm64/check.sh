#!/usr/bin/env bash
# The cross-architecture check of the batch engine's C loops (Sources/CExMyKernels): builds the
# driver (driver.c, plans from plans.h) for x86-64 and, with clang and Debian's aarch64 cross
# toolchain, for aarch64; runs it on x86-64 with every instance this CPU has (portable, AVX2,
# AVX-512) and under qemu-aarch64 (the portable instance as arm64 compiles it: NEON); and requires
# every run to write the same bytes. Installs the cross toolchain and qemu-user the way Tests/run.sh
# installs MPFR (apt-get), failing loudly where it cannot.
#
#   bash Tests/arm64/check.sh
set -euo pipefail
cd "$(dirname "$0")/../.."

if [ "$(uname -s)-$(uname -m)" != "Linux-x86_64" ]; then
    if [ "${CI:-}" = "true" ]; then echo "error: Tests/arm64/check.sh runs on x86-64 Linux" >&2; exit 1; fi
    echo "== arm64 check: skipped (it runs on x86-64 Linux, with qemu-user)"
    exit 0
fi

if ! command -v qemu-aarch64 >/dev/null || ! command -v aarch64-linux-gnu-ld >/dev/null || ! [ -f /usr/aarch64-linux-gnu/include/stdio.h ]; then
    echo "== installing the aarch64 cross toolchain and qemu-user (gcc-aarch64-linux-gnu, qemu-user)"
    if command -v apt-get >/dev/null; then
        SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
        $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq gcc-aarch64-linux-gnu qemu-user >/dev/null
    else
        echo "error: the arm64 check needs gcc-aarch64-linux-gnu and qemu-user (Debian/Ubuntu apt-get)" >&2
        exit 1
    fi
fi
CC="${CC:-clang}"
command -v "$CC" >/dev/null || { echo "error: $CC not found (the Swift toolchain's clang)" >&2; exit 1; }

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
flags=(-O2 -Wall -Wextra -Werror -ISources/CExMyKernels/include -ITests/arm64)
sources=(Tests/arm64/driver.c Sources/CExMyKernels/*.c)
echo "== arm64 check: building the driver for x86-64 and aarch64"
"$CC" "${flags[@]}" "${sources[@]}" -o "$tmp/driver-x86_64" & native=$!
"$CC" --target=aarch64-linux-gnu -static "${flags[@]}" "${sources[@]}" -o "$tmp/driver-aarch64" & cross=$!
wait "$native" && wait "$cross"

status=0
run() {  # NAME COMMAND…
    local name="$1"; shift
    if ! "$@" "$tmp/$name.bin" > "$tmp/$name.txt"; then echo "error: the driver failed ($name)" >&2; status=1; fi
}
run aarch64-portable qemu-aarch64 "$tmp/driver-aarch64" 0
run x86_64-portable "$tmp/driver-x86_64" 0
instances=(x86_64-portable)
if grep -qw avx2 /proc/cpuinfo; then run x86_64-avx2 "$tmp/driver-x86_64" 1; instances+=(x86_64-avx2); fi
if grep -qw avx512f /proc/cpuinfo && grep -qw avx512bw /proc/cpuinfo && grep -qw avx512vl /proc/cpuinfo && grep -qw avx512dq /proc/cpuinfo; then
    run x86_64-avx512 "$tmp/driver-x86_64" 2; instances+=(x86_64-avx512)
fi
for name in "${instances[@]}"; do
    if ! cmp -s "$tmp/aarch64-portable.bin" "$tmp/$name.bin"; then
        echo "error: aarch64 (qemu) and $name wrote different bytes; the cases that differ:" >&2
        diff "$tmp/aarch64-portable.txt" "$tmp/$name.txt" | head -20 >&2 || true
        status=1
    fi
done
[ "$status" -eq 0 ] || exit "$status"
echo "== arm64 check: aarch64 (qemu-aarch64) = ${instances[*]} on $(wc -l < "$tmp/aarch64-portable.txt") cases ($(wc -c < "$tmp/aarch64-portable.bin") bytes)"
