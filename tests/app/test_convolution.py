"""The convolution page in AppTest: sliders moved, the window stepped, shapes and sums checked,
settings shared by link, charts rebuilt only where their inputs changed."""

import json
import re

import numpy as np
import pandas as pd
import pytest
import streamlit.elements.lib.policies as policies
from streamlit.testing.v1 import AppTest

from engine.conv import conv2d
from tests.app.conftest import ROOT, array, chart, rerun, specs
from ui.grids import grid_frame, grid_values

PAGE = "lessons/convolution.py"
CHANNELS, POOLING = "Channels and filters", "Pooling"


def formula_text(at) -> str:
    """Every formula on the page: the inline maths of the markdown and any st.latex block."""
    return " ".join(el.value for el in [*at.markdown, *at.latex])


def markdown_text(at) -> str:
    return " ".join(el.value for el in at.markdown)


def inner_product(at) -> str:
    (line,) = [m.value for m in at.markdown if m.value.startswith("$y_{") and "times" in m.value]
    return line


def grids(spec: dict) -> list[dict]:
    """The grids of a chart: one heatmap each, with its numbers as its ``text``."""
    return [t for t in spec["data"] if t["type"] == "heatmap"]


def output_texts(at) -> list[str]:
    """The numbers shown in the output grid of the sliding-window figure (its last grid)."""
    return [t for row in grids(chart(at, "conv_window_chart"))[-1]["text"] for t in row]


def set_sliders(at, **values):
    for key, value in values.items():
        at.slider(key=f"conv_{key}").set_value(value)
    rerun(at)


def open_tab(at, label: str):
    at.session_state["conv_tab"] = label
    return rerun(at)


def test_d2l_example_step_by_step(run_page):
    at = run_page(PAGE)
    text = formula_text(at)
    assert r"\dfrac{3 - 2 + 0 + 1}{1}" in text and r"\mathbf{2}" in text
    assert "Output shape: **2 × 2**" in markdown_text(at)
    assert inner_product(at) == (
        r"$y_{1,1} = 0 \times 0 + 1 \times 1 \\ \quad + 3 \times 2 + 4 \times 3 \\ = 19$"
    )
    assert output_texts(at) == ["19", "", "", ""]

    at.button(key="conv_step").click().run()
    assert at.session_state["conv_cursor"] == 1
    assert inner_product(at).endswith("= 25$")
    at.button(key="conv_end").click().run()
    assert inner_product(at).endswith("= 43$")
    assert output_texts(at) == ["19", "25", "37", "43"]
    assert at.button(key="conv_step").disabled
    at.button(key="conv_back").click().run()
    assert inner_product(at).endswith("= 37$")
    at.button(key="conv_reset").click().run()
    assert at.session_state["conv_cursor"] == 0
    assert not at.exception


def test_padding_and_stride_give_the_d2l_shapes(run_page):
    at = run_page(PAGE)
    set_sliders(at, nh=8, nw=8, kh=3, kw=3, ph=1, pw=1, sh=2, sw=2)
    text = formula_text(at)
    assert r"\dfrac{8 - 3 + 2 + 2}{2} \right\rfloor = \left\lfloor \dfrac{9}{2}" in text
    assert r"${p_h = 2 \times 1 = 2}$" in text
    assert "Output shape: **4 × 4**" in markdown_text(at)
    # 8 − 3 + 2 = 7 is odd: the last padded row and column are never read.
    warnings = " ".join(w.value for w in at.warning)
    assert "7/2 is not a whole number" in warnings and "10, in yellow" in warnings
    padded = array(chart(at, "conv_window_chart")["data"][0]["z"])
    assert padded.shape == (10, 10)
    assert (padded[9] >= 2).all() and (padded[:, 9] >= 2).all()  # yellow: never read

    set_sliders(at, kw=5, ph=0, pw=1, sh=3, sw=4)
    assert "Output shape: **2 × 2**" in markdown_text(at)
    assert r"\dfrac{8 - 5 + 2 + 4}{4}" in formula_text(at)


