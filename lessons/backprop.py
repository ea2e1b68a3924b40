"""Backpropagation: the lecture's one-neuron graph stepped forward and backward, practice, and
vanishing gradients along a chain of layers."""

from __future__ import annotations

import math

import streamlit as st

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
    chain_with,
    check_local_grads,
    parse_number,
)
from ui import quizzes
from ui.figures.backprop import chain_figure, graph_figure
from ui.frame import lesson_header, quiz
from ui.text.backprop import TEXT_SYMBOLS, edge_text, fmt, step_texts

P = "backprop_"  # session-state prefix
INPUT_KEYS = ("x1", "x2", "w1", "w2", "y")
PRESETS = {"lecture": LECTURE_EXAMPLE, "quiz": LECTURE_QUIZ}
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


@st.cache_data(show_spinner=False)
def example(x1: float, x2: float, w1: float, w2: float, y: float, activation: str, loss: str):
    return build_example(x1=x1, x2=x2, w1=w1, w2=w2, y=y, activation=activation, loss=loss)


@st.cache_data(show_spinner=False)
def chain(n_layers: int, activation: str, w: float, b: float, x: float) -> ChainResult:
    return chain_gradients(n_layers, activation=activation, w=w, b=b, x=x)


# -- state and callbacks ---------------------------------------------------------------------------


def init_state() -> None:
    for key, value in LECTURE_EXAMPLE.items():
        st.session_state.setdefault(P + key, value)
    st.session_state.setdefault(P + "step", 0)
    st.session_state.setdefault(P + "checked", False)


def load_preset(name: str) -> None:
    for key, value in PRESETS[name].items():
        st.session_state[P + key] = value
    st.session_state[P + "step"] = 0
    st.session_state[P + "checked"] = False


def move(delta: int, n_steps: int) -> None:
    st.session_state[P + "step"] = max(0, min(n_steps, st.session_state[P + "step"] + delta))


def jump(to: int) -> None:
    st.session_state[P + "step"] = to


def mark_checked() -> None:
    st.session_state[P + "checked"] = True


# -- widgets ---------------------------------------------------------------------------------------


def example_controls() -> dict:
    """Presets, inputs, weights, label, activation and loss; returns build_example's arguments."""
    st.markdown("**Load an example**")
    st.button(
        "The lecture's example", key=P + "preset_lecture", on_click=load_preset,
        args=("lecture",), width="stretch",
        help="x₁ = 1, x₂ = −1, w₁ = 1, w₂ = 2, y = 1, sigmoid, binary cross-entropy",
    )  # fmt: skip
    st.button(
        "The quiz (ReLU, squared loss)", key=P + "preset_quiz", on_click=load_preset,
        args=("quiz",), width="stretch", help="the quiz break: w₂ = −2",
    )  # fmt: skip
    st.markdown("**Or set your own**")
    c1, c2 = st.columns(2)
    for column, key in zip((c1, c2, c1, c2, c1), INPUT_KEYS, strict=True):
        column.number_input(
            TEXT_SYMBOLS[key] + (" (label)" if key == "y" else ""),
            min_value=-10.0, max_value=10.0, step=0.5, key=P + key, format="%g",
            bind="query-params",
        )  # fmt: skip
    st.selectbox(
        "Activation", ACTIVATIONS, format_func=ACTIVATION_NAMES.get, key=P + "activation",
        bind="query-params",
    )  # fmt: skip
    st.selectbox("Loss", LOSSES, format_func=LOSS_NAMES.get, key=P + "loss", bind="query-params")
    return {k: st.session_state[P + k] for k in (*INPUT_KEYS, "activation", "loss")}


def step_controls(n_steps: int, n_forward: int) -> int:
    step = st.session_state[P + "step"]
    cols = st.columns([1, 1, 1.4, 1.4, 1.4])
    cols[0].button("Reset", key=P + "reset", on_click=jump, args=(0,), width="stretch")
    cols[1].button(
        "◀ Back", key=P + "back", on_click=move, args=(-1, n_steps), disabled=step == 0,
        width="stretch",
    )  # fmt: skip
    cols[2].button(
        "Forward step ▶" if step < n_forward else "Backward step ◀",
        key=P + "next", on_click=move, args=(1, n_steps), disabled=step >= n_steps,
        type="primary", width="stretch",
    )  # fmt: skip
    cols[3].button(
        "Fill all values", key=P + "to_forward", on_click=jump, args=(n_forward,),
        width="stretch",
    )  # fmt: skip
    cols[4].button(
        "Fill all gradients", key=P + "to_end", on_click=jump, args=(n_steps,),
        width="stretch",
    )  # fmt: skip
    return step


