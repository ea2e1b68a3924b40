"""How fast the NumPy LeNet learns the 8×8 digits: time to 95 % test accuracy.

    OPENBLAS_NUM_THREADS=1 python benchmarks/bench_lenet.py [--seeds 0 1 2] [--epochs 30]

Trains the page's default network and settings (ReLU, max pooling, η = 0.02, batch 32,
momentum 0.9) on the page's fixed split, for a few seeds, and prints per seed: seconds per epoch,
the first epoch with test accuracy ≥ 95 % and the training time until then (the page's "95 %
reached" metric: SGD steps plus the per-epoch test evaluation), and the best test accuracy.

The reference, in the same run: the same network and settings in PyTorch on one thread, when
/work/bench-venv/bin/python can import torch (it is not a dependency of the lab; skipped
otherwise). Its initialisation follows the same rules (He for ReLU) but not the same random numbers,
so compare speeds, not the exact epochs.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from engine.cnn import LeNet, Trainer  # noqa: E402
from engine.digits import split_digits  # noqa: E402

TORCH_PYTHON = Path("/work/bench-venv/bin/python")
SETTINGS = {"lr": 0.02, "batch_size": 32, "momentum": 0.9}
TARGET = 0.95

TORCH_SCRIPT = r"""
import json, sys, time
import numpy as np
import torch
from torch import nn

torch.set_num_threads(1)
data = np.load(sys.argv[1])
seed, epochs, lr, batch, momentum = (int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4]),
                                     int(sys.argv[5]), float(sys.argv[6]))
torch.manual_seed(seed)
xtr, ytr = torch.tensor(data["X_train"]), torch.tensor(data["y_train"])
xte, yte = torch.tensor(data["X_test"]), torch.tensor(data["y_test"])
net = nn.Sequential(
    nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
    nn.Conv2d(6, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
    nn.Linear(64, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 10),
).double()
for m in net:
    if isinstance(m, (nn.Conv2d, nn.Linear)):
        nn.init.kaiming_normal_(m.weight, nonlinearity="relu")
        nn.init.zeros_(m.bias)
opt = torch.optim.SGD(net.parameters(), lr=lr, momentum=momentum)
loss_fn = nn.CrossEntropyLoss()
g = torch.Generator().manual_seed(seed)
seconds, accs, times = 0.0, [], []
for epoch in range(epochs):
    t0 = time.perf_counter()
    order = torch.randperm(len(ytr), generator=g)
    for i in range(0, len(ytr), batch):
        idx = order[i : i + batch]
        opt.zero_grad()
        loss = loss_fn(net(xtr[idx]), ytr[idx])
        loss.backward()
        opt.step()
    with torch.no_grad():
        acc = (net(xte).argmax(1) == yte).double().mean().item()
    seconds += time.perf_counter() - t0
    accs.append(acc)
    times.append(seconds)
print(json.dumps({"accuracy": accs, "seconds": times}))
"""


def numpy_run(seed: int, epochs: int) -> dict:
    d = split_digits(seed=0)
    trainer = Trainer(
        LeNet(seed=seed), d.X_train, d.y_train, d.X_test, d.y_test, shuffle_seed=seed, **SETTINGS
    )
    t0 = time.perf_counter()
    trainer.run(until_epoch=epochs)
    wall = time.perf_counter() - t0
    h = trainer.history
    return {"accuracy": h.test_accuracy[1:], "seconds": h.seconds[1:], "wall": wall}


def torch_run(seed: int, epochs: int, data_file: str) -> dict | None:
    args = [str(seed), str(epochs), *(str(SETTINGS[k]) for k in ("lr", "batch_size", "momentum"))]
    env = dict(os.environ, OMP_NUM_THREADS="1", MKL_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1")
    proc = subprocess.run(
        [str(TORCH_PYTHON), "-c", TORCH_SCRIPT, data_file, *args],
        capture_output=True, text=True, env=env, timeout=600,
    )  # fmt: skip
    if proc.returncode != 0:
        return None
    return json.loads(proc.stdout)


def torch_available() -> str | None:
    """None if the reference can run, else why not."""
    if not TORCH_PYTHON.exists():
        return f"{TORCH_PYTHON} not found"
    proc = subprocess.run(
        [str(TORCH_PYTHON), "-c", "import torch"], capture_output=True, text=True, timeout=120
    )
    if proc.returncode != 0:
        return proc.stderr.strip().splitlines()[-1] if proc.stderr.strip() else "import failed"
    return None


def first_hit(run: dict) -> tuple[int | None, float | None]:
    for epoch, (acc, sec) in enumerate(zip(run["accuracy"], run["seconds"], strict=True), 1):
        if acc >= TARGET:
            return epoch, sec
    return None, None


def describe(name: str, seed: int, run: dict) -> str:
    epochs = len(run["accuracy"])
    per_epoch = run["seconds"][-1] / epochs
    epoch, sec = first_hit(run)
    hit = f"epoch {epoch:2d} after {sec:5.2f} s" if epoch else f"not within {epochs} epochs"
    return (
        f"{name:<16} seed {seed}: {per_epoch * 1000:6.0f} ms/epoch · ≥95 % at {hit} · "
        f"best {max(run['accuracy']):.1%}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--epochs", type=int, default=30)
    args = parser.parse_args()
    print(f"OPENBLAS_NUM_THREADS={os.environ.get('OPENBLAS_NUM_THREADS', 'unset')}, "
          f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")  # fmt: skip
    print(f"settings: {SETTINGS}, {args.epochs} epochs, target {TARGET:.0%} test accuracy\n")
    why_not = torch_available()
    d = split_digits(seed=0)
    with tempfile.TemporaryDirectory() as tmp:
        data_file = str(Path(tmp) / "digits.npz")
        np.savez(data_file, X_train=d.X_train, y_train=d.y_train, X_test=d.X_test, y_test=d.y_test)
        ratios = []
        for seed in args.seeds:
            ours = numpy_run(seed, args.epochs)
            print(describe("NumPy (engine)", seed, ours))
            if why_not is None:
                ref = torch_run(seed, args.epochs, data_file)
                if ref is None:
                    print("PyTorch 1-thread: failed to run")
                else:
                    print(describe("PyTorch 1-thread", seed, ref))
                    ratios.append(ours["seconds"][-1] / ref["seconds"][-1])
    if why_not is not None:
        print(f"\nPyTorch reference skipped: {why_not}")
    elif ratios:
        print(f"\nNumPy engine time per epoch / PyTorch 1-thread: {np.median(ratios):.2f}×")


if __name__ == "__main__":
    main()
