"""Lesson: XOR and logic gates. One perceptron loops forever on XOR; two layers compute it."""

from __future__ import annotations

import numpy as np
import streamlit as st

from engine.datasets import DESCRIPTIONS
from engine.gates import (
    GATE_NAMES,
    GATE_WEIGHTS,
    XOR_NET,
    TwoLayerNet,
    cycle_weights,
    gate_arity,
    gate_data,
    learn_gate,
    linearly_separable,
    truth_table,
)
from engine.perceptron import PerceptronRun, start_weights, train
from ui import quizzes
from ui.charts import chart, show
from ui.figures.perceptron import mistakes_chart
from ui.figures.xor import (
    cycle_plane,
    gate_plane,
    hidden_plane,
    input_plane,
    network_figure,
    not_line,
    steps_animation,
)
from ui.formatting import vec
from ui.frame import lesson_header, quiz, say
from ui.state import Settings, choice, integer, number, tab
from ui.text.xor import (
    MINSKY_PARAGRAPH,
    compose_rows,
    compose_verdict,
    cycle_caption,
    designer_verdict,
    epoch_rows,
    fail_verdict,
    learned_note,
    markdown_table,
    point,
    prediction_feedback,
    separable_caption,
    truth_rows,
    unit_short_name,
)

RUN_DATA = ("xor", "and", "or", "nand", "nor")
START_CHOICES = ("zeros", "lecture", "random")  # zeros first: XOR's loop is shortest from there
START_LABELS = {
    "zeros": "zeros",
    "lecture": "the lecture's: w = (1, 2), b = −1",
    "random": "random integers",
}
PREDICTIONS = ("yes", "no")
PREDICTION_LABELS = {
    "yes": "Yes: it will find a line and stop.",
    "no": "No: it will keep making mistakes forever.",
}
PLOTS = ("lines", "steps")
MAX_EPOCHS = 1000  # integer gate data always converges or cycles long before this
MAX_SEED = 2**31 - 1

DESIGN_GATES = ("and", "or", "nand", "not", "xor")
WEIGHT_RANGE = (-3.0, 3.0)
WEIGHT_STEP = 0.5

NET_UNITS = ("h1", "h2", "y")
NET_UNIT_TITLES = {"h1": "Hidden unit h₁", "h2": "Hidden unit h₂", "y": "Output unit y"}
NET_INPUT_NAMES = {"h1": ("x₁", "x₂"), "h2": ("x₁", "x₂"), "y": ("h₁", "h₂")}
NET_WEIGHTS = ("w1", "w2", "b")
NET_RANGE = (-5.0, 5.0)
LOADABLE_GATES = ("and", "or", "nand", "nor")
XOR_X, XOR_Y = gate_data("xor")
ROWS = [point(x) for x in XOR_X]
FAIL, GATES = "1 · Watch the perceptron fail", "2 · Design a gate"
COMPOSE = "3 · Build XOR from gates"


def _net_defaults() -> dict[str, float]:
    rows = {"h1": XOR_NET.hidden[0], "h2": XOR_NET.hidden[1], "y": XOR_NET.output}
    return {
        f"net_{unit}_{name}": float(value)
        for unit, row in rows.items()
        for name, value in zip(NET_WEIGHTS, row, strict=True)
    }


