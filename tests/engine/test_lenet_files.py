"""Saving and loading a trained LeNet: an exact round trip, and every kind of bad file refused."""

from __future__ import annotations

import io
import json
import pickle
import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.cnn import MAX_FILE_BYTES, LeNet, Trainer, count_params
from engine.digits import split_digits
from engine.mlp import MLP

SPLIT = split_digits(seed=0)
DATA = (SPLIT.X_train, SPLIT.y_train, SPLIT.X_test, SPLIT.y_test)


def small_trainer(**kwargs) -> Trainer:
    net = LeNet(channels=(2, 3), kernel_sizes=(3, 3), hidden=(8,), seed=1)
    return Trainer(net, *DATA, lr=0.05, batch_size=64, momentum=0.9, shuffle_seed=2, **kwargs)


@pytest.fixture(scope="module")
def saved() -> str:
    """A trainer stopped in the middle of its second epoch (23 batches an epoch), saved."""
    trainer = small_trainer()
    trainer.run(30)
    return trainer.to_json()


def test_a_saved_trainer_carries_on_exactly_as_if_never_stopped(saved):
    uninterrupted = small_trainer()
    uninterrupted.run(until_epoch=3)
    loaded = Trainer.from_json(saved, *DATA)
    assert loaded.iteration == 30 and loaded.epoch == 1 and 1 < loaded.progress < 2
    assert loaded.model.settings == uninterrupted.model.settings
    loaded.run(until_epoch=3)
    for name, value in uninterrupted.model.params.items():
        np.testing.assert_array_equal(loaded.model.params[name], value)
    mine, theirs = loaded.history.to_dict(), uninterrupted.history.to_dict()
    for name in ("iteration", "epoch", "train_loss", "train_accuracy", "test_loss",
                 "test_accuracy", "step_loss", "step_accuracy", "step_epoch"):  # fmt: skip
        assert mine[name] == theirs[name], name
    assert loaded.history.train_loss[0] != loaded.history.train_loss[0]  # NaN before training


def test_the_network_alone_round_trips():
    net = LeNet(channels=(3,), kernel_sizes=(5,), hidden=(), activation="tanh", pool="avg", seed=4)
    back = LeNet.from_json(net.to_json())
    assert back.settings == net.settings
    np.testing.assert_array_equal(back.forward(SPLIT.X_test[:20]), net.forward(SPLIT.X_test[:20]))


@settings(max_examples=30, deadline=None)
@given(
    channels=st.lists(st.integers(1, 6), min_size=1, max_size=3),
    hidden=st.lists(st.integers(1, 9), max_size=2),
    side=st.integers(8, 16),
    c=st.integers(1, 3),
    k=st.sampled_from([1, 3, 5]),
    n_classes=st.integers(2, 5),
)
def test_count_params_equals_the_built_network(channels, hidden, side, c, k, n_classes):
    shape = dict(input_shape=(c, side, side), channels=channels, kernel_sizes=[k] * len(channels),
                 hidden=hidden, n_classes=n_classes)  # fmt: skip
    try:
        net = LeNet(**shape)
    except ValueError:  # too many stages for this input
        return
    assert count_params(**shape) == net.n_params


def _edit(saved: str, change) -> str:
    data = json.loads(saved)
    change(data)
    return json.dumps(data)


class Boom:
    """Unpickling this would run code: create a file. The loader must never unpickle."""

    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (open, (str(self.marker), "w"))


def test_bad_files_raise_a_clear_value_error_and_run_nothing(saved, tmp_path):
    marker = tmp_path / "pwned"
    npz = io.BytesIO()
    np.savez(npz, weights=np.array([Boom(marker)], dtype=object), allow_pickle=True)
    huge = dict(channels=[256] * 4, kernel_sizes=[11] * 4, input_shape=[1, 256, 256])

    def set_model(**values):
        return lambda d: d["model"].update(values)

    def set_training(**values):
        return lambda d: d["training"].update(values)

    cases = {
        "not valid JSON": [
            saved[: len(saved) // 2],
            "[" * 100_000,
            "9" * 10_000,
            pickle.dumps(Boom(marker)),
            npz.getvalue(),
            b"\xff\xfe",
        ],
        "no LeNet format mark": [MLP([2, 3, 1]).to_json(), "{}"],
        "must be a JSON object": [json.dumps([1, 2]), _edit(saved, lambda d: d.pop("training"))],
        "must have shape (2, 1, 3, 3)": [
            _edit(saved, lambda d: d["model"]["params"].update({"conv1.W": [[1.0]]}))
        ],
        "finite": [
            _edit(saved, lambda d: d["model"]["params"]["fc2.b"].__setitem__(0, float("nan"))),
            _edit(saved, lambda d: d["training"]["velocity"]["fc1.b"].__setitem__(1, 1e999)),
        ],
        "would have": [_edit(saved, set_model(**huge))],
        "too large": ["[" + "0," * (MAX_FILE_BYTES // 2) + "0]"],
        "activation must be one of": [_edit(saved, set_model(activation="swish"))],
        "odd": [_edit(saved, set_model(kernel_sizes=[4, 3]))],
        "missing conv2.W": [_edit(saved, lambda d: d["model"]["params"].pop("conv2.W"))],
        "unknown evil": [_edit(saved, lambda d: d["training"]["velocity"].update(evil=[1]))],
        "numbers only": [_edit(saved, lambda d: d["model"]["params"].update({"fc2.b": "x"}))],
        "channels must be a list": [_edit(saved, set_model(channels="16"))],
        "position in the epoch": [_edit(saved, set_training(next_batch=99))],
        "lr must be a finite number": [_edit(saved, set_training(lr="0.1"))],
        "batch size": [_edit(saved, set_training(batch_size=10**9))],
        "one entry per epoch": [
            _edit(
                saved,
                lambda d: [
                    d["history"][k].pop() for k in ("step_epoch", "step_loss", "step_accuracy")
                ],
            )
        ],
        "matching lengths": [_edit(saved, lambda d: d["history"]["test_loss"].pop())],
        "list of numbers": [_edit(saved, lambda d: d["history"].update(seconds=[True]))],
    }
    for message, texts in cases.items():
        for text in texts:
            with pytest.raises(ValueError, match=re.escape(message)):
                Trainer.from_json(text, *DATA)
    assert not marker.exists()
    model = json.loads(saved)["model"]
    model["params"]["fc1.b"][0] = float("nan")
    with pytest.raises(ValueError, match="finite"):
        LeNet.from_json(json.dumps(model))


def test_a_diverged_trainer_is_not_saved():
    trainer = small_trainer()
    trainer.model.params["fc2.W"][...] = np.inf
    trainer.run(1)
    assert trainer.divergence is not None
    with pytest.raises(ValueError, match="diverged"):
        trainer.to_json()
