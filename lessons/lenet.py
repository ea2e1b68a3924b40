"""Train a LeNet: a small CNN learns the 8×8 handwritten digits here, a chunk at a time; then read
a digit the learner draws, layer by layer."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import numpy as np
import streamlit as st

from engine.activations import ACTIVATION_LABELS, HIDDEN_ACTIVATIONS
from engine.cnn import (
    POOLS,
    Checkpoint,
    LeNet,
    Trainer,
    confusion_matrix,
    filter_change,
    strongest_windows,
)
from engine.digits import (
    MAX_PIXEL,
    DigitSplit,
    check_strokes,
    drawing_from_strokes,
    normalise_drawing,
    split_digits,
)
from engine.training import Setback, find_setback
from ui import quizzes
from ui.charts import chart, show
from ui.digit_pad import digit_pad
from ui.figures.lenet import (
    STAGES,
    UNITS,
    bits,
    confusion_figure,
    curves_figure,
    digit_figure,
    feature_maps_figure,
    filters_figure,
    my_digits_figure,
    pad_result,
    probabilities_figure,
    units_figure,
)
from ui.frame import lesson_header, quiz, say
from ui.player import Control, Player
from ui.state import Settings, choice, flag, integer, tab
from ui.text.lenet import (
    confusion_summary,
    digit_verdict,
    divergence_message,
    filters_text,
    first_reached,
    load_error,
    loaded_message,
    lower_lr,
    momentum_text,
    my_digits_summary,
    progress_text,
    reading,
    restore_label,
    run_label,
    setback_message,
    start_over_label,
    steps_caption,
)

SPLIT_SEED = 0  # one fixed train/test split for everybody: accuracies stay comparable
LR_CHOICES = (0.001, 0.003, 0.01, 0.02, 0.05, 0.1, 0.3, 1.0)
BATCH_CHOICES = (8, 16, 32, 64, 128, 256)
MOMENTUM_CHOICES = (0.0, 0.5, 0.9, 0.95)
MAX_EPOCHS = 60
MAX_SEED = 9999
POOL_LABELS = {"max": "max", "avg": "average"}
TABS = (
    "Draw a digit",
    "Inside the network: one test digit",
    "Confusion matrix",
    "Learned filters",
)
# While training, the player's fragment reruns on a TICK-second timer and each run trains
# CHUNKS_PER_TICK chunks of at most CHUNK seconds, moving the progress bar after each (about 4
# updates a second). A run outlasts the timer, so the next run is already asked for when one ends
# and training goes on back to back, even when a busy browser's timer fires late. A chunk never
# crosses the end of an epoch, so the best epoch can be kept (a checkpoint) when it happens.
TICK = 0.3
CHUNK = 0.25
CHUNK_STEPS = 40  # and at most this many minibatches per chunk, on a fast machine too
CHUNKS_PER_TICK = 3
QUICK_EPOCHS = 3  # "train one first" from the drawing pad: a few seconds
PAD_SIDE = 128  # pixels per side of the drawing the strokes are rasterised into
PEN = 0.1  # the pen's width as a share of the pad's side (engine.digits: reads best)
MAX_MINE = 60  # the learner's own digits kept in a session
WINDOWS = 20  # windows averaged per filter for "what it responds to"


@st.cache_resource(show_spinner=False)
def digits() -> DigitSplit:
    """The fixed split; shared read-only by every session."""
    split = split_digits(seed=SPLIT_SEED)
    for arr in (split.X_train, split.y_train, split.X_test, split.y_test):
        arr.flags.writeable = False
    return split


N_TEST = len(digits().y_test)
S = Settings(
    "lenet",
    choice("activation", "relu", HIDDEN_ACTIVATIONS, aliases=("activation",)),
    choice("pool", "max", POOLS, aliases=("pool",)),
    integer("seed", 0, 0, MAX_SEED, aliases=("seed",)),
    integer("epochs", 15, 1, MAX_EPOCHS, aliases=("epochs",)),
    choice("lr", 0.02, LR_CHOICES, aliases=("lr",)),
    choice("batch", 32, BATCH_CHOICES, aliases=("batch",)),
    choice("momentum", 0.9, MOMENTUM_CHOICES, aliases=("momentum",)),
    tab("tab", TABS[0], TABS),
    integer("digit", 1, 1, N_TEST),
    flag("steps", False),  # the drawing's normalisation steps
    flag("mine", False),  # the learner's own digits in the confusion matrix
)
player = Player("lenet", interval=TICK)


def key(name: str) -> str:
    return S.key(name)


# -- the network and its run -----------------------------------------------------------------------


@dataclass(frozen=True)
class Best:
    """The best epoch so far and where training stood then (to go back to after a collapse)."""

    epoch: int
    accuracy: float
    checkpoint: Checkpoint


def trainer() -> Trainer:
    return st.session_state[key("trainer")]


def run_id() -> str:
    """Names the network on screen: charts and results are cached by (run, iteration)."""
    return st.session_state[key("run")]


def new_trainer() -> Trainer:
    d = digits()
    net = LeNet(activation=S["activation"], pool=S["pool"], seed=S["seed"])
    return Trainer(
        net, d.X_train, d.y_train, d.X_test, d.y_test, lr=S["lr"], batch_size=S["batch"],
        momentum=S["momentum"], shuffle_seed=S["seed"],
    )  # fmt: skip


def summary_of(t: Trainer) -> tuple:
    """A finished or abandoned run, kept to compare the next one with: hashable, small."""
    h = t.history
    label = run_label(t.optimizer.lr, t.batch_size, t.optimizer.momentum, t.model.activation)
    return (label, tuple(h.epoch), tuple(h.test_loss), tuple(h.test_accuracy))


def install(t: Trainer) -> None:
    """Put a network on the page; the one it replaces stays on the curves for comparison."""
    state = st.session_state
    old = state.get(key("trainer"))
    if old is not None and old.epoch >= 1:
        state[key("previous")] = summary_of(old)
    state[key("trainer")] = t
    state[key("run")] = uuid.uuid4().hex
    state[key("best")] = None
    state[key("ack")] = state[key("paused_for")] = None
    remember_best(t)
    # The sections outside the training fragment must show the new network: rerun the page.
    state[key("rerun")] = True


def remember_best(t: Trainer) -> None:
    """At the end of an epoch, keep a checkpoint if this epoch is the best so far."""
    state = st.session_state
    if t.progress != t.epoch or t.epoch == 0:
        return  # mid-epoch, or not trained yet
    acc = t.history.test_accuracy[-1]
    best: Best | None = state.get(key("best"))
    if best is None or acc > best.accuracy:
        state[key("best")] = Best(t.epoch, acc, t.checkpoint())


def ensure_trainer() -> None:
    if st.session_state.get(key("trainer")) is None:
        install(new_trainer())


# -- callbacks -------------------------------------------------------------------------------------


def reset() -> None:
    """A fresh network from the settings (Reset, or another activation, pooling or seed): the
    same seed gives the same starting weights; the old run stays on the chart to compare."""
    install(new_trainer())


def restore_best(new_lr: float) -> None:
    """Back to the best epoch's checkpoint, with a smaller learning rate."""
    state = st.session_state
    t, best = trainer(), state[key("best")]
    state[key("previous")] = summary_of(t)  # the run that went wrong, to compare
    t.rewind(best.checkpoint)
    S["lr"] = new_lr
    t.set_hyperparameters(lr=new_lr, batch_size=S["batch"], momentum=S["momentum"])
    state[key("ack")] = state[key("paused_for")] = None
    state[key("rerun")] = True


