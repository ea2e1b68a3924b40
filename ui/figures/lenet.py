"""Figures for the LeNet lesson (plain dicts, ui/figures/spec.py): training curves, confusion
matrix, filters and what they respond to, feature maps, probabilities; and the data the drawing
pad (ui/digit_pad.py) draws for a drawn digit."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ui.figures.common import base_layout
from ui.figures.spec import Fig, Spec, trace
from ui.style import BOUNDARY, DIVERGING, HIGHLIGHT, MUTED, NEGATIVE, POSITIVE, rgba

TRAIN = BOUNDARY  # training-set curves
TEST = "#E69F00"  # test-set curves and the test accuracy
INK = [[0.0, "#FFFFFF"], [1.0, BOUNDARY]]  # pixel intensity and non-negative activations
CORRECT_SCALE = [[0.0, rgba(NEGATIVE, 0.15)], [1.0, NEGATIVE]]
WRONG_SCALE = [[0.0, rgba(POSITIVE, 0.25)], [1.0, POSITIVE]]
GAPS = "#D5DBE5"  # the grid between tiles (NaN cells show the plot background)
MAX_POINTS = 400
# Where each stage of the network is shown, and how many tiles per row.
STAGES = (("act1", 2), ("pool1", 2), ("act2", 4), ("pool2", 4))
UNITS = ("act_fc1", "act_fc2")


def _running_mean(values: Sequence[float], window: int) -> np.ndarray:
    v = np.asarray(values, dtype=float)
    if len(v) == 0:
        return v
    c = np.cumsum(np.insert(v, 0, 0.0))
    lo = np.maximum(np.arange(1, len(v) + 1) - window, 0)
    return (c[1:] - c[lo]) / (np.arange(1, len(v) + 1) - lo)


def curves_figure(
    *,
    epoch: Sequence[float],
    test_loss: Sequence[float],
    test_accuracy: Sequence[float],
    step_epoch: Sequence[float],
    step_loss: Sequence[float],
    step_accuracy: Sequence[float],
    target_epochs: int,
    batches_per_epoch: int,
    previous: tuple | None = None,
    height: int = 330,
) -> Spec:
    """Loss (left) and accuracy (right) against epochs: minibatches faint, epochs bold.

    ``previous``: a run kept for comparison, (label, epochs, test losses, test accuracies),
    drawn dashed in grey.
    """
    fig = Fig.subplots(
        rows=1, cols=2, horizontal_spacing=0.1,
        subplot_titles=("Cross-entropy loss", "Accuracy"),
    )  # fmt: skip
    smooth = max(1, batches_per_epoch // 4)
    # At most MAX_POINTS per minibatch curve: a long run stays light to send and to redraw.
    every = max(1, -(-len(step_epoch) // MAX_POINTS))
    step_x = np.asarray(step_epoch)[::every]
    fig.add_trace(
        trace("scatter", x=step_x, y=np.asarray(step_loss)[::every], mode="lines",
              line={"color": rgba(TRAIN, 0.18)}, name="minibatch loss", showlegend=False,
              hoverinfo="skip"),
        row=1, col=1,
    )  # fmt: skip
    fig.add_trace(
        trace("scatter", x=step_x, y=_running_mean(step_loss, smooth)[::every], mode="lines",
              line={"color": TRAIN, "width": 2}, name="training set", legendgroup="train",
              hovertemplate="epoch %{x:.2f}: loss %{y:.3f}<extra>training</extra>"),
        row=1, col=1,
    )  # fmt: skip
    fig.add_trace(
        trace("scatter", x=list(epoch), y=list(test_loss), mode="lines+markers",
              line={"color": TEST, "width": 2.5}, marker={"size": 7}, name="test set",
              legendgroup="test", hovertemplate="epoch %{x}: loss %{y:.3f}<extra>test</extra>"),
        row=1, col=1,
    )  # fmt: skip
    fig.add_trace(
        trace("scatter", x=step_x, y=_running_mean(step_accuracy, smooth)[::every],
              mode="lines", line={"color": TRAIN, "width": 2}, name="training set",
              legendgroup="train", showlegend=False,
              hovertemplate="epoch %{x:.2f}: %{y:.1%}<extra>training</extra>"),
        row=1, col=2,
    )  # fmt: skip
    fig.add_trace(
        trace("scatter", x=list(epoch), y=list(test_accuracy), mode="lines+markers",
              line={"color": TEST, "width": 2.5}, marker={"size": 7}, name="test set",
              legendgroup="test", showlegend=False,
              hovertemplate="epoch %{x}: %{y:.1%}<extra>test</extra>"),
        row=1, col=2,
    )  # fmt: skip
    done = epoch[-1] if len(epoch) else 0
    if previous is not None:
        label, p_epoch, p_loss, p_acc = previous
        done = max(done, p_epoch[-1] if p_epoch else 0)
        for col, values, fmt in ((1, p_loss, "loss %{y:.3f}"), (2, p_acc, "%{y:.1%}")):
            fig.add_trace(
                trace("scatter", x=list(p_epoch), y=list(values), mode="lines",
                      line={"color": MUTED, "width": 2, "dash": "dash"},
                      name=f"previous run (test): {label}", legendgroup="previous",
                      showlegend=col == 1,
                      hovertemplate=f"epoch %{{x}}: {fmt}<extra>previous run</extra>"),
                row=1, col=col,
            )  # fmt: skip
    fig.add_hline(
        y=0.95, line={"color": MUTED, "dash": "dot", "width": 1.5}, row=1, col=2,
    )  # fmt: skip
    fig.add_annotation(
        x=0, y=0.95, xref="x2 domain", yref="y2", text="95 %", showarrow=False,
        xanchor="left", yanchor="top", font={"color": MUTED, "size": 12},
    )  # fmt: skip
    base_layout(fig, height=height)
    fig.update_layout(margin={"t": 60}, legend={"y": 1.12})
    fig.update_xaxes(title={"text": "epoch"}, range=[0, max(target_epochs, done, 1)])
    fig.update_yaxes(rangemode="tozero", row=1, col=1)
    fig.update_yaxes(range=[0, 1.02], tickformat=".0%", row=1, col=2)
    return fig.to_dict()


def confusion_figure(cm: np.ndarray, *, height: int = 420) -> Spec:
    """(K, K) counts, row = true digit, column = predicted: hits in blue, mistakes in vermilion.

    Two heatmaps (the diagonal, the mistakes) with their counts as text (no annotation per
    cell); a cell without mistakes stays white and blank."""
    k = len(cm)
    cm = np.asarray(cm)
    eye = np.eye(k, dtype=bool)
    labels = [str(i) for i in range(k)]
    fig = Fig()
    hits, mistakes = eye, ~eye & (cm > 0)  # a diagonal 0 is still a (pale) cell, a 0 mistake not
    for mask, scale, colour in ((hits, CORRECT_SCALE, "white"), (mistakes, WRONG_SCALE, BOUNDARY)):
        z = np.where(mask, cm, np.nan)
        top = float(np.nanmax(z)) if np.isfinite(z).any() else 1.0
        fig.add_trace(
            trace("heatmap", z=z, x=labels, y=labels, colorscale=scale,
                  showscale=False, xgap=2, ygap=2, zmin=0, zmax=max(1.0, top),
                  texttemplate="%{z}", textfont={"color": colour, "size": 13},
                  hovertemplate="true %{y}, predicted %{x}: %{z} images<extra></extra>",
                  hoverongaps=False)
        )  # fmt: skip
    base_layout(fig, height=height)
    fig.update_xaxes(
        title={"text": "predicted digit"}, side="top", type="category", showgrid=False,
        zeroline=False,
    )  # fmt: skip
    fig.update_yaxes(
        title={"text": "true digit"}, type="category", autorange="reversed", showgrid=False,
        zeroline=False, scaleanchor="x", constrain="domain",
    )  # fmt: skip
    return fig.to_dict()


def mosaic(maps: np.ndarray, *, cols: int, gap: int = 1) -> np.ndarray:
    """(C, H, W) maps -> one 2-D array, tiles left to right, NaN between them."""
    c, h, w = maps.shape
    rows = -(-c // cols)
    out = np.full((rows * (h + gap) - gap, cols * (w + gap) - gap), np.nan)
    for i in range(c):
        r, q = divmod(i, cols)
        out[r * (h + gap) : r * (h + gap) + h, q * (w + gap) : q * (w + gap) + w] = maps[i]
    return out


def _scale(z: np.ndarray, signed: bool) -> tuple[list, float, float]:
    if signed:
        m = float(np.nanmax(np.abs(z))) or 1.0
        return DIVERGING, -m, m
    zmin = min(0.0, float(np.nanmin(z)))
    zmax = float(np.nanmax(z))
    return INK, zmin, zmax if zmax > zmin else zmin + 1.0


def _tiles_layout(fig: Fig, height: int) -> None:
    base_layout(fig, height=height)
    # The gaps between tiles are NaN: a light grey background draws them as a grid.
    fig.update_layout(margin={"l": 2, "r": 2, "b": 2, "t": 2}, plot_bgcolor=GAPS)
    fig.update_xaxes(visible=False, showgrid=False, constrain="domain")
    fig.update_yaxes(
        visible=False, showgrid=False, autorange="reversed", scaleanchor="x", constrain="domain"
    )


def _tiles(maps: np.ndarray, *, cols: int, signed: bool, height: int, hover: str) -> Fig:
    z = mosaic(maps, cols=cols)
    scale, zmin, zmax = _scale(z, signed)
    fig = Fig(
        trace("heatmap", z=np.round(z, 4), colorscale=scale, zmin=zmin, zmax=zmax,
              showscale=False, hovertemplate=hover + "<extra></extra>", hoverongaps=False)
    )  # fmt: skip
    _tiles_layout(fig, height)
    return fig


def digit_figure(image: np.ndarray, *, height: int = 170) -> Spec:
    """One (8, 8) digit in ink on white."""
    return _tiles(
        image[None], cols=1, signed=False, height=height, hover="pixel %{z:.2f}"
    ).to_dict()


def feature_maps_figure(maps: np.ndarray, *, cols: int, height: int = 170) -> Spec:
    """A layer's output channels (C, H, W) as tiles; signed maps (tanh) on the diverging scale."""
    return _tiles(
        maps, cols=cols, signed=bool(np.nanmin(maps) < 0), height=height,
        hover="activation %{z:.3f}",
    ).to_dict()  # fmt: skip


