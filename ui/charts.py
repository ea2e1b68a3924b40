"""Charts built once per distinct input and shared by every learner, then sent as they are.

Building plotly ``graph_objects`` (they validate every property) was most of the cost of a rerun,
and ``st.plotly_chart`` validates again: a ``go.Figure`` is deep-copied by ``to_dict`` and a plain
dict is turned back into a ``go.Figure``. Here a lesson writes its chart as a function of plain,
hashable settings (numbers, strings, tuples) decorated with ``@chart``; the figure is built and
validated once per distinct input, kept as a dict in a bounded cache that every session shares
(``st.cache_resource``: a class mostly sits on the same defaults), and ``show`` hands that dict to
``st.plotly_chart`` without copying or validating it again. The dicts are never mutated.

A builder may also return a dict it assembled itself (for parts that plotly's validation makes
slow and that tests check once against ``go.Figure``, such as animation frames).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, ParamSpec

import plotly.graph_objects as go
import streamlit as st
from plotly.basedatatypes import BaseFigure

P = ParamSpec("P")
Spec = dict[str, Any]

# Tests set these to callables that receive the name of every chart built (a cache miss: the
# builder ran) and the key of every chart sent; they stay None in the app.
build_listener: Callable[[str], None] | None = None
listener: Callable[[str], None] | None = None

# The toolbar's eight buttons sit in the keyboard's Tab order of every chart and cover titles on
# small charts; a learner needs none of them on most charts.
QUIET = {"displayModeBar": False}


class _Built(go.Figure):
    """A figure whose dict is already built and validated: ``to_dict`` hands it over as is.

    ``st.plotly_chart`` accepts any plotly figure and asks it for ``to_dict()``; this one
    answers without the deep copy, so a cached chart costs only its JSON encoding. It is never
    initialised as a plotly figure (an empty ``go.Figure`` still builds its layout and template):
    ``to_dict`` is all that is ever asked of it (tests/app/test_charts.py).
    """

    def __new__(cls, spec: Spec) -> _Built:
        figure = object.__new__(cls)
        object.__setattr__(figure, "_spec", spec)
        return figure

    def __init__(self, spec: Spec) -> None:  # everything is done in __new__
        pass

    def to_dict(self) -> Spec:
        return self._spec

    def to_plotly_json(self) -> Spec:
        return self._spec


def spec_of(figure: go.Figure | Spec) -> Spec:
    return figure.to_dict() if isinstance(figure, BaseFigure) else figure


def chart(
    max_entries: int = 64, *, ttl: float | None = None
) -> Callable[[Callable[P, go.Figure | Spec]], Callable[P, Spec]]:
    """Decorator: a figure builder over plain settings -> a cached figure dict, shared.

    ``max_entries`` bounds the memory: a class explores a few dozen settings, not thousands.
    ``ttl`` (seconds) drops a chart that long after it was built: for charts drawn from a
    learner's upload, which the page promises not to keep. Arguments whose name starts with an
    underscore are not part of the key (Streamlit's rule): pass a big array that way, with a
    short name of it (a sample's name, an upload's digest) as a keyed argument.
    """

    def wrap(build: Callable[P, go.Figure | Spec]) -> Callable[P, Spec]:
        @st.cache_resource(max_entries=max_entries, ttl=ttl, show_spinner=False)
        @functools.wraps(build)
        def cached(*args: P.args, **kwargs: P.kwargs) -> Spec:
            if build_listener is not None:
                build_listener(build.__name__)
            return spec_of(build(*args, **kwargs))

        return cached

    return wrap


def show(
    spec: Spec | go.Figure,
    *,
    key: str,
    alt: str | None = None,
    config: dict | None = None,
    width: str | int = "stretch",
    **kwargs: Any,
) -> Any:
    """Send a chart to the page (a cached dict as it is, a figure after one ``to_dict``).

    ``alt`` is the chart's accessible name, what a screen reader says of it; without one, the
    figure's title (or its subplot titles) stands in.
    """
    spec = spec_of(spec)
    figure = _Built(spec)
    if listener is not None:
        listener(key)
    return st.plotly_chart(
        figure,
        key=key,
        alt=alt or accessible_name(spec),
        config=QUIET if config is None else config,
        width=width,
        **kwargs,
    )


def accessible_name(spec: Spec) -> str | None:
    """A name for a chart from its own titles: the layout title, else the subplot titles."""
    layout = spec.get("layout") or {}
    title = layout.get("title")
    text = title.get("text") if isinstance(title, dict) else title
    if text:
        return str(text)
    notes = [a.get("text") for a in layout.get("annotations") or () if a.get("yanchor") == "bottom"]
    notes = [n for n in notes if n]
    return ", ".join(notes) if notes else None


class SessionCharts:
    """Figures of one learner's own changing state (a network that learner is training).

    ``@chart`` shares figures of plain settings among everyone; a figure of weights only this
    session has is not worth sharing, but it should still be built only when what it shows has
    changed. ``get`` keeps the last figure of each name in the session and builds a new one only
    when its ``scope`` (which network, which data) or its ``state`` (which moment of training)
    changed. A view that may lag behind (while training plays, the browser cannot redraw every
    chart on every beat) passes ``due=False``: it keeps its figure of an earlier state of the
    same scope.
    """

    def __init__(self, session_key: str) -> None:
        self.session_key = session_key

    def get(
        self,
        name: str,
        build: Callable[[], go.Figure | Spec],
        *,
        scope: Any,
        state: Any = None,
        due: bool = True,
    ) -> Spec:
        kept = st.session_state.setdefault(self.session_key, {})
        old = kept.get(name)
        if old is not None and old[0] == scope and (old[1] == state or not due):
            return old[2]
        if build_listener is not None:
            build_listener(name)
        spec = spec_of(build())
        kept[name] = (scope, state, spec)
        return spec

    def drop(self, *names: str) -> None:
        """Forget figures that the page no longer shows (their state is not worth keeping)."""
        kept = st.session_state.get(self.session_key, {})
        for name in names:
            kept.pop(name, None)