def test_uneven_padding_and_dilation(run_page):
    at = run_page(PAGE)
    assert not [s for s in at.slider if s.key == "conv_dh"]  # drawn only when opened
    at.session_state["conv_more"] = True  # open "Dilation and uneven padding"
    rerun(at)
    set_sliders(at, nh=5, nw=5, kh=3, kw=3, extra_h=1, dh=2)
    text = formula_text(at)
    assert r"${k'_h = d_h(k_h - 1) + 1 = 2(3 - 1) + 1 = 5}$ (the dilated kernel's span)" in text
    assert r"${p_h = 0 + 1 = 1}$" in text
    assert "Output shape: **2 × 3**" in markdown_text(at)
    # The first window reads padded rows 1, 3, 5 (dilation 2): pink taps in the grid.
    codes = array(chart(at, "conv_window_chart")["data"][0]["z"])
    assert list(np.flatnonzero(codes[:, 0] == 4)) == [0, 2, 4]
    at.session_state["conv_more"] = False  # closed again: the dilation stays
    rerun(at)
    assert at.session_state["conv_dh"] == 2 and "Output shape: **2 × 3**" in markdown_text(at)


def test_the_value_editors_are_drawn_only_when_opened(run_page):
    at = run_page(PAGE)
    assert not at.get("dataframe")  # two data editors cost more than the whole section
    at.session_state["conv_edit"] = True
    rerun(at)
    frames = at.get("dataframe")
    assert len(frames) == 2
    assert inner_product(at).endswith("= 19$")  # the d2l values, as before
    # Closed again, the page keeps computing with what was typed for these sizes and values.
    typed = (((0.0, 1.0, 2.0), (3.0, 4.0, 5.0), (6.0, 7.0, 8.0)), ((0.0, 2.0), (2.0, 3.0)))
    at.session_state["conv_edited"] = {"3x3_2x2_counting_0": typed}
    at.session_state["conv_edit"] = False
    rerun(at)
    assert not at.get("dataframe")
    assert inner_product(at).endswith("= 20$")  # 0×0 + 1×2 + 3×2 + 4×3
    at.slider(key="conv_nw").set_value(4).run()  # a new size starts from fresh values
    assert inner_product(at).endswith("= 24$")  # 0×0 + 1×1 + 4×2 + 5×3


def test_kernel_larger_than_the_padded_input_is_a_message(run_page):
    at = run_page(PAGE)
    set_sliders(at, nh=2, kh=5, ph=1)
    assert any("no window fits" in e.value for e in at.error)
    assert any("add padding" in i.value for i in at.info)
    set_sliders(at, ph=2)
    assert not at.error
    assert "Output shape: **2 × 2**" in markdown_text(at)


def test_predict_first_hides_the_shape_until_checked(run_page):
    at = run_page(PAGE)
    at.session_state["conv_predict"] = True  # AppTest cannot click a toggle
    at.run()
    assert "Output shape" not in markdown_text(at)
    assert "conv_window_chart" not in specs(at)
    at.number_input(key="conv_guess_h").set_value(2)
    at.number_input(key="conv_guess_w").set_value(3)
    at.button(key="conv_check").click().run()
    assert any("You predicted 2 × 3; the output is 2 × 2" in e.value for e in at.error)
    assert "Output shape: **2 × 2**" in markdown_text(at)
    # New sizes: predict again.
    set_sliders(at, sh=2)
    assert "Output shape" not in markdown_text(at)
    at.number_input(key="conv_guess_h").set_value(1)
    at.number_input(key="conv_guess_w").set_value(2)
    at.button(key="conv_check").click().run()
    assert any("Right: 1 × 2" in s.value for s in at.success)
    at.button(key="conv_new_problem").click().run()
    assert "Output shape" not in markdown_text(at)
    assert not at.exception


def test_play_steps_and_pause_stops(run_page):
    at = run_page(PAGE)
    at.button(key="conv_play").click().run()
    assert at.session_state["conv_playing"]
    assert at.session_state["conv_cursor"] == 1  # the fragment stepped once
    assert at.button(key="conv_step").disabled
    at.button(key="conv_play").click().run()
    assert not at.session_state["conv_playing"]
    assert not at.exception


