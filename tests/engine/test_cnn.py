"""The NumPy CNN: every backward pass against central finite differences, and training on digits."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.activations import HIDDEN_ACTIVATIONS, softmax
from engine.cnn import (
    POOLS,
    SGD,
    Activation,
    Conv2D,
    Dense,
    LeNet,
    Pool2D,
    Trainer,
    confusion_matrix,
    softmax_cross_entropy,
)
from engine.conv import conv2d, pool2d
from engine.digits import N_IMAGES, load_digits, split_digits

H = 1e-6


def numeric_grad(f, x: np.ndarray) -> np.ndarray:
    """Central finite differences of the scalar f() in every entry of x (changed in place)."""
    g = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + H
        up = f()
        x[i] = old - H
        down = f()
        x[i] = old
        g[i] = (up - down) / (2 * H)
    return g


def layer_gradcheck(layer, x: np.ndarray, rng: np.random.Generator) -> None:
    """ℓ = Σ r ⊙ layer(x) for a fixed random r: backward(r) must equal ∂ℓ/∂x and ∂ℓ/∂params."""
    r = rng.normal(size=layer.forward(x).shape)

    def loss() -> float:
        return float((layer.forward(x) * r).sum())

    layer.forward(x)
    dx = layer.backward(r)
    analytic = {k: g.copy() for k, g in layer.grads.items()}
    np.testing.assert_allclose(dx, numeric_grad(loss, x), rtol=1e-6, atol=1e-8)
    for name, p in layer.params.items():
        np.testing.assert_allclose(analytic[name], numeric_grad(loss, p), rtol=1e-6, atol=1e-8)


@settings(max_examples=25)
@given(
    n=st.integers(1, 2),
    c=st.integers(1, 3),
    o=st.integers(1, 3),
    k=st.integers(1, 4),
    size=st.integers(4, 7),
    padding=st.integers(0, 2),
    stride=st.integers(1, 3),
    seed=st.integers(0, 2**16),
)
def test_conv_backward_equals_finite_differences(n, c, o, k, size, padding, stride, seed):
    rng = np.random.default_rng(seed)
    conv = Conv2D(c, o, k, padding=padding, stride=stride, std=1.0, rng=rng)
    conv.b[...] = rng.normal(size=o)
    x = rng.normal(size=(n, c, size, size + 1))
    layer_gradcheck(conv, x, rng)


@settings(max_examples=30)
@given(
    n=st.integers(1, 3),
    c=st.integers(1, 3),
    o=st.integers(1, 4),
    k=st.integers(1, 5),
    size=st.integers(5, 9),
    padding=st.integers(0, 2),
    stride=st.integers(1, 3),
    seed=st.integers(0, 2**16),
)
def test_conv_and_pool_forward_equal_engine_conv(n, c, o, k, size, padding, stride, seed):
    """The layers' own forward passes agree with engine.conv's conv2d and pool2d."""
    rng = np.random.default_rng(seed)
    conv = Conv2D(c, o, k, padding=padding, stride=stride, std=1.0, rng=rng)
    conv.b[...] = rng.normal(size=o)
    x = rng.normal(size=(n, c, size, size + 1))
    expected = conv2d(x, conv.W, conv.b, stride=stride, padding=padding)
    np.testing.assert_allclose(conv.forward(x), expected, rtol=1e-10, atol=1e-12)
    for mode in POOLS:
        np.testing.assert_allclose(
            Pool2D(2, mode=mode).forward(x), pool2d(x, 2, mode=mode), rtol=1e-12, atol=1e-14
        )


def test_conv_forward_matches_a_plain_loop():
    rng = np.random.default_rng(1)
    conv = Conv2D(2, 3, 3, padding=1, stride=2, std=1.0, rng=rng)
    conv.b[...] = [0.5, -1.0, 2.0]
    x = rng.normal(size=(2, 2, 5, 6))
    out = conv.forward(x)
    xp = np.pad(x, ((0, 0), (0, 0), (1, 1), (1, 1)))
    expected = np.zeros((2, 3, 3, 3))
    for n in range(2):
        for o in range(3):
            for i in range(3):
                for j in range(3):
                    window = xp[n, :, 2 * i : 2 * i + 3, 2 * j : 2 * j + 3]
                    expected[n, o, i, j] = (window * conv.W[o]).sum() + conv.b[o]
    np.testing.assert_allclose(out, expected, rtol=1e-12)


@pytest.mark.parametrize("mode", POOLS)
@pytest.mark.parametrize("shape", [(2, 3, 4, 4), (1, 2, 5, 7)])
def test_pool_backward_equals_finite_differences(mode, shape):
    rng = np.random.default_rng(2)
    layer_gradcheck(Pool2D(2, mode=mode), rng.normal(size=shape), rng)


def test_pool_values():
    x = np.arange(16.0).reshape(1, 1, 4, 4)
    np.testing.assert_array_equal(Pool2D(2, mode="max").forward(x)[0, 0], [[5, 7], [13, 15]])
    np.testing.assert_array_equal(
        Pool2D(2, mode="avg").forward(x)[0, 0], [[2.5, 4.5], [10.5, 12.5]]
    )


@pytest.mark.parametrize("activation", HIDDEN_ACTIVATIONS)
def test_activation_backward_equals_finite_differences(activation):
    rng = np.random.default_rng(3)
    x = rng.normal(size=(3, 5))
    x[np.abs(x) < 1e-3] = 0.5  # ReLU has no derivative at 0
    layer_gradcheck(Activation(activation), x, rng)


def test_dense_backward_equals_finite_differences():
    rng = np.random.default_rng(4)
    dense = Dense(4, 3, std=1.0, rng=rng, name="fc")
    dense.b[...] = rng.normal(size=3)
    layer_gradcheck(dense, rng.normal(size=(5, 4)), rng)


def test_softmax_cross_entropy_gradient_and_value():
    rng = np.random.default_rng(5)
    logits = rng.normal(size=(4, 3))
    y = np.array([0, 2, 1, 2])
    loss, d = softmax_cross_entropy(logits, y)
    p = softmax(logits)
    assert loss == pytest.approx(-np.mean(np.log(p[np.arange(4), y])))
    np.testing.assert_allclose(
        d, numeric_grad(lambda: softmax_cross_entropy(logits, y)[0], logits), atol=1e-8
    )
    # Huge scores do not overflow.
    big, _ = softmax_cross_entropy(np.array([[1000.0, 0.0]]), np.array([1]))
    assert big == pytest.approx(1000.0)


@pytest.mark.parametrize("activation", HIDDEN_ACTIVATIONS)
@pytest.mark.parametrize("pool", POOLS)
def test_whole_network_gradients_equal_finite_differences(activation, pool):
    net = LeNet(
        input_shape=(1, 8, 8), channels=(2, 3), kernel_sizes=(3, 3), hidden=(5,),
        n_classes=4, activation=activation, pool=pool, seed=7,
    )  # fmt: skip
    rng = np.random.default_rng(8)
    for p in net.params.values():  # non-zero biases so every path is exercised
        p += 0.1 * rng.normal(size=p.shape)
    x = rng.normal(size=(3, 1, 8, 8))
    y = np.array([0, 3, 1])
    analytic = net.gradients(x, y)
    assert analytic.keys() == net.params.keys()
    for name, p in net.params.items():
        np.testing.assert_allclose(
            analytic[name], numeric_grad(lambda: net.loss(x, y), p), rtol=1e-5, atol=1e-7,
            err_msg=name,
        )  # fmt: skip


def test_lenet_shapes_and_parameter_count():
    net = LeNet()
    rows = {r["layer"]: r for r in net.summary()}
    assert rows["conv1"]["output_shape"] == (6, 8, 8)
    assert rows["pool1"]["output_shape"] == (6, 4, 4)
    assert rows["pool2"]["output_shape"] == (16, 2, 2)
    assert rows["flatten"]["output_shape"] == (64,)
    assert rows["conv1"]["params"] == 6 * 25 + 6
    assert rows["conv2"]["params"] == 16 * 6 * 9 + 16
    assert net.n_params == 156 + 880 + (64 * 120 + 120) + (120 * 84 + 84) + (84 * 10 + 10)
    assert net.logits(np.zeros((5, 1, 8, 8))).shape == (5, 10)
    x = np.random.default_rng(0).normal(size=(700, 1, 8, 8))  # more than one batch of 512
    p = net.forward(x)
    np.testing.assert_allclose(p, softmax(net.logits(x)), rtol=1e-12)
    np.testing.assert_allclose(p.sum(axis=1), 1.0)
    np.testing.assert_array_equal(net.predict_proba(x), p)
    np.testing.assert_array_equal(net.predict(x), p.argmax(axis=1))


def test_same_seed_same_weights_and_bad_input_is_refused():
    a, b, c = LeNet(seed=1), LeNet(seed=1), LeNet(seed=2)
    assert all(np.array_equal(a.params[k], b.params[k]) for k in a.params)
    assert not np.array_equal(a.params["conv1.W"], c.params["conv1.W"])
    with pytest.raises(ValueError, match="activation"):
        LeNet(activation="softsign")
    with pytest.raises(ValueError, match="pooling"):
        LeNet(pool="median")
    with pytest.raises(ValueError, match="odd"):
        LeNet(kernel_sizes=(4, 3))
    with pytest.raises(ValueError, match="too small"):
        LeNet(input_shape=(1, 8, 8), channels=(2, 2, 2, 2), kernel_sizes=(3, 3, 3, 3))
    with pytest.raises(ValueError, match="shape"):
        LeNet().forward(np.zeros((2, 1, 7, 8)))


def test_sgd_momentum_update():
    p = {"w": np.array([1.0, -2.0])}
    opt = SGD(p, lr=0.1, momentum=0.5)
    g = {"w": np.array([1.0, 1.0])}
    opt.step(p, g)  # v = -0.1 g
    np.testing.assert_allclose(p["w"], [0.9, -2.1])
    opt.step(p, g)  # v = 0.5 · (-0.1) - 0.1 = -0.15
    np.testing.assert_allclose(p["w"], [0.75, -2.25])


def test_digits_data_and_split():
    images, labels = load_digits()
    assert images.shape == (N_IMAGES, 8, 8) and labels.shape == (N_IMAGES,)
    assert images.min() == 0 and images.max() == 16
    assert np.bincount(labels).tolist() == [178, 182, 177, 183, 181, 182, 181, 179, 174, 180]
    s = split_digits(seed=0)
    assert len(s.y_train) + len(s.y_test) == N_IMAGES
    assert len(s.y_test) == 359
    assert not np.intersect1d(s.test_index, np.setdiff1d(np.arange(N_IMAGES), s.test_index)).size
    assert s.X_train.shape[1:] == (1, 8, 8) and s.X_train.max() == 1.0
    # Stratified: every digit is about 20 % of the test set's own digit count.
    assert np.all(np.abs(np.bincount(s.y_test) - 0.2 * np.bincount(labels)) <= 0.5)
    again = split_digits(seed=0)
    np.testing.assert_array_equal(s.test_index, again.test_index)
    assert not np.array_equal(s.test_index, split_digits(seed=1).test_index)
    with pytest.raises(ValueError, match="between 0 and 1"):
        split_digits(test_size=1.5)


def test_training_reaches_90_percent_in_a_few_epochs():
    s = split_digits(seed=0)
    net = LeNet(seed=0)
    trainer = Trainer(
        net, s.X_train, s.y_train, s.X_test, s.y_test, lr=0.02, batch_size=32, momentum=0.9,
        shuffle_seed=0,
    )  # fmt: skip
    h = trainer.history
    assert h.epoch == [0] and h.test_accuracy[0] < 0.3  # before training: about chance
    trainer.run(until_epoch=5)
    assert trainer.epoch == 5 and h.epoch == [0, 1, 2, 3, 4, 5]
    assert h.iteration == [i * trainer.batches_per_epoch for i in range(6)]
    assert h.test_accuracy[-1] >= 0.90
    assert h.train_loss[-1] < h.train_loss[1]
    assert len(h.step_loss) == 5 * trainer.batches_per_epoch
    cm = confusion_matrix(s.y_test, net.predict(s.X_test))
    assert cm.sum() == len(s.y_test)
    assert np.trace(cm) / cm.sum() == pytest.approx(h.test_accuracy[-1])


def test_training_in_chunks_equals_training_at_once():
    s = split_digits(seed=0)

    def trainer() -> Trainer:
        return Trainer(LeNet(seed=3), s.X_train, s.y_train, s.X_test, s.y_test, shuffle_seed=3)

    whole, chunked = trainer(), trainer()
    whole.run(until_epoch=1)
    while chunked.run(7, until_epoch=1):
        pass
    assert chunked.epoch == 1
    for k, p in whole.model.params.items():
        np.testing.assert_array_equal(p, chunked.model.params[k])
    assert chunked.history.test_accuracy == whole.history.test_accuracy


def test_divergence_is_detected_and_bad_hyperparameters_refused():
    s = split_digits(seed=0)
    trainer = Trainer(LeNet(seed=0), s.X_train, s.y_train, s.X_test, s.y_test, lr=1e6, momentum=0.9)
    trainer.run(until_epoch=3)
    assert trainer.divergence is not None and trainer.epoch < 3
    assert "loss" in trainer.divergence.reason or "overflowed" in trainer.divergence.reason
    assert trainer.run(until_epoch=3) == 0  # stopped for good
    with pytest.raises(ValueError, match="one label per image"):
        Trainer(LeNet(), s.X_train, s.y_train[:-1], s.X_test, s.y_test)
    with pytest.raises(ValueError, match="classes 0 to 9"):
        Trainer(LeNet(), s.X_train, s.y_train, s.X_test, s.y_test + 1)
    for bad in ({"lr": -1.0}, {"lr": float("nan")}, {"momentum": 1.0}, {"batch_size": 0}):
        kwargs = {"lr": 0.01, "momentum": 0.0, "batch_size": 32} | bad
        with pytest.raises(ValueError):
            Trainer(LeNet(), s.X_train, s.y_train, s.X_test, s.y_test, **kwargs)


def test_confusion_matrix_counts():
    m = confusion_matrix(np.array([0, 1, 1, 2]), np.array([0, 2, 1, 2]), n_classes=3)
    np.testing.assert_array_equal(m, [[1, 0, 0], [0, 1, 1], [0, 0, 1]])


def test_overflowing_weights_count_as_divergence():
    s = split_digits(seed=0)
    trainer = Trainer(LeNet(seed=0), s.X_train, s.y_train, s.X_test, s.y_test)
    trainer.model.params["fc3.W"][...] = np.inf
    trainer.run(until_epoch=1)
    assert trainer.divergence is not None and trainer.progress == 0
    assert trainer.divergence.iteration == 1 and "overflowed" in trainer.divergence.reason
