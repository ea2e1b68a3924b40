"""Lesson: the multilayer perceptron playground. Build a network, train it, watch it learn."""

from __future__ import annotations

import hashlib
import math

import streamlit as st

from engine.activations import ACTIVATION_LABELS, HIDDEN_ACTIVATIONS
from engine.datasets import (
    DESCRIPTIONS,
    FIXED_DATASETS,
    make_dataset,
    num_classes,
    train_test_split,
)
from engine.mlp import (
    MAX_HIDDEN_LAYERS,
    MAX_UNITS,
    MLP,
    Trainer,
    frame_of,
    grid_points,
    play_frames,
)
from ui import quizzes
from ui.figures.mlp import (
    boundary_rgb,
    curves_figure,
    encode_image,
    network_figure,
    player_points,
    probability_bars,
    unit_maps_figure,
    view_bounds,
)
from ui.frame import lesson_header, quiz
from ui.mlp_player import boundary_player
from ui.style import CLASS_COLOURS

K = "mlp_"  # session-state prefix for this lesson

DATASET_CHOICES = (
    "xor", "xor_cloud", "circles", "moons", "spiral", "blobs", "gaussian", "linear", "lecture",
)  # fmt: skip
DATASET_LABELS = {
    "xor": "XOR (4 points)",
    "xor_cloud": "XOR (noisy quadrants)",
    "circles": "Circles",
    "moons": "Moons",
    "spiral": "Spiral",
    "blobs": "Blobs (3 classes)",
    "gaussian": "Two Gaussians",
    "linear": "Linearly separable",
    "lecture": "The lecture's 4 points",
}
# A log scale from 1e-4 to 10 in steps of 1, 2, 5.
LEARNING_RATES = (*(float(f"{m}e{e}") for e in range(-4, 1) for m in (1, 2, 5)), 10.0)
BATCH_SIZES = (1, 2, 4, 8, 10, 16, 32, 64, 128, 256)
SPEEDS = (1, 2, 5, 10, 20, 50)  # training steps per animation frame
TEST_PCTS = (0, 10, 20, 30, 40, 50)
N_POINTS = (50, 100, 200, 300, 500)
DEFAULTS = {
    "dataset": "circles",
    "noise": 0.1,
    "n": 200,
    "test": 20,
    "dseed": 0,
    "hidden": [8, 8],
    "act": "tanh",
    "lr": 0.2,
    "batch": 10,
    "wseed": 0,
    "speed": 5,
}

FPS = 20  # animation frames per second in the browser
FRAMES_PER_BATCH = 24  # frames computed per server round trip while playing
# A run of frames lasts FRAMES_PER_BATCH / FPS = 1.2 s on screen; ask for the next one a little
# sooner, since each round trip also costs time, so that the player's queue never runs dry.
PLAY_EVERY = 0.85 * FRAMES_PER_BATCH / FPS
UNIT_GRID = 28
# While playing, the plotly views are rebuilt on these beats of a cycle of LIVE_CYCLE runs of
# frames (a run lasts about a second): the curves twice per cycle, the others once.
LIVE_CYCLE = 6
LIVE_SCHEDULE = {"curves": (0, 3), "units": (1,), "network": (4,)}


# ----------------------------------------------------------------------------- URL and state


def _parse(params, key: str, cast, choices=None):
    """A setting from the URL if it is valid, else the default (a bad link still opens)."""
    try:
        value = cast(params[key])
    except (KeyError, TypeError, ValueError):
        return DEFAULTS[key]
    if isinstance(value, float) and not math.isfinite(value):
        return DEFAULTS[key]
    if choices is not None and value not in choices:
        return DEFAULTS[key]
    return value


def _parse_hidden(text: str) -> list[int]:
    if text.strip() in ("", "none"):
        return []
    sizes = [int(s) for s in text.split(",")]
    if len(sizes) > MAX_HIDDEN_LAYERS or not all(1 <= s <= MAX_UNITS for s in sizes):
        raise ValueError("hidden sizes out of range")
    return sizes


