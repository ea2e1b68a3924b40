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
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path


def answer_quiz(page: Page, option: str) -> None:
    """Pick a quiz option by (part of) its text and press Check answer."""
    main = page.locator('[data-testid="stMain"]')
    main.locator('[data-testid="stRadio"] label').filter(has_text=option).first.click()
    wait_idle(page)
    click_button(page, "Check answer")
