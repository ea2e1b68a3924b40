"""Speed of engine.conv.conv2d against PyTorch and the plain-loop reference, in the same run.

    OPENBLAS_NUM_THREADS=1 /work/bench-venv/bin/python benchmarks/bench_conv.py

Both libraries get one thread (OPENBLAS_NUM_THREADS / OMP_NUM_THREADS = 1 and
torch.set_num_threads(1)), so the ratio compares algorithms, not core counts. Each time is the
median of several calls after a warm-up. Without torch installed the PyTorch lines are skipped.
The loop reference is far too slow for the full images: it is timed on a crop and scaled by the
number of output entries (its cost per output entry does not depend on the image size).
"""

from __future__ import annotations

import os

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import statistics  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable  # noqa: E402
from functools import partial  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from engine.conv import conv2d, conv2d_reference  # noqa: E402

try:
    import torch
    import torch.nn.functional as F

    torch.set_num_threads(1)
except ImportError:  # the benchmark still runs, without the PyTorch ratio
    torch = None

WORKLOADS = (
    # name, input shape, weight shape, padding
    ("1×3×512×512, 8 filters 3×3, padding 1", (1, 3, 512, 512), (8, 3, 3, 3), 1),
    ("1×16×128×128, 32 filters 3×3", (1, 16, 128, 128), (32, 16, 3, 3), 0),
)
LOOP_CROP = 24  # the loop reference runs on a 24×24 crop of the input


def median_time(fn: Callable[[], object], *, min_calls: int = 7, budget: float = 1.5) -> float:
    """Median seconds per call: a warm-up, then at least min_calls calls or budget seconds."""
    fn()
    times: list[float] = []
    start = time.perf_counter()
    while len(times) < min_calls or time.perf_counter() - start < budget:
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
        if len(times) >= 200:
            break
    return statistics.median(times)


def ms(seconds: float) -> str:
    return f"{seconds * 1e3:8.2f} ms"


def bench_workload(name: str, x_shape: tuple, w_shape: tuple, padding: int) -> None:
    rng = np.random.default_rng(0)
    print(f"\n{name}")
    engine_times = {}
    for dtype in (np.float64, np.float32):
        x = rng.standard_normal(x_shape).astype(dtype)
        w = rng.standard_normal(w_shape).astype(dtype)
        ours = engine_times[dtype] = median_time(partial(conv2d, x, w, padding=padding))
        line = f"  {np.dtype(dtype).name:8s} engine {ms(ours)}"
        if torch is not None:
            tx, tw = torch.from_numpy(x), torch.from_numpy(w)
            with torch.no_grad():
                theirs = median_time(partial(F.conv2d, tx, tw, padding=padding))
                check = F.conv2d(tx, tw, padding=padding).numpy()
            err = float(np.max(np.abs(conv2d(x, w, padding=padding) - check)))
            line += (
                f" | torch {ms(theirs)} | engine/torch {ours / theirs:5.2f}× (max |diff| {err:.1e})"
            )
        print(line)
    # The loop reference on a crop, scaled by the number of output entries.
    crop = rng.standard_normal((*x_shape[:2], LOOP_CROP, LOOP_CROP))
    w = rng.standard_normal(w_shape)
    loop_crop = median_time(partial(conv2d_reference, crop, w, padding=padding), min_calls=3)
    ours_crop = median_time(partial(conv2d, crop, w, padding=padding))
    full = conv2d(np.zeros(x_shape), np.zeros(w_shape), padding=padding).size
    small = conv2d(crop, w, padding=padding).size
    loop_full = loop_crop * full / small
    print(
        f"  float64  loop reference ≈ {ms(loop_full)} (timed on a {LOOP_CROP}×{LOOP_CROP} crop:"
        f" {ms(loop_crop)}, scaled ×{full / small:.0f}); engine is"
        f" {loop_full / engine_times[np.float64]:,.0f}× faster"
        f" (on the crop itself: {loop_crop / ours_crop:,.0f}×)"
    )


def main() -> None:
    print(f"numpy {np.__version__}, threads: OPENBLAS={os.environ['OPENBLAS_NUM_THREADS']}", end="")
    print(f", torch {torch.__version__} ({torch.get_num_threads()} thread)" if torch else "")
    if torch is None:
        print("torch not installed: PyTorch lines skipped")
    for workload in WORKLOADS:
        bench_workload(*workload)


if __name__ == "__main__":
    main()
