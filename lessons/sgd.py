"""Gradient descent: full-batch GD, minibatch SGD and single-sample SGD on a two-weight model whose
loss surface fits on the screen; epochs vs iterations; learning rates that are too large."""

from __future__ import annotations

import math

import numpy as np
import streamlit as st

from engine.sgd import (
    DEFAULT_START,
    DIVERGE_FACTOR,
    MAX_EPOCHS,
    METHOD_NAMES,
    METHODS,
    W_LIMIT,
    Trajectory,
    compare,
    critical_learning_rate,
    epoch_batches,
    iterations_per_epoch,
    loss,
    loss_surface,
    make_data,
    minimum,
)
from ui import quizzes
from ui.figures.sgd import (
    batches_figure,
    data_figure,
    loss_curve_figure,
    surface_figure,
    view_bounds,
)
from ui.formatting import num
from ui.frame import lesson_header, quiz

P = "sgd_"  # session-state prefix (and, with bind="query-params", the URL parameter names)
LR_CHOICES = (0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0, 2.0, 3.0, 5.0, 8.0, 12.0, 20.0, 50.0, 100.0)
N_CHOICES = (10, 20, 30, 50, 100, 150, 200)
SAMPLING_NAMES = {
    "partition": "each epoch: shuffle, cut into batches (practice)",
    "sample": "each iteration: a fresh random batch (the slide)",
}
DEFAULTS = {
    "lr": 0.5,
    "batch": 10,
    "epochs": 5,
    "n": 100,
    "seed": 0,
    "sampling": "partition",
    "w1": DEFAULT_START[0],
    "w2": DEFAULT_START[1],
}
PRESETS = {  # label -> learning rate: one click to each regime
    "Too small (α = 0.05)": 0.05,
    "Good (α = 0.5)": 0.5,
    "Bouncing (α = 8)": 8.0,
    "Diverging (α = 50)": 50.0,
}


# -- cached computations (plain, hashable arguments) -----------------------------------------------


@st.cache_data(max_entries=8, show_spinner=False)
def surface_data(n: int):
    X, y = make_data(n)
    w_star = minimum(X, y)
    return X, y, w_star, loss(w_star, X, y), critical_learning_rate(X, y)


@st.cache_data(max_entries=16, show_spinner=False)
def surface_grid(n: int, bounds: tuple[float, float, float, float]):
    X, y = make_data(n)
    return loss_surface(X, y, bounds[:2], bounds[2:], resolution=91)


@st.cache_data(max_entries=32, show_spinner="Running the three descents…")
def runs_for(
    n: int, w0: tuple[float, float], lr: float, batch: int, epochs: int, seed: int, sampling: str
) -> dict[str, Trajectory]:
    X, y = make_data(n)
    return compare(X, y, w0, lr=lr, batch_size=batch, epochs=epochs, seed=seed, sampling=sampling)


# -- state and callbacks ---------------------------------------------------------------------------


def init_state() -> None:
    for key, value in DEFAULTS.items():
        st.session_state.setdefault(P + key, value)


def clamp_batch() -> None:
    """A smaller data set may not hold the current batch size: use them all, then."""
    n = st.session_state[P + "n"]
    st.session_state[P + "batch"] = min(st.session_state[P + "batch"], n)


def set_lr(value: float) -> None:
    st.session_state[P + "lr"] = value


def restore_defaults() -> None:
    for key, value in DEFAULTS.items():
        st.session_state[P + key] = value


def show_whole_runs() -> None:
    st.session_state[P + "upto"] = float(st.session_state[P + "epochs"])


def reset_start() -> None:
    st.session_state[P + "w1"], st.session_state[P + "w2"] = DEFAULT_START


# -- widgets ---------------------------------------------------------------------------------------


