"""ui.state additions used by the loss and backprop lessons: unsnapped numbers, old link texts,
tabs read by their label, and segmented controls over a subset of their options."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from ui.state import choice, exact, number, tab


def test_an_unsnapped_number_keeps_what_was_typed():
    s = number("x", 1.0, -10.0, 10.0, step=0.5, snap=False)
    assert s.read("0.3") == 0.3
    assert s.read("0.69314718055994530942") == 0.6931471806  # 10 significant digits
    assert s.valid(exact(0.69314718055994530942)) and not s.valid(0.69314718055994530942)
    assert s.read("-10") == -10.0
    for junk in ("10.01", "-11", "nan", "inf", "x"):
        with pytest.raises(ValueError):
            s.read(junk)
    snapped = number("x", 1.0, -10.0, 10.0, step=0.5)
    assert snapped.read("0.3") == 0.5  # the default still snaps


def test_old_texts_are_read_never_written():
    s = choice("label", 1, (1, 2, 3), old_texts={"class 2": 2, "class 3": 3})
    assert s.read("class 2") == 2 and s.read("2") == 2 and s.read(" class 3 ") == 3
    assert s.to_text(2) == "2"
    with pytest.raises(ValueError):
        s.read("class 4")
    with pytest.raises(ValueError, match="not one of the options"):
        choice("label", 1, (1, 2), old_texts={"class 9": 9})


def test_a_tab_reads_its_slug_and_its_label():
    s = tab("view", "One", ("One", "Why not squared loss?"))
    label = "Why not squared loss?"
    assert s.read("why-not-squared-loss") == s.read(label) == label
    assert s.to_text("Why not squared loss?") == "why-not-squared-loss"


def _subset_page():
    import streamlit as st

    from ui.state import Settings, choice

    S = Settings("t", choice("c", 1, (1, 2, 3, 4, 5, 6)), choice("w", "a", ("a", "b", "c")))
    S.init()
    k = st.session_state.get("k_shown", 6)
    S.segmented_control("c", "class", options=range(1, k + 1))
    S.segmented_control("w", "word", options=("b", "c"))


def test_a_segmented_control_over_fewer_options_brings_the_value_inside():
    at = AppTest.from_function(_subset_page)
    at.query_params["t_c"] = "5"
    at.run()
    assert not at.exception
    assert at.session_state["t_c"] == 5
    assert at.session_state["t_w"] == "b"  # not a number: the first shown option
    at.session_state["k_shown"] = 3
    at.run()
    assert at.session_state["t_c"] == 3  # the nearest one shown
    assert at.segmented_control(key="t_c").options == ["1", "2", "3"]


def _slider_page():
    import streamlit as st

    from ui.state import Settings, number

    S = Settings("t", number("x", 0.5, 0.0, 1.0, step=0.1))
    S.init()
    S.slider("x", "x", high=st.session_state.get("high", 1.0))


def test_a_slider_value_is_written_back_only_when_it_must_move():
    """A value the script writes is forced onto the browser's slider (set_value), replacing
    keypresses still on their way: write it only when the range really moved it."""
    at = AppTest.from_function(_slider_page)
    at.run()
    at.slider(key="t_x").set_value(0.8).run()
    assert not at.slider(key="t_x").proto.set_value  # the learner's value, left alone
    at.session_state["high"] = 0.6
    at.run()
    assert at.session_state["t_x"] == 0.6 and at.slider(key="t_x").proto.set_value


def test_a_custom_setting_may_read_longer_text_and_only_it():
    from ui.state import MAX_URL_TEXT, custom, integer

    def parse(text: str) -> str:
        if set(text) != {"a"}:
            raise ValueError("only a's")
        return text

    long = custom("points", "", parse, str, max_text=2000)
    assert long.read("a" * 2000) == "a" * 2000
    with pytest.raises(ValueError, match="too long"):
        long.read("a" * 2001)
    short = custom("word", "", parse, str)  # the default cap, as before
    assert short.read("a" * MAX_URL_TEXT) == "a" * MAX_URL_TEXT
    with pytest.raises(ValueError, match="too long"):
        short.read("a" * (MAX_URL_TEXT + 1))
    with pytest.raises(ValueError, match="too long"):
        integer("n", 1, 0, 10).read(" " * MAX_URL_TEXT + "1")
