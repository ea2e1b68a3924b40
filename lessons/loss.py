"""Loss functions: softmax and cross-entropy with every number, the lecture's quiz, binary
cross-entropy as a special case, and why classification uses cross-entropy, not squared loss."""

from __future__ import annotations

import numpy as np
import streamlit as st

from engine.loss_lesson import (
    LECTURE_SLIDE_LABEL,
    LECTURE_SLIDE_PROBS,
    MAX_CLASSES,
    MIN_CLASSES,
    SoftmaxExplained,
    bce_curves,
    binary_case,
    compare_binary,
    explain,
    logits_for,
)
from ui import quizzes
from ui.figures.loss import bce_figure, comparison_figure, quiz_figure, softmax_figure
from ui.formatting import latex, num
from ui.frame import lesson_header, quiz

P = "loss_"  # session-state prefix
SUBSCRIPTS = "₀₁₂₃₄₅₆₇₈₉"
DEFAULT_LOGITS = (2.0, 1.0, 0.1, -1.0, 0.5, -0.5)
LOGIT_RANGE = 8.0
P_GRID = np.linspace(0.001, 0.999, 400)
Z_GRID = np.linspace(-8, 8, 321)


def sub(j: int) -> str:
    return "".join(SUBSCRIPTS[int(d)] for d in str(j))


# -- state and callbacks ---------------------------------------------------------------------------


def init_state() -> None:
    st.session_state.setdefault(P + "k", 3)
    st.session_state.setdefault(P + "label", 1)
    for j, f in enumerate(DEFAULT_LOGITS, start=1):
        st.session_state.setdefault(f"{P}f{j}", f)
    st.session_state.setdefault(P + "p", 0.7)
    st.session_state.setdefault(P + "y", 1)
    st.session_state.setdefault(P + "z", -4.0)
    st.session_state.setdefault(P + "cmp_y", 1)


def clamp_label() -> None:
    st.session_state[P + "label"] = min(st.session_state[P + "label"], st.session_state[P + "k"])


def load_probs(probs: tuple[float, ...], label: int) -> None:
    """Put scores whose softmax is exactly ``probs`` on the sliders."""
    st.session_state[P + "k"] = len(probs)
    st.session_state[P + "label"] = label
    for j, f in enumerate(logits_for(probs), start=1):
        st.session_state[f"{P}f{j}"] = float(f)


def shift_logits(delta: float) -> None:
    k = st.session_state[P + "k"]
    keys = [f"{P}f{j}" for j in range(1, k + 1)]
    old = [st.session_state[key] for key in keys]
    mean = sum(old) / k
    shifted = [v + delta for v in old]
    centred = [v - mean for v in old]  # when the shift would run off the sliders
    for values in (shifted, centred):
        if max(abs(v) for v in values) <= LOGIT_RANGE:
            for key, v in zip(keys, values, strict=True):
                st.session_state[key] = v
            return


def reset_logits() -> None:
    for j, f in enumerate(DEFAULT_LOGITS, start=1):
        st.session_state[f"{P}f{j}"] = f


# -- widgets ---------------------------------------------------------------------------------------


def softmax_controls() -> tuple[list[float], int]:
    """Number of classes, the true class, and one score slider per class."""
    k = st.slider(
        "Classes k", MIN_CLASSES, MAX_CLASSES, key=P + "k", on_change=clamp_label,
        bind="query-params",
    )  # fmt: skip
    label = st.segmented_control(
        "True class y", list(range(1, k + 1)), key=P + "label", required=True,
        format_func=lambda j: f"class {j}", bind="query-params",
    )  # fmt: skip
    st.markdown("**Scores f (logits)**")
    logits = [
        st.slider(
            f"f{sub(j)} (class {j})",
            -LOGIT_RANGE,
            LOGIT_RANGE,
            step=0.1,
            key=f"{P}f{j}",
            bind="query-params",
        )
        for j in range(1, k + 1)
    ]
    st.button(
        "Add 1 to every score", key=P + "shift", on_click=shift_logits, args=(1.0,),
        width="stretch",
        help="Softmax only sees differences between scores: the probabilities stay the same.",
    )  # fmt: skip
    st.button("Reset the scores", key=P + "reset", on_click=reset_logits, width="stretch")
    st.button(
        "The lecture's slide: p = (0.8, 0.2)", key=P + "slide", on_click=load_probs,
        args=(LECTURE_SLIDE_PROBS, LECTURE_SLIDE_LABEL), width="stretch",
    )  # fmt: skip
    return [float(f) for f in logits], int(label or 1)


# -- sections --------------------------------------------------------------------------------------


