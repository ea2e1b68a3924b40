"""engine.images.load_image against a corpus of good and hostile files built right here."""

from __future__ import annotations

import builtins
import io
import struct
import tempfile
import zlib
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image

from engine.images import MAX_PIXELS, ImageError, encode_image, fit_within, load_image

ASSETS = Path(__file__).resolve().parents[2] / "assets"


# -- building files --------------------------------------------------------------------------------


def encode(im: Image.Image, fmt: str, **kwargs) -> bytes:
    buffer = io.BytesIO()
    im.save(buffer, format=fmt, **kwargs)
    return buffer.getvalue()


def png_chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def raw_png(width: int, height: int, *, bit_depth: int, colour_type: int, rows: bytes) -> bytes:
    """A PNG written by hand, so the header can say anything (Pillow would refuse to write it)."""
    header = struct.pack(">IIBBBBB", width, height, bit_depth, colour_type, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", header)
        + png_chunk(b"IDAT", zlib.compress(rows, 9))
        + png_chunk(b"IEND", b"")
    )


def solid(mode: str, size: tuple[int, int], colour) -> Image.Image:
    return Image.new(mode, size, colour)


def pixel(img: np.ndarray, row: int, col: int) -> np.ndarray:
    return img[:, row, col]


def check_image(img: np.ndarray, shape: tuple[int, int]) -> None:
    assert img.dtype == np.float32
    assert img.shape == (3, *shape)
    assert img.flags.c_contiguous
    assert np.all((img >= 0) & (img <= 1))


# -- good files ------------------------------------------------------------------------------------


def test_rgb_png_round_trips_exactly():
    rng = np.random.default_rng(0)
    arr = rng.integers(0, 256, size=(7, 11, 3), dtype=np.uint8)
    img = load_image(encode(Image.fromarray(arr), "PNG"))
    check_image(img, (7, 11))
    np.testing.assert_array_equal(np.round(img * 255).astype(np.uint8), arr.transpose(2, 0, 1))


def test_rgba_composites_over_white():
    arr = np.zeros((2, 3, 4), dtype=np.uint8)
    arr[0, 0] = (255, 0, 0, 255)  # opaque red
    arr[0, 1] = (255, 0, 0, 0)  # fully transparent red: white
    arr[0, 2] = (0, 0, 0, 128)  # half-transparent black: mid grey
    arr[1, :] = (0, 0, 255, 255)
    img = load_image(encode(Image.fromarray(arr, "RGBA"), "PNG"))
    check_image(img, (2, 3))
    np.testing.assert_allclose(pixel(img, 0, 0), (1, 0, 0))
    np.testing.assert_allclose(pixel(img, 0, 1), (1, 1, 1))
    np.testing.assert_allclose(pixel(img, 0, 2), np.full(3, 127 / 255), atol=1 / 255)
    np.testing.assert_allclose(pixel(img, 1, 2), (0, 0, 1))


def test_grey_with_alpha_composites_over_white():
    im = Image.new("LA", (2, 1))
    im.putpixel((0, 0), (0, 0))
    im.putpixel((1, 0), (0, 255))
    img = load_image(encode(im, "PNG"))
    np.testing.assert_allclose(img[:, 0, :], [[1, 0]] * 3)


def test_palette_with_and_without_transparency():
    im = Image.new("P", (2, 1))
    im.putpalette([255, 0, 0, 0, 255, 0] + [0] * 762)
    im.putpixel((0, 0), 0)
    im.putpixel((1, 0), 1)
    img = load_image(encode(im, "PNG"))
    np.testing.assert_allclose(img[:, 0, :].T, [(1, 0, 0), (0, 1, 0)])
    transparent = load_image(encode(im, "PNG", transparency=0))
    np.testing.assert_allclose(transparent[:, 0, :].T, [(1, 1, 1), (0, 1, 0)])


