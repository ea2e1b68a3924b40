"""Digits drawn with a simulated pen, to test engine.digits.from_drawing as a drawing pad feeds it.

Each digit is a few strokes (polylines) in a unit box, x to the right and y down, roughly as people
write them. `render` draws strokes on a pad the way a browser canvas does: a round pen of a given
width, anti-aliased (a pixel's value is the share of it the pen covers, approximated from its
distance to the stroke), ink = 1 on a background of 0.
"""

from __future__ import annotations

import numpy as np

from engine.digits import rasterise

Stroke = np.ndarray  # (n, 2) points (x, y)


def arc(cx: float, cy: float, rx: float, ry: float, start: float, stop: float) -> Stroke:
    """An elliptical arc, angles in degrees measured clockwise on screen (0 = right, 90 = down)."""
    t = np.radians(np.linspace(start, stop, max(8, int(abs(stop - start) / 8))))
    return np.column_stack([cx + rx * np.cos(t), cy + ry * np.sin(t)])


def line(*points: tuple[float, float]) -> Stroke:
    return np.array(points, dtype=np.float64)


# Two or three ways of writing each digit, as strokes in the unit box.
TEMPLATES: dict[int, list[list[Stroke]]] = {
    0: [[arc(0.5, 0.5, 0.5, 0.5, -90, 270)], [arc(0.5, 0.5, 0.45, 0.5, -100, 275)]],
    1: [
        [line((0.5, 0), (0.5, 1))],
        [line((0.15, 0.3), (0.55, 0), (0.55, 1))],
        [line((0.15, 0.3), (0.5, 0), (0.5, 1)), line((0.15, 1), (0.85, 1))],
    ],
    2: [
        [np.vstack([arc(0.5, 0.3, 0.5, 0.3, 190, 390), line((0.0, 1.0), (1.0, 1.0))])],
        [np.vstack([arc(0.5, 0.28, 0.45, 0.28, 200, 380), line((0.05, 1.0), (1.0, 0.95))])],
    ],
    3: [
        [np.vstack([arc(0.5, 0.25, 0.45, 0.25, 200, 450), arc(0.5, 0.74, 0.5, 0.26, 270, 520)])],
        [line((0.05, 0), (0.95, 0), (0.4, 0.4)), arc(0.45, 0.7, 0.5, 0.3, 260, 520)],
    ],
    4: [
        [line((0.65, 0), (0, 0.65), (1, 0.65)), line((0.72, 0.3), (0.72, 1))],
        [line((0.1, 0), (0.05, 0.55), (0.95, 0.55)), line((0.75, 0), (0.75, 1))],
    ],
    5: [
        [line((0.95, 0), (0.12, 0), (0.08, 0.45)), arc(0.45, 0.68, 0.5, 0.32, 230, 500)],
        [line((0.9, 0), (0.1, 0), (0.05, 0.45)), arc(0.45, 0.7, 0.5, 0.3, 225, 505)],
    ],
    6: [
        [
            np.vstack(
                [
                    line((0.85, 0.05), (0.5, 0), (0.2, 0.2), (0.05, 0.55), (0.1, 0.85)),
                    arc(0.5, 0.72, 0.45, 0.28, 160, 520),
                ]
            )
        ],
    ],
    7: [
        [line((0, 0), (1, 0), (0.35, 1))],
        [line((0, 0.05), (1, 0), (0.4, 1)), line((0.35, 0.5), (0.9, 0.5))],
    ],
    8: [
        [arc(0.5, 0.25, 0.4, 0.25, 90, 450), arc(0.5, 0.75, 0.5, 0.25, -90, 270)],
    ],
    9: [
        [arc(0.5, 0.3, 0.45, 0.3, 0, 360), line((0.95, 0.3), (0.9, 1))],
        [arc(0.5, 0.28, 0.45, 0.28, 0, 360), line((0.95, 0.28), (0.6, 1))],
        [arc(0.5, 0.22, 0.42, 0.22, 0, 360), arc(0.3, 0.22, 0.62, 0.78, 0, 100)],
    ],
}


def place(
    strokes: list[Stroke],
    *,
    height: float,
    aspect: float,
    slant: float = 0.0,
    centre: tuple[float, float],
) -> list[Stroke]:
    """Strokes in pad pixels: `height` tall, `aspect * height` wide, slanted (x moves right by
    slant * height from bottom to top), centred at `centre` (x, y)."""
    out = []
    for s in strokes:
        x = (s[:, 0] - 0.5) * aspect * height + slant * (0.5 - s[:, 1]) * height
        y = (s[:, 1] - 0.5) * height
        out.append(np.column_stack([x + centre[0], y + centre[1]]))
    return out


def render(strokes: list[Stroke], shape: tuple[int, int], *, pen: float) -> np.ndarray:
    """An anti-aliased drawing, (H, W) floats in [0, 1]: a round pen `pen` pixels wide."""
    return rasterise(strokes, shape, pen=pen)


def random_drawing(
    digit: int, rng: np.random.Generator, *, pad: int = 280, pen: float | None = None
) -> np.ndarray:
    """One digit drawn at a random size, place, slant and shape on a `pad` × `pad` canvas."""
    variants = TEMPLATES[digit]
    strokes = variants[rng.integers(len(variants))]
    height = rng.uniform(0.35, 0.85) * pad
    aspect = 0.15 if digit == 1 and len(strokes) == 1 else rng.uniform(0.55, 0.85)
    slant = rng.uniform(-0.2, 0.25)
    margin = 0.04 * pad + (pen or 0)
    half_w = (aspect + abs(slant)) * height / 2 + margin
    half_h = height / 2 + margin
    centre = (
        rng.uniform(half_w, pad - half_w) if half_w < pad / 2 else pad / 2,
        rng.uniform(half_h, pad - half_h) if half_h < pad / 2 else pad / 2,
    )
    if pen is None:
        pen = rng.uniform(0.06, 0.14) * height
    return render(place(strokes, height=height, aspect=aspect, slant=slant, centre=centre),
                  (pad, pad), pen=pen)  # fmt: skip
