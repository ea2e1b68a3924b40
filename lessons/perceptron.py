"""Lesson: the perceptron. Move one neuron's weights, then train it point by point."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import streamlit as st

from engine.datasets import DESCRIPTIONS, make_dataset
from engine.perceptron import START_KINDS, PerceptronRun, data_problems, start_weights, step, train
from ui import quizzes
from ui.charts import chart, show
from ui.click_layer import click_layer
from ui.clicks import take_clicks
from ui.figures.perceptron import mistakes_chart, mistakes_until, perceptron_plane, view_bounds
from ui.frame import lesson_header, quiz, say
from ui.player import Control, Player
from ui.state import Settings, choice, integer, number, tab
from ui.style import class_dots_css
from ui.text import Message
from ui.text.perceptron import (
    HEADER_FORMULAS,
    blank_rows_note,
    neuron_latex,
    neuron_output,
    run_verdict,
    start_message,
    step_messages,
    trace_rows,
)

DATASET_CHOICES = ("lecture", "and", "or", "nand", "linear", "xor")
DATASET_LABELS = {
    "lecture": "The lecture's example (4 points)",
    "and": "AND gate",
    "or": "OR gate",
    "nand": "NAND gate",
    "linear": "Random separable points",
    "xor": "XOR gate",
}
START_LABELS = {
    "lecture": "the lecture's: w = (1, 2), b = −1",
    "zeros": "zeros",
    "random": "random integers",
}
MAX_EPOCHS = 100
LINEAR_POINTS = 16
MAX_SEED = 2**31 - 1
PLAY_INTERVAL = 0.8  # seconds between automatic steps: slow enough to read each one
TRAIN, NEURON = "Train it, step by step", "One neuron"

S = Settings(
    "perceptron",
    tab("tab", TRAIN, (TRAIN, NEURON)),
    choice("dataset", "lecture", DATASET_CHOICES, aliases=("dataset",)),
    choice("start", "lecture", START_KINDS, aliases=("start",)),
    integer("data_seed", 0, 0, MAX_SEED),
    integer("weight_seed", 0, 0, MAX_SEED),
    number("w1", 1.0, -3.0, 3.0, step=0.1),
    number("w2", 2.0, -3.0, 3.0, step=0.1),
    number("b", -1.0, -3.0, 3.0, step=0.1),
    # The probe input: the +/− buttons step by 0.5, a typed value is kept to 2 decimals.
    number("probe_x1", 1.0, -10.0, 10.0, step=0.01),
    number("probe_x2", 1.0, -10.0, 10.0, step=0.01),
)
player = Player(
    "perceptron",
    interval=PLAY_INTERVAL,
    play_help=f"Step automatically, one point every {PLAY_INTERVAL:g} s",
)
# Not settings (not in the URL): where the learner is in the run, and the points being edited.
CURSOR, RUN_KEY = S.key("cursor"), S.key("run_key")
BASE_POINTS, BASE_FOR, EDITOR = S.key("base_points"), S.key("base_for"), S.key("editor")
# Clicks on the plane: what a click does, the points as the editor last returned them, and the
# editor's version (a click makes the clicked table the editor's new starting table).
BRUSH, SHOWN_POINTS, EDITOR_VERSION = S.key("brush"), S.key("shown_points"), S.key("editor_v")
CLICK_SNAP = 1  # decimals a clicked coordinate keeps: a step of 0.1, numbers easy to add up
ERASE_RADIUS = 0.04  # of the view's width (about 20 px)

Points = tuple[tuple[float, float, int], ...]  # (x1, x2, label) per point: hashable data
Weights = tuple[float, float, float]


# -- computations and charts, cached and shared (plain, hashable arguments) ------------------------


def unpack(points: Points) -> tuple[np.ndarray, np.ndarray]:
    X = np.array([p[:2] for p in points], dtype=float).reshape(-1, 2)
    y = np.array([p[2] for p in points], dtype=int)
    return X, y


@st.cache_resource(max_entries=64, show_spinner=False)
def run_for(points: Points, w0: Weights) -> PerceptronRun:
    X, y = unpack(points)
    return train(X, y, np.array(w0), max_epochs=MAX_EPOCHS)


@chart(max_entries=128)
def plane_chart(points: Points, w: Weights, w_before: Weights | None, current: int | None):
    X, y = unpack(points)
    return perceptron_plane(X, y, w, w_before=w_before, current=current)


@chart(max_entries=32)
def mistakes_bars(mistakes: tuple[int, ...]):
    return mistakes_chart(mistakes)


@chart(max_entries=64)
def neuron_chart(w1: float, w2: float, b: float, x1: float, x2: float):
    X, y = make_dataset("lecture")
    z = w1 * x1 + w2 * x2 + b
    probe = np.array([[x1, x2]])
    return perceptron_plane(
        np.vstack([X, probe]),
        np.append(y, step(z)),
        (w1, w2, b),
        bounds=view_bounds(np.vstack([X, probe]), margin=1.5),
        mark_mistakes=False,
    )


def as_weights(w: np.ndarray) -> Weights:
    return tuple(float(v) for v in w)  # type: ignore[return-value]


# -- callbacks -------------------------------------------------------------------------------------


def new_points() -> None:
    S["data_seed"] = (S["data_seed"] + 1) % (MAX_SEED + 1)


def new_random_weights() -> None:
    S["weight_seed"] = (S["weight_seed"] + 1) % (MAX_SEED + 1)


def advance(total: int, n: int, how: str) -> None:
    cursor = st.session_state[CURSOR]
    if how == "step":
        cursor += 1
    elif how == "epoch":
        cursor = (cursor // n + 1) * n
    elif how == "end":
        cursor = total
    else:  # reset: the same starting weights, nothing revealed
        cursor = 0
    st.session_state[CURSOR] = min(cursor, total)


def snap(name: str) -> None:
    """A typed number onto the setting's grid (2 decimals), so it stays what the box shows."""
    setting = S.items[name]
    value = st.session_state[S.key(name)]
    if value is not None and not setting.valid(value):
        S[name] = setting.read(setting.to_text(min(max(value, setting.low), setting.high)))


