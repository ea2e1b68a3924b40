"""Speed of the MLP engine, as ratios against references measured in the same run.

    OPENBLAS_NUM_THREADS=1 python benchmarks/bench_mlp.py [--browser]

Prints, for a small net (2-8-8-1, batch 10) and a bigger one (2-32-32-32-3, batch 32):
- SGD steps per second through ``Trainer.run`` (the playground's path: engine.mlp_fused) and
  through ``MLP.step`` (checks its inputs every call), against a plain NumPy step written inline
  here as a textbook would (a list of layers, new arrays every step), and against scikit-learn's
  ``MLPClassifier.partial_fit`` and a PyTorch eager step when those import (neither is a
  dependency of the lab: the lines are skipped when absent);
- the forward pass over the 100 × 100 boundary grid as the page computes it (float32,
  ``MLP.predict_proba(X, dtype=np.float32)``) and in float64 (``MLP.forward``);
- what the playground's Play computes per run of frames (24 frames, 60 × 60 grid, 5 steps each),
  as frames per second the server can produce; the same for a regression (f and the hidden
  units' contributions at 121 inputs per frame).

With --browser: a real `streamlit run app.py` and Chromium (Playwright) open the playground, press
Play, and count the pictures the canvas player draws per second (window.__mlpPlayer) for the
default net, two bigger ones, and two regressions (the curves).

Each timing is the best of several repeats after a warm-up (as timeit recommends: on a shared
machine the noise only ever adds time); the ratios compare figures from the same run.
"""

from __future__ import annotations

import argparse
import itertools
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.browser import launch_chromium, running_app
from engine.datasets import make_dataset, make_regression
from engine.mlp import MLP, Trainer, grid_points, line_points, play_frames
from ui.figures.mlp import boundary_rgb, encode_floats, encode_image

REPEATS = 9
STEPS_TARGET = 20_000  # steps/s, 2-8-8-1 at batch 10 (issue 4)
GRID_TARGET_MS = 2.0  # 100 × 100 grid forward
FPS_TARGET = 15  # boundary updates per second in the browser
CURVE_FPS_TARGET = 10  # regression curve updates per second in the browser (issue 14)