def test_channels_sum_partial_maps_and_count_parameters(run_page):
    at = open_tab(run_page(PAGE), CHANNELS)
    text = markdown_text(at)
    assert "**Weights W: 2 × 3 × 2 × 2**" in text
    assert "= 24 weights, plus 2 biases = **26 parameters**" in text
    assert "output **2 × 3 × 3**" in text
    (sum_line,) = [m for m in at.markdown if r"\sum\limits_{c \in \{R, G, B\}}" in m.value]
    # The three partial values plus the bias add up to the shown output entry.
    numbers = sum_line.value.strip("$\n").split("+ b =")[1]
    numbers = numbers.replace("(", "").replace(")", "")
    *terms, result = [float(v) for v in numbers.replace("=", "+").split("+")]
    assert sum(terms) == result
    # The same number from the engine directly, with the page's seeded values.
    rng = np.random.default_rng(0)
    x = rng.integers(0, 5, size=(3, 4, 4)).astype(float)
    w = rng.integers(-1, 2, size=(2, 3, 2, 2)).astype(float)
    b = rng.integers(-2, 3, size=2).astype(float)
    assert conv2d(x, w, b)[0, 0, 0] == result

    at.slider(key="conv_c_out").set_value(4).run()
    assert "= 48 weights, plus 4 biases = **52 parameters**" in markdown_text(at)
    heatmaps = [t for t in chart(at, "conv_filters_chart")["data"] if t["type"] == "heatmap"]
    assert len(heatmaps) == 4
    at.slider(key="conv_c_k").set_value(4).run()
    at.slider(key="conv_c_n").set_value(2).run()
    assert any("no window fits" in e.value for e in at.error)
    assert not at.exception


def test_pooling_max_and_average(run_page):
    at = open_tab(run_page(PAGE), POOLING)
    breakable = r", \allowbreak "  # a long list may wrap after any comma
    assert rf"\max(0{breakable}1{breakable}4{breakable}5) = 5" in formula_text(at)
    at.select_slider(key="conv_pool_cell").set_value(3).run()
    assert rf"\max(10{breakable}11{breakable}14{breakable}15) = 15" in formula_text(at)
    at.radio(key="conv_pool_mode").set_value("avg").run()
    assert r"\dfrac{1}{4}(10 + 11 + 14 + 15) = 12.5" in formula_text(at)
    at.slider(key="conv_pool_kh").set_value(3).run()
    at.slider(key="conv_pool_sh").set_value(1).run()
    assert r"\dfrac{4 - 3 + 0 + 1}{1}" in formula_text(at)
    assert at.session_state["conv_pool_cell"] == 1  # 4 entries became 2: the nearest one
    assert not at.exception


def test_quiz_explains_the_alexnet_parameter_count(run_page):
    at = run_page(PAGE)
    at.radio(key="conv_quiz_alexnet_params_choice").set_value(2).run()
    at.button(key="conv_quiz_alexnet_params_check").click().run()
    assert any("34,944" in s.value for s in at.success)


def test_grid_values_report_empty_and_clipped_cells():
    frame = grid_frame(np.array([[1, 2], [3, 4]]))
    assert list(frame.columns) == ["1", "2"] and list(frame.index) == ["1", "2"]
    frame = frame.astype(object)
    frame.iloc[0, 1] = None
    frame.iloc[1, 0] = 500
    frame.iloc[1, 1] = "x"
    values, empty, clipped = grid_values(pd.DataFrame(frame), low=-99, high=99)
    np.testing.assert_array_equal(values, [[1, 0], [99, 0]])
    assert empty == [(1, 2), (2, 2)]
    assert clipped == [(2, 1)]


# -- settings in the URL ---------------------------------------------------------------------

