"""The 8×8 handwritten digits (UCI optical recognition of handwritten digits, 1,797 images), and
the same preprocessing for a digit a learner draws.

The file is the copy scikit-learn ships (`sklearn/datasets/data/digits.csv.gz`), stored unchanged in
`assets/digits/`: one image per line, 64 pixel counts in 0..16 row by row, then the digit. Source
and licence (CC BY 4.0) are in `assets/README.md`.

How the data set was made (its description, and NIST's own code, NISTIR 5469): each handwritten
digit was cut out of a scanned form, scaled by NIST's normaliser into a 32 × 32 black-and-white
bitmap, and every 4 × 4 block of that bitmap became one pixel: the number of its 16 pixels that
are on. :func:`from_bitmap` is that last step; :func:`normalise_drawing` redoes NIST's normaliser
for a drawing from a pad, so a drawn digit looks to the network like the digits it learned from.
"""

from __future__ import annotations

import gzip
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Literal

import numpy as np
from numpy.typing import NDArray

DIGITS_FILE = Path(__file__).resolve().parents[1] / "assets" / "digits" / "digits.csv.gz"
N_IMAGES = 1797
SIDE = 8
MAX_PIXEL = 16  # each pixel counts the ink in a 4×4 block of the original 32×32 bitmap
N_CLASSES = 10


@cache
def _read() -> tuple[NDArray[np.uint8], NDArray[np.int64]]:
    with gzip.open(DIGITS_FILE, "rt") as fh:
        table = np.loadtxt(fh, delimiter=",", dtype=np.int64)
    if table.shape != (N_IMAGES, SIDE * SIDE + 1):
        raise ValueError(f"{DIGITS_FILE} has shape {table.shape}, expected (1797, 65)")
    images = table[:, :-1].reshape(-1, SIDE, SIDE).astype(np.uint8)
    images.flags.writeable = False
    labels = table[:, -1].copy()
    labels.flags.writeable = False
    return images, labels


def load_digits() -> tuple[NDArray[np.uint8], NDArray[np.int64]]:
    """All 1,797 digits.

    Returns
    -------
    images : (1797, 8, 8) uint8 pixel counts in 0..16 (read-only).
    labels : (1797,) the digit 0..9 (read-only).
    """
    return _read()


@dataclass(frozen=True)
class DigitSplit:
    """A fixed train/test split, images scaled to [0, 1] with one channel: (N, 1, 8, 8)."""

    X_train: NDArray[np.float64]
    y_train: NDArray[np.int64]
    X_test: NDArray[np.float64]
    y_test: NDArray[np.int64]
    test_index: NDArray[np.int64]  # row of each test image in the file, for showing it


def split_digits(*, test_size: float = 0.2, seed: int = 0) -> DigitSplit:
    """Split the digits, stratified: every class keeps the same share in train and test.

    Parameters
    ----------
    test_size : share of each class held out for testing, in (0, 1).
    seed : the same seed gives the same split.
    """
    if not 0 < test_size < 1:
        raise ValueError(f"The test fraction must be between 0 and 1, not {test_size}.")
    images, labels = load_digits()
    rng = np.random.default_rng(seed)
    test_rows = []
    for digit in range(N_CLASSES):
        rows = rng.permutation(np.flatnonzero(labels == digit))
        test_rows.append(rows[: round(test_size * len(rows))])
    test = np.sort(np.concatenate(test_rows))
    train = np.setdiff1d(np.arange(len(labels)), test)
    x = images[:, None].astype(np.float64) / MAX_PIXEL
    return DigitSplit(x[train], labels[train], x[test], labels[test], test)


# ----------------------------------------------------------------------------- a drawn digit

BITMAP = 32  # side of NIST's normalised bitmap
BLOCK = BITMAP // SIDE  # each 8×8 pixel counts the on-pixels of one 4×4 block
# NIST's normaliser (norm_2nd_gen2 in the NISTIR 5469 software) scales the ink's bounding box to
# 20 pixels wide and 32 high, centred: every digit of the data set is 32 pixels tall.
NIST_WIDTH = 20
# Its stroke-width step: a bitmap with more on-pixels than THIN_ONCE is thinned once (twice above
# THIN_TWICE); one with fewer than THICKEN_ONCE is thickened once (twice below THICKEN_TWICE).
THIN_TWICE, THIN_ONCE, THICKEN_ONCE, THICKEN_TWICE = 560, 412, 256, 108
MIN_DRAWING_SIDE = 8
Style = Literal["nist", "fit"]
STYLES: tuple[Style, ...] = ("nist", "fit")