NET_DEFAULTS = _net_defaults()
S = Settings(
    "xor",
    tab("tab", FAIL, (FAIL, GATES, COMPOSE)),
    choice("data", "xor", RUN_DATA, aliases=("data",)),
    choice("start", "zeros", START_CHOICES, aliases=("start",)),
    integer("weight_seed", 0, 0, MAX_SEED),
    choice("plot", "lines", PLOTS),
    choice("gate", "and", DESIGN_GATES, aliases=("gate",)),
    number("w1", 0.0, *WEIGHT_RANGE, step=WEIGHT_STEP, aliases=("w1",)),
    number("w2", 0.0, *WEIGHT_RANGE, step=WEIGHT_STEP, aliases=("w2",)),
    number("b", 0.0, *WEIGHT_RANGE, step=WEIGHT_STEP, aliases=("b",)),
    # The network's weights: the +/− buttons step by 0.5, a typed value is kept to 2 decimals.
    *(number(name, value, *NET_RANGE, step=0.01) for name, value in NET_DEFAULTS.items()),
    choice("net_row", 0, tuple(range(len(ROWS)))),
)
# Not settings (not in the URL): the learner's prediction, whether they ran it, what was learned.
PREDICT, RAN, LEARNED = S.key("predict"), S.key("ran"), S.key("learned")

Weights = tuple[float, ...]
NetKey = tuple[float, ...]  # the 9 weights, h₁ then h₂ then y, each (w1, w2, b)


# -- computations and charts, cached and shared (plain, hashable arguments) ------------------------


@st.cache_resource(max_entries=64, show_spinner=False)
def run_for(data: str, w0: Weights) -> PerceptronRun:
    X, y = gate_data(data)
    return train(X, y, np.array(w0), max_epochs=MAX_EPOCHS)


@st.cache_resource(max_entries=8, show_spinner=False)
def gate_run(gate: str) -> PerceptronRun:
    return learn_gate(gate, max_epochs=MAX_EPOCHS)


def as_net(key: NetKey) -> TwoLayerNet:
    w = np.array(key, dtype=float).reshape(3, 3)
    return TwoLayerNet(hidden=w[:2], output=w[2])


@chart(max_entries=64)
def cycle_chart(data: str, w0: Weights, ran: bool):
    X, y = gate_data(data)
    if not ran:
        return cycle_plane(X, y, [])
    run = run_for(data, w0)
    cycle = cycle_weights(run)
    return cycle_plane(X, y, cycle, final=None if cycle else run.w)


@chart(max_entries=64)
def steps_chart(data: str, w0: Weights):
    X, y = gate_data(data)
    run = run_for(data, w0)
    return steps_animation(X, y, [s for s in run.steps if s.epoch >= (run.cycle_start or 1)])


@chart(max_entries=32)
def mistakes_bars(mistakes: tuple[int, ...]):
    return mistakes_chart(mistakes, height=220)


@chart(max_entries=128)
def gate_chart(gate: str, w: Weights):
    X, y = gate_data(gate)
    outputs = truth_table(gate, np.array(w)).outputs
    if gate_arity(gate) == 2:
        return gate_plane(X, y, w, outputs)
    return not_line(X, y, w, outputs)


@chart(max_entries=128)
def network_chart(key: NetKey, row: int):
    net = as_net(key)
    names = (
        unit_short_name(net.hidden[0], ("x₁", "x₂")),
        unit_short_name(net.hidden[1], ("x₁", "x₂")),
        unit_short_name(net.output, ("h₁", "h₂")),
    )
    H, _, out = net.forward(XOR_X[row : row + 1])
    values = {"x1": XOR_X[row, 0], "x2": XOR_X[row, 1], "h1": H[0, 0], "h2": H[0, 1], "y": out[0]}
    return network_figure(net, names=names, values=values)


@chart(max_entries=64)
def input_chart(key: NetKey):
    return input_plane(as_net(key), XOR_X, XOR_Y)


@chart(max_entries=64)
def hidden_chart(key: NetKey):
    return hidden_plane(as_net(key), XOR_X, XOR_Y)


# -- callbacks -------------------------------------------------------------------------------------


def new_question() -> None:
    """New data or a new start: predict again before running."""
    st.session_state[RAN] = False
    st.session_state[PREDICT] = None


def new_random_weights() -> None:
    S["weight_seed"] = (S["weight_seed"] + 1) % (MAX_SEED + 1)
    new_question()


def run_it() -> None:
    st.session_state[RAN] = True


