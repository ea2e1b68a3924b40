"""The XOR page in AppTest: predict and run, design gates, edit the two-layer network."""

import json

import numpy as np

PAGE = "lessons/xor.py"


def chart(at, key):
    (el,) = [c for c in at.get("plotly_chart") if c.proto.id and key in c.proto.id]
    return json.loads(el.proto.spec)


def trace_names(at, key):
    return [t.get("name") for t in chart(at, key)["data"]]


def texts(elements):
    return " ".join(e.value for e in elements)


def test_run_is_locked_until_a_prediction_then_xor_loops(run_page):
    at = run_page(PAGE)
    assert at.session_state["xor_data"] == "xor"
    assert at.button(key="xor_run").disabled
    assert "It can never converge" not in texts(at.error)

    at.radio(key="xor_predict").set_value("yes").run()
    assert not at.button(key="xor_run").disabled
    at.button(key="xor_run").click().run()
    assert "Not what you predicted" in texts(at.warning)
    verdict = texts(at.error)
    assert "start of epoch 4, (−1, 0, 1)" in verdict
    assert "start of epoch 3" in verdict and "loop forever" in verdict
    assert "(2, 3, 4, …)" in verdict  # mistakes per epoch, never 0
    names = trace_names(at, "xor_cycle_chart")
    assert names[:3] == ["1: w⃗ = (−1, 0, 1)", "2: w⃗ = (−1, 0, 0)", "3: w⃗ = (−1, 1, 1)"]
    assert "4: w⃗ = (0, 1, 2) (line off the plot)" in names
    bars = chart(at, "xor_mistakes")["data"][0]["y"]
    assert list(bars) == [2, 3, 4]
    # Step through the loop: one frame per step of epoch 3, played by the browser.
    at.radio(key="xor_plot").set_value("steps").run()
    steps = chart(at, "xor_steps_chart")
    assert len(steps["frames"]) == 4
    assert "w⃗ ← w⃗ − x⃗1 = (−1, 0, 0)" in steps["frames"][0]["layout"]["title"]["text"]
    table = at.dataframe[0].value
    assert list(table[""])[-2:] == ["↺ loop", "= epoch 3"]
    assert list(table["mistakes"]) == ["2", "3", "4", "…"]


def test_changing_the_data_asks_for_a_new_prediction(run_page):
    at = run_page(PAGE)
    at.radio(key="xor_predict").set_value("no").run()
    at.button(key="xor_run").click().run()
    assert "Your prediction was right" in texts(at.success)
    at.selectbox(key="xor_data").set_value("and").run()
    assert at.session_state["xor_predict"] is None
    assert not at.session_state["xor_ran"]
    assert at.query_params["data"] == "and"
    at.radio(key="xor_predict").set_value("no").run()
    at.button(key="xor_run").click().run()
    assert "Not what you predicted" in texts(at.warning)
    assert "Converged." in texts(at.success)
    assert "learned line w⃗ = (2, 1, −2)" in trace_names(at, "xor_cycle_chart")


def test_lecture_start_and_random_start(run_page):
    at = run_page(PAGE)
    at.radio(key="xor_start").set_value("lecture").run()
    at.radio(key="xor_predict").set_value("no").run()
    at.button(key="xor_run").click().run()
    assert "start of epoch 8" in texts(at.error) and "start of epoch 7" in texts(at.error)
    at.radio(key="xor_start").set_value("random").run()
    at.button(key="xor_new_w").click().run()
    assert at.session_state["xor_weight_seed"] == 1
    at.radio(key="xor_predict").set_value("no").run()
    at.button(key="xor_run").click().run()
    assert "loop forever" in texts(at.error)


def test_gate_designer_sliders_fill_the_truth_table(run_page):
    at = run_page(PAGE)
    assert at.session_state["xor_gate"] == "and"
    table = at.dataframe[0].value  # the designer's table (tab 1 shows no table before a run)
    assert list(table["right?"]) == ["✓", "✓", "✓", "✗"]
    assert "3 of 4 rows right" in texts(at.info)
    at.slider(key="xor_w1").set_value(1.0).run()
    at.slider(key="xor_w2").set_value(1.0).run()
    at.slider(key="xor_b").set_value(-1.5).run()
    table = at.dataframe[0].value
    assert list(table["w₁x₁+w₂x₂+b"]) == ["−1.5", "−0.5", "−0.5", "0.5"]
    assert "this perceptron is a AND gate" in texts(at.success)
    # The same weights on OR: two rows wrong.
    at.radio(key="xor_gate").set_value("or").run()
    assert at.query_params["gate"] == "or"
    assert list(at.dataframe[0].value["right?"]).count("✗") == 2


def test_let_the_perceptron_learn_each_gate(run_page):
    at = run_page(PAGE)
    for gate, expected in (("nand", (-2.0, -1.0, 3.0)), ("or", (1.0, 1.0, 0.0))):
        at.radio(key="xor_gate").set_value(gate).run()
        at.button(key="xor_learn").click().run()
        w = tuple(at.session_state[f"xor_{k}"] for k in ("w1", "w2", "b"))
        assert w == expected
        assert "learned" in texts(at.success) and "rows right" in texts(at.success)


def test_not_has_one_input(run_page):
    at = run_page(PAGE)
    at.radio(key="xor_gate").set_value("not").run()
    assert not [s for s in at.slider if s.key == "xor_w2"]
    at.button(key="xor_learn").click().run()
    assert (at.session_state["xor_w1"], at.session_state["xor_b"]) == (-1.0, 1.0)
    table = at.dataframe[0].value
    assert list(table.columns) == ["x₁", "w₁x₁+b", "σ", "NOT", "right?"]
    assert list(table["right?"]) == ["✓", "✓"]


