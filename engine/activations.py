"""Activation functions of the lecture, written so that no input makes them return NaN.

Hidden layers apply an element-wise σ: ReLU, the sigmoid or tanh. ``ACTIVATIONS`` is the one table
of them (name -> function, derivative, label) that the MLP, its fused training loop and the LeNet
all read. An output layer turns the scores f (the *logits*) into probabilities: the sigmoid for one
unit, softmax for k ≥ 2 units.

Large scores are where naive formulas break: ``1 / (1 + exp(-f))`` overflows for f = −1000 and
``exp(f) / sum(exp(f))`` is ``inf / inf`` = NaN for f = 1000. Each function below is rewritten so
that it only ever exponentiates numbers ≤ 0 (see the comments), which is what makes a playground
safe at any learning rate.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

Array = NDArray[np.float64]


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


# ----------------------------------------------------------------------------- hidden layers
# Each function writes into ``out`` (which may be its input) and returns it: the fused SGD loop
# passes buffers it allocated once, the readable code passes new arrays. They keep the dtype, so
# the boundary pictures can run them in float32. ``out`` is positional: a keyword costs the fused
# loop time on every call.


def _relu(z: Array, out: Array) -> Array:
    return np.maximum(z, 0.0, out=out)


def _relu_derivative(h: Array, out: Array) -> Array:
    return np.greater(h, 0.0, out)  # 1 where the unit is on, else 0


def _sigmoid(z: Array, out: Array) -> Array:
    # σ(z) = (1 + tanh(z / 2)) / 2: no exponential to overflow, and vectorised tanh is fast.
    np.multiply(z, 0.5, out)
    np.tanh(out, out)
    np.multiply(out, 0.5, out)
    return np.add(out, 0.5, out)


def _sigmoid_derivative(h: Array, out: Array) -> Array:
    np.subtract(1.0, h, out)
    return np.multiply(out, h, out)  # σ (1 − σ)


def _tanh_derivative(h: Array, out: Array) -> Array:
    np.multiply(h, h, out)
    return np.subtract(1.0, out, out)  # 1 − tanh² z


@dataclass(frozen=True)
class HiddenActivation:
    """A hidden-layer activation σ, applied element-wise.

    ``apply(z, out)`` writes σ(z); ``derivative(h, out)`` writes σ'(z) computed from the output
    h = σ(z), which is what backpropagation has at hand (σ' = σ(1 − σ), 1 − tanh², 1 where h > 0).
    """

    name: str
    label: str  # how pages name it
    apply: Callable[[Array, Array], Array]
    derivative: Callable[[Array, Array], Array]

    def __call__(self, z: ArrayLike) -> Array:
        """σ(z) in a new float array."""
        z_arr = _as_float(z)
        return self.apply(z_arr, np.empty_like(z_arr))

    def derivative_from_output(self, h: ArrayLike) -> Array:
        """σ'(z) in a new float array, from h = σ(z)."""
        h_arr = _as_float(h)
        return self.derivative(h_arr, np.empty_like(h_arr))


# The one table of hidden activations, in the order the menus offer them.
ACTIVATIONS: dict[str, HiddenActivation] = {
    "relu": HiddenActivation("relu", "ReLU", _relu, _relu_derivative),
    "sigmoid": HiddenActivation("sigmoid", "sigmoid σ", _sigmoid, _sigmoid_derivative),
    "tanh": HiddenActivation("tanh", "tanh", np.tanh, _tanh_derivative),
}
HIDDEN_ACTIVATIONS = tuple(ACTIVATIONS)
ACTIVATION_LABELS = {name: a.label for name, a in ACTIVATIONS.items()}


def get_activation(name: str) -> HiddenActivation:
    """The table's entry for ``name``; a ValueError that lists the choices for anything else."""
    try:
        return ACTIVATIONS[name]
    except (KeyError, TypeError):
        raise ValueError(
            f"Unknown activation {name!r}; choose one of: {', '.join(HIDDEN_ACTIVATIONS)}."
        ) from None
