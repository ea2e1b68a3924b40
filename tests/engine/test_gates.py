"""Logic gates as perceptrons, the XOR cycle, separability, and XOR built from two layers."""

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.datasets import GATE_INPUTS, GATE_TRUTH
from engine.gates import (
    GATE_WEIGHTS,
    XOR_NET,
    TwoLayerNet,
    cycle_weights,
    gate_arity,
    gate_data,
    learn_gate,
    linearly_separable,
    perceptron_output,
    separating_line,
    truth_table,
)
from engine.perceptron import train

XOR = GATE_TRUTH["xor"]


@pytest.mark.parametrize("gate", ["and", "or", "nand", "nor", "not"])
def test_presets_compute_their_gate(gate):
    table = truth_table(gate, GATE_WEIGHTS[gate])
    assert table.all_correct and table.n_correct == len(table.targets)


def test_truth_tables_by_hand():
    X, y = gate_data("not")
    np.testing.assert_array_equal(X, [[0], [1]])
    np.testing.assert_array_equal(y, [1, 0])
    assert gate_arity("not") == 1 and gate_arity("and") == 2
    # AND with (1, 1, −1.5): scores −1.5, −0.5, −0.5, 0.5.
    table = truth_table("and", (1, 1, -1.5))
    np.testing.assert_array_equal(table.scores, [-1.5, -0.5, -0.5, 0.5])
    # OR's weights on the AND table: the middle rows are wrong.
    table = truth_table("and", GATE_WEIGHTS["or"])
    np.testing.assert_array_equal(table.correct, [True, False, False, True])
    assert table.n_correct == 2 and not table.all_correct


def test_a_score_of_zero_is_class_zero():
    # AND with integer weights (1, 1, −1): (1, 0) scores exactly 0, which σ sends to 0.
    scores, outputs = perceptron_output((1, 1, -1), GATE_INPUTS)
    np.testing.assert_array_equal(scores, [-1, 0, 0, 1])
    np.testing.assert_array_equal(outputs, [0, 0, 0, 1])


@pytest.mark.parametrize("gate", ["and", "or", "nand", "nor", "not"])
def test_perceptron_learns_every_separable_gate(gate):
    run = learn_gate(gate)
    assert run.converged and not run.cycled
    assert truth_table(gate, run.w).all_correct


def test_learned_weights_from_zero():
    # What the designer's "let the perceptron learn it" shows (visiting rows in table order).
    np.testing.assert_array_equal(learn_gate("and").w, [2, 1, -2])
    np.testing.assert_array_equal(learn_gate("or").w, [1, 1, 0])
    np.testing.assert_array_equal(learn_gate("nand").w, [-2, -1, 3])
    np.testing.assert_array_equal(learn_gate("not").w, [-1, 1])


def test_xor_from_zero_cycles_with_epochs_three_and_four_equal():
    run = learn_gate("xor")
    assert run.cycled and not run.converged
    assert run.mistakes_per_epoch() == [2, 3, 4]
    assert (run.cycle_start, run.epochs) == (3, 3)
    starts = run.epoch_start_weights()
    np.testing.assert_array_equal(starts[2], [-1, 0, 1])
    np.testing.assert_array_equal(starts[3], [-1, 0, 1])
    cycle = cycle_weights(run)
    np.testing.assert_array_equal(cycle, [[-1, 0, 1], [-1, 0, 0], [-1, 1, 1], [0, 1, 2]])
    # Every boundary of the cycle gets at least one XOR row wrong.
    assert all(not truth_table("xor", w).all_correct for w in cycle)


def test_xor_cycles_from_the_lectures_start_too():
    run = train(GATE_INPUTS, XOR, np.array([1.0, 2.0, -1.0]))
    assert run.cycled and run.mistakes_per_epoch() == [2, 2, 3, 2, 2, 3, 4]
    assert (run.cycle_start, run.epochs) == (7, 7)
    assert cycle_weights(train(GATE_INPUTS, GATE_TRUTH["and"])) == []


def test_xor_is_not_separable_but_any_three_of_its_rows_are():
    assert not linearly_separable(GATE_INPUTS, XOR)
    for rows in itertools.combinations(range(4), 3):
        idx = list(rows)
        if len(set(XOR[idx])) == 2:
            assert linearly_separable(GATE_INPUTS[idx], XOR[idx])


@pytest.mark.parametrize("gate", ["and", "or", "nand", "nor", "not"])
def test_separating_line_is_a_witness(gate):
    X, y = gate_data(gate)
    w = separating_line(X, y)
    assert w is not None and truth_table(gate, w).all_correct


def test_separability_edge_cases():
    assert linearly_separable(np.array([[0.0], [1.0]]), np.array([1, 0]))
    assert not linearly_separable(np.array([[0.0], [1.0], [2.0]]), np.array([0, 1, 0]))
    assert not linearly_separable(np.array([[1.0, 1.0], [1.0, 1.0]]), np.array([0, 1]))
    # Collinear points: 0 0 1 1 along a line is separable, 0 1 0 is not.
    line = np.array([[0.0, 0.0], [1.0, 1.0], [2.0, 2.0], [3.0, 3.0]])
    assert linearly_separable(line, np.array([0, 0, 1, 1]))
    assert not linearly_separable(line, np.array([0, 1, 0, 0]))
    with pytest.raises(ValueError, match="Both classes"):
        separating_line(GATE_INPUTS, np.zeros(4, dtype=int))
    with pytest.raises(ValueError, match="one or two"):
        separating_line(np.zeros((2, 3)), np.array([0, 1]))


