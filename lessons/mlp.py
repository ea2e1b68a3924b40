"""Lesson: the multilayer perceptron playground. Build a network, train it, watch it learn.

Two fragments: the playground (settings, the trained network's view, the dimensions table) reruns
when a setting moves; inside it the player's view (buttons, boundary, curves, network, unit maps)
reruns alone on Step, Epoch, Reset and on Play's timer.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass

import numpy as np
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
from ui.charts import SessionCharts, chart, show
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
from ui.player import Control, Player
from ui.state import Settings, choice, int_list, integer, number
from ui.style import CLASS_COLOURS
from ui.text import mlp as text

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


@dataclass(frozen=True)
class Start:
    """The settings a data set starts with, chosen so that its point shows (issue 17).

    Measured with the playground's trainer (data seeds 0-2 × weight seeds 0-2; the test in
    tests/app/test_mlp.py checks the default seeds). Circles: about 98 % test accuracy in 50
    epochs. Moons: tanh stalled near 90 % for some seeds, ReLU reaches 99 %. Spiral at 200
    points, noise 0.1 and a 2-8-8-1 tanh net stayed near 50 % on test points (its arms, 0.29
    apart, drown in the noise); 500 points, noise 0.05 and a 2-32-32-1 ReLU net reach 89 % in 50
    epochs and 96 % in 100 (at α = 0.5 some runs diverged), at the default seeds 99 % in 100
    epochs: 20 s of Play at 10 steps per frame. Linearly separable sets start without a hidden
    layer: one line is all they need.
    """

    noise: float = 0.1
    n: int = 200
    hidden: tuple[int, ...] = (8, 8)
    act: str = "tanh"
    lr: float = 0.2
    speed: int = 5


STARTS = {
    "xor": Start(noise=0.0, hidden=(4,), lr=1.0),
    "xor_cloud": Start(),
    "circles": Start(),
    "moons": Start(act="relu"),
    "spiral": Start(noise=0.05, n=500, hidden=(32, 32), act="relu", speed=10),
    "blobs": Start(),
    "gaussian": Start(hidden=()),
    "linear": Start(hidden=()),
    "lecture": Start(noise=0.0, hidden=(), lr=1.0),
}
FOLLOW = ("noise", "n", "hidden", "act", "lr", "speed")  # the settings a data set starts with


def start_of(name: str):
    """The default of setting ``name`` for the data set chosen (read from the settings)."""
    return lambda s: getattr(STARTS[s["dataset"]], name)


S = Settings(
    "mlp",
    # Links shared before the settings helper used bare names (?dataset=spiral&hidden=8,8).
    choice("dataset", "circles", DATASET_CHOICES, aliases=("dataset",)),
    number("noise", 0.1, 0.0, 0.5, step=0.05, aliases=("noise",), default_from=start_of("noise")),
    choice("n", 200, N_POINTS, aliases=("n",), default_from=start_of("n")),
    choice("test", 20, TEST_PCTS, aliases=("test",)),
    integer("dseed", 0, 0, 9_999, aliases=("dseed",)),
    int_list(
        "hidden",
        (8, 8),
        low=1,
        high=MAX_UNITS,
        max_len=MAX_HIDDEN_LAYERS,
        aliases=("hidden",),
        default_from=start_of("hidden"),
    ),
    choice("act", "tanh", HIDDEN_ACTIVATIONS, aliases=("act",), default_from=start_of("act")),
    choice("lr", 0.2, LEARNING_RATES, aliases=("lr",), default_from=start_of("lr")),
    choice("batch", 10, BATCH_SIZES, aliases=("batch",)),
    integer("wseed", 0, 0, 9_999, aliases=("wseed",)),
    choice("speed", 5, SPEEDS, aliases=("speed",), default_from=start_of("speed")),
)

FPS = 20  # animation frames per second in the browser
FRAMES_PER_BATCH = 24  # frames computed per server round trip while playing
# A run of frames lasts FRAMES_PER_BATCH / FPS = 1.2 s on screen; ask for the next one a little
# sooner, since each round trip also costs time, so that the player's queue never runs dry.
PLAY_EVERY = 0.85 * FRAMES_PER_BATCH / FPS
UNIT_GRID = 28
# While playing, the plotly views are rebuilt on these beats of a cycle of LIVE_CYCLE runs of
# frames (a run lasts about a second): the curves twice per cycle, the others once. Every plotly
# refresh costs the browser a few hundred milliseconds (measured: curves 0.25 s, unit maps 0.3 s,
# network 0.35 s on the 2-core machine), and the boundary animation loses those frames.
# Rebuilding all three after every third run of frames cut Play to 10 frames/s on a 2-32-32-32-3
# net; one view per run, each on its own beat, keeps the animation at 15-20 frames/s, and the
# charts still follow the training.
LIVE_CYCLE = 6
LIVE_SCHEDULE = {"curves": (0, 3), "units": (1,), "network": (4,)}

player = Player(
    "mlp",
    interval=PLAY_EVERY,
    play_help="Train without stopping; the picture follows (steps per frame: see Training).",
)
charts = SessionCharts("mlp_charts")
# The boundary picture and the charts share a row that wraps: each needs 300 px (flex items are
# the layout wrappers around the keyed containers; no theme option sets a minimum width). The
# dimensions table scrolls sideways on a phone instead of running off the screen.
LAYOUT_CSS = """<style>
[data-testid="stLayoutWrapper"]:has(> .st-key-mlp_board) { flex: 1.15 1 300px; min-width: 300px; }
[data-testid="stLayoutWrapper"]:has(> .st-key-mlp_charts) { flex: 1 1 300px; min-width: 300px; }
.st-key-mlp_dims [data-testid="stMarkdownContainer"]:has(> table) { overflow-x: auto; }
</style>"""


# ----------------------------------------------------------------------------- data and trainer


@dataclass(frozen=True)
class Data:
    X_train: np.ndarray
    y_train: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray
    bounds: tuple[float, float, float, float]
    points: list  # the player's scatter layer: train points, then test points


@st.cache_resource(max_entries=32, show_spinner=False)
def load_data(name: str, n: int, noise: float, seed: int, test_pct: int) -> Data:
    """The data set, split, framed and listed for the player; shared read-only by everyone."""
    X, y = make_dataset(name, n=n, noise=noise, seed=seed)
    fixed = name in FIXED_DATASETS
    Xtr, Xte, ytr, yte = train_test_split(
        X, y, test_size=0.0 if fixed else test_pct / 100, seed=seed + 1
    )
    for array in (Xtr, ytr, Xte, yte):
        array.flags.writeable = False
    points = player_points(Xtr, ytr, test=False) + player_points(Xte, yte, test=True)
    return Data(Xtr, ytr, Xte, yte, view_bounds(X), points)


def data() -> Data:
    return load_data(S["dataset"], S["n"], S["noise"], S["dseed"], S["test"])


def output_units(dataset: str) -> int:
    k = num_classes(dataset)
    return 1 if k == 2 else k


def layer_sizes() -> list[int]:
    return [2, *S["hidden"], output_units(S["dataset"])]


def _run_key() -> tuple:
    state = st.session_state
    imported = state.get(S.key("imported"))
    return (
        S["dataset"], S["n"], S["noise"], S["dseed"], S["test"], S["hidden"], S["act"],
        S["wseed"], S["batch"], state.get(S.key("resets"), 0),
        id(imported) if imported is not None else None,
    )  # fmt: skip


def build_trainer() -> Trainer:
    """The trainer for the current settings; rebuilt (at the same initial weights) on a change."""
    state = st.session_state
    key = _run_key()
    trainer = state.get(S.key("trainer"))
    if trainer is not None and state.get(S.key("run_key")) == key:
        trainer.lr = S["lr"]  # the learning rate may change during training
        return trainer
    d = data()
    sizes = layer_sizes()
    imported = state.get(S.key("imported"))
    if imported is not None and imported.layer_sizes == sizes and imported.activation == S["act"]:
        model = imported.copy()
    else:
        state[S.key("imported")] = None
        model = MLP(sizes, activation=S["act"], seed=S["wseed"])
    trainer = Trainer(
        model, d.X_train, d.y_train, d.X_test, d.y_test,
        lr=S["lr"], batch_size=S["batch"], shuffle_seed=S["wseed"],
    )  # fmt: skip
    key = _run_key()
    state[S.key("trainer")] = trainer
    state[S.key("run_key")] = key
    state[S.key("run_id")] = hashlib.sha1(repr(key).encode()).hexdigest()[:12]
    player.stop()
    return trainer


# ----------------------------------------------------------------------------- callbacks


def add_layer() -> None:
    hidden = S["hidden"]
    if len(hidden) < MAX_HIDDEN_LAYERS:
        S["hidden"] = (*hidden, hidden[-1] if hidden else 4)


def remove_layer() -> None:
    S["hidden"] = S["hidden"][:-1]


def set_units(i: int) -> None:
    hidden = list(S["hidden"])
    hidden[i] = int(st.session_state[S.key(f"units_{i}")])
    S["hidden"] = tuple(hidden)


def follow_dataset(old: str) -> None:
    """A new data set: the settings still at the old one's starting values take the new one's;
    the ones the learner changed stay as they are."""
    for name in FOLLOW:
        if S[name] == getattr(STARTS[old], name):
            S[name] = S.default(name)


def rerun_page() -> None:
    """Ask the player's view to rerun the whole page: a setting shown outside it changed."""
    st.session_state[S.key("rerun_page")] = True


