"""How fast every control of every lesson answers in a real browser, against Streamlit's own floor.

    .venv/bin/python benchmarks/bench_interaction.py [--lessons sgd,mlp] [--rounds 2] [--json out]

A real `streamlit run app.py` and Debian's Chromium (Playwright), one learner. On every lesson,
tab by tab (expanders opened), the benchmark

- presses an arrow key on every slider (right, then left: two moves each),
- picks the next option of every selectbox,
- clicks the main buttons (Step, Epoch, Reset, Check answer after picking an answer, ...),

and times each from the browser's own key or pointer event to "settled": the script has finished
(Streamlit's ``data-test-script-state`` is ``notRunning`` again after it ran) and the DOM has been
quiet for QUIET_MS; the figure is the time of the last DOM change, so the quiet wait itself does
not count. Beside it, the server process's CPU time (all threads, from /proc) spent on the
interaction.

The reference, measured in the same run: a page with one slider and a line of text
(benchmarks/floor_app.py), and the same page with one 100 x 100 plotly heatmap. Ratios to the
floor are printed, so figures from a busy machine still compare.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from playwright.sync_api import TimeoutError as PlaywrightTimeout  # noqa: E402

from benchmarks.browser import Server, launch_chromium, running_server  # noqa: E402
from ui.lessons import LESSONS  # noqa: E402

QUIET_MS = 400
RAN_WAIT_MS = 2500  # a control that changes nothing never starts a run: stop waiting for one
VIEWPORT = {"width": 1400, "height": 1000}
# Buttons a learner presses to see the next thing (not Play or Train: they start timed runs).
MAIN_BUTTONS = (
    "Step",
    "Epoch",
    "Reset",
    "Back",
    "Next step",
    "Forward",
    "Backward",
    "Step forward",
    "Step backward",
    "New problem",
    "Check answer",
    "Check",
)

OBSERVER = """() => {
  if (window.__bench) return;
  const b = window.__bench = {t0: 0, last: performance.now(), ran: false, armed: false};
  const app = () => document.querySelector('[data-testid="stApp"]');
  const mark = () => { b.t0 = performance.now(); b.last = b.t0; b.ran = false; b.armed = true; };
  window.addEventListener('keydown', mark, true);
  window.addEventListener('pointerdown', mark, true);
  new MutationObserver((records) => {
    b.last = performance.now();
    const a = app();
    if (b.armed && a && a.getAttribute('data-test-script-state') === 'running') b.ran = true;
  }).observe(document.body, {subtree: true, childList: true, attributes: true,
                             characterData: true});
}"""

SETTLED = """([quiet, ranWait]) => {
  const b = window.__bench;
  const a = document.querySelector('[data-testid="stApp"]');
  if (!b || !b.armed || !a) return false;
  const now = performance.now();
  const idle = a.getAttribute('data-test-script-state') !== 'running';
  return (b.ran || now - b.t0 > ranWait) && idle && now - b.last > quiet;
}"""


class Recorder:
    """Times interactions on one page and keeps (kind, label, ms, cpu_ms) per lesson."""

    def __init__(self, page, server: Server) -> None:
        self.page = page
        self.server = server
        self.samples: list[dict] = []

    def settle(self, timeout: float = 60_000) -> None:
        self.page.wait_for_function(
            SETTLED, arg=[QUIET_MS, RAN_WAIT_MS], timeout=timeout, polling=50
        )

    def open(self, path: str) -> None:
        self.page.goto(f"{self.server.url}/{path}")
        self.page.wait_for_selector('[data-testid="stMain"] [data-testid="stElementContainer"]')
        self.page.evaluate(OBSERVER)
        self.page.evaluate("() => { window.__bench.armed = true; window.__bench.ran = true; }")
        self.settle()

    def measure(self, lesson: str, kind: str, label: str, action) -> None:
        cpu0 = self.server.cpu_seconds()
        action()
        self.settle()
        ms = self.page.evaluate("() => window.__bench.last - window.__bench.t0")
        ran = self.page.evaluate("() => window.__bench.ran")
        cpu_ms = (self.server.cpu_seconds() - cpu0) * 1000
        self.samples.append(
            {"lesson": lesson, "kind": kind, "label": label, "ms": ms, "cpu_ms": cpu_ms, "ran": ran}
        )


def visible(locator) -> list:
    return [locator.nth(i) for i in range(locator.count()) if locator.nth(i).is_visible()]


def open_expanders(page) -> None:
    for summary in visible(
        page.locator('[data-testid="stMain"] [data-testid="stExpander"] summary')
    ):
        details = summary.locator("xpath=..")
        if details.get_attribute("open") is None:
            summary.click()
    page.wait_for_timeout(300)


def exercise_sliders(rec: Recorder, lesson: str, rounds: int) -> None:
    main = rec.page.locator('[data-testid="stMain"]')
    for slider in visible(main.locator('[data-testid="stSlider"]')):
        # Streamlit's slider is react-aria: a visually hidden range input per thumb.
        thumb = slider.locator('input[type="range"]').first
        label = thumb.get_attribute("aria-label") or "slider"
        for _ in range(rounds):
            at_top = thumb.evaluate("(e) => Number(e.value) >= Number(e.max)")
            first, second = ("ArrowLeft", "ArrowRight") if at_top else ("ArrowRight", "ArrowLeft")
            for key in (first, second):
                if not slider.is_visible():
                    return
                thumb.focus()
                rec.measure(lesson, "slider", label, lambda k=key: rec.page.keyboard.press(k))


def open_dropdown(page, box) -> bool:
    """Open a selectbox's list; a click that lands during a rerun may not open it, so retry."""
    for _ in range(4):
        box.locator('[role="combobox"]').first.click()
        try:
            page.locator('[role="option"]').first.wait_for(timeout=3_000)
            return True
        except PlaywrightTimeout:
            page.keyboard.press("Escape")
            page.wait_for_timeout(300)
    return False


