"""What the loss-functions lesson says about its numbers: the softmax and cross-entropy formulas
with the learner's scores, the binary derivation, squared loss against cross-entropy, and what
"Add 1 to every score" did.

Probabilities are written with ``small``: four decimals, or powers of ten when four decimals
would show 0.0000 (a score at −8 against two at +8 gives p = 2.25 × 10⁻⁸, and −log of it is a
finite 17.6094).
"""

from __future__ import annotations

from collections.abc import Sequence

from engine.loss_lesson import BinaryCase, SoftmaxExplained
from ui.formatting import latex, num, small
from ui.text import Message

SUBSCRIPTS = "₀₁₂₃₄₅₆₇₈₉"


def sub(j: int) -> str:
    """2 -> '₂', 12 -> '₁₂'."""
    return "".join(SUBSCRIPTS[int(d)] for d in str(j))


def prob(p: float, *, tex: bool = False) -> str:
    """A probability to 4 decimals, or in powers of ten when it is below 0.001."""
    return small(p, style="latex" if tex else "text")


# -- softmax and cross-entropy ----------------------------------------------------------------


def softmax_latex(ex: SoftmaxExplained) -> tuple[str, str]:
    """p_y as softmax of the scores, and the cross-entropy, with this example's numbers."""
    y, k = ex.label, ex.k
    terms = " + ".join(f"e^{{{latex(num(f, digits=2))}}}" for f in ex.logits)
    p_y = prob(ex.p_y, tex=True)
    # Two aligned lines each: on one line they were cut off on a projector or a phone.
    first = (
        rf"\begin{{aligned}} p_{y} &= \frac{{e^{{f_{y}}}}}{{\sum_{{j=1}}^{{{k}}} e^{{f_j}}}} \\ "
        rf"&= \frac{{e^{{{latex(num(ex.logits[y - 1], digits=2))}}}}}{{{terms}}} = {p_y}"
        r" \end{aligned}"
    )
    second = (
        rf"\begin{{aligned}} \ell(x, y) &= \sum_{{j=1}}^{{{k}}} -Y_j \log p_j = -\log p_{y} \\ "
        rf"&= -\log({p_y}) = {ex.loss:.4f} \end{{aligned}}"
    )
    return first, second


def softmax_verdict(ex: SoftmaxExplained) -> str:
    y = ex.label
    verdict = f"The network's most likely class is **class {ex.predicted}**" + (
        " — the true one." if ex.predicted == y else f", not the true class {y}."
    )
    one_hot = ", ".join(str(int(v)) for v in ex.target)
    return (
        f"{verdict} The loss is small when $p_y$ is near 1 and grows without bound as "
        f"$p_y \\to 0$: minimising it pushes $p$ towards the one-hot $Y$ = ({one_hot})."
    )


def class_rows(ex: SoftmaxExplained) -> list[dict[str, object]]:
    """Every number, class by class (the table under the formulas)."""
    return [
        {
            "class j": j,
            "score fⱼ": num(ex.logits[j - 1], digits=4),
            "e^(fⱼ − max f)": small(ex.exps[j - 1]),
            "pⱼ": prob(ex.probs[j - 1]),
            "Yⱼ": int(ex.target[j - 1]),
            "−Yⱼ log pⱼ": small(ex.terms[j - 1]),
        }
        for j in range(1, ex.k + 1)
    ]


def kclass_caption(ex: SoftmaxExplained, grad_ce_norm: float, grad_sq_norm: float) -> str:
    """The squared-loss tab's note on the explorer's k-class prediction."""
    return (
        f"The same comparison for the {ex.k}-class prediction of the first tab (true class "
        f"{ex.label}, $p_y$ = {prob(ex.p_y)}): cross-entropy {ex.loss:.4f}, squared loss "
        f"$\\sum_j (p_j - Y_j)^2$ = {ex.squared:.4f}; gradient length with respect to the "
        f"scores $\\lVert p - Y \\rVert$ = {grad_ce_norm:.4f} for cross-entropy, "
        f"{grad_sq_norm:.4f} for the squared loss."
    )


# -- "Add 1 to every score" -------------------------------------------------------------------


