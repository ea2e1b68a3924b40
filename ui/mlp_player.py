"""The animated view of the MLP playground: a small canvas player that also takes clicks.

Why not a plotly chart: a server round trip per frame reached about 2 updates per second. Here the
server computes a run of frames at once (the picture after each chunk of training) and this
component plays them in the browser at a steady rate with requestAnimationFrame, while the page's
timer fragment delivers the next run of frames; new frames queue behind the ones still playing.
The picture is the decision map with the points (classification) or the data with the network's
f(x) and its hidden units' contributions (regression).

Why a component for clicks too: Streamlit's plotly selection events report clicks on points, not
on empty space, and a learner adds points exactly there. A click in the plot sends its data
coordinates back to Python as the component's state ``clicks`` (components v2); see
``ui.clicks`` for how they are read.

The component runs in the page (st.components.v2, no iframe); its code is ui/js/mlp_player.js. It
counts the frames it has drawn in ``window.__mlpPlayer`` so that a browser test can measure the
frame rate.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import streamlit as st

CSS = """
.mlp-player { position: relative; width: 100%; font-family: "Source Sans Pro", sans-serif; }
.mlp-player canvas { display: block; width: 100%; }
.mlp-player.mlp-clickable canvas { cursor: crosshair; }
.mlp-player .mlp-caption { font-size: 14px; color: #1B2330; margin: 2px 0 0 4px;
  font-variant-numeric: tabular-nums; min-height: 20px; }
"""

# The player's code lives in a .js file of its own, so that a JavaScript linter sees it
# (`make lint-js`); Streamlit receives it inline, as the text of that file.
JS_FILE = Path(__file__).resolve().parent / "js" / "mlp_player.js"
JS = JS_FILE.read_text(encoding="utf-8")

_player = st.components.v2.component("mlp_boundary_player", css=CSS, js=JS)


def boundary_player(
    payload: dict[str, Any], *, key: str, on_clicks: Callable[[], None] | None = None
) -> None:
    """Mount (or update) the player with a run of frames; see lessons/mlp.py for the payload.
    ``on_clicks`` runs (as a widget callback) when the learner has clicked in the plot; the
    clicks are then in ``st.session_state[key]["clicks"]``."""
    if on_clicks is None:
        _player(data=payload, key=key)
    else:
        _player(data=payload, key=key, on_clicks_change=on_clicks)
