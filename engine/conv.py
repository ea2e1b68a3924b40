"""2-D convolution and pooling, NCHW, with the conventions of PyTorch.

"Convolution" here is cross-correlation, as in every deep-learning library: the kernel is laid on
the input as it is, not flipped, and each output entry is the inner product of the kernel with the
window under it. Padding is counted *per side* (``padding=1`` adds one row above and one below),
while the lecture's shape formula uses the *total* number of rows added, p_h = top + bottom:

    output height = floor((n_h - k_h + p_h + s_h) / s_h)

Each operation comes twice: a vectorised version the app uses, and a plain-loop reference
(``*_reference``) that reads like the definition, for the tests and for showing learners.
"""

from __future__ import annotations

import inspect
import numbers
from collections.abc import Sequence
from typing import Literal

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view
from numpy.typing import ArrayLike, NDArray

Array = NDArray[np.floating]
Pair = tuple[int, int]
AxisPadding = int | Sequence[int]
Padding2d = int | Sequence[int] | Sequence[Sequence[int]]

__all__ = [
    "conv2d",
    "conv2d_reference",
    "coverage",
    "normalize_padding",
    "output_size",
    "pad2d",
    "pool2d",
    "pool2d_reference",
    "window_taps",
]

# Output rows computed per matrix product: keeps the unfolded windows of one block in cache
# instead of materialising them for the whole image at once.
_BLOCK_ELEMENTS = 1 << 16


# ----------------------------------------------------------------------------- argument checks


def _int(value: object, name: str, *, minimum: int) -> int:
    """A whole number >= minimum, or a ValueError that says which argument was wrong."""
    real = isinstance(value, numbers.Real) and not isinstance(value, numbers.Integral)
    if real and float(value).is_integer():  # 2.0 from a number input is fine
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise ValueError(f"{name} must be a whole number; got {value!r}.")
    value = int(value)
    if value < minimum:
        what = "positive" if minimum == 1 else f"at least {minimum}"
        raise ValueError(f"{name} must be {what}; got {value}.")
    return value


def _pair(value: int | Sequence[int], name: str, *, minimum: int) -> Pair:
    """An int for both axes, or one value per axis (height, width)."""
    if isinstance(value, numbers.Number):
        v = _int(value, name, minimum=minimum)
        return v, v
    items = list(value)
    if len(items) != 2:
        raise ValueError(f"{name} must be one number or a (height, width) pair; got {value!r}.")
    return (
        _int(items[0], f"{name} (height)", minimum=minimum),
        _int(items[1], f"{name} (width)", minimum=minimum),
    )


def _axis_padding(padding: AxisPadding, name: str = "padding") -> Pair:
    """One axis's padding: an int per side, or the (before, after) pair."""
    if isinstance(padding, numbers.Number):
        p = _int(padding, name, minimum=0)
        return p, p
    items = list(padding)
    if len(items) != 2:
        raise ValueError(f"{name} must be one number per side or a (before, after) pair.")
    return _int(items[0], f"{name} (before)", minimum=0), _int(
        items[1], f"{name} (after)", minimum=0
    )


def normalize_padding(padding: Padding2d) -> tuple[Pair, Pair]:
    """Padding for both axes as ``((top, bottom), (left, right))``.

    ``p`` pads every side by p; ``(ph, pw)`` pads top and bottom by ph, left and right by pw;
    ``((top, bottom), (left, right))`` is taken as it is.
    """
    if isinstance(padding, numbers.Number):
        p = _int(padding, "padding", minimum=0)
        return (p, p), (p, p)
    items = list(padding)
    if len(items) != 2:
        raise ValueError(
            "padding must be one number, a (height, width) pair, or "
            f"((top, bottom), (left, right)); got {padding!r}."
        )
    return _axis_padding(items[0], "padding (height)"), _axis_padding(items[1], "padding (width)")


