"""Figures of the convolution lesson: grids of numbers side by side on one pair of axes.

Each grid is one heatmap whose cells carry their own numbers (``texttemplate``; plotly sizes
that font to the cell, so two-digit numbers never overlap, however narrow the screen). The
window and the current output entry are outlined by one line trace with gaps. No subplots: the
grids sit in one coordinate system where a cell is one unit, so cells are the same size in every
grid, and a chart is a handful of traces however many grids it has. Figures are plain dicts
(ui.figures.spec).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ui.figures.spec import Fig, Spec, trace
from ui.formatting import num
from ui.style import BOUNDARY, DIVERGING, FONT, HIGHLIGHT, MUTED, rgba

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
CHANNEL_TINTS = ("#C0392B", "#1E8449", "#2E5FA8", "#7D3C98")  # R, G, B, D
CHANNEL_NAMES = ("R", "G", "B", "D")  # D: depth, as in an RGB-D picture
FRAME = "#C4CCD8"
GAP = 2  # px between cells
TITLE_ROOM = 1.3  # cells above a grid for its title
OP_ROOM = 1.8  # cells between two grids for the operator (∗, =)
ROW_ROOM = 0.5  # cells between a grid and the next row's title
# The chart's width in the lesson on a laptop screen: it sets the height (plotly keeps the cells
# square and hugs the top-left, so a narrower screen leaves some room below, never a cut).
DESIGN_WIDTH_PX = 520
MARGIN = {"l": 4, "r": 4, "t": 28, "b": 4}


class Board:
    """Grids of numbers placed on one pair of axes, cell = 1 unit, y pointing down."""

    def __init__(self) -> None:
        self.fig = Fig()
        self.right = 0.0  # the board's extent in cells
        self.bottom = 0.0
        self._outline: tuple[list, list] = ([], [])  # the highlight boxes, one trace with gaps

    def grid(
        self,
        z: np.ndarray,
        text: Sequence[Sequence[str]],
        *,
        at: tuple[float, float],
        colorscale: list,
        zmin: float,
        zmax: float,
        title: str | None = None,
    ) -> None:
        """One grid with its top-left cell centred at ``at`` = (x, y), its numbers on it."""
        x0, y0 = at
        rows, cols = np.shape(z)
        self.fig.add_trace(
            trace(
                "heatmap",
                z=np.asarray(z, dtype=float).tolist(),
                x0=x0,
                dx=1,
                y0=y0,
                dy=1,
                text=[list(row) for row in text],
                texttemplate="%{text}",
                # No colour and no size: plotly picks black or white against each cell's fill,
                # and the largest font (up to the layout's) that fits the cell.
                textfont={"family": FONT},
                colorscale=colorscale,
                zmin=zmin,
                zmax=zmax,
                showscale=False,
                xgap=GAP,
                ygap=GAP,
                hoverinfo="skip",
            )
        )
        if title:
            self.note(title, x0 + (cols - 1) / 2, y0 - 0.55, size=14, anchor=("center", "bottom"))
        self.right = max(self.right, x0 + cols - 0.5)
        self.bottom = max(self.bottom, y0 + rows - 0.5)

    def note(
        self,
        text: str,
        x: float,
        y: float,
        *,
        size: int = 15,
        colour: str = BOUNDARY,
        anchor: tuple[str, str] = ("center", "middle"),
    ) -> None:
        self.fig.add_annotation(
            text=text,
            x=x,
            y=y,
            xanchor=anchor[0],
            yanchor=anchor[1],
            showarrow=False,
            font={"size": size, "color": colour},
        )

    def outline(self, r0: int, r1: int, c0: int, c1: int, *, at: tuple[float, float]) -> None:
        """A highlight box around cells r0..r1 × c0..c1 of the grid placed at ``at``."""
        x0, y0 = at
        left, right = x0 + c0 - 0.5, x0 + c1 + 0.5
        top, bottom = y0 + r0 - 0.5, y0 + r1 + 0.5
        xs, ys = self._outline
        xs += [left, right, right, left, left, None]
        ys += [top, top, bottom, bottom, top, None]

    def frame(self, rows: int, cols: int, *, at: tuple[float, float], dash: str | None = None,
              colour: str = FRAME, width: float = 1) -> None:  # fmt: skip
        """A thin rectangle around a block of cells (the unpadded input, the output)."""
        x0, y0 = at
        line = {"color": colour, "width": width} | ({"dash": dash} if dash else {})
        self.fig.add_shape(
            type="rect", x0=x0 - 0.5, x1=x0 + cols - 0.5, y0=y0 - 0.5, y1=y0 + rows - 0.5,
            line=line, layer="above",
        )  # fmt: skip

    def to_dict(self, *, max_cell_px: float, min_height: int = 160) -> Spec:
        """The figure, sized so that the grids fill a chart DESIGN_WIDTH_PX wide."""
        xs, ys = self._outline
        if xs:
            self.fig.add_trace(
                trace(
                    "scatter", x=xs, y=ys, mode="lines", hoverinfo="skip", showlegend=False,
                    line={"color": HIGHLIGHT, "width": 3},
                )
            )  # fmt: skip
        left, top = -0.6, -0.5 - TITLE_ROOM
        width_cells = self.right + 0.6 - left
        height_cells = self.bottom + 0.6 - top
        cell = min(max_cell_px, DESIGN_WIDTH_PX / width_cells)
        height = max(min_height, round(height_cells * cell) + MARGIN["t"] + MARGIN["b"])
        # Square cells (scaleanchor), the grids in the top-left corner of the chart.
        axis = {"visible": False, "constrain": "domain", "fixedrange": True}
        self.fig.update_layout(
            height=height,
            margin=MARGIN,
            font={"family": FONT, "size": 15},  # also the largest size of the cell numbers
            plot_bgcolor="white",
            paper_bgcolor="white",
            showlegend=False,
            xaxis=axis | {"range": [left, self.right + 0.6], "constraintoward": "left"},
            yaxis=axis
            | {
                "range": [self.bottom + 0.6, top],
                "scaleanchor": "x",
                "constraintoward": "top",
            },
        )
        return self.fig.to_dict()


def _discrete(names: Sequence[str]) -> list:
    """A colour scale that maps integer code k to FILL[names[k]] (zmin −0.5, zmax n − 0.5)."""
    n = len(names)
    scale = []
    for k, name in enumerate(names):
        scale += [[k / n, FILL[name]], [(k + 1) / n, FILL[name]]]
    return scale


def _texts(values: np.ndarray, shown: np.ndarray | None = None) -> list[list[str]]:
    texts = [[num(v, digits=2) for v in row] for row in np.asarray(values)]
    if shown is not None:
        for (r, c), visible in np.ndenumerate(shown):
            if not visible:
                texts[r][c] = ""
    return texts


def _codes_grid(board: Board, codes: np.ndarray, names: Sequence[str], values, **kw) -> None:
    board.grid(
        codes, _texts(values, kw.pop("shown", None)), colorscale=_discrete(names),
        zmin=-0.5, zmax=len(names) - 0.5, **kw,
    )  # fmt: skip


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
) -> Spec:
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
    titles : the three grids' titles (the kernel's is ignored without a kernel).
    """
    board = Board()
    hp, wp = x_pad.shape
    ho, wo = out.shape
    rows_max = max(hp, ho, 0 if kernel is None else kernel.shape[0])
    middle = (rows_max - 1) / 2

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
    names = ("input", "padding", "uncovered", "uncovered_pad", "tap", "gap")
    _codes_grid(board, codes, names, x_pad, at=(0, 0), title=titles[0])
    if not inside.all():
        r, c = np.nonzero(inside)
        board.frame(
            r.max() - r.min() + 1, c.max() - c.min() + 1, at=(c.min(), r.min()), dash="dot",
            colour=MUTED, width=2,
        )  # fmt: skip
    if taps is not None:
        board.outline(rows[0], rows[-1], cols[0], cols[-1], at=(0, 0))

    x = wp + OP_ROOM
    if kernel is not None:
        board.note(op_label, x - OP_ROOM / 2 - 0.5, middle, size=24, colour=MUTED)
        lim = max(1.0, float(np.max(np.abs(kernel))))
        board.grid(
            kernel, _texts(kernel), at=(x, 0), colorscale=DIVERGING,
            zmin=-lim * 1.6, zmax=lim * 1.6,  # pale colours, so the numbers stay readable
            title=titles[1],
        )  # fmt: skip
        board.outline(0, kernel.shape[0] - 1, 0, kernel.shape[1] - 1, at=(x, 0))
        x += kernel.shape[1] + OP_ROOM
        board.note("=", x - OP_ROOM / 2 - 0.5, middle, size=24, colour=MUTED)
    else:
        board.note(f"{op_label} →", x - OP_ROOM / 2 - 0.5, middle, size=20, colour=MUTED)

    out_codes = np.where(out_shown, 0, 1)
    if current is not None:
        out_codes[current] = 2
    _codes_grid(
        board, out_codes, ("done", "todo", "current"), out, shown=out_shown, at=(x, 0),
        title=titles[-1],
    )  # fmt: skip
    board.frame(ho, wo, at=(x, 0))
    if current is not None:
        board.outline(*current, *current, at=(x, 0))
    return board.to_dict(max_cell_px=46)


