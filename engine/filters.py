"""Classic image filters as convolution kernels, and what a conv layer does with them.

The kernels are the hand-made ancestors of the filters a CNN learns: blurs, sharpening, edge
detectors, and the Gabor filters that AlexNet's first layer ends up looking like. Applying them
is :func:`engine.conv.conv2d`, the same operation the convolution lesson builds by hand; this
module only chooses the weights and the layer's steps (ReLU, max pooling).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Literal

import numpy as np

from engine.conv import conv2d, pool2d

__all__ = [
    "PRESETS",
    "GaborBank",
    "Preset",
    "apply_filters",
    "filter_weights",
    "gabor_bank",
    "gabor_kernel",
    "gaussian_kernel",
    "is_signed",
    "parse_kernel",
    "preset_kernel",
    "strongest_orientation",
]

Mode = Literal["sum", "per_channel"]
PaddingMode = Literal["zeros", "mirror"]
MAX_KERNEL = 31  # a kernel side larger than this is not a lesson any more, only slow


def gaussian_kernel(size: int = 5, *, sigma: float = 1.0) -> np.ndarray:
    """A normalised Gaussian blur kernel.

    Returns
    -------
    ndarray, shape (size, size)
        ``exp(-(u² + v²) / 2σ²)`` on a grid centred at 0, scaled to sum to 1.
    """
    if not isinstance(size, int) or size < 1 or size % 2 == 0:
        raise ValueError(f"The Gaussian kernel needs an odd size of at least 1; got {size!r}.")
    if not sigma > 0:
        raise ValueError(f"sigma must be positive; got {sigma!r}.")
    u = np.arange(size) - size // 2
    g = np.exp(-(u**2) / (2 * sigma**2))
    k = np.outer(g, g)
    return k / k.sum()


@dataclass(frozen=True)
class Preset:
    key: str
    label: str
    kernel: np.ndarray  # (k, k)
    what: str  # one sentence: what it responds to


def _preset(key: str, label: str, rows: Sequence[Sequence[float]] | np.ndarray, what: str):
    kernel = np.array(rows, dtype=np.float64)
    kernel.setflags(write=False)
    return key, Preset(key, label, kernel, what)


PRESETS: dict[str, Preset] = dict(
    [
        _preset(
            "identity", "Identity", [[0, 0, 0], [0, 1, 0], [0, 0, 0]],
            "copies the centre pixel: the output is the input.",
        ),
        _preset(
            "box_blur", "Box blur", np.full((3, 3), 1 / 9),
            "the mean of the 3 × 3 window: smooths everything a little.",
        ),
        _preset(
            "gaussian_blur", "Gaussian blur", gaussian_kernel(5, sigma=1.0),
            "a weighted mean that trusts near pixels more: a softer, rounder blur.",
        ),
        _preset(
            "sharpen", "Sharpen", [[0, -1, 0], [-1, 5, -1], [0, -1, 0]],
            "the pixel plus how much it differs from its neighbours: edges get crisper.",
        ),
        _preset(
            "sobel_x", "Sobel x", [[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]],
            "brightness rising from left to right: vertical edges (positive where it gets "
            "brighter to the right, negative where darker).",
        ),
        _preset(
            "sobel_y", "Sobel y", [[-1, -2, -1], [0, 0, 0], [1, 2, 1]],
            "brightness rising from top to bottom: horizontal edges.",
        ),
        _preset(
            "laplacian", "Laplacian", [[0, 1, 0], [1, -4, 1], [0, 1, 0]],
            "the neighbours minus the centre: fine detail and outlines in every direction, zero "
            "on flat areas.",
        ),
        _preset(
            "emboss", "Emboss", [[-2, -1, 0], [-1, 1, 1], [0, 1, 2]],
            "the picture plus a diagonal edge detector: it looks raised, like stamped metal.",
        ),
    ]
)  # fmt: skip


def preset_kernel(name: str) -> np.ndarray:
    """The (k, k) kernel of a preset (a copy you may change)."""
    if name not in PRESETS:
        raise ValueError(f"Unknown filter {name!r}; choose one of {', '.join(PRESETS)}.")
    return PRESETS[name].kernel.copy()


# ----------------------------------------------------------------------------- Gabor filters


def gabor_kernel(
    *,
    theta: float,
    wavelength: float,
    sigma: float,
    gamma: float = 0.5,
    phase: float = 0.0,
    size: int | None = None,
) -> np.ndarray:
    """The real Gabor filter: a cosine stripe pattern under a Gaussian window.

    ``g(u, v) = exp(-(u'² + γ² v'²) / 2σ²) · cos(2π u' / λ + ψ)`` with ``u' = u cos θ + v sin θ``,
    ``v' = -u sin θ + v cos θ`` (u to the right, v down, as image columns and rows). The stripes
    run perpendicular to θ, so θ = 0 detects vertical edges and bars.

    Parameters
    ----------
    theta : orientation in radians.
    wavelength : λ, pixels per stripe period (at least 2).
    sigma : σ, width of the Gaussian window in pixels.
    gamma : aspect ratio of the window (1 round, < 1 elongated along the stripes).
    phase : ψ, 0 for a symmetric bar detector, π/2 for an edge detector.
    size : odd side of the kernel; by default ``2 ⌈2σ⌉ + 1`` (11 for σ = 2.5, AlexNet's 11 × 11).

    Returns
    -------
    ndarray, shape (size, size)
        Zero mean (a flat patch gives 0) and scaled so the positive weights sum to 1: the
        response to a [0, 1] image lies in [-1, 1].
    """
    if not wavelength >= 2:
        raise ValueError(f"The wavelength must be at least 2 pixels; got {wavelength!r}.")
    if not sigma > 0:
        raise ValueError(f"sigma must be positive; got {sigma!r}.")
    if not gamma > 0:
        raise ValueError(f"gamma must be positive; got {gamma!r}.")
    if size is None:
        size = 2 * math.ceil(2 * sigma) + 1
    if not isinstance(size, int) or size < 3 or size % 2 == 0 or size > MAX_KERNEL:
        raise ValueError(f"The kernel size must be odd, between 3 and {MAX_KERNEL}; got {size!r}.")
    half = size // 2
    v, u = np.mgrid[-half : half + 1, -half : half + 1].astype(np.float64)
    u_rot = u * math.cos(theta) + v * math.sin(theta)
    v_rot = -u * math.sin(theta) + v * math.cos(theta)
    envelope = np.exp(-(u_rot**2 + gamma**2 * v_rot**2) / (2 * sigma**2))
    k = envelope * np.cos(2 * np.pi * u_rot / wavelength + phase)
    k -= k.mean()
    positive = k[k > 0].sum()
    return k / positive if positive > 0 else k


@dataclass(frozen=True)
class GaborBank:
    thetas: np.ndarray  # (n,) radians, 0 <= θ < π
    kernels: np.ndarray  # (n, k, k)

    @property
    def degrees(self) -> np.ndarray:
        return np.degrees(self.thetas)


def gabor_bank(
    n_orientations: int = 8,
    *,
    wavelength: float = 6.0,
    sigma: float = 2.5,
    gamma: float = 0.5,
    phase: float = 0.0,
    size: int | None = None,
) -> GaborBank:
    """Gabor filters at ``n_orientations`` evenly spaced angles θ = 0, π/n, ..., (n-1)π/n."""
    if not isinstance(n_orientations, int) or not 1 <= n_orientations <= 16:
        raise ValueError(f"Use between 1 and 16 orientations; got {n_orientations!r}.")
    thetas = np.arange(n_orientations) * np.pi / n_orientations
    kernels = np.stack(
        [
            gabor_kernel(
                theta=t, wavelength=wavelength, sigma=sigma, gamma=gamma, phase=phase, size=size
            )
            for t in thetas
        ]
    )
    return GaborBank(thetas, kernels)


# ----------------------------------------------------------------------------- custom kernels


def parse_kernel(cells: Sequence[Sequence[object]]) -> tuple[np.ndarray | None, list[str]]:
    """Read a kernel typed into a grid: numbers, decimals with a comma, fractions like ``1/9``.

    Returns
    -------
    kernel : ndarray, shape (rows, cols), or None
        None when any cell is invalid.
    problems : list of str
        One message per invalid cell ("row 2, column 3: ..."), empty when the kernel is valid.
    """
    rows = [list(row) for row in cells]
    if not rows or not rows[0] or any(len(row) != len(rows[0]) for row in rows):
        return None, ["The kernel must be a rectangle of numbers."]
    if len(rows) > MAX_KERNEL or len(rows[0]) > MAX_KERNEL:
        return None, [f"The kernel can be at most {MAX_KERNEL} × {MAX_KERNEL}."]
    kernel = np.zeros((len(rows), len(rows[0])))
    problems = []
    for i, row in enumerate(rows):
        for j, cell in enumerate(row):
            try:
                kernel[i, j] = _number(cell)
            except ValueError as err:
                problems.append(f"Row {i + 1}, column {j + 1}: {err}")
    return (None, problems) if problems else (kernel, [])


def _number(cell: object) -> float:
    if cell is None or (isinstance(cell, float) and math.isnan(cell)):
        raise ValueError("empty; type a number (0 for no weight).")
    if isinstance(cell, int | float | np.number) and not isinstance(cell, bool):
        value = float(cell)
    else:
        text = str(cell).strip().replace("\u2212", "-").replace(",", ".").replace(" ", "")
        if not text:
            raise ValueError("empty; type a number (0 for no weight).")
        try:
            value = float(Fraction(text)) if "/" in text else float(text)
        except (ValueError, ZeroDivisionError, OverflowError):
            raise ValueError(
                f"“{str(cell).strip()}” is not a number (try 2, -0.5 or 1/9)."
            ) from None
    if not math.isfinite(value) or abs(value) > 1e6:
        raise ValueError("use a number between −1000000 and 1000000.")
    return value


def is_signed(kernel: np.ndarray) -> bool:
    """True when responses centre on 0 (weights summing to 0 or less, like edge detectors).

    Such maps are drawn with a diverging colour map; kernels summing to a positive number (blurs,
    sharpen, identity) keep the picture's brightness and are drawn as pictures.
    """
    k = np.asarray(kernel, dtype=np.float64)
    return bool(k.sum() <= 1e-9 * max(1.0, np.abs(k).sum()))


# ----------------------------------------------------------------------------- applying them


def filter_weights(kernels: np.ndarray, *, channels: int = 3) -> np.ndarray:
    """Each 2-D kernel as one multi-channel filter: the same matrix for every input channel.

    Parameters
    ----------
    kernels : ndarray, shape (O, kh, kw) or (kh, kw)

    Returns
    -------
    ndarray, shape (O, channels, kh, kw)
        conv2d's weights. Convolving an RGB image with one of them sums the three channels'
        responses into one output channel, as in the lecture.
    """
    k = np.asarray(kernels, dtype=np.float64)
    if k.ndim == 2:
        k = k[None]
    if k.ndim != 3:
        raise ValueError(f"Expected kernels of shape (O, kh, kw); got {k.shape}.")
    return np.repeat(k[:, None], channels, axis=1)


def apply_filters(
    image: np.ndarray,
    kernels: np.ndarray,
    *,
    mode: Mode = "sum",
    stride: int = 1,
    padding: int = 0,
    padding_mode: PaddingMode = "zeros",
    relu: bool = False,
    pool: int | None = None,
) -> np.ndarray:
    """One convolutional layer with fixed kernels: convolution, then optional ReLU and max pool.

    Parameters
    ----------
    image : ndarray, shape (C, H, W)
    kernels : ndarray, shape (O, kh, kw) or (kh, kw)
    mode : "sum" applies each kernel as one C-channel filter (the C responses are added: one map
        per kernel); "per_channel" filters every channel on its own (C maps per kernel).
    stride, padding : as in conv2d (padding per side).
    padding_mode : "zeros" as in the lecture and conv2d; "mirror" repeats the picture
        mirrored at its border, so edge detectors do not light up along the frame.
    relu : replace negative responses by 0.
    pool : max-pool window (and stride), e.g. 2; None for no pooling.

    Returns
    -------
    ndarray, float32, shape (O, Ho, Wo) for "sum", (O, C, Ho, Wo) for "per_channel"
        With ``Ho = floor((H - kh + 2 padding + stride) / stride)`` before pooling.
    """
    x = np.asarray(image, dtype=np.float32)
    if x.ndim != 3:
        raise ValueError(f"Expected an image of shape (C, H, W); got {x.shape}.")
    k = np.asarray(kernels, dtype=np.float32)
    if k.ndim == 2:
        k = k[None]
    if padding_mode == "mirror":
        if not isinstance(padding, int) or padding < 0:
            raise ValueError(f"padding must be a whole number of at least 0; got {padding!r}.")
        x = np.pad(x, ((0, 0), (padding, padding), (padding, padding)), mode="symmetric")
        padding = 0
    elif padding_mode != "zeros":
        raise ValueError(f"padding_mode must be 'zeros' or 'mirror'; got {padding_mode!r}.")
    if mode == "sum":
        out = conv2d(x, filter_weights(k, channels=x.shape[0]).astype(np.float32),
                     stride=stride, padding=padding)  # fmt: skip
    elif mode == "per_channel":
        # Each channel as its own one-channel image: a batch of C images, (C, 1, H, W).
        out = conv2d(x[:, None], k[:, None], stride=stride, padding=padding).transpose(1, 0, 2, 3)
    else:
        raise ValueError(f"mode must be 'sum' or 'per_channel'; got {mode!r}.")
    if relu:
        out = np.maximum(out, 0)
    if pool is not None and pool > 1:
        out = pool2d(out, pool, mode="max")
    return np.ascontiguousarray(out, dtype=np.float32)


def strongest_orientation(maps: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Which filter of a bank responds most at each pixel.

    Parameters
    ----------
    maps : ndarray, shape (O, H, W)
        One response map per orientation.

    Returns
    -------
    index : ndarray, shape (H, W), int
        The filter with the largest response magnitude |response| there.
    strength : ndarray, shape (H, W)
        That largest magnitude.
    """
    m = np.abs(np.asarray(maps))
    if m.ndim != 3:
        raise ValueError(f"Expected maps of shape (O, H, W); got {m.shape}.")
    index = m.argmax(axis=0)
    return index, np.take_along_axis(m, index[None], axis=0)[0]
