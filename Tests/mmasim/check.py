#!/usr/bin/env python3
"""Bit-exact check of `exmy mma` against MMA-Sim (the `mmasim` package, arXiv 2511.10909).

For every preset that names an MMA-Sim instruction (`exmy mma --list`), draws seeded random and
adversarial dot products, runs them through mmasim's own arithmetic (the instruction object's
`dpa`, the function its `__call__` uses, on a batch of vectors) and through `exmy mma` (batched
1×K · K×1 products), and compares the result bits. NVIDIA results are compared bit for bit (MMA-Sim
gives one NaN code); AMD results too, except that any two NaNs count as equal (MMA-Sim's AMD NaNs
carry whatever payload the host's arithmetic made).

Usage: check.py --exmy PATH [--random N] [--adversarial N] [--seed S] [--presets a,b,...] [--fixture-out FILE]
"""
import argparse
import math
import os
import subprocess
import sys
import tempfile
import time

import numpy as np
import torch

import mmasim  # noqa: F401
from mmasim import nv_ptx, amd

# Formats: name -> (torch dtype of the value, code width in bits, numpy code dtype)
FORMATS = {
    "fp32": (torch.float32, 32),
    "tf32": (torch.float32, 19),
    "fp16": (torch.float16, 16),
    "bf16": (torch.bfloat16, 16),
    "e4m3fn": (torch.float8_e4m3fn, 8),
    "e5m2": (torch.float8_e5m2, 8),
    "e4m3fnuz": (torch.float8_e4m3fnuz, 8),
    "e5m2fnuz": (torch.float8_e5m2fnuz, 8),
    "e8m0fnu": (torch.float8_e8m0fnu, 8),
    "ue4m3": (torch.float8_e4m3fn, 8),  # 8-bit E4M3 bytes; the sign bit is ignored by both sides
    "e3m2fn": (None, 6),
    "e2m3fn": (None, 6),
    "e2m1fn": (None, 4),
}
NP_CODE = {4: np.uint8, 6: np.uint8, 8: np.uint8, 16: np.uint16, 19: np.uint32, 32: np.uint32}
SMALL = {"e3m2fn": "e3m2", "e2m3fn": "e2m3", "e2m1fn": "e2m1"}


def to_torch(codes, fmt):
    """Codes (numpy) of `fmt` as the tensor mmasim takes."""
    dtype, bits = FORMATS[fmt]
    if fmt in SMALL:
        shift = 2 if fmt == "e2m1fn" else 0  # fp6 in bits 5:0, fp4 in bits 5:2 (mmasim's layout)
        return torch.from_numpy((codes.astype(np.uint8) << shift).astype(np.uint8))
    if fmt == "tf32":
        return torch.from_numpy((codes.astype(np.uint32) << 13).view(np.int32)).view(torch.float32)
    if bits == 32:
        return torch.from_numpy(codes.astype(np.uint32).view(np.int32)).view(torch.float32)
    if bits == 16:
        return torch.from_numpy(codes.astype(np.uint16).view(np.int16)).view(dtype)
    return torch.from_numpy(codes.astype(np.uint8)).view(dtype)


def special_codes(fmt):
    """Codes at the edges of `fmt`: zeros, least and greatest subnormal, least normal, greatest finite, ∞, NaN."""
    _, bits = FORMATS[fmt]
    table = {
        "fp32": [0, 1 << 31, 1, 0x007FFFFF, 0x00800000, 0x7F7FFFFF, 0xFF7FFFFF, 0x7F800000, 0xFF800000, 0x7FC00000, 0x3F800000, 0xBF800000],
        "tf32": [0, 1 << 18, 1, 0x3FF, 0x400, 0x3FBFF, 0x7FBFF, 0x3FC00, 0x7FC00, 0x3FE00, 0x1FC00],
        "fp16": [0, 0x8000, 1, 0x3FF, 0x400, 0x7BFF, 0xFBFF, 0x7C00, 0xFC00, 0x7E00, 0x3C00, 0x8001],
        "bf16": [0, 0x8000, 1, 0x7F, 0x80, 0x7F7F, 0xFF7F, 0x7F80, 0xFF80, 0x7FC0, 0x3F80, 0x8001],
        "e4m3fn": [0, 0x80, 1, 7, 8, 0x7E, 0xFE, 0x7F, 0xFF, 0x38, 0x81],
        "e5m2": [0, 0x80, 1, 3, 4, 0x7B, 0xFB, 0x7C, 0xFC, 0x7E, 0x3C, 0x81],
        "e4m3fnuz": [0, 0x80, 1, 7, 8, 0x7F, 0xFF, 0x40, 0x81],
        "e5m2fnuz": [0, 0x80, 1, 3, 4, 0x7F, 0xFF, 0x40, 0x81],
        "e8m0fnu": [0, 1, 127, 254, 253, 255, 120, 134],
        "ue4m3": [0, 1, 7, 8, 0x7E, 0x7F, 0xFF, 0x38, 0xB8, 0x80],
        "e3m2fn": [0, 0x20, 1, 3, 4, 0x1F, 0x3F],
        "e2m3fn": [0, 0x20, 1, 7, 8, 0x1F, 0x3F],
        "e2m1fn": [0, 8, 1, 2, 7, 15],
    }
    return np.array(table[fmt], dtype=np.uint64)


