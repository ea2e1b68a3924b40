"""How long learning a filter bank from the sample photos takes (engine.filter_learning).

For each bank size: the median of --repeat runs of `learn_filters` (patch sampling, PCA, FastICA,
spectra) and its FastICA iterations; then one FastICA iteration as the module does it (the long
products in float32) against the reference measured in the same run, the same iteration in
float64, the textbook way.

    OPENBLAS_NUM_THREADS=1 python benchmarks/bench_filter_learning.py [--repeat 5]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from engine.filter_learning import learn_filters, load_sample_photos  # noqa: E402

BANKS = ((16, 8), (32, 8), (32, 12))  # (filters, patch side)
TARGET = 5.0  # seconds: "a few seconds" on a web page


def iteration(z: np.ndarray, w: np.ndarray) -> np.ndarray:
    g = np.tanh(w @ z)
    return g @ z.T / z.shape[1] - (1 - g**2).mean(axis=1)[:, None] * w


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    print(f"OPENBLAS_NUM_THREADS={os.environ.get('OPENBLAS_NUM_THREADS', 'unset')}, "
          f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")  # fmt: skip
    photos = load_sample_photos()
    for n, k in BANKS:
        times, result = [], None
        for _ in range(args.repeat):
            start = time.perf_counter()
            result = learn_filters(photos, n_filters=n, patch_size=k, seed=0)
            times.append(time.perf_counter() - start)
        median = statistics.median(times)
        # One iteration, float32 as in the module, against the float64 reference.
        z = np.random.default_rng(0).standard_normal((n, result.n_patches))
        w = np.linalg.qr(np.random.default_rng(1).standard_normal((n, n)))[0]
        per_iteration = {}
        for dtype in (np.float32, np.float64):
            zz, ww = z.astype(dtype), w.astype(dtype)
            laps = []
            for _ in range(20):
                start = time.perf_counter()
                iteration(zz, ww)
                laps.append(time.perf_counter() - start)
            per_iteration[dtype] = statistics.median(laps)
        ours, plain = per_iteration[np.float32], per_iteration[np.float64]
        verdict = "met" if median <= TARGET else "MISSED"
        print(f"{n:2d} filters {k:2d}x{k:<2d} from {result.n_patches} patches: "
              f"{median:.2f} s median of {args.repeat} (best {min(times):.2f} s), "
              f"{result.iterations} iterations, converged {result.converged}; "
              f"target {TARGET:.0f} s {verdict}. One iteration {ours * 1e3:.1f} ms, "
              f"{ours / plain:.2f}x the float64 reference ({plain * 1e3:.1f} ms)")  # fmt: skip


if __name__ == "__main__":
    main()
