"""What the perceptron lesson says: its formulas with the numbers in, step explanations, the
verdict of a run, the trace table.

Formulas that carry numbers are inline maths (``$...$`` in markdown): KaTeX breaks an inline
formula after a ``+`` or ``=`` when the column is too narrow, so a long sum wraps onto the next
line instead of being cut off (a display formula never wraps). Each product sits in braces so a
line never breaks inside ``2 × 1``.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from engine.perceptron import PerceptronRun, PerceptronStep
from ui.formatting import latex, num, paren_if_negative, vec
from ui.text import Message

# The lesson's header: the lecture's formulas, split so that each fits a phone's width.
HEADER_FORMULAS = (
    r"\begin{gathered} o = \sigma(\mathbf{w}^\top \mathbf{x} + b) \\ "
    r"\sigma(z) = \begin{cases} 1 & z > 0 \\ 0 & \text{otherwise} \end{cases} \end{gathered}",
    r"\vec w = (w_1, \dots, w_d, b), \quad \vec x = (x_1, \dots, x_d, 1)",
    r"o_i \ne y_i \Rightarrow \begin{cases} \vec w \leftarrow \vec w + \vec x_i "
    r"& \text{if } y_i = 1 \\ \vec w \leftarrow \vec w - \vec x_i & \text{if } y_i = 0 "
    r"\end{cases}",
)


def product(a: float, b: float) -> str:
    """One product as an unbreakable group: {(−1) \\times 1}."""
    return f"{{{paren_if_negative(a)} \\times {paren_if_negative(b)}}}"


def inner_product_latex(w: Sequence[float], x: Sequence[float], i: int, score: float) -> str:
    """⟨w, x_i⟩ = 1 × 0 + 2 × 1 + (−1) × 1 = 1, as on the lecture's slide (inline maths)."""
    terms = " + ".join(product(wk, xk) for wk, xk in zip(w, x, strict=True))
    return latex(rf"\langle \vec w, \vec x_{{{i}}} \rangle = {terms} = {num(score)}")


def neuron_latex(w1: float, w2: float, b: float, x1: float, x2: float) -> str:
    """w₁x₁ + w₂x₂ + b = 1 × 1 + 2 × 1 + (−1) = 2 (inline maths, wraps when narrow)."""
    z = w1 * x1 + w2 * x2 + b
    return latex(
        rf"w_1 x_1 + w_2 x_2 + b = {product(w1, x1)} + {product(w2, x2)} "
        rf"+ {paren_if_negative(b)} = {num(z)}"
    )


def neuron_output(z: float, o: int) -> str:
    return f"$o = \\sigma({latex(num(z))})$ = **{o}**: class {o}."


def repeating_epochs(cycle_start: int, epochs: int) -> str:
    """The epochs a cycled run repeats, once the weights at the start of epoch ``epochs + 1``
    equal those at the start of ``cycle_start``: "epoch 3 over and over" for a loop of one
    epoch, "epochs 3–5 over and over, in turn (a loop of 3 epochs)" for a longer one."""
    if not 1 <= cycle_start <= epochs:
        raise ValueError(f"A loop from epoch {cycle_start} to {epochs} is not a loop.")
    if cycle_start == epochs:
        return f"epoch {epochs} over and over"
    length = epochs - cycle_start + 1
    return f"epochs {cycle_start}–{epochs} over and over, in turn (a loop of {length} epochs)"


def start_message(w_start: Sequence[float]) -> Message:
    return Message(
        "info",
        f"Start: $\\vec w$ = {vec(w_start)}. Press **Step** to visit $\\vec x_1$ in "
        "epoch 1, or **Epoch** for a whole pass.",
    )


def step_messages(s: PerceptronStep) -> list[Message]:
    """One visited point: where, the inner product, the prediction, and the update."""
    i = s.index + 1
    messages = [
        Message(
            "markdown",
            f"**Epoch {s.epoch}, point $\\vec x_{{{i}}}$** = {vec(s.x)} (class {s.label}), "
            f"$\\vec w$ = {vec(s.w_before)}",
        ),
        Message("markdown", f"${inner_product_latex(s.w_before, s.x, i, s.score)}$"),
        Message(
            "markdown",
            f"$\\sigma({latex(num(s.score))})$ = **{s.predicted}**: predicts class "
            f"{s.predicted}, the true class is {s.label}.",
        ),
    ]
    if not s.updated:
        messages.append(Message("success", "Correct prediction, no update."))
    else:
        too, sign, verb = ("small", "+", "add") if s.label == 1 else ("large", "-", "subtract")
        messages.append(
            Message(
                "error",
                f"Wrong prediction: the score is too {too}, so {verb} the point. "
                f"Update $\\vec w \\leftarrow \\vec w {sign} \\vec x_{{{i}}}$ = {vec(s.w)}",
            )
        )
    return messages


def run_verdict(run: PerceptronRun) -> Message:
    """How the run ended: converged, a repeat of the weights (it can never converge), or the cap."""
    if run.converged:
        return Message(
            "success",
            f"**Success!** Epoch {run.epochs} made no mistakes: the perceptron converged after "
            f"{run.epochs} epoch{'s' if run.epochs != 1 else ''} with $\\vec w$ = {vec(run.w)}.",
        )
    if run.cycled and run.cycle_start is not None:
        return Message(
            "error",
            f"**The weights repeat.** The weights at the start of epoch {run.epochs + 1} equal "
            f"those at the start of epoch {run.cycle_start}, so from here the perceptron runs "
            f"{repeating_epochs(run.cycle_start, run.epochs)}: this data is not linearly "
            "separable, and the perceptron will loop forever.",
        )
    return Message(
        "warning",
        f"Stopped after {run.max_epochs} epochs without converging (and without an exact "
        "repeat of the weights). If the data is separable, more epochs would get there.",
    )


def trace_rows(steps: Sequence[PerceptronStep]) -> list[dict[str, object]]:
    """The trace table, one row per visited point, as in the lecture's worked example."""
    rows = []
    for s in steps:
        sign = "+" if s.label == 1 else "−"
        rows.append(
            {
                "epoch": s.epoch,
                "point": f"x{s.index + 1}",
                "x⃗": vec(s.x),
                "w⃗ before": vec(s.w_before),
                "⟨w⃗, x⃗⟩": num(s.score),
                "predicted": s.predicted,
                "true": s.label,
                "update": f"w⃗ ← w⃗ {sign} x⃗{s.index + 1} = {vec(s.w)}" if s.updated else "none",
            }
        )
    return rows


def blank_rows_note(rows: np.ndarray) -> str:
    """Rows (0-based indices) left out of training because a cell is empty or not a number."""
    listed = ", ".join(str(i + 1) for i in rows)
    return (
        f"Row(s) {listed} have an empty or non-numeric cell and are left out until you fill "
        "them in."
    )