def test_cmyk_is_converted():
    im = Image.new("CMYK", (2, 1))
    im.putpixel((0, 0), (0, 0, 0, 0))  # no ink: white
    im.putpixel((1, 0), (255, 0, 0, 0))  # cyan ink
    img = load_image(encode(im, "TIFF"))
    np.testing.assert_allclose(img[:, 0, :].T, [(1, 1, 1), (0, 1, 1)])
    jpeg = load_image(encode(Image.new("CMYK", (16, 16), (0, 255, 0, 0)), "JPEG", quality=95))
    check_image(jpeg, (16, 16))
    np.testing.assert_allclose(jpeg.mean(axis=(1, 2)), (1, 0, 1), atol=0.03)  # magenta


def test_sixteen_bit_grey_png_scales_to_unit_range():
    values = np.array([[0, 32768, 65535]], dtype=">u2")
    data = raw_png(3, 1, bit_depth=16, colour_type=0, rows=b"\x00" + values.tobytes())
    img = load_image(data)
    check_image(img, (1, 3))
    np.testing.assert_allclose(img[0, 0], [0, 0.5, 1], atol=1 / 255)
    np.testing.assert_array_equal(img[0], img[2])


def test_a_dark_sixteen_bit_picture_stays_dark():
    values = np.array([[0, 200, 255]], dtype=">u2")  # all below 256 out of 65535
    img = load_image(raw_png(3, 1, bit_depth=16, colour_type=0, rows=b"\x00" + values.tobytes()))
    assert img.max() < 0.01


def test_sixteen_bit_rgb_png():
    values = np.array([[[65535, 0, 0], [0, 0, 65535]]], dtype=">u2")
    data = raw_png(2, 1, bit_depth=16, colour_type=2, rows=b"\x00" + values.tobytes())
    img = load_image(data)
    np.testing.assert_allclose(img[:, 0, :].T, [(1, 0, 0), (0, 0, 1)])


def test_grey_and_bilevel_give_three_equal_channels():
    for mode, white in (("L", 255), ("1", 1)):
        im = Image.new(mode, (4, 2), 0)
        im.putpixel((3, 1), white)
        img = load_image(encode(im, "PNG"))
        check_image(img, (2, 4))
        np.testing.assert_array_equal(img[0], img[1])
        assert img[0, 1, 3] == 1 and img[0, 0, 0] == 0


def test_animated_gif_gives_its_first_frame():
    frames = [solid("RGB", (8, 6), colour) for colour in ((255, 0, 0), (0, 0, 255))]
    data = encode(frames[0], "GIF", save_all=True, append_images=frames[1:], duration=100, loop=0)
    assert Image.open(io.BytesIO(data)).n_frames == 2
    img = load_image(data)
    check_image(img, (6, 8))
    np.testing.assert_allclose(img.mean(axis=(1, 2)), (1, 0, 0))


@pytest.mark.parametrize("fmt", ["WEBP", "TIFF", "PNG"])  # animated WebP, multipage TIFF, APNG
def test_other_multi_frame_files_give_their_first_frame(fmt):
    frames = [solid("RGB", (8, 6), colour) for colour in ((0, 255, 0), (255, 0, 255))]
    extra = {"lossless": True} if fmt == "WEBP" else {}
    data = encode(frames[0], fmt, save_all=True, append_images=frames[1:], **extra)
    assert getattr(Image.open(io.BytesIO(data)), "n_frames", 1) == 2
    np.testing.assert_allclose(load_image(data).mean(axis=(1, 2)), (0, 1, 0))


def test_exif_orientation_is_applied():
    arr = np.zeros((20, 40, 3), dtype=np.uint8)
    arr[:, 20:] = 255  # stored: left half black, right half white
    exif = Image.Exif()
    exif[0x0112] = 6  # "rotate 90° clockwise to display"
    data = encode(Image.fromarray(arr), "JPEG", exif=exif, quality=95)
    img = load_image(data)
    check_image(img, (40, 20))  # portrait once rotated
    # Turning clockwise brings the left (black) half to the top.
    assert img[:, :15].mean() < 0.1 and img[:, 25:].mean() > 0.9