# Every setting at a value that is not its default; sliders at their minimum among them (nh,
# c_in, pool_kw, pool_sw), and the open tab.
SHARED = {
    "conv_tab": ("pooling", "Pooling"),
    "conv_nh": ("1", 1),
    "conv_nw": ("9", 9),
    "conv_kh": ("1", 1),
    "conv_kw": ("5", 5),
    "conv_ph": ("2", 2),
    "conv_pw": ("3", 3),
    "conv_sh": ("2", 2),
    "conv_sw": ("3", 3),
    "conv_dh": ("2", 2),
    "conv_dw": ("3", 3),
    "conv_extra_h": ("1", 1),
    "conv_extra_w": ("2", 2),
    "conv_values": ("random", "random"),
    "conv_seed": ("7", 7),
    "conv_predict": ("1", True),
    "conv_c_in": ("1", 1),
    "conv_c_out": ("4", 4),
    "conv_c_n": ("6", 6),
    "conv_c_k": ("3", 3),
    "conv_c_p": ("1", 1),
    "conv_c_s": ("2", 2),
    "conv_c_seed": ("5", 5),
    "conv_c_filter": ("3", 3),
    "conv_c_cell": ("8", 8),
    "conv_pool_mode": ("avg", "avg"),
    "conv_pool_nh": ("6", 6),
    "conv_pool_nw": ("5", 5),
    "conv_pool_kh": ("3", 3),
    "conv_pool_kw": ("1", 1),
    "conv_pool_sh": ("3", 3),
    "conv_pool_sw": ("1", 1),
    "conv_pool_values": ("random", "random"),
    "conv_pool_cell": ("9", 9),
}


def declared() -> set[str]:
    """The names the page declares in Settings("conv", ...), read from its source."""
    text = (ROOT / PAGE).read_text()
    start = text.index('S = Settings(\n    "conv"')
    block = text[start : text.index("\n)\n", start)]
    return {f"conv_{m}" for m in re.findall(r'(?:integer|choice|flag|tab)\("(\w+)"', block)}


def test_every_setting_is_in_the_shared_table():
    assert declared() == set(SHARED)


def test_every_setting_reaches_the_url_and_a_link_restores_it():
    at = AppTest.from_file(str(ROOT / PAGE), default_timeout=60)
    for key, (_, value) in SHARED.items():
        at.session_state[key] = value
    rerun(at)
    assert {k: at.query_params[k] for k in SHARED} == {k: t for k, (t, _) in SHARED.items()}

    fresh = AppTest.from_file(str(ROOT / PAGE), default_timeout=60)
    fresh.query_params.update({k: t for k, (t, _) in SHARED.items()})
    rerun(fresh)
    assert {k: fresh.session_state[k] for k in SHARED} == {k: v for k, (_, v) in SHARED.items()}
    assert not fresh.info  # nothing in the link was junk
    # The pooling tab is open, with the shared window: (2, 5) of a 2 × 5 output, average.
    assert r"\dfrac{1}{3}(" in formula_text(fresh)
    # A default page has a bare URL.
    plain = rerun(AppTest.from_file(str(ROOT / PAGE), default_timeout=60))
    assert not [k for k in plain.query_params if k.startswith("conv_")]


def test_old_links_still_open_and_the_tab_by_its_label():
    at = AppTest.from_file(str(ROOT / PAGE), default_timeout=60)
    at.query_params.update({"conv_nh": "8", "conv_kh": "3", "conv_tab": "Channels and filters"})
    rerun(at)
    assert at.session_state["conv_nh"] == 8 and at.session_state["conv_tab"] == CHANNELS
    assert "26 parameters" in markdown_text(at)


@pytest.mark.parametrize(
    "junk", ["inf", "nan", "1e999", "99999999999999999999", "", "é", "x" * 5000]
)
def test_junk_in_every_parameter_gives_the_defaults(junk):
    at = AppTest.from_file(str(ROOT / PAGE), default_timeout=60)
    at.query_params.update({k: junk for k in SHARED})
    rerun(at)
    defaults = {"conv_tab": "Stride and padding", "conv_nh": 3, "conv_kh": 2, "conv_ph": 0}
    defaults |= {"conv_predict": False, "conv_c_in": 3, "conv_c_cell": 0, "conv_pool_mode": "max"}
    assert {k: at.session_state[k] for k in defaults} == defaults
    assert "Output shape: **2 × 2**" in markdown_text(at)
    assert any("could not be read" in i.value for i in at.info)


# -- charts: built once per input, light, readable --------------------------------------------