def fd_text(x: float) -> str:
    """A finite-difference estimate: always 4 decimals (it is never exact), n/a if undefined."""
    return "n/a" if math.isnan(x) else f"{x:.4f}".replace("-", "−")


# -- sections --------------------------------------------------------------------------------------


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
    local_label = f"local ∂{up_sym}/∂{sym}"
    c1, c2, c3 = st.columns(3)
    c1.metric(f"upstream ∂ℓ/∂{up_sym}", fmt(s.upstream))
    c2.metric(local_label, fmt(s.local))
    c3.metric(f"gradient ∂ℓ/∂{sym}", fmt(s.grad))
    st.markdown(f"`{written.text}`")


def walkthrough() -> BackpropExample | None:
    left, right = st.columns([1, 3], gap="large")
    with left, st.container(border=True):
        kwargs = example_controls()
    with right:
        try:
            ex = example(**kwargs)
        except ValueError as err:
            st.warning(f"{err}")
            st.button(
                "Back to the lecture example", key=P + "recover", on_click=load_preset,
                args=("lecture",),
            )  # fmt: skip
            return None
        n_steps = len(ex.steps)
        st.session_state[P + "step"] = min(st.session_state[P + "step"], n_steps)
        step = step_controls(n_steps, ex.n_forward)
        st.plotly_chart(graph_figure(ex, step), key=P + "graph", config={"displayModeBar": False})
        show_step(ex, step)
    done = [t.text for t in step_texts(ex)[:step]]
    if done:
        with st.expander("All steps so far"):
            st.markdown("\n".join(f"{i}. {t}" for i, t in enumerate(done, start=1)))
    return ex


def practice(ex: BackpropExample | None) -> None:
    st.markdown(
        "Backpropagation only ever needs **local** derivatives: how one box changes when one of "
        "its inputs changes. Work each one out for the example set in the first tab, type it "
        "(decimals like `-0.73` or fractions like `1/4`), and check. The app compares it with "
        "automatic differentiation and with a finite-difference estimate "
        "(f(v + h) − f(v − h)) / 2h, then chains your answers together."
    )
    if ex is None:
        st.warning("Fix the example in the first tab first.")
        return
    st.caption(
        f"Example: x₁ = {fmt(ex.inputs['x1'])}, x₂ = {fmt(ex.inputs['x2'])}, "
        f"w₁ = {fmt(ex.inputs['w1'])}, w₂ = {fmt(ex.inputs['w2'])}, y = {fmt(ex.inputs['y'])}, "
        f"{ACTIVATION_NAMES[ex.activation]}, {LOSS_NAMES[ex.loss]}. "
        "The forward values are filled in for you."
    )
    left, right = st.columns([2, 3], gap="large")
    with right:
        st.plotly_chart(
            graph_figure(ex, ex.n_forward, height=380, highlight=False), key=P + "practice_graph",
            config={"displayModeBar": False},
        )  # fmt: skip
    answers: dict[tuple[str, str], float] = {}
    problems: list[str] = []
    with left:
        cols = st.columns(2)
        # In the order backpropagation needs them: from the loss back to the inputs.
        for i, edge in enumerate(sorted(ex.edges, key=lambda e: -COMPUTED.index(e.dst))):
            text = cols[i % 2].text_input(edge_text(edge), key=f"{P}ans_{edge.src}_{edge.dst}")
            if not text.strip():
                continue
            try:
                answers[(edge.src, edge.dst)] = parse_number(text)
            except ValueError as err:
                problems.append(f"{edge_text(edge)}: {err}")
        st.button(
            "Check my local gradients", key=P + "check", on_click=mark_checked, type="primary"
        )
    for problem in problems:
        st.warning(problem)
    if not st.session_state[P + "checked"]:
        return
    if not answers:
        st.info("Type at least one local derivative, then check.")
        return
    checks = sorted(check_local_grads(ex, answers), key=lambda c: -COMPUTED.index(c.edge.dst))
    st.dataframe(
        [
            {
                "local derivative": edge_text(c.edge),
                "your answer": fmt(c.answer),
                "autodiff": fmt(c.edge.local),
                "finite difference": fd_text(c.edge.local_numeric),
                "verdict": "✓ right" if c.correct else "✗ wrong",
            }
            for c in checks
        ],
        hide_index=True,
        key=P + "practice_table",
    )
    wrong = [c for c in checks if not c.correct]
    for c in wrong:
        node = TEXT_SYMBOLS[c.edge.dst]
        hint = HINTS.get((c.edge.src, c.edge.dst), {})
        why = hint.get(ex.loss) or hint.get(ex.activation) or "z = w₁x₁ + w₂x₂ is linear in each."
        st.error(
            f"The node **{node}** is wrong: you have {edge_text(c.edge)} = {fmt(c.answer)}, "
            f"autodiff gives {fmt(c.edge.local)} and finite differences "
            f"{fd_text(c.edge.local_numeric)}. "
            f"Hint: {why}"
        )
    missing = len(ex.edges) - len(checks)
    if not wrong:
        more = f" ({missing} still to do)" if missing else ""
        st.success(f"All {len(checks)} of your local derivatives are right{more}.")
    w1_yours = chain_with(ex, answers, "w1")
    st.markdown(
        f"Chained with your local derivatives (the app's where you left one blank): "
        f"∂ℓ/∂w₁ = {fmt(w1_yours)}; backpropagation gives {fmt(ex.grads['w1'])}."
    )


