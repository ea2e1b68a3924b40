"""Logic gates as perceptrons, why XOR needs two layers, and a test for linear separability.

One perceptron with extended weights (w1, ..., wd, b) outputs step(w1*x1 + ... + wd*xd + b), the
lecture's σ (a score of exactly 0 is class 0). AND, OR, NAND, NOR and NOT are each one such unit;
XOR is not (no line separates its classes) but two layers of them compute it:
XOR(x1, x2) = AND(OR(x1, x2), NAND(x1, x2)).

Training reuses :func:`engine.perceptron.train`, which already stops when the weights at the start
of an epoch repeat an earlier epoch's (the run cycles: it can never converge).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from engine.datasets import GATE_INPUTS, GATE_TRUTH
from engine.perceptron import PerceptronRun, step, train

Array = NDArray[np.float64]
Labels = NDArray[np.int64]

GATES = ("and", "or", "nand", "nor", "not", "xor")
GATE_NAMES = {
    "and": "AND",
    "or": "OR",
    "nand": "NAND",
    "nor": "NOR",
    "not": "NOT",
    "xor": "XOR",
}
# One working set of extended weights per gate, bias last. The half-integer biases keep every
# input a clear distance from the line, so a small nudge of any weight does not break the gate.
GATE_WEIGHTS: dict[str, tuple[float, ...]] = {
    "and": (1.0, 1.0, -1.5),
    "or": (1.0, 1.0, -0.5),
    "nand": (-1.0, -1.0, 1.5),
    "nor": (-1.0, -1.0, 0.5),
    "not": (-1.0, 0.5),
}
NOT_INPUTS = np.array([[0.0], [1.0]])
NOT_TRUTH = np.array([1, 0])


def _check_gate(gate: str) -> str:
    key = str(gate).lower()
    if key not in GATES:
        raise ValueError(f"Unknown gate {gate!r}; choose one of: {', '.join(GATES)}.")
    return key


def gate_arity(gate: str) -> int:
    """How many inputs the gate takes: 1 for NOT, 2 for the others."""
    return 1 if _check_gate(gate) == "not" else 2


def gate_data(gate: str) -> tuple[Array, Labels]:
    """The gate's truth table as data.

    Returns
    -------
    X : (2**k, k) every input combination in order (0,0), (0,1), (1,0), (1,1) (k = 2), or
        0, 1 for NOT (k = 1).
    y : (2**k,) the gate's output for each row.
    """
    key = _check_gate(gate)
    if key == "not":
        return NOT_INPUTS.copy(), NOT_TRUTH.copy()
    return GATE_INPUTS.copy(), GATE_TRUTH[key].copy()


def perceptron_output(w: ArrayLike, X: ArrayLike) -> tuple[Array, Labels]:
    """Scores and outputs of one perceptron.

    Parameters
    ----------
    w : (d + 1,) extended weights, bias last.
    X : (n, d) inputs.

    Returns
    -------
    scores : (n,) w1*x1 + ... + wd*xd + b. outputs : (n,) step(scores) in {0, 1}.
    """
    X_arr = np.asarray(X, dtype=np.float64)
    w_arr = np.asarray(w, dtype=np.float64).reshape(-1)
    if X_arr.ndim != 2:
        raise ValueError(f"Inputs must be a table of shape (n, d); got shape {X_arr.shape}.")
    if w_arr.shape != (X_arr.shape[1] + 1,):
        raise ValueError(
            f"A unit with {X_arr.shape[1]} input(s) needs {X_arr.shape[1] + 1} numbers "
            f"(the weights, then the bias); got {w_arr.size}."
        )
    if not (np.all(np.isfinite(w_arr)) and np.all(np.isfinite(X_arr))):
        raise ValueError("Weights and inputs must be finite numbers.")
    scores = X_arr @ w_arr[:-1] + w_arr[-1]
    return scores, np.asarray(step(scores), dtype=np.int64).reshape(-1)


@dataclass(frozen=True)
class TruthTable:
    """A perceptron's truth table checked row by row against a gate."""

    inputs: Array  # (n, k)
    scores: Array  # (n,) w·x + b
    outputs: Labels  # (n,) the unit's output
    targets: Labels  # (n,) the gate's output

    @property
    def correct(self) -> NDArray[np.bool_]:
        return self.outputs == self.targets

    @property
    def n_correct(self) -> int:
        return int(self.correct.sum())

    @property
    def all_correct(self) -> bool:
        return bool(self.correct.all())


