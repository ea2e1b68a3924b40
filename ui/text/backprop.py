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

from engine.backprop import (
    ACTIVATION_NAMES,
    LOSS_NAMES,
    BackpropExample,
    ChainResult,
    Edge,
    LocalCheck,
    Step,
)
from ui.formatting import MINUS, latex, num, power_of_ten
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
