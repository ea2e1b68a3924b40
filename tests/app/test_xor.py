"""The XOR page in AppTest: predict and run, design gates, edit the two-layer network; settings
in the URL; charts rebuilt only where a control changes them."""

import re

import numpy as np
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from tests.app.conftest import ROOT, chart, rerun, specs

PAGE = "lessons/xor.py"
FAIL, GATES = "1 · Watch the perceptron fail", "2 · Design a gate"
COMPOSE = "3 · Build XOR from gates"
JUNK = ("inf", "nan", "1e999", "99999999999999999999", "", "é", "x" * 5000)
NET = [f"net_{u}_{n}" for u in ("h1", "h2", "y") for n in ("w1", "w2", "b")]
XOR_NET = (1.0, 1.0, -0.5, -1.0, -1.0, 1.5, 1.0, 1.0, -1.5)


def trace_names(at, key):
    return [t.get("name") for t in chart(at, key)["data"]]


def texts(elements):
    return " ".join(e.value for e in elements)


def md_table(at, first: str) -> dict[str, list[str]]:
    """The Markdown table whose first column is ``first``, column by column, with the coloured
    marks of its right? column as the learner reads them (✓, ✗)."""
    (text,) = [m.value for m in at.markdown if m.value.startswith(f"| {first} |")]
    head, _, *rows = text.splitlines()
    names = [c.strip() for c in head[1:-1].split(" | ")]
    cells = [[c.strip() for c in row[1:-1].split(" | ")] for row in rows]
    plain = [[re.sub(r"^:(green|red)\[\*\*(.)\*\*\]$", r"\2", c) for c in r] for r in cells]
    return {name: [r[k] for r in plain] for k, name in enumerate(names)}


def open_tab(at, label):
    at.session_state["xor_tab"] = label
    return rerun(at)


def fresh(params: dict | None = None) -> AppTest:
    at = AppTest.from_file(str(ROOT / PAGE), default_timeout=60)
    at.query_params.update(params or {})
    return rerun(at)


def set_net(at, weights):
    for name, value in zip(NET, weights, strict=True):
        at.session_state[f"xor_{name}"] = value
    return rerun(at)


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
    assert "it runs epoch 3 over and over" in verdict
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
    table = md_table(at, "epoch")
    assert table[""][-2:] == ["↺ loop", "= epoch 3"]
    assert table["mistakes"] == ["2", "3", "4", "…"]


def test_the_play_button_and_the_slider_do_not_overlap(run_page):
    """Issue 17 item 4: the slider's handle sat behind "Play the loop" on a narrow chart (the
    button and the slider side by side). Now the slider has the whole width and the button sits
    under it, far enough down in pixels for the slider's rail and labels."""
    at = run_page(PAGE)
    at.radio(key="xor_predict").set_value("no").run()
    at.button(key="xor_run").click().run()
    at.radio(key="xor_plot").set_value("steps").run()
    layout = chart(at, "xor_steps_chart")["layout"]
    (menu,) = layout["updatemenus"]
    (slider,) = layout["sliders"]
    assert slider["x"] == 0 and slider["len"] == 1
    paper = layout["height"] - layout["margin"]["t"] - layout["margin"]["b"]
    assert (slider["y"] - menu["y"]) * paper >= 60
    assert menu["yanchor"] == "top" and -menu["y"] * paper + 35 <= layout["margin"]["b"]


def test_changing_the_data_asks_for_a_new_prediction(run_page):
    at = run_page(PAGE)
    at.radio(key="xor_predict").set_value("no").run()
    at.button(key="xor_run").click().run()
    assert "Your prediction was right" in texts(at.success)
    at.selectbox(key="xor_data").set_value("and").run()
    assert at.session_state["xor_predict"] is None
    assert not at.session_state["xor_ran"]
    assert at.query_params["xor_data"] == "and"
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
    at = open_tab(run_page(PAGE), GATES)
    assert at.session_state["xor_gate"] == "and"
    assert md_table(at, "x₁")["right?"] == ["✓", "✓", "✓", "✗"]
    assert any(m.value.endswith("| :red[**✗**] |") for m in at.markdown)  # in red
    assert "3 of 4 rows right" in texts(at.info)
    at.slider(key="xor_w1").set_value(1.0).run()
    at.slider(key="xor_w2").set_value(1.0).run()
    at.slider(key="xor_b").set_value(-1.5).run()
    table = md_table(at, "x₁")
    assert table["w₁x₁+w₂x₂+b"] == ["−1.5", "−0.5", "−0.5", "0.5"]
    assert "this perceptron is a AND gate" in texts(at.success)
    # The same weights on OR: two rows wrong.
    at.radio(key="xor_gate").set_value("or").run()
    assert at.query_params["xor_gate"] == "or"
    assert md_table(at, "x₁")["right?"].count("✗") == 2