def exercise_selectboxes(rec: Recorder, lesson: str) -> None:
    page = rec.page
    boxes = visible(page.locator('[data-testid="stMain"] [data-testid="stSelectbox"]'))
    for box in boxes:
        label = box.locator('[role="combobox"]').first.get_attribute("aria-label") or "selectbox"
        for _ in range(2):  # to the next option and back
            if not box.is_visible() or not box.locator('[role="combobox"]').first.is_enabled():
                break
            if not open_dropdown(page, box):
                print(f"  {lesson}: the list of {label!r} did not open; skipped")
                break
            options = page.locator('[role="option"]')
            n = options.count()
            selected = [
                i for i in range(n) if options.nth(i).get_attribute("aria-selected") == "true"
            ]
            current = selected[0] if selected else 0
            target = options.nth((current + 1) % n if n > 1 else 0)
            rec.measure(lesson, "selectbox", label, target.click)


def exercise_buttons(rec: Recorder, lesson: str) -> None:
    page = rec.page
    main = page.locator('[data-testid="stMain"]')
    radios = visible(main.locator('[data-testid="stRadio"]'))
    for name in MAIN_BUTTONS:
        buttons = visible(main.get_by_role("button", name=name, exact=True))
        for button in buttons:
            if not button.is_enabled():
                if name == "Check answer" and radios:
                    # A quiz: choose an answer first (a click that is itself timed), then check.
                    box = button.locator("xpath=ancestor::*[@data-testid='stVerticalBlock'][1]")
                    option = box.locator('[data-testid="stRadio"] label').first
                    if option.is_visible():
                        rec.measure(lesson, "radio", "quiz answer", option.click)
                if not button.is_enabled():
                    continue
            rec.measure(lesson, "button", name, button.click)


def exercise_lesson(rec: Recorder, url_path: str, rounds: int) -> None:
    rec.open(url_path)
    tabs = rec.page.locator('[data-testid="stMain"] [role="tab"]')
    n_tabs = max(1, tabs.count())
    for t in range(n_tabs):
        if tabs.count():
            tabs.nth(t).click()
            # A stateful tab (st.tabs(on_change="rerun")) runs only the open tab's content:
            # wait for that run, not a fixed time, before looking for its controls.
            rec.settle()
        open_expanders(rec.page)
        exercise_sliders(rec, url_path, rounds)
        exercise_selectboxes(rec, url_path)
        exercise_buttons(rec, url_path)


def floor(rec: Recorder, query: str, presses: int) -> list[dict]:
    rec.open(query)
    thumb = rec.page.locator('[data-testid="stSlider"] input[type="range"]').first
    thumb.focus()
    start = len(rec.samples)
    for i in range(presses):
        key = "ArrowRight" if i % 2 == 0 else "ArrowLeft"
        rec.measure("floor", "slider", query or "text", lambda k=key: rec.page.keyboard.press(k))
    return rec.samples[start:]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


