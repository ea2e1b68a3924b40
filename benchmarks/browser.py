"""What the browser benchmarks share: a real `streamlit run app.py` and Debian's Chromium.

Not a benchmark itself (``make bench`` runs only ``bench_*.py``). Playwright comes with the test
tools: run the browser benchmarks with ``.venv/bin/python`` after ``make test``.
"""

from __future__ import annotations

import contextlib
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu"]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def running_app() -> Iterator[str]:
    """Start the app on a free local port; yields its URL once it answers, stops it after."""
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
         "--server.port", str(port), "--server.address", "127.0.0.1"],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2):
                    break
            except OSError:
                time.sleep(0.3)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=20)


def launch_chromium(playwright):
    """Debian's Chromium where it is installed (Playwright cannot download one here)."""
    return playwright.chromium.launch(
        executable_path=CHROMIUM if Path(CHROMIUM).exists() else None, args=CHROMIUM_ARGS
    )
