"""Figures of the XOR lesson: the cycle of boundaries, gate designer planes, the two-layer net."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from engine.gates import TwoLayerNet, perceptron_output
from ui.figures.common import base_layout
from ui.figures.perceptron import Bounds, boundary_segment, halfplane_polygon, shade_halfplanes
from ui.formatting import num, vec
from ui.style import BOUNDARY, HIGHLIGHT, MUTED, NEGATIVE, POSITIVE, class_colour, rgba

GATE_BOUNDS: Bounds = (-0.75, 1.75, -0.75, 1.75)
HIDDEN_BOUNDS: Bounds = (-0.6, 1.6, -0.6, 1.6)
# The two hidden units keep one dash style each on every figure, so h₁'s line is always dashed.
HIDDEN_DASH = ("dash", "dot")
CYCLE_DASH = ("solid", "dash", "dot", "dashdot", "longdash", "longdashdot")


def _point_label(x: Sequence[float]) -> str:
    return "(" + ", ".join(num(v) for v in x) + ")"


def _square(fig: go.Figure, bounds: Bounds, *, x_title: str, y_title: str) -> None:
    fig.update_xaxes(range=bounds[:2], title_text=x_title, constrain="domain", dtick=1)
    fig.update_yaxes(
        range=bounds[2:],
        title_text=y_title,
        scaleanchor="x",
        scaleratio=1,
        constrain="domain",
        dtick=1,
    )


def _line(
    fig: go.Figure,
    w: Sequence[float],
    bounds: Bounds,
    *,
    name: str,
    dash: str = "solid",
    colour: str = BOUNDARY,
    width: float = 3,
) -> bool:
    seg = boundary_segment(w, bounds)
    if seg is None:
        return False
    fig.add_trace(
        go.Scatter(
            x=seg[:, 0],
            y=seg[:, 1],
            mode="lines",
            line={"color": colour, "width": width, "dash": dash},
            name=name,
            hoverinfo="name",
        )
    )
    return True


def _points(
    fig: go.Figure,
    X: np.ndarray,
    y: np.ndarray,
    *,
    labels: Sequence[str] | None = None,
    wrong: np.ndarray | None = None,
    positions: Sequence[str] | None = None,
) -> None:
    """Points coloured by their true class; a cross over each point the unit gets wrong.

    ``positions`` sets each label's plotly textposition; by default labels point away from the
    middle of the view (so none runs off the plot), class 1 below, class 0 above.
    """
    labels = list(labels) if labels is not None else [_point_label(x) for x in X]
    right = X[:, 0] > (X[:, 0].min() + X[:, 0].max()) / 2 if len(X) > 1 else np.zeros(len(X), bool)
    if positions is None:
        positions = [
            ("top " if y[i] == 0 else "bottom ") + ("left" if right[i] else "right")
            for i in range(len(X))
        ]
    for cls in (0, 1):
        idx = np.flatnonzero(y == cls)
        if len(idx) == 0:
            continue
        fig.add_trace(
            go.Scatter(
                x=X[idx, 0],
                y=X[idx, 1],
                mode="markers+text",
                marker={
                    "size": 18,
                    "color": class_colour(cls),
                    "symbol": "circle" if cls == 0 else "diamond",
                    "line": {"width": 1.5, "color": "white"},
                },
                text=[labels[i] for i in idx],
                textposition=[positions[i] for i in idx],
                cliponaxis=False,
                textfont={"size": 13},
                name=f"class {cls}",
                hovertemplate="(%{x}, %{y})<extra>class " + str(cls) + "</extra>",
            )
        )
    if wrong is not None and np.any(wrong):
        bad = np.flatnonzero(wrong)
        fig.add_trace(
            go.Scatter(
                x=X[bad, 0],
                y=X[bad, 1],
                mode="markers",
                marker={"size": 28, "symbol": "x-thin-open", "line": {"width": 3}},
                marker_color=BOUNDARY,
                name="wrong",
                hoverinfo="skip",
            )
        )


def cycle_plane(
    X: np.ndarray,
    y: np.ndarray,
    cycle: Sequence[np.ndarray],
    *,
    final: np.ndarray | None = None,
    height: int = 500,
) -> go.Figure:
    """The boundaries a cycling perceptron visits over and over, numbered in visiting order.

    Parameters
    ----------
    X : (n, 2) points. y : (n,) labels. cycle : extended weights (3,) in the order visited.
    final : (3,) weights the run stopped with, shaded (when there is no cycle: the learned line).
    """
    fig = go.Figure()
    if final is not None:
        shade_halfplanes(fig, final, GATE_BOUNDS)
    for k, w in enumerate(cycle):
        name = f"{k + 1}: w⃗ = {vec(w)}"
        style = {
            "dash": CYCLE_DASH[k % len(CYCLE_DASH)],
            "colour": BOUNDARY if k == 0 else MUTED,
            "width": 3 if k == 0 else 2.5,
        }
        if not _line(fig, w, GATE_BOUNDS, name=name, **style):
            # Still listed in the legend, so the loop reads 1, 2, 3, ... without a gap.
            where = "no line: w₁ = w₂ = 0" if w[0] == 0 and w[1] == 0 else "line off the plot"
            fig.add_trace(
                go.Scatter(
                    x=[None],
                    y=[None],
                    mode="lines",
                    line={"color": style["colour"], "width": style["width"], "dash": style["dash"]},
                    name=f"{name} ({where})",
                )
            )
    if final is not None and not cycle:
        _line(fig, final, GATE_BOUNDS, name=f"learned line w⃗ = {vec(final)}")
    _points(fig, X, y)
    # The legend is for the numbered lines; the classes keep the app-wide colours and shapes.
    fig.for_each_trace(
        lambda t: t.update(showlegend=False) if t.name in ("class 0", "class 1") else None
    )
    base_layout(fig, height=height)
    _square(fig, GATE_BOUNDS, x_title="x₁", y_title="x₂")
    return fig


def gate_plane(
    X: np.ndarray, y: np.ndarray, w: Sequence[float], outputs: np.ndarray, *, height: int = 420
) -> go.Figure:
    """A two-input gate: its four rows, the unit's line and the half-plane it calls 1."""
    fig = go.Figure()
    shade_halfplanes(fig, w, GATE_BOUNDS)
    _line(fig, w, GATE_BOUNDS, name="w₁x₁ + w₂x₂ + b = 0")
    _points(fig, X, y, wrong=outputs != y)
    base_layout(fig, height=height)
    fig.update_layout(showlegend=False)
    _square(fig, GATE_BOUNDS, x_title="x₁", y_title="x₂")
    return fig