# -- training: data, points editor, the player ---------------------------------------------------


def data_controls() -> None:
    """Data set and starting weights, side by side above the training view."""
    c1, c2 = st.columns([1, 1.4], gap="medium")
    with c1:
        dataset = S.selectbox("dataset", "Data", format_func=DATASET_LABELS.get)
        st.caption(DESCRIPTIONS[dataset])
        if dataset == "linear":
            st.button("New random points", on_click=new_points, key=S.key("new_points"))
    with c2:
        start = S.radio("start", "Starting weights", format_func=START_LABELS.get, horizontal=True)
        if start == "random":
            st.button("Draw new random weights", on_click=new_random_weights, key=S.key("new_w"))


def base_points() -> pd.DataFrame:
    """The data set's points as the editor starts them; a new data set forgets old edits."""
    state = st.session_state
    made_from = (S["dataset"], S["data_seed"])
    if state.get(BASE_FOR) != made_from or BASE_POINTS not in state:
        X, y = make_dataset(S["dataset"], n=LINEAR_POINTS, seed=S["data_seed"])
        columns = {"x1": X[:, 0].round(2), "x2": X[:, 1].round(2), "label": y}
        state[BASE_POINTS] = pd.DataFrame(columns)
        state[BASE_FOR] = made_from
        state.pop(editor_key(), None)
    return state[BASE_POINTS]


def editor_key() -> str:
    return f"{EDITOR}_{st.session_state.get(EDITOR_VERSION, 0)}"


def on_plane_click() -> None:
    """Clicks on the training plane: a point of the brush's class, or the nearest point erased;
    the editor then starts again from the points with the click applied."""
    state = st.session_state
    clicks = take_clicks(S.key("click_layer"))
    brush = state.get(BRUSH)
    table = state.get(SHOWN_POINTS)
    if not clicks or brush is None or table is None:
        return
    table = table.copy()
    for x, y in clicks:
        if brush == "erase":
            table = erase_nearest(table, x, y)
        else:
            new = {"x1": round(x, CLICK_SNAP), "x2": round(y, CLICK_SNAP), "label": int(brush)}
            table = pd.concat([table, pd.DataFrame([new])], ignore_index=True)
    state[BASE_POINTS] = table
    state.pop(editor_key(), None)
    state[EDITOR_VERSION] = state.get(EDITOR_VERSION, 0) + 1


