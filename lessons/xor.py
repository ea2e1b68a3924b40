"""Lesson: XOR and logic gates. One perceptron loops forever on XOR; two layers compute it."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import streamlit as st

from engine.datasets import DESCRIPTIONS, LECTURE_START_WEIGHTS
from engine.gates import (
    GATE_NAMES,
    GATE_WEIGHTS,
    XOR_NET,
    TwoLayerNet,
    boolean_name,
    cycle_weights,
    function_name,
    gate_arity,
    gate_data,
    learn_gate,
    linearly_separable,
    truth_table,
)
from engine.perceptron import PerceptronRun, train
from ui import quizzes
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
from ui.formatting import num, vec
from ui.frame import lesson_header, quiz

K = "xor_"  # session-state prefix for this lesson

RUN_DATA = ("xor", "and", "or", "nand", "nor")
START_CHOICES = ("zeros", "lecture", "random")
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
MAX_EPOCHS = 1000  # integer gate data always converges or cycles long before this

DESIGN_GATES = ("and", "or", "nand", "not", "xor")
WEIGHT_RANGE = (-3.0, 3.0)
WEIGHT_STEP = 0.5

NET_UNITS = ("h1", "h2", "y")
NET_UNIT_TITLES = {"h1": "Hidden unit h₁", "h2": "Hidden unit h₂", "y": "Output unit y"}
NET_INPUT_NAMES = {"h1": ("x₁", "x₂"), "h2": ("x₁", "x₂"), "y": ("h₁", "h₂")}
NET_RANGE = (-5.0, 5.0)
LOADABLE_GATES = ("and", "or", "nand", "nor")
ROWS = [f"({int(a)}, {int(b)})" for a, b in gate_data("xor")[0]]

MINSKY_PARAGRAPH = (
    "**Why no line works.** A perceptron's decision boundary is one straight line: it says 1 on "
    "one side and 0 on the other. Data that some line splits this way is **linearly separable**. "
    "XOR's 1s sit on one diagonal, (0, 1) and (1, 0), and its 0s on the other, (0, 0) and (1, 1): "
    "any line with both 1s on its positive side has a 0 there too, so at best 3 of the 4 rows "
    "come out right. **Minsky & Papert (1969)** used exactly this problem to show the limit of a "
    "single perceptron, and to argue for *networks* of perceptrons: one perceptron can represent "
    "AND, OR and NOT, and compositions of these represent every logic function. But with the "
    "data, computing power and network designs of the time, multi-layer perceptrons could not be "
    "trained successfully, and interest collapsed: the **first AI winter**."
)


# ----------------------------------------------------------------------------- state


def _init_state() -> None:
    state = st.session_state
    if f"{K}data" in state:
        return
    params = st.query_params
    data, start, gate = params.get("data"), params.get("start"), params.get("gate")
    state[f"{K}data"] = data if data in RUN_DATA else "xor"
    state[f"{K}start"] = start if start in START_CHOICES else "zeros"
    state[f"{K}gate"] = gate if gate in DESIGN_GATES else "and"
    state[f"{K}weight_seed"] = 0
    state[f"{K}ran"] = False
    state[f"{K}learned"] = None
    for key in ("w1", "w2", "b"):  # the designer's weights, from a shared link if it has them
        state[f"{K}{key}"] = _weight_from_url(params.get(key))
    _set_net(XOR_NET)


def _weight_from_url(text: str | None) -> float:
    """A designer weight from the address bar; anything unreadable or non-finite gives 0."""
    try:
        value = float(text) if text is not None else 0.0
    except ValueError:
        return 0.0
    return _snap(value) if math.isfinite(value) else 0.0


def _sync_designer_url(w1: float, w2: float | None, b: float) -> None:
    """Keep the designer's weights in the address bar, so a shared link shows the same gate."""
    wanted = {"w1": f"{w1:g}", "b": f"{b:g}"} | ({} if w2 is None else {"w2": f"{w2:g}"})
    if any(st.query_params.get(k) != v for k, v in wanted.items()):
        st.query_params.update(wanted)


def _set_net(net: TwoLayerNet) -> None:
    rows = {"h1": net.hidden[0], "h2": net.hidden[1], "y": net.output}
    for unit, row in rows.items():
        for name, value in zip(("w1", "w2", "b"), row, strict=True):
            st.session_state[f"{K}net_{unit}_{name}"] = float(value)


