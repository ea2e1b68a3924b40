"""The MLP engine: shapes, backpropagation against finite differences, training, JSON, watchdog."""

import json
import math
import re

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from engine.activations import softmax
from engine.datasets import make_dataset
from engine.losses import binary_cross_entropy, cross_entropy
from engine.mlp import MLP, Trainer, init_params


def pre_activations(model: MLP, X: np.ndarray) -> list[np.ndarray]:
    """Every hidden layer's z = h W + b, computed the plain way."""
    zs, h = [], X
    for W, b in model.params[:-1]:
        z = h @ W + b
        zs.append(z)
        h = {"relu": np.maximum(z, 0), "tanh": np.tanh(z), "sigmoid": 1 / (1 + np.exp(-z))}[
            model.activation
        ]
    return zs


@st.composite
def networks(draw, *, outputs=("auto", "linear")):
    """A small network of either kind (classification, or regression with output="linear"),
    with inputs and labels (or target values) to match."""
    d = draw(st.integers(1, 3))
    hidden = draw(st.lists(st.integers(1, 5), min_size=0, max_size=3))
    output = draw(st.sampled_from(outputs))
    k = 1 if output == "linear" else draw(st.sampled_from([1, 2, 3]))
    activation = draw(st.sampled_from(["relu", "sigmoid", "tanh"]))
    seed = draw(st.integers(0, 2**16))
    n = draw(st.integers(1, 6))
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d))
    y = rng.normal(size=n) if output == "linear" else rng.integers(0, max(k, 2), size=n)
    return MLP([d, *hidden, k], activation=activation, seed=seed, output=output), X, y


@given(networks())
def test_gradients_equal_central_finite_differences(case):
    model, X, y = case
    if model.activation == "relu":
        # A finite difference across ReLU's kink measures no derivative: keep away from it.
        assume(all(np.all(np.abs(z) > 1e-3) for z in pre_activations(model, X)))
    grads = model.gradients(X, y)
    h = 1e-6
    for (W, b), (dW, db) in zip(model.params, grads, strict=True):
        assert dW.shape == W.shape and db.shape == b.shape
        for arr, grad in ((W, dW), (b, db)):
            for idx in np.ndindex(arr.shape):
                old = arr[idx]
                arr[idx] = old + h
                up = model.loss(X, y)
                arr[idx] = old - h
                down = model.loss(X, y)
                arr[idx] = old
                assert grad[idx] == pytest.approx((up - down) / (2 * h), rel=1e-4, abs=1e-7)


@given(networks(outputs=("auto",)))
def test_forward_is_the_lectures_formulas(case):
    model, X, y = case
    h = X
    for W, b in model.params[:-1]:
        z = h @ W + b
        h = {"relu": np.maximum(z, 0), "tanh": np.tanh(z), "sigmoid": 1 / (1 + np.exp(-z))}[
            model.activation
        ]
    W, b = model.params[-1]
    f = h @ W + b
    p = model.forward(X)
    if model.n_outputs == 1:
        np.testing.assert_allclose(p, 1 / (1 + np.exp(-f[:, 0])), rtol=1e-9, atol=1e-12)
        assert p.shape == (len(X),)
        expected = binary_cross_entropy(np.clip(p, 1e-300, 1 - 1e-16), y)
        assert model.loss(X, y) == pytest.approx(expected, rel=1e-6, abs=1e-9)
    else:
        np.testing.assert_allclose(p, softmax(f), rtol=1e-9, atol=1e-12)
        np.testing.assert_allclose(p.sum(axis=1), 1.0, rtol=0, atol=1e-12)
        assert model.loss(X, y) == pytest.approx(cross_entropy(p, y), rel=1e-6, abs=1e-9)
    np.testing.assert_array_equal(
        model.predict(X), (p > 0.5).astype(int) if p.ndim == 1 else p.argmax(axis=1)
    )


