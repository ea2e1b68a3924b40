from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def run_page():
    """Run one page script in AppTest and return it, after checking it raised nothing."""

    def _run(page: str, *, timeout: float = 60) -> AppTest:
        at = AppTest.from_file(str(ROOT / page), default_timeout=timeout)
        at.run()
        assert not at.exception, [e.value for e in at.exception]
        return at

    return _run
