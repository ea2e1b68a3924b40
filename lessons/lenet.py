"""Train a LeNet: a small CNN learns the 8×8 handwritten digits here, a chunk at a time."""

from __future__ import annotations

import numpy as np
import streamlit as st

from engine.activations import ACTIVATION_LABELS, HIDDEN_ACTIVATIONS
from engine.cnn import POOLS, LeNet, Trainer, confusion_matrix
from engine.digits import DigitSplit, split_digits
from ui import quizzes
from ui.figures.lenet import (
    NO_BAR,
    confusion_figure,
    curves_figure,
    digit_figure,
    feature_maps_figure,
    filters_figure,
    probabilities_figure,
    units_figure,
)
from ui.frame import lesson_header, quiz

P = "lenet_"  # session-state prefix
SPLIT_SEED = 0  # one fixed train/test split for everybody: accuracies stay comparable
LR_CHOICES = (0.001, 0.003, 0.01, 0.02, 0.05, 0.1, 0.3, 1.0)
BATCH_CHOICES = (8, 16, 32, 64, 128, 256)
MOMENTUM_CHOICES = (0.0, 0.5, 0.9, 0.95)
MAX_EPOCHS = 60
MAX_SEED = 9999
DEFAULTS = {
    "epochs": 15,
    "lr": 0.02,
    "batch": 32,
    "momentum": 0.9,
    "activation": "relu",
    "pool": "max",
    "seed": 0,
}
ARCH_KEYS = ("activation", "pool", "seed")  # changing one of these means a new network
# While training, the fragment re-runs on a TICK-second timer and each run trains CHUNKS_PER_TICK
# chunks of CHUNK seconds, moving the progress bar after each (about 4 updates a second). A run
# outlasts the timer, so the next run is already asked for when one ends and training goes on
# back to back, even when a busy browser's timer fires late.
TICK = 0.3
CHUNK = 0.25
CHUNK_STEPS = 40  # and at most this many minibatches per chunk, on a fast machine too
CHUNKS_PER_TICK = 3
POOL_LABELS = {"max": "max pooling", "avg": "average pooling"}
# Where each stage of the network is shown, and how many tiles per row.
STAGES = (("act1", 2), ("pool1", 2), ("act2", 4), ("pool2", 4))


@st.cache_resource(show_spinner=False)
def digits() -> DigitSplit:
    """The fixed split; shared read-only by every session."""
    split = split_digits(seed=SPLIT_SEED)
    for arr in (split.X_train, split.y_train, split.X_test, split.y_test):
        arr.flags.writeable = False
    return split


# -- settings, state and callbacks -----------------------------------------------------------------


def _parse(key: str, text: str):
    """A URL value for a setting, or None if it is not one the widgets offer."""
    try:
        if key == "lr":
            value = float(text)
            return value if value in LR_CHOICES else None
        if key == "momentum":
            value = float(text)
            return value if value in MOMENTUM_CHOICES else None
        if key == "batch":
            value = int(text)
            return value if value in BATCH_CHOICES else None
        if key in ("epochs", "seed"):
            value = int(text)
            top = MAX_EPOCHS if key == "epochs" else MAX_SEED
            return value if (1 if key == "epochs" else 0) <= value <= top else None
        choices = HIDDEN_ACTIVATIONS if key == "activation" else POOLS
        return text if text in choices else None
    except ValueError:
        return None


def settings_from_url() -> dict:
    params = st.query_params
    out = dict(DEFAULTS)
    for key in DEFAULTS:
        if key in params and (value := _parse(key, params[key])) is not None:
            out[key] = value
    return out


def settings() -> dict:
    return {key: st.session_state[P + key] for key in DEFAULTS}


def new_trainer(s: dict) -> Trainer:
    d = digits()
    net = LeNet(activation=s["activation"], pool=s["pool"], seed=s["seed"])
    return Trainer(
        net, d.X_train, d.y_train, d.X_test, d.y_test, lr=s["lr"], batch_size=s["batch"],
        momentum=s["momentum"], shuffle_seed=s["seed"],
    )  # fmt: skip


