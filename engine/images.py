"""Turn an uploaded file into a float image the convolution engine can use, safely.

Everything happens in memory (``io.BytesIO``); nothing is written to disk. Pillow is only used
here, so a learner's upload can never make a Pillow exception leak out of the engine: whatever
goes wrong becomes an :class:`ImageError` with a message a person can read.
"""

from __future__ import annotations

import io
import warnings

import numpy as np
from PIL import Image, ImageOps

__all__ = ["MAX_PIXELS", "MAX_SIDE", "ImageError", "encode_image", "fit_within", "load_image"]

# Limits checked on the size a file *claims* before any pixel is decoded. A 48-megapixel phone
# photo (8000 × 6000) fits; a header claiming 60000 × 60000 does not. Both are below Pillow's own
# decompression-bomb threshold (about 89 megapixels), which stays on as a second guard.
MAX_PIXELS = 50_000_000
MAX_SIDE = 20_000

# Every raster format this Pillow can open, except EPS: Pillow renders it by running Ghostscript
# in a subprocess with temporary files, which an upload from a stranger should never trigger.
Image.init()
_FORMATS = tuple(sorted(f for f in Image.OPEN if f != "EPS"))
_SIXTEEN_BIT = ("I;16", "I;16L", "I;16B", "I;16N", "I")  # "I": 32-bit, may hold 16-bit data
_WITH_ALPHA = ("RGBA", "LA", "PA", "RGBa", "La")


class ImageError(ValueError):
    """A file that cannot be read as an image safely; the message is meant for the learner."""


def load_image(data: bytes, *, max_side: int = 1024) -> np.ndarray:
    """Decode image bytes into a float32 RGB array with values in [0, 1].

    Parameters
    ----------
    data : bytes
        The file's contents, in any raster format Pillow reads (PNG, JPEG, GIF, BMP, TIFF, WebP,
        ...). Animations give their first frame.
    max_side : int, keyword-only
        The result is downscaled, aspect ratio kept, so that ``max(H, W) <= max_side``. Smaller
        images are never enlarged.

    Returns
    -------
    ndarray, shape (3, H, W), float32
        Channels R, G, B. EXIF orientation applied, transparency composited over white, 16-bit,
        CMYK, palette and grey-level images converted.

    Raises
    ------
    ImageError
        Empty, not an image, damaged or truncated, or too large to decode safely.
    ValueError
        ``max_side`` is not a positive integer.
    """
    if isinstance(max_side, bool) or not isinstance(max_side, int | np.integer) or max_side < 1:
        raise ValueError(f"max_side must be a positive whole number, not {max_side!r}.")
    if not isinstance(data, bytes | bytearray | memoryview):
        raise ImageError("Expected the bytes of an image file.")
    if len(data) == 0:
        raise ImageError("The file is empty.")
    try:
        with warnings.catch_warnings():
            # Other warnings (odd EXIF, unusual chunks) are harmless for a picture; the
            # decompression-bomb warning is not.
            warnings.simplefilter("ignore")
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            rgb = _decode(bytes(data), int(max_side))
    except ImageError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ImageError(
            "This image is too large to open safely: its header claims more than "
            f"{MAX_PIXELS // 1_000_000} megapixels. Try a smaller picture."
        ) from None
    except Image.UnidentifiedImageError:
        raise ImageError(
            "This file is not an image that can be read. Try a PNG, JPEG, GIF, BMP, TIFF or "
            "WebP picture."
        ) from None
    except MemoryError:
        raise ImageError("This image needs too much memory to decode. Try a smaller one.") from None
    except Exception:
        # Pillow signals damaged data with OSError, SyntaxError, ValueError, EOFError,
        # struct.error, IndexError... depending on the format: all mean the same to a learner.
        raise ImageError(
            "The image data is damaged or incomplete (the file may be truncated), so it cannot "
            "be decoded. Try saving the picture again or choose another one."
        ) from None
    return rgb