def not_line(
    X: np.ndarray, y: np.ndarray, w: Sequence[float], outputs: np.ndarray, *, height: int = 260
) -> go.Figure:
    """NOT has one input: the 'line' is a threshold point on the number line, x₁ = −b / w₁.

    The band is shaded by what the unit outputs there (orange 1, blue 0).
    """
    w1, b = (float(v) for v in w)
    lo, hi = -1.0, 2.0
    # Where the output changes, and which side says 1; with w1 = 0 the whole line says step(b).
    if w1 != 0 and lo < -b / w1 < hi:
        t = -b / w1
        pieces = [(lo, t, int(w1 < 0)), (t, hi, int(w1 > 0))]
    else:
        pieces = [(lo, hi, int(w1 * (lo + hi) / 2 + b > 0))]
    shapes = [
        {
            "type": "rect",
            "x0": a,
            "x1": c,
            "y0": -0.22,
            "y1": 0.22,
            "fillcolor": rgba(class_colour(cls), 0.22),
            "line": {"width": 0},
            "layer": "below",
        }
        for a, c, cls in pieces
    ]
    fig = go.Figure()
    if len(pieces) == 2:
        t = pieces[0][1]
        fig.add_trace(
            go.Scatter(
                x=[t, t],
                y=[-0.45, 0.45],
                mode="lines",
                line={"color": BOUNDARY, "width": 3},
                name="threshold",
                hoverinfo="skip",
            )
        )
        fig.add_annotation(
            x=t, y=0.45, text=f"x₁ = −b / w₁ = {num(t)}", showarrow=False, yanchor="bottom"
        )
    pts = np.column_stack([X[:, 0], np.zeros(len(X))])
    _points(fig, pts, y, labels=[""] * len(X), wrong=outputs != y)
    for v in X[:, 0]:
        fig.add_annotation(
            x=v, y=-0.3, text=f"x₁ = {num(v)}", showarrow=False, yanchor="top", bgcolor="white"
        )
    base_layout(fig, height=height)
    fig.update_layout(shapes=shapes, showlegend=False)
    fig.update_xaxes(range=[lo, hi], title_text="x₁", dtick=1, zeroline=False)
    fig.update_yaxes(range=[-0.8, 0.8], visible=False)
    return fig


