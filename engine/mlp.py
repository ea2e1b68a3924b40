"""The multilayer perceptron of the lecture, trained by minibatch SGD with backpropagation.

A layer computes h = σ(h_prev W + b) (rows are samples, so W has shape (fan_in, fan_out), the
transpose of the lecture's W x). The last layer is linear, f = h W + b, followed by

- one output unit:  p(y = 1 | x) = sigmoid(f), loss binary cross-entropy;
- k ≥ 2 units:      p(y | x) = softmax(f),      loss cross-entropy.

Both losses are computed from the scores f (never from p), so no learning rate makes them NaN;
and both have the same gradient at the scores, (p − Y) / n, which is where backpropagation starts.
"""

from __future__ import annotations

import itertools
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import ArrayLike, NDArray

from engine.activations import HIDDEN_ACTIVATIONS, sigmoid, softmax
from engine.mlp_fused import FusedSGD

Array = NDArray[np.float64]
Params = list[tuple[Array, Array]]

MAX_HIDDEN_LAYERS = 6
MAX_UNITS = 64
MAX_OUTPUTS = 10


def _check_sizes(layer_sizes: Sequence[int]) -> list[int]:
    try:
        sizes = [int(s) for s in layer_sizes]
    except (TypeError, ValueError):
        raise ValueError("Layer sizes must be whole numbers, e.g. [2, 8, 8, 1].") from None
    if len(sizes) < 2:
        raise ValueError("A network needs at least an input and an output layer, e.g. [2, 1].")
    if any(s != float(f) for s, f in zip(sizes, layer_sizes, strict=True)):
        raise ValueError("Layer sizes must be whole numbers, e.g. [2, 8, 8, 1].")
    if any(s < 1 for s in sizes):
        raise ValueError("Every layer needs at least one unit.")
    return sizes


def init_params(layer_sizes: Sequence[int], *, activation: str = "relu", seed: int = 0) -> Params:
    """Random weights, zero biases.

    He initialisation for ReLU (normal, variance 2 / fan_in) and Glorot for sigmoid and tanh
    (normal, variance 2 / (fan_in + fan_out)): both keep the size of the signal roughly constant
    from layer to layer, so deep stacks start out neither silent nor saturated.
    """
    sizes = _check_sizes(layer_sizes)
    if activation not in HIDDEN_ACTIVATIONS:
        raise ValueError(
            f"Unknown activation {activation!r}; choose one of: {', '.join(HIDDEN_ACTIVATIONS)}."
        )
    rng = np.random.default_rng(seed)
    params: Params = []
    for fan_in, fan_out in itertools.pairwise(sizes):
        if activation == "relu":
            std = math.sqrt(2.0 / fan_in)
        else:
            std = math.sqrt(2.0 / (fan_in + fan_out))
        params.append((rng.normal(0.0, std, size=(fan_in, fan_out)), np.zeros(fan_out)))
    return params


def _check_lr(lr: object) -> float:
    try:
        value = float(lr)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        value = math.nan
    if not (math.isfinite(value) and value > 0):
        raise ValueError("The learning rate must be a positive number.")
    return value


