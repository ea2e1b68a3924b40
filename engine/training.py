"""What the MLP's and the LeNet's trainers share: the history, the divergence record, the epoch
order and the run loop, so that both are driven and read with the same words.

A trainer owns a model and its data (``X_train``, ``y_train``, ``X_test``, ``y_test``) and takes
minibatch SGD steps: ``run(n_steps, until_epoch=..., max_seconds=...)`` trains until the first of
its limits, and stops for good when training diverges (``divergence`` says when and why).
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
from numpy.typing import NDArray

from engine.files import number_lists


@dataclass
class History:
    """Curves recorded during training.

    One entry per recorded point, the first before any training (the MLP's trainer records after
    every run of steps, the LeNet's after every epoch): ``iteration`` (steps done), ``epoch``
    (epochs done, a fraction mid-epoch), ``train_loss``, ``train_accuracy``, ``test_loss``,
    ``test_accuracy`` (NaN where there is no test set, and accuracies for a regression),
    ``seconds`` (training time so far).

    One entry per minibatch step, for a trainer that keeps them (the LeNet's): ``step_epoch``
    (epochs done after the step), ``step_loss``, ``step_accuracy`` (on that minibatch).
    """

    iteration: list[int] = field(default_factory=list)
    epoch: list[float] = field(default_factory=list)
    train_loss: list[float] = field(default_factory=list)
    train_accuracy: list[float] = field(default_factory=list)
    test_loss: list[float] = field(default_factory=list)
    test_accuracy: list[float] = field(default_factory=list)
    seconds: list[float] = field(default_factory=list)
    step_epoch: list[float] = field(default_factory=list)
    step_loss: list[float] = field(default_factory=list)
    step_accuracy: list[float] = field(default_factory=list)

    def append(self, **point: float) -> None:
        """Record one point: every per-point curve gets its value."""
        for name in POINT_FIELDS:
            getattr(self, name).append(point[name])

    def to_dict(self) -> dict[str, list[float | None]]:
        """Every curve as a list, ready for JSON: NaN (not JSON) becomes None."""
        return {
            name: [None if math.isnan(v) else v for v in getattr(self, name)]
            for name in HISTORY_FIELDS
        }

    @classmethod
    def from_dict(cls, data: object) -> History:
        """The history ``to_dict`` wrote; a ValueError for anything else (see engine.files)."""
        lists = number_lists(data, HISTORY_FIELDS, "history")
        points = {len(lists[name]) for name in POINT_FIELDS}
        steps = {len(lists[name]) for name in HISTORY_FIELDS if name not in POINT_FIELDS}
        if len(points) != 1 or len(steps) != 1:
            raise ValueError("The history's curves must have matching lengths.")
        return cls(**lists)


POINT_FIELDS = ("iteration", "epoch", "train_loss", "train_accuracy", "test_loss", "test_accuracy",
                "seconds")  # fmt: skip
HISTORY_FIELDS = (*POINT_FIELDS, "step_epoch", "step_loss", "step_accuracy")


@dataclass(frozen=True)
class Divergence:
    """Training stopped at ``iteration`` (the step that failed, from 1) because of ``reason``."""

    iteration: int
    reason: str


# A fall of this much test accuracy below the best so far is a collapse, not the ups and downs
# of SGD: at batch 8 and momentum 0.9 the digits' test accuracy swings by up to about 18 points
# from one epoch to the next while training still goes well.
COLLAPSE_DROP = 0.3
# A network that after this many epochs has never been clearly better than guessing is stuck.
STUCK_EPOCHS = 3
STUCK_MARGIN = 0.1  # "clearly better": more than chance + 10 points


@dataclass(frozen=True)
class Setback:
    """Training went wrong without blowing up (``Divergence`` is for that).

    ``kind`` "collapsed": the test accuracy fell from ``best_accuracy`` (at epoch ``best_epoch``)
    to ``accuracy`` at ``epoch``, at least ``COLLAPSE_DROP`` below. "stuck": after ``epoch``
    epochs it has never been more than ``STUCK_MARGIN`` above chance (1 / classes).
    """

    kind: Literal["collapsed", "stuck"]
    best_epoch: float
    best_accuracy: float
    epoch: float
    accuracy: float


def find_setback(history: History, *, n_classes: int) -> Setback | None:
    """A collapse or a stuck network in a classifier's history (see ``Setback``), else None.

    Looks at the recorded test accuracy (one point per epoch for the LeNet, the first before
    training). A collapse is judged on the latest point, so a run that recovers is fine again.
    """
    acc = np.asarray(history.test_accuracy, dtype=np.float64)
    if acc.size == 0 or not np.isfinite(acc).all():
        return None
    best = int(np.argmax(acc))  # the first of equal bests
    now = len(acc) - 1
    epochs = history.epoch
    if acc[best] - acc[now] >= COLLAPSE_DROP:
        return Setback("collapsed", epochs[best], float(acc[best]), epochs[now], float(acc[now]))
    if epochs[now] >= STUCK_EPOCHS and acc[best] <= 1 / n_classes + STUCK_MARGIN:
        return Setback("stuck", epochs[best], float(acc[best]), epochs[now], float(acc[now]))
    return None


def check_learning_rate(lr: object) -> float:
    try:
        value = float(lr)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        value = math.nan
    if not (math.isfinite(value) and value > 0):
        raise ValueError(f"The learning rate must be a positive number, not {lr}.")
    return value


def epoch_order(shuffle_seed: int, epoch: int, n: int) -> NDArray[np.int64]:
    """The order in which epoch ``epoch`` visits the n training points.

    From ``default_rng([shuffle_seed, epoch])``: a run is a pure function of its settings, and a
    saved trainer resumes exactly without storing a generator's state.
    """
    return np.random.default_rng([shuffle_seed, epoch]).permutation(n)


class MinibatchTrainer:
    """The run loop over a subclass's ``_train(n)``, which takes up to n steps and returns how
    many it kept (fewer only when training diverged, which sets ``divergence``)."""

    X_test: NDArray
    y_train: NDArray
    y_test: NDArray
    batch_size: int
    iteration: int
    seconds: float
    history: History
    divergence: Divergence | None
    # How many steps may pass between two looks at the clock when ``max_seconds`` is given.
    steps_per_clock_check = 1

    @property
    def batches_per_epoch(self) -> int:
        return -(-len(self.y_train) // self.batch_size)

    @property
    def epoch(self) -> int:
        """Completed epochs."""
        raise NotImplementedError

    @property
    def progress(self) -> float:
        """Epochs done, with the current epoch's fraction."""
        raise NotImplementedError

    def _steps_to_epoch(self, epoch: int) -> int:
        """Steps left until ``epoch`` epochs are complete."""
        raise NotImplementedError

    def _train(self, n_steps: int) -> int:
        raise NotImplementedError

    def evaluate(self, X: NDArray, y: NDArray) -> tuple[float, float]:
        """(mean loss, accuracy) on a data set."""
        raise NotImplementedError

    def _record(self, train_loss: float, train_accuracy: float) -> None:
        """Add a point to the history: the training metrics given, the test set evaluated."""
        test_loss, test_accuracy = self.evaluate(self.X_test, self.y_test)
        self.history.append(
            iteration=self.iteration, epoch=self.progress, train_loss=train_loss,
            train_accuracy=train_accuracy, test_loss=test_loss, test_accuracy=test_accuracy,
            seconds=self.seconds,
        )  # fmt: skip

    def run(
        self,
        n_steps: int | None = None,
        *,
        until_epoch: int | None = None,
        max_seconds: float | None = None,
    ) -> int:
        """Train for ``n_steps`` minibatch steps, or until ``until_epoch`` epochs are complete, or
        for about ``max_seconds`` of wall-clock time, or until training diverges, whichever comes
        first. Returns the steps kept (0 once training has diverged)."""
        if n_steps is None and until_epoch is None and max_seconds is None:
            raise ValueError("Say how long to train: a number of steps, an epoch or seconds.")
        start, done = time.perf_counter(), 0
        while self.divergence is None:
            todo = math.inf if n_steps is None else n_steps - done
            if until_epoch is not None:
                todo = min(todo, self._steps_to_epoch(until_epoch))
            if max_seconds is not None:
                if time.perf_counter() - start >= max_seconds:
                    break
                todo = min(todo, self.steps_per_clock_check)
            if todo <= 0:
                break
            kept = self._train(int(todo))
            done += kept
            if kept < todo:
                break
        return done

    def run_epochs(self, n_epochs: int = 1) -> int:
        """Run to the end of the current epoch, then ``n_epochs − 1`` more."""
        return self.run(until_epoch=self.epoch + n_epochs)