def test_every_column_of_the_truth_tables_is_shown_whole(run_page):
    """Issue 17 item 4: a column cut to "rig" in a scrolling grid. The truth tables are Markdown
    now: each column as wide as its content."""
    at = open_tab(run_page(PAGE), GATES)
    assert list(md_table(at, "x₁"))[-1] == "right?"
    assert not at.dataframe and not at.table  # no grid that could cut a column
    at = open_tab(at, COMPOSE)
    assert list(md_table(at, "x₁")) == ["x₁", "x₂", "h₁", "h₂", "y", "XOR", "right?"]
    assert not at.dataframe and not at.table


def test_let_the_perceptron_learn_each_gate(run_page):
    at = open_tab(run_page(PAGE), GATES)
    for gate, expected in (("nand", (-2.0, -1.0, 3.0)), ("or", (1.0, 1.0, 0.0))):
        at.radio(key="xor_gate").set_value(gate).run()
        at.button(key="xor_learn").click().run()
        w = tuple(at.session_state[f"xor_{k}"] for k in ("w1", "w2", "b"))
        assert w == expected
        assert "learned" in texts(at.success) and "rows right" in texts(at.success)


def test_not_has_one_input(run_page):
    at = open_tab(run_page(PAGE), GATES)
    at.radio(key="xor_gate").set_value("not").run()
    assert not [s for s in at.slider if s.key == "xor_w2"]
    at.button(key="xor_learn").click().run()
    assert (at.session_state["xor_w1"], at.session_state["xor_b"]) == (-1.0, 1.0)
    table = md_table(at, "x₁")
    assert list(table) == ["x₁", "w₁x₁+b", "σ", "NOT", "right?"]
    assert table["right?"] == ["✓", "✓"]


def test_w2_survives_a_visit_to_not(run_page):
    at = open_tab(run_page(PAGE), GATES)
    at.slider(key="xor_w2").set_value(1.5).run()
    at.radio(key="xor_gate").set_value("not").run()
    at.run()
    at.radio(key="xor_gate").set_value("and").run()
    assert at.slider(key="xor_w2").value == 1.5


def test_xor_gate_cannot_be_designed_or_learned(run_page):
    at = open_tab(run_page(PAGE), GATES)
    at.radio(key="xor_gate").set_value("xor").run()
    body = texts(at.markdown)
    assert "Minsky & Papert (1969)" in body and "first AI winter" in body
    assert "linearly separable" in body
    at.button(key="xor_learn").click().run()
    assert "cannot learn XOR" in texts(at.error)
    assert "3 is the most" in texts(at.warning)


def test_composed_network_computes_xor_and_breaks_when_edited(run_page):
    at = open_tab(run_page(PAGE), COMPOSE)
    verdict = texts(at.success)
    assert "This network computes XOR" in verdict
    assert "(0, 1) and (1, 0) both land on (1, 1)" in verdict  # true of AND(OR, NAND)
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
    error = texts(at.error)
    assert "Change the hidden units" in error
    assert "(0, 0) (a 0 of XOR) and (0, 1) (a 1) land on the same point (0, 1)" in error
    at.button(key="xor_net_reset").click().run()
    assert "This network computes XOR" in texts(at.success)
    xor_table = md_table(at, "x₁")
    assert xor_table["y"] == ["0", "1", "1", "0"] and xor_table["h₁"] == ["0", "1", "1", "1"]