def test_contract_shapes_and_initialisation():
    model = MLP([2, 8, 8, 3], activation="relu", seed=3)
    assert [W.shape for W, _ in model.params] == [(2, 8), (8, 8), (8, 3)]
    assert all(np.all(b == 0) for _, b in model.params)
    assert model.n_params == 2 * 8 + 8 + 8 * 8 + 8 + 8 * 3 + 3
    # He for ReLU, Glorot for tanh: the spread of a big layer's weights shows which.
    big_relu = init_params([400, 400, 1], activation="relu", seed=0)[0][0]
    big_tanh = init_params([400, 400, 1], activation="tanh", seed=0)[0][0]
    assert big_relu.std() == pytest.approx(math.sqrt(2 / 400), rel=0.02)
    assert big_tanh.std() == pytest.approx(math.sqrt(2 / 800), rel=0.02)
    assert model.forward(np.zeros((5, 2))).shape == (5, 3)
    assert MLP([2, 1]).forward(np.zeros((4, 2))).shape == (4,)


def test_same_seed_same_network_and_same_run():
    X, y = make_dataset("moons", n=60, noise=0.1, seed=1)
    runs = []
    for _ in range(2):
        model = MLP([2, 6, 1], activation="tanh", seed=7)
        trainer = Trainer(model, X, y, lr=0.3, batch_size=8, shuffle_seed=5)
        trainer.run(50)
        runs.append((model.params, trainer.history.train_loss))
    for (W1, b1), (W2, b2) in zip(runs[0][0], runs[1][0], strict=True):
        np.testing.assert_array_equal(W1, W2)
        np.testing.assert_array_equal(b1, b2)
    assert runs[0][1] == runs[1][1]
    other = MLP([2, 6, 1], activation="tanh", seed=8)
    assert not np.array_equal(
        other.params[0][0], MLP([2, 6, 1], activation="tanh", seed=7).params[0][0]
    )


def test_xor_is_learned_by_two_hidden_units():
    X, y = make_dataset("xor")
    model = MLP([2, 2, 1], activation="tanh", seed=0)
    assert not np.array_equal(model.predict(X), y)
    trainer = Trainer(model, X, y, lr=0.5, batch_size=4)
    trainer.run(3000)
    np.testing.assert_array_equal(model.predict(X), y)
    assert model.loss(X, y) < 0.01
    assert trainer.divergence is None


def test_three_classes_learned_and_loss_falls():
    X, y = make_dataset("blobs", n=150, seed=0)
    model = MLP([2, 16, 3], activation="relu", seed=0)
    trainer = Trainer(model, X, y, lr=0.1, batch_size=16)
    trainer.run_epochs(30)
    assert trainer.history.train_loss[-1] < trainer.history.train_loss[0] / 3
    assert trainer.history.train_accuracy[-1] > 0.95
    assert trainer.epoch == 30 and trainer.iteration == 30 * 10


def test_step_returns_the_loss_before_and_descends():
    X, y = make_dataset("gaussian", n=40, seed=2)
    model = MLP([2, 4, 1], seed=1)
    before = model.loss(X, y)
    assert model.step(X, y, 0.1) == pytest.approx(before)
    assert model.loss(X, y) < before


def test_no_nan_for_huge_logits():
    model = MLP([2, 3, 1], seed=0)
    model.params[-1][0][:] *= 1e6
    X = np.array([[5.0, 5.0], [-5.0, 3.0], [4.0, -6.0]])
    p = model.forward(X)
    assert np.all(np.isfinite(p)) and np.all((p >= 0) & (p <= 1))
    assert math.isfinite(model.loss(X, [0, 1, 0]))
    assert all(np.all(np.isfinite(g)) for pair in model.gradients(X, [0, 1, 0]) for g in pair)
    multi = MLP([2, 3, 4], seed=0)
    multi.params[-1][0][:] *= 1e8
    assert math.isfinite(multi.loss(X, [0, 3, 1]))
    np.testing.assert_allclose(multi.forward(X).sum(axis=1), 1.0, atol=1e-12)


