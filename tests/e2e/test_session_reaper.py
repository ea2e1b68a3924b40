"""A learner who uploads a picture and leaves: the server lets go of the picture and the session.

Streamlit keeps a closed tab's session for `server.disconnectedSessionTTL` so that a reconnect
finds it, then drops it only when another tab disconnects, without shutting it down: the upload
stayed in the upload manager for good. scripts/serve.py (what `make run`, `make classroom` and
the Docker image start) reaps expired sessions; here with a 2 s reconnect window and a reaper
that looks every second, the upload's bytes leave /_stcore/metrics within seconds.
"""

from __future__ import annotations

import time
from pathlib import Path

from PIL import Image

from tests.e2e.helpers import open_page, wait_idle
from tests.e2e.serving import fresh_streamlit, metric

UPLOADS = 'cache_memory_bytes{cache_type="UploadedFileManager"'


def test_the_upload_of_a_learner_who_left_is_freed(browser, tmp_path: Path) -> None:
    with fresh_streamlit(
        tmp_path,
        launcher=("scripts/serve.py",),
        args=("--server.disconnectedSessionTTL", "2"),
        env={"NN_LAB_REAP_SECONDS": "1"},
    ) as url:
        context = browser.new_context(viewport={"width": 1440, "height": 1000}, base_url=url)
        page = context.new_page()
        page.set_default_timeout(45_000)
        open_page(page, "filters")
        picture = tmp_path / "leaving.png"
        Image.linear_gradient("L").resize((400, 300)).convert("RGB").save(picture)
        page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(picture))
        wait_idle(page)
        held = metric(url, UPLOADS)
        assert held is not None and held >= picture.stat().st_size

        context.close()  # the learner closes the tab
        deadline = time.monotonic() + 30
        while metric(url, UPLOADS) is not None and time.monotonic() < deadline:
            time.sleep(0.5)
        assert metric(url, UPLOADS) is None
        assert metric(url, "active_sessions") == 0
