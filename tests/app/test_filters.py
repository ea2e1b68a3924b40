"""The image-filters page in AppTest: samples, uploads good and hostile, one filter, Gabor bank."""

from __future__ import annotations

import base64
import io
import json
import struct
import zlib

import numpy as np
import pytest
from PIL import Image

from engine.filters import apply_filters, preset_kernel
from engine.images import load_image

PAGE = "lessons/filters.py"
ONE = "One filter, step by step"
GABOR = "Gabor filters (AlexNet's conv1)"


def charts(at) -> dict[str, dict]:
    return {c.proto.id.split("-")[-1]: json.loads(c.proto.spec) for c in at.get("plotly_chart")}


def chart(at, key: str) -> dict:
    for c in at.get("plotly_chart"):
        if key in c.proto.id:
            return json.loads(c.proto.spec)
    raise AssertionError(f"no chart {key}; have {list(charts(at))}")


def pictures(spec: dict) -> list[dict]:
    return [t for t in spec["data"] if t["type"] == "image"]


def hovers(spec: dict) -> list[dict]:
    return [t for t in spec["data"] if t["type"] == "heatmap"]


def arr(value) -> np.ndarray:
    """A plotly array from the figure JSON: a list, or a typed array {dtype, bdata, shape}."""
    if isinstance(value, dict) and "bdata" in value:
        flat = np.frombuffer(base64.b64decode(value["bdata"]), dtype=value["dtype"])
        shape = [int(n) for n in str(value.get("shape", len(flat))).split(",")]
        return flat.reshape(shape).astype(float)
    return np.array(value, dtype=float)


def captions(at) -> str:
    return "\n".join(c.value for c in at.caption)


def rerun(at):
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def open_tab(at, label: str):
    at.session_state["filters_view"] = label
    return rerun(at)


def jpeg(size: tuple[int, int], colour=(30, 120, 200)) -> bytes:
    buffer = io.BytesIO()
    im = Image.new("RGB", size, colour)
    im.paste((250, 250, 250), (0, 0, size[0] // 2, size[1]))
    im.save(buffer, format="JPEG", quality=90)
    return buffer.getvalue()


def gallery_pictures(at) -> list:
    """The st.image pictures of the gallery tab, as (caption, url) pairs."""
    return [pair for image in at.image for pair in zip(image.captions, image.value, strict=True)]


def test_the_cat_and_its_eight_feature_maps(run_page):
    at = run_page(PAGE)
    assert "Filtering the sample “Cat”: 451 × 300 pixels." in captions(at)
    shown = gallery_pictures(at)
    assert [caption for caption, _ in shown] == [
        "Input", "Identity", "Box blur", "Gaussian blur", "Sharpen", "Sobel x", "Sobel y",
        "Laplacian", "Emboss",
    ]  # fmt: skip
    assert all(url.startswith("data:image/jpeg;base64,") for _, url in shown)
    assert "filters_inspect_chart" not in charts(at)  # the closed expander costs nothing

    # Open "Read the numbers": the hover values are the engine's responses, sampled on a grid.
    at.session_state["filters_inspect"] = True
    rerun(at)
    spec = chart(at, "filters_inspect_chart")
    assert [a["text"] for a in spec["layout"]["annotations"]] == ["Input", "Sobel x"]
    cat = load_image((at_root() / "assets/cat.jpg").read_bytes(), max_side=512)
    sobel = apply_filters(cat, preset_kernel("sobel_x"), padding=1, padding_mode="mirror")[0]
    grid = hovers(spec)[0]
    z = arr(grid["z"])
    rows, cols = arr(grid["y"]).astype(int), arr(grid["x"]).astype(int)
    np.testing.assert_allclose(z, sobel[np.ix_(rows, cols)], rtol=1e-5, atol=1e-5)
    assert z.min() < 0 < z.max()
    at.selectbox(key="filters_inspect_map").set_value("Box blur")
    rerun(at)
    assert chart(at, "filters_inspect_chart")["layout"]["annotations"][1]["text"] == "Box blur"
    assert arr(hovers(chart(at, "filters_inspect_chart"))[0]["z"]).min() >= 0


def at_root():
    from pathlib import Path

    return Path(__file__).resolve().parents[2]


def test_pick_another_sample(run_page):
    at = run_page(PAGE)
    at.button_group(key="filters_sample").set_value("coffee")
    rerun(at)
    assert "Filtering the sample “Coffee”: 480 × 320 pixels." in captions(at)
    assert len(gallery_pictures(at)) == 9


def test_upload_a_large_photo(run_page):
    at = run_page(PAGE)
    at.file_uploader(key="filters_upload").set_value(
        ("holiday.jpg", jpeg((2000, 1000)), "image/jpeg")
    )
    rerun(at)
    assert not at.error
    assert "Filtering your picture “holiday.jpg”: 512 × 256 pixels" in captions(at)
    assert "scaled down to at most 512 a side" in captions(at)
    assert len(gallery_pictures(at)) == 9
    at.session_state["filters_inspect"] = True
    rerun(at)
    z = arr(hovers(chart(at, "filters_inspect_chart"))[0]["z"])
    assert z.shape == (20, 39)  # 256 × 512 sampled every 13 pixels, from the 7th


def png_claiming(width: int, height: int) -> bytes:
    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = struct.pack(">I", zlib.crc32(kind + body))
        return struct.pack(">I", len(body)) + kind + body + crc

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\0"))


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("huge.png", png_claiming(60000, 60000), "too large to open safely"),
        ("cut.jpg", jpeg((300, 200))[:400], "damaged or incomplete"),
        ("essay.png", b"Dear diary, today I learned convolution.", "not an image"),
        ("empty.png", b"", "empty"),
    ],
    ids=["60000x60000", "truncated", "text", "empty"],
)
def test_hostile_uploads_show_a_message_and_keep_the_sample(run_page, name, data, message):
    at = run_page(PAGE)
    at.file_uploader(key="filters_upload").set_value((name, data, "image/png"))
    rerun(at)
    assert len(at.error) == 1
    assert f"**{name}** could not be used" in at.error[0].value
    assert message in at.error[0].value
    assert "Showing the sample picture instead" in at.error[0].value
    assert "Filtering the sample “Cat”" in captions(at)
    assert len(gallery_pictures(at)) == 9


