"""Ten learners arrive at the same moment on a fresh server: none of them sees an exception.

The first charts built in parallel session threads used to make plotly find a half-imported
pandas ("partially initialized module 'pandas' has no attribute 'Series'", plotly.py issue 2433):
4 of 10 learners saw "This app has encountered an error". ui/preload.py imports it all first.
The learners are headless clients speaking Streamlit's websocket protocol
(benchmarks/streamlit_client.py): they connect first, then all ask for their page at once.
"""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor

from benchmarks.streamlit_client import Learner
from tests.e2e.serving import fresh_streamlit
from ui.lessons import LESSONS

LEARNERS = 10


async def _arrive_together(url: str) -> list:
    pages = [lesson.url_path for lesson in LESSONS]
    learners = [Learner(url, seed=i) for i in range(LEARNERS)]
    try:
        await asyncio.gather(*(lr.connect(pages[i % len(pages)]) for i, lr in enumerate(learners)))
        return await asyncio.gather(*(lr.first_run() for lr in learners))
    finally:
        await asyncio.gather(*(lr.close() for lr in learners), return_exceptions=True)


def _run_in_own_thread(coroutine_function, *args):
    """asyncio.run, in a thread of its own: on a pytest worker that has already served a Playwright
    page, the sync API's event loop is running in this thread and asyncio.run would refuse."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(lambda: asyncio.run(coroutine_function(*args))).result()


def test_ten_learners_arriving_at_once_on_a_fresh_server_see_no_exception(tmp_path):
    with fresh_streamlit(tmp_path) as url:
        runs = _run_in_own_thread(_arrive_together, url)
        log = next(tmp_path.glob("streamlit-*.log")).read_text()
    failed = [(run.page, run.status, run.exceptions) for run in runs if run.status != "ok"]
    assert failed == [], f"{len(failed)} of {LEARNERS} learners: {failed}\n{log[-3000:]}"
    assert "partially initialized module" not in log