def vanishing() -> None:
    st.markdown(
        "Stack n one-unit layers, h_k = act(w · h_(k−1) + b), and backpropagate from the output "
        "h_n. The gradient reaching layer k is a **product** of one factor w · act'(z_j) for "
        "every layer above it. The lecture's remark: when each factor is small, the product is "
        "very small, and the layers near the input barely learn."
    )
    c1, c2, c3, c4, c5 = st.columns(5)
    n = c1.slider("Layers n", 1, MAX_LAYERS, 12, key=P + "vg_layers")
    act = c2.selectbox("Activation", CHAIN_ACTIVATIONS, key=P + "vg_activation")
    w = c3.slider("Weight w (every layer)", -3.0, 3.0, 1.0, 0.1, key=P + "vg_w")
    b = c4.slider("Bias b", -2.0, 2.0, 0.0, 0.1, key=P + "vg_b")
    x = c5.slider("Input x", -2.0, 2.0, 1.0, 0.1, key=P + "vg_x")
    res = chain(n, act, w, b, x)
    st.plotly_chart(chain_figure(res), key=P + "vg_chart", config={"displayModeBar": False})
    first, last = abs(res.grad_w[0]), abs(res.grad_w[-1])
    if first == 0:
        st.warning(
            "The gradient at layer 1 is exactly 0: some factor w · act'(z) is 0 (w = 0, or a ReLU "
            "with z ≤ 0, which passes no gradient back). Try a positive input or weight."
        )
    elif last > 0 and n > 1:
        ratio = first / last
        if ratio < 1:
            st.info(
                f"The gradient at layer 1 is {1 / ratio:.3g} times *smaller* than at layer {n} "
                f"({first:.3g} vs {last:.3g})."
            )
        else:
            st.info(
                f"The gradient at layer 1 is {ratio:.3g} times *larger* than at layer {n}: "
                "factors above 1 make gradients explode instead."
            )
    if act == "sigmoid":
        st.caption(
            "σ'(z) = σ(z)(1 − σ(z)) is at most 1/4, so with |w| ≤ 1 every factor is at most 1/4: "
            f"after {n} layers at most (1/4)^{n - 1} = {0.25 ** (n - 1):.3g} is left."
        )
    with st.expander("The factors, layer by layer"):
        st.dataframe(
            [
                {"layer k": k, "z_k": z, "act'(z_k)·w": f, "∂h_n/∂w_k": g}
                for k, (z, f, g) in enumerate(
                    zip(res.z, res.factors, res.grad_w, strict=True), start=1
                )
            ],
            hide_index=True,
        )


# -- the page --------------------------------------------------------------------------------------

init_state()
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
# The example's numbers and the open tab are in the address bar: a teacher can share the view.
tab_walk, tab_practice, tab_vanish = st.tabs(
    ["Step through the graph", "Practice: your local gradients", "Vanishing gradients"],
    key=P + "view", on_change="rerun", bind="query-params",
)  # fmt: skip
with tab_walk:
    current = walkthrough()
with tab_practice:
    practice(current)
with tab_vanish:
    vanishing()

qz = example(**LECTURE_QUIZ)
quiz(quizzes.backprop())
st.button("Step through the quiz example", key=P + "quiz_preset", on_click=load_preset,
          args=("quiz",))  # fmt: skip