def test_one_filter_with_stride_padding_relu_and_pool(run_page):
    at = open_tab(run_page(PAGE), ONE)
    assert not gallery_pictures(at)  # hidden tabs are not computed
    assert any("= 300 \\times 451" in x.value for x in at.latex)
    at.selectbox(key="filters_preset").set_value("sobel_x")
    at.select_slider(key="filters_stride").set_value(2)
    rerun(at)
    # ⌊(300 − 3 + 2 + 2) / 2⌋ = 150 and ⌊(451 − 3 + 2 + 2) / 2⌋ = 226
    formula = next(x.value for x in at.latex if "226" in x.value)
    assert "\\tfrac{300 - 3 + 2 + 2}{2}" in formula and "= 150 \\times 226" in formula
    assert any("Output shape** 150 × 226" in m.value for m in at.markdown)
    maps = chart(at, "filters_maps")
    z = arr(hovers(maps)[0]["z"])
    assert z.min() < 0

    at.toggle(key="filters_relu").set_value(True)
    at.toggle(key="filters_pool").set_value(True)
    rerun(at)
    assert "Then 2 × 2 max pooling (stride 2): 75 × 113." in captions(at)
    z = arr(hovers(chart(at, "filters_maps"))[0]["z"])
    assert z.min() >= 0
    assert at.get("download_button")


def test_per_channel_gives_three_maps_that_add_up_to_the_sum(run_page):
    at = open_tab(run_page(PAGE), ONE)
    at.selectbox(key="filters_preset").set_value("laplacian")
    rerun(at)
    summed = arr(hovers(chart(at, "filters_maps"))[0]["z"])
    at.radio(key="filters_mode").set_value("per_channel")
    rerun(at)
    maps = chart(at, "filters_maps")
    assert len(pictures(maps)) == 5  # input, R, G, B, the three as one colour picture
    per_channel = [arr(h["z"]) for h in hovers(maps)]
    assert len(per_channel) == 3
    np.testing.assert_allclose(sum(per_channel), summed, atol=1e-4)


