"""The MLP playground as a learner clicks it: train, reshape the network, break it, play XOR."""

from __future__ import annotations

import json
import re
from pathlib import Path

from playwright.sync_api import Page, expect

from tests.e2e.helpers import assert_no_exception, click_button, open_page, screenshot, wait_idle

MAIN = '[data-testid="stMain"]'
PLAYER = '[data-testid="mlp-player"]'


def caption(page: Page) -> str:
    return page.locator(f"{PLAYER} .mlp-caption").inner_text()


def counters(page: Page, text: str):
    return page.locator(MAIN).get_by_text(text, exact=True)


def train_loss(page: Page) -> float:
    match = re.search(r"loss: train ([0-9.]+)", caption(page))
    assert match, caption(page)
    return float(match.group(1))


def test_step_epoch_and_the_loss_falls(page):
    open_page(page, "mlp")
    assert_no_exception(page)
    expect(counters(page, "Epoch 0 · iteration 0")).to_be_visible()
    expect(page.locator(f"{PLAYER} canvas")).to_be_visible()
    expect(page.locator(PLAYER)).to_have_attribute("data-iteration", "0")
    start = train_loss(page)

    click_button(page, "Step")
    expect(counters(page, "Epoch 0 · iteration 1")).to_be_visible()
    expect(page.locator(PLAYER)).to_have_attribute("data-iteration", "1")
    for epoch in range(1, 16):
        click_button(page, "Epoch")
        expect(counters(page, f"Epoch {epoch} · iteration {epoch * 16}")).to_be_visible()
    expect(page.locator(PLAYER)).to_have_attribute("data-iteration", "240")
    assert train_loss(page) < 0.7 * start
    assert_no_exception(page)
    page.mouse.move(5, 5)  # no tooltip in the picture
    expect(page.locator('[data-testid="stTooltipContent"]')).to_have_count(0)
    screenshot(page, "mlp")

    click_button(page, "Reset")
    expect(counters(page, "Epoch 0 · iteration 0")).to_be_visible()
    expect(page.locator(PLAYER)).to_have_attribute("data-iteration", "0")
    assert train_loss(page) == start  # the same initial weights


def test_change_the_architecture(page):
    open_page(page, "mlp")
    main = page.locator(MAIN)
    expect(main.get_by_text("Network · 2 hidden layers")).to_be_visible()
    add = page.locator(".st-key-mlp_add_layer button").first
    remove = page.locator(".st-key-mlp_remove_layer button").first
    add.click()
    wait_idle(page)
    expect(main.get_by_text("Network · 3 hidden layers")).to_be_visible()
    units = page.locator(".st-key-mlp_units_2 input").first
    units.fill("5")
    units.press("Enter")
    wait_idle(page)
    # The network chart labels a deep net's layers compactly: "h₃" over its unit count (plotly
    # writes the subscript with zero-width spaces around it).
    labels = page.locator(".js-plotly-plot .annotation-text")
    layer3 = labels.filter(has_text=re.compile("^h\u200b?3"))
    expect(layer3).to_have_text(re.compile("^h\u200b?3\u200b?\\s*5$"))
    assert "mlp_hidden=8%2C8%2C5" in page.url or "mlp_hidden=8,8,5" in page.url
    for n in (2, 1, 0):
        remove.click()
        wait_idle(page)
        expect(main.get_by_text(f"Network · {n} hidden layer")).to_be_visible()
    expect(main.get_by_text("logistic regression")).to_be_visible()
    assert_no_exception(page)


def test_play_learns_xor_to_full_accuracy(page):
    open_page(page, "mlp?dataset=xor&lr=1&batch=4&speed=10&hidden=4")
    # The player's script loads after the page; on a loaded machine that can take a while.
    expect(page.locator(PLAYER)).to_have_attribute("data-iteration", "0", timeout=90_000)
    stats0 = page.evaluate("window.__mlpPlayer.framesDrawn")
    page.get_by_role("button", name="Play").click()
    # Frames arrive in runs and play in the browser; wait until the caption reports 100 %.
    expect(page.locator(f"{PLAYER} .mlp-caption")).to_contain_text(
        "accuracy: train 100%", timeout=90_000
    )
    assert page.evaluate("window.__mlpPlayer.framesDrawn") > stats0 + 5  # it animated
    screenshot(page, "mlp-xor-playing", full_page=False)
    page.get_by_role("button", name="Pause").click()
    wait_idle(page)
    expect(page.get_by_role("button", name="Step", exact=True)).to_be_enabled()
    trained = re.compile(r"^Epoch [1-9]\d* · iteration")
    expect(page.get_by_role("heading", name=trained)).to_be_visible()
    assert_no_exception(page)


