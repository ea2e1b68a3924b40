"""What the convolution lesson writes: the shape formula with its numbers, the inner product of
the window, the per-channel sum, pooling, the verdict on a prediction.

Formulas are inline maths in markdown (``$...$``), not display blocks: KaTeX may break an inline
formula after any top-level ``=``, ``+`` or ``×``, so a long one wraps on a phone and stays on
one line on a projector, where a display block would be cut off at the container's edge.
Fractions are ``\\dfrac`` so that they keep their display size inline; a short definition in
braces (``${p_h = 2 \\times 1 = 2}$``) is one unbreakable piece.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ui.formatting import latex, num, paren_if_negative
from ui.text import Message

AXIS_WORDS = {"h": ("Rows", "height", "row"), "w": ("Columns", "width", "column")}


def padding_text(before: int, after: int) -> str:
    """The total padding of one axis as the lecture counts it: "2 \\times 4 = 8", "0 + 1 = 1"."""
    if before == after:
        return f"2 \\times {before} = {before + after}" if before else "0"
    return f"{before} + {after} = {before + after}"


def dilated_span(k: int, d: int) -> int:
    """How many input cells a kernel of k taps with dilation d spans."""
    return d * (k - 1) + 1


def shape_markdown(axis: str, n: int, k: int, before: int, after: int, s: int, d: int = 1) -> str:
    """⌊(n − k + p + s)/s⌋ for one axis with the numbers substituted, as wrapping markdown.

    ``axis`` is "h" or "w"; ``before``/``after`` the padding on each side; ``d`` the dilation,
    which replaces k by the dilated kernel's span k' = d(k − 1) + 1.
    """
    label = AXIS_WORDS[axis][0]
    span = dilated_span(k, d)
    p = before + after
    top = n - span + p + s
    parts = []
    k_sym = f"k_{axis}"
    if d > 1:
        parts.append(
            f"${{k'_{axis} = d_{axis}(k_{axis} - 1) + 1 = {d}({k} - 1) + 1 = {span}}}$ "
            "(the dilated kernel's span)"
        )
        k_sym = f"k'_{axis}"
    parts.append(f"${{p_{axis} = {padding_text(before, after)}}}$")
    parts.append(
        rf"$\left\lfloor \dfrac{{n_{axis} - {k_sym} + p_{axis} + s_{axis}}}{{s_{axis}}}"
        r" \right\rfloor"
        rf" = \left\lfloor \dfrac{{{n} - {span} + {p} + {s}}}{{{s}}} \right\rfloor"
        rf" = \left\lfloor \dfrac{{{top}}}{{{s}}} \right\rfloor = \mathbf{{{top // s}}}$"
    )
    return f"**{label}:** " + ", ".join(parts)


def floor_explanation(axis: str, n: int, span: int, p: int, s: int, covered: np.ndarray):
    """Why some rows / columns of the padded input are never read, or None if all are.

    ``span`` is the (dilated) kernel's extent, ``covered`` the padded axis's cells that some
    window reads (engine.conv.coverage).
    """
    missing = np.flatnonzero(~np.asarray(covered))
    if missing.size == 0:
        return None
    _, axis_name, unit = AXIS_WORDS[axis]
    remainder = (n - span + p) % s
    parts = []
    if remainder:
        parts.append(
            f"Along the {axis_name}, (n − k + p)/s = {n - span + p}/{s} is not a whole number: "
            f"after {(n - span + p) // s} steps of {s} the window has {remainder} {unit}(s) "
            "left, too few for another step, so the floor drops the partial window."
        )
    if s > span:
        parts.append(
            f"The stride {s} is larger than the window ({span}), so {unit}s between windows are "
            "skipped too."
        )
    listed = ", ".join(str(i + 1) for i in missing)
    parts.append(f"Never read ({unit}s of the padded input, from 1): {listed}, in yellow.")
    return " ".join(parts)


def inner_product_markdown(
    window: np.ndarray, kernel: np.ndarray, value: float, i: int, j: int
) -> str:
    """y_{i,j} = Σ window × kernel, one kernel row per line, every product written out.

    ``i``, ``j`` count from 1. The lines may wrap further after any "+".
    """
    lines = []
    for r in range(kernel.shape[0]):
        terms = " + ".join(
            f"{paren_if_negative(a)} \\times {paren_if_negative(b)}"
            for a, b in zip(window[r], kernel[r], strict=True)
        )
        lines.append((f"y_{{{i},{j}}} = " if r == 0 else r"\quad + ") + terms)
    lines.append(f"= {num(value)}")
    return "$" + latex(r" \\ ".join(lines)) + "$"


def position_heading(i: int, j: int, cursor: int, total: int) -> str:
    """The heading over the inner product: which entry, which step (all from 1)."""
    return f"##### Output entry (row {i}, column {j}) · position {cursor + 1} of {total}"


def window_caption(i: int, j: int, sh: int, sw: int) -> str:
    """Where the window starts for output entry (i, j) (from 0), in padded cells from 1."""
    return (
        f"The window (pink) starts at padded row {i * sh + 1} = 1 + {i}·{sh}, column "
        f"{j * sw + 1} = 1 + {j}·{sw}: each step moves it by the stride. Grey cells are "
        "padding zeros."
    )


def prediction_verdict(guess: tuple[int | None, int | None], shape: tuple[int, int]) -> Message:
    """The verdict on a predicted output shape."""
    (gh, gw), (ho, wo) = guess, shape
    if gh is None or gw is None:
        return Message("info", f"You did not type a full prediction. The output is {ho} × {wo}.")
    if (gh, gw) == (ho, wo):
        return Message("success", f"Right: {ho} × {wo}.")
    return Message(
        "error", f"You predicted {gh} × {gw}; the output is {ho} × {wo}. The formula shows why."
    )


def channels_summary(c_in: int, c_out: int, n: int, k: int, ho: int) -> str:
    """The weight tensor's shape, its parameter count, and the shapes in and out."""
    weights = c_out * c_in * k * k
    return (
        f"**Weights W: {c_out} × {c_in} × {k} × {k}** "
        f"($c_o \\times c_i \\times k_h \\times k_w$) = {weights} weights, "
        f"plus {c_out} biases = **{weights + c_out} parameters**. "
        f"Input {c_in} × {n} × {n} → output **{c_out} × {ho} × {ho}**: "
        "one output channel per filter."
    )


