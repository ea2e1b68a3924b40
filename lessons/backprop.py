"""Backpropagation: the lecture's one-neuron graph stepped forward and backward, practice, a
two-layer network in matrix form (Jacobians and their shapes), and vanishing gradients along a
chain of layers."""

from __future__ import annotations

import streamlit as st

from engine.activations import ACTIVATION_LABELS, HIDDEN_ACTIVATIONS
from engine.backprop import (
    ACTIVATION_NAMES,
    ACTIVATIONS,
    CHAIN_ACTIVATIONS,
    COMPUTED,
    LECTURE_EXAMPLE,
    LECTURE_QUIZ,
    LOSS_NAMES,
    LOSSES,
    MAX_LAYERS,
    BackpropExample,
    ChainResult,
    build_example,
    chain_gradients,
    check_local_grads,
    parse_number,
)
from engine.backprop_matrix import LOSSES as MATRIX_LOSSES
from engine.backprop_matrix import ORDER, MatrixBackprop, draw_params, matrix_backprop
from engine.backprop_matrix import vanishing_chain as vanishing_factors
from ui import quizzes
from ui.charts import chart, show
from ui.figures.backprop import chain_figure, graph_figure
from ui.frame import formula_row, lesson_header, quiz, say
from ui.state import Settings, choice, integer, number, tab
from ui.text.backprop import (
    TEXT_SYMBOLS,
    chain_sentence,
    edge_text,
    engine_note,
    example_caption,
    factor_rows,
    fmt,
    forward_tex,
    given_tex,
    matrix_step_text,
    parameter_gradients_tex,
    practice_messages,
    practice_rows,
    shapes_sentence,
    step_texts,
    vanishing_intro,
    vanishing_messages,
    vanishing_product_tex,
    verdicts,
)

INPUT_KEYS = ("x1", "x2", "w1", "w2", "y")
PRESETS = {"lecture": LECTURE_EXAMPLE, "quiz": LECTURE_QUIZ}
N_STEPS = len(build_example(**LECTURE_EXAMPLE).steps)  # forward and backward: the same for all
WALK, PRACTICE, MATRIX, VANISH = (
    "Step through the graph",
    "Practice: your local gradients",
    "Matrix form",
    "Vanishing gradients",
)
# The matrix form's network: d inputs, m hidden units (k outputs is a setting).
D, M = 2, 3
MATRIX_STEPS = len(ORDER)  # backward steps: one per variable, from f down to b1


def _old_names(names: dict[str, str]) -> dict[str, str]:
    """Links made before the settings helper wrote a choice by its label ('ReLU')."""
    return {label: value for value, label in names.items()}


S = Settings(
    "backprop",
    # Typed numbers: any value in range, not only the ± buttons' steps of 0.5.
    *(number(key, LECTURE_EXAMPLE[key], -10.0, 10.0, step=0.5, snap=False) for key in INPUT_KEYS),
    choice("activation", "sigmoid", ACTIVATIONS, old_texts=_old_names(ACTIVATION_NAMES)),
    choice("loss", "bce", LOSSES, old_texts=_old_names(LOSS_NAMES)),
    integer("step", 0, 0, N_STEPS),
    integer("vg_layers", 12, 1, MAX_LAYERS),
    choice("vg_activation", "sigmoid", CHAIN_ACTIVATIONS),
    number("vg_w", 1.0, -3.0, 3.0, step=0.1),
    number("vg_b", 0.0, -2.0, 2.0, step=0.1),
    number("vg_x", 1.0, -2.0, 2.0, step=0.1),
    # The matrix form: x = (1, −1) as in the lecture's example; seed 1 draws weights that give
    # z1 = (1, 0, −1), so h1 = (σ(1), σ(0), σ(−1)) = (0.7311, 0.5, 0.2689).
    number("mx_x1", 1.0, -2.0, 2.0, step=0.5),
    number("mx_x2", -1.0, -2.0, 2.0, step=0.5),
    choice("mx_outputs", 2, (1, 2)),
    number("mx_y1", 1.0, -2.0, 2.0, step=0.5),
    number("mx_y2", 0.0, -2.0, 2.0, step=0.5),
    choice("mx_activation", "sigmoid", HIDDEN_ACTIVATIONS),
    choice("mx_loss", "squared", MATRIX_LOSSES),
    integer("mx_seed", 1, 0, 999),
    integer("mx_step", 0, 0, MATRIX_STEPS),
    tab("view", WALK, (WALK, PRACTICE, MATRIX, VANISH)),
)
EXAMPLE_SETTINGS = (*INPUT_KEYS, "activation", "loss")
PRACTICE_STATE = S.key("practice")  # which example was checked, and wrong checks per derivative


