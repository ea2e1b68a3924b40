"""`make classroom` through its balancer: two learners on two replicas, each with its own state.

scripts/classroom.sh starts two Streamlit replicas behind HAProxy. Learner A lands on one
replica (the HAProxy cookie NNLAB names it) and uploads a picture on /filters; learner B carries
the cookie of the other replica and trains the MLP a few steps. Each replica then holds exactly
one session, and each learner keeps their own state while the other works. Skipped, with the
reason, where HAProxy is neither installed nor installable (scripts/ensure-haproxy.sh).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image
from playwright.sync_api import BrowserContext, Page, expect

from tests.e2e.helpers import assert_no_exception, click_button, open_page, wait_idle
from tests.e2e.serving import classroom, haproxy_available, replica_metric

MAIN = '[data-testid="stMain"]'


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    why_not = haproxy_available()
    if why_not:
        pytest.skip(f"make classroom needs HAProxy, which is not here: {why_not}")
    with classroom(tmp_path_factory.mktemp("classroom"), workers=2) as (url, replicas):
        yield url, replicas


def replica_of(context: BrowserContext) -> str:
    cookies = {c["name"]: c["value"] for c in context.cookies()}
    assert "NNLAB" in cookies, f"no affinity cookie from the balancer: {cookies}"
    return cookies["NNLAB"]


def mlp_counters(page: Page, text: str):
    return page.locator(MAIN).get_by_text(text, exact=True)


def test_two_learners_on_two_replicas_keep_their_own_state(browser, lab, tmp_path: Path):
    url, replicas = lab
    contexts = [
        browser.new_context(viewport={"width": 1440, "height": 1000}, base_url=url)
        for _ in range(2)
    ]
    a, b = (context.new_page() for context in contexts)
    for page in (a, b):
        page.set_default_timeout(45_000)
    try:
        open_page(a, "filters")
        first = replica_of(contexts[0])
        other = {"app1": "app2", "app2": "app1"}[first]
        # Whatever the balancer would pick, B arrives with the other replica's cookie.
        contexts[1].add_cookies([{"name": "NNLAB", "value": other, "url": url}])
        open_page(b, "mlp")
        assert replica_of(contexts[1]) == other
        # The page and its websocket went where the cookie said: one session on each replica.
        assert [replica_metric(r, "active_sessions") for r in replicas] == [1, 1]

        picture = tmp_path / "class.png"
        Image.linear_gradient("L").resize((320, 200)).convert("RGB").save(picture)
        a.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(picture))
        wait_idle(a)
        expect(a.get_by_text("Filtering your picture “class.png”")).to_be_visible()

        for _ in range(3):
            click_button(b, "Step")
        expect(mlp_counters(b, "Epoch 0 · iteration 3")).to_be_visible()

        # A reruns its page on its replica: the upload is still A's.
        a.locator(MAIN).get_by_test_id("stRadioOption").first.click()
        wait_idle(a)
        expect(a.get_by_text("Filtering your picture “class.png”")).to_be_visible()
        # A's own MLP has not been trained; B's goes on from where B left it.
        a.get_by_test_id("stSidebarNav").get_by_role("link", name="Multilayer perceptron").click()
        wait_idle(a)
        expect(mlp_counters(a, "Epoch 0 · iteration 0")).to_be_visible()
        click_button(b, "Step")
        expect(mlp_counters(b, "Epoch 0 · iteration 4")).to_be_visible()

        assert (replica_of(contexts[0]), replica_of(contexts[1])) == (first, other)
        assert [replica_metric(r, "active_sessions") for r in replicas] == [1, 1]
        for page in (a, b):
            assert_no_exception(page)
    finally:
        for context in contexts:
            context.close()
