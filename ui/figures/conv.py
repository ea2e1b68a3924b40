"""Figures of the convolution lesson: the padded input with the sliding window, the kernel and
the output as grids of numbers; per-channel partial maps; pooling windows."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from ui.figures.common import base_layout
from ui.formatting import num
from ui.style import BOUNDARY, DIVERGING, HIGHLIGHT, MUTED, rgba

# Cell fills, one meaning each (the window is the lesson's HIGHLIGHT colour).
FILL = {
    "input": "#F3F6FA",
    "padding": "#DCE2EA",
    "uncovered": "#F6E8A6",  # never read by any window: the floor dropped it
    "uncovered_pad": "#E9DA8C",
    "tap": rgba(HIGHLIGHT, 0.42),  # read by the current window
    "gap": rgba(HIGHLIGHT, 0.14),  # inside the window but skipped by dilation
    "done": "#F3F6FA",  # output entries computed so far
    "todo": "#FFFFFF",
    "current": rgba(HIGHLIGHT, 0.42),
}
CHANNEL_TINTS = ("#C0392B", "#1E8449", "#2E5FA8", "#7D3C98")  # R, G, B, then a fourth
CHANNEL_NAMES = ("R", "G", "B", "4th")
CELL_PX = 46
GAP = 2


def _codes_heatmap(codes: np.ndarray, names: Sequence[str]) -> go.Heatmap:
    """A heatmap whose integer codes index into ``names`` (keys of FILL)."""
    n = len(names)
    scale = []
    for k, name in enumerate(names):
        scale += [[k / n, FILL[name]], [(k + 1) / n, FILL[name]]]
    return go.Heatmap(
        z=codes,
        zmin=-0.5,
        zmax=n - 0.5,
        colorscale=scale,
        showscale=False,
        xgap=GAP,
        ygap=GAP,
        hoverinfo="skip",
    )


def _numbers(values: np.ndarray, colours: np.ndarray | str, shown: np.ndarray | None = None):
    rows, cols = np.indices(values.shape)
    texts = np.array([num(v, digits=2) for v in values.ravel()], dtype=object)
    if shown is not None:
        texts[~shown.ravel()] = ""
    return go.Scatter(
        x=cols.ravel(),
        y=rows.ravel(),
        mode="text",
        text=list(texts),
        textfont={"size": 15, "color": colours if isinstance(colours, str) else list(colours)},
        hoverinfo="skip",
        showlegend=False,
    )


def _box(fig: go.Figure, r0, r1, c0, c1, *, col: int, colour: str, width=3, dash=None) -> None:
    fig.add_shape(
        type="rect",
        x0=c0 - 0.5,
        x1=c1 + 0.5,
        y0=r0 - 0.5,
        y1=r1 + 0.5,
        line={"color": colour, "width": width, "dash": dash},
        row=1,
        col=col,
    )


def sliding_window_figure(
    x_pad: np.ndarray,
    inside: np.ndarray,
    *,
    covered_rows: np.ndarray,
    covered_cols: np.ndarray,
    taps: tuple[np.ndarray, np.ndarray] | None,
    out: np.ndarray,
    out_shown: np.ndarray,
    current: tuple[int, int] | None,
    kernel: np.ndarray | None = None,
    op_label: str = "∗",
    titles: Sequence[str] = ("padded input", "kernel", "output"),
) -> go.Figure:
    """The padded input, the kernel (if any) and the output, side by side as grids of numbers.

    Parameters
    ----------
    x_pad : (H_p, W_p) padded input values.
    inside : (H_p, W_p) True on the original input, False on padding.
    covered_rows, covered_cols : (H_p,), (W_p,) whether some window reads that row / column.
    taps : the current window's rows (k_h,) and columns (k_w,) in x_pad, or None.
    out : (H_out, W_out) output values.
    out_shown : (H_out, W_out) which output values are revealed (computed so far).
    current : the output entry being computed, or None.
    kernel : (k_h, k_w) kernel values; None for pooling (no kernel panel).
    """
    hp, wp = x_pad.shape
    ho, wo = out.shape
    panels = [("input", wp)] + ([("kernel", kernel.shape[1])] if kernel is not None else [])
    panels.append(("output", wo))
    widths = [w for _, w in panels]
    rows_max = max(hp, ho, 0 if kernel is None else kernel.shape[0])
    spacing = 0.05
    fig = make_subplots(
        rows=1,
        cols=len(panels),
        column_widths=widths,
        horizontal_spacing=spacing,
        subplot_titles=list(titles if kernel is not None else (titles[0], titles[-1])),
    )

    # Padded input: fills say padding / never read / under the window.
    uncovered = ~(covered_rows[:, None] & covered_cols[None, :])
    codes = np.where(inside, 0, 1)
    codes = np.where(uncovered & inside, 2, codes)
    codes = np.where(uncovered & ~inside, 3, codes)
    if taps is not None:
        rows, cols = taps
        span = np.zeros_like(inside)
        span[rows[0] : rows[-1] + 1, cols[0] : cols[-1] + 1] = True
        codes = np.where(span, 5, codes)
        codes[np.ix_(rows, cols)] = 4
    fig.add_trace(
        _codes_heatmap(codes, ("input", "padding", "uncovered", "uncovered_pad", "tap", "gap")),
        row=1,
        col=1,
    )
    fig.add_trace(_numbers(x_pad, np.where(inside, BOUNDARY, MUTED).ravel()), row=1, col=1)
    if not inside.all():
        r, c = np.nonzero(inside)
        _box(fig, r.min(), r.max(), c.min(), c.max(), col=1, colour=MUTED, width=2, dash="dot")
    if taps is not None:
        rows, cols = taps
        _box(fig, rows[0], rows[-1], cols[0], cols[-1], col=1, colour=HIGHLIGHT)

    col = 1
    if kernel is not None:
        col = 2
        lim = max(1.0, float(np.max(np.abs(kernel))))
        fig.add_trace(
            go.Heatmap(
                z=kernel,
                zmin=-lim * 1.6,
                zmax=lim * 1.6,  # pale colours, so the numbers stay readable
                colorscale=DIVERGING,
                showscale=False,
                xgap=GAP,
                ygap=GAP,
                hoverinfo="skip",
            ),
            row=1,
            col=2,
        )
        fig.add_trace(_numbers(kernel, BOUNDARY), row=1, col=2)
        _box(fig, 0, kernel.shape[0] - 1, 0, kernel.shape[1] - 1, col=2, colour=HIGHLIGHT)

    col += 1
    out_codes = np.where(out_shown, 0, 1)
    if current is not None:
        out_codes[current] = 2
    fig.add_trace(_codes_heatmap(out_codes, ("done", "todo", "current")), row=1, col=col)
    fig.add_trace(_numbers(out, BOUNDARY, shown=out_shown), row=1, col=col)
    _box(fig, 0, ho - 1, 0, wo - 1, col=col, colour="#C4CCD8", width=1)
    if current is not None:
        _box(fig, *current, *current, col=col, colour=HIGHLIGHT)

    # Every panel shares the same row range, so cells come out the same size in each.
    for i, (_, width) in enumerate(panels, start=1):
        fig.update_xaxes(range=[-0.5, width - 0.5], row=1, col=i)
        fig.update_yaxes(
            range=[rows_max - 0.5, -0.5], scaleanchor=f"x{'' if i == 1 else i}", row=1, col=i
        )
    _top_left(fig)
    # The operator between the panels.
    left = 0.0
    total = sum(widths)
    usable = 1 - spacing * (len(panels) - 1)
    for i, width in enumerate(widths[:-1]):
        left += width / total * usable
        label = op_label if (i == 0 and kernel is not None) else "="
        if kernel is None:
            label = f"{op_label} →"
        fig.add_annotation(
            x=left + spacing / 2,
            y=0.5,
            xref="paper",
            yref="paper",
            text=label,
            showarrow=False,
            font={"size": 24, "color": MUTED},
        )
        left += spacing
    height = int(min(620, max(240, CELL_PX * rows_max + 70)))
    base_layout(fig, height=height)
    fig.update_layout(margin={"l": 10, "r": 10, "t": 40, "b": 10})
    fig.update_annotations(font_size=15, selector={"xref": "x domain"})
    return fig


def _top_left(fig: go.Figure) -> None:
    """Grids keep square cells and hug the top of their panel, under their titles."""
    fig.update_xaxes(visible=False, constrain="domain")
    fig.update_yaxes(visible=False, constrain="domain", constraintoward="top")


def _map_heatmap(values: np.ndarray, *, tint: str | None, lim: float) -> go.Heatmap:
    if tint is None:
        scale, zmin, zmax = DIVERGING, -lim * 1.4, lim * 1.4
    else:
        scale, zmin, zmax = [[0, "#FFFFFF"], [1, rgba(tint, 0.55)]], 0.0, max(lim, 1e-9)
    return go.Heatmap(
        z=values,
        zmin=zmin,
        zmax=zmax,
        colorscale=scale,
        showscale=False,
        xgap=GAP,
        ygap=GAP,
        hoverinfo="skip",
    )


def channels_figure(
    x: np.ndarray,
    w: np.ndarray,
    partial: np.ndarray,
    out: np.ndarray,
    *,
    bias: float,
    cell: tuple[int, int],
    taps: tuple[np.ndarray, np.ndarray],
    padding: tuple[int, int],
) -> go.Figure:
    """One filter on a multi-channel input: per channel, input ∗ kernel = partial map; then the
    sum of the partial maps plus the bias is the one output channel.

    Parameters
    ----------
    x : (C, H, W) input (unpadded; ``padding`` per side is drawn as a frame of zeros).
    w : (C, k_h, k_w) the filter.
    partial : (C, H_out, W_out) each channel's cross-correlation.
    out : (H_out, W_out) sum of the partial maps plus bias.
    cell : the output entry whose window is drawn; taps as from ``window_taps``.
    """
    c = x.shape[0]
    ph, pw = padding
    xp = np.pad(x, ((0, 0), (ph, ph), (pw, pw)))
    titles = []
    for k in range(c):
        name = CHANNEL_NAMES[k]
        titles += [f"input channel {name}", f"kernel for {name}", f"partial map {name}"]
    titles += ["", "", f"output: Σ partial maps + b (b = {num(bias)})"]
    fig = make_subplots(
        rows=c + 1,
        cols=3,
        column_widths=[xp.shape[2], w.shape[2], out.shape[1]],
        horizontal_spacing=0.07,
        vertical_spacing=0.06,
        subplot_titles=titles,
    )
    rows_max = max(xp.shape[1], w.shape[1], out.shape[0])
    x_lim = max(1.0, float(np.max(np.abs(x))))
    w_lim = max(1.0, float(np.max(np.abs(w))))
    p_lim = max(1.0, float(np.max(np.abs(partial))), float(np.max(np.abs(out))))
    inside = np.zeros(xp.shape[1:], dtype=bool)
    inside[ph : ph + x.shape[1], pw : pw + x.shape[2]] = True
    tr, tc = taps
    for k in range(c):
        r = k + 1
        fig.add_trace(_map_heatmap(xp[k], tint=CHANNEL_TINTS[k], lim=x_lim), row=r, col=1)
        fig.add_trace(_numbers(xp[k], np.where(inside, BOUNDARY, MUTED).ravel()), row=r, col=1)
        _box_rc(fig, tr[0], tr[-1], tc[0], tc[-1], row=r, col=1)
        fig.add_trace(_map_heatmap(w[k], tint=None, lim=w_lim), row=r, col=2)
        fig.add_trace(_numbers(w[k], BOUNDARY), row=r, col=2)
        fig.add_trace(_map_heatmap(partial[k], tint=None, lim=p_lim), row=r, col=3)
        fig.add_trace(_numbers(partial[k], BOUNDARY), row=r, col=3)
        _box_rc(fig, *cell, *cell, row=r, col=3)
    fig.add_trace(_map_heatmap(out, tint=None, lim=p_lim), row=c + 1, col=3)
    fig.add_trace(_numbers(out, BOUNDARY), row=c + 1, col=3)
    _box_rc(fig, *cell, *cell, row=c + 1, col=3)
    for r in range(1, c + 2):
        for col, width in enumerate((xp.shape[2], w.shape[2], out.shape[1]), start=1):
            idx = (r - 1) * 3 + col
            fig.update_xaxes(range=[-0.5, width - 0.5], row=r, col=col)
            fig.update_yaxes(
                range=[rows_max - 0.5, -0.5],
                scaleanchor=f"x{'' if idx == 1 else idx}",
                row=r,
                col=col,
            )
    _top_left(fig)
    per_row = min(230, 34 * rows_max + 40)
    base_layout(fig, height=int(per_row * (c + 1) + 30))
    fig.update_layout(margin={"l": 10, "r": 10, "t": 30, "b": 10})
    fig.update_annotations(font_size=14)
    return fig


def _box_rc(fig: go.Figure, r0, r1, c0, c1, *, row: int, col: int) -> None:
    fig.add_shape(
        type="rect",
        x0=c0 - 0.5,
        x1=c1 + 0.5,
        y0=r0 - 0.5,
        y1=r1 + 0.5,
        line={"color": HIGHLIGHT, "width": 3},
        row=row,
        col=col,
    )


def output_channels_figure(outs: np.ndarray) -> go.Figure:
    """Each filter's output map side by side: (O, H_out, W_out) -> O panels."""
    o, ho, wo = outs.shape
    fig = make_subplots(
        rows=1,
        cols=o,
        horizontal_spacing=0.04,
        subplot_titles=[f"output channel {k + 1} (filter {k + 1})" for k in range(o)],
    )
    lim = max(1.0, float(np.max(np.abs(outs))))
    for k in range(o):
        fig.add_trace(_map_heatmap(outs[k], tint=None, lim=lim), row=1, col=k + 1)
        fig.add_trace(_numbers(outs[k], BOUNDARY), row=1, col=k + 1)
        fig.update_xaxes(range=[-0.5, wo - 0.5], row=1, col=k + 1)
        fig.update_yaxes(
            range=[ho - 0.5, -0.5], scaleanchor=f"x{'' if k == 0 else k + 1}", row=1, col=k + 1
        )
    _top_left(fig)
    base_layout(fig, height=int(min(320, 40 * ho + 70)))
    fig.update_layout(margin={"l": 10, "r": 10, "t": 40, "b": 10})
    fig.update_annotations(font_size=14)
    return fig
