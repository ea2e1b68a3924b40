"""The convolution lesson as a learner clicks it: move stride and padding, read the shape, step
the window; nothing cut off on a phone, a laptop or a projector."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from tests.e2e.helpers import assert_no_exception, click_button, open_page, screenshot, wait_idle

MAIN = '[data-testid="stMain"]'
ROOT = Path(__file__).resolve().parents[2]

# Every KaTeX formula wider than an ancestor that does not let it show (overflow hidden, clipped
# or scrolled: Streamlit's display maths is all three): a learner sees it cut off.
CLIPPED_FORMULAS = """() => {
  const out = [];
  for (const k of document.querySelectorAll('[data-testid="stMain"] .katex')) {
    const box = k.getBoundingClientRect();
    for (let el = k.parentElement; el && el.dataset.testid !== 'stMain'; el = el.parentElement) {
      const style = getComputedStyle(el);
      if (style.overflowX === 'visible') continue;
      const frame = el.getBoundingClientRect();
      const outside = box.right > frame.right + 1 || box.left < frame.left - 1;
      if (outside || el.scrollWidth > el.clientWidth + 1) {
        const tex = k.querySelector('annotation');
        out.push((tex ? tex.textContent : k.textContent).slice(0, 60));
        break;
      }
    }
  }
  return out;
}"""
# Buttons whose label does not fit (Streamlit cuts it to "P…").
TRUNCATED_BUTTONS = """() => [...document.querySelectorAll('[data-testid="stMain"] button')]
  .filter(b => b.offsetParent !== null)
  .filter(b => [...b.querySelectorAll('*')].some(e => e.scrollWidth > e.clientWidth + 1))
  .map(b => b.innerText)"""


def katex_text(page: Page) -> str:
    return " ".join(page.locator(f"{MAIN} .katex-mathml annotation").all_text_contents())


def inner_product(page: Page) -> str:
    texts = page.locator(f"{MAIN} .katex-mathml annotation").all_text_contents()
    return next(t for t in texts if t.startswith("y_{") and "times" in t)


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
    expect(page.locator(f"{MAIN} .js-plotly-plot").first).to_be_visible()

    # 3 × 3 input, 2 × 2 kernel; padding 1 per side: ⌊(3 − 2 + 2 + 1)/1⌋ = 4.
    press_slider(page, "conv_ph", "ArrowRight")
    press_slider(page, "conv_pw", "ArrowRight")
    expect(main.get_by_text("Output shape: 4 × 4")).to_be_visible()
    assert r"\dfrac{3 - 2 + 2 + 1}{1}" in katex_text(page)
    # Stride 2 on both axes: ⌊(3 − 2 + 2 + 2)/2⌋ = 2, and 3/2 is not whole.
    press_slider(page, "conv_sh", "ArrowRight")
    press_slider(page, "conv_sw", "ArrowRight")
    expect(main.get_by_text("Output shape: 2 × 2")).to_be_visible()
    assert r"\dfrac{3 - 2 + 2 + 2}{2}" in katex_text(page)
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
        assert inner_product(page).endswith(f"= {value}")
    expect(page.get_by_role("button", name="Step", exact=True)).to_be_disabled()
    click_button(page, "Reset")
    expect(main.get_by_text("position 1 of 4")).to_be_visible()
    click_button(page, "Play")
    # One position every 0.9 s: wait for a later one to arrive by itself. Accept 3 or 4: on a
    # loaded machine a slow poll can miss the 0.9 s that position 3 is on screen.
    expect(main.get_by_text(re.compile(r"position [34] of 4"))).to_be_visible(timeout=30_000)
    assert_no_exception(page)
    screenshot(page, "convolution")


def test_channels_and_pooling_tabs_and_the_open_tab_in_the_link(page):
    open_page(page, "convolution?conv_nh=8&conv_nw=8&conv_kh=3&conv_kw=3&conv_ph=1&conv_sh=2")
    main = page.locator(MAIN)
    expect(main.get_by_text("Output shape: 4 × 6")).to_be_visible()
    page.get_by_role("tab", name="Channels and filters").click()
    wait_idle(page)
    expect(main.get_by_text("26 parameters")).to_be_visible()
    assert "conv_tab=channels-and-filters" in page.url
    page.get_by_role("tab", name="Pooling").click()
    wait_idle(page)
    expect(
        main.locator(".katex-mathml annotation").filter(has_text=r"\max(0, \allowbreak 1")
    ).not_to_have_count(0)
    assert_no_exception(page)
    screenshot(page, "convolution-channels-pooling")
    # The shared link opens the same tab with the same settings.
    page.goto(page.url)
    wait_idle(page)
    expect(page.get_by_role("tab", name="Pooling", selected=True)).to_be_visible()


@pytest.mark.parametrize("width", [400, 1100, 1400])
def test_nothing_is_cut_off_at_any_width(page, width):
    """Issue 17: formulas with padding and dilation were cut off at 1400 px, the output shape at
    400 px, the player's buttons at 1100 px, the Channels tab at its maximum settings."""
    page.set_viewport_size({"width": width, "height": 900})
    wide = "conv_nh=10&conv_nw=10&conv_kh=6&conv_kw=6&conv_ph=4&conv_pw=4&conv_sh=5&conv_dh=2"
    for query in (
        wide,
        "conv_tab=channels-and-filters&conv_c_in=4&conv_c_out=4&conv_c_n=7&conv_c_k=4&conv_c_p=2",
        "conv_tab=pooling&conv_pool_nh=8&conv_pool_nw=8&conv_pool_kh=4&conv_pool_kw=4",
    ):
        open_page(page, f"convolution?{query}")
        # A loaded machine (other tests, other learners) may take a while to draw the chart.
        expect(page.locator(f"{MAIN} .js-plotly-plot").first).to_be_visible(timeout=60_000)
        expect(page.locator(f"{MAIN} .katex").first).to_be_visible()
        assert page.evaluate(CLIPPED_FORMULAS) == [], query
        assert page.evaluate(TRUNCATED_BUTTONS) == [], query
        assert_no_exception(page)


