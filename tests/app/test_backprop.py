"""The backpropagation page in AppTest: stepping, presets, practice, the matrix form, vanishing
gradients, quiz, shared links, and which charts a control rebuilds."""

from __future__ import annotations

import math
import re

import numpy as np
import pytest

from engine.backprop import chain_gradients
from engine.backprop_matrix import draw_params, matrix_backprop
from tests.app.conftest import chart, rerun, specs
from tests.app.links import JUNK, assert_junk_gives_defaults, assert_round_trip, fresh

PAGE = "lessons/backprop.py"
WALK, PRACTICE, MATRIX, VANISH = (
    "Step through the graph",
    "Practice: your local gradients",
    "Matrix form",
    "Vanishing gradients",
)
MATRIX_DEFAULTS = {
    "backprop_mx_x1": 1.0,
    "backprop_mx_x2": -1.0,
    "backprop_mx_outputs": 2,
    "backprop_mx_y1": 1.0,
    "backprop_mx_y2": 0.0,
    "backprop_mx_activation": "sigmoid",
    "backprop_mx_loss": "squared",
    "backprop_mx_seed": 1,
    "backprop_mx_step": 0,
}
DEFAULTS = {
    "backprop_x1": 1.0,
    "backprop_x2": -1.0,
    "backprop_w1": 1.0,
    "backprop_w2": 2.0,
    "backprop_y": 1.0,
    "backprop_activation": "sigmoid",
    "backprop_loss": "bce",
    "backprop_step": 0,
    "backprop_vg_layers": 12,
    "backprop_vg_activation": "sigmoid",
    "backprop_vg_w": 1.0,
    "backprop_vg_b": 0.0,
    "backprop_vg_x": 1.0,
    **MATRIX_DEFAULTS,
    "backprop_view": WALK,
}


def node_labels(at) -> dict[str, str]:
    """Box key -> the text drawn in it, from the graph figure's node trace."""
    trace = next(t for t in chart(at, "backprop_graph")["data"] if t.get("name") == "nodes")
    return dict(zip(trace["customdata"], trace["text"], strict=True))


def click(at, key: str):
    at.button(key=key).click()
    return rerun(at)


def open_tab(at, label: str):
    at.session_state["backprop_view"] = label
    return rerun(at)


def page_text(at) -> str:
    """Everything the page says in words and tables."""
    parts = [e.value for kind in ("markdown", "caption", "info", "warning", "error", "success")
             for e in getattr(at, kind)]  # fmt: skip
    parts += [df.value.to_csv() for df in [*at.dataframe, *at.table]]
    return "\n".join(parts)


def test_forward_then_backward_fills_the_lecture_numbers(run_page):
    at = run_page(PAGE)
    assert at.session_state["backprop_step"] == 0
    labels = node_labels(at)
    assert "value ?" in labels["z"] and "value 1" in labels["x1"]
    assert at.button(key="backprop_back").disabled

    for _ in range(3):
        click(at, "backprop_next")
    labels = node_labels(at)
    assert "value −1" in labels["z"]
    assert "value 0.2689" in labels["yhat"]
    assert "value 1.3133" in labels["loss"]
    assert "grad ?" in labels["z"]
    assert any(r"-\log \sigma(-1) \approx 1.3133" in x.value for x in at.latex)
    assert at.button(key="backprop_next").label == "Backward step ◀"

    for _ in range(3):  # ℓ, ŷ, z
        click(at, "backprop_next")
    assert any(r"= \sigma(-1) - 1 \approx -0.7311" in x.value for x in at.latex)
    assert [m.value for m in at.metric] == ["−3.7183", "0.1966", "−0.7311"]
    assert "grad −0.7311" in node_labels(at)["z"]
    assert "grad ?" in node_labels(at)["w1"]

    click(at, "backprop_next")  # w1
    assert [m.value for m in at.metric] == ["−0.7311", "1", "−0.7311"]
    assert "grad −0.7311" in node_labels(at)["w1"]

    click(at, "backprop_back")
    assert at.session_state["backprop_step"] == 6
    assert at.query_params["backprop_step"] == "6"  # the step is shared too


def test_jump_buttons_and_bounds(run_page):
    at = run_page(PAGE)
    click(at, "backprop_to_end")
    assert at.session_state["backprop_step"] == 10
    assert at.button(key="backprop_next").disabled
    click(at, "backprop_to_forward")
    assert at.session_state["backprop_step"] == 3
    click(at, "backprop_reset")
    assert at.session_state["backprop_step"] == 0


