"""engine.training.find_setback: a collapse or a stuck network, not SGD's ups and downs."""

from __future__ import annotations

import numpy as np
import pytest

from engine.cnn import LeNet, Trainer, filter_change, strongest_windows
from engine.digits import split_digits
from engine.training import COLLAPSE_DROP, History, find_setback


def history(accuracies: list[float]) -> History:
    h = History()
    for epoch, acc in enumerate(accuracies):
        h.append(iteration=epoch * 10, epoch=epoch, train_loss=np.nan, train_accuracy=np.nan,
                 test_loss=1.0, test_accuracy=acc, seconds=float(epoch))  # fmt: skip
    return h


# The run of issue 17 (60 epochs, batch 8, η 0.02, μ 0.9), as the engine trains it now: the best
# at epoch 6, swings of up to 19 points, 61.3 % at epoch 31, chance from epoch 32.
RUN = [0.103, 0.85, 0.83, 0.919, 0.9, 0.875, 0.947, 0.772, 0.875, 0.9, 0.861, 0.908, 0.922, 0.9,
       0.936, 0.822, 0.928, 0.93, 0.905, 0.916, 0.936, 0.883, 0.836, 0.883, 0.894, 0.872, 0.758,
       0.688, 0.861, 0.816, 0.808, 0.613, 0.1, 0.1, 0.1]  # fmt: skip


def test_the_collapse_of_issue_17_is_found_when_it_happens_and_not_before():
    for end in range(1, 31):
        assert find_setback(history(RUN[: end + 1]), n_classes=10) is None, end
    s = find_setback(history(RUN[:32]), n_classes=10)
    assert s is not None and s.kind == "collapsed"
    assert (s.best_epoch, s.best_accuracy, s.epoch, s.accuracy) == (6, 0.947, 31, 0.613)
    assert find_setback(history(RUN), n_classes=10).accuracy == 0.1


def test_a_drop_just_under_the_threshold_is_not_a_collapse_and_a_recovery_clears_it():
    assert find_setback(history([0.1, 0.9, 0.9 - COLLAPSE_DROP + 0.01]), n_classes=10) is None
    assert find_setback(history([0.1, 0.9, 0.5]), n_classes=10).kind == "collapsed"
    assert find_setback(history([0.1, 0.9, 0.5, 0.85]), n_classes=10) is None


def test_a_network_at_chance_for_three_epochs_is_stuck():
    at_chance = [0.103, 0.1, 0.1, 0.103]  # η = 1.0: the ReLUs die in the first epoch
    assert find_setback(history(at_chance[:3]), n_classes=10) is None  # two epochs: too early
    s = find_setback(history(at_chance), n_classes=10)
    assert s.kind == "stuck" and s.epoch == 3 and s.best_accuracy == 0.103
    assert find_setback(history([0.1, 0.15, 0.18, 0.21]), n_classes=10) is None  # learning
    assert find_setback(history([0.5, 0.55, 0.5, 0.6]), n_classes=2) == find_setback(
        history([0.5, 0.55, 0.5, 0.6]), n_classes=2
    )
    assert find_setback(history([0.5, 0.55, 0.5, 0.6]), n_classes=2).kind == "stuck"


def test_no_points_or_no_test_set_is_no_setback():
    assert find_setback(History(), n_classes=10) is None
    assert find_setback(history([np.nan, np.nan, np.nan, np.nan]), n_classes=10) is None


def test_the_real_run_of_issue_17_collapses_and_eta_one_gets_stuck():
    """Trained for real (a few seconds): η = 1.0 kills the network, and it is called stuck."""
    s = split_digits(seed=0)
    trainer = Trainer(LeNet(seed=0), s.X_train, s.y_train, s.X_test, s.y_test, lr=1.0,
                      batch_size=32, momentum=0.9)  # fmt: skip
    trainer.run(until_epoch=3)
    assert trainer.divergence is None  # the loss never passes 100: no divergence
    setback = find_setback(trainer.history, n_classes=10)
    assert setback is not None and setback.kind == "stuck"
    assert len(np.unique(trainer.model.predict(s.X_test))) == 1  # one answer for every image


# ----------------------------------------------------------------------------- strongest_windows