@pytest.mark.parametrize("fmt", ["BMP", "TIFF", "WEBP", "PPM", "TGA", "ICO"])
def test_other_formats(fmt):
    im = solid("RGB", (16, 12), (0, 255, 0))
    img = load_image(encode(im, fmt, **({"lossless": True} if fmt == "WEBP" else {})))
    assert img.shape[0] == 3 and img.shape[1] > 0
    np.testing.assert_allclose(img.mean(axis=(1, 2)), (0, 1, 0), atol=0.01)


def test_downscale_keeps_aspect_and_never_enlarges():
    im = solid("RGB", (300, 100), (10, 20, 30))
    assert load_image(encode(im, "PNG"), max_side=30).shape == (3, 10, 30)
    assert load_image(encode(im, "PNG"), max_side=1000).shape == (3, 100, 300)
    tall = load_image(encode(solid("RGB", (50, 999), 0), "PNG"), max_side=100)
    assert tall.shape == (3, 100, 5)
    sliver = load_image(encode(solid("RGB", (1000, 1), 0), "PNG"), max_side=10)
    assert sliver.shape == (3, 1, 10)


def test_large_jpeg_uses_the_reduced_decode_and_matches_a_full_decode():
    yy, xx = np.mgrid[0:1500, 0:2000]
    arr = np.stack([xx / 2000 * 255, yy / 1500 * 255, np.full_like(xx, 128)], axis=-1)
    data = encode(Image.fromarray(arr.astype(np.uint8)), "JPEG", quality=90)
    img = load_image(data, max_side=200)
    check_image(img, (150, 200))
    full = Image.open(io.BytesIO(data)).convert("RGB").resize((200, 150), Image.Resampling.BOX)
    reference = np.asarray(full, dtype=np.float32).transpose(2, 0, 1) / 255
    assert np.abs(img - reference).max() < 0.03


def test_bundled_samples_load():
    samples = sorted(ASSETS.glob("*.jpg"))
    assert len(samples) >= 3
    for path in samples:
        img = load_image(path.read_bytes(), max_side=512)
        assert img.shape[0] == 3 and max(img.shape[1:]) <= 512


# -- hostile files ---------------------------------------------------------------------------------


def good_png() -> bytes:
    rng = np.random.default_rng(1)
    return encode(Image.fromarray(rng.integers(0, 256, (64, 64, 3), dtype=np.uint8)), "PNG")


def good_jpeg() -> bytes:
    rng = np.random.default_rng(2)
    return encode(Image.fromarray(rng.integers(0, 256, (64, 64, 3), dtype=np.uint8)), "JPEG")


def test_empty_file():
    with pytest.raises(ImageError, match="empty"):
        load_image(b"")


def test_random_bytes_are_not_an_image():
    data = np.random.default_rng(3).integers(0, 256, 5000, dtype=np.uint8).tobytes()
    with pytest.raises(ImageError, match="not an image"):
        load_image(data)
    with pytest.raises(ImageError, match="not an image"):
        load_image(b"Hello, I am a text file.\n")


