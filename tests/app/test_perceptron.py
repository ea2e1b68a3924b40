"""The perceptron page in AppTest: buttons pressed, state and chart data checked, settings in the
URL, charts rebuilt only where a control changes them."""

import numpy as np
import pandas as pd
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from tests.app.conftest import ROOT, chart, rerun, specs

PAGE = "lessons/perceptron.py"
NEURON = "One neuron"
JUNK = ("inf", "nan", "1e999", "99999999999999999999", "", "é", "x" * 5000)


def body(at) -> str:
    return " ".join(el.value for el in at.markdown)


def trace_names(at, key="perceptron_train_chart") -> list[str]:
    return [t.get("name") for t in chart(at, key)["data"]]


def open_tab(at, label: str):
    at.session_state["perceptron_tab"] = label
    return rerun(at)


def test_lecture_example_step_by_step(run_page):
    at = run_page(PAGE)
    assert at.session_state["perceptron_cursor"] == 0
    assert "boundary before the update" not in trace_names(at)

    at.button(key="perceptron_step").click().run()
    assert at.session_state["perceptron_cursor"] == 1
    # The lecture's slide: ⟨w, x₁⟩ = 1 × 0 + 2 × 1 + (−1) × 1 = 1 (each product one group, so
    # a narrow column wraps the sum between terms, never inside one).
    inner = (
        r"\langle \vec w, \vec x_{1} \rangle = {1 \times 0} + {2 \times 1} + {(-1) \times 1} = 1"
    )
    assert inner in body(at)
    assert any("(1, 1, −2)" in e.value for e in at.error)
    names = trace_names(at)
    assert "boundary before the update" in names and "current point x1" in names

    at.button(key="perceptron_epoch").click().run()
    assert at.session_state["perceptron_cursor"] == 4
    at.button(key="perceptron_epoch").click().run()
    assert at.session_state["perceptron_cursor"] == 8
    assert any("converged after 2 epochs" in s.value for s in at.success)
    assert at.button(key="perceptron_step").disabled
    table = at.dataframe[0].value
    assert list(table["⟨w⃗, x⃗⟩"]) == ["1", "−1", "1", "1", "−1", "−1", "1", "1"]
    assert list(chart(at, "perceptron_mistakes")["data"][0]["y"]) == [1, 0]

    at.button(key="perceptron_reset").click().run()
    assert at.session_state["perceptron_cursor"] == 0
    assert not at.exception


def test_xor_from_zeros_says_which_epoch_repeats(run_page):
    """Issue 14 item 10: a loop of one epoch was printed as "repeats epochs 3–3"."""
    at = run_page(PAGE)
    at.selectbox(key="perceptron_dataset").set_value("xor").run()
    at.radio(key="perceptron_start").set_value("zeros").run()
    at.button(key="perceptron_end").click().run()
    (verdict,) = [e.value for e in at.error if "The weights repeat" in e.value]
    assert "The weights repeat" in verdict and "loop forever" in verdict
    assert "start of epoch 4 equal those at the start of epoch 3" in verdict
    assert "the perceptron runs epoch 3 over and over" in verdict
    assert "3–3" not in verdict
    assert not at.success


def test_a_longer_loop_names_its_epochs(run_page):
    """Points that make the perceptron loop over two epochs: the verdict names both."""
    at = run_page(PAGE)
    # Class 1 between two class-0 points on one line: no line separates them.
    points = pd.DataFrame({"x1": [0.0, 1.0, 2.0], "x2": [1.0, 1.0, 1.0], "label": [0, 1, 0]})
    at.session_state["perceptron_base_points"] = points
    at.radio(key="perceptron_start").set_value("zeros").run()
    at.button(key="perceptron_end").click().run()
    (verdict,) = [e.value for e in at.error if "The weights repeat" in e.value]
    assert "start of epoch 5 equal those at the start of epoch 3" in verdict
    assert "epochs 3–4 over and over, in turn (a loop of 2 epochs)" in verdict


def test_random_start_is_repeatable_and_redrawable(run_page):
    at = run_page(PAGE)
    at.radio(key="perceptron_start").set_value("random").run()
    first = at.info[0].value
    at.button(key="perceptron_step").click().run()
    at.button(key="perceptron_reset").click().run()
    assert at.info[0].value == first  # Reset returns to the same starting weights
    at.button(key="perceptron_new_w").click().run()
    assert at.session_state["perceptron_weight_seed"] == 1
    assert at.session_state["perceptron_cursor"] == 0
    assert at.query_params["perceptron_weight_seed"] == "1"