def _floating(a: ArrayLike, name: str) -> Array:
    """As a floating array: float32/float64 stay as they are, integers become float64."""
    arr = np.asarray(a)
    if arr.dtype.kind in "biu":
        return arr.astype(np.float64)
    if arr.dtype.kind != "f":
        raise ValueError(f"{name} must hold real numbers; got dtype {arr.dtype}.")
    return arr


# ----------------------------------------------------------------------------- shapes


def output_size(
    n: int, k: int, *, stride: int = 1, padding: AxisPadding = 0, dilation: int = 1
) -> int:
    """Number of window positions along one axis.

    Parameters
    ----------
    n : input length along the axis.
    k : kernel length along the axis.
    stride : step between windows.
    padding : zeros added per side (int), or the ``(before, after)`` pair.
    dilation : spacing between kernel taps; the window spans ``dilation * (k - 1) + 1``.

    Returns
    -------
    ``floor((n + p - k_eff) / s) + 1`` with p the total padding; for dilation 1 that is the
    lecture's ``floor((n - k + p + s) / s)``.

    Raises
    ------
    ValueError when an argument is not a valid length, or the window is larger than the
    padded input (no position fits).
    """
    n = _int(n, "input size", minimum=1)
    k = _int(k, "kernel size", minimum=1)
    s = _int(stride, "stride", minimum=1)
    d = _int(dilation, "dilation", minimum=1)
    before, after = _axis_padding(padding)
    span = d * (k - 1) + 1
    padded = n + before + after
    if span > padded:
        spanned = f"dilated kernel spans {span}" if d > 1 else f"kernel is {k}"
        raise ValueError(
            f"The {spanned} long but the padded input is only {padded} "
            f"({n} + {before + after} padding): no window fits. "
            "Use a smaller kernel or more padding."
        )
    return (padded - span) // s + 1


def coverage(
    n: int, k: int, *, stride: int = 1, padding: AxisPadding = 0, dilation: int = 1
) -> NDArray[np.bool_]:
    """Which positions of the padded axis some window reads.

    Returns
    -------
    (n + total padding,) booleans: False where no window ever looks, e.g. the last rows when
    ``(n - k + p) / s`` is not a whole number and the floor drops the partial window.
    """
    out = output_size(n, k, stride=stride, padding=padding, dilation=dilation)
    before, after = _axis_padding(padding)
    s, d = int(stride), int(dilation)
    covered = np.zeros(n + before + after, dtype=bool)
    taps = (np.arange(out)[:, None] * s + np.arange(k)[None, :] * d).ravel()
    covered[taps] = True
    return covered


# ----------------------------------------------------------------------------- convolution


def _conv_args(
    x: ArrayLike, w: ArrayLike, b: ArrayLike | None, stride, padding, dilation
) -> tuple[Array, Array, Array | None, bool, Pair, tuple[Pair, Pair], Pair, Pair]:
    """Validate conv2d's arguments; returns x as (N, C, H, W) and the output shape."""
    x_arr = _floating(x, "The input x")
    w_arr = _floating(w, "The weights w")
    if x_arr.ndim not in (3, 4):
        raise ValueError(
            f"The input x must have shape (C, H, W) or (N, C, H, W); got shape {x_arr.shape}. "
            "A single-channel image of shape (H, W) is x[None]."
        )
    if w_arr.ndim != 4:
        raise ValueError(
            "The weights w must have shape (C_out, C_in, k_h, k_w); got shape "
            f"{w_arr.shape}. One 2-D kernel k is k[None, None]."
        )
    batched = x_arr.ndim == 4
    x4 = x_arr if batched else x_arr[None]
    c_in, c_w = x4.shape[1], w_arr.shape[1]
    if c_in != c_w:
        raise ValueError(
            f"The input has {c_in} channel{'s' * (c_in != 1)} but each filter has {c_w}: "
            "a filter needs one kernel matrix per input channel."
        )
    b_arr = None
    if b is not None:
        b_arr = _floating(b, "The bias b")
        if b_arr.shape != (w_arr.shape[0],):
            raise ValueError(
                f"The bias needs one number per filter, shape ({w_arr.shape[0]},); "
                f"got shape {b_arr.shape}."
            )
    s = _pair(stride, "stride", minimum=1)
    d = _pair(dilation, "dilation", minimum=1)
    pads = normalize_padding(padding)
    if min(w_arr.shape[2:]) < 1:
        raise ValueError(f"The kernel must be at least 1 x 1; got shape {w_arr.shape}.")
    if min(x4.shape[2:]) < 1:
        raise ValueError(f"The input must be at least 1 x 1; got shape {x_arr.shape}.")
    out_hw = (
        _axis_out(x4.shape[2], w_arr.shape[2], s[0], pads[0], d[0], "height"),
        _axis_out(x4.shape[3], w_arr.shape[3], s[1], pads[1], d[1], "width"),
    )
    return x4, w_arr, b_arr, batched, s, pads, d, out_hw


