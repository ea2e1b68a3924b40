"""Lesson: the multilayer perceptron playground. Build a network, train it, watch it learn:
classify points in the plane (any data set, or points clicked in), or fit a curve (regression).

Two fragments: the playground (settings, the trained network's view, the dimensions table) reruns
when a setting moves; inside it the player's view (buttons, the picture, curves, network, unit
maps) reruns alone on Step, Epoch, Reset, a click in the picture and on Play's timer.
"""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import dataclass

import numpy as np
import streamlit as st

from engine.activations import ACTIVATION_LABELS, HIDDEN_ACTIVATIONS
from engine.datasets import (
    DESCRIPTIONS,
    FIXED_DATASETS,
    REGRESSION_DATASETS,
    REGRESSION_DESCRIPTIONS,
    make_dataset,
    make_regression,
    num_classes,
    split_indices,
)
from engine.files import load_json
from engine.mlp import (
    MAX_FILE_BYTES,
    MAX_HIDDEN_LAYERS,
    MAX_UNITS,
    MLP,
    Frame,
    Trainer,
    frame_of,
    grid_points,
    line_points,
    play_frames,
)
from ui import quizzes
from ui.charts import SessionCharts, chart, show
from ui.clicks import acknowledged, take_clicks
from ui.figures.mlp import (
    boundary_rgb,
    curve_bounds,
    curves_figure,
    encode_floats,
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
from ui.point_edits import (
    MAX_ADDED,
    MAX_TEXT,
    Edits,
    add_point,
    apply_edits,
    erase_near,
    from_export,
    from_text,
    to_export,
    to_text,
)
from ui.state import Settings, choice, custom, int_list, integer, number
from ui.style import CLASS_COLOURS, class_dots_css
from ui.text import mlp as text

TASKS = ("classification", "regression")
TASK_LABELS = {"classification": "Classify points", "regression": "Fit a curve"}
DATASET_CHOICES = (
    "xor", "xor_cloud", "circles", "moons", "spiral", "blobs", "gaussian", "linear", "lecture",
    "empty",
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
    "empty": "Empty canvas: click to add points",
}
EMPTY_BOUNDS = (-1.6, 1.6, -1.6, 1.6)  # about the generated sets' view; ticks at -1, 0, 1
CURVE_LABELS = {"sine": "Sine", "step": "Step", "abs": "Absolute value |x|", "noisy": "Noisy line"}
CURVE_POINTS = 121  # inputs at which the regression view draws f and the contributions
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
    "empty": Start(),
}
# The curves start with one hidden layer, so that the units' contributions are the pieces f is
# summed from. Measured at data seeds 0-2 × weight seeds 0-2, 50 points, 20 % test, test loss
# after 100 epochs (about 3 s of Play): sine 0.017 (tanh bumps), step 0.005 (16 ReLU units),
# |x| 0.0000 (two ReLU units make it exactly), noisy line 0.096 (the noise's own 0.09: a small
# net stays near the line; 32-32 ReLU units chase the noise, 0.16).
REGRESSION_STARTS = {
    "sine": Start(noise=0.0, n=50, hidden=(8,), act="tanh", lr=0.2),
    "step": Start(noise=0.0, n=50, hidden=(16,), act="relu", lr=0.2),
    "abs": Start(noise=0.0, n=50, hidden=(8,), act="relu", lr=0.1),
    "noisy": Start(noise=0.0, n=50, hidden=(8,), act="tanh", lr=0.1),
}
FOLLOW = ("noise", "n", "hidden", "act", "lr", "speed")  # the settings a data set starts with


def start_for(s) -> Start:
    """The starting settings of the data set (or curve) chosen in ``s`` (the settings)."""
    if s["task"] == "regression":
        return REGRESSION_STARTS[s["curve"]]
    return STARTS[s["dataset"]]


