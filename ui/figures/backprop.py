"""Figures of the backpropagation lesson: the computational graph, and gradients along a chain."""

from __future__ import annotations

import math

import plotly.graph_objects as go

from engine.backprop import COMPUTED, BackpropExample, ChainResult
from ui.figures.common import base_layout
from ui.style import BOUNDARY, HIGHLIGHT, MUTED, NEGATIVE, POSITIVE, rgba
from ui.text.backprop import TEXT_SYMBOLS, edge_text, fmt

# Where each box sits: inputs and weights on the left, the loss on the right, as in the lecture.
POSITIONS = {
    "x1": (0.0, 3.0),
    "w1": (0.0, 2.0),
    "x2": (0.0, 1.0),
    "w2": (0.0, 0.0),
    "z": (2.2, 1.5),
    "yhat": (4.0, 1.5),
    "loss": (5.8, 1.5),
    "y": (4.0, 0.0),
}
BOX_W, BOX_H = 1.1, 0.8
INPUT_FILL = "#EEF2F7"
NODE_FILL = "#FFFFFF"
UNKNOWN = "#B8C0CC"


def _signed_colour(x: float) -> str:
    return POSITIVE if x > 0 else NEGATIVE if x < 0 else BOUNDARY


def _op_caption(ex: BackpropExample, key: str) -> str:
    if key == "z":
        return "w₁x₁ + w₂x₂"
    if key == "yhat":
        return "σ(z)" if ex.activation == "sigmoid" else "ReLU(z)"
    if key == "loss":
        return "BCE(ŷ, y)" if ex.loss == "bce" else "(ŷ − y)²"
    if key == "y":
        return "label"
    return "weight" if key.startswith("w") else "input"


def known_at(ex: BackpropExample, step: int) -> tuple[set[str], set[str]]:
    """Which nodes have their value, and which their gradient, after ``step`` steps."""
    values = {"x1", "x2", "w1", "w2", "y"}
    grads: set[str] = set()
    for s in ex.steps[:step]:
        (values if s.phase == "forward" else grads).add(s.node)
    return values, grads


