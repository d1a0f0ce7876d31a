#!/usr/bin/env python3
"""Writes the committed seed corpora under corpus/<target>/ (run from Fuzz/)."""
import os, struct

def fmt(e, m, off, sub=True, zero=True, sign=0, spec=0):
    # byte layout: see FormatKnobs in Sources/FuzzSupport/FuzzSupport.swift
    flags = int(sub) | (int(zero) << 1) | (sign << 2) | (spec << 4)
    return bytes([e, m, off & 0xFF, flags])

FORMATS = {  # sign: 0 signed, 1 unsigned, 2 two's complement; spec: 0 ieee 1 fn 2 fnuz 3 none 4 p3109-finite 5 p3109-extended
    "e4m3fn": fmt(4, 3, 0, spec=1), "e5m2": fmt(5, 2, 0), "e4m3fnuz": fmt(4, 3, 1, spec=2),
    "e8m0fnu": fmt(8, 0, 0, sub=False, zero=False, sign=1, spec=1), "e2m1fn": fmt(2, 1, 0, spec=3),
    "fp16": fmt(5, 10, 0), "bf16": fmt(8, 7, 0), "e3m2tc": fmt(3, 2, 0, sign=2, spec=3),
    "e4m3p": fmt(4, 3, 1, spec=4),
}

def write(target, name, data):
    d = os.path.join("corpus", target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)

xs = [0.3, 448.0, 500.0, -1e-9, 1.5, float("inf"), 0.0, 65504.0, 2.0 ** -20]
for i, (name, f) in enumerate(FORMATS.items()):
    write("fuzz-crosscheck", name, f + bytes([i % 8, i % 3]) + struct.pack("<d", xs[i]))

# Number text after the Double: near-midpoint decimals, long digit strings, hexadecimal, extremes.
texts = ["1.0625000000000000001", "65519.99999999999999999999", "0x1.002p0", "-2.98023223876953125000000001e-8",
         "1" + "0" * 900 + "1e-900", "1e-999999999", "-1e999999999999999999999", " inf\r", "-nan", "4.5e2",
         "0.1000000000000000055511151231257827021181583404541015625", "0x1.fffffffffffffffffffffp1023"]
for i, text in enumerate(texts):
    name, f = list(FORMATS.items())[i % len(FORMATS)]
    write("fuzz-crosscheck", f"text{i}-{name}", f + bytes([i % 8, i % 3]) + struct.pack("<d", 1.0) + text.encode())

codes = [0x7E, 0x7B, 0x80, 0x01, 0x05, 0x7BFF, 0x7F80, 0x1F, 0x41]
for i, (name, f) in enumerate(FORMATS.items()):
    write("fuzz-roundtrip", name, f + struct.pack("<Q", codes[i]))

for i, text in enumerate(["e4m3fn", "e3m3:bias=5,subnormals=off", "bf16", "e8m0fnu", "fp16",
                          "e5m2:unsigned", "binary8p3se", "0.3", "-448", "nan"]):
    write("fuzz-parse", f"seed{i}", text.encode())
