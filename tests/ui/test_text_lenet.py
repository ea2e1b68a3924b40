"""ui.text.lenet: what the LeNet page says, from the numbers (issue 14 items 11 and 13, issue 17
item 8)."""

from __future__ import annotations

import numpy as np
import pytest

from engine.training import Divergence, History, Setback
from ui.text.lenet import (
    confusion_summary,
    digit_verdict,
    divergence_message,
    filters_text,
    first_reached,
    loaded_message,
    lower_lr,
    momentum_text,
    my_digits_summary,
    pct,
    progress_text,
    reading,
    restore_label,
    setback_message,
    start_over_label,
    steps_caption,
)

LR_CHOICES = (0.001, 0.003, 0.01, 0.02, 0.05, 0.1, 0.3, 1.0)


@pytest.mark.parametrize(
    ("status", "text"),
    [
        ("untrained", "Not trained yet · 15 epochs to go"),
        ("training", "Training: epoch 12.3 of 15 · 8.1 s of training"),
        ("paused", "Paused at epoch 12.3 of 15 · 8.1 s of training"),
        ("done", "Done: epoch 12.3 of 15 · 8.1 s of training"),
        ("collapsed", "Stopped at epoch 12.3 of 15: the accuracy collapsed (see below) · 8.1 s of "
                      "training"),
        ("stuck", "Stopped at epoch 12.3 of 15: still at chance level (see below) · 8.1 s of "
                  "training"),
        ("diverged", "Stopped at epoch 12.3 of 15: training diverged (see below) · 8.1 s of "
                     "training"),
    ],
)  # fmt: skip
def test_the_progress_line_never_says_done_for_a_run_that_went_wrong(status, text):
    assert progress_text(status, 12.3, 15, 8.08) == text


def test_the_95_percent_metric_is_short_enough_for_a_narrow_column():
    h = History()
    for epoch, acc in enumerate([0.1, 0.9, 0.951, 0.97]):
        h.append(iteration=epoch, epoch=epoch, train_loss=0.1, train_accuracy=acc,
                 test_loss=0.1, test_accuracy=acc, seconds=2.5 * epoch)  # fmt: skip
    assert first_reached(h) == ("epoch 2", "after 5.0 s of training")  # issue 17: "epoch 1…" cut
    assert first_reached(h, 0.99) == ("not yet", None)


def test_percentages_never_round_to_certainty():
    assert pct(0.99996) == "> 99.9 %" and pct(1.0) == "100.0 %"
    assert pct(0.00002) == "< 0.1 %" and pct(0.0) == "0.0 %" and pct(0.947) == "94.7 %"


def test_the_fix_lowers_eta_at_least_by_half():
    assert [lower_lr(lr, LR_CHOICES) for lr in (1.0, 0.3, 0.1, 0.05, 0.02, 0.003, 0.001)] == [
        0.3, 0.1, 0.05, 0.02, 0.01, 0.001, 0.001,
    ]  # fmt: skip
    assert restore_label(6, 0.947, 0.01, 0.02) == "Back to epoch 6 (94.7 %) with η = 0.01"
    assert restore_label(6, 0.947, 0.001, 0.001) == "Back to epoch 6 (94.7 %)"
    assert start_over_label(0.3, 1.0) == "Start over with η = 0.3"


def test_the_collapse_of_issue_17_is_told_with_its_numbers():
    m = setback_message(Setback("collapsed", 6, 0.947, 31, 0.613), lr=0.02, momentum=0.9,
                        activation="relu", same_answer=False)  # fmt: skip
    assert m.kind == "error"
    assert m.text.startswith(
        "**The accuracy collapsed.** It reached 94.7 % at epoch 6, then fell to 61.3 % by epoch "
        "31 (guessing gives 10.0 %). The loss never blew up, so this is not a divergence: with "
        "momentum μ = 0.9 the steps add up to as much as η / (1 − μ) = 0.2 times the gradient"
    )
    assert m.text.endswith(
        "go back to the best epoch and go on with a smaller η (or less momentum)."
    )
    dead = setback_message(Setback("collapsed", 6, 0.947, 37, 0.1), lr=0.02, momentum=0.9,
                           activation="relu", same_answer=True)  # fmt: skip
    assert "the same answer for every image: its ReLU units have died" in dead.text


def test_a_dead_network_is_stuck_and_a_slow_sigmoid_is_only_warned():
    dead = setback_message(Setback("stuck", 0, 0.103, 3, 0.103), lr=1.0, momentum=0.9,
                           activation="relu", same_answer=True)  # fmt: skip
    assert dead.kind == "error"
    assert dead.text.startswith(
        "**The network is stuck at chance level.** After 3 epochs its test accuracy is 10.3 %"
    )
    assert "η / (1 − μ) = 10 times the gradient. Start over with a smaller η." in dead.text
    slow = setback_message(Setback("stuck", 3, 0.15, 3, 0.15), lr=0.02, momentum=0.9,
                           activation="sigmoid", same_answer=False)  # fmt: skip
    assert slow.kind == "warning" and "try η = 0.1" in slow.text


