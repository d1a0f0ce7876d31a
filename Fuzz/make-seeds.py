#!/usr/bin/env python3
"""Writes the committed seed corpora under corpus/<target>/ (run from Fuzz/)."""
import glob, os, struct

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

# ---------------------------------------------------------------------------------------------------
# fuzz-cli: every reproduction of issue 15 that can run in-process in a scratch directory.
# Layout (see Sources/FuzzCLI/FuzzCLI.swift): byte 0 subcommand, byte 1 payload name (bits 0-2),
# byte 2 token count, byte 3 output name; the format token (subcommands with a FORMAT argument), the
# tokens, then the payload (the payload file's bytes and standard input). Seeds spell every argument
# as a free-form token (0xF0, length, bytes) so they do not depend on the dictionaries' order.
import json

CLI_COMMANDS = ["encode", "decode", "info", "values", "analyze", "dot", "capybara", "profiles", "export", "quantize", "dequantize"]
CLI_TAKES_FORMAT = {"encode", "decode", "info", "values", "export", "quantize"}
CLI_PAYLOAD_NAMES = ["in.txt", "in.npy", "in.safetensors", "in.bin", "in.raw", "in", "codes.txt", "x.npy"]

def free(s):
    b = s.encode()
    assert len(b) < 48 and b"/" not in b and b"\0" not in b, s
    return bytes([0xF0, len(b)]) + b

def cli(args, payload=b"", payload_name="in.txt"):
    """Seed for `exmy ARGS < payload`, the payload also written to the scratch file payload_name."""
    command, rest = args[0], list(args[1:])
    head = b""
    if command in CLI_TAKES_FORMAT:
        head, rest = free(rest[0]), rest[1:]
    assert len(rest) <= 12, args
    return (bytes([CLI_COMMANDS.index(command), CLI_PAYLOAD_NAMES.index(payload_name), len(rest), 0])
            + head + b"".join(free(a) for a in rest) + payload)

def npy(shape, descr="<f4", data=b"", fortran=False):
    header = "{'descr': '%s', 'fortran_order': %s, 'shape': (%s), }" % (
        descr, fortran, "".join("%d, " % d for d in shape) if len(shape) == 1 else ", ".join(str(d) for d in shape))
    pad = 64 - (10 + len(header) + 1) % 64
    header = header + " " * (pad % 64) + "\n"
    return b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header.encode() + data

def safetensors(tensors, data=b""):
    header = json.dumps(tensors, separators=(",", ":")).encode()
    return struct.pack("<Q", len(header)) + header + data

def st_one(shape, dtype="F32", end=0):
    return safetensors({"w": {"dtype": dtype, "shape": shape, "data_offsets": [0, end]}})