def graph_figure(
    ex: BackpropExample, step: int, *, height: int = 440, highlight: bool = True
) -> go.Figure:
    """The lecture's graph after ``step`` steps: boxes with value and gradient, the newest lit up
    (unless ``highlight`` is off).

    Edges carry their local derivative once the backward pass has used them.
    """
    step = max(0, min(step, len(ex.steps)))
    values, grads = known_at(ex, step)
    current = ex.steps[step - 1] if step and highlight else None
    # Plain dicts, handed to plotly once: adding them one by one validates the layout each time.
    annotations: list[dict] = []
    shapes: list[dict] = []

    # Edges first, so boxes sit on top of the arrow ends.
    edges = [(e.src, e.dst, e) for e in ex.edges] + [("y", "loss", None)]
    for src, dst, edge in edges:
        (x0, y0), (x1, y1) = POSITIONS[src], POSITIONS[dst]
        tail = (x0 + BOX_W / 2, y0)
        # Arrows into z land spread along its side, so the four heads stay apart.
        head = (x1 - BOX_W / 2, y1 + (0.15 * (y0 - y1) if dst == "z" else 0.0))
        if src == "y":  # the label enters the loss from below
            tail, head = (x0 + BOX_W / 2, y0), (x1 - 0.15, y1 - BOX_H / 2)
        lit = current is not None and (
            (current.phase == "forward" and current.node == dst)
            or (
                current.phase == "backward" and current.node == src and current.upstream_node == dst
            )
        )
        annotations.append(
            dict(
                x=head[0], y=head[1], ax=tail[0], ay=tail[1], xref="x", yref="y", axref="x",
                ayref="y", text="", showarrow=True, arrowhead=2, arrowsize=1.2,
                arrowwidth=4 if lit else 1.6, arrowcolor=HIGHLIGHT if lit else MUTED,
            )
        )  # fmt: skip
        if edge is not None and src in grads:
            # ∂dst/∂src, written beside the arrow once the gradient has flowed back along it
            annotations.append(
                dict(
                    x=(tail[0] + head[0]) / 2,
                    y=(tail[1] + head[1]) / 2,
                    text=f"{edge_text(edge)}<br>= {fmt(edge.local)}",
                    showarrow=False,
                    font={"size": 12, "color": HIGHLIGHT if lit else BOUNDARY},
                    bgcolor="rgba(255, 255, 255, 0.92)",
                    yshift=22 if dst != "z" else 0,
                )
            )

    # Boxes.
    for key, (cx, cy) in POSITIONS.items():
        is_current = current is not None and current.node == key
        leaf = key not in COMPUTED
        shapes.append(dict(
            type="rect",
            x0=cx - BOX_W / 2, x1=cx + BOX_W / 2, y0=cy - BOX_H / 2, y1=cy + BOX_H / 2,
            line={"color": HIGHLIGHT if is_current else BOUNDARY, "width": 4 if is_current else 1.5,
                  "dash": "dot" if key == "y" else "solid"},
            fillcolor=rgba(HIGHLIGHT, 0.12) if is_current else INPUT_FILL if leaf else NODE_FILL,
            layer="below",
        ))  # fmt: skip
    labels, hovers, xs, ys = [], [], [], []
    for key, (cx, cy) in POSITIONS.items():
        value = ex.inputs["y"] if key == "y" else ex.values[key]
        v_text = fmt(value) if key in values else "?"
        if key == "y":
            g_html = f'<span style="color:{MUTED}">not trained</span>'
        elif key in grads:
            g = ex.grads[key]
            g_html = f'<span style="color:{_signed_colour(g)}">grad {fmt(g)}</span>'
        else:
            g_html = f'<span style="color:{UNKNOWN}">grad ?</span>'
        v_colour = BOUNDARY if key in values else UNKNOWN
        labels.append(
            f"<b>{TEXT_SYMBOLS[key]}</b>  <span style='color:{MUTED}'>{_op_caption(ex, key)}</span>"
            f"<br><span style='color:{v_colour}'>value {v_text}</span><br>{g_html}"
        )
        grad_hover = fmt(ex.grads[key]) if key in grads else "not yet"
        hovers.append(f"{TEXT_SYMBOLS[key]} = {v_text}<br>∂ℓ/∂{TEXT_SYMBOLS[key]} = {grad_hover}")
        xs.append(cx)
        ys.append(cy)
    fig = go.Figure(
        go.Scatter(
            x=xs,
            y=ys,
            mode="text",
            text=labels,
            textfont={"size": 14, "color": BOUNDARY},
            hovertext=hovers,
            hoverinfo="text",
            customdata=list(POSITIONS),
            name="nodes",
            showlegend=False,
        )
    )
    base_layout(fig, height=height)
    # One update: each plotly update call re-validates the layout, and this page redraws often.
    fig.update_layout(
        annotations=annotations,
        shapes=shapes,
        xaxis={"visible": False, "range": [-0.6, 6.4], "fixedrange": True},
        yaxis={"visible": False, "range": [-0.55, 3.55], "fixedrange": True},
        margin={"l": 0, "r": 0, "t": 0, "b": 0},
        dragmode=False,
    )
    return fig


def chain_figure(res: ChainResult, *, height: int = 380) -> go.Figure:
    """|∂h_n/∂w_k| for each layer k on a log axis; bars coloured by the gradient's sign.

    Exact zeros (a ReLU that is off) cannot sit on a log axis: they are drawn as short grey bars
    at the bottom and say so on hover.
    """
    n = len(res.grad_w)
    mags = [abs(g) for g in res.grad_w]
    nonzero = [m for m in mags if m > 0]
    floor = min(nonzero) / 10 if nonzero else 1e-3
    layers = [f"{k}" for k in range(1, n + 1)]
    heights = [m if m > 0 else floor for m in mags]
    colours = [_signed_colour(g) if g != 0 else MUTED for g in res.grad_w]
    hover = [
        f"layer {k}: ∂h_n/∂w_{k} = {g:.3e}<br>this layer's factor w·act'(z) = {f:.4f}"
        if g != 0
        else f"layer {k}: gradient exactly 0 (a factor of 0 above or here)"
        for k, (g, f) in enumerate(zip(res.grad_w, res.factors, strict=True), start=1)
    ]
    fig = go.Figure(
        go.Bar(
            x=layers,
            y=heights,
            marker_color=colours,
            hovertext=hover,
            hoverinfo="text",
            customdata=res.grad_w,
            name="|∂h_n/∂w_k|",
        )
    )
    base_layout(fig, height=height)
    low = math.log10(min(heights))
    high = math.log10(max(heights))
    pad = max(0.5, 0.08 * (high - low))
    fig.update_layout(
        yaxis={"type": "log", "title": "|∂ output / ∂ w_k|  (log scale)",
               "range": [low - pad, high + pad]},
        xaxis={"title": "layer k (1 = nearest the input, n = the output)", "type": "category"},
        showlegend=False,
        bargap=0.15,
    )  # fmt: skip
    return fig
