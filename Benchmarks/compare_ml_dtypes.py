#!/usr/bin/env python3
"""Compare ExMy's batch conversion with ml_dtypes' astype (and PyTorch's casts, where PyTorch is
installed), in the same run.

Runs ExMy's benchmark (a command that prints `exmy bench --json` output, docs/json.md: one JSON object per
line), then times ml_dtypes on the same element counts and the same data distribution (normal,
standard deviation greatestFiniteMagnitude / 8 of the target format), and prints ExMy's elements per
second, ml_dtypes', and the ratio.

    python3 Benchmarks/compare_ml_dtypes.py                          # runs `swift run -c release exmy bench --json`
    python3 Benchmarks/compare_ml_dtypes.py --exmy-cmd "./bench --json" --sizes 65536,memory --threads 1

`--sizes memory` is ExMy's memory-bound size for this machine (twice its last-level cache, at least
16M elements): the element counts come back in ExMy's output, and the peers run on those.

What ml_dtypes does and ExMy is compared with:
  encode          x.astype(ml_dtypes.<format>)        float32 (or float64) array in, new array out
  encode-packed   x.astype(ml_dtypes.float4_e2m1fn)   ml_dtypes has no packed FP4: one code per byte
  decode          codes.astype(np.float32 / float64)
ml_dtypes has no stochastic rounding and no E3M3 (bias 5, no subnormals): those rows print ExMy only.
astype allocates its output; `--preallocated` times np.copyto(out, x, casting="unsafe") into a
preallocated array instead (the same work without the allocation and page faults).
ml_dtypes runs on one thread: compare it with ExMy's one-thread rows.

Where `import torch` works, the script also times PyTorch's CPU casts on the same data with as many
threads as the ExMy row (torch.set_num_threads): encode tensor.to(torch.float8_*) and decode
codes.to(torch.float32 / float64), for the formats PyTorch has as a castable dtype (float8 E4M3FN,
E5M2 and the FNUZ pair). Elsewhere those columns print nan.
"""
import argparse
import json
import shlex
import subprocess
import sys
import time

import numpy as np

try:
    import ml_dtypes
except ImportError:  # pragma: no cover
    sys.exit("ml_dtypes is not installed: pip install ml_dtypes")

try:
    import torch
except Exception:  # not installed, or installed without the libraries it loads at import
    torch = None

TORCH_DTYPES = {"e4m3fn": "float8_e4m3fn", "e5m2": "float8_e5m2", "e4m3fnuz": "float8_e4m3fnuz", "e5m2fnuz": "float8_e5m2fnuz"}

DTYPES = {
    "e4m3fn": ("float8_e4m3fn", 448.0),
    "e5m2": ("float8_e5m2", 57344.0),
    "e2m1fn": ("float4_e2m1fn", 6.0),
    "e3m2fn": ("float6_e3m2fn", 28.0),
    "e2m3fn": ("float6_e2m3fn", 7.5),
    "e4m3fnuz": ("float8_e4m3fnuz", 240.0),
    "e5m2fnuz": ("float8_e5m2fnuz", 57344.0),
    "e4m3": ("float8_e4m3", 240.0),
    "e3m4": ("float8_e3m4", 15.5),
}


def best_time(fn, minimum_seconds, repetitions):
    fn()
    inner = 1
    while True:
        t0 = time.perf_counter()
        for _ in range(inner):
            fn()
        dt = time.perf_counter() - t0
        if dt >= minimum_seconds or inner >= 1 << 20:
            break
        inner = max(inner * 2, int(minimum_seconds / max(dt, 1e-9) * inner * 1.2))
    best = float("inf")
    for _ in range(repetitions):
        t0 = time.perf_counter()
        for _ in range(inner):
            fn()
        best = min(best, (time.perf_counter() - t0) / inner)
    return best