class MLP:
    """A fully connected network, e.g. ``MLP([2, 8, 8, 3], activation="tanh", seed=1)``.

    Parameters
    ----------
    layer_sizes : [d, m_1, ..., m_L, k]: inputs, hidden widths, outputs (k = 1: sigmoid and
        binary cross-entropy; k ≥ 2: softmax and cross-entropy).
    activation : hidden activation, "relu", "sigmoid" or "tanh".
    seed : seed of the initial weights; the same seed gives the same network.
    """

    def __init__(self, layer_sizes: Sequence[int], *, activation: str = "relu", seed: int = 0):
        self.layer_sizes = _check_sizes(layer_sizes)
        self.activation = activation
        self.seed = seed
        self.params: Params = init_params(self.layer_sizes, activation=activation, seed=seed)

    # -------------------------------------------------------------------- properties

    @property
    def n_outputs(self) -> int:
        return self.layer_sizes[-1]

    @property
    def n_classes(self) -> int:
        return 2 if self.n_outputs == 1 else self.n_outputs

    @property
    def n_params(self) -> int:
        return sum(W.size + b.size for W, b in self.params)

    def copy(self) -> MLP:
        other = MLP.__new__(MLP)
        other.layer_sizes = list(self.layer_sizes)
        other.activation = self.activation
        other.seed = self.seed
        other.params = [(W.copy(), b.copy()) for W, b in self.params]
        return other

    # -------------------------------------------------------------------- checks

    def _check_X(self, X: ArrayLike) -> Array:
        X_arr = np.asarray(X, dtype=np.float64)
        d = self.layer_sizes[0]
        if X_arr.ndim != 2 or X_arr.shape[1] != d:
            raise ValueError(f"Inputs must be a table of shape (n, {d}); got {X_arr.shape}.")
        if X_arr.shape[0] == 0:
            raise ValueError("There are no samples: give at least one point.")
        if not np.all(np.isfinite(X_arr)):
            raise ValueError("Every input must be a finite number (no NaN or infinity).")
        return X_arr

    def _check_y(self, y: ArrayLike, n: int) -> NDArray[np.int64]:
        y_arr = np.asarray(y)
        if y_arr.shape != (n,):
            raise ValueError(
                f"There must be one label per point: {n} points, labels of shape {y_arr.shape}."
            )
        if y_arr.size and not np.all(np.equal(np.mod(y_arr, 1), 0)):
            raise ValueError("Labels must be whole numbers 0, 1, ….")
        labels = y_arr.astype(np.int64)
        if labels.size and (labels.min() < 0 or labels.max() >= self.n_classes):
            raise ValueError(
                f"Labels must be between 0 and {self.n_classes - 1}: this network has "
                f"{self.n_outputs} output unit{'s' if self.n_outputs > 1 else ''}."
            )
        return labels

    # -------------------------------------------------------------------- forward

    def _hidden(self, z: Array) -> Array:
        if self.activation == "relu":
            return np.maximum(z, 0.0)
        if self.activation == "tanh":
            return np.tanh(z)
        return np.asarray(sigmoid(z))

    def _forward(self, X: Array) -> tuple[list[Array], Array]:
        """Inputs of every layer (X, h_1, ..., h_L) and the output scores f."""
        hs = [X]
        for W, b in self.params[:-1]:
            hs.append(self._hidden(hs[-1] @ W + b))
        W, b = self.params[-1]
        return hs, hs[-1] @ W + b

    def logits(self, X: ArrayLike) -> Array:
        """Output scores f before sigmoid / softmax: (n,) for one output unit, else (n, k)."""
        _, f = self._forward(self._check_X(X))
        return f[:, 0] if self.n_outputs == 1 else f

    def hidden_activations(self, X: ArrayLike) -> list[Array]:
        """Outputs h_l of every hidden layer, [(n, m_1), ..., (n, m_L)]."""
        hs, _ = self._forward(self._check_X(X))
        return hs[1:]

    def forward(self, X: ArrayLike) -> Array:
        """Probabilities: (n,) = p(y = 1 | x) for one output unit, (n, k) rows for softmax."""
        f = self.logits(X)
        return np.asarray(sigmoid(f)) if self.n_outputs == 1 else softmax(f)

    def predict(self, X: ArrayLike) -> NDArray[np.int64]:
        """The most probable class per point, (n,)."""
        f = self.logits(X)
        if self.n_outputs == 1:
            return (f > 0).astype(np.int64)
        return np.argmax(f, axis=1).astype(np.int64)

    # -------------------------------------------------------------------- loss and gradients

    def _loss_and_delta(self, f: Array, y: NDArray[np.int64]) -> tuple[float, Array]:
        """Mean loss from the scores, and its gradient at the scores, (p − Y) / n."""
        n = f.shape[0]
        if self.n_outputs == 1:
            s = f[:, 0]
            # BCE from logits, max(f, 0) − y f + log(1 + e^(−|f|)), and σ(f) from the same
            # e^(−|f|) ≤ 1: nothing overflows (see engine.activations.sigmoid).
            e = np.exp(-np.abs(s))
            loss = np.maximum(s, 0.0) - y * s + np.log1p(e)
            p = np.where(s >= 0, 1.0, e) / (1.0 + e)
            return float(loss.mean()), ((p - y) / n)[:, None]
        # log softmax(f) = (f − max f) − log Σ e^(f − max f): every exponent ≤ 0. Written out
        # here (engine.activations.log_softmax does the same with input checks) because this
        # runs on every SGD step.
        z = f - f.max(axis=1, keepdims=True)
        logp = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
        rows = np.arange(n)
        loss = -logp[rows, y]
        delta = np.exp(logp)
        delta[rows, y] -= 1.0
        return float(np.mean(loss)), delta / n

    def _backward(self, hs: list[Array], delta: Array) -> Params:
        """Backpropagation: from dL/df = delta down to every (dW, db)."""
        grads: Params = []
        for i in range(len(self.params) - 1, -1, -1):
            h = hs[i]
            grads.append((h.T @ delta, delta.sum(axis=0)))
            if i == 0:
                break
            delta = delta @ self.params[i][0].T
            # Local derivative of the hidden activation, from its output h = σ(z).
            if self.activation == "relu":
                delta = delta * (h > 0)
            elif self.activation == "tanh":
                delta = delta * (1.0 - h * h)
            else:
                delta = delta * (h * (1.0 - h))
        grads.reverse()
        return grads

    def loss(self, X: ArrayLike, y: ArrayLike) -> float:
        """Mean cross-entropy (binary for one output unit) over the points."""
        X_arr = self._check_X(X)
        y_arr = self._check_y(y, X_arr.shape[0])
        _, f = self._forward(X_arr)
        return self._loss_and_delta(f, y_arr)[0]

    def gradients(self, X: ArrayLike, y: ArrayLike) -> Params:
        """Gradients of the mean loss, [(dW, db)] with the shapes of ``params``."""
        X_arr = self._check_X(X)
        y_arr = self._check_y(y, X_arr.shape[0])
        hs, f = self._forward(X_arr)
        _, delta = self._loss_and_delta(f, y_arr)
        return self._backward(hs, delta)

    def _step(self, X: Array, y: NDArray[np.int64], lr: float) -> float:
        """One SGD step without input checks (the trainer checks once, then loops)."""
        hs, f = self._forward(X)
        loss, delta = self._loss_and_delta(f, y)
        for (W, b), (dW, db) in zip(self.params, self._backward(hs, delta), strict=True):
            W -= lr * dW
            b -= lr * db
        return loss

    def step(self, X: ArrayLike, y: ArrayLike, lr: float) -> float:
        """One step of SGD on this batch: w ← w − lr · ∇L. Returns the batch loss before it."""
        lr = _check_lr(lr)
        X_arr = self._check_X(X)
        return self._step(X_arr, self._check_y(y, X_arr.shape[0]), lr)

    # -------------------------------------------------------------------- weights as JSON

    def to_dict(self) -> dict:
        return {
            "layer_sizes": self.layer_sizes,
            "activation": self.activation,
            "params": [{"W": W.tolist(), "b": b.tolist()} for W, b in self.params],
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict())

    @classmethod
    def from_dict(cls, data: object) -> MLP:
        """Rebuild a network from ``to_dict`` output; a readable ValueError for anything else."""
        if not isinstance(data, dict):
            raise ValueError("The weights file must be a JSON object with layer_sizes and params.")
        missing = [k for k in ("layer_sizes", "activation", "params") if k not in data]
        if missing:
            raise ValueError(f"The weights file lacks {', '.join(missing)}.")
        sizes = data["layer_sizes"]
        if not isinstance(sizes, list):
            raise ValueError("layer_sizes must be a list of whole numbers, e.g. [2, 8, 1].")
        checked = _check_sizes(sizes)
        if len(checked) - 2 > MAX_HIDDEN_LAYERS:
            raise ValueError(f"The playground takes at most {MAX_HIDDEN_LAYERS} hidden layers.")
        if max(checked[1:-1], default=0) > MAX_UNITS or checked[-1] > MAX_OUTPUTS:
            raise ValueError(
                f"The playground takes at most {MAX_UNITS} units per hidden layer and "
                f"{MAX_OUTPUTS} outputs."
            )
        model = cls(sizes, activation=str(data["activation"]))
        raw = data["params"]
        if not isinstance(raw, list) or len(raw) != len(model.params):
            raise ValueError(
                f"layer_sizes {model.layer_sizes} need {len(model.params)} layers of weights; "
                f"the file has {len(raw) if isinstance(raw, list) else 'none'}."
            )
        params: Params = []
        for i, (layer, (W0, b0)) in enumerate(zip(raw, model.params, strict=True), start=1):
            if not isinstance(layer, dict) or "W" not in layer or "b" not in layer:
                raise ValueError(f"Layer {i} must have a weight matrix W and a bias vector b.")
            try:
                W = np.asarray(layer["W"], dtype=np.float64)
                b = np.asarray(layer["b"], dtype=np.float64)
            except (TypeError, ValueError):
                raise ValueError(f"Layer {i}: W and b must contain only numbers.") from None
            if W.shape != W0.shape or b.shape != b0.shape:
                raise ValueError(
                    f"Layer {i}: W must have shape {W0.shape} and b shape {b0.shape}; "
                    f"got {W.shape} and {b.shape}."
                )
            if not (np.all(np.isfinite(W)) and np.all(np.isfinite(b))):
                raise ValueError(f"Layer {i}: the weights must be finite numbers.")
            params.append((W, b))
        model.params = params
        return model

    @classmethod
    def from_json(cls, text: str | bytes) -> MLP:
        try:
            data = json.loads(text)
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise ValueError(f"This is not valid JSON ({exc}).") from None
        return cls.from_dict(data)


