"""ui.text.filters: the shape formula with a picture's numbers, the flat-picture note, the
custom kernel's URL text."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from engine.conv import output_size
from ui.text.filters import (
    flat_picture_message,
    kernel_from_text,
    kernel_to_text,
    map_title,
    picture_caption,
    pool_caption,
    shape_markdown,
    upload_error,
)


def test_the_cat_with_stride_2_and_same_padding():
    """300 × 451 pixels, 3 × 3 kernel, padding 1, stride 2: ⌊(300 − 3 + 2 + 2)/2⌋ = 150."""
    out = (output_size(300, 3, stride=2, padding=1), output_size(451, 3, stride=2, padding=1))
    assert out == (150, 226)
    assert shape_markdown((300, 451), (3, 3), stride=2, padding=1, out=out) == (
        r"$\left\lfloor \dfrac{300 - 3 + 2 + 2}{2} \right\rfloor \times "
        r"\left\lfloor \dfrac{451 - 3 + 2 + 2}{2} \right\rfloor = {150 \times 226}$"
    )
    assert pool_caption(*out) == "Then 2 × 2 max pooling (stride 2): 75 × 113."


def test_captions_and_the_upload_error():
    assert picture_caption("the sample “Cat”", 451, 300, scaled_to=None) == (
        "Filtering the sample “Cat”: 451 × 300 pixels."
    )
    assert picture_caption("x", 512, 256, scaled_to=512).endswith(
        "(scaled down to at most 512 a side)."
    )
    error = upload_error("cut.jpg", "The image data is damaged.")
    assert error.kind == "error" and error.text.startswith("**cut.jpg** could not be used.")


def test_a_flat_picture_is_explained_and_a_real_one_is_not():
    grey = np.full((3, 2, 2), 0.5)
    note = flat_picture_message(grey)
    assert note is not None and note.kind == "info"
    assert "all its 2 × 2 pixels are (R, G, B) = (128, 128, 128)" in note.text
    one_step = grey.copy()
    one_step[0, 0, 0] += 1 / 255  # one grey level is already a pattern to detect
    assert flat_picture_message(one_step) is None


def test_a_constant_map_says_so_in_its_title():
    assert map_title("Sobel x", np.zeros((3, 4))) == "Sobel x (= 0 everywhere)"
    assert map_title("Box blur", np.full((2, 2), 1.5)) == "Box blur (= 1.5 everywhere)"
    assert map_title("Sobel y", np.array([[0.0, 1.0]])) == "Sobel y"


def test_the_kernel_text_round_trips():
    kernel = ((1.0, 0.0, -1.0), (2.0, 0.0, -2.0), (1.0, 0.0, -1.0))
    assert kernel_to_text(kernel) == "1,0,-1;2,0,-2;1,0,-1"
    assert kernel_from_text(kernel_to_text(kernel)) == kernel
    assert kernel_from_text("") == ()
    ninth = kernel_from_text(kernel_to_text(((1 / 9,) * 3,) * 3))
    assert ninth[0][0] == 0.111111  # six significant digits: the link's precision


@pytest.mark.parametrize(
    "junk", ["1,2;3,4", "1,2,3;4,5,6", "a,b,c;1,2,3;1,2,3", "inf,0,0;0,0,0;0,0,0", "1e999", "é"]
)
def test_junk_is_not_a_kernel(junk):
    with pytest.raises(ValueError):
        kernel_from_text(junk)


@given(
    st.integers(3, 5)
    .filter(lambda n: n != 4)
    .flatmap(
        lambda n: st.lists(
            st.lists(st.floats(-1e6, 1e6, allow_nan=False), min_size=n, max_size=n),
            min_size=n,
            max_size=n,
        )
    )
)
def test_any_kernel_survives_its_own_text(rows):
    """What the page stores is what a link gives back (the helper's validity check)."""
    stored = kernel_from_text(kernel_to_text(tuple(map(tuple, rows))))
    assert kernel_from_text(kernel_to_text(stored)) == stored
