"""Backpropagation in the browser: step the lecture's graph, practise, answer the quiz."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.e2e.helpers import assert_no_exception, click_button, open_page, screenshot, wait_idle


def open_backprop(page: Page) -> None:
    open_page(page, "backprop")
    # The quiz is the last thing drawn: once it is there the page is complete (plotly.js can
    # take long to load on a busy machine).
    page.get_by_test_id("stRadioOption").first.wait_for(timeout=120_000)


def test_step_the_lecture_example_and_read_the_gradient(page: Page) -> None:
    open_backprop(page)
    assert_no_exception(page)
    expect(page.get_by_text("Backpropagation").first).to_be_visible()
    screenshot(page, "backprop_start")

    for _ in range(3):
        click_button(page, "Forward step ▶")
    expect(page.get_by_text("The forward pass is done")).to_be_visible()
    screenshot(page, "backprop_forward_done")

    for _ in range(3):  # ∂ℓ/∂ℓ, ∂ℓ/∂ŷ, ∂ℓ/∂z
        click_button(page, "Backward step ◀")
    expect(
        page.get_by_role("code").filter(
            has_text="∂ℓ/∂z = upstream × local = −3.7183 × 0.1966 = σ(−1) − 1 ≈ −0.7311"
        )
    ).to_be_visible()
    click_button(page, "Backward step ◀")
    expect(
        page.get_by_role("code").filter(
            has_text="∂ℓ/∂w₁ = upstream × local = −0.7311 × 1 = σ(−1) − 1 ≈ −0.7311"
        )
    ).to_be_visible()
    expect(page.get_by_test_id("stMetricValue").filter(has_text="−0.7311").first).to_be_visible()
    assert_no_exception(page)
    page.set_viewport_size({"width": 1440, "height": 1800})
    screenshot(page, "backprop_dl_dw1")


def test_quiz_answer_and_preset(page: Page) -> None:
    open_backprop(page)
    page.get_by_text("D. 4", exact=True).click()
    wait_idle(page)
    click_button(page, "Check answer")
    expect(page.get_by_text("Correct: D. 4")).to_be_visible()

    click_button(page, "Step through the quiz example")
    click_button(page, "Fill all values")
    for _ in range(4):
        click_button(page, "Backward step ◀")
    expect(
        page.get_by_role("code").filter(has_text="∂ℓ/∂w₁ = upstream × local = 4 × 1 = 4")
    ).to_be_visible()
    assert_no_exception(page)
    page.set_viewport_size({"width": 1440, "height": 2400})
    screenshot(page, "backprop_quiz")


def test_practice_says_which_node_is_wrong(page: Page) -> None:
    open_backprop(page)
    page.get_by_role("tab", name="Practice: your local gradients").click()
    fields = {"∂ℓ/∂ŷ": "-3.7183", "∂ŷ/∂z": "0.25", "∂z/∂w₁": "1", "∂z/∂w₂": "-1"}
    for label, value in fields.items():
        box = page.get_by_label(label, exact=True)
        box.fill(value)
        box.press("Enter")
        wait_idle(page)
    click_button(page, "Check my local gradients")
    # A hint and a second try first (issue 17): the value comes after a second wrong check.
    expect(page.get_by_text("The node ŷ is not right yet")).to_be_visible()
    expect(page.get_by_text("0.1966")).to_have_count(0)
    box = page.get_by_label("∂ŷ/∂z", exact=True)
    box.fill("0.3")
    box.press("Enter")
    wait_idle(page)
    click_button(page, "Check my local gradients")
    expect(page.get_by_text("The node ŷ is wrong")).to_be_visible()
    assert_no_exception(page)
    page.set_viewport_size({"width": 1440, "height": 1800})
    screenshot(page, "backprop_practice")


def test_vanishing_gradients_tab(page: Page) -> None:
    open_backprop(page)
    page.get_by_role("tab", name="Vanishing gradients").click()
    wait_idle(page)
    expect(page.get_by_text("times smaller than at layer 12")).to_be_visible()
    assert_no_exception(page)
    page.set_viewport_size({"width": 1440, "height": 1600})
    screenshot(page, "backprop_vanishing")


def test_an_all_zero_chain_reads_as_zeros(page: Page) -> None:
    """Issue 17: ReLU, w = −3, b = 2, x = −2 drew 60 bars near 0.001 with garbled ticks."""
    open_page(
        page,
        "backprop?backprop_view=vanishing-gradients&backprop_vg_layers=60"
        "&backprop_vg_activation=relu&backprop_vg_w=-3&backprop_vg_b=2&backprop_vg_x=-2",
    )
    page.get_by_test_id("stRadioOption").first.wait_for(timeout=120_000)
    expect(page.get_by_text("The gradient at every layer is exactly 0")).to_be_visible()
    chart = page.get_by_test_id("stPlotlyChart").first
    heights = chart.locator(".bars .point path").evaluate_all(
        "paths => paths.map(p => p.getBBox().height)"
    )
    assert len(heights) == 60 and max(heights) == 0  # no bar drawn: 60 empty points
    expect(chart.locator(".textpoint text").filter(has_text="0")).to_have_count(60)
    assert_no_exception(page)


def test_matrix_form_steps_backward_to_the_weight_gradients(page: Page) -> None:
    """The matrix form opens from its link; Backward step walks the Jacobians down to ∂L/∂W₁,
    Back undoes a step, and every formula is typeset (no KaTeX error)."""
    open_page(page, "backprop?backprop_view=matrix-form")
    page.get_by_test_id("stRadioOption").first.wait_for(timeout=120_000)
    expect(page.get_by_role("tab", name="Matrix form", exact=True)).to_have_attribute(
        "aria-selected", "true"
    )
    expect(page.get_by_text("The forward pass is done")).to_be_visible()
    for _ in range(3):
        click_button(page, "Backward step ◀")
    expect(page.get_by_text("Backward step 3 of 8")).to_be_visible()
    expect(page.get_by_text("outer product", exact=True)).to_be_visible()
    click_button(page, "◀ Back")
    expect(page.get_by_text("Backward step 2 of 8")).to_be_visible()
    for _ in range(5):  # z2 → W2, b2, h1, z1, W1
        click_button(page, "Backward step ◀")
    expect(page.get_by_text("Backward step 7 of 8")).to_be_visible()
    expect(page.get_by_text("in W₁'s own shape, 3 × 2")).to_be_visible()
    click_button(page, "Fill all gradients")
    expect(page.get_by_text("∂L/∂W₁ is 3 × 2 and ∂L/∂W₂ is 2 × 3")).to_be_visible()
    assert page.locator('[data-testid="stMain"] .katex').count() > 20
    expect(page.locator(".katex-error")).to_have_count(0)
    assert "backprop_mx_step=8" in page.url
    assert_no_exception(page)
    screenshot(page, "backprop_matrix")
