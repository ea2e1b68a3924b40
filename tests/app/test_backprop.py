"""The backpropagation page in AppTest: stepping, presets, practice, vanishing gradients, quiz."""

from __future__ import annotations

import json

import pytest

PAGE = "lessons/backprop.py"


def chart(at, index: int = 0) -> dict:
    return json.loads(at.get("plotly_chart")[index].proto.spec)


def node_labels(at) -> dict[str, str]:
    """Box key -> the text drawn in it, from the graph figure's node trace."""
    trace = next(t for t in chart(at)["data"] if t.get("name") == "nodes")
    return dict(zip(trace["customdata"], trace["text"], strict=True))


def click(at, key: str):
    at.button(key=key).click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


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


def test_editing_a_weight_recomputes_the_graph(run_page):
    at = run_page(PAGE)
    at.number_input(key="backprop_w2").set_value(0.0).run()
    click(at, "backprop_to_end")
    labels = node_labels(at)
    assert "value 1" in labels["z"]  # z = 1·1 + 0·(−1)
    assert "value 0.7311" in labels["yhat"]
    assert "grad −0.2689" in labels["w1"]  # σ(1) − 1


def test_relu_with_cross_entropy_warns_and_recovers(run_page):
    at = run_page(PAGE)
    click(at, "backprop_preset_quiz")
    at.selectbox(key="backprop_loss").set_value("bce").run()
    assert not at.exception
    assert any("ReLU outputs are not probabilities" in w.value for w in at.warning)
    click(at, "backprop_recover")
    assert at.session_state["backprop_activation"] == "sigmoid"
    assert not at.warning


def test_practice_names_the_wrong_node(run_page):
    at = run_page(PAGE)
    at.text_input(key="backprop_ans_yhat_loss").input("-3.7183")
    at.text_input(key="backprop_ans_z_yhat").input("0.25")
    at.text_input(key="backprop_ans_w1_z").input("1")
    at.run()
    click(at, "backprop_check")
    errors = [e.value for e in at.error]
    assert len(errors) == 1 and "The node **ŷ** is wrong" in errors[0]
    assert "0.1966" in errors[0]
    table = at.dataframe[0].value
    assert list(table["verdict"]) == ["✓ right", "✗ wrong", "✓ right"]

    at.text_input(key="backprop_ans_z_yhat").input("0.1966").run()
    assert not at.error
    assert any("All 3 of your local derivatives are right" in s.value for s in at.success)


def test_practice_refuses_text_that_is_not_a_number(run_page):
    at = run_page(PAGE)
    at.text_input(key="backprop_ans_w1_z").input("x1").run()
    assert any("is not a number" in w.value for w in at.warning)


def test_vanishing_gradient_chart_follows_the_sliders(run_page):
    at = run_page(PAGE)
    at.slider(key="backprop_vg_layers").set_value(30).run()
    bars = next(c for c in map(lambda i: chart(at, i), range(len(at.get("plotly_chart"))))
                if c["data"][0]["type"] == "bar")  # fmt: skip
    grads = bars["data"][0]["customdata"]
    assert len(grads) == 30
    assert abs(grads[0]) < 0.25**29 < abs(grads[-1])
    at.selectbox(key="backprop_vg_activation").set_value("relu").run()
    at.slider(key="backprop_vg_w").set_value(-1.0).run()
    assert any("exactly 0" in w.value for w in at.warning)


@pytest.mark.parametrize(("choice", "right"), [(3, True), (1, False)])
def test_quiz_feedback(run_page, choice, right):
    at = run_page(PAGE)
    at.radio(key="backprop_quiz_choice").set_value(choice).run()
    click(at, "backprop_quiz_check")
    if right:
        assert any(
            "Correct: D. 4" in s.value and "∂ℓ/∂w₁ = 4 × x₁ = 4" in s.value for s in at.success
        )
    else:  # a hint and a second try first; a second wrong answer reveals it
        assert any("Hint:" in w.value and "Try again" in w.value for w in at.warning)
        assert "D. 4" not in " ".join(w.value for w in at.warning)
        at.radio(key="backprop_quiz_choice").set_value(0).run()
        click(at, "backprop_quiz_check")
        assert any("The answer is D. 4" in e.value for e in at.error)


def test_a_shared_link_opens_the_same_example(run_page):
    from streamlit.testing.v1 import AppTest

    from tests.app.conftest import ROOT

    at = AppTest.from_file(str(ROOT / PAGE), default_timeout=60)
    at.query_params.update(
        {
            "backprop_w2": "-2", "backprop_activation": "ReLU",
            "backprop_loss": "squared loss", "backprop_y": "1",
        }
    )  # fmt: skip
    at.run()
    assert not at.exception
    assert at.session_state["backprop_w2"] == -2.0
    assert at.session_state["backprop_activation"] == "relu"
    assert at.session_state["backprop_loss"] == "squared"
    click(at, "backprop_to_end")
    labels = node_labels(at)
    assert "value 4" in labels["loss"] and "grad 4" in labels["w1"]  # the lecture's quiz: 4