def init_state() -> None:
    state = st.session_state
    # Streamlit forgets a page's widget values once another page has run. So a missing widget key
    # means the learner has just arrived (or come back): nothing can be training then, and the
    # settings come back from our own copy (or the URL on a first visit).
    if P + "lr" not in state:
        state[P + "training"] = False
        for key, value in (state.get(P + "saved") or settings_from_url()).items():
            state[P + key] = value
    if state.get(P + "trainer") is None:
        state[P + "trainer"] = new_trainer(settings())
        state[P + "arch"] = {k: state[P + k] for k in ARCH_KEYS}
    state.setdefault(P + "digit", 1)


def on_setting_change(key: str) -> None:
    st.query_params[key] = str(st.session_state[P + key])
    if key in ARCH_KEYS:  # another activation, pooling or seed: a new network
        reset()


def reset() -> None:
    """A fresh network from the seed: the same seed gives the same starting weights."""
    state = st.session_state
    state[P + "trainer"] = new_trainer(settings())
    state[P + "arch"] = {k: state[P + k] for k in ARCH_KEYS}
    state[P + "training"] = False


def start() -> None:
    state = st.session_state
    s = settings()
    trainer: Trainer = state[P + "trainer"]
    if trainer.divergence is not None:
        reset()
        trainer = state[P + "trainer"]
    trainer.set_hyperparameters(lr=s["lr"], batch_size=s["batch"], momentum=s["momentum"])
    state[P + "training"] = True


def stop() -> None:
    st.session_state[P + "training"] = False


def pick_digit(how: str) -> None:
    state = st.session_state
    d = digits()
    n = len(d.y_test)
    if how == "random":
        rng = np.random.default_rng()
        state[P + "digit"] = int(rng.integers(1, n + 1))
        return
    wrong = np.flatnonzero(state[P + "trainer"].model.predict(d.X_test) != d.y_test)
    if len(wrong):
        after = wrong[wrong >= state[P + "digit"]]  # digit is 1-based, so this is "next"
        state[P + "digit"] = int((after[0] if len(after) else wrong[0]) + 1)


# -- widgets ---------------------------------------------------------------------------------------


def hyperparameter_controls(training: bool) -> None:
    """The settings; locked while training runs (Stop first)."""
    st.markdown("**Network**")
    st.selectbox(
        "Activation", HIDDEN_ACTIVATIONS, format_func=ACTIVATION_LABELS.get, key=P + "activation",
        on_change=on_setting_change, args=("activation",), disabled=training,
        help="After every convolution and hidden dense layer. Changing it builds a new network.",
    )  # fmt: skip
    st.selectbox(
        "Pooling", POOLS, format_func=POOL_LABELS.get, key=P + "pool",
        on_change=on_setting_change, args=("pool",), disabled=training,
        help="2×2 windows, stride 2, after each convolution. Changing it builds a new network.",
    )  # fmt: skip
    st.number_input(
        "Seed", 0, MAX_SEED, step=1, key=P + "seed", on_change=on_setting_change,
        args=("seed",), disabled=training,
        help="Initial weights and the order of the minibatches. Same seed, same run.",
    )  # fmt: skip
    st.markdown("**Training**")
    st.slider(
        "Epochs", 1, MAX_EPOCHS, key=P + "epochs", on_change=on_setting_change,
        args=("epochs",), disabled=training,
        help="Train until this many passes over the 1,438 training images.",
    )  # fmt: skip
    st.select_slider(
        "Learning rate η", LR_CHOICES, key=P + "lr", on_change=on_setting_change, args=("lr",),
        disabled=training, help="Applies from the next press of Train.",
    )  # fmt: skip
    st.select_slider(
        "Batch size", BATCH_CHOICES, key=P + "batch", on_change=on_setting_change,
        args=("batch",), disabled=training, help="Images per SGD step.",
    )  # fmt: skip
    st.select_slider(
        "Momentum μ", MOMENTUM_CHOICES, key=P + "momentum", on_change=on_setting_change,
        args=("momentum",), disabled=training,
        help="0 is plain SGD; 0.9 keeps 90 % of the last step's velocity.",
    )  # fmt: skip
    if st.session_state[P + "activation"] == "sigmoid" and st.session_state[P + "lr"] < 0.1:
        st.caption("Sigmoid learns more slowly than ReLU: try η = 0.1.")


