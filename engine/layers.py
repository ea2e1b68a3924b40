"""The dense layer's two passes, shared by the MLP and the LeNet's fully connected layers.

Rows are samples, so a layer is out = x W + b with W of shape (fan_in, fan_out): the transpose of
the lecture's W x, which keeps a batch one matrix product.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

Array = NDArray[np.float64]


def dense_forward(x: Array, W: Array, b: Array) -> Array:
    """x (n, fan_in), W (fan_in, fan_out), b (fan_out,) -> (n, fan_out)."""
    return x @ W + b


def dense_backward(x: Array, W: Array, dout: Array) -> tuple[Array, Array, Array]:
    """From ∂ℓ/∂out (n, fan_out) to (∂ℓ/∂W, ∂ℓ/∂b, ∂ℓ/∂x).

    Each weight W[i, j] met input i of every sample on its way to output j, so ∂ℓ/∂W = xᵀ dout;
    the bias met every sample once, so ∂ℓ/∂b sums dout over the batch; and input i fed every
    output j through W[i, j], so ∂ℓ/∂x = dout Wᵀ.
    """
    return x.T @ dout, dout.sum(axis=0), dout @ W.T
