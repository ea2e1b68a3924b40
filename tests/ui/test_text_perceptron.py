"""ui.text.perceptron: the lecture's worked example, word for word and number for number."""

import numpy as np
import pytest

from engine.datasets import GATE_INPUTS, GATE_TRUTH, LECTURE_LABELS, LECTURE_POINTS
from engine.perceptron import start_weights, train
from ui.text.perceptron import (
    inner_product_latex,
    neuron_latex,
    neuron_output,
    repeating_epochs,
    run_verdict,
    start_message,
    step_messages,
    trace_rows,
)


def lecture_run():
    return train(LECTURE_POINTS, LECTURE_LABELS, start_weights("lecture"))


def test_inner_product_as_on_the_slide():
    s = lecture_run().steps[0]
    assert inner_product_latex(s.w_before, s.x, 1, s.score) == (
        r"\langle \vec w, \vec x_{1} \rangle = {1 \times 0} + {2 \times 1} + {(-1) \times 1} = 1"
    )


def test_neuron_formula_keeps_each_product_whole():
    assert neuron_latex(1.0, 2.0, -1.0, 1.0, 1.0) == (
        r"w_1 x_1 + w_2 x_2 + b = {1 \times 1} + {2 \times 1} + (-1) = 2"
    )
    assert neuron_latex(-2.5, 0.5, 3.0, -1.25, 4.0) == (
        r"w_1 x_1 + w_2 x_2 + b = {(-2.5) \times (-1.25)} + {0.5 \times 4} + 3 = 8.125"
    )
    assert neuron_output(0.0, 0) == "$o = \\sigma(0)$ = **0**: class 0."


def test_first_step_of_the_lecture():
    run = lecture_run()
    assert start_message(run.w_start).text.startswith(r"Start: $\vec w$ = (1, 2, −1).")
    head, inner, sigma, update = step_messages(run.steps[0])
    assert head.text == (
        r"**Epoch 1, point $\vec x_{1}$** = (0, 1, 1) (class 0), $\vec w$ = (1, 2, −1)"
    )
    assert inner.text.startswith("$") and inner.text.endswith("= 1$")
    assert sigma.text == r"$\sigma(1)$ = **1**: predicts class 1, the true class is 0."
    assert update.kind == "error" and update.text.endswith(
        r"Update $\vec w \leftarrow \vec w - \vec x_{1}$ = (1, 1, −2)"
    )
    assert "too large" in update.text
    *_, right = step_messages(run.steps[1])
    assert (right.kind, right.text) == ("success", "Correct prediction, no update.")


def test_trace_table_of_the_lecture():
    rows = trace_rows(lecture_run().steps)
    assert [r["⟨w⃗, x⃗⟩"] for r in rows] == ["1", "−1", "1", "1", "−1", "−1", "1", "1"]
    assert rows[0]["update"] == "w⃗ ← w⃗ − x⃗1 = (1, 1, −2)"
    assert [r["update"] for r in rows[1:]] == ["none"] * 7  # one mistake, then none


def test_converged_verdict():
    v = run_verdict(lecture_run())
    assert v.kind == "success"
    assert "converged after 2 epochs with $\\vec w$ = (1, 1, −2)." in v.text


@pytest.mark.parametrize(
    ("start", "end", "text"),
    [
        (3, 3, "epoch 3 over and over"),
        (1, 1, "epoch 1 over and over"),
        (3, 4, "epochs 3–4 over and over, in turn (a loop of 2 epochs)"),
        (2, 7, "epochs 2–7 over and over, in turn (a loop of 6 epochs)"),
    ],
)
def test_which_epochs_repeat(start, end, text):
    assert repeating_epochs(start, end) == text


def test_a_loop_that_is_not_one_is_refused():
    with pytest.raises(ValueError, match="not a loop"):
        repeating_epochs(4, 3)


def test_xor_from_zeros_loops_over_one_epoch():
    """Issue 14 item 10: the verdict used to say "repeats epochs 3–3"."""
    run = train(GATE_INPUTS, GATE_TRUTH["xor"], np.zeros(3))
    v = run_verdict(run)
    assert v.kind == "error"
    assert "start of epoch 4 equal those at the start of epoch 3" in v.text
    assert "the perceptron runs epoch 3 over and over:" in v.text
    assert "3–3" not in v.text


def test_a_loop_of_two_epochs_is_named_as_such():
    X = np.array([[0.0, 1.0], [1.0, 1.0], [2.0, 1.0]])
    run = train(X, np.array([0, 1, 0]), np.zeros(3))
    assert (run.cycle_start, run.epochs) == (3, 4)
    assert "runs epochs 3–4 over and over, in turn (a loop of 2 epochs)" in run_verdict(run).text


def test_the_epoch_cap_is_said_plainly():
    # Separable, but only just: 1 epoch is not enough from these weights.
    run = train(LECTURE_POINTS, LECTURE_LABELS, start_weights("lecture"), max_epochs=1)
    v = run_verdict(run)
    assert v.kind == "warning" and v.text.startswith("Stopped after 1 epochs")
