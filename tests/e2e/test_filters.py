"""Image filters in the browser: upload a real photo, see the feature maps, survive a bad file."""

from __future__ import annotations

import io
from pathlib import Path

from PIL import Image
from playwright.sync_api import Page, expect

from tests.e2e.helpers import assert_no_exception, open_page, screenshot, wait_idle
from tests.e2e.test_convolution import CLIPPED_FORMULAS

ASSETS = Path(__file__).resolve().parents[2] / "assets"


def open_filters(page: Page) -> None:
    page.set_viewport_size({"width": 1440, "height": 2000})  # the screenshots show whole tabs
    open_page(page, "filters")
    # The quiz is drawn last: once it is there the whole page is complete.
    page.get_by_test_id("stRadioOption").first.wait_for(timeout=120_000)


def map_pictures(page: Page, key: str):
    """The feature maps drawn in one container: <img> in a grid, or SVG <image> in plotly."""
    return page.locator(f".st-key-{key} img, .st-key-{key} g.im image")


def read_value_under_the_mouse(page: Page, key: str) -> None:
    """Hover the middle of a chart's second picture (a feature map) and read its value."""
    box = map_pictures(page, key).nth(1).bounding_box()
    assert box is not None
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    hover = page.locator(f".st-key-{key} .hoverlayer .hovertext")
    expect(hover).to_contain_text("response")
    expect(hover).to_contain_text("row")


def upload(page: Page, path: Path) -> None:
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(path))
    wait_idle(page)


def test_upload_a_photo_and_see_its_feature_maps(page: Page, tmp_path: Path) -> None:
    open_filters(page)
    assert_no_exception(page)
    expect(page.get_by_text("Filtering the sample “Cat”")).to_be_visible()
    expect(map_pictures(page, "filters_gallery")).to_have_count(9, timeout=60_000)
    screenshot(page, "filters")

    page.get_by_text("Read the numbers: one map with its values under the mouse").click()
    wait_idle(page)
    expect(map_pictures(page, "filters_inspect_chart")).to_have_count(2, timeout=60_000)
    read_value_under_the_mouse(page, "filters_inspect_chart")
    screenshot(page, "filters_read_numbers")

    # A real photo, larger than the working size, stored upside down with an EXIF tag that says
    # so (as a camera held upside down writes it): the page must show it upright.
    photo = Image.open(ASSETS / "coffee.jpg").resize((1200, 800)).rotate(180)
    exif = Image.Exif()
    exif[0x0112] = 3  # rotate 180°
    path = tmp_path / "my coffee.jpg"
    buffer = io.BytesIO()
    photo.save(buffer, format="JPEG", exif=exif, quality=90)
    path.write_bytes(buffer.getvalue())
    upload(page, path)
    expect(
        page.get_by_text("Filtering your picture “my coffee.jpg”: 512 × 341 pixels")
    ).to_be_visible()
    expect(map_pictures(page, "filters_gallery")).to_have_count(9, timeout=60_000)
    # The upload is in use: no sample is highlighted (Cat was, issue 17 item 10).
    samples = page.locator(".st-key-filters_sample_pick button")
    expect(samples).to_have_count(4)
    for i in range(4):
        expect(samples.nth(i)).to_have_attribute("aria-checked", "false")
    assert_no_exception(page)
    screenshot(page, "filters_upload")
    # Picking a sample puts the upload away and filters the sample.
    page.locator(".st-key-filters_sample_pick button").filter(has_text="Coffee").click()
    wait_idle(page)
    expect(page.get_by_text("Filtering the sample “Coffee”")).to_be_visible()
    expect(page.get_by_text("my coffee.jpg")).to_have_count(0)


def test_a_broken_upload_shows_a_message_and_the_sample(page: Page, tmp_path: Path) -> None:
    open_filters(page)
    buffer = io.BytesIO()
    Image.new("RGB", (300, 200), (200, 40, 40)).save(buffer, format="PNG")
    broken = tmp_path / "broken.png"
    broken.write_bytes(buffer.getvalue()[:200])  # cut off in the middle of the pixel data
    upload(page, broken)
    alert = page.get_by_test_id("stAlert").filter(has_text="broken.png could not be used")
    expect(alert).to_be_visible()
    expect(alert).to_contain_text("damaged or incomplete")
    expect(page.get_by_text("Filtering the sample “Cat”")).to_be_visible()
    expect(map_pictures(page, "filters_gallery")).to_have_count(9, timeout=60_000)
    assert_no_exception(page)

    not_an_image = tmp_path / "notes.png"
    not_an_image.write_text("these are my lecture notes, not a picture")
    upload(page, not_an_image)
    expect(page.get_by_test_id("stAlert").filter(has_text="not an image")).to_be_visible()
    assert_no_exception(page)
    screenshot(page, "filters_bad_upload")

    # Issue 17 item 10: a file the browser turned away by its type left the message about the
    # earlier file on screen. Every file now reaches the page, and the message is about it.
    pdf = tmp_path / "slides.pdf"
    pdf.write_bytes(b"%PDF-1.4 the lecture slides")
    upload(page, pdf)
    alerts = page.get_by_test_id("stAlert")
    expect(alerts.filter(has_text="slides.pdf could not be used")).to_be_visible()
    expect(alerts.filter(has_text="notes.png")).to_have_count(0)
    expect(alerts.filter(has_text="broken.png")).to_have_count(0)