def forget_learned() -> None:
    st.session_state[LEARNED] = None


def snap_weight(value: float) -> float:
    """A learned weight as a slider value: on the slider's grid and inside its range."""
    return float(np.clip(np.round(value / WEIGHT_STEP) * WEIGHT_STEP, *WEIGHT_RANGE))


def learn() -> None:
    gate = S["gate"]
    names = ("w1", "b") if gate_arity(gate) == 1 else ("w1", "w2", "b")
    for name, value in zip(names, gate_run(gate).w, strict=True):
        S[name] = snap_weight(value)
    st.session_state[LEARNED] = gate


def zero_weights() -> None:
    S.reset("w1", "w2", "b")  # their defaults are 0
    forget_learned()


def set_net(net: TwoLayerNet) -> None:
    rows = {"h1": net.hidden[0], "h2": net.hidden[1], "y": net.output}
    for unit, row in rows.items():
        for name, value in zip(NET_WEIGHTS, row, strict=True):
            S[f"net_{unit}_{name}"] = float(value)


def reset_net() -> None:
    set_net(XOR_NET)


def zero_net() -> None:
    set_net(TwoLayerNet(hidden=np.zeros((2, 3)), output=np.zeros(3)))


def load_gate(unit: str) -> None:
    """Fill one unit with a gate's weights, then clear the picker for the next load."""
    key = S.key(f"net_{unit}_load")
    gate = st.session_state[key]
    if gate is not None:
        for name, value in zip(NET_WEIGHTS, GATE_WEIGHTS[gate], strict=True):
            S[f"net_{unit}_{name}"] = float(value)
    st.session_state[key] = None


def snap(name: str) -> None:
    """A typed number onto the setting's grid (2 decimals), so it stays what the box shows."""
    setting = S.items[name]
    value = st.session_state[S.key(name)]
    if value is not None and not setting.valid(value):
        S[name] = setting.read(setting.to_text(min(max(value, setting.low), setting.high)))


# -- 1. watch it fail ------------------------------------------------------------------------------


def run_controls() -> tuple[str, Weights]:
    """Data and starting weights, side by side above the run."""
    c1, c2 = st.columns([1, 1.4], gap="medium")
    with c1:
        data = S.selectbox(
            "data", "Data", format_func=lambda g: f"{GATE_NAMES[g]} gate", on_change=new_question
        )
        st.caption(DESCRIPTIONS[data].replace(" Not linearly separable.", ""))
    with c2:
        start = S.radio(
            "start", "Starting weights", format_func=START_LABELS.get, horizontal=True,
            on_change=new_question,
        )  # fmt: skip
    w0 = start_weights(start, S["weight_seed"])
    with c2:
        st.caption(f"Start: $\\vec w$ = {vec(w0)}")
        if start == "random":
            st.button("Draw new random weights", on_click=new_random_weights, key=S.key("new_w"))
    return data, tuple(float(v) for v in w0)


def prediction_controls() -> str | None:
    with st.container(border=True):
        st.markdown("**Predict first: will the perceptron converge on this data?**")
        prediction = st.radio(
            "Will the perceptron converge on this data?",
            PREDICTIONS,
            format_func=PREDICTION_LABELS.get,
            index=None,
            key=PREDICT,
            label_visibility="collapsed",
        )
        st.button(
            "Run the perceptron",
            on_click=run_it,
            disabled=prediction is None,
            type="primary",
            icon=":material/play_arrow:",
            help="Make your prediction first" if prediction is None else "Train until it stops",
            key=S.key("run"),
        )
    return prediction


