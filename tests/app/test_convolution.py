"""The convolution page in AppTest: sliders moved, the window stepped, shapes and sums checked."""

import base64
import json

import numpy as np
import pandas as pd

from engine.conv import conv2d
from ui.grids import grid_frame, grid_values

PAGE = "lessons/convolution.py"


def latex_text(at) -> str:
    return " ".join(el.value for el in at.latex)


def markdown_text(at) -> str:
    return " ".join(el.value for el in at.markdown)


def chart(at, key):
    (el,) = [c for c in at.get("plotly_chart") if c.proto.id and key in c.proto.id]
    return json.loads(el.proto.spec)


def array(value) -> np.ndarray:
    """A trace array from the figure JSON (plotly writes numpy arrays as typed base64)."""
    if isinstance(value, dict) and "bdata" in value:
        flat = np.frombuffer(base64.b64decode(value["bdata"]), dtype=value["dtype"])
        shape = value.get("shape")
        return flat.reshape([int(v) for v in shape.split(",")]) if shape else flat
    return np.array(value)


def output_texts(at) -> list[str]:
    """The numbers shown in the output panel of the sliding-window figure (last text trace)."""
    data = chart(at, "conv_window_chart")["data"]
    return [t for t in data[-1]["text"]]


def set_sliders(at, **values):
    for key, value in values.items():
        at.slider(key=f"conv_{key}").set_value(value)
    at.run()
    assert not at.exception, [e.value for e in at.exception]


def test_d2l_example_step_by_step(run_page):
    at = run_page(PAGE)
    text = latex_text(at)
    assert r"\frac{3 - 2 + 0 + 1}{1}" in text and r"\mathbf{2}" in text
    assert "Output shape: **2 × 2**" in markdown_text(at)
    assert r"0 \times 0 + 1 \times 1 \\ &\quad + 3 \times 2 + 4 \times 3 \\ &= 19" in text
    assert output_texts(at) == ["19", "", "", ""]

    at.button(key="conv_step").click().run()
    assert at.session_state["conv_cursor"] == 1
    assert "&= 25" in latex_text(at)
    at.button(key="conv_end").click().run()
    assert "&= 43" in latex_text(at)
    assert output_texts(at) == ["19", "25", "37", "43"]
    assert at.button(key="conv_step").disabled
    at.button(key="conv_back").click().run()
    assert "&= 37" in latex_text(at)
    at.button(key="conv_reset").click().run()
    assert at.session_state["conv_cursor"] == 0
    assert not at.exception


def test_padding_and_stride_give_the_d2l_shapes(run_page):
    at = run_page(PAGE)
    set_sliders(at, nh=8, nw=8, kh=3, kw=3, ph=1, pw=1, sh=2, sw=2)
    text = latex_text(at)
    assert r"\frac{8 - 3 + 2 + 2}{2} \right\rfloor = \left\lfloor \frac{9}{2}" in text
    assert r"(p_h = 2 \times 1 = 2)" in text
    assert "Output shape: **4 × 4**" in markdown_text(at)
    # 8 − 3 + 2 = 7 is odd: the last padded row and column are never read.
    warnings = " ".join(w.value for w in at.warning)
    assert "7/2 is not a whole number" in warnings and "10, in yellow" in warnings
    padded = array(chart(at, "conv_window_chart")["data"][0]["z"])
    assert padded.shape == (10, 10)
    assert (padded[9] >= 2).all() and (padded[:, 9] >= 2).all()  # yellow: never read

    set_sliders(at, kw=5, ph=0, pw=1, sh=3, sw=4)
    assert "Output shape: **2 × 2**" in markdown_text(at)
    assert r"\frac{8 - 5 + 2 + 4}{4}" in latex_text(at)


def test_uneven_padding_and_dilation(run_page):
    at = run_page(PAGE)
    set_sliders(at, nh=5, nw=5, kh=3, kw=3, extra_h=1, dh=2)
    text = latex_text(at)
    assert r"k'_h &= d_h(k_h - 1) + 1 = 2(3 - 1) + 1 = 5" in text
    assert r"(p_h = 0 + 1 = 1)" in text
    assert "Output shape: **2 × 3**" in markdown_text(at)
    # The first window reads padded rows 1, 3, 5 (dilation 2): pink taps in the grid.
    codes = array(chart(at, "conv_window_chart")["data"][0]["z"])
    assert list(np.flatnonzero(codes[:, 0] == 4)) == [0, 2, 4]


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
    assert not [c for c in at.get("plotly_chart") if "conv_window_chart" in c.proto.id]
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
    at = run_page(PAGE)
    text = markdown_text(at)
    assert "**Weights W: 2 × 3 × 2 × 2**" in text
    assert "= 24 weights, plus 2 biases = **26 parameters**" in text
    assert "output **2 × 3 × 3**" in text
    (sum_line,) = [t for t in at.latex if r"\sum_{c \in \{R, G, B\}}" in t.value]
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
    at = run_page(PAGE)
    assert r"\max(0, 1, 4, 5) = 5" in latex_text(at)
    at.select_slider(key="conv_pool_cell_2x2").set_value(3).run()
    assert r"\max(10, 11, 14, 15) = 15" in latex_text(at)
    at.radio(key="conv_pool_mode").set_value("avg").run()
    assert r"\frac{10 + 11 + 14 + 15}{4} = 12.5" in latex_text(at)
    at.slider(key="conv_pool_kh").set_value(3).run()
    at.slider(key="conv_pool_sh").set_value(1).run()
    assert r"\frac{4 - 3 + 0 + 1}{1}" in latex_text(at)
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
