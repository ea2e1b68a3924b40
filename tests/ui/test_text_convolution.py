"""ui.text.convolution: the lecture's shape formula and inner products, exactly as written."""

from __future__ import annotations

import numpy as np

from engine.conv import conv2d, coverage, output_size
from ui.text.convolution import (
    channel_sum_markdown,
    channels_summary,
    floor_explanation,
    fourth_channel_note,
    inner_product_markdown,
    padding_text,
    pooling_markdown,
    position_heading,
    prediction_verdict,
    shape_markdown,
    window_caption,
)


def test_padding_is_counted_on_both_sides_as_the_lecture_does():
    assert padding_text(0, 0) == "0"
    assert padding_text(1, 1) == r"2 \times 1 = 2"
    assert padding_text(0, 1) == "0 + 1 = 1"


def test_the_d2l_example_shape():
    """d2l: a 3 × 3 input, a 2 × 2 kernel, no padding, stride 1 -> 2 × 2."""
    assert shape_markdown("h", 3, 2, 0, 0, 1) == (
        r"**Rows:** ${p_h = 0}$, $\left\lfloor \dfrac{n_h - k_h + p_h + s_h}{s_h} \right\rfloor"
        r" = \left\lfloor \dfrac{3 - 2 + 0 + 1}{1} \right\rfloor"
        r" = \left\lfloor \dfrac{2}{1} \right\rfloor = \mathbf{2}$"
    )


def test_the_lecture_padding_and_stride_example():
    """8 × 8, 3 × 3 kernel, padding 1 per side, stride 2: ⌊(8 − 3 + 2 + 2)/2⌋ = 4."""
    text = shape_markdown("w", 8, 3, 1, 1, 2)
    assert text.startswith(r"**Columns:** ${p_w = 2 \times 1 = 2}$")
    assert text.endswith(r"= \left\lfloor \dfrac{9}{2} \right\rfloor = \mathbf{4}$")
    assert output_size(8, 3, stride=2, padding=1) == 4


def test_dilation_uses_the_kernel_span():
    text = shape_markdown("h", 5, 3, 0, 1, 1, 2)
    assert text.startswith(
        r"**Rows:** ${k'_h = d_h(k_h - 1) + 1 = 2(3 - 1) + 1 = 5}$ (the dilated kernel's span), "
        r"${p_h = 0 + 1 = 1}$"
    )
    assert r"\dfrac{n_h - k'_h + p_h + s_h}{s_h}" in text
    assert text.endswith(r"\mathbf{2}$")
    assert output_size(5, 3, padding=(0, 1), dilation=2) == 2


def test_every_shape_result_is_the_engines():
    for n in range(1, 9):
        for k in range(1, n + 3):
            for p in range(3):
                for s in range(1, 4):
                    try:
                        out = output_size(n, k, stride=s, padding=p)
                    except ValueError:
                        continue
                    assert shape_markdown("h", n, k, p, p, s).endswith(rf"\mathbf{{{out}}}$")


def test_floor_explanation_names_the_rows_never_read():
    covered = coverage(8, 3, stride=2, padding=1)
    note = floor_explanation("h", 8, 3, 2, 2, covered)
    assert note.startswith("Along the height, (n − k + p)/s = 7/2 is not a whole number")
    assert note.endswith("Never read (rows of the padded input, from 1): 10, in yellow.")
    assert floor_explanation("w", 3, 2, 0, 1, coverage(3, 2)) is None
    skip = floor_explanation("w", 7, 2, 0, 3, coverage(7, 2, stride=3))
    assert "The stride 3 is larger than the window (2), so columns between windows" in skip


def test_inner_product_of_the_d2l_example():
    x = np.arange(9.0).reshape(3, 3)
    k = np.arange(4.0).reshape(2, 2)
    out = conv2d(x[None], k[None, None])[0]
    assert inner_product_markdown(x[:2, :2], k, out[0, 0], 1, 1) == (
        r"$y_{1,1} = 0 \times 0 + 1 \times 1 \\ \quad + 3 \times 2 + 4 \times 3 \\ = 19$"
    )
    assert inner_product_markdown(x[1:, 1:], k, out[1, 1], 2, 2).endswith("= 43$")
    negative = inner_product_markdown(np.array([[-1.0]]), np.array([[-2.0]]), 2.0, 1, 1)
    assert negative == r"$y_{1,1} = (-1) \times (-2) \\ = 2$"  # KaTeX's ASCII minus


def test_headings_and_captions_count_from_one():
    assert position_heading(1, 2, 1, 4) == (
        "##### Output entry (row 1, column 2) · position 2 of 4"
    )
    assert window_caption(1, 2, 2, 3).startswith(
        "The window (pink) starts at padded row 3 = 1 + 1·2, column 7 = 1 + 2·3"
    )


def test_prediction_verdicts():
    assert prediction_verdict((2, 2), (2, 2)).kind == "success"
    wrong = prediction_verdict((2, 3), (2, 2))
    assert wrong.kind == "error"
    assert wrong.text.startswith("You predicted 2 × 3; the output is 2 × 2")
    assert prediction_verdict((None, 2), (2, 2)).kind == "info"


def test_channels_count_parameters_as_the_lecture():
    """AlexNet conv1 in the lecture: 96 × 3 × 11 × 11 weights + 96 biases = 34,944."""
    text = channels_summary(3, 96, 224, 11, 54)
    assert "**Weights W: 96 × 3 × 11 × 11**" in text
    assert "= 34848 weights, plus 96 biases = **34944 parameters**" in text
    assert channels_summary(3, 2, 4, 2, 3).endswith(
        "Input 3 × 4 × 4 → output **2 × 3 × 3**: one output channel per filter."
    )


def test_channel_sum_adds_the_partial_values_and_the_bias():
    text = channel_sum_markdown((0, 1), ("R", "G", "B", "D"), [-1, -7, -8, -7], 2.0, -21.0)
    assert text == (
        r"$y_{1,2} = \sum\limits_{c \in \{R, G, B, D\}} (X_c \star K_c)_{1,2} + b"
        r" = (-1) + (-7) + (-8) + (-7) + 2 = -21$"
    )


def test_pooling_formulas_break_between_entries():
    window = np.array([[10.0, 11.0], [14.0, 15.0]])
    assert pooling_markdown(window, 15.0, "max") == (
        r"$\max(10, \allowbreak 11, \allowbreak 14, \allowbreak 15) = 15$"
    )
    assert pooling_markdown(window, 12.5, "avg") == r"$\dfrac{1}{4}(10 + 11 + 14 + 15) = 12.5$"


def test_the_fourth_channel_is_named_not_numbered():
    assert fourth_channel_note(3) is None
    note = fourth_channel_note(4)
    assert "**D**" in note and "RGB-D" in note and "4th" not in note