def _on_run_setting_change() -> None:
    state = st.session_state
    st.query_params["data"] = state[f"{K}data"]
    st.query_params["start"] = state[f"{K}start"]
    state[f"{K}ran"] = False
    state[f"{K}predict"] = None  # a new question: predict again


def _new_random_weights() -> None:
    st.session_state[f"{K}weight_seed"] += 1
    st.session_state[f"{K}ran"] = False


def _run() -> None:
    st.session_state[f"{K}ran"] = True


def _on_gate_change() -> None:
    st.query_params["gate"] = st.session_state[f"{K}gate"]
    st.session_state[f"{K}learned"] = None


def _snap(value: float) -> float:
    """A learned weight as a slider value: on the slider's grid and inside its range."""
    return float(np.clip(np.round(value / WEIGHT_STEP) * WEIGHT_STEP, *WEIGHT_RANGE))


def _learn() -> None:
    state = st.session_state
    gate = state[f"{K}gate"]
    run = cached_gate_run(gate)
    w = run.w
    names = ("w1", "b") if gate_arity(gate) == 1 else ("w1", "w2", "b")
    for name, value in zip(names, w, strict=True):
        state[f"{K}{name}"] = _snap(value)
    state[f"{K}learned"] = gate


def _zero_weights() -> None:
    for key in ("w1", "w2", "b"):
        st.session_state[f"{K}{key}"] = 0.0
    st.session_state[f"{K}learned"] = None


def _reset_net() -> None:
    _set_net(XOR_NET)


def _zero_net() -> None:
    _set_net(TwoLayerNet(hidden=np.zeros((2, 3)), output=np.zeros(3)))


def _load_gate(unit: str) -> None:
    """Fill one unit with a gate's weights, then clear the picker for the next load."""
    key = f"{K}net_{unit}_load"
    gate = st.session_state[key]
    if gate is not None:
        for name, value in zip(("w1", "w2", "b"), GATE_WEIGHTS[gate], strict=True):
            st.session_state[f"{K}net_{unit}_{name}"] = float(value)
    st.session_state[key] = None


def start_weights(choice: str, seed: int) -> np.ndarray:
    if choice == "lecture":
        return LECTURE_START_WEIGHTS.copy()
    if choice == "zeros":
        return np.zeros(3)
    # Small integers keep every score exact, so a repeat of the weights is an exact repeat.
    return np.random.default_rng(seed).integers(-3, 4, size=3).astype(float)


@st.cache_data(max_entries=64, show_spinner=False)
def cached_run(data: str, w0: np.ndarray) -> PerceptronRun:
    X, y = gate_data(data)
    return train(X, y, w0, max_epochs=MAX_EPOCHS)


@st.cache_data(show_spinner=False)
def cached_gate_run(gate: str) -> PerceptronRun:
    return learn_gate(gate, max_epochs=MAX_EPOCHS)


# ----------------------------------------------------------------------------- 1. watch it fail


def run_controls() -> tuple[str, np.ndarray]:
    st.selectbox(
        "Data",
        RUN_DATA,
        format_func=lambda g: f"{GATE_NAMES[g]} gate",
        key=f"{K}data",
        on_change=_on_run_setting_change,
    )
    data = st.session_state[f"{K}data"]
    st.caption(DESCRIPTIONS[data].replace(" Not linearly separable.", ""))
    st.radio(
        "Starting weights",
        START_CHOICES,
        format_func=START_LABELS.get,
        key=f"{K}start",
        on_change=_on_run_setting_change,
    )
    if st.session_state[f"{K}start"] == "random":
        st.button("Draw new random weights", on_click=_new_random_weights, key=f"{K}new_w")
    w0 = start_weights(st.session_state[f"{K}start"], st.session_state[f"{K}weight_seed"])
    st.caption(f"Start: $\\vec w$ = {vec(w0)}")
    return data, w0


def prediction_controls() -> str | None:
    with st.container(border=True):
        st.markdown("**Predict first: will the perceptron converge on this data?**")
        prediction = st.radio(
            "Will the perceptron converge on this data?",
            PREDICTIONS,
            format_func=PREDICTION_LABELS.get,
            index=None,
            key=f"{K}predict",
            label_visibility="collapsed",
        )
        st.button(
            "Run the perceptron",
            on_click=_run,
            disabled=prediction is None,
            type="primary",
            icon=":material/play_arrow:",
            help="Make your prediction first" if prediction is None else "Train until it stops",
            key=f"{K}run",
        )
    return prediction


