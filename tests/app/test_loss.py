"""The loss-functions page in AppTest: sliders, presets, quiz, the binary and squared-loss tabs."""

from __future__ import annotations

import json
import math

import pytest

PAGE = "lessons/loss.py"


def rerun(at):
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def metrics(at) -> list[str]:
    return [m.value for m in at.metric]


def softmax_bar_labels(at) -> list[str]:
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    return next(t for t in spec["data"] if t.get("name") == "probabilities")["text"]


def test_default_explorer_shows_the_loss_with_its_numbers(run_page):
    at = run_page(PAGE)
    assert metrics(at)[:3] == ["class 1", "0.6590", "0.4170"]
    assert any(r"-\log(0.6590) = 0.4170" in x.value for x in at.latex)
    assert len([s for s in at.slider if s.key.startswith("loss_f")]) == 3
    rows = at.dataframe[0].value
    assert list(rows["p_j"]) == [0.659, 0.2424, 0.0986]
    assert list(rows["Y_j"]) == [1, 0, 0]
    assert softmax_bar_labels(at) == ["", "0.242", "0.099"]  # the true class is annotated


def test_moving_the_true_class_score_changes_p_y_and_loss(run_page):
    at = run_page(PAGE)
    at.slider(key="loss_f1").set_value(-2.0)
    rerun(at)
    assert metrics(at)[1] != "0.6590"
    assert float(metrics(at)[2]) > 0.4170
    assert any("most likely class is **class 2**" in m.value for m in at.markdown)


def test_more_classes_and_a_different_true_class(run_page):
    at = run_page(PAGE)
    at.slider(key="loss_k").set_value(6)
    rerun(at)
    assert len([s for s in at.slider if s.key.startswith("loss_f")]) == 6
    at.segmented_control(key="loss_label").set_value(6)
    rerun(at)
    assert metrics(at)[0] == "class 6"
    at.slider(key="loss_k").set_value(2)  # the true class 6 no longer exists: clamp to 2
    rerun(at)
    assert at.session_state["loss_label"] == 2
    assert metrics(at)[0] == "class 2"


def test_lecture_slide_preset_and_shift_invariance(run_page):
    at = run_page(PAGE)
    at.button(key="loss_slide").click()
    rerun(at)
    assert metrics(at)[:3] == ["class 1", "0.8000", "0.2231"]
    at.button(key="loss_shift").click()
    rerun(at)
    # The preset's scores are centred, ±log(0.8 / 0.2) / 2; the button adds 1 to both.
    assert at.session_state["loss_f1"] == pytest.approx(1 + math.log(4) / 2)
    assert at.session_state["loss_f2"] == pytest.approx(1 - math.log(4) / 2)
    assert metrics(at)[:3] == ["class 1", "0.8000", "0.2231"]  # same probabilities


def test_lecture_quiz_right_and_wrong_then_load_it(run_page):
    at = run_page(PAGE)
    at.radio(key="loss_quiz_choice").set_value(3)
    rerun(at)
    at.button(key="loss_quiz_check").click()
    rerun(at)
    assert any("Not quite: D. −log(0.90)" in w.value for w in at.warning)
    at.radio(key="loss_quiz_choice").set_value(0)
    rerun(at)
    at.button(key="loss_quiz_check").click()
    rerun(at)
    assert any("Correct: A. −log(0.05)" in s.value and "2.9957" in s.value for s in at.success)
    at.button(key="loss_quiz_load").click()
    rerun(at)
    assert at.session_state["loss_k"] == 5
    assert metrics(at)[:3] == ["class 3", "0.0500", "2.9957"]


def test_binary_tab_derivation_both_ways(run_page):
    at = run_page(PAGE)
    at.slider(key="loss_p").set_value(0.25)
    at.segmented_control(key="loss_y").set_value(0)
    rerun(at)
    texts = [x.value for x in at.latex]
    assert any(r"-\log p_0 = -\log 0.75 = 0.2877" in t for t in texts)
    assert any(r"Y = [1\ 0]" in t and "0.2877" in t for t in texts)


def test_squared_loss_tab_explains_the_weak_gradient(run_page):
    at = run_page(PAGE)
    at.slider(key="loss_z").set_value(-6.0)
    rerun(at)
    values = metrics(at)
    assert "0.0025" in values and "−0.9975" in values
    assert any("× weaker" in i.value and "cross-entropy" in i.value for i in at.info)
    at.slider(key="loss_z").set_value(4.0)
    rerun(at)
    assert any("The prediction is right" in s.value for s in at.success)


def test_a_shared_link_opens_the_same_explorer(run_page):
    from streamlit.testing.v1 import AppTest

    from tests.app.conftest import ROOT

    at = AppTest.from_file(str(ROOT / PAGE), default_timeout=60)
    at.query_params.update(
        {"loss_k": "3", "loss_label": "class 2", "loss_f1": "0", "loss_f2": "0", "loss_f3": "0"}
    )
    rerun(at)
    # Equal scores: p_y = 1/3 and the loss is log 3.
    assert metrics(at)[:3] == ["class 2", "0.3333", f"{math.log(3):.4f}"]
    nonsense = AppTest.from_file(str(ROOT / PAGE), default_timeout=60)
    nonsense.query_params.update({"loss_k": "99", "loss_f1": "cat", "loss_label": "-4"})
    rerun(nonsense)  # bad values fall back to the defaults instead of breaking the page
    assert metrics(nonsense)[:3] == ["class 1", "0.6590", "0.4170"]
