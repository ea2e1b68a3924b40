"""engine.filters: the preset kernels, Gabor filters, custom kernels and one conv layer."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from engine.conv import conv2d_reference, output_size
from engine.filters import (
    PRESETS,
    apply_filters,
    filter_weights,
    gabor_bank,
    gabor_kernel,
    gaussian_kernel,
    is_signed,
    parse_kernel,
    preset_kernel,
    strongest_orientation,
)


def step_edge(h: int = 8, w: int = 8) -> np.ndarray:
    """(3, h, w): black on the left half, white on the right half."""
    img = np.zeros((3, h, w), dtype=np.float32)
    img[:, :, w // 2 :] = 1
    return img


def stripes(n: int, wavelength: float, *, vertical: bool) -> np.ndarray:
    u = np.arange(n)
    wave = 0.5 + 0.5 * np.cos(2 * np.pi * u / wavelength)
    grid = np.tile(wave, (n, 1)) if vertical else np.tile(wave[:, None], (1, n))
    return np.repeat(grid[None], 3, axis=0).astype(np.float32)


def test_preset_kernels_are_the_textbook_ones():
    assert preset_kernel("sobel_x").tolist() == [[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]]
    assert preset_kernel("sobel_y").tolist() == [[-1, -2, -1], [0, 0, 0], [1, 2, 1]]
    assert preset_kernel("laplacian").tolist() == [[0, 1, 0], [1, -4, 1], [0, 1, 0]]
    assert preset_kernel("sharpen").tolist() == [[0, -1, 0], [-1, 5, -1], [0, -1, 0]]
    assert preset_kernel("identity").tolist() == [[0, 0, 0], [0, 1, 0], [0, 0, 0]]
    sums = {name: preset.kernel.sum() for name, preset in PRESETS.items()}
    for name in ("identity", "box_blur", "gaussian_blur", "sharpen", "emboss"):
        assert sums[name] == pytest.approx(1)
    for name in ("sobel_x", "sobel_y", "laplacian"):
        assert sums[name] == 0
    assert len(PRESETS) == 8
    k = preset_kernel("sobel_x")
    k[0, 0] = 99  # a copy: the preset itself stays as it is
    assert PRESETS["sobel_x"].kernel[0, 0] == -1
    with pytest.raises(ValueError, match="Unknown filter"):
        preset_kernel("blurry")


def test_gaussian_kernel():
    k = gaussian_kernel(5, sigma=1.0)
    assert k.shape == (5, 5) and k.sum() == pytest.approx(1)
    np.testing.assert_allclose(k, k.T)
    np.testing.assert_allclose(k, k[::-1, ::-1])
    assert k[2, 2] == k.max()
    assert k[2, 3] / k[2, 2] == pytest.approx(math.exp(-0.5))
    for bad in ({"size": 4}, {"size": 0}, {"sigma": 0}):
        with pytest.raises(ValueError):
            gaussian_kernel(**{"size": 5, "sigma": 1.0, **bad})


def test_identity_per_channel_returns_the_image_and_the_sum_adds_channels():
    rng = np.random.default_rng(0)
    img = rng.random((3, 6, 7), dtype=np.float32)
    same = apply_filters(img, preset_kernel("identity"), mode="per_channel", padding=1)
    assert same.shape == (1, 3, 6, 7)
    np.testing.assert_allclose(same[0], img, atol=1e-6)
    summed = apply_filters(img, preset_kernel("identity"), padding=1)
    assert summed.shape == (1, 6, 7) and summed.dtype == np.float32
    np.testing.assert_allclose(summed[0], img.sum(axis=0), atol=1e-6)


def test_sobel_x_finds_a_dark_to_bright_edge():
    out = apply_filters(step_edge(), preset_kernel("sobel_x"), mode="per_channel")
    # Windows straddling the edge see 0s on the left and 1s on the right: 1 + 2 + 1 = 4.
    assert out.shape == (1, 3, 6, 6)
    assert out[0, 0].tolist() == [[0, 0, 4, 4, 0, 0]] * 6
    summed = apply_filters(step_edge(), preset_kernel("sobel_x"))
    assert summed[0, 0].tolist() == [0, 0, 12, 12, 0, 0]  # the three channels add up
    assert np.all(apply_filters(step_edge(), preset_kernel("sobel_y")) == 0)
    flipped = apply_filters(step_edge()[:, :, ::-1], preset_kernel("sobel_x"))
    assert flipped.min() == -12


@given(
    img=arrays(np.float32, (3, 7, 9), elements=st.floats(0, 1, width=32)),
    kernel=arrays(np.float64, (3, 3), elements=st.floats(-5, 5)),
    stride=st.integers(1, 3),
    padding=st.integers(0, 2),
)
def test_sum_mode_is_the_multichannel_filter_and_the_sum_of_per_channel_maps(
    img, kernel, stride, padding
):
    out = apply_filters(img, kernel, stride=stride, padding=padding)
    reference = conv2d_reference(
        img.astype(np.float64), filter_weights(kernel), stride=stride, padding=padding
    )
    np.testing.assert_allclose(out, reference, rtol=1e-4, atol=1e-4)
    per_channel = apply_filters(img, kernel, mode="per_channel", stride=stride, padding=padding)
    np.testing.assert_allclose(per_channel.sum(axis=1), out, rtol=1e-4, atol=1e-4)
    # The lecture's shape formula, with p the total padding (both sides).
    p = 2 * padding
    assert out.shape[1:] == ((7 - 3 + p + stride) // stride, (9 - 3 + p + stride) // stride)
    assert out.shape[1] == output_size(7, 3, stride=stride, padding=padding)


def test_relu_and_max_pool():
    rng = np.random.default_rng(1)
    img = rng.random((3, 10, 10), dtype=np.float32)
    raw = apply_filters(img, preset_kernel("laplacian"))
    assert raw.min() < 0
    relu = apply_filters(img, preset_kernel("laplacian"), relu=True)
    np.testing.assert_array_equal(relu, np.maximum(raw, 0))
    pooled = apply_filters(img, preset_kernel("laplacian"), relu=True, pool=2)
    assert pooled.shape == (1, 4, 4)
    np.testing.assert_array_equal(pooled[0], relu[0].reshape(4, 2, 4, 2).max(axis=(1, 3)))


def test_mirror_padding_keeps_the_size_without_a_frame():
    flat = np.full((3, 6, 8), 0.5, dtype=np.float32)
    zeros = apply_filters(flat, preset_kernel("laplacian"), padding=1)
    assert zeros.shape == (1, 6, 8) and zeros[0, 0, 0] == pytest.approx(-3)  # the frame lights up
    mirror = apply_filters(flat, preset_kernel("laplacian"), padding=1, padding_mode="mirror")
    assert mirror.shape == (1, 6, 8)
    np.testing.assert_allclose(mirror, 0, atol=1e-6)  # a flat picture has no edges anywhere
    with pytest.raises(ValueError, match="padding_mode"):
        apply_filters(flat, preset_kernel("laplacian"), padding_mode="wrap")  # type: ignore[arg-type]


def test_filter_weights_shape_and_errors():
    w = filter_weights(np.stack([preset_kernel("sobel_x"), preset_kernel("sobel_y")]))
    assert w.shape == (2, 3, 3, 3)
    np.testing.assert_array_equal(w[1, 2], preset_kernel("sobel_y"))
    with pytest.raises(ValueError, match="mode"):
        apply_filters(step_edge(), preset_kernel("identity"), mode="both")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="kernel"):
        apply_filters(step_edge(3, 3), np.ones((5, 5)))  # no 5 × 5 window fits in 3 × 3


def test_gabor_kernel_is_zero_mean_and_normalised():
    k = gabor_kernel(theta=0.3, wavelength=6, sigma=2.5)
    assert k.shape == (11, 11)  # AlexNet's conv1 size for the default σ
    assert abs(k.sum()) < 1e-12
    assert k[k > 0].sum() == pytest.approx(1)
    vertical = gabor_kernel(theta=0, wavelength=6, sigma=2.5)
    np.testing.assert_allclose(vertical, vertical[:, ::-1])  # cosine phase: symmetric
    np.testing.assert_allclose(gabor_kernel(theta=np.pi / 2, wavelength=6, sigma=2.5), vertical.T)
    assert gabor_kernel(theta=0, wavelength=4, sigma=1, size=7).shape == (7, 7)
    for bad in ({"wavelength": 1}, {"sigma": 0}, {"size": 8}, {"size": 99}, {"gamma": 0}):
        with pytest.raises(ValueError):
            gabor_kernel(**{"theta": 0, "wavelength": 6, "sigma": 2.5, **bad})


def test_gabor_bank_finds_the_orientation_of_stripes():
    bank = gabor_bank(8, wavelength=6, sigma=2.5)
    assert bank.kernels.shape == (8, 11, 11)
    np.testing.assert_allclose(bank.degrees, np.arange(8) * 22.5)
    for vertical, expected in ((True, 0), (False, 4)):  # θ = 0° and θ = 90°
        maps = apply_filters(stripes(40, 6, vertical=vertical), bank.kernels)
        index, strength = strongest_orientation(maps)
        assert np.all(index == expected)
        np.testing.assert_allclose(strength, np.abs(maps).max(axis=0))
    with pytest.raises(ValueError, match="orientations"):
        gabor_bank(0)


def test_a_gabor_filter_prefers_its_own_wavelength():
    kernel = gabor_kernel(theta=0, wavelength=6, sigma=2.5)

    def energy(wavelength: float) -> float:
        return float(np.abs(apply_filters(stripes(48, wavelength, vertical=True), kernel)).mean())

    assert energy(6) > 2 * energy(3) and energy(6) > 2 * energy(24)


def test_parse_kernel_reads_what_people_type():
    kernel, problems = parse_kernel([["1/9", " −1 ", "0,5"], [2, 0.25, "-3e-1"]])
    assert problems == []
    np.testing.assert_allclose(kernel, [[1 / 9, -1, 0.5], [2, 0.25, -0.3]])


def test_parse_kernel_names_every_bad_cell():
    kernel, problems = parse_kernel([["1", "abc", ""], ["1/0", "inf", None]])
    assert kernel is None
    assert problems[0].startswith("Row 1, column 2: “abc” is not a number")
    assert problems[1] == "Row 1, column 3: empty; type a number (0 for no weight)."
    assert problems[2].startswith("Row 2, column 1: “1/0” is not a number")
    assert problems[3].startswith("Row 2, column 2: use a number between")
    assert problems[4].startswith("Row 2, column 3: empty")
    assert parse_kernel([[1, 2], [3]])[1] == ["The kernel must be a rectangle of numbers."]
    assert parse_kernel([])[0] is None


def test_is_signed():
    assert is_signed(preset_kernel("sobel_x")) and is_signed(preset_kernel("laplacian"))
    assert is_signed(gabor_kernel(theta=1, wavelength=5, sigma=2))
    assert is_signed(-np.ones((3, 3)))
    for name in ("identity", "box_blur", "gaussian_blur", "sharpen", "emboss"):
        assert not is_signed(preset_kernel(name))
