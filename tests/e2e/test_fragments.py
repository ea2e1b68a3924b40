"""A control reruns its own section, not the page: in a real browser, the lesson's title and the
charts of other sections are never even marked stale while a control of one section answers."""

from __future__ import annotations

from playwright.sync_api import Page
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from tests.e2e.helpers import assert_no_exception, open_page, wait_idle

WATCH = """() => {
  window.__stale = new Set();
  new MutationObserver((records) => {
    for (const r of records) {
      const el = r.target;
      if (el.getAttribute('data-stale') !== 'true') continue;
      if (el.querySelector('h1')) window.__stale.add('title');
      const key = (el.className || '').toString().match(/st-key-(\\S+)/);
      if (key) window.__stale.add(key[1]);
    }
  }).observe(document.body, {subtree: true, attributes: true, attributeFilter: ['data-stale']});
}"""


def stale_during(page: Page, action) -> set[str]:
    """Keys of the keyed elements (and 'title') that went stale while ``action`` was answered."""
    page.evaluate(WATCH)
    action()
    wait_idle(page)
    return set(page.evaluate("() => [...window.__stale]"))


def choose(page: Page, key: str, option: int) -> None:
    """Pick an option of a selectbox. On a busy machine the list can close again before the click
    (a rerun that was still settling re-renders the box): open it again, up to three times."""
    box = page.locator(f'.st-key-{key} [role="combobox"]')
    for attempt in range(3):
        box.click()
        try:
            page.locator('[role="option"]').nth(option).click(timeout=10_000)
            return
        except PlaywrightTimeoutError:
            if attempt == 2:
                raise


def test_gradient_descent_slider_reruns_its_section_only(page: Page) -> None:
    open_page(page, "sgd")
    thumb = page.locator('.st-key-sgd_upto input[type="range"]')

    def slide() -> None:
        thumb.focus()
        page.keyboard.press("ArrowLeft")

    stale = stale_during(page, slide)
    assert "title" not in stale and not any(k.startswith("sgd_quiz") for k in stale), stale
    assert_no_exception(page)


def test_architectures_comparison_leaves_the_network_section_alone(page: Page) -> None:
    open_page(page, "architectures")
    stale = stale_during(page, lambda: choose(page, "architectures_cmp_b", 2))
    assert "title" not in stale, stale
    assert not stale & {"architectures_timeline", "architectures_flow", "architectures_net"}
    assert_no_exception(page)


def test_a_quiz_answer_reruns_its_question_only(page: Page) -> None:
    open_page(page, "sgd")
    option = page.locator(".st-key-sgd_quiz_iters_choice").get_by_test_id("stRadioOption").first
    stale = stale_during(page, option.click)
    assert stale <= {"sgd_quiz_iters_choice", "sgd_quiz_iters_check"}, stale
