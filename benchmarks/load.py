"""Virtual learners against a running server: page-run times, errors, server CPU and memory.

Each learner is a headless client that speaks Streamlit's websocket protocol
(benchmarks/streamlit_client.py): it opens a lesson, then every 2-6 s (think time) either goes to
another lesson in the navigation or moves a control it found on the page (slider, select box,
radio, checkbox, number input, segmented control, button), the way the browser would send it,
fragment id included. Controls that start a Play/Train timer are left alone unless --play (then
the learner also answers the timer's reruns, as a browser tab does).

    .venv/bin/python benchmarks/load.py --learners 30 --duration 60          # against make run
    .venv/bin/python benchmarks/load.py --url http://localhost:8501 ...      # or make classroom
    .venv/bin/python benchmarks/load.py --learners 20 --soak 1000            # memory soak

Prints the p50 / p95 / max page-run time (the rerun sent -> its script_finished received), the
errors (timeouts, dropped connections), the runs that showed an exception element, the CPU of
the server's processes (the one listening on the port, or with make classroom the balancer and
every replica: all children of the launcher) and their total RSS. The soak mode runs until
--soak reruns are done, reports RSS growth per 1,000 reruns, then lets the learners leave and
waits --settle s (Streamlit keeps a closed session 120 s for a reconnect) to see RSS come back.
Not a test: a benchmark you run on demand; it only talks to the address you give it.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import sys
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

from streamlit_client import Learner, RunResult

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from ui.lessons import LESSONS

TIMER_LABELS = ("Play", "Train", "Continue")  # buttons that start an st.fragment(run_every=...)
TICK = os.sysconf("SC_CLK_TCK")
PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")

# -- the server's processes, from /proc ----------------------------------------------------------


def _listener_pid(port: int) -> int | None:
    """The process listening on a local TCP port (via /proc/net/tcp and the fds' inodes)."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            if fields[3] == "0A" and int(fields[1].rsplit(":", 1)[1], 16) == port:
                inodes.add(fields[9])
    for pid in _all_pids():
        try:
            for fd in os.scandir(f"/proc/{pid}/fd"):
                link = os.readlink(fd.path)
                if link.startswith("socket:[") and link[8:-1] in inodes:
                    return pid
        except OSError:
            continue
    return None


def _all_pids() -> list[int]:
    return [int(name) for name in os.listdir("/proc") if name.isdigit()]


def _stat(pid: int) -> list[str] | None:
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return text[text.rindex(")") + 2 :].split()  # fields from the 3rd (state) on


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def _descendants(root: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for pid in _all_pids():
        fields = _stat(pid)
        if fields:
            children.setdefault(int(fields[1]), []).append(pid)
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(children.get(pid, []))
    return found


class ServerProcesses:
    """CPU time and RSS of the server: the listener, or every child of the launcher."""

    def __init__(self, port: int, pids: list[int] | None) -> None:
        self.fixed = pids
        self.root = None
        if not pids:
            listener = _listener_pid(port)
            if listener is None:
                raise SystemExit(f"no local process listens on port {port}: is the server up?")
            self.root = listener
            # make classroom: the listener is HAProxy's worker; the launcher above it has the
            # balancer and every replica as its children.
            ancestor = listener
            for _ in range(4):
                ancestor = int((_stat(ancestor) or ["", "0"])[1])
                if ancestor <= 1:
                    break
                if "classroom.sh" in _cmdline(ancestor):
                    self.root = ancestor
                    break
        self.cpu_start = self.cpu_seconds()

    def pids(self) -> list[int]:
        if self.fixed:
            return self.fixed
        me = os.getpid()
        return [p for p in _descendants(self.root) if p != me]

    def cpu_seconds(self) -> float:
        total = 0
        for pid in self.pids():
            fields = _stat(pid)
            if fields:
                total += int(fields[11]) + int(fields[12])  # utime + stime
        return total / TICK

    def rss_mb(self) -> float:
        total = 0
        for pid in self.pids():
            fields = _stat(pid)
            if fields:
                total += int(fields[21]) * PAGE_SIZE  # rss (pages)
        return total / 2**20

    def describe(self) -> str:
        names = sorted({_cmdline(p).split(" ")[0].rsplit("/", 1)[-1] for p in self.pids()})
        return f"{len(self.pids())} processes ({', '.join(n for n in names if n)})"


# -- the learners ------------------------------------------------------------------------------


@dataclass
class Tally:
    runs: list[RunResult] = field(default_factory=list)
    ticks: list[RunResult] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    stop: bool = False
    soak_target: int = 0
    warm_rss: float | None = None
    warm_runs: int = 0

    def add(self, result: RunResult | None, *, tick: bool = False) -> None:
        if result is None:
            return
        (self.ticks if tick else self.runs).append(result)
        if result.status in ("timeout", "closed"):
            after = f" after {result.action}" if result.action else ""
            self.errors.append(f"{result.page or 'home'}: {result.status}{after}")
        if self.soak_target and len(self.runs) >= self.soak_target:
            self.stop = True


async def _think(learner: Learner, tally: Tally, seconds: float, play: bool) -> None:
    """Wait like a reader; with --play, answer the page's timers meanwhile as a browser does."""
    end = time.monotonic() + seconds
    while not tally.stop and time.monotonic() < end:
        if play and learner.timers:
            fragment_id, interval = next(iter(learner.timers.items()))
            await asyncio.sleep(min(interval, max(0.0, end - time.monotonic())))
            if learner.timers.get(fragment_id) and time.monotonic() < end:
                tally.add(await learner.timer_tick(fragment_id), tick=True)
        else:
            await asyncio.sleep(min(0.5, max(0.0, end - time.monotonic())))


async def learner_loop(
    index: int, url: str, args: argparse.Namespace, tally: Tally, deadline: float
) -> None:
    rng = random.Random(args.seed * 1000 + index)
    await asyncio.sleep(rng.uniform(0, args.ramp))
    skip = () if args.play else TIMER_LABELS
    learner = None
    while not tally.stop and time.monotonic() < deadline:
        if learner is None or not learner.connected:  # arrive, or come back after a drop
            if learner is not None:
                await learner.close()
            learner = Learner(url, seed=rng.randrange(2**31), timeout=args.timeout)
            try:
                tally.add(await learner.open(rng.choice(args.pages)))
            except Exception as exc:  # connection refused, 503 from the balancer...
                tally.errors.append(f"connect: {type(exc).__name__}: {exc}"[:200])
                learner = None
                await asyncio.sleep(2)
                continue
        await _think(learner, tally, rng.uniform(*args.think), args.play)
        if tally.stop or time.monotonic() >= deadline:
            break
        widgets = learner.movable(skip)
        if rng.random() < args.navigate or not widgets:
            target = rng.choice([p for p in learner.pages if p != learner.page] or [""])
            tally.add(await learner.go_to(target))
        else:
            tally.add(await learner.move_widget(rng.choice(widgets)))
    if learner is not None:
        await learner.close()


async def sample_rss(server: ServerProcesses, peaks: list[float], tally: Tally) -> None:
    while True:
        peaks.append(server.rss_mb())
        if tally.soak_target and tally.warm_rss is None and len(tally.runs) >= tally.warm_runs:
            tally.warm_rss = peaks[-1]
        await asyncio.sleep(0.5)


# -- report ------------------------------------------------------------------------------------


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def report(args, tally: Tally, server: ServerProcesses, wall: float, cpu: float, rss) -> None:
    start_rss, peak_rss, end_rss = rss
    times = [r.seconds for r in tally.runs if r.status in ("ok", "exception")]
    shown = [r for r in tally.runs if r.status == "exception"]
    print(f"server: {args.url}, {server.describe()}")
    print(
        f"learners {args.learners}, think {args.think[0]:g}-{args.think[1]:g} s, "
        f"{wall:.0f} s, {len(tally.runs)} page runs ({sum(r.fragment for r in tally.runs)} "
        f"fragment reruns), {len(tally.ticks)} timer reruns"
    )
    if times:
        print(
            f"page run (sent -> script finished): p50 {statistics.median(times):.2f} s, "
            f"p95 {_percentile(times, 0.95):.2f} s, max {max(times):.2f} s"
        )
    if tally.ticks:
        tick_times = [r.seconds for r in tally.ticks]
        print(
            f"timer reruns: p50 {statistics.median(tick_times):.2f} s, "
            f"p95 {_percentile(tick_times, 0.95):.2f} s"
        )
    print(f"errors: {len(tally.errors)}" + (f"  e.g. {tally.errors[:3]}" if tally.errors else ""))
    pages = sorted({r.page or "home" for r in shown})
    print(f"runs that showed an exception: {len(shown)}" + (f" on {pages}" if pages else ""))
    for message in sorted({m for r in shown for m in r.exceptions})[:5]:
        print(f"    {message[:160]}")
    client_cpu = sum(os.times()[:2])
    runs = len(tally.runs) + len(tally.ticks)
    print(
        f"server CPU: {cpu / wall:.2f} cores (all its processes), {1000 * cpu / max(1, runs):.0f} "
        f"ms per run (what load elsewhere on the machine does not change); "
        f"this client: {client_cpu / wall:.2f} cores"
    )
    per_session = (peak_rss - start_rss) / max(1, args.learners)
    print(
        f"server RSS: {start_rss:.0f} MB before, peak {peak_rss:.0f} MB, "
        f"{end_rss:.0f} MB at the end; peak - before = {per_session:.1f} MB per learner"
    )


async def main(args: argparse.Namespace) -> None:
    port = urllib.parse.urlsplit(args.url).port or 80
    server = ServerProcesses(port, args.pids)
    tally = Tally(soak_target=args.soak, warm_runs=min(100, args.soak // 10))
    peaks: list[float] = []
    start_rss = server.rss_mb()
    cpu0, t0 = server.cpu_seconds(), time.monotonic()
    deadline = t0 + (args.duration if not args.soak else 24 * 3600)
    sampler = asyncio.create_task(sample_rss(server, peaks, tally))
    await asyncio.gather(
        *(learner_loop(i, args.url, args, tally, deadline) for i in range(args.learners))
    )
    wall, cpu = time.monotonic() - t0, server.cpu_seconds() - cpu0
    end_rss = server.rss_mb()
    report(args, tally, server, wall, cpu, (start_rss, max([*peaks, end_rss]), end_rss))
    if args.soak:
        warm = tally.warm_rss if tally.warm_rss is not None else start_rss
        growth = (end_rss - warm) / max(1, len(tally.runs) - tally.warm_runs) * 1000
        print(
            f"soak: RSS {warm:.0f} MB after the first {tally.warm_runs} reruns -> {end_rss:.0f} MB "
            f"after {len(tally.runs)}: {growth:+.0f} MB per 1,000 reruns"
        )
        print(f"learners left; waiting {args.settle:.0f} s for their sessions to be freed...")
        await asyncio.sleep(args.settle)
        settled = server.rss_mb()
        print(
            f"after they left: RSS {settled:.0f} MB, {settled - start_rss:+.0f} MB from the start "
            f"({start_rss:.0f} MB)"
        )
    sampler.cancel()


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default="http://127.0.0.1:8501")
    parser.add_argument("--learners", type=int, default=10)
    parser.add_argument("--duration", type=float, default=60, help="seconds (not with --soak)")
    parser.add_argument("--think", type=float, nargs=2, default=(2.0, 6.0), metavar=("MIN", "MAX"))
    parser.add_argument("--ramp", type=float, default=5, help="learners arrive over this many s")
    parser.add_argument("--navigate", type=float, default=0.3, help="share of page changes")
    parser.add_argument("--play", action="store_true", help="press Play/Train and run timers")
    parser.add_argument("--soak", type=int, default=0, metavar="RERUNS")
    parser.add_argument("--settle", type=float, default=150, help="soak: wait after leaving (s)")
    parser.add_argument("--timeout", type=float, default=60, help="a run slower is an error")
    parser.add_argument("--pages", default="", help="comma-separated url paths to open first")
    parser.add_argument("--pids", default="", help="server PIDs (default: found from the port)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    args.pids = [int(p) for p in args.pids.split(",") if p]
    args.pages = [p.strip() for p in args.pages.split(",") if p.strip()] or [
        "",
        *(lesson.url_path for lesson in LESSONS),
    ]
    return args


if __name__ == "__main__":
    asyncio.run(main(parse_args()))
