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
    bce_curves,
    binary_case,
    compare_binary,
    explain,
    logits_for,
)
from ui import quizzes
from ui.charts import chart, show
from ui.figures.loss import bce_figure, comparison_figure, quiz_figure, softmax_figure
from ui.formatting import num, small
from ui.frame import lesson_header, quiz, say
from ui.state import Settings, choice, exact, integer, number, tab
from ui.text import Message
from ui.text.loss import (
    binary_latex,
    class_rows,
    kclass_caption,
    loaded_prediction,
    prob,
    shift_scores,
    softmax_latex,
    softmax_verdict,
    squared_verdict,
    sub,
)

DEFAULT_LOGITS = (2.0, 1.0, 0.1, -1.0, 0.5, -0.5)
LOGIT_RANGE = 8.0
P_GRID = np.linspace(0.001, 0.999, 400)
Z_GRID = np.linspace(-8, 8, 321)
SOFTMAX = "Softmax → cross-entropy"
BINARY = "Binary cross-entropy"
SQUARED = "Why not squared loss?"
CLASSES = tuple(range(1, MAX_CLASSES + 1))
LABELS = (0, 1)


def _label_texts(prefix: str, values: tuple[int, ...]) -> dict[str, int]:
    """How links made before the settings helper wrote a choice: its button label."""
    return {f"{prefix}{v}": v for v in values}


S = Settings(
    "loss",
    integer("k", 3, MIN_CLASSES, MAX_CLASSES),
    choice("label", 1, CLASSES, old_texts=_label_texts("class ", CLASSES)),
    # Scores are not snapped to the sliders' 0.1 grid: the presets load scores whose softmax is
    # exactly the lecture's probabilities.
    *(
        number(f"f{j}", f, -LOGIT_RANGE, LOGIT_RANGE, step=0.1, snap=False)
        for j, f in enumerate(DEFAULT_LOGITS, start=1)
    ),
    number("p", 0.7, 0.01, 0.99, step=0.01),
    choice("y", 1, LABELS, old_texts=_label_texts("y = ", LABELS)),
    number("z", -4.0, -8.0, 8.0, step=0.5),
    choice("cmp_y", 1, LABELS, old_texts=_label_texts("y = ", LABELS)),
    tab("view", SOFTMAX, (SOFTMAX, BINARY, SQUARED)),
)
SCORE_NAMES = tuple(f"f{j}" for j in range(1, MAX_CLASSES + 1))
NOTE = S.key("note")  # what the last score button did, shown once beside the buttons
LOADED = S.key("loaded")  # what the quiz's button did, shown once beside it


def scores() -> tuple[float, ...]:
    """The k scores on the sliders (hashable: the key of the softmax chart)."""
    return tuple(float(S[name]) for name in SCORE_NAMES[: S["k"]])


# -- charts: built once per distinct input, shared by every learner -------------------------------


@chart(max_entries=64)
def softmax_chart(logits: tuple[float, ...], label: int):
    return softmax_figure(explain(logits, label))


@chart(max_entries=1)
def quiz_chart():
    return quiz_figure(quizzes.CE_QUIZ_PROBS)


@chart(max_entries=64)
def bce_chart(p: float, y: int):
    case = binary_case(p, y)
    minus_log_p, minus_log_1mp = bce_curves(P_GRID)
    return bce_figure(P_GRID, minus_log_p, minus_log_1mp, p=case.p, y=case.y, loss=case.bce)


@chart(max_entries=80)
def comparison_chart(z: float, y: int):
    return comparison_figure(compare_binary(Z_GRID, y), z_now=z)


# -- callbacks -------------------------------------------------------------------------------------


def clamp_label() -> None:
    """Fewer classes may not hold the true class: take the last one, then."""
    S["label"] = min(S["label"], S["k"])


