"""Gradient descent on a model small enough to see: logistic regression with two weights.

The model is p(y = 1 | x) = σ(w₁x₁ + w₂x₂) (no bias, so the whole parameter space is the plane
(w₁, w₂) and its loss surface can be drawn as contours). The loss is the mean binary
cross-entropy over the data set, as in the lecture: L(w) = 1/|D| Σ ℓ(x, y).

Three ways to follow the gradient from the same start, all with the lecture's update
w_t = w_{t−1} − α · (1/|B|) Σ_{x∈B} ∂ℓ/∂w:

- full-batch gradient descent: B = D, one iteration per epoch;
- minibatch SGD: each epoch randomly partitions D into batches of size b (the last one smaller
  when b does not divide n), one iteration per batch: ceil(n / b) iterations per epoch;
- single-sample SGD: b = 1, n iterations per epoch.

An *epoch* is one pass over the data; an *iteration* is one update. The lecture's slide samples a
fresh random batch every iteration; its note says that in practice each epoch partitions the data.
Both are available (``sampling="partition" | "sample"``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np
from numpy.typing import ArrayLike, NDArray

from engine.activations import sigmoid
from engine.losses import binary_cross_entropy_with_logits, binary_cross_entropy_with_logits_grad

Array = NDArray[np.float64]
Labels = NDArray[np.int64]

METHODS = ("gd", "minibatch", "sgd")
METHOD_NAMES = {
    "gd": "Full-batch GD",
    "minibatch": "Minibatch SGD",
    "sgd": "Single-sample SGD",
}
SAMPLING = ("partition", "sample")

MAX_POINTS = 200
MAX_EPOCHS = 30
MAX_LR = 100.0
# A run is stopped ("diverged") once the loss exceeds this many times max(start loss, log 2), or
# a weight leaves [-W_LIMIT, W_LIMIT]: far outside anything the chart shows, and the way back, if
# any, no longer teaches anything.
DIVERGE_FACTOR = 4.0
W_LIMIT = 50.0

# The data: two overlapping Gaussian clouds, class 1 around (0.5, 0.5), class 0 around
# (−0.5, −0.5); x₁ spread wide, x₂ narrow. A wide feature makes the loss steep along w₁ and flat
# along w₂: a long, narrow valley, where a too-large step bounces from wall to wall.
DATA_SEED = 2
CLASS_MEAN = (0.5, 0.5)
FEATURE_SD = (1.6, 0.6)
DEFAULT_START = (-3.0, -1.0)


def make_data(n: int = 100) -> tuple[Array, Labels]:
    """The lesson's data set: the first n of a fixed draw of MAX_POINTS points.

    Parameters
    ----------
    n : number of points, 2 ... MAX_POINTS. Labels alternate 0, 1, 0, ... so classes are balanced
        and a larger n only adds points (the surface changes little).

    Returns
    -------
    X : (n, 2) points. y : (n,) labels in {0, 1}.
    """
    n = _int_in(n, "The number of points", 2, MAX_POINTS)
    rng = np.random.default_rng(DATA_SEED)
    y = np.arange(MAX_POINTS) % 2
    sign = (2 * y - 1)[:, None]
    X = sign * np.array(CLASS_MEAN) + rng.normal(size=(MAX_POINTS, 2)) * np.array(FEATURE_SD)
    return X[:n], y[:n].astype(np.int64)


# -- the model: loss and gradient ---------------------------------------------------------------


def losses_at(W: ArrayLike, X: ArrayLike, y: ArrayLike) -> Array:
    """Mean binary cross-entropy of the model at many weight vectors at once.

    ℓ = −y log σ(z) − (1 − y) log(1 − σ(z)) = softplus(z) − y z with z = ⟨w, x⟩, computed from z
    so that it stays finite where σ(z) rounds to 0 or 1.

    Parameters
    ----------
    W : (..., 2) weight vectors. X : (n, 2) points. y : (n,) labels in {0, 1}.

    Returns
    -------
    (...) mean loss over the n points for every weight vector.
    """
    W_arr = np.asarray(W, dtype=np.float64)
    X_arr, y_arr = _check_data(X, y)
    Z = W_arr @ X_arr.T  # (..., n)
    per_point = binary_cross_entropy_with_logits(
        Z, np.broadcast_to(y_arr, Z.shape), reduction="none"
    )
    return np.mean(per_point, axis=-1)


def loss(w: ArrayLike, X: ArrayLike, y: ArrayLike) -> float:
    """Mean binary cross-entropy L(w) at one weight vector w (2,)."""
    return float(losses_at(_check_w(w), X, y))


def gradient(w: ArrayLike, X: ArrayLike, y: ArrayLike) -> Array:
    """∂L/∂w = (1/n) Σ (σ(⟨w, x⟩) − y) x, shape (2,)."""
    w_arr = _check_w(w)
    X_arr, y_arr = _check_data(X, y)
    # ∂ℓ/∂z = σ(z) − y per point, and ∂z/∂w = x.
    return X_arr.T @ binary_cross_entropy_with_logits_grad(X_arr @ w_arr, y_arr) / len(y_arr)


def hessian(w: ArrayLike, X: ArrayLike, y: ArrayLike) -> Array:
    """∂²L/∂w² = (1/n) Σ σ'(⟨w, x⟩) x xᵀ, shape (2, 2)."""
    w_arr = _check_w(w)
    X_arr, _ = _check_data(X, y)
    p = np.asarray(sigmoid(X_arr @ w_arr))
    return (X_arr * (p * (1 - p))[:, None]).T @ X_arr / len(X_arr)