def test_watchdog_pauses_a_diverging_run_and_keeps_healthy_weights():
    X, y = make_dataset("spiral", n=100, noise=0.05, seed=0)
    model = MLP([2, 32, 32, 1], activation="relu", seed=0)
    trainer = Trainer(model, X, y, lr=10.0, batch_size=5)
    before = [W.copy() for W, _ in model.params]
    kept = trainer.run(500)
    assert kept == 0 and trainer.divergence is not None
    assert "loss" in trainer.divergence.reason or "weight" in trainer.divergence.reason
    for (W, _), W0 in zip(model.params, before, strict=True):
        np.testing.assert_array_equal(W, W0)  # rolled back: no NaN reaches a chart
    assert trainer.run(10) == 0  # paused until the learner changes something
    assert all(math.isfinite(v) for v in trainer.history.train_loss)


@st.composite
def training_runs(draw):
    """A network, a data set and a run split into chunks of steps, as the page runs them."""
    hidden = draw(st.lists(st.integers(1, 6), min_size=0, max_size=6))
    output = draw(st.sampled_from(["auto", "linear"]))
    k = 1 if output == "linear" else draw(st.sampled_from([1, 2, 4]))
    activation = draw(st.sampled_from(["relu", "sigmoid", "tanh"]))
    seed = draw(st.integers(0, 2**16))
    n = draw(st.integers(1, 40))
    batch = draw(st.integers(1, 12))  # often not a divisor of n: a short last batch
    chunks = draw(st.lists(st.integers(1, 25), min_size=1, max_size=4))
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 2))
    y = rng.normal(size=n) if output == "linear" else rng.integers(0, max(k, 2), size=n)
    return [2, *hidden, k], activation, output, seed, X, y, batch, chunks


@given(training_runs())
def test_trainer_steps_equal_the_plain_step_one_batch_at_a_time(case):
    """Trainer.run's fused loop (engine.mlp_fused) against MLP._step on the same batches, for
    every output unit: sigmoid, softmax and the linear one of a regression."""
    sizes, activation, output, seed, X, y, batch, chunks = case
    lr = 0.05 if output == "linear" else 0.2
    fused = MLP(sizes, activation=activation, seed=seed, output=output)
    plain = fused.copy()
    trainer = Trainer(fused, X, y, lr=lr, batch_size=batch, shuffle_seed=seed)
    with np.errstate(all="ignore"):
        losses = [
            plain._step(trainer.X_train[idx], trainer.y_train[idx], lr)
            for idx in map(trainer._batch, range(sum(chunks)))
        ]
    # A squared loss can blow up at any learning rate (the watchdog's own test covers that):
    # the property here is for runs the watchdog lets through.
    assume(all(loss <= trainer.loss_limit for loss in losses))
    for chunk in chunks:
        assert trainer.run(chunk) == chunk
    assert trainer.iteration == sum(chunks)
    for (W1, b1), (W2, b2) in zip(fused.params, plain.params, strict=True):
        np.testing.assert_allclose(W1, W2, rtol=1e-9, atol=1e-12)
        np.testing.assert_allclose(b1, b2, rtol=1e-9, atol=1e-12)


def test_trainer_writes_into_the_models_arrays_and_follows_replaced_weights():
    X, y = make_dataset("moons", n=30, noise=0.1, seed=0)
    model = MLP([2, 5, 3, 1], activation="tanh", seed=3)
    W0 = model.params[0][0]
    trainer = Trainer(model, X, y, lr=0.5, batch_size=7)
    trainer.run(4)
    assert model.params[0][0] is W0  # updated in place, like MLP.step
    imported = MLP([2, 5, 3, 1], activation="tanh", seed=9)
    model.params = [(W.copy(), b.copy()) for W, b in imported.params]  # e.g. a JSON import
    reference = imported.copy()
    trainer.run(3)
    for it in range(4, 7):
        idx = trainer._batch(it)
        reference._step(trainer.X_train[idx], trainer.y_train[idx], 0.5)
    for (W1, _), (W2, _) in zip(model.params, reference.params, strict=True):
        np.testing.assert_allclose(W1, W2, rtol=1e-12)