@st.cache_data(show_spinner=False, max_entries=256)
def example(x1: float, x2: float, w1: float, w2: float, y: float, activation: str, loss: str):
    return build_example(x1=x1, x2=x2, w1=w1, w2=w2, y=y, activation=activation, loss=loss)


@st.cache_data(show_spinner=False, max_entries=256)
def chain(n_layers: int, activation: str, w: float, b: float, x: float) -> ChainResult:
    return chain_gradients(n_layers, activation=activation, w=w, b=b, x=x)


@st.cache_data(show_spinner=False, max_entries=256)
def layer_example(
    x1: float, x2: float, y1: float, y2: float, k: int, activation: str, loss: str, seed: int
) -> MatrixBackprop:
    """The matrix form's network for these settings: weights drawn from ``seed``."""
    return matrix_backprop(
        [x1, x2], [y1, y2][:k], draw_params(D, M, k, seed=seed), activation=activation, loss=loss
    )


@st.cache_data(show_spinner=False, max_entries=128)
def chain_factor_tex(n_layers: int, activation: str, w: float, b: float, x: float) -> str:
    return vanishing_product_tex(vanishing_factors(n_layers, activation=activation, w=w, b=b, x=x))


def example_args() -> tuple:
    """The example's settings in ``example``'s order (hashable: the key of its charts)."""
    return tuple(S[key] for key in EXAMPLE_SETTINGS)


# -- charts: built once per distinct input, shared by every learner -------------------------------


@chart(max_entries=128)
def graph_chart(args: tuple, step: int):
    return graph_figure(example(*args), step)


@chart(max_entries=32)
def practice_graph_chart(args: tuple):
    ex = example(*args)
    return graph_figure(ex, ex.n_forward, height=380, highlight=False)


@chart(max_entries=128)
def chain_chart(n: int, activation: str, w: float, b: float, x: float):
    return chain_figure(chain(n, activation, w, b, x))


# -- callbacks -------------------------------------------------------------------------------------


def load_preset(name: str) -> None:
    for key, value in PRESETS[name].items():
        S[key] = value
    S["step"] = 0


def step_through_quiz() -> None:
    """The quiz's example in the graph, and the graph's tab opened to show it."""
    load_preset("quiz")
    S["view"] = WALK


def move(delta: int) -> None:
    S["step"] = max(0, min(N_STEPS, S["step"] + delta))


def jump(to: int) -> None:
    S["step"] = to


def typed_answers(ex: BackpropExample) -> tuple[dict[tuple[str, str], float], list[str]]:
    """The learner's local derivatives that parse as numbers, and what is wrong with the rest."""
    answers: dict[tuple[str, str], float] = {}
    problems: list[str] = []
    for edge in ex.edges:
        text = st.session_state.get(S.key(f"ans_{edge.src}_{edge.dst}"), "")
        if not text.strip():
            continue
        try:
            answers[(edge.src, edge.dst)] = parse_number(text)
        except ValueError as err:
            problems.append(f"{edge_text(edge)}: {err}")
    return answers, problems


def practice_state() -> dict:
    """This example's practice record: a new example starts a fresh one."""
    args = example_args()
    record = st.session_state.get(PRACTICE_STATE)
    if record is None or record["example"] != args:
        record = {"example": args, "checked": False, "wrong": {}}
        st.session_state[PRACTICE_STATE] = record
    return record


