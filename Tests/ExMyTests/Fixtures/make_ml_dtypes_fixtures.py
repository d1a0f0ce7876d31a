"""Regenerates the ml_dtypes fixtures used by MLDtypesProfileTests.

    pip install ml_dtypes==0.6.0 numpy
    python3 Tests/ExMyTests/Fixtures/make_ml_dtypes_fixtures.py

For each ml_dtypes type, writes `ml_dtypes-<name>.bin`: the codes ml_dtypes' astype produces for
(1) every float16 bit pattern widened to float32, (2) every bfloat16 bit pattern widened to float32,
(3) `doubles.bin`'s float64 values (astype from float64). One byte per code.
"""
import numpy as np, ml_dtypes as m, os
here = os.path.dirname(os.path.abspath(__file__))
types = {"e4m3fn": m.float8_e4m3fn, "e5m2": m.float8_e5m2, "e4m3fnuz": m.float8_e4m3fnuz,
         "e5m2fnuz": m.float8_e5m2fnuz, "e4m3b11fnuz": m.float8_e4m3b11fnuz, "e3m4": m.float8_e3m4,
         "e4m3": m.float8_e4m3, "e2m3fn": m.float6_e2m3fn, "e3m2fn": m.float6_e3m2fn,
         "e2m1fn": m.float4_e2m1fn, "e8m0fnu": m.float8_e8m0fnu}
f16 = np.arange(65536, dtype=np.uint32).astype(np.uint16).view(np.float16).astype(np.float32)
bf16 = (np.arange(65536, dtype=np.uint32) << 16).view(np.float32)
rng = np.random.default_rng(20261123)
# Doubles near float8-range midpoints: random float32-representable midpoints nudged by tiny amounts,
# which is where rounding through float32 first goes wrong.
base = rng.standard_normal(20000) * np.exp2(rng.integers(-20, 18, 20000))
nudge = base * (1 + rng.choice([-1, 1], 20000) * np.exp2(-rng.integers(25, 53, 20000)))
doubles = np.concatenate([base, nudge, [-431.99999999999994, 431.99999999999994, 464.0000000000001]])
doubles.astype("<f8").tofile(os.path.join(here, "doubles.bin"))
for name, t in types.items():
    out = np.concatenate([f16.astype(t).view(np.uint8), bf16.astype(t).view(np.uint8), doubles.astype(t).view(np.uint8)])
    out.tofile(os.path.join(here, f"ml_dtypes-{name}.bin"))
print("wrote", len(types), "fixtures with", len(doubles), "doubles; ml_dtypes", m.__version__)