def train(how: str) -> None:
    trainer: Trainer = st.session_state[S.key("trainer")]
    trainer.lr = S["lr"]
    if how == "step":
        trainer.run(1)
    else:
        trainer.run_epochs(1)


def reset() -> None:
    state = st.session_state
    state[S.key("resets")] = state.get(S.key("resets"), 0) + 1  # same initial weights, again


def new_weights() -> None:
    S["wseed"] = (S["wseed"] + 1) % 10_000
    st.session_state[S.key("imported")] = None
    rerun_page()


def lower_lr_value(lr: float) -> float:
    lower = [v for v in LEARNING_RATES if v <= lr / 10]
    return lower[-1] if lower else LEARNING_RATES[0]


def lower_lr() -> None:
    S["lr"] = lower_lr_value(S["lr"])
    trainer: Trainer = st.session_state[S.key("trainer")]
    trainer.lr = S["lr"]
    trainer.divergence = None  # continue from the last healthy weights
    rerun_page()


def on_upload() -> None:
    upload = st.session_state.get(S.key("upload"))
    if upload is not None:
        st.session_state[S.key("pending_import")] = upload.getvalue()


def apply_pending_import() -> None:
    """Load uploaded weights (before any widget is drawn, so the architecture can follow)."""
    state = st.session_state
    payload = state.pop(S.key("pending_import"), None)
    if payload is None:
        return
    state[S.key("import_error")] = None
    try:
        model = MLP.from_json(payload)
        problem = text.import_problem(model.layer_sizes, output_units(S["dataset"]))
        if problem:
            raise ValueError(problem)
        S["hidden"] = tuple(model.layer_sizes[1:-1])
        S["act"] = model.activation
    except ValueError as exc:
        state[S.key("import_error")] = str(exc)
        return
    state[S.key("imported")] = model
    state[S.key("import_ok")] = f"Loaded a {'-'.join(map(str, model.layer_sizes))} network."