def training_buttons(trainer: Trainer, target: int, training: bool) -> None:
    done = trainer.progress >= target
    label = "Continue" if 0 < trainer.progress < target else "Train"
    cols = st.columns([1.3, 1, 1, 2.2])
    cols[0].button(
        label, key=P + "train", on_click=start, disabled=training or done, type="primary",
        icon=":material/play_arrow:", width="stretch",
        help=f"Minibatch SGD until epoch {target}",
    )  # fmt: skip
    cols[1].button(
        "Stop", key=P + "stop", on_click=stop, disabled=not training,
        icon=":material/stop:", width="stretch",
    )  # fmt: skip
    cols[2].button(
        "Reset", key=P + "reset", on_click=reset, disabled=training or trainer.progress == 0,
        icon=":material/restart_alt:", width="stretch",
        help="Back to the same starting weights (same seed)",
    )  # fmt: skip
    if done and not training:
        cols[3].caption(f"Trained for {trainer.epoch} epochs. Raise **Epochs** to train on.")


# -- sections --------------------------------------------------------------------------------------


def progress_text(trainer: Trainer, target: int, training: bool) -> str:
    verb = "Training:" if training else "Paused at" if 0 < trainer.progress < target else "Done:"
    if trainer.progress == 0 and not training:
        return f"Not trained yet · {target} epochs to go"
    return f"{verb} epoch {trainer.progress:.1f} of {target} · {trainer.seconds:.1f} s of training"


def training_panel(timer_on: bool) -> None:
    """Buttons, progress, metrics and curves. A fragment: while training it re-runs every TICK
    seconds and trains one chunk each time, so the rest of the page stays responsive."""
    state = st.session_state
    if timer_on != state[P + "training"]:
        st.rerun()  # Train or Stop was pressed: rebuild the page with or without the timer
    trainer: Trainer = state[P + "trainer"]
    target = state[P + "epochs"]
    training_buttons(trainer, target, state[P + "training"])
    training = state[P + "training"]
    bar = st.progress(
        min(trainer.progress / target, 1.0), text=progress_text(trainer, target, training)
    )
    if training:
        for _ in range(CHUNKS_PER_TICK):
            trainer.run(CHUNK_STEPS, until_epoch=target, max_seconds=CHUNK)
            bar.progress(min(trainer.progress / target, 1.0), progress_text(trainer, target, True))
            if trainer.progress >= target or trainer.divergence is not None:
                state[P + "training"] = False
                st.rerun()  # finished: show the final state everywhere, without the timer
    show_metrics(trainer, target)


def show_metrics(trainer: Trainer, target: int) -> None:
    h = trainer.history
    if trainer.divergence is not None:
        st.error(
            f"**Training diverged** in epoch {trainer.epoch + 1}: the loss blew up (above 100, "
            f"or not a number) because the learning rate η = {trainer.optimizer.lr:g} is too "
            "large for this network. Lower η and press **Train** (it starts over)."
        )
    c1, c2, c3, c4 = st.columns(4)
    acc = h.test_accuracy[-1]
    delta = f"{(acc - h.test_accuracy[-2]) * 100:+.1f} pts" if len(h.epoch) > 1 else None
    c1.metric("Test accuracy", f"{acc:.1%}", delta, help="On the 359 held-out test images")
    c2.metric(
        "Training loss",
        f"{h.train_loss[-1]:.3f}" if trainer.epoch else "–",
        help="Mean cross-entropy over the last epoch's minibatches",
    )
    c3.metric("Epochs done", f"{trainer.epoch} / {target}")
    hit = next((i for i, a in enumerate(h.test_accuracy) if a >= 0.95), None)
    c4.metric(
        "95 % reached",
        f"epoch {h.epoch[hit]} · {h.seconds[hit]:.1f} s" if hit else "not yet",
        help="First epoch with at least 95 % test accuracy, and the training time until then",
    )
    if trainer.epoch >= 3 and acc < 0.2 and trainer.divergence is None:
        st.warning(
            "After several epochs the network is still at chance level (about 10 %). With a "
            "large learning rate ReLU units can die (output 0 for every image); sigmoid needs "
            "more epochs to get going. Try another learning rate, then **Reset**."
        )
    if len(h.epoch) > 1 or h.step_loss:
        st.plotly_chart(
            curves_figure(h, target_epochs=target, batches_per_epoch=trainer.batches_per_epoch),
            key=P + "curves", config=NO_BAR,
        )  # fmt: skip
    else:
        st.caption(
            f"Before training the network guesses: test accuracy {acc:.0%}, loss "
            f"{h.test_loss[-1]:.2f} (chance: 10 %, ln 10 = 2.30). Press **Train**."
        )


