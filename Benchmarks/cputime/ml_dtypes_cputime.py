# ml_dtypes astype at 16M elements, timed in thread CPU time (time.thread_time), best of 15 —
# the same clock and repetition count as the CPU-time ExMy driver.
import time, numpy as np, ml_dtypes
n = 1 << 24
for fmt, name, greatest, src in [("e4m3fn", "float8_e4m3fn", 448.0, np.float32), ("e5m2", "float8_e5m2", 57344.0, np.float32),
                                  ("e2m1fn", "float4_e2m1fn", 6.0, np.float32), ("e3m2fn", "float6_e3m2fn", 28.0, np.float32),
                                  ("e4m3fn", "float8_e4m3fn", 448.0, np.float64)]:
    x = (np.random.default_rng(20260401).standard_normal(n) * (greatest / 8)).astype(src)
    dt = getattr(ml_dtypes, name)
    x.astype(dt)
    best = min((lambda t0: (x.astype(dt), time.thread_time() - t0)[1])(time.thread_time()) for _ in range(15))
    print(f"{np.dtype(src).name} {fmt}\t{n / best / 1e6:.1f}")
