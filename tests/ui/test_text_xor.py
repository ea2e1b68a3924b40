"""ui.text.xor: verdicts derived from the network and the run on screen."""

import numpy as np
import pytest

from engine.gates import XOR_NET, TwoLayerNet, gate_data, learn_gate, truth_table
from engine.perceptron import start_weights, train
from ui.text.xor import (
    and_list,
    compose_rows,
    compose_verdict,
    designer_verdict,
    epoch_rows,
    fail_verdict,
    learned_note,
    linear_text,
    markdown_table,
    prediction_feedback,
    truth_rows,
    unit_short_name,
)

X, Y = gate_data("xor")


def net(*weights):
    w = np.array(weights, dtype=float).reshape(3, 3)
    return TwoLayerNet(hidden=w[:2], output=w[2])


@pytest.mark.parametrize(
    ("w", "text"),
    [
        ((1, 1, -1.5), "h₁ + h₂ − 1.5"),
        ((-1, 2, 0), "−h₁ + 2h₂"),
        ((0, -0.5, 1), "−0.5h₂ + 1"),
        ((0, 0, -0.5), "−0.5"),
        ((0, 0, 0), "0"),
    ],
)
def test_linear_text(w, text):
    assert linear_text(w, ("h₁", "h₂")) == text


def test_and_list():
    assert [and_list(x) for x in ([], ["a"], ["a", "b"], ["a", "b", "c"])] == [
        "",
        "a",
        "a and b",
        "a, b and c",
    ]


def test_xor_from_and_or_nand():
    v = compose_verdict(XOR_NET, X, Y)
    assert v.kind == "success"
    assert v.text == (
        "**This network computes XOR.** h₁ and h₂ each draw one line in the input plane. In the "
        "hidden space (h₁, h₂) the inputs land at (0, 0) → (0, 1), (0, 1) → (1, 1), "
        "(1, 0) → (1, 1), (1, 1) → (1, 0); (0, 1) and (1, 0) both land on (1, 1). There one "
        "more line, the output unit's h₁ + h₂ − 1.5 = 0, has XOR's 1s (at (1, 1)) on its 1 side "
        "and its 0s (at (0, 1) and (1, 0)) on the other: classes that no line separates in the "
        "input plane are separated by one line in the hidden space."
    )


def test_xor_that_keeps_every_input_apart_but_merges_the_zeros():
    """Issue 14 item 1: this network computes XOR without (0, 1) and (1, 0) meeting."""
    v = compose_verdict(net(1, -1, -0.5, -1, 1, -0.5, 1, 1, -0.5), X, Y)
    assert v.kind == "success"
    assert "(0, 0) → (0, 0), (0, 1) → (0, 1), (1, 0) → (1, 0), (1, 1) → (0, 0);" in v.text
    assert "; (0, 0) and (1, 1) both land on (0, 0). " in v.text
    assert "(0, 1) and (1, 0) both land" not in v.text
    assert (
        "the output unit's h₁ + h₂ − 0.5 = 0, has XOR's 1s (at (0, 1) and (1, 0)) on its 1 "
        "side and its 0s (at (0, 0)) on the other" in v.text
    )


def test_xor_as_or_and_not_and():
    n = net(1, 1, -0.5, 1, 1, -1.5, 1, -2, -0.5)  # h₁ = OR, h₂ = AND, y = h₁ AND NOT h₂
    _, _, out = n.forward(X)
    np.testing.assert_array_equal(out, Y)
    v = compose_verdict(n, X, Y)
    assert "(0, 1) and (1, 0) both land on (1, 0)" in v.text
    assert "h₁ − 2h₂ − 0.5 = 0" in v.text


def test_not_xor_when_the_output_unit_is_wrong():
    v = compose_verdict(net(1, 1, -0.5, -1, -1, 1.5, 1, 1, -0.5), X, Y)
    assert v.kind == "error"
    assert v.text == (
        "**Not XOR:** the network now computes always 1, wrong on (0, 0), (1, 1). The hidden "
        "points are still separable, so the output unit alone could fix it: change its line."
    )