def _init_state() -> None:
    """Settings from the URL (or defaults) for every key not in the session yet.

    Runs on every script run: Streamlit forgets a widget's value when its page is left, so a
    learner coming back gets the link's settings again instead of an error.
    """
    state = st.session_state
    p = st.query_params
    fresh = f"{K}n_hidden" not in state
    readers = {
        "dataset": lambda: _parse(p, "dataset", str, DATASET_CHOICES),
        "noise": lambda: min(max(round(_parse(p, "noise", float) / 0.05) * 0.05, 0.0), 0.5),
        "n": lambda: _parse(p, "n", int, N_POINTS),
        "test": lambda: _parse(p, "test", int, TEST_PCTS),
        "dseed": lambda: _parse(p, "dseed", int, range(10_000)),
        "act": lambda: _parse(p, "act", str, HIDDEN_ACTIVATIONS),
        "lr": lambda: _parse(p, "lr", float, LEARNING_RATES),
        "batch": lambda: _parse(p, "batch", int, BATCH_SIZES),
        "wseed": lambda: _parse(p, "wseed", int, range(10_000)),
        "speed": lambda: _parse(p, "speed", int, SPEEDS),
    }
    for name, read in readers.items():
        if f"{K}{name}" not in state:
            state[f"{K}{name}"] = read()
    if fresh:
        hidden = _parse(p, "hidden", _parse_hidden)
        state[f"{K}n_hidden"] = len(hidden)
        for i, units in enumerate(hidden):
            state[f"{K}units_{i}"] = units
    for name, value in (("playing", False), ("resets", 0), ("batch_no", 0), ("imported", None)):
        state.setdefault(f"{K}{name}", value)


def hidden_sizes() -> list[int]:
    state = st.session_state
    return [int(state.get(f"{K}units_{i}", 4)) for i in range(state[f"{K}n_hidden"])]


def _sync_url(sizes: list[int]) -> None:
    state = st.session_state
    wanted = {
        "dataset": state[f"{K}dataset"],
        "noise": f"{state[f'{K}noise']:g}",
        "n": str(state[f"{K}n"]),
        "test": str(state[f"{K}test"]),
        "dseed": str(state[f"{K}dseed"]),
        "hidden": ",".join(map(str, sizes)) or "none",
        "act": state[f"{K}act"],
        "lr": f"{state[f'{K}lr']:g}",
        "batch": str(state[f"{K}batch"]),
        "wseed": str(state[f"{K}wseed"]),
        "speed": str(state[f"{K}speed"]),
    }
    if {k: st.query_params.get(k) for k in wanted} != wanted:
        st.query_params.update(wanted)


@st.cache_data(max_entries=32, show_spinner=False)
def load_data(name: str, n: int, noise: float, seed: int, test_pct: int):
    X, y = make_dataset(name, n=n, noise=noise, seed=seed)
    fixed = name in FIXED_DATASETS
    Xtr, Xte, ytr, yte = train_test_split(
        X, y, test_size=0.0 if fixed else test_pct / 100, seed=seed + 1
    )
    return Xtr, ytr, Xte, yte, view_bounds(X)


def _run_key(sizes: list[int]) -> tuple:
    state = st.session_state
    return (
        state[f"{K}dataset"],
        state[f"{K}n"],
        round(state[f"{K}noise"], 4),
        state[f"{K}dseed"],
        state[f"{K}test"],
        tuple(sizes),
        state[f"{K}act"],
        state[f"{K}wseed"],
        state[f"{K}batch"],
        state[f"{K}resets"],
        id(state[f"{K}imported"]) if state[f"{K}imported"] is not None else None,
    )


def output_units(dataset: str) -> int:
    k = num_classes(dataset)
    return 1 if k == 2 else k


