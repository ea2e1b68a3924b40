"""Filters learned from photographs without labels: independent component analysis of patches.

AlexNet's first-layer filters look like the hand-made Gabor bank of :mod:`engine.filters`, yet
nobody designed them: they were learned. This module shows that such filters *emerge from data*:
cut many small patches out of natural photographs, whiten them (PCA), and look for the directions
in which the patches are least Gaussian, i.e. sparsest (FastICA, Hyvärinen & Oja 2000). On natural
images those directions are localised, oriented edge and stripe detectors, much like Gabor filters
and like the simple cells of the primary visual cortex (V1): Olshausen & Field (1996) found them
with sparse coding, Bell & Sejnowski (1997) and van Hateren & van der Schaaf (1998) with ICA.

Be exact about what it is: unsupervised learning of a linear code for patches, one layer, no
labels, no convolution training. AlexNet learned its filters by supervised backpropagation on
ImageNet; that both end up Gabor-like is the point, not that the methods are the same.

The steps, each returned so a page can show it:

1. Grey levels (luma) of each photo, downsampled by averaging 2 × 2 blocks (halves JPEG block
   artefacts and sensor noise; the filters then see more structure per patch).
2. ``n_patches`` random k × k patches; each patch's mean (its brightness) is removed.
3. PCA: the patches' covariance has a falling spectrum (natural images have most of their
   variance at low spatial frequencies). Keep the ``n_filters`` strongest components and scale
   each to unit variance: "whitening". The principal components look like smooth waves over the
   whole patch, not like local edges.
4. FastICA, symmetric version with the tanh (log cosh) contrast: rotate the whitened space until
   every output is as sparse (non-Gaussian) as it can be, the outputs staying uncorrelated.
5. Each filter's power spectrum: the peak gives its orientation and spatial frequency, the
   spread of power around it how oriented it is.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from engine.images import load_image

__all__ = [
    "SAMPLE_PHOTOS",
    "LearnedFilters",
    "SpectralPeaks",
    "learn_filters",
    "load_sample_photos",
    "spatial_spread",
    "spectral_peaks",
    "to_grey",
]

Array = NDArray[np.float64]
Progress = Callable[[int, int, float], None]  # (iteration, max_iter, change)

ASSETS = Path(__file__).resolve().parents[1] / "assets"
SAMPLE_PHOTOS = ("astronaut.jpg", "brick.jpg", "cat.jpg", "coffee.jpg")
LUMA = np.array([0.299, 0.587, 0.114])  # ITU-R BT.601, as Pillow's convert("L")
MIN_PATCH, MAX_PATCH = 4, 16
MAX_PATCHES = 200_000
PATCHES_PER_DIMENSION = 10  # fewer than this many patches per pixel of a patch: too few to learn
FLAT = 1e-3  # a grey image whose standard deviation is below this has nothing to learn from
N_EXAMPLES = 16  # raw patches returned to show what the algorithm sees


@dataclass(frozen=True)
class SpectralPeaks:
    """Where each kernel's power spectrum peaks (DC excluded), in engine.filters' convention:
    a Gabor kernel with angle θ and wavelength λ has orientation θ and frequency 1 / λ."""

    orientation: Array  # (n,) radians in [0, π): the direction of the wave vector (0: vertical)
    frequency: Array  # (n,) cycles per pixel at the peak (0.5 is the finest a grid can show)
    selectivity: Array  # (n,) in [0, 1]: 1 when all the power lies along one orientation

    @property
    def degrees(self) -> Array:
        return np.degrees(self.orientation)


@dataclass(frozen=True)
class LearnedFilters:
    """A bank of filters learned from patches, and what a page needs to explain it.

    ICA gives two pictures per component. ``filters`` are the weights: a component's output is
    the dot product of a patch with its filter, as in a convolution layer. ``features`` are the
    patches each component stands for (the columns of ICA's mixing matrix: a patch is
    approximately the sum of the features weighted by the outputs); they are the smooth,
    localised edges and bars usually shown. The filters are the features seen through the
    whitening, which boosts fine detail: same orientation, higher frequency, stripier.
    """

    filters: Array  # (n, k, k) unit-norm weights; a patch · filter = that component's output
    features: Array  # (n, k, k) the patch each component stands for (mixing matrix columns)
    peaks: SpectralPeaks  # of `filters`
    feature_peaks: SpectralPeaks  # of `features`
    spread: Array  # (n,) pixels: RMS distance of each filter's energy from its centre
    feature_spread: Array  # (n,) the same for the features
    principal_components: Array  # (n, k, k) the PCA directions kept, strongest first
    variances: Array  # (k² - 1,) PCA variances of the mean-removed patches, descending
    whitening: Array  # (n, k²) patch (flattened, mean removed) -> whitened coordinates
    examples: Array  # (16, k, k) some of the patches, mean removed
    n_patches: int
    iterations: int
    converged: bool
    changes: Array  # (iterations,) the change of each FastICA iteration (1 - |cos| of the angle)

    def by_orientation(self) -> NDArray[np.int64]:
        """Component indices sorted by their feature's orientation, then frequency (a tidy
        montage; the filter of a component has nearly the same orientation)."""
        return np.lexsort((self.feature_peaks.frequency, self.feature_peaks.orientation))


def load_sample_photos(names: Sequence[str] = SAMPLE_PHOTOS) -> list[NDArray[np.float32]]:
    """The sample photographs of assets/ as (3, H, W) float32 in [0, 1] (engine.images)."""
    return [load_image((ASSETS / name).read_bytes()) for name in names]


def to_grey(image: object) -> Array:
    """(3, H, W) RGB or (H, W) grey, values in [0, 1] -> (H, W) grey (luma)."""
    try:
        a = np.asarray(image, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError("An image must be an array of numbers.") from None
    if a.ndim == 3 and a.shape[0] == 3:
        a = np.tensordot(LUMA, a, axes=1)
    elif a.ndim != 2:
        raise ValueError(f"An image must be (3, H, W) colour or (H, W) grey; got shape {a.shape}.")
    if not np.isfinite(a).all():
        raise ValueError("An image contains NaN or infinite values.")
    return a


def _downsample(grey: Array, factor: int) -> Array:
    h, w = (grey.shape[0] // factor) * factor, (grey.shape[1] // factor) * factor
    return grey[:h, :w].reshape(h // factor, factor, w // factor, factor).mean(axis=(1, 3))


def learn_filters(
    images: Sequence[object],
    *,
    n_filters: int = 16,
    patch_size: int = 8,
    n_patches: int = 20_000,
    downsample: int = 2,
    max_iter: int = 200,
    tol: float = 1e-4,
    seed: int = 0,
    progress: Progress | None = None,
) -> LearnedFilters:
    """Learn ``n_filters`` filters of ``patch_size`` × ``patch_size`` from patches of the images.

    On the four sample photos, one core: 16 filters of 8 × 8 (the default) converge in about 35
    iterations, half a second; 32 of 12 × 12 in about 60, two seconds, and look cleaner (longer,
    better localised edges). See benchmarks/bench_filter_learning.py.

    Parameters
    ----------
    images : a sequence of (3, H, W) colour or (H, W) grey arrays with values in [0, 1], e.g.
        :func:`load_sample_photos` or an upload from :func:`engine.images.load_image`.
    n_filters : how many filters (PCA components kept), 2 .. patch_size² - 1.
    patch_size : side k of the patches and filters, 4 .. 16.
    n_patches : patches drawn at random places, in proportion to each image's area; at least
        10 per pixel of a patch (640 for 8 × 8).
    downsample : average blocks of this side first (1: keep the full resolution).
    max_iter, tol : FastICA stops when no filter turns by more than ``tol`` (1 - |cos|) in an
        iteration, or after ``max_iter`` iterations.
    seed : the same seed (and images) gives the same filters.
    progress : called after every iteration with (iteration, max_iter, change).

    Raises
    ------
    ValueError
        No images, an image that is not a finite array, smaller than a patch (after
        downsampling) or flat (one colour), too few or too many patches, or images without
        enough variety for ``n_filters`` independent directions.
    """
    dim = _check_sizes(n_filters, patch_size, n_patches, downsample, max_iter, tol)
    greys = _prepare(images, patch_size, downsample)
    rng = np.random.default_rng(seed)
    patches = _sample_patches(greys, patch_size, n_patches, rng)
    patches -= patches.mean(axis=1, keepdims=True)  # brightness is not a feature: remove it

    cov = patches.T @ patches / n_patches
    variances, vectors = np.linalg.eigh(cov)
    variances, vectors = variances[::-1], vectors[:, ::-1]
    variances = np.clip(variances[: dim - 1], 0, None)  # the mean's direction has none left
    if variances[n_filters - 1] <= 1e-9 * max(variances[0], 1e-300):
        raise ValueError(
            f"These images do not vary enough for {n_filters} filters: their patches span only "
            f"{int((variances > 1e-9 * variances[0]).sum())} independent directions. Try a "
            "photograph with more texture, or fewer filters."
        )
    kept = vectors[:, :n_filters]
    whitening = (kept / np.sqrt(variances[:n_filters])).T  # (n, k²)
    z = whitening @ patches.T  # (n, N): uncorrelated, unit variance

    w, changes = _fast_ica(z, rng, max_iter=max_iter, tol=tol, progress=progress)
    filters = w @ whitening  # (n, k²): weights applied to a raw (mean-removed) patch
    features = (kept * np.sqrt(variances[:n_filters])) @ w.T  # (k², n): the mixing matrix
    # ICA leaves each component's sign and scale open: unit norm, largest weight positive.
    filters /= np.linalg.norm(filters, axis=1, keepdims=True)
    signs = np.sign(filters[np.arange(n_filters), np.abs(filters).argmax(axis=1)])
    filters *= signs[:, None]
    k = patch_size
    features = (features.T * signs[:, None]).reshape(n_filters, k, k)
    filters = filters.reshape(n_filters, k, k)
    examples = patches[: min(N_EXAMPLES, n_patches)].reshape(-1, k, k)
    return LearnedFilters(
        filters=filters,
        features=features,
        peaks=spectral_peaks(filters),
        feature_peaks=spectral_peaks(features),
        spread=spatial_spread(filters),
        feature_spread=spatial_spread(features),
        principal_components=kept.T.reshape(n_filters, k, k),
        variances=variances,
        whitening=whitening,
        examples=examples.copy(),
        n_patches=n_patches,
        iterations=len(changes),
        converged=bool(changes.size and changes[-1] < tol),
        changes=changes,
    )


def _check_sizes(
    n_filters: int, patch_size: int, n_patches: int, downsample: int, max_iter: int, tol: float
) -> int:
    def whole(x: object) -> bool:
        return isinstance(x, int | np.integer) and not isinstance(x, bool)

    if not whole(patch_size) or not MIN_PATCH <= patch_size <= MAX_PATCH:
        raise ValueError(
            f"patch_size must be between {MIN_PATCH} and {MAX_PATCH}; got {patch_size!r}."
        )
    dim = patch_size * patch_size
    if not whole(n_filters) or not 2 <= n_filters <= dim - 1:
        raise ValueError(
            f"n_filters must be between 2 and {dim - 1} for {patch_size} × {patch_size} patches "
            f"(a patch without its mean has {dim - 1} directions); got {n_filters!r}."
        )
    least = PATCHES_PER_DIMENSION * dim
    if not whole(n_patches) or not least <= n_patches <= MAX_PATCHES:
        raise ValueError(
            f"Too few or too many patches: use between {least} and {MAX_PATCHES} for "
            f"{patch_size} × {patch_size} patches; got {n_patches!r}."
        )
    if not whole(downsample) or not 1 <= downsample <= 8:
        raise ValueError(f"downsample must be a whole number from 1 to 8; got {downsample!r}.")
    if not whole(max_iter) or max_iter < 1:
        raise ValueError(f"max_iter must be a positive whole number; got {max_iter!r}.")
    if not tol > 0:
        raise ValueError(f"tol must be positive; got {tol!r}.")
    return dim


def _prepare(images: Sequence[object], patch_size: int, downsample: int) -> list[Array]:
    if isinstance(images, np.ndarray):
        images = [images]  # one image given on its own
    try:
        images = list(images)
    except TypeError:
        raise ValueError("Give a list of images to learn from.") from None
    if not images:
        raise ValueError("Give at least one image to learn from.")
    greys = []
    for i, image in enumerate(images, start=1):
        grey = to_grey(image)
        small = _downsample(grey, downsample) if min(grey.shape) >= downsample else grey[:0, :0]
        if min(small.shape) < patch_size:
            need = patch_size * downsample
            raise ValueError(
                f"Image {i} is too small ({grey.shape[0]} × {grey.shape[1]} pixels): it needs at "
                f"least {need} × {need} for {patch_size} × {patch_size} patches"
                + (f" (it is shrunk {downsample} times first)." if downsample > 1 else ".")
            )
        if small.std() < FLAT:
            raise ValueError(
                f"Image {i} is flat (one colour): it has no edges or textures to learn from."
            )
        greys.append(small)
    return greys


def _sample_patches(greys: list[Array], k: int, n: int, rng: np.random.Generator) -> Array:
    """(n, k²) patches at uniformly random places over all the images together."""
    places = np.array([(g.shape[0] - k + 1) * (g.shape[1] - k + 1) for g in greys])
    which = rng.choice(len(greys), size=n, p=places / places.sum())
    out = np.empty((n, k * k))
    for i, g in enumerate(greys):
        rows = np.flatnonzero(which == i)
        windows = np.lib.stride_tricks.sliding_window_view(g, (k, k))
        r = rng.integers(0, windows.shape[0], size=rows.size)
        c = rng.integers(0, windows.shape[1], size=rows.size)
        out[rows] = windows[r, c].reshape(rows.size, k * k)
    return out


def _symmetric_decorrelation(w: Array) -> Array:
    """(W Wᵀ)^(-1/2) W: the matrix with orthonormal rows nearest to W, treating all rows alike."""
    values, vectors = np.linalg.eigh(w @ w.T)
    return (vectors / np.sqrt(np.clip(values, 1e-300, None))) @ vectors.T @ w


def _fast_ica(
    z: Array,
    rng: np.random.Generator,
    *,
    max_iter: int,
    tol: float,
    progress: Progress | None,
) -> tuple[Array, Array]:
    """Symmetric FastICA with g = tanh on whitened data z (n, N). Returns W (n, n) with
    orthonormal rows (each row a direction in whitened space) and the change per iteration."""
    n, samples = z.shape
    z32 = z.astype(np.float32)  # the N-long products in single precision: twice as fast
    w = _symmetric_decorrelation(rng.standard_normal((n, n)))
    changes = []
    for iteration in range(1, max_iter + 1):
        g = np.tanh(w.astype(np.float32) @ z32)
        # Fixed point of E[z g(wᵀz)] - E[g'(wᵀz)] w for every row at once (Hyvärinen 1999).
        w_new = (g @ z32.T).astype(np.float64) / samples - (1 - g**2).mean(
            axis=1, dtype=np.float64
        )[:, None] * w
        w_new = _symmetric_decorrelation(w_new)
        change = float(np.max(1 - np.abs(np.sum(w_new * w, axis=1))))
        w = w_new
        changes.append(change)
        if progress is not None:
            progress(iteration, max_iter, change)
        if change < tol:
            break
    return w, np.array(changes)


def spectral_peaks(kernels: object, *, size: int = 64) -> SpectralPeaks:
    """Orientation, frequency and orientation selectivity of each kernel, from its power spectrum.

    Parameters
    ----------
    kernels : (n, kh, kw) or (kh, kw), kh and kw at most ``size``.
    size : the kernels are zero-padded to size × size before the FFT (finer frequency steps).

    The peak is the strongest non-zero frequency (fx along columns, fy down the rows), its
    orientation atan2(fy, fx) folded into [0, π). Selectivity is the length of the power-weighted
    mean of exp(2iφ) over all non-zero frequencies (φ their orientation): 1 for power along a
    single orientation, near 0 for power spread evenly over all orientations (white noise).
    """
    k = np.asarray(kernels, dtype=np.float64)
    if k.ndim == 2:
        k = k[None]
    if k.ndim != 3 or max(k.shape[1:]) > size or k.shape[0] == 0:
        raise ValueError(
            f"Expected kernels of shape (n, kh, kw), at most {size} a side; got {k.shape}."
        )
    power = np.abs(np.fft.fft2(k, s=(size, size))) ** 2
    fy = np.fft.fftfreq(size)[:, None] * np.ones((1, size))
    fx = np.fft.fftfreq(size)[None, :] * np.ones((size, 1))
    angle = np.arctan2(fy, fx)
    power[:, 0, 0] = 0  # DC: brightness, no orientation
    flat = power.reshape(len(k), -1)
    peak = flat.argmax(axis=1)
    orientation = np.mod(angle.ravel()[peak], np.pi)
    frequency = np.hypot(fx.ravel()[peak], fy.ravel()[peak])
    total = flat.sum(axis=1)
    resultant = np.abs(flat @ np.exp(2j * angle.ravel()))
    selectivity = np.divide(resultant, total, out=np.zeros_like(total), where=total > 0)
    return SpectralPeaks(orientation, frequency, selectivity)


def spatial_spread(kernels: object) -> Array:
    """(n,) RMS distance, in pixels, of each kernel's energy (squared weights) from its centroid.

    Small for a localised filter (a Gabor's envelope), about k / √6 for energy spread evenly over
    a k × k kernel (2.3 pixels for 8 × 8).
    """
    k = np.asarray(kernels, dtype=np.float64)
    if k.ndim == 2:
        k = k[None]
    energy = k**2
    total = energy.sum(axis=(1, 2))
    rows, cols = np.mgrid[0 : k.shape[1], 0 : k.shape[2]]
    with np.errstate(invalid="ignore", divide="ignore"):
        r0 = (energy * rows).sum(axis=(1, 2)) / total
        c0 = (energy * cols).sum(axis=(1, 2)) / total
        d2 = (rows - r0[:, None, None]) ** 2 + (cols - c0[:, None, None]) ** 2
        spread = np.sqrt((energy * d2).sum(axis=(1, 2)) / total)
    return np.nan_to_num(spread)