def test_learning_rate_10_diverges_and_pauses(page):
    open_page(page, "mlp?dataset=spiral&act=relu&hidden=32,32&lr=10&batch=1")
    main = page.locator(MAIN)
    paused = main.get_by_text("Training paused: it diverged")
    for _ in range(5):
        click_button(page, "Epoch")
        if paused.count():
            break
    expect(paused).to_be_visible()
    expect(page.get_by_role("button", name="Step", exact=True)).to_be_disabled()
    assert_no_exception(page)
    screenshot(page, "mlp-diverged", full_page=False)
    click_button(page, "Lower the learning rate to 1 and continue")
    expect(paused).to_have_count(0)
    expect(page.get_by_role("button", name="Step", exact=True)).to_be_enabled()
    assert "mlp_lr=1&" in page.url or page.url.endswith("mlp_lr=1")


CUT_LABELS = """() => [...document.querySelectorAll('[data-testid="stMain"] button')]
  .filter((b) => b.offsetParent !== null && b.innerText.trim() !== "")
  .filter((b) => [...b.querySelectorAll('p, span, div')]
    .some((e) => e.scrollWidth > e.clientWidth + 1))
  .map((b) => b.innerText)"""

BOXES = """(selector) => [...document.querySelectorAll(selector)].map((e) => {
  const r = e.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; })"""


def overlapping(boxes: list[list[float]]) -> list[tuple[int, int]]:
    """Pairs of boxes (left, top, right, bottom) that overlap by more than a pixel."""
    return [
        (i, j)
        for i, a in enumerate(boxes)
        for j, b in enumerate(boxes[:i])
        if min(a[2], b[2]) - max(a[0], b[0]) > 1 and min(a[3], b[3]) - max(a[1], b[1]) > 1
    ]


def test_a_projector_at_1100_px_cuts_no_label_and_nothing_overlaps(page):
    """Issue 17 item 3: at 1100 px the buttons read "P…", "Ne…", "+ L…", the loss and accuracy
    titles ran into their ticks and the network's layer labels into each other."""
    page.set_viewport_size({"width": 1100, "height": 1000})
    open_page(page, "mlp")
    expect(page.locator(f"{PLAYER} canvas")).to_be_visible()
    assert page.evaluate(CUT_LABELS) == []
    board = page.locator(".st-key-mlp_board").bounding_box()
    charts = page.locator(".st-key-mlp_charts").bounding_box()
    assert charts["y"] >= board["y"] + board["height"] - 1  # the charts moved below the picture
    assert charts["width"] >= 400
    network = ".st-key-mlp_network .annotation-text"
    expect(page.locator(network)).to_have_count(4)
    assert overlapping(page.evaluate(BOXES, network)) == []
    curves = ".st-key-mlp_curves"
    labels = page.evaluate(BOXES, f"{curves} .ytick text, {curves} .g-ytitle, {curves} .legend")
    assert len(labels) >= 6 and overlapping(labels) == []
    for n in (3, 4, 5, 6):  # deeper nets label their layers compactly, still apart
        page.locator(".st-key-mlp_add_layer button").first.click()
        wait_idle(page)
        expect(page.locator(MAIN).get_by_text(f"Network · {n} hidden layers")).to_be_visible()
        expect(page.locator(network)).to_have_count(n + 2)
        assert overlapping(page.evaluate(BOXES, network)) == [], n
    assert page.evaluate(CUT_LABELS) == []
    assert_no_exception(page)
    screenshot(page, "mlp-1100")