def brute_force_separable(X, y):
    """A plain reference: try many directions and thresholds between projected points."""
    for angle in np.linspace(0, 2 * np.pi, 2000, endpoint=False):
        u = np.array([np.cos(angle), np.sin(angle)])
        if np.max(X[y == 0] @ u) < np.min(X[y == 1] @ u) - 1e-9:
            return True
    return False


integer_points = st.lists(
    st.tuples(st.integers(-3, 3), st.integers(-3, 3), st.integers(0, 1)),
    min_size=2,
    max_size=7,
).filter(lambda pts: len({p[2] for p in pts}) == 2)


@settings(max_examples=80, deadline=None)
@given(points=integer_points)
def test_perceptron_converges_exactly_when_separable_else_detects_a_cycle(points):
    """Integer data keeps the weights on a lattice: separable data converges (the lecture's
    theorem), non-separable data must bring back an epoch's starting weights: a cycle."""
    X = np.array([p[:2] for p in points], dtype=float)
    y = np.array([p[2] for p in points])
    separable = linearly_separable(X, y)
    assert separable == brute_force_separable(X, y)
    run = train(X, y, max_epochs=100_000)
    assert run.converged == separable
    assert run.cycled == (not separable)
    if run.cycled:
        starts = run.epoch_start_weights()
        np.testing.assert_array_equal(starts[run.epochs], starts[run.cycle_start - 1])
        assert min(run.mistakes_per_epoch()) > 0
        assert all(not np.all(perceptron_output(w, X)[1] == y) for w in cycle_weights(run))
    else:
        w = separating_line(X, y)
        np.testing.assert_array_equal(perceptron_output(w, X)[1], y)


def test_xor_network_computes_xor_through_the_lectures_gates():
    H, scores, out = XOR_NET.forward(GATE_INPUTS)
    np.testing.assert_array_equal(out, XOR)
    np.testing.assert_array_equal(H[:, 0], GATE_TRUTH["or"])
    np.testing.assert_array_equal(H[:, 1], GATE_TRUTH["nand"])
    np.testing.assert_array_equal(scores, [-0.5, 0.5, 0.5, -0.5])
    # In the hidden space (h1, h2) the four inputs land on three points, now separable.
    assert linearly_separable(H.astype(float), XOR)


def test_editing_a_weight_breaks_the_network():
    broken = TwoLayerNet(hidden=XOR_NET.hidden, output=np.array([1.0, 1.0, -0.5]))  # OR on top
    _, _, out = broken.forward(GATE_INPUTS)
    np.testing.assert_array_equal(out, [1, 1, 1, 1])


@settings(max_examples=60, deadline=None)
@given(
    hidden=st.lists(st.integers(-3, 3), min_size=6, max_size=6),
    output=st.lists(st.integers(-3, 3), min_size=3, max_size=3),
)
def test_two_layer_forward_matches_a_plain_loop(hidden, output):
    net = TwoLayerNet(hidden=np.reshape(hidden, (2, 3)), output=np.array(output))
    H, _, out = net.forward(GATE_INPUTS)
    for i, (x1, x2) in enumerate(GATE_INPUTS):
        h = [int(net.hidden[j] @ [x1, x2, 1] > 0) for j in range(2)]
        assert list(H[i]) == h
        assert out[i] == int(net.output @ [h[0], h[1], 1] > 0)


def test_bad_input_is_a_readable_error():
    with pytest.raises(ValueError, match="Unknown gate"):
        gate_data("xnor")
    with pytest.raises(ValueError, match="needs 3 numbers"):
        perceptron_output((1, 2), GATE_INPUTS)
    with pytest.raises(ValueError, match="finite"):
        perceptron_output((1, np.nan, 0), GATE_INPUTS)
    with pytest.raises(ValueError, match="output unit needs 3"):
        TwoLayerNet(hidden=np.ones((2, 3)), output=np.ones(2))
    with pytest.raises(ValueError, match="finite"):
        TwoLayerNet(hidden=np.full((2, 3), np.inf), output=np.ones(3))
    with pytest.raises(ValueError, match="2 inputs"):
        XOR_NET.forward(np.zeros((4, 3)))


def test_function_names_of_units():
    from engine.gates import function_name

    assert function_name(GATE_WEIGHTS["or"]) == "x₁ OR x₂"
    assert function_name(GATE_WEIGHTS["nand"]) == "x₁ NAND x₂"
    assert function_name(XOR_NET.output, ("h₁", "h₂")) == "h₁ AND h₂"
    assert function_name((1, 0, -0.5)) == "x₁"
    assert function_name((0, 0, -1)) == "always 0"
    # A single unit can name 14 of the 16 functions; XOR and XNOR never come out.
    seen = {function_name(w) for w in itertools.product(np.arange(-2, 2.5, 0.5), repeat=3)}
    assert len(seen) == 14
    assert "x₁ XOR x₂" not in seen and "x₁ XNOR x₂" not in seen


def test_boolean_names_of_whole_networks():
    from engine.gates import boolean_name

    assert boolean_name(XOR_NET.forward(GATE_INPUTS)[2]) == "x₁ XOR x₂"
    assert boolean_name([1, 0, 0, 1], ("a", "b")) == "a XNOR b"
    with pytest.raises(ValueError, match="four outputs"):
        boolean_name([0, 1, 2, 0])
