"""Architectures in the browser: open the page, switch network, read its total, too-small input."""

from __future__ import annotations

from playwright.sync_api import Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from tests.e2e.helpers import assert_no_exception, click_button, open_page, screenshot, wait_idle


def open_architectures(page: Page, query: str = "") -> None:
    open_page(page, "architectures" + query)
    # The quiz is the last thing drawn: once it is there the page is complete.
    page.get_by_test_id("stRadioOption").first.wait_for(timeout=120_000)


def metric(page: Page, label: str):
    return page.get_by_test_id("stMetric").filter(has_text=label).first


def choose_network(page: Page, title: str) -> None:
    """Open the network list and pick one; a click during a rerun may not open it, so retry."""
    box = page.get_by_test_id("stSelectbox").filter(has_text="Network").first
    option = page.get_by_role("option", name=title)
    for _ in range(5):
        box.click()
        try:
            option.wait_for(timeout=8_000)
            break
        except PlaywrightTimeout:
            page.keyboard.press("Escape")
            wait_idle(page)
    option.click()
    wait_idle(page)


def test_switch_network_and_see_its_total(page: Page) -> None:
    page.set_viewport_size({"width": 1440, "height": 1000})
    open_architectures(page)
    assert_no_exception(page)
    expect(metric(page, "Parameters").get_by_test_id("stMetricValue")).to_have_text("61,706")

    choose_network(page, "ResNet-50 (2015)")
    expect(metric(page, "Parameters").get_by_test_id("stMetricValue")).to_have_text("25,557,032")
    expect(metric(page, "Depth").get_by_test_id("stMetricValue").first).to_have_text("50")
    expect(page.get_by_text("layer4.2").first).to_be_attached()
    assert "net=resnet50" in page.url
    assert_no_exception(page)
    page.set_viewport_size({"width": 1440, "height": 4600})
    page.evaluate(  # the picker scrolled the page: show it from the top
        """for (const id of ["stMain", "stAppViewContainer"]) {
            document.querySelector(`[data-testid="${id}"]`)?.scrollTo(0, 0);
        }"""
    )
    wait_idle(page)
    screenshot(page, "architectures")


def test_too_small_input_is_explained_and_fixed(page: Page) -> None:
    page.set_viewport_size({"width": 1440, "height": 1000})
    open_architectures(page, "?net=alexnet")
    expect(metric(page, "Parameters").get_by_test_id("stMetricValue")).to_have_text("61,100,840")
    height = page.get_by_label("Input height H")
    height.fill("40")
    height.press("Enter")
    wait_idle(page)
    message = page.get_by_text("The input 3×40×224 is too small for AlexNet")
    expect(message).to_be_visible()
    message.scroll_into_view_if_needed()
    assert_no_exception(page)
    screenshot(page, "architectures_too_small", full_page=False)
    click_button(page, "Use the smallest input, 63×63")
    expect(metric(page, "Output for a 3×63×63 input").get_by_test_id("stMetricValue")).to_have_text(
        "1000"
    )
    assert_no_exception(page)
