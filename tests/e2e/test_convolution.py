"""The convolution lesson as a learner clicks it: move stride and padding, read the shape, step
the window."""

import re

from playwright.sync_api import Page, expect

from tests.e2e.helpers import assert_no_exception, click_button, open_page, screenshot, wait_idle

MAIN = '[data-testid="stMain"]'


def katex_text(page: Page) -> str:
    return " ".join(page.locator(f"{MAIN} .katex-mathml annotation").all_text_contents())


def press_slider(page: Page, key: str, key_name: str, times: int = 1) -> None:
    """Move a slider with the keyboard, as a learner using arrows would."""
    slider = page.locator(f".st-key-{key} input[type='range']")
    slider.focus()
    for _ in range(times):
        slider.press(key_name)
    wait_idle(page)


def test_stride_and_padding_change_the_shape(page):
    open_page(page, "convolution")
    main = page.locator(MAIN)
    expect(main.get_by_text("Output shape: 2 × 2")).to_be_visible()
    # KaTeX typesets after the text arrives: wait for the formula before reading it.
    expect(
        main.locator(".katex-mathml annotation").filter(has_text=r"0 \times 0 + 1 \times 1")
    ).not_to_have_count(0)
    assert r"0 \times 0 + 1 \times 1" in katex_text(page)
    expect(page.locator(f"{MAIN} .js-plotly-plot").first).to_be_visible()

    # 3 × 3 input, 2 × 2 kernel; padding 1 per side: ⌊(3 − 2 + 2 + 1)/1⌋ = 4.
    press_slider(page, "conv_ph", "ArrowRight")
    press_slider(page, "conv_pw", "ArrowRight")
    expect(main.get_by_text("Output shape: 4 × 4")).to_be_visible()
    assert r"\frac{3 - 2 + 2 + 1}{1}" in katex_text(page)
    # Stride 2 on both axes: ⌊(3 − 2 + 2 + 2)/2⌋ = 2, and 3/2 is not whole.
    press_slider(page, "conv_sh", "ArrowRight")
    press_slider(page, "conv_sw", "ArrowRight")
    expect(main.get_by_text("Output shape: 2 × 2")).to_be_visible()
    assert r"\frac{3 - 2 + 2 + 2}{2}" in katex_text(page)
    expect(main.get_by_text("3/2 is not a whole number").first).to_be_visible()
    assert "conv_sh=2" in page.url  # the settings are shareable in the URL
    assert_no_exception(page)


def test_step_the_window_through_the_d2l_example(page):
    open_page(page, "convolution")
    main = page.locator(MAIN)
    expect(main.get_by_text("position 1 of 4")).to_be_visible()
    for position, value in ((2, "25"), (3, "37"), (4, "43")):
        click_button(page, "Step")
        expect(main.get_by_text(f"position {position} of 4")).to_be_visible()
        assert f"&= {value}" in katex_text(page)
    expect(page.get_by_role("button", name="Step", exact=True)).to_be_disabled()
    click_button(page, "Reset")
    expect(main.get_by_text("position 1 of 4")).to_be_visible()
    click_button(page, "Play")
    # One position every 0.9 s: wait for a later one to arrive by itself. Accept 3 or 4: on a
    # loaded machine a slow poll can miss the 0.9 s that position 3 is on screen.
    expect(main.get_by_text(re.compile(r"position [34] of 4"))).to_be_visible(timeout=30_000)
    assert_no_exception(page)
    screenshot(page, "convolution")


def test_channels_and_pooling_tabs(page):
    open_page(page, "convolution?conv_nh=8&conv_nw=8&conv_kh=3&conv_kw=3&conv_ph=1&conv_sh=2")
    main = page.locator(MAIN)
    expect(main.get_by_text("Output shape: 4 × 6")).to_be_visible()
    page.get_by_role("tab", name="Channels and filters").click()
    expect(main.get_by_text("26 parameters")).to_be_visible()
    page.get_by_role("tab", name="Pooling").click()
    assert r"\max(0, 1, 4, 5) = 5" in katex_text(page)
    assert_no_exception(page)
    screenshot(page, "convolution-channels-pooling")
