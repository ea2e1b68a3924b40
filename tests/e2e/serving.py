"""Start a server of our own for a test that needs a fresh one (not the suite's shared server)."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_healthy(url: str, proc: subprocess.Popen, log: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as resp:
                if resp.status == 200:
                    return
        except OSError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"the server did not start; see {log}")
        time.sleep(0.2)


def stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


@contextlib.contextmanager
def fresh_streamlit(
    log_dir: Path,
    *,
    launcher: tuple[str, ...] = ("-m", "streamlit", "run", "app.py"),
    args: tuple[str, ...] = (),
    env: dict[str, str] | None = None,
) -> Iterator[str]:
    """A new server process (nothing imported yet), `streamlit run app.py` unless another
    launcher is given (e.g. scripts/serve.py); yields its URL."""
    port = free_port()
    log = log_dir / f"streamlit-{port}.log"
    with open(log, "w") as out:
        proc = subprocess.Popen(
            [sys.executable, *launcher, "--server.headless", "true",
             "--server.port", str(port), "--server.address", "127.0.0.1", *args],
            cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, env={**os.environ, **(env or {})},
        )  # fmt: skip
        try:
            url = f"http://127.0.0.1:{port}"
            wait_healthy(url, proc, log)
            yield url
        finally:
            stop(proc)


def haproxy_available() -> str | None:
    """None when HAProxy is there (installed now if we are root with apt-get), else why not."""
    script = ROOT / "scripts" / "ensure-haproxy.sh"
    result = subprocess.run([str(script)], capture_output=True, text=True, check=False)
    if result.returncode == 0:
        return None
    return (result.stderr or result.stdout).strip() or "HAProxy is missing"


def metric(server_url: str, prefix: str) -> float | None:
    """The first sample whose line starts with `prefix` in a server's /_stcore/metrics
    (OpenMetrics text), e.g. "active_sessions"; None when there is none."""
    with urllib.request.urlopen(f"{server_url}/_stcore/metrics", timeout=5) as resp:
        text = resp.read().decode()
    for line in text.splitlines():
        if line.startswith(prefix):
            return float(line.rsplit(" ", 1)[1])
    return None


def replica_metric(replica_url: str, family: str) -> float:
    value = metric(replica_url, family)
    assert value is not None, f"no {family} in {replica_url}/_stcore/metrics"
    return value


@contextlib.contextmanager
def classroom(log_dir: Path, workers: int = 2) -> Iterator[tuple[str, list[str]]]:
    """`make classroom` (scripts/classroom.sh) on free ports; yields the balancer's URL and the
    replicas' own URLs (replica i serves the affinity cookie value f"app{i}")."""
    port, replica_port = free_port(), free_port()
    log = log_dir / f"classroom-{port}.log"
    env = {
        **os.environ,
        "PORT": str(port),
        "WORKERS": str(workers),
        "BIND": "127.0.0.1",
        "REPLICA_PORT": str(replica_port),
        "PY": sys.executable,
    }
    with open(log, "w") as out:
        # A process group of its own, stopped as a teacher's Ctrl-C would stop it.
        proc = subprocess.Popen(
            [str(ROOT / "scripts" / "classroom.sh")],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
        try:
            url = f"http://127.0.0.1:{port}"
            wait_healthy(url, proc, log, timeout=120)
            yield url, [f"http://127.0.0.1:{replica_port + i}" for i in range(1, workers + 1)]
        finally:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