def units_figure(values: np.ndarray, *, height: int = 46) -> Spec:
    """A dense layer's outputs (U,) as one strip of cells, stretched to the given height."""
    fig = _tiles(
        np.asarray(values, dtype=float)[None, None], cols=1,
        signed=bool(np.min(values) < 0), height=height, hover="activation %{z:.3f}",
    )  # fmt: skip
    fig.layout["yaxis"].pop("scaleanchor")
    return fig.to_dict()


def probabilities_figure(p: np.ndarray, *, true_label: int, height: int = 260) -> Spec:
    """Softmax output for one image: the predicted digit highlighted, the true one outlined."""
    k = len(p)
    pred = int(np.argmax(p))
    colours = [HIGHLIGHT if i == pred else MUTED for i in range(k)]
    outline = [BOUNDARY if i == true_label else "rgba(0,0,0,0)" for i in range(k)]
    fig = Fig(
        trace("bar", x=[str(i) for i in range(k)], y=[float(v) for v in p],
              marker={"color": colours, "line": {"color": outline, "width": 2.5}},
              text=[f"{v:.0%}" if v >= 0.005 else "" for v in p], textposition="outside",
              cliponaxis=False, hovertemplate="p(digit %{x}) = %{y:.4f}<extra></extra>")
    )  # fmt: skip
    base_layout(fig, height=height)
    fig.update_xaxes(title={"text": "digit"}, type="category", showgrid=False)
    fig.update_yaxes(title={"text": "probability"}, range=[0, 1.12], tickformat=".0%")
    return fig.to_dict()


