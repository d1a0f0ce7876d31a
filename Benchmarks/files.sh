#!/usr/bin/env bash
# Whole-process file conversion, side by side in one run: `exmy encode`/`decode` against
# numpy + ml_dtypes doing the same in a fresh process, against the file-copy limit (reading the
# input plus writing an output of the same size to a new file), and text at 10^7 lines; then a
# .safetensors checkpoint of CKPT_MIB MiB through `exmy analyze`, `quantize` and `dequantize`
# against the read limit (`cat` of the checkpoint). Peak RSS of each from /usr/bin/time. Medians of
# ROUNDS alternating rounds. Every output goes to a new name (removed before each run), for every
# tool alike: exmy syncs only a file it replaces (docs/files.md).
#
#   bash Benchmarks/files.sh                 # 256 MiB float32 .npy, 10^7 text lines, 1 GiB checkpoint, 3 rounds
#   MIB=1024 ROUNDS=1 bash Benchmarks/files.sh   # the 1 GiB memory check
#   CKPT_MIB=0 bash Benchmarks/files.sh      # without the checkpoint part
#
# Needs: a release build (swift build -c release --product exmy), python3 with numpy and
# ml_dtypes (pip install numpy ml_dtypes), GNU time (/usr/bin/time, Debian package `time`).
set -euo pipefail
cd "$(dirname "$0")/.."
MIB=${MIB:-256}
ROUNDS=${ROUNDS:-3}
LINES=${LINES:-10000000}
CKPT_MIB=${CKPT_MIB:-1024}
EXMY=${EXMY:-.build/release/exmy}
WORK=${WORK:-$(mktemp -d /tmp/exmy-files-XXXXXX)}
[ -x "$EXMY" ] || { echo "build first: swift build -c release --product exmy" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "needs GNU time: apt-get install time" >&2; exit 1; }
python3 -c "import numpy, ml_dtypes" || { echo "needs: pip install numpy ml_dtypes" >&2; exit 1; }

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), ml_dtypes $(python3 -c 'import ml_dtypes; print(ml_dtypes.__version__)'), numpy $(python3 -c 'import numpy; print(numpy.__version__)')"
echo "work: $WORK, input: $MIB MiB float32, rounds: $ROUNDS"
python3 - "$WORK" "$MIB" "$LINES" "$CKPT_MIB" <<'EOF'
import sys, json, struct, numpy as np
work, mib, lines, ckpt_mib = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
rng = np.random.default_rng(1)
n = mib * 1024 * 1024 // 4
x = np.empty(n, dtype=np.float32)
step = 1 << 24
for i in range(0, n, step):
    x[i:i + step] = (rng.standard_normal(min(step, n - i)) * 100).astype(np.float32)
np.save(f"{work}/x.npy", x)
t = (rng.standard_normal(lines) * 100).astype(np.float32)
with open(f"{work}/x.txt", "w") as f:
    f.write("\n".join(repr(float(v)) for v in t))
    f.write("\n")
