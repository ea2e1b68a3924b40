"""The backpropagation page in AppTest: stepping, presets, practice, vanishing gradients, quiz,
shared links, and which charts a control rebuilds."""

from __future__ import annotations

import json
import math

import pytest

from tests.app.conftest import specs
from tests.app.links import assert_junk_gives_defaults, assert_round_trip, fresh

PAGE = "lessons/backprop.py"
WALK, PRACTICE, VANISH = (
    "Step through the graph",
    "Practice: your local gradients",
    "Vanishing gradients",
)
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
    "backprop_view": WALK,
}


def chart(at, key: str = "backprop_graph") -> dict:
    return json.loads(specs(at)[key])


def node_labels(at) -> dict[str, str]:
    """Box key -> the text drawn in it, from the graph figure's node trace."""
    trace = next(t for t in chart(at)["data"] if t.get("name") == "nodes")
    return dict(zip(trace["customdata"], trace["text"], strict=True))


def rerun(at):
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


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
    parts += [df.value.to_csv() for df in at.dataframe]
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
    rows = at.dataframe[0].value
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
