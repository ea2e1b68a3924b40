"""Loss functions in the browser: move a score, answer the lecture's quiz, compare the losses."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.e2e.helpers import (
    answer_quiz,
    assert_no_exception,
    click_button,
    open_page,
    screenshot,
    wait_idle,
)


def open_loss(page: Page) -> None:
    open_page(page, "loss")
    # The quiz is the last thing drawn: once it is there the page is complete.
    page.get_by_test_id("stRadioOption").first.wait_for(timeout=120_000)
    page.locator(".js-plotly-plot").first.wait_for(timeout=120_000)


def test_softmax_explorer_and_the_lecture_quiz(page: Page) -> None:
    open_loss(page)
    assert_no_exception(page)
    expect(page.get_by_role("heading", name="Loss functions")).to_be_visible()
    main = page.get_by_test_id("stMain")
    metrics = main.get_by_test_id("stMetricValue")
    expect(metrics.nth(1)).to_have_text("0.6590")
    expect(metrics.nth(2)).to_have_text("0.4170")

    click_button(page, "The lecture's slide: p = (0.8, 0.2)")
    expect(metrics.nth(1)).to_have_text("0.8000")
    expect(metrics.nth(2)).to_have_text("0.2231")

    # Move the true class's score with the keyboard: its probability and the loss follow.
    thumb = page.get_by_test_id("stSlider").filter(has_text="f₁").get_by_role("slider")
    thumb.focus()
    for _ in range(5):
        thumb.press("ArrowLeft")
    wait_idle(page)
    expect(metrics.nth(2)).not_to_have_text("0.2231")
    assert_no_exception(page)

    answer_quiz(page, "−log(0.01)")
    expect(page.get_by_text("Not quite: B. −log(0.01) is not it")).to_be_visible()
    answer_quiz(page, "−log(0.05)")
    expect(page.get_by_text("Correct: A. −log(0.05)")).to_be_visible()
    click_button(page, "Open this prediction in the explorer")
    expect(metrics.nth(0)).to_have_text("class 3")
    expect(metrics.nth(2)).to_have_text("2.9957")
    assert_no_exception(page)
    page.set_viewport_size({"width": 1440, "height": 2300})
    screenshot(page, "loss")


def test_binary_cross_entropy_and_squared_loss_tabs(page: Page) -> None:
    open_loss(page)
    page.get_by_role("tab", name="Binary cross-entropy").click()
    wait_idle(page)
    expect(page.get_by_text("Both ways give the same number")).to_be_visible()
    p_thumb = (
        page.get_by_test_id("stSlider").filter(has_text="Network output p").get_by_role("slider")
    )
    p_thumb.focus()
    for _ in range(40):  # 0.70 → 0.30
        p_thumb.press("ArrowLeft")
    wait_idle(page)
    expect(p_thumb).to_have_attribute("aria-valuetext", "0.30")
    expect(page.get_by_test_id("stPlotlyChart").filter(visible=True).first).to_be_visible()
    page.set_viewport_size({"width": 1440, "height": 1500})
    screenshot(page, "loss_bce")
    page.get_by_role("tab", name="Why not squared loss?").click()
    wait_idle(page)
    expect(
        page.get_by_text("times weaker", exact=False).or_(page.get_by_text("× weaker"))
    ).to_be_visible()
    assert_no_exception(page)
    page.set_viewport_size({"width": 1440, "height": 1500})
    screenshot(page, "loss_squared")


def test_the_address_bar_carries_the_explorer_and_the_tab(page: Page) -> None:
    open_page(page, "loss?loss_k=3&loss_label=class+2&loss_f1=0&loss_f2=0&loss_f3=0")
    page.get_by_test_id("stRadioOption").first.wait_for(timeout=120_000)
    metrics = page.get_by_test_id("stMain").get_by_test_id("stMetricValue")
    expect(metrics.nth(0)).to_have_text("class 2")
    expect(metrics.nth(2)).to_have_text("1.0986")  # log 3: three equal scores
    page.get_by_role("button", name="Add 1 to every score").click()
    wait_idle(page)
    expect(page).to_have_url(re.compile(r"loss_f1=1(\.0)?(&|$)"))  # the URL follows the scores
    expect(metrics.nth(2)).to_have_text("1.0986")  # adding 1 to all changes nothing
    page.get_by_role("tab", name="Binary cross-entropy").click()
    wait_idle(page)
    expect(page).to_have_url(re.compile(r"loss_view=binary-cross-entropy"))
    assert_no_exception(page)


def test_a_slider_at_its_minimum_reaches_the_link_and_comes_back(page: Page) -> None:
    """Issue 12: f₃ = −8 left a bare /loss, and /loss?loss_f3=-8 reset f₃."""
    open_loss(page)
    thumb = page.get_by_test_id("stSlider").filter(has_text="f₃").get_by_role("slider")
    thumb.focus()
    thumb.press("Home")
    wait_idle(page)
    expect(thumb).to_have_attribute("aria-valuetext", "-8.00")
    expect(page).to_have_url(re.compile(r"loss_f3=-8(&|$)"))
    open_page(page, "loss?loss_f3=-8")
    page.get_by_test_id("stRadioOption").first.wait_for(timeout=120_000)
    thumb = page.get_by_test_id("stSlider").filter(has_text="f₃").get_by_role("slider")
    expect(thumb).to_have_attribute("aria-valuetext", "-8.00")
    assert_no_exception(page)


def test_opening_the_quiz_prediction_shows_the_explorer(page: Page) -> None:
    """Issue 17: from 'Why not squared loss?' the button changed nothing visible."""
    open_loss(page)
    page.get_by_role("tab", name="Why not squared loss?").click()
    wait_idle(page)
    click_button(page, "Open this prediction in the explorer")
    expect(page.get_by_role("tab", name="Softmax → cross-entropy")).to_have_attribute(
        "aria-selected", "true"
    )
    metrics = page.get_by_test_id("stMain").get_by_test_id("stMetricValue")
    expect(metrics.nth(0)).to_have_text("class 3")
    expect(page.get_by_text("Loaded into the first tab")).to_be_visible()
    assert_no_exception(page)