def test_a_copied_trainer_trains_its_own_weights():
    import copy

    X, y = make_dataset("moons", n=30, noise=0.1, seed=0)
    trainer = Trainer(MLP([2, 4, 1], activation="tanh", seed=1), X, y, lr=0.5, batch_size=5)
    trainer.run(3)
    twin = copy.deepcopy(trainer)
    before = trainer.model.params[0][0].copy()
    twin.run(10)
    np.testing.assert_array_equal(trainer.model.params[0][0], before)
    trainer.run(10)
    np.testing.assert_allclose(trainer.model.params[0][0], twin.model.params[0][0], rtol=1e-12)


def test_watchdog_stops_at_the_first_exploding_batch():
    X, y = make_dataset("spiral", n=60, noise=0.05, seed=0)
    model = MLP([2, 16, 3], activation="relu", seed=0)
    trainer = Trainer(model, X, y, lr=10.0, batch_size=4)
    plain = model.copy()
    first_bad = None
    with np.errstate(all="ignore"):
        for it in range(200):
            idx = trainer._batch(it)
            loss = plain._step(trainer.X_train[idx], trainer.y_train[idx], 10.0)
            if not loss <= trainer.loss_limit:
                first_bad = it + 1
                break
    assert first_bad is not None
    assert trainer.run(200) == 0
    assert trainer.divergence.iteration == first_bad
    assert "exploded" in trainer.divergence.reason or "NaN" in trainer.divergence.reason


@given(networks(outputs=("auto",)))
def test_boundary_probabilities_in_single_precision_match_forward(case):
    model, X, _ = case
    probs = model.predict_proba(X, dtype=np.float32)
    np.testing.assert_allclose(model.predict_proba(X), probs, atol=2e-6)
    assert probs.dtype == np.float32 and probs.shape == (len(X), model.n_classes)
    exact = model.forward(X)
    exact = np.column_stack([1 - exact, exact]) if exact.ndim == 1 else exact
    np.testing.assert_allclose(probs, exact, atol=2e-6)  # far below a colour step, 1/255


def test_boundary_probabilities_stay_finite_when_float32_overflows():
    X = np.array([[5.0, 5.0], [-5.0, 3.0], [4.0, -6.0], [0.1, 0.2]])
    for sizes in ([2, 3, 3, 1], [2, 3, 3, 4]):
        for activation in ("relu", "sigmoid", "tanh"):
            model = MLP(sizes, activation=activation, seed=0)
            for W, _ in model.params:
                W *= 1e20  # products near 1e41: beyond float32 (3.4e38), fine in float64
            probs = model.predict_proba(X, dtype=np.float32)
            assert np.all(np.isfinite(probs)) and np.all((probs >= 0) & (probs <= 1))
            np.testing.assert_allclose(probs.sum(axis=1), 1.0, atol=1e-6)
            exact = model.forward(X)
            exact = np.column_stack([1 - exact, exact]) if exact.ndim == 1 else exact
            np.testing.assert_allclose(probs, exact, atol=1e-6)
    with pytest.raises(ValueError, match="shape"):
        MLP([2, 1]).predict_proba(np.zeros((3, 3)), dtype=np.float32)