def build_trainer(sizes: list[int]) -> Trainer:
    """The trainer for the current settings; rebuilt (at the same initial weights) on a change."""
    state = st.session_state
    key = _run_key(sizes)
    trainer = state.get(f"{K}trainer")
    if trainer is not None and state.get(f"{K}run_key") == key:
        trainer.lr = state[f"{K}lr"]  # the learning rate may change during training
        return trainer
    Xtr, ytr, Xte, yte, _ = load_data(
        state[f"{K}dataset"], state[f"{K}n"], state[f"{K}noise"], state[f"{K}dseed"],
        state[f"{K}test"],
    )  # fmt: skip
    layer_sizes = [2, *sizes, output_units(state[f"{K}dataset"])]
    imported = state[f"{K}imported"]
    if (
        imported is not None
        and imported.layer_sizes == layer_sizes
        and imported.activation == state[f"{K}act"]
    ):
        model = imported.copy()
    else:
        state[f"{K}imported"] = None
        model = MLP(layer_sizes, activation=state[f"{K}act"], seed=state[f"{K}wseed"])
    trainer = Trainer(
        model,
        Xtr,
        ytr,
        Xte,
        yte,
        lr=state[f"{K}lr"],
        batch_size=state[f"{K}batch"],
        shuffle_seed=state[f"{K}wseed"],
    )
    state[f"{K}trainer"] = trainer
    state[f"{K}run_key"] = _run_key(sizes)
    state[f"{K}run_id"] = hashlib.sha1(repr(state[f"{K}run_key"]).encode()).hexdigest()[:12]
    state[f"{K}playing"] = False
    return trainer


# ----------------------------------------------------------------------------- callbacks


def _add_layer() -> None:
    state = st.session_state
    n = state[f"{K}n_hidden"]
    if n < MAX_HIDDEN_LAYERS:
        state[f"{K}units_{n}"] = state.get(f"{K}units_{n - 1}", 4) if n else 4
        state[f"{K}n_hidden"] = n + 1


def _remove_layer() -> None:
    state = st.session_state
    if state[f"{K}n_hidden"] > 0:
        state[f"{K}n_hidden"] -= 1


def _step(how: str) -> None:
    trainer: Trainer = st.session_state[f"{K}trainer"]
    trainer.lr = st.session_state[f"{K}lr"]
    if how == "step":
        trainer.run(1)
    else:
        trainer.run_epochs(1)


def _toggle_play() -> None:
    state = st.session_state
    state[f"{K}playing"] = not state[f"{K}playing"]


def _reset() -> None:
    st.session_state[f"{K}resets"] += 1  # a new run from the same initial weights


def _new_weights() -> None:
    state = st.session_state
    state[f"{K}wseed"] = (state[f"{K}wseed"] + 1) % 10_000
    state[f"{K}imported"] = None


def _lower_lr() -> None:
    state = st.session_state
    lower = [lr for lr in LEARNING_RATES if lr <= state[f"{K}lr"] / 10]
    state[f"{K}lr"] = lower[-1] if lower else LEARNING_RATES[0]
    trainer: Trainer = state[f"{K}trainer"]
    trainer.lr = state[f"{K}lr"]
    trainer.divergence = None  # continue from the last healthy weights


def _on_upload() -> None:
    upload = st.session_state.get(f"{K}upload")
    if upload is not None:
        st.session_state[f"{K}pending_import"] = upload.getvalue()


