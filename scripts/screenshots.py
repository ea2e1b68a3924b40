"""The README's pictures: the lab as it is, one lesson a picture, taken in a real Chromium.

    make screenshots                      # all of them, into docs/
    .venv/bin/python scripts/screenshots.py mlp lenet   # only these

Starts the app as `make run` does (scripts/serve.py on a free port), opens each lesson at
1400 × 900, brings it to a state worth showing (URL settings, a few clicks, some training), waits
until the script is idle and every plotly chart is drawn, and saves the viewport (not the whole
page) as an optimised PNG: a palette of at most 256 colours when that keeps it under SIZE_LIMIT,
else a losslessly compressed one. Fails when a page shows an exception.
"""

from __future__ import annotations

import io
import itertools
import re
import sys
from collections.abc import Callable
from pathlib import Path

from PIL import Image
from playwright.sync_api import Locator, Page, expect, sync_playwright

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.browser import launch_chromium, running_app  # noqa: E402
from tests.e2e.helpers import click_button, open_page, wait_idle  # noqa: E402

DOCS = ROOT / "docs"
VIEWPORT = {"width": 1400, "height": 900}
SIZE_LIMIT = 250_000  # bytes: a README that loads quickly
MAIN = '[data-testid="stMain"]'
ERRORS = '[data-testid="stException"], [data-testid="stAlertContentError"]'


def charts_drawn(page: Page, timeout: float = 30_000) -> None:
    """Every plotly chart on the page has drawn its plot (not just its empty frame)."""
    page.wait_for_function(
        """() => [...document.querySelectorAll('[data-testid="stPlotlyChart"]')].every(
            (el) => el.querySelector('.main-svg .plot, .main-svg .pielayer, .gl-container'))""",
        timeout=timeout,
    )
    page.wait_for_timeout(600)  # plotly's own transitions and web fonts


def scroll_to(page: Page, target: str | Locator, *, above: int = 16) -> None:
    """Scroll Streamlit's main container so that ``target`` (an element or its exact text) is
    ``above`` pixels below the top of the window."""
    if isinstance(target, str):
        target = page.locator(MAIN).get_by_text(target, exact=True).first
    target.scroll_into_view_if_needed()
    target.evaluate(
        """(el, above) => {
            const main = document.querySelector('[data-testid="stMain"]');
            const top = el.getBoundingClientRect().top - main.getBoundingClientRect().top;
            main.scrollBy(0, top - above);
        }""",
        above,
    )
    page.wait_for_timeout(300)


def clear_pointer(page: Page) -> None:
    """No hover label or tooltip in the picture."""
    page.mouse.move(VIEWPORT["width"] - 2, VIEWPORT["height"] - 2)
    page.wait_for_timeout(200)


# One function a picture: it opens its lesson and brings it to the state to show.


def mlp(page: Page) -> None:
    """The hero: a network that has learned the two spirals (the lesson's own spiral start)."""
    open_page(page, "mlp?mlp_dataset=spiral")
    click_button(page, "Play")
    caption = page.locator('[data-testid="mlp-player"] .mlp-caption')
    for _ in range(300):  # Play until the boundary follows the arms: test accuracy >= 95 %
        page.wait_for_timeout(1_000)
        test = re.search(r"test (\d+)%", caption.inner_text())
        if test and int(test.group(1)) >= 95:
            break
    click_button(page, "Pause")
    scroll_to(page, page.get_by_role("button", name="Step", exact=True), above=14)


def perceptron(page: Page) -> None:
    open_page(page, "perceptron")
    for _ in range(5):
        click_button(page, "Step")
    scroll_to(page, "Train it, step by step", above=8)


def backprop(page: Page) -> None:
    open_page(page, "backprop?backprop_step=9")
    scroll_to(page, "Step through the graph", above=8)


def sgd(page: Page) -> None:
    open_page(page, "sgd")
    scroll_to(page, "Learning rate α", above=24)


