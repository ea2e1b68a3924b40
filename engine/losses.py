"""Loss functions of the lecture: cross-entropy (binary and k-class) and the squared loss.

Per sample, with p the network's probabilities and Y the one-hot vector of the true class y:

    cross-entropy          ℓ = Σ_j −Y_j log p_j = −log p_y
    binary cross-entropy   ℓ = −y log p − (1 − y) log(1 − p)
    squared loss           ℓ = (ŷ − y)²

The ``*_with_logits`` forms take the scores f before the sigmoid / softmax and never form the
probabilities first: log σ(f) and log softmax(f) are computed directly (see engine.activations),
so a confident network (f = ±1000) gets a finite loss instead of log(0) = −inf or NaN.

Every loss takes ``reduction``: "mean" (the lecture's 1/|D| Σ ℓ, the default), "sum", or "none"
(one loss per sample).
"""

from __future__ import annotations

from typing import Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

from engine.activations import log_softmax, sigmoid, softmax

Array = NDArray[np.float64]
Reduction = Literal["mean", "sum", "none"]
REDUCTIONS = ("mean", "sum", "none")


# ----------------------------------------------------------------------------- helpers


def _reduce(per_sample: Array, reduction: str) -> Array | float:
    if reduction == "mean":
        if per_sample.size == 0:
            raise ValueError("The mean loss needs at least one sample.")
        return float(np.mean(per_sample))
    if reduction == "sum":
        return float(np.sum(per_sample))
    if reduction == "none":
        return float(per_sample) if per_sample.ndim == 0 else per_sample
    raise ValueError(f"Unknown reduction {reduction!r}; choose one of: {', '.join(REDUCTIONS)}.")


