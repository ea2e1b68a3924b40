"""Backpropagation in matrix form, for a small two-layer network and one sample.

The lecture's note on ∂L/∂W: with vectors and matrices, each step of backpropagation is still
"gradient on the top × gradient from the current operation", but the gradient is a row vector
and the local derivative a Jacobian matrix (rows: the entries of the node, columns: the entries
of the variable), so the chain rule becomes a product of matrices. Written the lecture's way
round, W x (the MLP engine stores the transpose, (fan_in, fan_out), for batches):

    z1 = W1 x + b1        W1 (m, d), x (d,), z1 and h1 (m,)
    h1 = σ(z1)            σ from engine.activations, element-wise
    z2 = W2 h1 + b2       W2 (k, m), z2 and f (k,)
    f  = z2               loss "squared": L = Σ_j (f_j − y_j)², the lecture's regression
    f  = sigmoid(z2)      loss "bce" (k = 1): L = −y log f − (1 − y) log(1 − f)

A weight matrix enters a Jacobian as its entries row by row (W[i, j] is column i · cols + j), so
∂z1/∂W1 = I_m ⊗ xᵀ: row i holds x in the columns of W1's row i, zeros elsewhere.

The vanishing-gradient chain of engine.backprop (one unit per layer) is the same product with
1 × 1 factors: ``vanishing_chain``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from engine.activations import get_activation, sigmoid
from engine.backprop import chain_gradients

Array = NDArray[np.float64]
LOSSES = ("squared", "bce")
# Variables in the order backpropagation reaches them, each with the node whose gradient it
# reuses: the gradient of f comes from L itself.
ORDER = (("f", "L"), ("z2", "f"), ("W2", "z2"), ("b2", "z2"), ("h1", "z2"), ("z1", "h1"),
         ("W1", "z1"), ("b1", "z1"))  # fmt: skip


@dataclass(frozen=True)
class Jacobian:
    """∂of/∂wrt as a matrix: (entries of ``of``, entries of ``wrt``); L has one entry."""

    of: str
    wrt: str
    matrix: Array


@dataclass(frozen=True)
class MatrixBackprop:
    """Forward values, gradients, and the Jacobian of every backward step.

    ``values``: x, y, W1, b1, W2, b2 (the inputs), z1, h1, z2, f (arrays) and L (a float).
    ``grads``: ∂L/∂v for v in f, z2, W2, b2, h1, z1, W1, b1, each in v's own shape, computed as
    backpropagation does (outer products and transposes, no big Jacobian).
    ``jacobians``: for each of those v, the Jacobian ∂u/∂v of the step that reaches it from the
    node u above it (u is "L" for f), in the order of ``ORDER``.
    """

    activation: str
    loss: str
    values: dict[str, Array | float]
    grads: dict[str, Array]
    jacobians: dict[str, Jacobian]

    def chain(self, name: str) -> list[Jacobian]:
        """The factors whose product is ∂L/∂name, from the loss down: for W1,
        [∂L/∂f, ∂f/∂z2, ∂z2/∂h1, ∂h1/∂z1, ∂z1/∂W1]."""
        factors = []
        while name != "L":
            factors.append(self.jacobians[name])
            name = self.jacobians[name].of
        return factors[::-1]

    def product(self, name: str) -> Array:
        """∂L/∂name as the product of its chain, a (1, n) row, reshaped to name's shape."""
        row = np.ones((1, 1))
        for factor in self.chain(name):
            row = row @ factor.matrix
        return row.reshape(np.shape(self.values[name]))


def _matrix(value: ArrayLike, name: str, ndim: int) -> Array:
    arr = np.asarray(value, dtype=np.float64)
    if arr.ndim != ndim or 0 in arr.shape:
        kind = "a vector" if ndim == 1 else "a matrix"
        raise ValueError(f"{name} must be {kind} of numbers; got shape {arr.shape}.")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must hold finite numbers.")
    return arr