def descent_controls() -> tuple[float, int, int]:
    """Learning rate, batch size, epochs."""
    lr = st.select_slider(
        "Learning rate α", LR_CHOICES, key=P + "lr", bind="query-params", format_func=num,
        help="The step size: every update moves w by −α × (average gradient over the batch).",
    )  # fmt: skip
    n = st.session_state[P + "n"]
    b = st.slider(
        "Batch size b (minibatch SGD)", 1, n, key=P + "batch", bind="query-params",
        help="Points averaged per update. Full-batch GD always uses all n, single-sample SGD 1.",
    )  # fmt: skip
    epochs = st.slider(
        "Epochs (passes over the data)", 1, MAX_EPOCHS, key=P + "epochs", bind="query-params",
        on_change=show_whole_runs,
    )  # fmt: skip
    return float(lr), int(b), int(epochs)


def data_controls() -> tuple[int, int, str, tuple[float, float]]:
    """Number of points, seed of the batch sampling, sampling scheme, start w₀."""
    n = st.select_slider(
        "Data points n", N_CHOICES, key=P + "n", bind="query-params", on_change=clamp_batch
    )
    seed = st.number_input(
        "Seed (which random batches)", min_value=0, max_value=2**31 - 1, step=1,
        key=P + "seed", bind="query-params",
        help="The same seed gives the same batches, so the same trajectories: share the link.",
    )  # fmt: skip
    sampling = st.radio(
        "Batches", tuple(SAMPLING_NAMES), format_func=SAMPLING_NAMES.get, key=P + "sampling",
        bind="query-params",
    )  # fmt: skip
    st.markdown("**Start w₀** (the same for all three)")
    c1, c2 = st.columns(2)
    w1 = c1.slider("w₁ at the start", -5.0, 5.0, step=0.5, key=P + "w1", bind="query-params")
    w2 = c2.slider("w₂ at the start", -5.0, 5.0, step=0.5, key=P + "w2", bind="query-params")
    st.button("Back to the default start", key=P + "reset_start", on_click=reset_start)
    return int(n), int(seed), str(sampling), (float(w1), float(w2))


def time_control(epochs: int) -> float:
    """How far into the runs to show, in epochs (all of them by default)."""
    upto = st.session_state.get(P + "upto")
    if upto is None or not 0 <= upto <= epochs:
        st.session_state[P + "upto"] = float(epochs)
    upto = st.slider(
        "Show the runs after epoch", 0.0, float(epochs), step=0.1, key=P + "upto",
        help="Slide back to compare the three after the same number of passes over the data.",
    )  # fmt: skip
    return float(upto)


def preset_buttons() -> None:
    cols = st.columns(len(PRESETS))
    for col, (label, value) in zip(cols, PRESETS.items(), strict=True):
        col.button(
            label, key=f"{P}preset_{value:g}", on_click=set_lr, args=(value,), width="stretch",
            type="primary" if st.session_state[P + "lr"] == value else "secondary",
        )  # fmt: skip


# -- sections --------------------------------------------------------------------------------------


