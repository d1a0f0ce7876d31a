#!/usr/bin/env python3
"""`exmy mma` against MMA-Sim on the CPU, side by side in one run.

Runs the 1024×1024×1024 E4M3 product of one preset (default hopper-wgmma-e4m3-f32) through
`exmy mma` (all cores, and one thread), and through mmasim's own vectorised arithmetic (the
instruction's `dpa` on row blocks of A — its `__call__` only takes one instruction's M×N×K); mmasim
is timed on --mmasim-rows rows and scaled to 1024, and its rows are compared bit for bit with exmy's.

Usage (with the venv Tests/mmasim/check.sh creates):
  PATH=.build/mmasim-venv/bin:$PATH python Benchmarks/mma_vs_mmasim.py --exmy .build/release/exmy
"""
import argparse, os, subprocess, sys, tempfile, time
import numpy as np
import torch
from mmasim import nv_ptx

ap = argparse.ArgumentParser()
ap.add_argument("--exmy", required=True)
ap.add_argument("--size", type=int, default=1024)
ap.add_argument("--mmasim-rows", type=int, default=32)
ap.add_argument("--model", default="hopper-wgmma-e4m3-f32")
ap.add_argument("--instruction", default="WGMMA|Hopper|m64n8k32.f32.e4m3.e4m3")
args = ap.parse_args()
n = args.size
rng = np.random.default_rng(1024)
x = torch.from_numpy(rng.standard_normal((n, n)).astype(np.float32))
y = torch.from_numpy(rng.standard_normal((n, n)).astype(np.float32))
A = x.to(torch.float8_e4m3fn)
B = y.to(torch.float8_e4m3fn)
with tempfile.TemporaryDirectory() as d:
    np.save(os.path.join(d, "a.npy"), A.view(torch.uint8).numpy())
    np.save(os.path.join(d, "b.npy"), B.view(torch.uint8).numpy())
    out = os.path.join(d, "d.npy")
    timings = {}
    for label, extra in (("all cores", []), ("1 thread", ["--threads", "1"])):
        t0 = time.perf_counter()
        subprocess.run([args.exmy, "mma", "--model", args.model, "--a", os.path.join(d, "a.npy"), "--b", os.path.join(d, "b.npy"), "--output", out] + extra, check=True)
        timings[label] = time.perf_counter() - t0
        D = np.load(out)
    products = n * n * n
    for label, t in timings.items():
        print(f"exmy mma {args.model} {n}^3 ({label}): {t:.2f} s, {products / t / 1e6:.1f} M products/s (whole process: read, compute, write)")
    cls, arch, shape = args.instruction.split("|")
    op = getattr(nv_ptx, cls)(arch, shape)
    rows = args.mmasim_rows
    torch.set_num_threads(os.cpu_count() or 1)
    t0 = time.perf_counter()
    ref = []
    with torch.no_grad():
        for r in range(0, rows, 8):
            a_vec = A[r:r + 8, None, :].expand(-1, n, -1)
            b_vec = B.T[None, :, :].expand(a_vec.shape[0], -1, -1)
            c = torch.zeros(a_vec.shape[0], n, dtype=torch.float32)
            ref.append(op.dpa(a_vec, b_vec, c))
    t = time.perf_counter() - t0
    ref = torch.cat(ref).view(torch.int32).numpy().view(np.uint32)
    full = t * n / rows
    print(f"mmasim {args.instruction} dpa, {rows} of {n} rows: {t:.2f} s; scaled to {n}^3: {full:.1f} s, {products / full / 1e6:.2f} M products/s ({torch.get_num_threads()} torch threads)")
    same = (D[:rows].view(np.uint32) == ref).all()
    print(f"exmy rows 0..{rows - 1} equal to mmasim's bit for bit: {bool(same)}")
    print(f"speed-up (all cores, scaled): {full / timings['all cores']:.1f}x")
    sys.exit(0 if same else 1)