def test_not_xor_when_two_classes_meet_in_the_hidden_space():
    v = compose_verdict(net(1, 0, -0.5, -1, -1, 1.5, 1, 1, -1.5), X, Y)
    assert v.kind == "error"
    assert v.text.endswith(
        "In the hidden space (0, 0) (a 0 of XOR) and (0, 1) (a 1) land on the same point "
        "(0, 1): no output unit can tell them apart. Change the hidden units."
    )


def test_not_xor_when_the_hidden_layer_copies_the_inputs():
    v = compose_verdict(net(1, 0, -0.5, 0, 1, -0.5, 1, 1, -1.5), X, Y)  # h = x: still XOR-shaped
    assert "still sit where no line separates them" in v.text and "Change the hidden" in v.text


def test_compose_rows():
    rows = compose_rows(XOR_NET, X, Y)
    assert rows["h₁"] == [0, 1, 1, 1] and rows["h₂"] == [1, 1, 1, 0] and rows["y"] == [0, 1, 1, 0]
    assert rows["right?"] == ["✓"] * 4


def test_fail_verdict_of_xor_from_zeros():
    run = train(X, Y, start_weights("zeros"))
    v = fail_verdict(run)
    assert v.kind == "error"
    assert (
        "The weights at the start of epoch 4, (−1, 0, 1), are exactly those at the start of "
        "epoch 3." in v.text
    )
    assert (
        "so from here it runs epoch 3 over and over and the mistakes never reach 0 (2, 3, 4, …)"
        in v.text
    )
    rows = epoch_rows(run)
    assert rows["mistakes"] == ["2", "3", "4", "…"]
    assert rows[""] == ["", "", "↺ loop", "= epoch 3"]
    assert rows["w⃗ at its start"] == ["(0, 0, 0)", "(−1, 0, 0)", "(−1, 0, 1)", "(−1, 0, 1)"]


def test_markdown_table_shows_every_column_whole():
    table = markdown_table({"x₁": [0, 1], "σ": [1, 0], "a|b": ["|", ""], "right?": ["✓", "✗"]})
    assert table.splitlines() == [
        "| x₁ | σ | a\\|b | right? |",
        "|:-:|:-:|:-:|:-:|",
        "| 0 | 1 | \\| | :green[**✓**] |",
        "| 1 | 0 |  | :red[**✗**] |",
    ]


def test_fail_verdict_of_and_converges():
    run = train(*gate_data("and"), start_weights("zeros"))
    v = fail_verdict(run)
    assert v.kind == "success" and "$\\vec w$ = (2, 1, −2)" in v.text


def test_prediction_feedback():
    assert prediction_feedback(None, True) is None
    assert prediction_feedback("yes", True).kind == "success"
    assert prediction_feedback("no", False).kind == "success"
    assert "can* be split" in prediction_feedback("no", True).text
    assert "is there a line" in prediction_feedback("yes", False).text


def test_designer_texts():
    table = truth_table("and", np.array([1.0, 1.0, -1.5]))
    assert truth_rows("and", table)["right?"] == ["✓"] * 4
    assert designer_verdict("and", table, (1.0, 1.0, -1.5)).text == (
        "All 4 rows right: with $\\vec w$ = (1, 1, −1.5) this perceptron is a AND gate."
    )
    xor = truth_table("xor", np.zeros(3))
    assert designer_verdict("xor", xor, (0, 0, 0)).kind == "warning"
    assert learned_note("xor", learn_gate("xor")).kind == "error"
    assert "learned NAND from zero weights" in learned_note("nand", learn_gate("nand")).text


def test_unit_short_names():
    assert unit_short_name((1, 1, -0.5), ("x₁", "x₂")) == "OR"
    assert unit_short_name((1, 0, -0.5), ("x₁", "x₂")) == "x₁"