def check_answers() -> None:
    """Count, per derivative, the checks that found it wrong: a hint first, the value later."""
    ex = example(*example_args())
    record = practice_state()
    answers, _ = typed_answers(ex)
    for c in check_local_grads(ex, answers):
        if not c.correct:
            record["wrong"][edge_text(c.edge)] = record["wrong"].get(edge_text(c.edge), 0) + 1
    record["checked"] = True


def matrix_move(delta: int) -> None:
    S["mx_step"] = max(0, min(MATRIX_STEPS, S["mx_step"] + delta))


def matrix_jump(to: int) -> None:
    S["mx_step"] = to


def open_vanishing() -> None:
    S["view"] = VANISH


def new_weights() -> None:
    S["mx_seed"] = (S["mx_seed"] + 1) % 1000


# -- widgets ---------------------------------------------------------------------------------------


def example_controls() -> None:
    """Presets, inputs, weights, label, activation and loss."""
    st.markdown("**Load an example**")
    st.button(
        "The lecture's example", key=S.key("preset_lecture"), on_click=load_preset,
        args=("lecture",), width="stretch",
        help="x₁ = 1, x₂ = −1, w₁ = 1, w₂ = 2, y = 1, sigmoid, binary cross-entropy",
    )  # fmt: skip
    st.button(
        "The quiz (ReLU, squared loss)", key=S.key("preset_quiz"), on_click=load_preset,
        args=("quiz",), width="stretch", help="the quiz break: w₂ = −2",
    )  # fmt: skip
    st.markdown("**Or set your own**")
    c1, c2 = st.columns(2)
    for column, key in zip((c1, c2, c1, c2, c1), INPUT_KEYS, strict=True):
        with column:
            S.number_input(key, TEXT_SYMBOLS[key] + (" (label)" if key == "y" else ""), format="%g")
    S.selectbox("activation", "Activation", format_func=ACTIVATION_NAMES.get)
    S.selectbox("loss", "Loss", format_func=LOSS_NAMES.get)


def step_controls(n_forward: int) -> int:
    step = S["step"]
    cols = st.columns([1, 1, 1.4, 1.4, 1.4])
    cols[0].button("Reset", key=S.key("reset"), on_click=jump, args=(0,), width="stretch")
    cols[1].button(
        "◀ Back", key=S.key("back"), on_click=move, args=(-1,), disabled=step == 0,
        width="stretch",
    )  # fmt: skip
    cols[2].button(
        "Forward step ▶" if step < n_forward else "Backward step ◀",
        key=S.key("next"), on_click=move, args=(1,), disabled=step >= N_STEPS,
        type="primary", width="stretch",
    )  # fmt: skip
    cols[3].button(
        "Fill all values", key=S.key("to_forward"), on_click=jump, args=(n_forward,),
        width="stretch",
    )  # fmt: skip
    cols[4].button(
        "Fill all gradients", key=S.key("to_end"), on_click=jump, args=(N_STEPS,),
        width="stretch",
    )  # fmt: skip
    return step


# -- sections: each a fragment, so its controls rerun it and not the page -------------------------


def show_step(ex: BackpropExample, step: int) -> None:
    n_forward = ex.n_forward
    n_backward = len(ex.steps) - n_forward
    if step == 0:
        st.info(
            "The inputs x₁, x₂, the weights w₁, w₂ and the label y are given; every other box "
            "is still unknown. Press **Forward step** to compute them one at a time."
        )
        return
    s, written = ex.steps[step - 1], step_texts(ex)[step - 1]
    if s.phase == "forward":
        st.markdown(f"**Forward pass, step {step} of {n_forward}**: compute one more value.")
        st.latex(written.formula)
        if step == n_forward:
            st.caption(
                "The forward pass is done. (To compute the derivative we do not actually need "
                "the loss itself; it is shown for illustration.) Now go backward."
            )
        return
    k = step - n_forward
    st.markdown(
        f"**Backward pass, step {k} of {n_backward}**: gradient of the node = gradient on the "
        "top (upstream) × gradient of the current operation (local)."
    )
    if s.local is None:
        st.latex(written.formula)
        st.caption("The loss depends on itself with slope 1: every gradient below is built on it.")
        return
    st.latex(written.local_formula)
    st.latex(written.formula)
    up_sym, sym = TEXT_SYMBOLS[s.upstream_node], TEXT_SYMBOLS[s.node]
    c1, c2, c3 = st.columns(3)
    c1.metric(f"upstream ∂ℓ/∂{up_sym}", fmt(s.upstream))
    c2.metric(f"local ∂{up_sym}/∂{sym}", fmt(s.local))
    c3.metric(f"gradient ∂ℓ/∂{sym}", fmt(s.grad))
    st.markdown(f"`{written.text}`")


