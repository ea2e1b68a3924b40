"""ui.text.backprop: the lecture's formulas written from engine.backprop's numbers."""

from __future__ import annotations

import math

from engine.backprop import LECTURE_EXAMPLE, LECTURE_QUIZ, build_example
from ui.text.backprop import edge_tex, edge_text, fmt, step_texts


def test_fmt_writes_numbers_like_the_lecture():
    assert fmt(-1.0) == "−1"
    assert fmt(-1.0, tex=True) == "-1"
    assert fmt(1 / (1 + math.e) - 1) == "−0.7311"  # σ(−1) − 1
    assert fmt(0.5) == "0.5000"  # a rounded-looking value keeps its four decimals
    assert fmt(-2.0, paren=True) == "(−2)"
    assert fmt(-0.25, tex=True, paren=True) == "(-0.2500)"
    assert fmt(-1e-12) == "0" and fmt(-1e-5) == "0.0000"  # never a minus zero


def test_the_lecture_example_is_written_as_the_lecture_writes_it():
    ex = build_example(**LECTURE_EXAMPLE)
    texts = step_texts(ex)
    assert len(texts) == len(ex.steps) == 10
    assert texts[0].formula == (r"z = w_1 x_1 + w_2 x_2 = 1 \times 1 + 2 \times (-1) = -1")
    assert texts[1].text == "ŷ = σ(z) = σ(−1) ≈ 0.2689"
    assert texts[2].formula.endswith(r"= -\log \sigma(-1) \approx 1.3133")
    assert texts[3].text == "∂ℓ/∂ℓ = 1" and texts[3].local_formula == ""
    assert r"\frac{\sigma(-1) - 1}{\sigma(-1)(1 - \sigma(-1))}" in texts[4].local_formula
    assert texts[4].formula.endswith(r"= 1 \times (-3.7183) \approx -3.7183")
    assert r"= \sigma(-1) - 1 \approx -0.7311" in texts[5].formula
    assert texts[6].text == "∂ℓ/∂w₁ = upstream × local = −0.7311 × 1 = σ(−1) − 1 ≈ −0.7311"
    assert texts[9].text.endswith("= 2 (σ(−1) − 1) ≈ −1.4621")  # ∂ℓ/∂x₂ = ∂ℓ/∂z · w₂, w₂ = 2
    edge = ex.edge("z", "yhat")
    assert edge_text(edge) == "∂ŷ/∂z"
    assert edge_tex(edge) == r"\frac{\partial \hat y}{\partial z}"


def test_the_quiz_is_written_with_exact_numbers():
    texts = step_texts(build_example(**LECTURE_QUIZ))
    assert texts[0].text == "z = w₁x₁ + w₂x₂ = 3"
    assert texts[1].formula == r"\hat y = \mathrm{ReLU}(z) = \max(0, 3) = 3"
    assert texts[2].formula == r"\ell = (\hat y - y)^2 = (3 - 1)^2 = 4"
    assert texts[6].text == "∂ℓ/∂w₁ = upstream × local = 4 × 1 = 4"