def test_quiz_preset_gives_the_quiz_numbers(run_page):
    at = run_page(PAGE)
    click(at, "backprop_preset_quiz")
    assert at.session_state["backprop_w2"] == -2.0
    assert at.session_state["backprop_activation"] == "relu"
    assert at.session_state["backprop_loss"] == "squared"
    click(at, "backprop_to_end")
    labels = node_labels(at)
    assert "value 3" in labels["z"] and "value 3" in labels["yhat"] and "value 4" in labels["loss"]
    assert "grad 4" in labels["yhat"] and "grad 4" in labels["z"] and "grad 4" in labels["w1"]
    click(at, "backprop_preset_lecture")
    assert at.session_state["backprop_step"] == 0
    assert at.session_state["backprop_w2"] == 2.0


def test_the_quiz_button_opens_the_graph_tab(run_page):
    at = open_tab(run_page(PAGE), VANISH)
    assert "backprop_graph" not in specs(at)  # only the open tab runs
    click(at, "backprop_quiz_preset")
    assert at.session_state["backprop_view"] == WALK
    assert at.session_state["backprop_w2"] == -2.0
    assert "backprop_graph" in specs(at)


def test_editing_a_weight_recomputes_the_graph(run_page):
    at = run_page(PAGE)
    at.number_input(key="backprop_w2").set_value(0.0).run()
    click(at, "backprop_to_end")
    labels = node_labels(at)
    assert "value 1" in labels["z"]  # z = 1·1 + 0·(−1)
    assert "value 0.7311" in labels["yhat"]
    assert "grad −0.2689" in labels["w1"]  # σ(1) − 1


def test_a_typed_number_off_the_step_grid_is_kept(run_page):
    at = run_page(PAGE)
    at.number_input(key="backprop_x1").set_value(0.3).run()
    assert at.session_state["backprop_x1"] == 0.3
    assert at.query_params["backprop_x1"] == "0.3"
    click(at, "backprop_to_forward")
    assert "value −1.7" in node_labels(at)["z"]  # 1 × 0.3 + 2 × (−1)


def test_relu_with_cross_entropy_warns_and_recovers(run_page):
    at = run_page(PAGE)
    click(at, "backprop_preset_quiz")
    at.selectbox(key="backprop_loss").set_value("bce").run()
    assert not at.exception
    assert any("ReLU outputs are not probabilities" in w.value for w in at.warning)
    click(at, "backprop_recover")
    assert at.session_state["backprop_activation"] == "sigmoid"
    assert not at.warning


def test_practice_names_the_wrong_node_with_a_hint_first(run_page):
    """Issue 17: the practice tab showed the autodiff value of a wrong answer at once. Now a
    wrong derivative gets a hint and a second try; its value comes after the second wrong
    check."""
    at = open_tab(run_page(PAGE), PRACTICE)
    at.text_input(key="backprop_ans_yhat_loss").input("-3.7183")
    at.text_input(key="backprop_ans_z_yhat").input("0.25")
    at.text_input(key="backprop_ans_w1_z").input("1")
    at.run()
    click(at, "backprop_check")
    assert not at.error
    (warning,) = [w.value for w in at.warning]
    assert "The node **ŷ** is not right yet" in warning and "Hint: σ'(z)" in warning
    assert "0.1966" not in page_text(at)  # ∂ŷ/∂z = σ(−1)(1 − σ(−1)): not given away
    table = at.dataframe[0].value
    assert list(table["verdict"]) == ["✓ right", "✗ not yet", "✓ right"]
    assert list(table["autodiff"]) == ["−3.7183", "try again first", "1"]

    at.text_input(key="backprop_ans_z_yhat").input("0.3").run()
    click(at, "backprop_check")  # wrong a second time: now the value
    errors = [e.value for e in at.error]
    assert len(errors) == 1 and "The node **ŷ** is wrong" in errors[0]
    assert "0.1966" in errors[0]
    assert list(at.dataframe[0].value["verdict"]) == ["✓ right", "✗ wrong", "✓ right"]

    at.text_input(key="backprop_ans_z_yhat").input("0.1966").run()
    assert not at.error
    assert any("All 3 of your local derivatives are right" in s.value for s in at.success)
    # All three on the path to w₁ are given: their product, and backpropagation's value.
    assert any("= (−3.7183) × 0.1966 × 1 = −0.731" in m.value and "gives −0.7311" in m.value
               for m in at.markdown)  # fmt: skip