def truth_table(gate: str, w: ArrayLike) -> TruthTable:
    """Run the unit with extended weights ``w`` ((k + 1,), bias last) on every row of ``gate``."""
    X, y = gate_data(gate)
    scores, outputs = perceptron_output(w, X)
    return TruthTable(inputs=X, scores=scores, outputs=outputs, targets=y)


def learn_gate(gate: str, *, max_epochs: int = 100) -> PerceptronRun:
    """Let the lecture's perceptron learn the gate from zero weights (XOR cycles)."""
    X, y = gate_data(gate)
    return train(X, y, max_epochs=max_epochs)


def separating_line(X: ArrayLike, y: ArrayLike) -> Array | None:
    """A line that puts every class-1 point strictly on its positive side, or None if none does.

    Parameters
    ----------
    X : (n, d) points with d = 1 or 2. y : (n,) labels in {0, 1}, both present.

    Returns
    -------
    (d + 1,) extended weights (w, b) with step(<w, x> + b) = y on every point, or None when the
    classes are not linearly separable.

    Why this is exact (for d = 2): the directions u along which class 1 projects strictly above
    class 0 form an open arc of the circle. On its ends some class-0 point a and class-1 point b
    tie (u · a = u · b), so the ends are among the directions perpendicular to a − b, and no such
    direction lies inside the arc (it would tie). So the arc, if there is one, lies between two
    consecutive candidate directions, and its midpoint is one of the midpoints tested here.
    """
    X_arr = np.asarray(X, dtype=np.float64)
    y_arr = np.asarray(y)
    if X_arr.ndim != 2 or X_arr.shape[1] not in (1, 2):
        raise ValueError("Separability is checked for points with one or two coordinates.")
    if y_arr.shape != (X_arr.shape[0],) or not np.all(np.isin(y_arr, (0, 1))):
        raise ValueError("Give one label, 0 or 1, per point.")
    if not np.all(np.isfinite(X_arr)):
        raise ValueError("Every coordinate must be a finite number.")
    zeros, ones = X_arr[y_arr == 0], X_arr[y_arr == 1]
    if len(zeros) == 0 or len(ones) == 0:
        raise ValueError("Both classes need at least one point to ask for a line between them.")
    d = X_arr.shape[1]
    if d == 1:
        candidates = np.array([[1.0], [-1.0]])
    else:
        diffs = (ones[:, None, :] - zeros[None, :, :]).reshape(-1, 2)
        if np.any(np.all(diffs == 0, axis=1)):
            return None  # one point carries both labels
        # Perpendiculars to every difference, both orientations, as angles on the circle.
        normal = np.arctan2(diffs[:, 1], diffs[:, 0])
        # Repeated differences give repeated ends; an empty gap between them is no arc.
        ends = np.unique(np.concatenate([normal + np.pi / 2, normal - np.pi / 2]) % (2 * np.pi))
        gaps = np.diff(np.append(ends, ends[0] + 2 * np.pi))
        mids = ends + gaps / 2
        candidates = np.column_stack([np.cos(mids), np.sin(mids)])
    # Rounding can leave a tie a hair apart: ask for a gap above rounding size.
    tol = 1e-9 * max(1.0, float(np.max(np.abs(X_arr))))
    for u in candidates:
        low, high = float(np.max(zeros @ u)), float(np.min(ones @ u))
        if high - low > tol:
            return np.append(u, -(low + high) / 2)
    return None


def linearly_separable(X: ArrayLike, y: ArrayLike) -> bool:
    """True when one line (one perceptron) classifies every point correctly."""
    return separating_line(X, y) is not None


def cycle_weights(run: PerceptronRun) -> list[Array]:
    """The weights a cycled run keeps visiting, in order, one per distinct boundary.

    From the start of epoch ``run.cycle_start`` to the end of the last epoch the run made, the
    weights after every update; that sequence repeats forever. Empty if the run did not cycle.
    """
    if not run.cycled or run.cycle_start is None:
        return []
    seen: list[Array] = []
    for s in run.steps:
        if s.epoch < run.cycle_start:
            continue
        if not seen:
            seen.append(s.w_before)
        if s.updated and not any(np.array_equal(s.w, w) for w in seen):
            seen.append(s.w)
    return seen