# ----------------------------------------------------------------------------- the network

NODE_POS = {"x1": (0.0, 2.0), "x2": (0.0, 0.0), "h1": (2.2, 2.0), "h2": (2.2, 0.0), "y": (4.4, 1.0)}
NODE_R = 0.46


def _weight_colour(w: float) -> str:
    return POSITIVE if w > 0 else NEGATIVE if w < 0 else MUTED


def network_figure(
    net: TwoLayerNet,
    *,
    names: Sequence[str] = ("OR", "NAND", "AND"),
    values: dict[str, float] | None = None,
    height: int = 400,
) -> go.Figure:
    """x₁, x₂ -> h₁, h₂ -> y, each edge labelled with its weight, each unit with its bias.

    Edge colour is the weight's sign (vermilion positive, blue negative), width its size.
    ``values`` maps node names to their value for one input row, written inside the nodes.
    """
    shapes: list[dict] = []
    annotations: list[dict] = []
    edges = [
        (src, f"h{j + 1}", float(net.hidden[j, i]), 0.74)
        for j in range(2)
        for i, src in enumerate(("x1", "x2"))
    ] + [(f"h{j + 1}", "y", float(net.output[j]), 0.5) for j in range(2)]
    for src, dst, w, t in edges:
        (x0, y0), (x1, y1) = NODE_POS[src], NODE_POS[dst]
        d = np.array([x1 - x0, y1 - y0])
        d_unit = d / np.linalg.norm(d)
        a = np.array([x0, y0]) + NODE_R * d_unit
        b = np.array([x1, y1]) - NODE_R * d_unit
        annotations.append(
            {
                "x": b[0],
                "y": b[1],
                "ax": a[0],
                "ay": a[1],
                "xref": "x",
                "yref": "y",
                "axref": "x",
                "ayref": "y",
                "showarrow": True,
                "arrowhead": 2,
                "arrowsize": 1,
                "arrowwidth": 1.5 + min(abs(w), 3.0),
                "arrowcolor": _weight_colour(w),
                "text": "",
            }
        )
        mid = a + t * (b - a)
        annotations.append(
            {
                "x": mid[0],
                "y": mid[1],
                "text": f"<b>{num(w)}</b>",
                "showarrow": False,
                "font": {"size": 15, "color": _weight_colour(w)},
                "bgcolor": "white",
                "borderpad": 2,
            }
        )
    biases = {"h1": float(net.hidden[0, -1]), "h2": float(net.hidden[1, -1]), "y": net.output[-1]}
    titles = {
        "x1": "x₁",
        "x2": "x₂",
        "h1": f"<b>h₁</b><br><span style='font-size:12px'>{names[0]}</span>",
        "h2": f"<b>h₂</b><br><span style='font-size:12px'>{names[1]}</span>",
        "y": f"<b>y</b><br><span style='font-size:12px'>{names[2]}</span>",
    }
    for node, (cx, cy) in NODE_POS.items():
        is_input = node.startswith("x")
        shapes.append(
            {
                "type": "circle",
                "x0": cx - NODE_R,
                "x1": cx + NODE_R,
                "y0": cy - NODE_R,
                "y1": cy + NODE_R,
                "xref": "x",
                "yref": "y",
                "fillcolor": "#EEF2F7" if is_input else "white",
                "line": {
                    "color": BOUNDARY,
                    "width": 2,
                    "dash": HIDDEN_DASH[int(node[1]) - 1] if node.startswith("h") else "solid",
                },
            }
        )
        text = titles[node]
        if values is not None and node in values:
            text += f"<br><b>= {num(values[node])}</b>"
        annotations.append(
            {
                "x": cx,
                "y": cy,
                "text": text,
                "showarrow": False,
                "font": {"size": 15, "color": BOUNDARY},
            }
        )
        if node in biases:
            bias = float(biases[node])
            annotations.append(
                {
                    "x": cx,
                    "y": cy - NODE_R - 0.12,
                    "text": f"b = {num(bias)}",
                    "showarrow": False,
                    "yanchor": "top",
                    "font": {"size": 14, "color": _weight_colour(bias)},
                }
            )
    fig = go.Figure()
    # An invisible trace so the axes exist and hover shows nothing odd.
    fig.add_trace(go.Scatter(x=[-0.6, 5.0], y=[-0.9, 2.6], mode="markers", opacity=0))
    base_layout(fig, height=height)
    fig.update_layout(shapes=shapes, annotations=annotations, showlegend=False)
    fig.update_xaxes(visible=False, range=[-0.6, 5.0])
    fig.update_yaxes(visible=False, range=[-0.95, 2.6], scaleanchor="x", scaleratio=1)
    return fig