def test_strongest_windows_are_the_windows_with_the_largest_responses():
    rng = np.random.default_rng(0)
    net = LeNet(seed=1)
    X = rng.uniform(0, 1, (7, 1, 8, 8))
    means, responses = strongest_windows(net, X, k=5)
    assert means.shape == (6, 1, 5, 5) and responses.shape == (6, 5)
    W, b = net.params["conv1.W"], net.params["conv1.b"]
    xp = np.pad(X, ((0, 0), (0, 0), (2, 2), (2, 2)))
    # Every window by brute force: its response, and the mean of the five best per filter.
    windows = np.array([xp[n, :, i : i + 5, j : j + 5] for n in range(7) for i in range(8)
                        for j in range(8)])  # fmt: skip
    for o in range(6):
        scores = (windows * W[o]).sum(axis=(1, 2, 3)) + b[o]
        best = np.argsort(-scores, kind="stable")[:5]
        np.testing.assert_allclose(responses[o], scores[best])
        np.testing.assert_allclose(means[o], windows[best].mean(axis=0))
    assert np.all(np.diff(responses, axis=1) <= 0)  # strongest first


def test_strongest_windows_refuses_a_bad_k():
    X = np.zeros((2, 1, 8, 8))
    with pytest.raises(ValueError, match="k must be"):
        strongest_windows(LeNet(), X, k=0)
    with pytest.raises(ValueError, match="k must be"):
        strongest_windows(LeNet(), X, k=2 * 64 + 1)


# ----------------------------------------------------------------------------- checkpoint, rewind


def test_rewinding_to_a_checkpoint_carries_on_exactly_as_from_then():
    s = split_digits(seed=0)

    def trainer() -> Trainer:
        return Trainer(LeNet(seed=2), s.X_train, s.y_train, s.X_test, s.y_test, lr=0.05,
                       batch_size=64, momentum=0.9, shuffle_seed=2)  # fmt: skip

    a, b = trainer(), trainer()
    a.run(until_epoch=1)
    a.run(5)  # mid-epoch: the order of the epoch in progress must come back too
    saved = a.checkpoint()
    a.run(until_epoch=3)
    a.model.params["fc3.W"][...] = np.inf  # and then it blew up
    a.run(1)
    assert a.divergence is not None
    a.rewind(saved)
    assert a.divergence is None and a.epoch == 1 and len(a.history.epoch) == 2
    assert len(a.history.step_loss) == a.iteration == a.batches_per_epoch + 5
    b.run(until_epoch=1)
    b.run(5)
    np.testing.assert_array_equal(a.model.params["conv1.W"], b.model.params["conv1.W"])
    a.run(until_epoch=2)
    b.run(until_epoch=2)
    for k, p in a.model.params.items():
        np.testing.assert_array_equal(p, b.model.params[k])
    assert a.history.test_accuracy == b.history.test_accuracy
    assert a.history.step_loss == b.history.step_loss


def test_a_checkpoint_is_a_copy_and_only_fits_its_own_past():
    s = split_digits(seed=0)
    t = Trainer(LeNet(seed=0), s.X_train, s.y_train, s.X_test, s.y_test)
    t.run(3)
    saved = t.checkpoint()
    before = saved.params["conv1.W"].copy()
    t.run(3)
    np.testing.assert_array_equal(saved.params["conv1.W"], before)  # training did not touch it
    fresh = Trainer(LeNet(seed=0), s.X_train, s.y_train, s.X_test, s.y_test)
    fresh.run(until_epoch=1)
    later = fresh.checkpoint()
    with pytest.raises(ValueError, match="not from this trainer's past"):
        t.rewind(later)  # a checkpoint from further on than this trainer has been


def test_filter_change_is_growth_and_correlation_per_filter():
    rng = np.random.default_rng(0)
    start = rng.normal(size=(6, 1, 5, 5))
    now = start.copy()
    now[0] *= 3.0  # the same pattern, three times as large
    now[1] = -start[1]  # the opposite pattern
    now[2] = rng.normal(size=(1, 5, 5))  # a new one
    growth, corr = filter_change(start, now)
    assert growth[0] == pytest.approx(3.0) and corr[0] == pytest.approx(1.0)
    assert growth[1] == pytest.approx(1.0) and corr[1] == pytest.approx(-1.0)
    for i in (2, 3):
        expected = np.corrcoef(start[i].ravel(), now[i].ravel())[0, 1]
        assert corr[i] == pytest.approx(expected)
    with pytest.raises(ValueError, match="same filters"):
        filter_change(start, now[:3])