def interleaved_rates(
    runners: dict[str, tuple[Callable[[int], None], int]],
) -> dict[str, tuple[float, float]]:
    """(best, median) steps per second of each runner, timed in turns.

    ``runners`` maps a name to (fn, n), where fn(n) takes n steps. After a warm-up, every round
    times each runner once, so all of them sample the same moments of a noisy machine and their
    ratios stay fair even when its speed drifts.
    """
    for fn, n in runners.values():
        fn(max(1, n // 10))
    rates: dict[str, list[float]] = {name: [] for name in runners}
    for _ in range(REPEATS):
        for name, (fn, n) in runners.items():
            t0 = time.perf_counter()
            fn(n)
            rates[name].append(n / (time.perf_counter() - t0))
    return {name: (max(r), statistics.median(r)) for name, r in rates.items()}


def best_time(fn: Callable[[], object], repeats: int = 20) -> float:
    fn()
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def plain_numpy_step(sizes: list[int], X: np.ndarray, y: np.ndarray, batch: int, seed: int = 0):
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


def sklearn_steps(sizes, X, y, batch) -> Callable[[int], None] | None:
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

    return run


def torch_steps(sizes, X, y, batch) -> Callable[[int], None] | None:
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

    return run


def line(label: str, rates: tuple[float, float] | None, ref: float) -> None:
    if rates is None:
        print(f"  {label:<42} (not installed: skipped)")
        return
    best, median = rates
    print(
        f"  {label:<42} {best:>8,.0f} steps/s (median {median:>6,.0f})  "
        f"{best / ref:5.2f}× the plain NumPy step"
    )


def bench_net(sizes: list[int], batch: int) -> None:
    name = "-".join(map(str, sizes))
    data = "blobs" if sizes[-1] == 3 else "moons"
    X, y = make_dataset(data, n=600, noise=0.1, seed=0)
    print(f"\n{name}, batch {batch} ({data}, {len(X)} points); best of {REPEATS} rounds")
    trainer = Trainer(MLP(sizes, activation="tanh", seed=0), X, y, lr=0.1, batch_size=batch)
    model = MLP(sizes, activation="tanh", seed=0)

    def public(n: int) -> None:
        for it in range(n):
            lo = (it * batch) % (len(X) - batch)
            model.step(X[lo : lo + batch], y[lo : lo + batch], 0.1)

    runners = {
        "plain": (plain_numpy_step(sizes, X, y, batch), 2000),
        "trainer": (trainer.run, 2000),
        "step": (public, 2000),
    }
    others = {
        "sklearn": sklearn_steps(sizes, X, y, batch),
        "torch": torch_steps(sizes, X, y, batch),
    }
    runners.update({name: (fn, 200) for name, fn in others.items() if fn is not None})
    rates = interleaved_rates(runners)
    ref = rates["plain"][0]
    line("plain NumPy step (reference, inline)", rates["plain"], ref)
    line("engine Trainer.run (shuffled minibatches)", rates["trainer"], ref)
    line("engine MLP.step (checks inputs each call)", rates["step"], ref)
    line("scikit-learn MLPClassifier.partial_fit", rates.get("sklearn"), ref)
    line("PyTorch eager step (float64, 1 thread)", rates.get("torch"), ref)
    rate = rates["trainer"][0]

    if sizes == [2, 8, 8, 1]:
        verdict = "met" if rate >= STEPS_TARGET else "MISSED"
        print(f"  target {STEPS_TARGET:,} steps/s through Trainer.run: {verdict}")

    grid = grid_points((-2.0, 2.0, -2.0, 2.0), 100)
    t_page = best_time(lambda: model.predict_proba(grid, dtype=np.float32))
    t_engine = best_time(lambda: model.forward(grid))

    def plain_forward() -> np.ndarray:
        h = grid
        for W, b in model.params[:-1]:
            h = np.tanh(h @ W + b)
        W, b = model.params[-1]
        return h @ W + b

    t_plain = best_time(plain_forward)
    print(
        f"  forward of the 100×100 grid: as drawn (float32) {t_page * 1e3:.2f} ms, "
        f"MLP.forward (float64) {t_engine * 1e3:.2f} ms, plain NumPy float64 "
        f"{t_plain * 1e3:.2f} ms (drawn: {t_page / t_plain:.2f}× its time)"
    )
    if sizes == [2, 8, 8, 1]:
        verdict = "met" if t_page * 1e3 <= GRID_TARGET_MS else "MISSED"
        print(f"  target {GRID_TARGET_MS} ms for the grid: {verdict}")

    Xs, ys = make_dataset(data, n=200, noise=0.1, seed=0)
    play = Trainer(MLP(sizes, activation="tanh", seed=0), Xs, ys, lr=0.1, batch_size=batch)
    grid60 = grid_points((-2.0, 2.0, -2.0, 2.0), 60)

    def one_run_of_frames() -> None:
        frames = play_frames(play, grid60, n_frames=24, steps_per_frame=5)
        for f in frames:
            encode_image(boundary_rgb(f.probs, 60))

    t_run = best_time(one_run_of_frames, repeats=5)
    print(
        f"  Play: 24 frames (5 steps + 60×60 boundary each) in {t_run * 1e3:.0f} ms: the server "
        f"can produce {24 / t_run:,.0f} frames/s (the browser plays 20)"
    )


def bench_regression(hidden: list[int]) -> None:
    """What Play computes per run of frames for a curve: steps, f and the contributions."""
    x, y = make_regression("sine", n=50, seed=0)
    sizes = [1, *hidden, 1]
    play = Trainer(MLP(sizes, activation="tanh", seed=0, output="linear"), x, y, lr=0.2)
    line = line_points((-1.2, 1.2), 121)

    def one_run_of_frames() -> None:
        for f in play_frames(play, line, n_frames=24, steps_per_frame=5):
            encode_floats(f.values)
            encode_floats(f.contributions)

    t_run = best_time(one_run_of_frames, repeats=5)
    print(
        f"\n{'-'.join(map(str, sizes))} regression (sine, 50 points): 24 frames (5 steps + f and "
        f"{hidden[-1]} contributions at 121 inputs each) in {t_run * 1e3:.0f} ms: "
        f"{24 / t_run:,.0f} frames/s"
    )


# (label, URL settings) of the nets whose Play is timed in the browser. Every setting that sets
# the work per frame is pinned: a data set's own starting settings (Spiral: 500 points, 10 steps
# per frame) would change what is measured, and its deep ReLU net then diverges within the run.
PINNED = "n=200&noise=0.1&lr=0.2&batch=10&speed=5"
BROWSER_NETS = [
    ("2-8-8-1 tanh, circles (the default)", ""),
    ("2-32-32-32-3 tanh, blobs", f"dataset=blobs&hidden=32,32,32&{PINNED}"),
    ("2-64×6-1 relu, spiral", f"dataset=spiral&act=relu&hidden=64,64,64,64,64,64&{PINNED}"),
    ("1-8-1 tanh, sine (regression)", "mlp_task=regression"),
    ("1-64-1 tanh, noisy line (regression)",
     "mlp_task=regression&mlp_curve=noisy&mlp_hidden=64&mlp_n=500"),
]  # fmt: skip


def in_browser(seconds: float) -> None:
    """Press Play in Chromium and count the boundary pictures drawn per second."""
    from playwright.sync_api import sync_playwright

    print(f"\nIn Chromium, Play for {seconds:g} s after a 3 s warm-up (load average "
          f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores):")  # fmt: skip
    with running_app() as url, sync_playwright() as pw:
        browser = launch_chromium(pw)
        for label, query in BROWSER_NETS:
            page = browser.new_page(viewport={"width": 1440, "height": 1000})
            page.set_default_timeout(120_000)
            page.goto(f"{url}/mlp?{query}")
            page.locator('[data-testid="mlp-player"][data-iteration="0"]').wait_for()
            page.get_by_role("button", name="Play").click()
            page.wait_for_function("window.__mlpPlayer.framesDrawn > 0")
            page.wait_for_timeout(3000)
            n0, t0 = page.evaluate("[window.__mlpPlayer.framesDrawn, performance.now()]")
            page.wait_for_timeout(seconds * 1000)
            n1, t1 = page.evaluate("[window.__mlpPlayer.framesDrawn, performance.now()]")
            fps = (n1 - n0) / ((t1 - t0) / 1000)
            curve = "regression" in label
            target = CURVE_FPS_TARGET if curve else FPS_TARGET
            verdict = "met" if fps >= target else "MISSED"
            what = "curve" if curve else "boundary"
            print(f"  {label:<38} {fps:5.1f} {what} updates/s "
                  f"(target {target}: {verdict})")  # fmt: skip
            pause = page.get_by_role("button", name="Pause")
            if pause.count():  # (a run that diverged has paused by itself)
                pause.click()
            page.close()
        browser.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--browser", action="store_true", help="also measure Play in Chromium")
    parser.add_argument("--seconds", type=float, default=10.0, help="browser measuring time")
    args = parser.parse_args()
    print(f"NumPy {np.__version__}, Python {sys.version.split()[0]}, "
          f"OPENBLAS_NUM_THREADS={os.environ.get('OPENBLAS_NUM_THREADS', 'unset')}, "
          f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")  # fmt: skip
    bench_net([2, 8, 8, 1], 10)
    bench_net([2, 32, 32, 32, 3], 32)
    bench_regression([8])
    bench_regression([64])
    if args.browser:
        in_browser(args.seconds)


if __name__ == "__main__":
    main()
