"""What the backpropagation lesson says: the practice tab's verdicts (which never give an answer
away before the learner has tried), and the vanishing-gradient chain in words, derived from its
numbers.

The graph's own formulas still come from engine.backprop (its ``Step.formula``); numbers are
written with its ``fmt`` so that both agree digit for digit.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from engine.backprop import (
    ACTIVATION_NAMES,
    LOSS_NAMES,
    TEXT_SYMBOLS,
    BackpropExample,
    ChainResult,
    Edge,
    LocalCheck,
    fmt,
)
from ui.formatting import power_of_ten
from ui.text import Message

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
        Verdict(c, c.correct or wrong_tries.get(c.edge.text, 0) >= REVEAL_AFTER) for c in checks
    ]


def practice_rows(found: Sequence[Verdict]) -> list[dict[str, str]]:
    """The table after a check: autodiff and finite differences only where revealed."""
    rows = []
    for v in found:
        c = v.check
        rows.append(
            {
                "local derivative": c.edge.text,
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
                    f"The node **{node}** is wrong: you have {c.edge.text} = {fmt(c.answer)}, "
                    f"autodiff gives {fmt(c.edge.local)} and finite differences "
                    f"{fd_text(c.edge.local_numeric)}. Hint: {hint(ex, c.edge)}",
                )
            )
        else:
            messages.append(
                Message(
                    "warning",
                    f"The node **{node}** is not right yet: you have {c.edge.text} = "
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
    names = [ex.edge(src, dst).text for src, dst in W1_PATH]
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
