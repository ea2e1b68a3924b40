"""What the browser benchmarks share: a real `streamlit run` and Debian's Chromium.

Not a benchmark itself (``make bench`` runs only ``bench_*.py``). Playwright comes with the test
tools: run the browser benchmarks with ``.venv/bin/python`` after ``make test``.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass(frozen=True)
class Server:
    url: str
    pid: int

    def cpu_seconds(self) -> float:
        """User + system CPU time of the server process so far, all its threads (dead ones too)."""
        with open(f"/proc/{self.pid}/stat") as fh:
            fields = fh.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


@contextlib.contextmanager
def running_server(script: str = "app.py") -> Iterator[Server]:
    """Start `streamlit run script` on a free local port; yields it once it answers.

    The lab itself starts as `make run` starts it (scripts/serve.py); any other script (the floor
    page) with plain `streamlit run`. Both read the same .streamlit/config.toml.
    """
    port = _free_port()
    launcher = ["scripts/serve.py"] if script == "app.py" else ["-m", "streamlit", "run", script]
    server = subprocess.Popen(
        [sys.executable, *launcher, "--server.headless", "true",
         "--server.port", str(port), "--server.address", "127.0.0.1",
         "--browser.gatherUsageStats", "false"],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        env={**os.environ, "OPENBLAS_NUM_THREADS": "1", "MALLOC_ARENA_MAX": "2"},
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2):
                    break
            except OSError:
                time.sleep(0.3)
        yield Server(url, server.pid)
    finally:
        server.terminate()
        server.wait(timeout=20)


@contextlib.contextmanager
def running_app() -> Iterator[str]:
    """The lab itself; yields its URL."""
    with running_server("app.py") as server:
        yield server.url


def launch_chromium(playwright):
    """Debian's Chromium where it is installed (Playwright cannot download one here)."""
    return playwright.chromium.launch(
        executable_path=CHROMIUM if Path(CHROMIUM).exists() else None, args=CHROMIUM_ARGS
    )
