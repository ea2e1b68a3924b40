"""Figures of the MLP playground: boundary images, curves, the network, hidden-unit maps, and
the regression view's data for the canvas player.

Pure functions: arrays in, plotly figure dicts (ui.figures.spec) or plain data for the animated
player out.
"""

from __future__ import annotations

import base64
import math
from collections.abc import Sequence

import numpy as np

from ui.figures.common import base_layout
from ui.figures.spec import Fig, Spec, trace
from ui.style import BOUNDARY, CLASS_COLOURS, MUTED, NEGATIVE, POSITIVE, class_colour, rgba

Bounds = tuple[float, float, float, float]

MAX_TINT = 0.72  # the most confident cell is 72 % class colour, 28 % white: points stay visible


def _rgb(hex_colour: str) -> np.ndarray:
    h = hex_colour.lstrip("#")
    return np.array([int(h[i : i + 2], 16) for i in (0, 2, 4)], dtype=np.float64)


def confidence(probs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Winning class and how sure: 0 at the uniform guess 1/k, 1 at certainty.

    Parameters
    ----------
    probs : (n, k) class probabilities.

    Returns
    -------
    (n,) class indices, (n,) confidence in [0, 1].
    """
    k = probs.shape[1]
    winner = np.argmax(probs, axis=1)
    top = probs[np.arange(len(probs)), winner]
    return winner, np.clip((top - 1.0 / k) / (1.0 - 1.0 / k), 0.0, 1.0)


def boundary_rgb(probs: np.ndarray, resolution: int) -> np.ndarray:
    """The decision map as an image: one colour per class, confidence as intensity.

    Parameters
    ----------
    probs : (resolution², k) class probabilities over the grid, row by row from the bottom.

    Returns
    -------
    (resolution, resolution, 3) uint8 RGB, row 0 at the top (as images are stored).
    """
    winner, conf = confidence(probs)
    palette = np.array([_rgb(class_colour(c)) for c in range(probs.shape[1])])
    t = (MAX_TINT * conf)[:, None]
    rgb = (1 - t) * 255.0 + t * palette[winner]
    img = rgb.reshape(resolution, resolution, 3)[::-1]
    return np.clip(np.rint(img), 0, 255).astype(np.uint8)


def encode_image(img: np.ndarray) -> str:
    """(h, w, 3) uint8 -> base64 of the raw bytes, for the browser's ImageData."""
    return base64.b64encode(np.ascontiguousarray(img).tobytes()).decode("ascii")


def encode_floats(values: np.ndarray) -> str:
    """Any array -> base64 of its values as little-endian float32, row-major, for the browser's
    Float32Array (a third of the bytes of the same numbers as JSON text)."""
    return base64.b64encode(np.ascontiguousarray(values, dtype="<f4").tobytes()).decode("ascii")


def curve_bounds(x: np.ndarray, y: np.ndarray, *, pad: float = 0.15) -> Bounds:
    """The regression view: the inputs' range and the targets' with some room (at least one
    unit tall, so that a flat curve does not fill the picture with noise)."""
    x0, x1 = float(np.min(x)), float(np.max(x))
    y0, y1 = float(np.min(y)), float(np.max(y))
    xr = (x1 - x0) * pad / 2 + 0.05
    centre, half = (y0 + y1) / 2, max(y1 - y0, 1.0) / 2
    yr = half * (1 + pad) + 0.05
    return (x0 - xr, x1 + xr, centre - yr, centre + yr)


def player_points(X: np.ndarray, y: np.ndarray, *, test: bool) -> list[list[float]]:
    """[[x1, x2, class, is_test], ...] for the player's scatter layer."""
    return [
        [round(float(a), 4), round(float(b), 4), int(c), int(test)]
        for (a, b), c in zip(X, y, strict=True)
    ]


def view_bounds(X: np.ndarray, *, pad: float = 0.15) -> Bounds:
    """A square view around the points with some room, so the boundary shows where it goes."""
    lo = X.min(axis=0)
    hi = X.max(axis=0)
    centre = (lo + hi) / 2
    half = max(float(np.max(hi - lo)) / 2, 0.5) * (1 + pad) + 0.1
    return (centre[0] - half, centre[0] + half, centre[1] - half, centre[1] + half)


# ----------------------------------------------------------------------------- curves


def _finite_xy(x: Sequence[float], y: Sequence[float]) -> tuple[list[float], list[float]]:
    """Keep only points with finite values: no NaN or infinity ever reaches a chart."""
    keep = [(a, b) for a, b in zip(x, y, strict=True) if math.isfinite(a) and math.isfinite(b)]
    return [a for a, _ in keep], [b for _, b in keep]


def curves_figure(
    epochs: Sequence[float],
    train_loss: Sequence[float],
    test_loss: Sequence[float],
    train_accuracy: Sequence[float],
    test_accuracy: Sequence[float],
    *,
    height: int = 340,
    accuracy: bool = True,
    loss_title: str = "loss",
) -> Spec:
    """Loss (top) and accuracy (below) against epochs, train solid and test dashed;
    ``accuracy=False`` (a regression): the loss alone.

    One above the other, each named by its y-axis title: side by side in a narrow column (a
    1100 px screen), the accuracy panel's ticks ran into the loss panel and both titles.
    """
    rows = 2 if accuracy else 1
    fig = Fig.subplots(rows=rows, cols=1, shared_xaxes=True, vertical_spacing=0.1)
    pairs = ((train_loss, test_loss), (train_accuracy, test_accuracy))[:rows]
    for row, (train, test) in enumerate(pairs, 1):
        for values, name, dash, colour in (
            (train, "train", "solid", BOUNDARY),
            (test, "test", "dash", POSITIVE),
        ):
            xs, ys = _finite_xy(epochs, values)
            if not xs:
                continue
            fig.add_trace(
                trace(
                    "scatter",
                    x=xs,
                    y=ys,
                    mode="lines+markers" if len(xs) < 3 else "lines",
                    line={"color": colour, "dash": dash, "width": 2.5},
                    name=name,
                    legendgroup=name,
                    showlegend=row == 1,
                    hovertemplate=f"{name}: %{{y:.4f}} at epoch %{{x:.2f}}<extra></extra>",
                ),
                row=row,
                col=1,
            )
    base_layout(fig, height=height)
    fig.update_layout(
        margin={"t": 28, "b": 10},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.0, "xanchor": "right", "x": 1},
    )
    fig.update_xaxes(rangemode="tozero")
    fig.update_xaxes(title="epoch", row=rows, col=1)
    fig.update_yaxes(title=loss_title, rangemode="tozero", row=1, col=1)
    if accuracy:
        fig.update_yaxes(title="accuracy", range=[0, 1.02], tickformat=".0%", row=2, col=1)
    return fig.to_dict()


