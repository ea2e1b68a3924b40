"""engine.digits: strokes from a drawing pad, rasterised with the pad's round pen, then read."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from engine.digits import (
    MAX_POINTS,
    MAX_STROKES,
    check_strokes,
    drawing_from_strokes,
    from_drawing,
    rasterise,
)
from tests.engine.pen_digits import TEMPLATES, place


def flat(xy: np.ndarray) -> list[float]:
    return [float(v) for v in np.asarray(xy).ravel()]


def test_a_horizontal_stroke_is_a_band_as_wide_as_the_pen_with_round_caps():
    img = rasterise([np.array([[20.0, 50.0], [80.0, 50.0]])], (100, 100), pen=10)
    column = img[:, 50]
    # Pixel centres 45.5 .. 54.5 are within 5 of y = 50: ten full pixels; the edge pixels
    # at distance 5.5 are half covered (0.5 - 5.5 + 5 = 0): the band's ink sums to the pen.
    assert column.sum() == pytest.approx(10.0)
    assert np.all(column[46:54] == 1) and column[40] == 0
    # Round caps: past the end of the segment the ink reaches pen / 2 along the axis only.
    row = img[50]
    assert row[86] == 0 and row[83] == 1 and row[14] == 0 and row[16] == 1
    assert img[45, 16] == 0  # the cap's corner is round, not square (distance 5.7 > 5)


def test_a_single_point_is_a_dot_as_wide_as_the_pen():
    img = rasterise([np.array([[50.0, 50.0]])], (100, 100), pen=20)
    assert img.sum() == pytest.approx(np.pi * 10**2, rel=0.02)
    assert img[50, 50] == 1 and img[50, 62] == 0


def test_strokes_as_fractions_draw_the_same_as_in_pixels():
    strokes = place(TEMPLATES[3][0], height=0.7, aspect=0.6, centre=(0.5, 0.5))
    drawing = drawing_from_strokes([flat(s) for s in strokes], side=128, pen=0.1)
    pixels = rasterise([s * 128 for s in strokes], (128, 128), pen=12.8)
    np.testing.assert_array_equal(drawing, pixels)
    assert drawing.shape == (128, 128) and drawing.min() >= 0 and drawing.max() == 1


def test_no_strokes_is_a_blank_drawing_that_from_drawing_refuses():
    blank = drawing_from_strokes([])
    assert blank.shape == (128, 128) and not blank.any()
    with pytest.raises(ValueError, match="nothing drawn"):
        from_drawing(blank, style="nist")


@given(
    dx=st.floats(-0.12, 0.12),
    dy=st.floats(-0.12, 0.12),
    digit=st.integers(0, 9),
)
def test_moving_the_strokes_by_whole_pixels_gives_the_same_grid(dx, dy, digit):
    side = 128
    dx, dy = round(dx * side) / side, round(dy * side) / side  # whole pixels of the drawing
    strokes = place(TEMPLATES[digit][0], height=0.6, aspect=0.6, centre=(0.5, 0.5))
    moved = [s + np.array([dx, dy]) for s in strokes]
    a = from_drawing(drawing_from_strokes([flat(s) for s in strokes], side=side), style="nist")
    b = from_drawing(drawing_from_strokes([flat(s) for s in moved], side=side), style="nist")
    np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        ("a 7", "list of strokes"),
        ([[0.5]], "x, y pairs"),
        ([[]], "x, y pairs"),
        ([[0.1, 0.2, 0.3]], "x, y pairs"),
        ([{"x": 1}], "x, y pairs"),
        ([[0.1, "0.2"]], "numbers"),
        ([[0.1, True]], "numbers"),
        ([[0.1, float("nan")]], "on the pad"),
        ([[0.1, float("inf")]], "on the pad"),
        ([[0.1, 1.5]], "on the pad"),
        ([[-0.01, 0.5]], "on the pad"),
        ([[0.5, 0.5]] * (MAX_STROKES + 1), f"At most {MAX_STROKES} strokes"),
        ([[0.5, 0.5] * (MAX_POINTS // 2 + 1)] * 2, f"At most {MAX_POINTS} points"),
    ],
)
def test_junk_from_a_browser_is_refused_with_a_clear_message(bad, message):
    with pytest.raises(ValueError, match=message):
        check_strokes(bad)


def test_bad_pad_settings_are_refused():
    with pytest.raises(ValueError, match="side"):
        drawing_from_strokes([], side=4)
    with pytest.raises(ValueError, match="pen"):
        drawing_from_strokes([], pen=0)
