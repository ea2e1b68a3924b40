"""The backpropagation lesson's words and formulas, written from the engine's numbers.

engine.backprop computes the lecture's one-neuron graph (values, gradients, local derivatives,
the order of the steps); this module writes each step the way the lecture's slides do, in LaTeX
and in one line of plain text, and says what the practice tab and the vanishing-gradient chain
show. Numbers follow the lecture: integers bare, others to 4 decimals with every decimal kept
(0.2689, 0.5000), "=" before an exact value and "≈" before a rounded one. The practice tab's
verdicts never give an answer away before the learner has tried.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from engine.activations import ACTIVATION_LABELS as ACTIVATION_LABELS_ALL
from engine.backprop import (
    ACTIVATION_NAMES,
    LOSS_NAMES,
    BackpropExample,
    ChainResult,
    Edge,
    LocalCheck,
    Step,
)
from engine.backprop_matrix import ORDER, Jacobian, MatrixBackprop
from ui.formatting import MINUS, latex, num, power_of_ten, small
from ui.text import Message

SYMBOLS = {"x1": "x_1", "x2": "x_2", "w1": "w_1", "w2": "w_2", "z": "z", "yhat": r"\hat y",
           "loss": r"\ell", "y": "y"}  # fmt: skip
TEXT_SYMBOLS = {"x1": "x₁", "x2": "x₂", "w1": "w₁", "w2": "w₂", "z": "z", "yhat": "ŷ",
                "loss": "ℓ", "y": "y"}  # fmt: skip


def _exact(x: float) -> bool:
    return abs(x - round(x)) < 1e-9


def fmt(x: float, *, tex: bool = False, paren: bool = False) -> str:
    """Integers as integers, others to 4 decimals; a true minus sign outside LaTeX.

    ``paren`` wraps negative numbers, for products: 2 × (−1).
    """
    text = num(x, digits=4, trim=_exact(x))
    if paren and text.startswith(MINUS):
        text = f"({text})"
    return latex(text) if tex else text


def _eq(x: float) -> str:
    """' = 3' for a number shown exactly, ' \\approx 0.2689' for a rounded one (LaTeX)."""
    return (" = " if _exact(x) else r" \approx ") + fmt(x, tex=True)


def _text_eq(x: float) -> str:
    return (" = " if _exact(x) else " ≈ ") + fmt(x)


def edge_tex(edge: Edge) -> str:
    """∂dst/∂src in LaTeX."""
    return rf"\frac{{\partial {SYMBOLS[edge.dst]}}}{{\partial {SYMBOLS[edge.src]}}}"


def edge_text(edge: Edge) -> str:
    """∂dst/∂src in plain text, e.g. ∂ŷ/∂z."""
    return f"∂{TEXT_SYMBOLS[edge.dst]}/∂{TEXT_SYMBOLS[edge.src]}"


@dataclass(frozen=True)
class StepText:
    """One step written out: ``formula`` (LaTeX, the lecture's formula with the numbers put in),
    ``text`` (the result in one line of plain text) and, for backward steps, ``local_formula``
    (LaTeX, the local derivative worked out)."""

    formula: str
    text: str
    local_formula: str = ""


def step_texts(ex: BackpropExample) -> tuple[StepText, ...]:
    """The text of each of ``ex.steps``, in the same order."""
    return tuple(_forward_texts(ex) + _backward_texts(ex))


def _yhat_tex(ex: BackpropExample) -> str:
    """ŷ as the lecture writes it: σ(−1) for the sigmoid, the number itself for ReLU."""
    if ex.activation == "sigmoid":
        return rf"\sigma({fmt(ex.values['z'], tex=True)})"
    return fmt(ex.values["yhat"], tex=True, paren=True)


def _forward_texts(ex: BackpropExample) -> list[StepText]:
    v, y = ex.values, ex.inputs["y"]
    x1, x2, w1, w2 = (fmt(v[k], tex=True, paren=True) for k in ("x1", "x2", "w1", "w2"))
    z_tex = rf"z = w_1 x_1 + w_2 x_2 = {w1} \times {x1} + {w2} \times {x2}{_eq(v['z'])}"
    z_text = f"z = w₁x₁ + w₂x₂{_text_eq(v['z'])}"
    if ex.activation == "sigmoid":
        y_tex = rf"\hat y = \sigma(z) = {_yhat_tex(ex)}{_eq(v['yhat'])}"
        y_text = f"ŷ = σ(z) = σ({fmt(v['z'])}){_text_eq(v['yhat'])}"
    else:
        y_tex = rf"\hat y = \mathrm{{ReLU}}(z) = \max(0, {fmt(v['z'], tex=True)}){_eq(v['yhat'])}"
        y_text = f"ŷ = ReLU(z) = max(0, {fmt(v['z'])}){_text_eq(v['yhat'])}"
    p = _yhat_tex(ex)
    if ex.loss == "bce":
        general = r"\ell = -y \log \hat y - (1 - y)\log(1 - \hat y)"
        if y == 1:
            middle = rf" = -\log \hat y = -\log {p}"
        elif y == 0:
            middle = rf" = -\log(1 - \hat y) = -\log(1 - {p})"
        else:
            middle = rf" = -{fmt(y, tex=True)} \log {p} - {fmt(1 - y, tex=True)} \log(1 - {p})"
        l_tex = general + middle + _eq(v["loss"])
        l_text = "ℓ = −y log ŷ − (1 − y) log(1 − ŷ)"
        if y == 1 and ex.activation == "sigmoid":
            l_text += f" = −log σ({fmt(v['z'])})"
        l_text += _text_eq(v["loss"])
    else:
        l_tex = rf"\ell = (\hat y - y)^2 = ({p} - {fmt(y, tex=True, paren=True)})^2{_eq(v['loss'])}"
        l_text = f"ℓ = (ŷ − y)²{_text_eq(v['loss'])}"
    return [StepText(z_tex, z_text), StepText(y_tex, y_text), StepText(l_tex, l_text)]


def _backward_texts(ex: BackpropExample) -> list[StepText]:
    v, y = ex.values, ex.inputs["y"]
    p = _yhat_tex(ex)
    yt = fmt(y, tex=True)
    texts = [
        StepText(
            r"\frac{\partial \ell}{\partial \ell} = 1 \quad\text{(the start of the backward pass)}",
            "∂ℓ/∂ℓ = 1",
        )
    ]
    steps = {s.node: s for s in ex.steps if s.phase == "backward"}

    # ∂ℓ/∂ŷ: the loss is the only node above ŷ, so the upstream gradient is 1.
    local = ex.edge("yhat", "loss").local
    if ex.loss == "bce":
        local_tex = (
            r"\frac{\partial \ell}{\partial \hat y} = \frac{-y}{\hat y} + \frac{1 - y}{1 - \hat y}"
            rf" = \frac{{\hat y - y}}{{\hat y(1 - \hat y)}} = \frac{{{p} - {yt}}}{{{p}(1 - {p})}}"
        )
    else:
        local_tex = rf"\frac{{\partial \ell}}{{\partial \hat y}} = 2(\hat y - y) = 2({p} - {yt})"
    texts.append(_chain_text(steps["yhat"], local_tex + _eq(local)))

    # ∂ℓ/∂z = ∂ℓ/∂ŷ · ∂ŷ/∂z
    zt = fmt(v["z"], tex=True)
    if ex.activation == "sigmoid":
        local_tex = (
            rf"\frac{{\partial \hat y}}{{\partial z}} = \sigma(z)(1 - \sigma(z)) = {p}(1 - {p})"
            + _eq(ex.edge("z", "yhat").local)
        )
    else:
        why = rf"{zt} > 0" if v["z"] > 0 else rf"{zt} \le 0"
        local_tex = (
            rf"\frac{{\partial \hat y}}{{\partial z}} = {fmt(ex.edge('z', 'yhat').local, tex=True)}"
            rf"\quad\text{{(ReLU: 1 when }}z > 0\text{{, else 0; here }}z = {why})"
        )
    # Sigmoid with cross-entropy simplifies to ŷ − y: the lecture's σ(−1) − 1.
    closed = rf"{p} - {yt}" if (ex.activation, ex.loss) == ("sigmoid", "bce") else None
    texts.append(_chain_text(steps["z"], local_tex, closed=closed))

    # ∂ℓ/∂w_i = ∂ℓ/∂z · x_i and ∂ℓ/∂x_i = ∂ℓ/∂z · w_i
    for key, other in (("w1", "x1"), ("w2", "x2"), ("x1", "w1"), ("x2", "w2")):
        local_tex = (
            rf"\frac{{\partial z}}{{\partial {SYMBOLS[key]}}} = \frac{{\partial}}{{\partial "
            rf"{SYMBOLS[key]}}}(w_1 x_1 + w_2 x_2) = {SYMBOLS[other]}{_eq(v[other])}"
        )
        closed_w = closed
        if closed and v[other] != 1:
            closed_w = rf"{fmt(v[other], tex=True, paren=True)}\,({closed})"
        texts.append(_chain_text(steps[key], local_tex, closed=closed_w))
    return texts


def _chain_text(step: Step, local_tex: str, *, closed: str | None = None) -> StepText:
    """gradient = upstream gradient × local derivative, as the lecture's two lines of LaTeX."""
    s, u = SYMBOLS[step.node], SYMBOLS[step.upstream_node]
    chain = rf"\frac{{\partial \ell}}{{\partial {s}}}"
    if step.upstream_node != "loss":
        chain += rf" = \frac{{\partial \ell}}{{\partial {u}}} \frac{{\partial {u}}}{{\partial {s}}}"
    chain += rf" = {fmt(step.upstream, tex=True, paren=True)} \times "
    chain += fmt(step.local, tex=True, paren=True)
    if closed:
        chain += f" = {closed}"
    chain += _eq(step.grad)
    text = f"∂ℓ/∂{TEXT_SYMBOLS[step.node]} = upstream × local = {fmt(step.upstream)} × "
    text += fmt(step.local, paren=True)
    if closed:
        text += " = " + closed.replace(r"\sigma", "σ").replace(r"\,", " ").replace("-", "−")
    text += _text_eq(step.grad)
    return StepText(chain, text, local_tex)


# A wrong local derivative earns a hint first; the value is shown after this many wrong checks.
REVEAL_AFTER = 2
# What to look at again when a local derivative is wrong.
HINTS = {
    ("yhat", "loss"): {
        "bce": "differentiate −y log ŷ − (1 − y) log(1 − ŷ) in ŷ: −y/ŷ + (1 − y)/(1 − ŷ).",
        "squared": "differentiate (ŷ − y)² in ŷ: 2(ŷ − y).",
    },
    ("z", "yhat"): {
        "sigmoid": "σ'(z) = σ(z)(1 − σ(z)) = ŷ(1 − ŷ), with this example's ŷ.",
        "relu": "ReLU'(z) is 1 when z > 0 and 0 otherwise.",
    },
}
LINEAR_HINT = "z = w₁x₁ + w₂x₂ is linear in each of them: the slope is what multiplies it."
# The local derivatives that chain into ∂ℓ/∂w₁, from the loss down.
W1_PATH = (("yhat", "loss"), ("z", "yhat"), ("w1", "z"))


def fd_text(x: float) -> str:
    """A finite-difference estimate: always 4 decimals (it is never exact), n/a if undefined."""
    return "n/a" if math.isnan(x) else f"{x:.4f}".replace("-", "−")


def example_caption(ex: BackpropExample) -> str:
    i = ex.inputs
    return (
        f"Example: x₁ = {fmt(i['x1'])}, x₂ = {fmt(i['x2'])}, w₁ = {fmt(i['w1'])}, "
        f"w₂ = {fmt(i['w2'])}, y = {fmt(i['y'])}, {ACTIVATION_NAMES[ex.activation]}, "
        f"{LOSS_NAMES[ex.loss]}. The forward values are filled in for you."
    )


def hint(ex: BackpropExample, edge: Edge) -> str:
    options = HINTS.get((edge.src, edge.dst), {})
    return options.get(ex.loss) or options.get(ex.activation) or LINEAR_HINT


# -- practice: the learner's local derivatives ------------------------------------------------


@dataclass(frozen=True)
class Verdict:
    """One checked local derivative as the page shows it."""

    check: LocalCheck
    revealed: bool  # right, or wrong REVEAL_AFTER times: the autodiff value may be shown

    @property
    def edge(self) -> Edge:
        return self.check.edge


def verdicts(checks: Sequence[LocalCheck], wrong_tries: Mapping[str, int]) -> list[Verdict]:
    """``wrong_tries``: edge text -> how many checks found that derivative wrong."""
    return [
        Verdict(c, c.correct or wrong_tries.get(edge_text(c.edge), 0) >= REVEAL_AFTER)
        for c in checks
    ]


def practice_rows(found: Sequence[Verdict]) -> list[dict[str, str]]:
    """The table after a check: autodiff and finite differences only where revealed."""
    rows = []
    for v in found:
        c = v.check
        rows.append(
            {
                "local derivative": edge_text(c.edge),
                "your answer": fmt(c.answer),
                "autodiff": fmt(c.edge.local) if v.revealed else "try again first",
                "finite difference": fd_text(c.edge.local_numeric) if v.revealed else "",
                "verdict": "✓ right" if c.correct else "✗ wrong" if v.revealed else "✗ not yet",
            }
        )
    return rows


def practice_messages(ex: BackpropExample, found: Sequence[Verdict], n_edges: int) -> list[Message]:
    """A hint and a second try for each wrong derivative, the values after that; praise when
    every answered one is right."""
    messages = []
    for v in found:
        c = v.check
        if c.correct:
            continue
        node = TEXT_SYMBOLS[c.edge.dst]
        if v.revealed:
            messages.append(
                Message(
                    "error",
                    f"The node **{node}** is wrong: you have {edge_text(c.edge)} = "
                    f"{fmt(c.answer)}, "
                    f"autodiff gives {fmt(c.edge.local)} and finite differences "
                    f"{fd_text(c.edge.local_numeric)}. Hint: {hint(ex, c.edge)}",
                )
            )
        else:
            messages.append(
                Message(
                    "warning",
                    f"The node **{node}** is not right yet: you have {edge_text(c.edge)} = "
                    f"{fmt(c.answer)}. Hint: {hint(ex, c.edge)} Change it and check again.",
                )
            )
    if found and all(v.check.correct for v in found):
        missing = n_edges - len(found)
        more = f" ({missing} still to do)" if missing else ""
        messages.append(
            Message("success", f"All {len(found)} of your local derivatives are right{more}.")
        )
    return messages


def chain_sentence(ex: BackpropExample, answers: Mapping[tuple[str, str], float]) -> str:
    """∂ℓ/∂w₁ chained from the learner's own local derivatives, once they gave all three."""
    names = [edge_text(ex.edge(src, dst)) for src, dst in W1_PATH]
    if not all(edge in answers for edge in W1_PATH):
        return (
            f"Answer {names[0]}, {names[1]} and {names[2]} to chain them into ∂ℓ/∂w₁, as "
            "backpropagation does."
        )
    factors = [answers[edge] for edge in W1_PATH]
    product = math.prod(factors)
    shown = " × ".join(fmt(f, paren=True) for f in factors)
    return (
        f"Chained, your local derivatives give ∂ℓ/∂w₁ = {shown} = {fmt(product)}; "
        f"backpropagation gives {fmt(ex.grads['w1'])}."
    )


# -- vanishing gradients ----------------------------------------------------------------------


def _layers(ks: Sequence[int]) -> str:
    shown = ", ".join(str(k) for k in ks[:6])
    return shown + (", …" if len(ks) > 6 else "")


def zero_reasons(res: ChainResult, activation: str, w: float, x: float) -> list[str]:
    """Why gradients are exactly 0. ∂h_n/∂w_k = h_(k−1) · act'(z_k) · Π_(j > k) w · act'(z_j):
    it is 0 where a layer's input h_(k−1) is 0, where w = 0 (above the last layer), and below
    any off ReLU (act' = 0 for z ≤ 0)."""
    reasons = []
    if w == 0:
        reasons.append("w = 0, so every factor w · act'(z) is 0")
    if activation == "relu":
        off = [k for k, z in enumerate(res.z, start=1) if z <= 0]
        if off:
            k = off[0]
            reasons.append(
                f"ReLU is off (z ≤ 0) at layer{'s' if len(off) > 1 else ''} {_layers(off)} "
                f"(z{_sub(k)} = {fmt(res.z[k - 1])}), and an off ReLU passes no gradient back"
            )
    inputs = [x, *res.h[:-1]]  # h_(k−1), the input of layer k
    fed_zero = [k for k, h in enumerate(inputs, start=1) if h == 0]
    if fed_zero:
        k = fed_zero[0]
        what = "the input x = h₀ = 0" if k == 1 else f"h{_sub(k - 1)} = 0"
        more = f" (and a zero input at layers {_layers(fed_zero)})" if len(fed_zero) > 1 else ""
        reasons.append(
            f"{what} multiplies the gradient of w{_sub(k)}{more}: $\\partial h_n / \\partial w_k$ "
            "has the factor $h_{k-1}$"
        )
    return reasons


def _sub(k: int) -> str:
    return "".join("₀₁₂₃₄₅₆₇₈₉"[int(d)] for d in str(k))


def _sup(k: int) -> str:
    return "".join("⁰¹²³⁴⁵⁶⁷⁸⁹"[int(d)] for d in str(k))


def vanishing_messages(res: ChainResult, activation: str, *, w: float, x: float) -> list[Message]:
    """What the chain's gradients say, from its numbers: exact zeros with their cause, else how
    many times smaller (or larger) the gradient at layer 1 is than at the output layer."""
    n = len(res.grad_w)
    first, last = abs(res.grad_w[0]), abs(res.grad_w[-1])
    messages = []
    if first == 0:
        reasons = zero_reasons(res, activation, w, x) or [
            "the product of the factors underflowed to 0 in floating point"
        ]
        every = all(g == 0 for g in res.grad_w)
        where = "at every layer" if every else "at layer 1"
        messages.append(
            Message(
                "warning",
                f"The gradient {where} is exactly 0: "
                + "; ".join(reasons)
                + "."
                + (" Try a positive input or weight." if activation == "relu" else ""),
            )
        )
    elif last > 0 and n > 1:
        ratio = first / last
        a, z = power_of_ten(first), power_of_ten(last)
        if math.isclose(ratio, 1, rel_tol=1e-3):
            messages.append(
                Message(
                    "info",
                    f"The gradient at layer 1 is about the same as at layer {n} ({a} vs {z}): "
                    "here the factors and the layers' inputs balance.",
                )
            )
        elif ratio < 1:
            messages.append(
                Message(
                    "info",
                    f"The gradient at layer 1 is {_times(1 / ratio)} *smaller* than at layer "
                    f"{n} ({a} vs {z}).",
                )
            )
        else:
            messages.append(
                Message(
                    "info",
                    f"The gradient at layer 1 is {_times(ratio)} *larger* than at layer {n} "
                    f"({a} vs {z}): factors above 1 make gradients explode instead.",
                )
            )
    if activation == "sigmoid":
        bound = 0.25 ** (n - 1)
        messages.append(
            Message(
                "caption",
                "σ'(z) = σ(z)(1 − σ(z)) is at most 1/4, so with |w| ≤ 1 every factor is at most "
                f"1/4: after {n} layers at most (1/4){_sup(n - 1)} = {_plain(bound)} is left.",
            )
        )
    return messages


def _times(r: float) -> str:
    """'3 times', '1.05 × 10⁷ times'."""
    return f"{r:.3g} times" if r < 1e4 else f"{power_of_ten(r)} times"


def _plain(v: float) -> str:
    return f"{v:.3g}" if v >= 1e-3 else power_of_ten(v)


def factor_rows(res: ChainResult) -> list[dict[str, object]]:
    """The factors, layer by layer: exact zeros as 0, tiny numbers in powers of ten."""
    return [
        {
            "layer k": k,
            "zₖ": fmt(z),
            "w · act′(zₖ)": fmt(f),
            "∂hₙ/∂wₖ": "0" if g == 0 else fmt(g) if abs(g) >= 1e-3 else power_of_ten(g),
        }
        for k, (z, f, g) in enumerate(zip(res.z, res.factors, res.grad_w, strict=True), start=1)
    ]


# -- backpropagation in matrix form -----------------------------------------------------------
# engine.backprop_matrix computes a two-layer network's values, gradients and the Jacobian of
# each backward step; these builders write them the lecture's way: column vectors, W x, and the
# chain rule as a product of a row (the upstream gradient) and a Jacobian. Every matrix carries
# its shape underneath ("note the dimensions"). No line is wider than a phone: a step is several
# aligned lines, one factor per line.

MATRIX_TEX = {"x": "x", "y": "y", "W1": "W_1", "b1": "b_1", "z1": "z_1", "h1": "h_1",
              "W2": "W_2", "b2": "b_2", "z2": "z_2", "f": "f", "L": "L"}  # fmt: skip
MATRIX_TEXT = {"x": "x", "y": "y", "W1": "W₁", "b1": "b₁", "z1": "z₁", "h1": "h₁",
               "W2": "W₂", "b2": "b₂", "z2": "z₂", "f": "f", "L": "L"}  # fmt: skip
# The hidden activation as the formulas name it.
ACTIVATION_TEX = {"sigmoid": r"\sigma", "relu": r"\mathrm{ReLU}", "tanh": r"\tanh"}
# Why each local Jacobian looks as it does, in one sentence.
_W_NOTE = (
    "{z} = {W} {v} + {b}: entry {z}ᵢ depends on row i of {W} only, through {v}. With {W}'s "
    "entries laid out row by row, the Jacobian is block-diagonal, one block {v}ᵀ per row."
)
_B_NOTE = "{z} = {W} {v} + {b}: each {b}ᵢ adds to {z}ᵢ alone, so the Jacobian is the identity."
_DIAG_NOTE = {
    "sigmoid": "σ acts entry by entry, so the Jacobian is diagonal: σ′(z₁ᵢ) = h₁ᵢ(1 − h₁ᵢ).",
    "tanh": "tanh acts entry by entry, so the Jacobian is diagonal: tanh′(z₁ᵢ) = 1 − h₁ᵢ².",
    "relu": "ReLU acts entry by entry, so the Jacobian is diagonal: 1 where z₁ᵢ > 0, else 0.",
}


def entry(x: float) -> str:
    """A matrix entry in LaTeX: at most 4 decimals, trailing zeros dropped (weights are
    halves: 1.5, not 1.5000)."""
    return latex(num(x, digits=4))


def pmatrix(rows: Sequence[Sequence[float | str]]) -> str:
    """A matrix in LaTeX; a string entry is written as it is (a block such as h_1^\\top)."""
    body = r" \\ ".join(
        " & ".join(v if isinstance(v, str) else entry(v) for v in row) for row in rows
    )
    return rf"\begin{{pmatrix}} {body} \end{{pmatrix}}"


def column(v: Sequence[float]) -> str:
    """A vector as the lecture writes it, a column (n × 1)."""
    return pmatrix([[x] for x in v])


def row(v: Sequence[float]) -> str:
    """A gradient in the chain rule, a row (1 × n)."""
    return pmatrix([list(v)])


def shaped(tex: str, rows: int, cols: int) -> str:
    """``tex`` with its shape written underneath, as on the lecture's slide."""
    return rf"\underset{{{rows} \times {cols}}}{{{tex}}}"


# A thin space after every formula that ends in a shaped matrix or an aligned block: KaTeX
# draws those about 2 px wider than its own box says (a 2 px Safari strut in each vlist), and
# Streamlit's formula box then scrolls by that much (axe: a scrollable region that the keyboard
# cannot reach).
END = r"\,"


def aligned(lines: Sequence[str]) -> str:
    """Lines aligned at their &, one under the other."""
    return r"\begin{aligned} " + r" \\ ".join(lines) + r" \end{aligned}" + END


def _dims(value) -> tuple[int, ...]:
    return tuple(int(n) for n in getattr(value, "shape", ()))


def _space(value) -> str:
    """ℝ^3 for a vector, ℝ^{3 × 2} for a matrix."""
    dims = _dims(value)
    return r"\mathbb{R}^{" + r" \times ".join(str(n) for n in dims) + "}"


def _as_tex(value) -> str:
    return pmatrix(value.tolist()) if len(_dims(value)) == 2 else column(value.tolist())


def d_tex(of: str, wrt: str) -> str:
    r"""\frac{\partial z_2}{\partial h_1}"""
    return rf"\frac{{\partial {MATRIX_TEX[of]}}}{{\partial {MATRIX_TEX[wrt]}}}"


def d_text(of: str, wrt: str) -> str:
    """∂z₂/∂h₁"""
    return f"∂{MATRIX_TEXT[of]}/∂{MATRIX_TEXT[wrt]}"


def given_tex(res: MatrixBackprop) -> str:
    """The input, the target and the parameters with their values and spaces, as pieces
    separated by \\qquad (``ui.frame.formula_row`` sets them side by side, wrapping)."""
    v = res.values
    return r" \qquad ".join(
        rf"{MATRIX_TEX[name]} = {_as_tex(v[name])} \in {_space(v[name])}"
        for name in ("x", "W1", "b1", "W2", "b2", "y")
    )


def forward_tex(res: MatrixBackprop) -> list[str]:
    """z1, h1, z2, f and L, each an aligned block of short lines with the shapes underneath."""
    v = res.values
    (m, d), (k, _) = v["W1"].shape, v["W2"].shape
    act = ACTIVATION_TEX[res.activation]

    def col(name: str) -> str:
        return column(v[name].tolist())

    def linear(z: str, W: str, h: str, b: str, rows: int, cols: int) -> str:
        # W h and + b on separate lines: W h + b on one line is wider than a phone.
        return aligned([
            rf"{MATRIX_TEX[z]} &= {MATRIX_TEX[W]} {MATRIX_TEX[h]} + {MATRIX_TEX[b]}",
            rf"&= {shaped(pmatrix(v[W].tolist()), rows, cols)}\,{shaped(col(h), cols, 1)}",
            rf"&\quad + {shaped(col(b), rows, 1)}",
            rf"&= {shaped(col(z), rows, 1)}",
        ])  # fmt: skip

    blocks = [
        linear("z1", "W1", "x", "b1", m, d),
        aligned(
            [
                rf"h_1 &= {act}(z_1)",
                rf"&= {act}\!\left({col('z1')}\right)",
                rf"&= {shaped(col('h1'), m, 1)}",
            ]
        ),
        linear("z2", "W2", "h1", "b2", k, m),
    ]
    if res.loss == "squared":
        blocks.append(rf"f = z_2 = {shaped(col('f'), k, 1)}{END}")
        terms = [
            rf"({entry(f)} - {entry(y)})^2" if y >= 0 else rf"({entry(f)} + {entry(-y)})^2"
            for f, y in zip(v["f"], v["y"], strict=True)
        ]
        sum_tex = r"\sum_{j=1}^{" + str(k) + r"} (f_j - y_j)^2" if k > 1 else "(f - y)^2"
        lines = [rf"L &= {sum_tex}"] + [
            (r"&= " if i == 0 else r"&\quad + ") + t for i, t in enumerate(terms)
        ]
    else:
        f, y = float(v["f"][0]), float(v["y"][0])
        blocks.append(
            aligned(
                [r"f &= \sigma(z_2) = p(y = 1 \mid x)", rf"&= \sigma({entry(v['z2'][0])}){_eq(f)}"]
            )
        )
        lines = [r"L &= -y \log f - (1 - y) \log(1 - f)"]
        if y == 1:
            lines.append(rf"&= -\log {entry(f)}")
        elif y == 0:
            lines.append(rf"&= -\log(1 - {entry(f)})")
        else:
            lines.append(rf"&= -{entry(y)} \log {entry(f)}")
            lines.append(rf"&\quad - {entry(1 - y)} \log(1 - {entry(f)})")
    lines.append(rf"&{_eq(v['L'])}")
    blocks.append(aligned(lines))
    return blocks


@dataclass(frozen=True)
class MatrixStepText:
    """One backward step: ``title`` (plain text, the chain rule for this variable), ``why``
    (the local Jacobian in words), ``formula`` (LaTeX: upstream row × Jacobian = product, one
    factor per line); for a weight matrix ``outer`` (LaTeX: the product laid out in W's shape,
    the outer product) and ``outer_note`` (how the row becomes that matrix); and ``chain``
    (LaTeX: the whole product of Jacobians from the loss down, each with its shape) with
    ``reuse`` (which earlier step backpropagation takes its upstream gradient from)."""

    title: str
    why: str
    formula: str
    outer: str = ""
    outer_note: str = ""
    chain: str = ""
    reuse: str = ""


def _why(res: MatrixBackprop, name: str) -> str:
    k, m = res.values["W2"].shape
    if name == "f":
        if res.loss == "squared":
            return "L = Σⱼ (fⱼ − yⱼ)²: its derivative in fⱼ is 2(fⱼ − yⱼ), one entry per output."
        return "L = −y log f − (1 − y) log(1 − f): its derivative in f is (f − y) / (f(1 − f))."
    if name == "z2":
        if res.loss == "squared":
            return (
                f"f = z₂ (the output is the score itself): the Jacobian is the identity I{_sub(k)}."
            )
        return "f = σ(z₂): the Jacobian is σ′(z₂) = f(1 − f), one number for one output."
    if name == "h1":
        return f"z₂ = W₂ h₁ + b₂ is linear in h₁: the Jacobian is W₂ itself, {k} × {m}."
    if name == "z1":
        return _DIAG_NOTE[res.activation]
    names = {"W2": ("z₂", "W₂", "h₁", "b₂"), "W1": ("z₁", "W₁", "x", "b₁"),
             "b2": ("z₂", "W₂", "h₁", "b₂"), "b1": ("z₁", "W₁", "x", "b₁")}  # fmt: skip
    z, W, v, b = names[name]
    note = _W_NOTE if name.startswith("W") else _B_NOTE
    return note.format(z=z, W=W, v=v, b=b)


def _flat(value) -> list[float]:
    return [float(x) for x in getattr(value, "flat", [value])]


def _jacobian_tex(res: MatrixBackprop, name: str) -> str:
    """The local Jacobian of step ``name``: numbers, except a weight matrix's block-diagonal
    I ⊗ vᵀ, written with its blocks (a k × km matrix of numbers is wider than a phone)."""
    J = res.jacobians[name].matrix
    if name in ("W1", "W2"):
        v = "x" if name == "W1" else "h_1"
        n = J.shape[0]
        blocks = [[rf"{v}^\top" if i == j else "0" for j in range(n)] for i in range(n)]
        return pmatrix(blocks)
    return pmatrix(J.tolist())


def matrix_step_text(res: MatrixBackprop, name: str) -> MatrixStepText:
    """The backward step that reaches ``name`` (one of engine.backprop_matrix.ORDER)."""
    J = res.jacobians[name]
    up = J.of
    grad = res.grads[name]
    if up == "L":
        title = f"{d_text('L', 'f')}: the loss's own derivative, where backpropagation starts"
        f, y = res.values["f"], res.values["y"]
        if res.loss == "squared":
            pairs = r",\; ".join(
                f"{entry(a)} - {entry(b)}" if b >= 0 else f"{entry(a)} + {entry(-b)}"
                for a, b in zip(f, y, strict=True)
            )
            general, numbers = r"2\,(f - y)^\top", rf"2\left({pairs}\right)"
        else:
            a, b = entry(f[0]), entry(y[0])
            general = r"\frac{f - y}{f\,(1 - f)}"
            numbers = rf"\frac{{{a} - {b}}}{{{a}\,(1 - {a})}}"
        formula = aligned([
            rf"{d_tex('L', 'f')} &= {general}", rf"&= {numbers}",
            rf"&= {shaped(row(_flat(grad)), 1, grad.size)}",
        ])  # fmt: skip
        return MatrixStepText(title, _why(res, name), formula)

    upstream = res.grads[up]
    rows, cols = J.matrix.shape
    title = f"∂L/∂{MATRIX_TEXT[name]} = ∂L/∂{MATRIX_TEXT[up]} · {d_text(up, name)}"
    lines = [
        rf"{d_tex('L', name)} &= {d_tex('L', up)}\,{d_tex(up, name)}",
        rf"&= {shaped(row(_flat(upstream)), 1, upstream.size)}",
        rf"&\quad \times {shaped(_jacobian_tex(res, name), rows, cols)}",
    ]
    outer = outer_note = ""
    if name in ("W1", "W2"):
        v = "x" if name == "W1" else "h1"
        blocks = ",\\; ".join(rf"{entry(g)}\, {MATRIX_TEX[v]}^\top" for g in _flat(upstream))
        lines.append(rf"&= \left({blocks}\right)")
        vec = res.values[v]
        # The column and the row on separate lines, as in the step's own formula: side by
        # side they are wider than a phone.
        outer = aligned([
            rf"{d_tex('L', name)} &= \left({d_tex('L', up)}\right)^{{\!\top}} {MATRIX_TEX[v]}^\top",
            rf"&= {shaped(column(_flat(upstream)), upstream.size, 1)}",
            rf"&\quad \times {shaped(row(_flat(vec)), 1, vec.size)}",
            rf"&= {shaped(pmatrix(grad.tolist()), *grad.shape)}",
        ])  # fmt: skip
        W, z, k, m = MATRIX_TEXT[name], MATRIX_TEXT[up], *grad.shape
        outer_note = (
            f"Read the row in blocks of {m}, one block per row of {W} (the Jacobian's columns "
            f"list {W}'s entries row by row): block i is row i of ∂L/∂{W}. Stacked, the rows "
            f"are the **outer product** (∂L/∂{z})ᵀ {MATRIX_TEXT[v]}ᵀ, in {W}'s own shape, "
            f"{k} × {m}."
        )
    else:
        lines.append(rf"&= {shaped(row(_flat(grad)), 1, grad.size)}")
    step = 1 + [v for v, _ in ORDER].index(up)
    reuse = (
        "The whole chain: a product of Jacobians, the inner dimensions matching. "
        f"Backpropagation does not multiply it out again: it reuses ∂L/∂{MATRIX_TEXT[up]} from "
        f"step {step}, the product of all the factors but the last."
    )
    return MatrixStepText(
        title, _why(res, name), aligned(lines), outer, outer_note, chain_tex(res, name), reuse
    )


def chain_tex(res: MatrixBackprop, name: str) -> str:
    """∂L/∂name as the lecture's product of Jacobians, from the loss down, each factor with its
    shape: the inner dimensions match, and the product has one column per entry of name."""
    factors = []
    for J in res.chain(name):
        rows, cols = J.matrix.shape
        factors.append(shaped(d_tex(J.of, J.wrt), rows, cols))
    return rf"{d_tex('L', name)} = " + r"\,".join(factors) + END


def parameter_gradients_tex(res: MatrixBackprop, names: Sequence[str]) -> str:
    """The parameters' gradients computed so far, each in its parameter's shape (what SGD
    subtracts), the shape underneath, as \\qquad-separated pieces."""
    return r" \qquad ".join(
        rf"{d_tex('L', name)} = {shaped(_as_tex(res.grads[name]), *_shape2(res.grads[name]))}{END}"
        for name in names
    )


def _shape2(value) -> tuple[int, int]:
    """(rows, columns) of a matrix, or of a vector written as a column."""
    dims = _dims(value)
    return (dims[0], dims[1]) if len(dims) == 2 else (dims[0], 1)


def shapes_sentence(res: MatrixBackprop) -> str:
    """After the last step: each weight's gradient has the weight's shape."""
    (m, d), (k, _) = res.values["W1"].shape, res.values["W2"].shape
    return (
        f"∂L/∂W₁ is {m} × {d} and ∂L/∂W₂ is {k} × {m}: each has its weight's shape, one number "
        f"per weight, so one SGD step is W ← W − α ∂L/∂W, entry by entry. Each is an outer "
        f"product of the gradient arriving at the layer's output (∂L/∂z, a row, transposed) and "
        f"the layer's input (x or h₁): a weight W[i, j] multiplies input j on its way to "
        f"output i, so its gradient is ∂L/∂zᵢ times input j."
    )


def engine_note(d: int, m: int) -> str:
    """How engine.mlp holds the same layer: W transposed, for batches."""
    return (
        f"**In the engine.** `engine/mlp.py` stores each W transposed, shape (fan_in, fan_out): "
        f"W₁ is ({d}, {m}) there, not ({m}, {d}). It pushes a whole batch through at once, one "
        f"sample per row of X (n × {d}): H = σ(X W + b). Its gradient Xᵀ Δ is then ({d}, {m}): "
        "the transpose of the outer product here, summed over the batch (Δ holds the rows "
        "∂L/∂z of every sample, divided by n for the mean loss)."
    )


def vanishing_intro(tab: str, n: int, activation: str, *, w: float, b: float, x: float) -> str:
    """The vanishing-gradient chain of tab ``tab`` as the matrix form's product."""
    return (
        "**Vanishing gradients are this product.** With one unit per layer, "
        "hₖ = act(w hₖ₋₁ + b), every Jacobian ∂hₖ/∂hₖ₋₁ = w · act′(zₖ) is 1\u00a0×\u00a01, and "
        "the gradient reaching the input is their product; with m units per layer each factor "
        "is the m × m matrix diag(act′(zₖ)) Wₖ. When each is small, the product is very small. "
        f"The chain of the **{tab}** tab ({n} {ACTIVATION_LABELS_ALL[activation]} "
        f"layer{'s' if n > 1 else ''}, w = {fmt(w)}, b = {fmt(b)}, x = {fmt(x)}), multiplied out:"
    )


def vanishing_product_tex(factors: Sequence[Jacobian], *, shown: int = 12) -> str:
    """The vanishing-gradient chain as a product of 1 × 1 Jacobians multiplied out, for inline
    maths (it may wrap after each ×): ∂h_n/∂h_0 = (0.21) × (0.23) × … = 2.38 × 10⁻⁸. With
    more than ``shown`` factors the middle ones are elided."""
    n = len(factors)
    values = [float(J.matrix[0, 0]) for J in factors]
    symbols = [rf"(\partial h_{{{n - i}}} / \partial h_{{{n - i - 1}}})" for i in range(n)]
    # A few factors by name; a long chain by its first two and its last.
    chain = "".join(symbols) if n <= 3 else rf"{symbols[0]}{symbols[1]} \cdots {symbols[-1]}"
    # Each number a group: inline maths may wrap after a ×, never inside 1.41 × 10⁻⁸.
    numbers = [rf"{{({_factor(x)})}}" for x in values]
    if n > shown:
        half = shown // 2
        numbers = [*numbers[:half], r"\cdots", *numbers[-half:]]
    product = math.prod(values)
    return (
        rf"\partial h_{{{n}}} / \partial h_0 = {chain} = "
        + r" \times ".join(numbers)
        + f" = {{{_factor(product)}}}"
    )


def _factor(x: float) -> str:
    """A 1 × 1 factor: 4 decimals, or a power of ten where 4 decimals would show 0.0000."""
    if float(x).is_integer():  # not _exact: 10⁻¹³ is not 0
        return latex(num(x))
    return small(x, style="latex")