def test_practice_chains_nothing_before_all_three_are_answered(run_page):
    """Chaining one answer with the app's own local derivatives gave away their product."""
    at = open_tab(run_page(PAGE), PRACTICE)
    at.text_input(key="backprop_ans_w1_z").input("1").run()
    click(at, "backprop_check")
    text = page_text(at)
    assert "to chain them into ∂ℓ/∂w₁" in text
    assert "0.7311" not in text and "3.7183" not in text


def test_practice_answers_survive_a_visit_to_another_tab(run_page):
    at = open_tab(run_page(PAGE), PRACTICE)
    at.text_input(key="backprop_ans_w1_z").input("1").run()
    at = open_tab(open_tab(at, VANISH), PRACTICE)
    assert at.text_input(key="backprop_ans_w1_z").value == "1"


def test_practice_refuses_text_that_is_not_a_number(run_page):
    at = open_tab(run_page(PAGE), PRACTICE)
    at.text_input(key="backprop_ans_w1_z").input("x1").run()
    assert any("is not a number" in w.value for w in at.warning)


def test_vanishing_gradient_chart_follows_the_sliders(run_page):
    at = open_tab(run_page(PAGE), VANISH)
    at.slider(key="backprop_vg_layers").set_value(30).run()
    bars = chart(at, "backprop_vg_chart")
    grads = bars["data"][0]["customdata"]
    assert bars["data"][0]["type"] == "bar" and len(grads) == 30
    assert abs(grads[0]) < 0.25**29 < abs(grads[-1])
    # Powers of ten on the axis, never SI prefixes (100µ, 10n), one tick per whole decade.
    axis = bars["layout"]["yaxis"]
    assert axis["type"] == "log" and axis["exponentformat"] == "power"
    assert axis["range"][0] <= math.log10(abs(grads[0])) and isinstance(axis["dtick"], int)
    info = " ".join(i.value for i in at.info)
    assert "times *smaller* than at layer 30" in info and "× 10⁻" in info and "e-" not in info
    at.selectbox(key="backprop_vg_activation").set_value("relu").run()
    at.slider(key="backprop_vg_w").set_value(-1.0).run()
    assert any("exactly 0" in w.value for w in at.warning)


def test_an_all_zero_chain_is_drawn_as_zeros():
    """Issue 17: ReLU, w = −3, b = 2, x = −2: the text said 0 but the log chart drew 60 bars
    near 0.001 with garbled ticks. z₁ = 8, z₂ = −3·8 + 2 = −22 ≤ 0: every second ReLU is off,
    so every gradient is exactly 0, and the chart says so."""
    at = fresh(PAGE, {"backprop_view": "vanishing-gradients", "backprop_vg_layers": "60",
                      "backprop_vg_activation": "relu", "backprop_vg_w": "-3",
                      "backprop_vg_b": "2", "backprop_vg_x": "-2"})  # fmt: skip
    fig = chart(at, "backprop_vg_chart")
    bars, zeros = fig["data"]
    assert bars["y"] == [None] * 60  # no bar at all
    assert zeros["text"] == ["0"] * 60 and zeros["y"] == [0.0] * 60
    assert fig["layout"]["yaxis"].get("type") != "log"
    assert fig["layout"]["yaxis"]["tickvals"] == [0]
    (warning,) = [w.value for w in at.warning]
    assert warning.startswith("The gradient at every layer is exactly 0")
    assert "layers 2, 4, 6" in warning and "z₂ = −22" in warning
    rows = at.table[0].value
    assert set(rows["∂hₙ/∂wₖ"]) == {"0"}


def test_a_zero_input_is_named_as_the_cause():
    # tanh, x = 0, b = 0: every h_k = tanh(0) = 0, and ∂h_n/∂w_k has the factor h_(k−1).
    at = fresh(PAGE, {"backprop_view": "vanishing-gradients", "backprop_vg_layers": "4",
                      "backprop_vg_activation": "tanh", "backprop_vg_x": "0"})  # fmt: skip
    (warning,) = [w.value for w in at.warning]
    assert warning.startswith("The gradient at every layer is exactly 0")
    assert "the input x = h₀ = 0 multiplies the gradient of w₁" in warning
    assert "layers 1, 2, 3, 4" in warning


def test_quiz_feedback_right(run_page):
    at = run_page(PAGE)
    at.radio(key="backprop_quiz_choice").set_value(3).run()
    click(at, "backprop_quiz_check")
    assert any("Correct: D. 4" in s.value and "∂ℓ/∂w₁ = 4 × x₁ = 4" in s.value for s in at.success)


