"""The multilayer perceptron of the lecture, trained by minibatch SGD with backpropagation.

A layer computes h = σ(h_prev W + b) (rows are samples, so W has shape (fan_in, fan_out), the
transpose of the lecture's W x). The last layer is linear, f = h W + b, followed by

- one output unit:  p(y = 1 | x) = sigmoid(f), loss binary cross-entropy;
- k ≥ 2 units:      p(y | x) = softmax(f),      loss cross-entropy;
- ``output="linear"``, one unit: f itself is the prediction (regression), loss (f − y)².

The losses are computed from the scores f (never from p), so no learning rate makes them NaN.
Their gradient at the scores is where backpropagation starts: (p − Y) / n for both
cross-entropies, 2 (f − y) / n for the squared loss.
"""

from __future__ import annotations

import itertools
import json
import math
import time
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from engine.activations import ACTIVATIONS, get_activation, sigmoid, softmax
from engine.files import load_json
from engine.layers import dense_backward, dense_forward
from engine.mlp_fused import FusedSGD
from engine.training import (
    POINT_FIELDS,
    Divergence,
    History,
    MinibatchTrainer,
    check_learning_rate,
    epoch_order,
)

Array = NDArray[np.float64]
Params = list[tuple[Array, Array]]
OUTPUTS = ("auto", "linear")

MAX_HIDDEN_LAYERS = 6
MAX_UNITS = 64
MAX_OUTPUTS = 10
MAX_FILE_BYTES = 2_000_000  # the largest playground net's weights are about 0.4 MB of JSON


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
    get_activation(activation)  # a readable error for an unknown name
    rng = np.random.default_rng(seed)
    params: Params = []
    for fan_in, fan_out in itertools.pairwise(sizes):
        if activation == "relu":
            std = math.sqrt(2.0 / fan_in)
        else:
            std = math.sqrt(2.0 / (fan_in + fan_out))
        params.append((rng.normal(0.0, std, size=(fan_in, fan_out)), np.zeros(fan_out)))
    return params


