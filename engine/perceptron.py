"""The perceptron of the lecture: a step of an affine score, trained by correcting mistakes.

Vectors are *extended* as in the lecture: a point x = (x1, ..., xd) becomes (x1, ..., xd, 1) and
the weights w = (w1, ..., wd) with bias b become (w1, ..., wd, b), so the score is one inner
product <w, x>.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from engine.datasets import LECTURE_START_WEIGHTS

Array = NDArray[np.float64]
# Where a two-input perceptron starts: the lecture's w = (1, 2), b = -1, all zeros, or small
# random integers (a seed picks them, so a shared link starts from the same weights).
START_KINDS = ("lecture", "zeros", "random")


def step(z: ArrayLike) -> NDArray[np.int64] | int:
    """The lecture's activation σ: 1 where z > 0, else 0 (so a score of exactly 0 is class 0)."""
    z_arr = np.asarray(z, dtype=np.float64)
    out = (z_arr > 0).astype(np.int64)
    return int(out) if out.ndim == 0 else out


def extend(X: ArrayLike) -> Array:
    """Append the constant 1 to each point.

    Parameters
    ----------
    X : (n, d) points.

    Returns
    -------
    (n, d + 1) extended points, bias coordinate last.
    """
    X_arr = np.asarray(X, dtype=np.float64)
    if X_arr.ndim != 2:
        raise ValueError(f"Points must be a table of shape (n, d); got shape {X_arr.shape}.")
    return np.hstack([X_arr, np.ones((X_arr.shape[0], 1))])


@dataclass(frozen=True)
class PerceptronStep:
    """One visit of one point: what the perceptron saw, predicted and did."""

    epoch: int  # from 1
    index: int  # position of the point in the data, from 0
    x: Array  # extended point (d + 1,)
    score: float  # <w, x> with the weights *before* this step
    predicted: int
    label: int
    updated: bool
    w: Array  # extended weights *after* this step (d + 1,)
    w_before: Array  # extended weights this step started from (d + 1,)


@dataclass
class PerceptronRun:
    """A whole training run, step by step."""

    w_start: Array
    steps: list[PerceptronStep]
    w: Array
    converged: bool
    cycled: bool
    epochs: int
    # When cycled: the earlier epoch whose starting weights came back at the start of `epochs + 1`.
    cycle_start: int | None = None
    max_epochs: int = 100

    def mistakes_per_epoch(self) -> list[int]:
        counts = [0] * self.epochs
        for s in self.steps:
            counts[s.epoch - 1] += int(s.updated)
        return counts

    def epoch_start_weights(self) -> list[Array]:
        """Weights at the start of every epoch run (and after the last one)."""
        starts = [self.w_start]
        for s in self.steps:
            if s.index == 0 and s.epoch > 1:
                starts.append(s.w_before)
        starts.append(self.w)
        return starts


def _check_data(X: ArrayLike, y: ArrayLike) -> tuple[Array, NDArray[np.int64]]:
    X_arr = np.asarray(X, dtype=np.float64)
    if X_arr.ndim != 2 or X_arr.shape[0] == 0:
        raise ValueError(f"Points must be a non-empty table of shape (n, d); got {X_arr.shape}.")
    if not np.all(np.isfinite(X_arr)):
        raise ValueError("Every coordinate must be a finite number (no blanks, NaN or infinity).")
    y_arr = np.asarray(y)
    if y_arr.shape != (X_arr.shape[0],):
        raise ValueError(
            f"There must be one label per point: {X_arr.shape[0]} points, "
            f"labels of shape {y_arr.shape}."
        )
    if not np.all(np.isin(y_arr, (0, 1))):
        raise ValueError("Perceptron labels must be 0 or 1.")
    return X_arr, y_arr.astype(np.int64)


