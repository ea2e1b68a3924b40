"""Figures of the XOR lesson: the cycle of boundaries, gate designer planes, the two-layer net.

Built as plain dicts (ui/figures/spec.py); every builder returns ``fig.to_dict()``.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import numpy as np

from engine.gates import TwoLayerNet, perceptron_output
from ui.figures.common import base_layout
from ui.figures.perceptron import (
    Bounds,
    clip_polygon,
    closed,
    cross_out,
    fill_trace,
    halfplane_polygon,
    line_trace,
    point_labels,
    shade_halfplanes,
)
from ui.figures.spec import Fig, Spec, trace
from ui.formatting import num, vec
from ui.style import BOUNDARY, HIGHLIGHT, MUTED, NEGATIVE, POSITIVE, class_colour, rgba

GATE_BOUNDS: Bounds = (-0.75, 1.75, -0.75, 1.75)
HIDDEN_BOUNDS: Bounds = (-0.6, 1.6, -0.6, 1.6)
# The two hidden units keep one dash style each on every figure, so h₁'s line is always dashed.
HIDDEN_DASH = ("dash", "dot")
CYCLE_DASH = ("solid", "dash", "dot", "dashdot", "longdash", "longdashdot")


def point_label(x: Sequence[float]) -> str:
    """(0, 1)"""
    return "(" + ", ".join(num(v) for v in x) + ")"


def _square(fig: Fig, bounds: Bounds, *, x_title: str, y_title: str) -> None:
    fig.update_xaxes(range=list(bounds[:2]), title=x_title, constrain="domain", dtick=1)
    fig.update_yaxes(
        range=list(bounds[2:]),
        title=y_title,
        scaleanchor="x",
        scaleratio=1,
        constrain="domain",
        constraintoward="top",  # a narrow column leaves its spare height below, not above
        dtick=1,
    )


def _line(fig: Fig, w: Sequence[float], bounds: Bounds, **style) -> bool:
    line = line_trace(w, bounds, hoverinfo="name", **style)
    if line is None:
        return False
    fig.add_trace(line)
    return True


def _points(
    fig: Fig,
    X: np.ndarray,
    y: np.ndarray,
    *,
    labels: Sequence[str] | None = None,
    wrong: np.ndarray | None = None,
    positions: Sequence[str] | None = None,
    legend: bool = True,
) -> None:
    """Points coloured by their true class; a cross over each point the unit gets wrong.

    ``positions`` sets where each label sits (as plotly's textposition); by default labels point
    away from the middle of the view (so none runs off the plot), class 1 below, class 0 above.
    Labels are boxed annotations: a line under a label never crosses its text.
    """
    labels = list(labels) if labels is not None else [point_label(x) for x in X]
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
            trace(
                "scatter",
                x=X[idx, 0].tolist(),
                y=X[idx, 1].tolist(),
                mode="markers",
                marker={
                    "size": 18,
                    "color": class_colour(cls),
                    "symbol": "circle" if cls == 0 else "diamond",
                    "line": {"width": 1.5, "color": "white"},
                },
                cliponaxis=False,
                name=f"class {cls}",
                showlegend=legend,
                hovertemplate="(%{x}, %{y})<extra>class " + str(cls) + "</extra>",
            )
        )
    point_labels(fig, X, labels, positions)
    if wrong is not None:
        cross_out(fig, X, wrong, name="wrong", size=28, width=3)


def cycle_plane(
    X: np.ndarray,
    y: np.ndarray,
    cycle: Sequence[np.ndarray],
    *,
    final: np.ndarray | None = None,
    height: int = 500,
) -> Spec:
    """The boundaries a cycling perceptron visits over and over, numbered in visiting order.

    Parameters
    ----------
    X : (n, 2) points. y : (n,) labels. cycle : extended weights (3,) in the order visited.
    final : (3,) weights the run stopped with, shaded (when there is no cycle: the learned line).
    """
    fig = Fig()
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
            line = {"color": style["colour"], "width": style["width"], "dash": style["dash"]}
            name = f"{name} ({where})"
            fig.add_trace(trace("scatter", x=[None], y=[None], mode="lines", line=line, name=name))
    if final is not None and not cycle:
        _line(fig, final, GATE_BOUNDS, name=f"learned line w⃗ = {vec(final)}")
    # The legend is for the numbered lines; the classes keep the app-wide colours and shapes.
    _points(fig, X, y, legend=False)
    base_layout(fig, height=height)
    _square(fig, GATE_BOUNDS, x_title="x₁", y_title="x₂")
    return fig.to_dict()


def gate_plane(
    X: np.ndarray, y: np.ndarray, w: Sequence[float], outputs: np.ndarray, *, height: int = 420
) -> Spec:
    """A two-input gate: its four rows, the unit's line and the half-plane it calls 1."""
    fig = Fig()
    shade_halfplanes(fig, w, GATE_BOUNDS)
    _line(fig, w, GATE_BOUNDS, name="w₁x₁ + w₂x₂ + b = 0")
    _points(fig, X, y, wrong=outputs != y)
    base_layout(fig, height=height)
    fig.update_layout(showlegend=False)
    _square(fig, GATE_BOUNDS, x_title="x₁", y_title="x₂")
    return fig.to_dict()


def not_line(
    X: np.ndarray, y: np.ndarray, w: Sequence[float], outputs: np.ndarray, *, height: int = 260
) -> Spec:
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
    fig = Fig()
    if len(pieces) == 2:
        t = pieces[0][1]
        fig.add_trace(
            trace(
                "scatter",
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
            x=float(v),
            y=-0.3,
            text=f"x₁ = {num(v)}",
            showarrow=False,
            yanchor="top",
            bgcolor="white",
        )
    base_layout(fig, height=height)
    fig.update_layout(shapes=shapes, showlegend=False)
    fig.update_xaxes(range=[lo, hi], title="x₁", dtick=1, zeroline=False)
    fig.update_yaxes(range=[-0.8, 0.8], visible=False)
    return fig.to_dict()


# ----------------------------------------------------------------------------- the network

NODE_POS = {"x1": (0.0, 2.0), "x2": (0.0, 0.0), "h1": (2.1, 2.0), "h2": (2.1, 0.0), "y": (4.2, 1.0)}
# Big enough for three lines of text (name, gate, value) when the diagram is phone-wide.
NODE_R = 0.56
X_RANGE, Y_RANGE = [-0.7, 4.9], [-1.1, 2.7]


def _weight_colour(w: float) -> str:
    return POSITIVE if w > 0 else NEGATIVE if w < 0 else MUTED


def network_figure(
    net: TwoLayerNet,
    *,
    names: Sequence[str] = ("OR", "NAND", "AND"),
    values: dict[str, float] | None = None,
    height: int = 380,
) -> Spec:
    """x₁, x₂ -> h₁, h₂ -> y, each edge labelled with its weight, each unit with its bias.

    Edge colour is the weight's sign (vermilion positive, blue negative), width its size.
    ``values`` maps node names to their value for one input row, written inside the nodes.
    """
    shapes: list[dict] = []
    annotations: list[dict] = []
    edges = [
        (src, f"h{j + 1}", float(net.hidden[j, i]), 0.7)
        for j in range(2)
        for i, src in enumerate(("x1", "x2"))
    ] + [(f"h{j + 1}", "y", float(net.output[j]), 0.45) for j in range(2)]
    for src, dst, w, t in edges:
        (x0, y0), (x1, y1) = NODE_POS[src], NODE_POS[dst]
        d = np.array([x1 - x0, y1 - y0])
        d_unit = d / np.linalg.norm(d)
        a = np.array([x0, y0]) + NODE_R * d_unit
        b = np.array([x1, y1]) - NODE_R * d_unit
        annotations.append(
            {
                "x": float(b[0]),
                "y": float(b[1]),
                "ax": float(a[0]),
                "ay": float(a[1]),
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
                "x": float(mid[0]),
                "y": float(mid[1]),
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
    # An invisible trace so the axes exist and hover shows nothing odd.
    fig = Fig(trace("scatter", x=X_RANGE, y=Y_RANGE, mode="markers", opacity=0, hoverinfo="skip"))
    base_layout(fig, height=height)
    fig.update_layout(shapes=shapes, annotations=annotations, showlegend=False)
    fig.update_xaxes(visible=False, range=X_RANGE)
    fig.update_yaxes(visible=False, range=Y_RANGE, scaleanchor="x", scaleratio=1)
    return fig.to_dict()


def _where(cell: np.ndarray, w: np.ndarray, on: int) -> np.ndarray:
    """The part of a convex cell where the unit with extended weights ``w`` outputs ``on``."""
    if w[0] == 0 and w[1] == 0:  # no line: the unit says step(b) everywhere
        return cell if int(w[2] > 0) == on else np.zeros((0, 2))
    return clip_polygon(cell, w, positive=on == 1)


def output_regions(net: TwoLayerNet, bounds: Bounds) -> dict[int, list[np.ndarray]]:
    """Where the whole network outputs 0 and 1 inside the view, as exact polygons.

    The hidden lines cut the view into cells; inside a cell every hidden unit's output is fixed,
    so the network's output is too. Returns {output: [(k, 2) polygons]}.
    """
    x0, x1, y0, y1 = bounds
    view = np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]])
    regions: dict[int, list[np.ndarray]] = {0: [], 1: []}
    for pattern in itertools.product((0, 1), repeat=net.hidden.shape[0]):
        cell = view
        for w, on in zip(net.hidden, pattern, strict=True):
            cell = _where(cell, w, on)
            if len(cell) < 3:
                break
        if len(cell) < 3:
            continue
        _, out = perceptron_output(net.output, np.array([pattern], dtype=float))
        regions[int(out[0])].append(cell)
    return regions


def input_plane(net: TwoLayerNet, X: np.ndarray, y: np.ndarray, *, height: int = 400) -> Spec:
    """The hidden units' lines in the input plane, shaded by what the network outputs."""
    fig = Fig()
    for cls, polygons in output_regions(net, GATE_BOUNDS).items():
        if not polygons:
            continue
        xs: list = []
        ys: list = []
        for poly in polygons:  # one trace per output, the cells split by None
            cx, cy = closed(poly)
            xs += [*cx, None]
            ys += [*cy, None]
        fig.add_trace(fill_trace(cls, xs[:-1], ys[:-1], alpha=0.14 if cls == 0 else 0.18))
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
    return fig.to_dict()


def hidden_plane(net: TwoLayerNet, X: np.ndarray, y: np.ndarray, *, height: int = 400) -> Spec:
    """Where the inputs land in the hidden space (h₁, h₂), and the output unit's line there."""
    H, _, _ = net.forward(X)
    fig = Fig()
    shade_halfplanes(fig, net.output, HIDDEN_BOUNDS)
    _line(fig, net.output, HIDDEN_BOUNDS, name="output unit's line")
    # Several inputs can land on one hidden point: one marker per (point, class), all inputs named.
    groups: dict[tuple[int, int, int], list[str]] = {}
    for h, label, x in zip(H, y, X, strict=True):
        groups.setdefault((int(h[0]), int(h[1]), int(label)), []).append(point_label(x))
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
    return fig.to_dict()


def _frame_traces(w: np.ndarray, x: np.ndarray, bounds: Bounds) -> list[Spec]:
    """Shading of both half-planes, the boundary and a ring on the visited point, for one step."""
    traces = []
    for cls in (0, 1):
        poly = halfplane_polygon(w, bounds, positive=cls == 1)
        xs, ys = closed(poly) if len(poly) >= 3 else ([], [])
        traces.append(fill_trace(cls, xs, ys))
    line = line_trace(w, bounds, name="boundary now")
    traces.append(line or trace("scatter", x=[], y=[], mode="lines", name="boundary now"))
    traces.append(
        trace(
            "scatter",
            x=[float(x[0])],
            y=[float(x[1])],
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
    head = f"Epoch {s.epoch}, x⃗{i} = {point_label(s.x[:2])} (class {s.label}), "
    head += f"w⃗ = {vec(s.w_before)}"
    if s.updated:
        sign = "+" if s.label == 1 else "−"
        what = f"wrong: w⃗ ← w⃗ {sign} x⃗{i} = {vec(s.w)}"
    else:
        what = "right: no update"
    return f"{head}<br>score {num(s.score)} → predicts {s.predicted}, {what}"


def steps_animation(X: np.ndarray, y: np.ndarray, steps: Sequence, *, height: int = 500) -> Spec:
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
    fig = Fig(*_frame_traces(first.w_before, first.x, bounds))
    _points(fig, X, y)
    fig.frames = [
        {
            "data": _frame_traces(s.w_before, s.x, bounds),
            "traces": [0, 1, 2, 3],
            "name": str(k),
            "layout": {"title": {"text": _step_caption(s)}},
        }
        for k, s in enumerate(steps)
    ]
    play = {"frame": {"duration": 900, "redraw": True}, "transition": {"duration": 0}}
    # The slider runs the chart's whole width and the play button sits under it: side by side,
    # a narrow chart slid the slider's handle behind the button.
    fig.update_layout(
        sliders=[
            {
                "active": 0,
                "x": 0,
                "len": 1,
                "y": -0.18,
                "yanchor": "top",
                "pad": {"t": 0, "b": 0},
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
        updatemenus=[
            {
                "type": "buttons",
                "showactive": False,
                "x": 0,
                "y": -0.42,
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
    )
    base_layout(fig, height=height, title=_step_caption(first))
    fig.update_layout(
        title={"font": {"size": 13}, "x": 0, "xanchor": "left"},
        margin={"t": 60, "b": 160},
        showlegend=False,
    )
    _square(fig, bounds, x_title="x₁", y_title="x₂")
    return fig.to_dict()
