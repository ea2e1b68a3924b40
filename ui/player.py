"""One player for every lesson that steps through something: Step / Epoch / Play / Reset and the
timer that plays.

A lesson describes its buttons as ``Control``s and its view as a function; the ``Player`` draws
the row of buttons the same way everywhere and owns the rules that each lesson used to repeat:

- Play and Pause *set* the state, they do not toggle it: a click delivered twice (a double click,
  a slow network) still means what its label said.
- While playing, every other control is disabled; Play itself is disabled when there is nothing
  left to play.
- The view runs as a fragment with a timer (``run_every``) while playing. Streamlit fixes a
  fragment's timer when the fragment is created, so switching Play on or off reruns the page
  once to create it again with or without the timer; every other click reruns only the fragment.

    player = Player("perceptron", interval=0.8)
    def view():
        if player.playing and not advance():   # a tick: one more step, or stop at the end
            player.stop()
        player.controls(
            [Control("Step", step, key="step", primary=True, disabled=at_end)],
            [Control("Reset", reset, key="reset", disabled=at_start)],
            can_play=not at_end,
        )
        ... draw ...
    player.run(view)
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import streamlit as st


@dataclass(frozen=True)
class Control:
    """One button of the player's row."""

    label: str
    on_click: Callable[..., Any]
    key: str  # suffix; the widget key is "<player key>_<key>"
    args: tuple = ()
    help: str | None = None
    icon: str | None = None
    disabled: bool = False
    primary: bool = False
    width: float = 1.0  # relative column width in the row


class Player:
    """Playing state, the button row and the timer fragment of one lesson (``key`` prefix)."""

    def __init__(
        self,
        key: str,
        *,
        interval: float,
        play_label: str = "Play",
        pause_label: str = "Pause",
        play_help: str | None = None,
        play_icon: str = ":material/play_arrow:",
        pause_icon: str = ":material/pause:",
    ) -> None:
        self.key = key
        self.interval = interval
        self.play_label, self.pause_label = play_label, pause_label
        self.play_help = play_help
        self.play_icon, self.pause_icon = play_icon, pause_icon

    @property
    def _state_key(self) -> str:
        return f"{self.key}_playing"

    @property
    def playing(self) -> bool:
        return bool(st.session_state.get(self._state_key, False))

    def set_playing(self, on: bool) -> None:
        """Set, not toggle (see the module's docstring)."""
        st.session_state[self._state_key] = bool(on)

    def play(self) -> None:
        self.set_playing(True)

    def stop(self) -> None:
        self.set_playing(False)

    def controls(
        self,
        before: Sequence[Control] = (),
        after: Sequence[Control] = (),
        *,
        can_play: bool = True,
        play_width: float = 1.0,
        wrap: bool = False,
    ) -> None:
        """The row: ``before``, Play/Pause, ``after``. While playing only Pause is live.

        ``wrap=True`` lays the buttons out at their natural widths in a row that wraps onto a
        second line when the column is narrow (a projector, a phone), where equal columns would
        cut their labels to "P…"; the ``width`` of each control is then ignored."""
        playing = self.playing
        n = len(before) + 1 + len(after)
        if wrap:
            row = st.container(horizontal=True, gap="small")
            cells, width = [row] * n, "content"
        else:
            widths = [c.width for c in before] + [play_width] + [c.width for c in after]
            cells, width = st.columns(widths), "stretch"
        for cell, c in zip(cells[: len(before)], before, strict=True):
            self._button(cell, c, playing, width)
        cells[len(before)].button(
            self.pause_label if playing else self.play_label,
            on_click=self.set_playing,
            args=(not playing,),
            disabled=not playing and not can_play,
            icon=self.pause_icon if playing else self.play_icon,
            help=self.play_help,
            width=width,
            key=f"{self.key}_play",
        )
        for cell, c in zip(cells[len(before) + 1 :], after, strict=True):
            self._button(cell, c, playing, width)

    def _button(self, col, c: Control, playing: bool, width: str = "stretch") -> None:
        col.button(
            c.label,
            on_click=c.on_click,
            args=c.args,
            disabled=c.disabled or playing,
            type="primary" if c.primary else "secondary",
            icon=c.icon,
            help=c.help,
            width=width,
            key=f"{self.key}_{c.key}",
        )

    def run(self, view: Callable[..., None], *args: Any) -> None:
        """Run ``view(*args)`` as a fragment that reruns every ``interval`` s while playing."""
        timer_on = self.playing
        st.fragment(self._timed, run_every=self.interval if timer_on else None)(
            view, timer_on, *args
        )

    def _timed(self, view: Callable[..., None], timer_on: bool, *args: Any) -> None:
        if timer_on != self.playing:
            # Play or Pause was pressed inside this fragment: create it again with (or without)
            # its timer. Only this click costs a whole-page run.
            st.rerun(scope="app")
        view(*args)
        if timer_on and not self.playing:
            st.rerun(scope="app")  # the view stopped playing (the end, a divergence): no timer