def test_json_round_trip_and_clear_errors():
    model = MLP([2, 3, 2], activation="sigmoid", seed=4)
    back = MLP.from_json(model.to_json())
    assert back.layer_sizes == [2, 3, 2] and back.activation == "sigmoid"
    X = np.random.default_rng(0).normal(size=(5, 2))
    np.testing.assert_array_equal(back.forward(X), model.forward(X))

    good = model.to_dict()
    wrong_shape = json.loads(json.dumps(good))
    wrong_shape["params"][0]["W"] = [[1.0, 2.0]]
    bad_cases = {
        "{not json": "not valid JSON",
        "[1, 2]": "JSON object",
        json.dumps({"layer_sizes": [2, 1]}): "lacks activation, params",
        json.dumps(wrong_shape): "Layer 1: W must have shape (2, 3)",
        json.dumps({**good, "params": good["params"][:1]}): "need 2 layers",
        json.dumps({**good, "activation": "swish"}): "Unknown activation",
        json.dumps({**good, "layer_sizes": [2, 0, 2]}): "at least one unit",
        json.dumps({**good, "layer_sizes": [2, 1.5, 2]}): "whole numbers",
        json.dumps({**good, "layer_sizes": [2, 100_000, 2]}): "at most 64 units",
        json.dumps({**good, "layer_sizes": [2, *[3] * 7, 2]}): "at most 6 hidden layers",
    }
    for text, message in bad_cases.items():
        with pytest.raises(ValueError, match=re.escape(message)):
            MLP.from_json(text)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: MLP([2]), "at least an input and an output"),
        (lambda: MLP([2, 3, 1], activation="gelu"), "Unknown activation"),
        (lambda: MLP([2, 1]).forward(np.zeros((3, 3))), r"shape \(n, 2\)"),
        (lambda: MLP([2, 1]).loss(np.zeros((2, 2)), [0, 2]), "between 0 and 1"),
        (lambda: MLP([2, 3]).loss(np.zeros((2, 2)), [0]), "one label per point"),
        (lambda: MLP([2, 1]).step(np.zeros((2, 2)), [0, 1], -1.0), "learning rate"),
        (lambda: MLP([2, 1]).forward(np.full((1, 2), np.nan)), "finite"),
        (lambda: Trainer(MLP([2, 1]), np.zeros((2, 2)), [0, 1], batch_size=0), "batch size"),
    ],
)
def test_bad_input_gets_a_readable_message(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_grid_split_and_frames():
    from engine.datasets import train_test_split
    from engine.mlp import grid_points, play_frames

    grid = grid_points((-1.0, 1.0, 0.0, 2.0), 3)
    assert grid.shape == (9, 2)
    np.testing.assert_array_equal(grid[:3], [[-1, 0], [0, 0], [1, 0]])  # first row at y0
    np.testing.assert_array_equal(grid[-1], [1, 2])
    with pytest.raises(ValueError, match="x0 < x1"):
        grid_points((1.0, 0.0, 0.0, 1.0), 10)

    X, y = make_dataset("moons", n=50, seed=0)
    Xtr, Xte, ytr, yte = train_test_split(X, y, test_size=0.2, seed=3)
    assert len(Xtr) == 40 and len(Xte) == 10
    both = np.vstack([Xtr, Xte])
    assert sorted(map(tuple, both)) == sorted(map(tuple, X))  # a partition, nothing lost
    assert sorted(map(tuple, np.column_stack([both, np.concatenate([ytr, yte])]))) == sorted(
        map(tuple, np.column_stack([X, y]))
    )  # each label stays with its point
    again = train_test_split(X, y, test_size=0.2, seed=3)
    np.testing.assert_array_equal(again[1], Xte)  # scikit-learn's order: X_train, X_test, ...
    np.testing.assert_array_equal(again[3], yte)
    assert len(train_test_split(X[:2], y[:2], test_size=0.9)[0]) == 1  # one left to train
    with pytest.raises(ValueError, match="test fraction"):
        train_test_split(X, y, test_size=1.0)

    trainer = Trainer(MLP([2, 4, 1], seed=0), Xtr, ytr, Xte, yte, lr=0.5, batch_size=8)
    frames = play_frames(trainer, grid, n_frames=4, steps_per_frame=5)
    assert [f.iteration for f in frames] == [5, 10, 15, 20]
    assert frames[-1].epoch == 20 // 5 and frames[0].probs.shape == (9, 2)
    np.testing.assert_allclose(frames[0].probs.sum(axis=1), 1.0, atol=1e-6)
    assert frames[-1].train_loss == trainer.history.train_loss[-1]

    wild = Trainer(MLP([2, 32, 1], seed=0), Xtr, ytr, lr=1e4, batch_size=1)
    assert len(play_frames(wild, grid, n_frames=10, steps_per_frame=20)) < 10
    assert wild.divergence is not None


# ----------------------------------------------------------------------------- regression


def test_regression_is_f_itself_with_the_mean_squared_loss():
    model = MLP([1, 5, 1], activation="tanh", seed=2, output="linear")
    X = np.linspace(-1, 1, 7)[:, None]
    y = np.sin(3 * X[:, 0])
    W1, b1 = model.params[0]
    W2, b2 = model.params[1]
    f = (np.tanh(X @ W1 + b1) @ W2 + b2)[:, 0]
    np.testing.assert_allclose(model.forward(X), f, rtol=1e-12)
    assert model.forward(X).shape == (7,)
    np.testing.assert_array_equal(model.predict(X), model.forward(X))
    assert model.loss(X, y) == pytest.approx(np.mean((f - y) ** 2), rel=1e-12)
    assert model.n_classes == 0 and model.output_unit == "linear"
    with pytest.raises(ValueError, match="not class probabilities"):
        model.predict_proba(X)
    with pytest.raises(ValueError, match="one output unit"):
        MLP([1, 4, 2], output="linear")
    with pytest.raises(ValueError, match="Unknown output"):
        MLP([1, 4, 1], output="tanh")
    with pytest.raises(ValueError, match="finite"):
        model.loss(X, np.full(7, np.nan))


def test_a_small_network_fits_a_sine():
    from engine.datasets import make_regression

    x, y = make_regression("sine", n=80, seed=0)
    model = MLP([1, 16, 1], activation="tanh", seed=0, output="linear")
    trainer = Trainer(model, x, y, lr=0.1, batch_size=8)
    start = trainer.history.train_loss[0]
    trainer.run_epochs(400)
    assert trainer.divergence is None
    assert trainer.history.train_loss[-1] < 0.01 < start / 10
    assert np.all(np.isnan(trainer.history.train_accuracy))  # no accuracy for a regression
    grid = np.linspace(-0.9, 0.9, 19)[:, None]
    np.testing.assert_allclose(model.forward(grid), np.sin(np.pi * grid[:, 0]), atol=0.15)


@given(networks())
def test_output_contributions_add_up_to_the_score(case):
    model, X, _ = case
    if model.n_outputs != 1 or len(model.layer_sizes) < 3:
        with pytest.raises(ValueError, match="one output unit"):
            model.output_contributions(X)
        return
    parts = model.output_contributions(X)
    assert parts.shape == (len(X), model.layer_sizes[-2])
    np.testing.assert_allclose(
        parts.sum(axis=1) + model.params[-1][1][0], model.logits(X), rtol=1e-10, atol=1e-12
    )
    np.testing.assert_allclose(parts, model.hidden_activations(X)[-1] * model.params[-1][0][:, 0])


def test_regression_network_round_trips_through_json():
    model = MLP([1, 3, 1], activation="relu", seed=5, output="linear")
    back = MLP.from_json(model.to_json())
    assert back.output == "linear"
    x = np.linspace(-1, 1, 5)[:, None]
    np.testing.assert_array_equal(back.forward(x), model.forward(x))
    old_file = {k: v for k, v in MLP([2, 1]).to_dict().items() if k != "output"}
    assert MLP.from_dict(old_file).output == "auto"  # files saved before regression existed
    with pytest.raises(ValueError, match="output must be one of"):
        MLP.from_dict({**model.to_dict(), "output": "softmax"})


def test_run_stops_at_the_first_of_its_limits():
    X, y = make_dataset("moons", n=40, noise=0.1, seed=0)
    trainer = Trainer(MLP([2, 4, 1], seed=0), X, y, lr=0.1, batch_size=10)  # 4 batches an epoch
    assert trainer.run(3, until_epoch=5) == 3
    assert trainer.run(until_epoch=2) == 5 and trainer.epoch == 2 and trainer.progress == 2.0
    assert trainer.run(until_epoch=1) == 0  # already past it
    assert trainer.run(100, max_seconds=0.0) == 0  # no time at all: no step
    assert trainer.run_epochs(1) == 4 and trainer.iteration == 12
    with pytest.raises(ValueError, match="how long"):
        trainer.run()
    assert trainer.history.iteration == [0, 3, 8, 12]
    assert trainer.history.epoch == [0, 0.75, 2, 3]


def test_json_import_survives_hostile_text():
    for text in ("[" * 100_000, "1" * 5000, b"\x80\x04\x95", "NaN"):
        with pytest.raises(ValueError):
            MLP.from_json(text)


# ----------------------------------------------------------------------------- edited data


def test_split_indices_is_the_split_train_test_split_makes():
    from engine.datasets import split_indices, train_test_split

    X, y = make_dataset("moons", n=30, seed=1)
    train, test = split_indices(30, test_size=0.2, seed=4)
    Xtr, Xte, ytr, yte = train_test_split(X, y, test_size=0.2, seed=4)
    np.testing.assert_array_equal(X[train], Xtr)
    np.testing.assert_array_equal(y[train], ytr)
    np.testing.assert_array_equal(X[test], Xte)
    np.testing.assert_array_equal(y[test], yte)
    assert sorted([*train, *test]) == list(range(30))
    assert [len(a) for a in split_indices(0, test_size=0.5)] == [0, 0]
    with pytest.raises(ValueError, match="test fraction"):
        split_indices(5, test_size=-0.1)


def test_replaced_data_trains_on_from_the_same_weights():
    """Points clicked in mid-training: the weights, the iteration count and the history go on;
    the epoch in progress counts as done; the steps that follow are those of a trainer that
    started on the new data at that epoch."""
    X, y = make_dataset("moons", n=40, noise=0.1, seed=0)
    trainer = Trainer(MLP([2, 4, 1], seed=0), X, y, lr=0.3, batch_size=10, shuffle_seed=2)
    trainer.run(6)  # 4 batches an epoch: epoch 1.5
    weights = [W.copy() for W, _ in trainer.model.params]
    X2 = np.vstack([X, [[0.0, 0.0], [0.1, 0.2]]])
    y2 = np.append(y, [1, 0])
    trainer.replace_data(X2, y2)
    assert trainer.iteration == 6 and trainer.batches_per_epoch == 5
    assert trainer.epoch == 2 and trainer.progress == 2.0  # the interrupted epoch counts
    np.testing.assert_array_equal(trainer.model.params[0][0], weights[0])
    h = trainer.history
    assert h.iteration == [0, 6, 6] and h.epoch == [0, 1.5, 2.0]
    assert h.train_loss[-1] == pytest.approx(trainer.model.loss(X2, y2))

    # The same steps as a fresh trainer on X2 whose position is epoch 2 from these weights.
    reference = MLP([2, 4, 1], seed=0)
    reference.params = [(W.copy(), b.copy()) for W, b in trainer.model.params]
    order = np.random.default_rng([2, 2]).permutation(42)
    for k in range(3):
        batch = order[k * 10 : (k + 1) * 10]
        reference.step(X2[batch], y2[batch], 0.3)
    assert trainer.run(3) == 3 and trainer.iteration == 9 and trainer.progress == 2.6
    for (W, b), (W0, b0) in zip(trainer.model.params, reference.params, strict=True):
        np.testing.assert_allclose(W, W0, rtol=1e-10, atol=1e-12)
        np.testing.assert_allclose(b, b0, rtol=1e-10, atol=1e-12)
    assert trainer.run_epochs(1) == 2 and trainer.epoch == 3


def test_replacing_data_before_any_step_keeps_one_starting_point():
    X, y = make_dataset("circles", n=20, seed=0)
    trainer = Trainer(MLP([2, 3, 1], seed=1), X[:1], y[:1], lr=0.1, batch_size=10)
    assert trainer.batch_size == 1
    for k in range(2, 6):  # a learner clicking points one by one
        trainer.replace_data(X[:k], y[:k], X[10:12], y[10:12])
    assert trainer.history.iteration == [0] and trainer.batch_size == 5
    assert trainer.history.test_loss == [pytest.approx(trainer.model.loss(X[10:12], y[10:12]))]
    trainer.replace_data(X[:12], y[:12])
    assert trainer.batch_size == 10 and len(trainer.X_test) == 0
    assert math.isnan(trainer.history.test_loss[-1])
    with pytest.raises(ValueError, match="no samples"):
        trainer.replace_data(X[:0], y[:0])
    with pytest.raises(ValueError, match="between 0 and 1"):
        trainer.replace_data(X[:3], np.array([0, 1, 2]))


def test_a_confidently_wrong_new_point_is_not_an_explosion():
    X = np.array([[-1.0, 0.0], [1.0, 0.0]])
    trainer = Trainer(MLP([2, 1], seed=0), X, np.array([0, 1]), lr=1.0, batch_size=1)
    trainer.run_epochs(200)  # separable: the weights grow, the scores far out get large
    far = np.array([[6.0, 0.0]])
    assert trainer.model.loss(far, [0]) > trainer.loss_limit  # would have looked like one
    trainer.replace_data(np.vstack([X, far]), np.array([0, 1, 0]))
    trainer.run_epochs(1)
    assert trainer.divergence is None


# ----------------------------------------------------------------------------- regression frames


def test_regression_frames_hold_f_and_the_units_contributions_over_the_line():
    from engine.datasets import make_regression
    from engine.mlp import frame_of, line_points, play_frames

    x, y = make_regression("abs", n=40, seed=0)
    model = MLP([1, 6, 1], activation="relu", seed=3, output="linear")
    trainer = Trainer(model, x[:30], y[:30], x[30:], y[30:], lr=0.1, batch_size=10)
    grid = line_points((-1.2, 1.2), 25)
    assert grid.shape == (25, 1) and grid[0, 0] == -1.2 and grid[-1, 0] == 1.2
    frames = play_frames(trainer, grid, n_frames=4, steps_per_frame=3)
    assert [f.iteration for f in frames] == [3, 6, 9, 12] and frames[-1].epoch == 4
    last = frames[-1]
    assert last.probs is None and last.values.dtype == np.float32
    np.testing.assert_allclose(last.values, model.forward(grid), rtol=1e-6, atol=1e-6)
    assert last.contributions.shape == (25, 6)
    np.testing.assert_allclose(
        last.contributions.sum(axis=1) + model.params[-1][1][0], last.values, atol=1e-5
    )
    assert last.train_loss == trainer.history.train_loss[-1] == model.loss(x[:30], y[:30])
    assert last.test_loss == pytest.approx(np.mean((model.forward(x[30:]) - y[30:]) ** 2))
    assert math.isnan(last.train_accuracy) and math.isnan(last.test_accuracy)
    losses = [f.train_loss for f in play_frames(trainer, grid, n_frames=40, steps_per_frame=10)]
    assert losses[-1] < 0.5 * last.train_loss  # it learns |x|

    linear = Trainer(MLP([1, 1], output="linear"), x, y, lr=0.1)  # no hidden layer
    frame = frame_of(linear, grid)
    assert frame.contributions is None and frame.values.shape == (25,)
    with pytest.raises(ValueError, match="x0 < x1"):
        line_points((1.0, 1.0), 10)