def report(samples: list[dict], floors: dict[str, list[dict]]) -> dict:
    floor_ms = statistics.median(s["ms"] for s in floors["text"])
    chart_ms = statistics.median(s["ms"] for s in floors["heatmap"])
    floor_cpu = statistics.median(s["cpu_ms"] for s in floors["text"])
    print(
        f"\nfloor (one slider + text):     median {floor_ms:6.0f} ms, server CPU {floor_cpu:.0f} ms"
    )
    print(f"floor (one 100x100 heatmap):   median {chart_ms:6.0f} ms")
    by_lesson: dict[str, list[dict]] = defaultdict(list)
    for s in samples:
        by_lesson[s["lesson"]].append(s)
    header = (
        f"\n{'lesson':14} {'kind':9} {'n':>3} {'median':>7} {'max':>6} {'x floor':>7} "
        f"{'CPU med':>8}"
    )
    print(header)
    summary = {"floor_ms": floor_ms, "floor_heatmap_ms": chart_ms, "lessons": {}}
    for lesson, rows in by_lesson.items():
        kinds: dict[str, list[dict]] = defaultdict(list)
        for s in rows:
            kinds["button" if s["kind"] == "radio" else s["kind"]].append(s)
        for kind, ks in sorted(kinds.items()):
            ms = [s["ms"] for s in ks]
            cpu = [s["cpu_ms"] for s in ks]
            med = statistics.median(ms)
            print(
                f"{lesson:14} {kind:9} {len(ms):3d} {med:7.0f} {max(ms):6.0f} "
                f"{med / floor_ms:7.2f} {statistics.median(cpu):8.0f}"
            )
        cpu_all = [s["cpu_ms"] for s in rows]
        summary["lessons"][lesson] = {
            "median_ms": statistics.median(s["ms"] for s in rows),
            "max_ms": max(s["ms"] for s in rows),
            "cpu_median_ms": statistics.median(cpu_all),
        }
    for kind in ("slider", "button", "selectbox"):
        ms = [
            s["ms"]
            for s in samples
            if (s["kind"] == kind or (kind == "button" and s["kind"] == "radio"))
        ]
        if ms:
            p50, p95 = percentile(ms, 50), percentile(ms, 95)
            print(
                f"\nall {kind}s ({len(ms)}): p50 {p50:.0f} ms, p95 {p95:.0f} ms "
                f"({p50 / floor_ms:.2f}x / {p95 / floor_ms:.2f}x the floor)"
            )
            summary[f"{kind}_p50"], summary[f"{kind}_p95"] = p50, p95
    ms = [s["ms"] for s in samples]
    cpu = [s["cpu_ms"] for s in samples]
    print(
        f"\nall interactions ({len(ms)}): p50 {percentile(ms, 50):.0f} ms, "
        f"p95 {percentile(ms, 95):.0f} ms; server CPU median {statistics.median(cpu):.0f} ms, "
        f"p95 {percentile(cpu, 95):.0f} ms (targets: p50 <= 200, p95 <= 250, CPU median <= 50)"
    )
    worst = sorted(samples, key=lambda s: -s["ms"])[:8]
    print("slowest:", "; ".join(f"{s['lesson']} {s['label']} {s['ms']:.0f} ms" for s in worst))
    summary.update(
        p50=percentile(ms, 50), p95=percentile(ms, 95), cpu_median=statistics.median(cpu)
    )
    return summary


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lessons", help="comma-separated url paths (default: all)")
    parser.add_argument("--rounds", type=int, default=1, help="right+left presses per slider")
    parser.add_argument("--floor-presses", type=int, default=20)
    parser.add_argument("--json", help="write the samples and the summary here")
    args = parser.parse_args()
    paths = args.lessons.split(",") if args.lessons else [lesson.url_path for lesson in LESSONS]

    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = launch_chromium(pw)
        with running_server("benchmarks/floor_app.py") as floor_server:
            page = browser.new_page(viewport=VIEWPORT)
            rec = Recorder(page, floor_server)
            floor(rec, "", 2)  # warm-up
            floors = {
                "text": floor(rec, "", args.floor_presses),
                "heatmap": floor(rec, "?chart=heatmap", args.floor_presses),
            }
            page.close()
        with running_server("app.py") as server:
            page = browser.new_page(viewport=VIEWPORT)
            page.set_default_timeout(60_000)
            rec = Recorder(page, server)
            for path in paths:
                before = len(rec.samples)
                exercise_lesson(rec, path, args.rounds)
                print(f"{path}: {len(rec.samples) - before} interactions", flush=True)
            page.close()
        browser.close()
    summary = report(rec.samples, floors)
    if args.json:
        Path(args.json).write_text(
            json.dumps({"summary": summary, "samples": rec.samples, "floors": floors}, indent=1)
        )


if __name__ == "__main__":
    main()