def test_one_filter_and_gabor_tabs(page: Page) -> None:
    open_filters(page)
    page.get_by_role("tab", name="One filter, step by step").click()
    wait_idle(page)
    expect(map_pictures(page, "filters_maps")).to_have_count(2, timeout=60_000)
    expect(page.get_by_text("Output shape 300 × 451")).to_be_visible()
    read_value_under_the_mouse(page, "filters_maps")
    page.get_by_text("Each channel on its own (three maps)").click()
    wait_idle(page)
    expect(map_pictures(page, "filters_maps")).to_have_count(5, timeout=60_000)
    expect(page.get_by_text("Sobel x on G")).to_be_visible()
    expect(page.get_by_role("button", name="Download the feature map (PNG)")).to_be_visible()
    assert_no_exception(page)
    screenshot(page, "filters_one")

    # Your own kernel: a typo gets a message naming the cell, the fix brings the maps back.
    page.get_by_text("Your own", exact=True).click()
    wait_idle(page)
    cell = page.get_by_role("textbox", name="Row 2, column 2")
    expect(cell).to_have_value("0")  # starts from the Sobel x preset
    cell.fill("two")
    cell.press("Enter")
    wait_idle(page)
    expect(
        page.get_by_test_id("stAlert").filter(has_text="Row 2, column 2: “two” is not a number")
    ).to_be_visible()
    expect(map_pictures(page, "filters_maps")).to_have_count(0)
    screenshot(page, "filters_custom_kernel")
    cell.fill("1/2")
    cell.press("Enter")
    wait_idle(page)
    expect(map_pictures(page, "filters_maps")).to_have_count(5, timeout=60_000)
    assert_no_exception(page)

    page.get_by_role("tab", name="Gabor filters (AlexNet's conv1)").click()
    wait_idle(page)
    expect(map_pictures(page, "filters_gabor_maps")).to_have_count(8, timeout=60_000)
    expect(map_pictures(page, "filters_winner")).to_have_count(2)
    assert_no_exception(page)
    screenshot(page, "filters_gabor")


def test_no_formula_is_cut_off_on_a_phone(page: Page) -> None:
    """Issue 17: the output-shape formula under the title was cut off at 400 px."""
    page.set_viewport_size({"width": 400, "height": 900})
    for view in ("", "?filters_view=one-filter-step-by-step"):
        open_page(page, f"filters{view}")
        expect(page.locator('[data-testid="stMain"] .katex').first).to_be_visible()
        page.wait_for_timeout(500)
        assert page.evaluate(CLIPPED_FORMULAS) == [], view
        assert_no_exception(page)


def test_filters_learned_from_photos(page: Page) -> None:
    """The fourth tab: the default bank is there without a click; another bank is learned with
    the button (a progress bar, then the montage)."""
    open_filters(page)
    page.get_by_role("tab", name="Learned from photos").click()
    wait_idle(page)
    montage = page.locator(".st-key-filters_learn_montage g.hm image")
    expect(montage).to_have_count(1, timeout=60_000)  # one heatmap for the whole bank
    expect(
        page.get_by_text("learned from 20,000 patches of the four sample photos")
    ).to_be_visible()
    expect(page.locator(".st-key-filters_learn_gabor g.hm image")).to_have_count(1)
    expect(
        page.get_by_test_id("stPageLink-NavLink").filter(has_text="Train a LeNet")
    ).to_be_visible()
    assert "filters_view=learned-from-photos" in page.url
    page.locator(".st-key-filters_learn_n button").filter(has_text="16").click()
    wait_idle(page)
    expect(page.get_by_text("Press Learn filters to learn 16 filters of 12 × 12")).to_be_visible()
    expect(montage).to_have_count(0)
    page.get_by_role("button", name="Learn filters").click()
    wait_idle(page)
    expect(montage).to_have_count(1, timeout=60_000)
    expect(page.get_by_role("button", name="Learned")).to_be_disabled()
    assert "filters_learn_n=16" in page.url
    assert_no_exception(page)
    screenshot(page, "filters_learned")
