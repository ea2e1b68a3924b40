"""Lesson: the perceptron. Move one neuron's weights, then train it point by point."""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from engine.datasets import DESCRIPTIONS, LECTURE_START_WEIGHTS, make_dataset
from engine.perceptron import PerceptronRun, data_problems, step, train
from ui import quizzes
from ui.figures.perceptron import mistakes_chart, perceptron_plane, view_bounds
from ui.formatting import latex, num, paren_if_negative, vec
from ui.frame import lesson_header, quiz

DATASET_CHOICES = ("lecture", "and", "or", "nand", "linear", "xor")
DATASET_LABELS = {
    "lecture": "The lecture's example (4 points)",
    "and": "AND gate",
    "or": "OR gate",
    "nand": "NAND gate",
    "linear": "Random separable points",
    "xor": "XOR gate",
}
START_CHOICES = ("lecture", "zeros", "random")
START_LABELS = {
    "lecture": "the lecture's: w = (1, 2), b = −1",
    "zeros": "zeros",
    "random": "random integers",
}
MAX_EPOCHS = 100
LINEAR_POINTS = 16
PLAY_INTERVAL = 0.8  # seconds between automatic steps: slow enough to read each one

K = "perceptron_"  # session-state prefix for this lesson


# ----------------------------------------------------------------------------- state


def _points_frame(dataset: str, seed: int) -> pd.DataFrame:
    X, y = make_dataset(dataset, n=LINEAR_POINTS, seed=seed)
    return pd.DataFrame({"x1": X[:, 0].round(2), "x2": X[:, 1].round(2), "label": y})


def _init_state() -> None:
    if f"{K}dataset" in st.session_state:
        return
    params = st.query_params
    dataset = params.get("dataset", "lecture")
    start = params.get("start", "lecture")
    st.session_state[f"{K}dataset"] = dataset if dataset in DATASET_CHOICES else "lecture"
    st.session_state[f"{K}start"] = start if start in START_CHOICES else "lecture"
    st.session_state[f"{K}data_seed"] = 0
    st.session_state[f"{K}weight_seed"] = 0
    st.session_state[f"{K}cursor"] = 0
    st.session_state[f"{K}playing"] = False
    st.session_state[f"{K}run_key"] = None
    st.session_state[f"{K}base_points"] = _points_frame(st.session_state[f"{K}dataset"], 0)


def _reload_points() -> None:
    state = st.session_state
    state[f"{K}base_points"] = _points_frame(state[f"{K}dataset"], state[f"{K}data_seed"])
    state.pop(f"{K}editor", None)  # forget edits made to the previous data set
    state[f"{K}cursor"] = 0


def _on_dataset_change() -> None:
    st.query_params["dataset"] = st.session_state[f"{K}dataset"]
    _reload_points()


def _on_start_change() -> None:
    st.query_params["start"] = st.session_state[f"{K}start"]
    st.session_state[f"{K}cursor"] = 0


def _new_points() -> None:
    st.session_state[f"{K}data_seed"] += 1
    _reload_points()


def _new_random_weights() -> None:
    st.session_state[f"{K}weight_seed"] += 1
    st.session_state[f"{K}cursor"] = 0