def minimum(X: ArrayLike, y: ArrayLike, *, iterations: int = 50) -> Array:
    """The weights that minimise L, by Newton's method from w = 0.

    The loss is convex; the minimum is finite when no line through the origin separates the
    classes (true for the lesson's overlapping clouds). Raises ValueError otherwise.
    """
    w = np.zeros(2)
    for _ in range(iterations):
        try:
            step = np.linalg.solve(hessian(w, X, y), gradient(w, X, y))
        except np.linalg.LinAlgError:  # flat in some direction: weights ran off to infinity
            break
        w = w - step
        if not np.all(np.isfinite(w)) or np.abs(w).max() > 1e6:
            break
        if np.abs(step).max() < 1e-12:
            return w
    raise ValueError(
        "The loss has no finite minimum: a line through the origin separates the two classes, "
        "so the loss keeps falling as the weights grow."
    )


def critical_learning_rate(X: ArrayLike, y: ArrayLike) -> float:
    """2 / λ_max of the Hessian at the minimum.

    Near the minimum L is close to a quadratic bowl; full-batch gradient descent there shrinks the
    distance to the minimum along the steepest direction by a factor |1 − α λ_max| per step. Above
    α = 2 / λ_max that factor exceeds 1: every step overshoots the valley floor by more than it
    started, and gradient descent cannot settle.
    """
    lam = np.linalg.eigvalsh(hessian(minimum(X, y), X, y))
    return float(2.0 / lam.max())


# -- batches: epochs vs iterations ----------------------------------------------------------------


def iterations_per_epoch(n: int, batch_size: int) -> int:
    """ceil(n / b): the batches one epoch is cut into, so the updates one epoch makes."""
    n = _int_in(n, "The number of points", 1, 10**9)
    b = _int_in(batch_size, "The batch size", 1, 10**9)
    return math.ceil(n / min(b, n))


def epoch_batches(
    n: int, batch_size: int, rng: np.random.Generator, *, sampling: str = "partition"
) -> list[NDArray[np.int64]]:
    """The index batches of one epoch.

    ``partition``: a random permutation of 0 ... n − 1 cut into consecutive batches of b (the last
    has n mod b points when b does not divide n): every point is used exactly once.
    ``sample``: ceil(n / b) batches, each b distinct points drawn afresh (the lecture's slide: some
    points are used twice in an epoch, others not at all).
    """
    b = min(_int_in(batch_size, "The batch size", 1, 10**9), n)
    if sampling == "partition":
        perm = rng.permutation(n)
        return [perm[i : i + b] for i in range(0, n, b)]
    if sampling == "sample":
        return [rng.choice(n, size=b, replace=False) for _ in range(iterations_per_epoch(n, b))]
    raise ValueError(f"Unknown sampling {sampling!r}; choose one of: {', '.join(SAMPLING)}.")


