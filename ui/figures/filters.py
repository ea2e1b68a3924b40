"""Figures for the image-filters lesson: feature maps as pictures, kernels as number grids.

Feature maps are drawn as small encoded images (an ``image`` trace with a data URI) rather than big
heatmaps: a 512 × 384 map as a heatmap is 200 000 numbers of JSON for the browser to lay out, as
a JPEG it is about 30 kB. A coarse, invisible heatmap on top gives the hover values.
"""

from __future__ import annotations

import colorsys
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ui.figures.common import base_layout
from ui.figures.spec import Fig, Spec, trace
from ui.formatting import num
from ui.style import BOUNDARY, DIVERGING, FONT, MUTED, NEGATIVE, POSITIVE, rgba

NEUTRAL = "#F7F7F7"  # the middle of ui.style.DIVERGING: a response of 0
HOVER_CELLS = 40  # hover grid, cells along the longer side of a map


def _rgb(hex_colour: str) -> np.ndarray:
    h = hex_colour.lstrip("#")
    return np.array([int(h[i : i + 2], 16) for i in (0, 2, 4)], dtype=np.float32)


SATURATE = 0.99  # the strongest 1 % of a map are drawn at full colour


def map_scale(values: np.ndarray, *, signed: bool) -> float:
    """The value drawn at full colour: a high quantile of |v| (signed) or of v (unsigned).

    A quantile, not the maximum: a handful of extreme pixels would otherwise wash the rest of
    the map out to white.
    """
    v = np.asarray(values, dtype=np.float32)
    if not v.size:
        return 1.0
    top = float(np.quantile(np.abs(v) if signed else v, SATURATE))
    if top <= 0:
        top = float(np.abs(v).max())
    return top if top > 0 else 1.0


def colourize(values: np.ndarray, *, signed: bool, scale: float | None = None) -> np.ndarray:
    """A response map as an RGB picture.

    Parameters
    ----------
    values : ndarray, shape (H, W)
    signed : True draws negative blue, 0 white, positive vermilion (the app's diverging scale);
        False draws 0 black to ``scale`` white, like a grey-level photo.
    scale : the value drawn at full colour (default: :func:`map_scale`).

    Returns
    -------
    ndarray, shape (H, W, 3), uint8
    """
    v = np.asarray(values, dtype=np.float32)
    top = map_scale(v, signed=signed) if scale is None else float(scale)
    if not signed:
        grey = (np.clip(v * np.float32(255 / top), 0, 255) + 0.5).astype(np.uint8)
        return np.repeat(grey[..., None], 3, axis=2)
    # 256 levels through a lookup table: several times faster than blending floats per pixel.
    levels = np.clip(v * np.float32(127.5 / top) + np.float32(128), 0, 255).astype(np.uint8)
    return _diverging_table()[levels]


def _diverging_table() -> np.ndarray:
    """(256, 3) uint8: level 0 is -1 (blue), 128 is 0 (white), 255 is +1 (vermilion)."""
    t = ((np.arange(256, dtype=np.float32) - 128) / 127.5).clip(-1, 1)[:, None]
    mid = _rgb(NEUTRAL)
    towards = np.where(t >= 0, _rgb(POSITIVE), _rgb(NEGATIVE))
    return (mid + np.abs(t) * (towards - mid) + 0.5).astype(np.uint8)


def picture(image: np.ndarray, *, signed: bool = False) -> np.ndarray:
    """A (3, H, W) image (or per-channel responses) as an (H, W, 3) uint8 picture.

    Unsigned values are clipped to [0, 1] (as a photo editor does after sharpening); signed ones
    are shown as 0.5 + v / (2 max |v|), so mid-grey means 0 in every channel.
    """
    x = np.asarray(image, dtype=np.float32)
    if signed:
        x = 0.5 + 0.5 * x / map_scale(x, signed=True)
    return (np.clip(x, 0, 1).transpose(1, 2, 0) * 255 + 0.5).astype(np.uint8)


