"""The perceptron engine against the lecture's worked example and a plain reference."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.datasets import (
    GATE_INPUTS,
    GATE_TRUTH,
    LECTURE_LABELS,
    LECTURE_POINTS,
    LECTURE_START_WEIGHTS,
    make_dataset,
)
from engine.perceptron import data_problems, extend, step, train


def test_step_is_the_lectures_sigma():
    assert step(0.5) == 1
    assert step(0) == 0  # "1 if x > 0, 0 otherwise": a zero score is class 0
    assert step(-2) == 0
    np.testing.assert_array_equal(step(np.array([-1.0, 0.0, 1e-12])), [0, 0, 1])


def test_extend_appends_a_column_of_ones_last():
    np.testing.assert_array_equal(
        extend(LECTURE_POINTS), [[0, 1, 1], [1, 0, 1], [2, 1, 1], [1, 2, 1]]
    )
    with pytest.raises(ValueError, match="shape"):
        extend(np.array([1.0, 2.0]))


def test_lecture_example_trace_exactly():
    run = train(LECTURE_POINTS, LECTURE_LABELS, LECTURE_START_WEIGHTS)
    # First epoch: x1 scores 1 (wrong, class 0), so w <- w - x1 = (1, 1, -2); then -1, 1, 1.
    first = run.steps[:4]
    assert [s.score for s in first] == [1.0, -1.0, 1.0, 1.0]
    assert [s.updated for s in first] == [True, False, False, False]
    assert first[0].predicted == 1 and first[0].label == 0
    np.testing.assert_array_equal(first[0].w_before, [1, 2, -1])
    np.testing.assert_array_equal(first[0].w, [1, 1, -2])
    np.testing.assert_array_equal(first[0].x, [0, 1, 1])
    # Second epoch: -1, -1, 1, 1, all correct: success after 2 epochs.
    second = run.steps[4:]
    assert [s.score for s in second] == [-1.0, -1.0, 1.0, 1.0]
    assert not any(s.updated for s in second)
    assert [s.epoch for s in run.steps] == [1] * 4 + [2] * 4
    assert run.converged and not run.cycled
    assert run.epochs == 2
    np.testing.assert_array_equal(run.w, [1, 1, -2])
    assert run.mistakes_per_epoch() == [1, 0]


def test_starts_from_zero_weights_by_default():
    run = train(LECTURE_POINTS, LECTURE_LABELS)
    np.testing.assert_array_equal(run.w_start, [0, 0, 0])
    assert run.converged
    assert np.all(step(extend(LECTURE_POINTS) @ run.w) == LECTURE_LABELS)


@pytest.mark.parametrize("gate", ["and", "or", "nand", "nor"])
def test_linearly_separable_gates_converge(gate):
    run = train(GATE_INPUTS, GATE_TRUTH[gate])
    assert run.converged and not run.cycled
    assert np.all(step(extend(GATE_INPUTS) @ run.w) == GATE_TRUTH[gate])


def test_xor_cycles_and_names_the_repeated_epoch():
    run = train(GATE_INPUTS, GATE_TRUTH["xor"], max_epochs=1000)
    assert run.cycled and not run.converged
    assert run.cycle_start is not None and 1 <= run.cycle_start <= run.epochs
    starts = run.epoch_start_weights()
    # The weights after the last epoch equal those at the start of the named earlier epoch.
    np.testing.assert_array_equal(starts[-1], starts[run.cycle_start - 1])
    assert all(m > 0 for m in run.mistakes_per_epoch())


def reference_train(X, y, w, max_epochs):
    """The lecture's algorithm written as plainly as possible, for comparison."""
    w = list(w)
    trace = []
    for _ in range(max_epochs):
        mistakes = 0
        for xi, yi in zip(X, y, strict=True):
            x = [*xi, 1.0]
            score = sum(a * b for a, b in zip(w, x, strict=True))
            if (score > 0) != (yi == 1):
                mistakes += 1
                w = [a + b if yi == 1 else a - b for a, b in zip(w, x, strict=True)]
            trace.append((score, tuple(w)))
        if mistakes == 0:
            break
    return trace