def softmax_numbers(ex: SoftmaxExplained) -> None:
    y = ex.label
    c1, c2, c3 = st.columns(3)
    c1.metric("true class y", f"class {y}")
    c2.metric(f"p{sub(y)}: its probability", f"{ex.p_y:.4f}")
    c3.metric("loss ℓ = −log p_y", f"{ex.loss:.4f}")
    terms = " + ".join(f"e^{{{latex(num(f, digits=2))}}}" for f in ex.logits)
    st.latex(
        rf"p_{y} = \frac{{e^{{f_{y}}}}}{{\sum_{{j=1}}^{{{ex.k}}} e^{{f_j}}}} = "
        rf"\frac{{e^{{{latex(num(ex.logits[y - 1], digits=2))}}}}}{{{terms}}} = {ex.p_y:.4f}"
    )
    st.latex(
        rf"\ell(x, y) = \sum_{{j=1}}^{{{ex.k}}} -Y_j \log p_j = -\log p_{y} = "
        rf"-\log({ex.p_y:.4f}) = {ex.loss:.4f}"
    )
    verdict = f"The network's most likely class is **class {ex.predicted}**" + (
        " — the true one." if ex.predicted == y else f", not the true class {y}."
    )
    one_hot = ", ".join(str(int(v)) for v in ex.target)
    st.markdown(
        f"{verdict} The loss is small when p_y is near 1 and grows without bound as p_y → 0: "
        f"minimising it pushes p towards the one-hot Y = ({one_hot})."
    )
    with st.expander("Every number, class by class"):
        st.dataframe(
            [
                {
                    "class j": j,
                    "score f_j": round(float(ex.logits[j - 1]), 4),
                    "e^(f_j − max f)": round(float(ex.exps[j - 1]), 4),
                    "p_j": round(float(ex.probs[j - 1]), 4),
                    "Y_j": int(ex.target[j - 1]),
                    "−Y_j log p_j": round(float(ex.terms[j - 1]), 4),
                }
                for j in range(1, ex.k + 1)
            ],
            hide_index=True,
            key=P + "table",
        )
        st.caption(
            "Subtracting the largest score before exponentiating changes nothing (it cancels "
            "in the fraction) but keeps every exponent ≤ 0, so nothing overflows."
        )


def softmax_section() -> SoftmaxExplained:
    left, right = st.columns([1, 2.6], gap="large")
    with left, st.container(border=True):
        logits, label = softmax_controls()
    ex = explain(logits, label)
    with right:
        st.plotly_chart(softmax_figure(ex), key=P + "softmax", config={"displayModeBar": False})
        softmax_numbers(ex)
    st.caption(
        "The lecture's notes on softmax: the entries are non-negative and sum to 1 (a "
        "probability vector); a larger f_i gives a larger p_i; and it is not element-wise: "
        "move one score and every probability changes."
    )
    return ex


def bce_section() -> None:
    left, right = st.columns([1, 2.6], gap="large")
    with left, st.container(border=True):
        p = st.slider(
            "Network output p = p(y = 1 | x)", 0.01, 0.99, step=0.01, key=P + "p",
            bind="query-params",
        )  # fmt: skip
        y = st.segmented_control(
            "Label y",
            [0, 1],
            key=P + "y",
            required=True,
            format_func=lambda v: f"y = {v}",
            bind="query-params",
        )
    case = binary_case(float(p), int(y if y is not None else 1))
    with right:
        minus_log_p, minus_log_1mp = bce_curves(P_GRID)
        st.plotly_chart(
            bce_figure(P_GRID, minus_log_p, minus_log_1mp, p=case.p, y=case.y, loss=case.bce),
            key=P + "bce", config={"displayModeBar": False},
        )  # fmt: skip
    st.markdown(
        "Think of the output as a probability vector over the classes {0, 1}: "
        "**p₀ = 1 − p, p₁ = p**. Then the binary cross-entropy is −log p_y:"
    )
    pp, yy = f"{case.p:.2f}", case.y
    st.latex(
        rf"\ell = -y \log p - (1 - y) \log(1 - p) = -{yy} \cdot \log {pp} - (1 - {yy}) \cdot "
        rf"\log(1 - {pp})"
        rf" = {case.bce:.4f}"
    )
    if yy == 1:
        st.latex(rf"y = 1:\quad \ell = -\log p = -\log p_1 = -\log {pp} = {case.bce:.4f}")
    else:
        st.latex(
            rf"y = 0:\quad \ell = -\log(1 - p) = -\log p_0 = -\log {case.p0:.2f} = {case.bce:.4f}"
        )
    one_hot = "[0\\ 1]" if yy == 1 else "[1\\ 0]"
    st.latex(
        rf"Y = {one_hot}:\quad \sum_{{j \in \{{0, 1\}}}} -Y_j \log p_j = -\log p_{yy} = "
        rf"{case.ce:.4f}"
    )
    st.caption(
        "Both ways give the same number: with the output read as the distribution (1 − p, p) "
        "and the label as a one-hot distribution, the general cross-entropy *is* the binary one."
    )