def test_quiz_feedback_wrong_twice(run_page):
    at = run_page(PAGE)
    at.radio(key="backprop_quiz_choice").set_value(1).run()
    click(at, "backprop_quiz_check")
    assert any("Hint:" in w.value and "Try again" in w.value for w in at.warning)
    assert "D. 4" not in " ".join(w.value for w in at.warning)
    at.radio(key="backprop_quiz_choice").set_value(0).run()
    click(at, "backprop_quiz_check")
    assert any("The answer is D. 4" in e.value for e in at.error)


def test_a_shared_link_opens_the_same_example():
    at = fresh(PAGE, {"backprop_w2": "-2", "backprop_activation": "relu",
                      "backprop_loss": "squared", "backprop_step": "10"})  # fmt: skip
    labels = node_labels(at)
    assert "value 4" in labels["loss"] and "grad 4" in labels["w1"]  # the lecture's quiz: 4


def test_links_shared_before_the_settings_helper_still_open():
    """Selectboxes and tabs bound to the URL wrote their labels: those links still open."""
    at = fresh(PAGE, {"backprop_w2": "-2", "backprop_activation": "ReLU",
                      "backprop_loss": "squared loss", "backprop_y": "1",
                      "backprop_view": PRACTICE})  # fmt: skip
    assert at.session_state["backprop_activation"] == "relu"
    assert at.session_state["backprop_loss"] == "squared"
    assert at.session_state["backprop_view"] == PRACTICE
    assert at.query_params["backprop_activation"] == "relu"
    assert not at.info  # nothing in the link was junk


def test_every_setting_survives_a_shared_link():
    """Issue 12: the vanishing-gradient sliders were not shared. Every setting, a slider at its
    minimum and the open tab included, round-trips."""
    values = {
        "backprop_x1": -10.0,
        "backprop_x2": 0.3,
        "backprop_w1": 10.0,
        "backprop_w2": -0.25,
        "backprop_y": 0.0,
        "backprop_activation": "relu",
        "backprop_loss": "squared",
        "backprop_step": 7,
        "backprop_vg_layers": 1,
        "backprop_vg_activation": "tanh",
        "backprop_vg_w": -3.0,
        "backprop_vg_b": -2.0,
        "backprop_vg_x": -2.0,
        "backprop_mx_x1": -2.0,  # a slider at its minimum
        "backprop_mx_x2": 1.5,
        "backprop_mx_outputs": 1,
        "backprop_mx_y1": 0.0,
        "backprop_mx_y2": -2.0,
        "backprop_mx_activation": "tanh",
        "backprop_mx_loss": "bce",
        "backprop_mx_seed": 0,
        "backprop_mx_step": 8,
        "backprop_view": VANISH,
    }
    assert set(values) == set(DEFAULTS)
    params = assert_round_trip(PAGE, values)
    assert params["backprop_vg_layers"] == "1" and params["backprop_view"] == "vanishing-gradients"


def test_junk_in_the_link_gives_the_defaults():
    assert_junk_gives_defaults(PAGE, DEFAULTS)


def test_a_control_rebuilds_only_the_charts_it_changes(run_page, chart_log):
    """A step rebuilds the graph only; a vanishing-gradient slider rebuilds its chart only; a
    quiz answer builds nothing; charts that did not change are sent exactly as before."""
    at = fresh(PAGE, {"backprop_x1": "7.25"})  # an example no other test has drawn
    chart_log.clear()
    click(at, "backprop_next")
    assert chart_log.built == ["graph_chart"]
    before = specs(at)
    chart_log.clear()
    at.radio(key="backprop_quiz_choice").set_value(1).run()
    assert chart_log.built == [] and specs(at) == before

    at = open_tab(at, VANISH)
    before = specs(at)
    assert set(before) == {"backprop_vg_chart"}
    chart_log.clear()
    at.slider(key="backprop_vg_b").set_value(0.3).run()
    assert chart_log.built == ["chain_chart"]
    assert specs(at)["backprop_vg_chart"] != before["backprop_vg_chart"]


@pytest.mark.parametrize("layers", [1, 2])
def test_short_chains_need_no_ratio(run_page, layers):
    at = fresh(PAGE, {"backprop_view": "vanishing-gradients",
                      "backprop_vg_layers": str(layers)})  # fmt: skip
    assert not at.warning and not at.exception