def hover_grid(values: np.ndarray, *, cells: int = HOVER_CELLS):
    """Sample a map on a coarse grid: (z, x, y) for an invisible hover heatmap.

    x and y are the sampled columns and rows in the map's own pixel coordinates.
    """
    v = np.asarray(values)
    step = max(1, int(np.ceil(max(v.shape) / cells)))
    rows = np.arange(step // 2, v.shape[0], step)
    cols = np.arange(step // 2, v.shape[1], step)
    return v[np.ix_(rows, cols)], cols, rows


@dataclass(frozen=True)
class MapPanel:
    title: str
    source: str  # data URI of the picture to show
    source_shape: tuple[int, int]  # (h, w) of that picture: may be downsampled for display
    shape: tuple[int, int]  # (H, W) of the map in pixels
    hover: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None  # hover_grid(map) or None
    label: str = "response"  # what the hover value is

    @classmethod
    def of_map(cls, title: str, source: str, source_shape, values: np.ndarray, label="response"):
        """A panel for an (H, W) map: keeps only the coarse hover grid, not every value."""
        return cls(title, source, source_shape, values.shape, hover_grid(values), label)


def _grid_domains(n: int, count: int, gap: float) -> list[tuple[float, float]]:
    size = (1 - gap * (count - 1)) / count
    return [(i * (size + gap), i * (size + gap) + size) for i in range(n)]


def maps_figure(panels: Sequence[MapPanel], *, columns: int = 3, panel_width: int = 330) -> Spec:
    """Feature maps side by side, each a picture with its values under the mouse.

    Built as one dictionary: make_subplots and per-panel update calls cost more than half a
    second for nine panels, more than all the filtering.
    """
    n = len(panels)
    columns = min(columns, n)
    rows = -(-n // columns)
    aspect = max(p.shape[0] / p.shape[1] for p in panels)
    title_px = 30
    height = int(rows * (panel_width * aspect + title_px))
    xs = _grid_domains(columns, columns, 0.02)
    gap = title_px / height
    ys = [(1 - b, 1 - a) for a, b in _grid_domains(rows, rows, gap)]
    data, layout, titles = [], {}, []
    for i, panel in enumerate(panels):
        row, col = divmod(i, columns)
        h, w = panel.shape
        axis = "" if i == 0 else str(i + 1)
        # The picture may be smaller than the map (downsampled for display): stretch it over
        # the map's pixel coordinates so hover rows and columns are the map's own.
        sh, sw = panel.source_shape
        data.append(
            {
                "type": "image", "source": panel.source, "x0": -0.5 + w / sw / 2,
                "y0": -0.5 + h / sh / 2, "dx": w / sw, "dy": h / sh, "hoverinfo": "skip",
                "xaxis": f"x{axis}", "yaxis": f"y{axis}",
            }
        )  # fmt: skip
        if panel.hover is not None:
            z, hx, hy = panel.hover
            data.append(
                {
                    "type": "heatmap", "z": z, "x": hx, "y": hy, "opacity": 0,
                    "showscale": False, "colorscale": DIVERGING, "xaxis": f"x{axis}",
                    "yaxis": f"y{axis}",
                    "hovertemplate": f"row %{{y}}, column %{{x}}<br>{panel.label} %{{z:.3f}}"
                    "<extra></extra>",
                }
            )  # fmt: skip
        y0, y1 = ys[row]
        layout[f"xaxis{axis}"] = {
            "domain": xs[col], "visible": False, "range": [-0.5, w - 0.5], "constrain": "domain",
            "anchor": f"y{axis}",
        }  # fmt: skip
        layout[f"yaxis{axis}"] = {
            "domain": [y0, y1 - gap * 0.9], "visible": False, "range": [h - 0.5, -0.5],
            "scaleanchor": f"x{axis}", "constrain": "domain", "constraintoward": "top",
            "anchor": f"x{axis}",
        }  # fmt: skip
        titles.append(
            {
                "text": panel.title, "x": sum(xs[col]) / 2, "y": y1, "xref": "paper",
                "yref": "paper", "xanchor": "center", "yanchor": "top", "showarrow": False,
                "font": {"size": 13},
            }
        )  # fmt: skip
    layout.update(
        height=height, margin={"l": 0, "r": 0, "t": 4, "b": 0}, hovermode="closest",
        font={"family": FONT, "size": 14}, paper_bgcolor="white", plot_bgcolor="white",
        annotations=titles,
    )  # fmt: skip
    return {"data": data, "layout": layout}


def kernel_figure(kernel: np.ndarray, *, height: int = 260, title: str | None = None) -> Spec:
    """A kernel as its grid of numbers, coloured by sign (same colours as the maps)."""
    k = np.asarray(kernel, dtype=np.float64)
    top = float(np.abs(k).max()) or 1.0
    small = k.shape[0] <= 7
    text = [[num(v, digits=3 if small else 2) for v in row] for row in k]
    heatmap = trace(
        "heatmap", z=k.tolist(), colorscale=DIVERGING, zmin=-top, zmax=top, showscale=False,
        text=text, textfont={"size": 15 if k.shape[0] <= 3 else 12},
        hovertemplate="row %{y}, column %{x}: %{text}<extra></extra>", xgap=2, ygap=2,
    )  # fmt: skip
    if small:
        heatmap["texttemplate"] = "%{text}"
    fig = base_layout(Fig(heatmap), height=height, title=title)
    fig.update_xaxes(visible=False, constrain="domain")
    fig.update_yaxes(visible=False, autorange="reversed", scaleanchor="x", constrain="domain")
    return fig.to_dict()


def orientation_colours(n: int) -> list[str]:
    """n colours around the hue circle: orientation is cyclic (0° and 180° are the same)."""
    colours = []
    for i in range(n):
        r, g, b = colorsys.hls_to_rgb(i / n, 0.5, 0.75)
        colours.append(f"#{round(r * 255):02X}{round(g * 255):02X}{round(b * 255):02X}")
    return colours


def orientation_picture(index: np.ndarray, strength: np.ndarray, colours: Sequence[str]):
    """Each pixel in the colour of its strongest orientation, faded to white where all are weak.

    Returns
    -------
    ndarray, shape (H, W, 3), uint8
    """
    palette = np.stack([_rgb(c) for c in colours])
    s = np.asarray(strength, dtype=np.float32)
    top = float(np.quantile(s, 0.99)) if s.size else 0.0
    alpha = np.clip(s / (top if top > 0 else 1.0), 0, 1)[..., None]
    rgb = 255 + alpha * (palette[np.asarray(index)] - 255)
    return (rgb + 0.5).astype(np.uint8)


def bank_figure(
    kernels: np.ndarray, degrees: Sequence[float], colours: Sequence[str], *, height: int = 150
) -> Spec:
    """The Gabor filters in a row, like the tiles of AlexNet's first layer, each titled with its
    angle (the colour square is the legend of the orientation map; the angle says it in words).

    One pair of axes, one heatmap per filter side by side: no subplots to lay out.
    """
    n, k = len(kernels), kernels.shape[1]
    pitch = k + max(1, k // 8)  # a thin gap between tiles
    top = float(np.abs(kernels).max()) or 1.0
    fig = Fig()
    for i, kernel in enumerate(kernels):
        fig.add_trace(
            trace(
                "heatmap", z=np.asarray(kernel).tolist(), x0=i * pitch, dx=1, y0=0, dy=1,
                colorscale=DIVERGING, zmin=-top, zmax=top, showscale=False,
                hovertemplate=f"θ = {degrees[i]:g}°: %{{z:.3f}}<extra></extra>",
            )
        )  # fmt: skip
        fig.add_annotation(
            text=f"<span style='color:{colours[i]}'>■</span> {degrees[i]:g}°",
            x=i * pitch + (k - 1) / 2, y=-0.5, yanchor="bottom", showarrow=False,
            font={"size": 12, "color": MUTED},
        )  # fmt: skip
    axis = {"visible": False, "constrain": "domain", "fixedrange": True}
    fig.update_layout(
        height=height, margin={"l": 0, "r": 0, "t": 28, "b": 0}, showlegend=False,
        font={"family": FONT, "size": 14}, plot_bgcolor="white", paper_bgcolor="white",
        xaxis=axis | {"range": [-0.5, (n - 1) * pitch + k - 0.5]},
        yaxis=axis | {"range": [k - 0.5, -0.5], "scaleanchor": "x"},
    )  # fmt: skip
    return fig.to_dict()


def orientation_glyphs(
    index: np.ndarray,
    strength: np.ndarray,
    degrees: Sequence[float],
    *,
    block: int,
    quiet: float = 0.35,
) -> tuple[list, list]:
    """Short lines over the orientation map, a cue that does not need colour: in each
    ``block`` × ``block`` patch, a line along the stripes of the strongest filter at the patch's
    strongest pixel; none where that is below ``quiet`` × the map's 99th percentile.

    θ is the direction across the stripes (engine.filters.gabor_kernel: columns to the right,
    rows down), so the line runs along (−sin θ, cos θ). Returns x (columns) and y (rows) with a
    None after each segment: one scatter trace draws them all.
    """
    s = np.asarray(strength, dtype=np.float64)
    h, w = s.shape
    top = float(np.quantile(s, 0.99)) if s.size else 0.0
    angles = np.radians(np.asarray(degrees, dtype=np.float64))
    xs: list = []
    ys: list = []
    if top <= 0:
        return xs, ys
    half = 0.4 * block
    for r0 in range(0, h - block // 2, block):
        for c0 in range(0, w - block // 2, block):
            patch = s[r0 : r0 + block, c0 : c0 + block]
            r, c = np.unravel_index(int(patch.argmax()), patch.shape)
            if patch[r, c] < quiet * top:
                continue
            theta = angles[int(index[r0 + r, c0 + c])]
            dx, dy = -np.sin(theta) * half, np.cos(theta) * half
            cx, cy = c0 + (patch.shape[1] - 1) / 2, r0 + (patch.shape[0] - 1) / 2
            xs += [round(cx - dx, 2), round(cx + dx, 2), None]
            ys += [round(cy - dy, 2), round(cy + dy, 2), None]
    return xs, ys


def with_glyphs(spec: Spec, panel: int, glyphs: tuple[list, list]) -> Spec:
    """The maps figure with the orientation lines drawn over its ``panel``-th picture (from 0)."""
    axis = "" if panel == 0 else str(panel + 1)
    xs, ys = glyphs
    line = trace(
        "scatter", x=xs, y=ys, mode="lines", hoverinfo="skip", showlegend=False,
        line={"color": rgba(BOUNDARY, 0.75), "width": 1.2}, xaxis=f"x{axis}", yaxis=f"y{axis}",
    )  # fmt: skip
    return {**spec, "data": [*spec["data"], line]}