def apply_pending_import() -> None:
    """Load uploaded weights (before any widget is drawn, so the architecture can follow)."""
    state = st.session_state
    data = state.pop(f"{K}pending_import", None)
    if data is None:
        return
    state[f"{K}import_error"] = None
    try:
        model = MLP.from_json(data)
        want = output_units(state[f"{K}dataset"])
        if model.layer_sizes[0] != 2:
            raise ValueError(
                f"These weights take {model.layer_sizes[0]} inputs; the playground's points "
                "have 2 coordinates (x₁, x₂)."
            )
        if model.layer_sizes[-1] != want:
            raise ValueError(
                f"These weights have {model.layer_sizes[-1]} output unit(s), but this data set "
                f"needs {want} ({'one sigmoid unit' if want == 1 else f'{want} softmax units'}). "
                "Choose a matching data set first, then import again."
            )
    except ValueError as exc:
        state[f"{K}import_error"] = str(exc)
        return
    hidden = model.layer_sizes[1:-1]
    state[f"{K}n_hidden"] = len(hidden)
    for i, units in enumerate(hidden):
        state[f"{K}units_{i}"] = units
    state[f"{K}act"] = model.activation
    state[f"{K}imported"] = model
    state[f"{K}import_ok"] = f"Loaded a {'-'.join(map(str, model.layer_sizes))} network."


# ----------------------------------------------------------------------------- controls


def data_controls() -> None:
    st.markdown("**Data**")
    st.selectbox("Data set", DATASET_CHOICES, format_func=DATASET_LABELS.get, key=f"{K}dataset")
    name = st.session_state[f"{K}dataset"]
    st.caption(DESCRIPTIONS[name])
    fixed = name in FIXED_DATASETS
    c1, c2 = st.columns(2)
    c1.select_slider("Points", N_POINTS, key=f"{K}n", disabled=fixed)
    c2.select_slider(
        "Test share", TEST_PCTS, key=f"{K}test", format_func=lambda v: f"{v}%", disabled=fixed
    )
    c1, c2 = st.columns(2)
    c1.slider("Noise", 0.0, 0.5, step=0.05, key=f"{K}noise", disabled=fixed)
    c2.number_input("Data seed", 0, 9_999, step=1, key=f"{K}dseed", disabled=fixed)
    if fixed:
        st.caption("A fixed set: every point trains, there is no test set.")


def network_controls() -> list[int]:
    state = st.session_state
    n = state[f"{K}n_hidden"]
    st.markdown(f"**Network** · {n} hidden layer{'s' if n != 1 else ''}")
    c1, c2 = st.columns(2)
    c1.button(
        "Layer",
        icon=":material/add:",
        on_click=_add_layer,
        disabled=n >= MAX_HIDDEN_LAYERS,
        width="stretch",
        key=f"{K}add_layer",
        help=f"Add a hidden layer (up to {MAX_HIDDEN_LAYERS})",
    )
    c2.button(
        "Layer",
        icon=":material/remove:",
        on_click=_remove_layer,
        disabled=n == 0,
        width="stretch",
        key=f"{K}remove_layer",
        help="Remove the last hidden layer",
    )
    if n:
        st.caption(f"Units per hidden layer (1 to {MAX_UNITS})")
    cols = st.columns(2)  # two per row: a number and its steppers stay readable on a projector
    for i in range(n):
        state.setdefault(f"{K}units_{i}", 4)
        cols[i % 2].number_input(f"Layer {i + 1}", 1, MAX_UNITS, step=1, key=f"{K}units_{i}")
    if n == 0:
        st.caption("No hidden layer: the network is logistic regression, a single line.")
    st.selectbox(
        "Hidden activation σ", HIDDEN_ACTIVATIONS, format_func=ACTIVATION_LABELS.get, key=f"{K}act"
    )
    return hidden_sizes()


def training_controls() -> None:
    st.markdown("**Training**")
    st.select_slider(
        "Learning rate α",
        LEARNING_RATES,
        key=f"{K}lr",
        format_func=lambda v: f"{v:g}",
        help="Log scale from 0.0001 to 10. Too large and the loss explodes.",
    )
    c1, c2 = st.columns(2)
    c1.select_slider("Batch size |B|", BATCH_SIZES, key=f"{K}batch")
    c2.select_slider(
        "Steps per frame",
        SPEEDS,
        key=f"{K}speed",
        help="How many minibatch steps Play takes between two pictures.",
    )
    st.number_input(
        "Weight seed",
        0,
        9_999,
        step=1,
        key=f"{K}wseed",
        help="The same seed gives the same initial weights.",
    )


