"""Layout shared by every figure, so all charts look like one app."""

from __future__ import annotations

from typing import TypeVar

from ui.style import FONT

F = TypeVar("F")  # a ui.figures.spec.Fig (or anything with plotly's update_* methods)


def base_layout(fig: F, *, height: int = 420, title: str | None = None) -> F:
    layout = {
        "height": height,
        "margin": {"l": 10, "r": 10, "t": 40 if title else 10, "b": 10},
        "font": {"family": FONT, "size": 14},
        "plot_bgcolor": "white",
        "paper_bgcolor": "white",
        "legend": {"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0},
    }
    if title:
        layout["title"] = {"text": title}
    fig.update_layout(**layout)
    grid = {"showgrid": True, "gridcolor": "#E6EAF0", "zeroline": True, "zerolinecolor": "#C4CCD8"}
    fig.update_xaxes(**grid)
    fig.update_yaxes(**grid)
    return fig