def test_linear_dataset_converges(run_page):
    at = run_page(PAGE)
    at.selectbox(key="perceptron_dataset").set_value("linear").run()
    at.radio(key="perceptron_start").set_value("zeros").run()
    at.button(key="perceptron_end").click().run()
    assert any("Success" in s.value for s in at.success)
    at.button(key="perceptron_new_points").click().run()
    assert at.session_state["perceptron_data_seed"] == 1
    assert at.session_state["perceptron_cursor"] == 0  # new points: begin again
    assert not at.exception


def test_one_class_is_refused_with_a_message_and_points_kept(run_page):
    at = run_page(PAGE)
    one_class = pd.DataFrame({"x1": [0.0, 1.0, 2.0], "x2": [1.0, 0.0, 1.0], "label": [1, 1, 1]})
    at.session_state["perceptron_base_points"] = one_class
    at.run()
    assert any("Every point is in class 1" in e.value for e in at.error)
    assert at.session_state["perceptron_base_points"].shape == (3, 3)
    assert not at.exception


def test_blank_cells_and_contradictions_are_reported(run_page):
    at = run_page(PAGE)
    points = pd.DataFrame(
        {
            "x1": [0.0, 1.0, 2.0, 0.0, np.nan],
            "x2": [1.0, 0.0, 1.0, 1.0, 3.0],
            "label": [0, 0, 1, 1, 1],
        }
    )
    at.session_state["perceptron_base_points"] = points
    at.run()
    warnings = " ".join(w.value for w in at.warning)
    assert "Row(s) 5" in warnings
    assert "(0, 1)" in warnings and "never converge" in warnings
    at.button(key="perceptron_end").click().run()
    assert any("loop forever" in e.value for e in at.error)


def test_a_point_at_infinity_is_an_error_not_a_traceback(run_page):
    at = run_page(PAGE)
    points = pd.DataFrame({"x1": [0.0, np.inf], "x2": [1.0, 0.0], "label": [0, 1]})
    at.session_state["perceptron_base_points"] = points
    rerun(at)
    assert any("finite number" in e.value for e in at.error)


def test_neuron_sliders_move_the_line(run_page):
    at = open_tab(run_page(PAGE), NEURON)
    assert r"w_1 x_1 + w_2 x_2 + b = {1 \times 1} + {2 \times 1} + (-1) = 2" in body(at)
    at.slider(key="perceptron_b").set_value(3.0).run()
    assert r"= {1 \times 1} + {2 \times 1} + 3 = 6" in body(at)
    line = next(t for t in chart(at, "perceptron_neuron_chart")["data"] if "boundary" in t["name"])
    # w = (1, 2), b = 3: the line x₂ = −(x₁ + 3) / 2.
    for x, y in zip(line["x"], line["y"], strict=True):
        assert x + 2 * y + 3 == pytest.approx(0)


def test_a_typed_probe_value_is_kept_to_two_decimals(run_page):
    at = open_tab(run_page(PAGE), NEURON)
    at.number_input(key="perceptron_probe_x1").set_value(0.333).run()
    assert at.session_state["perceptron_probe_x1"] == 0.33
    assert r"{1 \times 0.33}" in body(at)
    at.number_input(key="perceptron_probe_x2").increment().run()  # the + button: 1 -> 1.5
    assert at.session_state["perceptron_probe_x2"] == 1.5
    open_tab(at, "Train it, step by step")
    open_tab(at, NEURON)  # a full run and back: the values survive
    assert at.session_state["perceptron_probe_x1"] == 0.33


def test_a_probe_far_away_is_still_in_view(run_page):
    at = open_tab(run_page(PAGE), NEURON)
    at.number_input(key="perceptron_probe_x1").set_value(9.0).run()
    layout = chart(at, "perceptron_neuron_chart")["layout"]
    x0, x1 = layout["xaxis"]["range"]
    assert x0 < 9.0 < x1


def test_quiz_feedback(run_page):
    at = run_page(PAGE)
    at.radio(key="perceptron_quiz_choice").set_value(0).run()
    at.button(key="perceptron_quiz_check").click().run()
    assert any("Not quite" in w.value and "Try again" in w.value for w in at.warning)
    at.radio(key="perceptron_quiz_choice").set_value(2).run()
    at.button(key="perceptron_quiz_check").click().run()
    assert any("Correct" in s.value and "XOR" in s.value for s in at.success)


def test_play_steps_on_each_tick_and_pause_stops(run_page):
    at = run_page(PAGE)
    at.button(key="perceptron_play").click().run()
    assert at.session_state["perceptron_playing"]
    assert at.session_state["perceptron_cursor"] == 1
    assert at.button(key="perceptron_step").disabled
    at.run()  # what the timer does: run again, one more step
    assert at.session_state["perceptron_cursor"] == 2
    at.button(key="perceptron_play").click().run()
    assert not at.session_state["perceptron_playing"]
    cursor = at.session_state["perceptron_cursor"]
    at.run()
    assert at.session_state["perceptron_cursor"] == cursor


