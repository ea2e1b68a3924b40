"""What the MLP playground says: the lecture's statements, derived from the network on screen."""

from __future__ import annotations

import pytest

from engine.mlp import MLP
from ui.text import mlp as text


def shapes(sizes):
    return [W.shape for W, _ in MLP(sizes, activation="tanh", seed=0).params]


def test_a_hidden_layer_is_not_called_smooth():
    """Issue 14 item 6: ReLU is offered and is not smooth; the lecture only says the activation
    may differ from the step function."""
    assert "smooth" not in text.SUMMARY
    assert "need not be the perceptron's step function" in text.SUMMARY
    assert "ReLU, the sigmoid or tanh" in text.SUMMARY


def test_sigma_is_said_to_name_three_functions():
    note = text.SIGMA_NOTE
    assert "σ for the perceptron's step function" in note
    assert "the sigmoid $1/(1 + e^{-z})$" in note
    assert "None of them is the step function" in note


def test_no_hidden_layer_depends_on_the_number_of_classes():
    """Issue 14 item 7: on 3-class blobs the network is softmax regression with several
    straight boundaries, not logistic regression with a single line."""
    two = text.no_hidden_layer(2)
    assert "**logistic regression**" in two and "a single straight line" in two
    three = text.no_hidden_layer(3)
    assert "**softmax regression**, 3 scores" in three
    assert "cut into 3 regions by straight boundaries" in three
    assert "logistic" not in three and "single" not in three


def test_dimension_rows_for_the_default_network():
    rows = text.dimension_rows([2, 8, 8, 1], shapes([2, 8, 8, 1]), output="sigmoid")
    assert [r["layer"] for r in rows] == ["hidden 1", "hidden 2", "output (sigmoid)"]
    assert rows[0]["computes"] == (
        r"$\mathbf h_{1} = \sigma(W_{1}\mathbf x + \mathbf b_{1}) \in \mathbb R^{8}$"
    )
    assert rows[1]["computes"] == (
        r"$\mathbf h_{2} = \sigma(W_{2}\mathbf h_{1} + \mathbf b_{2}) \in \mathbb R^{8}$"
    )
    # The lecture's W is (fan_out × fan_in); the engine's, read from MLP.params, the transpose.
    assert [r["W (lecture)"] for r in rows] == [
        r"$W_{1} \in \mathbb R^{8\times 2}$",
        r"$W_{2} \in \mathbb R^{8\times 8}$",
        r"$W_{3} \in \mathbb R^{1\times 8}$",
    ]
    assert [r["W (engine)"] for r in rows] == ["`(2, 8)`", "`(8, 8)`", "`(8, 1)`"]
    assert rows[2]["b"] == r"$\mathbf b_{3} \in \mathbb R$"
    assert [r["parameters"] for r in rows] == ["8·2 + 8 = 24", "8·8 + 8 = 72", "1·8 + 1 = 9"]


def test_the_table_total_is_the_engines_parameter_count():
    for sizes in ([2, 8, 8, 1], [2, 32, 32, 32, 3], [2, 3], [2, 64, 64, 64, 64, 64, 64, 3]):
        table = text.dimensions_table(sizes, shapes(sizes), output="softmax")
        n_params = MLP(sizes, activation="tanh", seed=0).n_params
        assert table.splitlines()[-1].endswith(f"| **{n_params:,}** |"), sizes
        assert len(table.splitlines()) == 2 + (len(sizes) - 1) + 1


def test_softmax_output_row_and_no_hidden_layer():
    (row,) = text.dimension_rows([2, 3], shapes([2, 3]), output="softmax")
    assert row["layer"] == "output (softmax)"
    assert row["computes"] == (
        r"$\mathbf f = W_{1}\mathbf x + \mathbf b_{1} \in \mathbb R^{3},\ "
        r"\mathbf p = \operatorname{softmax}(\mathbf f)$"
    )
    with pytest.raises(ValueError, match="1 layers of weights, but 2 shapes"):
        text.dimension_rows([2, 3], [(2, 3), (3, 1)], output="softmax")