# -- runs ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Trajectory:
    """One run of (minibatch) gradient descent, iteration by iteration."""

    method: str  # one of METHODS
    batch_size: int
    iterations_per_epoch: int
    weights: Array  # (t + 1, 2): w₀, then w after every iteration
    losses: Array  # (t + 1,) full-data loss L at each of those weights
    epochs: Array  # (t + 1,) epochs done at each: iteration / iterations_per_epoch
    diverged: bool
    # Iteration at which the run was stopped because it diverged (the last row of `weights`).
    diverged_at: int | None
    planned_iterations: int

    @property
    def iterations(self) -> int:
        return len(self.weights) - 1

    def until(self, epoch: float) -> Trajectory:
        """The run as it was after ``epoch`` epochs (fractions allowed): the iterations done by
        then, w₀ always included."""
        if not math.isfinite(epoch) or epoch < 0:
            raise ValueError("The epoch to show must be a number ≥ 0.")
        keep = max(1, int(np.searchsorted(self.epochs, epoch + 1e-9, side="right")))
        done = keep == len(self.weights)  # a divergence shows only once it has happened
        return replace(
            self, weights=self.weights[:keep], losses=self.losses[:keep],
            epochs=self.epochs[:keep], diverged=self.diverged and done,
            diverged_at=self.diverged_at if done else None,
        )  # fmt: skip

    @property
    def loss_rises(self) -> int:
        """Iterations after which the full-data loss was higher than before."""
        return int(np.sum(np.diff(self.losses) > 0))


def run(
    X: ArrayLike,
    y: ArrayLike,
    w0: ArrayLike,
    *,
    lr: float,
    batch_size: int,
    epochs: int,
    seed: int = 0,
    sampling: str = "partition",
    method: str | None = None,
) -> Trajectory:
    """Minibatch gradient descent for ``epochs`` epochs from w0.

    Parameters
    ----------
    X : (n, 2) points. y : (n,) labels in {0, 1}. w0 : (2,) start.
    lr : learning rate α > 0. batch_size : b, 1 ... n (b ≥ n is full-batch GD).
    epochs : passes over the data. seed : seed of the batch sampling; the same seed gives the same
    trajectory. sampling : "partition" (each epoch is a random partition) or "sample".

    Returns
    -------
    Trajectory; stopped early (``diverged``) when the loss exceeds DIVERGE_FACTOR × max(start loss,
    log 2) or a weight leaves [−W_LIMIT, W_LIMIT], so no inf or NaN ever reaches a chart.
    """
    X_arr, y_arr = _check_data(X, y)
    n = len(y_arr)
    w = _check_w(w0).copy()
    if not (math.isfinite(lr) and 0 < lr <= MAX_LR):
        raise ValueError(f"The learning rate must be a number in (0, {MAX_LR:g}].")
    b = min(_int_in(batch_size, "The batch size", 1, 10**9), n)
    epochs = _int_in(epochs, "The number of epochs", 1, MAX_EPOCHS)
    if method is None:
        method = "gd" if b == n else ("sgd" if b == 1 else "minibatch")
    rng = np.random.default_rng(seed)
    per_epoch = iterations_per_epoch(n, b)

    path = [w]
    stopped = False
    for _ in range(epochs):
        batches = [np.arange(n)] if b == n else epoch_batches(n, b, rng, sampling=sampling)
        # Reorder the data once per epoch, then every batch is a cheap slice.
        Xe, ye = X_arr[np.concatenate(batches)], y_arr[np.concatenate(batches)]
        if b == 1:
            epoch_path = _single_sample_epoch(Xe, ye, w, lr)
        else:
            ends = np.cumsum([len(batch) for batch in batches]).tolist()
            epoch_path = []
            for start, end in zip([0, *ends[:-1]], ends, strict=True):
                Xb, yb = Xe[start:end], ye[start:end]
                w = w - (lr / (end - start)) * ((sigmoid(Xb @ w) - yb) @ Xb)
                epoch_path.append(w)
                if not _inside(w):
                    break
        path.extend(epoch_path)
        w = np.asarray(path[-1], dtype=np.float64)
        if not _inside(w):
            stopped = True
            break
    weights = np.array(path)
    if stopped:  # keep the last weight on the chart's scale: clip it to the limit box
        weights[-1] = np.clip(np.nan_to_num(weights[-1]), -W_LIMIT, W_LIMIT)
    losses = losses_at(weights, X_arr, y_arr)
    limit = DIVERGE_FACTOR * max(float(losses[0]), math.log(2))
    too_high = np.flatnonzero(losses > limit)
    if too_high.size:
        stopped = True
        cut = int(too_high[0])
        weights, losses = weights[: cut + 1], losses[: cut + 1]
    iterations = len(weights) - 1
    return Trajectory(
        method=method,
        batch_size=b,
        iterations_per_epoch=per_epoch,
        weights=weights,
        losses=losses,
        epochs=np.arange(iterations + 1) / per_epoch,
        diverged=stopped,
        diverged_at=iterations if stopped else None,
        planned_iterations=epochs * per_epoch,
    )