@st.fragment
def fail_section() -> None:
    data, w0 = run_controls()
    prediction = prediction_controls()
    if not st.session_state.get(RAN):
        show(cycle_chart(data, w0, False), key=S.key("cycle_chart"))
        st.caption("The four rows of the truth table. Predict, then run.")
        S.sync_url()
        return
    run = run_for(data, w0)
    say([m for m in (prediction_feedback(prediction, run.converged),) if m])
    say([fail_verdict(run)])
    cycle = cycle_weights(run)
    chart_col, side_col = st.columns([1.3, 1], gap="large")
    with chart_col:
        plot = S.radio(
            "plot", "Plot", horizontal=True, label_visibility="collapsed",
            format_func={
                "lines": "Every boundary of the loop" if cycle else "The learned line",
                "steps": "Step through the loop" if cycle else "Step through the run",
            }.get,
        )  # fmt: skip
        if plot == "steps":
            show(steps_chart(data, w0), key=S.key("steps_chart"))
            st.caption(
                "Press ▶ to let your browser play the steps, or drag the slider to one step. "
                + ("These epochs repeat forever." if cycle else "")
            )
        else:
            show(cycle_chart(data, w0, True), key=S.key("cycle_chart"))
            if cycle:
                st.caption(cycle_caption(len(cycle), run.cycle_start))
    with side_col:
        st.markdown("**Mistakes per epoch**")
        show(mistakes_bars(tuple(run.mistakes_per_epoch())), key=S.key("mistakes"))
        st.markdown(markdown_table(epoch_rows(run)))
    S.sync_url()


# -- 2. gate designer ------------------------------------------------------------------------------


def gate_controls() -> tuple[str, Weights]:
    gate = S.radio(
        "gate", "Gate", format_func=GATE_NAMES.get, horizontal=True, on_change=forget_learned
    )
    two = gate_arity(gate) == 2
    w1 = S.slider("w1", "w₁")
    w2 = S.slider("w2", "w₂") if two else None  # kept while hidden: the widget persists it
    b = S.slider("b", "b")
    if not two:
        st.caption("NOT has one input, so one weight and the bias.")
    st.button(
        "Let the perceptron learn it",
        on_click=learn,
        key=S.key("learn"),
        icon=":material/model_training:",
        help="Train from zero weights on the truth table, then set the sliders to the result",
        width="stretch",
    )
    st.button("Zero the weights", on_click=zero_weights, key=S.key("zero"), width="stretch")
    return gate, (w1, b) if not two else (w1, w2, b)


@st.fragment
def designer_section() -> None:
    controls, main = st.columns([1, 1.6], gap="large")
    with controls:
        gate, w = gate_controls()
    table = truth_table(gate, np.array(w))
    X, y = gate_data(gate)
    with main:
        if st.session_state.get(LEARNED) == gate:
            say([learned_note(gate, gate_run(gate))])
        show(gate_chart(gate, w), key=S.key("gate_chart"))
        st.caption(
            "Diamonds should output 1, circles 0; the unit outputs 1 on the orange side of "
            "its line. A cross marks a row it gets wrong."
        )
    table_col, verdict_col = st.columns([1.4, 1], gap="large")
    with table_col:
        st.markdown(
            f"**Truth table of {GATE_NAMES[gate]}, row by row**",
            help="σ is the perceptron's output, 1 when the score is > 0; the next column is "
            "what the gate should output.",
        )
        st.markdown(markdown_table(truth_rows(gate, table)))
    with verdict_col:
        say([designer_verdict(gate, table, w)])
        st.caption(separable_caption(linearly_separable(X, y)))
    if gate == "xor":
        with st.container(border=True):
            st.markdown(MINSKY_PARAGRAPH)
    S.sync_url()


# -- 3. build XOR from gates -----------------------------------------------------------------------