def filters_figure(
    weights: np.ndarray, responses: np.ndarray, windows: np.ndarray, *, height: int = 400
) -> Spec:
    """The first layer's filters and what they respond to: one column per filter, three rows.

    Rows: each (k, k) filter on its own colour range (its largest |weight| is full colour, so a
    small filter is as readable as a large one; the hover gives the real weight); its response
    map (H, W) on one digit, each on its own range; the mean (k, k) of the windows that excite it
    most, as pixels on the digits' 0..1 scale. All rows share one axis: a filter's tiles are
    centred one above the other.
    """
    o, k, _ = weights.shape
    size = responses.shape[1]
    slot = max(k, size) + 1  # each filter's column, in cells
    own = weights / np.maximum(np.abs(weights).reshape(o, -1).max(axis=1), 1e-12)[:, None, None]
    peak = responses.reshape(o, -1).max(axis=1)
    resp = responses / np.where(peak > 0, peak, 1.0)[:, None, None]
    rows = (
        ("each filter on its own colour range (vermilion +, blue −)", own, weights, DIVERGING,
         -1.0, "weight %{customdata:.3f}"),
        ("where it fires on the test digit (each on its own range)", resp, responses, INK, 0.0,
         "response %{customdata:.3f}"),
        ("the 20 digit windows that excite it most, averaged", windows, windows, INK, 0.0,
         "mean pixel %{customdata:.2f}"),
    )  # fmt: skip
    fig = Fig()
    top = 2.4  # room for the first title
    for title, shown, real, scale, zmin, hover in rows:
        side = shown.shape[1]
        x0 = (slot - 1 - side) / 2  # centres every tile in its filter's column
        gap = slot - side
        fig.add_trace(
            trace("heatmap", z=np.round(mosaic(shown, cols=o, gap=gap), 4),
                  customdata=np.round(mosaic(real, cols=o, gap=gap), 4), x0=x0, dx=1, y0=top,
                  dy=1, colorscale=scale, zmin=zmin, zmax=1.0, showscale=False,
                  hoverongaps=False, hovertemplate=hover + "<extra></extra>")
        )  # fmt: skip
        for i in range(o):
            fig.add_shape(
                type="rect", x0=x0 + i * slot - 0.5, x1=x0 + i * slot + side - 0.5,
                y0=top - 0.5, y1=top + side - 0.5, line={"color": "#C4CCD8", "width": 1},
            )  # fmt: skip
        fig.add_annotation(
            x=(o * slot - 1) / 2 - 0.5, y=top - 0.9, text=title, showarrow=False,
            yanchor="bottom", font={"size": 13, "color": BOUNDARY},
        )  # fmt: skip
        top += side + 3.0
    base_layout(fig, height=height)
    fig.update_layout(margin={"l": 2, "r": 2, "b": 2, "t": 2})
    fig.update_xaxes(visible=False, showgrid=False, zeroline=False, constrain="domain",
                     range=[-1, o * slot - 1])  # fmt: skip
    fig.update_yaxes(
        visible=False, showgrid=False, zeroline=False, scaleanchor="x", constrain="domain",
        range=[top - 2.5, -0.5],
    )  # fmt: skip
    return fig.to_dict()