def test_download_saves_the_weights_trained_so_far(page):
    """Step and Epoch rerun only the player's view, not the export expander: the file is built
    when the button is clicked, from the weights as they are then."""
    open_page(page, "mlp")
    page.get_by_text("Share, export and import").click()

    def download() -> dict:
        with page.expect_download() as info:
            page.get_by_role("button", name="Download the weights (JSON)").click()
        return json.loads(Path(info.value.path()).read_text())

    start = download()
    assert start["layer_sizes"] == [2, 8, 8, 1] and start["activation"] == "tanh"
    click_button(page, "Epoch")
    expect(counters(page, "Epoch 1 · iteration 16")).to_be_visible()
    trained = download()
    assert trained["layer_sizes"] == start["layer_sizes"]
    assert trained["params"] != start["params"]
    assert_no_exception(page)


# ----------------------------------------------------------------------------- issue 15, issue 14


def click_in_plot(page: Page, fx: float, fy: float) -> None:
    """Click at a fraction of the player's plot area (inside its axes: 44 px left, 10 right,
    8 above and 40 below the plot, as the player draws them)."""
    box = page.locator(f"{PLAYER} canvas").bounding_box()
    plot_w, plot_h = box["width"] - 54, box["height"] - 48
    page.mouse.click(box["x"] + 44 + fx * plot_w, box["y"] + 8 + fy * plot_h)


def test_three_clicks_put_three_points_in_the_picture_and_the_link(page):
    open_page(page, "mlp?mlp_dataset=empty")
    player = page.locator(PLAYER)
    expect(player).to_have_attribute("data-points", "0", timeout=90_000)
    main = page.locator(MAIN)
    expect(main.get_by_text("Nothing to train on yet")).to_be_visible()
    expect(page.get_by_role("button", name="Step", exact=True)).to_be_disabled()
    page.locator(f"{PLAYER} canvas").scroll_into_view_if_needed()
    click_in_plot(page, 0.25, 0.25)  # x1 = -0.8, x2 = 0.8 in the empty canvas's ±1.6 view
    click_in_plot(page, 0.5, 0.75)
    page.get_by_role("radio", name="Adds class 1").click()
    wait_idle(page)
    click_in_plot(page, 0.75, 0.25)
    expect(player).to_have_attribute("data-points", "3")
    expect(main.get_by_text("3 points added.")).to_be_visible()
    wait_idle(page)
    points = re.search(r"mlp_points=([A-Za-z0-9_.-]+)", page.url)
    assert points, page.url
    from ui.point_edits import from_text

    added = from_text(points.group(1)).added
    assert [c for _, _, c in added] == [0, 0, 1]
    for (x, y, _), (ex, ey) in zip(added, [(-0.8, 0.8), (0.0, -0.8), (0.8, 0.8)], strict=True):
        assert abs(x - ex) < 0.03 and abs(y - ey) < 0.03, added
    expect(page.get_by_role("button", name="Step", exact=True)).to_be_enabled()
    click_button(page, "Epoch")
    expect(player).to_have_attribute("data-iteration", "1")
    assert_no_exception(page)
    screenshot(page, "mlp-clicked-points", full_page=False)

    # The link opens the same three points.
    page.goto(page.url)
    wait_idle(page)
    expect(player).to_have_attribute("data-points", "3", timeout=90_000)


def test_regression_fits_a_curve_and_play_animates_it(page):
    open_page(page, "mlp?mlp_task=regression&mlp_curve=abs")
    player = page.locator(PLAYER)
    expect(player).to_have_attribute("data-kind", "curve", timeout=90_000)
    expect(player).to_have_attribute("data-points", "50")
    main = page.locator(MAIN)
    expect(main.get_by_text("Regression: f itself is the output.")).to_be_visible()
    start = float(re.search(r"squared loss: train ([0-9.]+)", caption(page)).group(1))
    drawn = page.evaluate("window.__mlpPlayer.framesDrawn")
    page.get_by_role("button", name="Play").click()
    expect(page.locator(f"{PLAYER} .mlp-caption")).to_contain_text(
        re.compile(r"epoch [1-9]\d\d"), timeout=90_000
    )
    assert page.evaluate("window.__mlpPlayer.framesDrawn") > drawn + 20  # it animated
    page.get_by_role("button", name="Pause").click()
    wait_idle(page)
    now = float(re.search(r"squared loss: train ([0-9.]+)", caption(page)).group(1))
    assert now < 0.1 * start
    expect(page.locator(".st-key-mlp_curves .g-ytitle")).to_have_text("squared loss")
    assert_no_exception(page)
    screenshot(page, "mlp-regression", full_page=False)
