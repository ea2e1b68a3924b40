"""Figures for the perceptron lessons: points, the boundary line, half-planes, the weight vector.

Built as plain dicts (ui/figures/spec.py); every builder returns ``fig.to_dict()``.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ui.figures.common import base_layout
from ui.figures.spec import Fig, Spec, trace
from ui.style import BOUNDARY, HIGHLIGHT, MUTED, class_colour, rgba

Bounds = tuple[float, float, float, float]  # x_min, x_max, y_min, y_max
# Point labels sit on a translucent white box, so a line passing under a label never crosses
# its text.
LABEL_BOX = "rgba(255, 255, 255, 0.8)"


def view_bounds(X: np.ndarray, *, margin: float = 1.0) -> Bounds:
    """A square view around the points with room for the boundary to show on both sides."""
    if len(X) == 0:
        return (-1.0, 1.0, -1.0, 1.0)
    lo = X.min(axis=0)
    hi = X.max(axis=0)
    centre = (lo + hi) / 2
    half = max(float(np.max(hi - lo)) / 2, 0.5) + margin
    return (centre[0] - half, centre[0] + half, centre[1] - half, centre[1] + half)


def _corners(bounds: Bounds) -> np.ndarray:
    x0, x1, y0, y1 = bounds
    return np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]])


def clip_polygon(poly: np.ndarray, w: Sequence[float], *, positive: bool) -> np.ndarray:
    """The part of a convex polygon (k, 2) where w1*x1 + w2*x2 + b >= 0 (or <= 0).

    One Sutherland–Hodgman pass against a single half-plane; returns (m, 2) vertices, m may be 0.
    """
    w1, w2, b = (float(v) for v in w)
    sign = 1.0 if positive else -1.0
    values = sign * (poly @ np.array([w1, w2]) + b)
    out: list[np.ndarray] = []
    for i in range(len(poly)):
        p, q = poly[i], poly[(i + 1) % len(poly)]
        fp, fq = values[i], values[(i + 1) % len(poly)]
        if fp >= 0:
            out.append(p)
        if (fp >= 0) != (fq >= 0):
            t = fp / (fp - fq)
            out.append(p + t * (q - p))
    return np.array(out).reshape(-1, 2)


def halfplane_polygon(w: Sequence[float], bounds: Bounds, *, positive: bool) -> np.ndarray:
    """The part of the view where w1*x1 + w2*x2 + b > 0 (or <= 0), as (k, 2) vertices."""
    if w[0] == 0 and w[1] == 0:  # no line: the score is b everywhere
        return _corners(bounds) if (float(w[2]) > 0) == positive else np.zeros((0, 2))
    return clip_polygon(_corners(bounds), w, positive=positive)


def boundary_segment(w: Sequence[float], bounds: Bounds) -> np.ndarray | None:
    """The piece of the line w1*x1 + w2*x2 + b = 0 inside the view, or None if it misses it."""
    w1, w2, b = (float(v) for v in w)
    if w1 == 0 and w2 == 0:
        return None
    x0, x1, y0, y1 = bounds
    points = []
    if w2 != 0:
        for x in (x0, x1):
            y = -(w1 * x + b) / w2
            if y0 - 1e-9 <= y <= y1 + 1e-9:
                points.append((x, y))
    if w1 != 0:
        for y in (y0, y1):
            x = -(w2 * y + b) / w1
            if x0 - 1e-9 <= x <= x1 + 1e-9:
                points.append((x, y))
    # A corner can be hit twice; the two farthest-apart points are the segment's ends. (Plain
    # Python: np.unique(axis=0) on four points cost milliseconds.)
    unique = list(dict.fromkeys((round(x, 12), round(y, 12)) for x, y in points))
    if len(unique) < 2:
        return None
    ends = max(
        ((p, q) for k, p in enumerate(unique) for q in unique[k + 1 :]),
        key=lambda pq: (pq[0][0] - pq[1][0]) ** 2 + (pq[0][1] - pq[1][1]) ** 2,
    )
    return np.array(ends, dtype=float)


def closed(poly: np.ndarray) -> tuple[list[float], list[float]]:
    """A polygon's vertices as plotly x and y lists, back to the first vertex."""
    return [*poly[:, 0].tolist(), float(poly[0, 0])], [*poly[:, 1].tolist(), float(poly[0, 1])]


