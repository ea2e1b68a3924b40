"""Speed of the MLP engine, as ratios against references measured in the same run.

    OPENBLAS_NUM_THREADS=1 python benchmarks/bench_mlp.py

Prints, for a small net (2-8-8-1, batch 10) and a bigger one (2-32-32-32-3, batch 32):
- SGD steps per second through ``MLP.step`` (checks its inputs every call) and through
  ``Trainer.run`` (checks once, then loops), against a bare NumPy step written inline here (the
  floor for any NumPy implementation with the same shapes), and against scikit-learn's
  ``MLPClassifier.partial_fit`` and a PyTorch eager step when those import (neither is a
  dependency of the lab: the lines are skipped when absent);
- the forward pass over the 100 × 100 boundary grid;
- what the playground's Play computes per run of frames (24 frames, 60 × 60 grid, 5 steps each),
  as frames per second the server can produce.

Timings are medians of several repeats; on a shared machine expect noise.
"""

from __future__ import annotations

import itertools
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from engine.datasets import make_dataset
from engine.mlp import MLP, Trainer, grid_points, play_frames
from ui.figures.mlp import boundary_rgb, encode_image

REPEATS = 5


def best_rate(fn: Callable[[int], None], n: int) -> float:
    """Median calls per second of fn(n) over REPEATS runs (fn does n calls)."""
    rates = []
    for _ in range(REPEATS):
        t0 = time.perf_counter()
        fn(n)
        rates.append(n / (time.perf_counter() - t0))
    return statistics.median(rates)


def median_time(fn: Callable[[], object], repeats: int = 20) -> float:
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def bare_numpy_step(sizes: list[int], X: np.ndarray, y: np.ndarray, batch: int, seed: int = 0):
    """A minimal tanh MLP step, inline: no checks, no history, no watchdog."""
    rng = np.random.default_rng(seed)
    Ws = [rng.normal(0, np.sqrt(2 / (a + b)), (a, b)) for a, b in itertools.pairwise(sizes)]
    bs = [np.zeros(b) for b in sizes[1:]]
    k = sizes[-1]
    Y = np.eye(max(k, 2))[y][:, 1:] if k == 1 else np.eye(k)[y]

    def run(n: int) -> None:
        for it in range(n):
            lo = (it * batch) % (len(X) - batch)
            xb, yb = X[lo : lo + batch], Y[lo : lo + batch]
            hs = [xb]
            for W, b in zip(Ws[:-1], bs[:-1]):  # noqa: B905
                hs.append(np.tanh(hs[-1] @ W + b))
            f = hs[-1] @ Ws[-1] + bs[-1]
            if k == 1:
                p = 1 / (1 + np.exp(-f))
            else:
                e = np.exp(f - f.max(axis=1, keepdims=True))
                p = e / e.sum(axis=1, keepdims=True)
            delta = (p - yb) / batch
            for i in range(len(Ws) - 1, -1, -1):
                dW, db = hs[i].T @ delta, delta.sum(axis=0)
                if i:
                    delta = (delta @ Ws[i].T) * (1 - hs[i] ** 2)
                Ws[i] -= 0.1 * dW
                bs[i] -= 0.1 * db

    return run


def sklearn_rate(sizes, X, y, batch) -> float | None:
    try:
        from sklearn.neural_network import MLPClassifier
    except ImportError:
        return None
    clf = MLPClassifier(hidden_layer_sizes=tuple(sizes[1:-1]), activation="tanh", solver="sgd")
    classes = np.unique(y)

    def run(n: int) -> None:
        for it in range(n):
            lo = (it * batch) % (len(X) - batch)
            clf.partial_fit(X[lo : lo + batch], y[lo : lo + batch], classes=classes)

    return best_rate(run, 300)