def load_probs(probs: tuple[float, ...], label: int) -> None:
    """Put scores whose softmax is exactly ``probs`` on the sliders."""
    S["k"] = len(probs)
    S["label"] = label
    for name, f in zip(SCORE_NAMES, logits_for(probs), strict=False):
        S[name] = exact(f)


def open_in_explorer(probs: tuple[float, ...], label: int) -> None:
    """The quiz's prediction in the explorer, and the explorer's tab opened to show it."""
    load_probs(probs, label)
    S["view"] = SOFTMAX
    st.session_state[LOADED] = Message("success", loaded_prediction(probs, label))


def shift_logits(delta: float) -> None:
    new, message = shift_scores(scores(), delta, LOGIT_RANGE)
    for name, f in zip(SCORE_NAMES, new or (), strict=False):
        S[name] = exact(f)
    st.session_state[NOTE] = message


def reset_logits() -> None:
    S.reset(*SCORE_NAMES)


# -- widgets ---------------------------------------------------------------------------------------


def softmax_controls() -> tuple[tuple[float, ...], int]:
    """Number of classes, the true class, and one score slider per class."""
    k = S.slider("k", "Classes k", on_change=clamp_label)
    label = S.segmented_control(
        "label", "True class y", options=range(1, k + 1), format_func=lambda j: f"class {j}"
    )
    st.markdown("**Scores f (logits)**")
    for j in range(1, k + 1):
        S.slider(f"f{j}", f"f{sub(j)} (class {j})")
    st.button(
        "Add 1 to every score", key=S.key("shift"), on_click=shift_logits, args=(1.0,),
        width="stretch",
        help="Softmax only sees differences between scores: the probabilities stay the same.",
    )  # fmt: skip
    st.button("Reset the scores", key=S.key("reset"), on_click=reset_logits, width="stretch")
    st.button(
        "The lecture's slide: p = (0.8, 0.2)", key=S.key("slide"), on_click=load_probs,
        args=(LECTURE_SLIDE_PROBS, LECTURE_SLIDE_LABEL), width="stretch",
    )  # fmt: skip
    note = st.session_state.pop(NOTE, None)
    if note is not None:
        say([note])
    return scores(), int(label)


# -- sections: each a fragment, so its controls rerun it and not the page -------------------------


@st.fragment
def softmax_section() -> None:
    left, right = st.columns([1, 2.6], gap="large")
    with left, st.container(border=True):
        logits, label = softmax_controls()
    ex = explain(logits, label)
    with right:
        show(softmax_chart(logits, label), key=S.key("softmax"))
        y = ex.label
        c1, c2, c3 = st.columns(3)
        c1.metric("true class y", f"class {y}")
        c2.metric(f"p{sub(y)}: its probability", prob(ex.p_y))
        c3.metric(f"loss ℓ = −log p{sub(y)}", f"{ex.loss:.4f}")
        for formula in softmax_latex(ex):
            st.latex(formula)
        st.markdown(softmax_verdict(ex))
        with st.expander("Every number, class by class"):
            # A static table: the data grid redrew (and settled) for 100+ ms after every move of
            # a score slider, even folded away in the expander.
            st.table(class_rows(ex), hide_index=True)
            st.caption(
                "Subtracting the largest score before exponentiating changes nothing (it "
                "cancels in the fraction) but keeps every exponent ≤ 0, so nothing overflows."
            )
    st.caption(
        "The lecture's notes on softmax: the entries are non-negative and sum to 1 (a "
        "probability vector); a larger $f_i$ gives a larger $p_i$; and it is not element-wise: "
        "move one score and every probability changes."
    )
    S.sync_url()


