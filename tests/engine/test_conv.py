"""Convolution and pooling: the d2l worked vectors, the lecture's shape formula, and the
vectorised code against the plain-loop definition over random shapes."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from engine.conv import (
    conv2d,
    conv2d_reference,
    coverage,
    normalize_padding,
    output_size,
    pool2d,
    pool2d_reference,
)

# ----------------------------------------------------------------------------- worked vectors


def test_d2l_cross_correlation_example():
    x = np.arange(9.0).reshape(1, 3, 3)
    k = np.array([[0.0, 1.0], [2.0, 3.0]])[None, None]
    expected = [[[19.0, 25.0], [37.0, 43.0]]]
    np.testing.assert_array_equal(conv2d(x, k), expected)
    np.testing.assert_array_equal(conv2d_reference(x, k), expected)


def test_d2l_padding_and_stride_shapes():
    x = np.ones((1, 8, 8))
    assert conv2d(x, np.ones((1, 1, 3, 3)), padding=1).shape == (1, 8, 8)
    assert conv2d(x, np.ones((1, 1, 5, 3)), padding=(2, 1)).shape == (1, 8, 8)
    assert conv2d(x, np.ones((1, 1, 3, 3)), padding=1, stride=2).shape == (1, 4, 4)
    assert conv2d(x, np.ones((1, 1, 3, 5)), padding=(0, 1), stride=(3, 4)).shape == (1, 2, 2)


def test_d2l_multi_input_channels_example():
    x = np.array([[[0, 1, 2], [3, 4, 5], [6, 7, 8]], [[1, 2, 3], [4, 5, 6], [7, 8, 9]]], float)
    k = np.array([[[0, 1], [2, 3]], [[1, 2], [3, 4]]], float)
    np.testing.assert_array_equal(conv2d(x, k[None]), [[[56.0, 72.0], [104.0, 120.0]]])
    # Three filters k, k + 1, k + 2: three output channels, weights (3, 2, 2, 2).
    bank = np.stack([k, k + 1, k + 2])
    out = conv2d(x, bank)
    assert bank.shape == (3, 2, 2, 2) and out.shape == (3, 2, 2)
    np.testing.assert_array_equal(out[0], [[56.0, 72.0], [104.0, 120.0]])
    np.testing.assert_array_equal(out[1], [[76.0, 100.0], [148.0, 172.0]])
    np.testing.assert_array_equal(out[2], [[96.0, 128.0], [192.0, 224.0]])


def test_d2l_1x1_convolution_is_a_matrix_product_over_channels():
    rng = np.random.default_rng(0)
    x, w = rng.normal(size=(3, 3, 3)), rng.normal(size=(2, 3, 1, 1))
    expected = (w[:, :, 0, 0] @ x.reshape(3, -1)).reshape(2, 3, 3)
    np.testing.assert_allclose(conv2d(x, w), expected, rtol=1e-12)


def test_d2l_pooling_examples():
    x = np.arange(9.0).reshape(1, 3, 3)
    np.testing.assert_array_equal(pool2d(x, 2, stride=1), [[[4.0, 5.0], [7.0, 8.0]]])
    np.testing.assert_array_equal(pool2d(x, 2, stride=1, mode="avg"), [[[2.0, 3.0], [5.0, 6.0]]])
    x = np.arange(16.0).reshape(1, 1, 4, 4)
    np.testing.assert_array_equal(pool2d(x, 3), [[[[10.0]]]])  # stride defaults to the window
    np.testing.assert_array_equal(pool2d(x, 3, padding=1, stride=2), [[[[5, 7], [13, 15]]]])
    np.testing.assert_array_equal(
        pool2d(x, (2, 3), stride=(2, 3), padding=(0, 1)), [[[[5, 7], [13, 15]]]]
    )


def test_channels_sum_their_partial_maps_plus_bias():
    rng = np.random.default_rng(1)
    x, w = rng.integers(-3, 4, size=(3, 5, 6)), rng.integers(-2, 3, size=(1, 3, 3, 3))
    partial = [conv2d(x[c : c + 1], w[:, c : c + 1]) for c in range(3)]
    np.testing.assert_array_equal(conv2d(x, w, [5.0]), sum(partial) + 5.0)


# ----------------------------------------------------------------------------- shape formula


@given(
    n=st.integers(1, 40),
    k=st.integers(1, 12),
    s=st.integers(1, 6),
    before=st.integers(0, 5),
    after=st.integers(0, 5),
)
def test_output_size_is_the_lectures_formula(n, k, s, before, after):
    p = before + after
    if k > n + p:
        with pytest.raises(ValueError, match="no window fits"):
            output_size(n, k, stride=s, padding=(before, after))
        return
    assert output_size(n, k, stride=s, padding=(before, after)) == (n - k + p + s) // s
    if before == after:
        assert output_size(n, k, stride=s, padding=before) == (n - k + p + s) // s


def test_output_size_with_dilation_uses_the_spanned_window():
    # A 3-tap kernel with dilation 2 spans 5 positions.
    assert output_size(7, 3, dilation=2) == 3
    assert output_size(5, 3, dilation=2) == 1
    with pytest.raises(ValueError, match="spans 5"):
        output_size(4, 3, dilation=2)


def test_coverage_marks_rows_the_floor_drops():
    # n = 8, k = 3, s = 2: windows at 0, 2, 4 cover rows 0..6; row 7 is never read.
    np.testing.assert_array_equal(coverage(8, 3, stride=2), [True] * 7 + [False])
    # stride larger than the kernel skips rows in the middle too
    np.testing.assert_array_equal(coverage(7, 2, stride=3), [1, 1, 0, 1, 1, 0, 0])
    assert coverage(8, 3, stride=1, padding=1).all()
    # dilation 2 and stride 2: the taps land on even rows only
    np.testing.assert_array_equal(coverage(6, 2, stride=2, dilation=2), [1, 0, 1, 0, 1, 0])


def test_normalize_padding_forms():
    assert normalize_padding(2) == ((2, 2), (2, 2))
    assert normalize_padding((1, 0)) == ((1, 1), (0, 0))
    assert normalize_padding(((0, 1), (2, 3))) == ((0, 1), (2, 3))


# ----------------------------------------------------------------------------- errors


@pytest.mark.parametrize(
    ("kwargs", "x_shape", "w_shape", "message"),
    [
        ({}, (1, 2, 2), (1, 1, 3, 3), "no window fits"),
        ({"padding": 1}, (1, 2, 2), (1, 1, 5, 5), r"padded input is only 4 \(2 \+ 2 padding\)"),
        ({"stride": 0}, (1, 5, 5), (1, 1, 3, 3), "stride must be positive"),
        ({"stride": (1, 0)}, (1, 5, 5), (1, 1, 3, 3), r"stride \(width\) must be positive"),
        ({"dilation": 0}, (1, 5, 5), (1, 1, 3, 3), "dilation must be positive"),
        ({"padding": -1}, (1, 5, 5), (1, 1, 3, 3), "padding must be at least 0"),
        ({"stride": 1.5}, (1, 5, 5), (1, 1, 3, 3), "whole number"),
        ({}, (3, 5, 5), (1, 2, 3, 3), "input has 3 channels but each filter has 2"),
        ({}, (5, 5), (1, 1, 3, 3), r"\(C, H, W\) or \(N, C, H, W\)"),
        ({}, (1, 5, 5), (3, 3), r"\(C_out, C_in, k_h, k_w\)"),
    ],
)
def test_bad_arguments_raise_readable_errors(kwargs, x_shape, w_shape, message):
    with pytest.raises(ValueError, match=message):
        conv2d(np.ones(x_shape), np.ones(w_shape), **kwargs)
    with pytest.raises(ValueError, match=message):
        conv2d_reference(np.ones(x_shape), np.ones(w_shape), **kwargs)


def test_bias_and_dtype_errors():
    with pytest.raises(ValueError, match="one number per filter"):
        conv2d(np.ones((1, 4, 4)), np.ones((2, 1, 3, 3)), b=np.ones(3))
    with pytest.raises(ValueError, match="real numbers"):
        conv2d(np.array([[["a"]]]), np.ones((1, 1, 1, 1)))
    with pytest.raises(ValueError, match="'max' or 'avg'"):
        pool2d(np.ones((4, 4)), 2, mode="sum")
    with pytest.raises(ValueError, match="at most half the window"):
        pool2d(np.ones((4, 4)), 2, padding=2)
    with pytest.raises(ValueError, match="no window fits"):
        pool2d(np.ones((1, 2, 2)), 3)


def test_dtypes_float32_stays_float32_and_integers_become_float64():
    x32 = np.ones((1, 4, 4), np.float32)
    assert conv2d(x32, np.ones((1, 1, 3, 3), np.float32)).dtype == np.float32
    assert conv2d(np.ones((1, 4, 4), int), np.ones((1, 1, 3, 3), int)).dtype == np.float64
    assert pool2d(x32, 2, mode="avg").dtype == np.float32


# ----------------------------------------------------------------------------- properties


@st.composite
def conv_cases(draw):
    batched = draw(st.booleans())
    n = draw(st.integers(1, 3))
    c_in, c_out = draw(st.integers(1, 4)), draw(st.integers(1, 4))
    kh, kw = draw(st.integers(1, 4)), draw(st.integers(1, 4))
    dh, dw = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    sh, sw = draw(st.integers(1, 4)), draw(st.integers(1, 4))
    pads = (
        (draw(st.integers(0, 3)), draw(st.integers(0, 3))),
        (draw(st.integers(0, 3)), draw(st.integers(0, 3))),
    )
    form = draw(st.sampled_from(["full", "per-axis", "int"]))
    padding = {"full": pads, "per-axis": (pads[0][0], pads[1][0]), "int": pads[0][0]}[form]
    pads = normalize_padding(padding)
    span_h, span_w = dh * (kh - 1) + 1, dw * (kw - 1) + 1
    h = draw(st.integers(max(1, span_h - sum(pads[0])), span_h + 12))
    w = draw(st.integers(max(1, span_w - sum(pads[1])), span_w + 12))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, c_in, h, w) if batched else (c_in, h, w))
    weights = rng.normal(size=(c_out, c_in, kh, kw))
    bias = rng.normal(size=c_out) if draw(st.booleans()) else None
    kwargs = {"stride": (sh, sw), "padding": padding, "dilation": (dh, dw)}
    return x, weights, bias, kwargs


@given(conv_cases())
def test_vectorised_conv_equals_the_loop_reference(case):
    x, w, b, kwargs = case
    expected = conv2d_reference(x, w, b, **kwargs)
    got = conv2d(x, w, b, **kwargs)
    assert got.shape == expected.shape
    pads = normalize_padding(kwargs["padding"])
    for axis, (n, k) in enumerate(zip(x.shape[-2:], w.shape[-2:], strict=True)):
        assert got.shape[-2 + axis] == output_size(
            n,
            k,
            stride=kwargs["stride"][axis],
            padding=pads[axis],
            dilation=kwargs["dilation"][axis],
        )
    np.testing.assert_allclose(got, expected, rtol=1e-10, atol=1e-10)


@given(conv_cases())
def test_float32_conv_is_float32_and_close(case):
    x, w, b, kwargs = case
    got = conv2d(x.astype(np.float32), w.astype(np.float32), b, **kwargs)
    assert got.dtype == (np.float32 if b is None else np.float64)
    np.testing.assert_allclose(got, conv2d_reference(x, w, b, **kwargs), rtol=1e-4, atol=1e-4)


@given(
    shape=st.tuples(st.integers(1, 2), st.integers(1, 3), st.integers(1, 12), st.integers(1, 12)),
    size=st.tuples(st.integers(1, 4), st.integers(1, 4)),
    stride=st.none() | st.tuples(st.integers(1, 4), st.integers(1, 4)),
    pad=st.tuples(st.integers(0, 2), st.integers(0, 2)),
    mode=st.sampled_from(["max", "avg"]),
    seed=st.integers(0, 2**32 - 1),
)
def test_vectorised_pool_equals_the_loop_reference(shape, size, stride, pad, mode, seed):
    pad = (min(pad[0], size[0] // 2), min(pad[1], size[1] // 2))
    h, w = shape[2] + 2 * pad[0], shape[3] + 2 * pad[1]
    if size[0] > h or size[1] > w:
        with pytest.raises(ValueError, match="no window fits"):
            pool2d(np.zeros(shape), size, stride=stride, padding=pad, mode=mode)
        return
    x = np.random.default_rng(seed).normal(size=shape)
    got = pool2d(x, size, stride=stride, padding=pad, mode=mode)
    expected = pool2d_reference(x, size, stride=stride, padding=pad, mode=mode)
    np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-12)
    assert np.isfinite(got).all()  # a -inf pad never wins a max


@pytest.mark.parametrize(
    ("x_shape", "w_shape", "kwargs"),
    [
        ((2, 4, 70, 90), (3, 4, 4, 4), {"padding": 1}),
        ((3, 100, 120), (8, 3, 3, 3), {"padding": 1}),
        ((16, 40, 40), (32, 16, 3, 3), {}),
        ((2, 3, 61, 75), (5, 3, 5, 3), {"stride": (2, 3), "padding": ((2, 0), (1, 3))}),
        ((1, 2, 50, 64), (2, 2, 3, 3), {"dilation": (2, 3), "padding": 2}),
    ],
)
def test_larger_images_that_take_several_blocks(x_shape, w_shape, kwargs):
    rng = np.random.default_rng(7)
    x, w, b = rng.normal(size=x_shape), rng.normal(size=w_shape), rng.normal(size=w_shape[0])
    expected = conv2d_reference(x, w, b, **kwargs)
    np.testing.assert_allclose(conv2d(x, w, b, **kwargs), expected, rtol=1e-10, atol=1e-10)
    got32 = conv2d(x.astype(np.float32), w.astype(np.float32), b.astype(np.float32), **kwargs)
    assert got32.dtype == np.float32
    np.testing.assert_allclose(got32, expected, rtol=1e-4, atol=1e-3)
