"""ui.text.backprop: practice verdicts that never give an answer away early, the
vanishing-gradient chain in words, derived from its numbers, and the matrix form's formulas for
one fixed two-layer example."""

from __future__ import annotations

from engine.backprop import LECTURE_EXAMPLE, build_example, chain_gradients, check_local_grads
from engine.backprop_matrix import matrix_backprop, vanishing_chain
from ui.text.backprop import (
    chain_sentence,
    factor_rows,
    forward_tex,
    given_tex,
    matrix_step_text,
    parameter_gradients_tex,
    practice_messages,
    practice_rows,
    shapes_sentence,
    vanishing_messages,
    vanishing_product_tex,
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


# -- backpropagation in matrix form -----------------------------------------------------------
# The page's default example (seed 1): x = (1, −1), y = (1, 0), sigmoid, squared loss. W1 x + b1
# = (1, 0, −1), so h1 = (σ(1), σ(0), σ(−1)) = (0.7311, 0.5, 0.2689).
PARAMS = [
    ([[0.0, 0.0], [1.0, 2.0], [-2.0, -1.5]], [1.0, 1.0, -0.5]),
    ([[-1.0, 1.5, -0.5], [-1.0, 1.5, -1.0]], [0.0, 0.5]),
]
MX = matrix_backprop([1.0, -1.0], [1.0, 0.0], PARAMS)


def test_the_given_numbers_carry_their_spaces():
    pieces = given_tex(MX).split(r" \qquad ")
    assert pieces[0] == r"x = \begin{pmatrix} 1 \\ -1 \end{pmatrix} \in \mathbb{R}^{2}"
    assert pieces[1] == (
        r"W_1 = \begin{pmatrix} 0 & 0 \\ 1 & 2 \\ -2 & -1.5 \end{pmatrix} "
        r"\in \mathbb{R}^{3 \times 2}"
    )
    assert pieces[3].endswith(r"\in \mathbb{R}^{2 \times 3}") and len(pieces) == 6


def test_the_forward_pass_with_the_numbers_and_shapes():
    z1, h1, z2, f, L = forward_tex(MX)
    assert z1 == (
        r"\begin{aligned} z_1 &= W_1 x + b_1 \\ &= \underset{3 \times 2}{\begin{pmatrix} 0 & 0 "
        r"\\ 1 & 2 \\ -2 & -1.5 \end{pmatrix}}\,\underset{2 \times 1}{\begin{pmatrix} 1 \\ -1 "
        r"\end{pmatrix}} \\ &\quad + \underset{3 \times 1}{\begin{pmatrix} 1 \\ 1 \\ -0.5 "
        r"\end{pmatrix}} \\ &= \underset{3 \times 1}{\begin{pmatrix} 1 \\ 0 \\ -1 \end{pmatrix}} "
        r"\end{aligned}\,"
    )
    assert h1.endswith(
        r"&= \underset{3 \times 1}{\begin{pmatrix} 0.7311 \\ 0.5 \\ 0.2689 \end{pmatrix}} "
        r"\end{aligned}\,"
    )
    assert r"&= \underset{2 \times 1}{\begin{pmatrix} -0.1155 \\ 0.25 \end{pmatrix}}" in z2
    assert f == r"f = z_2 = \underset{2 \times 1}{\begin{pmatrix} -0.1155 \\ 0.25 \end{pmatrix}}\,"
    assert L == (
        r"\begin{aligned} L &= \sum_{j=1}^{2} (f_j - y_j)^2 \\ &= (-0.1155 - 1)^2 \\ "
        r"&\quad + (0.25 - 0)^2 \\ & \approx 1.3069 \end{aligned}\,"
    )


def test_a_backward_step_is_upstream_row_times_jacobian():
    first = matrix_step_text(MX, "f")
    assert first.formula == (
        r"\begin{aligned} \frac{\partial L}{\partial f} &= 2\,(f - y)^\top \\ "
        r"&= 2\left(-0.1155 - 1,\; 0.25 - 0\right) \\ "
        r"&= \underset{1 \times 2}{\begin{pmatrix} -2.2311 & 0.5 \end{pmatrix}} \end{aligned}\,"
    )
    step = matrix_step_text(MX, "z1")
    assert step.title == "∂L/∂z₁ = ∂L/∂h₁ · ∂h₁/∂z₁"
    assert step.why == "σ acts entry by entry, so the Jacobian is diagonal: σ′(z₁ᵢ) = h₁ᵢ(1 − h₁ᵢ)."
    assert step.formula == (
        r"\begin{aligned} \frac{\partial L}{\partial z_1} &= \frac{\partial L}{\partial h_1}\,"
        r"\frac{\partial h_1}{\partial z_1} \\ &= \underset{1 \times 3}{\begin{pmatrix} 1.7311 "
        r"& -2.5966 & 0.6155 \end{pmatrix}} \\ &\quad \times \underset{3 \times 3}"
        r"{\begin{pmatrix} 0.1966 & 0 & 0 \\ 0 & 0.25 & 0 \\ 0 & 0 & 0.1966 \end{pmatrix}} \\ "
        r"&= \underset{1 \times 3}{\begin{pmatrix} 0.3403 & -0.6491 & 0.121 \end{pmatrix}} "
        r"\end{aligned}\,"
    )
    assert "it reuses ∂L/∂h₁ from step 5" in step.reuse
    assert step.outer == ""


def test_a_weight_gradient_is_an_outer_product_in_the_weights_shape():
    step = matrix_step_text(MX, "W1")
    assert step.formula.endswith(
        r"&\quad \times \underset{3 \times 6}{\begin{pmatrix} x^\top & 0 & 0 \\ 0 & x^\top & 0 "
        r"\\ 0 & 0 & x^\top \end{pmatrix}} \\ &= \left(0.3403\, x^\top,\; -0.6491\, x^\top,\; "
        r"0.121\, x^\top\right) \end{aligned}\,"
    )
    assert step.outer == (
        r"\begin{aligned} \frac{\partial L}{\partial W_1} &= \left(\frac{\partial L}{\partial "
        r"z_1}\right)^{\!\top} x^\top \\ &= \underset{3 \times 1}{\begin{pmatrix} 0.3403 \\ "
        r"-0.6491 \\ 0.121 \end{pmatrix}} \\ &\quad \times \underset{1 \times 2}{\begin{pmatrix} "
        r"1 & -1 \end{pmatrix}} \\ &= \underset{3 \times 2}{\begin{pmatrix} 0.3403 & -0.3403 \\ "
        r"-0.6491 & 0.6491 \\ 0.121 & -0.121 \end{pmatrix}} \end{aligned}\,"
    )
    assert step.outer_note.endswith("(∂L/∂z₁)ᵀ xᵀ, in W₁'s own shape, 3 × 2.")
    # The chain's shapes: 1×2 · 2×2 · 2×3 · 3×3 · 3×6 = 1×6, one entry per weight of W1.
    shapes = [part.split("}")[0] for part in step.chain.split(r"\underset{")[1:]]
    assert shapes == [r"1 \times 2", r"2 \times 2", r"2 \times 3", r"3 \times 3", r"3 \times 6"]
    assert parameter_gradients_tex(MX, ["W2"]) == (
        r"\frac{\partial L}{\partial W_2} = \underset{2 \times 3}{\begin{pmatrix} -1.631 & "
        r"-1.1155 & -0.6 \\ 0.3655 & 0.25 & 0.1345 \end{pmatrix}}\,"
    )
    assert shapes_sentence(MX).startswith("∂L/∂W₁ is 3 × 2 and ∂L/∂W₂ is 2 × 3")


def test_cross_entropy_with_one_output():
    res = matrix_backprop(
        [1.0, -1.0], [0.0], [PARAMS[0], ([[-1.0, 1.5, -0.5]], [-0.5])], loss="bce",
        activation="relu",
    )  # fmt: skip
    _, h1, _, f, L = forward_tex(res)
    assert r"h_1 &= \mathrm{ReLU}(z_1)" in h1
    assert f == (
        r"\begin{aligned} f &= \sigma(z_2) = p(y = 1 \mid x) \\ &= \sigma(-1.5) \approx 0.1824 "
        r"\end{aligned}\,"
    )
    assert L.endswith(r"&= -\log(1 - 0.1824) \\ & \approx 0.2014 \end{aligned}\,")
    assert matrix_step_text(res, "f").formula == (
        r"\begin{aligned} \frac{\partial L}{\partial f} &= \frac{f - y}{f\,(1 - f)} \\ "
        r"&= \frac{0.1824 - 0}{0.1824\,(1 - 0.1824)} \\ "
        r"&= \underset{1 \times 1}{\begin{pmatrix} 1.2231 \end{pmatrix}} \end{aligned}\,"
    )
    assert "ReLU acts entry by entry" in matrix_step_text(res, "z1").why


def test_the_vanishing_chain_multiplied_out():
    assert vanishing_product_tex(vanishing_chain(3)) == (
        r"\partial h_{3} / \partial h_0 = (\partial h_{3} / \partial h_{2})(\partial h_{2} / "
        r"\partial h_{1})(\partial h_{1} / \partial h_{0}) = {(0.2236)} \times {(0.2194)} \times "
        r"{(0.1966)} = {0.0096}"
    )
    long = vanishing_product_tex(vanishing_chain(20))
    assert long.count("{(") == 12 and r"\times \cdots \times" in long  # 12 of 20 factors shown
    # A tiny product in powers of ten, never rounded to 0 (it is 0.2247^17 × …).
    assert long.endswith(r"= {9.14 \times 10^{-14}}")  # one group: never wrapped inside
    assert vanishing_product_tex(vanishing_chain(4, activation="relu", w=-1.0)).endswith("= {0}")