def training_buttons(trainer: Trainer, playing: bool) -> None:
    cols = st.columns([1, 1, 1.1, 1, 1.25])
    blocked = playing or trainer.divergence is not None
    cols[0].button(
        "Step",
        on_click=_step,
        args=("step",),
        disabled=blocked,
        type="primary",
        width="stretch",
        key=f"{K}step",
        help="One minibatch: one gradient step",
    )
    cols[1].button(
        "Epoch",
        on_click=_step,
        args=("epoch",),
        disabled=blocked,
        width="stretch",
        key=f"{K}epoch",
        help="Finish the current pass over the training points",
    )
    cols[2].button(
        "Pause" if playing else "Play",
        on_click=_toggle_play,
        disabled=trainer.divergence is not None and not playing,
        icon=":material/pause:" if playing else ":material/play_arrow:",
        width="stretch",
        key=f"{K}play",
    )
    cols[3].button(
        "Reset",
        on_click=_reset,
        width="stretch",
        key=f"{K}reset",
        help="Back to the same initial weights",
    )
    cols[4].button(
        "New weights",
        on_click=_new_weights,
        icon=":material/casino:",
        width="stretch",
        key=f"{K}new_weights",
        help="Draw different initial weights (next weight seed)",
    )


# ----------------------------------------------------------------------------- views


def _resolution(trainer: Trainer) -> int:
    # A coarser grid for big networks keeps a run of frames quick to compute.
    n = trainer.model.n_params
    return 60 if n <= 1500 else 44 if n <= 6000 else 32


def _payload(frames, trainer: Trainer, bounds, res: int, playing: bool) -> dict:
    state = st.session_state
    state[f"{K}batch_no"] += 1
    return {
        "run": state[f"{K}run_id"],
        "batch": state[f"{K}batch_no"],
        "res": res,
        "bounds": [float(b) for b in bounds],
        "frames": [
            {
                "img": encode_image(boundary_rgb(f.probs, res)),
                "it": f.iteration,
                "ep": f.epoch,
                "loss": f.train_loss,
                "acc": f.train_accuracy,
                "tloss": None if math.isnan(f.test_loss) else f.test_loss,
                "tacc": None if math.isnan(f.test_accuracy) else f.test_accuracy,
            }
            for f in frames
        ],
        "points": player_points(trainer.X_train, trainer.y_train, test=False)
        + player_points(trainer.X_test, trainer.y_test, test=True),
        "colours": list(CLASS_COLOURS),
        "fps": FPS,
        "playing": playing,
        "max_width": 600,
    }


def live_view(sizes: list[int], timer_on: bool) -> None:
    """Counters, the boundary player and the charts; re-runs on a timer while playing."""
    state = st.session_state
    if timer_on and not state[f"{K}playing"]:
        st.rerun()  # paused: rebuild the page without the timer
    trainer = build_trainer(sizes)
    bounds = load_data(
        state[f"{K}dataset"], state[f"{K}n"], state[f"{K}noise"], state[f"{K}dseed"],
        state[f"{K}test"],
    )[4]  # fmt: skip
    res = _resolution(trainer)
    grid = grid_points(bounds, res)
    playing = state[f"{K}playing"]
    if playing:
        frames = play_frames(
            trainer, grid, n_frames=FRAMES_PER_BATCH, steps_per_frame=state[f"{K}speed"]
        )
        if trainer.divergence is not None:
            state[f"{K}playing"] = False
            st.rerun()  # show the watchdog's message and the Play button again
        if not frames:
            frames = [frame_of(trainer, grid)]
    else:
        frames = [frame_of(trainer, grid)]

    st.markdown(
        f"#### Epoch {trainer.epoch} · iteration {trainer.iteration}",
        help=f"An iteration is one minibatch step; an epoch is {trainer.batches_per_epoch} "
        f"iterations here ({len(trainer.X_train)} training points in batches of "
        f"{trainer.batch_size}).",
    )
    left, right = st.columns([1.15, 1], gap="medium")
    with left:
        boundary_player(_payload(frames, trainer, bounds, res, playing), key=f"{K}player")
        st.caption(
            "Colour: the predicted class; the stronger the colour, the surer the network. "
            "Filled points train, ringed points test."
        )
    figures = _figures(trainer, sizes, bounds, playing)
    with right:
        st.plotly_chart(figures["curves"], width="stretch", key=f"{K}curves")
        st.plotly_chart(figures["network"], width="stretch", key=f"{K}network")
    if "units" in figures:
        st.markdown(
            "**What every hidden unit computes** over the input plane (blue negative, white 0, "
            "orange positive): later layers combine the simple maps of earlier ones."
        )
        st.plotly_chart(figures["units"], width="stretch", key=f"{K}units")
        if max(sizes) > 12:
            st.caption("Showing the first 12 units of each layer.")


