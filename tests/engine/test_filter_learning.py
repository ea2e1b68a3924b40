"""engine.filter_learning: ICA filters emerge from photographs, and not from noise."""

from __future__ import annotations

import math
from functools import cache

import numpy as np
import pytest

from engine.filter_learning import (
    LearnedFilters,
    learn_filters,
    load_sample_photos,
    spatial_spread,
    spectral_peaks,
    to_grey,
)
from engine.filters import gabor_kernel, gaussian_kernel


def angle_gap(a: np.ndarray | float, b: np.ndarray | float) -> np.ndarray:
    """Distance between orientations (mod π), in radians."""
    return np.abs((np.asarray(a) - b + np.pi / 2) % np.pi - np.pi / 2)


@cache
def photos() -> tuple[np.ndarray, ...]:
    return tuple(load_sample_photos())


@cache
def noise() -> tuple[np.ndarray, ...]:
    """The control: white noise images, as large as the photos, with no structure to find."""
    return tuple(np.random.default_rng(i).uniform(0, 1, (400, 400)) for i in range(4))


@cache
def learned(source: str, n_filters: int = 16, patch_size: int = 8) -> LearnedFilters:
    images = photos() if source == "photos" else noise()
    return learn_filters(images, n_filters=n_filters, patch_size=patch_size, seed=0)


