"""The loss-functions lesson: softmax and cross-entropy with every intermediate number, the
lecture's quiz, binary cross-entropy as a special case, and squared loss beside cross-entropy.

All the maths comes from engine.activations and engine.losses; this module only arranges it the
way the lesson shows it. Classes are numbered 1 … k here, as in the lecture.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from engine.activations import sigmoid, softmax
from engine.losses import (
    binary_cross_entropy,
    binary_cross_entropy_with_logits,
    cross_entropy,
    cross_entropy_with_logits,
    cross_entropy_with_logits_grad,
    one_hot,
    squared_loss,
)

Array = NDArray[np.float64]

MIN_CLASSES, MAX_CLASSES = 2, 6

# The lecture's "Cross-Entropy Loss" slide: the model says 0.8 for the true class 1, 0.2 for the
# other, so L_CE = −log(0.8).
LECTURE_SLIDE_PROBS = (0.8, 0.2)
LECTURE_SLIDE_LABEL = 1


def logits_for(probs: ArrayLike) -> Array:
    """Scores whose softmax is ``probs``: f_j = log p_j − mean_i log p_i.

    Softmax ignores a shift common to all scores; centring them on 0 keeps them readable.


    Parameters
    ----------
    probs : (k,) positive probabilities summing to 1.
    """
    p = np.asarray(probs, dtype=np.float64)
    if p.ndim != 1 or p.size < 1 or np.any(p <= 0) or not math.isclose(p.sum(), 1, abs_tol=1e-9):
        raise ValueError("Give positive probabilities that sum to 1, one per class.")
    f = np.log(p)
    return f - f.mean()


@dataclass(frozen=True)
class SoftmaxExplained:
    """Every number between the scores f and the loss, for one data point."""

    logits: Array  # (k,) f_j
    exps: Array  # (k,) e^(f_j − max f): the softmax numerators after the (harmless) shift
    probs: Array  # (k,) p_j = softmax(f)_j
    label: int  # the true class y, 1 … k
    target: Array  # (k,) one-hot Y
    terms: Array  # (k,) −Y_j log p_j: zero except at the true class
    loss: float  # −log p_y
    squared: float  # Σ_j (p_j − Y_j)²: the squared loss of the same prediction
    grad_ce: Array  # (k,) ∂(cross-entropy)/∂f = p − Y
    grad_squared: Array  # (k,) ∂(squared loss)/∂f = J_softmaxᵀ 2(p − Y)

    @property
    def k(self) -> int:
        return len(self.logits)

    @property
    def p_y(self) -> float:
        return float(self.probs[self.label - 1])

    @property
    def predicted(self) -> int:
        """The class with the largest probability (ties: the first), 1 … k."""
        return int(np.argmax(self.probs)) + 1


def explain(logits: ArrayLike, label: int) -> SoftmaxExplained:
    """Softmax of the scores and the cross-entropy for the true class ``label`` (1 … k)."""
    f = np.asarray(logits, dtype=np.float64)
    if f.ndim != 1 or not MIN_CLASSES <= f.size <= MAX_CLASSES:
        raise ValueError(f"Give between {MIN_CLASSES} and {MAX_CLASSES} class scores.")
    if not np.all(np.isfinite(f)):
        raise ValueError("The class scores must be finite numbers.")
    k = f.size
    if isinstance(label, bool) or not float(label).is_integer() or not 1 <= label <= k:
        raise ValueError(f"The true class must be one of 1 … {k}; got {label!r}.")
    label = int(label)
    p = softmax(f)
    Y = one_hot(label - 1, k)
    with np.errstate(divide="ignore"):
        # −Y_j log p_j term by term; 0 · log p_j is 0 even where p_j underflows to 0.
        terms = np.where(Y == 0, 0.0, -Y * np.log(np.where(Y == 0, 1.0, p)))
    # The loss from the scores directly: finite even when p_y rounds to 0.
    loss = float(cross_entropy_with_logits(f, label - 1))
    diff = 2.0 * (p - Y)
    # Softmax Jacobian J = diag(p) − p pᵀ is symmetric, so Jᵀ v = p ⊙ v − p (p · v).
    grad_squared = p * diff - p * float(p @ diff)
    return SoftmaxExplained(
        logits=f,
        exps=np.exp(f - f.max()),
        probs=p,
        label=label,
        target=Y,
        terms=terms,
        loss=loss,
        squared=float(squared_loss(p, Y, reduction="sum")),
        grad_ce=np.asarray(cross_entropy_with_logits_grad(f, label - 1)),
        grad_squared=grad_squared,
    )


# -- binary cross-entropy as the special case ------------------------------------------------------


@dataclass(frozen=True)
class BinaryCase:
    """The lecture's derivation at one p and y, computed both ways."""

    p: float  # p = p(y = 1 | x), the network's output
    y: int  # 0 or 1
    p0: float  # 1 − p
    p1: float  # p
    bce: float  # −y log p − (1 − y) log(1 − p)
    ce: float  # Σ_j −Y_j log p_j over the two classes {0, 1}, Y one-hot of y
    p_y: float  # the probability of the true class