# -- the matrix form ---------------------------------------------------------------------------

PMATRIX = r"\\begin\{pmatrix\} (.*?) \\end\{pmatrix\}"
SHAPED = re.compile(r"\\underset\{(\d+) \\times (\d+)\}\{" + PMATRIX + r"\}")
IN_SPACE = re.compile(PMATRIX + r" \\in \\mathbb\{R\}\^\{([^}]*)\}\$$")


def parse(body: str) -> np.ndarray:
    """A pmatrix's body as an array: rows split at \\\\, entries at &."""
    return np.array([[float(v) for v in r.split(" & ")] for r in body.split(r" \\ ")])


def matrices(tex: str) -> list[np.ndarray]:
    """Every matrix of numbers written with its shape underneath, in order, as arrays; each
    is checked to have the shape written under it."""
    found = []
    for rows, cols, body in SHAPED.findall(tex):
        arr = parse(body)
        assert arr.shape == (int(rows), int(cols)), tex
        found.append(arr)
    return found


def formulas(at) -> list[str]:
    """Every formula on the page: display LaTeX and the pieces of formula rows."""
    return [e.value for e in at.latex] + [m.value for m in at.markdown if "$" in m.value]


def formula(at, start: str) -> str:
    """The one formula whose text, after $, \\displaystyle and \\begin{aligned}, starts so."""

    def text(f: str) -> str:
        f = f.lstrip("$").removeprefix(r"\displaystyle ")
        return f.removeprefix(r"\begin{aligned} ")

    (tex,) = [f for f in formulas(at) if text(f).startswith(start)]
    return tex


def shown(at, start: str) -> np.ndarray:
    """The last matrix of the formula that starts with ``start``: its result."""
    return matrices(formula(at, start))[-1]


def open_matrix(params: dict[str, str] | None = None):
    at = fresh(PAGE, {"backprop_view": "matrix-form", **(params or {})})
    assert at.session_state["backprop_view"] == MATRIX
    return at


def test_the_matrix_form_opens_from_a_link_and_steps_backward():
    at = open_matrix()
    assert not specs(at)  # only the open tab runs: no graph, no chain chart
    assert any("The forward pass is done" in i.value for i in at.info)
    assert at.button(key="backprop_mx_back").disabled
    for _ in range(3):
        click(at, "backprop_mx_next")
    assert at.session_state["backprop_mx_step"] == 3
    assert at.query_params["backprop_mx_step"] == "3"
    assert any(m.value.startswith("**Backward step 3 of 8**: ∂L/∂W₂ = ∂L/∂z₂ · ∂z₂/∂W₂")
               for m in at.markdown)  # fmt: skip
    assert any("**outer product** (∂L/∂z₂)ᵀ h₁ᵀ" in m.value for m in at.markdown)
    click(at, "backprop_mx_back")
    assert at.session_state["backprop_mx_step"] == 2
    click(at, "backprop_mx_to_end")
    assert at.session_state["backprop_mx_step"] == 8
    assert at.button(key="backprop_mx_next").disabled
    assert at.success[0].value.startswith("∂L/∂W₁ is 3 × 2 and ∂L/∂W₂ is 2 × 3")
    click(at, "backprop_mx_reset")
    assert at.session_state["backprop_mx_step"] == 0


