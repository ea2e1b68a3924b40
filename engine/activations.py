"""Activation functions of the lecture, written so that no input makes them return NaN.

Hidden layers apply an element-wise σ: ReLU, the sigmoid or tanh. An output layer turns the scores
f (the *logits*) into probabilities: the sigmoid for one unit, softmax for k ≥ 2 units.

Large scores are where naive formulas break: ``1 / (1 + exp(-f))`` overflows for f = −1000 and
``exp(f) / sum(exp(f))`` is ``inf / inf`` = NaN for f = 1000. Each function below is rewritten so
that it only ever exponentiates numbers ≤ 0 (see the comments), which is what makes a playground
safe at any learning rate.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

Array = NDArray[np.float64]

HIDDEN_ACTIVATIONS = ("relu", "sigmoid", "tanh")
ACTIVATION_LABELS = {"relu": "ReLU", "sigmoid": "sigmoid σ", "tanh": "tanh"}


def _as_float(z: ArrayLike) -> Array:
    return np.asarray(z, dtype=np.float64)


def _same_kind(z_in: ArrayLike, out: Array) -> Array | float:
    """A Python float for a scalar input, an array otherwise."""
    return float(out) if np.ndim(z_in) == 0 else out


def sigmoid(z: ArrayLike) -> Array | float:
    """σ(z) = 1 / (1 + e^(−z)), exact to rounding for every finite z (and ±inf).

    For z ≥ 0 use 1 / (1 + e^(−z)); for z < 0 the same value as e^z / (1 + e^z). Either way only
    e^(−|z|) ≤ 1 is computed, so nothing overflows.
    """
    z_arr = _as_float(z)
    e = np.exp(-np.abs(z_arr))
    out = np.where(z_arr >= 0, 1.0 / (1.0 + e), e / (1.0 + e))
    return _same_kind(z, out)


def log_sigmoid(z: ArrayLike) -> Array | float:
    """log σ(z) = −log(1 + e^(−z)) = min(z, 0) − log(1 + e^(−|z|)), finite for every finite z."""
    z_arr = _as_float(z)
    out = np.minimum(z_arr, 0.0) - np.log1p(np.exp(-np.abs(z_arr)))
    return _same_kind(z, out)


def relu(z: ArrayLike) -> Array | float:
    """ReLU(z) = max(z, 0)."""
    return _same_kind(z, np.maximum(_as_float(z), 0.0))


def tanh(z: ArrayLike) -> Array | float:
    """tanh(z) = (e^z − e^(−z)) / (e^z + e^(−z)) (NumPy's is already stable)."""
    return _same_kind(z, np.tanh(_as_float(z)))


def logsumexp(f: ArrayLike, *, axis: int = -1) -> Array | float:
    """log Σ_i e^(f_i) along ``axis``, computed as m + log Σ e^(f_i − m) with m = max f.

    Parameters
    ----------
    f : (..., k) scores.

    Returns
    -------
    (...) one value per row (a float for a single vector).
    """
    f_arr = _as_float(f)
    if f_arr.ndim == 0 or f_arr.shape[axis] == 0:
        raise ValueError("log-sum-exp needs at least one score.")
    m = np.max(f_arr, axis=axis, keepdims=True)
    # An all −inf row has no finite maximum; shifting by 0 then gives log(0) = −inf, as it should.
    m = np.where(np.isfinite(m), m, 0.0)
    with np.errstate(divide="ignore"):
        out = np.squeeze(m, axis=axis) + np.log(np.sum(np.exp(f_arr - m), axis=axis))
    return float(out) if out.ndim == 0 else out


def log_softmax(f: ArrayLike, *, axis: int = -1) -> Array:
    """log softmax(f)_i = f_i − log Σ_j e^(f_j), along ``axis``.

    Parameters
    ----------
    f : (..., k) scores (logits).

    Returns
    -------
    (..., k) log-probabilities, every entry ≤ 0.
    """
    f_arr = _as_float(f)
    if f_arr.ndim == 0:
        raise ValueError("softmax needs a vector of scores, one per class.")
    lse = np.expand_dims(np.asarray(logsumexp(f_arr, axis=axis)), axis)
    return f_arr - lse


def softmax(f: ArrayLike, *, axis: int = -1) -> Array:
    """softmax(f)_i = e^(f_i) / Σ_j e^(f_j), along ``axis``.

    Subtracting the row maximum first changes nothing mathematically (it cancels) but keeps every
    exponent ≤ 0, so the largest term is exactly e^0 = 1 and the sum is between 1 and k.

    Parameters
    ----------
    f : (..., k) scores (logits).

    Returns
    -------
    (..., k) probabilities: non-negative, each row sums to 1.
    """
    f_arr = _as_float(f)
    if f_arr.ndim == 0:
        raise ValueError("softmax needs a vector of scores, one per class.")
    if f_arr.shape[axis] == 0:
        raise ValueError("softmax needs at least one score.")
    e = np.exp(f_arr - np.max(f_arr, axis=axis, keepdims=True))
    return e / np.sum(e, axis=axis, keepdims=True)


def activate(name: str, z: ArrayLike) -> Array:
    """Apply the hidden activation ``name`` (relu, sigmoid or tanh) element-wise."""
    z_arr = _as_float(z)
    if name == "relu":
        return np.maximum(z_arr, 0.0)
    if name == "sigmoid":
        return np.asarray(sigmoid(z_arr))
    if name == "tanh":
        return np.tanh(z_arr)
    raise ValueError(
        f"Unknown activation {name!r}; choose one of: {', '.join(HIDDEN_ACTIVATIONS)}."
    )


def activation_grad(name: str, z: ArrayLike, a: ArrayLike | None = None) -> Array:
    """dσ/dz at z, element-wise. ``a`` = σ(z) may be passed to avoid computing it again.

    relu: 1 where z > 0, else 0 (the value 0 at z = 0 is the usual convention);
    sigmoid: σ(z)(1 − σ(z)); tanh: 1 − tanh(z)².
    """
    z_arr = _as_float(z)
    if name == "relu":
        return (z_arr > 0).astype(np.float64)
    a_arr = activate(name, z_arr) if a is None else _as_float(a)
    if name == "sigmoid":
        return a_arr * (1.0 - a_arr)
    if name == "tanh":
        return 1.0 - a_arr * a_arr
    raise ValueError(
        f"Unknown activation {name!r}; choose one of: {', '.join(HIDDEN_ACTIVATIONS)}."
    )
