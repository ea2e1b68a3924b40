"""Activations and losses: plain formulas where those are safe, finite values where they are not."""

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from engine.activations import (
    ACTIVATION_LABELS,
    ACTIVATIONS,
    HIDDEN_ACTIVATIONS,
    get_activation,
    log_sigmoid,
    log_softmax,
    logsumexp,
    sigmoid,
    softmax,
)
from engine.losses import (
    binary_cross_entropy,
    binary_cross_entropy_with_logits,
    binary_cross_entropy_with_logits_grad,
    cross_entropy,
    cross_entropy_with_logits,
    cross_entropy_with_logits_grad,
    one_hot,
    squared_loss,
    squared_loss_grad,
)

RTOL, ATOL = 1e-9, 1e-12
moderate = st.floats(-30, 30, allow_nan=False)
any_finite = st.floats(-1e300, 1e300, allow_nan=False)


def score_rows(elements=moderate, max_k=6):
    return st.integers(1, 5).flatmap(
        lambda n: st.integers(2, max_k).flatmap(
            lambda k: arrays(np.float64, (n, k), elements=elements)
        )
    )


# ----------------------------------------------------------------------------- activations


@given(moderate)
def test_sigmoid_matches_the_plain_formula(z):
    assert sigmoid(z) == pytest.approx(1 / (1 + math.exp(-z)), rel=RTOL, abs=ATOL)
    assert log_sigmoid(z) == pytest.approx(math.log(1 / (1 + math.exp(-z))), rel=1e-9, abs=1e-12)


@given(any_finite)
def test_sigmoid_is_finite_and_in_range_everywhere(z):
    with np.errstate(over="raise", invalid="raise"):  # no overflow on the way either
        s = sigmoid(z)
        ls = log_sigmoid(z)
    assert 0.0 <= s <= 1.0
    assert math.isfinite(ls) and ls <= 0.0


def test_sigmoid_at_extremes_and_types():
    assert sigmoid(0) == 0.5
    assert sigmoid(1000.0) == 1.0
    assert sigmoid(-1000.0) == 0.0
    assert sigmoid(np.inf) == 1.0 and sigmoid(-np.inf) == 0.0
    assert log_sigmoid(-1000.0) == -1000.0
    assert isinstance(sigmoid(1.0), float)
    assert sigmoid(np.array([-1.0, 1.0])).shape == (2,)
    assert sigmoid(2.0) + sigmoid(-2.0) == pytest.approx(1.0, abs=1e-15)


def test_the_activation_table_is_the_lectures_formulas():
    z = np.array([-30.0, -2.0, 0.0, 0.5, 3.0, 700.0])
    expected = {"relu": np.maximum(z, 0), "tanh": np.tanh(z), "sigmoid": sigmoid(z)}
    for name, act in ACTIVATIONS.items():
        np.testing.assert_allclose(act(z), expected[name], rtol=1e-12, atol=1e-16)
        assert act(z).dtype == np.float64 and not np.shares_memory(act(z), z)
        z32 = z.astype(np.float32)  # the boundary pictures' precision stays float32
        assert act.apply(z32, np.empty_like(z32)).dtype == np.float32
    assert HIDDEN_ACTIVATIONS == ("relu", "sigmoid", "tanh")
    assert ACTIVATION_LABELS == {"relu": "ReLU", "sigmoid": "sigmoid σ", "tanh": "tanh"}
    assert get_activation("tanh") is ACTIVATIONS["tanh"]
    for bad in ("softplus", None, ["relu"]):
        with pytest.raises(ValueError, match="Unknown activation"):
            get_activation(bad)


@given(st.sampled_from(HIDDEN_ACTIVATIONS), st.floats(-6, 6))
def test_derivative_from_the_output_equals_central_difference(name, z):
    if name == "relu" and abs(z) < 1e-4:
        return  # the kink: no derivative there
    act, h = ACTIVATIONS[name], 1e-6
    numeric = (act(np.array([z + h])) - act(np.array([z - h])))[0] / (2 * h)
    derivative = act.derivative_from_output(act(np.array([z])))[0]
    assert derivative == pytest.approx(numeric, rel=1e-6, abs=1e-8)


