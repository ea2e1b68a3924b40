"""ui.formatting: powers of ten instead of e-notation or SI prefixes, and small numbers that are
never shown as 0.0000."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ui.formatting import power_of_ten, small


@pytest.mark.parametrize(
    ("value", "text", "tex", "html"),
    [
        (2.2496e-8, "2.25 × 10⁻⁸", r"2.25 \times 10^{-8}", "2.25×10<sup>−8</sup>"),
        (-3.2e-4, "−3.2 × 10⁻⁴", r"-3.2 \times 10^{-4}", "−3.2×10<sup>−4</sup>"),
        (1.05e7, "1.05 × 10⁷", r"1.05 \times 10^{7}", "1.05×10<sup>7</sup>"),
        (1e-300, "1 × 10⁻³⁰⁰", r"1 \times 10^{-300}", "1×10<sup>−300</sup>"),
        (0.0, "0", "0", "0"),
    ],
)
def test_power_of_ten(value, text, tex, html):
    assert power_of_ten(value) == text
    assert power_of_ten(value, style="latex") == tex
    assert power_of_ten(value, style="html") == html


def test_small_keeps_four_decimals_where_they_show_the_number():
    assert small(0.659) == "0.6590"
    assert small(-0.99753) == "−0.9975"
    assert small(0.0012) == "0.0012"
    assert small(0.0) == small(-0.0) == "0.0000"
    assert small(9.9e-4) == "9.9 × 10⁻⁴"
    assert small(-2e-9, style="latex") == r"-2 \times 10^{-9}"


@given(st.floats(min_value=-1e6, max_value=1e6).filter(lambda v: v != 0))
def test_small_never_shows_a_non_zero_number_as_zero(value):
    assert small(value).lstrip("−").strip("0.") != ""


def test_an_unknown_style_is_refused():
    with pytest.raises(ValueError, match="Unknown style"):
        power_of_ten(1.0, style="roman")