def prediction_feedback(prediction: str | None, run: PerceptronRun) -> None:
    if prediction is None:
        return
    said_yes = prediction == "yes"
    if said_yes == run.converged:
        st.success("**Your prediction was right.**")
    elif said_yes:
        st.warning(
            "**Not what you predicted.** Look at the points: is there a line with every class-1 "
            "point on one side and every class-0 point on the other?"
        )
    else:
        st.warning(
            "**Not what you predicted.** This gate's classes *can* be split by a line, and then "
            "the perceptron always finds one after finitely many mistakes."
        )


def verdict(run: PerceptronRun, w_repeat: np.ndarray) -> None:
    mistakes = run.mistakes_per_epoch()
    if run.converged:
        st.success(
            f"**Converged.** Epoch {run.epochs} made no mistakes, so the method stops with "
            f"$\\vec w$ = {vec(run.w)}. Mistakes per epoch: {', '.join(map(str, mistakes))}."
        )
    elif run.cycled:
        loop = (
            f"epoch {run.epochs} repeats"
            if run.cycle_start == run.epochs
            else f"epochs {run.cycle_start}–{run.epochs} repeat"
        )
        st.error(
            f"**It can never converge.** The weights at the start of epoch {run.epochs + 1}, "
            f"{vec(w_repeat)}, are exactly those at the start of epoch {run.cycle_start}. Each "
            f"epoch only depends on the weights it starts from, so from here {loop} "
            "forever and the mistakes never reach 0 "
            f"({', '.join(map(str, mistakes))}, …): the method will loop forever."
        )
    else:  # not reachable on integer gate data; said plainly if it ever is
        st.warning(f"Stopped after {run.max_epochs} epochs without converging.")


def epoch_table(run: PerceptronRun) -> pd.DataFrame:
    starts = run.epoch_start_weights()
    mistakes = run.mistakes_per_epoch()
    rows = []
    for e in range(1, run.epochs + 1):
        repeat = run.cycled and e == run.cycle_start
        rows.append(
            {
                "epoch": str(e),
                "w⃗ at its start": vec(starts[e - 1]),
                "mistakes": str(mistakes[e - 1]),
                "": "↺ loop" if repeat else "",
            }
        )
    if run.cycled:
        rows.append(
            {
                "epoch": str(run.epochs + 1),
                "w⃗ at its start": vec(starts[run.epochs]),
                "mistakes": "…",
                "": f"= epoch {run.cycle_start}",
            }
        )
    return pd.DataFrame(rows)


def fail_view() -> None:
    controls, main = st.columns([1, 3.2], gap="large")
    with controls:
        data, w0 = run_controls()
    run = cached_run(data, w0)
    X, y = gate_data(data)
    with main:
        prediction = prediction_controls()
        if not st.session_state[f"{K}ran"]:
            st.plotly_chart(cycle_plane(X, y, []), width="stretch", key=f"{K}cycle_chart")
            st.caption("The four rows of the truth table. Predict, then run.")
            return
        prediction_feedback(prediction, run)
        cycle = cycle_weights(run)
        verdict(run, run.epoch_start_weights()[run.epochs])
        chart_col, side_col = st.columns([1.25, 1], gap="medium")
        with chart_col:
            plot = st.radio(
                "Plot",
                ("lines", "steps"),
                format_func={
                    "lines": "Every boundary of the loop" if cycle else "The learned line",
                    "steps": "Step through the loop" if cycle else "Step through the run",
                }.get,
                horizontal=True,
                key=f"{K}plot",
                label_visibility="collapsed",
            )
            if plot == "steps":
                shown = [s for s in run.steps if s.epoch >= (run.cycle_start or 1)]
                st.plotly_chart(
                    steps_animation(X, y, shown),
                    width="stretch",
                    key=f"{K}steps_chart",
                    config={"displayModeBar": False},  # it would cover the step's caption
                )
                st.caption(
                    "Press ▶ to let your browser play the steps, or drag the slider to one step. "
                    + ("These epochs repeat forever." if cycle else "")
                )
            else:
                fig = cycle_plane(X, y, cycle, final=None if cycle else run.w)
                st.plotly_chart(fig, width="stretch", key=f"{K}cycle_chart")
                if cycle:
                    st.caption(
                        f"The {len(cycle)} boundaries of the loop, in the order the perceptron "
                        "visits them in every repeated epoch (1 is the weights at the start of "
                        f"epoch {run.cycle_start}). Each one gets some point wrong, and fixing "
                        "that point breaks another."
                    )
        with side_col:
            st.markdown("**Mistakes per epoch**")
            st.plotly_chart(
                mistakes_chart(run.mistakes_per_epoch(), height=220),
                width="stretch",
                key=f"{K}mistakes",
            )
            st.dataframe(epoch_table(run), hide_index=True, width="stretch")