# ----------------------------------------------------------------------------- controls


def data_controls() -> None:
    st.markdown("**Data**")
    name = S["dataset"]
    S.selectbox(
        "dataset", "Data set", format_func=DATASET_LABELS.get,
        on_change=follow_dataset, args=(name,),
    )  # fmt: skip
    st.caption(DESCRIPTIONS[name])
    fixed = name in FIXED_DATASETS
    c1, c2 = st.columns(2)
    with c1:
        S.select_slider("n", "Points", disabled=fixed)
    with c2:
        S.select_slider("test", "Test share", format_func=lambda v: f"{v}%", disabled=fixed)
    c1, c2 = st.columns(2)
    with c1:
        S.slider("noise", "Noise", disabled=fixed)
    with c2:
        S.number_input("dseed", "Data seed", disabled=fixed)
    if fixed:
        st.caption("A fixed set: every point trains, there is no test set.")
    if any(S[f] != S.default(f) for f in FOLLOW):
        start = STARTS[name]
        st.button(
            "Starting settings",
            icon=":material/restart_alt:",
            on_click=S.reset,
            args=FOLLOW,
            key=S.key("starting_settings"),
            help=text.starting_settings(
                DATASET_LABELS[name],
                None if fixed else start.noise,
                start.hidden,
                ACTIVATION_LABELS[start.act],
                start.lr,
            ),
        )