# ----------------------------------------------------------------------------- network


def _unit_name(layer: int, unit: int, n_layers: int) -> str:
    if layer == 0:
        return f"x{unit + 1}"
    if layer == n_layers - 1:
        return f"f{unit + 1}"
    return f"h{layer},{unit + 1}"


def _layer_symbol(layer: int, n_layers: int) -> str:
    """The lecture's names: x, h₁ … h_{L−1}, f."""
    if layer == 0:
        return "x"
    return "f" if layer == n_layers - 1 else f"h<sub>{layer}</sub>"


def layer_labels(
    sizes: Sequence[int], *, activation: str | None, output_label: str
) -> list[tuple[str, str]]:
    """(symbol line, muted detail) over every layer of the network diagram.

    Short on purpose: the labels sit one per layer over a chart that is 220 px wide on a
    1100 px screen, where "hidden 1 / 8 units" ran into its neighbours. Up to two hidden
    layers: "h₁ ∈ ℝ⁸" over the activation; deeper nets: "h₁" over its unit count.
    """
    n_layers = len(sizes)
    compact = n_layers > 4
    out = []
    for layer, m in enumerate(sizes):
        symbol = _layer_symbol(layer, n_layers)
        if layer == 0:
            detail = "input"
        elif layer == n_layers - 1:
            detail = output_label
        else:
            detail = activation or ""
        if compact:
            line = symbol
            detail = f"{m}<br>{detail}" if layer == n_layers - 1 else str(m)
        else:
            line = f"{symbol} ∈ ℝ" + ("" if m == 1 else f"<sup>{m}</sup>")
        out.append((line, detail))
    return out