def torch_rate(sizes, X, y, batch) -> float | None:
    try:
        import torch
    except (ImportError, OSError):
        return None
    torch.set_num_threads(1)
    layers: list = []
    for a, b in itertools.pairwise(sizes):
        layers += [torch.nn.Linear(a, b), torch.nn.Tanh()]
    net = torch.nn.Sequential(*layers[:-1]).double()
    opt = torch.optim.SGD(net.parameters(), lr=0.1)
    k = sizes[-1]
    Xt = torch.from_numpy(X)
    yt = torch.from_numpy(y.astype(np.float64 if k == 1 else np.int64))
    loss_fn = torch.nn.BCEWithLogitsLoss() if k == 1 else torch.nn.CrossEntropyLoss()

    def run(n: int) -> None:
        for it in range(n):
            lo = (it * batch) % (len(X) - batch)
            opt.zero_grad()
            out = net(Xt[lo : lo + batch])
            loss = loss_fn(out[:, 0] if k == 1 else out, yt[lo : lo + batch])
            loss.backward()
            opt.step()

    return best_rate(run, 1000)


def line(label: str, rate: float | None, ref: float, unit: str = "steps/s") -> None:
    if rate is None:
        print(f"  {label:<42} (not installed: skipped)")
        return
    print(f"  {label:<42} {rate:>10,.0f} {unit}   {rate / ref:5.2f}× the bare NumPy step")


def bench_net(sizes: list[int], batch: int) -> None:
    name = "-".join(map(str, sizes))
    data = "blobs" if sizes[-1] == 3 else "moons"
    X, y = make_dataset(data, n=600, noise=0.1, seed=0)
    print(f"\n{name}, batch {batch} ({data}, {len(X)} points)")
    ref = best_rate(bare_numpy_step(sizes, X, y, batch), 2000)
    line("bare NumPy step (reference, inline)", ref, ref)

    model = MLP(sizes, activation="tanh", seed=0)

    def public(n: int) -> None:
        for it in range(n):
            lo = (it * batch) % (len(X) - batch)
            model.step(X[lo : lo + batch], y[lo : lo + batch], 0.1)

    line("engine MLP.step (checks inputs each call)", best_rate(public, 2000), ref)
    trainer = Trainer(MLP(sizes, activation="tanh", seed=0), X, y, lr=0.1, batch_size=batch)
    line(
        "engine Trainer.run (shuffled minibatches)",
        best_rate(lambda n: trainer.run(n, record=False), 2000),
        ref,
    )
    line("scikit-learn MLPClassifier.partial_fit", sklearn_rate(sizes, X, y, batch), ref)
    line("PyTorch eager step (float64, 1 thread)", torch_rate(sizes, X, y, batch), ref)

    grid = grid_points((-2.0, 2.0, -2.0, 2.0), 100)
    t_engine = median_time(lambda: model.forward(grid))

    def bare_forward() -> np.ndarray:
        h = grid
        for W, b in model.params[:-1]:
            h = np.tanh(h @ W + b)
        W, b = model.params[-1]
        return h @ W + b

    t_bare = median_time(bare_forward)
    print(
        f"  forward of the 100×100 grid: engine {t_engine * 1e3:.2f} ms, "
        f"bare NumPy {t_bare * 1e3:.2f} ms ({t_engine / t_bare:.2f}× its time)"
    )

    Xs, ys = make_dataset(data, n=200, noise=0.1, seed=0)
    play = Trainer(MLP(sizes, activation="tanh", seed=0), Xs, ys, lr=0.1, batch_size=batch)
    grid60 = grid_points((-2.0, 2.0, -2.0, 2.0), 60)

    def one_run_of_frames() -> None:
        frames = play_frames(play, grid60, n_frames=24, steps_per_frame=5)
        for f in frames:
            encode_image(boundary_rgb(f.probs, 60))

    t_run = median_time(one_run_of_frames, repeats=5)
    print(
        f"  Play: 24 frames (5 steps + 60×60 boundary each) in {t_run * 1e3:.0f} ms: the server "
        f"can produce {24 / t_run:,.0f} frames/s (the browser plays 20)"
    )


def main() -> None:
    print(f"NumPy {np.__version__}, Python {sys.version.split()[0]}")
    bench_net([2, 8, 8, 1], 10)
    bench_net([2, 32, 32, 32, 3], 32)


if __name__ == "__main__":
    main()