def start_of(name: str):
    """The default of setting ``name`` for the data set chosen (read from the settings)."""
    return lambda s: getattr(start_for(s), name)


S = Settings(
    "mlp",
    choice("task", "classification", TASKS),
    # Links shared before the settings helper used bare names (?dataset=spiral&hidden=8,8).
    choice("dataset", "circles", DATASET_CHOICES, aliases=("dataset",)),
    choice("curve", "sine", REGRESSION_DATASETS),
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
    # Points the learner clicked in (added) or out (erased), compactly (ui.point_edits).
    custom("points", Edits(), from_text, to_text, max_text=MAX_TEXT),
)

FPS = 20  # animation frames per second in the browser
FRAMES_PER_BATCH = 24  # frames computed per server round trip while playing
# A run of frames lasts FRAMES_PER_BATCH / FPS = 1.2 s on screen; ask for the next one a little
# sooner, since each round trip also costs time, so that the player's queue never runs dry.
PLAY_EVERY = 0.85 * FRAMES_PER_BATCH / FPS
UNIT_GRID = 28
ERASE_RADIUS = 0.04  # of the view's width: a click this close to a point erases it (~12 px)
UNDO_DEPTH = 50
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
# dimensions table's six columns cannot fit a phone: there every layer becomes a card, one line
# per column, labelled with the column's head (thead is hidden; the heads are fixed, so CSS can
# name them).
LAYOUT_CSS = """<style>
[data-testid="stLayoutWrapper"]:has(> .st-key-mlp_board) { flex: 1.15 1 300px; min-width: 300px; }
[data-testid="stLayoutWrapper"]:has(> .st-key-mlp_charts) { flex: 1 1 300px; min-width: 300px; }
@media (max-width: 640px) {
  .st-key-mlp_dims table, .st-key-mlp_dims tbody, .st-key-mlp_dims tr,
  .st-key-mlp_dims td { display: block; width: 100%; }
  .st-key-mlp_dims thead { display: none; }
  .st-key-mlp_dims tr { margin-bottom: 0.75rem; border-bottom: 1px solid rgba(49, 51, 63, 0.2); }
  .st-key-mlp_dims td { border: none; padding: 0.15rem 0.25rem; }
  .st-key-mlp_dims td:empty { display: none; }
  .st-key-mlp_dims td:first-child { font-weight: 600; }
  .st-key-mlp_dims td:nth-child(2)::before { content: "computes: "; color: #4a5263; }
  .st-key-mlp_dims td:nth-child(3)::before { content: "W (lecture): "; color: #4a5263; }
  .st-key-mlp_dims td:nth-child(4)::before { content: "W in MLP.params: "; color: #4a5263; }
  .st-key-mlp_dims td:nth-child(5)::before { content: "b: "; color: #4a5263; }
  .st-key-mlp_dims td:nth-child(6)::before { content: "parameters: "; color: #4a5263; }
}
</style>"""


# ----------------------------------------------------------------------------- data and trainer


def regression() -> bool:
    return S["task"] == "regression"


@dataclass(frozen=True)
class Data:
    """A data set as drawn from its settings, before any click: shared read-only by everyone."""

    X: np.ndarray  # (n, d) its points (d = 1 for a curve)
    y: np.ndarray  # (n,) labels, or target values for a curve
    train: np.ndarray  # indices of the training points
    test: np.ndarray  # indices of the test points
    bounds: tuple[float, float, float, float]
    fixed: bool  # no points, noise or seed to choose, no test set


@st.cache_resource(max_entries=32, show_spinner=False)
def load_data(task: str, name: str, n: int, noise: float, seed: int, test_pct: int) -> Data:
    if task == "regression":
        X, y = make_regression(name, n=n, noise=noise, seed=seed)
        bounds = curve_bounds(X[:, 0], y)
    elif name == "empty":
        X, y = np.zeros((0, 2)), np.zeros(0, dtype=np.int64)
        bounds = EMPTY_BOUNDS
    else:
        X, y = make_dataset(name, n=n, noise=noise, seed=seed)
        bounds = view_bounds(X)
    fixed = task == "classification" and (name in FIXED_DATASETS or name == "empty")
    train, test = split_indices(len(X), test_size=0.0 if fixed else test_pct / 100, seed=seed + 1)
    for array in (X, y, train, test):
        array.flags.writeable = False
    return Data(X, y, train, test, bounds, fixed)