def _advance(total: int, n: int, how: str) -> None:
    cursor = st.session_state[f"{K}cursor"]
    if how == "step":
        cursor += 1
    elif how == "epoch":
        cursor = (cursor // n + 1) * n
    elif how == "end":
        cursor = total
    else:  # reset: the same starting weights, nothing revealed
        cursor = 0
    st.session_state[f"{K}cursor"] = min(cursor, total)


def start_weights(choice: str, seed: int) -> np.ndarray:
    if choice == "lecture":
        return LECTURE_START_WEIGHTS.copy()
    if choice == "zeros":
        return np.zeros(3)
    # Small integers keep every inner product easy to check by hand (and exact).
    return np.random.default_rng(seed).integers(-3, 4, size=3).astype(float)


@st.cache_data(max_entries=64, show_spinner=False)
def cached_run(X: np.ndarray, y: np.ndarray, w0: np.ndarray) -> PerceptronRun:
    return train(X, y, w0, max_epochs=MAX_EPOCHS)


# ----------------------------------------------------------------------------- controls


def neuron_controls() -> tuple[float, float, float]:
    st.markdown("**Weights and bias**")
    w1 = st.slider("w₁", -3.0, 3.0, 1.0, 0.1, key=f"{K}w1")
    w2 = st.slider("w₂", -3.0, 3.0, 2.0, 0.1, key=f"{K}w2")
    b = st.slider("b", -3.0, 3.0, -1.0, 0.1, key=f"{K}b")
    return w1, w2, b


def data_controls() -> None:
    st.selectbox(
        "Data",
        DATASET_CHOICES,
        format_func=DATASET_LABELS.get,
        key=f"{K}dataset",
        on_change=_on_dataset_change,
    )
    st.caption(DESCRIPTIONS[st.session_state[f"{K}dataset"]])
    if st.session_state[f"{K}dataset"] == "linear":
        st.button("New random points", on_click=_new_points, key=f"{K}new_points")
    st.radio(
        "Starting weights",
        START_CHOICES,
        format_func=START_LABELS.get,
        key=f"{K}start",
        on_change=_on_start_change,
    )
    if st.session_state[f"{K}start"] == "random":
        st.button("Draw new random weights", on_click=_new_random_weights, key=f"{K}new_w")


def edited_points() -> tuple[np.ndarray, np.ndarray, list[str]]:
    """The points as the learner edited them; rows with blanks are left out and reported."""
    with st.expander("Edit the points (add, delete, relabel)", expanded=False):
        st.caption("Add a row at the bottom, select rows to delete them, change any label.")
        frame = st.data_editor(
            st.session_state[f"{K}base_points"],
            num_rows="dynamic",
            key=f"{K}editor",
            width="stretch",
            column_config={
                "x1": st.column_config.NumberColumn("x₁", format="%.2f", step=0.1),
                "x2": st.column_config.NumberColumn("x₂", format="%.2f", step=0.1),
                "label": st.column_config.SelectboxColumn("class", options=[0, 1]),
            },
        )
    values = frame[["x1", "x2", "label"]].apply(pd.to_numeric, errors="coerce")
    incomplete = values.isna().any(axis=1).to_numpy()
    notes = []
    if incomplete.any():
        rows = ", ".join(str(i + 1) for i in np.flatnonzero(incomplete))
        notes.append(
            f"Row(s) {rows} have an empty or non-numeric cell and are left out until you fill "
            "them in."
        )
    kept = values[~incomplete]
    return kept[["x1", "x2"]].to_numpy(float), kept["label"].to_numpy(int), notes


def _set_playing(playing: bool) -> None:
    # Set, not toggle: a click must mean what its label said even if it is delivered twice.
    st.session_state[f"{K}playing"] = playing


def training_buttons(total: int, n: int, cursor: int, playing: bool) -> None:
    """Step / Epoch / Play / Run to the end / Reset. While playing, only Pause is live."""
    at_end = cursor >= total
    buttons = (
        ("Step", "step", "Visit the next point", at_end),
        ("Epoch", "epoch", "Finish the current pass over the data", at_end),
        ("Run to the end", "end", "Until it converges or the weights repeat", at_end),
        ("Reset", "reset", "Back to the same starting weights", cursor == 0),
    )
    cols = st.columns(5)
    for col, (label, how, help_text, disabled) in zip(cols[:2], buttons[:2], strict=True):
        col.button(
            label,
            on_click=_advance,
            args=(total, n, how),
            disabled=disabled or playing,
            type="primary" if how == "step" else "secondary",
            width="stretch",
            help=help_text,
            key=f"{K}{how}",
        )
    cols[2].button(
        "Pause" if playing else "Play",
        on_click=_set_playing,
        args=(not playing,),
        disabled=at_end and not playing,
        width="stretch",
        icon=":material/pause:" if playing else ":material/play_arrow:",
        help="Step automatically, one point every " + f"{PLAY_INTERVAL:g} s",
        key=f"{K}play",
    )
    for col, (label, how, help_text, disabled) in zip(cols[3:], buttons[2:], strict=True):
        col.button(
            label,
            on_click=_advance,
            args=(total, n, how),
            disabled=disabled or playing,
            width="stretch",
            help=help_text,
            key=f"{K}{how}",
        )


# ----------------------------------------------------------------------------- views


def inner_product_latex(w: np.ndarray, x: np.ndarray, i: int, score: float) -> str:
    """⟨w, x_i⟩ = 1 × 0 + 2 × 1 + (−1) × 1 = 1, as on the lecture's slide."""
    terms = " + ".join(
        f"{paren_if_negative(wk)} \\times {paren_if_negative(xk)}"
        for wk, xk in zip(w, x, strict=True)
    )
    return latex(
        rf"\begin{{aligned}}\langle \vec w, \vec x_{{{i}}} \rangle &= {terms} \\ "
        rf"&= {num(score)}\end{{aligned}}"
    )


def step_explanation(run: PerceptronRun, cursor: int) -> None:
    if cursor == 0:
        st.info(
            f"Start: $\\vec w$ = {vec(run.w_start)}. Press **Step** to visit $\\vec x_1$ in "
            "epoch 1, or **Epoch** for a whole pass."
        )
        return
    s = run.steps[cursor - 1]
    i = s.index + 1
    st.markdown(
        f"**Epoch {s.epoch}, point $\\vec x_{{{i}}}$** = {vec(s.x)} (class {s.label}), "
        f"$\\vec w$ = {vec(s.w_before)}"
    )
    st.latex(inner_product_latex(s.w_before, s.x, i, s.score))
    st.markdown(
        f"$\\sigma({latex(num(s.score))})$ = **{s.predicted}**: predicts class {s.predicted}, "
        f"the true class is {s.label}."
    )
    if not s.updated:
        st.success("Correct prediction, no update.")
    elif s.label == 1:
        st.error(
            f"Wrong prediction: the score is too small, so add the point. "
            f"Update $\\vec w \\leftarrow \\vec w + \\vec x_{{{i}}}$ = {vec(s.w)}"
        )
    else:
        st.error(
            f"Wrong prediction: the score is too large, so subtract the point. "
            f"Update $\\vec w \\leftarrow \\vec w - \\vec x_{{{i}}}$ = {vec(s.w)}"
        )


def verdict(run: PerceptronRun) -> None:
    if run.converged:
        st.success(
            f"**Success!** Epoch {run.epochs} made no mistakes: the perceptron converged after "
            f"{run.epochs} epoch{'s' if run.epochs != 1 else ''} with $\\vec w$ = {vec(run.w)}."
        )
    elif run.cycled:
        st.error(
            f"**The weights repeat.** The weights at the start of epoch {run.epochs + 1} equal "
            f"those at the start of epoch {run.cycle_start}, so every epoch from here repeats "
            "epochs "
            f"{run.cycle_start}–{run.epochs}: this data is not linearly separable, and the "
            "perceptron will loop forever."
        )
    else:
        st.warning(
            f"Stopped after {run.max_epochs} epochs without converging (and without an exact "
            "repeat of the weights). If the data is separable, more epochs would get there."
        )


def trace_table(run: PerceptronRun, cursor: int) -> pd.DataFrame:
    rows = []
    for s in run.steps[:cursor]:
        sign = "+" if s.label == 1 else "−"
        rows.append(
            {
                "epoch": s.epoch,
                "point": f"x{s.index + 1}",
                "x⃗": vec(s.x),
                "w⃗ before": vec(s.w_before),
                "⟨w⃗, x⃗⟩": num(s.score),
                "predicted": s.predicted,
                "true": s.label,
                "update": f"w⃗ ← w⃗ {sign} x⃗{s.index + 1} = {vec(s.w)}" if s.updated else "none",
            }
        )
    return pd.DataFrame(rows)


def mistakes_so_far(run: PerceptronRun, cursor: int) -> list[int]:
    counts: dict[int, int] = {}
    for s in run.steps[:cursor]:
        counts[s.epoch] = counts.get(s.epoch, 0) + int(s.updated)
    return [counts[e] for e in sorted(counts)]


def training_view() -> None:
    controls, main = st.columns([1, 3.4], gap="large")
    with controls:
        data_controls()
    X, y, notes = edited_points()
    errors, warnings = data_problems(X, y)
    with main:
        for message in notes + warnings:
            st.warning(message)
        if errors:
            for message in errors:
                st.error(message)
            st.info("Your points are kept: fix them in **Edit the points** below the controls.")
            return
        timer_on = st.session_state[f"{K}playing"]
        st.fragment(run_and_show, run_every=PLAY_INTERVAL if timer_on else None)(X, y, timer_on)


def run_and_show(X: np.ndarray, y: np.ndarray, timer_on: bool) -> None:
    """The training view. Runs as a fragment that re-runs on a timer while Play is on."""
    state = st.session_state
    if timer_on != state[f"{K}playing"]:
        # Play/Pause sits inside this fragment, so its click reruns only the fragment; the timer
        # is set by the full run, so switch it on (or off) with one full rerun.
        st.rerun()
    w0 = start_weights(state[f"{K}start"], state[f"{K}weight_seed"])
    run_key = (X.tobytes(), y.tobytes(), w0.tobytes())
    if state[f"{K}run_key"] != run_key:  # new data or new start: begin again
        state[f"{K}run_key"] = run_key
        state[f"{K}cursor"] = 0
    run = cached_run(X, y, w0)
    total, n = len(run.steps), len(X)
    cursor = min(state[f"{K}cursor"], total)
    if state[f"{K}playing"]:
        if cursor >= total:
            state[f"{K}playing"] = False
            st.rerun()
        cursor = state[f"{K}cursor"] = cursor + 1

    training_buttons(total, n, cursor, state[f"{K}playing"])
    current = run.steps[cursor - 1] if cursor else None
    chart_col, text_col = st.columns([1.1, 1], gap="medium")
    with chart_col:
        fig = perceptron_plane(
            X,
            y,
            current.w if current else run.w_start,
            w_before=current.w_before if current and current.updated else None,
            current=current.index if current else None,
        )
        st.plotly_chart(fig, width="stretch", key=f"{K}train_chart")
    with text_col:
        st.markdown(
            f"##### Epoch {current.epoch if current else 0} · step {cursor} of {total}",
            help="A step visits one point; an epoch visits every point once.",
        )
        step_explanation(run, cursor)
        if cursor >= total:
            verdict(run)

    st.markdown("**Every step so far**")
    table = trace_table(run, cursor)
    if table.empty:
        st.caption("Nothing yet: press Step.")
    else:
        st.dataframe(table, hide_index=True, width="stretch", height=240)
    if cursor:
        st.markdown("**Mistakes per epoch**")
        st.plotly_chart(
            mistakes_chart(mistakes_so_far(run, cursor)), width="stretch", key=f"{K}mistakes"
        )


# ----------------------------------------------------------------------------- page

lesson_header(
    "The perceptron",
    "A perceptron computes a weighted sum of its inputs plus a bias and outputs **1 if it is "
    "positive, 0 otherwise**. The output is the class: on one side of the line $w^\\top x + b = 0$ "
    "it says class 1, on the other class 0. Training *corrects mistakes*: visit the points one "
    "by one (one pass is an **epoch**); when the prediction is wrong, add the extended point to "
    "the extended weights (true class 1) or subtract it (true class 0). Stop after an epoch "
    "without mistakes.",
    [
        r"o = \sigma(\mathbf{w}^\top \mathbf{x} + b), \qquad "
        r"\sigma(z) = \begin{cases} 1 & z > 0 \\ 0 & \text{otherwise} \end{cases}",
        r"\vec w = (w_1, \dots, w_d, b),\ \vec x = (x_1, \dots, x_d, 1):\quad "
        r"o_i \ne y_i \Rightarrow \vec w \leftarrow \vec w + \vec x_i \text{ if } y_i = 1,"
        r"\quad \vec w \leftarrow \vec w - \vec x_i \text{ if } y_i = 0",
    ],
)

_init_state()
tab_train, tab_neuron = st.tabs(["Train it, step by step", "One neuron"])

with tab_neuron:
    left, right = st.columns([1, 2.2], gap="large")
    with left:
        w1, w2, b = neuron_controls()
        st.markdown("**Try an input**")
        c1, c2 = st.columns(2)
        x1 = c1.number_input("x₁", value=1.0, step=0.5, key=f"{K}probe_x1")
        x2 = c2.number_input("x₂", value=1.0, step=0.5, key=f"{K}probe_x2")
        z = w1 * x1 + w2 * x2 + b
        terms = " + ".join(
            f"{paren_if_negative(a)} \\times {paren_if_negative(v)}"
            for a, v in ((w1, x1), (w2, x2))
        )
        st.latex(latex(rf"w_1 x_1 + w_2 x_2 + b = {terms} + {paren_if_negative(b)} = {num(z)}"))
        st.markdown(f"$o = \\sigma({latex(num(z))})$ = **{step(z)}**: class {step(z)}.")
    with right:
        X, y = make_dataset("lecture")
        probe = np.array([[x1, x2]])
        fig = perceptron_plane(
            np.vstack([X, probe]),
            np.append(y, step(z)),
            (w1, w2, b),
            bounds=view_bounds(X, margin=1.5),
            mark_mistakes=False,
        )
        st.plotly_chart(fig, width="stretch", key=f"{K}neuron_chart")
        st.caption(
            "The line is where $w_1x_1 + w_2x_2 + b = 0$. The arrow is the weight vector "
            "$(w_1, w_2)$: it is normal to the line and points into the class-1 side. The last "
            "point labelled x5 is your input. Changing b slides the line without turning it."
        )

with tab_train:
    training_view()

quiz(quizzes.PERCEPTRON)
