"""What the LeNet lesson says: progress, verdicts, what went wrong in training and how to fix it,
momentum, what the learned filters are, the drawn digit and saved networks. Pure functions."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import numpy as np

from engine.training import Divergence, History, Setback
from ui.text import Message

Status = Literal["untrained", "training", "paused", "done", "diverged", "collapsed", "stuck"]
CHANCE = 0.1  # ten digits: guessing is right one time in ten
SURE = 0.9  # a reading at least this probable is stated plainly
TARGET = 0.95  # the accuracy the page counts the epochs and seconds to


def pct(p: float) -> str:
    """A probability or accuracy as a percentage; never "100.0 %" or "0.0 %" for one that is
    not exactly that."""
    if 0.999 < p < 1:
        return "> 99.9 %"
    if 0 < p < 0.0005:
        return "< 0.1 %"
    return f"{p:.1%}".replace("%", " %")


def p_is(p: float) -> str:
    """The probability as "p = 97.0 %", or "p > 99.9 %" where rounding would claim certainty."""
    text = pct(p)
    return f"p {text}" if text[0] in "<>" else f"p = {text}"


def epochs_word(n: float) -> str:
    return "epoch" if n == 1 else "epochs"


# -- training --------------------------------------------------------------------------------------


def progress_text(status: Status, progress: float, target: int, seconds: float) -> str:
    """The line on the progress bar. Never "Done" for a run that went wrong."""
    spent = f"{seconds:.1f} s of training"
    if status == "untrained":
        return f"Not trained yet · {target} {epochs_word(target)} to go"
    if status == "training":
        return f"Training: epoch {progress:.1f} of {target} · {spent}"
    if status == "paused":
        return f"Paused at epoch {progress:.1f} of {target} · {spent}"
    if status == "done":
        return f"Done: epoch {progress:.1f} of {target} · {spent}"
    what = {
        "diverged": "training diverged",
        "collapsed": "the accuracy collapsed",
        "stuck": "still at chance level",
    }[status]
    return f"Stopped at epoch {progress:.1f} of {target}: {what} (see below) · {spent}"


def first_reached(h: History, level: float = TARGET) -> tuple[str, str | None]:
    """The "95 % reached" metric: its value (short, it must fit a narrow column) and when."""
    for epoch, acc, seconds in zip(h.epoch, h.test_accuracy, h.seconds, strict=True):
        if acc >= level:
            return f"epoch {epoch:g}", f"after {seconds:.1f} s of training"
    return "not yet", None


def lower_lr(lr: float, choices: Sequence[float]) -> float:
    """The largest offered learning rate at most half of ``lr`` (the smallest one at the end)."""
    lower = [c for c in choices if c <= lr / 2]
    return max(lower) if lower else min(choices)


def step_size_note(lr: float, momentum: float) -> str:
    if momentum == 0:
        return f"each step is η = {lr:g} times the gradient"
    return (
        f"with momentum μ = {momentum:g} the steps add up to as much as η / (1 − μ) = "
        f"{lr / (1 - momentum):.3g} times the gradient"
    )


def divergence_message(d: Divergence, *, epoch: int, lr: float, momentum: float) -> Message:
    return Message(
        "error",
        f"**Training diverged** in epoch {epoch + 1} (step {d.iteration}): {d.reason}. The steps "
        f"were far too large: {step_size_note(lr, momentum)}, so a step overshoots the minimum "
        "and lands higher up the loss, and the next one overshoots further. The weights it "
        "reached are useless; training stopped there.",
        ":material/trending_up:",
    )


def setback_message(
    s: Setback, *, lr: float, momentum: float, activation: str, same_answer: bool
) -> Message:
    """What went wrong when a run collapsed or is stuck, from its numbers (engine.find_setback).

    ``same_answer``: the network gives one answer for every test image (its units died).
    """
    dead = (
        " It now gives the same answer for every image: its ReLU units have died (each outputs "
        "0 for every image, so no gradient flows back through it and training cannot revive it)."
        if same_answer and activation == "relu"
        else " It now gives the same answer for every image."
        if same_answer
        else ""
    )
    if s.kind == "collapsed":
        return Message(
            "error",
            f"**The accuracy collapsed.** It reached {pct(s.best_accuracy)} at epoch "
            f"{s.best_epoch:g}, then fell to {pct(s.accuracy)} by epoch {s.epoch:g} (guessing "
            f"gives {pct(CHANCE)}).{dead} The loss never blew up, so this is not a divergence: "
            f"{step_size_note(lr, momentum)}, and late in training, when the gradients are small "
            "and noisy, a few unlucky minibatches can throw the weights out of the good region "
            "it had found. The fix: go back to the best epoch and go on with a smaller η (or "
            "less momentum).",
            ":material/trending_down:",
        )
    if same_answer:
        return Message(
            "error",
            f"**The network is stuck at chance level.** After {s.epoch:g} "
            f"{epochs_word(s.epoch)} its test accuracy is {pct(s.accuracy)}, what guessing gives."
            f"{dead} The loss never passed the divergence line, but the first steps were too "
            f"large: {step_size_note(lr, momentum)}. Start over with a smaller η.",
            ":material/block:",
        )
    slow = (
        " Sigmoid units learn slowly at first (their gradient is at most 1/4): try η = 0.1, or "
        "give it more epochs."
        if activation == "sigmoid"
        else " Try another learning rate, then **Reset**."
    )
    return Message(
        "warning",
        f"After {s.epoch:g} {epochs_word(s.epoch)} the network is still at chance level "
        f"({pct(s.accuracy)}; guessing gives {pct(CHANCE)}).{slow}",
        ":material/hourglass_empty:",
    )


def restore_label(best_epoch: float, best_accuracy: float, new_lr: float, lr: float) -> str:
    back = f"Back to epoch {best_epoch:g} ({pct(best_accuracy)})"
    return back if new_lr == lr else f"{back} with η = {new_lr:g}"


def start_over_label(new_lr: float, lr: float) -> str:
    return "Start over" if new_lr == lr else f"Start over with η = {new_lr:g}"


def momentum_text(lr: float, momentum: float) -> str:
    """Momentum as an extension of the lecture's plain SGD, with this page's numbers."""
    lecture = (
        "The lecture's SGD step is **θ ← θ − η ∇ℓ**. This page adds **momentum**, an extension "
        "the lecture does not cover: each step keeps μ of the previous one, "
        "**v ← μ v − η ∇ℓ, θ ← θ + v**. Where the gradient keeps pointing the same way the "
        "steps add up, to as much as η / (1 − μ) times the gradient; where it zig-zags from one "
        "minibatch to the next, they cancel. With **μ = 0** it is exactly the lecture's SGD."
    )
    if momentum == 0:
        now = (
            f" Here μ = 0: plain SGD, each step η = {lr:g} times the gradient. Compare with "
            "μ = 0.9: set it, press **Reset** and **Train**; this run stays on the chart, dashed."
        )
    else:
        factor = 1 / (1 - momentum)
        now = (
            f" Here μ = {momentum:g}: steps of up to {factor:.3g} × η = {lr * factor:.3g} times "
            "the gradient. To see what it adds, train, then set **μ = 0**, press **Reset** and "
            "**Train** again: this run stays on the chart, dashed. (Plain SGD with the same η "
            f"takes {factor:.3g} times smaller steps; for the same step size try η ≈ "
            f"{lr * factor:.2g}.)"
        )
    return lecture + now


def run_label(lr: float, batch: int, momentum: float, activation: str) -> str:
    """How a run is named on the chart when it is kept for comparison."""
    return f"μ = {momentum:g}, η = {lr:g}, batch {batch}, {activation}"


# -- one test digit and the drawn digit ------------------------------------------------------------


def digit_verdict(probs: np.ndarray, label: int) -> Message:
    pred = int(np.argmax(probs))
    if pred == label:
        return Message("success", f"Predicted **{pred}** with {p_is(probs[pred])}: right.")
    return Message(
        "error",
        f"Predicted **{pred}** ({p_is(probs[pred])}), but it is a **{label}** "
        f"({p_is(probs[label])}).",
    )


def reading(probs: np.ndarray) -> Message:
    """What the network makes of a drawn digit, honest about how sure it is: the top two."""
    first, second = (int(i) for i in np.argsort(-probs, kind="stable")[:2])
    p1, p2 = float(probs[first]), float(probs[second])
    if p1 >= SURE:
        runner_up = (
            f"Next most likely: {second} ({p_is(p2)})."
            if p2 >= 0.01
            else "Every other digit gets less than 1 %."
        )
        return Message(
            "success",
            f"The network reads a **{first}** ({p_is(p1)}). {runner_up}",
            ":material/check_circle:",
        )
    if p1 >= 0.5:
        return Message(
            "info",
            f"Probably a **{first}** ({p_is(p1)}), but the network is not sure: next comes "
            f"**{second}** ({p_is(p2)}).",
            ":material/help:",
        )
    return Message(
        "warning",
        f"The network is unsure: **{first}** ({p_is(p1)}) or **{second}** ({p_is(p2)}), "
        "and no digit gets even half of the probability.",
        ":material/help:",
    )


def steps_caption(stroke_steps: int, slant: float, box: tuple[int, int, int, int]) -> str:
    """The normalisation steps of engine.digits.normalise_drawing, in words."""
    _, _, h, w = box
    strokes = {
        -2: "thinned twice (too much ink)",
        -1: "thinned once (much ink)",
        0: "kept as they were",
        1: "thickened once (little ink)",
        2: "thickened twice (very little ink)",
    }[stroke_steps]
    upright = (
        "already upright"
        if slant == 0
        else f"stood upright (rows shifted by {abs(slant):.2f} pixels per row)"
    )
    return (
        f"1. The ink's box ({w} × {h} pixels of the pad) scaled to the full 32-pixel height, "
        f"at most 20 wide, centred. 2. Strokes {strokes}. 3. Slant: {upright}. 4. Each 4 × 4 "
        "block's pixels counted: 0 to 16. The data set's digits were made the same way (NIST's "
        "normaliser, then the counts)."
    )


# -- the confusion matrix and my digits ------------------------------------------------------------


def confusion_summary(cm: np.ndarray, *, mine: int = 0) -> Message:
    off = cm - np.diag(np.diag(cm))
    total = int(cm.sum())
    what = "test images" if not mine else f"images (359 test images and your {mine})"
    if off.sum() == 0:
        return Message("success", f"No mistakes on the {total} {what}.")
    t, p = np.unravel_index(off.argmax(), off.shape)
    return Message(
        "markdown",
        f"{int(off.sum())} of {total} {what} are wrong: accuracy {pct(np.trace(cm) / total)}. "
        f"The most common mistake: a **{t}** read as a **{p}** ({off[t, p]} "
        f"{'time' if off[t, p] == 1 else 'times'}).",
    )


def my_digits_summary(labels: Sequence[int], predicted: Sequence[int]) -> str:
    n = len(labels)
    right = sum(int(a) == int(b) for a, b in zip(labels, predicted, strict=True))
    wrong = [f"{a} read as {b}" for a, b in zip(labels, predicted, strict=True) if a != b]
    text = f"Your digits: the network reads **{right} of {n}** correctly ({pct(right / n)})."
    if wrong:
        text += " Wrong: " + ", ".join(wrong[:6]) + (", …" if len(wrong) > 6 else "") + "."
    return text


# -- the learned filters ---------------------------------------------------------------------------


def filters_text(growth: np.ndarray, correlation: np.ndarray, epoch: int) -> str:
    """What is true of the first layer's six 5 × 5 filters, from how they changed in training.

    ``growth``: each filter's size (norm) now over its size at the start; ``correlation``: each
    filter's correlation with its own random start.
    """
    if epoch == 0:
        return (
            "Before training the six 5 × 5 filters are random numbers (each drawn from a normal "
            "distribution). Train the network and look again."
        )
    r_lo, r_hi = float(correlation.min()), float(correlation.max())
    g_lo, g_hi = float(growth.min()), float(growth.max())
    similar = r_lo >= 0.5
    what = (
        f"They still look like noise, and they are close to the noise they started from: each "
        f"filter's correlation with its own random start is {r_lo:.2f} to {r_hi:.2f}"
        if similar
        else f"Their correlation with their random start is now {r_lo:.2f} to {r_hi:.2f}"
    )
    return (
        f"**What these filters are, after {epoch} {epochs_word(epoch)}.** {what}, while "
        f"training made them {g_lo:.2g} to {g_hi:.2g} times as large. So do not look for the "
        "stroke and edge detectors of the lecture's AlexNet kernels here: a 5 × 5 filter on an "
        "8 × 8 digit covers most of the digit, the digits have no fine texture, and the network "
        "reaches its accuracy by combining these rough, random-looking projections in the "
        "layers after. Edge-like filters appear when filters are small compared with large, "
        "detailed images (AlexNet: 11 × 11 on 224 × 224 photos; see *Image filters*, where "
        "filters are learned from photos). **What each one responds to** on the digits: its "
        "response map on the test digit (ink where it fires), and the average of the 20 digit "
        "windows that excite it most."
    )


# -- saving and loading ----------------------------------------------------------------------------


def loaded_message(epoch: int, accuracy: float, lr: float, batch: int, momentum: float) -> str:
    return (
        f"Loaded a LeNet trained for {epoch} {epochs_word(epoch)} (test accuracy "
        f"{pct(accuracy)}), with its settings (η = {lr:g}, batch {batch}, μ = {momentum:g}) "
        "and history. **Train** carries on where it stopped."
    )


def load_error(reason: str) -> str:
    return f"Could not load this file: {reason} The page keeps its current network."
