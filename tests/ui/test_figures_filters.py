"""ui.figures.filters: the orientation lines, the cue that does not need colour."""

from __future__ import annotations

import numpy as np

from ui.figures.filters import orientation_glyphs


def _segments(xs, ys):
    x, y = np.array(xs, dtype=float), np.array(ys, dtype=float)
    return x[1::3] - x[0::3], y[1::3] - y[0::3]


def test_lines_run_along_the_stripes_of_the_winning_angle():
    """θ is across the stripes: 0° (vertical stripes) gives vertical lines, 90° horizontal
    ones, 45° lines from top right to bottom left (rows grow downwards)."""
    strength = np.ones((32, 48))
    for index, (ex, ey) in ((0, (0, 1)), (2, (1, 0)), (1, (-1, 1))):
        xs, ys = orientation_glyphs(np.full((32, 48), index), strength, [0, 45, 90], block=16)
        assert xs.count(None) == 2 * 3  # one line per 16 × 16 patch
        dx, dy = _segments(xs, ys)
        direction = np.array([ex, ey], dtype=float) / np.hypot(ex, ey)
        cross = dx * direction[1] - dy * direction[0]
        assert np.allclose(cross, 0, atol=0.02) and np.allclose(
            np.hypot(dx, dy), 12.8, atol=0.02
        )  # rounded to 0.01 px


def test_quiet_patches_get_no_line():
    strength = np.zeros((32, 32))
    strength[:16, :16] = 1.0  # one loud patch out of four
    xs, _ = orientation_glyphs(np.zeros((32, 32), int), strength, [0.0], block=16)
    assert xs.count(None) == 1
    assert orientation_glyphs(np.zeros((8, 8), int), np.zeros((8, 8)), [0.0], block=4) == ([], [])