def data_key() -> tuple:
    name = S["curve"] if regression() else S["dataset"]
    return (S["task"], name, S["n"], S["noise"], S["dseed"], S["test"])


def data() -> Data:
    return load_data(*data_key())


@dataclass(frozen=True)
class Points:
    """What trains, what tests and what the player draws: the data set after the clicks."""

    X_train: np.ndarray
    y_train: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray
    drawn: list  # the player's points: [x1, x2, class, is_test] (a curve: [x, y, 0, is_test])
    key: tuple  # which data set and which edits


def edits() -> Edits:
    """The clicked points that apply: none for a curve."""
    return Edits() if regression() else S["points"]


def points() -> Points:
    """The current data set with the clicks applied, kept per session until either changes."""
    state = st.session_state
    key = (data_key(), edits())
    kept = state.get(S.key("points_made"))
    if kept is not None and kept.key == key:
        return kept
    d = data()
    if regression():
        Xtr, ytr, Xte, yte = d.X[d.train], d.y[d.train], d.X[d.test], d.y[d.test]
        drawn = player_points(
            np.column_stack([Xtr[:, 0], ytr]), np.zeros(len(ytr), int), test=False
        ) + player_points(np.column_stack([Xte[:, 0], yte]), np.zeros(len(yte), int), test=True)
    else:
        split = apply_edits(d.X, d.y, d.train, d.test, key[1])
        Xtr, ytr, Xte, yte = split.X_train, split.y_train, split.X_test, split.y_test
        drawn = player_points(Xtr, ytr, test=False) + player_points(Xte, yte, test=True)
    made = Points(Xtr, ytr, Xte, yte, drawn, key)
    state[S.key("points_made")] = made
    return made


def n_classes() -> int:
    """Classes of the data set on screen; 0 for a curve."""
    return 0 if regression() else num_classes(S["dataset"])


def output_units() -> int:
    k = n_classes()
    return 1 if k <= 2 else k


def layer_sizes() -> list[int]:
    return [1 if regression() else 2, *S["hidden"], output_units()]


def _run_key() -> tuple:
    """What makes a new network (at its initial weights): everything but the clicked points,
    which the network goes on training on (``Trainer.replace_data``)."""
    state = st.session_state
    imported = state.get(S.key("imported"))
    return (
        data_key(), S["hidden"], S["act"], S["wseed"], S["batch"], state.get(S.key("resets"), 0),
        id(imported) if imported is not None else None,
    )  # fmt: skip


def model() -> MLP:
    """The network on screen (trained so far, or not at all when there is nothing to train)."""
    build_trainer()
    return st.session_state[S.key("model")]


def build_trainer() -> Trainer | None:
    """The trainer for the current settings (None while there is no training point); rebuilt
    at the same initial weights when a setting changes, given the new points when a click
    changed them."""
    state = st.session_state
    key = _run_key()
    pts = points()
    trainer = state.get(S.key("trainer"))
    if state.get(S.key("run_key")) == key and S.key("model") in state:
        if state.get(S.key("trained_on")) != pts.key:
            trainer = _new_points(trainer, state[S.key("model")], pts)
        if trainer is not None:
            trainer.lr = S["lr"]  # the learning rate may change during training
        return trainer
    sizes = layer_sizes()
    output = "linear" if regression() else "auto"
    imported = state.get(S.key("imported"))
    if (
        imported is not None
        and imported.layer_sizes == sizes
        and imported.activation == S["act"]
        and imported.output == output
    ):
        net = imported.copy()
    else:
        state[S.key("imported")] = None
        net = MLP(sizes, activation=S["act"], seed=S["wseed"], output=output)
    state[S.key("model")] = net
    trainer = _new_points(None, net, pts)
    key = _run_key()
    state[S.key("run_key")] = key
    state[S.key("run_id")] = hashlib.sha1(repr(key).encode()).hexdigest()[:12]
    player.stop()
    return trainer