def _figures(trainer: Trainer, sizes: list[int], bounds, playing: bool) -> dict:
    """The plotly views: all of them when paused; while playing, one at a time on a schedule.

    Every plotly refresh costs the browser a few hundred milliseconds (measured: curves 0.25 s,
    unit maps 0.3 s, network 0.35 s on the 2-core machine), and the boundary animation loses
    those frames. Rebuilding all three after every third run of frames cut Play to 10 frames/s
    on a 2-32-32-32-3 net; one view per run, each on its own beat (LIVE_SCHEDULE), keeps the
    animation at 15-20 frames/s, and the charts still follow the training.
    """
    state = st.session_state
    views = {"curves", "network", "units"} if sizes else {"curves", "network"}
    run = state[f"{K}run_id"]
    # Views of this very network and data set, from earlier runs of frames.
    figures = dict(state.get(f"{K}figures") or {}) if state.get(f"{K}figures_run") == run else {}
    beat = state[f"{K}batch_no"] % LIVE_CYCLE
    due = {name for name, beats in LIVE_SCHEDULE.items() if beat in beats} & views
    if not playing or set(figures) != views:
        due = views  # paused, or a new network or data set: everything afresh
    h = trainer.history
    if "curves" in due:
        figures["curves"] = curves_figure(
            h.epoch, h.train_loss, h.test_loss, h.train_accuracy, h.test_accuracy
        )
    if "network" in due:
        output = "sigmoid" if trainer.model.n_outputs == 1 else "softmax"
        figures["network"] = network_figure(
            trainer.model.params, output_label=output, height=300, weight_hover=not playing
        )
    if "units" in due:
        coarse = grid_points(bounds, UNIT_GRID)
        maps = [
            a.reshape(UNIT_GRID, UNIT_GRID, -1) for a in trainer.model.hidden_activations(coarse)
        ]
        figures["units"] = unit_maps_figure(maps, activation=trainer.model.activation)
    state[f"{K}figures"] = figures
    state[f"{K}figures_run"] = run
    return figures


def watchdog_message(trainer: Trainer) -> None:
    div = trainer.divergence
    if div is None:
        return
    lr = st.session_state[f"{K}lr"]
    st.error(
        f"**Training paused: it diverged.** Around iteration {div.iteration}, {div.reason}. "
        f"A learning rate of {lr:g} makes the steps so large that they overshoot the minimum "
        f"and climb out of it. The view shows the last healthy weights (iteration "
        f"{trainer.iteration}).",
        icon=":material/warning:",
    )
    lower = [v for v in LEARNING_RATES if v <= lr / 10]
    new_lr = lower[-1] if lower else LEARNING_RATES[0]
    st.button(
        f"Lower the learning rate to {new_lr:g} and continue",
        on_click=_lower_lr,
        type="primary",
        key=f"{K}lower_lr",
    )