def my_digits_figure(
    grids: np.ndarray, labels: Sequence[int], predicted: Sequence[int], *, cols: int = 10
) -> Spec:
    """The learner's own digits (N, 8, 8) as tiles, each titled "drawn → read"."""
    n = len(grids)
    cols = min(cols, n)
    rows = -(-n // cols)
    fig = _tiles(
        np.asarray(grids, dtype=float) / 16, cols=cols, signed=False, height=30 + 62 * rows,
        hover="pixel %{z:.2f}",
    )  # fmt: skip
    for i, (label, read) in enumerate(zip(labels, predicted, strict=True)):
        r, c = divmod(i, cols)
        fig.add_annotation(
            x=c * 9 + 3.5, y=r * 9 - 0.6, text=f"{label} → {read}", showarrow=False,
            yanchor="bottom", font={"size": 12, "color": BOUNDARY if label == read else POSITIVE},
        )  # fmt: skip
    fig.update_layout(margin={"l": 2, "r": 2, "b": 2, "t": 22})
    fig.update_yaxes(range=[rows * 9 - 0.5, -2.5], autorange=False)
    return fig.to_dict()


# -- the drawing pad -------------------------------------------------------------------------------


def _rounded(a: np.ndarray, digits: int = 3) -> list[float]:
    return [round(float(v), digits) for v in np.asarray(a).ravel()]


def pad_result(
    *,
    version: int,
    grid: np.ndarray,
    maps: dict[str, np.ndarray],
    probs: np.ndarray,
    titles: dict[str, str],
    verdict: dict,
    steps: dict | None = None,
) -> dict:
    """What the pad draws for one drawing (ui/digit_pad.py): the 8 × 8 grid, the probabilities,
    every stage's maps as flat lists, the verdict (``kind``: success, info or warning, and its
    text, **bold** marked as in markdown), and optionally the normalisation steps (32 × 32
    bitmaps as strings of 0 and 1, the ink's box, a sentence). ``version`` is the drawing's,
    sent back so the pad knows the answer is for what is on it now."""
    stages = [
        {"name": name, "title": titles[name], "shape": list(maps[name].shape), "cols": cols,
         "values": _rounded(maps[name])}
        for name, cols in STAGES
    ]  # fmt: skip
    units = [{"name": n, "title": titles[n], "values": _rounded(maps[n])} for n in UNITS]
    return {
        "version": version,
        "grid": [int(v) for v in np.asarray(grid).ravel()],
        "probs": _rounded(probs, 4),
        "stages": stages,
        "units": units,
        "steps": steps,
        "verdict": verdict,
    }


def bits(bitmap: np.ndarray) -> str:
    """A boolean bitmap row by row as a string of 0 and 1 (compact for the browser)."""
    return "".join("1" if v else "0" for v in np.asarray(bitmap, dtype=bool).ravel())