def start_over(new_lr: float) -> None:
    S["lr"] = new_lr
    install(new_trainer())


def pick_digit(how: str) -> None:
    if how == "random":
        S["digit"] = int(np.random.default_rng().integers(1, N_TEST + 1))
        return
    wrong = np.flatnonzero(test_predictions(run_id(), trainer().iteration) != digits().y_test)
    if len(wrong):
        after = wrong[wrong >= S["digit"]]  # the digit is 1-based, so this is "next"
        S["digit"] = int((after[0] if len(after) else wrong[0]) + 1)


def on_drawing() -> None:
    """The pad sent its strokes (a stroke ended, Undo, Clear): keep them if they are strokes."""
    state = st.session_state
    value = state.get(key("pad"))
    drawing = value.get("drawing") if isinstance(value, dict) else None
    if not isinstance(drawing, dict):
        return
    strokes, version = drawing.get("strokes"), drawing.get("version")
    try:
        check_strokes(strokes)
    except ValueError as err:
        state[key("pad_error")] = str(err)
        return
    state[key("pad_error")] = None
    state[key("strokes")] = [[float(v) for v in s] for s in strokes]
    state[key("version")] = version if isinstance(version, int) and version >= 0 else 0


def add_to_mine() -> None:
    """Keep the digit on the pad (as the network sees it) with the label the learner gave."""
    state = st.session_state
    grid, label = state.get(key("grid")), state.get(key("true_label"))
    if grid is None:
        state[key("mine_note")] = "Draw a digit first: the pad is empty."
        return
    if label is None or len(state[key("my_digits")]) >= MAX_MINE:
        return
    state[key("mine_note")] = None
    state[key("my_digits")] = [*state[key("my_digits")], (grid, int(label))]
    state[key("my_digits_version")] += 1
    state[key("true_label")] = None
    clear_pad()


def clear_pad() -> None:
    state = st.session_state
    state[key("strokes")] = []
    state[key("pad_id")] += 1  # the pad takes the (empty) strokes from Python


