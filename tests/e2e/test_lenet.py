"""Train a LeNet in the browser: accuracy rises while the page stays live, Stop stops it; draw a
digit with the mouse and watch the network read it; save a trained network and load it back."""

import itertools
import json
import re

from playwright.sync_api import Page, expect

from tests.e2e.helpers import assert_no_exception, click_button, open_page, screenshot, wait_idle

MAIN = '[data-testid="stMain"]'


def metric_value(page: Page, label: str) -> str:
    metric = page.locator(f'{MAIN} [data-testid="stMetric"]').filter(has_text=label)
    return metric.locator('[data-testid="stMetricValue"]').inner_text()


def percent(text: str) -> float:
    return float(text.rstrip("%"))


def test_training_raises_accuracy_and_shows_what_was_learned(page):
    open_page(page, "lenet?epochs=6")
    assert_no_exception(page)
    main = page.locator(MAIN)
    before = percent(metric_value(page, "Test accuracy"))
    assert before < 30  # untrained: about chance
    page.get_by_role("button", name="Train", exact=True).click()
    # The progress bar moves while training runs in chunks, without a full page reload.
    expect(main.get_by_text(re.compile(r"Training: epoch \d"))).to_be_visible(timeout=30_000)
    expect(
        page.locator(f'{MAIN} [data-testid="stMetric"]').filter(has_text="Epochs done")
    ).to_contain_text("6 / 6", timeout=120_000)
    wait_idle(page)
    after = percent(metric_value(page, "Test accuracy"))
    assert after > 80 > before
    expect(page.get_by_role("button", name="Train", exact=True)).to_be_disabled()
    assert_no_exception(page)
    screenshot(page, "lenet")
    main.get_by_text("What the network learned").scroll_into_view_if_needed()
    screenshot(page, "lenet-learned", full_page=False)

    page.get_by_role("tab", name="Confusion matrix").click()
    expect(main.get_by_text("Row = the true digit")).to_be_visible()
    screenshot(page, "lenet-confusion", full_page=False)
    page.get_by_role("tab", name="Learned filters").click()
    expect(main.get_by_text("What these filters are, after 6 epochs.")).to_be_visible()
    screenshot(page, "lenet-filters", full_page=False)
    page.get_by_role("tab", name="Inside the network: one test digit").click()
    click_button(page, "Next mistake")
    expect(main.get_by_text(re.compile(r"but it is a"))).to_be_visible()
    main.get_by_text("Dark tiles are strong activations").scroll_into_view_if_needed()
    screenshot(page, "lenet-mistake", full_page=False)
    assert_no_exception(page)


def test_stop_pauses_and_continue_resumes(page):
    # Plain SGD at a small step: on a busy machine Stop may arrive many epochs late, and the
    # default momentum at batch 8 can collapse by then (the page then says so instead of "Paused").
    open_page(page, "lenet?epochs=60&batch=8&lr=0.01&momentum=0.0")
    page.get_by_role("button", name="Train", exact=True).click()
    expect(page.locator(MAIN).get_by_text(re.compile(r"Training: epoch"))).to_be_visible(
        timeout=30_000
    )
    page.get_by_role("button", name="Stop", exact=True).click()
    expect(page.get_by_role("button", name="Continue", exact=True)).to_be_enabled(timeout=30_000)
    wait_idle(page)
    expect(page.locator(MAIN).get_by_text(re.compile(r"Paused at epoch"))).to_be_visible()
    paused = page.locator(MAIN).get_by_text(re.compile(r"Paused at epoch")).inner_text()
    page.wait_for_timeout(1_500)  # nothing trains while paused
    assert page.locator(MAIN).get_by_text(re.compile(r"Paused at epoch")).inner_text() == paused
    assert_no_exception(page)


def test_leaving_the_page_stops_training(page):
    # Plain SGD at a small step: on a busy machine Stop may arrive many epochs late, and the
    # default momentum at batch 8 can collapse by then (the page then says so instead of "Paused").
    open_page(page, "lenet?epochs=60&batch=8&lr=0.01&momentum=0.0")
    page.get_by_role("button", name="Train", exact=True).click()
    main = page.locator(MAIN)
    expect(main.get_by_text(re.compile(r"Training: epoch"))).to_be_visible(timeout=30_000)
    page.locator('[data-testid="stSidebarNav"]').get_by_text("Backpropagation").click()
    wait_idle(page)
    expect(page.get_by_role("heading", name="Backpropagation").first).to_be_visible()
    page.locator('[data-testid="stSidebarNav"]').get_by_text("Train a LeNet").click()
    wait_idle(page)
    # Back on the page: the trained network is kept, paused, with Continue to go on.
    expect(page.get_by_role("button", name="Continue", exact=True)).to_be_enabled()
    paused = main.get_by_text(re.compile(r"Paused at epoch"))
    expect(paused).to_be_visible()
    text = paused.inner_text()
    page.wait_for_timeout(1_500)  # three timer periods: a live timer would have moved on
    assert paused.inner_text() == text
    assert_no_exception(page)