def test_new_problem_logs_no_warning(page, app_url):
    """Issue 17 item 11: "New problem" set sliders that had defaults: Streamlit logged a warning."""
    open_page(page, "convolution?conv_predict=1")
    for _ in range(3):
        click_button(page, "New problem")
        expect(page.get_by_text("Your prediction: what is the output shape?")).to_be_visible()
    assert_no_exception(page)
    port = app_url.rsplit(":", 1)[1]
    log = (ROOT / f".streamlit-e2e-{port}.log").read_text()
    assert not [line for line in log.splitlines() if 'key "conv_' in line], log[-2000:]


def test_typed_values_stay_when_the_editors_are_closed(page):
    """The editors are drawn only while open; what was typed must outlive closing them."""
    open_page(page, "convolution")
    page.get_by_text("Edit the input and kernel values").click()
    wait_idle(page)
    kernel = page.locator('[data-testid="stDataFrame"]').nth(1)
    kernel.scroll_into_view_if_needed()
    box = kernel.bounding_box()
    assert box is not None
    # Row 1, column 2 of the kernel (1 in d2l's [[0, 1], [2, 3]]): make it 2.
    # The grid opens its cell editor (an overlay input, class gdg-input) after the double click;
    # on a busy machine that can take a while, or the click can land during a redraw: retry.
    editor = page.locator("input.gdg-input, textarea.gdg-input")
    for _ in range(3):
        page.mouse.dblclick(box["x"] + box["width"] * 0.83, box["y"] + 35 + 17)
        try:
            editor.first.wait_for(state="visible", timeout=5_000)
            break
        except PlaywrightTimeoutError:
            page.keyboard.press("Escape")
    editor.first.fill("2")
    editor.first.press("Enter")
    wait_idle(page)
    expect(page.get_by_text("position 1 of 4")).to_be_visible()
    for _ in range(20):  # the edit reaches the server, then the formula is drawn again
        if inner_product(page).endswith("= 20"):
            break
        page.wait_for_timeout(250)
    assert inner_product(page).endswith("= 20")  # 0×0 + 1×2 + 3×2 + 4×3
    page.get_by_text("Edit the input and kernel values").click()  # close
    wait_idle(page)
    expect(page.locator('[data-testid="stDataFrame"]')).to_have_count(0)
    assert inner_product(page).endswith("= 20")
    click_button(page, "Step")
    assert inner_product(page).endswith("= 27")  # 1×0 + 2×2 + 4×2 + 5×3
    assert_no_exception(page)