def ml_dtypes_rate(result, minimum_seconds, repetitions, preallocated):
    """Elements per second of the matching ml_dtypes operation, or None."""
    fmt = result["format"]
    if fmt not in DTYPES or result["rule"] != "nearest-even":
        return None
    name, greatest = DTYPES[fmt]
    dtype = getattr(ml_dtypes, name)
    n = result["elements"]
    rng = np.random.default_rng(20260401)
    values = rng.standard_normal(n) * (greatest / 8)
    op = result["operation"]
    if op in ("encode", "encode-packed"):
        x = values.astype(np.float64 if result["value_type"] == "double" else np.float32)
        if preallocated:
            out = np.empty(n, dtype=dtype)
            fn = lambda: np.copyto(out, x, casting="unsafe")
        else:
            fn = lambda: x.astype(dtype)
    else:
        codes = values.astype(np.float32).astype(dtype)
        target = np.float64 if result["value_type"] == "double" else np.float32
        if preallocated:
            out = np.empty(n, dtype=target)
            fn = lambda: np.copyto(out, codes, casting="unsafe")
        else:
            fn = lambda: codes.astype(target)
    return n / best_time(fn, minimum_seconds, repetitions)


def torch_rate(result, minimum_seconds, repetitions):
    """Elements per second of the matching PyTorch cast (CPU, the row's thread count), or None."""
    fmt = result["format"]
    if torch is None or fmt not in TORCH_DTYPES or result["rule"] != "nearest-even" or result["operation"] not in ("encode", "decode"):
        return None
    dtype = getattr(torch, TORCH_DTYPES[fmt], None)
    if dtype is None:
        return None
    torch.set_num_threads(result["threads"])
    n = result["elements"]
    rng = np.random.default_rng(20260401)
    values = rng.standard_normal(n) * (DTYPES[fmt][1] / 8)
    wide = result["value_type"] == "double"
    if result["operation"] == "encode":
        x = torch.from_numpy(values.astype(np.float64 if wide else np.float32))
        fn = lambda: x.to(dtype)
    else:
        codes = torch.from_numpy(values.astype(np.float32)).to(dtype)
        target = torch.float64 if wide else torch.float32
        fn = lambda: codes.to(target)
    return n / best_time(fn, minimum_seconds, repetitions)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--exmy-cmd", default="swift run -c release exmy bench --json",
                   help="command printing ExMy benchmark JSON lines (it gets --sizes/--threads appended)")
    p.add_argument("--sizes", default="65536,memory")
    p.add_argument("--threads", default="1")
    p.add_argument("--minimum-seconds", type=float, default=0.02)
    p.add_argument("--repetitions", type=int, default=5)
    p.add_argument("--preallocated", action="store_true", help="time ml_dtypes into a preallocated output")
    p.add_argument("--json-out", help="also write the combined rows as JSON lines to this file")
    a = p.parse_args()

    cmd = shlex.split(a.exmy_cmd) + ["--sizes", a.sizes, "--threads", a.threads]
    print("# running:", " ".join(cmd), file=sys.stderr, flush=True)
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    results = [json.loads(line) for line in out.splitlines() if line.startswith("{")]

    print(f"# ml_dtypes {ml_dtypes.__version__}, numpy {np.__version__}; astype {'into a preallocated array' if a.preallocated else '(allocating)'}"
          f"; PyTorch {torch.__version__ + ' (CPU casts)' if torch is not None else 'not available'}")
    print(f"{'case':44} {'elements':>10} {'thr':>3} {'ExMy Melem/s':>13} {'frac limit':>10} {'ml_dtypes Melem/s':>18} {'ratio':>7}"
          f" {'PyTorch Melem/s':>16} {'ratio':>7}")
    rows = []
    nan = float("nan")
    for r in results:
        rate = ml_dtypes_rate(r, a.minimum_seconds, a.repetitions, a.preallocated) if r["threads"] == 1 else None
        trate = torch_rate(r, a.minimum_seconds, a.repetitions)
        exmy = r["elements_per_second"]
        ratio = exmy / rate if rate else None
        tratio = exmy / trate if trate else None
        print(f"{r['case_name']:44} {r['elements']:>10} {r['threads']:>3} {exmy / 1e6:>13.0f} {r['fraction_of_limit']:>10.2f} "
              f"{(rate / 1e6 if rate else nan):>18.1f} {(ratio if ratio else nan):>7.1f}"
              f" {(trate / 1e6 if trate else nan):>16.1f} {(tratio if tratio else nan):>7.1f}")
        rows.append(dict(r, ml_dtypes_elements_per_second=rate, ratio_to_ml_dtypes=ratio, torch_elements_per_second=trate, ratio_to_torch=tratio))
    if a.json_out:
        with open(a.json_out, "w") as f:
            for row in rows:
                f.write(json.dumps(row) + "\n")


if __name__ == "__main__":
    main()
