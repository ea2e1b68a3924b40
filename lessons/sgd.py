"""Gradient descent: full-batch GD, minibatch SGD and single-sample SGD on a two-weight model whose
loss surface fits on the screen; epochs vs iterations; learning rates that are too large."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import streamlit as st

from engine.sgd import (
    DEFAULT_START,
    DIVERGE_FACTOR,
    MAX_EPOCHS,
    Trajectory,
    compare,
    critical_learning_rate,
    epoch_batches,
    loss,
    loss_surface,
    make_data,
    minimum,
)
from ui import quizzes
from ui.charts import chart, show
from ui.figures.sgd import (
    batches_figure,
    data_figure,
    loss_curve_figure,
    surface_figure,
    surface_picture,
    view_bounds,
)
from ui.formatting import num
from ui.frame import lesson_header, quiz, say
from ui.state import Settings, choice, flag, integer, number
from ui.text.sgd import (
    batches_caption,
    divergence_messages,
    epochs_vs_iterations,
    iterations_rows,
    updates_caption,
)

LR_CHOICES = (0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0, 2.0, 3.0, 5.0, 8.0, 12.0, 20.0, 50.0, 100.0)
N_CHOICES = (10, 20, 30, 50, 100, 150, 200)
SAMPLING_NAMES = {
    "partition": "each epoch: shuffle, cut into batches (practice)",
    "sample": "each iteration: a fresh random batch (the slide)",
}
PRESETS = {  # label -> learning rate: one click to each regime
    "Too small (α = 0.05)": 0.05,
    "Good (α = 0.5)": 0.5,
    "Bouncing (α = 8)": 8.0,
    "Diverging (α = 50)": 50.0,
}
S = Settings(
    "sgd",
    choice("lr", 0.5, LR_CHOICES),
    choice("n", 100, N_CHOICES),
    integer("batch", 10, 1, max(N_CHOICES)),
    integer("epochs", 5, 1, MAX_EPOCHS),
    integer("seed", 0, 0, 2**31 - 1),
    choice("sampling", "partition", tuple(SAMPLING_NAMES)),
    number("w1", DEFAULT_START[0], -5.0, 5.0, step=0.5),
    number("w2", DEFAULT_START[1], -5.0, 5.0, step=0.5),
    # How far into the runs to show; by default all of them.
    number("upto", MAX_EPOCHS, 0.0, MAX_EPOCHS, step=0.1, default_from=lambda s: s["epochs"]),
    flag("zoom", False),
    choice("x_axis", "epochs", ("epochs", "iterations")),
)
DATA_SETTINGS = ("n", "seed", "sampling", "w1", "w2")


# -- computations, cached and shared (plain, hashable arguments; results are read-only) ----------


@st.cache_resource(max_entries=8, show_spinner=False)
def surface_data(n: int):
    X, y = make_data(n)
    w_star = minimum(X, y)
    return X, y, w_star, loss(w_star, X, y), critical_learning_rate(X, y)


@st.cache_resource(max_entries=16, show_spinner=False)
def surface_grid(n: int, bounds: tuple[float, float, float, float]):
    """The loss on a 91 × 91 grid of the view, and the same as a picture (for the animation)."""
    X, y = make_data(n)
    w1, w2, Z = loss_surface(X, y, bounds[:2], bounds[2:], resolution=91)
    return w1, w2, Z, surface_picture(np.log10(Z))


@st.cache_resource(max_entries=32, show_spinner="Running the three descents…")
def runs_for(
    n: int, w0: tuple[float, float], lr: float, batch: int, epochs: int, seed: int, sampling: str
) -> dict[str, Trajectory]:
    X, y = make_data(n)
    return compare(X, y, w0, lr=lr, batch_size=batch, epochs=epochs, seed=seed, sampling=sampling)


@dataclass(frozen=True)
class Setup:
    """Everything the three descents depend on (hashable: the key of every chart below)."""

    n: int
    w0: tuple[float, float]
    lr: float
    batch: int
    epochs: int
    seed: int
    sampling: str

    def runs(self) -> dict[str, Trajectory]:
        return runs_for(self.n, self.w0, self.lr, self.batch, self.epochs, self.seed, self.sampling)


@chart(max_entries=48)
def surface_chart(setup: Setup, upto: float, zoom: bool):
    _, _, w_star, _, _ = surface_data(setup.n)
    runs = setup.runs()
    shown = {key: t.until(upto) for key, t in runs.items()}
    framed = [np.array(setup.w0), w_star]
    if zoom:
        framed += [t.weights for t in runs.values()]
    bounds = view_bounds(np.vstack(framed))
    w1, w2, Z, picture = surface_grid(setup.n, tuple(round(v, 6) for v in bounds))
    return surface_figure(
        w1, w2, Z, shown, w_star=w_star, bounds=bounds, animate_from=runs, picture=picture
    )


@chart(max_entries=48)
def curve_chart(setup: Setup, x_axis: str, now: float | None):
    X, y, _, best, _ = surface_data(setup.n)
    runs = setup.runs()
    limit = DIVERGE_FACTOR * max(loss(setup.w0, X, y), math.log(2))
    any_diverged = any(t.diverged for t in runs.values())
    return loss_curve_figure(
        runs, best=best, limit=limit if any_diverged else None, x_axis=x_axis, now=now
    )


@chart(max_entries=16)
def batches_chart(n: int, b: int, seed: int, sampling: str):
    batches = epoch_batches(n, b, np.random.default_rng(seed), sampling=sampling)
    return batches_figure(batches, n)


@chart(max_entries=8)
def data_chart(n: int):
    X, y, w_star, _, _ = surface_data(n)
    return data_figure(X, y, w_star)


# -- callbacks -------------------------------------------------------------------------------------


def clamp_batch() -> None:
    """A smaller data set may not hold the current batch size: use them all, then."""
    S["batch"] = min(S["batch"], S["n"])


def set_lr(value: float) -> None:
    S["lr"] = value


def show_whole_runs() -> None:
    S["upto"] = float(S["epochs"])


# -- widgets ---------------------------------------------------------------------------------------


def descent_controls() -> tuple[float, int, int]:
    """Learning rate, batch size, epochs."""
    lr = S.select_slider(
        "lr", "Learning rate α", format_func=num,
        help="The step size: every update moves w by −α × (average gradient over the batch).",
    )  # fmt: skip
    b = S.slider(
        "batch", "Batch size b (minibatch SGD)", high=S["n"],
        help="Points averaged per update. Full-batch GD always uses all n, single-sample SGD 1.",
    )  # fmt: skip
    epochs = S.slider("epochs", "Epochs (passes over the data)", on_change=show_whole_runs)
    return float(lr), int(b), int(epochs)


def data_controls() -> tuple[int, int, str, tuple[float, float]]:
    """Number of points, seed of the batch sampling, sampling scheme, start w₀."""
    n = S.select_slider("n", "Data points n", on_change=clamp_batch)
    seed = S.number_input(
        "seed", "Seed (which random batches)",
        help="The same seed gives the same batches, so the same trajectories: share the link.",
    )  # fmt: skip
    sampling = S.radio("sampling", "Batches", format_func=SAMPLING_NAMES.get)
    st.markdown("**Start w₀** (the same for all three)")
    c1, c2 = st.columns(2)
    with c1:
        w1 = S.slider("w1", "w₁ at the start")
    with c2:
        w2 = S.slider("w2", "w₂ at the start")
    st.button(
        "Back to the default start", key=S.key("reset_start"), on_click=S.reset, args=("w1", "w2")
    )
    return int(n), int(seed), str(sampling), (float(w1), float(w2))


def preset_buttons() -> None:
    cols = st.columns(len(PRESETS))
    for col, (label, value) in zip(cols, PRESETS.items(), strict=True):
        col.button(
            label, key=S.key(f"preset_{value:g}"), on_click=set_lr, args=(value,),
            width="stretch", type="primary" if S["lr"] == value else "secondary",
        )  # fmt: skip


# -- the section: one fragment, so a control reruns it and not the page ----------------------------


@st.fragment
def descent_section() -> None:
    left, right = st.columns([1, 3], gap="large")
    with left, st.container(border=True):
        lr, b, epochs = descent_controls()
        with st.expander("Data, seed, batches, start"):
            n, seed, sampling, w0 = data_controls()
    setup = Setup(n, w0, lr, b, epochs, seed, sampling)
    try:
        X, y, w_star, _, critical = surface_data(n)
        start_loss = loss(w0, X, y)
        runs = setup.runs()
    except ValueError as err:  # only reachable with hand-edited state; say so, offer a way back
        with right:
            st.error(f"{err}")
            st.button("Back to the defaults", key=S.key("recover"), on_click=S.reset)
        return
    with right:
        preset_buttons()
        zoom = S.toggle(
            "zoom", "Zoom out to the whole runs",
            help="By default the view frames the start and the minimum; a run that diverges "
            "leaves it. Zoom out to follow it.",
        )  # fmt: skip
        upto = S.slider(
            "upto", "Show the runs after epoch", high=epochs,
            help="Slide back to compare the three after the same number of passes over the data.",
        )  # fmt: skip
        show(
            surface_chart(setup, upto, zoom), key=S.key("surface"),
            alt="The loss surface L(w₁, w₂) with the paths of full-batch GD, minibatch SGD and "
            "single-sample SGD from the same start w₀ towards the minimum w*",
        )  # fmt: skip
        shown = {key: t.until(upto) for key, t in runs.items()}
        st.caption(updates_caption(shown, upto))
        say(divergence_messages(runs, lr, critical, start_loss))
    st.subheader("Epochs vs iterations")
    c1, c2 = st.columns([3, 2], gap="large")
    with c1:
        x_axis = S.segmented_control(
            "x_axis", "Loss against",
            help="Per epoch, small batches make many more updates; per update, bigger batches "
            "take better-aimed steps.",
        )  # fmt: skip
        show(
            curve_chart(setup, x_axis, upto if upto < epochs else None), key=S.key("curve"),
            alt=f"The loss on all the data of the three methods against {x_axis}",
        )  # fmt: skip
    with c2:
        st.markdown(epochs_vs_iterations(n, b, epochs))
        st.markdown(
            "Plotted against **epochs**, the small batches race ahead: they update many times "
            "per pass. Against **iterations**, full-batch GD's steps are the best aimed: each "
            "one uses the exact gradient, where a small batch only estimates it (the zig-zag)."
        )
    # A static table: a data grid redraws and settles for 100+ ms after every slider move.
    st.table(iterations_rows(runs), hide_index=True)
    st.markdown(
        "The lecture's note: *the algorithm is described as iterations, each sampling a batch. "
        "In practice we run in epochs; in each epoch we randomly partition the training data "
        "into batches, and use the batches one by one.* Here is epoch 1 of minibatch SGD, one "
        "row per iteration:"
    )
    show(
        batches_chart(n, b, seed, sampling), key=S.key("batches"),
        alt="Epoch 1 of minibatch SGD: one row per iteration, the points in its batch filled",
    )  # fmt: skip
    batches = epoch_batches(n, b, np.random.default_rng(seed), sampling=sampling)
    used = np.bincount(np.concatenate(batches), minlength=n).tolist()
    st.caption(batches_caption(sampling, len(batches), used))
    with st.expander("The data and the model"):
        st.markdown(
            f"{n} points in two overlapping clouds (class 1 around (0.5, 0.5), class 0 around "
            "(−0.5, −0.5)); x₁ is spread wide, x₂ narrow. The model is p(y = 1 | x) = "
            "σ(w₁x₁ + w₂x₂): two weights, no bias, so every (w₁, w₂) is a point of the chart "
            "above. A wide feature makes the loss change fast along w₁ and slowly along w₂: "
            "the long, narrow valley. The dashed line is the boundary of the best weights w* = "
            f"({num(w_star[0])}, {num(w_star[1])})."
        )
        show(
            data_chart(n), key=S.key("data"),
            alt="The data: two classes of points and the boundary of the best weights w*",
        )  # fmt: skip
    S.sync_url()


# -- the page --------------------------------------------------------------------------------------

S.init()
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
S.notice()
descent_section()
quiz(quizzes.SGD)
S.sync_url()