def matrix_backprop(
    x: ArrayLike, y: ArrayLike, params: Sequence[tuple[ArrayLike, ArrayLike]], *,
    activation: str = "sigmoid", loss: str = "squared",
) -> MatrixBackprop:  # fmt: skip
    """Forward and backward through the two-layer network above, for one sample.

    Parameters
    ----------
    x : (d,) input. y : (k,) target (a number for k = 1; a label 0 or 1 for "bce").
    params : [(W1, b1), (W2, b2)] as in the MLP engine, but in the lecture's orientation:
        W1 (m, d), b1 (m,), W2 (k, m), b2 (k,).
    activation : the hidden σ, a name of engine.activations.ACTIVATIONS.
    loss : "squared" (f = z2) or "bce" (f = sigmoid(z2), k = 1).
    """
    act = get_activation(activation)
    if loss not in LOSSES:
        raise ValueError(f"Unknown loss {loss!r}; choose one of: {', '.join(LOSSES)}.")
    try:
        (W1, b1), (W2, b2) = params
    except (TypeError, ValueError):
        raise ValueError("params must be two layers, [(W1, b1), (W2, b2)].") from None
    x, W1, W2 = _matrix(x, "x", 1), _matrix(W1, "W1", 2), _matrix(W2, "W2", 2)
    b1, b2 = _matrix(b1, "b1", 1), _matrix(b2, "b2", 1)
    y = _matrix(np.atleast_1d(y), "y", 1)
    (m, d), (k, m2) = W1.shape, W2.shape
    if x.shape != (d,) or b1.shape != (m,) or m2 != m or b2.shape != (k,) or y.shape != (k,):
        raise ValueError(
            f"The shapes do not chain: W1 {W1.shape} needs x ({d},) and b1 ({m},); W2 must be "
            f"(k, {m}) with b2 and y (k,); got x {x.shape}, b1 {b1.shape}, W2 {W2.shape}, "
            f"b2 {b2.shape}, y {y.shape}."
        )
    if loss == "bce" and (k != 1 or not 0 <= y[0] <= 1):
        raise ValueError("Binary cross-entropy needs one output unit and a label y in [0, 1].")

    # Forward.
    z1 = W1 @ x + b1
    h1 = act(z1)
    z2 = W2 @ h1 + b2
    if loss == "squared":
        f = z2.copy()
        L = float(np.sum((f - y) ** 2))
        dL_df = 2.0 * (f - y)
        df_dz2 = np.ones(k)  # f = z2
    else:
        f = np.atleast_1d(sigmoid(z2))
        if not 0 < f[0] < 1:
            raise ValueError(
                f"sigmoid(z2) rounds to {f[0]:g}: log f is infinite. Use smaller weights."
            )
        L = float(-y[0] * math.log(f[0]) - (1 - y[0]) * math.log(1 - f[0]))
        dL_df = (f - y) / (f * (1 - f))
        df_dz2 = f * (1 - f)
    dh1_dz1 = act.derivative_from_output(h1)

    # Backward, as backpropagation runs it: element-wise products, outer products, transposes.
    dz2 = dL_df * df_dz2
    dh1 = W2.T @ dz2
    dz1 = dh1 * dh1_dz1
    grads = {
        "f": dL_df, "z2": dz2, "W2": np.outer(dz2, h1), "b2": dz2.copy(), "h1": dh1,
        "z1": dz1, "W1": np.outer(dz1, x), "b1": dz1.copy(),
    }  # fmt: skip

    # The same steps as Jacobians: the factors the lecture's matrix chain rule multiplies.
    matrices = {
        "f": dL_df[None, :],
        "z2": np.diag(df_dz2),
        "W2": np.kron(np.eye(k), h1[None, :]),
        "b2": np.eye(k),
        "h1": W2,
        "z1": np.diag(dh1_dz1),
        "W1": np.kron(np.eye(m), x[None, :]),
        "b1": np.eye(m),
    }
    values = {"x": x, "y": y, "W1": W1, "b1": b1, "W2": W2, "b2": b2, "z1": z1, "h1": h1,
              "z2": z2, "f": f, "L": L}  # fmt: skip
    jacobians = {v: Jacobian(u, v, matrices[v]) for v, u in ORDER}
    return MatrixBackprop(activation, loss, values, grads, jacobians)


def draw_params(d: int, m: int, k: int, *, seed: int = 0) -> list[tuple[Array, Array]]:
    """Random weights for the network above, in the lecture's orientation: [(W1, b1), (W2, b2)]
    with W1 (m, d), b1 (m,), W2 (k, m), b2 (k,), the same for the same seed.

    Weights are halves in [−2, 2] and biases halves in [−1, 1] (not a trained network's
    initialisation): with inputs on the same grid a learner can check z1 = W1 x + b1 by hand.
    """
    sizes = (d, m, k)
    if any(isinstance(s, bool) or int(s) != s or s < 1 for s in sizes):
        raise ValueError(f"d, m and k must be whole numbers of at least 1; got {sizes}.")
    rng = np.random.default_rng(seed)
    W1 = rng.integers(-4, 5, size=(m, d)) / 2.0
    b1 = rng.integers(-2, 3, size=m) / 2.0
    W2 = rng.integers(-4, 5, size=(k, m)) / 2.0
    b2 = rng.integers(-2, 3, size=k) / 2.0
    return [(W1, b1), (W2, b2)]


def vanishing_chain(
    n_layers: int, *, activation: str = "sigmoid", w: float = 1.0, b: float = 0.0, x: float = 1.0
) -> list[Jacobian]:
    """engine.backprop's chain of one-unit layers as Jacobian factors, from the output down:
    [∂h_n/∂h_(n−1), …, ∂h_1/∂h_0], each 1 × 1 = w · act'(z_k). Their product is ∂h_n/∂x, which
    vanishes when every factor is small."""
    res = chain_gradients(n_layers, activation=activation, w=w, b=b, x=x)
    return [
        Jacobian(f"h{k}", f"h{k - 1}", np.array([[factor]]))
        for k, factor in reversed(list(enumerate(res.factors, start=1)))
    ]
