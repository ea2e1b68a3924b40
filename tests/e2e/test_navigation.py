"""Every page in the navigation opens in a real browser without an exception."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import assert_no_exception, open_page, screenshot, wait_idle
from ui.lessons import APP_TITLE, HOME_TITLE, LESSONS

ROOT = Path(__file__).resolve().parents[2]


def test_home_lists_every_lesson(page):
    open_page(page)
    expect(page.get_by_role("heading", name="How to classify cats vs. dogs?")).to_be_visible()
    main = page.locator('[data-testid="stMain"]')
    for lesson in LESSONS:
        expect(main.get_by_role("link", name=lesson.title, exact=True)).to_be_visible()
    assert_no_exception(page)
    expect(page).to_have_title(f"{HOME_TITLE} · {APP_TITLE}")
    screenshot(page, "home")


@pytest.mark.parametrize("lesson", LESSONS, ids=[lesson.url_path for lesson in LESSONS])
def test_every_lesson_opens_from_the_sidebar(page, lesson):
    open_page(page)
    page.locator('[data-testid="stSidebarNav"]').get_by_role(
        "link", name=lesson.title, exact=True
    ).click()
    # Pages may add their shareable settings to the URL (?net=...), so allow a query string.
    page.wait_for_url(re.compile(rf"/{lesson.url_path}(\?.*)?$"))
    wait_idle(page)
    expect(page.locator("h1").first).to_be_visible()
    # Every element drawn: no placeholder left where a chart or widget should be.
    expect(page.get_by_test_id("stSkeleton")).to_have_count(0, timeout=60_000)
    assert_no_exception(page)
    # Its own browser title: tabs, history and bookmarks say which lesson is open.
    expect(page).to_have_title(f"{lesson.title} · {APP_TITLE}")
    screenshot(page, f"page-{lesson.url_path}")


def test_no_lesson_logs_a_warning(page, app_url):
    """Issue 17 item 11: no warnings in the server log on any lesson (a widget given a default and
    also set through Session State, a deprecated argument, a fragment that vanished...)."""
    port = app_url.rsplit(":", 1)[1]
    log = ROOT / f".streamlit-e2e-{port}.log"
    start = len(log.read_text())
    for lesson in LESSONS:
        open_page(page, lesson.url_path)
        expect(page.get_by_test_id("stSkeleton")).to_have_count(0, timeout=60_000)
        assert_no_exception(page)
    added = log.read_text()[start:]
    # Streamlit logs nothing while pages are used normally: every message it writes starts with
    # a timestamp (its warnings carry no level), and an uncaught error with a traceback.
    noisy = [
        line
        for line in added.splitlines()
        if re.match(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", line) or "Traceback" in line
    ]
    assert noisy == [], "\n".join(noisy[:20])