# A checkpoint of F32 matrices [rows, 4096], 64 MiB each (safetensors: u64 header size, JSON, data).
if ckpt_mib > 0:
    count, rows = ckpt_mib // 64, 4096
    header, offset = {"__metadata__": {"format": "pt"}}, 0
    for i in range(count):
        size = rows * 4096 * 4
        header[f"layers.{i}.weight"] = {"dtype": "F32", "shape": [rows, 4096], "data_offsets": [offset, offset + size]}
        offset += size
    text = json.dumps(header).encode()
    text += b" " * (-len(text) % 8)
    with open(f"{work}/ckpt.safetensors", "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text)
        for i in range(count):
            f.write((rng.standard_normal(rows * 4096) * 0.02).astype(np.float32).tobytes())
EOF
cat > "$WORK/mld_encode.py" <<'EOF'
import sys, numpy as np, ml_dtypes
np.save(sys.argv[2], np.load(sys.argv[1]).astype(ml_dtypes.float8_e4m3fn).view(np.uint8))
EOF
cat > "$WORK/mld_decode.py" <<'EOF'
import sys, numpy as np, ml_dtypes
np.save(sys.argv[2], np.load(sys.argv[1]).view(ml_dtypes.float8_e4m3fn).astype(np.float32))
EOF
"$EXMY" encode e4m3fn --input "$WORK/x.npy" --output "$WORK/codes.npy" --quiet
out_bytes=$(stat -c %s "$WORK/codes.npy")
in_bytes=$(stat -c %s "$WORK/x.npy")

# name, command: each prints "seconds peakKB" via GNU time.
measure() {
    local name=$1; shift
    /usr/bin/time -f "%e %M" -o "$WORK/t" "$@" >/dev/null 2>"$WORK/err" || { cat "$WORK/err" >&2; exit 1; }
    echo "$name $(cat "$WORK/t")" >> "$WORK/results"
}
: > "$WORK/results"
for r in $(seq "$ROUNDS"); do
    rm -f "$WORK"/w "$WORK"/y.npy "$WORK"/y2.npy "$WORK"/z.npy "$WORK"/z2.npy "$WORK"/x.codes
    measure copy-limit-encode bash -c "cat '$WORK/x.npy' > /dev/null && head -c $out_bytes /dev/zero > '$WORK/w'"
    measure exmy-encode "$EXMY" encode e4m3fn --input "$WORK/x.npy" --output "$WORK/y.npy" --quiet
    measure mldtypes-encode python3 "$WORK/mld_encode.py" "$WORK/x.npy" "$WORK/y2.npy"
    rm -f "$WORK"/w
    measure copy-limit-decode bash -c "cat '$WORK/codes.npy' > /dev/null && head -c $in_bytes /dev/zero > '$WORK/w'"
    measure exmy-decode "$EXMY" decode e4m3fn --input "$WORK/codes.npy" --output "$WORK/z.npy" --quiet
    measure mldtypes-decode python3 "$WORK/mld_decode.py" "$WORK/codes.npy" "$WORK/z2.npy"
    measure exmy-text-encode "$EXMY" encode e4m3fn --input "$WORK/x.txt" --output "$WORK/x.codes" --quiet
    if [ "$CKPT_MIB" -gt 0 ]; then
        rm -f "$WORK"/q*.safetensors "$WORK"/dq.safetensors
        measure ckpt-read-limit cat "$WORK/ckpt.safetensors"
        measure ckpt-analyze-mxfp4 "$EXMY" analyze --scheme mxfp4 --input "$WORK/ckpt.safetensors" --quiet
        measure ckpt-quantize-mxfp4 "$EXMY" quantize mxfp4 --input "$WORK/ckpt.safetensors" --output "$WORK/q4.safetensors" --quiet
        measure ckpt-quantize-e4m3fn "$EXMY" quantize e4m3fn --input "$WORK/ckpt.safetensors" --output "$WORK/q8.safetensors" --quiet
        measure ckpt-dequantize-mxfp4 "$EXMY" dequantize --input "$WORK/q4.safetensors" --output "$WORK/dq.safetensors" --quiet
    fi
    measure baseline-process "$EXMY" info e4m3fn
done
cmp "$WORK/y.npy" "$WORK/y2.npy" && echo "encode output identical to ml_dtypes"
cmp "$WORK/z.npy" "$WORK/z2.npy" && echo "decode output identical to ml_dtypes"
ckpt_bytes=$( [ "$CKPT_MIB" -gt 0 ] && stat -c %s "$WORK/ckpt.safetensors" || echo 0)
python3 - "$WORK/results" "$in_bytes" "$ckpt_bytes" <<'EOF'
import sys, statistics, collections
rows = collections.defaultdict(list)
for line in open(sys.argv[1]):
    name, s, kb = line.split()
    rows[name].append((float(s), int(kb)))
med = {k: statistics.median(s for s, _ in v) for k, v in rows.items()}
rss = {k: max(kb for _, kb in v) / 1024 for k, v in rows.items()}
base = rss["baseline-process"]
print("\n| case | median s | peak RSS MiB (above baseline) |")
print("|---|---|---|")
for k in sorted(med):
    print(f"| {k} | {med[k]:.3f} | {rss[k]:.1f} ({rss[k] - base:+.1f}) |")
print()
print(f"encode: {med['mldtypes-encode'] / med['exmy-encode']:.1f}x numpy+ml_dtypes, {med['exmy-encode'] / med['copy-limit-encode']:.2f}x the copy limit")
print(f"decode: {med['mldtypes-decode'] / med['exmy-decode']:.1f}x numpy+ml_dtypes, {med['exmy-decode'] / med['copy-limit-decode']:.2f}x the copy limit")
print(f"input rate: encode {int(sys.argv[2]) / med['exmy-encode'] / 2**20:.0f} MiB/s")
ckpt = int(sys.argv[3])
if ckpt:
    limit = ckpt / med["ckpt-read-limit"] / 2**20
    print(f"checkpoint {ckpt / 2**20:.0f} MiB, read limit {limit:.0f} MiB/s:")
    for k in ("ckpt-analyze-mxfp4", "ckpt-quantize-mxfp4", "ckpt-quantize-e4m3fn", "ckpt-dequantize-mxfp4"):
        rate = ckpt / med[k] / 2**20
        print(f"  {k[5:]}: {rate:.0f} MiB/s of the checkpoint, {rate / limit:.2f} of the read limit")
EOF
rm -rf "$WORK"