def erase_nearest(table: pd.DataFrame, x: float, y: float) -> pd.DataFrame:
    """``table`` without its point nearest to (x, y), if one is that close (blank rows stay)."""
    values = table[["x1", "x2"]].apply(pd.to_numeric, errors="coerce").to_numpy(float)
    complete = ~np.isnan(values).any(axis=1)
    if not complete.any():
        return table
    x0, x1, _, _ = view_bounds(values[complete])
    distance = np.where(complete, np.hypot(values[:, 0] - x, values[:, 1] - y), np.inf)
    nearest = int(np.argmin(distance))
    if distance[nearest] > ERASE_RADIUS * (x1 - x0):
        return table
    return table.drop(index=table.index[nearest]).reset_index(drop=True)


def edited_points() -> tuple[Points, list[str]]:
    """The points as the learner edited them; rows with blanks are left out and reported."""
    with st.expander("Edit the points (add, delete, relabel)", expanded=False):
        st.html(class_dots_css(BRUSH, 2))
        st.segmented_control(
            "Click on the plane above to",
            ("0", "1", "erase"),
            format_func=lambda o: "erase a point" if o == "erase" else f"add class {o}",
            key=BRUSH,
            help="Choose, then click on the training plane; choose again to switch clicks off.",
        )
        st.caption("Or add a row at the bottom, select rows to delete them, change any label.")
        frame = st.data_editor(
            base_points(),
            num_rows="dynamic",
            key=editor_key(),
            width="stretch",
            column_config={
                "x1": st.column_config.NumberColumn("x₁", format="%.2f", step=0.1),
                "x2": st.column_config.NumberColumn("x₂", format="%.2f", step=0.1),
                "label": st.column_config.SelectboxColumn("class", options=[0, 1]),
            },
        )
    st.session_state[SHOWN_POINTS] = frame[["x1", "x2", "label"]]
    values = frame[["x1", "x2", "label"]].apply(pd.to_numeric, errors="coerce")
    incomplete = values.isna().any(axis=1).to_numpy()
    notes = [blank_rows_note(np.flatnonzero(incomplete))] if incomplete.any() else []
    kept = values[~incomplete].to_numpy(float)
    points = tuple((float(a), float(b), int(c)) for a, b, c in kept)
    return points, notes


def training_view(points: Points, w0: Weights) -> None:
    """Player row, the plane and the explanation of the current step, the trace so far. Runs as
    the player's fragment: a Step reruns only this."""
    state = st.session_state
    if state.get(RUN_KEY) != (points, w0):  # new data or a new start: begin again
        state[RUN_KEY] = (points, w0)
        state[CURSOR] = 0
    run = run_for(points, w0)
    total, n = len(run.steps), len(points)
    cursor = min(state.get(CURSOR, 0), total)
    if player.playing:
        if cursor >= total:
            player.stop()
        else:
            cursor = state[CURSOR] = cursor + 1
    at_end = cursor >= total
    player.controls(
        [
            Control("Step", advance, key="step", args=(total, n, "step"), primary=True,
                    help="Visit the next point", disabled=at_end),
            Control("Epoch", advance, key="epoch", args=(total, n, "epoch"),
                    help="Finish the current pass over the data", disabled=at_end),
        ],
        [
            Control("Run to the end", advance, key="end", args=(total, n, "end"), width=1.5,
                    help="Until it converges or the weights repeat", disabled=at_end),
            Control("Reset", advance, key="reset", args=(total, n, "reset"),
                    help="Back to the same starting weights", disabled=cursor == 0),
        ],
        can_play=not at_end,
    )  # fmt: skip
    current = run.steps[cursor - 1] if cursor else None
    chart_col, text_col = st.columns([1.1, 1], gap="medium")
    with chart_col:
        if current is None:
            spec = plane_chart(points, as_weights(run.w_start), None, None)
        else:
            before = as_weights(current.w_before) if current.updated else None
            spec = plane_chart(points, as_weights(current.w), before, current.index)
        show(spec, key=S.key("train_chart"))
    with text_col:
        st.markdown(
            f"##### Epoch {current.epoch if current else 0} · step {cursor} of {total}",
            help="A step visits one point; an epoch visits every point once.",
        )
        say(step_messages(current) if current else [start_message(run.w_start)])
        if at_end:
            say([run_verdict(run)])
    st.markdown("**Every step so far**")
    if cursor:
        # An Arrow table goes to the browser as it is (a pandas one cost 10+ ms to convert).
        table = pa.Table.from_pylist(trace_rows(run.steps[:cursor]))
        st.dataframe(table, hide_index=True, width="stretch", height=240, key=S.key("trace"))
        st.markdown("**Mistakes per epoch**")
        show(mistakes_bars(tuple(mistakes_until(run.steps, cursor))), key=S.key("mistakes"))
    else:
        st.caption("Nothing yet: press Step.")
    S.sync_url()