def test_w2_survives_a_visit_to_not(run_page):
    at = run_page(PAGE)
    at.slider(key="xor_w2").set_value(1.5).run()
    at.radio(key="xor_gate").set_value("not").run()
    at.run()
    at.radio(key="xor_gate").set_value("and").run()
    assert at.slider(key="xor_w2").value == 1.5


def test_xor_gate_cannot_be_designed_or_learned(run_page):
    at = run_page(PAGE)
    at.radio(key="xor_gate").set_value("xor").run()
    body = texts(at.markdown)
    assert "Minsky & Papert (1969)" in body and "first AI winter" in body
    assert "linearly separable" in body
    at.button(key="xor_learn").click().run()
    assert "cannot learn XOR" in texts(at.error)
    assert "3 is the most" in texts(at.warning)


def test_composed_network_computes_xor_and_breaks_when_edited(run_page):
    at = run_page(PAGE)
    assert "This network computes XOR" in texts(at.success)
    net = chart(at, "xor_net_chart")
    labels = [a.get("text", "") for a in net["layout"]["annotations"]]
    assert "<b>−1</b>" in labels and "b = 1.5" in labels and "b = −0.5" in labels
    at.radio(key="xor_net_row").set_value(1).run()
    labels = [a.get("text", "") for a in chart(at, "xor_net_chart")["layout"]["annotations"]]
    assert any(t.startswith("<b>y</b><br>") and t.endswith("<b>= 1</b>") for t in labels)

    # The output unit's bias −1.5 -> −0.5: AND becomes OR, every row says 1.
    at.number_input(key="xor_net_y_b").set_value(-0.5).run()
    assert "now computes always 1" in texts(at.error)
    assert "output unit alone could fix it" in texts(at.error)
    # A hidden unit broken instead: h₁ = x₁ only, so (0, 0) and (0, 1) collide at (0, 1).
    at.button(key="xor_net_reset").click().run()
    at.number_input(key="xor_net_h1_w2").set_value(0.0).run()
    assert "Change the hidden units" in texts(at.error)
    at.button(key="xor_net_reset").click().run()
    assert "This network computes XOR" in texts(at.success)
    tables = [d.value for d in at.dataframe]
    (xor_table,) = [t for t in tables if "XOR" in t.columns]
    np.testing.assert_array_equal(xor_table["y"], [0, 1, 1, 0])
    np.testing.assert_array_equal(xor_table["h₁"], [0, 1, 1, 1])


def test_url_settings_are_read(run_page):
    from streamlit.testing.v1 import AppTest

    from tests.app.conftest import ROOT

    at = AppTest.from_file(str(ROOT / PAGE), default_timeout=60)
    at.query_params["gate"] = "nand"
    at.query_params["data"] = "or"
    at.query_params["start"] = "bogus"
    at.run()
    assert not at.exception
    assert at.session_state["xor_gate"] == "nand"
    assert at.session_state["xor_data"] == "or"
    assert at.session_state["xor_start"] == "zeros"


def test_a_shared_link_carries_the_designers_weights(run_page):
    from streamlit.testing.v1 import AppTest

    from tests.app.conftest import ROOT

    at = AppTest.from_file(str(ROOT / PAGE), default_timeout=60)
    at.query_params.update({"gate": "and", "w1": "1", "w2": "1", "b": "-1.5"})
    at.run()
    assert not at.exception
    assert "this perceptron is a AND gate" in texts(at.success)
    at.slider(key="xor_b").set_value(-0.5).run()  # now an OR gate's weights
    assert at.query_params["b"] == "-0.5" and at.query_params["w1"] == "1"
    odd = AppTest.from_file(str(ROOT / PAGE), default_timeout=60)
    odd.query_params.update({"w1": "nan", "w2": "abc", "b": "1e9"})
    odd.run()  # unreadable values become 0, huge ones the slider's end
    assert not odd.exception
    assert (odd.session_state["xor_w1"], odd.session_state["xor_w2"]) == (0.0, 0.0)
    assert odd.session_state["xor_b"] == 3.0


def test_quiz(run_page):
    at = run_page(PAGE)
    at.radio(key="xor_quiz_choice").set_value(2).run()
    at.button(key="xor_quiz_check").click().run()
    assert "Correct" in texts(at.success)


def test_build_xor_by_loading_gates_into_units(run_page):
    at = run_page(PAGE)
    at.button(key="xor_net_zero").click().run()
    assert at.session_state["xor_net_h1_w1"] == 0.0
    assert "now computes always 0" in texts(at.error)
    at.selectbox(key="xor_net_h1_load").set_value("or").run()
    assert at.session_state["xor_net_h1_load"] is None  # ready for the next load
    assert [at.session_state[f"xor_net_h1_{k}"] for k in ("w1", "w2", "b")] == [1.0, 1.0, -0.5]
    at.selectbox(key="xor_net_h2_load").set_value("nand").run()
    assert "This network computes XOR" not in texts(at.success)  # the output unit is still 0
    at.selectbox(key="xor_net_y_load").set_value("and").run()
    assert "This network computes XOR" in texts(at.success)
    # OR on top instead of AND: the hidden points stay separable, only the output is wrong.
    at.selectbox(key="xor_net_y_load").set_value("or").run()
    assert "output unit alone could fix it" in texts(at.error)