@st.fragment
def walkthrough() -> None:
    left, right = st.columns([1, 3], gap="large")
    with left, st.container(border=True):
        example_controls()
    with right:
        try:
            ex = example(*example_args())
        except ValueError as err:
            st.warning(f"{err}")
            st.button(
                "Back to the lecture example", key=S.key("recover"), on_click=load_preset,
                args=("lecture",),
            )  # fmt: skip
            S.sync_url()
            return
        step = step_controls(ex.n_forward)
        show(graph_chart(example_args(), step), key=S.key("graph"))
        show_step(ex, step)
    done = [t.text for t in step_texts(ex)[:step]]
    if done:
        with st.expander("All steps so far"):
            st.markdown("\n".join(f"{i}. {t}" for i, t in enumerate(done, start=1)))
    S.sync_url()


@st.fragment
def practice() -> None:
    try:
        practice_section()
    finally:
        S.sync_url()


def practice_section() -> None:
    st.markdown(
        "Backpropagation only ever needs **local** derivatives: how one box changes when one of "
        "its inputs changes. Work each one out for the example set in the first tab, type it "
        "(decimals like `-0.73` or fractions like `1/4`), and check. The app compares it with "
        "automatic differentiation and with a finite-difference estimate "
        "(f(v + h) − f(v − h)) / 2h, then chains your answers together. A wrong answer gets a "
        "hint and another try before the app shows its value."
    )
    try:
        ex = example(*example_args())
    except ValueError:
        st.warning("Fix the example in the first tab first.")
        return
    st.caption(example_caption(ex))
    left, right = st.columns([2, 3], gap="large")
    with right:
        show(practice_graph_chart(example_args()), key=S.key("practice_graph"))
    with left:
        cols = st.columns(2)
        # In the order backpropagation needs them: from the loss back to the inputs.
        for i, edge in enumerate(sorted(ex.edges, key=lambda e: -COMPUTED.index(e.dst))):
            # Kept while another tab is open (only the open tab runs).
            cols[i % 2].text_input(
                edge_text(edge), key=S.key(f"ans_{edge.src}_{edge.dst}"), persist_state="session"
            )
        st.button(
            "Check my local gradients", key=S.key("check"), on_click=check_answers,
            type="primary",
        )  # fmt: skip
    answers, problems = typed_answers(ex)
    for problem in problems:
        st.warning(problem)
    record = practice_state()
    if not record["checked"]:
        return
    if not answers:
        st.info("Type at least one local derivative, then check.")
        return
    checks = sorted(check_local_grads(ex, answers), key=lambda c: -COMPUTED.index(c.edge.dst))
    found = verdicts(checks, record["wrong"])
    st.dataframe(practice_rows(found), hide_index=True, key=S.key("practice_table"))
    say(practice_messages(ex, found, len(ex.edges)))
    st.markdown(chain_sentence(ex, answers))