def remove_mine(how: str) -> None:
    state = st.session_state
    state[key("my_digits")] = state[key("my_digits")][:-1] if how == "last" else []
    state[key("my_digits_version")] += 1


def on_upload(widget: str) -> None:
    """Load a saved network: only a valid LeNet file changes anything (engine.cnn checks it)."""
    state = st.session_state
    upload = state.get(widget)
    if upload is None:
        return
    d = digits()
    try:
        loaded = Trainer.from_json(upload.getvalue(), d.X_train, d.y_train, d.X_test, d.y_test)
        settings = check_page_network(loaded)
    except ValueError as err:
        state[key("load_note")] = ("error", load_error(str(err)))
    else:
        player.stop()
        for name, value in settings.items():
            S[name] = value
        install(loaded)
        acc = loaded.history.test_accuracy[-1]
        state[key("load_note")] = (
            "success",
            loaded_message(loaded.epoch, acc, S["lr"], S["batch"], S["momentum"]),
        )
    state[key("upload_n")] += 1  # a fresh uploader: the same file can be loaded again


def check_page_network(t: Trainer) -> dict:
    """The page's settings for a loaded network, or a ValueError if this page cannot show it."""
    net = t.model
    page = LeNet()
    if (net.input_shape, net.channels, net.kernel_sizes, net.hidden, net.n_classes) != (
        page.input_shape, page.channels, page.kernel_sizes, page.hidden, page.n_classes,
    ):  # fmt: skip
        raise ValueError(
            f"This LeNet has convolutions of {list(net.channels)} channels with "
            f"{list(net.kernel_sizes)} kernels and dense layers {list(net.hidden)}; this page "
            "trains the one with (6, 16) channels, 5 × 5 and 3 × 3 kernels and (120, 84) units."
        )
    opt = t.optimizer
    wanted = {"lr": opt.lr, "batch": t.batch_size, "momentum": opt.momentum}
    offered = {"lr": LR_CHOICES, "batch": BATCH_CHOICES, "momentum": MOMENTUM_CHOICES}
    for name, value in wanted.items():
        if value not in offered[name]:
            raise ValueError(
                f"Its {name} {value:g} is not one this page offers "
                f"({', '.join(f'{v:g}' for v in offered[name])})."
            )
    if not 0 <= net.seed <= MAX_SEED:
        raise ValueError(f"Its seed {net.seed} is outside this page's 0 to {MAX_SEED}.")
    return {
        **wanted, "activation": net.activation, "pool": net.pool, "seed": net.seed,
        "epochs": min(max(S["epochs"], t.epoch), MAX_EPOCHS),
    }  # fmt: skip


# -- cached results (per network and iteration; read-only) -----------------------------------------


@st.cache_resource(max_entries=64, show_spinner=False)
def test_predictions(run: str, iteration: int, *, _net: LeNet | None = None) -> np.ndarray:
    """The network's answer for every test image; keyed by (run, iteration), not by the net."""
    net = _net if _net is not None else trainer().model
    out = net.predict(digits().X_test)
    out.flags.writeable = False
    return out


@st.cache_resource(max_entries=16, show_spinner=False)
def initial_conv1(activation: str, pool: str, seed: int) -> np.ndarray:
    """The first layer's filters before training: the same seed, the same start."""
    return LeNet(activation=activation, pool=pool, seed=seed).params["conv1.W"].copy()


def maps_of(net: LeNet, image: np.ndarray) -> tuple[dict[str, np.ndarray], np.ndarray]:
    maps = {layer.name: out.copy() for layer, out in net.feature_maps(image)}
    return maps, net.predict_proba(image)[0]


def stage_titles(net: LeNet) -> dict[str, str]:
    act = ACTIVATION_LABELS[net.activation]
    return {
        "act1": f"conv1 + {act}: 6 × 8 × 8",
        "pool1": f"{net.pool} pool: 6 × 4 × 4",
        "act2": f"conv2 + {act}: 16 × 4 × 4",
        "pool2": f"{net.pool} pool: 16 × 2 × 2",
        "act_fc1": f"fc1 + {act}: 120 units",
        "act_fc2": f"fc2 + {act}: 84 units",
    }


# -- charts: built once per (network, iteration, setting); the data rides along unhashed -----------


@chart(max_entries=64)
def curves_chart(run: str, iteration: int, target: int, previous: tuple | None, *, _t: Trainer):
    h = _t.history
    return curves_figure(
        epoch=h.epoch, test_loss=h.test_loss, test_accuracy=h.test_accuracy,
        step_epoch=h.step_epoch, step_loss=h.step_loss, step_accuracy=h.step_accuracy,
        target_epochs=target, batches_per_epoch=_t.batches_per_epoch, previous=previous,
    )  # fmt: skip


@chart(max_entries=32)
def input_chart(digit: int):
    return digit_figure(digits().X_test[digit - 1, 0])