def random_codes(rng, fmt, shape, mode):
    """Random codes: 'uniform' over all codes, or 'normal' (values near 1, quantized by torch)."""
    dtype, bits = FORMATS[fmt]
    if mode == "uniform" or fmt in SMALL or fmt in ("e8m0fnu", "ue4m3"):
        return rng.integers(0, 1 << bits, size=shape, dtype=np.uint64)
    x = torch.from_numpy(rng.standard_normal(size=shape).astype(np.float32) * np.float32(2.0) ** rng.integers(-3, 4, size=shape).astype(np.float32))
    if fmt in ("fp32", "tf32"):
        bitsv = x.view(torch.int32).numpy().view(np.uint32).astype(np.uint64)
        return bitsv >> 13 if fmt == "tf32" else bitsv
    y = x.to(dtype)
    width = 16 if bits == 16 else 8
    return y.view(torch.int16 if width == 16 else torch.uint8).numpy().view(np.uint16 if width == 16 else np.uint8).astype(np.uint64)


def adversarial(rng, fmt, shape, rate):
    """Random codes with a fraction `rate` replaced by edge codes."""
    codes = random_codes(rng, fmt, shape, "normal" if rng.random() < 0.5 else "uniform")
    pool = special_codes(fmt)
    mask = rng.random(size=shape) < rate
    codes[mask] = pool[rng.integers(0, len(pool), size=int(mask.sum()))]
    return codes


def structured(rng, a_fmt, b_fmt, n, k):
    """Cancellation and exponent-spread cases: b = ±a pattern so the products cancel, one large term
    among tiny ones, all-zero rows with a tiny C."""
    a = random_codes(rng, a_fmt, (n, k), "normal")
    b = random_codes(rng, b_fmt, (n, k), "normal")
    if a_fmt == b_fmt:
        half = k // 2
        b[:, :half] = a[:, half:2 * half]
        b[:, half:2 * half] = a[:, :half]
        sign = 1 << (FORMATS[a_fmt][1] - 1)
        flip = rng.random(size=(n, k)) < 0.5
        b[flip] ^= np.uint64(sign) if a_fmt not in ("e4m3fnuz", "e5m2fnuz") else np.uint64(0)
    spread = rng.random(size=n) < 0.3
    pool = special_codes(a_fmt)
    a[spread, 0] = pool[5 % len(pool)]  # a large value (greatest finite or near it)
    zero = rng.random(size=n) < 0.1
    a[zero, :] = 0
    return a, b


def load_presets(exmy):
    out = subprocess.run([exmy, "mma", "--list"], check=True, capture_output=True, text=True).stdout
    presets = []
    for line in out.strip().split("\n"):
        name, formats, checked, source = line.split("\t")
        if "mmasim: " not in source:
            continue
        spec = source.split("mmasim: ")[1].split(";")[0]
        cls, arch, shape = spec.split("|")
        ab, acc = formats.split("→")
        a_fmt, b_fmt = ab.split("×")
        presets.append(dict(name=name, cls=cls, arch=arch, shape=shape, a=a_fmt, b=b_fmt, acc=acc))
    return presets


def scale_info(p):
    """(scale format, block size) of a block-scaled preset, or None."""
    if "block32" in p["shape"]:
        return ("ue4m3" if p["shape"].endswith("ue4m3") else "e8m0fnu", 32)
    if "block16" in p["shape"]:
        return ("ue4m3" if p["shape"].endswith("ue4m3") else "e8m0fnu", 16)
    return None