def epochs_vs_iterations(n: int, b: int, epochs: int) -> None:
    per = iterations_per_epoch(n, b)
    sizes = [b] * (n // b) + ([n % b] if n % b else [])
    shown = ", ".join(str(s) for s in sizes[:8]) + (", …" if len(sizes) > 8 else "")
    st.markdown(
        f"An **epoch** is one pass over all n = {n} points; an **iteration** is one update. "
        f"With batches of b = {b}, one epoch is cut into batches of {shown} points: "
        f"**⌈n / b⌉ = ⌈{n}/{b}⌉ = {per} iterations per epoch**. In {epochs} epoch"
        f"{'s' if epochs > 1 else ''} every method sees each point {epochs} time"
        f"{'s' if epochs > 1 else ''}, but makes a very different number of updates "
        "(table below)."
    )
    st.markdown(
        "Plotted against **epochs**, the small batches race ahead: they update many times per "
        "pass. Against **iterations**, full-batch GD's steps are the best aimed: each one uses "
        "the exact gradient, where a small batch only estimates it (the zig-zag)."
    )


def iterations_table(runs: dict[str, Trajectory]) -> None:
    rows = []
    for key in METHODS:
        t = runs[key]
        if t.diverged:
            verdict = f"diverged at iteration {t.diverged_at} (epoch {t.epochs[-1]:.2f})"
        else:
            verdict = f"L = {t.losses[-1]:.4f}"
        rows.append(
            {
                "method": METHOD_NAMES[key],
                "batch size |B|": t.batch_size,
                "iterations per epoch": t.iterations_per_epoch,
                "iterations in total": t.planned_iterations,
                "loss at the end": verdict,
            }
        )
    st.dataframe(rows, hide_index=True, key=P + "table")


def divergence_notes(
    runs: dict[str, Trajectory], lr: float, critical: float, start_loss: float
) -> None:
    diverged = [t for t in runs.values() if t.diverged]
    limit = DIVERGE_FACTOR * max(start_loss, math.log(2))
    for t in diverged:
        if t.losses[-1] > limit:
            base = "the starting loss" if start_loss >= math.log(2) else "log 2"
            why = (
                f"the loss reached {t.losses[-1]:.3g}, above the stop line L = {limit:.3g} "
                f"({DIVERGE_FACTOR:g} × {base})"
            )
        else:
            why = f"a weight left the box |w| ≤ {W_LIMIT:g}"
        st.error(
            f"**{METHOD_NAMES[t.method]} diverged** at iteration {t.diverged_at} "
            f"(epoch {t.epochs[-1]:.2f}): {why}, so the run was stopped there (✕ on the chart).",
            icon=":material/trending_up:",
        )
    if diverged:
        st.markdown(
            "**Why.** The update moves w by α times the gradient. Where the loss is steep, "
            "α × gradient is a long jump: it crosses the valley and lands *higher* up the "
            "opposite wall, where the gradient is steeper still, so the next jump is longer. "
            "A batch of one point has a noisier, often larger gradient than the average over "
            "all points, which is why the small batches go first. **Make α smaller.**"
        )
    gd = runs["gd"]
    if lr > critical and not gd.diverged:
        st.warning(
            f"α = {num(lr)} is above 2 / λ_max ≈ {critical:.3g} (λ_max: the largest curvature "
            "of the loss at the minimum). Near the minimum each full-batch step overshoots the "
            "steep direction by more than it started from, so gradient descent bounces across the "
            f"valley instead of settling: its loss went up {gd.loss_rises} time"
            f"{'s' if gd.loss_rises != 1 else ''}.",
            icon=":material/swap_vert:",
        )
    if not diverged and lr <= critical:
        st.caption(
            f"For full-batch GD on this data, any α below 2 / λ_max ≈ {critical:.3g} settles "
            "at the minimum (λ_max: the largest curvature of L at w*). Try the presets above."
        )


def descent_section() -> None:
    left, right = st.columns([1, 3], gap="large")
    with left, st.container(border=True):
        lr, b, epochs = descent_controls()
        with st.expander("Data, seed, batches, start"):
            n, seed, sampling, w0 = data_controls()
    try:
        X, y, w_star, best, critical = surface_data(n)
        start_loss = loss(w0, X, y)
        runs = runs_for(n, w0, lr, b, epochs, seed, sampling)
    except ValueError as err:  # only reachable with hand-edited state; say so, offer a way back
        with right:
            st.error(f"{err}")
            st.button("Back to the defaults", key=P + "recover", on_click=restore_defaults)
        return
    with right:
        preset_buttons()
        zoom = st.toggle(
            "Zoom out to the whole runs", key=P + "zoom",
            help="By default the view frames the start and the minimum; a run that diverges "
            "leaves it. Zoom out to follow it.",
        )  # fmt: skip
        upto = time_control(epochs)
        shown = {key: t.until(upto) for key, t in runs.items()}
        framed = [np.array(w0), w_star]
        if zoom:
            framed += [t.weights for t in runs.values()]
        bounds = view_bounds(np.vstack(framed))
        w1, w2, Z = surface_grid(n, tuple(round(v, 6) for v in bounds))
        st.plotly_chart(
            surface_figure(w1, w2, Z, shown, w_star=w_star, bounds=bounds, animate_from=runs),
            key=P + "surface", config={"displayModeBar": False},
        )  # fmt: skip
        done = ", ".join(f"{METHOD_NAMES[key]} {shown[key].iterations}" for key in METHODS)
        st.caption(
            f"After {num(upto, digits=2)} epoch{'' if upto == 1 else 's'}, updates made: {done}."
        )
        divergence_notes(runs, lr, critical, start_loss)
    st.subheader("Epochs vs iterations")
    c1, c2 = st.columns([3, 2], gap="large")
    with c1:
        x_axis = st.segmented_control(
            "Loss against", ("epochs", "iterations"), key=P + "x_axis", default="epochs",
            help="Per epoch, small batches make many more updates; per update, bigger batches "
            "take better-aimed steps.",
        )  # fmt: skip
        limit = DIVERGE_FACTOR * max(start_loss, math.log(2))
        any_diverged = any(t.diverged for t in runs.values())
        st.plotly_chart(
            loss_curve_figure(
                runs, best=best, limit=limit if any_diverged else None,
                x_axis=x_axis or "epochs", now=upto if upto < epochs else None,
            ),
            key=P + "curve", config={"displayModeBar": False},
        )  # fmt: skip
    with c2:
        epochs_vs_iterations(n, b, epochs)
    iterations_table(runs)
    st.markdown(
        "The lecture's note: *the algorithm is described as iterations, each sampling a batch. "
        "In practice we run in epochs; in each epoch we randomly partition the training data "
        "into batches, and use the batches one by one.* Here is epoch 1 of minibatch SGD, one "
        "row per iteration:"
    )
    batches = epoch_batches(n, b, np.random.default_rng(seed), sampling=sampling)
    st.plotly_chart(batches_figure(batches, n), key=P + "batches", config={"displayModeBar": False})
    used = np.bincount(np.concatenate(batches), minlength=n)
    if sampling == "partition":
        st.caption(f"Every point is in exactly one of the {len(batches)} batches.")
    else:
        st.caption(
            f"Fresh random batches: in this epoch {int(np.sum(used == 0))} points were never "
            f"used and {int(np.sum(used > 1))} were used more than once."
        )
    with st.expander("The data and the model"):
        st.markdown(
            f"{n} points in two overlapping clouds (class 1 around (0.5, 0.5), class 0 around "
            "(−0.5, −0.5)); x₁ is spread wide, x₂ narrow. The model is p(y = 1 | x) = "
            "σ(w₁x₁ + w₂x₂): two weights, no bias, so every (w₁, w₂) is a point of the chart "
            "above. A wide feature makes the loss change fast along w₁ and slowly along w₂: "
            "the long, narrow valley. The dashed line is the boundary of the best weights w* = "
            f"({num(w_star[0])}, {num(w_star[1])})."
        )
        st.plotly_chart(data_figure(X, y, w_star), key=P + "data", config={"displayModeBar": False})


# -- the page --------------------------------------------------------------------------------------

init_state()
lesson_header(
    "Gradient descent",
    "Training minimises the average loss over the training data. **Minibatch stochastic "
    "gradient descent**: pick a learning rate α, initialise w₀, then in each iteration randomly "
    "sample a batch B, average the gradient of the loss over it, and step against it. Below, a "
    "model with just two weights, so the whole loss surface L(w₁, w₂) fits on the screen, and "
    "three ways of descending it **from the same start**: all the data per step (full-batch "
    "GD), b points per step (minibatch SGD), one point per step (single-sample SGD).",
    [
        r"L(w) = \frac{1}{|D|} \sum_{(x, y) \in D} \ell(x, y), \qquad "
        r"w_t = w_{t-1} - \alpha\, \frac{1}{|B|} \sum_{(x_i, y_i) \in B} "
        r"\frac{\partial \ell(x_i, y_i)}{\partial w_{t-1}}",
    ],
)
descent_section()
quiz(quizzes.SGD)