def engine_result(seed=1, x=(1.0, -1.0), y=(1.0, 0.0), activation="sigmoid", loss="squared"):
    return matrix_backprop(
        list(x), list(y), draw_params(2, 3, len(y), seed=seed), activation=activation, loss=loss
    )


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, engine_result()),
        (
            {"backprop_mx_seed": "7", "backprop_mx_x1": "1.5", "backprop_mx_x2": "-0.5",
             "backprop_mx_y1": "-1", "backprop_mx_y2": "2", "backprop_mx_activation": "tanh"},
            engine_result(7, (1.5, -0.5), (-1.0, 2.0), "tanh"),
        ),
        (
            {"backprop_mx_seed": "3", "backprop_mx_loss": "bce", "backprop_mx_outputs": "1",
             "backprop_mx_activation": "relu", "backprop_mx_y1": "0"},
            engine_result(3, y=(0.0,), activation="relu", loss="bce"),
        ),
    ],
)  # fmt: skip
def test_the_numbers_shown_are_the_engines(params, expected):
    """Every vector and matrix read back from the page's LaTeX equals matrix_backprop's, to the
    4 decimals shown, with the shape written under it; the gradients have the weights' shapes."""
    at = open_matrix({**params, "backprop_mx_step": "8"})
    v, g = expected.values, expected.grads

    def same(shown_value, engine_value):
        np.testing.assert_allclose(
            shown_value, np.reshape(engine_value, shown_value.shape), atol=5.1e-5
        )

    for name in ("x", "W1", "b1", "W2", "b2", "y"):  # given, with the lecture's ℝ^{m×d}
        symbol = name if len(name) == 1 else f"{name[0]}_{name[1]}"
        (piece,) = [f for f in formulas(at) if f.startswith(rf"$\displaystyle {symbol} = ")]
        body, space = IN_SPACE.search(piece).groups()
        assert space == r" \times ".join(str(n) for n in v[name].shape)
        same(parse(body), v[name])
    for name in ("z1", "h1", "z2"):
        result = shown(at, f"{name[0]}_{name[1]} &=")
        assert result.shape == (v[name].size, 1)  # a column, m × 1 or k × 1
        same(result, v[name])
    loss_tex = formula(at, "L &=").rstrip("$")
    assert loss_tex.endswith(r"\end{aligned}\,")
    assert float(loss_tex.split()[-2]) == pytest.approx(v["L"], abs=5.1e-5)
    for name in ("W1", "b1", "W2", "b2"):
        start = rf"$\displaystyle \frac{{\partial L}}{{\partial {name[0]}_{name[1]}}} = "
        (piece,) = [f for f in formulas(at) if f.startswith(start)]
        (grad,) = matrices(piece)
        # ∂L/∂W has W's shape (a bias's gradient is a column, like the bias).
        assert grad.shape == (v[name].shape if v[name].ndim == 2 else (v[name].size, 1))
        same(grad, g[name])


def test_cross_entropy_brings_the_other_settings_inside():
    """One output and a label in [0, 1]: a link asking for more is brought inside, no error."""
    at = open_matrix({"backprop_mx_loss": "bce", "backprop_mx_outputs": "2",
                      "backprop_mx_y1": "2"})  # fmt: skip
    assert at.session_state["backprop_mx_outputs"] == 1
    assert at.session_state["backprop_mx_y1"] == 1.0
    assert any(r"y = \begin{pmatrix} 1 \end{pmatrix} \in \mathbb{R}^{1}" in f for f in formulas(at))
    assert not at.warning


def test_new_weights_draw_the_next_seed():
    at = open_matrix()
    click(at, "backprop_mx_new")
    assert at.session_state["backprop_mx_seed"] == 2
    W1 = draw_params(2, 3, 2, seed=2)[0][0]
    assert any(r"W_1 = \begin{pmatrix} " + " & ".join(f"{w:g}" for w in W1[0]) in f
               for f in formulas(at))  # fmt: skip


def test_junk_in_the_matrix_links_gives_the_defaults():
    for junk in JUNK:
        at = open_matrix(dict.fromkeys(MATRIX_DEFAULTS, junk))
        for key, value in MATRIX_DEFAULTS.items():
            assert at.session_state[key] == value, (junk[:20], key)
        np.testing.assert_allclose(shown(at, "h_1 &=")[:, 0], [0.7311, 0.5, 0.2689])
        if junk:
            assert any("could not be read" in i.value for i in at.info), junk[:20]


def test_the_vanishing_chain_is_multiplied_out_in_the_matrix_form():
    at = open_matrix({"backprop_vg_layers": "3"})
    product = math.prod(chain_gradients(3).factors)
    assert product == pytest.approx(chain_gradients(3).grad_h[0])
    (tex,) = [m.value for m in at.markdown if m.value.startswith(r"$\partial h_{3} / \partial h_0")]
    assert tex.endswith(r"= {(0.2236)} \times {(0.2194)} \times {(0.1966)} = {0.0096}$")
    assert f"{product:.4f}" == "0.0096"
    click(at, "backprop_mx_to_vanish")
    assert at.session_state["backprop_view"] == VANISH
    assert "backprop_vg_chart" in specs(at)


def test_the_matrix_form_builds_no_chart(chart_log):
    at = open_matrix()
    chart_log.clear()
    at.slider(key="backprop_mx_x1").set_value(0.5).run()
    click(at, "backprop_mx_next")
    assert chart_log.built == [] and not specs(at)
    assert shown(at, "z_1 &=")[:, 0].tolist() == [1.0, -0.5, 0.0]  # W1 (0.5, −1) + b1