def network_controls() -> None:
    hidden = S["hidden"]
    n = len(hidden)
    st.markdown(text.network_heading(n))
    with st.container(horizontal=True, gap="small"):
        st.button(
            "Layer", icon=":material/add:", on_click=add_layer,
            disabled=n >= MAX_HIDDEN_LAYERS, key=S.key("add_layer"),
            help=f"Add a hidden layer (up to {MAX_HIDDEN_LAYERS})",
        )  # fmt: skip
        st.button(
            "Layer", icon=":material/remove:", on_click=remove_layer,
            disabled=n == 0, key=S.key("remove_layer"), help="Remove the last hidden layer",
        )  # fmt: skip
    if n:
        st.caption(f"Units per hidden layer (1 to {MAX_UNITS})")
    cols = st.columns(2)  # two per row: a number and its steppers stay readable on a projector
    for i, units in enumerate(hidden):
        key = S.key(f"units_{i}")
        st.session_state[key] = units  # the widget shows the setting (after add, import, link)
        cols[i % 2].number_input(
            f"Layer {i + 1}", 1, MAX_UNITS, step=1, key=key, on_change=set_units, args=(i,)
        )
    if n == 0:
        st.caption(text.no_hidden_layer(num_classes(S["dataset"])))
    S.selectbox("act", "Hidden activation σ", format_func=ACTIVATION_LABELS.get)


def training_controls() -> None:
    st.markdown("**Training**")
    S.select_slider(
        "lr", "Learning rate α", format_func=lambda v: f"{v:g}",
        help="Log scale from 0.0001 to 10. Too large and the loss explodes.",
    )  # fmt: skip
    c1, c2 = st.columns(2)
    with c1:
        S.select_slider("batch", "Batch size |B|")
    with c2:
        S.select_slider(
            "speed", "Steps per frame",
            help="How many minibatch steps Play takes between two pictures.",
        )  # fmt: skip
    S.number_input("wseed", "Weight seed", help="The same seed gives the same initial weights.")


# ----------------------------------------------------------------------------- the player's view


def _resolution(trainer: Trainer) -> int:
    # A coarser grid for big networks keeps a run of frames quick to compute.
    n = trainer.model.n_params
    return 60 if n <= 1500 else 44 if n <= 6000 else 32


def _payload(frames, d: Data, res: int, playing: bool) -> dict:
    state = st.session_state
    state[S.key("batch_no")] = state.get(S.key("batch_no"), 0) + 1
    return {
        "run": state[S.key("run_id")],
        "batch": state[S.key("batch_no")],
        "res": res,
        "bounds": [float(b) for b in d.bounds],
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
        "points": d.points,
        "colours": list(CLASS_COLOURS),
        "fps": FPS,
        "playing": playing,
        "max_width": 600,
    }


def boundary_payload(trainer: Trainer, d: Data, playing: bool) -> dict | None:
    """While playing: the next run of frames (None if training just diverged). Paused: the
    picture of the current weights, computed once per state of training (a setting that does
    not change the network, such as α, sends the player what it already shows)."""
    state = st.session_state
    res = _resolution(trainer)
    grid = grid_points(d.bounds, res)
    if playing:
        frames = play_frames(trainer, grid, n_frames=FRAMES_PER_BATCH, steps_per_frame=S["speed"])
        if trainer.divergence is not None:
            return None
        return _payload(frames or [frame_of(trainer, grid)], d, res, playing=True)
    key = (state[S.key("run_id")], trainer.iteration)
    kept = state.get(S.key("still"))
    if kept is None or kept[0] != key:
        kept = (key, _payload([frame_of(trainer, grid)], d, res, playing=False))
        state[S.key("still")] = kept
    return kept[1]