def test_custom_kernel_with_a_bad_cell(run_page):
    at = open_tab(run_page(PAGE), ONE)
    at.selectbox(key="filters_preset").set_value("sobel_y")
    at.button_group(key="filters_source").set_value("custom")
    rerun(at)
    assert at.text_input(key="filters_cell_3_0_1").value == "−2"  # starts from the preset
    at.text_input(key="filters_cell_3_1_1").set_value("abc")
    at.text_input(key="filters_cell_3_2_2").set_value("")
    rerun(at)
    assert len(at.error) == 1
    assert "Row 2, column 2: “abc” is not a number" in at.error[0].value
    assert "Row 3, column 3: empty" in at.error[0].value
    assert "filters_maps" not in charts(at)
    assert any("once every cell of your kernel is a number" in i.value for i in at.info)

    at.text_input(key="filters_cell_3_1_1").set_value("1/9")
    at.text_input(key="filters_cell_3_2_2").set_value("-0,5")
    rerun(at)
    assert not at.error
    kernel = arr(chart(at, "filters_kernel")["data"][0]["z"])
    np.testing.assert_allclose(kernel, [[-1, -2, -1], [0, 1 / 9, 0], [1, 2, -0.5]])

    at.radio(key="filters_custom_size").set_value(5)
    rerun(at)
    assert arr(chart(at, "filters_kernel")["data"][0]["z"]).shape == (5, 5)
    at.button(key="filters_reset_grid").click()
    rerun(at)
    assert at.text_input(key="filters_cell_5_2_2").value == "1"


def test_gabor_bank_and_strongest_orientation(run_page):
    at = open_tab(run_page(PAGE), GABOR)
    bank = chart(at, "filters_bank")
    assert len(bank["data"]) == 8
    assert arr(bank["data"][0]["z"]).shape == (11, 11)  # AlexNet's 11 × 11 for σ = 2.5
    assert len(gallery_pictures(at)) == 8
    winner = hovers(chart(at, "filters_winner"))[0]
    assert set(np.unique(arr(winner["z"]))) <= {0, 22.5, 45, 67.5, 90, 112.5, 135, 157.5}
    at.slider(key="filters_gabor_n").set_value(4)
    at.slider(key="filters_gabor_sigma").set_value(1.5)
    rerun(at)
    bank = chart(at, "filters_bank")
    assert len(bank["data"]) == 4 and arr(bank["data"][0]["z"]).shape == (7, 7)
    assert len(gallery_pictures(at)) == 4


def test_quiz(run_page):
    at = run_page(PAGE)
    at.radio(key="filters_q_alexnet_choice").set_value(2)
    rerun(at)
    at.button(key="filters_q_alexnet_check").click()
    rerun(at)
    assert any("Correct: C. 55 × 55 × 96" in s.value for s in at.success)


def test_colours_follow_the_app_palette():
    from ui.figures.filters import NEUTRAL, colourize, hover_grid
    from ui.style import NEGATIVE, POSITIVE

    def hex_of(rgb) -> str:
        return "#{:02X}{:02X}{:02X}".format(*(int(c) for c in rgb))

    signed = colourize(np.array([[-2.0, 0.0, 2.0, 9.0]]), signed=True, scale=2.0)[0]
    assert hex_of(signed[0]) == NEGATIVE and hex_of(signed[1]) == NEUTRAL
    assert (
        np.abs(
            signed[2].astype(int) - np.array([int(POSITIVE[i : i + 2], 16) for i in (1, 3, 5)])
        ).max()
        <= 1
    )
    assert (signed[3] == signed[2]).all()  # beyond the scale: saturated, not wrapped
    grey = colourize(np.array([[0.0, 0.5, 1.0, 3.0]]), signed=False, scale=1.0)[0]
    assert grey[:, 0].tolist() == [0, 128, 255, 255] and (grey[:, 0] == grey[:, 2]).all()
    z, xs, ys = hover_grid(np.arange(100 * 80).reshape(80, 100), cells=10)
    assert xs.tolist() == list(range(5, 100, 10)) and ys.tolist() == list(range(5, 80, 10))
    assert z[1, 2] == 15 * 100 + 25