def channel_sum_markdown(
    cell: tuple[int, int], names: Sequence[str], partial: Sequence[float], bias: float, out: float
) -> str:
    """y = Σ_c (X_c ⋆ K_c) + b at one output entry (``cell`` from 0), with the numbers."""
    r, c = cell[0] + 1, cell[1] + 1
    terms = " + ".join(paren_if_negative(v) for v in partial)
    sub = ", ".join(names)
    return (
        "$"
        + latex(
            rf"y_{{{r},{c}}} = \sum\limits_{{c \in \{{{sub}\}}}} (X_c \star K_c)_{{{r},{c}}} + b"
            rf" = {terms} + {paren_if_negative(bias)} = {num(out)}"
        )
        + "$"
    )


def pooling_markdown(window: np.ndarray, value: float, mode: str) -> str:
    """max(…) or the mean of one pooling window, breakable between its entries."""
    values = [num(v) for v in np.asarray(window).ravel()]
    if mode == "max":
        body = r"\max(" + r", \allowbreak ".join(values) + f") = {num(value)}"
    else:
        body = rf"\dfrac{{1}}{{{len(values)}}}(" + " + ".join(values) + f") = {num(value)}"
    return "$" + latex(body) + "$"


def fourth_channel_note(c_in: int) -> str | None:
    """Say what the fourth input channel is, when there is one."""
    if c_in < 4:
        return None
    return (
        "Four input channels: R, G, B and **D**, a depth channel, as an RGB-D camera "
        "(colour plus distance) gives. A filter has one kernel per input channel, whatever "
        "the channels mean."
    )