def test_the_note_says_transposed_because_the_engine_stores_fan_in_first():
    sizes = [2, 8, 8, 1]
    note = text.dimensions_note(sizes, shapes(sizes)[0], 10)
    assert "(8 × 2 here)" in note and "here 10 × 2" in note
    assert "$H_1 = \\sigma(XW + \\mathbf b)$ is 10 × 8" in note
    assert "**transposed**, as (fan_in, fan_out) = (2, 8)" in note
    # Were the engine to store the lecture's layout, the page would say so instead.
    assert "as the lecture writes it, 8 × 2" in text.dimensions_note(sizes, (8, 2), 10)
    assert "$F = XW + \\mathbf b$ is 4 × 3" in text.dimensions_note([2, 3], (2, 3), 4)


def test_import_problems_and_starting_settings():
    assert text.import_problem([2, 3, 1], 1) is None
    assert "take 3 inputs" in text.import_problem([3, 3, 1], 1)
    assert "needs 1 (one sigmoid unit)" in text.import_problem([2, 3, 3], 1)
    assert "needs 3 (3 softmax units)" in text.import_problem([2, 3, 1], 3)
    assert (
        text.starting_settings("Spiral", 0.05, (32, 32), "ReLU", 0.2)
        == "Spiral starts with noise 0.05, hidden layers 32-32, ReLU, α = 0.2."
    )
    assert (
        text.starting_settings("XOR (4 points)", None, (), "tanh", 1.0)
        == "XOR (4 points) starts with no hidden layer, tanh, α = 1."
    )


def test_counters_and_divergence():
    assert text.counters(1, 16) == "#### Epoch 1 · iteration 16"
    assert text.network_heading(1) == "**Network** · 1 hidden layer"
    assert text.network_heading(0) == "**Network** · 0 hidden layers"
    message = text.divergence(37, "the loss became infinite or NaN", 10.0, 36)
    assert message.startswith("**Training paused: it diverged.** Around iteration 37")
    assert "A learning rate of 10 makes" in message and "(iteration 36)" in message


# ----------------------------------------------------------------------------- regression


def test_regression_says_what_the_lecture_says():
    """Issue 14: the lecture uses f itself as the output, with the squared loss."""
    r = text.REGRESSION
    assert "*for regression, we can simply use f as the final output of the network*" in r
    assert "no sigmoid and no softmax" in r and "squared loss" in r
    assert "$2(f(x_i) - y_i)/|B|$" in r  # the gradient of the mean squared loss at f_i
    assert text.REGRESSION_LOSS.startswith(r"\ell(x, y) = \bigl(f(x) - y\bigr)^2")


def test_regression_rows_captions_and_problems():
    rows = text.dimension_rows([1, 8, 1], shapes([1, 8, 1]), output="linear")
    assert rows[-1]["layer"] == "output (linear)"
    assert (
        rows[-1]["computes"]
        == r"$f = W_{2}\mathbf h_{1} + \mathbf b_{2} \in \mathbb R \text{, the prediction}$"
    )
    assert "1/(1" not in rows[-1]["computes"] and "e^{-f}" not in rows[-1]["computes"]
    assert text.no_hidden_layer(0).startswith(
        "No hidden layer: the network is **linear regression**"
    )
    assert "8 units of the last hidden layer" in text.curve_caption(8)
    assert "1 unit of the last hidden layer" in text.curve_caption(1)
    assert "one straight line" in text.curve_caption(0) and "grey" not in text.curve_caption(0)
    assert "Choose Classification first" in text.import_problem(
        [2, 4, 1], 1, output="auto", regression=True
    )
    assert "Choose Regression first" in text.import_problem(
        [1, 4, 1], 1, output="linear", regression=False
    )
    assert text.import_problem([2, 4, 1], 1, output="linear", regression=True) == (
        "These weights take 2 inputs; a curve's points have one input x."
    )
    assert text.import_problem([1, 4, 1], 1, output="linear", regression=True) is None


def test_what_the_clicks_did():
    assert text.edits_summary(0, 0) == ""
    assert text.edits_summary(1, 0) == "1 point added."
    assert text.edits_summary(3, 1) == "3 points added, 1 erased."
    assert text.edits_summary(0, 2) == "2 points erased."
    assert text.no_points(True).startswith("Nothing to train on yet")
    assert text.no_points(False).startswith("Every training point was erased")
