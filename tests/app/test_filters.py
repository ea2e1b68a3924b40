"""The image-filters page in AppTest: samples, uploads good and hostile, one filter, Gabor bank."""

from __future__ import annotations

import io
import struct
import zlib

import numpy as np
import pytest
from PIL import Image
from streamlit.testing.v1 import AppTest

from engine.filters import apply_filters, preset_kernel
from engine.images import load_image
from tests.app.conftest import ROOT, array, chart, charts, rerun, specs

PAGE = "lessons/filters.py"
ONE = "One filter, step by step"
GABOR = "Gabor filters (AlexNet's conv1)"
LEARNED = "Learned from photos"


def pictures(spec: dict) -> list[dict]:
    return [t for t in spec["data"] if t["type"] == "image"]


def hovers(spec: dict) -> list[dict]:
    return [t for t in spec["data"] if t["type"] == "heatmap"]


def captions(at) -> str:
    return "\n".join(c.value for c in at.caption)


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
    z = array(grid["z"])
    rows, cols = array(grid["y"]).astype(int), array(grid["x"]).astype(int)
    np.testing.assert_allclose(z, sobel[np.ix_(rows, cols)], rtol=1e-5, atol=1e-5)
    assert z.min() < 0 < z.max()
    at.selectbox(key="filters_inspect_map").set_value("box_blur")
    rerun(at)
    assert chart(at, "filters_inspect_chart")["layout"]["annotations"][1]["text"] == "Box blur"
    assert array(hovers(chart(at, "filters_inspect_chart"))[0]["z"]).min() >= 0


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
    at.file_uploader(key="filters_upload_0").set_value(
        ("holiday.jpg", jpeg((2000, 1000)), "image/jpeg")
    )
    rerun(at)
    assert not at.error
    assert "Filtering your picture “holiday.jpg”: 512 × 256 pixels" in captions(at)
    assert "scaled down to at most 512 a side" in captions(at)
    assert len(gallery_pictures(at)) == 9
    at.session_state["filters_inspect"] = True
    rerun(at)
    z = array(hovers(chart(at, "filters_inspect_chart"))[0]["z"])
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
    at.file_uploader(key="filters_upload_0").set_value((name, data, "image/png"))
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
    assert any("= {300 \\times 451}$" in x.value for x in at.markdown)
    at.selectbox(key="filters_preset").set_value("sobel_x")
    at.select_slider(key="filters_stride").set_value(2)
    rerun(at)
    # ⌊(300 − 3 + 2 + 2) / 2⌋ = 150 and ⌊(451 − 3 + 2 + 2) / 2⌋ = 226
    formula = next(x.value for x in at.markdown if "226}$" in x.value)
    assert "\\dfrac{300 - 3 + 2 + 2}{2}" in formula and "= {150 \\times 226}" in formula
    assert any("Output shape** 150 × 226" in m.value for m in at.markdown)
    maps = chart(at, "filters_maps")
    z = array(hovers(maps)[0]["z"])
    assert z.min() < 0

    at.toggle(key="filters_relu").set_value(True)
    at.toggle(key="filters_pool").set_value(True)
    rerun(at)
    assert "Then 2 × 2 max pooling (stride 2): 75 × 113." in captions(at)
    z = array(hovers(chart(at, "filters_maps"))[0]["z"])
    assert z.min() >= 0
    assert at.get("download_button")


def test_per_channel_gives_three_maps_that_add_up_to_the_sum(run_page):
    at = open_tab(run_page(PAGE), ONE)
    at.selectbox(key="filters_preset").set_value("laplacian")
    rerun(at)
    summed = array(hovers(chart(at, "filters_maps"))[0]["z"])
    at.radio(key="filters_mode").set_value("per_channel")
    rerun(at)
    maps = chart(at, "filters_maps")
    assert len(pictures(maps)) == 5  # input, R, G, B, the three as one colour picture
    per_channel = [array(h["z"]) for h in hovers(maps)]
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
    kernel = array(chart(at, "filters_kernel")["data"][0]["z"])
    np.testing.assert_allclose(kernel, [[-1, -2, -1], [0, 1 / 9, 0], [1, 2, -0.5]])

    at.radio(key="filters_custom_size").set_value(5)
    rerun(at)
    assert array(chart(at, "filters_kernel")["data"][0]["z"]).shape == (5, 5)
    at.button(key="filters_reset_grid").click()
    rerun(at)
    assert at.text_input(key="filters_cell_5_2_2").value == "1"