class MLP:
    """A fully connected network, e.g. ``MLP([2, 8, 8, 3], activation="tanh", seed=1)``.

    Parameters
    ----------
    layer_sizes : [d, m_1, ..., m_L, k]: inputs, hidden widths, outputs (k = 1: sigmoid and
        binary cross-entropy; k ≥ 2: softmax and cross-entropy).
    activation : hidden activation, a name of ``engine.activations.ACTIVATIONS``: "relu",
        "sigmoid" or "tanh".
    seed : seed of the initial weights; the same seed gives the same network.
    output : "auto" (classification, as above) or "linear": regression, one output unit whose
        score f is the prediction, trained on the squared loss (f − y)².
    """

    def __init__(
        self,
        layer_sizes: Sequence[int],
        *,
        activation: str = "relu",
        seed: int = 0,
        output: str = "auto",
    ):
        self.layer_sizes = _check_sizes(layer_sizes)
        if output not in OUTPUTS:
            raise ValueError(f"Unknown output {output!r}; choose one of: {', '.join(OUTPUTS)}.")
        if output == "linear" and self.layer_sizes[-1] != 1:
            raise ValueError(
                "A regression network has one output unit, the predicted value: e.g. [1, 8, 1]."
            )
        self.activation = activation
        self.seed = seed
        self.output = output
        self.params: Params = init_params(self.layer_sizes, activation=activation, seed=seed)

    # -------------------------------------------------------------------- properties

    @property
    def n_outputs(self) -> int:
        return self.layer_sizes[-1]

    @property
    def output_unit(self) -> str:
        """What the scores f become: "sigmoid", "softmax" or "linear" (f itself)."""
        if self.output == "linear":
            return "linear"
        return "sigmoid" if self.n_outputs == 1 else "softmax"

    @property
    def n_classes(self) -> int:
        """Classes told apart (2 for one sigmoid unit); 0 for a regression."""
        if self.output == "linear":
            return 0
        return 2 if self.n_outputs == 1 else self.n_outputs

    @property
    def n_params(self) -> int:
        return sum(W.size + b.size for W, b in self.params)

    def copy(self) -> MLP:
        other = MLP.__new__(MLP)
        other.layer_sizes = list(self.layer_sizes)
        other.activation = self.activation
        other.seed = self.seed
        other.output = self.output
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

    def _check_y(self, y: ArrayLike, n: int) -> NDArray[np.int64] | Array:
        """Labels 0..k−1 as int64, or for a regression finite target values as float64."""
        y_arr = np.asarray(y)
        if y_arr.shape != (n,):
            raise ValueError(
                f"There must be one label per point: {n} points, labels of shape {y_arr.shape}."
            )
        if self.output == "linear":
            try:
                targets = y_arr.astype(np.float64)
            except (TypeError, ValueError):
                raise ValueError("Every target value must be a number.") from None
            if not np.all(np.isfinite(targets)):
                raise ValueError("Every target value must be a finite number.")
            return targets
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

    def _forward(self, X: Array) -> tuple[list[Array], Array]:
        """Inputs of every layer (X, h_1, ..., h_L) and the output scores f, (n, k)."""
        act = ACTIVATIONS[self.activation]
        hs = [X]
        for W, b in self.params[:-1]:
            hs.append(act(dense_forward(hs[-1], W, b)))
        W, b = self.params[-1]
        return hs, dense_forward(hs[-1], W, b)

    def logits(self, X: ArrayLike) -> Array:
        """Output scores f before sigmoid / softmax: (n,) for one output unit, else (n, k)."""
        _, f = self._forward(self._check_X(X))
        return f[:, 0] if self.n_outputs == 1 else f

    def hidden_activations(self, X: ArrayLike) -> list[Array]:
        """Outputs h_l of every hidden layer, [(n, m_1), ..., (n, m_L)]."""
        hs, _ = self._forward(self._check_X(X))
        return hs[1:]

    def output_contributions(self, X: ArrayLike) -> Array:
        """What each unit of the last hidden layer adds to the one output score.

        Returns
        -------
        (n, m_L): h_L[:, j] · W_out[j], so that each row plus the output bias b_out sums to the
        score f (the prediction of a regression).
        """
        if self.n_outputs != 1 or len(self.layer_sizes) < 3:
            raise ValueError("Contributions need one output unit and at least one hidden layer.")
        hs, _ = self._forward(self._check_X(X))
        return hs[-1] * self.params[-1][0][:, 0]

    def forward(self, X: ArrayLike) -> Array:
        """Probabilities: (n,) = p(y = 1 | x) for one output unit, (n, k) rows for softmax;
        for a regression the predicted values f, (n,)."""
        f = self.logits(X)
        if self.output_unit == "linear":
            return f
        return np.asarray(sigmoid(f)) if self.n_outputs == 1 else softmax(f)

    def predict(self, X: ArrayLike) -> NDArray[np.int64] | Array:
        """The most probable class per point, (n,); for a regression the values f, (n,)."""
        f = self.logits(X)
        if self.output_unit == "linear":
            return f
        if self.n_outputs == 1:
            return (f > 0).astype(np.int64)
        return np.argmax(f, axis=1).astype(np.int64)

    def predict_proba(self, X: ArrayLike, *, dtype: type = np.float64) -> NDArray:
        """(n, k) class probabilities, (1 − p, p) for one sigmoid unit (scikit-learn's layout).

        ``dtype=np.float32`` is the boundary pictures' path: a 100 × 100 grid through a
        2-32-32-32-3 net is a million activations, which NumPy's vectorised float32 tanh and exp
        compute several times faster than float64, and a relative error near 1e-7 is far below
        the 1/255 step of a pixel's colour. Where float32 overflows (a deep ReLU net with huge
        weights), the float64 pass is used and its result converted.
        """
        if self.output_unit == "linear":
            raise ValueError("A regression network predicts values, not class probabilities.")
        if dtype == np.float32:
            X32 = np.asarray(X, dtype=np.float32)
            if X32.ndim != 2 or X32.shape[1] != self.layer_sizes[0]:
                raise ValueError(
                    f"Inputs must be a table of shape (n, {self.layer_sizes[0]}); got {X32.shape}."
                )
            with np.errstate(all="ignore"):  # an overflow is caught and answered in float64
                probs = self._probabilities_float32(X32)
            if probs is not None:
                return probs
        p = self.forward(X)
        return (np.column_stack([1.0 - p, p]) if p.ndim == 1 else p).astype(dtype)

    def _probabilities_float32(self, X: NDArray[np.float32]) -> NDArray[np.float32] | None:
        """The forward pass in float32; None if a score overflowed (then the picture would lie)."""
        act = ACTIVATIONS[self.activation]
        h = X
        for W, b in self.params[:-1]:
            z = h @ W.astype(np.float32)
            z += b.astype(np.float32)
            if not np.isfinite(z).all():
                return None
            h = act.apply(z, z)
        W, b = self.params[-1]
        f = h @ W.astype(np.float32)
        f += b.astype(np.float32)
        if not np.isfinite(f).all():
            return None
        if f.shape[1] == 1:
            p = ACTIVATIONS["sigmoid"].apply(f[:, 0], f[:, 0])
            return np.column_stack([np.float32(1) - p, p])
        f -= f.max(axis=1, keepdims=True)
        np.exp(f, out=f)
        f /= f.sum(axis=1, keepdims=True)
        return f

    # -------------------------------------------------------------------- loss and gradients

    def _loss_and_delta(self, f: Array, y: NDArray) -> tuple[float, Array]:
        """Mean loss from the scores, and its gradient at the scores: (p − Y) / n, or
        2 (f − y) / n for the squared loss of a regression."""
        n = f.shape[0]
        if self.output == "linear":
            residual = f[:, 0] - y
            return float(np.mean(residual * residual)), (2.0 * residual / n)[:, None]
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
        act = ACTIVATIONS[self.activation]
        grads: Params = []
        for i in range(len(self.params) - 1, -1, -1):
            dW, db, dh = dense_backward(hs[i], self.params[i][0], delta)
            grads.append((dW, db))
            if i:  # through the hidden activation: σ'(z), from its output h = σ(z)
                delta = dh * act.derivative_from_output(hs[i])
        grads.reverse()
        return grads

    def loss(self, X: ArrayLike, y: ArrayLike) -> float:
        """Mean cross-entropy (binary for one output unit) over the points; the mean squared
        error (f − y)² for a regression."""
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

    def _step(self, X: Array, y: NDArray, lr: float) -> float:
        """One SGD step without input checks (the trainer checks once, then loops)."""
        hs, f = self._forward(X)
        loss, delta = self._loss_and_delta(f, y)
        for (W, b), (dW, db) in zip(self.params, self._backward(hs, delta), strict=True):
            W -= lr * dW
            b -= lr * db
        return loss

    def step(self, X: ArrayLike, y: ArrayLike, lr: float) -> float:
        """One step of SGD on this batch: w ← w − lr · ∇L. Returns the batch loss before it."""
        lr = check_learning_rate(lr)
        X_arr = self._check_X(X)
        return self._step(X_arr, self._check_y(y, X_arr.shape[0]), lr)

    # -------------------------------------------------------------------- weights as JSON

    def to_dict(self) -> dict:
        return {
            "layer_sizes": self.layer_sizes,
            "activation": self.activation,
            "output": self.output,
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
        output = data.get("output", "auto")  # files from before regression have none
        if output not in OUTPUTS:
            raise ValueError(f"output must be one of: {', '.join(OUTPUTS)}.")
        model = cls(sizes, activation=str(data["activation"]), output=output)
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
        return cls.from_dict(load_json(text, max_bytes=MAX_FILE_BYTES))


# ----------------------------------------------------------------------------- training


EXPLOSION_FACTOR = 10.0  # a loss 10× the starting loss (and above 5 nats) means it blew up
WEIGHT_LIMIT = 1e6


class Trainer(MinibatchTrainer):
    """Minibatch SGD over a training set, with test curves and a divergence watchdog.

    An epoch visits every training point once, in batches of ``batch_size`` drawn from a fresh
    permutation; the permutation of epoch e comes from ``default_rng([shuffle_seed, e])``, so the
    run is a pure function of its settings: the same seeds give the same run.

    Parameters
    ----------
    model : the network, trained in place.
    X_train : (n, d), y_train : (n,). X_test : (m, d), y_test : (m,) (m may be 0).
    """

    steps_per_clock_check = 256

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
        lr = check_learning_rate(lr)
        if int(batch_size) < 1:
            raise ValueError("The batch size must be at least 1.")
        self.model = model
        self.X_train = model._check_X(X_train)
        self.y_train = model._check_y(y_train, self.X_train.shape[0])
        if X_test is None or len(X_test) == 0:
            self.X_test = np.zeros((0, model.layer_sizes[0]))
            self.y_test = model._check_y(np.zeros(0, dtype=np.int64), 0)
        else:
            self.X_test = model._check_X(X_test)
            self.y_test = model._check_y(y_test, self.X_test.shape[0])
        self.lr = float(lr)
        self._batch_request = int(batch_size)
        self.batch_size = min(self._batch_request, self.X_train.shape[0])
        self.shuffle_seed = shuffle_seed
        self.iteration = 0
        # Where the epochs of the current data began (iteration, epoch): both 0 unless the data
        # were replaced during training (``replace_data``).
        self._data_since = (0, 0)
        self.seconds = 0.0
        self.history = History()
        self.divergence: Divergence | None = None
        self._order = np.arange(self.X_train.shape[0])
        self._order_epoch = -1
        self._fused: FusedSGD | None = None
        self.start_loss = model.loss(self.X_train, self.y_train)
        self.record()

    def __getstate__(self) -> dict:
        # The fused loop's step functions close over its own buffers: a copy (or a pickle) must
        # build its own, or two trainers would share them.
        state = self.__dict__.copy()
        state["_fused"] = None
        return state

    def _position(self, iteration: int) -> int:
        """Iteration ``iteration`` counted in batches of the current data from its epoch 0: the
        same number unless the data were replaced (then the epochs before count whole)."""
        since_iteration, since_epoch = self._data_since
        return since_epoch * self.batches_per_epoch + iteration - since_iteration

    @property
    def epoch(self) -> int:
        """Completed epochs."""
        return self._position(self.iteration) // self.batches_per_epoch

    @property
    def progress(self) -> float:
        """Epochs done, with the current epoch's fraction."""
        return self._position(self.iteration) / self.batches_per_epoch

    def _steps_to_epoch(self, epoch: int) -> int:
        return epoch * self.batches_per_epoch - self._position(self.iteration)

    def _epoch_order(self, epoch: int) -> NDArray[np.int64]:
        """The permutation of the training points that epoch ``epoch`` visits."""
        if epoch != self._order_epoch:
            self._order = epoch_order(self.shuffle_seed, epoch, self.X_train.shape[0])
            self._order_epoch = epoch
        return self._order

    def _batch(self, iteration: int) -> NDArray[np.int64]:
        """Indices of the training points of iteration ``iteration``'s minibatch."""
        epoch, k = divmod(self._position(iteration), self.batches_per_epoch)
        return self._epoch_order(epoch)[k * self.batch_size : (k + 1) * self.batch_size]

    def replace_data(
        self,
        X_train: ArrayLike,
        y_train: ArrayLike,
        X_test: ArrayLike | None = None,
        y_test: ArrayLike | None = None,
    ) -> None:
        """Go on training the same weights on other data (the learner added or erased points).

        The iteration count goes on; the epoch in progress counts as done and the next one is
        the first over the new data. The history keeps its points and gets one for the new data
        (in place of the last one if no step was taken since: clicks before training leave one
        starting point). Shapes are checked as in the constructor; at least one training point.
        """
        X_tr = self.model._check_X(X_train)
        y_tr = self.model._check_y(y_train, X_tr.shape[0])
        if X_test is None or len(X_test) == 0:
            X_te, y_te = np.zeros((0, self.model.layer_sizes[0])), y_tr[:0]
        else:
            X_te = self.model._check_X(X_test)
            y_te = self.model._check_y(y_test, X_te.shape[0])
        epochs_begun = math.ceil(self.progress)
        self.X_train, self.y_train, self.X_test, self.y_test = X_tr, y_tr, X_te, y_te
        self.batch_size = min(self._batch_request, X_tr.shape[0])
        self._data_since = (self.iteration, epochs_begun)
        self._order_epoch = -1
        self._fused = None  # it holds the old training set
        # A clicked point the network gets confidently wrong has a large loss: it must not look
        # like an explosion.
        self.start_loss = max(self.start_loss, self.model.loss(X_tr, y_tr))
        h = self.history
        if h.iteration and h.iteration[-1] == self.iteration and h.epoch[-1] == self.progress:
            for name in POINT_FIELDS:
                getattr(h, name).pop()
        self.record()

    def evaluate(self, X: Array, y: NDArray) -> tuple[float, float]:
        """(mean loss, accuracy) on a data set from one forward pass; NaN for an empty set, and
        an accuracy of NaN for a regression."""
        if len(X) == 0:
            return math.nan, math.nan
        _, f = self.model._forward(X)
        loss, _ = self.model._loss_and_delta(f, y)
        if self.model.output_unit == "linear":
            return loss, math.nan
        predicted = (f[:, 0] > 0) if f.shape[1] == 1 else np.argmax(f, axis=1)
        return loss, float(np.mean(predicted == y))

    def record(self) -> None:
        """Add the current state to the history: losses and accuracies on both sets."""
        self._record(*self.evaluate(self.X_train, self.y_train))

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

    def _fused_loop(self) -> FusedSGD:
        model = self.model
        key = (tuple(model.layer_sizes), model.activation, model.output_unit)
        if self._fused is None or self._fused_key != key:
            self._fused = FusedSGD(*key, self.X_train, self.y_train)
            self._fused_key = key
        return self._fused

    def _train(self, n_steps: int) -> int:
        """Take ``n_steps`` SGD steps through the fused loop, then record.

        The watchdog checks every batch loss and, after the steps, the weights: if training
        diverged, the weights go back to those before these steps (the last healthy ones),
        ``divergence`` says when and why, and 0 is returned.
        """
        t0 = time.perf_counter()
        saved = [(W.copy(), b.copy()) for W, b in self.model.params]
        start = self.iteration
        with np.errstate(all="ignore"):  # overflow is caught by the watchdog, not printed
            done, bad_loss = self._fused_loop().run(
                self.model.params,
                self._position(start),
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
        self.seconds += time.perf_counter() - t0
        self.record()
        return n_steps


# ----------------------------------------------------------------------------- views


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


def line_points(bounds: tuple[float, float], resolution: int) -> Array:
    """``resolution`` evenly spaced inputs from x0 to x1 for a network of one input.

    Returns
    -------
    (resolution, 1) points, from x0.
    """
    x0, x1 = bounds
    if not x1 > x0 or resolution < 2:
        raise ValueError("The view needs x0 < x1 and at least 2 points.")
    return np.linspace(x0, x1, resolution)[:, None]


@dataclass(frozen=True)
class Frame:
    """The state after some training: counters, metrics and what the network computes over a
    grid of inputs, for drawing.

    A classifier's frame holds ``probs``; a regression's (``output="linear"``) holds ``values``
    and, when the network has a hidden layer, ``contributions``; the others are None.
    """

    iteration: int
    epoch: int
    train_loss: float
    train_accuracy: float
    test_loss: float
    test_accuracy: float
    probs: NDArray[np.float32] | None  # (g, k) class probabilities at the g grid points
    values: NDArray[np.float32] | None = None  # (g,) the prediction f at each grid point
    # (g, m_L): what each unit of the last hidden layer adds to f (``MLP.output_contributions``)
    contributions: NDArray[np.float32] | None = None


def frame_of(trainer: Trainer, grid: Array) -> Frame:
    """The trainer's current state as a frame over ``grid`` (g, d)."""
    h = trainer.history
    model = trainer.model
    probs = values = contributions = None
    if model.output_unit == "linear":
        values = model.forward(grid).astype(np.float32)
        if len(model.layer_sizes) > 2:
            contributions = model.output_contributions(grid).astype(np.float32)
    else:
        probs = model.predict_proba(grid, dtype=np.float32)
    return Frame(
        iteration=trainer.iteration,
        epoch=trainer.epoch,
        train_loss=h.train_loss[-1],
        train_accuracy=h.train_accuracy[-1],
        test_loss=h.test_loss[-1],
        test_accuracy=h.test_accuracy[-1],
        probs=probs,
        values=values,
        contributions=contributions,
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
