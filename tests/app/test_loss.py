"""The loss-functions page in AppTest: sliders, presets, quiz, the binary and squared-loss tabs,
shared links, and which charts a control rebuilds."""

from __future__ import annotations

import math

import pytest

from tests.app.conftest import chart, rerun, specs
from tests.app.links import assert_junk_gives_defaults, assert_round_trip, fresh

PAGE = "lessons/loss.py"
SOFTMAX = "Softmax → cross-entropy"
BINARY = "Binary cross-entropy"
SQUARED = "Why not squared loss?"
DEFAULTS = {
    "loss_k": 3,
    "loss_label": 1,
    "loss_f1": 2.0,
    "loss_f2": 1.0,
    "loss_f3": 0.1,
    "loss_f4": -1.0,
    "loss_f5": 0.5,
    "loss_f6": -0.5,
    "loss_p": 0.7,
    "loss_y": 1,
    "loss_z": -4.0,
    "loss_cmp_y": 1,
    "loss_view": SOFTMAX,
}


def open_tab(at, label: str):
    at.session_state["loss_view"] = label
    return rerun(at)


def metrics(at) -> list[str]:
    return [m.value for m in at.metric]


def softmax_bar_labels(at) -> list[str]:
    bars = chart(at, "loss_softmax")["data"]
    return next(t for t in bars if t.get("name") == "probabilities")["text"]


def test_default_explorer_shows_the_loss_with_its_numbers(run_page):
    at = run_page(PAGE)
    assert metrics(at)[:3] == ["class 1", "0.6590", "0.4170"]
    assert any(r"-\log(0.6590) = 0.4170" in x.value for x in at.latex)
    assert len([s for s in at.slider if s.key.startswith("loss_f")]) == 3
    rows = at.table[0].value
    # Written as the page writes numbers (4 decimals, powers of ten below 0.001): strings.
    assert list(rows["pⱼ"]) == ["0.6590", "0.2424", "0.0986"]
    assert list(rows["Yⱼ"]) == [1, 0, 0]
    # Every bar carries its value; the true class is named on its tick, not in a floating note.
    assert softmax_bar_labels(at) == ["0.659", "0.242", "0.099"]
    layout = chart(at, "loss_softmax")["layout"]
    assert layout["xaxis2"]["ticktext"][0] == "<b>class 1 = y</b>"
    assert not layout.get("annotations", [])[2:]  # only the two subplot titles
    assert at.query_params == {}  # a default page has a bare URL


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
    assert at.segmented_control(key="loss_label").options == ["class 1", "class 2"]


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
    assert any("Added 1 to every score" in c.value for c in at.caption)


def test_adding_one_at_the_top_of_the_sliders_says_what_it_did(run_page):
    """Issue 17: at the slider limits the button used to re-centre the scores, or do nothing,
    without a word. Now it shifts by exactly 1 (down, if up does not fit) or says why not."""
    at = fresh(PAGE, {"loss_f1": "8", "loss_f2": "5", "loss_f3": "-2"})
    at.button(key="loss_shift").click()
    rerun(at)
    assert [at.session_state[f"loss_f{j}"] for j in (1, 2, 3)] == [7.0, 4.0, -3.0]
    assert any("went **down** by 1 instead" in i.value for i in at.info)
    assert metrics(at)[1:3] == metrics(fresh(PAGE, {"loss_f1": "8", "loss_f2": "5",
                                                    "loss_f3": "-2"}))[1:3]  # fmt: skip

    at = fresh(PAGE, {"loss_f1": "8", "loss_f2": "-7.5"})
    at.button(key="loss_shift").click()
    rerun(at)
    assert [at.session_state[f"loss_f{j}"] for j in (1, 2)] == [8.0, -7.5]  # unchanged
    assert any("nothing changed" in w.value for w in at.warning)


def test_a_tiny_probability_is_written_honestly(run_page):
    """Issue 17: f₁ = −8 against five scores of 8 gave 'p_y = 0.0000' and
    '−log(0.0000) = 17.6094'. p₁ = 1 / (1 + 5e¹⁶) = 2.25 × 10⁻⁸: shown as such."""
    at = fresh(PAGE, {"loss_k": "6", "loss_f1": "-8"} | {f"loss_f{j}": "8" for j in range(2, 7)})
    assert at.session_state["loss_f1"] == -8.0  # a slider at its minimum comes back from a link
    p1 = 1 / (1 + 5 * math.exp(16))
    assert f"{p1:.2e}" == "2.25e-08"
    assert metrics(at)[1:3] == ["2.25 × 10⁻⁸", f"{-math.log(p1):.4f}"]
    texts = " ".join(x.value for x in at.latex)
    assert r"-\log(2.25 \times 10^{-8}) = 17.6094" in texts
    assert "0.0000" not in texts + " ".join(metrics(at))
    assert softmax_bar_labels(at)[0] == f"{p1:.1e}"[:3] + "×10<sup>−8</sup>"  # 2 digits on bars
    assert at.table[0].value["pⱼ"].iloc[0] == "2.25 × 10⁻⁸"


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


@pytest.mark.parametrize("tab", [BINARY, SQUARED])
def test_opening_the_quiz_prediction_opens_the_explorer_tab(run_page, tab):
    """Issue 17: the button loaded the scores but left the learner on their tab (from 'Why not
    squared loss?' nothing visible happened). Now the explorer's tab opens, and it says so."""
    at = open_tab(run_page(PAGE), tab)
    assert "loss_softmax" not in specs(at)  # only the open tab runs
    at.button(key="loss_quiz_load").click()
    rerun(at)
    assert at.session_state["loss_view"] == SOFTMAX
    assert "loss_softmax" in specs(at)
    assert metrics(at)[:3] == ["class 3", "0.0500", "2.9957"]
    assert any("Loaded into the first tab" in s.value for s in at.success)
    assert at.query_params.get("loss_view") is None  # the default tab: not in the URL
    assert at.query_params["loss_k"] == "5"


