"""Figures for the LeNet lesson: training curves, confusion matrix, filters, feature maps."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from engine.training import History
from ui.figures.common import base_layout
from ui.style import BOUNDARY, DIVERGING, HIGHLIGHT, MUTED, NEGATIVE, POSITIVE, rgba

TRAIN = BOUNDARY  # training-set curves
TEST = "#E69F00"  # test-set curves and the test accuracy
INK = [[0.0, "#FFFFFF"], [1.0, BOUNDARY]]  # pixel intensity and non-negative activations
CORRECT_SCALE = [[0.0, rgba(NEGATIVE, 0.15)], [1.0, NEGATIVE]]
WRONG_SCALE = [[0.0, rgba(POSITIVE, 0.25)], [1.0, POSITIVE]]
NO_BAR = {"displayModeBar": False}
MAX_POINTS = 400


def _running_mean(values: Sequence[float], window: int) -> np.ndarray:
    v = np.asarray(values, dtype=float)
    if len(v) == 0:
        return v
    c = np.cumsum(np.insert(v, 0, 0.0))
    lo = np.maximum(np.arange(1, len(v) + 1) - window, 0)
    return (c[1:] - c[lo]) / (np.arange(1, len(v) + 1) - lo)


def curves_figure(
    h: History, *, target_epochs: int, batches_per_epoch: int, height: int = 330
) -> go.Figure:
    """Loss (left) and accuracy (right) against epochs: minibatches faint, epochs bold."""
    fig = make_subplots(
        rows=1, cols=2, horizontal_spacing=0.1,
        subplot_titles=("Cross-entropy loss", "Accuracy"),
    )  # fmt: skip
    smooth = max(1, batches_per_epoch // 4)
    # At most MAX_POINTS per minibatch curve: a long run stays light to send and to redraw.
    every = max(1, -(-len(h.step_epoch) // MAX_POINTS))
    step_x = np.asarray(h.step_epoch)[::every]
    step_loss = np.asarray(h.step_loss)[::every]
    mean_loss = _running_mean(h.step_loss, smooth)[::every]
    mean_acc = _running_mean(h.step_accuracy, smooth)[::every]
    fig.add_trace(
        go.Scatter(
            x=step_x, y=step_loss, mode="lines", line={"color": rgba(TRAIN, 0.18)},
            name="minibatch loss", showlegend=False, hoverinfo="skip",
        ),
        row=1, col=1,
    )  # fmt: skip
    fig.add_trace(
        go.Scatter(
            x=step_x, y=mean_loss, mode="lines",
            line={"color": TRAIN, "width": 2}, name="training set",
            hovertemplate="epoch %{x:.2f}: loss %{y:.3f}<extra>training</extra>",
        ),
        row=1, col=1,
    )  # fmt: skip
    fig.add_trace(
        go.Scatter(
            x=h.epoch, y=h.test_loss, mode="lines+markers", line={"color": TEST, "width": 2.5},
            marker={"size": 7}, name="test set",
            hovertemplate="epoch %{x}: loss %{y:.3f}<extra>test</extra>",
        ),
        row=1, col=1,
    )  # fmt: skip
    fig.add_trace(
        go.Scatter(
            x=step_x, y=mean_acc, mode="lines",
            line={"color": TRAIN, "width": 2}, name="training set", showlegend=False,
            hovertemplate="epoch %{x:.2f}: %{y:.1%}<extra>training</extra>",
        ),
        row=1, col=2,
    )  # fmt: skip
    fig.add_trace(
        go.Scatter(
            x=h.epoch, y=h.test_accuracy, mode="lines+markers",
            line={"color": TEST, "width": 2.5}, marker={"size": 7}, name="test set",
            showlegend=False, hovertemplate="epoch %{x}: %{y:.1%}<extra>test</extra>",
        ),
        row=1, col=2,
    )  # fmt: skip
    fig.add_hline(
        y=0.95, line={"color": MUTED, "dash": "dot", "width": 1.5}, row=1, col=2,
        annotation_text="95 %", annotation_position="bottom left",
        annotation_font={"color": MUTED, "size": 12},
    )  # fmt: skip
    base_layout(fig, height=height)
    fig.update_layout(margin={"t": 60}, legend={"y": 1.12})
    done = h.epoch[-1] if h.epoch else 0
    fig.update_xaxes(title_text="epoch", range=[0, max(target_epochs, done, 1)])
    fig.update_yaxes(rangemode="tozero", row=1, col=1)
    fig.update_yaxes(range=[0, 1.02], tickformat=".0%", row=1, col=2)
    return fig


def confusion_figure(cm: np.ndarray, *, height: int = 420) -> go.Figure:
    """(K, K) counts, row = true digit, column = predicted: hits in blue, mistakes in vermilion."""
    k = len(cm)
    cm = np.asarray(cm)
    diag = np.where(np.eye(k, dtype=bool), cm, np.nan)
    off = np.where(~np.eye(k, dtype=bool) & (cm > 0), cm, np.nan)
    labels = [str(i) for i in range(k)]
    fig = go.Figure()
    for z, scale in ((diag, CORRECT_SCALE), (off, WRONG_SCALE)):
        fig.add_trace(
            go.Heatmap(
                z=z, x=labels, y=labels, colorscale=scale, showscale=False, xgap=2, ygap=2,
                zmin=0, zmax=max(1, np.nanmax(z)) if np.isfinite(z).any() else 1,
                hovertemplate="true %{y}, predicted %{x}: %{z} images<extra></extra>",
            )
        )  # fmt: skip
    text_colour = np.where(np.eye(k, dtype=bool), "white", BOUNDARY)
    for i in range(k):
        for j in range(k):
            if cm[i, j]:
                fig.add_annotation(
                    x=labels[j], y=labels[i], text=str(cm[i, j]), showarrow=False,
                    font={"color": str(text_colour[i, j]), "size": 13},
                )  # fmt: skip
    base_layout(fig, height=height)
    fig.update_xaxes(
        title_text="predicted digit", side="top", type="category", showgrid=False,
        zeroline=False,
    )  # fmt: skip
    fig.update_yaxes(
        title_text="true digit", type="category", autorange="reversed", showgrid=False,
        zeroline=False, scaleanchor="x", constrain="domain",
    )  # fmt: skip
    return fig


def mosaic(maps: np.ndarray, *, cols: int, gap: int = 1) -> np.ndarray:
    """(C, H, W) maps -> one 2-D array, tiles left to right, NaN between them."""
    c, h, w = maps.shape
    rows = -(-c // cols)
    out = np.full((rows * (h + gap) - gap, cols * (w + gap) - gap), np.nan)
    for i in range(c):
        r, q = divmod(i, cols)
        out[r * (h + gap) : r * (h + gap) + h, q * (w + gap) : q * (w + gap) + w] = maps[i]
    return out


def _tiles(maps: np.ndarray, *, cols: int, signed: bool, height: int, hover: str) -> go.Figure:
    z = mosaic(maps, cols=cols)
    if signed:
        m = float(np.nanmax(np.abs(z))) or 1.0
        scale, zmin, zmax = DIVERGING, -m, m
    else:
        scale, zmin = INK, min(0.0, float(np.nanmin(z)))
        zmax = float(np.nanmax(z))
        zmax = zmax if zmax > zmin else zmin + 1.0
    fig = go.Figure(
        go.Heatmap(
            z=z, colorscale=scale, zmin=zmin, zmax=zmax, showscale=False,
            hovertemplate=hover + "<extra></extra>", hoverongaps=False,
        )
    )  # fmt: skip
    base_layout(fig, height=height)
    # The gaps between tiles are NaN: a light grey background draws them as a grid.
    fig.update_layout(margin={"l": 2, "r": 2, "b": 2, "t": 2}, plot_bgcolor="#D5DBE5")
    fig.update_xaxes(visible=False, showgrid=False, constrain="domain")
    fig.update_yaxes(
        visible=False, showgrid=False, autorange="reversed", scaleanchor="x", constrain="domain"
    )
    return fig


def filters_figure(weights: np.ndarray, *, height: int = 150) -> go.Figure:
    """First-layer kernels (O, 1, k, k) side by side; positive vermilion, negative blue."""
    return _tiles(
        weights[:, 0], cols=len(weights), signed=True, height=height, hover="weight %{z:.3f}"
    )


def digit_figure(image: np.ndarray, *, height: int = 170) -> go.Figure:
    """One (8, 8) digit in ink on white."""
    return _tiles(image[None], cols=1, signed=False, height=height, hover="pixel %{z:.2f}")


def feature_maps_figure(maps: np.ndarray, *, cols: int, height: int = 170) -> go.Figure:
    """A layer's output channels (C, H, W) as tiles; signed maps (tanh) on the diverging scale."""
    return _tiles(
        maps, cols=cols, signed=bool(np.nanmin(maps) < 0), height=height,
        hover="activation %{z:.3f}",
    )  # fmt: skip


