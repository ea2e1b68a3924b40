"""engine.sgd: the two-weight logistic model, its gradients, and the three ways to descend."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.sgd import (
    DEFAULT_START,
    DIVERGE_FACTOR,
    MAX_POINTS,
    W_LIMIT,
    compare,
    critical_learning_rate,
    epoch_batches,
    gradient,
    hessian,
    iterations_per_epoch,
    loss,
    loss_surface,
    losses_at,
    make_data,
    minimum,
    run,
)

X100, Y100 = make_data(100)
weights = st.tuples(st.floats(-6, 6), st.floats(-6, 6))


def plain_loss(w, X, y) -> float:
    """The lecture's formula, term by term: −y log p − (1 − y) log(1 − p), p = σ(⟨w, x⟩)."""
    total = 0.0
    for (x1, x2), label in zip(X, y, strict=True):
        p = 1 / (1 + math.exp(-(w[0] * x1 + w[1] * x2)))
        total += -label * math.log(p) - (1 - label) * math.log(1 - p)
    return total / len(y)


def central_gradient(f, w, h=1e-5) -> np.ndarray:
    w = np.asarray(w, dtype=float)
    out = np.zeros_like(w)
    for i in range(len(w)):
        e = np.zeros_like(w)
        e[i] = h
        out[i] = (f(w + e) - f(w - e)) / (2 * h)
    return out


# -- the data --------------------------------------------------------------------------------------


def test_data_is_fixed_balanced_and_nested():
    X, y = make_data(100)
    assert X.shape == (100, 2) and y.shape == (100,)
    assert y.sum() == 50
    X2, _ = make_data(100)
    np.testing.assert_array_equal(X, X2)
    X_all, y_all = make_data(MAX_POINTS)
    np.testing.assert_array_equal(X_all[:100], X)  # more points only adds points
    np.testing.assert_array_equal(y_all[:100], y)


@pytest.mark.parametrize("n", [1, 0, MAX_POINTS + 1, 2.5, "ten"])
def test_data_size_out_of_range_is_a_readable_error(n):
    with pytest.raises(ValueError, match="number of points"):
        make_data(n)


# -- loss, gradient, Hessian -----------------------------------------------------------------------


@settings(max_examples=40)
@given(w=st.tuples(st.floats(-3, 3), st.floats(-3, 3)), n=st.integers(2, 30))
def test_loss_matches_the_lecture_formula(w, n):
    # |z| stays below ~20 here, where the plain formula's log(1 − p) is still accurate.
    X, y = make_data(n)
    assert loss(w, X, y) == pytest.approx(plain_loss(w, X, y), rel=1e-7, abs=1e-12)


@settings(max_examples=40)
@given(w=weights, n=st.integers(2, 60))
def test_gradient_equals_central_finite_differences(w, n):
    X, y = make_data(n)
    numeric = central_gradient(lambda v: loss(v, X, y), w)
    np.testing.assert_allclose(gradient(w, X, y), numeric, rtol=1e-5, atol=1e-7)


@settings(max_examples=30)
@given(w=weights)
def test_hessian_equals_finite_differences_of_the_gradient(w):
    numeric = np.column_stack(
        [central_gradient(lambda v, i=i: gradient(v, X100, Y100)[i], w) for i in range(2)]
    )
    np.testing.assert_allclose(hessian(w, X100, Y100), numeric, rtol=1e-5, atol=1e-7)


def test_losses_at_many_weights_and_the_surface_agree_with_one_at_a_time():
    W = np.array([[0.0, 0.0], [1.0, -2.0], [-3.0, 4.0]])
    np.testing.assert_allclose(losses_at(W, X100, Y100), [loss(w, X100, Y100) for w in W])
    assert loss([0, 0], X100, Y100) == pytest.approx(math.log(2))
    w1, w2, Z = loss_surface(X100, Y100, (-1, 1), (0, 3), resolution=11)
    assert Z.shape == (11, 11)
    assert Z[4, 7] == pytest.approx(loss((w1[7], w2[4]), X100, Y100))


def test_loss_stays_finite_far_out():
    assert math.isfinite(loss([W_LIMIT * 20, -W_LIMIT * 20], X100, Y100))
    assert np.all(np.isfinite(gradient([1e4, 1e4], X100, Y100)))


def test_minimum_has_zero_gradient_and_is_lowest():
    w_star = minimum(X100, Y100)
    assert np.abs(gradient(w_star, X100, Y100)).max() < 1e-10
    rng = np.random.default_rng(0)
    nearby = w_star + rng.normal(scale=0.3, size=(50, 2))
    assert np.all(losses_at(nearby, X100, Y100) > loss(w_star, X100, Y100))