def live_charts(trainer: Trainer, d: Data, playing: bool) -> dict:
    """The plotly views: rebuilt when the training moved on. While playing, one at a time on
    its beat (LIVE_SCHEDULE); a new network or data set rebuilds them all at once."""
    state = st.session_state
    run = state[S.key("run_id")]
    beat = state.get(S.key("batch_no"), 0) % LIVE_CYCLE

    def due(name: str) -> bool:
        return not playing or beat in LIVE_SCHEDULE[name]

    h = trainer.history
    model = trainer.model
    out = {
        "curves": charts.get(
            "curves",
            lambda: curves_figure(
                h.epoch, h.train_loss, h.test_loss, h.train_accuracy, h.test_accuracy
            ),
            scope=run,
            state=(len(h.iteration), h.iteration[-1]),
            due=due("curves"),
        ),
        "network": charts.get(
            "network",
            lambda: network_figure(
                model.params,
                output_label="sigmoid" if model.n_outputs == 1 else "softmax",
                activation=ACTIVATION_LABELS[model.activation],
                height=300,
                weight_hover=not playing,
            ),
            scope=run,
            state=(trainer.iteration, not playing),
            due=due("network"),
        ),
    }
    if len(model.layer_sizes) > 2:

        def unit_maps():
            coarse = grid_points(d.bounds, UNIT_GRID)
            maps = [a.reshape(UNIT_GRID, UNIT_GRID, -1) for a in model.hidden_activations(coarse)]
            return unit_maps_figure(maps, activation=model.activation)

        out["units"] = charts.get(
            "units", unit_maps, scope=run, state=trainer.iteration, due=due("units")
        )
    else:
        charts.drop("units")
    return out


def watchdog(trainer: Trainer) -> None:
    div = trainer.divergence
    if div is None:
        return
    lr = S["lr"]
    message = text.divergence(div.iteration, div.reason, lr, trainer.iteration)
    st.error(message, icon=":material/warning:")
    st.button(
        f"Lower the learning rate to {lower_lr_value(lr):g} and continue",
        on_click=lower_lr,
        type="primary",
        key=S.key("lower_lr"),
    )


def live_view() -> None:
    """Buttons, counters, the boundary player and the charts: the player's fragment, rerun by
    its buttons and, while playing, by its timer."""
    state = st.session_state
    if state.pop(S.key("rerun_page"), False):
        st.rerun(scope="app")  # New weights, a lower α: the settings column shows the change
    trainer = build_trainer()
    box = state.setdefault(S.key("live"), {})
    box["trainer"] = trainer  # what the download button saves when it is clicked
    d = data()
    playing = player.playing
    payload = boundary_payload(trainer, d, playing)
    if payload is None:
        player.stop()  # diverged while playing: the player reruns the page, paused
        return
    diverged = trainer.divergence is not None
    player.controls(
        [
            Control("Step", train, key="step", args=("step",), primary=True,
                    disabled=diverged, help="One minibatch: one gradient step"),
            Control("Epoch", train, key="epoch", args=("epoch",), disabled=diverged,
                    help="Finish the current pass over the training points"),
        ],
        [
            Control("Reset", reset, key="reset", help="Back to the same initial weights"),
            Control("New weights", new_weights, key="new_weights", icon=":material/casino:",
                    help="Draw different initial weights (next weight seed)"),
        ],
        can_play=not diverged,
        wrap=True,
    )  # fmt: skip
    watchdog(trainer)
    st.markdown(
        text.counters(trainer.epoch, trainer.iteration),
        help=text.counters_help(
            trainer.batches_per_epoch, len(trainer.X_train), trainer.batch_size
        ),
    )
    figures = live_charts(trainer, d, playing)
    # The picture and the charts side by side, or one above the other where the column is too
    # narrow for both (LAYOUT_CSS): a 1100 px screen left the charts 190 px wide.
    with st.container(horizontal=True, gap="medium", key=S.key("live_row")):
        with st.container(key=S.key("board")):
            boundary_player(payload, key=S.key("player"))
            st.caption(
                "Colour: the predicted class; the stronger the colour, the surer the network. "
                "Filled points train, ringed points test."
            )
        with st.container(key=S.key("charts")):
            show(figures["curves"], key=S.key("curves"))
            show(figures["network"], key=S.key("network"))
    if "units" in figures:
        st.markdown(
            "**What every hidden unit computes** over the input plane (blue negative, white 0, "
            "orange positive): later layers combine the simple maps of earlier ones."
        )
        show(figures["units"], key=S.key("units"))
        if max(S["hidden"]) > 12:
            st.caption("Showing the first 12 units of each layer.")
    S.sync_url()