@given(score_rows())
def test_softmax_rows_are_distributions_and_match_the_plain_formula(f):
    p = softmax(f)
    assert np.all(p >= 0)
    np.testing.assert_allclose(p.sum(axis=1), 1.0, rtol=0, atol=1e-12)
    plain = np.exp(f) / np.exp(f).sum(axis=1, keepdims=True)
    np.testing.assert_allclose(p, plain, rtol=RTOL, atol=ATOL)
    np.testing.assert_allclose(log_softmax(f), np.log(plain), rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(logsumexp(f), np.log(np.exp(f).sum(axis=1)), rtol=RTOL, atol=ATOL)


@given(score_rows(elements=any_finite))
def test_softmax_never_nan_for_huge_scores(f):
    with np.errstate(over="raise", invalid="raise"):
        p = softmax(f)
        lp = log_softmax(f)
    assert np.all(np.isfinite(p))
    np.testing.assert_allclose(p.sum(axis=1), 1.0, rtol=0, atol=1e-12)
    assert not np.any(np.isnan(lp)) and np.all(lp <= 0)


@given(score_rows(), moderate)
def test_softmax_ignores_a_common_shift_and_keeps_the_order(f, c):
    np.testing.assert_allclose(softmax(f + c), softmax(f), rtol=1e-9, atol=1e-12)
    p = softmax(f)
    for row_f, row_p in zip(f, p, strict=True):
        order = np.argsort(row_f, kind="stable")
        assert np.all(np.diff(row_p[order]) >= -1e-15)  # larger f_i, larger p_i


def test_softmax_edge_cases():
    assert softmax([1000.0, 0.0]).tolist() == [1.0, 0.0]
    assert softmax(np.array([[1.0, 1.0, 1.0, 1.0]])).tolist() == [[0.25] * 4]
    assert logsumexp([-np.inf, -np.inf]) == -np.inf
    assert logsumexp([1000.0, 1000.0]) == pytest.approx(1000 + math.log(2))
    np.testing.assert_allclose(softmax(np.array([[1.0, 2.0], [3.0, 4.0]]), axis=0).sum(axis=0), 1)
    with pytest.raises(ValueError, match="vector"):
        softmax(1.0)
    with pytest.raises(ValueError, match="at least one"):
        softmax(np.zeros((2, 0)))


# ----------------------------------------------------------------------------- losses


def test_lecture_cross_entropy_example_and_quiz():
    # The slide: softmax says (0.2, 0.8), the true label is the second class: −log 0.8.
    assert cross_entropy([0.2, 0.8], 1) == pytest.approx(-math.log(0.8), rel=1e-15)
    assert cross_entropy([0.2, 0.8], [0.0, 1.0]) == pytest.approx(-math.log(0.8), rel=1e-15)
    # Binary cross-entropy is the k = 2 cross-entropy of (1 − p, p): both are −log p_y.
    assert binary_cross_entropy(0.8, 1) == pytest.approx(-math.log(0.8), rel=1e-15)
    assert binary_cross_entropy(0.8, 0) == pytest.approx(-math.log(0.2), rel=1e-12)
    # Quiz: the label is class 3 of 5, so only p_3 matters.
    p = np.array([0.01, 0.90, 0.05, 0.03, 0.01])
    assert cross_entropy(p, 2) == pytest.approx(-math.log(0.05), rel=1e-15)


@given(
    st.integers(1, 6).flatmap(
        lambda n: st.tuples(
            arrays(np.float64, n, elements=moderate),
            arrays(np.int64, n, elements=st.integers(0, 1)),
        )
    )
)
def test_bce_from_logits_equals_bce_of_sigmoid(args):
    f, y = args
    # −log σ(f) = log(1 + e^(−f)) and −log(1 − σ(f)) = log(1 + e^f): the plain formula, written
    # without the cancellation of 1 − p (which loses every digit once p rounds to 1).
    plain = np.where(y == 1, np.log1p(np.exp(-f)), np.log1p(np.exp(f)))
    from_logits = binary_cross_entropy_with_logits(f, y, reduction="none")
    np.testing.assert_allclose(from_logits, plain, rtol=1e-9, atol=1e-12)
    # From probabilities it agrees while 1 − p still has digits left.
    ok = np.abs(f) < 15
    p = 1 / (1 + np.exp(-f[ok]))
    np.testing.assert_allclose(
        binary_cross_entropy(p, y[ok], reduction="none"), plain[ok], rtol=1e-6, atol=1e-9
    )
    np.testing.assert_allclose(
        binary_cross_entropy_with_logits(f, y), plain.mean(), rtol=1e-7, atol=1e-9
    )


@given(
    st.integers(1, 5).flatmap(
        lambda n: st.integers(2, 5).flatmap(
            lambda k: st.tuples(
                arrays(np.float64, (n, k), elements=moderate),
                arrays(np.int64, n, elements=st.integers(0, k - 1)),
            )
        )
    )
)
def test_cross_entropy_from_logits_equals_from_probabilities(args):
    f, y = args
    p = softmax(f)
    from_logits = cross_entropy_with_logits(f, y, reduction="none")
    from_probs = cross_entropy(p, y, reduction="none")
    np.testing.assert_allclose(from_logits, from_probs, rtol=1e-7, atol=1e-9)
    np.testing.assert_allclose(from_logits, -np.log(p[np.arange(len(y)), y]), rtol=1e-7, atol=1e-9)
    assert cross_entropy_with_logits(f, y) == pytest.approx(
        from_logits.mean(), rel=1e-12, abs=1e-12
    )
    assert cross_entropy_with_logits(f, y, reduction="sum") == pytest.approx(
        from_logits.sum(), rel=1e-12, abs=1e-12
    )
    # Labels and one-hot targets are the same thing.
    np.testing.assert_allclose(
        cross_entropy_with_logits(f, one_hot(y, f.shape[1]), reduction="none"),
        from_logits,
        rtol=1e-12,
        atol=1e-12,
    )


def test_losses_stay_finite_for_huge_logits():
    f = np.array([1000.0, -1000.0, 1e300, -1e300])
    y = np.array([0, 1, 1, 0])
    losses = binary_cross_entropy_with_logits(f, y, reduction="none")
    np.testing.assert_allclose(losses, [1000.0, 1000.0, 0.0, 0.0])
    f2 = np.array([[1000.0, 0.0, -1000.0], [0.0, 0.0, 1e300]])
    out = cross_entropy_with_logits(f2, [2, 2], reduction="none")
    np.testing.assert_allclose(out, [2000.0, 0.0])
    assert np.all(np.isfinite(cross_entropy_with_logits_grad(f2, [2, 2])))
    # From probabilities a certain, wrong answer honestly costs +inf (and never NaN).
    assert binary_cross_entropy(0.0, 1) == np.inf
    assert binary_cross_entropy(0.0, 0) == 0.0
    assert cross_entropy([1.0, 0.0], 1) == np.inf
    assert cross_entropy([1.0, 0.0], 0) == 0.0


@given(
    st.integers(1, 4).flatmap(
        lambda n: st.integers(2, 4).flatmap(
            lambda k: st.tuples(
                arrays(np.float64, (n, k), elements=st.floats(-5, 5)),
                arrays(np.int64, n, elements=st.integers(0, k - 1)),
            )
        )
    )
)
def test_loss_gradients_equal_central_differences(args):
    f, y = args
    h = 1e-6
    grad = cross_entropy_with_logits_grad(f, y)
    numeric = np.zeros_like(f)
    for idx in np.ndindex(f.shape):
        fp, fm = f.copy(), f.copy()
        fp[idx] += h
        fm[idx] -= h
        numeric[idx] = (
            cross_entropy_with_logits(fp, y, reduction="sum")
            - cross_entropy_with_logits(fm, y, reduction="sum")
        ) / (2 * h)
    np.testing.assert_allclose(grad, numeric, rtol=1e-5, atol=1e-7)

    fb, yb = f[:, 0], (y > 0).astype(float)
    gb = binary_cross_entropy_with_logits_grad(fb, yb)
    nb = (
        binary_cross_entropy_with_logits(fb + h, yb, reduction="none")
        - binary_cross_entropy_with_logits(fb - h, yb, reduction="none")
    ) / (2 * h)
    np.testing.assert_allclose(gb, nb, rtol=1e-5, atol=1e-7)


def test_squared_loss():
    assert squared_loss([1.0, 3.0], [0.0, 1.0]) == 2.5
    assert squared_loss([1.0, 3.0], [0.0, 1.0], reduction="sum") == 5.0
    assert squared_loss([[1.0, 2.0]], [[0.0, 0.0]], reduction="none").tolist() == [5.0]
    assert squared_loss_grad(0.5, 1.0) == -1.0
    with pytest.raises(ValueError, match="same shape"):
        squared_loss([1.0], [1.0, 2.0])


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: binary_cross_entropy([1.2], [1]), "between 0 and 1"),
        (lambda: binary_cross_entropy([0.5], [2]), "0 or 1"),
        (lambda: binary_cross_entropy([0.5, 0.5], [1]), "one label per prediction"),
        (lambda: binary_cross_entropy_with_logits([np.nan], [1]), "finite"),
        (lambda: cross_entropy([[0.5, 0.5]], [2]), "between 0 and 1"),
        (lambda: cross_entropy([[0.5, 0.5]], [0.5]), "whole numbers"),
        (lambda: cross_entropy([[0.5, 0.5]], [0, 1]), "one class label per sample"),
        (lambda: cross_entropy([[0.5, 0.5]], [[0.7, 0.7]]), "probability vector"),
        (lambda: cross_entropy(0.5, 0), "vector of class probabilities"),
        (lambda: cross_entropy_with_logits([[1.0, np.inf]], [0]), "finite"),
        (lambda: cross_entropy_with_logits([[1.0, 2.0]], [0], reduction="max"), "reduction"),
        (lambda: one_hot([0], 0), "at least one class"),
    ],
)
def test_bad_input_gets_a_readable_message(call, message):
    with pytest.raises(ValueError, match=message):
        call()
