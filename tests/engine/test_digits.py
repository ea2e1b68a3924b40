"""engine.digits: the 4 × 4 block counts, and a drawing normalised the way the UCI digits were."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from engine.digits import (
    from_bitmap,
    from_drawing,
    load_digits,
    normalise_drawing,
)
from tests.engine.pen_digits import TEMPLATES, place, random_drawing, render

# ----------------------------------------------------------------------------- from_bitmap


@given(
    counts=arrays(np.int64, (8, 8), elements=st.integers(0, 16)),
    seed=st.integers(0, 2**32 - 1),
)
def test_a_block_with_k_on_pixels_counts_k(counts, seed):
    """Scatter k on-values (> 0.5) among 16 - k off-values (<= 0.5) in each block, anywhere."""
    rng = np.random.default_rng(seed)
    bitmap = np.empty((32, 32))
    for i in range(8):
        for j in range(8):
            on = rng.permutation(16) < counts[i, j]
            values = np.where(on, rng.uniform(0.5, 1, 16), rng.uniform(0, 0.5, 16))
            values[on & (values == 0.5)] = 1.0  # uniform(0.5, 1) may give exactly 0.5: off
            bitmap[4 * i : 4 * i + 4, 4 * j : 4 * j + 4] = values.reshape(4, 4)
    assert np.array_equal(from_bitmap(bitmap), counts)
    assert from_bitmap(bitmap).dtype == np.int64


def test_from_bitmap_counts_blocks_row_major_and_half_is_off():
    bitmap = np.zeros((32, 32))
    bitmap[0:4, 4:8] = 1  # block (0, 1): all 16
    bitmap[28, 0] = 0.51  # block (7, 0): one, just above the threshold
    bitmap[28, 1] = 0.5  # exactly 0.5 is off
    bitmap[31, 31] = True
    grid = from_bitmap(bitmap)
    expected = np.zeros((8, 8), dtype=np.int64)
    expected[0, 1], expected[7, 0], expected[7, 7] = 16, 1, 1
    assert np.array_equal(grid, expected)
    assert np.array_equal(from_bitmap(bitmap > 0.5), expected)  # booleans too


@pytest.mark.parametrize(
    "bad",
    [
        np.zeros((31, 32)),
        np.zeros((32, 33)),
        np.zeros((32, 32, 1)),
        np.zeros(1024),
        np.zeros((64, 64)),
        np.full((32, 32), np.nan),
        np.where(np.eye(32) > 0, np.inf, 0.0),
        [["a"] * 32] * 32,
        None,
    ],
)
def test_from_bitmap_rejects_other_shapes_and_non_finite_values(bad):
    with pytest.raises(ValueError, match="bitmap"):
        from_bitmap(bad)


# ----------------------------------------------------------------------------- from_drawing


def rectangle(h: int, w: int, *, pad: tuple[int, int] = (100, 100), at=(10, 10)) -> np.ndarray:
    img = np.zeros(pad)
    img[at[0] : at[0] + h, at[1] : at[1] + w] = 1
    return img


def test_fit_keeps_the_aspect_ratio_and_centres():
    # 40 tall, 20 wide: 32 tall and 16 wide, columns 8..23.
    steps = normalise_drawing(rectangle(40, 20), style="fit")
    assert steps.box == (10, 10, 40, 20)
    expected = np.zeros((32, 32), dtype=bool)
    expected[:, 8:24] = True
    assert np.array_equal(steps.scaled, expected)
    assert np.array_equal(steps.bitmap, expected)  # "fit" has no stroke or slant step
    assert (steps.stroke_steps, steps.slant) == (0, 0.0)
    # 20 tall, 40 wide: 32 wide and 16 tall, rows 8..23.
    assert np.array_equal(normalise_drawing(rectangle(20, 40), style="fit").scaled, expected.T)


def test_nist_makes_every_digit_full_height_and_at_most_20_wide():
    # Narrow (40 × 20, aspect 0.5 < 20/32): full height, aspect ratio kept, 16 wide.
    narrow = normalise_drawing(rectangle(40, 20))
    expected = np.zeros((32, 32), dtype=bool)
    expected[:, 8:24] = True
    assert np.array_equal(narrow.scaled, expected)
    # Wide (40 × 40): squeezed to NIST's 20 × 32 box, columns 6..25.
    wide = normalise_drawing(rectangle(40, 40))
    expected = np.zeros((32, 32), dtype=bool)
    expected[:, 6:26] = True
    assert np.array_equal(wide.scaled, expected)
    # 640 on-pixels > 560: thinned twice (the border counts as off), 16 × 28 = 448 left.
    assert wide.stroke_steps == -2
    assert wide.bitmap.sum() == 16 * 28
    assert np.array_equal(wide.bitmap, np.pad(np.ones((28, 16), dtype=bool), ((2, 2), (8, 8))))
    assert np.array_equal(wide.grid, from_bitmap(wide.bitmap))


def morph_reference(bitmap: np.ndarray, *, thicken: bool) -> np.ndarray:
    """One erosion or dilation with the 4-neighbourhood, pixel by pixel (outside: off)."""
    out = bitmap.copy()
    for r in range(32):
        for c in range(32):
            near = [
                bitmap[rr, cc] if 0 <= rr < 32 and 0 <= cc < 32 else False
                for rr, cc in ((r - 1, c), (r + 1, c), (r, c - 1), (r, c + 1))
            ]
            out[r, c] = (bitmap[r, c] or any(near)) if thicken else (bitmap[r, c] and all(near))
    return out


@pytest.mark.parametrize(
    ("ring_width", "steps"),
    [(5, 2), (16, 1), (40, 0), (70, -1), (None, -2)],  # None: a filled square
)
def test_stroke_width_is_normalised_as_nist_did(ring_width, steps):
    """Thicken twice below 108 on-pixels, once below 256; thin once above 412, twice above 560."""
    yy, xx = np.mgrid[0:200, 0:200]
    r = np.hypot(yy - 100, xx - 100)
    drawing = np.ones((200, 200)) if ring_width is None else (r <= 90) & (r > 90 - ring_width)
    result = normalise_drawing(drawing.astype(float))
    n = int(result.scaled.sum())
    assert result.stroke_steps == steps
    band = {2: n < 108, 1: 108 <= n < 256, 0: 256 <= n <= 412, -1: 412 < n <= 560, -2: n > 560}
    assert band[steps], n
    expected = result.scaled
    for _ in range(abs(steps)):
        expected = morph_reference(expected, thicken=steps > 0)
    if result.slant == 0:  # rings and squares are upright: no shear step
        assert np.array_equal(result.bitmap, expected)
    assert 256 <= result.bitmap.sum() <= 560


def test_a_slanted_bar_is_stood_upright():
    # A bar 7 pixels wide leaning right ("/"): one column to the left every 4 rows down.
    drawing = np.zeros((64, 64))
    for r in range(64):
        c = 40 - r // 4
        drawing[r, c - 3 : c + 4] = 1
    result = normalise_drawing(drawing)
    lean = [int(np.argmax(row)) for row in result.scaled]
    assert lean[0] - lean[-1] >= 6  # leaning in the scaled bitmap
    assert result.slant > 0
    upright = [int(np.argmax(row)) for row in result.bitmap]
    assert result.bitmap.any(axis=1).all()  # no row lost
    assert max(upright) - min(upright) <= 1  # upright, up to rounding


@given(
    seed=st.integers(0, 2**32 - 1),
    digit=st.integers(0, 9),
    moves=st.tuples(st.integers(-40, 40), st.integers(-40, 40)),
    style=st.sampled_from(["nist", "fit"]),
)
def test_moving_a_drawing_on_the_pad_changes_nothing(seed, digit, moves, style):
    drawing = random_drawing(digit, np.random.default_rng(seed), pad=120)
    big = np.zeros((220, 240))
    big[50 : 50 + 120, 60 : 60 + 120] = drawing
    moved = np.roll(big, moves, axis=(0, 1))  # the ink stays inside: 50 + 40 < 220 - 120 etc.
    a, b = normalise_drawing(big, style=style), normalise_drawing(moved, style=style)
    assert np.array_equal(a.grid, b.grid)
    assert np.array_equal(a.bitmap, b.bitmap)
    assert b.box == (a.box[0] + moves[0], a.box[1] + moves[1], *a.box[2:])


@given(
    seed=st.integers(0, 2**32 - 1),
    digit=st.integers(0, 9),
    factor=st.integers(2, 4),
    style=st.sampled_from(["nist", "fit"]),
)
def test_enlarging_a_drawing_by_a_whole_factor_changes_nothing(seed, digit, factor, style):
    """Each pixel becomes a factor × factor block: the exact scale property (integer coverage)."""
    drawing = random_drawing(digit, np.random.default_rng(seed), pad=64)
    enlarged = np.kron(drawing, np.ones((factor, factor)))
    a, b = normalise_drawing(drawing, style=style), normalise_drawing(enlarged, style=style)
    assert np.array_equal(a.grid, b.grid)
    assert np.array_equal(a.scaled, b.scaled)


def test_the_same_strokes_drawn_bigger_give_nearly_the_same_grid():
    """Not exact (pixel edges fall elsewhere, and a stroke step can flip at a band edge), but
    close: over 60 digits drawn at 1.3 to 1.8 times the size elsewhere on a larger pad, the
    typical block moves by well under one count of 16."""
    rng = np.random.default_rng(0)
    mean_diffs = []
    for t in range(60):
        digit = t % 10
        strokes = TEMPLATES[digit][rng.integers(len(TEMPLATES[digit]))]
        aspect, slant = rng.uniform(0.55, 0.85), rng.uniform(-0.2, 0.2)
        h1, f = rng.uniform(100, 140), rng.uniform(1.3, 1.8)
        small = place(strokes, height=h1, aspect=aspect, slant=slant, centre=(120, 120))
        large = place(strokes, height=h1 * f, aspect=aspect, slant=slant, centre=(170.3, 160.7))
        a = from_drawing(render(small, (240, 240), pen=0.1 * h1), style="nist")
        b = from_drawing(render(large, (340, 340), pen=0.1 * h1 * f), style="nist")
        mean_diffs.append(np.abs(a - b).mean())
    assert np.median(mean_diffs) < 0.3
    assert np.mean(np.array(mean_diffs) < 1.0) >= 0.95


def test_a_thin_pen_does_not_break_the_strokes_apart():
    # A 1.5-pixel pen on a 280-pixel digit: 0.17 bitmap pixels wide, less than half of any pixel.
    strokes = place(TEMPLATES[0][0], height=280, aspect=0.7, centre=(160, 160))
    result = normalise_drawing(render(strokes, (320, 320), pen=1.5))
    ring = result.bitmap
    assert ring.sum() >= 200  # thickened into a closed outline, not a few scattered dots
    # Closed: the inside is not connected to the border (flood fill from the centre).
    inside = np.zeros_like(ring)
    inside[16, 16] = True
    for _ in range(64):
        p = np.pad(inside, 1)
        inside = ~ring & (inside | p[:-2, 1:-1] | p[2:, 1:-1] | p[1:-1, :-2] | p[1:-1, 2:])
    assert not (inside[0].any() or inside[-1].any() or inside[:, 0].any() or inside[:, -1].any())


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        (np.zeros((50, 50)), "nothing drawn"),
        (np.full((50, 50), 0.5), "nothing drawn"),  # faint everywhere: no pixel above half
        (np.zeros((3, 50, 50)), "2-D"),
        (np.zeros(64), "2-D"),
        (np.zeros((7, 50)), "at least 8"),
        (np.where(np.eye(20) > 0, np.nan, 0.0), "NaN"),
        (np.where(np.eye(20) > 0, np.inf, 0.0), "NaN"),
        (np.eye(20) * 255, r"\[0, 1\]"),
        (np.eye(20) - 0.5, r"\[0, 1\]"),
        ("a drawing", "numbers"),
    ],
)
def test_from_drawing_rejects_junk_with_a_clear_message(bad, message):
    with pytest.raises(ValueError, match=message):
        from_drawing(bad)


def test_from_drawing_rejects_an_unknown_style():
    with pytest.raises(ValueError, match="style"):
        from_drawing(np.eye(20), style="mnist")


# ----------------------------------------------------------------------------- realism


def bitmap_from_counts(grid: np.ndarray) -> np.ndarray:
    """A 32 × 32 bitmap whose 4 × 4 blocks hold exactly `grid`'s counts: in each block, the pixels
    where a smooth (bilinear) enlargement of the grid is brightest are on."""
    c = (np.arange(32) + 0.5) / 4 - 0.5
    lo = np.clip(np.floor(c).astype(int), 0, 7)
    hi = np.clip(lo + 1, 0, 7)
    t = np.where(c < 0, 0.0, c - np.floor(c))
    rows = grid[lo] * (1 - t)[:, None] + grid[hi] * t[:, None]
    smooth = rows[:, lo] * (1 - t) + rows[:, hi] * t
    bitmap = np.zeros((32, 32), dtype=bool)
    for i in range(8):
        for j in range(8):
            block = smooth[4 * i : 4 * i + 4, 4 * j : 4 * j + 4].ravel()
            on = np.zeros(16, dtype=bool)
            on[np.argsort(-block, kind="stable")[: grid[i, j]]] = True
            bitmap[4 * i : 4 * i + 4, 4 * j : 4 * j + 4] = on.reshape(4, 4)
    return bitmap


def test_data_set_digits_drawn_on_a_pad_come_back_close():
    """Each sampled digit is blown up into a 256 × 256 drawing somewhere on a pad: from_drawing
    gives back nearly the same 8 × 8 grid, and the same nearest neighbours in the data set."""
    images, labels = load_digits()
    flat = images.reshape(len(images), -1).astype(np.float64)

    def vote(grid: np.ndarray, leave_out: int) -> int:
        d = ((flat - grid.ravel()) ** 2).sum(axis=1)
        d[leave_out] = np.inf
        return int(np.bincount(labels[np.argsort(d)[:3]], minlength=10).argmax())

    sample = np.arange(0, len(images), 30)
    mean_diffs, same_vote = [], []
    for n in sample:
        grid = images[n].astype(np.int64)
        bitmap = bitmap_from_counts(grid)
        assert np.array_equal(from_bitmap(bitmap), grid)
        pad = np.zeros((300, 330))
        pad[20:276, 40:296] = np.kron(bitmap, np.ones((8, 8)))
        back = from_drawing(pad, style="nist")
        mean_diffs.append(np.abs(back - grid).mean())
        same_vote.append(vote(back, n) == vote(grid, n))
    assert np.median(mean_diffs) < 1.5  # of 16
    assert np.mean(same_vote) >= 0.95


def test_pen_digits_are_read_as_the_digits_drawn():
    """Digits drawn with a simulated pen (random size, place, slant; pen 6-14 % of their height)
    are, after from_drawing, nearest to data-set digits of the same class far more often with
    NIST's normaliser than with a plain fit."""
    images, labels = load_digits()
    flat = images.reshape(len(images), -1).astype(np.float64)

    def vote(grid: np.ndarray) -> int:
        d = ((flat - grid.ravel()) ** 2).sum(axis=1)
        return int(np.bincount(labels[np.argsort(d)[:3]], minlength=10).argmax())

    rng = np.random.default_rng(1)
    drawn = [(digit, random_drawing(digit, rng, pad=200)) for _ in range(6) for digit in range(10)]
    nist = np.mean([vote(from_drawing(img, style="nist")) == digit for digit, img in drawn])
    fit = np.mean([vote(from_drawing(img, style="fit")) == digit for digit, img in drawn])
    assert nist >= 0.7
    assert nist > fit + 0.05


def test_the_default_is_the_contracts_plain_fit():
    """DESIGN.md: crop to the ink, fit 32 × 32 keeping the aspect ratio, centre, count."""
    wide = np.zeros((40, 80))
    wide[10:20, 10:70] = 1.0  # a 10 × 60 bar: scaled by 32/60, it is 5.33 rows tall, centred
    grid = from_drawing(wide)
    assert np.array_equal(grid, from_drawing(wide, style="fit"))
    assert grid.sum() > 0 and np.all(grid[0] == 0) and np.all(grid[-1] == 0)
    assert grid[:, 0].any() and grid[:, -1].any()  # the full width is used
