"""Train a LeNet in the browser: accuracy rises while the page stays live, Stop stops it."""

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
    expect(main.get_by_text("The six 5 × 5 kernels")).to_be_visible()
    screenshot(page, "lenet-filters", full_page=False)
    page.get_by_role("tab", name="Inside the network: one test digit").click()
    click_button(page, "Next mistake")
    expect(main.get_by_text(re.compile(r"but it is a"))).to_be_visible()
    main.get_by_text("Dark tiles are strong activations").scroll_into_view_if_needed()
    screenshot(page, "lenet-mistake", full_page=False)
    assert_no_exception(page)


def test_stop_pauses_and_continue_resumes(page):
    open_page(page, "lenet?epochs=60&batch=8")
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
    open_page(page, "lenet?epochs=60&batch=8")
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