def _output_region(fig: go.Figure, net: TwoLayerNet, bounds: Bounds) -> None:
    """Shade where the whole network outputs 1 and 0, evaluated on a fine grid."""
    xs = np.linspace(bounds[0], bounds[1], 161)
    ys = np.linspace(bounds[2], bounds[3], 161)
    gx, gy = np.meshgrid(xs, ys)
    _, _, out = net.forward(np.column_stack([gx.ravel(), gy.ravel()]))
    fig.add_trace(
        go.Heatmap(
            x=xs,
            y=ys,
            z=out.reshape(gx.shape),
            zmin=0,
            zmax=1,
            colorscale=[[0, rgba(class_colour(0), 0.12)], [1, rgba(class_colour(1), 0.16)]],
            showscale=False,
            hoverinfo="skip",
        )
    )


def input_plane(net: TwoLayerNet, X: np.ndarray, y: np.ndarray, *, height: int = 400) -> go.Figure:
    """The hidden units' lines in the input plane, shaded by what the network outputs."""
    fig = go.Figure()
    _output_region(fig, net, GATE_BOUNDS)
    for j in range(net.hidden.shape[0]):
        _line(
            fig,
            net.hidden[j],
            GATE_BOUNDS,
            name=f"h{'₁₂'[j]}'s line",
            dash=HIDDEN_DASH[j % 2],
        )
    _, _, out = net.forward(X)
    _points(fig, X, y, wrong=out != y)
    base_layout(fig, height=height)
    fig.update_layout(showlegend=False)
    _square(fig, GATE_BOUNDS, x_title="x₁", y_title="x₂")
    return fig


def hidden_plane(net: TwoLayerNet, X: np.ndarray, y: np.ndarray, *, height: int = 400) -> go.Figure:
    """Where the inputs land in the hidden space (h₁, h₂), and the output unit's line there."""
    H, _, _ = net.forward(X)
    fig = go.Figure()
    shade_halfplanes(fig, net.output, HIDDEN_BOUNDS)
    _line(fig, net.output, HIDDEN_BOUNDS, name="output unit's line")
    # Several inputs can land on one hidden point: one marker per (point, class), all inputs named.
    groups: dict[tuple[int, int, int], list[str]] = {}
    for h, label, x in zip(H, y, X, strict=True):
        groups.setdefault((int(h[0]), int(h[1]), int(label)), []).append(_point_label(x))
    keys = list(groups)
    pts = np.array([[k[0], k[1]] for k in keys], dtype=float)
    labels = np.array([k[2] for k in keys])
    texts = ["x = " + "<br>and ".join(groups[k]) for k in keys]
    # Labels above the top row and below the bottom row; when both classes share a hidden point
    # (the hidden layer merged a 0 and a 1), class 1 goes on the other side.
    shared = {k[:2] for k in keys if (k[0], k[1], 1 - k[2]) in groups}
    positions = [
        "top center" if (k[1] >= 0.5) != (k[:2] in shared and k[2] == 1) else "bottom center"
        for k in keys
    ]
    _, predicted = perceptron_output(net.output, pts)
    wrong = predicted != labels
    _points(fig, pts, labels, labels=texts, wrong=wrong, positions=positions)
    base_layout(fig, height=height)
    fig.update_layout(showlegend=False)
    _square(fig, HIDDEN_BOUNDS, x_title="h₁", y_title="h₂")
    return fig