def _inside(w: Array) -> bool:
    # Plain float comparisons (fast in the update loop); NaN fails them too.
    return abs(w[0]) <= W_LIMIT and abs(w[1]) <= W_LIMIT


def _single_sample_epoch(X: Array, y: Array, w: Array, lr: float) -> list[tuple[float, float]]:
    """One epoch of b = 1 updates over the points in the given order, in plain floats.

    The same update as the batched loop, w ← w − α (σ(⟨w, x⟩) − y) x, without NumPy's per-call
    overhead on 2-element arrays (about 20× faster; single-sample SGD makes n updates per epoch).
    """
    w1, w2 = float(w[0]), float(w[1])
    out = []
    for (x1, x2), label in zip(X.tolist(), y.tolist(), strict=True):
        r = 0.5 * (1.0 + math.tanh(0.5 * (w1 * x1 + w2 * x2))) - label
        w1, w2 = w1 - lr * r * x1, w2 - lr * r * x2
        out.append((w1, w2))
        if not (abs(w1) <= W_LIMIT and abs(w2) <= W_LIMIT):
            break
    return out


def compare(
    X: ArrayLike, y: ArrayLike, w0: ArrayLike, *, batch_size: int, **settings
) -> dict[str, Trajectory]:
    """Full-batch GD, minibatch SGD (batch ``batch_size``) and single-sample SGD from the same w0,
    with the same other settings of ``run`` (lr, epochs, seed, sampling). Keys: METHODS."""
    n = len(np.asarray(y))
    return {
        "gd": run(X, y, w0, batch_size=n, method="gd", **settings),
        "minibatch": run(X, y, w0, batch_size=batch_size, method="minibatch", **settings),
        "sgd": run(X, y, w0, batch_size=1, method="sgd", **settings),
    }


def loss_surface(
    X: ArrayLike,
    y: ArrayLike,
    w1_range: tuple[float, float],
    w2_range: tuple[float, float],
    *,
    resolution: int = 101,
) -> tuple[Array, Array, Array]:
    """L(w) on a grid, for contours.

    Returns
    -------
    w1 : (resolution,). w2 : (resolution,). Z : (resolution, resolution), Z[i, j] = L(w1[j], w2[i])
    (rows follow w2, as plotly's contour expects).
    """
    resolution = _int_in(resolution, "The grid resolution", 2, 1000)
    w1 = np.linspace(*w1_range, resolution)
    w2 = np.linspace(*w2_range, resolution)
    W = np.stack(np.meshgrid(w1, w2), axis=-1)  # (res, res, 2), W[i, j] = (w1[j], w2[i])
    return w1, w2, losses_at(W, X, y)


# -- input checks ----------------------------------------------------------------------------------


def _int_in(value: object, what: str, lo: int, hi: int) -> int:
    ok = isinstance(value, int | float | np.integer | np.floating) and not isinstance(value, bool)
    if not ok or not float(value).is_integer() or not lo <= value <= hi:
        raise ValueError(f"{what} must be a whole number from {lo} to {hi:,}; got {value!r}.")
    return int(value)


def _check_w(w: ArrayLike) -> Array:
    w_arr = np.asarray(w, dtype=np.float64)
    if w_arr.shape != (2,) or not np.all(np.isfinite(w_arr)):
        raise ValueError(f"The weights must be two finite numbers (w₁, w₂); got {w!r}.")
    return w_arr


def _check_data(X: ArrayLike, y: ArrayLike) -> tuple[Array, Array]:
    X_arr = np.asarray(X, dtype=np.float64)
    y_arr = np.asarray(y, dtype=np.float64)
    if X_arr.ndim != 2 or X_arr.shape[1] != 2 or len(X_arr) == 0:
        raise ValueError(f"The points must be a table of shape (n, 2); got {X_arr.shape}.")
    if y_arr.shape != (len(X_arr),):
        raise ValueError(f"Need one label per point: {len(X_arr)} points, {y_arr.size} labels.")
    if not np.all(np.isin(y_arr, (0.0, 1.0))):
        raise ValueError("Labels must be 0 or 1.")
    if not np.all(np.isfinite(X_arr)):
        raise ValueError("The points must be finite numbers.")
    return X_arr, y_arr
