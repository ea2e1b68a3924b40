"""What a learner does in the browser, as small helpers the e2e tests share."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Page, expect

SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"


def wait_idle(page: Page, timeout: float = 30_000) -> None:
    """Wait until Streamlit has finished running the script for the last interaction."""
    page.wait_for_selector('[data-testid="stApp"]', timeout=timeout)
    page.wait_for_function(
        """() => {
            const app = document.querySelector('[data-testid="stApp"]');
            return app && app.getAttribute('data-test-script-state') === 'notRunning';
        }""",
        timeout=timeout,
    )
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