@chart(max_entries=128)
def stage_chart(run: str, iteration: int, digit: int, stage: str, *, _maps: np.ndarray):
    if stage in UNITS:
        return units_figure(_maps)
    return feature_maps_figure(_maps, cols=dict(STAGES)[stage])


@chart(max_entries=32)
def probabilities_chart(run: str, iteration: int, digit: int, *, _probs: np.ndarray):
    return probabilities_figure(_probs, true_label=int(digits().y_test[digit - 1]))


@chart(max_entries=32)
def confusion_chart(run: str, iteration: int, mine_version: int, include: bool, *, _cm):
    return confusion_figure(_cm)


@chart(max_entries=32)
def filters_chart(run: str, iteration: int, digit: int, *, _net: LeNet):
    windows, _ = strongest_windows(_net, digits().X_test, k=WINDOWS)
    maps, _ = maps_of(_net, digits().X_test[digit - 1])
    return filters_figure(_net.params["conv1.W"][:, 0], maps["act1"], windows[:, 0])


@chart(max_entries=32)
def mine_chart(run: str, iteration: int, mine_version: int, *, _grids, _labels, _predicted):
    return my_digits_figure(_grids, _labels, _predicted)


# -- the training section: the player's fragment ---------------------------------------------------


def hyperparameter_controls(locked: bool) -> None:
    """The settings; locked while training runs (Stop first)."""
    st.markdown("**Network**")
    S.selectbox(
        "activation", "Activation", format_func=ACTIVATION_LABELS.get, on_change=reset,
        disabled=locked,
        help="After every convolution and hidden dense layer. Changing it builds a new network.",
    )  # fmt: skip
    S.selectbox(
        "pool", "Pooling", format_func=POOL_LABELS.get, on_change=reset, disabled=locked,
        help="2×2 windows, stride 2, after each convolution. Changing it builds a new network.",
    )  # fmt: skip
    S.number_input(
        "seed", "Seed", on_change=reset, disabled=locked,
        help="Initial weights and the order of the minibatches. Same seed, same run.",
    )  # fmt: skip
    st.markdown("**Training**")
    S.slider(
        "epochs", "Epochs", disabled=locked,
        help="Train until this many passes over the 1,438 training images.",
    )  # fmt: skip
    S.select_slider(
        "lr", "Learning rate η", disabled=locked, help="Applies from the next press of Train."
    )
    S.select_slider("batch", "Batch size", disabled=locked, help="Images per SGD step.")
    S.select_slider(
        "momentum", "Momentum μ", disabled=locked,
        help="An extension of the lecture's SGD (see Momentum below): 0 is the lecture's plain "
        "SGD; 0.9 keeps 90 % of the last step's velocity.",
    )  # fmt: skip
    if S["activation"] == "sigmoid" and S["lr"] < 0.1:
        st.caption("Sigmoid learns more slowly than ReLU: try η = 0.1.")


@dataclass(frozen=True)
class Health:
    """What went wrong with the run, if anything (for the texts and the pause rule)."""

    setback: Setback | None
    same_answer: bool  # one answer for every test image: the units died

    @property
    def pauses(self) -> bool:
        """A collapse, or a network that can no longer learn, pauses training."""
        s = self.setback
        return s is not None and (s.kind == "collapsed" or self.same_answer)

    @property
    def identity(self) -> tuple | None:
        return None if self.setback is None else (self.setback.kind, self.setback.best_epoch)


def health(t: Trainer) -> Health:
    s = find_setback(t.history, n_classes=t.model.n_classes)
    if s is None:
        return Health(None, False)
    same = len(np.unique(test_predictions(run_id(), t.iteration, _net=t.model))) == 1
    return Health(s, same)


def train_a_tick(t: Trainer, target: int, bar) -> None:
    """A few chunks of training, the bar moved after each; stop at the end or when it fails."""
    state = st.session_state
    t.set_hyperparameters(lr=S["lr"], batch_size=S["batch"], momentum=S["momentum"])
    if state.get(key("paused_for")) is not None:
        # Train pressed after a pause for a setback means "go on anyway": that one no longer
        # pauses (a new one does).
        state[key("ack")], state[key("paused_for")] = state[key("paused_for")], None
    for _ in range(CHUNKS_PER_TICK):
        t.run(CHUNK_STEPS, until_epoch=min(target, t.epoch + 1), max_seconds=CHUNK)
        remember_best(t)
        bar.progress(min(t.progress / target, 1.0), progress_text("training", t.progress, target,
                                                                    t.seconds))  # fmt: skip
        if t.divergence is not None or t.progress >= target:
            player.stop()
            return
        h = health(t)
        if h.pauses and h.identity != state[key("ack")]:
            state[key("paused_for")] = h.identity
            player.stop()
            return


def status_of(t: Trainer, target: int, h: Health) -> str:
    if t.divergence is not None:
        return "diverged"
    if player.playing:
        return "training"
    if h.setback is not None and (h.pauses or t.progress >= target):
        return h.setback.kind
    if t.progress == 0:
        return "untrained"
    return "done" if t.progress >= target else "paused"