def _tinted(values: np.ndarray, tint: str, lim: float) -> dict:
    return {"colorscale": [[0, "#FFFFFF"], [1, rgba(tint, 0.55)]], "zmin": 0.0, "zmax": lim}


def _signed(lim: float, pale: float = 1.4) -> dict:
    return {"colorscale": DIVERGING, "zmin": -lim * pale, "zmax": lim * pale}


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
) -> Spec:
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
    board = Board()
    c = x.shape[0]
    ph, pw = padding
    xp = np.pad(x, ((0, 0), (ph, ph), (pw, pw)))
    rows_max = max(xp.shape[1], w.shape[1], out.shape[0])
    pitch = rows_max + ROW_ROOM + TITLE_ROOM
    x_kernel = xp.shape[2] + OP_ROOM
    x_partial = x_kernel + w.shape[2] + OP_ROOM
    x_lim = max(1.0, float(np.max(np.abs(x))))
    w_lim = max(1.0, float(np.max(np.abs(w))))
    p_lim = max(1.0, float(np.max(np.abs(partial))), float(np.max(np.abs(out))))
    tr, tc = taps
    for k in range(c):
        y = k * pitch
        name = CHANNEL_NAMES[k]
        board.grid(xp[k], _texts(xp[k]), at=(0, y), title=f"input channel {name}",
                   **_tinted(xp[k], CHANNEL_TINTS[k], x_lim))  # fmt: skip
        if ph or pw:
            board.frame(x.shape[1], x.shape[2], at=(pw, y + ph), dash="dot", colour=MUTED,
                        width=2)  # fmt: skip
        board.outline(tr[0], tr[-1], tc[0], tc[-1], at=(0, y))
        middle = y + (rows_max - 1) / 2
        board.note("∗", x_kernel - OP_ROOM / 2 - 0.5, middle, size=22, colour=MUTED)
        board.grid(w[k], _texts(w[k]), at=(x_kernel, y), title=f"kernel for {name}",
                   **_signed(w_lim))  # fmt: skip
        board.note("=", x_partial - OP_ROOM / 2 - 0.5, middle, size=22, colour=MUTED)
        board.grid(partial[k], _texts(partial[k]), at=(x_partial, y),
                   title=f"partial map {name}", **_signed(p_lim))  # fmt: skip
        board.outline(*cell, *cell, at=(x_partial, y))
    y = c * pitch
    board.grid(out, _texts(out), at=(x_partial, y), title="output", **_signed(p_lim))
    board.outline(*cell, *cell, at=(x_partial, y))
    # The sum written to the left of the output, in the room under the inputs and kernels.
    board.note(
        f"Σ partial maps + b (b = {num(bias)}) =", x_partial - 0.9, y + (out.shape[0] - 1) / 2,
        size=15, anchor=("right", "middle"),
    )  # fmt: skip
    return board.to_dict(max_cell_px=34)


def output_channels_figure(outs: np.ndarray) -> Spec:
    """Each filter's output map side by side: (O, H_out, W_out) -> O grids, one per filter."""
    board = Board()
    o, _, wo = outs.shape
    lim = max(1.0, float(np.max(np.abs(outs))))
    room = max(OP_ROOM, 2.2)  # the titles are a little wider than a small grid
    for k in range(o):
        board.grid(outs[k], _texts(outs[k]), at=(k * (wo + room), 0), title=f"filter {k + 1}",
                   **_signed(lim))  # fmt: skip
    return board.to_dict(max_cell_px=40, min_height=120)