BIG = 9223372036854775807
cli_seeds = {
    # Data loss: an existing directory, a read-only file, a symlink and a stale `.exmy-partial`
    # name as output (/dev/null, devices and FIFOs cannot be named in the scratch directory).
    "output-directory-encode": cli(["encode", "e4m3fn", "--input", "in.txt", "--output", "outdir"], b"1.5\n2\n"),
    "output-directory-decode": cli(["decode", "e4m3fn", "--input", "in.txt", "--output", "outdir"], b"0x38\n"),
    "output-directory-export": cli(["export", "e4m3fn", "--output", "outdir"]),
    "output-readonly": cli(["encode", "e4m3fn", "--input", "in.txt", "--output", "ro.txt"], b"1\n"),
    "output-symlink": cli(["decode", "e4m3fn", "--output", "link.txt"], b"0x38\n"),
    "output-stale-partial": cli(["encode", "e4m3fn", "--output", "old.txt"], b"1\n"),
    "output-empty-name": cli(["encode", "e4m3fn", "--output", ""], b"1\n"),
    "output-npy-into-directory": cli(["encode", "e4m3fn", "--input", "in.npy", "--output", "outdir"],
                                     npy([2], data=struct.pack("<2f", 1.5, 448)), "in.npy"),
    # Traps: codes read through Double.
    "decode-u64-max": cli(["decode", "e4m3fn"], b"0xffffffffffffffff\n"),
    "decode-e11m52-nan-code": cli(["decode", "e11m52"], b"0x7ff0000000000001\n"),
    "decode-e11m52-near-one": cli(["decode", "e11m52"], b"0x3ff0000000000001\n"),
    "decode-u64-overflow": cli(["decode", "e11m52"], b"18446744073709551616\n0x10000000000000000\n"),
    # Output to standard output (a failed write cannot be provoked in-process: captured).
    "info-e4m3fn": cli(["info", "e4m3fn"]),
    "values-fp16": cli(["values", "fp16"]),
    # analyze on huge shapes (.npy and .safetensors).
    "analyze-npy-shape-1-0-max": cli(["analyze", "--format", "e4m3fn", "--input", "in.npy"], npy([1, 0, BIG]), "in.npy"),
    "analyze-st-shape-1-0-max": cli(["analyze", "--format", "e4m3fn", "--input", "in.safetensors"],
                                    st_one([1, 0, BIG]), "in.safetensors"),
    "analyze-npy-per-channel-2e32": cli(["analyze", "--format", "e4m3fn", "--scheme", "per-channel", "--input", "in.npy"],
                                        npy([0, 2**32, 2**32]), "in.npy"),
    "analyze-st-per-channel-2e32": cli(["analyze", "--format", "e4m3fn", "--scheme", "per-channel", "--input", "in.safetensors"],
                                       st_one([0, 2**32, 2**32]), "in.safetensors"),
    "analyze-npy-per-channel-axis1": cli(["analyze", "--format", "e4m3fn", "--scheme", "per-channel", "--axis", "1",
                                          "--input", "in.npy"], npy([0, BIG, 2]), "in.npy"),
    "analyze-st-per-channel-axis1": cli(["analyze", "--format", "e4m3fn", "--scheme", "per-channel", "--axis", "1",
                                         "--input", "in.safetensors"], st_one([0, BIG, 2]), "in.safetensors"),
    "analyze-npy-per-channel-2e28": cli(["analyze", "--format", "e4m3fn", "--scheme", "per-channel", "--input", "in.npy"],
                                        npy([0, 268435456]), "in.npy"),
    "dot-npy-shape-1-0-max": cli(["dot", "--input", "in.npy"], npy([1, 0, BIG]), "in.npy"),
    "encode-npy-shape-1-0-max": cli(["encode", "e4m3fn", "--input", "in.npy", "--output", "out.npy"], npy([1, 0, BIG]), "in.npy"),
    "decode-npy-huge-shape": cli(["decode", "e4m3fn", "--io", "npy"], npy([BIG, 2], descr="|u1"), "in.npy"),
    # Double rounding of decimal input.
    "encode-decimal-above-midpoint": cli(["encode", "e4m3fn"], b"1.0625000000000000001\n"),
    "encode-decimal-long": cli(["encode", "bf16"], b"1.00390625" + b"0" * 300 + b"1\n-1.00390625" + b"0" * 300 + b"1\n"),
    # Wrong values printed.
    "decode-bf16-1e17": cli(["decode", "bf16"], b"0x5bc8\n"),
    "decode-fp32-max": cli(["decode", "fp32"], b"0x7F7FFFFF\n"),
    "decode-e11m52-1e17": cli(["decode", "e11m52"], b"0x4376345785D8A000\n"),
    "values-bf16": cli(["values", "bf16", "--csv"]),
    "info-e11m52-json": cli(["info", "e11m52", "--json"]),
    "info-e10m52-json": cli(["info", "e10m52", "--json"]),
    "info-e10m40-json": cli(["info", "e10m40", "--json"]),
    "info-e11m10-json": cli(["info", "e11m10", "--json"]),
    "encode-crlf": cli(["encode", "e4m3fn"], b"1.5\r\n2.5\r\n"),
    "encode-1e400-toward-zero": cli(["encode", "fp16", "--rounding", "toward-zero"], b"1e400\n"),
    "encode-inf-e2m1fn": cli(["encode", "e2m1fn"], b"inf\n"),
    "encode-inf-e2m1fn-ocp": cli(["encode", "e2m1fn", "--profile", "ocp"], b"inf\n"),
    "encode-minus-one-unsigned-satfinite": cli(["encode", "e5m2:unsigned", "--overflow", "sat-finite"], b"-1\n"),
    "encode-minus-one-ue4m3-satfinite": cli(["encode", "ue4m3", "--overflow", "sat-finite"], b"-1\n"),
    # A profile applied to the wrong formats.
    "encode-torch-e4m3fnuz": cli(["encode", "e4m3fnuz", "--profile", "torch"], b"248\n"),
    "encode-torch-e4m3b11fnuz": cli(["encode", "e4m3b11fnuz", "--profile", "torch"], b"248\n"),
    "encode-torch-e4m3": cli(["encode", "e4m3", "--profile", "torch"], b"248\n"),
    "encode-torch-ue4m3": cli(["encode", "ue4m3", "--profile", "torch"], b"248\n"),
    "encode-torch-binary8p4se": cli(["encode", "binary8p4se", "--profile", "torch"], b"248\n"),
    "encode-torch-binary8p4sf": cli(["encode", "binary8p4sf", "--profile", "torch"], b"248\n"),
    # Unclear messages.
    "encode-input-directory": cli(["encode", "e4m3fn", "--input", "outdir"]),
    "encode-input-dot": cli(["encode", "e4m3fn", "--input", "."]),
    "encode-seed-minus-one": cli(["encode", "e4m3fn", "--rounding", "stochastic", "--seed", "-1"], b"1.1\n"),
    "analyze-block-minus-one": cli(["analyze", "--format", "e4m3fn", "--block", "-1"]),
    "capybara-params-minus-one": cli(["capybara", "--params", "-1", "--tokens", "1e11"]),
    "encode-nan-no-nan-code": cli(["encode", "e2m1fn"], b"nan\n"),
    "encode-nan-binary-no-nan-code": cli(["encode", "e2m1fn", "--io", "binary"], struct.pack("<f", float("nan")), "in.bin"),
    "encode-zero-no-zero": cli(["encode", "e8m0fnu"], b"0\n"),
    "encode-npy-void-without-dtype": cli(["encode", "e4m3fn", "--input", "in.npy"], npy([2], descr="|V2", data=b"\x80\x3f\x00\x40"), "in.npy"),
    "analyze-st-unknown-dtype": cli(["analyze", "--format", "e4m3fn", "--input", "in.safetensors"],
                                    st_one([2], dtype="X9", end=2) + b"\0\0", "in.safetensors"),
    "info-bias-huge": cli(["info", "e4m3:bias=99999999999999999999"]),
    "info-bias-duplicate": cli(["info", "e4m3:bias=1,bias=2"]),
    "info-signed-unsigned": cli(["info", "e4m3:signed,unsigned"]),
    "dot-bad-file": cli(["dot", "--input", "in.npy"], b"\x93NUMPY\x01\x00garbage", "in.npy"),
    "dot-missing-file": cli(["dot", "--input", "nothing.npy"]),
    "capybara-compute-1e308": cli(["capybara", "--params", "7e9", "--tokens", "1e11", "--compute", "1e308"]),
    # JSON a program cannot read.
    "capybara-json": cli(["capybara", "--params", "7e9", "--tokens", "8e10", "--compute", "1e21", "--json"]),
    # Disagreements with the specs.
    "encode-p1-tie-binary8p1se": cli(["encode", "binary8p1se"], b"0x1.8p60\n"),
    "encode-p1-tie-binary3p1se-none": cli(["encode", "binary3p1se", "--overflow", "none"], b"1.5\n"),
    "encode-p1-tie-binary3p1se-propagate": cli(["encode", "binary3p1se", "--overflow", "sat-propagate"], b"1.5\n"),
    "encode-p1-tie-binary3p1se-finite": cli(["encode", "binary3p1se", "--overflow", "sat-finite"], b"1.5\n"),
    "encode-onnx-inf-e4m3fnuz": cli(["encode", "e4m3fnuz", "--profile", "onnx"], b"inf\n-inf\n"),
    "encode-onnx-inf-e5m2fnuz": cli(["encode", "e5m2fnuz", "--profile", "onnx"], b"inf\n-inf\n"),
    "encode-onnx-round-up": cli(["encode", "e8m0fnu", "--profile", "onnx", "--rounding", "up"], b"3\n"),
    # Ordinary working paths, so the fuzzer starts from deep ones too.
    "encode-binary-pack": cli(["encode", "e2m1fn", "--io", "binary", "--pack", "--output", "out.bin"],
                              struct.pack("<8f", 0.5, 1, 1.5, 2, 3, 4, 6, -6), "in.bin"),
    "decode-binary-pack-count": cli(["decode", "e2m1fn", "--input", "in.bin", "--pack", "--count", "3"], b"\x21\x43", "in.bin"),
    "decode-npy": cli(["decode", "e5m2", "--input", "in.npy", "--output", "out.npy", "--dtype", "f64"],
                      npy([2, 2], descr="|u1", data=b"\x3c\x40\x7c\xff"), "in.npy"),
    "encode-npy-bf16": cli(["encode", "e4m3fn", "--input", "in.npy", "--dtype", "bf16", "--output", "out.npy"],
                           npy([2], descr="|V2", data=b"\x80\x3f\x00\x40"), "in.npy"),
    "analyze-npy-mxfp4": cli(["analyze", "--scheme", "mxfp4", "--input", "in.npy", "--histogram"],
                             npy([4, 8], data=struct.pack("<32f", *[i * 0.37 - 5 for i in range(32)])), "in.npy"),
    "analyze-st-per-channel": cli(["analyze", "--format", "e4m3fn,e5m2", "--scheme", "per-channel", "--axis", "1",
                                   "--input", "in.safetensors", "--tensor", "w"],
                                  safetensors({"w": {"dtype": "F32", "shape": [2, 3], "data_offsets": [0, 24]}},
                                              struct.pack("<6f", 1, -2, 3, 0.5, 1e30, -1e-30)), "in.safetensors"),
    "analyze-synthetic": cli(["analyze", "--format", "e2m1fn", "--scale-format", "ue4m3", "--distribution", "student-t:3",
                              "--json"]),
    "dot-npy": cli(["dot", "--input", "in.npy", "--lengths", "4", "--accumulator", "fp16,bf16", "--order", "pairwise"],
                   npy([2, 4], data=struct.pack("<8f", 1, 2, 3, 4, -1, 0.5, 0.25, 8)), "in.npy"),
    "dot-synthetic-svg": cli(["dot", "--scheme", "mxfp8-e4m3", "--svg", "plot.svg", "--output-format", "csv"]),
    "capybara-channel": cli(["capybara", "--params", "1e9", "--tokens", "1e10", "--block", "channel", "--format", "e2m1fn"]),
    "profiles": cli(["profiles"]),
    "export-thresholds": cli(["export", "e3m2fn", "--kind", "thresholds", "--output", "out.txt"]),
    "export-sv": cli(["export", "e2m1fn", "--kind", "sv"]),
    "quantize-mxfp4": cli(["quantize", "mxfp4", "--input", "in.safetensors", "--output", "q.safetensors", "--pad"],
                          safetensors({"w": {"dtype": "F32", "shape": [2, 3], "data_offsets": [0, 24]}},
                                      struct.pack("<6f", 1, -2, 3, 0.5, 1e30, -1e-30)), "in.safetensors"),
    "quantize-nvfp4-huge-shape": cli(["quantize", "nvfp4", "--input", "in.safetensors", "--output", "q.safetensors"],
                                       st_one([1, 0, BIG]), "in.safetensors"),
    "dequantize-plain": cli(["dequantize", "--input", "in.safetensors", "--dtype", "bf16"],
                            safetensors({"w": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}},
                                        struct.pack("<2f", 1, -2)), "in.safetensors"),
}
# Reproductions that still trap on main go to findings/ (cli-NAME.bin) instead of the corpus: a
# crashing seed would stop every smoke run before it fuzzes anything. Give each a disabled regression
# test in Tests/ExMyCLITests; when the owner fixes one, remove its name here, rerun this script (it
# moves the seed into the corpus) and enable the test.
# (The analyze shape traps of issue 15 were here until the safety merge fixed them.)
# (quantize-nvfp4-huge-shape was here until BlockGeometry's sizes were overflow-checked.)
CLI_KNOWN_OPEN: set = set()
for old in glob.glob(os.path.join("corpus", "fuzz-cli", "*")) + glob.glob(os.path.join("findings", "cli-*.bin")):
    if old.startswith("corpus") or os.path.basename(old)[4:-4] in cli_seeds:
        os.remove(old)
for name, data in cli_seeds.items():
    if name in CLI_KNOWN_OPEN:
        with open(os.path.join("findings", "cli-" + name + ".bin"), "wb") as f:
            f.write(data)
    else:
        write("fuzz-cli", name, data)