def matrix_controls() -> tuple:
    """Input, outputs, target, activation, loss and the weights' seed; the settings of
    ``layer_example`` in its order. Binary cross-entropy has one output and a label in [0, 1]:
    the other settings are brought inside, never an error."""
    top = st.columns(5, vertical_alignment="bottom")
    bottom = st.columns(4, vertical_alignment="bottom")
    with bottom[0]:
        act = S.selectbox("mx_activation", "Hidden activation σ", format_func=ACTIVATION_LABELS.get)
    with bottom[1]:
        loss = S.selectbox("mx_loss", "Loss", format_func=LOSS_NAMES.get)
    bce = loss == "bce"
    with bottom[2]:
        seed = S.number_input("mx_seed", "Weights seed")
    with bottom[3]:
        st.button(
            "New weights", key=S.key("mx_new"), on_click=new_weights, width="stretch",
            help="Draw W₁, b₁, W₂, b₂ again (the next seed).",
        )  # fmt: skip
    with top[0]:
        x1 = S.slider("mx_x1", "Input x₁")
    with top[1]:
        x2 = S.slider("mx_x2", "Input x₂")
    with top[2]:
        k = S.segmented_control(
            "mx_outputs", "Outputs k", options=(1,) if bce else None,
            help="Binary cross-entropy has one output, p(y = 1 | x)." if bce else None,
        )  # fmt: skip
    with top[3]:
        y1 = S.slider(
            "mx_y1", "Label y" if bce else "Target y₁", **({"low": 0.0, "high": 1.0} if bce else {})
        )
    with top[4]:
        y2 = S.slider("mx_y2", "Target y₂") if k == 2 else S["mx_y2"]
    return x1, x2, y1, y2, k, act, loss, seed


def matrix_step_controls() -> int:
    step = S["mx_step"]
    cols = st.columns([1, 1, 1.4, 1.4])
    cols[0].button(
        "Reset", key=S.key("mx_reset"), on_click=matrix_jump, args=(0,), width="stretch"
    )  # fmt: skip
    cols[1].button(
        "◀ Back", key=S.key("mx_back"), on_click=matrix_move, args=(-1,), disabled=step == 0,
        width="stretch",
    )  # fmt: skip
    cols[2].button(
        "Backward step ◀", key=S.key("mx_next"), on_click=matrix_move, args=(1,),
        disabled=step >= MATRIX_STEPS, type="primary", width="stretch",
    )  # fmt: skip
    cols[3].button(
        "Fill all gradients", key=S.key("mx_to_end"), on_click=matrix_jump,
        args=(MATRIX_STEPS,), width="stretch",
    )  # fmt: skip
    return step


def show_matrix_step(res: MatrixBackprop, step: int) -> None:
    if step == 0:
        st.info(
            "The forward pass is done. Press **Backward step** to go back from the loss, one "
            "Jacobian at a time (∂L/∂L = 1 is where it starts)."
        )
        return
    text = matrix_step_text(res, ORDER[step - 1][0])
    st.markdown(f"**Backward step {step} of {MATRIX_STEPS}**: {text.title}. {text.why}")
    if text.outer:
        # Side by side where there is room: the product as a row, and laid out as W.
        formula_row(rf"{text.formula} \qquad {text.outer}")
        st.markdown(text.outer_note)
    else:
        st.latex(text.formula)
    if text.chain:
        st.markdown(text.reuse)
        st.latex(text.chain)


@st.fragment
def matrix_form() -> None:
    st.markdown(
        "The lecture's note on ∂L/∂W: with vectors and matrices each step "
        "is still **gradient on the top × gradient of the current operation**, but the gradient "
        "∂L/∂v is a **row** with one entry per entry of v, and the local derivative ∂u/∂v is a "
        "**Jacobian** matrix: one row per entry of u, one column per entry of v. The chain rule "
        f"becomes a product of matrices. Here: d = {D} inputs, m = {M} hidden units, k outputs, "
        "one sample x. (The lecture does not ask you to do this by hand: it shows how "
        "backpropagation works in general, and why gradients vanish.)"
    )
    args = matrix_controls()
    try:
        res = layer_example(*args)
    except ValueError as err:
        # A message, never a traceback. (The sliders keep |z2| <= 26.25, where σ(z2) does not
        # round to 0 or 1, so the loss is always finite today.)
        st.warning(f"{err} Press **New weights** or pick another loss.")
        S.sync_url()
        return
    st.markdown("**Forward pass**: the given numbers, with their shapes (note the dimensions)")
    formula_row(given_tex(res))
    formula_row(r" \qquad ".join(forward_tex(res)))
    st.caption("Numbers to 4 decimals. Vectors are columns, as in the lecture: W x.")
    st.markdown("**Backward pass**: one Jacobian per step, from the loss down")
    step = matrix_step_controls()
    show_matrix_step(res, step)
    done = [name for name, _ in ORDER[:step] if name in ("W2", "b2", "W1", "b1")]
    if done:
        st.markdown("**What SGD needs**: the parameters' gradients so far, in their own shapes")
        formula_row(parameter_gradients_tex(res, done))
    if step == MATRIX_STEPS:
        st.success(shapes_sentence(res))
    matrix_notes()
    S.sync_url()


