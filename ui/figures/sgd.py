"""Figures for the gradient-descent lesson: the loss surface with trajectories, the loss curves,
the data, and one epoch cut into batches."""

from __future__ import annotations

import base64
import io
from collections.abc import Mapping

import numpy as np
from PIL import Image

from engine.sgd import METHOD_NAMES, Trajectory
from ui.figures.common import base_layout
from ui.figures.spec import Fig, Spec, trace
from ui.style import BOUNDARY, HIGHLIGHT, MUTED, class_colour

# One colour per way of descending, on both charts (none of them a class colour).
METHOD_COLOURS = {"gd": BOUNDARY, "minibatch": "#009E73", "sgd": "#D55E00"}
METHOD_WIDTHS = {"gd": 3.0, "minibatch": 2.0, "sgd": 1.0}
METHOD_OPACITY = {"gd": 1.0, "minibatch": 1.0, "sgd": 0.75}  # the noisiest path recedes a bit
MAX_DRAWN = 1500  # points per trajectory sent to the browser; more adds nothing visible
DRAW_ORDER = ("sgd", "minibatch", "gd")  # thinnest underneath
# The descent animation: 24 frames of 120 ms (2.9 s), each path thinned to 100 points per frame:
# the browser parses every frame on each redraw, so they are kept to about 100 kB.
ANIMATION_FRAMES = 24
FRAME_MS = 120
FRAME_POINTS = 100
# Light, monochrome background so the three coloured paths stand out.
SURFACE_SCALE = [[0.0, "#FFFFFF"], [0.5, "#DCE4EF"], [1.0, "#8FA3C0"]]
SURFACE_LEVELS = 14
LOSS_TICKS = (0.1, 0.2, 0.3, 0.5, 0.7, 1, 1.5, 2, 3, 5, 7, 10, 15, 20, 30, 50)

Bounds = tuple[float, float, float, float]


def view_bounds(points: np.ndarray, *, aspect: float = 1.6, min_half: float = 1.5) -> Bounds:
    """A view around the given weight vectors (m, 2), ``aspect`` times wider (w₁) than tall (w₂),
    so that with equal scales on both axes it fills a wide chart."""
    points = np.asarray(points, dtype=float)
    lo, hi = points.min(axis=0), points.max(axis=0)
    centre = (lo + hi) / 2
    spread = (hi - lo) / 2 * 1.4 + 0.6
    half_h = max(float(spread[1]), float(spread[0]) / aspect, min_half)
    half_w = half_h * aspect
    return (centre[0] - half_w, centre[0] + half_w, centre[1] - half_h, centre[1] + half_h)


def thin(n: int, limit: int = MAX_DRAWN) -> np.ndarray:
    """Indices of at most ~limit evenly spaced rows of n, always with the first and last."""
    if n <= limit:
        return np.arange(n)
    idx = np.unique(np.linspace(0, n - 1, limit).round().astype(int))
    return idx


def _label(t: Trajectory) -> str:
    name = METHOD_NAMES[t.method]
    if t.method == "minibatch":
        name += f" (b = {t.batch_size})"
    return name + (" — diverged" if t.diverged else "")


