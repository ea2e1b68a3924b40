"""Clicks a learner made on a picture in the browser, as a components-v2 canvas reports them.

The browser side sends, as the component's state ``clicks``, ``{"mount": id, "clicks": [[seq, x,
y], ...]}``: the last few clicks with increasing numbers ``seq``, under an id drawn when the
component was created. Why not one event per click: clicks made while the page is still running
the previous one are merged into one rerun, and a single event would lose all but the last. A
list of the latest clicks, numbered, survives that: Python applies those it has not seen yet. A
new id (the page was reloaded, the component created again) starts the numbers afresh.

``unseen_clicks`` is the pure part (tested without a browser); ``take_clicks`` reads a
component's state from the session.
"""

from __future__ import annotations

import math
from typing import Any

import streamlit as st

MAX_CLICKS = 32  # at most this many per rerun, whatever the browser sends
Seen = tuple[str, int]  # (mount id, number of the last click applied)


def unseen_clicks(value: Any, seen: Seen | None) -> tuple[list[tuple[float, float]], Seen | None]:
    """The clicks in ``value`` not yet applied, oldest first, and the new ``seen``.

    Anything malformed (not a dict, an id that is not a short string, a click that is not
    [int, finite x, finite y]) counts as no click: it comes from a browser, not from us.
    """
    if not isinstance(value, dict):
        return [], seen
    mount, clicks = value.get("mount"), value.get("clicks")
    if not isinstance(mount, str) or not 0 < len(mount) <= 40 or not isinstance(clicks, list):
        return [], seen
    last = seen[1] if seen is not None and seen[0] == mount else 0
    fresh: list[tuple[int, float, float]] = []
    for click in clicks[-MAX_CLICKS:]:
        if not isinstance(click, list | tuple) or len(click) != 3:
            continue
        seq, x, y = click
        if isinstance(seq, bool) or not isinstance(seq, int) or seq <= last:
            continue
        if not all(isinstance(v, int | float) and not isinstance(v, bool) for v in (x, y)):
            continue
        if not (math.isfinite(x) and math.isfinite(y)):
            continue
        fresh.append((seq, float(x), float(y)))
    if not fresh:
        return [], seen
    fresh.sort()
    return [(x, y) for _, x, y in fresh], (mount, fresh[-1][0])


def take_clicks(component_key: str) -> list[tuple[float, float]]:
    """The new clicks of the component mounted with ``component_key`` (call from its
    ``on_clicks_change`` callback); remembers which were applied."""
    state = st.session_state
    value = state.get(component_key)
    raw = value.get("clicks") if hasattr(value, "get") else None
    seen_key = f"{component_key}__seen"
    clicks, seen = unseen_clicks(raw, state.get(seen_key))
    state[seen_key] = seen
    return clicks


def acknowledged(component_key: str) -> dict[str, Any] | None:
    """What to tell the browser: the last click applied ({"mount", "seq"}), so that it stops
    drawing its own copy of the points it has sent."""
    seen = st.session_state.get(f"{component_key}__seen")
    return None if seen is None else {"mount": seen[0], "seq": seen[1]}