@st.fragment
def training_section() -> None:
    data_controls()
    stepper = st.container()
    points, notes = edited_points()
    X, y = unpack(points)
    errors, warnings = data_problems(X, y)
    with stepper:
        say([Message("warning", m) for m in notes + warnings])
        if errors:
            say([Message("error", m) for m in errors])
            st.info("Your points are kept: fix them in **Edit the points** below.")
        else:
            try:
                w0 = as_weights(start_weights(S["start"], S["weight_seed"]))
                run_for(points, w0)
            except ValueError as err:  # e.g. a typed 1e999: say what, keep the points
                st.error(f"{err} Fix the points in **Edit the points** below.")
            else:
                player.run(training_view, points, w0)
    brush = st.session_state.get(BRUSH)
    click_layer(
        S.key("train_chart"),
        key=S.key("click_layer"),
        on_clicks=on_plane_click,
        enabled=brush is not None and not player.playing,
    )
    S.sync_url()


# -- one neuron ------------------------------------------------------------------------------------


@st.fragment
def neuron_section() -> None:
    left, right = st.columns([1, 2.2], gap="large")
    with left:
        st.markdown("**Weights and bias**")
        w1 = S.slider("w1", "w₁")
        w2 = S.slider("w2", "w₂")
        b = S.slider("b", "b")
        st.markdown("**Try an input**")
        c1, c2 = st.columns(2)
        with c1:
            x1 = S.number_input("probe_x1", "x₁", step=0.5, on_change=snap, args=("probe_x1",))
        with c2:
            x2 = S.number_input("probe_x2", "x₂", step=0.5, on_change=snap, args=("probe_x2",))
        z = w1 * x1 + w2 * x2 + b
        st.markdown(f"${neuron_latex(w1, w2, b, x1, x2)}$")
        st.markdown(neuron_output(z, step(z)))
    with right:
        show(neuron_chart(w1, w2, b, x1, x2), key=S.key("neuron_chart"))
        st.caption(
            "The line is where $w_1x_1 + w_2x_2 + b = 0$. The arrow is the weight vector "
            "$(w_1, w_2)$: it is normal to the line and points into the class-1 side. The last "
            "point labelled x5 is your input. Changing b slides the line without turning it."
        )
    S.sync_url()


# -- the page --------------------------------------------------------------------------------------

S.init()
lesson_header(
    "The perceptron",
    "A perceptron computes a weighted sum of its inputs plus a bias and outputs **1 if it is "
    "positive, 0 otherwise**. The output is the class: on one side of the line $w^\\top x + b = 0$ "
    "it says class 1, on the other class 0. Training *corrects mistakes*: visit the points one "
    "by one (one pass is an **epoch**); when the prediction is wrong, add the extended point to "
    "the extended weights (true class 1) or subtract it (true class 0). Stop after an epoch "
    "without mistakes.",
    HEADER_FORMULAS,
)
S.notice()
tabs = S.tabs("tab")
with tabs[TRAIN]:
    if tabs[TRAIN].open:
        training_section()
    else:
        player.stop()  # no timer runs in a closed tab
with tabs[NEURON]:
    if tabs[NEURON].open:
        neuron_section()
quiz(quizzes.PERCEPTRON)
S.sync_url()