def matrix_notes() -> None:
    """The engine's orientation, and the vanishing-gradient chain as this product."""
    st.markdown(engine_note(D, M))
    chain_args = tuple(S[key] for key in ("vg_layers", "vg_activation", "vg_w", "vg_b", "vg_x"))
    n, act, w, b, x = chain_args
    st.markdown(vanishing_intro(VANISH, n, act, w=w, b=b, x=x))
    st.markdown(f"${chain_factor_tex(*chain_args)}$")
    if st.button(f"Open the {VANISH} tab", key=S.key("mx_to_vanish"), on_click=open_vanishing):
        st.rerun(scope="app")  # the tabs are outside this fragment


@st.fragment
def vanishing() -> None:
    st.markdown(
        "Stack n one-unit layers, $h_k = \\mathrm{act}(w \\cdot h_{k-1} + b)$, and "
        "backpropagate from the output $h_n$. The gradient reaching layer k is a **product** of "
        "one factor $w \\cdot \\mathrm{act}'(z_j)$ for every layer above it. The lecture's "
        "remark: when each factor is small, the product is very small, and the layers near the "
        f"input barely learn. (In the **{MATRIX}** tab this is the chain rule's product of "
        "Jacobians, each 1 × 1 here.)"
    )
    c1, c2, c3, c4, c5 = st.columns(5)
    with c1:
        n = S.slider("vg_layers", "Layers n")
    with c2:
        act = S.selectbox("vg_activation", "Activation")
    with c3:
        w = S.slider("vg_w", "Weight w (every layer)")
    with c4:
        b = S.slider("vg_b", "Bias b")
    with c5:
        x = S.slider("vg_x", "Input x")
    res = chain(n, act, w, b, x)
    show(chain_chart(n, act, w, b, x), key=S.key("vg_chart"))
    say(vanishing_messages(res, act, w=w, x=x))
    with st.expander("The factors, layer by layer"):
        # A static table: a data grid redraws for 100+ ms after every slider move, folded or not.
        st.table(factor_rows(res), hide_index=True)
    S.sync_url()


# -- the page --------------------------------------------------------------------------------------

S.init()
lesson_header(
    "Backpropagation",
    "To train with SGD we need the derivative of the loss on one data point with respect to each "
    "parameter. **Backpropagation** computes them all by drawing the computation as a graph, "
    "doing a **forward** pass that fills in every value, then going **backward** one step at a "
    "time from the loss, reusing the gradient already computed above (the chain rule). Each "
    "step needs only the derivative of one simple operation: **gradient to a variable = gradient "
    "on the top × gradient from the current operation.**",
    [
        r"\hat y = \sigma(w_1 x_1 + w_2 x_2), \qquad "
        r"\ell(x, y) = -y \log \hat y - (1 - y) \log(1 - \hat y)",
        r"\frac{\partial \ell}{\partial w_1} = \frac{\partial \ell}{\partial z}\,"
        r"\frac{\partial z}{\partial w_1}",
    ],
)
S.notice()
# The example's numbers, every slider and the open tab are in the address bar: a teacher can
# share the view.
tabs = S.tabs("view")
for label, section in (
    (WALK, walkthrough), (PRACTICE, practice), (MATRIX, matrix_form), (VANISH, vanishing)
):  # fmt: skip
    if tabs[label].open:
        with tabs[label]:
            section()
quiz(quizzes.backprop())
st.button(
    "Step through the quiz example", key=S.key("quiz_preset"), on_click=step_through_quiz
)  # not in a fragment: it opens the graph's tab above
S.sync_url()