def _decode(data: bytes, max_side: int) -> np.ndarray:
    im = Image.open(io.BytesIO(data), formats=_FORMATS)
    width, height = im.size
    if width < 1 or height < 1:
        raise ImageError("This image has no pixels.")
    if width > MAX_SIDE or height > MAX_SIDE or width * height > MAX_PIXELS:
        raise ImageError(
            f"This image is too large to open safely: {width} × {height} pixels (the limit is "
            f"{MAX_PIXELS // 1_000_000} megapixels and {MAX_SIDE} pixels a side). Try a smaller "
            "picture."
        )
    im.seek(0)  # the first frame of an animation
    target = _fit(width, height, max_side)
    if target != (width, height):
        # JPEG decodes at 1/2, 1/4 or 1/8 scale in the DCT, never below the target: a
        # 12-megapixel photo decodes several times faster. Other formats ignore this.
        im.draft(None, target)
    im.load()
    im = ImageOps.exif_transpose(im)
    im = _to_rgb(im)
    # Orientation may have swapped the sides; fit again on what was decoded.
    target = _fit(im.width, im.height, max_side)
    if target != im.size:
        im = im.resize(target, Image.Resampling.BILINEAR, reducing_gap=2.0)
    rgb = np.asarray(im, dtype=np.float32) / np.float32(255)
    return np.ascontiguousarray(rgb.transpose(2, 0, 1))


def _fit(width: int, height: int, max_side: int) -> tuple[int, int]:
    """(W, H) scaled down, aspect kept, so the longer side is max_side; unchanged if it fits."""
    longest = max(width, height)
    if longest <= max_side:
        return width, height
    scale = max_side / longest
    return max(1, round(width * scale)), max(1, round(height * scale))


def _to_rgb(im: Image.Image) -> Image.Image:
    """Any mode -> 8-bit RGB: transparency over white, 16-bit and float scaled down."""
    if im.mode in _SIXTEEN_BIT or im.mode == "F":
        values = np.asarray(im, dtype=np.float64)
        if im.mode == "F":
            top = max(1.0, float(np.nanmax(values)) if values.size else 1.0)
        elif im.mode == "I":
            # 32-bit integers say nothing of the range: 8-bit data unless values show otherwise.
            top = 65535.0 if values.size and values.max() > 255 else 255.0
        else:
            top = 65535.0  # "I;16": always 16 bits, however dark the picture
        grey = np.nan_to_num(np.clip(values / top, 0.0, 1.0))
        im = Image.fromarray(np.round(grey * 255).astype(np.uint8), "L")
    if im.mode == "P" and "transparency" in im.info:
        im = im.convert("RGBA")
    if im.mode in _WITH_ALPHA:
        rgba = im.convert("RGBA")
        white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return Image.alpha_composite(white, rgba).convert("RGB")
    return im.convert("RGB")


def fit_within(height: int, width: int, max_side: int | None) -> tuple[int, int]:
    """(H, W) scaled down, aspect kept, so that neither side exceeds max_side (None: as is)."""
    if max_side is None:
        return height, width
    w, h = _fit(width, height, max_side)
    return h, w


def encode_image(
    rgb: np.ndarray, *, fmt: str = "PNG", max_side: int | None = None, quality: int = 85
) -> bytes:
    """Encode a picture as PNG or JPEG bytes, for display in the browser and for download.

    Parameters
    ----------
    rgb : ndarray, shape (H, W, 3) or (H, W), uint8
        An RGB or grey-level picture.
    fmt : "PNG" (lossless, for downloads) or "JPEG" (small, for display).
    max_side : downscale first (aspect kept, see :func:`fit_within`); None keeps every pixel.
    quality : JPEG quality, 1 to 95.
    """
    arr = np.asarray(rgb)
    if arr.dtype != np.uint8 or arr.ndim not in (2, 3) or (arr.ndim == 3 and arr.shape[2] != 3):
        raise ValueError("encode_image expects a uint8 array of shape (H, W, 3) or (H, W).")
    if fmt not in ("PNG", "JPEG"):
        raise ValueError(f"fmt must be 'PNG' or 'JPEG'; got {fmt!r}.")
    im = Image.fromarray(arr)
    h, w = fit_within(arr.shape[0], arr.shape[1], max_side)
    if (h, w) != arr.shape[:2]:
        im = im.resize((w, h), Image.Resampling.BILINEAR, reducing_gap=2.0)
    buffer = io.BytesIO()
    if fmt == "PNG":
        im.save(buffer, format="PNG", compress_level=1)
    else:
        im.save(buffer, format="JPEG", quality=quality)
    return buffer.getvalue()