def test_a_control_rebuilds_only_the_charts_it_changes(run_page, chart_log):
    """A step redraws the window chart only; the output entry of the Channels tab redraws the
    per-channel chart and never the filters' chart; a quiz answer redraws nothing."""
    at = run_page(PAGE)
    at.slider(key="conv_nw").set_value(4).run()  # settings no other test starts from
    chart_log.clear()
    at.button(key="conv_step").click().run()
    assert chart_log.built == ["window_chart"]
    at.button(key="conv_back").click().run()
    assert chart_log.built == ["window_chart"]  # position 1 again: from the cache

    open_tab(at, CHANNELS)
    at.slider(key="conv_c_n").set_value(5).run()
    before = specs(at)
    chart_log.clear()
    at.select_slider(key="conv_c_cell").set_value(4).run()
    assert chart_log.built == ["channels_chart"]
    after = specs(at)
    assert {k for k in after if before[k] != after[k]} == {"conv_channels_chart"}

    chart_log.clear()
    at.radio(key="conv_quiz_alexnet_params_choice").set_value(1).run()
    assert chart_log.built == [] and specs(at) == after


def test_channels_at_the_maximum_settings_stay_readable(run_page):
    """Issue 17: at 4 channels, 4 filters, n 7, k 4, padding 2 the two-digit numbers overlapped,
    the toolbar covered 'partial map R', the output's title was cut off, a channel was '4th'."""
    at = open_tab(run_page(PAGE), CHANNELS)
    set_sliders(at, c_in=4, c_out=4, c_n=7, c_k=4, c_p=2, c_s=1)
    spec = chart(at, "conv_channels_chart")
    # Light: one heatmap per grid (4 channels × 3 + the output) and one outline trace.
    assert len(grids(spec)) == 13 and len(spec["data"]) == 14
    # Every number is drawn by its own cell, in a font plotly fits to the cell.
    for grid in grids(spec):
        assert grid["texttemplate"] == "%{text}" and "size" not in grid["textfont"]
        assert np.shape(grid["text"]) == np.shape(grid["z"])
    titles = [a["text"] for a in spec["layout"]["annotations"]]
    assert "input channel D" in titles and "partial map D" in titles and "output" in titles
    assert not [t for t in titles if "4th" in t]
    (sum_note,) = [a for a in spec["layout"]["annotations"] if a["text"].startswith("Σ")]
    output_grid = grids(spec)[-1]
    assert sum_note["xanchor"] == "right" and sum_note["x"] < output_grid["x0"] - 0.5
    assert "4th" not in markdown_text(at) + " ".join(c.value for c in at.caption)
    assert any("RGB-D" in c.value for c in at.caption)
    for element in at.get("plotly_chart"):
        assert json.loads(element.proto.config).get("displayModeBar") is False


def test_the_window_chart_is_a_few_traces(run_page):
    at = run_page(PAGE)
    at.session_state["conv_dh"] = 2
    set_sliders(at, nh=10, nw=10, kh=3, kw=3, ph=4, pw=4)
    spec = chart(at, "conv_window_chart")
    # Three grids and one outline trace with gaps (window, kernel, current output entry).
    assert [t["type"] for t in spec["data"]] == ["heatmap"] * 3 + ["scatter"]
    outline = spec["data"][-1]
    assert outline["x"].count(None) == 3


def test_new_problem_sets_sizes_without_a_streamlit_warning(run_page, monkeypatch):
    """Issue 17 item 11: the sliders were given defaults and also set through session state."""
    monkeypatch.setattr(policies, "_shown_default_value_warning", False)
    at = run_page(PAGE)
    at.session_state["conv_predict"] = True
    rerun(at)
    sizes = []
    for _ in range(3):
        at.button(key="conv_new_problem").click()
        rerun(at)
        sizes.append(tuple(at.session_state[f"conv_{k}"] for k in ("nh", "nw", "kh", "kw")))
        assert "Output shape" not in markdown_text(at)
    assert not policies._shown_default_value_warning
    assert all(kh <= nh and kw <= nw for nh, nw, kh, kw in sizes)