def test_only_the_open_tab_runs(run_page):
    at = run_page(PAGE)
    assert [k for k in specs(at)] == ["perceptron_train_chart"]
    at = open_tab(at, NEURON)
    assert [k for k in specs(at)] == ["perceptron_neuron_chart"]
    assert at.query_params["perceptron_tab"] == "one-neuron"


def test_a_control_rebuilds_only_the_charts_it_changes(run_page, chart_log):
    """A step redraws the plane; the mistakes chart only when its bars change; the quiz and the
    other tab's controls draw nothing here."""
    st.cache_resource.clear()  # charts cached by earlier tests would not be built again
    at = run_page(PAGE)
    at.button(key="perceptron_step").click().run()  # x1: a mistake, the bars appear
    before = specs(at)
    chart_log.clear()
    at.button(key="perceptron_step").click().run()  # x2: right, no update: the bars stay
    assert chart_log.built == ["plane_chart"]
    after = specs(at)
    assert {k for k in before if before[k] != after[k]} == {"perceptron_train_chart"}
    chart_log.clear()
    at.radio(key="perceptron_quiz_choice").set_value(1).run()
    assert chart_log.built == [] and specs(at) == after

    at = open_tab(at, NEURON)
    before = specs(at)
    chart_log.clear()
    at.slider(key="perceptron_w1").set_value(-3.0).run()
    assert chart_log.built == ["neuron_chart"]
    assert set(specs(at)) == set(before) == {"perceptron_neuron_chart"}


def test_every_setting_survives_a_shared_link():
    at = AppTest.from_file(str(ROOT / PAGE), default_timeout=60)
    rerun(at)
    at.selectbox(key="perceptron_dataset").set_value("linear").run()
    at.radio(key="perceptron_start").set_value("random").run()
    at.button(key="perceptron_new_points").click().run()
    at.button(key="perceptron_new_w").click().run()
    at.button(key="perceptron_new_w").click().run()
    open_tab(at, NEURON)
    at.slider(key="perceptron_w1").set_value(-3.0).run()  # a slider at its minimum
    at.slider(key="perceptron_w2").set_value(0.5).run()
    at.slider(key="perceptron_b").set_value(3.0).run()
    at.number_input(key="perceptron_probe_x1").set_value(-2.25).run()
    at.number_input(key="perceptron_probe_x2").set_value(-10.0).run()
    expected = {
        "perceptron_tab": NEURON,
        "perceptron_dataset": "linear",
        "perceptron_start": "random",
        "perceptron_data_seed": 1,
        "perceptron_weight_seed": 2,
        "perceptron_w1": -3.0,
        "perceptron_w2": 0.5,
        "perceptron_b": 3.0,
        "perceptron_probe_x1": -2.25,
        "perceptron_probe_x2": -10.0,
    }
    link = dict(at.query_params)
    assert set(link) == set(expected)
    assert link["perceptron_w1"] == "-3" and link["perceptron_tab"] == "one-neuron"

    shared = AppTest.from_file(str(ROOT / PAGE), default_timeout=60)
    shared.query_params.update(link)
    rerun(shared)
    assert {k: shared.session_state[k] for k in expected} == expected
    assert shared.slider(key="perceptron_w1").value == -3.0
    assert not shared.info  # nothing in the link was junk


def test_old_links_with_bare_names_still_open():
    at = AppTest.from_file(str(ROOT / PAGE), default_timeout=60)
    at.query_params.update({"dataset": "xor", "start": "zeros"})
    rerun(at)
    assert at.session_state["perceptron_dataset"] == "xor"
    assert at.session_state["perceptron_start"] == "zeros"


@pytest.mark.parametrize("junk", JUNK)
def test_junk_in_the_link_gives_the_defaults(junk):
    names = (
        "tab", "dataset", "start", "data_seed", "weight_seed", "w1", "w2", "b",
        "probe_x1", "probe_x2",
    )  # fmt: skip
    at = AppTest.from_file(str(ROOT / PAGE), default_timeout=60)
    at.query_params.update({f"perceptron_{n}": junk for n in names})
    rerun(at)
    defaults = {
        "tab": "Train it, step by step", "dataset": "lecture", "start": "lecture",
        "data_seed": 0, "weight_seed": 0, "w1": 1.0, "w2": 2.0, "b": -1.0,
        "probe_x1": 1.0, "probe_x2": 1.0,
    }  # fmt: skip
    assert {n: at.session_state[f"perceptron_{n}"] for n in names} == defaults
    assert any("could not be read" in i.value for i in at.info)