def test_the_verdict_describes_the_network_on_screen(run_page):
    """Issue 14 item 1: h₁ = (1, −1, −0.5), h₂ = (−1, 1, −0.5), y = OR computes XOR but keeps
    (0, 1) and (1, 0) apart; the old message said they land on the same point."""
    at = set_net(open_tab(run_page(PAGE), COMPOSE), (1, -1, -0.5, -1, 1, -0.5, 1, 1, -0.5))
    (verdict,) = [s.value for s in at.success]
    assert "This network computes XOR" in verdict
    assert "(0, 0) → (0, 0), (0, 1) → (0, 1), (1, 0) → (1, 0), (1, 1) → (0, 0)" in verdict
    assert "(0, 0) and (1, 1) both land on (0, 0)" in verdict
    assert "(0, 1) and (1, 0) both land" not in verdict
    assert "h₁ + h₂ − 0.5 = 0, has XOR's 1s (at (0, 1) and (1, 0)) on its 1 side" in verdict
    assert "its 0s (at (0, 0)) on the other" in verdict


def test_url_settings_are_read():
    at = fresh({"gate": "nand", "data": "or", "start": "bogus"})  # an old link's bare names
    assert at.session_state["xor_gate"] == "nand"
    assert at.session_state["xor_data"] == "or"
    assert at.session_state["xor_start"] == "zeros"
    assert "`start`" in texts(at.info)  # the part of the link that could not be used


def test_a_shared_link_carries_the_designers_weights():
    at = fresh({"gate": "and", "w1": "1", "w2": "1", "b": "-1.5", "xor_tab": "2-design-a-gate"})
    assert "this perceptron is a AND gate" in texts(at.success)
    at.slider(key="xor_b").set_value(-0.5).run()  # now an OR gate's weights
    assert at.query_params["xor_b"] == "-0.5" and at.query_params["xor_w1"] == "1"
    # Unreadable or out-of-range values give the default (0) and a note; before, 1e9 was
    # silently clamped to the slider's end.
    odd = fresh({"w1": "nan", "w2": "abc", "b": "1e9"})
    assert (odd.session_state["xor_w1"], odd.session_state["xor_w2"]) == (0.0, 0.0)
    assert odd.session_state["xor_b"] == 0.0
    assert "could not be read" in texts(odd.info)


def test_quiz(run_page):
    at = run_page(PAGE)
    at.radio(key="xor_quiz_choice").set_value(2).run()
    at.button(key="xor_quiz_check").click().run()
    assert "Correct" in texts(at.success)


def test_build_xor_by_loading_gates_into_units(run_page):
    at = open_tab(run_page(PAGE), COMPOSE)
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


def test_a_typed_weight_is_kept_to_two_decimals(run_page):
    at = open_tab(run_page(PAGE), COMPOSE)
    at.number_input(key="xor_net_h1_b").set_value(-0.333).run()
    assert at.session_state["xor_net_h1_b"] == -0.33
    assert at.query_params["xor_net_h1_b"] == "-0.33"


def test_the_input_plane_is_shaded_by_what_the_network_outputs(run_page):
    """The shading is exact polygons now (it was a 161 × 161 heatmap): every point of the view
    is inside a polygon of the class the network gives it."""
    at = set_net(open_tab(run_page(PAGE), COMPOSE), (1, -1, -0.5, -1, 1, -0.5, 1, 1, -0.5))
    fills = {
        t["name"]: t for t in chart(at, "xor_input_chart")["data"] if t.get("fill") == "toself"
    }
    assert set(fills) == {"predicted class 0", "predicted class 1"}
    assert "heatmap" not in {t["type"] for t in chart(at, "xor_input_chart")["data"]}

    def polygons(t):
        xs, ys, out, cur = t["x"], t["y"], [], []
        for x, y in zip([*xs, None], [*ys, None], strict=True):
            if x is None:
                out.append(np.array(cur))
                cur = []
            else:
                cur.append((x, y))
        return out

    def inside(p, poly):  # convex polygon, either orientation
        edges = np.roll(poly, -1, axis=0) - poly
        cross = edges[:, 0] * (p[1] - poly[:, 1]) - edges[:, 1] * (p[0] - poly[:, 0])
        return np.all(cross >= -1e-9) or np.all(cross <= 1e-9)

    rng = np.random.default_rng(0)
    for p in rng.uniform(-0.75, 1.75, size=(300, 2)):
        h1 = int(p[0] - p[1] - 0.5 > 0)
        h2 = int(-p[0] + p[1] - 0.5 > 0)
        cls = int(h1 + h2 - 0.5 > 0)
        assert any(inside(p, poly) for poly in polygons(fills[f"predicted class {cls}"]))


