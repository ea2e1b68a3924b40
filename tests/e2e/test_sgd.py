"""Gradient descent in the browser: move the learning rate, watch the runs, share the seed."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.e2e.helpers import assert_no_exception, click_button, open_page, screenshot, wait_idle


def open_sgd(page: Page, query: str = "") -> None:
    open_page(page, "sgd" + query)
    # The quiz is the last thing drawn: once it is there the page is complete.
    page.get_by_test_id("stRadioOption").last.wait_for(timeout=120_000)
    page.locator(".js-plotly-plot").first.wait_for(timeout=120_000)


def lr_slider(page: Page):
    return page.get_by_test_id("stSlider").filter(has_text="Learning rate α").get_by_role("slider")


def test_move_the_learning_rate_and_see_the_runs(page: Page) -> None:
    open_sgd(page)
    assert_no_exception(page)
    expect(page.get_by_text("Gradient descent").first).to_be_visible()
    legend = page.locator(".js-plotly-plot .legend").first
    expect(legend).to_contain_text("Full-batch GD")
    expect(legend).to_contain_text("Minibatch SGD (b = 10)")
    expect(legend).to_contain_text("Single-sample SGD")
    expect(lr_slider(page)).to_have_attribute("aria-valuetext", "0.5")
    page.set_viewport_size({"width": 1440, "height": 2600})
    screenshot(page, "sgd")
    page.set_viewport_size({"width": 1440, "height": 1000})

    # Learning rate up by keyboard, one notch at a time, until the runs diverge.
    thumb = lr_slider(page)
    thumb.focus()
    for _ in range(7):  # 0.5 → 1 → 2 → 3 → 5 → 8 → 12 → 20
        thumb.press("ArrowRight")
    wait_idle(page)
    expect(thumb).to_have_attribute("aria-valuetext", "20")
    expect(page).to_have_url(re.compile(r"sgd_lr=20"))
    expect(page.get_by_text("Single-sample SGD diverged")).to_be_visible()
    expect(page.get_by_text("bounces across the valley")).to_be_visible()
    expect(legend).to_contain_text("diverged")
    assert_no_exception(page)
    screenshot(page, "sgd_diverging")

    # Back to one epoch: every method has seen each point once, with very different updates.
    click_button(page, "Good (α = 0.5)")
    upto = page.get_by_test_id("stSlider").filter(has_text="Show the runs after epoch")
    upto = upto.get_by_role("slider")
    upto.focus()
    for _ in range(40):  # 5.0 → 1.0 in steps of 0.1
        upto.press("ArrowLeft")
    wait_idle(page)
    expect(
        page.get_by_text(
            "After 1 epoch, updates made: Full-batch GD 1, Minibatch SGD 10, Single-sample SGD 100"
        )
    ).to_be_visible()
    screenshot(page, "sgd_one_epoch")

    expect(thumb).to_have_attribute("aria-valuetext", "0.5")
    expect(page.get_by_text("diverged at iteration")).to_have_count(0)
    assert_no_exception(page)


def test_settings_come_from_the_url(page: Page) -> None:
    open_sgd(page, "?sgd_seed=3&sgd_batch=30&sgd_lr=8")
    assert_no_exception(page)
    expect(page.get_by_text("⌈100/30⌉ = 4 iterations per epoch")).to_be_visible()
    expect(page.get_by_text("bounces across the valley")).to_be_visible()
    page.get_by_text("Data, seed, batches, start").click()
    expect(page.get_by_label("Seed (which random batches)", exact=True)).to_have_value("3")
    page.set_viewport_size({"width": 1440, "height": 2200})
    screenshot(page, "sgd_from_url")


def test_watch_the_descent_animate(page: Page) -> None:
    open_sgd(page)
    surface = page.locator(".js-plotly-plot").first
    # _fullData: the traces as plotly.js drew them (data holds the still-encoded arrays).
    sgd_x = "el._fullData.filter(t => t.name === 'Single-sample SGD')[0].x"
    count_points = f"(el) => {sgd_x}.length"
    full = surface.evaluate(count_points)
    surface.get_by_text(re.compile("Watch the 5 epochs")).click()
    # Mid-animation the single-sample path is shorter than the whole run ...
    page.wait_for_function(
        f"() => ({count_points})(document.querySelector('.js-plotly-plot')) < {full}",
        timeout=10_000,
    )
    # ... and it ends where the static picture was: the last point of the last epoch.
    page.wait_for_timeout(4_500)  # 41 frames of 80 ms
    assert surface.evaluate(count_points) > 10
    ends = surface.evaluate(f"(el) => {sgd_x}.slice(-1)[0]")
    assert isinstance(ends, float)
    expect(surface.locator(".imagelayer image")).to_have_count(1)  # the surface stays visible
    screenshot(page, "sgd_animated", full_page=False)
    assert_no_exception(page)