def _new_points(trainer: Trainer | None, net: MLP, pts: Points) -> Trainer | None:
    """The same network on the points as they are now."""
    state = st.session_state
    state[S.key("trained_on")] = pts.key
    if len(pts.y_train) == 0:
        trainer = None  # nothing to train on: the network waits, as it is
    elif trainer is None:
        trainer = Trainer(
            net, pts.X_train, pts.y_train, pts.X_test, pts.y_test,
            lr=S["lr"], batch_size=S["batch"], shuffle_seed=S["wseed"],
        )  # fmt: skip
    else:
        trainer.replace_data(pts.X_train, pts.y_train, pts.X_test, pts.y_test)
    state[S.key("trainer")] = trainer
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


def follow_start(old: Start) -> None:
    """A new data set, curve or task: the settings still at the old one's starting values take
    the new one's; the ones the learner changed stay as they are. Clicked points belong to the
    data set they were clicked into: they go."""
    for name in FOLLOW:
        if S[name] == getattr(old, name):
            S[name] = S.default(name)
    set_points(Edits(), undoable=False)


def forget_erased() -> None:
    """New points drawn (another number of points, another seed): the erased ones were those
    of the old draw; the added ones stay."""
    set_points(Edits(S["points"].added), undoable=False)


def set_points(new: Edits, *, undoable: bool = True) -> None:
    state = st.session_state
    undo = state.setdefault(S.key("undo"), [])
    if not undoable:
        undo.clear()
    elif new != S["points"]:
        undo.append(S["points"])
        del undo[:-UNDO_DEPTH]
    S["points"] = new


def undo_points() -> None:
    undo = st.session_state.get(S.key("undo"))
    if undo:
        S["points"] = undo.pop()


def on_click() -> None:
    """Clicks in the picture: add a point of the brush's class, or erase the nearest one."""
    clicks = take_clicks(S.key("player"))
    if regression() or not clicks:
        return
    d = data()
    x0, x1, y0, y1 = d.bounds
    brush = st.session_state.get(S.key("brush"), "0")
    current = S["points"]
    for x, y in clicks:
        if not (x0 <= x <= x1 and y0 <= y <= y1):
            continue
        if brush == "erase":
            current = erase_near(current, d.X, x, y, ERASE_RADIUS * (x1 - x0))
        elif brush.isdigit() and int(brush) < max(n_classes(), 2):
            current = add_point(current, x, y, int(brush))
    set_points(current)


def rerun_page() -> None:
    """Ask the player's view to rerun the whole page: a setting shown outside it changed."""
    st.session_state[S.key("rerun_page")] = True


def train(how: str) -> None:
    trainer = build_trainer()
    if trainer is None:
        return
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
    trainer = build_trainer()
    if trainer is not None:
        trainer.lr = S["lr"]
        trainer.divergence = None  # continue from the last healthy weights
    rerun_page()


def on_upload() -> None:
    upload = st.session_state.get(S.key("upload"))
    if upload is not None:
        st.session_state[S.key("pending_import")] = upload.getvalue()