def squared_section(ex: SoftmaxExplained) -> None:
    left, right = st.columns([1, 2.6], gap="large")
    with left, st.container(border=True):
        z = st.slider(
            "Score z (before the sigmoid)", -8.0, 8.0, step=0.5, key=P + "z", bind="query-params"
        )
        y = st.segmented_control(
            "Label y",
            [0, 1],
            key=P + "cmp_y",
            required=True,
            format_func=lambda v: f"y = {v}",
            bind="query-params",
        )
    y = int(y if y is not None else 1)
    cmp = compare_binary(Z_GRID, y)
    now = compare_binary([z], y)
    with right:
        st.plotly_chart(
            comparison_figure(cmp, z_now=float(z)), key=P + "compare",
            config={"displayModeBar": False},
        )  # fmt: skip
    p = float(now.p[0])
    g_ce, g_sq = float(now.grad_ce[0]), float(now.grad_squared[0])
    c = st.columns(5)
    c[0].metric("p = σ(z)", f"{p:.4f}")
    c[1].metric("cross-entropy", f"{now.ce[0]:.4f}")
    c[2].metric("squared loss", f"{now.squared[0]:.4f}")
    c[3].metric("∂CE/∂z = p − y", num(g_ce, digits=4))
    c[4].metric("∂sq/∂z = 2(p − y)p(1 − p)", num(g_sq, digits=4))
    wrong = abs(p - y) > 0.5
    if wrong and abs(g_sq) > 0:
        ratio = abs(g_ce) / abs(g_sq)
        st.info(
            f"The network is **wrong** here (p = {p:.4f} for y = {y}). Cross-entropy pushes the "
            f"score with a gradient of {num(g_ce, digits=4)}; the squared loss with "
            f"{num(g_sq, digits=4)}, **{ratio:,.0f}× weaker**. The sigmoid's slope p(1 − p) is "
            "nearly 0 at a confident prediction and multiplies the squared loss's gradient; "
            "cross-entropy's log cancels it, leaving p − y. The more confidently wrong, the less "
            "squared loss learns, while cross-entropy keeps pushing. That is why classification "
            "uses cross-entropy."
        )
    elif wrong:
        st.info("Both gradients are 0 only at p exactly 0 or 1, which σ never reaches.")
    else:
        st.success(
            f"The prediction is right (p = {p:.4f} for y = {y}): both losses are small and both "
            "gradients fade. Move z to the other side to see a confidently wrong prediction."
        )
    gnorm_ce = float(np.linalg.norm(ex.grad_ce))
    gnorm_sq = float(np.linalg.norm(ex.grad_squared))
    st.caption(
        f"The same comparison for the {ex.k}-class prediction of the first tab (true class "
        f"{ex.label}, p_y = {ex.p_y:.4f}): cross-entropy {ex.loss:.4f}, squared loss "
        f"Σ(p_j − Y_j)² = {ex.squared:.4f}; gradient length with respect to the scores "
        f"‖p − Y‖ = {gnorm_ce:.4f} for cross-entropy, {gnorm_sq:.4f} for the squared loss."
    )


def quiz_section() -> None:
    left, right = st.columns([3, 2], gap="large")
    with right:
        st.plotly_chart(
            quiz_figure(quizzes.CE_QUIZ_PROBS),
            key=P + "quiz_bars",
            config={"displayModeBar": False},
        )
        st.caption(quizzes.CE_RECONSTRUCTION_NOTE)
    with left:
        quiz(quizzes.LOSS)
        st.button(
            "Open this prediction in the explorer", key=P + "quiz_load", on_click=load_probs,
            args=(quizzes.CE_QUIZ_PROBS, quizzes.CE_QUIZ_LABEL),
        )  # fmt: skip


# -- the page --------------------------------------------------------------------------------------

init_state()
lesson_header(
    "Loss functions",
    "Three elements specify a learning method: the model class (the networks), the **loss "
    "function** and the optimisation method. For classification the output layer turns the "
    "scores f = (f₁, …, f_k) into probabilities with **softmax**, and the loss of one data point "
    "is the **cross-entropy** between those probabilities p and the one-hot vector Y of the true "
    "class y. Because Y is one-hot, it is just −log of the probability of the true class. The "
    "loss on the training set is the average.",
    [
        r"p_j = \mathrm{softmax}(f)_j = \frac{e^{f_j}}{\sum_{i=1}^{k} e^{f_i}}, \qquad "
        r"\ell(x, y) = \sum_{j=1}^{k} -Y_j \log p_j = -\log p_y, \qquad "
        r"L = \frac{1}{|D|} \sum_{(x, y) \in D} \ell(x, y)",
    ],
)
# Every setting, the open tab included, is in the address bar: a teacher can share the view.
tab_softmax, tab_bce, tab_squared = st.tabs(
    ["Softmax → cross-entropy", "Binary cross-entropy", "Why not squared loss?"],
    key=P + "view", on_change="rerun", bind="query-params",
)  # fmt: skip
with tab_softmax:
    explained = softmax_section()
with tab_bce:
    bce_section()
with tab_squared:
    squared_section(explained)
quiz_section()