def surface_figure(
    w1: np.ndarray,
    w2: np.ndarray,
    Z: np.ndarray,
    runs: Mapping[str, Trajectory],
    *,
    w_star: np.ndarray,
    bounds: Bounds,
    height: int = 480,
    animate_from: Mapping[str, Trajectory] | None = None,
    picture: str | None = None,
) -> Spec:
    """Contours of L(w₁, w₂) (coloured on a log scale), the minimum, and every trajectory.

    The surface is ``picture`` (``surface_picture`` of the same grid; made here if not given)
    under the plot. With ``animate_from`` (the whole runs), the figure also carries plotly frames
    and a button that plays the descent in the browser: the three paths grow from w₀, epoch by
    epoch, to the epoch ``runs`` were cut at, with no round trip to the server.
    """
    fig = Fig()
    logz = np.log10(Z)
    ticks = [v for v in LOSS_TICKS if Z.min() * 0.8 <= v <= Z.max() * 1.2]
    # The surface is a picture laid under the plot (made once per view and cached), not a contour
    # trace: plotly.js traces the contour lines in the browser on every redraw, which was most of
    # the 300-400 ms this chart took to draw after each slider move (and it hides contour traces
    # while playing frames anyway, plotly.js issue 4491). What the contour trace also gave, the
    # loss under the pointer and the colour bar, comes from a transparent heatmap of the same
    # grid: one image to paint, where invisible markers would be a thousand SVG nodes.
    fig.add_trace(
        trace(
            "heatmap",
            x=w1,
            y=w2,
            z=logz.astype(np.float32),  # half the bytes to send; far finer than any colour step
            customdata=Z.astype(np.float32),
            colorscale=SURFACE_SCALE,
            opacity=0,
            colorbar={
                "title": {"text": "loss L", "side": "right"},
                "tickvals": np.log10(ticks).tolist(),
                "ticktext": [f"{v:g}" for v in ticks],
                "thickness": 12,
                "len": 0.75,
                "y": 1,  # beside the plot, which is pinned to the top of the figure
                "yanchor": "top",
            },
            hovertemplate="w₁ = %{x:.2f}<br>w₂ = %{y:.2f}<br>L = %{customdata:.3f}<extra></extra>",
            name="loss surface",
            showlegend=False,
        )
    )
    fig.add_layout_image(
        source=picture or surface_picture(logz),
        xref="x", yref="y", x=float(w1[0]), y=float(w2[-1]),
        sizex=float(w1[-1] - w1[0]), sizey=float(w2[-1] - w2[0]),
        sizing="stretch", layer="below",
    )  # fmt: skip
    for key in DRAW_ORDER:
        if key in runs:
            fig.add_traces(_run_traces(runs[key], MAX_DRAWN))
    start = next(iter(runs.values())).weights[0] if runs else w_star
    fig.add_trace(
        trace(
            "scatter",
            x=[start[0]],
            y=[start[1]],
            mode="markers+text",
            marker={"symbol": "circle-open", "size": 14, "color": BOUNDARY, "line": {"width": 3}},
            text=["start w₀"],
            textposition="bottom center",
            name="start w₀",
            showlegend=False,
            hovertemplate="start w₀ = (%{x:.2f}, %{y:.2f})<extra></extra>",
        )
    )
    fig.add_trace(
        trace(
            "scatter",
            x=[w_star[0]],
            y=[w_star[1]],
            mode="markers+text",
            marker={"symbol": "star", "size": 16, "color": "#F0E442", "line": {"width": 1.5}},
            text=["minimum w*"],
            textposition="top center",
            name="minimum w*",
            showlegend=False,
            hovertemplate="minimum w* = (%{x:.3f}, %{y:.3f})<extra></extra>",
        )
    )
    base_layout(fig, height=height)
    fig.update_layout(legend={"y": 1.01, "font": {"size": 13}}, margin={"t": 30})
    # Equal scales on both axes (the gradient is then drawn at right angles to the contours);
    # "domain" shrinks the plot to the view instead of widening the view with blank margins.
    fig.update_xaxes(
        title="w₁", range=list(bounds[:2]), showgrid=False, zeroline=False, constrain="domain"
    )
    fig.update_yaxes(
        title="w₂", range=list(bounds[2:]), showgrid=False, zeroline=False,
        scaleanchor="x", scaleratio=1, constrain="domain", constraintoward="top",
    )  # fmt: skip
    if animate_from is not None and runs:
        return _add_descent_animation(fig.to_dict(), runs, animate_from)
    return fig.to_dict()


def surface_picture(logz: np.ndarray, upscale: int = 4) -> str:
    """The contour plot of log L as a PNG data URI: the same colours and about the same lines.

    Row 0 of ``logz`` is the bottom of the view. Lines are drawn where the upscaled surface
    crosses one of SURFACE_LEVELS equally spaced levels, like the lines of a contour plot.
    """
    h, w = logz.shape
    fine = np.asarray(
        Image.fromarray(logz.astype(np.float32), mode="F").resize(
            (w * upscale, h * upscale), Image.Resampling.BILINEAR
        ),
        dtype=np.float64,
    )[::-1]
    span = float(np.ptp(fine)) or 1.0
    t = (fine - fine.min()) / span
    stops = np.array([pos for pos, _ in SURFACE_SCALE])
    rgb = np.array([[int(c[i : i + 2], 16) for i in (1, 3, 5)] for _, c in SURFACE_SCALE])
    img = np.stack([np.interp(t, stops, rgb[:, k]) for k in range(3)], axis=-1)
    band = np.floor(t * SURFACE_LEVELS)
    edge = np.zeros(t.shape, dtype=bool)
    edge[:, 1:] |= band[:, 1:] != band[:, :-1]
    edge[1:, :] |= band[1:, :] != band[:-1, :]
    img[edge] = 0.75 * img[edge] + 0.25 * np.array([60.0, 80.0, 110.0])  # the trace's line colour
    buffer = io.BytesIO()
    Image.fromarray(np.rint(img).astype(np.uint8)).save(buffer, format="PNG", compress_level=1)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def _run_traces(t: Trajectory, limit: int) -> list[Spec]:
    """A method's path (at most ~limit points, with hover) and the marker where it ends."""
    key = t.method
    idx = thin(len(t.weights), limit)
    w = t.weights[idx]
    end = t.weights[-1]
    return [
        trace(
            "scatter",
            x=w[:, 0],
            y=w[:, 1],
            mode="lines+markers" if len(idx) <= 60 else "lines",
            line={"color": METHOD_COLOURS[key], "width": METHOD_WIDTHS[key]},
            marker={"size": 6, "color": METHOD_COLOURS[key]},
            opacity=METHOD_OPACITY[key],
            name=_label(t),
            customdata=np.column_stack([idx, t.epochs[idx], t.losses[idx]]),
            hovertemplate=(
                f"{METHOD_NAMES[key]}<br>iteration %{{customdata[0]}} "
                "(epoch %{customdata[1]:.2f})<br>w = (%{x:.3f}, %{y:.3f})"
                "<br>L = %{customdata[2]:.4f}<extra></extra>"
            ),
        ),
        trace(
            "scatter",
            x=[end[0]],
            y=[end[1]],
            mode="markers",
            marker={
                "symbol": "x" if t.diverged else "circle",
                "size": 12 if t.diverged else 9,
                "color": METHOD_COLOURS[key],
                "line": {"color": "white", "width": 1.5},
            },
            showlegend=False,
            hoverinfo="skip",
        ),
    ]


