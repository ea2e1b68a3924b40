"""ui.text.loss: the loss lesson's sentences and formulas, with the lecture's numbers."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from engine.loss_lesson import binary_case, compare_binary, explain, logits_for
from ui.text.loss import (
    binary_latex,
    class_rows,
    loaded_prediction,
    prob,
    shift_scores,
    softmax_latex,
    softmax_verdict,
    squared_verdict,
)


def test_the_lecture_slide_in_formulas():
    ex = explain(logits_for((0.8, 0.2)), 1)
    first, second = softmax_latex(ex)
    assert first.endswith(r"= 0.8000 \end{aligned}")
    assert second.endswith(r"-\log p_1 \\ &= -\log(0.8000) = 0.2231 \end{aligned}")


def test_the_default_explorer_formula_exactly():
    ex = explain((2.0, 1.0, 0.1), 1)
    first, _ = softmax_latex(ex)
    assert first == (
        r"\begin{aligned} p_1 &= \frac{e^{f_1}}{\sum_{j=1}^{3} e^{f_j}} \\ "
        r"&= \frac{e^{2}}{e^{2} + e^{1} + e^{0.1}} = 0.6590 \end{aligned}"
    )
    assert "most likely class is **class 1** — the true one" in softmax_verdict(ex)
    assert "$p_y$ is near 1" in softmax_verdict(ex)  # typeset, not a raw p_y


def test_a_tiny_probability_is_never_0_0000_beside_its_log():
    ex = explain((-8.0, 8, 8, 8, 8, 8), 1)
    p = 1 / (1 + 5 * math.exp(16))
    assert ex.p_y == pytest.approx(p)
    first, second = softmax_latex(ex)
    assert first.endswith(r"= 2.25 \times 10^{-8} \end{aligned}")
    assert second.endswith(r"-\log(2.25 \times 10^{-8}) = 17.6094 \end{aligned}")
    assert class_rows(ex)[0]["pⱼ"] == "2.25 × 10⁻⁸"
    assert class_rows(ex)[1]["−Yⱼ log pⱼ"] == "0.0000"  # a real zero stays 0


@given(st.floats(min_value=1e-12, max_value=1.0))
def test_prob_never_hides_a_positive_probability(p):
    text = prob(p)
    assert text != "0.0000"
    assert ("× 10" in text) == (p < 0.001)


def test_the_binary_derivation_both_ways():
    general, branch, ce = binary_latex(binary_case(0.25, 0))
    assert branch == r"y = 0:\quad \ell = -\log(1 - p) = -\log p_0 = -\log 0.75 = 0.2877"
    assert general.endswith("= 0.2877") and ce.endswith("= 0.2877")
    assert r"Y = [1\ 0]" in ce


# -- issue 14, item 12: "Both gradients are 0 only at p exactly 0 or 1" was wrong ---------------


def test_at_a_completely_wrong_prediction_cross_entropy_still_pushes_with_minus_one():
    """σ(−800) is exactly 0 in floating point: the squared loss's gradient 2(p − y)p(1 − p) is
    0 there, cross-entropy's p − y is −1, not 0 (the old text said both were 0)."""
    cmp = compare_binary([-800.0], 1)
    p, g_ce, g_sq = float(cmp.p[0]), float(cmp.grad_ce[0]), float(cmp.grad_squared[0])
    assert (p, g_ce, g_sq) == (0.0, -1.0, 0.0)
    m = squared_verdict(p, 1, g_ce, g_sq)
    assert "Both gradients are 0" not in m.text
    assert "p − y = −1 is not 0" in m.text and "0 only where p = y" in m.text
    assert "exactly 0" in m.text  # the squared loss's, derived from its number

    cmp = compare_binary([800.0], 0)  # the other end: p = 1 for y = 0, p − y = +1
    m = squared_verdict(float(cmp.p[0]), 0, float(cmp.grad_ce[0]), float(cmp.grad_squared[0]))
    assert "p − y = 1 is not 0" in m.text


def test_a_confident_mistake_is_weaker_by_one_over_2p_1_minus_p():
    cmp = compare_binary([-6.0], 1)
    p, g_ce, g_sq = float(cmp.p[0]), float(cmp.grad_ce[0]), float(cmp.grad_squared[0])
    m = squared_verdict(p, 1, g_ce, g_sq)
    assert m.kind == "info"
    assert f"{1 / (2 * p * (1 - p)):,.0f}× weaker" in m.text
    assert squared_verdict(0.9, 1, -0.1, -0.018).kind == "success"


# -- "Add 1 to every score" -------------------------------------------------------------------


def test_shift_up_when_it_fits():
    new, m = shift_scores((2.0, 1.0, 0.1), 1.0, 8.0)
    assert new == pytest.approx((3.0, 2.0, 1.1)) and m.kind == "caption"


def test_shift_down_at_the_top_and_say_so():
    new, m = shift_scores((8.0, 5.0, -2.0), 1.0, 8.0)
    assert new == (7.0, 4.0, -3.0)
    assert m.kind == "info" and "went **down** by 1 instead" in m.text


def test_no_shift_fits_and_nothing_changes():
    new, m = shift_scores((8.0, -7.5), 1.0, 8.0)
    assert new is None
    assert m.kind == "warning" and "from −7.5 to 8" in m.text and "nothing changed" in m.text


def test_loaded_prediction_names_the_tab_and_the_probability():
    text = loaded_prediction((0.01, 0.90, 0.05, 0.02, 0.02), 3)
    assert "first tab, **Softmax → cross-entropy**" in text and "$p_{3}$ = 0.05" in text
