"""Backpropagation in matrix form: against finite differences, engine.graph's scalar autodiff,
the MLP engine, and the product of its own Jacobians."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from engine.backprop import chain_gradients
from engine.backprop_matrix import ORDER, draw_params, matrix_backprop, vanishing_chain
from engine.graph import Value
from engine.mlp import MLP

PARAMS = ("W1", "b1", "W2", "b2")


@st.composite
def small_networks(draw):
    d, m = draw(st.integers(1, 3)), draw(st.integers(1, 4))
    loss = draw(st.sampled_from(["squared", "bce"]))
    k = 1 if loss == "bce" else draw(st.integers(1, 2))
    activation = draw(st.sampled_from(["relu", "sigmoid", "tanh"]))
    rng = np.random.default_rng(draw(st.integers(0, 2**16)))
    args = {
        "x": rng.normal(size=d), "W1": rng.normal(size=(m, d)), "b1": rng.normal(size=m),
        "W2": rng.normal(size=(k, m)), "b2": rng.normal(size=k),
        "y": rng.integers(0, 2, size=k).astype(float) if loss == "bce" else rng.normal(size=k),
    }  # fmt: skip
    return args, activation, loss


def run(args: dict, **settings):
    """matrix_backprop on a flat dict of x, y, W1, b1, W2, b2."""
    params = [(args["W1"], args["b1"]), (args["W2"], args["b2"])]
    return matrix_backprop(args["x"], args["y"], params, **settings)


def scalar_graph(args: dict, activation: str, loss: str):
    """The same network built from engine.graph Values, one node per number."""
    nodes = {name: np.vectorize(Value, otypes=[object])(args[name]) for name in PARAMS}
    x, y = args["x"], args["y"]
    z1 = [sum((w * xi for w, xi in zip(row, x, strict=True)), b) for row, b in
          zip(nodes["W1"], nodes["b1"], strict=True)]  # fmt: skip
    h1 = [getattr(z, activation)() for z in z1]
    z2 = [sum((w * h for w, h in zip(row, h1, strict=True)), b) for row, b in
          zip(nodes["W2"], nodes["b2"], strict=True)]  # fmt: skip
    if loss == "squared":
        L = sum(((f - t) ** 2 for f, t in zip(z2, y, strict=True)), Value(0.0))
    else:
        f = z2[0].sigmoid()
        L = -y[0] * f.log() - (1 - y[0]) * (1 - f).log()
    L.backward()
    return L, nodes, z1, h1


@settings(max_examples=60, deadline=None)
@given(small_networks())
def test_gradients_equal_finite_differences_and_scalar_autodiff(case):
    args, activation, loss = case
    res = run(args, activation=activation, loss=loss)
    if activation == "relu":  # a finite difference across the kink measures nothing
        assume(np.all(np.abs(res.values["z1"]) > 1e-4))
    assume(loss != "bce" or 1e-6 < res.values["f"][0] < 1 - 1e-6)

    def L(**changed):
        return run({**args, **changed}, activation=activation, loss=loss).values["L"]

    h = 1e-6
    for name in PARAMS:
        for idx in np.ndindex(args[name].shape):
            up, down = args[name].copy(), args[name].copy()
            up[idx] += h
            down[idx] -= h
            numeric = (L(**{name: up}) - L(**{name: down})) / (2 * h)
            assert res.grads[name][idx] == pytest.approx(numeric, rel=1e-4, abs=1e-6)

    graph_L, nodes, z1, h1 = scalar_graph(args, activation, loss)
    assert res.values["L"] == pytest.approx(graph_L.data, rel=1e-12, abs=1e-12)
    for name in PARAMS:
        autodiff = np.vectorize(lambda v: v.grad)(nodes[name])
        np.testing.assert_allclose(res.grads[name], autodiff, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(res.grads["z1"], [v.grad for v in z1], rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(res.grads["h1"], [v.grad for v in h1], rtol=1e-9, atol=1e-12)


@settings(max_examples=60, deadline=None)
@given(small_networks())
def test_each_gradient_is_the_product_of_its_jacobian_chain(case):
    args, activation, loss = case
    res = run(args, activation=activation, loss=loss)
    for name, upstream in ORDER:
        J = res.jacobians[name]
        assert (J.of, J.wrt) == (upstream, name)
        rows = 1 if upstream == "L" else np.size(res.values[upstream])
        assert J.matrix.shape == (rows, np.size(res.values[name]))
        np.testing.assert_allclose(res.product(name), res.grads[name], rtol=1e-10, atol=1e-12)
        assert res.grads[name].shape == np.shape(res.values[name])
    assert [J.wrt for J in res.chain("W1")] == ["f", "z2", "h1", "z1", "W1"]


def test_the_numbers_of_a_small_example_by_hand():
    # x = (1, −1), one hidden ReLU unit pair, one linear output, squared loss.
    params = [([[1.0, 2.0], [0.5, -1.0]], [0.0, 0.0]), ([[1.0, -2.0]], [0.5])]
    res = matrix_backprop([1.0, -1.0], 1.0, params, activation="relu")
    np.testing.assert_array_equal(res.values["z1"], [-1.0, 1.5])  # W1 x
    np.testing.assert_array_equal(res.values["h1"], [0.0, 1.5])
    np.testing.assert_array_equal(res.values["f"], [-2.5])  # 0 − 3 + 0.5
    assert res.values["L"] == 12.25  # (−2.5 − 1)²
    np.testing.assert_array_equal(res.grads["f"], [-7.0])  # 2 (f − y)
    np.testing.assert_array_equal(res.grads["W2"], [[0.0, -10.5]])  # δ h1ᵀ
    np.testing.assert_array_equal(res.grads["h1"], [-7.0, 14.0])  # W2ᵀ δ
    np.testing.assert_array_equal(res.grads["z1"], [0.0, 14.0])  # the first unit is off
    np.testing.assert_array_equal(res.grads["W1"], [[0.0, 0.0], [14.0, -14.0]])  # δ1 xᵀ
    np.testing.assert_array_equal(
        res.jacobians["W1"].matrix, [[1.0, -1.0, 0.0, 0.0], [0.0, 0.0, 1.0, -1.0]]
    )  # I ⊗ xᵀ


@settings(max_examples=30, deadline=None)
@given(small_networks())
def test_it_agrees_with_the_mlp_engine_which_stores_W_transposed(case):
    args, activation, loss = case
    if loss != "squared" or len(args["y"]) != 1:
        return
    d, m = args["W1"].shape[1], args["W1"].shape[0]
    model = MLP([d, m, 1], activation=activation, output="linear")
    model.params = [(args["W1"].T.copy(), args["b1"].copy()), (args["W2"].T.copy(), args["b2"])]
    res = run(args, activation=activation)
    (dW1, db1), (dW2, db2) = model.gradients(args["x"][None, :], args["y"])
    np.testing.assert_allclose(dW1, res.grads["W1"].T, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(db1, res.grads["b1"], rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(dW2, res.grads["W2"].T, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(db2, res.grads["b2"], rtol=1e-9, atol=1e-12)


def test_the_vanishing_chain_is_a_product_of_layer_factors():
    factors = vanishing_chain(10, activation="sigmoid", w=1.0, x=1.0)
    assert [(J.of, J.wrt) for J in factors[:2]] == [("h10", "h9"), ("h9", "h8")]
    assert all(J.matrix.shape == (1, 1) and 0 < J.matrix[0, 0] <= 0.25 for J in factors)
    product = math.prod(J.matrix[0, 0] for J in factors)
    assert product == pytest.approx(chain_gradients(10, activation="sigmoid").grad_h[0])
    assert product < 0.25**10


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"W1": [[1.0, 2.0, 3.0]]}, "do not chain"),
        ({"x": [[1.0, 2.0]]}, "must be a vector"),
        ({"b2": [np.nan]}, "finite"),
        ({"loss": "hinge"}, "Unknown loss"),
        ({"activation": "step"}, "Unknown activation"),
        ({"loss": "bce", "y": 2.0}, "label y in"),
        ({"loss": "bce", "W2": [[800.0, 800.0]]}, "smaller weights"),
    ],
)
def test_bad_settings_raise_a_readable_error(change, message):
    args = {"x": [1.0, -1.0], "y": 1.0, "W1": [[1.0, 2.0], [0.5, -1.0]], "b1": [0.0, 1.0],
            "W2": [[1.0, -2.0]], "b2": [0.5]}  # fmt: skip
    settings = {k: change.pop(k) for k in ("loss", "activation") if k in change}
    with pytest.raises(ValueError, match=message):
        run({**args, **change}, **settings)
    with pytest.raises(ValueError, match="two layers"):
        matrix_backprop([1.0], 1.0, [([[1.0]], [0.0])])


def test_drawn_weights_are_halves_in_the_lecture_orientation():
    (W1, b1), (W2, b2) = draw_params(2, 3, 2, seed=5)
    assert (W1.shape, b1.shape, W2.shape, b2.shape) == ((3, 2), (3,), (2, 3), (2,))
    for arr, bound in ((W1, 2), (b1, 1), (W2, 2), (b2, 1)):
        assert np.all(np.abs(arr) <= bound) and np.all(arr * 2 == np.round(arr * 2))
    again = draw_params(2, 3, 2, seed=5)
    drawn = (W1, b1, W2, b2)
    assert all(np.array_equal(a, b) for a, b in zip(drawn, (*again[0], *again[1]), strict=True))
    other = draw_params(2, 3, 2, seed=6)
    assert not np.array_equal(W1, other[0][0])
    matrix_backprop([1.0, -1.0], [0.0, 1.0], [(W1, b1), (W2, b2)])  # they chain
    with pytest.raises(ValueError, match="whole numbers"):
        draw_params(2, 0, 1)