def apply_pending_import() -> None:
    """Load uploaded weights (before any widget is drawn, so the architecture can follow), and
    the points clicked into the data set they were trained on, when that is the one on screen."""
    state = st.session_state
    payload = state.pop(S.key("pending_import"), None)
    if payload is None:
        return
    state[S.key("import_error")] = None
    try:
        content = load_json(payload, max_bytes=MAX_FILE_BYTES)
        net = MLP.from_dict(content)
        problem = text.import_problem(
            net.layer_sizes, output_units(), output=net.output, regression=regression()
        )
        if problem:
            raise ValueError(problem)
        clicked = imported_points(content)
        S["hidden"] = tuple(net.layer_sizes[1:-1])
        S["act"] = net.activation
    except ValueError as exc:
        state[S.key("import_error")] = str(exc)
        return
    state[S.key("imported")] = net
    message = f"Loaded a {'-'.join(map(str, net.layer_sizes))} network."
    if clicked is not None:
        set_points(clicked.fit(len(data().X), max(n_classes(), 2)))
        message += " " + (text.edits_summary(len(clicked.added), len(clicked.erased)) or "")
    state[S.key("import_ok")] = message.strip()


def imported_points(content: dict) -> Edits | None:
    """The clicked points a weights file holds for the data set on screen, else None."""
    saved = content.get("data")
    if regression() or not isinstance(saved, dict) or saved.get("dataset") != S["dataset"]:
        return None
    if "points" not in saved:
        return None
    return from_export(saved["points"])


def export_json(box: dict) -> str:
    """The weights file: the network, and what it was trained on (with the clicked points)."""
    content = box["model"].to_dict()
    content["data"] = box["data"]
    return json.dumps(content)


# ----------------------------------------------------------------------------- controls