def train(
    X: ArrayLike,
    y: ArrayLike,
    w: ArrayLike | None = None,
    *,
    max_epochs: int = 100,
    lr: float = 1.0,
) -> PerceptronRun:
    """Train the perceptron exactly as in the lecture.

    Parameters
    ----------
    X : (n, d) raw points (not extended).
    y : (n,) labels in {0, 1}.
    w : (d + 1,) extended starting weights, bias last; zeros by default.
    max_epochs : upper bound on passes over the data.
    lr : learning rate multiplying each update (the lecture uses 1).

    Points are visited in order. On a mistake, w += lr * x if the label is 1, w -= lr * x if it
    is 0.
    The run stops after the first epoch without a mistake (converged), when the weights at the start
    of an epoch equal those at the start of an earlier epoch (cycled: the same epochs would repeat
    forever), or after `max_epochs`.
    """
    X_arr, y_arr = _check_data(X, y)
    if max_epochs < 1:
        raise ValueError("max_epochs must be at least 1.")
    if not np.isfinite(lr) or lr <= 0:
        raise ValueError("The learning rate must be a positive number.")
    Xe = extend(X_arr)
    d1 = Xe.shape[1]
    w_cur = np.zeros(d1) if w is None else np.array(w, dtype=np.float64).reshape(-1)
    if w_cur.shape != (d1,):
        raise ValueError(
            f"Starting weights need {d1} numbers (w1..w{d1 - 1}, b); got {w_cur.size}."
        )
    if not np.all(np.isfinite(w_cur)):
        raise ValueError("Starting weights must be finite numbers.")

    w_start = w_cur.copy()
    steps: list[PerceptronStep] = []
    seen_starts: dict[bytes, int] = {}
    converged = cycled = False
    cycle_start: int | None = None
    epoch = 0
    while epoch < max_epochs:
        key = w_cur.tobytes()
        if key in seen_starts:
            cycled = True
            cycle_start = seen_starts[key]
            break
        epoch += 1
        seen_starts[key] = epoch
        mistakes = 0
        for i, (x, label) in enumerate(zip(Xe, y_arr, strict=True)):
            score = float(w_cur @ x)
            predicted = int(score > 0)
            updated = predicted != label
            w_before = w_cur
            if updated:
                mistakes += 1
                w_cur = w_cur + lr * x if label == 1 else w_cur - lr * x
            steps.append(
                PerceptronStep(
                    epoch=epoch,
                    index=i,
                    x=x.copy(),
                    score=score,
                    predicted=predicted,
                    label=int(label),
                    updated=updated,
                    w=w_cur.copy(),
                    w_before=w_before.copy(),
                )
            )
        if mistakes == 0:
            converged = True
            break
    return PerceptronRun(
        w_start=w_start,
        steps=steps,
        w=w_cur,
        converged=converged,
        cycled=cycled,
        epochs=epoch,
        cycle_start=cycle_start,
        max_epochs=max_epochs,
    )


def data_problems(X: ArrayLike, y: ArrayLike) -> tuple[list[str], list[str]]:
    """What a learner should be told about a data set before training on it.

    Returns ``(errors, warnings)``: errors make training meaningless (fewer than two points, only
    one class); warnings still allow it (a point given both labels can never be separated, so the
    perceptron will cycle, which is worth watching).
    """
    X_arr = np.asarray(X, dtype=np.float64)
    y_arr = np.asarray(y)
    errors: list[str] = []
    warnings: list[str] = []
    if X_arr.shape[0] < 2:
        errors.append("Add at least two points: a boundary separates points, and there are none.")
        return errors, warnings
    classes = set(np.unique(y_arr).tolist())
    if len(classes) < 2:
        only = next(iter(classes))
        errors.append(
            f"Every point is in class {only}. Give at least one point class {1 - only}: "
            "with one class there is nothing to separate."
        )
    _, inverse, counts = np.unique(X_arr, axis=0, return_inverse=True, return_counts=True)
    for group in np.flatnonzero(counts > 1):
        members = np.flatnonzero(inverse.reshape(-1) == group)
        if len(set(y_arr[members].tolist())) > 1:
            point = ", ".join(f"{v:g}" for v in X_arr[members[0]])
            rows = ", ".join(str(m + 1) for m in members)
            warnings.append(
                f"The point ({point}) appears in rows {rows} with both labels: no line can "
                "separate a point from itself, so the perceptron can never converge."
            )
    return errors, warnings


def start_weights(kind: str, seed: int = 0) -> Array:
    """Extended starting weights (w1, w2, b) of a two-input perceptron.

    ``kind`` is one of START_KINDS; ``seed`` picks the random integers (ignored otherwise).
    Random weights are integers in -3..3: every score stays exact, so an inner product can be
    checked by hand and a repeat of the weights (a cycle) is an exact repeat.
    """
    if kind == "lecture":
        return LECTURE_START_WEIGHTS.copy()
    if kind == "zeros":
        return np.zeros(3)
    if kind == "random":
        return np.random.default_rng(seed).integers(-3, 4, size=3).astype(np.float64)
    raise ValueError(f"Unknown start {kind!r}; choose one of: {', '.join(START_KINDS)}.")