def _numbers(x: object, what: str) -> NDArray[np.float64]:
    try:
        a = np.asarray(x, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(f"The {what} must be an array of numbers.") from None
    if not np.isfinite(a).all():
        raise ValueError(f"The {what} contains NaN or infinite values; every pixel needs a number.")
    return a


def from_bitmap(bitmap: object) -> NDArray[np.int64]:
    """Count the on-pixels of each 4 × 4 block, as the UCI digits were made from NIST's bitmaps.

    Parameters
    ----------
    bitmap : (32, 32) numbers or booleans; a pixel is on where its value is > 0.5.

    Returns
    -------
    (8, 8) int64 in 0..16: entry (i, j) counts the on-pixels of rows 4i..4i+3, columns 4j..4j+3.
    """
    b = _numbers(bitmap, "bitmap")
    if b.shape != (BITMAP, BITMAP):
        raise ValueError(f"The bitmap must be {BITMAP} × {BITMAP} pixels; got shape {b.shape}.")
    on = b > 0.5
    return on.reshape(SIDE, BLOCK, SIDE, BLOCK).sum(axis=(1, 3), dtype=np.int64)


@dataclass(frozen=True)
class NormalisedDrawing:
    """Every step from a drawing to the network's 8 × 8 input, so a page can show them."""

    box: tuple[int, int, int, int]  # the ink's bounding box in the drawing: top, left, h, w
    scaled: NDArray[np.bool_]  # (32, 32) the box scaled into the bitmap
    stroke_steps: int  # -2 / -1: strokes thinned twice / once, +1 / +2 thickened, 0 kept
    slant: float  # columns per row the rows were shifted to stand the digit upright (0: none)
    bitmap: NDArray[np.bool_]  # (32, 32) after the stroke and slant steps: what gets counted
    grid: NDArray[np.int64]  # (8, 8) in 0..16, the network's input (from_bitmap of `bitmap`)


def from_drawing(image: object, *, style: Style = "fit") -> NDArray[np.int64]:
    """A drawing turned into an 8 × 8 digit, then counted the way the UCI digits were.

    The default is the engine contract (DESIGN.md): crop to the ink, scale it to fit 32 × 32
    keeping its aspect ratio, centre it, then ``from_bitmap``. The drawing pad uses
    ``style="nist"``, which redoes NIST's whole normaliser (stroke width and slant too) and is
    read correctly far more often by a network trained on the data set.

    Parameters
    ----------
    image : (H, W) floats in [0, 1], ink = 1 (a pixel is ink where > 0.5), H, W >= 8.
    style : "fit" (default) or "nist". See :func:`normalise_drawing`.

    Returns
    -------
    (8, 8) int64 in 0..16.
    """
    return normalise_drawing(image, style=style).grid


def normalise_drawing(image: object, *, style: Style = "nist") -> NormalisedDrawing:
    """Crop a drawing to its ink, scale it into a 32 × 32 bitmap, normalise it, count 4 × 4 blocks.

    The data set's bitmaps came out of NIST's normaliser (``norm_2nd_gen2`` and ``shear_char`` in
    the software of NISTIR 5469), and ``style="nist"`` follows it, because a drawing normalised
    like that looks to the network like the digits it learned from:

    1. Crop to the ink's bounding box and scale it to the full 32-pixel height. NIST stretched
       the width to 20 pixels whatever the digit's shape (every digit in the data set is 32 tall
       and about 20 wide); here a narrower digit keeps its aspect ratio (a plain "1" stays a bar
       instead of becoming a 20-pixel block) and a wider one is squeezed to 20, as NIST did.
       The box is centred. A bitmap pixel is on where ink covers more than half of it (where
       that keeps under a third of the pixels the ink touches, the strokes are thinner than a
       pixel and would fall apart: then every pixel the ink touches is on).
    2. Stroke width: fewer than 256 on-pixels are thickened (each off pixel next to an on pixel,
       4-neighbours, turns on) once, or twice below 108; more than 412 are thinned once, or
       twice above 560. Thin pen strokes and thick marker strokes both end up like the data's.
    3. Slant: rows are shifted so the leftmost ink two rows below the top and two rows above the
       bottom line up, which stands an italic digit upright.

    "fit" is the plain reading: fit the box into 32 × 32 keeping the aspect ratio, centred, step
    1's threshold only. On digits drawn with a simulated pen (tests/engine/pen_digits.py, pen
    width 8 to 12 % of the pad's side) a LeNet trained on the data set reads about 0.93 of them
    after "nist" and 0.7 after "fit". The pen matters too: at 2 % of the side "nist" reads 0.8,
    at 20 % (loops fill in) 0.76.

    What is guaranteed exactly: the result depends only on the ink inside its bounding box, so
    moving the drawing on the pad never changes it; and it is the same when the drawing is
    enlarged by a whole factor k (each pixel a k × k block), because coverage is computed with
    integers.
    Anything else (a real stroke drawn twice as big) changes pixel edges and may move a count by
    a little.

    Parameters
    ----------
    image : (H, W) floats in [0, 1], ink = 1, H, W >= 8. A pixel is ink where it is > 0.5
        (an anti-aliased canvas: more than half covered by the pen).
    style : "nist" or "fit", as above.

    Raises
    ------
    ValueError
        Not a 2-D array of finite numbers in [0, 1] at least 8 × 8, or nothing drawn.
    """
    if style not in STYLES:
        raise ValueError(f"style must be one of {', '.join(STYLES)}; got {style!r}.")
    img = _numbers(image, "drawing")
    if img.ndim != 2:
        raise ValueError(f"The drawing must be a 2-D (height, width) array; got shape {img.shape}.")
    if min(img.shape) < MIN_DRAWING_SIDE:
        raise ValueError(
            f"The drawing must be at least {MIN_DRAWING_SIDE} × {MIN_DRAWING_SIDE} pixels; "
            f"got {img.shape[0]} × {img.shape[1]}."
        )
    if img.min() < 0 or img.max() > 1:
        raise ValueError(
            "The drawing's values must lie in [0, 1] (ink = 1); divide 8-bit pixels by 255."
        )
    ink = img > 0.5
    rows, cols = np.flatnonzero(ink.any(axis=1)), np.flatnonzero(ink.any(axis=0))
    if rows.size == 0:
        raise ValueError("nothing drawn: draw a digit on the pad first.")
    top, left = int(rows[0]), int(cols[0])
    h, w = int(rows[-1]) - top + 1, int(cols[-1]) - left + 1
    crop = ink[top : top + h, left : left + w].astype(np.float64)

    y_axis, x_axis = _layout(h, w, style)
    # Exact integers in float64 (far below 2**53), so an enlarged drawing gives the same counts.
    coverage = _overlaps(h, *y_axis) @ crop @ _overlaps(w, *x_axis).T
    scaled = 2 * coverage > y_axis[2] * x_axis[2]  # more than half of the pixel is ink
    touched = coverage > 0
    if 3 * scaled.sum() < touched.sum():
        # Strokes thinner than a bitmap pixel fall apart at "more than half": a thin pen (or a
        # digit drawn very large) keeps every pixel its ink touches instead.
        scaled = touched
    bitmap, stroke_steps, slant = scaled, 0, 0.0
    if style == "nist":
        bitmap, stroke_steps = _normalise_strokes(bitmap)
        bitmap, slant = _deslant(bitmap)
    return NormalisedDrawing((top, left, h, w), scaled, stroke_steps, slant, bitmap,
                             from_bitmap(bitmap))  # fmt: skip


def _layout(h: int, w: int, style: Style) -> tuple[tuple[int, int, int], tuple[int, int, int]]:
    """Where the crop's pixels land in the bitmap, per axis: pixel i covers
    [(start + span·i) / den, (start + span·(i+1)) / den) in bitmap pixels, all integers."""
    if style == "fit":
        m = max(h, w)  # the longer side fills 32; the other keeps the aspect ratio, centred
        return (16 * (m - h), BITMAP, m), (16 * (m - w), BITMAP, m)
    if BITMAP * w <= NIST_WIDTH * h:  # narrow: full height, aspect ratio kept, centred
        return (0, BITMAP, h), (16 * (h - w), BITMAP, h)
    return (0, BITMAP, h), ((BITMAP - NIST_WIDTH) // 2 * w, NIST_WIDTH, w)  # wide: 20 wide


def _overlaps(n: int, start: int, span: int, den: int) -> NDArray[np.float64]:
    """(32, n): how much of bitmap pixel r source pixel i covers, in units of 1/den pixel."""
    lo = start + span * np.arange(n, dtype=np.int64)
    edges = np.arange(BITMAP + 1, dtype=np.int64) * den
    covered = np.minimum(lo + span, edges[1:, None]) - np.maximum(lo, edges[:-1, None])
    return np.clip(covered, 0, None).astype(np.float64)


def _neighbours(b: NDArray[np.bool_]) -> tuple[NDArray[np.bool_], ...]:
    """The 4-neighbours of every pixel (off beyond the border): up, down, left, right."""
    p = np.pad(b, 1)
    return p[:-2, 1:-1], p[2:, 1:-1], p[1:-1, :-2], p[1:-1, 2:]


def _thin(b: NDArray[np.bool_]) -> NDArray[np.bool_]:
    """Erode: an on pixel stays on only if its 4 neighbours are all on."""
    up, down, left, right = _neighbours(b)
    return b & up & down & left & right


def _thicken(b: NDArray[np.bool_]) -> NDArray[np.bool_]:
    """Dilate: a pixel turns on if it or one of its 4 neighbours is on."""
    up, down, left, right = _neighbours(b)
    return b | up | down | left | right


def _normalise_strokes(b: NDArray[np.bool_]) -> tuple[NDArray[np.bool_], int]:
    n = int(b.sum())
    if n > THIN_ONCE:
        steps = -2 if n > THIN_TWICE else -1
    elif n < THICKEN_ONCE:
        steps = 2 if n < THICKEN_TWICE else 1
    else:
        steps = 0
    for _ in range(abs(steps)):
        b = _thin(b) if steps < 0 else _thicken(b)
    return b, steps


def _deslant(b: NDArray[np.bool_]) -> tuple[NDArray[np.bool_], float]:
    """NIST's shear: shift rows so the leftmost ink near the top and near the bottom line up."""
    rows = np.flatnonzero(b.any(axis=1))
    if rows.size == 0 or rows[-1] - rows[0] + 1 <= 5:
        return b, 0.0
    # Two rows in from each end: the very first and last rows are often a stray pixel.
    top, bottom = min(int(rows[0]) + 2, BITMAP - 1), max(int(rows[-1]) - 2, 0)
    if top >= bottom or not (b[top].any() and b[bottom].any()):
        return b, 0.0
    top_left, bottom_left = int(b[top].argmax()), int(b[bottom].argmax())
    if top_left == bottom_left:
        return b, 0.0
    slant = (top_left - bottom_left) / (bottom - top)
    offsets = (np.arange(BITMAP) - BITMAP // 2) * slant
    shifts = (np.sign(offsets) * np.floor(np.abs(offsets) + 0.5)).astype(int)  # half away from 0
    out = np.zeros_like(b)
    for r, s in enumerate(shifts):
        if abs(s) >= BITMAP:
            continue  # the whole row slides out of the bitmap (only for an extreme slant)
        if s >= 0:
            out[r, s:] = b[r, : BITMAP - s]
        else:
            out[r, :s] = b[r, -s:]
    return out, slant


# ----------------------------------------------------------------------------- strokes from a pad

# What one drawing may hold: far more than any digit needs, and a bound on the work a page does
# for whatever a browser sends.
MAX_STROKES = 64
MAX_POINTS = 4000


def rasterise(strokes: list[NDArray[np.float64]], shape: tuple[int, int], *, pen: float):
    """Strokes drawn the way a browser canvas draws them: a round pen ``pen`` pixels wide, round
    caps and joins, anti-aliased (a pixel's value is the share of it the pen covers, from its
    distance to the stroke), ink = 1 on 0.

    Parameters
    ----------
    strokes : each (n, 2) points (x, y) in pixels, x to the right and y down; one point is a dot.
    shape : (H, W) of the drawing.
    pen : the pen's width in pixels.

    Returns
    -------
    (H, W) floats in [0, 1].
    """
    h, w = shape
    a, b = _pieces(strokes)
    dist = np.full(h * w, np.inf)
    if len(a):
        # Every piece is at most PIECE pixels long, so the pixels its pen can reach fit one
        # box of the same size for all: all pieces at once, (pieces, size, size).
        reach = pen / 2 + 1
        size = int(np.ceil(2 * reach + PIECE)) + 2
        r0 = np.floor(np.minimum(a[:, 1], b[:, 1]) - reach).astype(np.int64)
        c0 = np.floor(np.minimum(a[:, 0], b[:, 0]) - reach).astype(np.int64)
        rows = r0[:, None] + np.arange(size)  # (pieces, size)
        cols = c0[:, None] + np.arange(size)
        # Pixel centres at (col + 0.5, row + 0.5), as on a canvas.
        px = (cols + 0.5)[:, None, :] - a[:, 0, None, None]
        py = (rows + 0.5)[:, :, None] - a[:, 1, None, None]
        ab = b - a
        ab2 = np.maximum((ab**2).sum(axis=1), 1e-12)[:, None, None]
        t = np.clip((px * ab[:, 0, None, None] + py * ab[:, 1, None, None]) / ab2, 0, 1)
        d = np.hypot(px - t * ab[:, 0, None, None], py - t * ab[:, 1, None, None])
        inside = ((rows >= 0) & (rows < h))[:, :, None] & ((cols >= 0) & (cols < w))[:, None, :]
        index = rows[:, :, None] * w + cols[:, None, :]
        np.minimum.at(dist, index[inside], d[inside])
    return np.clip(pen / 2 - dist.reshape(h, w) + 0.5, 0, 1)


PIECE = 2.0  # pixels: longer segments are cut into pieces at most this long


def _pieces(strokes: list[NDArray[np.float64]]) -> tuple[NDArray, NDArray]:
    """Every segment of every stroke cut into pieces at most PIECE long: starts and ends (m, 2).
    A single point is a piece of length 0 (a dot)."""
    starts, ends = [], []
    for s in strokes:
        s = np.asarray(s, dtype=np.float64).reshape(-1, 2)
        a, b = (s[:-1], s[1:]) if len(s) > 1 else (s[:1], s[:1])
        n = np.maximum(np.ceil(np.hypot(*(b - a).T) / PIECE), 1).astype(np.int64)
        seg = np.repeat(np.arange(len(a)), n)
        k = np.arange(n.sum()) - np.repeat(np.cumsum(n) - n, n)  # piece k of its segment
        frac0, frac1 = (k / n[seg])[:, None], ((k + 1) / n[seg])[:, None]
        starts.append(a[seg] + (b[seg] - a[seg]) * frac0)
        ends.append(np.where(frac1 == 1, b[seg], a[seg] + (b[seg] - a[seg]) * frac1))
    if not starts:
        return np.zeros((0, 2)), np.zeros((0, 2))
    return np.concatenate(starts), np.concatenate(ends)


def check_strokes(strokes: object) -> list[NDArray[np.float64]]:
    """Strokes as a drawing pad sends them, checked: a list of strokes, each a flat list
    [x0, y0, x1, y1, ...] of at least one point, coordinates as fractions of the pad's side
    (0 = left or top edge, 1 = right or bottom edge).

    Returns each stroke as an (n, 2) array. Anything else (not lists of numbers, NaN, points off
    the pad, more than MAX_STROKES strokes or MAX_POINTS points) raises a ValueError.
    """
    if not isinstance(strokes, list | tuple):
        raise ValueError("The drawing must be a list of strokes.")
    if len(strokes) > MAX_STROKES:
        raise ValueError(f"At most {MAX_STROKES} strokes per drawing; this one has {len(strokes)}.")
    out, points = [], 0
    for stroke in strokes:
        if not isinstance(stroke, list | tuple) or len(stroke) < 2 or len(stroke) % 2:
            raise ValueError("Each stroke must list its points as x, y pairs.")
        points += len(stroke) // 2
        if points > MAX_POINTS:
            raise ValueError(f"At most {MAX_POINTS} points per drawing.")
        if not all(isinstance(v, int | float) and not isinstance(v, bool) for v in stroke):
            raise ValueError("A stroke's coordinates must be numbers.")
        xy = np.asarray(stroke, dtype=np.float64).reshape(-1, 2)
        if not (np.isfinite(xy).all() and xy.min() >= 0 and xy.max() <= 1):
            raise ValueError("A stroke's points must lie on the pad: coordinates from 0 to 1.")
        out.append(xy)
    return out


def drawing_from_strokes(strokes: object, *, side: int = 128, pen: float = 0.1):
    """A pad's strokes as the (side, side) drawing ``normalise_drawing`` reads.

    Parameters
    ----------
    strokes : see :func:`check_strokes` (fractions of the pad's side).
    side : pixels per side of the drawing.
    pen : the pen's width as a fraction of the side; the pad draws with the same pen, so the
        learner sees what the network gets (about 1/10 reads best, see ``normalise_drawing``).

    Returns
    -------
    (side, side) floats in [0, 1], ink = 1; all zeros when there are no strokes.
    """
    if not (isinstance(side, int) and MIN_DRAWING_SIDE <= side <= 1024):
        raise ValueError(f"side must be a whole number from {MIN_DRAWING_SIDE} to 1024.")
    if not 0 < pen <= 0.5:
        raise ValueError("The pen's width must be more than 0 and at most half the pad.")
    # A point at the far edge (1.0) is drawn in the last pixel's far half, like any other.
    scaled = [xy * side for xy in check_strokes(strokes)]
    return rasterise(scaled, (side, side), pen=pen * side)