def data_controls() -> None:
    st.markdown("**Data**")
    # Radio buttons, one under the other: two segments were cut in the narrow settings column
    # of a 1100 px screen.
    S.radio(
        "task", "Task", format_func=TASK_LABELS.get, on_change=follow_start,
        args=(start_for(S),), help="Classify points in the plane, or fit a curve y = f(x).",
    )  # fmt: skip
    if regression():
        S.selectbox(
            "curve", "Curve", format_func=CURVE_LABELS.get,
            on_change=follow_start, args=(start_for(S),),
        )  # fmt: skip
        st.caption(REGRESSION_DESCRIPTIONS[S["curve"]])
        label = CURVE_LABELS[S["curve"]]
    else:
        S.selectbox(
            "dataset", "Data set", format_func=DATASET_LABELS.get,
            on_change=follow_start, args=(start_for(S),),
        )  # fmt: skip
        name = S["dataset"]
        st.caption(text.EMPTY_CANVAS if name == "empty" else DESCRIPTIONS[name])
        label = DATASET_LABELS[name]
    fixed = data().fixed
    c1, c2 = st.columns(2)
    with c1:
        S.select_slider("n", "Points", disabled=fixed, on_change=forget_erased)
    with c2:
        S.select_slider("test", "Test share", format_func=lambda v: f"{v}%", disabled=fixed)
    c1, c2 = st.columns(2)
    with c1:
        S.slider("noise", "Noise", disabled=fixed)
    with c2:
        S.number_input("dseed", "Data seed", disabled=fixed, on_change=forget_erased)
    if fixed and S["dataset"] != "empty":
        st.caption("A fixed set: every point trains, there is no test set.")
    if any(S[f] != S.default(f) for f in FOLLOW):
        start = start_for(S)
        st.button(
            "Starting settings",
            icon=":material/restart_alt:",
            on_click=S.reset,
            args=FOLLOW,
            key=S.key("starting_settings"),
            help=text.starting_settings(
                label,
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
        st.caption(text.no_hidden_layer(n_classes()))
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


def brush_controls() -> None:
    """What a click in the picture does: add a point of a class, or erase; undo, clear."""
    k = max(n_classes(), 2)
    options = (*(str(c) for c in range(k)), "erase")
    key = S.key("brush")
    if st.session_state.get(key) not in options:
        st.session_state[key] = "0"
    st.html(class_dots_css(key, k))
    undo = st.session_state.get(S.key("undo"))
    # Nothing here changes height with a click (a line that appeared above the picture moved
    # it under the pointer between two clicks): what a click changes is said below it.
    with st.container(horizontal=True, gap="small", vertical_alignment="bottom"):
        st.segmented_control(
            "A click in the picture",
            options,
            format_func=lambda o: "Erases" if o == "erase" else f"Adds class {o}",
            required=True,
            key=key,
            help=text.BRUSH_HELP,
        )
        st.button(
            "Undo", icon=":material/undo:", on_click=undo_points, disabled=not undo,
            key=S.key("undo_click"), help="Take back the last click",
        )  # fmt: skip
        st.button(
            "Clear", icon=":material/delete_sweep:", on_click=set_points, args=(Edits(),),
            disabled=not S["points"], key=S.key("clear_points"),
            help="Back to the data set's own points (Undo brings yours back)",
        )  # fmt: skip


def points_note(trainer: Trainer | None) -> str:
    """Under the picture: what the clicks did, or why nothing trains yet."""
    clicked = S["points"]
    note = text.edits_summary(len(clicked.added), len(clicked.erased))
    if len(clicked.added) >= MAX_ADDED:
        note += f" (at most {MAX_ADDED} points of your own)"
    if trainer is None:
        note = text.no_points(S["dataset"] == "empty") + (f" {note}" if note else "")
    return note


# ----------------------------------------------------------------------------- the player's view


def _resolution(net: MLP) -> int:
    # A coarser grid for big networks keeps a run of frames quick to compute.
    n = net.n_params
    return 60 if n <= 1500 else 44 if n <= 6000 else 32


def _number(x: float) -> float | None:
    """JSON has no NaN: a missing number (no test set, no accuracy) is null."""
    return None if math.isnan(x) else x


def _frame_json(f: Frame, res: int) -> dict:
    counters = {
        "it": f.iteration,
        "ep": f.epoch,
        "loss": _number(f.train_loss),
        "acc": _number(f.train_accuracy),
        "tloss": _number(f.test_loss),
        "tacc": _number(f.test_accuracy),
    }
    if f.values is not None:  # a curve: f and the contributions at the grid's inputs
        parts = None if f.contributions is None else encode_floats(f.contributions)
        return {"values": encode_floats(f.values), "contributions": parts, **counters}
    return {"img": encode_image(boundary_rgb(f.probs, res)), **counters}


def untrained_frame(net: MLP, grid: np.ndarray) -> Frame:
    """The picture of a network with nothing to train on: no losses yet."""
    if net.output_unit == "linear":
        values = net.forward(grid).astype(np.float32)
        parts = None
        if len(net.layer_sizes) > 2:
            parts = net.output_contributions(grid).astype(np.float32)
        return Frame(0, 0, math.nan, math.nan, math.nan, math.nan, None, values, parts)
    probs = net.predict_proba(grid, dtype=np.float32)
    return Frame(0, 0, math.nan, math.nan, math.nan, math.nan, probs)


def _payload(frames: list[Frame], net: MLP, d: Data, pts: Points, playing: bool) -> dict:
    state = st.session_state
    state[S.key("batch_no")] = state.get(S.key("batch_no"), 0) + 1
    res = _resolution(net)
    common = {
        "run": state[S.key("run_id")],
        "batch": state[S.key("batch_no")],
        "bounds": [float(b) for b in d.bounds],
        "frames": [_frame_json(f, res) for f in frames],
        "points": pts.drawn,
        "colours": list(CLASS_COLOURS),
        "fps": FPS,
        "playing": playing,
        "max_width": 600,
    }
    if net.output_unit == "linear":
        x0, x1 = d.bounds[:2]
        units = net.layer_sizes[-2] if len(net.layer_sizes) > 2 else 0
        return {"kind": "curve", "grid": [x0, x1, CURVE_POINTS], "units": units, **common}
    return {"kind": "boundary", "res": res, **common}


def view_grid(net: MLP, d: Data) -> np.ndarray:
    if net.output_unit == "linear":
        return line_points(d.bounds[:2], CURVE_POINTS)
    return grid_points(d.bounds, _resolution(net))


def player_payload(trainer: Trainer | None, d: Data, pts: Points, playing: bool) -> dict | None:
    """While playing: the next run of frames (None if training just diverged). Paused: the
    picture of the current weights, computed once per state of training and of the points (a
    setting that does not change the network, such as α, sends the player what it shows)."""
    state = st.session_state
    net = state[S.key("model")]
    grid = view_grid(net, d)
    if playing and trainer is not None:
        frames = play_frames(trainer, grid, n_frames=FRAMES_PER_BATCH, steps_per_frame=S["speed"])
        if trainer.divergence is not None:
            return None
        return _payload(frames or [frame_of(trainer, grid)], net, d, pts, playing=True)
    key = (state[S.key("run_id")], trainer.iteration if trainer else -1, pts.key)
    kept = state.get(S.key("still"))
    if kept is None or kept[0] != key:
        frame = frame_of(trainer, grid) if trainer else untrained_frame(net, grid)
        kept = (key, _payload([frame], net, d, pts, playing=False))
        state[S.key("still")] = kept
    return kept[1]


def live_charts(trainer: Trainer | None, d: Data, pts: Points, playing: bool) -> dict:
    """The plotly views: rebuilt when the training or the points moved on. While playing, one
    at a time on its beat (LIVE_SCHEDULE); a new network or data set rebuilds them all."""
    state = st.session_state
    run = state[S.key("run_id")]
    beat = state.get(S.key("batch_no"), 0) % LIVE_CYCLE

    def due(name: str) -> bool:
        return not playing or beat in LIVE_SCHEDULE[name]

    net: MLP = state[S.key("model")]
    h = trainer.history if trainer is not None else None
    iteration = trainer.iteration if trainer is not None else -1
    curve = net.output_unit == "linear"

    def curves():
        if h is None:
            return curves_figure([], [], [], [], [], accuracy=not curve)
        return curves_figure(
            h.epoch, h.train_loss, h.test_loss, h.train_accuracy, h.test_accuracy,
            accuracy=not curve, loss_title="squared loss" if curve else "loss",
        )  # fmt: skip

    out = {
        "curves": charts.get(
            "curves",
            curves,
            scope=run,
            state=(pts.key, iteration, len(h.iteration) if h else 0),
            due=due("curves"),
        ),
        "network": charts.get(
            "network",
            lambda: network_figure(
                net.params,
                output_label=net.output_unit,
                activation=ACTIVATION_LABELS[net.activation],
                height=300,
                weight_hover=not playing,
            ),
            scope=run,
            state=(iteration, not playing),
            due=due("network"),
        ),
    }
    if len(net.layer_sizes) > 2 and not curve:

        def unit_maps():
            coarse = grid_points(d.bounds, UNIT_GRID)
            maps = [a.reshape(UNIT_GRID, UNIT_GRID, -1) for a in net.hidden_activations(coarse)]
            return unit_maps_figure(maps, activation=net.activation)

        out["units"] = charts.get("units", unit_maps, scope=run, state=iteration, due=due("units"))
    else:
        charts.drop("units")
    return out


def watchdog(trainer: Trainer | None) -> None:
    div = trainer.divergence if trainer is not None else None
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
    """Buttons, counters, the player and the charts: the player's fragment, rerun by its
    buttons, by clicks in the picture and, while playing, by its timer."""
    state = st.session_state
    if state.pop(S.key("rerun_page"), False):
        st.rerun(scope="app")  # New weights, a lower α: the settings column shows the change
    trainer = build_trainer()
    net: MLP = state[S.key("model")]
    d = data()
    pts = points()
    box = state.setdefault(S.key("live"), {})
    # What the download button saves when it is clicked.
    box["model"] = net
    name = S["curve"] if regression() else S["dataset"]
    box["data"] = {"task": S["task"], "dataset": name}
    if not regression():
        box["data"]["points"] = to_export(S["points"])
    playing = player.playing and trainer is not None
    payload = player_payload(trainer, d, pts, playing)
    if payload is None:
        player.stop()  # diverged while playing: the player reruns the page, paused
        return
    clickable = not regression()
    if clickable:
        payload = {
            **payload,
            "clickable": True,
            "brush": state.get(S.key("brush"), "0"),
            "ack": acknowledged(S.key("player")),
        }
    stuck = trainer is None or trainer.divergence is not None
    player.controls(
        [
            Control("Step", train, key="step", args=("step",), primary=True,
                    disabled=stuck, help="One minibatch: one gradient step"),
            Control("Epoch", train, key="epoch", args=("epoch",), disabled=stuck,
                    help="Finish the current pass over the training points"),
        ],
        [
            Control("Reset", reset, key="reset", help="Back to the same initial weights"),
            Control("New weights", new_weights, key="new_weights", icon=":material/casino:",
                    help="Draw different initial weights (next weight seed)"),
        ],
        can_play=not stuck,
        wrap=True,
    )  # fmt: skip
    watchdog(trainer)
    if trainer is None:
        st.markdown(text.counters(0, 0))
    else:
        st.markdown(
            text.counters(trainer.epoch, trainer.iteration),
            help=text.counters_help(
                trainer.batches_per_epoch, len(trainer.X_train), trainer.batch_size
            ),
        )
    figures = live_charts(trainer, d, pts, playing)
    # The picture and the charts side by side, or one above the other where the column is too
    # narrow for both (LAYOUT_CSS): a 1100 px screen left the charts 190 px wide.
    with st.container(horizontal=True, gap="medium", key=S.key("live_row")):
        with st.container(key=S.key("board")):
            if clickable:
                brush_controls()
            boundary_player(payload, key=S.key("player"), on_clicks=on_click if clickable else None)
            if regression():
                units = net.layer_sizes[-2] if len(net.layer_sizes) > 2 else 0
                st.caption(text.curve_caption(units))
            else:
                note = points_note(trainer)
                st.caption(
                    (f"**{note}** " if note else "")
                    + "Colour: the predicted class; the stronger the colour, the surer the "
                    "network. Filled points train, ringed points test."
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
            "Every setting on this page is in the address bar, and so are the points you "
            "clicked: copy the link to open the same playground (same data, network and "
            "initial weights) on another screen."
        )
        c1, c2 = st.columns(2)
        with c1:
            st.download_button(
                "Download the weights (JSON)",
                # Built when clicked, from the weights trained so far (Step and Play rerun only
                # the player's view, not this expander).
                data=lambda: export_json(box),
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
    trainer = build_trainer()
    net = model()
    shapes = [W.shape for W, _ in net.params]  # as the engine really stores them
    batch = trainer.batch_size if trainer is not None else S["batch"]
    with st.container(key=S.key("dims")):
        st.markdown(text.dimensions_table(sizes, shapes, output=net.output_unit))
        st.caption(text.dimensions_note(sizes, shapes[0], batch))


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
        if regression():
            st.markdown(text.REGRESSION)
            st.latex(text.REGRESSION_LOSS)
        player.run(live_view)
        share_and_save()
    dimensions_section()
    S.sync_url()


@chart(max_entries=4)
def quiz_bars_chart(probs: tuple[float, ...]):
    return probability_bars(probs)


def fit_points() -> None:
    """Clicked points from a link made for another data set: keep only what applies here."""
    fitted = S["points"].fit(len(data().X), max(n_classes(), 2))
    if fitted != S["points"]:
        S["points"] = fitted


# ----------------------------------------------------------------------------- page

S.init()
fit_points()
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