def fill_trace(cls: int, xs: list, ys: list, *, alpha: float = 0.13) -> Spec:
    """A translucent fill in the colour of class ``cls`` (several polygons split by None)."""
    return trace(
        "scatter",
        x=xs,
        y=ys,
        mode="lines",
        fill="toself",
        fillcolor=rgba(class_colour(cls), alpha),
        line={"width": 0},
        hoverinfo="skip",
        name=f"predicted class {cls}",
        showlegend=False,
    )


def shade_halfplanes(fig: Fig, w: Sequence[float], bounds: Bounds) -> None:
    """Tint each side of the line w·x + b = 0 in the colour of the class it predicts."""
    for cls in (0, 1):
        poly = halfplane_polygon(w, bounds, positive=cls == 1)
        if len(poly) < 3:
            continue
        fig.add_trace(fill_trace(cls, *closed(poly)))


def line_trace(
    w: Sequence[float],
    bounds: Bounds,
    *,
    name: str,
    dash: str = "solid",
    colour: str = BOUNDARY,
    width: float = 3,
    hoverinfo: str = "skip",
) -> Spec | None:
    """The boundary w·x + b = 0 inside the view as a line trace, or None if it misses it."""
    seg = boundary_segment(w, bounds)
    if seg is None:
        return None
    return trace(
        "scatter",
        x=seg[:, 0].tolist(),
        y=seg[:, 1].tolist(),
        mode="lines",
        line={"color": colour, "width": width, "dash": dash},
        name=name,
        hoverinfo=hoverinfo,
    )


def _normal_arrow(fig: Fig, w: Sequence[float], bounds: Bounds) -> None:
    """The weight vector (w1, w2) drawn from the boundary point nearest the view's centre."""
    w1, w2, b = (float(v) for v in w)
    norm2 = w1 * w1 + w2 * w2
    if norm2 == 0:
        return
    x0, x1, y0, y1 = bounds
    centre = np.array([(x0 + x1) / 2, (y0 + y1) / 2])
    direction = np.array([w1, w2])
    foot = centre - (centre @ direction + b) / norm2 * direction
    if not (x0 <= foot[0] <= x1 and y0 <= foot[1] <= y1):
        return
    tip = foot + 0.18 * (x1 - x0) * direction / np.sqrt(norm2)
    fig.add_annotation(
        x=float(tip[0]),
        y=float(tip[1]),
        ax=float(foot[0]),
        ay=float(foot[1]),
        xref="x",
        yref="y",
        axref="x",
        ayref="y",
        showarrow=True,
        arrowhead=3,
        arrowsize=1.3,
        arrowwidth=2.5,
        arrowcolor=BOUNDARY,
        text="",
    )
    # The label beside the arrow's middle, off to its left: the tip may sit on a point.
    unit = direction / np.sqrt(norm2)
    middle = foot + 0.55 * (tip - foot)
    fig.add_annotation(
        x=float(middle[0]),
        y=float(middle[1]),
        text="<b>w</b>",
        showarrow=False,
        xshift=float(-14 * unit[1]),
        yshift=float(14 * unit[0]),
        font={"size": 16, "color": BOUNDARY},
        bgcolor=LABEL_BOX,
    )


def point_labels(
    fig: Fig,
    X: np.ndarray,
    labels: Sequence[str],
    positions: Sequence[str],
    *,
    size: int = 13,
    gap: float = 11,
) -> None:
    """Each point's label as an annotation on a white box beside it (``positions`` as plotly's
    textposition: "top right", "bottom center", ...), so lines passing by never cross the text."""
    for (px, py), text, where in zip(X, labels, positions, strict=True):
        if not text:
            continue
        vertical, horizontal = [*where.split(), "center"][:2]
        fig.add_annotation(
            x=float(px),
            y=float(py),
            text=text,
            showarrow=False,
            xanchor={"left": "right", "right": "left"}.get(horizontal, "center"),
            yanchor={"top": "bottom", "bottom": "top"}.get(vertical, "middle"),
            xshift={"left": -gap, "right": gap}.get(horizontal, 0),
            yshift={"top": gap, "bottom": -gap}.get(vertical, 0),
            font={"size": size, "color": "#4A5568"},
            bgcolor=LABEL_BOX,
            borderpad=1,
        )