def network_figure(
    params: Sequence[tuple[np.ndarray, np.ndarray]],
    *,
    output_label: str = "sigmoid",
    activation: str | None = None,
    height: int = 420,
    max_edges: int = 800,
    weight_hover: bool = True,
) -> Spec:
    """The network: units as circles, every edge coloured by its weight's sign and sized by |w|.

    Hovering an edge's middle shows its weight; hovering a unit shows its bias. A big network
    draws only its ``max_edges`` strongest edges (the title says so): thousands of faint lines
    would hide the ones that matter and slow the browser down. ``weight_hover=False`` leaves out
    the edges' hover points, a third of the figure's cost in the browser: the playground does
    that while training plays, when the picture changes under the pointer anyway.

    Parameters
    ----------
    params : one (W, b) per layer, W of shape (fan_in, fan_out), b (fan_out,) (the engine's).
    activation : the hidden layers' activation, written under their labels.
    """
    sizes = [params[0][0].shape[0], *(W.shape[1] for W, _ in params)]
    n_layers = len(sizes)
    tallest = max(sizes)
    pos = [
        np.column_stack([np.full(m, float(layer)), np.arange(m) - (m - 1) / 2])
        for layer, m in enumerate(sizes)
    ]
    wmax = max(float(np.max(np.abs(W))) for W, _ in params) or 1.0
    n_edges = sum(W.size for W, _ in params)
    threshold = -1.0
    if n_edges > max_edges:
        strengths = np.concatenate([np.abs(W).ravel() for W, _ in params])
        threshold = float(np.partition(strengths, n_edges - max_edges)[n_edges - max_edges])
    fig = Fig()
    # Edges grouped by sign and thickness class: a few traces with None gaps, not thousands.
    n_bins = 5
    buckets: dict[tuple[int, int], tuple[list, list]] = {}
    mid_x, mid_y, mid_text = [], [], []
    for layer, (W, _) in enumerate(params):
        a, b = pos[layer], pos[layer + 1]
        for i in range(W.shape[0]):
            for j in range(W.shape[1]):
                w = float(W[i, j])
                if abs(w) < threshold:
                    continue
                strength = abs(w) / wmax
                key = (int(w >= 0), min(int(strength * n_bins), n_bins - 1))
                xs, ys = buckets.setdefault(key, ([], []))
                xs.extend([a[i, 0], b[j, 0], None])
                ys.extend([a[i, 1], b[j, 1], None])
                if weight_hover:
                    mid_x.append((a[i, 0] + b[j, 0]) / 2)
                    mid_y.append((a[i, 1] + b[j, 1]) / 2)
                    mid_text.append(
                        f"{_unit_name(layer, i, n_layers)} → {_unit_name(layer + 1, j, n_layers)}"
                        f"<br>w = {w:.4g}"
                    )
    for (positive, bin_), (xs, ys) in sorted(buckets.items()):
        fig.add_trace(
            trace(
                "scatter",
                x=[float(v) if v is not None else None for v in xs],
                y=[float(v) if v is not None else None for v in ys],
                mode="lines",
                line={
                    "color": rgba(
                        POSITIVE if positive else NEGATIVE, 0.25 + 0.6 * (bin_ + 1) / n_bins
                    ),
                    "width": 0.6 + 5.0 * (bin_ + 1) / n_bins,
                },
                hoverinfo="skip",
                showlegend=False,
            )
        )
    if weight_hover:
        # Invisible points at the edges' middles that show each weight on hover.
        fig.add_trace(
            trace(
                "scatter",
                x=[float(v) for v in mid_x],
                y=[float(v) for v in mid_y],
                mode="markers",
                marker={"size": 9, "color": "rgba(0,0,0,0)"},
                text=mid_text,
                hovertemplate="%{text}<extra></extra>",
                showlegend=False,
                name="weights",
            )
        )
    node_x, node_y, node_text, node_colour = [], [], [], []
    for layer, p in enumerate(pos):
        for unit, (x, y_) in enumerate(p):
            node_x.append(float(x))
            node_y.append(float(y_))
            name = _unit_name(layer, unit, n_layers)
            if layer == 0:
                node_text.append(f"input {name}")
                node_colour.append("#EEF2F7")
            else:
                bias = float(params[layer - 1][1][unit])
                node_text.append(f"{name}<br>b = {bias:.4g}")
                node_colour.append("white")
    fig.add_trace(
        trace(
            "scatter",
            x=node_x,
            y=node_y,
            mode="markers",
            marker={
                "size": 15 if tallest <= 16 else 9,
                "color": node_colour,
                "line": {"color": BOUNDARY, "width": 1.5},
            },
            text=node_text,
            hovertemplate="%{text}<extra></extra>",
            showlegend=False,
            name="units",
        )
    )
    labels = layer_labels(sizes, activation=activation, output_label=output_label)
    for layer, (line, detail) in enumerate(labels):
        fig.add_annotation(
            x=layer,
            y=1.0,
            yref="paper",
            yanchor="bottom",  # in the top margin: labels of two or three lines end at the plot
            text=f"{line}<br><span style='color:{MUTED}'>{detail}</span>",
            showarrow=False,
            font={"size": 12},
        )
    base_layout(fig, height=height)
    fig.update_layout(margin={"t": 56}, hovermode="closest", hoverdistance=12)
    if threshold >= 0:
        # In the bottom margin, under the units (inside the plot it ran over a tall layer's last
        # unit).
        fig.add_annotation(
            x=(n_layers - 1) / 2,
            y=0,
            yref="paper",
            yanchor="top",
            text=f"the {max_edges} strongest of {n_edges} weights",
            showarrow=False,
            font={"size": 11, "color": MUTED},
        )
        fig.update_layout(margin={"b": 24})
    fig.update_xaxes(visible=False, range=[-0.5, n_layers - 0.5])
    fig.update_yaxes(visible=False, range=[-(tallest - 1) / 2 - 0.7, (tallest - 1) / 2 + 0.5])
    return fig.to_dict()