def what_went_wrong(t: Trainer, h: Health) -> None:
    """The divergence or setback message, and the fix as a button."""
    state = st.session_state
    lr, mom = t.optimizer.lr, t.optimizer.momentum
    new_lr = lower_lr(lr, LR_CHOICES)
    best: Best | None = state.get(key("best"))
    message = None
    if t.divergence is not None:
        message = divergence_message(t.divergence, epoch=t.epoch, lr=lr, momentum=mom)
    elif h.setback is not None:
        message = setback_message(
            h.setback, lr=lr, momentum=mom, activation=t.model.activation,
            same_answer=h.same_answer,
        )  # fmt: skip
    if message is None:
        return
    say([message])
    if message.kind != "error" or player.playing:
        return
    cols = st.columns(2)
    # Going back is worth it only to an epoch that was clearly better than guessing.
    if best is not None and best.accuracy > 0.5 and best.epoch < t.progress:
        cols[0].button(
            restore_label(best.epoch, best.accuracy, new_lr, lr), key=key("restore"),
            on_click=restore_best, args=(new_lr,), type="primary", width="stretch",
            icon=":material/history:",
            help="The weights, momentum and history as they were at the end of that epoch.",
        )  # fmt: skip
    cols[1 if best is not None and best.accuracy > 0.5 else 0].button(
        start_over_label(new_lr, lr), key=key("start_over"), on_click=start_over,
        args=(new_lr,), width="stretch", icon=":material/restart_alt:",
        type="secondary" if best is not None and best.accuracy > 0.5 else "primary",
    )  # fmt: skip


def metrics(t: Trainer, target: int) -> None:
    h = t.history
    acc = h.test_accuracy[-1]
    delta = f"{(acc - h.test_accuracy[-2]) * 100:+.1f} pts" if len(h.epoch) > 1 else None
    reached, when = first_reached(h)
    with st.container(horizontal=True, gap="large"):
        st.metric("Test accuracy", f"{acc:.1%}", delta, width="content",
                  help="On the 359 held-out test images")  # fmt: skip
        st.metric(
            "Training loss", f"{h.train_loss[-1]:.3f}" if t.epoch else "–", width="content",
            help="Mean cross-entropy over the last epoch's minibatches",
        )  # fmt: skip
        st.metric("Epochs done", f"{t.epoch} / {target}", width="content")
        st.metric(
            "95 % reached", reached, width="content",
            help="The first epoch with at least 95 % test accuracy"
            + (f", {when}." if when else "."),
        )  # fmt: skip


def save_and_load(t: Trainer, playing: bool) -> None:
    state = st.session_state
    # Stateful (a key, rerun on toggle): it stays open through the page run a load causes, and
    # its content runs only while open.
    box = st.expander(
        "Save or load this network", icon=":material/save:", key=key("save_open"),
        on_change="rerun",
    )  # fmt: skip
    if not box.open:
        return
    with box:
        st.markdown(
            "Keep what you trained: the file holds the weights, the settings and the history "
            "(JSON, nothing that runs). Load it later to look inside or to train on."
        )
        c1, c2 = st.columns(2)
        with c1:
            st.download_button(
                "Download the network (JSON)", data=t.to_json,
                file_name=f"lenet-{t.model.activation}-{t.model.pool}-epoch{t.epoch}.json",
                mime="application/json", on_click="ignore", icon=":material/download:",
                disabled=playing or t.divergence is not None, key=key("download"),
                help="Not after a divergence: blown-up weights are nothing to keep.",
            )  # fmt: skip
        with c2:
            widget = key(f"upload_{state[key('upload_n')]}")
            st.file_uploader(
                "Load a saved network", type=["json"], key=widget, on_change=on_upload,
                args=(widget,), disabled=playing,
            )  # fmt: skip
        note = state.get(key("load_note"))
        if note:
            getattr(st, note[0])(note[1])