def _xlogy(x: Array, y: Array) -> Array:
    """x · log y with the convention 0 · log 0 = 0 (a class with no target mass costs nothing)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        out = x * np.log(y)
    return np.where(x == 0, 0.0, out)


def _finite(values: Array, what: str) -> Array:
    if not np.all(np.isfinite(values)):
        raise ValueError(f"The {what} must be finite numbers (no NaN or infinity).")
    return values


def _probabilities(p: ArrayLike, what: str = "probabilities") -> Array:
    p_arr = _finite(np.asarray(p, dtype=np.float64), what)
    if np.any(p_arr < 0) or np.any(p_arr > 1):
        raise ValueError(f"The {what} must lie between 0 and 1.")
    return p_arr


def _binary_targets(y: ArrayLike, shape: tuple[int, ...]) -> Array:
    y_arr = _finite(np.asarray(y, dtype=np.float64), "labels")
    if y_arr.shape != shape:
        raise ValueError(
            f"There must be one label per prediction: predictions of shape {shape}, "
            f"labels of shape {y_arr.shape}."
        )
    if np.any(y_arr < 0) or np.any(y_arr > 1):
        raise ValueError("Binary labels must be 0 or 1 (or a probability between them).")
    return y_arr


def one_hot(y: ArrayLike, k: int) -> Array:
    """Integer class labels -> one-hot rows.

    Parameters
    ----------
    y : (n,) integer labels in 0..k−1 (or a single label).
    k : number of classes.

    Returns
    -------
    (n, k) rows with a 1 in the column of the label (or (k,) for a single label).
    """
    y_arr = np.asarray(y)
    if y_arr.size and not np.all(np.equal(np.mod(y_arr, 1), 0)):
        raise ValueError("Class labels must be whole numbers 0, 1, …, k − 1.")
    labels = y_arr.astype(np.int64)
    if k < 1:
        raise ValueError("There must be at least one class.")
    if labels.size and (labels.min() < 0 or labels.max() >= k):
        raise ValueError(f"Class labels must be between 0 and {k - 1} for {k} classes.")
    return np.eye(k)[labels]


def _class_targets(y: ArrayLike, shape: tuple[int, ...]) -> Array:
    """Labels (n,) or target distributions (n, k) -> (n, k) target distributions Y."""
    y_arr = np.asarray(y)
    k = shape[-1]
    if y_arr.shape == shape:  # already distributions (one-hot or soft targets)
        Y = _finite(y_arr.astype(np.float64), "target probabilities")
        if np.any(Y < 0) or not np.allclose(Y.sum(axis=-1), 1.0, rtol=0, atol=1e-9):
            raise ValueError("Each target row must be a probability vector (≥ 0, summing to 1).")
        return Y
    if y_arr.shape != shape[:-1]:
        raise ValueError(
            f"Give one class label per sample: scores of shape {shape} need labels of shape "
            f"{shape[:-1]} (or target rows of shape {shape}); got {y_arr.shape}."
        )
    return one_hot(y_arr, k)


def _scores(f: ArrayLike) -> Array:
    return _finite(np.asarray(f, dtype=np.float64), "scores (logits)")


# ----------------------------------------------------------------------------- binary


def binary_cross_entropy(
    p: ArrayLike, y: ArrayLike, *, reduction: Reduction = "mean"
) -> Array | float:
    """−y log p − (1 − y) log(1 − p) from probabilities p = p(y = 1 | x).

    Parameters
    ----------
    p : (n,) probabilities in [0, 1] (or a single one).
    y : (n,) labels in {0, 1} (soft labels in [0, 1] allowed).

    A certain and wrong prediction (p = 0 for y = 1) costs +inf, which is the true value; use
    ``binary_cross_entropy_with_logits`` to stay finite.
    """
    p_arr = _probabilities(p)
    y_arr = _binary_targets(y, p_arr.shape)
    per_sample = -(_xlogy(y_arr, p_arr) + _xlogy(1.0 - y_arr, 1.0 - p_arr))
    return _reduce(per_sample, reduction)


def binary_cross_entropy_with_logits(
    f: ArrayLike, y: ArrayLike, *, reduction: Reduction = "mean"
) -> Array | float:
    """Binary cross-entropy of p = σ(f), computed from the score f without forming p.

    −y log σ(f) − (1 − y) log(1 − σ(f)) = max(f, 0) − y·f + log(1 + e^(−|f|)): only e^(−|f|) ≤ 1
    is evaluated, so the loss is finite for every finite f.

    Parameters
    ----------
    f : (n,) scores (or a single one).
    y : (n,) labels in {0, 1} (soft labels in [0, 1] allowed).
    """
    f_arr = _scores(f)
    y_arr = _binary_targets(y, f_arr.shape)
    per_sample = np.maximum(f_arr, 0.0) - y_arr * f_arr + np.log1p(np.exp(-np.abs(f_arr)))
    return _reduce(per_sample, reduction)


def binary_cross_entropy_with_logits_grad(f: ArrayLike, y: ArrayLike) -> Array | float:
    """d ℓ / d f per sample: σ(f) − y (the prediction minus the label).

    Parameters
    ----------
    f : (n,) scores. y : (n,) labels.

    Returns
    -------
    (n,) derivative of each sample's loss (not divided by n).
    """
    f_arr = _scores(f)
    y_arr = _binary_targets(y, f_arr.shape)
    out = np.asarray(sigmoid(f_arr)) - y_arr
    return float(out) if out.ndim == 0 else out


# ----------------------------------------------------------------------------- k classes


def cross_entropy(p: ArrayLike, y: ArrayLike, *, reduction: Reduction = "mean") -> Array | float:
    """Σ_j −Y_j log p_j = −log p_y, from probabilities.

    Parameters
    ----------
    p : (n, k) probability rows (or one (k,) row), e.g. the output of softmax.
    y : (n,) integer labels 0..k−1 (or one label), or (n, k) target distributions Y.

    The rows of ``p`` are used as given (not renormalised): the loss reads the probability of
    the true class. A zero there costs +inf.
    """
    p_arr = _probabilities(p)
    if p_arr.ndim == 0:
        raise ValueError("Cross-entropy needs a vector of class probabilities per sample.")
    Y = _class_targets(y, p_arr.shape)
    per_sample = -np.sum(_xlogy(Y, p_arr), axis=-1)
    return _reduce(per_sample, reduction)


def cross_entropy_with_logits(
    f: ArrayLike, y: ArrayLike, *, reduction: Reduction = "mean"
) -> Array | float:
    """Cross-entropy of softmax(f) computed from the scores: −Σ_j Y_j log softmax(f)_j.

    For a label y this is log Σ_j e^(f_j) − f_y, finite for every finite f.

    Parameters
    ----------
    f : (n, k) scores (or one (k,) vector).
    y : (n,) integer labels 0..k−1 (or one label), or (n, k) target distributions Y.
    """
    f_arr = _scores(f)
    if f_arr.ndim == 0:
        raise ValueError("Cross-entropy needs a vector of class scores per sample.")
    Y = _class_targets(y, f_arr.shape)
    # Only classes with target mass enter the sum; their log-probabilities are finite.
    per_sample = -np.sum(np.where(Y == 0, 0.0, Y * log_softmax(f_arr)), axis=-1)
    return _reduce(per_sample, reduction)


def cross_entropy_with_logits_grad(f: ArrayLike, y: ArrayLike) -> Array:
    """d ℓ / d f per sample: softmax(f) − Y.

    Parameters
    ----------
    f : (n, k) scores. y : (n,) labels or (n, k) targets.

    Returns
    -------
    (n, k) derivative of each sample's loss (not divided by n).
    """
    f_arr = _scores(f)
    if f_arr.ndim == 0:
        raise ValueError("Cross-entropy needs a vector of class scores per sample.")
    return softmax(f_arr) - _class_targets(y, f_arr.shape)


# ----------------------------------------------------------------------------- regression


def squared_loss(y_hat: ArrayLike, y: ArrayLike, *, reduction: Reduction = "mean") -> Array | float:
    """(ŷ − y)² per sample, as in the lecture (no factor 1/2).

    Parameters
    ----------
    y_hat : (n,) predictions, or (n, m) vector predictions (the squares are summed over m).
    y : targets of the same shape.
    """
    y_hat_arr = _finite(np.asarray(y_hat, dtype=np.float64), "predictions")
    y_arr = _finite(np.asarray(y, dtype=np.float64), "targets")
    if y_hat_arr.shape != y_arr.shape:
        raise ValueError(
            f"Predictions and targets must have the same shape: {y_hat_arr.shape} vs {y_arr.shape}."
        )
    sq = (y_hat_arr - y_arr) ** 2
    per_sample = np.sum(sq, axis=-1) if sq.ndim == 2 else sq
    return _reduce(per_sample, reduction)


def squared_loss_grad(y_hat: ArrayLike, y: ArrayLike) -> Array | float:
    """d ℓ / d ŷ per sample: 2(ŷ − y)."""
    y_hat_arr = _finite(np.asarray(y_hat, dtype=np.float64), "predictions")
    y_arr = _finite(np.asarray(y, dtype=np.float64), "targets")
    if y_hat_arr.shape != y_arr.shape:
        raise ValueError(
            f"Predictions and targets must have the same shape: {y_hat_arr.shape} vs {y_arr.shape}."
        )
    out = 2.0 * (y_hat_arr - y_arr)
    return float(out) if out.ndim == 0 else out
