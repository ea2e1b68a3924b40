"""Layout shared by every figure, so all charts look like one app."""

from __future__ import annotations

import plotly.graph_objects as go

from ui.style import FONT


def base_layout(fig: go.Figure, *, height: int = 420, title: str | None = None) -> go.Figure:
    fig.update_layout(
        height=height,
        margin={"l": 10, "r": 10, "t": 40 if title else 10, "b": 10},
        font={"family": FONT, "size": 14},
        plot_bgcolor="white",
        paper_bgcolor="white",
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0},
        title={"text": title} if title else None,
    )
    fig.update_xaxes(showgrid=True, gridcolor="#E6EAF0", zeroline=True, zerolinecolor="#C4CCD8")
    fig.update_yaxes(showgrid=True, gridcolor="#E6EAF0", zeroline=True, zerolinecolor="#C4CCD8")
    return fig
