"""The animated decision-boundary view of the MLP playground: a small canvas player.

Why not a plotly chart: a server round trip per frame reached about 2 updates per second. Here the
server computes a run of frames at once (the boundary image after each chunk of training) and this
component plays them in the browser at a steady rate with requestAnimationFrame, while the page's
timer fragment delivers the next run of frames; new frames queue behind the ones still playing.

The component runs in the page (st.components.v2, no iframe); its code is ui/js/mlp_player.js. It
draws a heatmap image, the axes and the train (filled) and test (ringed) points on one canvas, and
counts the frames it has drawn in ``window.__mlpPlayer`` so that a browser test can measure the
frame rate.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import streamlit as st

CSS = """
.mlp-player { position: relative; width: 100%; font-family: "Source Sans Pro", sans-serif; }
.mlp-player canvas { display: block; width: 100%; }
.mlp-player .mlp-caption { font-size: 14px; color: #1B2330; margin: 2px 0 0 4px;
  font-variant-numeric: tabular-nums; min-height: 20px; }
"""

# The player's code lives in a .js file of its own, so that a JavaScript linter sees it
# (`make lint-js`); Streamlit receives it inline, as the text of that file.
JS_FILE = Path(__file__).resolve().parent / "js" / "mlp_player.js"
JS = JS_FILE.read_text(encoding="utf-8")

_player = st.components.v2.component("mlp_boundary_player", css=CSS, js=JS)


def boundary_player(payload: dict[str, Any], *, key: str) -> None:
    """Mount (or update) the player with a run of frames; see ui.figures.mlp for the payload."""
    _player(data=payload, key=key)