def _frame_traces(w: np.ndarray, x: np.ndarray, bounds: Bounds) -> list[go.Scatter]:
    """Shading of both half-planes, the boundary and a ring on the visited point, for one step."""
    traces = []
    for cls in (0, 1):
        poly = halfplane_polygon(w, bounds, positive=cls == 1)
        xs = [*poly[:, 0], poly[0, 0]] if len(poly) >= 3 else []
        ys = [*poly[:, 1], poly[0, 1]] if len(poly) >= 3 else []
        traces.append(
            go.Scatter(
                x=xs,
                y=ys,
                mode="lines",
                fill="toself",
                fillcolor=rgba(class_colour(cls), 0.13),
                line={"width": 0},
                hoverinfo="skip",
                showlegend=False,
            )
        )
    seg = boundary_segment(w, bounds)
    traces.append(
        go.Scatter(
            x=[] if seg is None else seg[:, 0],
            y=[] if seg is None else seg[:, 1],
            mode="lines",
            line={"color": BOUNDARY, "width": 3},
            name="boundary now",
            hoverinfo="skip",
        )
    )
    traces.append(
        go.Scatter(
            x=[x[0]],
            y=[x[1]],
            mode="markers",
            marker={
                "size": 34,
                "color": "rgba(0,0,0,0)",
                "line": {"width": 3.5, "color": HIGHLIGHT},
            },
            name="point visited",
            hoverinfo="skip",
        )
    )
    return traces


def _step_caption(s) -> str:
    """Two lines: where the run is, and what the visited point did to the weights."""
    i = s.index + 1
    head = (
        f"Epoch {s.epoch}, x⃗{i} = {_point_label(s.x[:2])} (class {s.label}), w⃗ = {vec(s.w_before)}"
    )
    if s.updated:
        sign = "+" if s.label == 1 else "−"
        what = f"wrong: w⃗ ← w⃗ {sign} x⃗{i} = {vec(s.w)}"
    else:
        what = "right: no update"
    return f"{head}<br>score {num(s.score)} → predicts {s.predicted}, {what}"


def steps_animation(X: np.ndarray, y: np.ndarray, steps: Sequence, *, height: int = 500):
    """The perceptron's steps as plotly frames the browser plays: line, shading, visited point.

    Parameters
    ----------
    X : (n, 2) points. y : (n,) labels.
    steps : the `PerceptronStep`s to show (for a cycled run, the repeating epochs), in order.
    """
    if not steps:
        raise ValueError("There are no steps to animate.")
    bounds = GATE_BOUNDS
    first = steps[0]
    fig = go.Figure(data=_frame_traces(first.w_before, first.x, bounds))
    _points(fig, X, y)
    frames = []
    for k, s in enumerate(steps):
        frames.append(
            go.Frame(
                data=_frame_traces(s.w_before, s.x, bounds),
                traces=[0, 1, 2, 3],
                name=str(k),
                layout={"title": {"text": _step_caption(s)}},
            )
        )
    fig.frames = frames
    play = {"frame": {"duration": 900, "redraw": True}, "transition": {"duration": 0}}
    fig.update_layout(
        updatemenus=[
            {
                "type": "buttons",
                "showactive": False,
                "x": 0,
                "y": -0.17,
                "xanchor": "left",
                "yanchor": "top",
                "direction": "left",
                "buttons": [
                    {
                        "label": "▶ Play the loop",
                        "method": "animate",
                        "args": [None, {**play, "fromcurrent": True, "mode": "immediate"}],
                    },
                ],
            }
        ],
        sliders=[
            {
                "active": 0,
                "x": 0.32,
                "len": 0.68,
                "y": -0.13,
                "yanchor": "top",
                "currentvalue": {"visible": False},
                "steps": [
                    {
                        "label": f"{s.epoch}·x{s.index + 1}",
                        "method": "animate",
                        "args": [[str(k)], {**play, "mode": "immediate"}],
                    }
                    for k, s in enumerate(steps)
                ],
            }
        ],
    )
    base_layout(fig, height=height, title=_step_caption(first))
    fig.update_layout(
        title={"font": {"size": 13}, "x": 0, "xanchor": "left"},
        margin={"t": 60, "b": 120},
        showlegend=False,
    )
    _square(fig, bounds, x_title="x₁", y_title="x₂")
    return fig