def instruction(p):
    mod = amd if p["cls"] == "MFMA" else nv_ptx
    return getattr(mod, p["cls"])(p["arch"], p["shape"])


def k_of(p, op):
    return op.k


def run_mmasim(p, op, a, b, c, sa, sb):
    ta, tb = to_torch(a, p["a"]), to_torch(b, p["b"])
    if p["a"] == "e2m1fn" and "kind::mxf4" in p["shape"]:
        # kind::mxf4/mxf4nvf4 operands are packed two per byte, element 2i in the high nibble.
        pa = (a[:, 0::2] << 4) | a[:, 1::2]
        pb = (b[:, 0::2] << 4) | b[:, 1::2]
        ta, tb = torch.from_numpy(pa.astype(np.uint8)), torch.from_numpy(pb.astype(np.uint8))
    tc = to_torch(c, p["acc"])
    with torch.no_grad():
        if sa is None:
            d = op.dpa(ta, tb, tc)
        else:
            fmt = scale_info(p)[0]
            d = op.dpa(ta, tb, tc, to_torch(sa, fmt), to_torch(sb, fmt))
    bits = 16 if d.dtype == torch.float16 else 32
    return d.contiguous().view(torch.int16 if bits == 16 else torch.int32).numpy().view(np.uint16 if bits == 16 else np.uint32).astype(np.uint64)


def run_exmy(exmy, p, a, b, c, sa, sb, workdir):
    n, k = a.shape
    acc_bits = FORMATS[p["acc"]][1]

    def save(name, arr, bits, shape):
        path = os.path.join(workdir, name)
        np.save(path, arr.astype(NP_CODE[bits]).reshape(shape))
        return path

    args = [exmy, "mma", "--model", p["name"],
            "--a", save("a.npy", a, FORMATS[p["a"]][1], (n, 1, k)),
            "--b", save("b.npy", b, FORMATS[p["b"]][1], (n, k, 1)),
            "--c", save("c.npy", c, acc_bits, (n, 1, 1)),
            "--output", os.path.join(workdir, "d.npy")]
    if sa is not None:
        blocks = sa.shape[1]
        args += ["--scale-a", save("sa.npy", sa, 8, (n, 1, blocks)), "--scale-b", save("sb.npy", sb, 8, (n, blocks, 1))]
    r = subprocess.run(args, capture_output=True, text=True)
    if r.returncode != 0:
        raise RuntimeError(f"exmy mma failed for {p['name']}: {r.stderr.strip()}")
    d = np.load(os.path.join(workdir, "d.npy"))
    return d.reshape(n).view(np.uint16 if d.dtype == np.float16 else np.uint32).astype(np.uint64)


def cases(rng, p, op, count, kind):
    """`count` dot products of one kind: (a, b, c, scale a, scale b) code arrays."""
    k = op.k
    if kind == "chain" and scale_info(p) is None:
        k *= 2  # two instructions' worth: the chain of groups (mmasim's block-scaled dpa takes one instruction's K)
    si = scale_info(p)
    if kind == "random":
        mode = "normal" if rng.random() < 0.5 else "uniform"
        a = random_codes(rng, p["a"], (count, k), mode)
        b = random_codes(rng, p["b"], (count, k), mode)
        c = random_codes(rng, p["acc"], (count,), "normal")
        c[rng.random(size=count) < 0.2] = 0
    elif kind == "structured":
        a, b = structured(rng, p["a"], p["b"], count, k)
        c = random_codes(rng, p["acc"], (count,), "normal")
        c[rng.random(size=count) < 0.3] = 0
        tiny = rng.random(size=count) < 0.2
        c[tiny] = special_codes(p["acc"])[2]  # the least subnormal
    else:  # adversarial / chain
        a = adversarial(rng, p["a"], (count, k), 0.05)
        b = adversarial(rng, p["b"], (count, k), 0.05)
        c = adversarial(rng, p["acc"], (count,), 0.2)
    if p["acc"] == "fp16":
        pass
    if "kind::mxf4" in p["shape"] and kind == "chain":
        k = op.k  # packed operands: keep the instruction's K
        a, b = a[:, :k], b[:, :k]
    sa = sb = None
    if si is not None:
        fmt, block = si
        blocks = a.shape[1] // block
        if kind == "random":
            sa = rng.integers(118, 137, size=(count, blocks), dtype=np.uint64) if fmt == "e8m0fnu" else rng.integers(0x30, 0x48, size=(count, blocks), dtype=np.uint64)
            sb = rng.integers(118, 137, size=(count, blocks), dtype=np.uint64) if fmt == "e8m0fnu" else rng.integers(0x30, 0x48, size=(count, blocks), dtype=np.uint64)
        else:
            sa = adversarial(rng, fmt, (count, blocks), 0.3)
            sb = adversarial(rng, fmt, (count, blocks), 0.3)
    return a, b, c, sa, sb