def random_patches(images, k: int, n: int, seed: int) -> np.ndarray:
    """(n, k²) mean-removed patches at random places, sampled independently of the module."""
    rng = np.random.default_rng(seed)
    greys = []
    for image in images:
        g = to_grey(image)
        g = g[: g.shape[0] // 2 * 2, : g.shape[1] // 2 * 2]
        greys.append(g.reshape(g.shape[0] // 2, 2, g.shape[1] // 2, 2).mean(axis=(1, 3)))
    out = []
    for _ in range(n):
        g = greys[rng.integers(len(greys))]
        r, c = rng.integers(g.shape[0] - k + 1), rng.integers(g.shape[1] - k + 1)
        out.append(g[r : r + k, c : c + k].ravel())
    p = np.array(out)
    return p - p.mean(axis=1, keepdims=True)


# ----------------------------------------------------------------------------- the analysis


@pytest.mark.parametrize("theta", [0, math.pi / 6, math.pi / 4, math.pi / 2, 2.5])
@pytest.mark.parametrize("wavelength", [4.0, 6.0, 8.0])
def test_spectral_peak_of_a_gabor_is_its_angle_and_frequency(theta, wavelength):
    kernel = gabor_kernel(theta=theta, wavelength=wavelength, sigma=3.0, size=15)
    peaks = spectral_peaks(kernel)
    assert angle_gap(peaks.orientation[0], theta) < math.radians(4)
    assert peaks.frequency[0] == pytest.approx(1 / wavelength, abs=0.02)
    assert peaks.selectivity[0] > 0.5
    assert 0 <= peaks.orientation[0] < math.pi
    assert peaks.degrees[0] == pytest.approx(math.degrees(peaks.orientation[0]))


def test_an_isotropic_kernel_has_no_orientation_selectivity():
    blob = gaussian_kernel(9, sigma=1.5)
    centre_surround = blob - gaussian_kernel(9, sigma=3.0)
    peaks = spectral_peaks(np.stack([blob, centre_surround]))
    assert (peaks.selectivity < 0.05).all()


def test_spatial_spread_measures_how_localised_a_kernel_is():
    dot = np.zeros((8, 8))
    dot[2, 5] = 1
    flat = np.ones((8, 8))
    spreads = spatial_spread(np.stack([dot, flat, np.zeros((8, 8))]))
    assert spreads[0] == 0
    assert spreads[1] == pytest.approx(math.sqrt(2 * (64 - 1) / 12))  # k² - 1 over 12, per axis
    assert spreads[2] == 0  # no energy: reported as 0, not NaN


# ----------------------------------------------------------------------------- learning


def test_same_seed_same_filters_other_seed_other_filters():
    a = learn_filters(photos(), n_patches=8000, seed=3)
    b = learn_filters(photos(), n_patches=8000, seed=3)
    c = learn_filters(photos(), n_patches=8000, seed=4)
    for field in ("filters", "features", "whitening", "variances", "examples", "changes"):
        assert np.array_equal(getattr(a, field), getattr(b, field)), field
    assert not np.allclose(a.filters, c.filters)


def test_the_pieces_fit_together():
    r = learned("photos")
    n, k = 16, 8
    assert r.filters.shape == r.features.shape == r.principal_components.shape == (n, k, k)
    assert r.variances.shape == (k * k - 1,)
    assert (np.diff(r.variances) <= 1e-12).all()  # descending
    assert r.whitening.shape == (n, k * k)
    assert r.examples.shape == (16, k, k)
    assert np.allclose(r.examples.sum(axis=(1, 2)), 0)  # mean removed
    assert (r.n_patches, r.converged) == (20_000, True)
    assert r.iterations == len(r.changes) and r.changes[-1] < 1e-4
    # Whitening: rows along the principal components, scaled by 1/sqrt(variance).
    pcs = r.principal_components.reshape(n, -1)
    assert np.allclose(pcs @ pcs.T, np.eye(n))
    assert np.allclose(r.whitening @ r.whitening.T, np.diag(1 / r.variances[:n]))
    # Filters are unit-norm; each filter sees its own feature and no other (W A = I up to scale).
    f, a = r.filters.reshape(n, -1), r.features.reshape(n, -1)
    assert np.allclose(np.linalg.norm(f, axis=1), 1)
    cross = f @ a.T
    assert np.allclose(cross - np.diag(np.diag(cross)), 0, atol=1e-8)
    assert (np.diag(cross) > 0).all()
    order = r.by_orientation()
    assert sorted(order) == list(range(n))
    assert (np.diff(r.feature_peaks.orientation[order]) >= 0).all()


def test_ica_outputs_are_sparser_than_principal_components():
    """The point of ICA: on fresh patches, the learned filters' outputs are sparser (mostly near
    zero, sometimes large) than the principal components' outputs, by FastICA's own measure
    E[log cosh y] at unit variance (a Gaussian gives 0.375; lower is sparser) and by kurtosis.
    Photos are sparse already under PCA (flat sky next to texture), so the gain is moderate."""
    r = learned("photos")
    patches = random_patches(photos(), 8, 5000, seed=99)

    def outputs(weights: np.ndarray) -> np.ndarray:
        y = patches @ weights.reshape(len(weights), -1).T
        return (y - y.mean(axis=0)) / y.std(axis=0)

    ica, pca = outputs(r.filters), outputs(r.principal_components)
    log_cosh_ica, log_cosh_pca = np.log(np.cosh(ica)).mean(), np.log(np.cosh(pca)).mean()
    assert log_cosh_ica < log_cosh_pca - 0.01
    assert log_cosh_pca < 0.35
    kurtosis_ica, kurtosis_pca = (ica**4).mean(axis=0) - 3, (pca**4).mean(axis=0) - 3
    assert np.median(kurtosis_ica) > 1.2 * np.median(kurtosis_pca)


def test_filters_from_photos_are_oriented_and_filters_from_noise_are_not():
    nature, control = learned("photos"), learned("noise")
    for pick in ("peaks", "feature_peaks"):
        ours, theirs = getattr(nature, pick).selectivity, getattr(control, pick).selectivity
        assert np.median(ours) > 0.45, pick
        assert np.median(theirs) < 0.3, pick
        assert np.mean(ours > 0.4) >= 0.75, pick  # most of them, not just a few
    # Different filters, different orientations: at least 3 of the 4 quarters of [0, π).
    quarters = np.floor(nature.feature_peaks.orientation / (np.pi / 4)).astype(int)
    assert len(set(quarters.tolist())) >= 3
    # Noise has no non-Gaussian direction: FastICA wanders and never converges.
    assert not control.converged and control.iterations == 200


def test_features_from_photos_are_localised():
    """On 12 × 12 patches, a learned feature's energy sits in part of the patch (an edge or a
    bar with an envelope); a feature learned from noise spreads over all of it."""
    nature = learned("photos", n_filters=24, patch_size=12)
    control = learned("noise", n_filters=24, patch_size=12)
    everywhere = math.sqrt(2 * (144 - 1) / 12)  # energy spread evenly: 4.9 pixels
    assert np.median(control.feature_spread) > 0.95 * everywhere
    assert np.median(nature.feature_spread) < 0.85 * np.median(control.feature_spread)
    assert np.median(nature.spread) < 0.85 * np.median(control.spread)


def test_progress_is_reported_every_iteration():
    calls = []
    r = learn_filters(photos(), n_patches=8000, progress=lambda *a: calls.append(a))
    assert [c[0] for c in calls] == list(range(1, r.iterations + 1))
    assert {c[1] for c in calls} == {200}
    assert np.array_equal([c[2] for c in calls], r.changes)
    assert r.iterations < 200 and r.converged


def test_max_iter_stops_the_search():
    calls = []
    r = learn_filters(photos(), n_patches=8000, max_iter=3, progress=lambda *a: calls.append(a))
    assert r.iterations == 3 and len(calls) == 3 and not r.converged
    assert {c[1] for c in calls} == {3}


def test_grey_and_colour_inputs():
    grey = to_grey(photos()[2])
    assert grey.shape == photos()[2].shape[1:]
    expected = 0.299 * photos()[2][0] + 0.587 * photos()[2][1] + 0.114 * photos()[2][2]
    assert np.allclose(grey, expected)
    # One grey image on its own, or as a list, or as three equal channels: the same filters.
    a = learn_filters(grey, n_patches=8000)
    b = learn_filters([grey], n_patches=8000)
    c = learn_filters([np.stack([grey] * 3)], n_patches=8000)
    assert np.array_equal(a.filters, b.filters)
    assert np.allclose(a.filters, c.filters, atol=1e-6)


# ----------------------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("images", "options", "message"),
    [
        ([], {}, "at least one image"),
        (None, {}, "list of images"),
        ([np.zeros((10, 10))], {}, "too small"),  # 5 × 5 after shrinking: no 8 × 8 patch
        ([np.random.default_rng(0).uniform(size=(7, 30))], {"downsample": 1}, "too small"),
        ([np.full((100, 100), 0.4)], {}, "flat"),
        ([np.full((3, 100, 100), 0.4)], {}, "flat"),
        ([np.zeros((4, 100, 100))], {}, "shape"),
        ([np.zeros((2, 3, 100, 100))], {}, "shape"),
        ([np.where(np.eye(100) > 0, np.nan, 0.5)], {}, "NaN"),
        (["a picture"], {}, "numbers"),
        # A ramp: every patch is the same slope, one direction of variety, not 16.
        ([np.tile(np.linspace(0, 1, 200), (200, 1))], {}, "do not vary enough"),
        ([np.eye(100)], {"n_patches": 100}, "Too few"),
        ([np.eye(100)], {"n_patches": 10**7}, "Too few or too many"),
        ([np.eye(100)], {"n_filters": 64}, "n_filters"),
        ([np.eye(100)], {"n_filters": 1}, "n_filters"),
        ([np.eye(100)], {"patch_size": 3}, "patch_size"),
        ([np.eye(100)], {"patch_size": 8.0}, "patch_size"),
        ([np.eye(100)], {"downsample": 0}, "downsample"),
        ([np.eye(100)], {"max_iter": 0}, "max_iter"),
        ([np.eye(100)], {"tol": 0}, "tol"),
    ],
)
def test_bad_input_gets_a_clear_message(images, options, message):
    with pytest.raises(ValueError, match=message):
        learn_filters(images, **options)


def test_spectral_peaks_rejects_bad_shapes():
    with pytest.raises(ValueError, match="kernels"):
        spectral_peaks(np.zeros((2, 2, 2, 2)))
    with pytest.raises(ValueError, match="kernels"):
        spectral_peaks(np.zeros((1, 80, 80)))