# ----------------------------------------------------------------------------- the playground


def share_and_save() -> None:
    state = st.session_state
    box = state.setdefault(S.key("live"), {})
    with st.expander("Share, export and import", icon=":material/share:"):
        st.markdown(
            "Every setting on this page is in the address bar: copy the link to open the same "
            "playground (same data, network and initial weights) on another screen."
        )
        c1, c2 = st.columns(2)
        with c1:
            st.download_button(
                "Download the weights (JSON)",
                # Built when clicked, from the weights trained so far (Step and Play rerun only
                # the player's view, not this expander).
                data=lambda: box["trainer"].model.to_json(),
                file_name=f"mlp-{'-'.join(map(str, layer_sizes()))}.json",
                mime="application/json",
                icon=":material/download:",
                on_click="ignore",
                key=S.key("download"),
            )
        with c2:
            st.file_uploader(
                "Load weights (JSON)", type=["json"], key=S.key("upload"), on_change=on_upload
            )
        if state.get(S.key("import_error")):
            st.error(
                f"Could not load these weights: {state[S.key('import_error')]} The playground "
                "keeps its current network."
            )
        elif state.get(S.key("import_ok")):
            st.success(state.pop(S.key("import_ok")))


def dimensions_section() -> None:
    """The lecture's "note the dimensions", for the network on screen."""
    sizes = layer_sizes()
    st.subheader(
        "Dimensions of every layer",
        help="The lecture: W ∈ ℝ^{m×d}, b ∈ ℝ^m, h = σ(Wx + b) ∈ ℝ^m. Note the dimensions.",
    )
    output = "sigmoid" if sizes[-1] == 1 else "softmax"
    trainer = build_trainer()
    shapes = [W.shape for W, _ in trainer.model.params]  # as the engine really stores them
    with st.container(key=S.key("dims")):
        st.markdown(text.dimensions_table(sizes, shapes, output=output))
        st.caption(text.dimensions_note(sizes, shapes[0], trainer.batch_size))


@st.fragment
def playground() -> None:
    apply_pending_import()
    controls, main = st.columns([1.2, 3], gap="large")
    with controls:
        data_controls()
        st.divider()
        network_controls()
        st.divider()
        training_controls()
    with main:
        player.run(live_view)
        share_and_save()
    dimensions_section()
    S.sync_url()


@chart(max_entries=4)
def quiz_bars_chart(probs: tuple[float, ...]):
    return probability_bars(probs)


# ----------------------------------------------------------------------------- page

S.init()
st.html(LAYOUT_CSS)
lesson_header("Multilayer perceptron", text.SUMMARY, text.FORMULAS)
st.caption(text.SIGMA_NOTE)
S.notice()
playground()

quiz(quizzes.MLP)
# The same reconstruction of the slide's bars as the loss lesson (ui.quizzes), and said so.
show(quiz_bars_chart(tuple(quizzes.CE_QUIZ_PROBS)), key=S.key("quiz_bars"), width="content")
st.caption(
    "Output probabilities p₁ … p₅ of the network in the quiz. " + quizzes.CE_RECONSTRUCTION_NOTE
)
S.sync_url()