def _frame_traces(t: Trajectory, *, last: bool) -> list[dict]:
    """A method's path and end marker for one animation frame, as plain trace dicts.

    Frames only replace x and y (plotly keeps every other attribute of the trace), so they are
    written as dicts: 240 validated ``go.Scatter`` cost half a second a figure. While playing,
    hover is off; the last frame is the static path itself (the same points and hover data), so
    that hovering after the animation reads the right iteration.
    """
    idx = thin(len(t.weights), MAX_DRAWN if last else FRAME_POINTS)
    w = t.weights[idx]
    end = t.weights[-1]
    if not last:
        w = w.astype(np.float32)  # the frames in between are most of the figure's bytes
    path: dict = {"type": "scatter", "x": w[:, 0], "y": w[:, 1], "name": _label(t)}
    if last:
        path["customdata"] = np.column_stack([idx, t.epochs[idx], t.losses[idx]])
        path["hoverinfo"] = "all"
    else:
        path["hoverinfo"] = "skip"
    path["mode"] = "lines+markers" if len(idx) <= 60 else "lines"
    marker = {"type": "scatter", "x": [float(end[0])], "y": [float(end[1])]}
    marker["marker"] = {
        "symbol": "x" if t.diverged else "circle",
        "size": 12 if t.diverged else 9,
        "color": METHOD_COLOURS[t.method],
        "line": {"color": "white", "width": 1.5},
    }
    return [path, marker]


def _add_descent_animation(
    spec: dict, shown: Mapping[str, Trajectory], whole: Mapping[str, Trajectory]
) -> dict:
    """Frames from epoch 0 to the shown epoch; each replaces the path and end traces."""
    keys = [key for key in DRAW_ORDER if key in shown]
    last = max(float(shown[key].epochs[-1]) for key in keys)
    if last <= 0:
        return spec
    traces = list(range(1, 2 * len(keys) + 1))  # trace 0 is the loss surface
    epochs = np.linspace(0.0, last, ANIMATION_FRAMES + 1)
    frames = []
    for k, epoch in enumerate(epochs):
        final = k == len(epochs) - 1
        data = [
            trace
            for key in keys
            for trace in _frame_traces(shown[key] if final else whole[key].until(epoch), last=final)
        ]
        frames.append({"data": data, "traces": traces, "name": f"f{k}"})
    step = {"frame": {"duration": FRAME_MS, "redraw": False}, "transition": {"duration": 0}}
    play = {
        "type": "buttons",
        "showactive": False,
        "x": 0.0,
        "y": 1.0,
        "xanchor": "left",
        "yanchor": "top",
        "pad": {"l": 6, "t": 6},
        "bgcolor": "white",
        "buttons": [
            {
                "label": f"▶ Watch the {last:g} epoch{'s' if last != 1 else ''}",
                "method": "animate",
                "args": [None, {**step, "mode": "immediate", "fromcurrent": False}],
            }
        ],
    }
    return {**spec, "frames": frames, "layout": {**spec["layout"], "updatemenus": [play]}}


