"""Small data sets for the lessons: the lecture's four points, logic gates and toy shapes in 2-D
for classification, 1-D curves for regression, and a train/test split.

Every generator is deterministic for a given seed: the same seed gives the same data, so a teacher's
shared link opens the same picture on every learner's screen.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

Array = NDArray[np.float64]
Labels = NDArray[np.int64]

# The lecture's worked example: (0,1) and (1,0) are class 0, (2,1) and (1,2) class 1.
LECTURE_POINTS = np.array([[0.0, 1.0], [1.0, 0.0], [2.0, 1.0], [1.0, 2.0]])
LECTURE_LABELS = np.array([0, 0, 1, 1])
# The lecture's starting perceptron: w = (1, 2), b = -1, as one extended vector (bias last).
LECTURE_START_WEIGHTS = np.array([1.0, 2.0, -1.0])

GATE_INPUTS = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
GATE_TRUTH = {
    "and": np.array([0, 0, 0, 1]),
    "or": np.array([0, 1, 1, 1]),
    "nand": np.array([1, 1, 1, 0]),
    "nor": np.array([1, 0, 0, 0]),
    "xor": np.array([0, 1, 1, 0]),
}

FIXED_DATASETS = ("lecture", *GATE_TRUTH)
GENERATED_DATASETS = ("linear", "gaussian", "circles", "moons", "spiral", "blobs", "xor_cloud")
DATASETS = FIXED_DATASETS + GENERATED_DATASETS

DESCRIPTIONS = {
    "lecture": "The lecture's four points: (0,1), (1,0) in class 0; (2,1), (1,2) in class 1.",
    "and": "Logic AND on {0,1}²: only (1,1) is class 1.",
    "or": "Logic OR on {0,1}²: only (0,0) is class 0.",
    "nand": "Logic NAND on {0,1}²: only (1,1) is class 0.",
    "nor": "Logic NOR on {0,1}²: only (0,0) is class 1.",
    "xor": "Logic XOR on {0,1}²: class 1 where exactly one input is 1. Not linearly separable.",
    "linear": "Random points split by a random line, with a margin: linearly separable.",
    "gaussian": "Two Gaussian clouds, one per class.",
    "circles": "Two concentric rings; the inner ring has half the outer radius.",
    "moons": "Two interleaving half circles.",
    "spiral": "Two interleaved spiral arms.",
    "blobs": "Three Gaussian clouds: three classes.",
    "xor_cloud": "XOR grown into four quadrants: class 1 where exactly one coordinate is "
    "positive. Not linearly separable.",
}


def num_classes(name: str) -> int:
    return 3 if name == "blobs" else 2


def make_dataset(
    name: str, *, n: int = 200, noise: float = 0.0, seed: int = 0
) -> tuple[Array, Labels]:
    """Build a named 2-D data set.

    Parameters
    ----------
    name : one of ``DATASETS``.
    n : number of points for generated sets (the fixed sets, lecture and gates, ignore it).
    noise : standard deviation of Gaussian jitter added to generated points (ignored by fixed sets).
    seed : seed of ``numpy.random.default_rng``; the same seed gives the same data.

    Returns
    -------
    X : (n, 2) points. y : (n,) integer labels from 0.
    """
    key = name.lower()
    if key == "lecture":
        return LECTURE_POINTS.copy(), LECTURE_LABELS.copy()
    if key in GATE_TRUTH:
        return GATE_INPUTS.copy(), GATE_TRUTH[key].copy()
    if key not in GENERATED_DATASETS:
        raise ValueError(f"Unknown data set {name!r}; choose one of: {', '.join(DATASETS)}.")
    _check_n_and_noise(n, noise)
    rng = np.random.default_rng(seed)
    X, y = _GENERATORS[key](n, rng)
    if noise > 0:
        X = X + rng.normal(scale=noise, size=X.shape)
    return X, y


def _check_n_and_noise(n: int, noise: float) -> None:
    if not 2 <= n <= 100_000:
        raise ValueError("The number of points must be between 2 and 100,000.")
    if not np.isfinite(noise) or noise < 0:
        raise ValueError("Noise must be a number ≥ 0.")


def _halves(n: int) -> tuple[int, int]:
    return n - n // 2, n // 2


def _linear(n: int, rng: np.random.Generator) -> tuple[Array, Labels]:
    # A random line through the middle of the square, and points kept only outside a margin
    # around it, so that the set is separable with room to spare (the perceptron converges fast).
    angle = rng.uniform(0, 2 * np.pi)
    normal = np.array([np.cos(angle), np.sin(angle)])
    offset = rng.uniform(-0.3, 0.3)
    points: list[Array] = []
    while sum(len(p) for p in points) < n:
        cand = rng.uniform(-1, 1, size=(2 * n, 2))
        points.append(cand[np.abs(cand @ normal - offset) > 0.1])
    X = np.concatenate(points)[:n]
    y = (X @ normal - offset > 0).astype(np.int64)
    if y.min() == y.max():  # tiny n can land on one side: move the first point across
        X[0] -= 2 * (X[0] @ normal - offset) * normal
        y[0] = 1 - y[0]
    return X, y


def _gaussian(n: int, rng: np.random.Generator) -> tuple[Array, Labels]:
    n0, n1 = _halves(n)
    X = np.vstack(
        [
            rng.normal(loc=(-0.6, -0.6), scale=0.35, size=(n0, 2)),
            rng.normal(loc=(0.6, 0.6), scale=0.35, size=(n1, 2)),
        ]
    )
    return X, np.repeat([0, 1], [n0, n1])


def _circles(n: int, rng: np.random.Generator) -> tuple[Array, Labels]:
    n_outer, n_inner = _halves(n)
    t_outer = rng.uniform(0, 2 * np.pi, n_outer)
    t_inner = rng.uniform(0, 2 * np.pi, n_inner)
    X = np.vstack(
        [
            np.column_stack([np.cos(t_outer), np.sin(t_outer)]),
            0.5 * np.column_stack([np.cos(t_inner), np.sin(t_inner)]),
        ]
    )
    return X, np.repeat([0, 1], [n_outer, n_inner])


def _moons(n: int, rng: np.random.Generator) -> tuple[Array, Labels]:
    n0, n1 = _halves(n)
    t0 = rng.uniform(0, np.pi, n0)
    t1 = rng.uniform(0, np.pi, n1)
    upper = np.column_stack([np.cos(t0), np.sin(t0)])
    lower = np.column_stack([1 - np.cos(t1), 0.5 - np.sin(t1)])
    # Centre the pair on the origin so it fits the same view as the other sets.
    X = np.vstack([upper, lower]) - np.array([0.5, 0.25])
    return X, np.repeat([0, 1], [n0, n1])


def _spiral(n: int, rng: np.random.Generator) -> tuple[Array, Labels]:
    n0, n1 = _halves(n)
    arms = []
    for count, phase in ((n0, 0.0), (n1, np.pi)):
        r = rng.uniform(0.05, 1.0, count)
        t = 1.75 * 2 * np.pi * r + phase
        arms.append(np.column_stack([r * np.cos(t), r * np.sin(t)]))
    return np.vstack(arms), np.repeat([0, 1], [n0, n1])


def _blobs(n: int, rng: np.random.Generator) -> tuple[Array, Labels]:
    counts = [n // 3 + (1 if i < n % 3 else 0) for i in range(3)]
    angles = np.pi / 2 + np.array([0, 2, 4]) * np.pi / 3
    centres = 0.75 * np.column_stack([np.cos(angles), np.sin(angles)])
    X = np.vstack(
        [rng.normal(loc=c, scale=0.25, size=(k, 2)) for c, k in zip(centres, counts, strict=True)]
    )
    return X, np.repeat(np.arange(3), counts)


def _xor_cloud(n: int, rng: np.random.Generator) -> tuple[Array, Labels]:
    # XOR of the bits "x1 > 0" and "x2 > 0": the gate's corners (1,1), (0,1), (0,0), (1,0)
    # become the quadrants (+,+), (−,+), (−,−), (+,−), as in TensorFlow Playground. Quadrants are
    # dealt in turn, so even 2 points have both classes; points keep 0.1 away from the axes,
    # so that without noise every point is on its own side.
    quadrant = rng.permutation(np.arange(n) % 4)
    signs = np.array([[1.0, 1.0], [-1.0, 1.0], [-1.0, -1.0], [1.0, -1.0]])[quadrant]
    X = signs * rng.uniform(0.1, 1.0, size=(n, 2))
    return X, (X[:, 0] * X[:, 1] < 0).astype(np.int64)


_GENERATORS = {
    "linear": _linear,
    "gaussian": _gaussian,
    "circles": _circles,
    "moons": _moons,
    "spiral": _spiral,
    "blobs": _blobs,
    "xor_cloud": _xor_cloud,
}


# ----------------------------------------------------------------------------- regression

REGRESSION_DATASETS = ("sine", "step", "abs", "noisy")
REGRESSION_DESCRIPTIONS = {
    "sine": "One period of a sine, y = sin(πx): smooth, with two bends.",
    "step": "A step, y = 0 left of 0 and 1 right of it: one jump, no slope.",
    "abs": "The absolute value, y = |x|: one kink, which two ReLU units make exactly.",
    "noisy": "A straight line, y = x / 2, seen through strong noise (σ = 0.3): a big network "
    "chases the noise instead of the line.",
}
REGRESSION_RANGE = (-1.0, 1.0)


def make_regression(
    name: str, *, n: int = 50, noise: float = 0.0, seed: int = 0
) -> tuple[Array, Array]:
    """A curve of ``REGRESSION_DATASETS`` sampled at n random points, for fitting with f itself
    as the output (the lecture's regression). n, noise and seed mean what they mean for
    ``make_dataset``; the noise is added to y (on top of the noisy set's own).

    Returns
    -------
    x : (n, 1) inputs in ``REGRESSION_RANGE``, sorted (so a curve through them draws as a line).
    y : (n,) targets.
    """
    key = name.lower()
    if key not in REGRESSION_DATASETS:
        raise ValueError(
            f"Unknown data set {name!r}; choose one of: {', '.join(REGRESSION_DATASETS)}."
        )
    _check_n_and_noise(n, noise)
    rng = np.random.default_rng(seed)
    x = np.sort(rng.uniform(*REGRESSION_RANGE, size=n))
    if key == "sine":
        y = np.sin(np.pi * x)
    elif key == "step":
        y = (x >= 0).astype(np.float64)
    elif key == "abs":
        y = np.abs(x)
    else:
        y = 0.5 * x + rng.normal(scale=0.3, size=n)
    if noise > 0:
        y = y + rng.normal(scale=noise, size=n)
    return x[:, None], y


# ----------------------------------------------------------------------------- splitting


def train_test_split(
    X: ArrayLike, y: ArrayLike, *, test_size: float = 0.0, seed: int = 0
) -> tuple[Array, Array, NDArray, NDArray]:
    """Shuffle the points with ``default_rng(seed)`` and hold out a fraction as the test set.

    Parameters
    ----------
    X : (n, d) points. y : (n,) labels or target values (their dtype is kept).
    test_size : the fraction held out, 0 ≤ test_size < 1.

    Returns
    -------
    X_train (n − m, d), X_test (m, d), y_train (n − m,), y_test (m,), in scikit-learn's order,
    with m = round(test_size · n), at most n − 1 so that something is left to train on.
    """
    X_arr = np.asarray(X, dtype=np.float64)
    y_arr = np.asarray(y)
    if len(X_arr) != len(y_arr):
        raise ValueError(f"There must be one label per point: {len(X_arr)} and {len(y_arr)}.")
    train, test = split_indices(X_arr.shape[0], test_size=test_size, seed=seed)
    return X_arr[train], X_arr[test], y_arr[train], y_arr[test]


def split_indices(
    n: int, *, test_size: float = 0.0, seed: int = 0
) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """The split ``train_test_split`` makes, as indices: (train (n − m,), test (m,)).

    For a caller that must know where each point came from (the playground erases points of a
    data set by their index without reshuffling the others between training and test).
    """
    if not 0.0 <= test_size < 1.0:
        raise ValueError("The test fraction must be at least 0 and below 1.")
    m = max(0, min(round(test_size * n), n - 1))
    order = np.random.default_rng(seed).permutation(n)
    return order[m:], order[:m]