# ----------------------------------------------------------------------------- unit maps

PLOT_WIDTH = 700  # px: the playground's main column on a laptop screen
ACTIVATION_RANGE = {"relu": None, "sigmoid": (0.0, 1.0), "tanh": (-1.0, 1.0)}
UNIT_SCALE = [[0.0, NEGATIVE], [0.5, "#F7F7F7"], [1.0, POSITIVE]]


def unit_maps_figure(
    maps: Sequence[np.ndarray],
    *,
    activation: str,
    max_per_layer: int = 12,
) -> Spec:
    """For every hidden unit, its output over the input plane: a mosaic, a row per layer.

    One heatmap per unit, all on one pair of axes, each tile shifted to its place. Why not a
    subplot per unit: plotly lays out every subplot's axes on each update, and while Play runs,
    36 subplots took half a second of the browser's time per refresh, which the boundary
    animation lost; the mosaic on one pair of axes takes a fraction of that.

    Parameters
    ----------
    maps : one (r, r, m_l) array per hidden layer: unit j's output at grid cell (row, col),
        rows from the bottom of the view. Every tile shows the same view as the boundary.
    """
    n_layers = len(maps)
    n_cols = min(max(m.shape[2] for m in maps), max_per_layer)
    r = maps[0].shape[0]
    step = r + max(2, r // 8)  # a tile and the gap after it, in grid cells
    fixed = ACTIVATION_RANGE.get(activation)
    fig = Fig()
    for layer, grid in enumerate(maps):
        shown = min(grid.shape[2], n_cols)
        if fixed is None:  # ReLU: white at 0, full colour at the layer's largest output
            top = float(np.max(grid[:, :, :shown])) or 1.0
            zmin, zmax = -top, top
        else:
            zmin, zmax = fixed
        row0 = (n_layers - 1 - layer) * step  # layer 1 on top
        for j in range(shown):
            name = f"h{layer + 1},{j + 1}"
            fig.add_trace(
                trace(
                    "heatmap",
                    x0=j * step,
                    dx=1,
                    y0=row0,
                    dy=1,
                    z=np.round(grid[:, :, j], 3),
                    zmin=zmin,
                    zmax=zmax,
                    colorscale=UNIT_SCALE,
                    showscale=False,
                    name=name,
                    hovertemplate=f"{name} = %{{z:.3f}}<extra></extra>",
                )
            )
    fig.update_xaxes(
        range=[-0.5, n_cols * step - step + r - 0.5],
        tickvals=[j * step + (r - 1) / 2 for j in range(n_cols)],
        ticktext=[f"unit {j + 1}" if n_cols <= 6 else str(j + 1) for j in range(n_cols)],
        side="top",
        showgrid=False,
        zeroline=False,
        ticks="",
        constrain="domain",
    )
    fig.update_yaxes(
        range=[-0.5, n_layers * step - step + r - 0.5],
        tickvals=[(n_layers - 1 - i) * step + (r - 1) / 2 for i in range(n_layers)],
        ticktext=[f"layer {i + 1}" for i in range(n_layers)],
        showgrid=False,
        zeroline=False,
        ticks="",
        scaleanchor="x",
        constrain="domain",
    )
    # Height for the page's ~700 px wide column: tiles at most 90 px, the mosaic's aspect kept.
    mosaic_w, mosaic_h = n_cols * step - (step - r), n_layers * step - (step - r)
    tile_px = min(90.0, (PLOT_WIDTH - 74) * r / mosaic_w)
    base_layout(fig, height=int(34 + tile_px * mosaic_h / r))
    fig.update_layout(margin={"l": 64, "r": 10, "t": 28, "b": 6}, plot_bgcolor="white")
    return fig.to_dict()


# ----------------------------------------------------------------------------- quiz


def probability_bars(probs: Sequence[float], *, highlight: int | None = None) -> Spec:
    """The quiz's output probabilities over classes 1..k as bars."""
    k = len(probs)
    colours = [CLASS_COLOURS[0] if i != highlight else CLASS_COLOURS[1] for i in range(k)]
    fig = Fig(
        trace(
            "bar",
            x=[f"class {i + 1}" for i in range(k)],
            y=list(probs),
            marker={"color": colours},
            text=[f"{p:g}" for p in probs],
            textposition="outside",
            hovertemplate="%{x}: p = %{y}<extra></extra>",
        )
    )
    base_layout(fig, height=260)
    fig.update_layout(width=520)
    fig.update_yaxes(range=[0, 1.05], title="p")
    return fig.to_dict()