def convolution(page: Page) -> None:
    open_page(
        page,
        "convolution?conv_nh=5&conv_nw=5&conv_kh=3&conv_kw=3&conv_ph=1&conv_pw=1"
        "&conv_sh=2&conv_sw=2",
    )
    for _ in range(4):
        click_button(page, "Step")
    scroll_to(page, "Stride and padding", above=8)


def filters(page: Page) -> None:
    open_page(page, "filters?filters_view=gabor-filters-alexnet-s-conv1&filters_gabor_n=4")
    # The four filters, what each responds to, and which wins where: from the filters down.
    scroll_to(page, page.get_by_text(re.compile(r"^The 4 filters, 11 × 11")), above=190)


def lenet(page: Page) -> None:
    """A 7 drawn with the mouse, read by a LeNet trained for 3 epochs, layer by layer."""
    open_page(page, "lenet?lenet_epochs=3")
    click_button(page, "Train the network first (3 epochs)")
    expect(page.get_by_text("No trained network yet")).to_have_count(0, timeout=180_000)
    wait_idle(page)
    canvas = page.locator('[data-testid="digit-pad-canvas"]')
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    seven = [(0.28, 0.18), (0.72, 0.18), (0.62, 0.4), (0.45, 0.85)]
    page.mouse.move(box["x"] + seven[0][0] * box["width"], box["y"] + seven[0][1] * box["height"])
    page.mouse.down()
    for (x0, y0), (x1, y1) in itertools.pairwise(seven):
        for t in range(1, 9):
            x, y = x0 + (x1 - x0) * t / 8, y0 + (y1 - y0) * t / 8
            page.mouse.move(box["x"] + x * box["width"], box["y"] + y * box["height"])
    page.mouse.up()
    pad = page.locator('[data-testid="digit-pad"]')
    expect(pad).to_have_attribute("data-prediction", re.compile(r"\d"), timeout=60_000)
    wait_idle(page)
    scroll_to(page, canvas, above=36)  # with the pad's label


# docs/lab.png is the README's hero; the others its gallery.
SHOTS: dict[str, Callable[[Page], None]] = {
    "lab": mlp,
    "perceptron": perceptron,
    "backprop": backprop,
    "sgd": sgd,
    "convolution": convolution,
    "filters": filters,
    "lenet": lenet,
}


def save_png(png: bytes, path: Path) -> int:
    """Write ``png`` as a palette PNG of at most SIZE_LIMIT bytes; returns its size.

    Median cut keeps the UI's pale fills (a success box, the selected page) apart from the
    background; where a photo or heatmaps make that too large, octree with fewer colours.
    """
    image = Image.open(io.BytesIO(png)).convert("RGB")
    tries = [(Image.Quantize.MEDIANCUT, 256)]
    tries += [(Image.Quantize.FASTOCTREE, colors) for colors in (256, 128, 64)]
    for method, colors in tries:
        out = io.BytesIO()
        image.quantize(colors=colors, method=method).save(out, "PNG", optimize=True)
        if out.tell() <= SIZE_LIMIT:
            break
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(out.getvalue())
    return out.tell()


def main(names: list[str]) -> int:
    unknown = [n for n in names if n not in SHOTS]
    if unknown:
        print(f"unknown picture(s) {unknown}; choose from {list(SHOTS)}", file=sys.stderr)
        return 2
    with running_app() as url, sync_playwright() as pw:
        browser = launch_chromium(pw)
        try:
            for name in names or SHOTS:
                page = browser.new_page(viewport=VIEWPORT, base_url=url)
                page.set_default_timeout(45_000)
                SHOTS[name](page)
                wait_idle(page)
                charts_drawn(page)
                clear_pointer(page)
                errors = page.locator(
                    '[data-testid="stException"], [data-testid="stAlertContentError"]'
                )
                if errors.count():
                    print(f"{name}: the page shows an error: {errors.first.inner_text()}")
                    return 1
                path = DOCS / "lab.png" if name == "lab" else DOCS / "gallery" / f"{name}.png"
                size = save_png(page.screenshot(), path)
                print(f"{path.relative_to(ROOT)}  {size / 1000:.0f} kB")
                page.close()
        finally:
            browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