@st.fragment
def bce_section() -> None:
    left, right = st.columns([1, 2.6], gap="large")
    with left, st.container(border=True):
        p = S.slider("p", "Network output p = p(y = 1 | x)")
        y = S.segmented_control("y", "Label y", format_func=lambda v: f"y = {v}")
    case = binary_case(float(p), int(y))
    with right:
        show(bce_chart(case.p, case.y), key=S.key("bce"))
    st.markdown(
        "Think of the output as a probability vector over the classes {0, 1}: "
        "**$p_0$ = 1 − p, $p_1$ = p**. Then the binary cross-entropy is $-\\log p_y$:"
    )
    for formula in binary_latex(case):
        st.latex(formula)
    st.caption(
        "Both ways give the same number: with the output read as the distribution (1 − p, p) "
        "and the label as a one-hot distribution, the general cross-entropy *is* the binary one."
    )
    S.sync_url()


@st.fragment
def squared_section() -> None:
    left, right = st.columns([1, 2.6], gap="large")
    with left, st.container(border=True):
        z = float(S.slider("z", "Score z (before the sigmoid)"))
        y = int(S.segmented_control("cmp_y", "Label y", format_func=lambda v: f"y = {v}"))
    now = compare_binary([z], y)
    with right:
        show(comparison_chart(z, y), key=S.key("compare"))
    p = float(now.p[0])
    g_ce, g_sq = float(now.grad_ce[0]), float(now.grad_squared[0])
    c = st.columns(5)
    c[0].metric("p = σ(z)", prob(p))
    c[1].metric("cross-entropy", small(now.ce[0]))
    c[2].metric("squared loss", small(now.squared[0]))
    c[3].metric("∂CE/∂z = p − y", num(g_ce, digits=4))
    c[4].metric("∂sq/∂z = 2(p − y)p(1 − p)", small(g_sq))
    say([squared_verdict(p, y, g_ce, g_sq)])
    ex = explain(scores(), S["label"])
    norms = float(np.linalg.norm(ex.grad_ce)), float(np.linalg.norm(ex.grad_squared))
    st.caption(kclass_caption(ex, *norms))
    S.sync_url()


def quiz_section() -> None:
    """The lecture's quiz. Not a fragment: its button opens the explorer's tab above."""
    left, right = st.columns([3, 2], gap="large")
    with right:
        show(quiz_chart(), key=S.key("quiz_bars"))
        st.caption(quizzes.CE_RECONSTRUCTION_NOTE)
    with left:
        quiz(quizzes.LOSS)
        st.button(
            "Open this prediction in the explorer", key=S.key("quiz_load"),
            on_click=open_in_explorer, args=(quizzes.CE_QUIZ_PROBS, quizzes.CE_QUIZ_LABEL),
        )  # fmt: skip
        note = st.session_state.pop(LOADED, None)
        if note is not None:
            say([note])
            st.toast("The prediction is in the explorer: the first tab, above.")


# -- the page --------------------------------------------------------------------------------------

S.init()
clamp_label()
lesson_header(
    "Loss functions",
    "Three elements specify a learning method: the model class (the networks), the **loss "
    "function** and the optimisation method. For classification the output layer turns the "
    "scores $f = (f_1, \\dots, f_k)$ into probabilities with **softmax**, and the loss of one "
    "data point is the **cross-entropy** between those probabilities $p$ and the one-hot vector "
    "$Y$ of the true class $y$. Because $Y$ is one-hot, it is just $-\\log$ of the probability "
    "of the true class. The loss on the training set is the average.",
    [
        r"p_j = \mathrm{softmax}(f)_j = \frac{e^{f_j}}{\sum_{i=1}^{k} e^{f_i}}, \qquad "
        r"\ell(x, y) = \sum_{j=1}^{k} -Y_j \log p_j = -\log p_y, \qquad "
        r"L = \frac{1}{|D|} \sum_{(x, y) \in D} \ell(x, y)",
    ],
)
S.notice()
# Every setting, the open tab included, is in the address bar: a teacher can share the view.
tabs = S.tabs("view")
SECTIONS = {SOFTMAX: softmax_section, BINARY: bce_section, SQUARED: squared_section}
for label, section in SECTIONS.items():
    if tabs[label].open:
        with tabs[label]:
            section()
quiz_section()
S.sync_url()