def share_and_save(trainer: Trainer) -> None:
    state = st.session_state
    with st.expander("Share, export and import", icon=":material/share:"):
        st.markdown(
            "Every setting on this page is in the address bar: copy the link to open the same "
            "playground (same data, network and initial weights) on another screen."
        )
        c1, c2 = st.columns(2)
        with c1:
            st.download_button(
                "Download the weights (JSON)",
                data=trainer.model.to_json(),
                file_name=f"mlp-{'-'.join(map(str, trainer.model.layer_sizes))}.json",
                mime="application/json",
                icon=":material/download:",
                key=f"{K}download",
            )
        with c2:
            st.file_uploader(
                "Load weights (JSON)", type=["json"], key=f"{K}upload", on_change=_on_upload
            )
        if state.get(f"{K}import_error"):
            st.error(
                f"Could not load these weights: {state[f'{K}import_error']} The playground "
                "keeps its current network."
            )
        elif state.get(f"{K}import_ok"):
            st.success(state.pop(f"{K}import_ok"))


def playground() -> None:
    state = st.session_state
    controls, main = st.columns([1.2, 3], gap="large")
    with controls:
        data_controls()
        st.divider()
        sizes = network_controls()
        st.divider()
        training_controls()
    with main:
        trainer = build_trainer(sizes)
        playing = state[f"{K}playing"]
        training_buttons(trainer, playing)
        watchdog_message(trainer)
        st.fragment(live_view, run_every=PLAY_EVERY if playing else None)(sizes, playing)
        share_and_save(trainer)
    _sync_url(sizes)


# ----------------------------------------------------------------------------- page

_init_state()
apply_pending_import()
lesson_header(
    "Multilayer perceptron",
    "A hidden layer is a row of perceptrons with a smooth activation σ: it computes "
    "$\\mathbf h = \\sigma(W\\mathbf x + \\mathbf b)$, one linear map and then σ on every "
    "entry. The output layer maps $\\mathbf h$ to scores $f$ and turns them into probabilities: "
    "the sigmoid for two classes, softmax for $k$ classes. Stacking layers composes nonlinear "
    "functions, so the boundary can bend around XOR, circles and spirals. Training minimises the "
    "cross-entropy $-\\log p_y$ averaged over the data by **minibatch SGD**: each iteration "
    "takes a random batch $B$ and steps against the average gradient (backpropagation).",
    [
        r"\mathbf h_1 = \sigma(W_1 \mathbf x + \mathbf b_1),\quad "
        r"\mathbf h_2 = \sigma(W_2 \mathbf h_1 + \mathbf b_2),\quad \dots,\quad "
        r"\mathbf f = W_L \mathbf h_{L-1} + \mathbf b_L",
        r"p(y = 1 \mid \mathbf x) = \frac{1}{1 + e^{-f}} \qquad "
        r"p(y \mid \mathbf x) = \operatorname{softmax}(\mathbf f)_y = "
        r"\frac{e^{f_y}}{\sum_{i=1}^{k} e^{f_i}}",
        r"\ell(\mathbf x, y) = \sum_{j=1}^{k} -Y_j \log p_j = -\log p_y \qquad "
        r"\mathbf w_t = \mathbf w_{t-1} - \alpha \frac{1}{|B|} \sum_{i \in B} "
        r"\frac{\partial \ell(\mathbf x_i, y_i)}{\partial \mathbf w_{t-1}}",
    ],
)
playground()

quiz(quizzes.MLP)
# The same reconstruction of the slide's bars as the loss lesson (ui.quizzes), and said so.
st.plotly_chart(probability_bars(quizzes.CE_QUIZ_PROBS), width="content", key=f"{K}quiz_bars")
st.caption(
    "Output probabilities p₁ … p₅ of the network in the quiz. " + quizzes.CE_RECONSTRUCTION_NOTE
)