def _points(
    fig: Fig,
    X: np.ndarray,
    y: np.ndarray,
    *,
    names: Sequence[str] | None = None,
    predicted: np.ndarray | None = None,
) -> None:
    labels = list(names or [f"x{i + 1}" for i in range(len(X))])
    few = len(X) <= 12
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
                    "size": 15 if few else 10,
                    "color": class_colour(cls),
                    "symbol": "circle" if cls == 0 else "diamond",
                    "line": {"width": 1.5, "color": "white"},
                },
                name=f"class {cls}",
                customdata=[labels[i] for i in idx],
                hovertemplate="%{customdata}: (%{x}, %{y})<extra>class " + str(cls) + "</extra>",
            )
        )
    if few:
        point_labels(fig, X, labels, ["top right"] * len(X), gap=7)
    if predicted is not None:
        cross_out(fig, X, predicted != y, name="misclassified now", size=22, width=2.5)


def cross_out(
    fig: Fig, X: np.ndarray, wrong: np.ndarray, *, name: str, size: int, width: float
) -> None:
    """A thin cross over each point where ``wrong`` is true (nothing when none is)."""
    bad = np.flatnonzero(wrong)
    if bad.size == 0:
        return
    fig.add_trace(
        trace(
            "scatter",
            x=X[bad, 0].tolist(),
            y=X[bad, 1].tolist(),
            mode="markers",
            marker={
                "size": size,
                "symbol": "x-thin-open",
                "line": {"width": width, "color": BOUNDARY},
                "color": BOUNDARY,
            },
            name=name,
            hoverinfo="skip",
        )
    )


def perceptron_plane(
    X: np.ndarray,
    y: np.ndarray,
    w: Sequence[float],
    *,
    w_before: Sequence[float] | None = None,
    current: int | None = None,
    bounds: Bounds | None = None,
    show_normal: bool = True,
    mark_mistakes: bool = True,
    height: int = 480,
) -> Spec:
    """Points in the input plane with the perceptron's boundary and predicted half-planes.

    Parameters
    ----------
    X : (n, 2) points. y : (n,) labels in {0, 1}.
    w : (3,) extended weights (w1, w2, b) drawn as the solid boundary and the shading.
    w_before : (3,) weights before the last update, drawn dashed (the line that moved).
    current : index of the point being visited, ringed.
    """
    bounds = bounds or view_bounds(X)
    fig = Fig()
    shade_halfplanes(fig, w, bounds)
    if w_before is not None and not np.array_equal(np.asarray(w_before), np.asarray(w)):
        before = line_trace(
            w_before, bounds, name="boundary before the update", dash="dash", colour=MUTED
        )
        if before is not None:
            fig.add_trace(before)
    now = line_trace(w, bounds, name="boundary w·x + b = 0")
    if now is not None:
        fig.add_trace(now)
    predicted = None
    if mark_mistakes and len(X):
        predicted = (X @ np.asarray(w[:2], dtype=float) + float(w[2]) > 0).astype(int)
    _points(fig, X, y, predicted=predicted)
    if current is not None:
        fig.add_trace(
            trace(
                "scatter",
                x=[float(X[current, 0])],
                y=[float(X[current, 1])],
                mode="markers",
                marker={
                    "size": 30,
                    "color": "rgba(0,0,0,0)",
                    "line": {"width": 3.5, "color": HIGHLIGHT},
                },
                name=f"current point x{current + 1}",
                hoverinfo="skip",
            )
        )
    if show_normal:
        _normal_arrow(fig, w, bounds)
    base_layout(fig, height=height)
    fig.update_xaxes(range=list(bounds[:2]), title="x₁", constrain="domain")
    fig.update_yaxes(range=list(bounds[2:]), title="x₂", scaleanchor="x", scaleratio=1)
    return fig.to_dict()


def mistakes_until(steps: Sequence, cursor: int) -> list[int]:
    """Mistakes (updates) in each epoch among the first ``cursor`` steps of a run."""
    counts: dict[int, int] = {}
    for s in steps[:cursor]:
        counts[s.epoch] = counts.get(s.epoch, 0) + int(s.updated)
    return [counts[e] for e in sorted(counts)]


def mistakes_chart(mistakes: Sequence[int], *, height: int = 260) -> Spec:
    """Mistakes (updates) made in each epoch: reaching 0 is convergence."""
    epochs = list(range(1, len(mistakes) + 1))
    fig = Fig(
        trace(
            "bar",
            x=epochs,
            y=list(mistakes),
            marker={"color": MUTED},
            hovertemplate="epoch %{x}: %{y} mistakes<extra></extra>",
        )
    )
    base_layout(fig, height=height)
    fig.update_xaxes(title="epoch", **({"dtick": 1} if len(epochs) <= 20 else {}))
    fig.update_yaxes(title="mistakes", rangemode="tozero", dtick=1)
    return fig.to_dict()