@settings(max_examples=60, deadline=None)
@given(
    points=st.lists(
        st.tuples(st.integers(-4, 4), st.integers(-4, 4), st.integers(0, 1)),
        min_size=1,
        max_size=8,
    ),
    w0=st.tuples(st.integers(-3, 3), st.integers(-3, 3), st.integers(-3, 3)),
)
def test_trace_matches_plain_reference(points, w0):
    X = np.array([p[:2] for p in points], dtype=float)
    y = np.array([p[2] for p in points])
    run = train(X, y, np.array(w0, dtype=float), max_epochs=30)
    ref = reference_train(X.tolist(), y.tolist(), [float(v) for v in w0], run.epochs)
    assert [(s.score, tuple(s.w)) for s in run.steps] == ref


@settings(max_examples=60, deadline=None)
@given(
    points=st.lists(
        st.tuples(st.integers(-3, 3), st.integers(-3, 3), st.integers(0, 1)),
        min_size=2,
        max_size=8,
    )
)
def test_integer_data_always_converges_or_detects_a_cycle(points):
    """With integer data the weights stay on a finite lattice: the run must end by itself."""
    X = np.array([p[:2] for p in points], dtype=float)
    y = np.array([p[2] for p in points])
    run = train(X, y, max_epochs=10_000)
    assert run.converged != run.cycled
    if run.converged:
        assert np.all(step(extend(X) @ run.w) == y)


def test_contradictory_points_cycle():
    X = np.array([[1.0, 1.0], [1.0, 1.0]])
    run = train(X, np.array([0, 1]))
    assert run.cycled


def test_learning_rate_scales_updates():
    run = train(LECTURE_POINTS, LECTURE_LABELS, LECTURE_START_WEIGHTS, lr=0.5)
    np.testing.assert_allclose(run.steps[0].w, [1, 1.5, -1.5])


@pytest.mark.parametrize(
    ("X", "y", "w", "message"),
    [
        (np.zeros((0, 2)), np.zeros(0), None, "non-empty"),
        (np.array([[0.0, np.nan]]), np.array([0]), None, "finite"),
        (np.zeros((2, 2)), np.array([0, 2]), None, "0 or 1"),
        (np.zeros((2, 2)), np.array([0]), None, "one label per point"),
        (np.zeros((2, 2)), np.array([0, 1]), np.array([1.0, 2.0]), "3 numbers"),
    ],
)
def test_bad_input_raises_readable_value_errors(X, y, w, message):
    with pytest.raises(ValueError, match=message):
        train(X, y, w)


def test_bad_hyperparameters():
    with pytest.raises(ValueError, match="learning rate"):
        train(LECTURE_POINTS, LECTURE_LABELS, lr=0)
    with pytest.raises(ValueError, match="max_epochs"):
        train(LECTURE_POINTS, LECTURE_LABELS, max_epochs=0)


def test_data_problems_for_the_learner():
    assert data_problems(LECTURE_POINTS, LECTURE_LABELS) == ([], [])
    errors, _ = data_problems(LECTURE_POINTS[:1], LECTURE_LABELS[:1])
    assert "at least two points" in errors[0]
    errors, _ = data_problems(LECTURE_POINTS, np.zeros(4, dtype=int))
    assert "class 0" in errors[0] and "class 1" in errors[0]
    X = np.vstack([LECTURE_POINTS, [[0.0, 1.0]]])
    y = np.append(LECTURE_LABELS, 1)
    errors, warnings = data_problems(X, y)
    assert errors == []
    assert "(0, 1)" in warnings[0] and "rows 1, 5" in warnings[0]


def test_linear_dataset_is_separable_for_many_seeds():
    for seed in range(10):
        X, y = make_dataset("linear", n=40, seed=seed)
        assert train(X, y, max_epochs=1000).converged
