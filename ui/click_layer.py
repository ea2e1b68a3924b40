"""A click layer over a plotly chart: clicks in its plot area, in data coordinates, for Python.

Streamlit's plotly selection events report clicks on points, not on empty space; a learner adding
a point clicks exactly there. This components-v2 element draws nothing: its script
(ui/js/click_layer.js) listens for clicks inside the chart with the target key, converts the
pixel to data coordinates with the chart's own axes, and reports them as the state ``clicks``,
numbered as the MLP player's canvas reports its own (read them with ``ui.clicks.take_clicks``).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import streamlit as st

JS_FILE = Path(__file__).resolve().parent / "js" / "click_layer.js"
JS = JS_FILE.read_text(encoding="utf-8")

_layer = st.components.v2.component("click_layer", js=JS)


def click_layer(
    target_key: str, *, key: str, on_clicks: Callable[[], None], enabled: bool = True
) -> None:
    """Report clicks on the chart shown with ``key=target_key`` (while ``enabled``): the
    callback ``on_clicks`` runs when there are new ones (``take_clicks(key)``)."""
    _layer(
        data={"target": target_key, "enabled": enabled},
        key=key,
        on_clicks_change=on_clicks,
        height=0,
    )