def network_table(net: LeNet) -> None:
    rows = [
        {
            "layer": r["layer"],
            "output (one image)": " × ".join(map(str, r["output_shape"])),
            "parameters": r["params"],
        }
        for r in net.summary()
    ]
    st.dataframe(rows, hide_index=True, width="stretch", key=P + "layers")
    st.caption(
        f"{net.n_params:,} parameters in all. Padding k // 2 keeps 8 × 8 through each "
        "convolution; each 2 × 2 pooling halves it."
    )


def inside_the_network(trainer: Trainer) -> None:
    d = digits()
    n = len(d.y_test)
    state = st.session_state
    state[P + "digit"] = min(max(int(state[P + "digit"]), 1), n)
    c1, c2, c3, _ = st.columns([1.4, 1, 1, 2.6], vertical_alignment="bottom")
    c1.number_input(f"Test image (1 to {n})", 1, n, step=1, key=P + "digit")
    c2.button("Random", key=P + "random", on_click=pick_digit, args=("random",), width="stretch")
    c3.button(
        "Next mistake", key=P + "mistake", on_click=pick_digit, args=("mistake",),
        width="stretch", help="The next test image the network gets wrong",
    )  # fmt: skip
    i = state[P + "digit"] - 1
    net = trainer.model
    maps = {layer.name: out for layer, out in net.feature_maps(d.X_test[i])}
    probs = net.predict_proba(d.X_test[i])[0]
    act = ACTIVATION_LABELS[net.activation]
    stage_titles = {
        "act1": f"conv1 + {act}: 6 × 8 × 8",
        "pool1": f"{net.pool} pool: 6 × 4 × 4",
        "act2": f"conv2 + {act}: 16 × 4 × 4",
        "pool2": f"{net.pool} pool: 16 × 2 × 2",
    }
    cols = st.columns([1, 1.25, 1.25, 1.25, 1.25])
    with cols[0]:
        st.markdown("**input: 1 × 8 × 8**")
        st.plotly_chart(digit_figure(d.X_test[i, 0]), key=P + "input", config=NO_BAR)
    for col, (name, per_row) in zip(cols[1:], STAGES, strict=True):
        with col:
            st.markdown(f"**{stage_titles[name]}**")
            st.plotly_chart(
                feature_maps_figure(maps[name], cols=per_row), key=P + "map_" + name,
                config=NO_BAR,
            )  # fmt: skip
    for name in ("act_fc1", "act_fc2"):
        units = maps[name]
        st.markdown(f"**{name.removeprefix('act_')} + {act}: {len(units)} units**")
        st.plotly_chart(units_figure(units), key=P + "units_" + name, config=NO_BAR)
    left, right = st.columns([1.2, 1], gap="large")
    with left:
        st.plotly_chart(
            probabilities_figure(probs, true_label=int(d.y_test[i])), key=P + "probs",
            config=NO_BAR,
        )  # fmt: skip
        st.caption("Pink: the network's answer (the most probable digit). Outlined: the truth.")
    with right:
        pred, label = int(probs.argmax()), int(d.y_test[i])
        if pred == label:
            st.success(f"Predicted **{pred}** with p = {probs[pred]:.1%}: right.")
        else:
            st.error(
                f"Predicted **{pred}** (p = {probs[pred]:.1%}), but it is a **{label}** "
                f"(p = {probs[label]:.1%})."
            )
        pooled = "the strongest response" if net.pool == "max" else "the mean"
        st.markdown(
            "Dark tiles are strong activations. Each conv1 map shows where one of the six "
            f"filters (tab *Learned filters*) finds its pattern; pooling keeps {pooled} of "
            "each 2 × 2 block; conv2 combines the six maps into 16 new ones. The 64 numbers "
            "after the last pooling go through dense layers of 120 and 84 units to the 10 "
            "scores, and the softmax turns them into the probabilities on the left."
        )
        if trainer.epoch == 0:
            st.info("The network is untrained: its filters are random. Train it and look again.")