def units_figure(values: np.ndarray, *, height: int = 46) -> go.Figure:
    """A dense layer's outputs (U,) as one strip of cells, stretched to the given height."""
    fig = _tiles(
        np.asarray(values, dtype=float)[None, None], cols=1,
        signed=bool(np.min(values) < 0), height=height, hover="activation %{z:.3f}",
    )  # fmt: skip
    fig.layout.yaxis.scaleanchor = None
    return fig


def probabilities_figure(p: np.ndarray, *, true_label: int, height: int = 260) -> go.Figure:
    """Softmax output for one image: the predicted digit highlighted, the true one outlined."""
    k = len(p)
    pred = int(np.argmax(p))
    colours = [HIGHLIGHT if i == pred else MUTED for i in range(k)]
    outline = [BOUNDARY if i == true_label else "rgba(0,0,0,0)" for i in range(k)]
    fig = go.Figure(
        go.Bar(
            x=[str(i) for i in range(k)], y=p, marker={"color": colours, "line": {"color": outline,
            "width": 2.5}}, text=[f"{v:.0%}" if v >= 0.005 else "" for v in p],
            textposition="outside", cliponaxis=False,
            hovertemplate="p(digit %{x}) = %{y:.4f}<extra></extra>",
        )
    )  # fmt: skip
    base_layout(fig, height=height)
    fig.update_xaxes(title_text="digit", type="category", showgrid=False)
    fig.update_yaxes(title_text="probability", range=[0, 1.12], tickformat=".0%")
    return fig
