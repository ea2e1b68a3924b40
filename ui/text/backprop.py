"""The backpropagation lesson's formulas, written from the engine's numbers.

engine.backprop computes the lecture's one-neuron graph (values, gradients, local derivatives,
the order of the steps); this module writes each step the way the lecture's slides do, in LaTeX
and in one line of plain text. Numbers follow the lecture: integers bare, others to 4 decimals
with every decimal kept (0.2689, 0.5000), "=" before an exact value and "≈" before a rounded one.
"""

from __future__ import annotations

from dataclasses import dataclass

from engine.backprop import BackpropExample, Edge, Step
from ui.formatting import MINUS, latex, num

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