@dataclass(frozen=True)
class TwoLayerNet:
    """Two layers of step perceptrons: k hidden units, then one output unit.

    hidden : (k, d + 1) one row of extended weights per hidden unit, bias last.
    output : (k + 1,) extended weights of the output unit over the hidden outputs.
    """

    hidden: Array
    output: Array

    def __post_init__(self) -> None:
        hidden = np.asarray(self.hidden, dtype=np.float64)
        output = np.asarray(self.output, dtype=np.float64).reshape(-1)
        if hidden.ndim != 2 or hidden.shape[1] < 2:
            raise ValueError("Hidden weights must be a table with one row (w…, b) per unit.")
        if output.shape != (hidden.shape[0] + 1,):
            raise ValueError(
                f"The output unit needs {hidden.shape[0] + 1} numbers (one weight per hidden "
                f"unit, then the bias); got {output.size}."
            )
        if not (np.all(np.isfinite(hidden)) and np.all(np.isfinite(output))):
            raise ValueError("Every weight must be a finite number.")
        object.__setattr__(self, "hidden", hidden)
        object.__setattr__(self, "output", output)

    def hidden_layer(self, X: ArrayLike) -> tuple[Array, Labels]:
        """(n, d) inputs -> (n, k) hidden scores and (n, k) hidden outputs in {0, 1}."""
        X_arr = np.asarray(X, dtype=np.float64)
        if X_arr.ndim != 2 or X_arr.shape[1] != self.hidden.shape[1] - 1:
            raise ValueError(
                f"The network takes {self.hidden.shape[1] - 1} inputs per row; got shape "
                f"{X_arr.shape}."
            )
        scores = X_arr @ self.hidden[:, :-1].T + self.hidden[:, -1]
        return scores, np.asarray(step(scores), dtype=np.int64).reshape(scores.shape)

    def forward(self, X: ArrayLike) -> tuple[Labels, Array, Labels]:
        """(n, d) inputs -> hidden outputs (n, k), output scores (n,), outputs (n,) in {0, 1}."""
        _, H = self.hidden_layer(X)
        scores, out = perceptron_output(self.output, H)
        return H, scores, out


# XOR = AND(OR(x1, x2), NAND(x1, x2)): h1 = OR, h2 = NAND, the output unit is AND of (h1, h2).
XOR_NET = TwoLayerNet(
    hidden=np.array([GATE_WEIGHTS["or"], GATE_WEIGHTS["nand"]]),
    output=np.array(GATE_WEIGHTS["and"]),
)


# The 16 functions of two bits, by their outputs on (0,0), (0,1), (1,0), (1,1).
_TWO_INPUT_NAMES = {
    (0, 0, 0, 0): "always 0",
    (0, 0, 0, 1): "{a} AND {b}",
    (0, 0, 1, 0): "{a} AND NOT {b}",
    (0, 0, 1, 1): "{a}",
    (0, 1, 0, 0): "NOT {a} AND {b}",
    (0, 1, 0, 1): "{b}",
    (0, 1, 1, 0): "{a} XOR {b}",
    (0, 1, 1, 1): "{a} OR {b}",
    (1, 0, 0, 0): "{a} NOR {b}",
    (1, 0, 0, 1): "{a} XNOR {b}",
    (1, 0, 1, 0): "NOT {b}",
    (1, 0, 1, 1): "{a} OR NOT {b}",
    (1, 1, 0, 0): "NOT {a}",
    (1, 1, 0, 1): "NOT {a} OR {b}",
    (1, 1, 1, 0): "{a} NAND {b}",
    (1, 1, 1, 1): "always 1",
}


def boolean_name(outputs: ArrayLike, names: tuple[str, str] = ("x₁", "x₂")) -> str:
    """The name of the two-bit function with these (4,) outputs on (0,0), (0,1), (1,0), (1,1)."""
    key = tuple(int(o) for o in np.asarray(outputs).reshape(-1))
    if key not in _TWO_INPUT_NAMES:
        raise ValueError("Give the four outputs, each 0 or 1, on (0,0), (0,1), (1,0), (1,1).")
    return _TWO_INPUT_NAMES[key].format(a=names[0], b=names[1])


def function_name(w: ArrayLike, names: tuple[str, str] = ("x₁", "x₂")) -> str:
    """Which logic function a two-input unit with extended weights ``w`` (3,) computes on bits.

    ``function_name((1, 1, -0.5))`` is ``"x₁ OR x₂"``; the inputs are called by ``names``.
    """
    _, outputs = perceptron_output(w, GATE_INPUTS)
    return boolean_name(outputs, names)