def confusion(trainer: Trainer) -> None:
    d = digits()
    cm = confusion_matrix(d.y_test, trainer.model.predict(d.X_test))
    left, right = st.columns([1.3, 1], gap="large")
    with left:
        st.plotly_chart(confusion_figure(cm), key=P + "confusion", config=NO_BAR)
    with right:
        st.markdown(
            "Row = the true digit, column = the network's answer. The diagonal (blue) counts "
            "the right answers; every number off it (vermilion) is a mistake."
        )
        off = cm - np.diag(np.diag(cm))
        if off.sum() == 0:
            st.success("No mistakes on the test set.")
        else:
            t, p = np.unravel_index(off.argmax(), off.shape)
            st.markdown(
                f"{int(off.sum())} of {cm.sum()} test images are wrong. The most common "
                f"mistake: a **{t}** read as a **{p}** ({off[t, p]} times)."
            )


def filters(trainer: Trainer) -> None:
    w = trainer.model.params["conv1.W"]
    left, right = st.columns([1.6, 1], gap="large")
    left.plotly_chart(filters_figure(w), key=P + "filters", config=NO_BAR)
    right.markdown(
        "The six 5 × 5 kernels of the first convolution (vermilion positive, blue negative). "
        "Before training they are random noise; as the network learns they become stroke and "
        "edge detectors: the output is large where the image window looks like the kernel "
        "(their inner product is large), as in the lecture's learned AlexNet kernels."
    )


# -- the page --------------------------------------------------------------------------------------

init_state()
lesson_header(
    "Train a LeNet",
    "**LeNet** (LeCun et al., 1998) is the classic convolutional network: two stages of "
    "**convolution → activation → pooling** find local patterns, dense layers turn them into "
    "class scores, and a **softmax** gives probabilities. Here a LeNet-5-shaped network learns "
    "the 8 × 8 handwritten digits (1,438 training and 359 test images) with minibatch SGD on "
    "the cross-entropy loss, right in this page, with the backpropagation of every layer "
    "written in NumPy.",
    [
        r"Y_o = b_o + \sum_c X_c \star W_{o,c}, \qquad "
        r"\text{pool}(Y)_{ij} = \max_{(p,q) \in \text{window}_{ij}} Y_{pq}",
        r"\ell = -\log \operatorname{softmax}(f)_y, \qquad "
        r"v \leftarrow \mu v - \eta \nabla_\theta \ell, \quad \theta \leftarrow \theta + v",
    ],
)
controls, main = st.columns([1, 3.2], gap="large")
with controls, st.container(border=True):
    hyperparameter_controls(st.session_state[P + "training"])
st.session_state[P + "saved"] = settings()
with main:
    timer = st.session_state[P + "training"]
    st.fragment(training_panel, run_every=TICK if timer else None)(timer)
    with st.expander("The network, layer by layer"):
        network_table(st.session_state[P + "trainer"].model)

current: Trainer = st.session_state[P + "trainer"]
st.subheader("What the network learned")
if st.session_state[P + "training"]:
    st.caption("Shown for the network as it was when training started; it updates when it stops.")
tab_inside, tab_confusion, tab_filters = st.tabs(
    ["Inside the network: one test digit", "Confusion matrix", "Learned filters"]
)
with tab_inside:
    inside_the_network(current)
with tab_confusion:
    confusion(current)
with tab_filters:
    filters(current)

quiz(quizzes.LENET)
