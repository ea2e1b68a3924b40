"""The perceptron page in AppTest: buttons pressed, state and chart data checked."""

import json

import numpy as np
import pandas as pd

PAGE = "lessons/perceptron.py"


def latex_text(at) -> str:
    return " ".join(el.value for el in at.latex)


def chart(at, key):
    (el,) = [c for c in at.get("plotly_chart") if c.proto.id and key in c.proto.id] or [None]
    return json.loads(el.proto.spec)


def trace_names(at, key="perceptron_train_chart") -> list[str]:
    return [t.get("name") for t in chart(at, key)["data"]]


def test_lecture_example_step_by_step(run_page):
    at = run_page(PAGE)
    assert at.session_state["perceptron_cursor"] == 0
    assert "boundary before the update" not in trace_names(at)

    at.button(key="perceptron_step").click().run()
    assert at.session_state["perceptron_cursor"] == 1
    assert r"1 \times 0 + 2 \times 1 + (-1) \times 1 \\ &= 1" in latex_text(at)
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

    at.button(key="perceptron_reset").click().run()
    assert at.session_state["perceptron_cursor"] == 0
    assert not at.exception


def test_xor_run_to_the_end_says_it_loops_forever(run_page):
    at = run_page(PAGE)
    at.selectbox(key="perceptron_dataset").set_value("xor").run()
    at.radio(key="perceptron_start").set_value("zeros").run()
    at.button(key="perceptron_end").click().run()
    verdicts = " ".join(e.value for e in at.error)
    assert "The weights repeat" in verdicts and "loop forever" in verdicts
    assert not at.success


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


def test_linear_dataset_converges(run_page):
    at = run_page(PAGE)
    at.selectbox(key="perceptron_dataset").set_value("linear").run()
    at.radio(key="perceptron_start").set_value("zeros").run()
    at.button(key="perceptron_end").click().run()
    assert any("Success" in s.value for s in at.success)
    at.button(key="perceptron_new_points").click().run()
    assert at.session_state["perceptron_data_seed"] == 1
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


def test_neuron_sliders_move_the_line(run_page):
    at = run_page(PAGE)
    at.slider(key="perceptron_b").set_value(3.0).run()
    assert r"1 \times 1 + 2 \times 1 + 3 = 6" in latex_text(at)


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