def test_gabor_bank_and_strongest_orientation(run_page):
    at = open_tab(run_page(PAGE), GABOR)
    bank = chart(at, "filters_bank")
    assert len(bank["data"]) == 8
    assert array(bank["data"][0]["z"]).shape == (11, 11)  # AlexNet's 11 × 11 for σ = 2.5
    assert len(gallery_pictures(at)) == 8
    winner = hovers(chart(at, "filters_winner"))[0]
    assert set(np.unique(array(winner["z"]))) <= {0, 22.5, 45, 67.5, 90, 112.5, 135, 157.5}
    at.slider(key="filters_gabor_n").set_value(4)
    at.slider(key="filters_gabor_sigma").set_value(1.5)
    rerun(at)
    bank = chart(at, "filters_bank")
    assert len(bank["data"]) == 4 and array(bank["data"][0]["z"]).shape == (7, 7)
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


# -- the picture: an upload in use, a flat one, one message at a time --------------------------


def png(array: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(array.astype(np.uint8)).save(buffer, format="PNG")
    return buffer.getvalue()


def upload(at, name: str, data: bytes, round_: int = 0):
    at.file_uploader(key=f"filters_upload_{round_}").set_value((name, data, "image/png"))
    return rerun(at)


def messages(at) -> list[str]:
    return [m.value for m in [*at.error, *at.warning, *at.info]]


def test_a_flat_upload_says_why_its_maps_are_blank(run_page):
    """Issue 17 item 10: a tiny uniform picture gave white maps that looked broken."""
    at = upload(run_page(PAGE), "grey.png", png(np.full((4, 6, 3), 128)))
    (note,) = at.info
    assert "one flat colour: all its 4 × 6 pixels are (R, G, B) = (128, 128, 128)" in note.value
    assert "answer 0 everywhere, which is drawn white" in note.value
    titles = [caption for caption, _ in gallery_pictures(at)]
    assert "Sobel x (= 0 everywhere)" in titles and "Laplacian (= 0 everywhere)" in titles
    assert "Box blur (= 1.506 everywhere)" in titles  # R + G + B = 3 × 128/255
    # A picture with something in it: no such note.
    at = upload(run_page(PAGE), "stripes.png", png(stripes(vertical=True)))
    assert not at.info


def test_the_sample_is_not_highlighted_while_an_upload_is_in_use(run_page):
    """Issue 17 item 10: "Cat" stayed highlighted while the upload was filtered."""
    at = upload(run_page(PAGE), "holiday.jpg", jpeg((300, 200)))
    assert "Filtering your picture “holiday.jpg”" in captions(at)
    assert not [b for b in at.button_group if b.key == "filters_sample"]
    pick = next(b for b in at.button_group if b.key == "filters_sample_pick")
    assert pick.value is None  # nothing highlighted
    assert not [k for k in at.query_params if "upload" in k]  # an upload is never in the URL
    pick.set_value("brick")
    rerun(at)
    assert "Filtering the sample “Brick wall”" in captions(at)
    assert at.button_group(key="filters_sample").value == "brick"
    assert at.file_uploader(key="filters_upload_1").value is None  # the upload was put away
    assert at.query_params["filters_sample"] == "brick"


def test_a_later_failure_replaces_the_earlier_message(run_page):
    """Issue 17 item 10: an old error stayed on screen after a later, different failure."""
    at = upload(run_page(PAGE), "cut.jpg", jpeg((300, 200))[:400])
    assert len(messages(at)) == 1 and "damaged or incomplete" in messages(at)[0]
    at = upload(at, "notes.png", b"these are my lecture notes")
    (only,) = messages(at)
    assert "**notes.png** could not be used" in only and "cut.jpg" not in only
    at = upload(at, "grey.png", png(np.full((5, 5, 3), 200)))
    (only,) = messages(at)
    assert "one flat colour" in only
    open_tab(at, ONE)
    at.select_slider(key="filters_stride").set_value(4)
    at.select_slider(key="filters_padding_3").set_value(0)
    at.toggle(key="filters_pool").set_value(True)
    rerun(at)  # 5 × 5 pixels, 3 × 3 kernel, stride 4: a 1 × 1 map, too small to pool 2 × 2
    assert [m for m in messages(at) if "could not be used" in m] == []
    assert len(at.warning) == 1


# -- the Gabor orientations without colour ---------------------------------------------------


def stripes(*, vertical: bool, period: int = 6) -> np.ndarray:
    """A 64 × 96 RGB picture of black and white stripes, ``period`` pixels a pair."""
    axis = np.arange(96 if vertical else 64) // (period // 2) % 2 * 255
    grid = np.tile(axis[None, :], (64, 1)) if vertical else np.tile(axis[:, None], (1, 96))
    return np.repeat(grid[..., None], 3, axis=2)


@pytest.mark.parametrize("vertical", [True, False], ids=["vertical", "horizontal"])
def test_orientation_lines_follow_the_stripes(run_page, vertical):
    """Issue 17 item 14: the orientation map relied on hue alone. Lines along the winning
    stripes say it without colour: vertical stripes give vertical lines, horizontal ones
    horizontal lines."""
    at = open_tab(upload(run_page(PAGE), "stripes.png", png(stripes(vertical=vertical))), GABOR)
    spec = chart(at, "filters_winner")
    (lines,) = [t for t in spec["data"] if t["type"] == "scatter"]
    assert lines["xaxis"] == "x2" and lines["x"].count(None) >= 10
    xs, ys = np.array(lines["x"], dtype=float), np.array(lines["y"], dtype=float)
    across, along = np.abs(xs[1::3] - xs[0::3]), np.abs(ys[1::3] - ys[0::3])
    if not vertical:
        across, along = along, across
    assert (across < 0.05 * along).mean() > 0.9
    titles = [a["text"] for a in chart(at, "filters_bank")["layout"]["annotations"]]
    assert titles[0].endswith("■</span> 0°") and titles[4].endswith("■</span> 90°")


# -- settings in the URL -------------------------------------------------------------------------

LAPLACE_5 = ((0, 0, 0, 0, 0), (0, 0, 1, 0, 0), (0, 1, -4, 1, 0), (0, 0, 1, 0, 0), (0, 0, 0, 0, 0))
# Every setting at a value that is not its default (sliders at their minimum among them: the
# padding of a 3 × 3 kernel, the number of orientations, λ, σ), and the open tab.
SHARED = {
    "filters_sample": ("astronaut", "astronaut"),
    "filters_view": ("one-filter-step-by-step", ONE),
    "filters_inspect_map": ("emboss", "emboss"),
    "filters_source": ("custom", "custom"),
    "filters_preset": ("gaussian_blur", "gaussian_blur"),
    "filters_custom_size": ("5", 5),
    "filters_kernel": (
        "0,0,0,0,0;0,0,1,0,0;0,1,-4,1,0;0,0,1,0,0;0,0,0,0,0",
        tuple(tuple(float(v) for v in row) for row in LAPLACE_5),
    ),
    "filters_mode": ("per_channel", "per_channel"),
    "filters_stride": ("2", 2),
    "filters_padding_3": ("0", 0),
    "filters_padding_5": ("5", 5),
    "filters_relu": ("1", True),
    "filters_pool": ("1", True),
    "filters_gabor_n": ("2", 2),
    "filters_gabor_lambda": ("3", 3.0),
    "filters_gabor_sigma": ("1", 1.0),
    "filters_gabor_shape": ("edges", "edges"),
    "filters_gabor_relu": ("1", True),
    "filters_learn_source": ("picture", "picture"),
    "filters_learn_n": ("64", 64),
    "filters_learn_k": ("16", 16),
    "filters_learn_seed": ("7", 7),
    "filters_learn_show": ("filters", "filters"),
}


def test_every_setting_is_in_the_shared_table():
    import re

    text = (ROOT / PAGE).read_text()
    start = text.index('S = Settings(\n    "filters"')
    block = text[start : text.index("\n)\n", start)]
    names = re.findall(r'(?:integer|number|choice|flag|tab|custom)\("(\w+)"', block)
    assert {f"filters_{n}" for n in names} == set(SHARED)


def test_every_setting_reaches_the_url_and_a_link_restores_it():
    at = AppTest.from_file(str(ROOT / PAGE), default_timeout=60)
    for key, (_, value) in SHARED.items():
        at.session_state[key] = value
    rerun(at)
    assert {k: at.query_params[k] for k in SHARED} == {k: t for k, (t, _) in SHARED.items()}

    fresh = AppTest.from_file(str(ROOT / PAGE), default_timeout=60)
    fresh.query_params.update({k: t for k, (t, _) in SHARED.items()})
    rerun(fresh)
    assert {k: fresh.session_state[k] for k in SHARED} == {k: v for k, (_, v) in SHARED.items()}
    assert not fresh.info  # nothing in the link was junk
    # The shared custom kernel is in its cells and on the chart.
    assert fresh.text_input(key="filters_cell_5_2_2").value == "−4"
    np.testing.assert_array_equal(array(chart(fresh, "filters_kernel")["data"][0]["z"]), LAPLACE_5)
    assert "Filtering the sample “Astronaut”" in captions(fresh)
    plain = rerun(AppTest.from_file(str(ROOT / PAGE), default_timeout=60))
    assert not [k for k in plain.query_params if k.startswith("filters_")]


def test_an_old_link_names_the_tab_by_its_label():
    at = AppTest.from_file(str(ROOT / PAGE), default_timeout=60)
    at.query_params.update({"filters_view": GABOR, "filters_sample": "brick"})
    rerun(at)
    assert at.session_state["filters_view"] == GABOR and "filters_bank" in charts(at)


@pytest.mark.parametrize(
    "junk", ["inf", "nan", "1e999", "99999999999999999999", "", "é", "x" * 5000]
)
def test_junk_in_every_parameter_gives_the_defaults(junk):
    at = AppTest.from_file(str(ROOT / PAGE), default_timeout=60)
    at.query_params.update({k: junk for k in SHARED})
    rerun(at)
    defaults = {"filters_sample": "cat", "filters_view": TABS_DEFAULT, "filters_kernel": ()}
    defaults |= {"filters_gabor_n": 8, "filters_gabor_sigma": 2.5, "filters_padding_3": 1}
    defaults |= {"filters_learn_source": "photos", "filters_learn_n": 32, "filters_learn_k": 12}
    defaults |= {"filters_learn_seed": 0, "filters_learn_show": "features"}
    assert {k: at.session_state[k] for k in defaults} == defaults
    assert len(gallery_pictures(at)) == 9


TABS_DEFAULT = "Eight classic filters"


def test_a_control_rebuilds_only_the_charts_it_changes(run_page, chart_log):
    """ReLU on the Gabor maps redraws the orientation map, not the bank; ReLU on one filter
    redraws its maps, not its kernel; a quiz answer redraws nothing."""
    at = open_tab(run_page(PAGE), GABOR)
    at.slider(key="filters_gabor_n").set_value(6).run()  # settings no other test starts from
    before = specs(at)
    chart_log.clear()
    at.toggle(key="filters_gabor_relu").set_value(True).run()
    assert chart_log.built == ["winner_chart"]
    after = specs(at)
    assert {k for k in after if before[k] != after[k]} == {"filters_winner"}

    open_tab(at, ONE)
    at.select_slider(key="filters_stride").set_value(3).run()
    before = specs(at)
    chart_log.clear()
    at.toggle(key="filters_relu").set_value(True).run()
    assert chart_log.built == ["maps_chart"]
    after = specs(at)
    assert {k for k in after if before[k] != after[k]} == {"filters_maps"}

    chart_log.clear()
    at.radio(key="filters_q_alexnet_choice").set_value(1).run()
    assert chart_log.built == [] and specs(at) == after


# -- filters learned from photos (ICA) ---------------------------------------------------------


def montage(at, key: str = "filters_learn_montage") -> tuple[np.ndarray, np.ndarray]:
    """The one heatmap of a montage: its values and the tile number of each cell."""
    (heat,) = chart(at, key)["data"]
    assert heat["type"] == "heatmap"
    return array(heat["z"]), array(heat["customdata"])


def tiles_in(index: np.ndarray) -> int:
    return len(set(np.unique(index).tolist()) - {-1})


def open_learned(params: dict[str, str] | None = None) -> AppTest:
    at = AppTest.from_file(str(ROOT / PAGE), default_timeout=60)
    at.query_params.update({"filters_view": "learned-from-photos", **(params or {})})
    return rerun(at)


def test_the_learned_tab_opens_from_a_link_with_the_default_bank():
    """The default bank (32 filters of 12 × 12 from the four photos) is there without a click,
    one heatmap for the whole montage, tiles sorted by orientation, each on its own contrast."""
    at = open_learned()
    assert at.session_state["filters_view"] == LEARNED
    assert "filters_bank" not in charts(at)  # the Gabor tab's own charts are not computed
    z, index = montage(at)
    assert z.shape == (4 * 13 - 1, 8 * 13 - 1) and tiles_in(index) == 32
    assert np.isnan(z[12, :]).all() and np.isnan(z[:, 12]).all()  # a 1-cell gap between tiles
    tiles = [z[index == i] for i in range(1, 33)]
    assert all(np.isclose(np.abs(t).max(), 1.0, atol=1e-3) for t in tiles)  # own contrast
    assert any(
        "**32 filters of 12 × 12** learned from 20,000 patches" in m.value for m in at.markdown
    )
    numbers = next(m.value for m in at.markdown if m.value.startswith("**Read off the 32"))
    assert "are oriented" in numbers and "are localised" in numbers
    assert {"filters_learn_gabor", "filters_learn_patches", "filters_learn_pca"} <= set(charts(at))
    curve = chart(at, "filters_learn_curve")["data"][0]
    assert 5 < len(array(curve["y"])) < 200 and array(curve["y"])[-1] < 1e-4  # converged
    assert not at.info  # nothing pending, nothing junk
    button = at.button(key="filters_learn")
    assert button.disabled and button.label == "Learned"


def test_learn_filters_with_other_settings():
    at = open_learned()
    at.button_group(key="filters_learn_k").set_value(8)
    at.button_group(key="filters_learn_n").set_value(16)
    rerun(at)
    assert "filters_learn_montage" not in charts(at)  # not learned until asked
    assert any("Press **Learn filters** to learn 16 filters of 8 × 8" in i.value for i in at.info)
    at.button(key="filters_learn").click()
    rerun(at)
    z, index = montage(at)
    assert z.shape == (2 * 9 - 1, 8 * 9 - 1) and tiles_in(index) == 16
    assert not at.info and at.button(key="filters_learn").disabled
    assert at.query_params["filters_learn_n"] == "16" and at.query_params["filters_learn_k"] == "8"
    # 64 filters need more than 63 directions: not offered for 8 × 8 patches.
    assert 64 not in at.button_group(key="filters_learn_n").options
    at.button_group(key="filters_learn_k").set_value(16)
    rerun(at)
    at.button_group(key="filters_learn_n").set_value(64)
    rerun(at)
    at.button(key="filters_learn").click()
    rerun(at)
    assert tiles_in(montage(at)[1]) == 64
    at.button_group(key="filters_learn_k").set_value(8)
    rerun(at)  # 64 filters of 8 × 8 cannot be: the nearest count that can
    assert at.session_state["filters_learn_n"] == 32


def test_features_and_filters_are_two_views_of_one_bank(run_page, chart_log):
    """Show: features or filters redraws the montage only; nothing is learned again."""
    at = open_learned()
    before = specs(at)
    chart_log.clear()
    at.button_group(key="filters_learn_show").set_value("filters")
    rerun(at)
    assert chart_log.built == ["learned_chart"]
    after = specs(at)
    assert {k for k in after if before[k] != after[k]} == {"filters_learn_montage"}
    assert any(m.value.startswith("**Read off the 32 filters**") for m in at.markdown)
    chart_log.clear()
    at.radio(key="filters_q_alexnet_choice").set_value(1).run()
    assert chart_log.built == [] and specs(at) == after


def test_junk_in_the_learned_tabs_link_gives_the_defaults_and_a_notice():
    junk = {"filters_learn_n": "1e999", "filters_learn_k": "twelve", "filters_learn_seed": "-5",
            "filters_learn_source": "é", "filters_learn_show": "x" * 5000}  # fmt: skip
    at = open_learned(junk)
    assert {k: at.session_state[k] for k in junk} == {
        "filters_learn_n": 32, "filters_learn_k": 12, "filters_learn_seed": 0,
        "filters_learn_source": "photos", "filters_learn_show": "features",
    }  # fmt: skip
    (notice,) = at.info
    assert "could not be read" in notice.value and "filters_learn_seed" in notice.value
    assert tiles_in(montage(at)[1]) == 32


def test_a_shared_link_restores_the_learned_settings():
    at = open_learned({"filters_learn_n": "16", "filters_learn_k": "16", "filters_learn_seed": "3",
                       "filters_learn_show": "filters"})  # fmt: skip
    values = {k: at.session_state[f"filters_learn_{k}"] for k in ("n", "k", "seed", "show")}
    assert values == {"n": 16, "k": 16, "seed": 3, "show": "filters"}
    assert not [i for i in at.info if "could not be read" in i.value]
    at.button(key="filters_learn").click()
    rerun(at)
    z, _ = montage(at)
    assert z.shape == (2 * 17 - 1, 8 * 17 - 1)
    assert any("(seed 3)" in m.value for m in at.markdown)


@pytest.mark.parametrize(
    ("name", "picture", "message"),
    [
        ("grey.png", np.full((120, 160, 3), 90), "It is flat (one colour)"),
        ("tiny.png", stripes(vertical=True)[:20, :20], "It is too small (20 × 20 pixels)"),
    ],
    ids=["flat", "tiny"],
)
def test_an_upload_with_nothing_to_learn_from_gets_a_warning(name, picture, message):
    at = open_learned()
    at = upload(at, name, png(picture))
    at.button_group(key="filters_learn_source").set_value("picture")
    rerun(at)
    assert any("Press **Learn filters**" in i.value and "your picture" in i.value for i in at.info)
    at.button(key="filters_learn").click()
    rerun(at)
    (warning,) = at.warning
    assert "No filters could be learned from your picture." in warning.value
    assert message in warning.value and "Image 1" not in warning.value
    assert "filters_learn_montage" not in charts(at)
    # The page goes on working: back to the photos, the default bank is there.
    at.button_group(key="filters_learn_source").set_value("photos")
    rerun(at)
    assert not at.warning and tiles_in(montage(at)[1]) == 32


def test_the_page_picture_can_be_learned_from():
    at = open_learned({"filters_learn_source": "picture", "filters_sample": "brick",
                       "filters_learn_n": "16", "filters_learn_k": "8"})  # fmt: skip
    at.button(key="filters_learn").click()
    rerun(at)
    assert any("from 20,000 patches of the sample “Brick wall”" in m.value for m in at.markdown)
    assert tiles_in(montage(at)[1]) == 16


def test_the_lenets_filters_when_this_learner_trained_one():
    from types import SimpleNamespace

    from engine.cnn import LeNet

    at = open_learned()
    assert any("Train it for an epoch or two" in m.value for m in at.markdown)
    assert "filters_learn_lenet" not in charts(at)
    assert any("[Train a LeNet](lenet)" in m.value for m in at.markdown)  # page alone: a link
    net = LeNet(seed=3)
    history = SimpleNamespace(test_accuracy=[0.5, 0.93])
    at.session_state["lenet_trainer"] = SimpleNamespace(
        model=net, iteration=90, epoch=2, history=history
    )
    at.session_state["lenet_run"] = "run-1"
    rerun(at)
    z, index = montage(at, "filters_learn_lenet")
    assert tiles_in(index) == 6 and z.shape == (2 * 6 - 1, 3 * 6 - 1)
    w = net.params["conv1.W"][:, 0]
    np.testing.assert_allclose(z[index == 1], (w[0] / np.abs(w[0]).max()).ravel(), atol=1e-3)
    assert "your LeNet's six 5 × 5 conv1 filters after 2 epochs, 93 % right" in captions(at)