def test_binary_tab_derivation_both_ways(run_page):
    at = open_tab(run_page(PAGE), BINARY)
    at.slider(key="loss_p").set_value(0.25)
    at.segmented_control(key="loss_y").set_value(0)
    rerun(at)
    texts = [x.value for x in at.latex]
    assert any(r"-\log p_0 = -\log 0.75 = 0.2877" in t for t in texts)
    assert any(r"Y = [1\ 0]" in t and "0.2877" in t for t in texts)


def test_squared_loss_tab_explains_the_weak_gradient(run_page):
    at = open_tab(run_page(PAGE), SQUARED)
    at.slider(key="loss_z").set_value(-6.0)
    rerun(at)
    values = metrics(at)
    assert "0.0025" in values and "−0.9975" in values
    p = 1 / (1 + math.exp(6))
    ratio = 1 / (2 * p * (1 - p))  # |p − y| / |2(p − y)p(1 − p)|
    assert any(f"{ratio:,.0f}× weaker" in i.value for i in at.info)
    at.slider(key="loss_z").set_value(4.0)
    rerun(at)
    assert any("The prediction is right" in s.value for s in at.success)
    assert any("$p_y$ = 0.6590" in c.value for c in at.caption)  # the explorer's prediction


def test_a_shared_link_opens_the_same_explorer():
    at = fresh(PAGE, {"loss_k": "3", "loss_label": "2", "loss_f1": "0", "loss_f2": "0",
                      "loss_f3": "0"})  # fmt: skip
    # Equal scores: p_y = 1/3 and the loss is log 3.
    assert metrics(at)[:3] == ["class 2", "0.3333", f"{math.log(3):.4f}"]


def test_links_shared_before_the_settings_helper_still_open():
    """st.tabs/segmented_control bound to the URL wrote their labels ('class 2', the tab's
    name): those links still open what they showed."""
    at = fresh(PAGE, {"loss_label": "class 2", "loss_f1": "0", "loss_f2": "0", "loss_f3": "0",
                      "loss_view": BINARY, "loss_y": "y = 0"})  # fmt: skip
    assert at.session_state["loss_label"] == 2
    assert at.session_state["loss_view"] == BINARY and at.session_state["loss_y"] == 0
    assert at.query_params["loss_view"] == "binary-cross-entropy"  # rewritten the new way
    assert at.query_params["loss_label"] == "2"
    assert not at.info  # nothing in the link was junk


def test_every_setting_survives_a_shared_link():
    """Issue 12: f₃ = −8 (a slider at its minimum) left a bare /loss, and /loss?loss_f3=-8
    reset f₃; BCE's p was not shared. Every setting and the open tab round-trip."""
    values = {
        "loss_k": 4,
        "loss_label": 4,
        "loss_f1": -0.5,
        "loss_f2": 7.9,
        "loss_f3": -8.0,
        "loss_f4": 8.0,
        "loss_f5": 0.3,
        "loss_f6": -8.0,
        "loss_p": 0.01,
        "loss_y": 0,
        "loss_z": -8.0,
        "loss_cmp_y": 0,
        "loss_view": SQUARED,
    }
    assert set(values) == set(DEFAULTS)
    params = assert_round_trip(PAGE, values)
    assert params["loss_f3"] == "-8" and params["loss_p"] == "0.01"
    assert params["loss_view"] == "why-not-squared-loss"


def test_exact_scores_from_a_preset_survive_a_shared_link(run_page):
    at = run_page(PAGE)
    at.button(key="loss_quiz_load").click()
    rerun(at)
    opened = fresh(PAGE, dict(at.query_params))
    assert metrics(opened)[:3] == ["class 3", "0.0500", "2.9957"]


def test_junk_in_the_link_gives_the_defaults():
    assert_junk_gives_defaults(PAGE, DEFAULTS)
    # Valid on their own but not together: a true class beyond k is clamped, not an error.
    at = fresh(PAGE, {"loss_k": "2", "loss_label": "5", "loss_view": "why-not-squared-loss"})
    assert at.session_state["loss_label"] == 2


def test_a_control_rebuilds_only_the_charts_it_changes(run_page, chart_log):
    """A score slider rebuilds the softmax chart only; the quiz's bars are never rebuilt; a quiz
    answer builds nothing; charts that did not change are sent exactly as before."""
    at = run_page(PAGE)
    before = specs(at)
    assert set(before) == {"loss_softmax", "loss_quiz_bars"}
    chart_log.clear()
    at.slider(key="loss_f2").set_value(1.5).run()
    assert chart_log.built == ["softmax_chart"]
    after = specs(at)
    assert {k for k in before if before[k] != after[k]} == {"loss_softmax"}
    chart_log.clear()
    at.radio(key="loss_quiz_choice").set_value(1).run()
    assert chart_log.built == [] and specs(at) == after

    at = open_tab(at, SQUARED)
    before = specs(at)
    chart_log.clear()
    at.slider(key="loss_z").set_value(-3.5).run()
    assert chart_log.built == ["comparison_chart"]
    after = specs(at)
    assert {k for k in before if before[k] != after[k]} == {"loss_compare"}

    at = open_tab(at, BINARY)
    chart_log.clear()
    at.slider(key="loss_p").set_value(0.31).run()
    assert chart_log.built == ["bce_chart"]
