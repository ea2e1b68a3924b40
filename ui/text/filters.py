"""What the image-filters lesson writes: the output-shape formula with the picture's numbers, what
a flat picture does to the maps, the upload's error, the captions; the custom kernel as URL text.

Formulas are inline maths (``$...$``) so that they wrap on a phone (see ui.text.convolution).
"""

from __future__ import annotations

import math

import numpy as np

from ui.formatting import num
from ui.text import Message

COLOUR_NOTE = (
    "Edge detectors (kernels summing to 0) give signed responses: **blue negative, white 0, "
    "vermilion positive**. Kernels summing to a positive number keep the picture's brightness "
    "and are drawn in grey, black at 0. Each map's strongest 1 % of responses get the full "
    "colour."
)
GALLERY_NOTE = (
    COLOUR_NOTE + " Each map is one output channel: the kernel's R, G and B responses added. "
    "The picture is padded with its own mirror image (not zeros) so that the maps are as large "
    "as the input without a bright frame."
)
WINNER_NOTE = (
    "Each pixel takes the colour of the filter with the largest |response| there (the squares "
    "above the filters); it fades to white where every filter is quiet. The short lines say the "
    "same without colour: each runs along the stripes or edge that wins in its patch of the "
    "picture (none where all filters are quiet). Hover for the angle θ."
)
CONV_LATEX = (
    r"y_{i,j} = \sum\limits_{c=1}^{C} \sum\limits_{u=0}^{k_h-1} \sum\limits_{v=0}^{k_w-1} "
    r"w_{c,u,v}\, x_{c,\; i s_h + u,\; j s_w + v}"
)
OUTPUT_SHAPE_LATEX = (
    r"\text{output shape: } \left\lfloor \dfrac{n_h - k_h + p_h + s_h}{s_h} \right\rfloor "
    r"\times \left\lfloor \dfrac{n_w - k_w + p_w + s_w}{s_w} \right\rfloor"
)
FLAT = 0.5 / 255  # less variation than half a grey level: the picture is one flat colour


def picture_caption(what: str, width: int, height: int, *, scaled_to: int | None) -> str:
    """Which picture is filtered and at what size."""
    scaled = f" (scaled down to at most {scaled_to} a side)" if scaled_to else ""
    return f"Filtering {what}: {width} × {height} pixels{scaled}."


def flat_picture_message(image: np.ndarray) -> Message | None:
    """Say why every map looks blank when the picture is one flat colour (a tiny uniform
    upload): there is nothing for a pattern detector to find. ``image`` is (3, H, W) in [0, 1]."""
    x = np.asarray(image)
    if float(x.max() - x.min()) > FLAT:
        return None
    rgb = ", ".join(str(round(float(v) * 255)) for v in x.reshape(3, -1)[:, 0])
    h, w = x.shape[1:]
    return Message(
        "info",
        f"This picture is one flat colour: all its {h} × {w} pixels are (R, G, B) = ({rgb}). "
        "A kernel is a pattern detector, and there is no pattern here: the edge detectors "
        "(Sobel, Laplacian, the Gabor filters) answer 0 everywhere, which is drawn white, and "
        "the blurs, Sharpen and Emboss give back the same flat grey. Nothing is broken: upload "
        "a picture with edges or texture to see them respond.",
        ":material/info:",
    )


def map_title(title: str, values: np.ndarray) -> str:
    """A map's title, saying so when the map is the same number everywhere (a blank picture)."""
    v = np.asarray(values)
    if v.size and float(v.max() - v.min()) <= 1e-6 * max(1.0, float(np.abs(v).max())):
        return f"{title} (= {num(float(v.flat[0]))} everywhere)"
    return title


def upload_error(name: str, reason: str) -> Message:
    return Message(
        "error",
        f"**{name}** could not be used. {reason}\n\nShowing the sample picture instead: remove "
        "the file (×) or upload another one.",
        ":material/broken_image:",
    )


def shape_markdown(
    n: tuple[int, int], k: tuple[int, int], *, stride: int, padding: int, out: tuple[int, int]
) -> str:
    """⌊(n − k + p + s)/s⌋ for both axes with the picture's numbers; p = 2 × padding."""
    p, s = 2 * padding, stride

    def frac(n_: int, k_: int) -> str:
        return rf"\left\lfloor \dfrac{{{n_} - {k_} + {p} + {s}}}{{{s}}} \right\rfloor"

    # The result in braces: one piece, never split across two lines.
    return f"${frac(n[0], k[0])} \\times {frac(n[1], k[1])} = {{{out[0]} \\times {out[1]}}}$"


def pool_caption(h: int, w: int) -> str:
    return f"Then 2 × 2 max pooling (stride 2): {h // 2} × {w // 2}."


def bank_caption(n: int, k: int) -> str:
    return (
        f"The {n} filters, {k} × {k} each (2⌈2σ⌉ + 1), applied to (R + G + B)/3. Same colours "
        "as the maps: blue negative, vermilion positive weights."
    )


# -- the custom kernel in a link -------------------------------------------------------------


def kernel_to_text(kernel: tuple[tuple[float, ...], ...]) -> str:
    """Rows separated by ';', entries by ','; "" for no kernel typed yet."""
    return ";".join(",".join(f"{v:.6g}" for v in row) for row in kernel)


def kernel_from_text(text: str) -> tuple[tuple[float, ...], ...]:
    """The inverse of ``kernel_to_text``: a square 3 × 3 or 5 × 5 grid of finite numbers, or ()
    for an empty text. ValueError on anything else (a link's junk)."""
    text = text.strip()
    if not text:
        return ()
    rows = text.split(";")
    if len(rows) not in (3, 5):
        raise ValueError("a kernel is 3 × 3 or 5 × 5")
    grid = []
    for row in rows:
        values = [float(v) for v in row.split(",")]
        if len(values) != len(rows) or not all(math.isfinite(v) and abs(v) <= 1e6 for v in values):
            raise ValueError("not a square grid of numbers")
        grid.append(tuple(float(f"{v:.6g}") for v in values))
    return tuple(grid)