def training_view() -> None:
    """Controls, the player's buttons, progress, what went wrong, metrics and curves."""
    state = st.session_state
    if state.pop(key("rerun"), False):
        st.rerun(scope="app")  # a callback put a new network on the page: show it everywhere
    t = trainer()
    target = S["epochs"]
    playing = player.playing
    if playing and t.divergence is not None:
        install(new_trainer())  # Train after a divergence starts over (with the new settings)
        state[key("rerun")] = False
        t = trainer()
    left, right = st.columns([1.15, 3], gap="large")
    with left, st.container(border=True):
        hyperparameter_controls(playing)
    with right:
        label = "Continue" if 0 < t.progress < target and t.divergence is None else "Train"
        Player(
            "lenet", interval=TICK, play_label=label, pause_label="Stop",
            play_help=f"Minibatch SGD until epoch {target}",
            pause_icon=":material/stop:",
        ).controls(
            after=[Control("Reset", reset, key="reset", icon=":material/restart_alt:",
                           disabled=t.progress == 0 and t.divergence is None,
                           help="Back to the same starting weights (same seed)")],
            can_play=t.divergence is not None or t.progress < target,
        )  # fmt: skip
        bar = st.progress(0.0)
        if player.playing:
            train_a_tick(t, target, bar)
        h = health(t)
        status = status_of(t, target, h)
        bar.progress(min(t.progress / target, 1.0), progress_text(status, t.progress, target,
                                                                  t.seconds))  # fmt: skip
        if status == "done":
            st.caption(f"Trained for {t.epoch} epochs. Raise **Epochs** to train on.")
        what_went_wrong(t, h)
        metrics(t, target)
        if len(t.history.epoch) > 1 or t.history.step_loss:
            spec = curves_chart(
                run_id(), t.iteration, target, state.get(key("previous")), _t=t
            )  # fmt: skip
            show(spec, key=key("curves"))
        else:
            acc, loss = t.history.test_accuracy[-1], t.history.test_loss[-1]
            st.caption(
                f"Before training the network guesses: test accuracy {acc:.0%}, loss "
                f"{loss:.2f} (chance: 10 %, ln 10 = 2.30). Press **Train**."
            )
        momentum = st.expander(
            "Momentum μ: what it adds to the lecture's SGD", icon=":material/speed:",
            key=key("momentum_open"), on_change="rerun",
        )  # fmt: skip
        if momentum.open:
            momentum.markdown(momentum_text(S["lr"], S["momentum"]))
        save_and_load(t, player.playing)
    layers = st.expander(
        "The network, layer by layer", key=key("layers_open"), on_change="rerun"
    )  # a table is costly to send: built only while open
    if layers.open:
        with layers:
            network_table(t.model)
    S.sync_url()


def network_table(net: LeNet) -> None:
    rows = [
        {
            "layer": r["layer"],
            "output (one image)": " × ".join(map(str, r["output_shape"])),
            "parameters": r["params"],
        }
        for r in net.summary()
    ]
    st.dataframe(rows, hide_index=True, width="stretch", key=key("layers"))
    st.caption(
        f"{net.n_params:,} parameters in all. Padding k // 2 keeps 8 × 8 through each "
        "convolution; each 2 × 2 pooling halves it."
    )


# -- what the network learned: one fragment, only the open tab runs --------------------------------


def offer_training(t: Trainer) -> None:
    """No trained network yet: offer to train one first, right here (a few seconds)."""
    goal = min(QUICK_EPOCHS, S["epochs"])
    if player.playing:
        st.info("Training is running: the pad reads your digit once the first epoch is done.")
        return
    st.info(
        "No trained network yet, so nothing can read your digit. Train one first: "
        f"{goal} {'epoch' if goal == 1 else 'epochs'} take a few seconds.",
        icon=":material/school:",
    )
    if not st.button(
        f"Train the network first ({goal} {'epoch' if goal == 1 else 'epochs'})",
        key=key("quick"), type="primary", icon=":material/play_arrow:",
    ):  # fmt: skip
        return
    if t.divergence is not None:
        install(new_trainer())
        t = trainer()
    t.set_hyperparameters(lr=S["lr"], batch_size=S["batch"], momentum=S["momentum"])
    bar = st.progress(0.0, "Training…")
    while t.progress < goal and t.divergence is None:
        t.run(CHUNK_STEPS, until_epoch=min(goal, t.epoch + 1), max_seconds=CHUNK)
        remember_best(t)
        bar.progress(min(t.progress / goal, 1.0), f"Training: epoch {t.progress:.1f} of {goal}")
    st.rerun(scope="app")  # the training section shows the run too


def draw_tab(t: Trainer) -> None:
    state = st.session_state
    if t.epoch < 1:
        offer_training(t)
    pad_section()
    S.toggle(
        "steps", "Show the normalisation steps",
        help="How the drawing becomes the 8 × 8 input, the way the data set's digits were made.",
    )  # fmt: skip
    if t.epoch < 1:
        return
    mine = state[key("my_digits")]
    c1, c2 = st.columns([3, 1.2], vertical_alignment="bottom")
    label = c1.pills(
        "Wrong, or not sure? Say which digit you drew, and keep it in **my digits**:",
        range(10), key=key("true_label"),
    )  # fmt: skip
    c2.button(
        "Add to my digits", key=key("add"), on_click=add_to_mine, icon=":material/add:",
        disabled=label is None or len(mine) >= MAX_MINE, width="stretch",
        help="The Confusion matrix tab can count your digits too.",
    )  # fmt: skip
    if state.get(key("mine_note")):
        st.caption(state[key("mine_note")])
    if mine:
        st.caption(f"My digits: {len(mine)} kept (of at most {MAX_MINE}); see *Confusion matrix*.")
    if player.playing:
        st.caption("Training is running: the pad reads your digit with the latest weights.")