def loss_curve_figure(
    runs: Mapping[str, Trajectory],
    *,
    best: float,
    limit: float | None = None,
    x_axis: str = "epochs",
    now: float | None = None,
    height: int = 340,
) -> Spec:
    """Full-data loss after every iteration, against epochs or iterations (log loss axis);
    ``now`` marks an epoch with a vertical line (on the epochs axis)."""
    fig = Fig()
    if now is not None and x_axis == "epochs":
        fig.add_vline(x=now, line={"color": HIGHLIGHT, "width": 2})
    for key in ("sgd", "minibatch", "gd"):
        if key not in runs:
            continue
        t = runs[key]
        idx = thin(len(t.losses))
        x = t.epochs[idx] if x_axis == "epochs" else idx
        fig.add_trace(
            trace(
                "scatter",
                x=x,
                y=t.losses[idx],
                mode="lines+markers" if len(idx) <= 60 else "lines",
                line={"color": METHOD_COLOURS[key], "width": METHOD_WIDTHS[key]},
                marker={"size": 6},
                name=_label(t),
                customdata=np.column_stack([idx, t.epochs[idx]]),
                hovertemplate=(
                    "iteration %{customdata[0]} (epoch %{customdata[1]:.2f})"
                    "<br>L = %{y:.4f}<extra></extra>"
                ),
            )
        )
    # Annotations on a log axis are placed by log10 of the value (plotly's convention).
    fig.add_hline(y=best, line={"color": MUTED, "dash": "dot", "width": 2})
    fig.add_trace(  # the line's legend entry (an hline has none)
        trace(
            "scatter",
            x=[None], y=[None], mode="lines", name=f"minimum L(w*) = {best:.3f}",
            line={"color": MUTED, "dash": "dot", "width": 2},
        )
    )  # fmt: skip
    top = max(float(t.losses.max()) for t in runs.values()) if runs else best
    if limit is not None:
        top = max(top, limit)
        fig.add_hline(y=limit, line={"color": METHOD_COLOURS["sgd"], "dash": "dash", "width": 1})
        fig.add_annotation(
            x=0, xref="paper", y=np.log10(limit), yanchor="bottom", xanchor="left",
            showarrow=False, text="divergence: a run stops above this",
            font={"color": METHOD_COLOURS["sgd"]},
        )  # fmt: skip
    base_layout(fig, height=height)
    fig.update_xaxes(
        title="epochs (passes over the data)"
        if x_axis == "epochs"
        else "iterations (updates, log scale)",
        type="linear" if x_axis == "epochs" else "log",
    )
    ticks = [v for v in LOSS_TICKS if best * 0.8 <= v <= top * 1.25]
    fig.update_yaxes(title="loss L on all the data", type="log", tickvals=ticks)
    return fig.to_dict()


def data_figure(X: np.ndarray, y: np.ndarray, w: np.ndarray | None = None) -> Spec:
    """The data set, class colours, with the boundary w₁x₁ + w₂x₂ = 0 of the weights w."""
    fig = Fig()
    for k in (0, 1):
        pts = X[y == k]
        fig.add_trace(
            trace(
            "scatter",
                x=pts[:, 0], y=pts[:, 1], mode="markers", name=f"class {k}",
                marker={
                    "color": class_colour(k), "size": 7, "line": {"color": "white", "width": 1}
                },
            )
        )  # fmt: skip
    lim = float(np.abs(X).max()) * 1.05
    if w is not None and np.any(w != 0):
        # The line through the origin perpendicular to w.
        direction = np.array([-w[1], w[0]]) / np.hypot(*w)
        ends = np.outer([-2 * lim, 2 * lim], direction)
        fig.add_trace(
            trace(
            "scatter",
                x=ends[:, 0], y=ends[:, 1], mode="lines", name="boundary of w*",
                line={"color": BOUNDARY, "width": 2, "dash": "dash"}, hoverinfo="skip",
            )
        )  # fmt: skip
    base_layout(fig, height=340)
    fig.update_xaxes(title="x₁", range=[-lim, lim])
    fig.update_yaxes(title="x₂", range=[-lim, lim], scaleanchor="x", scaleratio=1)
    return fig.to_dict()


def batches_figure(batches: list[np.ndarray], n: int) -> Spec:
    """One epoch as a grid: a row per iteration, a column per data point, filled where the point
    is in that iteration's batch. A partition fills every column exactly once."""
    k = len(batches)
    grid = np.zeros((k, n))
    for i, batch in enumerate(batches):
        grid[i, batch] = 1
    fig = Fig(
        trace(
            "heatmap",
            z=grid,
            x=np.arange(n),
            y=np.arange(1, k + 1),
            colorscale=[[0, "#F3F5F9"], [1, METHOD_COLOURS["minibatch"]]],
            zmin=0,
            zmax=1,
            showscale=False,
            xgap=1 if n <= 100 else 0,
            ygap=1 if k <= 40 else 0,
            hovertemplate="iteration %{y}, point %{x}<extra></extra>",
        )
    )
    base_layout(fig, height=int(min(320, max(140, 60 + 14 * k))))
    fig.update_layout(margin={"l": 10, "r": 10, "t": 4, "b": 10})
    fig.update_xaxes(title="data point", showgrid=False, zeroline=False)
    fig.update_yaxes(title="iteration", autorange="reversed", showgrid=False, zeroline=False)
    return fig.to_dict()
