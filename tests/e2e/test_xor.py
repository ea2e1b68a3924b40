"""The XOR lesson as a learner clicks it: run XOR and see it loop; design gates; build XOR."""

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


def pick_radio(page: Page, text: str) -> None:
    page.locator(MAIN).locator('[data-testid="stRadio"] label').filter(has_text=text).first.click()
    wait_idle(page)


def open_xor(page: Page, query: str = "") -> None:
    """Open the page and wait until its last part, the quiz, is drawn: on a loaded machine the
    first script run can start well after the browser has the app shell."""
    open_page(page, "xor" + query)
    expect(page.get_by_role("button", name="Check answer")).to_be_visible(timeout=90_000)
    wait_idle(page)


def test_run_xor_and_see_the_verdict(page):
    open_xor(page)
    assert_no_exception(page)
    main = page.locator(MAIN)
    run = page.get_by_role("button", name="Run the perceptron")
    expect(run).to_be_disabled()  # predict first
    pick_radio(page, "No: it will keep making mistakes forever.")
    click_button(page, "Run the perceptron")
    expect(main.get_by_text("Your prediction was right.")).to_be_visible()
    expect(main.get_by_text("It can never converge.")).to_be_visible()
    expect(main.get_by_text("the method will loop forever")).to_be_visible()
    expect(main.get_by_text("start of epoch 4, (−1, 0, 1)")).to_be_visible()
    # The cycle's four boundaries are in the chart's legend.
    legend = main.locator(".legendtext")
    expect(legend.filter(has_text="1: w⃗ = (−1, 0, 1)")).to_have_count(1)
    expect(legend.filter(has_text="4: w⃗ = (0, 1, 2) (line off the plot)")).to_have_count(1)
    assert_no_exception(page)
    page.mouse.move(0, 0)  # no tooltip over the screenshot
    page.set_viewport_size({"width": 1440, "height": 1500})
    wait_idle(page)
    screenshot(page, "xor")

    # Step through the loop: the browser plays the frames; the title names each step.
    pick_radio(page, "Step through the loop")
    title = main.locator(".gtitle")
    expect(title.first).to_contain_text("Epoch 3, x⃗1 = (0, 0)")
    main.locator(".updatemenu-button").filter(has_text="Play the loop").click()
    expect(title.first).to_contain_text("x⃗4 = (1, 1)")  # the animation reached the last step
    assert_no_exception(page)
    screenshot(page, "xor-steps")


def test_gate_designer_and_xor_from_gates(page):
    page.set_viewport_size({"width": 1440, "height": 1700})  # screenshots show whole tabs
    open_xor(page, "?gate=or")
    page.get_by_role("tab", name="2 · Design a gate").click()
    wait_idle(page)
    main = page.locator(MAIN)
    # Zero weights: OR is wrong on the three rows that should be 1.
    expect(main.get_by_text("1 of 4 rows right")).to_be_visible()
    click_button(page, "Let the perceptron learn it")
    expect(main.get_by_text("The perceptron learned OR from zero weights")).to_be_visible()
    expect(main.get_by_text("this perceptron is a OR gate")).to_be_visible()
    pick_radio(page, "XOR")
    expect(main.get_by_text("Minsky & Papert (1969)")).to_be_visible()
    screenshot(page, "xor-designer")

    page.get_by_role("tab", name="3 · Build XOR from gates").click()
    wait_idle(page)
    expect(main.get_by_text("This network computes XOR.")).to_be_visible()
    # Make the output unit an OR (bias −0.5 instead of −1.5): it breaks.
    bias = page.get_by_role("spinbutton", name="bias b").nth(2)
    bias.fill("-0.5")
    bias.press("Enter")
    wait_idle(page)
    expect(main.get_by_text("Not XOR:")).to_be_visible()
    expect(main.get_by_text("the network now computes always 1")).to_be_visible()
    screenshot(page, "xor-broken")
    click_button(page, "Reset to XOR")
    expect(main.get_by_text("This network computes XOR.")).to_be_visible()

    # Build it from scratch: all weights 0, then OR, NAND and AND loaded into the three units.
    click_button(page, "All weights 0")
    expect(main.get_by_text("the network now computes always 0")).to_be_visible()
    for unit, gate in (("h1", "OR"), ("h2", "NAND"), ("y", "AND")):
        main.get_by_role("combobox", name=f"Load a gate into {unit}").click()
        page.get_by_role("option", name=gate, exact=True).click()
        wait_idle(page)
    expect(main.get_by_text("This network computes XOR.")).to_be_visible()
    answer_quiz(page, "Perceptron can learn XOR function")
    expect(main.get_by_text("Correct:")).to_be_visible()
    assert_no_exception(page)