@st.fragment
def pad_section() -> None:
    """The pad and what the network reads, in one component: a stroke reruns only this
    fragment and sends only the component (no other element to rebuild in the browser)."""
    state = st.session_state
    t = trainer()
    trained = t.epoch >= 1
    strokes = state[key("strokes")]
    result, grid = None, None
    message = "Draw a digit on the pad with the mouse, a finger or a pen."
    if strokes and not trained:
        message = "Your digit is kept: once the network is trained it reads it."
    elif strokes:
        drawing = drawing_from_strokes(strokes, side=PAD_SIDE, pen=PEN)
        try:
            steps = normalise_drawing(drawing, style="nist")
        except ValueError as err:  # e.g. ink too faint to count: say so, never an exception
            message = str(err)
        else:
            grid = steps.grid
            maps, probs = maps_of(t.model, grid[None] / MAX_PIXEL)
            extra = None
            if S["steps"]:
                extra = {
                    "box": list(steps.box), "side": PAD_SIDE, "scaled": bits(steps.scaled),
                    "bitmap": bits(steps.bitmap),
                    "text": steps_caption(steps.stroke_steps, steps.slant, steps.box),
                }  # fmt: skip
            verdict = reading(probs)
            result = pad_result(
                version=state[key("version")], grid=grid, maps=maps, probs=probs,
                titles=stage_titles(t.model), steps=extra,
                verdict={"kind": verdict.kind, "text": verdict.text},
            )  # fmt: skip
    state[key("grid")] = None if grid is None else tuple(int(v) for v in grid.ravel())
    if state.get(key("pad_error")):
        message = f"The pad sent something that is not a drawing: {state[key('pad_error')]}"
    digit_pad(
        {"pad_id": state[key("pad_id")], "strokes": strokes, "version": state[key("version")],
         "pen": PEN, "result": result, "message": message},
        key=key("pad"), on_drawing_change=on_drawing,
    )  # fmt: skip


def inside_tab(t: Trainer) -> None:
    c1, c2, c3 = st.columns([1.4, 1, 1.2], vertical_alignment="bottom")
    with c1:
        digit = S.number_input("digit", f"Test image (1 to {N_TEST})")
    c2.button("Random", key=key("random"), on_click=pick_digit, args=("random",), width="stretch")
    c3.button(
        "Next mistake", key=key("mistake"), on_click=pick_digit, args=("mistake",),
        width="stretch", help="The next test image the network gets wrong",
    )  # fmt: skip
    net, run, it = t.model, run_id(), t.iteration
    maps, probs = maps_of(net, digits().X_test[digit - 1])
    titles = stage_titles(net)
    cols = st.columns([1, 1.25, 1.25, 1.25, 1.25])
    with cols[0]:
        st.markdown("**input: 1 × 8 × 8**")
        show(input_chart(digit), key=key("input"))
    for col, (name, _) in zip(cols[1:], STAGES, strict=True):
        with col:
            st.markdown(f"**{titles[name]}**")
            show(stage_chart(run, it, digit, name, _maps=maps[name]), key=key("map_" + name))
    for name in UNITS:
        st.markdown(f"**{titles[name]}**")
        show(stage_chart(run, it, digit, name, _maps=maps[name]), key=key("units_" + name))
    left, right = st.columns([1.2, 1], gap="large")
    with left:
        show(probabilities_chart(run, it, digit, _probs=probs), key=key("probs"))
        st.caption("Pink: the network's answer (the most probable digit). Outlined: the truth.")
    with right:
        say([digit_verdict(probs, int(digits().y_test[digit - 1]))])
        pooled = "the strongest response" if net.pool == "max" else "the mean"
        st.markdown(
            "Dark tiles are strong activations. Each conv1 map shows where one of the six "
            f"filters (tab *Learned filters*) fires; pooling keeps {pooled} of each 2 × 2 "
            "block; conv2 combines the six maps into 16 new ones. The 64 numbers after the "
            "last pooling go through dense layers of 120 and 84 units to the 10 scores, and "
            "the softmax turns them into the probabilities on the left."
        )
        if t.epoch == 0:
            st.info("The network is untrained: its filters are random. Train it and look again.")


