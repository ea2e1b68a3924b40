"""Figures of the backpropagation lesson: the computational graph, and gradients along a chain."""

from __future__ import annotations

import math

from engine.backprop import COMPUTED, BackpropExample, ChainResult
from ui.figures.common import base_layout
from ui.figures.spec import Fig, Spec, trace
from ui.formatting import power_of_ten
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
) -> Spec:
    """The lecture's graph after ``step`` steps: boxes with value and gradient, the newest lit up
    (unless ``highlight`` is off).

    Edges carry their local derivative once the backward pass has used them.
    """
    step = max(0, min(step, len(ex.steps)))
    values, grads = known_at(ex, step)
    current = ex.steps[step - 1] if step and highlight else None
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
    fig = Fig(
        trace(
            "scatter",
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
    fig.update_layout(
        annotations=annotations,
        shapes=shapes,
        xaxis={"visible": False, "range": [-0.6, 6.4], "fixedrange": True},
        yaxis={"visible": False, "range": [-0.55, 3.55], "fixedrange": True},
        margin={"l": 0, "r": 0, "t": 0, "b": 0},
        dragmode=False,
    )
    return fig.to_dict()


def _decades(mags: list[float]) -> tuple[float, float, int]:
    """A log axis's range (in decades) holding every non-zero magnitude, at least two decades
    tall, and a tick every ``dtick`` decades (at most about eight ticks): ticks are then
    powers of ten, never 2, 5 or SI-prefixed in-between values."""
    low = math.floor(math.log10(min(mags)))
    high = math.ceil(math.log10(max(mags)))
    short = max(0, 2 - (high - low))
    low, high = low - (short + 1) // 2, high + short // 2
    dtick = max(1, math.ceil((high - low) / 8))
    return low - 0.15, high + 0.15, dtick


def chain_figure(res: ChainResult, *, height: int = 380) -> Spec:
    """|∂h_n/∂w_k| for each layer k on a log axis; bars coloured by the gradient's sign.

    An exact zero (an off ReLU, w = 0 or x = 0 somewhere in the product) has no place on a log
    axis and no bar: it is written as a "0" on the axis, so it reads as the zero it is. When
    every gradient is 0 the axis is linear, with its one tick at 0.
    """
    n = len(res.grad_w)
    layers = [str(k) for k in range(1, n + 1)]
    mags = [abs(g) for g in res.grad_w]
    nonzero = [m for m in mags if m > 0]
    hover = [
        f"layer {k}: ∂h<sub>n</sub>/∂w<sub>{k}</sub> = {power_of_ten(g, style='html')}"
        f"<br>this layer's factor w·act′(z<sub>{k}</sub>) = {f:.4f}"
        if g != 0
        else f"layer {k}: ∂h<sub>n</sub>/∂w<sub>{k}</sub> = 0 exactly (a factor of 0 in the "
        "product)"
        for k, (g, f) in enumerate(zip(res.grad_w, res.factors, strict=True), start=1)
    ]
    fig = Fig(
        trace(
            "bar",
            x=layers,
            y=[m if m > 0 else None for m in mags],
            marker={"color": [_signed_colour(g) for g in res.grad_w]},
            hovertext=hover,
            hoverinfo="text",
            customdata=list(res.grad_w),
            name="|∂h_n/∂w_k|",
        )
    )
    zeros = [k for k, m in enumerate(mags) if m == 0]
    title = "|∂ output / ∂ w<sub>k</sub>|"
    if nonzero:
        low, high, dtick = _decades(nonzero)
        yaxis = {"type": "log", "title": f"{title}  (log scale)", "range": [low, high],
                 "dtick": dtick, "exponentformat": "power", "showexponent": "all"}  # fmt: skip
        zero_at = 10**low
    else:
        yaxis = {"title": title, "range": [-1, 1], "tickvals": [0], "ticktext": ["0"]}
        zero_at = 0.0
    if zeros:
        fig.add_trace(
            trace(
                "scatter",
                x=[layers[k] for k in zeros],
                y=[zero_at] * len(zeros),
                mode="text",
                text=["0"] * len(zeros),
                textposition="top center",
                textfont={"color": MUTED, "size": 13},
                cliponaxis=False,
                hovertext=[hover[k] for k in zeros],
                hoverinfo="text",
                name="exactly 0",
            )
        )
    if not nonzero:
        fig.add_annotation(
            x=0.5, y=0.6, xref="paper", yref="paper", showarrow=False,
            text="every ∂h<sub>n</sub>/∂w<sub>k</sub> is exactly 0: no gradient reaches any weight",
            font={"color": BOUNDARY},
        )  # fmt: skip
    base_layout(fig, height=height)
    fig.update_layout(
        yaxis=yaxis,
        xaxis={"title": "layer k (1 = nearest the input, n = the output)", "type": "category",
               "categoryorder": "array", "categoryarray": layers},
        showlegend=False,
        bargap=0.15,
    )  # fmt: skip
    return fig.to_dict()
