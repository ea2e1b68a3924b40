"""Figures for the loss-functions lesson: scores and softmax probabilities, the quiz's bars, the
two branches of binary cross-entropy, and squared loss against cross-entropy."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from engine.loss_lesson import BinaryComparison, SoftmaxExplained
from ui.figures.common import base_layout
from ui.formatting import num
from ui.style import BOUNDARY, HIGHLIGHT, MUTED, NEGATIVE, POSITIVE, class_colour, rgba

CE_COLOUR = BOUNDARY  # cross-entropy, wherever it is drawn
SQUARED_COLOUR = "#009E73"  # the squared loss beside it
OTHER_CLASS = "#C4CCD8"  # probability bars of the classes that are not the true one


def softmax_figure(ex: SoftmaxExplained, *, height: int = 330) -> go.Figure:
    """Scores f_j (signed colours) → softmax → probabilities p_j (the true class highlighted)."""
    classes = [f"class {j}" for j in range(1, ex.k + 1)]
    fig = make_subplots(
        rows=1,
        cols=2,
        column_widths=[0.42, 0.58],
        horizontal_spacing=0.1,
        subplot_titles=("scores f (logits)", "softmax probabilities p"),
    )
    fig.add_trace(
        go.Bar(
            x=classes,
            y=ex.logits,
            marker_color=[POSITIVE if v >= 0 else NEGATIVE for v in ex.logits],
            text=[num(v, digits=2, trim=False) for v in ex.logits],
            textposition="outside",
            cliponaxis=False,
            hovertemplate="%{x}: f = %{y:.3f}<extra></extra>",
            name="scores",
        ),
        row=1,
        col=1,
    )
    true = ex.label - 1
    fig.add_trace(
        go.Bar(
            x=classes,
            y=ex.probs,
            marker_color=[HIGHLIGHT if j == true else OTHER_CLASS for j in range(ex.k)],
            marker_line={"color": [BOUNDARY if j == true else OTHER_CLASS for j in range(ex.k)]},
            text=["" if j == true else num(v, trim=False) for j, v in enumerate(ex.probs)],
            textposition="outside",
            cliponaxis=False,
            hovertemplate="%{x}: p = %{y:.4f}<extra></extra>",
            name="probabilities",
        ),
        row=1,
        col=2,
    )
    fig.add_annotation(
        x=classes[true],
        y=float(ex.probs[true]),
        xref="x2",
        yref="y2",
        text=f"true class y = {ex.label}<br>p<sub>y</sub> = {num(ex.p_y, digits=4, trim=False)}",
        showarrow=True,
        arrowhead=2,
        ay=-40 if ex.p_y < 0.75 else 0,
        ax=0 if ex.p_y < 0.75 else 60,
        font={"color": BOUNDARY},
        bgcolor="rgba(255, 255, 255, 0.85)",
    )
    base_layout(fig, height=height)
    fig.update_layout(showlegend=False, margin={"t": 40, "b": 10}, bargap=0.35)
    lim = max(6.0, float(np.abs(ex.logits).max()) + 1)
    fig.update_yaxes(range=[-lim, lim], row=1, col=1)
    fig.update_yaxes(range=[0, 1.12], row=1, col=2)
    return fig


def quiz_figure(probs: Sequence[float], *, height: int = 300) -> go.Figure:
    """The quiz's bar chart: output probabilities on classes 1 to 5, nothing highlighted."""
    classes = [str(j) for j in range(1, len(probs) + 1)]
    fig = go.Figure(
        go.Bar(
            x=classes,
            y=list(probs),
            marker_color=MUTED,
            text=[f"{p:g}" for p in probs],
            textposition="outside",
            cliponaxis=False,
            hovertemplate="class %{x}: %{y}<extra></extra>",
        )
    )
    base_layout(fig, height=height, title="Output probabilities")
    fig.update_xaxes(title="class", type="category")
    fig.update_yaxes(range=[0, 1.05], title="p")
    return fig


def bce_figure(p_grid: np.ndarray, minus_log_p: np.ndarray, minus_log_1mp: np.ndarray,
               *, p: float, y: int, loss: float, height: int = 380) -> go.Figure:  # fmt: skip
    """−log p (label 1) and −log(1 − p) (label 0) over p, with the current (p, loss) marked."""
    fig = go.Figure()
    curves = ((1, minus_log_p, "y = 1: ℓ = −log p"), (0, minus_log_1mp, "y = 0: ℓ = −log(1 − p)"))
    for label, values, name in curves:
        active = label == y
        fig.add_trace(
            go.Scatter(
                x=p_grid,
                y=values,
                mode="lines",
                name=name,
                line={
                    "color": class_colour(label) if active else rgba(class_colour(label), 0.45),
                    "width": 3.5 if active else 2,
                    "dash": "solid" if active else "dot",
                },
                hovertemplate="p = %{x:.3f}<br>ℓ = %{y:.3f}<extra></extra>",
            )
        )
    fig.add_trace(
        go.Scatter(
            x=[p],
            y=[loss],
            mode="markers+text",
            marker={"size": 14, "color": class_colour(y), "line": {"color": "white", "width": 2}},
            text=[f"ℓ = −log p<sub>{y}</sub> = {num(loss, trim=False)}"],
            textposition="top right" if p < 0.6 else "top left",
            showlegend=False,
            hoverinfo="skip",
        )
    )
    base_layout(fig, height=height)
    fig.update_xaxes(title="p = p(y = 1 | x), the network's output", range=[0, 1])
    fig.update_yaxes(title="loss ℓ", range=[0, 5])
    return fig


def comparison_figure(cmp: BinaryComparison, *, z_now: float, height: int = 400) -> go.Figure:
    """Left: both losses against the score z. Right: their slopes ∂ℓ/∂z (what training uses)."""
    fig = make_subplots(
        rows=1,
        cols=2,
        horizontal_spacing=0.1,
        subplot_titles=("loss ℓ", "gradient ∂ℓ/∂z (the push on the score)"),
    )
    series = (
        ("cross-entropy", cmp.ce, cmp.grad_ce, CE_COLOUR, "solid"),
        ("squared loss (p − y)²", cmp.squared, cmp.grad_squared, SQUARED_COLOUR, "dash"),
    )
    for name, values, grads, colour, dash in series:
        for col, ys in ((1, values), (2, grads)):
            fig.add_trace(
                go.Scatter(
                    x=cmp.z,
                    y=ys,
                    mode="lines",
                    name=name,
                    legendgroup=name,
                    showlegend=col == 1,
                    line={"color": colour, "width": 3, "dash": dash},
                    hovertemplate="z = %{x:.2f}<br>%{y:.4f}<extra>" + name + "</extra>",
                ),
                row=1,
                col=col,
            )
    for col in (1, 2):
        fig.add_vline(x=z_now, line={"color": HIGHLIGHT, "width": 2}, row=1, col=col)
    base_layout(fig, height=height)
    fig.update_layout(margin={"t": 60}, legend={"y": 1.12})
    fig.update_xaxes(title="score z (p = σ(z))")
    return fig