def test_a_control_rebuilds_only_the_charts_it_changes(run_page, chart_log):
    st.cache_resource.clear()  # charts cached by earlier tests would not be built again
    at = open_tab(run_page(PAGE), COMPOSE)
    before = specs(at)
    chart_log.clear()
    at.radio(key="xor_net_row").set_value(2).run()  # another input row: only the diagram
    assert chart_log.built == ["network_chart"]
    after = specs(at)
    assert {k for k in before if before[k] != after[k]} == {"xor_net_chart"}
    chart_log.clear()
    at.number_input(key="xor_net_h1_w1").set_value(2.0).run()  # h₁'s line: all three
    assert sorted(chart_log.built) == ["hidden_chart", "input_chart", "network_chart"]
    chart_log.clear()
    at.radio(key="xor_quiz_choice").set_value(1).run()
    assert chart_log.built == []

    at = open_tab(at, GATES)
    chart_log.clear()
    at.slider(key="xor_b").set_value(-1.0).run()
    assert chart_log.built == ["gate_chart"]
    assert set(specs(at)) == {"xor_gate_chart"}  # the other tabs' charts are not drawn


def test_every_setting_survives_a_shared_link():
    at = fresh()
    at.selectbox(key="xor_data").set_value("nand").run()
    at.radio(key="xor_start").set_value("random").run()
    at.button(key="xor_new_w").click().run()
    at.radio(key="xor_predict").set_value("yes").run()
    at.button(key="xor_run").click().run()
    at.radio(key="xor_plot").set_value("steps").run()
    open_tab(at, GATES)
    at.radio(key="xor_gate").set_value("or").run()
    at.slider(key="xor_w1").set_value(-3.0).run()  # a slider at its minimum
    at.slider(key="xor_w2").set_value(2.5).run()
    at.slider(key="xor_b").set_value(3.0).run()
    open_tab(at, COMPOSE)
    net = (-5.0, 0.5, 2.0, 1.5, -2.0, 0.25, 2.0, -2.0, 5.0)
    set_net(at, net)
    at.radio(key="xor_net_row").set_value(3).run()
    expected = {
        "tab": COMPOSE, "data": "nand", "start": "random", "weight_seed": 1, "plot": "steps",
        "gate": "or", "w1": -3.0, "w2": 2.5, "b": 3.0, "net_row": 3,
        **dict(zip(NET, net, strict=True)),
    }  # fmt: skip
    link = dict(at.query_params)
    assert set(link) == {f"xor_{k}" for k in expected}
    assert link["xor_w1"] == "-3" and link["xor_net_h1_w1"] == "-5"
    assert link["xor_tab"] == "3-build-xor-from-gates"

    shared = fresh(link)
    assert {k: shared.session_state[f"xor_{k}"] for k in expected} == expected
    assert not shared.info


@pytest.mark.parametrize("junk", JUNK)
def test_junk_in_the_link_gives_the_defaults(junk):
    names = ("tab", "data", "start", "weight_seed", "plot", "gate", "w1", "w2", "b", "net_row")
    at = fresh({f"xor_{n}": junk for n in (*names, *NET)})
    defaults = {
        "tab": FAIL, "data": "xor", "start": "zeros", "weight_seed": 0, "plot": "lines",
        "gate": "and", "w1": 0.0, "w2": 0.0, "b": 0.0, "net_row": 0,
        **dict(zip(NET, XOR_NET, strict=True)),
    }  # fmt: skip
    assert {n: at.session_state[f"xor_{n}"] for n in defaults} == defaults
    assert "could not be read" in texts(at.info)