PAD = '[data-testid="digit-pad"]'
# Two digits as strokes in fractions of the pad: a 1 (one bar) and a 0 (an oval).
ONE = [[(0.5, 0.12), (0.5, 0.88)]]
ZERO = [[(0.5 + 0.22 * c, 0.5 + 0.36 * s) for c, s in (
    (0.0, -1.0), (0.71, -0.71), (1.0, 0.0), (0.71, 0.71), (0.0, 1.0), (-0.71, 0.71),
    (-1.0, 0.0), (-0.71, -0.71), (0.0, -1.0))]]  # fmt: skip


def draw(page: Page, strokes) -> None:
    """Draw with the mouse: press, move in small steps, release, for each stroke."""
    canvas = page.locator('[data-testid="digit-pad-canvas"]')
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    at = lambda x, y: (box["x"] + x * box["width"], box["y"] + y * box["height"])  # noqa: E731
    for stroke in strokes:
        page.mouse.move(*at(*stroke[0]))
        page.mouse.down()
        for (x0, y0), (x1, y1) in itertools.pairwise(stroke):
            for t in range(1, 9):
                page.mouse.move(*at(x0 + (x1 - x0) * t / 8, y0 + (y1 - y0) * t / 8))
        page.mouse.up()


def answered(page: Page) -> int:
    """The drawing version the pad's answer is for (0 before any)."""
    page.wait_for_function(
        """() => {
          const find = root => root.querySelector('[data-testid="digit-pad"]');
          let pad = find(document);
          for (const el of pad ? [] : document.querySelectorAll('*')) {
            pad = el.shadowRoot && find(el.shadowRoot);
            if (pad) break;
          }
          return !!pad && !!pad.dataset.answered && pad.dataset.answered === pad.dataset.version;
        }""",
        timeout=60_000,
    )
    return int(page.locator(PAD).get_attribute("data-answered"))


def conv1_picture(page: Page) -> str:
    """The conv1 feature maps of the drawn digit, as the canvas shows them."""
    return page.locator(f"{PAD} .dp-maps canvas").first.evaluate("c => c.toDataURL()")


def test_a_digit_drawn_with_the_mouse_is_read_through_every_layer(page):
    open_page(page, "lenet?lenet_epochs=3")
    main = page.locator(MAIN)
    # No trained network yet: the pad offers to train one first, never an error.
    expect(main.get_by_text("No trained network yet")).to_be_visible()
    click_button(page, "Train the network first (3 epochs)")
    expect(main.get_by_text("No trained network yet")).to_have_count(0, timeout=120_000)
    wait_idle(page)
    draw(page, ONE)
    assert answered(page) == 1
    pad = page.locator(PAD)
    expect(pad).to_have_attribute("data-prediction", "1")
    verdict = main.get_by_text(re.compile(r"The network reads a 1|Probably a 1|unsure: 1"))
    expect(verdict).to_be_visible()
    first = conv1_picture(page)
    screenshot(page, "lenet-draw-one", full_page=False)
    page.locator(f"{PAD} button", has_text="Clear").click()
    wait_idle(page)
    draw(page, ZERO)
    assert answered(page) == 3  # Clear sent version 2, the oval version 3
    assert conv1_picture(page) != first  # the feature maps of their digit changed
    expect(pad).to_have_attribute("data-prediction", re.compile(r"\d"))
    page.locator(f"{PAD} button", has_text="Undo").click()
    wait_idle(page)
    expect(pad.locator(".dp-empty")).to_be_visible()  # nothing left on the pad
    assert_no_exception(page)


def test_a_trained_network_is_saved_and_loaded_back(page, tmp_path):
    open_page(page, "lenet?lenet_epochs=1")
    page.get_by_role("button", name="Train", exact=True).click()
    main = page.locator(MAIN)
    expect(
        page.locator(f'{MAIN} [data-testid="stMetric"]').filter(has_text="Epochs done")
    ).to_contain_text("1 / 1", timeout=120_000)
    wait_idle(page)
    trained = metric_value(page, "Test accuracy")
    main.get_by_text("Save or load this network").click()
    with page.expect_download() as download:
        page.get_by_role("button", name="Download the network (JSON)").click()
    saved = tmp_path / "lenet.json"
    download.value.save_as(saved)
    data = json.loads(saved.read_text())
    assert data["format"] == "nn-lab LeNet" and data["training"]["epoch"] == 1
    click_button(page, "Reset")
    expect(
        page.locator(f'{MAIN} [data-testid="stMetric"]').filter(has_text="Epochs done")
    ).to_contain_text("0 / 1")
    # A wrong file first: a clear message, and nothing changes.
    bad = tmp_path / "bad.json"
    bad.write_text(saved.read_text()[:5000])
    main.locator('[data-testid="stFileUploaderDropzoneInput"]').last.set_input_files(str(bad))
    wait_idle(page)
    screenshot(page, "lenet-load-bad", full_page=False)
    expect(main.get_by_text("Could not load this file")).to_be_visible()
    assert "0 / 1" in metric_value(page, "Epochs done")
    main.locator('[data-testid="stFileUploaderDropzoneInput"]').last.set_input_files(str(saved))
    expect(main.get_by_text("Loaded a LeNet trained for 1 epoch")).to_be_visible()
    wait_idle(page)
    assert metric_value(page, "Epochs done") == "1 / 1"
    assert metric_value(page, "Test accuracy") == trained
    assert_no_exception(page)
