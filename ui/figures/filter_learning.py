"""Figures for the "Learned from photos" view: banks of small filters as one montage each, and
FastICA's convergence.

A montage is one heatmap: the tiles side by side with a row and a column of NaN between them,
which the browser draws in the plot's background colour (a 1-cell grid). One trace per montage,
not one per filter: 64 heatmap traces make every rerun slow to draw.
"""

from __future__ import annotations

import numpy as np

from ui.figures.common import base_layout
from ui.figures.spec import Fig, Spec, trace
from ui.style import BOUNDARY, DIVERGING, FONT, MUTED

GAPS = "#C9D1DC"  # the lines between tiles (NaN cells show the plot background)
GREYS = [[0.0, "#000000"], [1.0, "#FFFFFF"]]  # photo patches: black to white


def tile(kernels: np.ndarray, *, cols: int, gap: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """(n, k, k) tiles -> (one 2-D array with NaN between tiles, the tile number of each cell).

    Each tile on its own contrast: divided by its largest |value|, so a faint filter is as
    readable as a strong one. Tile numbers count from 1, left to right, top to bottom; -1 in
    the gaps.
    """
    t = np.asarray(kernels, dtype=np.float64)
    n, h, w = t.shape
    top = np.abs(t).reshape(n, -1).max(axis=1)
    t = t / np.where(top > 0, top, 1.0)[:, None, None]
    rows = -(-n // cols)
    out = np.full((rows * (h + gap) - gap, cols * (w + gap) - gap), np.nan)
    index = np.full(out.shape, -1, dtype=np.int64)
    for i in range(n):
        r, c = divmod(i, cols)
        window = (slice(r * (h + gap), r * (h + gap) + h), slice(c * (w + gap), c * (w + gap) + w))
        out[window] = t[i]
        index[window] = i + 1
    return out, index


def montage_figure(
    kernels: np.ndarray,
    *,
    cols: int,
    signed: bool = True,
    width: int = 480,
    label: str = "filter",
    max_height: int = 560,
) -> Spec:
    """A bank of (n, k, k) kernels as a grid of tiles, ``cols`` across, each on its own contrast.

    ``signed``: the app's diverging colours (blue −, white 0, vermilion +), else black to white
    (photo patches). ``width`` is the width in pixels the montage is laid out for: the height
    follows from it so that the tiles are square at that width.
    """
    z, index = tile(kernels, cols=cols)
    zmin = -1.0 if signed else float(np.nanmin(z))
    hover = f"{label} %{{customdata}}<br>%{{z:.2f}} × its largest |value|<extra></extra>"
    heat = trace(
        "heatmap", z=np.round(z, 3), customdata=index, colorscale=DIVERGING if signed else GREYS,
        zmin=zmin, zmax=1.0, showscale=False, hoverongaps=False, hovertemplate=hover,
    )  # fmt: skip
    height = min(max_height, max(80, round(width * z.shape[0] / z.shape[1]) + 4))
    fig = Fig(heat)
    fig.update_layout(
        height=height, margin={"l": 2, "r": 2, "t": 2, "b": 2}, plot_bgcolor=GAPS,
        paper_bgcolor="white", font={"family": FONT, "size": 13},
    )  # fmt: skip
    fig.update_xaxes(visible=False, showgrid=False, constrain="domain", fixedrange=True)
    fig.update_yaxes(
        visible=False, showgrid=False, autorange="reversed", scaleanchor="x", constrain="domain",
        fixedrange=True,
    )  # fmt: skip
    return fig.to_dict()


def convergence_figure(changes: np.ndarray, tol: float, *, height: int = 220) -> Spec:
    """The change of each FastICA iteration (1 − |cos| of the largest turn), log scale, and the
    tolerance it stops under."""
    c = np.maximum(np.asarray(changes, dtype=np.float64), 1e-12)
    fig = base_layout(Fig(), height=height)
    fig.add_trace(
        trace(
            "scatter", x=np.arange(1, len(c) + 1), y=c, mode="lines+markers",
            line={"color": BOUNDARY, "width": 2}, marker={"size": 4},
            hovertemplate="iteration %{x}: turned by %{y:.1e}<extra></extra>",
            showlegend=False,
        )
    )  # fmt: skip
    fig.add_hline(tol, line={"color": MUTED, "dash": "dash", "width": 1.5})
    fig.update_layout(margin={"l": 10, "r": 10, "t": 10, "b": 10})
    fig.update_xaxes(title="iteration", rangemode="tozero", fixedrange=True)
    fig.update_yaxes(title="change", type="log", dtick=1, exponentformat="power", fixedrange=True)
    return fig.to_dict()