def test_divergence_names_the_step_size():
    m = divergence_message(Divergence(57, "the loss reached 1.2e+03, above 100"), epoch=1,
                           lr=1.0, momentum=0.95)  # fmt: skip
    assert m.text.startswith(
        "**Training diverged** in epoch 2 (step 57): the loss reached 1.2e+03, above 100. The "
        "steps were far too large: with momentum μ = 0.95 the steps add up to as much as "
        "η / (1 − μ) = 20 times the gradient"
    )
    plain = divergence_message(Divergence(3, "x"), epoch=0, lr=1.0, momentum=0.0)
    assert "each step is η = 1 times the gradient" in plain.text


def test_momentum_is_an_extension_of_the_lectures_sgd_with_this_pages_numbers():
    text = momentum_text(0.02, 0.9)
    assert "The lecture's SGD step is **θ ← θ − η ∇ℓ**" in text
    assert "an extension the lecture does not cover" in text
    assert "With **μ = 0** it is exactly the lecture's SGD." in text
    assert "Here μ = 0.9: steps of up to 10 × η = 0.2 times the gradient." in text
    assert "for the same step size try η ≈ 0.2" in text
    assert "Here μ = 0.5: steps of up to 2 × η = 0.1 times" in momentum_text(0.05, 0.5)
    plain = momentum_text(0.02, 0.0)
    assert "Here μ = 0: plain SGD, each step η = 0.02 times the gradient." in plain


def test_a_reading_is_honest_about_how_sure_it_is():
    sure = reading(np.array([0, 0, 0, 0, 0, 0, 0, 0.97, 0.02, 0.01]))
    assert (sure.kind, sure.text) == (
        "success",
        "The network reads a **7** (p = 97.0 %). Next most likely: 8 (p = 2.0 %).",
    )
    certain = reading(np.array([0.99996] + [0.00004 / 9] * 9))
    assert certain.text == (
        "The network reads a **0** (p > 99.9 %). Every other digit gets less than 1 %."
    )
    probably = reading(np.array([0, 0.7, 0, 0, 0, 0, 0, 0.25, 0.05, 0]))
    assert probably.kind == "info" and probably.text == (
        "Probably a **1** (p = 70.0 %), but the network is not sure: next comes **7** (p = 25.0 %)."
    )
    unsure = reading(np.array([0, 0.41, 0, 0, 0, 0, 0, 0.332, 0.257, 0.001]))
    assert unsure.kind == "warning" and unsure.text.startswith(
        "The network is unsure: **1** (p = 41.0 %) or **7** (p = 33.2 %)"
    )


def test_test_digit_verdict():
    probs = np.array([0.0, 0.743, 0, 0, 0, 0.034, 0, 0, 0, 0.223])
    assert digit_verdict(probs, 1).text == "Predicted **1** with p = 74.3 %: right."
    wrong = digit_verdict(probs, 5)
    assert wrong.kind == "error"
    assert wrong.text == "Predicted **1** (p = 74.3 %), but it is a **5** (p = 3.4 %)."


def test_the_filters_are_described_as_they_are():
    text = filters_text(np.array([1.2, 1.6, 1.4]), np.array([0.83, 0.93, 0.9]), 15)
    assert text.startswith("**What these filters are, after 15 epochs.** They still look like "
                           "noise, and they are close to the noise they started from: each "
                           "filter's correlation with its own random start is 0.83 to 0.93, "
                           "while training made them 1.2 to 1.6 times as large.")  # fmt: skip
    assert "do not look for the stroke and edge detectors" in text
    changed = filters_text(np.array([2.0]), np.array([0.2]), 40)
    assert "still look like noise" not in changed and "0.20 to 0.20" in changed
    assert filters_text(np.ones(6), np.ones(6), 0).startswith("Before training the six")


def test_confusion_and_my_digits():
    cm = np.diag([30, 40])
    assert confusion_summary(cm).text == "No mistakes on the 70 test images."
    cm = np.array([[3, 1], [0, 4]])
    assert confusion_summary(cm, mine=2).text == (
        "1 of 8 images (359 test images and your 2) are wrong: accuracy 87.5 %. The most common "
        "mistake: a **0** read as a **1** (1 time)."
    )
    assert my_digits_summary([7, 3, 1], [7, 5, 1]) == (
        "Your digits: the network reads **2 of 3** correctly (66.7 %). Wrong: 3 read as 5."
    )


def test_steps_and_loading_say_what_happened():
    assert steps_caption(1, -0.25, (10, 20, 80, 40)).startswith(
        "1. The ink's box (40 × 80 pixels of the pad) scaled to the full 32-pixel height, at "
        "most 20 wide, centred. 2. Strokes thickened once (little ink). 3. Slant: stood upright "
        "(rows shifted by 0.25 pixels per row)."
    )
    assert "Slant: already upright" in steps_caption(0, 0.0, (0, 0, 9, 9))
    assert loaded_message(2, 0.9025, 0.02, 32, 0.9).startswith(
        "Loaded a LeNet trained for 2 epochs (test accuracy 90.2 %), with its settings "
        "(η = 0.02, batch 32, μ = 0.9) and history."
    )