def test_separable_data_has_no_minimum():
    X = np.array([[1.0, 1.0], [2.0, 0.5], [-1.0, -1.0], [-0.5, -2.0]])
    y = np.array([1, 1, 0, 0])
    with pytest.raises(ValueError, match="no finite minimum"):
        minimum(X, y)


# -- epochs and iterations -------------------------------------------------------------------------


@given(n=st.integers(1, 500), b=st.integers(1, 600))
def test_iterations_per_epoch_is_ceil_n_over_b(n, b):
    assert iterations_per_epoch(n, b) == -(-n // min(b, n))


@settings(max_examples=60)
@given(n=st.integers(1, 200), b=st.integers(1, 200), seed=st.integers(0, 2**32 - 1))
def test_an_epoch_partitions_the_data(n, b, seed):
    batches = epoch_batches(n, b, np.random.default_rng(seed))
    assert len(batches) == iterations_per_epoch(n, b)
    sizes = [len(batch) for batch in batches]
    assert all(s == min(b, n) for s in sizes[:-1])
    assert sizes[-1] == (n % b or min(b, n)) if b <= n else sizes == [n]
    assert sorted(np.concatenate(batches).tolist()) == list(range(n))  # each point exactly once


def test_sampling_each_iteration_may_repeat_points_across_batches():
    batches = epoch_batches(100, 10, np.random.default_rng(0), sampling="sample")
    assert len(batches) == 10
    assert all(len(set(batch.tolist())) == 10 for batch in batches)
    assert len(set(np.concatenate(batches).tolist())) < 100  # some points seen twice, some never
    with pytest.raises(ValueError, match="Unknown sampling"):
        epoch_batches(10, 2, np.random.default_rng(0), sampling="shuffle")


def test_trajectory_lengths_count_iterations_not_epochs():
    runs = compare(X100, Y100, DEFAULT_START, lr=0.5, batch_size=30, epochs=3, seed=1)
    assert [runs[m].iterations for m in ("gd", "minibatch", "sgd")] == [3, 3 * 4, 3 * 100]
    assert runs["minibatch"].iterations_per_epoch == 4  # batches of 30, 30, 30, 10
    for t in runs.values():
        assert t.weights.shape == (t.iterations + 1, 2)
        assert t.losses.shape == t.epochs.shape == (t.iterations + 1,)
        assert t.epochs[-1] == 3
        np.testing.assert_array_equal(t.weights[0], DEFAULT_START)
        assert not t.diverged and t.diverged_at is None


# -- descending ------------------------------------------------------------------------------------


@settings(max_examples=30)
@given(w0=weights, n=st.integers(5, 100))
def test_full_batch_gd_decreases_the_loss_for_a_small_learning_rate(w0, n):
    X, y = make_data(n)
    # L is (1/4) λ_max(XᵀX / n)-smooth; any α ≤ 1/L decreases the loss at every step.
    smooth = 0.25 * np.linalg.eigvalsh(X.T @ X / n).max()
    t = run(X, y, w0, lr=1 / smooth, batch_size=n, epochs=20)
    assert np.all(np.diff(t.losses) <= 1e-12)
    assert t.loss_rises == 0


def test_gd_converges_below_the_critical_rate_and_bounces_above_it():
    crit = critical_learning_rate(X100, Y100)
    w_star = minimum(X100, Y100)
    slow = run(X100, Y100, w_star + 0.01, lr=0.9 * crit, batch_size=100, epochs=30)
    assert np.abs(slow.weights[-1] - w_star).max() < 1e-3
    fast = run(X100, Y100, w_star + 0.01, lr=1.1 * crit, batch_size=100, epochs=30)
    assert np.abs(fast.weights[-1] - w_star).max() > 0.05  # the minimum repels it
    assert fast.loss_rises > 0


def reference_single_sample(X, y, w0, lr, epochs, seed):
    """The lecture's update with b = 1, written plainly with NumPy: one point per iteration."""
    rng = np.random.default_rng(seed)
    w = np.array(w0, dtype=float)
    path = [w]
    for _ in range(epochs):
        for i in rng.permutation(len(y)):
            p = 1 / (1 + np.exp(-(X[i] @ w)))
            w = w - lr * (p - y[i]) * X[i]
            path.append(w)
    return np.array(path)


def reference_minibatch(X, y, w0, lr, b, epochs, seed):
    rng = np.random.default_rng(seed)
    w = np.array(w0, dtype=float)
    path = [w]
    for _ in range(epochs):
        perm = rng.permutation(len(y))
        for start in range(0, len(y), b):
            idx = perm[start : start + b]
            p = 1 / (1 + np.exp(-(X[idx] @ w)))
            w = w - lr * (X[idx].T @ (p - y[idx])) / len(idx)
            path.append(w)
    return np.array(path)


@settings(max_examples=20)
@given(seed=st.integers(0, 10**6), lr=st.floats(0.01, 3), b=st.integers(1, 40))
def test_runs_equal_a_plain_reference(seed, lr, b):
    X, y = make_data(40)
    t = run(X, y, DEFAULT_START, lr=lr, batch_size=b, epochs=2, seed=seed)
    ref = (
        reference_single_sample(X, y, DEFAULT_START, lr, 2, seed)
        if b == 1
        else reference_minibatch(X, y, DEFAULT_START, lr, b, 2, seed)
    )
    np.testing.assert_allclose(t.weights, ref, rtol=1e-10, atol=1e-12)


def test_same_seed_same_trajectory_other_seed_other_trajectory():
    a = run(X100, Y100, DEFAULT_START, lr=0.5, batch_size=10, epochs=3, seed=7)
    b = run(X100, Y100, DEFAULT_START, lr=0.5, batch_size=10, epochs=3, seed=7)
    c = run(X100, Y100, DEFAULT_START, lr=0.5, batch_size=10, epochs=3, seed=8)
    np.testing.assert_array_equal(a.weights, b.weights)
    assert not np.array_equal(a.weights, c.weights)
    gd = [run(X100, Y100, DEFAULT_START, lr=0.5, batch_size=100, epochs=3, seed=s) for s in (1, 2)]
    np.testing.assert_array_equal(gd[0].weights, gd[1].weights)  # no randomness in full batch


@pytest.mark.parametrize("lr", [40.0, 100.0])
def test_too_large_a_learning_rate_diverges_and_stops_with_finite_numbers(lr):
    runs = compare(X100, Y100, DEFAULT_START, lr=lr, batch_size=10, epochs=10, seed=0)
    assert runs["sgd"].diverged and runs["minibatch"].diverged
    for t in runs.values():
        assert np.all(np.isfinite(t.weights)) and np.all(np.isfinite(t.losses))
        assert np.abs(t.weights).max() <= W_LIMIT
        if t.diverged:
            assert t.diverged_at == t.iterations < t.planned_iterations
            limit = DIVERGE_FACTOR * max(t.losses[0], math.log(2))
            too_far = np.abs(t.weights[-1]).max() >= W_LIMIT
            assert t.losses[-1] > limit or too_far
            assert np.all(t.losses[:-1] <= limit)  # stopped at the first step past the limit


def test_small_learning_rate_never_diverges():
    runs = compare(X100, Y100, DEFAULT_START, lr=0.05, batch_size=10, epochs=5, seed=0)
    assert not any(t.diverged for t in runs.values())
    assert all(t.losses[-1] < t.losses[0] for t in runs.values())


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"lr": 0.0}, "learning rate"),
        ({"lr": float("nan")}, "learning rate"),
        ({"lr": 1e9}, "learning rate"),
        ({"batch_size": 0}, "batch size"),
        ({"epochs": 0}, "epochs"),
        ({"epochs": 1000}, "epochs"),
        ({"w0": (float("nan"), 0.0)}, "weights"),
        ({"w0": (1.0, 2.0, 3.0)}, "weights"),
    ],
)
def test_bad_settings_are_readable_errors(kwargs, match):
    args = {"lr": 0.5, "batch_size": 10, "epochs": 2, "w0": DEFAULT_START} | kwargs
    w0 = args.pop("w0")
    with pytest.raises(ValueError, match=match):
        run(X100, Y100, w0, **args)


def test_bad_data_is_a_readable_error():
    with pytest.raises(ValueError, match="0 or 1"):
        loss([0, 0], X100, np.full(100, 2))
    with pytest.raises(ValueError, match="one label per point"):
        loss([0, 0], X100, Y100[:10])
    with pytest.raises(ValueError, match="shape"):
        loss([0, 0], np.zeros((3, 3)), np.zeros(3))


def test_until_an_epoch_keeps_the_iterations_done_by_then():
    runs = compare(X100, Y100, DEFAULT_START, lr=0.5, batch_size=30, epochs=3, seed=1)
    for t in runs.values():
        assert t.until(3).iterations == t.iterations
        assert t.until(0).iterations == 0
    assert runs["gd"].until(1.5).iterations == 1  # one full-batch step per epoch
    assert runs["minibatch"].until(1.5).iterations == 6  # 4 per epoch: 1.5 epochs = 6 updates
    assert runs["sgd"].until(1.5).iterations == 150
    half = runs["sgd"].until(0.5)
    np.testing.assert_array_equal(half.weights, runs["sgd"].weights[:51])
    assert half.epochs[-1] == 0.5
    with pytest.raises(ValueError, match="epoch"):
        runs["gd"].until(-1)