def binary_case(p: float, y: int) -> BinaryCase:
    if not (math.isfinite(p) and 0 < p < 1):
        raise ValueError("p must be a probability strictly between 0 and 1.")
    if y not in (0, 1):
        raise ValueError("The label y must be 0 or 1.")
    probs = np.array([1 - p, p])
    return BinaryCase(
        p=float(p),
        y=int(y),
        p0=float(1 - p),
        p1=float(p),
        bce=float(binary_cross_entropy(p, y)),
        ce=float(cross_entropy(probs, y)),
        p_y=float(probs[y]),
    )


def bce_curves(p: ArrayLike) -> tuple[Array, Array]:
    """−log p (the loss when y = 1) and −log(1 − p) (when y = 0) at every p in (0, 1)."""
    p_arr = np.asarray(p, dtype=np.float64)
    return (
        np.asarray(binary_cross_entropy(p_arr, np.ones_like(p_arr), reduction="none")),
        np.asarray(binary_cross_entropy(p_arr, np.zeros_like(p_arr), reduction="none")),
    )


# -- squared loss beside cross-entropy -------------------------------------------------------------


@dataclass(frozen=True)
class BinaryComparison:
    """A sigmoid output p = σ(z) against the label y, under both losses, at many scores z."""

    z: Array  # (m,) scores
    p: Array  # (m,) σ(z)
    ce: Array  # (m,) −y log p − (1 − y) log(1 − p)
    squared: Array  # (m,) (p − y)²
    grad_ce: Array  # (m,) ∂ce/∂z = p − y
    grad_squared: Array  # (m,) ∂squared/∂z = 2 (p − y) p (1 − p)


def compare_binary(z: ArrayLike, y: int) -> BinaryComparison:
    """Both losses of p = σ(z) for label y, and their derivatives with respect to the score z.

    The sigmoid's slope p(1 − p) multiplies the squared loss's gradient: where the network is
    confidently wrong (p near 0 for y = 1) that slope is near 0, so the squared loss hardly
    pushes; the cross-entropy's gradient p − y stays near −1 there.
    """
    if y not in (0, 1):
        raise ValueError("The label y must be 0 or 1.")
    z_arr = np.asarray(z, dtype=np.float64)
    if not np.all(np.isfinite(z_arr)):
        raise ValueError("The scores must be finite numbers.")
    p = np.asarray(sigmoid(z_arr))
    yy = np.full_like(z_arr, float(y))
    # log σ(z) from z (not from p) so that a confident wrong score costs its true, large value.
    ce = np.asarray(binary_cross_entropy_with_logits(z_arr, yy, reduction="none"))
    return BinaryComparison(
        z=z_arr,
        p=p,
        ce=ce,
        squared=np.asarray(squared_loss(p, yy, reduction="none")),
        grad_ce=p - y,
        grad_squared=2.0 * (p - y) * p * (1.0 - p),
    )