def shift_scores(
    scores: Sequence[float], delta: float, limit: float
) -> tuple[tuple[float, ...] | None, Message]:
    """Add ``delta`` to every score if they all stay within ±``limit``; else subtract it; else
    leave them. Returns the new scores (None: unchanged) and what happened, in words.

    Any common shift leaves softmax unchanged, so the lesson's point holds either way; what the
    learner must not see is a different shift than the button says, without a word.
    """
    top, bottom = max(scores), min(scores)
    fits = lambda d: bottom + d >= -limit - 1e-9 and top + d <= limit + 1e-9  # noqa: E731
    if fits(delta):
        new = tuple(f + delta for f in scores)
        return new, Message(
            "caption",
            f"Added {num(delta)} to every score: the probabilities did not change.",
        )
    if fits(-delta):
        new = tuple(f - delta for f in scores)
        return new, Message(
            "info",
            f"A score is already at the top of its slider ({num(top)}; the sliders end at "
            f"±{num(limit)}), so every score went **down** by {num(delta)} instead. A shift "
            "all the same: the probabilities did not change.",
            ":material/swap_vert:",
        )
    return None, Message(
        "warning",
        f"The scores run from {num(bottom)} to {num(top)}: moved up or down by {num(delta)}, "
        f"one would leave the sliders' range ±{num(limit)}, so nothing changed. Move the "
        "highest or lowest score inward, or reset the scores.",
        ":material/block:",
    )


# -- binary cross-entropy ---------------------------------------------------------------------


def binary_latex(case: BinaryCase) -> tuple[str, str, str]:
    """The lecture's derivation at this p and y: the general formula, the branch for this label,
    and the k-class cross-entropy over {0, 1}; all three give the same number."""
    pp, yy = f"{case.p:.2f}", case.y
    general = (
        rf"\ell = -y \log p - (1 - y) \log(1 - p) = -{yy} \cdot \log {pp} - (1 - {yy}) \cdot "
        rf"\log(1 - {pp}) = {case.bce:.4f}"
    )
    if yy == 1:
        branch = rf"y = 1:\quad \ell = -\log p = -\log p_1 = -\log {pp} = {case.bce:.4f}"
    else:
        branch = (
            rf"y = 0:\quad \ell = -\log(1 - p) = -\log p_0 = -\log {case.p0:.2f} = {case.bce:.4f}"
        )
    one_hot = "[0\\ 1]" if yy == 1 else "[1\\ 0]"
    general_ce = (
        rf"Y = {one_hot}:\quad \sum_{{j \in \{{0, 1\}}}} -Y_j \log p_j = -\log p_{yy} = "
        rf"{case.ce:.4f}"
    )
    return general, branch, general_ce


# -- squared loss against cross-entropy -------------------------------------------------------


def squared_verdict(p: float, y: int, grad_ce: float, grad_squared: float) -> Message:
    """Why the squared loss learns slowly from a confident mistake, from this p's numbers.

    ∂CE/∂z = p − y and ∂sq/∂z = 2(p − y)·p(1 − p). The sigmoid's slope p(1 − p) is a factor of
    the second only, so the ratio of the two is 1 / (2p(1 − p)): large wherever p is near 0 or
    1. Cross-entropy's gradient is 0 only at p = y; at the wrong end, p = 1 − y, it is ±1.
    """
    wrong = abs(p - y) > 0.5
    if not wrong:
        return Message(
            "success",
            f"The prediction is right (p = {prob(p)} for y = {y}): both losses are small and both "
            "gradients fade. Move z to the other side to see a confidently wrong prediction.",
        )
    if grad_squared == 0:
        # Only where σ(z) rounds to exactly 0 or 1 in floating point (|z| ≳ 37).
        return Message(
            "info",
            f"The network is **wrong** here (p = {prob(p)} for y = {y}), and the squared loss's "
            f"gradient 2(p − y)·p(1 − p) is exactly 0: its factor p(1 − p), the sigmoid's slope, "
            "is 0 once σ(z) rounds to 0 or 1. It cannot learn from this mistake at all. "
            f"Cross-entropy's gradient p − y = {num(grad_ce, digits=4)} is not 0: it is 0 only "
            "where p = y, and ±1 where the prediction is completely wrong.",
        )
    ratio = abs(grad_ce) / abs(grad_squared)
    return Message(
        "info",
        f"The network is **wrong** here (p = {prob(p)} for y = {y}). Cross-entropy pushes the "
        f"score with a gradient of {num(grad_ce, digits=4)}; the squared loss with "
        f"{small(grad_squared)}: **{ratio:,.0f}× weaker**, a factor 1 / (2p(1 − p)). The "
        "sigmoid's slope p(1 − p) is nearly 0 at a confident prediction and multiplies the "
        "squared loss's gradient; cross-entropy's log cancels it, leaving p − y. The more "
        "confidently wrong, the less squared loss learns, while cross-entropy keeps pushing. "
        "That is why classification uses cross-entropy.",
    )


def loaded_prediction(probs: Sequence[float], label: int) -> str:
    """What 'Open this prediction in the explorer' did."""
    return (
        f"Loaded into the first tab, **Softmax → cross-entropy**, above: {len(probs)} classes "
        f"with p = ({', '.join(f'{p:g}' for p in probs)}), true class {label}, so "
        f"$p_{{{label}}}$ = {probs[label - 1]:g}."
    )