# ----------------------------------------------------------------------------- 2. gate designer


def gate_controls() -> tuple[str, np.ndarray]:
    st.radio(
        "Gate",
        DESIGN_GATES,
        format_func=GATE_NAMES.get,
        horizontal=True,
        key=f"{K}gate",
        on_change=_on_gate_change,
    )
    state = st.session_state
    gate = state[f"{K}gate"]
    two = gate_arity(gate) == 2
    lo, hi = WEIGHT_RANGE
    # Streamlit forgets a widget's value while it is not drawn (w₂ under NOT): bring it back.
    for name in ("w1", "w2", "b"):
        if f"{K}{name}" not in state:
            state[f"{K}{name}"] = state.get(f"{K}{name}_kept", 0.0)
    w1 = st.slider("w₁", lo, hi, step=WEIGHT_STEP, key=f"{K}w1")
    w2 = st.slider("w₂", lo, hi, step=WEIGHT_STEP, key=f"{K}w2") if two else None
    b = st.slider("b", lo, hi, step=WEIGHT_STEP, key=f"{K}b")
    if not two:
        st.caption("NOT has one input, so one weight and the bias.")
    for name, value in (("w1", w1), ("w2", w2), ("b", b)):
        if value is not None:
            state[f"{K}{name}_kept"] = value
    _sync_designer_url(w1, w2, b)
    st.button(
        "Let the perceptron learn it",
        on_click=_learn,
        key=f"{K}learn",
        icon=":material/model_training:",
        help="Train from zero weights on the truth table, then set the sliders to the result",
        width="stretch",
    )
    st.button("Zero the weights", on_click=_zero_weights, key=f"{K}zero", width="stretch")
    w = np.array([w1, b] if not two else [w1, w2, b], dtype=float)
    return gate, w


def truth_frame(gate: str, table) -> pd.DataFrame:
    cols: dict[str, list] = {"x₁": table.inputs[:, 0].astype(int).tolist()}
    if table.inputs.shape[1] == 2:
        cols["x₂"] = table.inputs[:, 1].astype(int).tolist()
        score_name = "w₁x₁+w₂x₂+b"
    else:
        score_name = "w₁x₁+b"
    cols[score_name] = [num(s) for s in table.scores]
    cols["σ"] = table.outputs.tolist()
    cols[GATE_NAMES[gate]] = table.targets.tolist()
    cols["right?"] = ["✓" if ok else "✗" for ok in table.correct]
    return pd.DataFrame(cols)


def _row_colour(value: str) -> str:
    colour = "#007A5A" if value.startswith("✓") else "#B8410C"
    return f"color: {colour}; font-weight: 700"


def learned_note(gate: str) -> None:
    if st.session_state[f"{K}learned"] != gate:
        return
    run = cached_gate_run(gate)
    if run.converged:
        st.success(
            f"The perceptron learned {GATE_NAMES[gate]} from zero weights in {run.epochs} epochs "
            f"(mistakes per epoch: {', '.join(map(str, run.mistakes_per_epoch()))}): "
            f"$\\vec w$ = {vec(run.w)}. The sliders show it."
        )
    else:
        st.error(
            f"The perceptron cannot learn {GATE_NAMES[gate]}: the weights at the start of epoch "
            f"{run.epochs + 1} repeat those of epoch {run.cycle_start}, so it loops forever. The "
            f"sliders show where it was, {vec(run.w)}."
        )