# ----------------------------------------------------------------------------- training


@dataclass
class History:
    """Curves recorded during training, one entry per recorded point."""

    iteration: list[int] = field(default_factory=list)
    epoch: list[float] = field(default_factory=list)
    train_loss: list[float] = field(default_factory=list)
    test_loss: list[float] = field(default_factory=list)
    train_acc: list[float] = field(default_factory=list)
    test_acc: list[float] = field(default_factory=list)


@dataclass(frozen=True)
class Divergence:
    iteration: int
    reason: str


EXPLOSION_FACTOR = 10.0  # a loss 10× the starting loss (and above 5 nats) means it blew up
WEIGHT_LIMIT = 1e6


class Trainer:
    """Minibatch SGD over a training set, with test curves and a divergence watchdog.

    An epoch visits every training point once, in batches of ``batch_size`` drawn from a fresh
    permutation; the permutation of epoch e comes from ``default_rng([shuffle_seed, e])``, so the
    run is a pure function of its settings: the same seeds give the same run.

    Parameters
    ----------
    model : the network, trained in place.
    X_train : (n, d), y_train : (n,). X_test : (m, d), y_test : (m,) (m may be 0).
    """

    def __init__(
        self,
        model: MLP,
        X_train: ArrayLike,
        y_train: ArrayLike,
        X_test: ArrayLike | None = None,
        y_test: ArrayLike | None = None,
        *,
        lr: float = 0.1,
        batch_size: int = 10,
        shuffle_seed: int = 0,
    ):
        lr = _check_lr(lr)
        if int(batch_size) < 1:
            raise ValueError("The batch size must be at least 1.")
        self.model = model
        self.X = model._check_X(X_train)
        self.y = model._check_y(y_train, self.X.shape[0])
        if X_test is None or len(X_test) == 0:
            d = model.layer_sizes[0]
            self.X_test = np.zeros((0, d))
            self.y_test = np.zeros(0, dtype=np.int64)
        else:
            self.X_test = model._check_X(X_test)
            self.y_test = model._check_y(y_test, self.X_test.shape[0])
        self.lr = float(lr)
        self.batch_size = min(int(batch_size), self.X.shape[0])
        self.shuffle_seed = shuffle_seed
        self.iteration = 0
        self.history = History()
        self.divergence: Divergence | None = None
        self._order = np.arange(self.X.shape[0])
        self._order_epoch = -1
        self._fused: FusedSGD | None = None
        self.start_loss = model.loss(self.X, self.y)
        self.record()

    def __getstate__(self) -> dict:
        # The fused loop's step functions close over its own buffers and weights: a copy (or a
        # pickle) must build its own, or two trainers would share one set of weights.
        state = self.__dict__.copy()
        state["_fused"] = None
        return state

    @property
    def batches_per_epoch(self) -> int:
        return -(-self.X.shape[0] // self.batch_size)

    @property
    def epoch(self) -> int:
        """Completed epochs."""
        return self.iteration // self.batches_per_epoch

    def _epoch_order(self, epoch: int) -> NDArray[np.int64]:
        """The permutation of the training points that epoch ``epoch`` visits."""
        if epoch != self._order_epoch:
            rng = np.random.default_rng([self.shuffle_seed, epoch])
            self._order = rng.permutation(self.X.shape[0])
            self._order_epoch = epoch
        return self._order

    def _batch(self, iteration: int) -> NDArray[np.int64]:
        """Indices of the training points of iteration ``iteration``'s minibatch."""
        epoch, k = divmod(iteration, self.batches_per_epoch)
        return self._epoch_order(epoch)[k * self.batch_size : (k + 1) * self.batch_size]

    def _metrics(self, X: Array, y: NDArray[np.int64]) -> tuple[float, float]:
        """Mean loss and accuracy from one forward pass."""
        _, f = self.model._forward(X)
        loss, _ = self.model._loss_and_delta(f, y)
        predicted = (f[:, 0] > 0) if f.shape[1] == 1 else np.argmax(f, axis=1)
        return loss, float(np.mean(predicted == y))

    def evaluate(self) -> tuple[float, float, float, float]:
        """(train loss, train accuracy, test loss, test accuracy); NaN without a test set."""
        train_loss, train_acc = self._metrics(self.X, self.y)
        if len(self.X_test):
            test_loss, test_acc = self._metrics(self.X_test, self.y_test)
        else:
            test_loss = test_acc = float("nan")
        return train_loss, train_acc, test_loss, test_acc

    def record(self) -> None:
        train_loss, train_acc, test_loss, test_acc = self.evaluate()
        h = self.history
        h.iteration.append(self.iteration)
        h.epoch.append(self.iteration / self.batches_per_epoch)
        h.train_loss.append(train_loss)
        h.train_acc.append(train_acc)
        h.test_loss.append(test_loss)
        h.test_acc.append(test_acc)

    def _weights_problem(self) -> str | None:
        for W, b in self.model.params:
            if not (np.all(np.isfinite(W)) and np.all(np.isfinite(b))):
                return "a weight became infinite or NaN"
            if max(np.max(np.abs(W)), np.max(np.abs(b))) > WEIGHT_LIMIT:
                return f"a weight grew beyond {WEIGHT_LIMIT:.0e}"
        return None

    @property
    def loss_limit(self) -> float:
        """A batch loss above this counts as an explosion."""
        return max(EXPLOSION_FACTOR * self.start_loss, 5.0)

    def run(self, n_steps: int, *, record: bool = True) -> int:
        """Take up to ``n_steps`` SGD steps; returns how many were kept.

        The watchdog checks every batch loss and, after the steps, the weights: if training
        diverged, the weights go back to those before this run (the last healthy ones),
        ``divergence`` says when and why, and 0 is returned.
        """
        if self.divergence is not None or n_steps <= 0:
            return 0
        saved = [(W.copy(), b.copy()) for W, b in self.model.params]
        start = self.iteration
        if self._fused is None or self._fused.model is not self.model:
            self._fused = FusedSGD(self.model, self.X, self.y)
        with np.errstate(all="ignore"):  # overflow is caught by the watchdog, not printed
            done, bad_loss = self._fused.run(
                start,
                n_steps,
                lr=self.lr,
                batch_size=self.batch_size,
                loss_limit=self.loss_limit,
                order_of=self._epoch_order,
            )
            reason = None
            if bad_loss is not None and not math.isfinite(bad_loss):
                reason = "the loss became infinite or NaN"
            elif bad_loss is not None:
                reason = (
                    f"the loss exploded to {bad_loss:.3g} on a batch, more than "
                    f"{EXPLOSION_FACTOR:g}× the starting loss {self.start_loss:.3g}"
                )
            reason = reason or self._weights_problem()
        if reason is not None:
            self.model.params = saved
            self.divergence = Divergence(iteration=start + done + 1, reason=reason)
            return 0
        self.iteration = start + n_steps
        if record:
            self.record()
        return n_steps

    def run_epochs(self, n_epochs: int = 1) -> int:
        """Run to the end of the current epoch, then ``n_epochs − 1`` more."""
        target = (self.epoch + n_epochs) * self.batches_per_epoch
        return self.run(target - self.iteration)


# ----------------------------------------------------------------------------- data and views


def train_test_split(
    X: ArrayLike, y: ArrayLike, *, test_fraction: float = 0.0, seed: int = 0
) -> tuple[Array, NDArray[np.int64], Array, NDArray[np.int64]]:
    """Shuffle the points with ``default_rng(seed)`` and hold out a fraction as the test set.

    Returns
    -------
    X_train (n − m, d), y_train (n − m,), X_test (m, d), y_test (m,), with m = round(f · n),
    at most n − 1 so that something is left to train on.
    """
    X_arr = np.asarray(X, dtype=np.float64)
    y_arr = np.asarray(y).astype(np.int64)
    if not 0.0 <= test_fraction < 1.0:
        raise ValueError("The test fraction must be at least 0 and below 1.")
    n = X_arr.shape[0]
    m = min(round(test_fraction * n), n - 1)
    order = np.random.default_rng(seed).permutation(n)
    test, train = order[:m], order[m:]
    return X_arr[train], y_arr[train], X_arr[test], y_arr[test]


def grid_points(bounds: tuple[float, float, float, float], resolution: int) -> Array:
    """Centres of a resolution × resolution grid over (x0, x1, y0, y1), row by row from y0.

    Returns
    -------
    (resolution², 2) points; row r, column c is point r * resolution + c.
    """
    x0, x1, y0, y1 = bounds
    if not (x1 > x0 and y1 > y0) or resolution < 2:
        raise ValueError("The view needs x0 < x1, y0 < y1 and at least 2 × 2 grid cells.")
    xs = np.linspace(x0, x1, resolution)
    ys = np.linspace(y0, y1, resolution)
    gx, gy = np.meshgrid(xs, ys)
    return np.column_stack([gx.ravel(), gy.ravel()])


def class_probabilities(model: MLP, X: ArrayLike) -> NDArray[np.float32]:
    """(n, k) class probabilities for drawing, (1 − p, p) for one sigmoid unit, in float32.

    Single precision because this is what the boundary pictures are made of: a 100 × 100 grid
    through a 2-32-32-32-3 net is a million activations, which NumPy's vectorised float32
    tanh and exp compute several times faster than float64, and a relative error near 1e-7 is
    far below the 1/255 step of a pixel's colour. Training and the reported losses stay float64.
    Where float32 overflows (a deep ReLU net with huge weights), the float64 forward is used.
    """
    X32 = np.asarray(X, dtype=np.float32)
    if X32.ndim != 2 or X32.shape[1] != model.layer_sizes[0]:
        raise ValueError(
            f"Inputs must be a table of shape (n, {model.layer_sizes[0]}); got {X32.shape}."
        )
    with np.errstate(all="ignore"):  # an overflow is caught and answered in float64
        probs = _probabilities_float32(model, X32)
    if probs is not None:
        return probs
    p = model.forward(X)
    return (np.column_stack([1.0 - p, p]) if p.ndim == 1 else p).astype(np.float32)


def _probabilities_float32(model: MLP, X: NDArray[np.float32]) -> NDArray[np.float32] | None:
    """The forward pass in float32; None if a score overflowed (then the picture would lie)."""
    h = X
    for W, b in model.params[:-1]:
        z = h @ W.astype(np.float32)
        z += b.astype(np.float32)
        if not np.isfinite(z).all():
            return None
        if model.activation == "relu":
            h = np.maximum(z, np.float32(0), out=z)
        elif model.activation == "tanh":
            h = np.tanh(z, out=z)
        else:  # σ(z) = (1 + tanh(z / 2)) / 2, no exponential to overflow
            z *= np.float32(0.5)
            np.tanh(z, out=z)
            z *= np.float32(0.5)
            h = np.add(z, np.float32(0.5), out=z)
    W, b = model.params[-1]
    f = h @ W.astype(np.float32)
    f += b.astype(np.float32)
    if not np.isfinite(f).all():
        return None
    if f.shape[1] == 1:
        p = f[:, 0]
        p *= np.float32(0.5)
        np.tanh(p, out=p)
        p *= np.float32(0.5)
        p += np.float32(0.5)
        return np.column_stack([np.float32(1) - p, p])
    f -= f.max(axis=1, keepdims=True)
    np.exp(f, out=f)
    f /= f.sum(axis=1, keepdims=True)
    return f


@dataclass(frozen=True)
class Frame:
    """The state after some training: counters, metrics and the boundary over a grid."""

    iteration: int
    epoch: int
    train_loss: float
    train_acc: float
    test_loss: float
    test_acc: float
    probs: NDArray[np.float32]  # (resolution², k) class probabilities over the grid, for drawing


def frame_of(trainer: Trainer, grid: Array) -> Frame:
    h = trainer.history
    return Frame(
        iteration=trainer.iteration,
        epoch=trainer.epoch,
        train_loss=h.train_loss[-1],
        train_acc=h.train_acc[-1],
        test_loss=h.test_loss[-1],
        test_acc=h.test_acc[-1],
        probs=class_probabilities(trainer.model, grid),
    )


def play_frames(
    trainer: Trainer, grid: Array, *, n_frames: int, steps_per_frame: int
) -> list[Frame]:
    """Train ``n_frames`` × ``steps_per_frame`` steps, keeping a frame after each chunk.

    Stops early (with fewer frames) if the watchdog pauses training; the frames hold only
    healthy states, so nothing non-finite is ever drawn.
    """
    frames: list[Frame] = []
    for _ in range(n_frames):
        if trainer.run(steps_per_frame) == 0:
            break
        frames.append(frame_of(trainer, grid))
    return frames
