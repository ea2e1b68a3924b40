"""engine.loss_lesson: the lecture's numbers, softmax properties, and gradients vs finite
differences."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.loss_lesson import (
    LECTURE_SLIDE_LABEL,
    LECTURE_SLIDE_PROBS,
    bce_curves,
    binary_case,
    compare_binary,
    explain,
    logits_for,
)
from ui.quizzes import CE_QUIZ_ANSWER as QUIZ_ANSWER
from ui.quizzes import CE_QUIZ_LABEL as QUIZ_LABEL
from ui.quizzes import CE_QUIZ_OPTIONS as QUIZ_OPTIONS
from ui.quizzes import CE_QUIZ_PROBS as QUIZ_PROBS

scores = st.lists(st.floats(-8, 8), min_size=2, max_size=6)


def plain_softmax(f):
    e = [math.exp(v) for v in f]
    return [v / sum(e) for v in e]


def central(fun, x: np.ndarray, h: float = 1e-6) -> np.ndarray:
    out = np.zeros_like(x)
    for i in range(len(x)):
        e = np.zeros_like(x)
        e[i] = h
        out[i] = (fun(x + e) - fun(x - e)) / (2 * h)
    return out


def test_lecture_slide_gives_minus_log_0_8():
    ex = explain(logits_for(LECTURE_SLIDE_PROBS), LECTURE_SLIDE_LABEL)
    np.testing.assert_allclose(ex.probs, [0.8, 0.2], rtol=1e-12)
    assert ex.loss == pytest.approx(-math.log(0.8), rel=1e-12)
    assert round(ex.loss, 4) == 0.2231


def test_lecture_quiz_answer_is_minus_log_p3():
    assert sum(QUIZ_PROBS) == pytest.approx(1.0)
    ex = explain(logits_for(QUIZ_PROBS), QUIZ_LABEL)
    assert ex.p_y == pytest.approx(0.05)
    assert ex.loss == pytest.approx(-math.log(0.05))
    assert QUIZ_OPTIONS[QUIZ_ANSWER] == "−log(0.05)"
    # The distractors are the other bars and the label itself, never the true class's bar.
    assert ex.predicted == 2 and max(QUIZ_PROBS) == 0.90 and min(QUIZ_PROBS) == 0.01


@settings(max_examples=60)
@given(f=scores, data=st.data())
def test_softmax_and_loss_match_the_plain_formulas(f, data):
    label = data.draw(st.integers(1, len(f)))
    ex = explain(f, label)
    np.testing.assert_allclose(ex.probs, plain_softmax(f), rtol=1e-10)
    assert ex.probs.sum() == pytest.approx(1.0) and np.all(ex.probs > 0)
    assert ex.loss == pytest.approx(-math.log(plain_softmax(f)[label - 1]), rel=1e-9)
    assert ex.terms.sum() == pytest.approx(ex.loss, rel=1e-9)
    assert np.count_nonzero(ex.terms) <= 1  # only the true class contributes
    assert ex.target[label - 1] == 1 and ex.target.sum() == 1
    assert ex.squared == pytest.approx(float(np.sum((ex.probs - ex.target) ** 2)))


@settings(max_examples=40)
@given(f=scores, shift=st.floats(-5, 5))
def test_softmax_ignores_a_common_shift_and_is_monotone(f, shift):
    a, b = explain(f, 1), explain([v + shift for v in f], 1)
    np.testing.assert_allclose(a.probs, b.probs, rtol=1e-9, atol=1e-15)
    order = np.argsort(f, kind="stable")
    assert np.all(np.diff(a.probs[order]) >= -1e-15)  # larger f_i, larger p_i


@settings(max_examples=40)
@given(f=scores, data=st.data())
def test_gradients_with_respect_to_the_scores_equal_finite_differences(f, data):
    label = data.draw(st.integers(1, len(f)))
    x = np.array(f)
    ex = explain(x, label)
    np.testing.assert_allclose(
        ex.grad_ce, central(lambda v: explain(v, label).loss, x), rtol=1e-5, atol=1e-7
    )
    np.testing.assert_allclose(
        ex.grad_squared, central(lambda v: explain(v, label).squared, x), rtol=1e-5, atol=1e-7
    )


def test_extreme_scores_stay_finite():
    ex = explain([8.0, -8.0, -8.0, -8.0, -8.0, -8.0], 2)
    assert math.isfinite(ex.loss) and ex.loss == pytest.approx(16 + math.log(1 + 5 * math.exp(-16)))
    assert np.all(np.isfinite(ex.grad_ce)) and np.all(np.isfinite(ex.grad_squared))


@pytest.mark.parametrize(
    ("f", "label", "match"),
    [
        ([1.0], 1, "between 2 and 6"),
        ([0.0] * 7, 1, "between 2 and 6"),
        ([0.0, float("nan")], 1, "finite"),
        ([0.0, 1.0], 3, "one of 1 … 2"),
        ([0.0, 1.0], 0, "one of 1 … 2"),
    ],
)
def test_bad_explorer_input_is_a_readable_error(f, label, match):
    with pytest.raises(ValueError, match=match):
        explain(f, label)


def test_logits_for_rejects_non_distributions():
    with pytest.raises(ValueError, match="sum to 1"):
        logits_for([0.5, 0.6])
    with pytest.raises(ValueError, match="positive"):
        logits_for([1.0, 0.0])


@settings(max_examples=60)
@given(p=st.floats(0.001, 0.999), y=st.sampled_from([0, 1]))
def test_binary_cross_entropy_is_cross_entropy_on_two_classes(p, y):
    case = binary_case(p, y)
    expected = -(y * math.log(p) + (1 - y) * math.log(1 - p))
    assert case.bce == pytest.approx(expected, rel=1e-12)
    assert case.ce == pytest.approx(case.bce, rel=1e-12)  # the lecture's derivation
    assert case.bce == pytest.approx(-math.log(case.p_y), rel=1e-12)
    assert (case.p0, case.p1) == pytest.approx((1 - p, p))


def test_bce_curves_are_the_two_branches():
    p = np.array([0.1, 0.5, 0.9])
    ones, zeros = bce_curves(p)
    np.testing.assert_allclose(ones, -np.log(p))
    np.testing.assert_allclose(zeros, -np.log(1 - p))


def test_binary_case_rejects_bad_input():
    with pytest.raises(ValueError, match="strictly between 0 and 1"):
        binary_case(1.0, 1)
    with pytest.raises(ValueError, match="0 or 1"):
        binary_case(0.5, 2)


@settings(max_examples=40)
@given(z=st.floats(-10, 10), y=st.sampled_from([0, 1]))
def test_comparison_gradients_equal_finite_differences(z, y):
    cmp = compare_binary([z], y)
    h = 1e-6
    up, down = compare_binary([z + h], y), compare_binary([z - h], y)
    assert cmp.grad_ce[0] == pytest.approx((up.ce[0] - down.ce[0]) / (2 * h), abs=1e-6)
    assert cmp.grad_squared[0] == pytest.approx(
        (up.squared[0] - down.squared[0]) / (2 * h), abs=1e-6
    )


def test_confidently_wrong_squared_loss_barely_pushes_cross_entropy_does():
    cmp = compare_binary([-6.0], 1)  # p = σ(−6) ≈ 0.0025 for a class-1 point
    assert cmp.grad_ce[0] == pytest.approx(-0.9975, abs=1e-4)
    assert abs(cmp.grad_squared[0]) < 0.005
    assert abs(cmp.grad_ce[0]) / abs(cmp.grad_squared[0]) > 200
    assert cmp.ce[0] == pytest.approx(6.0025, abs=1e-4) and cmp.squared[0] < 1
    far = compare_binary([-800.0], 1)
    assert np.isfinite(far.ce[0]) and far.ce[0] == pytest.approx(800.0)
