"""What a learner does in the browser, as small helpers the e2e tests share."""

from __future__ import annotations

import contextlib
from pathlib import Path

from playwright.sync_api import Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeout

# Assertions wait for Streamlit's rerun; a loaded 2-core machine can take several seconds.
expect.set_options(timeout=20_000)

SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"


def _script_state_is(page: Page, state: str, timeout: float) -> None:
    page.wait_for_function(
        """(state) => {
            const app = document.querySelector('[data-testid="stApp"]');
            return app && app.getAttribute('data-test-script-state') === state;
        }""",
        arg=state,
        timeout=timeout,
    )


def wait_idle(page: Page, timeout: float = 45_000) -> None:
    """Wait until Streamlit has finished running the script for the last interaction.

    A click reaches the server a moment later, so first give the rerun a chance to start (it may
    also have finished already), then wait for the script to be idle.
    """
    page.wait_for_selector('[data-testid="stApp"]', timeout=timeout)
    with contextlib.suppress(PlaywrightTimeout):
        _script_state_is(page, "running", 1_000)
    _script_state_is(page, "notRunning", timeout)
    page.wait_for_timeout(150)  # let the last delta paint


def open_page(page: Page, url_path: str = "") -> None:
    page.goto(f"/{url_path}")
    wait_idle(page)


def assert_no_exception(page: Page) -> None:
    expect(page.locator('[data-testid="stException"]')).to_have_count(0)


def click_button(page: Page, name: str) -> None:
    page.get_by_role("button", name=name, exact=True).first.click()
    wait_idle(page)


def screenshot(page: Page, name: str, *, full_page: bool = True) -> Path:
    """Save tests/e2e/screenshots/<name>.png; full_page: the whole lesson, not just the viewport.

    Streamlit scrolls inside its own main container, so Playwright's full_page would still see
    one window's height: the viewport is stretched to the content for the picture instead.
    """
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    size = page.viewport_size
    if full_page and size:
        content = page.evaluate(
            """() => {
                const main = document.querySelector('[data-testid="stMain"]');
                return main ? main.scrollHeight : document.body.scrollHeight;
            }"""
        )
        tall = min(max(size["height"], int(content)), 8000)
        page.set_viewport_size({"width": size["width"], "height": tall})
        page.wait_for_timeout(300)  # let charts re-layout to the new height
        try:
            page.screenshot(path=str(path))
        finally:
            page.set_viewport_size(size)
    else:
        page.screenshot(path=str(path))
    return path


def answer_quiz(page: Page, option: str) -> None:
    """Pick a quiz option by (part of) its text and press Check answer."""
    main = page.locator('[data-testid="stMain"]')
    main.locator('[data-testid="stRadio"] label').filter(has_text=option).first.click()
    wait_idle(page)
    click_button(page, "Check answer")