def _axis_out(n: int, k: int, s: int, pad: Pair, d: int, axis: str) -> int:
    try:
        return output_size(n, k, stride=s, padding=pad, dilation=d)
    except ValueError as err:
        raise ValueError(f"Along the {axis}: {err}") from None


def _pad(x4: Array, pads: tuple[Pair, Pair], value: float = 0.0) -> Array:
    if pads == ((0, 0), (0, 0)):
        return x4
    return np.pad(x4, ((0, 0), (0, 0), pads[0], pads[1]), constant_values=value)


def conv2d(
    x: ArrayLike,
    w: ArrayLike,
    b: ArrayLike | None = None,
    *,
    stride: int | Sequence[int] = 1,
    padding: Padding2d = 0,
    dilation: int | Sequence[int] = 1,
) -> Array:
    """2-D cross-correlation of a batch of multi-channel images with a bank of filters.

    Parameters
    ----------
    x : (C, H, W) or (N, C, H, W) input.
    w : (O, C, k_h, k_w) weights: O filters, each one k_h x k_w kernel per input channel.
    b : (O,) bias, one per filter, or None.
    stride : step of the window, an int or (s_h, s_w).
    padding : zeros added around the input: an int for every side, (p_h, p_w) per side of each
        axis, or ((top, bottom), (left, right)).
    dilation : spacing between kernel taps, an int or (d_h, d_w).

    Returns
    -------
    (O, H_out, W_out), or (N, O, H_out, W_out) for a batched input, with
    ``out[n, o, i, j] = b[o] + sum_{c, u, v} w[o, c, u, v] * x_pad[n, c, i s_h + u d_h,
    j s_w + v d_w]``. float32 inputs stay float32; integers give float64.
    """
    return _conv2d(_unfolded_products, x, w, b, stride, padding, dilation)


def conv2d_reference(x: ArrayLike, w: ArrayLike, b: ArrayLike | None = None, **options) -> Array:
    """conv2d written as its definition: one inner product per output entry. Slow; for tests.

    Takes conv2d's arguments (``stride``, ``padding``, ``dilation``), bound by its signature.
    """
    a = _bind(conv2d, x, w, b, **options)
    return _conv2d(_inner_products, x, w, b, a["stride"], a["padding"], a["dilation"])


def _bind(function, *args, **kwargs) -> dict:
    """The arguments ``function`` would receive, defaults filled in (a TypeError for a wrong
    name): a reference takes exactly what the function it checks takes."""
    bound = inspect.signature(function).bind(*args, **kwargs)
    bound.apply_defaults()
    return bound.arguments