def net_controls() -> NetKey:
    values = []
    cols = st.columns(3, gap="medium")
    for col, unit in zip(cols, NET_UNITS, strict=True):
        with col:
            st.markdown(f"**{NET_UNIT_TITLES[unit]}**")
            st.selectbox(
                f"Load a gate into {unit}",
                LOADABLE_GATES,
                index=None,
                format_func=GATE_NAMES.get,
                placeholder="Load a gate…",
                key=S.key(f"net_{unit}_load"),
                on_change=load_gate,
                args=(unit,),
                label_visibility="collapsed",
            )
            a, b = NET_INPUT_NAMES[unit]
            labels = {"w1": f"weight from {a}", "w2": f"weight from {b}", "b": "bias b"}
            for name in NET_WEIGHTS:
                key = f"net_{unit}_{name}"
                values.append(
                    float(S.number_input(key, labels[name], step=0.5, on_change=snap, args=(key,)))
                )
    c1, c2 = st.columns(2)
    c1.button(
        "Reset to XOR",
        on_click=reset_net,
        key=S.key("net_reset"),
        icon=":material/restart_alt:",
        help="Back to XOR = AND(OR, NAND)",
        width="stretch",
    )
    c2.button(
        "All weights 0",
        on_click=zero_net,
        key=S.key("net_zero"),
        icon=":material/construction:",
        help="Start from nothing and build XOR yourself",
        width="stretch",
    )
    return tuple(values)


@st.fragment
def compose_section() -> None:
    st.markdown(
        "Two hidden perceptrons look at $(x_1, x_2)$; the output perceptron looks only at "
        "their outputs $(h_1, h_2)$. Edit any weight and watch it break, or set all to 0 and "
        "build XOR yourself by loading a gate into each unit."
    )
    key = net_controls()
    net = as_net(key)
    table, verdict = st.columns([1, 1.8], gap="large")
    with table:
        st.markdown("**Truth table**")
        st.markdown(markdown_table(compose_rows(net, XOR_X, XOR_Y)))
    with verdict:
        say([compose_verdict(net, XOR_X, XOR_Y)])
    row = S.radio("net_row", "Feed one input", format_func=ROWS.__getitem__, horizontal=True)
    show(network_chart(key, row), key=S.key("net_chart"))
    c1, c2 = st.columns(2, gap="large")
    with c1:
        st.markdown("**Input plane (x₁, x₂): the hidden lines**")
        show(input_chart(key), key=S.key("input_chart"))
        st.caption(
            "h₁'s line dashed, h₂'s dotted. Shading: where the whole network outputs 1 "
            "(orange) or 0 (blue). Diamonds are XOR's 1s, circles its 0s; a cross marks a "
            "wrong row."
        )
    with c2:
        st.markdown("**Hidden space (h₁, h₂): one more line**")
        show(hidden_chart(key), key=S.key("hidden_chart"))
        st.caption(
            "Each input moved to its hidden values (h₁, h₂), labelled with the inputs that "
            "land there. The solid line is the output unit's."
        )
    S.sync_url()


# -- the page --------------------------------------------------------------------------------------

S.init()
lesson_header(
    "XOR and logic gates",
    "One perceptron draws one straight line. That is enough for **AND, OR, NAND and NOT**, but "
    "not for **XOR** (1 when exactly one input is 1): no line has (0, 1) and (1, 0) on one side "
    "and (0, 0) and (1, 1) on the other. On such data the lecture says the training method "
    "*will loop forever, since there is always some mistake*. Watch it happen, design gates by "
    "hand, then build XOR from two layers of perceptrons.",
    [
        # Split after "=" so that it fits a phone's width.
        r"\begin{aligned} \mathrm{XOR}(x_1, x_2) = {} & \mathrm{AND}\big(\mathrm{OR}(x_1, x_2),"
        r" \\ & \phantom{\mathrm{AND}\big(} \mathrm{NAND}(x_1, x_2)\big) \end{aligned}"
    ],
)
S.notice()
tabs = S.tabs("tab")
sections = {FAIL: fail_section, GATES: designer_section, COMPOSE: compose_section}
for label, section in sections.items():
    with tabs[label]:
        if tabs[label].open:
            section()
quiz(quizzes.XOR)
S.sync_url()
