"""ui.text.backprop: practice verdicts that never give an answer away early, and the
vanishing-gradient chain in words, derived from its numbers."""

from __future__ import annotations

from engine.backprop import LECTURE_EXAMPLE, build_example, chain_gradients, check_local_grads
from ui.text.backprop import (
    chain_sentence,
    factor_rows,
    practice_messages,
    practice_rows,
    vanishing_messages,
    verdicts,
)

EX = build_example(**LECTURE_EXAMPLE)
RIGHT = {("yhat", "loss"): -3.7183, ("w1", "z"): 1.0}
WRONG = {("z", "yhat"): 0.25}  # σ'(−1) = 0.1966


def found(answers, wrong_tries):
    return verdicts(check_local_grads(EX, answers), wrong_tries)


def test_a_first_wrong_answer_gets_a_hint_not_the_value():
    v = found(RIGHT | WRONG, {"∂ŷ/∂z": 1})
    rows = {r["local derivative"]: r for r in practice_rows(v)}
    assert rows["∂ŷ/∂z"]["autodiff"] == "try again first"
    assert rows["∂ŷ/∂z"]["finite difference"] == ""
    assert rows["∂ŷ/∂z"]["verdict"] == "✗ not yet"
    assert rows["∂ℓ/∂ŷ"]["autodiff"] == "−3.7183"  # a right answer is confirmed
    (m,) = practice_messages(EX, v, len(EX.edges))
    assert m.kind == "warning" and "0.1966" not in m.text and "Hint: σ'(z)" in m.text


def test_a_second_wrong_answer_shows_the_value():
    v = found(RIGHT | WRONG, {"∂ŷ/∂z": 2})
    (m,) = practice_messages(EX, v, len(EX.edges))
    assert m.kind == "error" and "autodiff gives 0.1966" in m.text
    rows = {r["local derivative"]: r for r in practice_rows(v)}
    assert rows["∂ŷ/∂z"]["verdict"] == "✗ wrong" and rows["∂ŷ/∂z"]["autodiff"] == "0.1966"


def test_all_right_is_praised_with_what_is_left():
    v = found(RIGHT, {})
    (m,) = practice_messages(EX, v, len(EX.edges))
    assert m.kind == "success" and "All 2 of your local derivatives are right (4 still to do)" in (
        m.text
    )


def test_the_chain_needs_all_three_answers_before_it_says_anything():
    assert "Answer ∂ℓ/∂ŷ, ∂ŷ/∂z and ∂z/∂w₁" in chain_sentence(EX, RIGHT)
    text = chain_sentence(EX, RIGHT | {("z", "yhat"): 0.1966})
    assert "(−3.7183) × 0.1966 × 1 = −0.731" in text and "backpropagation gives −0.7311" in text


def test_relu_with_a_negative_weight_explains_every_zero():
    res = chain_gradients(60, activation="relu", w=-3.0, b=2.0, x=-2.0)
    assert all(g == 0 for g in res.grad_w)
    (m,) = vanishing_messages(res, "relu", w=-3.0, x=-2.0)
    assert m.kind == "warning"
    assert m.text.startswith("The gradient at every layer is exactly 0: ReLU is off (z ≤ 0) at")
    assert "layers 2, 4, 6, 8, 10, 12, …" in m.text and "(z₂ = −22)" in m.text
    assert {r["∂hₙ/∂wₖ"] for r in factor_rows(res)} == {"0"}


def test_w_zero_is_named():
    res = chain_gradients(5, activation="sigmoid", w=0.0, b=0.0, x=1.0)
    messages = vanishing_messages(res, "sigmoid", w=0.0, x=1.0)
    assert "w = 0, so every factor w · act'(z) is 0" in messages[0].text
    assert messages[0].text.startswith("The gradient at layer 1 is exactly 0")  # not the last


def test_a_vanishing_ratio_in_powers_of_ten():
    res = chain_gradients(12, activation="sigmoid", w=1.0, b=0.0, x=1.0)
    info, caption = vanishing_messages(res, "sigmoid", w=1.0, x=1.0)
    ratio = abs(res.grad_w[-1]) / abs(res.grad_w[0])
    assert ratio > 1e4
    assert f"{ratio:.3g}".split("e")[0] in info.text and "× 10⁷ times *smaller*" in info.text
    assert "e+" not in info.text and "e-" not in info.text
    assert caption.text.endswith("(1/4)¹¹ = 2.38 × 10⁻⁷ is left.")


def test_exploding_is_said_too():
    # ReLU, w = 1.5, b = −0.9, x = 2: every factor is 1.5 while h grows slowly (2.1, 2.25, …).
    res = chain_gradients(6, activation="relu", w=1.5, b=-0.9, x=2.0)
    (info,) = vanishing_messages(res, "relu", w=1.5, x=2.0)
    assert "*larger* than at layer 6" in info.text and "explode" in info.text


def test_equal_gradients_are_called_equal():
    res = chain_gradients(5, activation="relu", w=1.5, b=0.0, x=1.0)  # every gradient 1.5⁴
    (info,) = vanishing_messages(res, "relu", w=1.5, x=1.0)
    assert "about the same as at layer 5" in info.text