def _conv2d(products, x, w, b, stride, padding, dilation) -> Array:
    """conv2d and its reference: check the arguments, pad, compute the sums Σ w · window with
    ``products`` (xp, w, stride, dilation, output size) -> (N, O, H_out, W_out), add the bias."""
    x4, w_arr, b_arr, batched, s, pads, d, out_hw = _conv_args(x, w, b, stride, padding, dilation)
    dtype = np.result_type(x4.dtype, w_arr.dtype, *(() if b_arr is None else (b_arr.dtype,)))
    xp = _pad(x4.astype(dtype, copy=False), pads)
    out = products(xp, w_arr.astype(dtype, copy=False), s, d, out_hw)
    if b_arr is not None:
        out += b_arr.astype(dtype, copy=False)[:, None, None]
    return out if batched else out[0]


def _unfolded_products(xp: Array, w: Array, s: Pair, d: Pair, out_hw: Pair) -> Array:
    """All windows at once as a strided view, multiplied by the kernels in blocks of rows."""
    ho, wo = out_hw
    n = xp.shape[0]
    c_out, c_in, kh, kw = w.shape
    out = np.empty((n, c_out, ho, wo), dtype=xp.dtype)
    # Windows as a view (N, C, H_out, W_out, k_h, k_w): no copy until the product below.
    span_h, span_w = d[0] * (kh - 1) + 1, d[1] * (kw - 1) + 1
    windows = sliding_window_view(xp, (span_h, span_w), axis=(2, 3))[
        :, :, :: s[0], :: s[1], :: d[0], :: d[1]
    ][:, :, :ho, :wo]
    w2 = w.reshape(c_out, -1)
    rows = max(1, _BLOCK_ELEMENTS // max(1, wo * c_in * kh * kw))
    for i in range(n):
        for r0 in range(0, ho, rows):
            r1 = min(ho, r0 + rows)
            # (C, rows, W_out, k_h, k_w) -> (C k_h k_w, rows W_out): the unfolded block.
            cols = windows[i, :, r0:r1].transpose(0, 3, 4, 1, 2).reshape(c_in * kh * kw, -1)
            out[i, :, r0:r1] = (w2 @ cols).reshape(c_out, r1 - r0, wo)
    return out


def _inner_products(xp: Array, w: Array, s: Pair, d: Pair, out_hw: Pair) -> Array:
    """The definition: for every image, filter and output entry, the window under the kernel
    times the kernel, summed."""
    ho, wo = out_hw
    n, c_out, _, kh, kw = (xp.shape[0], *w.shape)
    out = np.zeros((n, c_out, ho, wo), dtype=xp.dtype)
    for image in range(n):
        for o in range(c_out):
            for i in range(ho):
                for j in range(wo):
                    top, left = i * s[0], j * s[1]
                    window = xp[
                        image,
                        :,
                        top : top + d[0] * (kh - 1) + 1 : d[0],
                        left : left + d[1] * (kw - 1) + 1 : d[1],
                    ]
                    out[image, o, i, j] = np.sum(window * w[o])
    return out


# ----------------------------------------------------------------------------- pooling


PoolMode = Literal["max", "avg"]


def _pool_args(x, size, stride, padding, mode):
    x_arr = _floating(x, "The input x")
    if x_arr.ndim < 2:
        raise ValueError(f"Pooling needs an input of shape (..., H, W); got shape {x_arr.shape}.")
    if mode not in ("max", "avg"):
        raise ValueError(f"mode must be 'max' or 'avg'; got {mode!r}.")
    k = _pair(size, "pool size", minimum=1)
    s = k if stride is None else _pair(stride, "stride", minimum=1)
    pads = normalize_padding(padding)
    h, w = x_arr.shape[-2:]
    if min(h, w) < 1:
        raise ValueError(f"The input must be at least 1 x 1; got shape {x_arr.shape}.")
    for (p_before, p_after), kk, axis in zip(pads, k, ("height", "width"), strict=True):
        if max(p_before, p_after) > kk // 2:
            raise ValueError(
                f"Pooling padding along the {axis} may be at most half the window "
                f"({kk // 2}); got {max(p_before, p_after)}: a window would see only padding."
            )
    out_hw = (
        _axis_out(h, k[0], s[0], pads[0], 1, "height"),
        _axis_out(w, k[1], s[1], pads[1], 1, "width"),
    )
    return x_arr, k, s, pads, out_hw


def _pad_last2(x: Array, pads: tuple[Pair, Pair], value: float) -> Array:
    if pads == ((0, 0), (0, 0)):
        return x
    widths = [(0, 0)] * (x.ndim - 2) + [pads[0], pads[1]]
    return np.pad(x, widths, constant_values=value)


def pool2d(
    x: ArrayLike,
    size: int | Sequence[int],
    *,
    stride: int | Sequence[int] | None = None,
    padding: Padding2d = 0,
    mode: PoolMode = "max",
) -> Array:
    """Max or average pooling over each channel separately.

    Parameters
    ----------
    x : (..., H, W), e.g. (C, H, W) or (N, C, H, W).
    size : window, an int or (k_h, k_w).
    stride : step of the window; defaults to the window size (non-overlapping windows).
    padding : as in conv2d. Max pooling pads with -inf (padding never wins), average pooling
        with zeros that count in the mean (PyTorch's defaults).
    mode : "max" or "avg".

    Returns
    -------
    (..., H_out, W_out), with the same shape formula as conv2d.
    """
    x_arr, k, s, pads, (ho, wo) = _pool_args(x, size, stride, padding, mode)
    xp = _pad_last2(x_arr, pads, -np.inf if mode == "max" else 0.0)
    windows = sliding_window_view(xp, k, axis=(-2, -1))[..., :: s[0], :: s[1], :, :]
    windows = windows[..., :ho, :wo, :, :]
    if mode == "max":
        return windows.max(axis=(-2, -1))
    return windows.mean(axis=(-2, -1))


def pool2d_reference(x: ArrayLike, size: int | Sequence[int], **options) -> Array:
    """pool2d as its definition: one max or mean per output entry. Slow; for tests.

    Takes pool2d's arguments (``stride``, ``padding``, ``mode``), bound by its signature.
    """
    a = _bind(pool2d, x, size, **options)
    mode = a["mode"]
    x_arr, k, s, pads, (ho, wo) = _pool_args(x, size, a["stride"], a["padding"], mode)
    xp = _pad_last2(x_arr, pads, -np.inf if mode == "max" else 0.0)
    out = np.empty((*x_arr.shape[:-2], ho, wo), dtype=x_arr.dtype)
    for i in range(ho):
        for j in range(wo):
            window = xp[..., i * s[0] : i * s[0] + k[0], j * s[1] : j * s[1] + k[1]]
            if mode == "max":
                out[..., i, j] = window.max(axis=(-2, -1))
            else:
                out[..., i, j] = window.sum(axis=(-2, -1)) / (k[0] * k[1])
    return out


# ----------------------------------------------------------------------------- for showing


def pad2d(x: ArrayLike, padding: Padding2d, *, value: float = 0.0) -> Array:
    """The input with its padding, as conv2d sees it.

    Parameters
    ----------
    x : (..., H, W).
    padding : as in conv2d.

    Returns
    -------
    (..., H + top + bottom, W + left + right).
    """
    return _pad_last2(_floating(x, "The input x"), normalize_padding(padding), value)


def window_taps(
    row: int,
    col: int,
    kernel_shape: Sequence[int],
    *,
    stride: int | Sequence[int] = 1,
    dilation: int | Sequence[int] = 1,
) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """Where the kernel reads for output entry (row, col), in padded-input coordinates.

    Returns
    -------
    rows (k_h,), cols (k_w,): the window is ``x_pad[np.ix_(rows, cols)]``.
    """
    s = _pair(stride, "stride", minimum=1)
    d = _pair(dilation, "dilation", minimum=1)
    kh, kw = (_int(k, "kernel size", minimum=1) for k in kernel_shape)
    rows = row * s[0] + d[0] * np.arange(kh)
    cols = col * s[1] + d[1] * np.arange(kw)
    return rows, cols