@pytest.mark.parametrize("make", [good_png, good_jpeg], ids=["png", "jpeg"])
def test_truncated_files(make):
    data = make()
    # Cut inside the pixel data (a PNG cut only in its trailing IEND chunk still holds them all).
    for cut in (60, len(data) // 2, len(data) - 100):
        with pytest.raises(ImageError, match="damaged or incomplete") as info:
            load_image(data[:cut])
        assert info.value.__cause__ is None and info.value.__suppress_context__


def test_png_header_claiming_60000_by_60000():
    data = raw_png(60000, 60000, bit_depth=8, colour_type=2, rows=b"\x00" * 100)
    with pytest.raises(ImageError, match="too large"):
        load_image(data)


def test_jpeg_header_claiming_60000_by_60000():
    data = bytearray(good_jpeg())
    sof = data.index(b"\xff\xc0")  # baseline frame header: length, precision, height, width
    data[sof + 5 : sof + 9] = struct.pack(">HH", 60000, 60000)
    with pytest.raises(ImageError, match="too large"):
        load_image(bytes(data))


def test_absurd_sides_and_pixel_counts_below_pillows_own_limit():
    side = int(np.sqrt(MAX_PIXELS)) + 100  # over our limit, under Pillow's bomb threshold
    with pytest.raises(ImageError, match=f"{side} × {side} pixels"):
        load_image(raw_png(side, side, bit_depth=8, colour_type=0, rows=b"\x00"))
    with pytest.raises(ImageError, match="too large"):
        load_image(raw_png(40000, 1, bit_depth=8, colour_type=0, rows=b"\x00"))


def test_decompression_bomb():
    # A real 1-bit PNG of 12000 × 12000 zeros: 18 MB of pixels squeezed into a few kilobytes.
    row = b"\x00" + b"\x00" * (12000 // 8)
    data = raw_png(12000, 12000, bit_depth=1, colour_type=0, rows=row * 12000)
    assert len(data) < 100_000
    with pytest.raises(ImageError, match="too large"):
        load_image(data)


def test_eps_is_refused_without_running_ghostscript():
    eps = b"%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 10 10\nshowpage\n"
    with pytest.raises(ImageError, match="not an image"):
        load_image(eps)


def test_bad_arguments():
    with pytest.raises(ImageError):
        load_image("not bytes")  # type: ignore[arg-type]
    for bad in (0, -5, 2.5, True):
        with pytest.raises(ValueError, match="max_side"):
            load_image(good_png(), max_side=bad)  # type: ignore[arg-type]


def test_nothing_is_written_to_disk(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("load_image touched the file system")

    monkeypatch.setattr(builtins, "open", refuse)
    monkeypatch.setattr(tempfile, "mkstemp", refuse)
    monkeypatch.setattr(tempfile, "NamedTemporaryFile", refuse)
    load_image(good_png())
    load_image(good_jpeg())
    with pytest.raises(ImageError):
        load_image(good_png()[:100])


SEEDS = {"png": good_png(), "jpeg": good_jpeg()}


@given(
    kind=st.sampled_from(sorted(SEEDS)),
    edits=st.lists(st.tuples(st.integers(0, 10_000), st.integers(0, 255)), max_size=8),
    cut=st.integers(1, 10_000),
)
def test_mangled_files_only_ever_raise_image_error(kind, edits, cut):
    data = bytearray(SEEDS[kind])
    for position, value in edits:
        data[position % len(data)] = value
    data = bytes(data[: max(1, cut % (len(data) + 1))])
    try:
        img = load_image(data, max_side=64)
    except ImageError as err:
        assert str(err)
    else:
        assert img.dtype == np.float32 and img.shape[0] == 3
        assert np.all((img >= 0) & (img <= 1))


def test_encode_image_round_trips_and_downscales():
    arr = np.arange(24, dtype=np.uint8).reshape(2, 4, 3)
    back = np.asarray(Image.open(io.BytesIO(encode_image(arr))))
    np.testing.assert_array_equal(back, arr)
    photo = np.full((300, 600, 3), 200, dtype=np.uint8)
    small = Image.open(io.BytesIO(encode_image(photo, fmt="JPEG", max_side=120)))
    assert small.format == "JPEG" and small.size == (120, 60)
    assert fit_within(300, 600, 120) == (60, 120) and fit_within(3, 4, None) == (3, 4)
    grey = Image.open(io.BytesIO(encode_image(np.zeros((5, 5), dtype=np.uint8))))
    assert grey.mode == "L"
    with pytest.raises(ValueError, match="uint8"):
        encode_image(arr.astype(np.float64))
    with pytest.raises(ValueError, match="fmt"):
        encode_image(arr, fmt="GIF")
