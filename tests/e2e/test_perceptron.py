"""The perceptron lesson as a learner clicks it: the lecture's example, step by step."""

import re

from playwright.sync_api import Page, expect

from tests.e2e.helpers import (
    answer_quiz,
    assert_no_exception,
    click_button,
    open_page,
    screenshot,
    wait_idle,
)

MAIN = '[data-testid="stMain"]'


def katex_text(page: Page) -> str:
    return " ".join(page.locator(f"{MAIN} .katex-mathml annotation").all_text_contents())


def test_step_reproduces_the_lecture_trace(page):
    open_page(page, "perceptron")
    assert_no_exception(page)
    screenshot(page, "perceptron-start")
    main = page.locator(MAIN)

    click_button(page, "Step")
    expect(main.get_by_text("Epoch 1, point")).to_be_visible()
    assert r"{1 \times 0} + {2 \times 1} + {(-1) \times 1} = 1" in katex_text(page)
    expect(main.get_by_text("the score is too large, so subtract the point")).to_be_visible()
    expect(main.get_by_text("(1, 1, −2)").first).to_be_visible()
    screenshot(page, "perceptron-step1")

    # x2, x3, x4: scores −1, 1, 1, each a correct prediction.
    for expected in (r"{(-2) \times 1} = -1", r"{(-2) \times 1} = 1", r"{(-2) \times 1} = 1"):
        click_button(page, "Step")
        assert expected in katex_text(page)
        expect(main.get_by_text("Correct prediction, no update.")).to_be_visible()

    click_button(page, "Epoch")
    expect(main.get_by_text("Success!")).to_be_visible()
    expect(main.get_by_text("converged after 2 epochs")).to_be_visible()
    expect(page.get_by_role("button", name="Step", exact=True)).to_be_disabled()
    assert_no_exception(page)
    screenshot(page, "perceptron-converged")

    click_button(page, "Reset")
    expect(main.get_by_text("Press Step to visit")).to_be_visible()


def test_xor_is_declared_not_separable(page):
    open_page(page, "perceptron?dataset=xor&start=zeros")
    click_button(page, "Run to the end")
    expect(page.locator(MAIN).get_by_text("The weights repeat.")).to_be_visible()
    expect(page.locator(MAIN).get_by_text("will loop forever")).to_be_visible()
    assert_no_exception(page)
    screenshot(page, "perceptron-xor")


def test_neuron_sliders_and_quiz(page):
    open_page(page, "perceptron")
    page.get_by_role("tab", name="One neuron").click()
    wait_idle(page)  # the open tab is a setting: opening one runs the page for its content
    assert r"{1 \times 1} + {2 \times 1} + (-1) = 2" in katex_text(page)
    # Drag b to its maximum with the keyboard: the score becomes 1 + 2 + 3 = 6.
    page.get_by_role("slider", name="b").focus()
    page.keyboard.press("End")
    wait_idle(page)
    assert r"{1 \times 1} + {2 \times 1} + 3 = 6" in katex_text(page)
    screenshot(page, "perceptron-neuron")
    answer_quiz(page, "Perceptron can learn XOR function")
    expect(page.locator(MAIN).get_by_text("Correct:")).to_be_visible()
    assert_no_exception(page)


def test_play_animates_until_paused(page):
    open_page(page, "perceptron")
    click_button(page, "Play")
    main = page.locator(MAIN)
    # The timer steps one point every 0.8 s: wait for a later step to appear by itself (any of
    # them: a loaded machine may poll past a single step's 0.8 s on screen).
    expect(main.get_by_text(re.compile(r"step [3-8] of 8"))).to_be_visible(timeout=20_000)
    pause = page.get_by_role("button", name="Pause")
    if pause.count():  # a slow machine may have reached the end (step 8), where Play stops itself
        pause.click()
        wait_idle(page)
    expect(page.get_by_role("button", name="Play")).to_be_visible()
    heading = main.locator("h5").filter(has_text="step").first
    paused_at = heading.inner_text()
    page.wait_for_timeout(2_500)  # three timer periods: a live timer would have moved on
    assert heading.inner_text() == paused_at
    if "step 8 of 8" not in paused_at:
        expect(page.get_by_role("button", name="Step", exact=True)).to_be_enabled()
    assert_no_exception(page)


def test_a_click_on_the_plane_adds_a_point(page):
    open_page(page, "perceptron")
    page.get_by_text("Edit the points").click()
    page.get_by_role("radio", name="add class 1").click()
    wait_idle(page)
    plane = page.locator(".st-key-perceptron_train_chart .nsewdrag")
    plane.scroll_into_view_if_needed()
    markers = page.locator(".st-key-perceptron_train_chart .scatterlayer .point")
    before = markers.count()
    box = plane.bounding_box()
    page.mouse.click(box["x"] + 0.1 * box["width"], box["y"] + 0.1 * box["height"])
    wait_idle(page)
    expect(markers).to_have_count(before + 1)
    expect(page.locator(MAIN).get_by_text("step 0 of", exact=False)).to_be_visible()
    expect(page.locator(MAIN).get_by_text("x5", exact=True)).to_be_visible()
    assert_no_exception(page)
    screenshot(page, "perceptron-clicked-point", full_page=False)