def compare(p, ours, theirs):
    same = ours == theirs
    if p["cls"] == "MFMA":
        # AMD: NaN payloads are the host's; any two NaNs agree.
        ours_f = ours.astype(np.uint32).view(np.float32)
        theirs_f = theirs.astype(np.uint32).view(np.float32)
        same |= np.isnan(ours_f) & np.isnan(theirs_f)
    return same


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--exmy", required=True)
    ap.add_argument("--random", type=int, default=10000, help="random dot products per preset")
    ap.add_argument("--adversarial", type=int, default=2000, help="adversarial dot products per preset (each of three kinds)")
    ap.add_argument("--seed", type=int, default=19)
    ap.add_argument("--presets", default="")
    ap.add_argument("--batch", type=int, default=50000)
    ap.add_argument("--fixture-out", default="", help="also write the first --fixture-count cases of each kind, with mmasim's result, to this JSON-lines file")
    ap.add_argument("--fixture-count", type=int, default=3)
    args = ap.parse_args()
    presets = load_presets(args.exmy)
    if args.presets:
        wanted = set(args.presets.split(","))
        presets = [p for p in presets if p["name"] in wanted]
    failures = 0
    total = 0
    with tempfile.TemporaryDirectory() as workdir:
        for index, p in enumerate(presets):
            rng = np.random.default_rng([args.seed, index])
            op = instruction(p)
            counts = {"random": 0, "adversarial": 0}
            bad = 0
            first_bad = None
            fixtures = []
            t0 = time.time()
            plan = [("random", args.random)] + [(kind, args.adversarial) for kind in ("structured", "adversarial", "chain")]
            for kind, count in plan:
                left = count
                while left > 0:
                    n = min(left, args.batch)
                    left -= n
                    a, b, c, sa, sb = cases(rng, p, op, n, kind)
                    theirs = run_mmasim(p, op, a, b, c, sa, sb)
                    ours = run_exmy(args.exmy, p, a, b, c, sa, sb, workdir)
                    same = compare(p, ours, theirs)
                    counts["random" if kind == "random" else "adversarial"] += n
                    if not same.all():
                        i = int(np.argmin(same))
                        bad += int((~same).sum())
                        if first_bad is None:
                            first_bad = dict(kind=kind, a=a[i].tolist(), b=b[i].tolist(), c=int(c[i]),
                                             sa=None if sa is None else sa[i].tolist(), sb=None if sb is None else sb[i].tolist(),
                                             exmy=hex(int(ours[i])), mmasim=hex(int(theirs[i])))
                    if args.fixture_out:
                        for i in range(min(args.fixture_count, n)):
                            fixtures.append(dict(preset=p["name"], kind=kind, a=a[i].tolist(), b=b[i].tolist(), c=int(c[i]),
                                                 sa=None if sa is None else sa[i].tolist(), sb=None if sb is None else sb[i].tolist(),
                                                 d=int(theirs[i]), nan_payload_free=p["cls"] == "MFMA"))
            total += counts["random"] + counts["adversarial"]
            status = "ok" if bad == 0 else f"MISMATCH {bad}"
            print(f"{p['name']:32s} random {counts['random']:8d} adversarial {counts['adversarial']:7d}  {status}  ({time.time() - t0:.1f} s)", flush=True)
            if first_bad:
                print(f"    first mismatch: {first_bad}", flush=True)
                failures += 1
            if args.fixture_out:
                import json
                with open(args.fixture_out, "a") as out:
                    for fx in fixtures:
                        out.write(json.dumps(fx, separators=(",", ":")) + "\n")
    print(f"{len(presets)} presets, {total} dot products, {failures} presets with mismatches")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