def designer_view() -> None:
    controls, main = st.columns([1, 2.4], gap="large")
    with controls:
        gate, w = gate_controls()
    table = truth_table(gate, w)
    X, y = gate_data(gate)
    with main:
        learned_note(gate)
        chart_col, table_col = st.columns([1, 1.1], gap="medium")
        with chart_col:
            if gate_arity(gate) == 2:
                fig = gate_plane(X, y, w, table.outputs)
            else:
                fig = not_line(X, y, w, table.outputs)
            st.plotly_chart(fig, width="stretch", key=f"{K}gate_chart")
            st.caption(
                "Diamonds should output 1, circles 0; the unit outputs 1 on the orange side of "
                "its line. A cross marks a row it gets wrong."
            )
        with table_col:
            st.markdown(
                f"**Truth table of {GATE_NAMES[gate]}, row by row**",
                help="σ is the perceptron's output, 1 when the score is > 0; the next column is "
                "what the gate should output.",
            )
            frame = truth_frame(gate, table)
            st.dataframe(
                frame.style.map(_row_colour, subset=["right?"]),
                hide_index=True,
                width="stretch",
            )
            n, k = len(table.targets), table.n_correct
            if table.all_correct:
                st.success(
                    f"All {n} rows right: with $\\vec w$ = {vec(w)} this perceptron is a "
                    f"{GATE_NAMES[gate]} gate."
                )
            elif gate == "xor":
                st.warning(f"{k} of {n} rows right. Try as long as you like: 3 is the most.")
            else:
                st.info(
                    f"{k} of {n} rows right. Move the line so that the class-1 rows (diamonds) "
                    "are on its shaded orange side and the rest are not."
                )
            separable = linearly_separable(X, y)
            st.caption(
                f"Linearly separable: **{'yes' if separable else 'no'}** "
                "(checked exactly: some line puts every 1 on one side, every 0 on the other)."
                if separable
                else "Linearly separable: **no** — no line puts both 1s on one side and both "
                "0s on the other."
            )
        if gate == "xor":
            with st.container(border=True):
                st.markdown(MINSKY_PARAGRAPH)


# ----------------------------------------------------------------------------- 3. compose XOR


def net_controls() -> TwoLayerNet:
    state = st.session_state
    weights = {}
    cols = st.columns(3)
    for col, unit in zip(cols, NET_UNITS, strict=True):
        with col:
            st.markdown(f"**{NET_UNIT_TITLES[unit]}**")
            st.selectbox(
                f"Load a gate into {unit}",
                LOADABLE_GATES,
                index=None,
                format_func=GATE_NAMES.get,
                placeholder="Load a gate…",
                key=f"{K}net_{unit}_load",
                on_change=_load_gate,
                args=(unit,),
                label_visibility="collapsed",
            )
            a, b = NET_INPUT_NAMES[unit]
            labels = {"w1": f"weight from {a}", "w2": f"weight from {b}", "b": "bias b"}
            weights[unit] = [
                st.number_input(
                    labels[name],
                    min_value=NET_RANGE[0],
                    max_value=NET_RANGE[1],
                    step=0.5,
                    key=f"{K}net_{unit}_{name}",
                )
                for name in ("w1", "w2", "b")
            ]
    c1, c2 = st.columns(2)
    c1.button(
        "Reset to XOR",
        on_click=_reset_net,
        key=f"{K}net_reset",
        icon=":material/restart_alt:",
        help="Back to XOR = AND(OR, NAND)",
        width="stretch",
    )
    c2.button(
        "All weights 0",
        on_click=_zero_net,
        key=f"{K}net_zero",
        icon=":material/construction:",
        help="Start from nothing and build XOR yourself",
        width="stretch",
    )
    del state  # the widgets above own these keys
    return TwoLayerNet(
        hidden=np.array([weights["h1"], weights["h2"]]), output=np.array(weights["y"])
    )


def unit_short_name(w: np.ndarray, inputs: tuple[str, str]) -> str:
    name = function_name(w, inputs)
    parts = name.split()
    if len(parts) == 3 and parts[1] in {"AND", "OR", "NAND", "NOR"}:
        return parts[1]
    return name


def compose_table(net: TwoLayerNet, X: np.ndarray, y: np.ndarray) -> pd.DataFrame:
    H, _, out = net.forward(X)
    return pd.DataFrame(
        {
            "x₁": X[:, 0].astype(int),
            "x₂": X[:, 1].astype(int),
            "h₁": H[:, 0],
            "h₂": H[:, 1],
            "y": out,
            "XOR": y,
            "right?": ["✓" if o == t else "✗" for o, t in zip(out, y, strict=True)],
        }
    )