def confusion_tab(t: Trainer) -> None:
    state = st.session_state
    mine = state[key("my_digits")]
    include = S.toggle(
        "mine", f"Include my digits ({len(mine)})", disabled=not mine,
        help="Your own digits, added from the drawing pad, counted with the test images.",
    )  # fmt: skip
    include = include and bool(mine)
    run, it = run_id(), t.iteration
    y_true, y_pred = digits().y_test, test_predictions(run, it)
    grids = labels = predicted = None
    if mine:
        grids = np.array([g for g, _ in mine], dtype=np.float64).reshape(-1, 8, 8)
        labels = [lab for _, lab in mine]
        predicted = t.model.predict(grids[:, None] / MAX_PIXEL)
    if include:
        y_true = np.concatenate([y_true, labels])
        y_pred = np.concatenate([y_pred, predicted])
    cm = confusion_matrix(y_true, y_pred)
    left, right = st.columns([1.3, 1], gap="large")
    with left:
        spec = confusion_chart(run, it, state[key("my_digits_version")], include, _cm=cm)
        show(spec, key=key("confusion"))
    with right:
        st.markdown(
            "Row = the true digit, column = the network's answer. The diagonal (blue) counts "
            "the right answers; every number off it (vermilion) is a mistake."
        )
        say([confusion_summary(cm, mine=len(mine) if include else 0)])
        if not mine:
            st.caption("Draw digits on the pad (tab *Draw a digit*) and add them here.")
    if mine:
        st.markdown(my_digits_summary(labels, predicted))
        show(
            mine_chart(run, it, state[key("my_digits_version")], _grids=grids, _labels=labels,
                       _predicted=[int(p) for p in predicted]),
            key=key("mine_digits"),
        )  # fmt: skip
        c1, c2, _ = st.columns([1, 1, 2])
        c1.button("Remove the last one", key=key("mine_last"), on_click=remove_mine,
                  args=("last",), width="stretch")  # fmt: skip
        c2.button("Remove them all", key=key("mine_all"), on_click=remove_mine, args=("all",),
                  width="stretch")  # fmt: skip


def filters_tab(t: Trainer) -> None:
    net = t.model
    digit = S["digit"]
    show(filters_chart(run_id(), t.iteration, digit, _net=net), key=key("filters"))
    st.caption(
        f"Columns: the six 5 × 5 kernels of conv1. Middle row: on test image {digit} (choose it "
        "in *Inside the network*), after the activation."
    )
    start = initial_conv1(net.activation, net.pool, net.seed)
    growth, correlation = filter_change(start, net.params["conv1.W"])
    st.markdown(filters_text(growth, correlation, t.epoch))


@st.fragment
def learned_section() -> None:
    t = trainer()
    st.subheader("What the network learned")
    if player.playing:
        st.caption(
            "Training is running: these views show the network as it was at your last click "
            "here; they update when training stops."
        )
    tabs = S.tabs("tab")
    with tabs[TABS[0]]:
        if tabs[TABS[0]].open:
            draw_tab(t)
    with tabs[TABS[1]]:
        if tabs[TABS[1]].open:
            inside_tab(t)
    with tabs[TABS[2]]:
        if tabs[TABS[2]].open:
            confusion_tab(t)
    with tabs[TABS[3]]:
        if tabs[TABS[3]].open:
            filters_tab(t)
    S.sync_url()


# -- the page --------------------------------------------------------------------------------------


def init_state() -> None:
    state = st.session_state
    S.init()
    # Streamlit forgets a page's widgets once another page has run; the play button is one. No
    # play button in the state means the learner has just arrived (or come back): nothing is
    # training then, whatever the last visit left.
    if key("play") not in state:
        player.stop()
    for name, default in (
        ("strokes", []), ("version", 0), ("pad_id", 0), ("my_digits", []), ("my_digits_version", 0),
        ("upload_n", 0), ("previous", None),
    ):  # fmt: skip
        state.setdefault(key(name), default)
    ensure_trainer()
    state[key("rerun")] = False  # this is a whole-page run already


init_state()
lesson_header(
    "Train a LeNet",
    "**LeNet** (LeCun et al., 1998) is the classic convolutional network: two stages of "
    "**convolution → activation → pooling** find local patterns, dense layers turn them into "
    "class scores, and a **softmax** gives probabilities. Here a LeNet-5-shaped network learns "
    "the 8 × 8 handwritten digits (1,438 training and 359 test images) with minibatch SGD on "
    "the cross-entropy loss, right in this page, with the backpropagation of every layer "
    "written in NumPy. The SGD step is the lecture's, with one extension, **momentum μ** "
    "(μ = 0 is the lecture's plain SGD; see *Momentum* below). Then draw a digit and watch "
    "the network you trained read it, layer by layer.",
    [
        r"Y_o = b_o + \sum_c X_c \star W_{o,c}",
        r"\text{pool}(Y)_{ij} = \max_{(p,q) \in \text{window}_{ij}} Y_{pq}",
        r"\ell = -\log \operatorname{softmax}(f)_y",
        r"\text{SGD: } \theta \leftarrow \theta - \eta \nabla_\theta \ell",
        r"\text{momentum: } v \leftarrow \mu v - \eta \nabla_\theta \ell, \ "
        r"\theta \leftarrow \theta + v",
    ],
)
S.notice()
player.run(training_view)
learned_section()
quiz(quizzes.LENET)
S.sync_url()
