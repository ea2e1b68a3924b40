"""ui.player: set-not-toggle Play/Pause, controls disabled while playing, a tick per run."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest


def _counter_page():
    import streamlit as st

    from ui.player import Control, Player

    player = Player("demo", interval=0.5)
    st.session_state.setdefault("demo_n", 0)
    last = 3

    def step():
        st.session_state["demo_n"] += 1

    def reset():
        st.session_state["demo_n"] = 0

    def view():
        n = st.session_state["demo_n"]
        if player.playing:
            if n >= last:
                player.stop()
            else:
                st.session_state["demo_n"] = n = n + 1
        player.controls(
            [Control("Step", step, key="step", primary=True, disabled=n >= last)],
            [Control("Reset", reset, key="reset", disabled=n == 0)],
            can_play=n < last,
        )
        st.markdown(f"n = {n}")

    player.run(view)


def shown(at) -> str:
    return at.markdown[-1].value


def test_play_ticks_until_the_end_then_stops():
    at = AppTest.from_function(_counter_page).run()
    assert shown(at) == "n = 0"
    at.button(key="demo_play").click().run()
    assert at.session_state["demo_playing"] and shown(at) == "n = 1"
    assert at.button(key="demo_step").disabled and at.button(key="demo_reset").disabled
    assert at.button(key="demo_play").label == "Pause"
    at.run()  # what the timer does
    at.run()
    assert shown(at) == "n = 3"
    at.run()  # nothing left: it stops by itself, and Play cannot start again at the end
    assert not at.session_state["demo_playing"]
    assert at.button(key="demo_play").label == "Play" and at.button(key="demo_play").disabled
    assert not at.exception


def test_play_and_pause_set_rather_than_toggle():
    """A click on "Play" means play, even when it arrives after playing has already started
    (a double click, a click delivered twice): a toggle would pause instead."""
    at = AppTest.from_function(_counter_page).run()
    play = at.button(key="demo_play")
    assert play.label == "Play"
    at.session_state["demo_playing"] = True  # the first delivery already started playing
    play.click().run()  # the second delivery of the same "Play" click
    assert at.session_state["demo_playing"] is True


def test_pause_keeps_the_position_and_step_works_again():
    at = AppTest.from_function(_counter_page).run()
    at.button(key="demo_play").click().run()
    at.button(key="demo_play").click().run()  # Pause
    assert not at.session_state["demo_playing"] and shown(at) == "n = 1"
    at.button(key="demo_step").click().run()
    assert shown(at) == "n = 2"
    at.button(key="demo_reset").click().run()
    assert shown(at) == "n = 0"


def _wrapping_page():
    import streamlit as st

    from ui.player import Control, Player

    player = Player("wrap", interval=0.5)
    st.session_state.setdefault("wrap_n", 0)

    def step():
        st.session_state["wrap_n"] += 1

    def view():
        player.controls(
            [Control("Step", step, key="step", primary=True)],
            [Control("New weights", step, key="new", icon=":material/casino:")],
            wrap=True,
        )
        st.markdown(f"n = {st.session_state['wrap_n']}")

    player.run(view)


def test_a_wrapping_row_has_the_same_buttons_and_rules_without_columns():
    """``wrap=True``: the buttons at their natural widths in one row that may wrap (no equal
    columns that cut "Play" to "P…" on a narrow screen); the rules stay the same."""
    at = AppTest.from_function(_wrapping_page).run()
    assert not at.columns  # a horizontal container, not st.columns
    keys = [b.key for b in at.button]
    assert keys == ["wrap_step", "wrap_play", "wrap_new"]
    at.button(key="wrap_step").click().run()
    assert shown(at) == "n = 1"
    at.button(key="wrap_play").click().run()
    assert at.button(key="wrap_step").disabled and at.button(key="wrap_new").disabled
    assert at.button(key="wrap_play").label == "Pause"
    at.button(key="wrap_play").click().run()
    assert not at.button(key="wrap_step").disabled