def compose_verdict(net: TwoLayerNet, X: np.ndarray, y: np.ndarray) -> None:
    H, _, out = net.forward(X)
    computes = boolean_name(out)
    if np.array_equal(out, y):
        st.success(
            "**This network computes XOR.** h₁ and h₂ each draw one line; in the hidden space "
            "(h₁, h₂) the inputs (0, 1) and (1, 0) land on the same point, and one more line "
            "separates the classes there."
        )
        return
    wrong = ", ".join(ROWS[i] for i in np.flatnonzero(out != y))
    if len(set(y.tolist())) == 2 and not linearly_separable(H.astype(float), y):
        why = (
            "In the hidden space, a 0 and a 1 of XOR land on points no line separates (maybe the "
            "very same point): no output unit can fix that. Change the hidden units."
        )
    else:
        why = (
            "The hidden points are still separable, so the output unit alone could fix it: "
            "change its line."
        )
    st.error(f"**Not XOR:** the network now computes {computes}, wrong on {wrong}. {why}")


def compose_view() -> None:
    X, y = gate_data("xor")
    left, right = st.columns([1, 1.2], gap="large")
    with left:
        st.markdown(
            "Two hidden perceptrons look at $(x_1, x_2)$; the output perceptron looks only at "
            "their outputs $(h_1, h_2)$. Edit any weight and watch it break, or set all to 0 "
            "and build XOR yourself by loading a gate into each unit."
        )
        net = net_controls()
    names = (
        unit_short_name(net.hidden[0], ("x₁", "x₂")),
        unit_short_name(net.hidden[1], ("x₁", "x₂")),
        unit_short_name(net.output, ("h₁", "h₂")),
    )
    with right:
        row = st.radio(
            "Feed one input",
            range(4),
            format_func=lambda i: ROWS[i],
            horizontal=True,
            key=f"{K}net_row",
        )
        H, _, out = net.forward(X[row : row + 1])
        values = {
            "x1": X[row, 0],
            "x2": X[row, 1],
            "h1": H[0, 0],
            "h2": H[0, 1],
            "y": out[0],
        }
        st.plotly_chart(
            network_figure(net, names=names, values=values), width="stretch", key=f"{K}net_chart"
        )
    compose_verdict(net, X, y)
    c1, c2, c3 = st.columns([1, 1, 1.25], gap="medium")
    with c1:
        st.markdown("**Input plane (x₁, x₂): the hidden lines**")
        st.plotly_chart(input_plane(net, X, y), width="stretch", key=f"{K}input_chart")
        st.caption(
            "h₁'s line dashed, h₂'s dotted. Shading: where the whole network outputs 1 "
            "(orange) or 0 (blue). Diamonds are XOR's 1s, circles its 0s; a cross marks a "
            "wrong row."
        )
    with c2:
        st.markdown("**Hidden space (h₁, h₂): one more line**")
        st.plotly_chart(hidden_plane(net, X, y), width="stretch", key=f"{K}hidden_chart")
        st.caption(
            "Each input moved to its hidden values (h₁, h₂), labelled with the inputs that "
            "land there. The solid line is the output unit's."
        )
    with c3:
        st.markdown("**Truth table**")
        frame = compose_table(net, X, y)
        st.dataframe(
            frame.style.map(_row_colour, subset=["right?"]),
            hide_index=True,
            width="stretch",
        )


# ----------------------------------------------------------------------------- page

lesson_header(
    "XOR and logic gates",
    "One perceptron draws one straight line. That is enough for **AND, OR, NAND and NOT**, but "
    "not for **XOR** (1 when exactly one input is 1): no line has (0, 1) and (1, 0) on one side "
    "and (0, 0) and (1, 1) on the other. On such data the lecture says the training method "
    "*will loop forever, since there is always some mistake*. Watch it happen, design gates by "
    "hand, then build XOR from two layers of perceptrons.",
    [
        r"\mathrm{XOR}(x_1, x_2) = \mathrm{AND}\big(\mathrm{OR}(x_1, x_2),\ "
        r"\mathrm{NAND}(x_1, x_2)\big)"
    ],
)

_init_state()
tab_fail, tab_gates, tab_compose = st.tabs(
    ["1 · Watch the perceptron fail", "2 · Design a gate", "3 · Build XOR from gates"]
)
with tab_fail:
    fail_view()
with tab_gates:
    designer_view()
with tab_compose:
    compose_view()

quiz(quizzes.XOR)
