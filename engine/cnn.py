"""A LeNet-style convolutional network in NumPy, trained with minibatch SGD.

Every layer keeps its forward and backward pass side by side (the micrograd way): `forward` caches
what the backward pass needs, `backward` takes ∂ℓ/∂(output) and returns ∂ℓ/∂(input), storing the
gradients of its own parameters. Arrays are NCHW, float64; convolution is cross-correlation as in
PyTorch and the lecture.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view
from numpy.typing import NDArray

from engine.activations import activate, activation_grad, softmax
from engine.conv import output_size
from engine.losses import cross_entropy_with_logits, cross_entropy_with_logits_grad

Array = NDArray[np.float64]
Labels = NDArray[np.int64]

ACTIVATIONS = ("relu", "sigmoid", "tanh")
POOLS = ("max", "avg")
# A mean cross-entropy this large means the weights blew up (chance level on 10 classes is 2.3).
DIVERGED_LOSS = 100.0


def _check_choice(name: str, value: str, choices: Sequence[str]) -> None:
    if value not in choices:
        raise ValueError(f"Unknown {name} {value!r}: choose one of {', '.join(choices)}.")


def _init_std(fan_in: int, fan_out: int, activation: str) -> float:
    """He initialisation for ReLU, Glorot for tanh, and 4 × Glorot for sigmoid.

    σ'(0) = 1/4, a quarter of tanh'(0): Glorot and Bengio (2010) scale sigmoid weights up by 4 so
    the signal keeps its size through the layers. With plain Glorot a sigmoid LeNet here stays at
    chance for dozens of epochs.
    """
    if activation == "relu":
        return float(np.sqrt(2.0 / fan_in))
    glorot = float(np.sqrt(2.0 / (fan_in + fan_out)))
    return 4.0 * glorot if activation == "sigmoid" else glorot


# -- layers ----------------------------------------------------------------------------------------


class Layer:
    """A layer: `forward(x)` then `backward(dout)`; parameters and gradients by name."""

    name: str = ""
    kind: str = ""
    shape_out: tuple[int, ...] = ()  # one image's output shape, set when a network is built

    def params(self) -> dict[str, Array]:
        return {}

    def grads(self) -> dict[str, Array]:
        return {}

    def forward(self, x: Array) -> Array:
        raise NotImplementedError

    def backward(self, dout: Array) -> Array:
        raise NotImplementedError

    def output_shape(self, shape: tuple[int, ...]) -> tuple[int, ...]:
        return shape


class Conv2D(Layer):
    """out[n, o] = b[o] + Σ_c x[n, c] ⋆ W[o, c], padding on every side, one stride."""

    kind = "conv"

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        kernel_size: int,
        *,
        padding: int = 0,
        stride: int = 1,
        std: float,
        rng: np.random.Generator,
        name: str = "conv",
    ) -> None:
        k = kernel_size
        self.name, self.padding, self.stride, self.k = name, padding, stride, k
        self.W = rng.normal(0.0, std, size=(out_channels, in_channels, k, k))
        self.b = np.zeros(out_channels)
        self.dW = np.zeros_like(self.W)
        self.db = np.zeros_like(self.b)

    def params(self) -> dict[str, Array]:
        return {f"{self.name}.W": self.W, f"{self.name}.b": self.b}

    def grads(self) -> dict[str, Array]:
        return {f"{self.name}.W": self.dW, f"{self.name}.b": self.db}

    def output_shape(self, shape: tuple[int, ...]) -> tuple[int, ...]:
        _, h, w = shape
        size = [output_size(n, self.k, stride=self.stride, padding=self.padding) for n in (h, w)]
        return (self.W.shape[0], *size)

    def forward(self, x: Array) -> Array:
        """x (N, C, H, W) -> (N, O, Ho, Wo)."""
        p, s = self.padding, self.stride
        xp = np.pad(x, ((0, 0), (0, 0), (p, p), (p, p)))
        # Every k×k window at once, as a strided view: (N, C, Ho, Wo, k, k), no copy yet.
        self.windows = sliding_window_view(xp, (self.k, self.k), axis=(2, 3))[:, :, ::s, ::s]
        self.x_shape, self.xp_shape = x.shape, xp.shape
        out = np.tensordot(self.windows, self.W, axes=([1, 4, 5], [1, 2, 3]))  # (N, Ho, Wo, O)
        return out.transpose(0, 3, 1, 2) + self.b[:, None, None]

    def backward(self, dout: Array) -> Array:
        """dout (N, O, Ho, Wo) -> dx (N, C, H, W); fills dW (O, C, k, k) and db (O,)."""
        p, s, k = self.padding, self.stride, self.k
        _, _, ho, wo = dout.shape
        self.db[...] = dout.sum(axis=(0, 2, 3))
        # Each weight met every window once: ∂ℓ/∂W[o, c, i, j] = Σ dout[n, o, y, x] · window.
        self.dW[...] = np.tensordot(dout, self.windows, axes=([0, 2, 3], [0, 2, 3]))
        # Each window sends dout · W back to the pixels it covered; overlapping windows add up.
        dwin = np.tensordot(dout, self.W, axes=([1], [0]))  # (N, Ho, Wo, C, k, k)
        dxp = np.zeros(self.xp_shape)
        for i in range(k):
            for j in range(k):
                dxp[:, :, i : i + s * (ho - 1) + 1 : s, j : j + s * (wo - 1) + 1 : s] += dwin[
                    :, :, :, :, i, j
                ].transpose(0, 3, 1, 2)
        h, w = self.x_shape[2:]
        return dxp[:, :, p : p + h, p : p + w]


class Pool2D(Layer):
    """Max or average over non-overlapping size×size windows (a ragged edge is dropped)."""

    kind = "pool"

    def __init__(self, size: int = 2, *, mode: str = "max", name: str = "pool") -> None:
        _check_choice("pooling", mode, POOLS)
        self.size, self.mode, self.name = size, mode, name

    def output_shape(self, shape: tuple[int, ...]) -> tuple[int, ...]:
        c, h, w = shape
        return (c, *(output_size(n, self.size, stride=self.size) for n in (h, w)))

    def _windows(self, x: Array) -> Array:
        n, c, h, w = x.shape
        p = self.size
        ho, wo = h // p, w // p
        blocks = x[:, :, : ho * p, : wo * p].reshape(n, c, ho, p, wo, p)
        return blocks.transpose(0, 1, 2, 4, 3, 5).reshape(n, c, ho, wo, p * p)

    def forward(self, x: Array) -> Array:
        """x (N, C, H, W) -> (N, C, H // size, W // size)."""
        self.x_shape = x.shape
        win = self._windows(x)
        if self.mode == "avg":
            return win.mean(axis=-1)
        self.argmax = win.argmax(axis=-1)[..., None]  # the one input that wins each window
        return np.take_along_axis(win, self.argmax, axis=-1)[..., 0]

    def backward(self, dout: Array) -> Array:
        p = self.size
        n, c, ho, wo = dout.shape
        if self.mode == "avg":  # every input in the window had weight 1/p²
            dwin = np.broadcast_to(dout[..., None] / (p * p), (n, c, ho, wo, p * p))
        else:  # only the maximum passed through, so only it gets the gradient
            dwin = np.zeros((n, c, ho, wo, p * p))
            np.put_along_axis(dwin, self.argmax, dout[..., None], axis=-1)
        blocks = dwin.reshape(n, c, ho, wo, p, p).transpose(0, 1, 2, 4, 3, 5)
        dx = np.zeros(self.x_shape)
        dx[:, :, : ho * p, : wo * p] = blocks.reshape(n, c, ho * p, wo * p)
        return dx


class Activation(Layer):
    """Element-wise ReLU, sigmoid or tanh."""

    kind = "activation"

    def __init__(self, activation: str = "relu", *, name: str = "act") -> None:
        _check_choice("activation", activation, ACTIVATIONS)
        self.activation, self.name = activation, name

    def forward(self, x: Array) -> Array:
        self.x = x
        self.out = activate(self.activation, x)
        return self.out

    def backward(self, dout: Array) -> Array:
        return dout * activation_grad(self.activation, self.x, self.out)


class Flatten(Layer):
    kind = "flatten"
    name = "flatten"

    def output_shape(self, shape: tuple[int, ...]) -> tuple[int, ...]:
        return (int(np.prod(shape)),)

    def forward(self, x: Array) -> Array:
        self.x_shape = x.shape
        return x.reshape(len(x), -1)

    def backward(self, dout: Array) -> Array:
        return dout.reshape(self.x_shape)


class Dense(Layer):
    """out = x @ W + b, W (fan_in, fan_out) as in engine.mlp."""

    kind = "dense"

    def __init__(
        self, fan_in: int, fan_out: int, *, std: float, rng: np.random.Generator, name: str
    ) -> None:
        self.name = name
        self.W = rng.normal(0.0, std, size=(fan_in, fan_out))
        self.b = np.zeros(fan_out)
        self.dW = np.zeros_like(self.W)
        self.db = np.zeros_like(self.b)

    def params(self) -> dict[str, Array]:
        return {f"{self.name}.W": self.W, f"{self.name}.b": self.b}

    def grads(self) -> dict[str, Array]:
        return {f"{self.name}.W": self.dW, f"{self.name}.b": self.db}

    def output_shape(self, shape: tuple[int, ...]) -> tuple[int, ...]:
        return (self.W.shape[1],)

    def forward(self, x: Array) -> Array:
        self.x = x
        return x @ self.W + self.b

    def backward(self, dout: Array) -> Array:
        self.dW[...] = self.x.T @ dout
        self.db[...] = dout.sum(axis=0)
        return dout @ self.W.T


def softmax_cross_entropy(logits: Array, y: Labels) -> tuple[float, Array]:
    """Mean cross-entropy −log softmax(f)_y over the batch, and its gradient in the logits.

    Parameters
    ----------
    logits : (N, K) finite scores f. y : (N,) class indices.

    Returns
    -------
    loss, dlogits (N, K) = (softmax(f) − onehot(y)) / N.
    """
    loss = float(cross_entropy_with_logits(logits, y))
    return loss, cross_entropy_with_logits_grad(logits, y) / len(y)


# -- the network -----------------------------------------------------------------------------------


class LeNet:
    """conv → act → pool → conv → act → pool → dense → act → … → dense → softmax.

    Parameters
    ----------
    input_shape : (C, H, W) of one image, (1, 8, 8) for the digits.
    channels : output channels of each convolution, e.g. (6, 16) as in LeNet-5.
    kernel_sizes : odd kernel side of each convolution; padding k // 2 keeps H and W.
    hidden : widths of the hidden dense layers, (120, 84) as in LeNet-5.
    n_classes : output scores.
    activation : relu, sigmoid or tanh, after every convolution and hidden dense layer.
    pool : max or avg, 2×2 windows with stride 2 after every convolution.
    seed : the same seed gives the same initial weights (see `_init_std`).
    """

    def __init__(
        self,
        *,
        input_shape: tuple[int, int, int] = (1, 8, 8),
        channels: Sequence[int] = (6, 16),
        kernel_sizes: Sequence[int] = (5, 3),
        hidden: Sequence[int] = (120, 84),
        n_classes: int = 10,
        activation: str = "relu",
        pool: str = "max",
        seed: int = 0,
    ) -> None:
        _check_choice("activation", activation, ACTIVATIONS)
        _check_choice("pooling", pool, POOLS)
        if len(channels) != len(kernel_sizes) or not channels:
            raise ValueError("Give one kernel size per convolution, and at least one convolution.")
        if any(k < 1 or k % 2 == 0 for k in kernel_sizes):
            raise ValueError("Kernel sizes must be odd (1, 3, 5, …) so padding k // 2 keeps H×W.")
        if min(*channels, *hidden, n_classes, *input_shape) < 1:
            raise ValueError("Every layer needs at least one channel or unit.")
        self.input_shape = tuple(input_shape)
        self.activation, self.pool = activation, pool
        rng = np.random.default_rng(seed)
        self.layers: list[Layer] = []
        shape: tuple[int, ...] = self.input_shape
        for i, (out_ch, k) in enumerate(zip(channels, kernel_sizes, strict=True), start=1):
            fan_in, fan_out = shape[0] * k * k, out_ch * k * k
            conv = Conv2D(
                shape[0], out_ch, k, padding=k // 2, name=f"conv{i}", rng=rng,
                std=_init_std(fan_in, fan_out, activation),
            )  # fmt: skip
            shape = self._add(conv, shape)
            shape = self._add(Activation(activation, name=f"act{i}"), shape)
            if min(shape[1:]) < 2:
                raise ValueError(
                    f"The input {self.input_shape[1]}×{self.input_shape[2]} is too small for "
                    f"{len(channels)} conv + 2×2 pool stages: it is {shape[1]}×{shape[2]} before "
                    f"pool {i}. Use fewer stages or a larger input."
                )
            shape = self._add(Pool2D(2, mode=pool, name=f"pool{i}"), shape)
        shape = self._add(Flatten(), shape)
        widths = [*hidden, n_classes]
        for j, width in enumerate(widths, start=1):
            # The output layer feeds the softmax, not an activation: plain Glorot.
            std = _init_std(shape[0], width, activation if j < len(widths) else "tanh")
            shape = self._add(Dense(shape[0], width, std=std, rng=rng, name=f"fc{j}"), shape)
            if j < len(widths):
                shape = self._add(Activation(activation, name=f"act_fc{j}"), shape)
        self.n_classes = n_classes

    def _add(self, layer: Layer, shape: tuple[int, ...]) -> tuple[int, ...]:
        self.layers.append(layer)
        layer.shape_out = layer.output_shape(shape)
        return layer.shape_out

    # parameters ----------------------------------------------------------------------------------
    def params(self) -> dict[str, Array]:
        """Every weight array by name ("conv1.W", "fc1.b", …); the arrays themselves, not copies."""
        return {k: v for layer in self.layers for k, v in layer.params().items()}

    def grads(self) -> dict[str, Array]:
        return {k: v for layer in self.layers for k, v in layer.grads().items()}

    @property
    def n_params(self) -> int:
        return sum(v.size for v in self.params().values())

    def summary(self) -> list[dict]:
        """One row per layer: `layer`, `output_shape` (one image), `params`."""
        return [
            {
                "layer": layer.name,
                "output_shape": layer.shape_out,
                "params": sum(v.size for v in layer.params().values()),
            }
            for layer in self.layers
        ]

    # passes --------------------------------------------------------------------------------------
    def check_input(self, x: Array) -> Array:
        """x as float64 (N, C, H, W); one image (C, H, W) becomes a batch of one."""
        x = np.asarray(x, dtype=np.float64)
        if x.ndim == 3:
            x = x[None]
        if x.ndim != 4 or x.shape[1:] != self.input_shape:
            raise ValueError(
                f"Expected images of shape (N, {', '.join(map(str, self.input_shape))}), "
                f"got {x.shape}."
            )
        return x

    def forward(self, x: Array) -> Array:
        """x (N, C, H, W) or one image (C, H, W) -> logits (N, n_classes)."""
        out = self.check_input(x)
        for layer in self.layers:
            out = layer.forward(out)
        return out

    def feature_maps(self, x: Array) -> list[tuple[Layer, Array]]:
        """Every layer's output for one image (C, H, W), in order, batch axis dropped."""
        out = self.check_input(x)
        maps = []
        for layer in self.layers:
            out = layer.forward(out)
            maps.append((layer, out[0]))
        return maps

    def predict_proba(self, x: Array, *, batch_size: int = 512) -> Array:
        """(N, n_classes) softmax probabilities, evaluated in batches to bound memory."""
        x = self.check_input(x)
        return np.concatenate(
            [softmax(self.forward(x[i : i + batch_size])) for i in range(0, len(x), batch_size)]
        )

    def predict(self, x: Array) -> Labels:
        return self.predict_proba(x).argmax(axis=1)

    def loss(self, x: Array, y: Labels) -> float:
        return softmax_cross_entropy(self.forward(x), np.asarray(y))[0]

    def loss_and_grads(self, x: Array, y: Labels) -> tuple[float, Array]:
        """Forward, mean cross-entropy, backward. Gradients land in `grads()`; returns
        (loss, logits). Raises FloatingPointError when the scores are not finite."""
        logits = self.forward(x)
        if not np.isfinite(logits).all():
            raise FloatingPointError("The scores overflowed: the weights have blown up.")
        loss, d = softmax_cross_entropy(logits, np.asarray(y))
        for layer in reversed(self.layers):
            d = layer.backward(d)
        return loss, logits


class SGD:
    """Minibatch SGD with optional momentum: v ← μv − η∇ℓ, θ ← θ + v (μ = 0: θ ← θ − η∇ℓ)."""

    def __init__(self, params: dict[str, Array], *, lr: float = 0.05, momentum: float = 0.0):
        self.lr, self.momentum = lr, momentum
        self.velocity = {k: np.zeros_like(v) for k, v in params.items()}

    def step(self, params: dict[str, Array], grads: dict[str, Array]) -> None:
        for k, p in params.items():
            v = self.velocity[k]
            v *= self.momentum
            v -= self.lr * grads[k]
            p += v


def check_hyperparameters(*, lr: float, batch_size: int, momentum: float, n_train: int) -> None:
    if not (np.isfinite(lr) and lr > 0):
        raise ValueError(f"The learning rate must be a positive number, not {lr}.")
    if not 0 <= momentum < 1:
        raise ValueError(f"Momentum must be in [0, 1), not {momentum}.")
    if not 1 <= batch_size <= n_train:
        raise ValueError(f"The batch size must be between 1 and {n_train} (the training set).")


@dataclass
class History:
    """What training did so far. Per minibatch: `step_epoch` (epochs done, fractional, after
    the step), `step_loss`, `step_accuracy`. Per epoch (0 = before training): `epochs`,
    `train_loss`, `train_accuracy` (means over the epoch's minibatches), `test_loss`,
    `test_accuracy`, `seconds` (training time so far)."""

    step_epoch: list[float] = field(default_factory=list)
    step_loss: list[float] = field(default_factory=list)
    step_accuracy: list[float] = field(default_factory=list)
    epochs: list[int] = field(default_factory=list)
    train_loss: list[float] = field(default_factory=list)
    train_accuracy: list[float] = field(default_factory=list)
    test_loss: list[float] = field(default_factory=list)
    test_accuracy: list[float] = field(default_factory=list)
    seconds: list[float] = field(default_factory=list)


class Trainer:
    """Minibatch SGD over a training set, resumable in chunks (a page trains a few batches, shows
    progress, and carries on).

    Each epoch visits the training images once in a fresh random order (from `seed`); the test set
    is evaluated after every epoch. `lr`, `momentum` and `batch_size` may be changed between
    chunks; a new batch size applies from the next epoch.
    """

    def __init__(
        self,
        net: LeNet,
        x_train: Array,
        y_train: Labels,
        x_test: Array,
        y_test: Labels,
        *,
        lr: float = 0.05,
        batch_size: int = 32,
        momentum: float = 0.9,
        seed: int = 0,
    ) -> None:
        check_hyperparameters(lr=lr, batch_size=batch_size, momentum=momentum, n_train=len(y_train))
        self.net = net
        self.x_train, self.y_train = net.check_input(x_train), np.asarray(y_train)
        self.x_test, self.y_test = net.check_input(x_test), np.asarray(y_test)
        for x, y, name in (
            (self.x_train, self.y_train, "training"),
            (self.x_test, self.y_test, "test"),
        ):
            if len(x) != len(y) or len(y) == 0:
                raise ValueError(
                    f"The {name} set needs one label per image ({len(x)} images, {len(y)} labels)."
                )
            if y.min() < 0 or y.max() >= net.n_classes:
                raise ValueError(f"The {name} labels must be classes 0 to {net.n_classes - 1}.")
        self.batch_size = batch_size
        self.optimizer = SGD(net.params(), lr=lr, momentum=momentum)
        self.rng = np.random.default_rng(seed)
        self.history = History()
        self.epoch = 0  # completed epochs
        self.diverged = False
        self.seconds = 0.0
        self._order = np.zeros(0, dtype=np.int64)
        self._batch_starts: list[int] = []
        self._next = 0  # index into _batch_starts
        self._epoch_loss: list[float] = []
        self._epoch_correct = 0
        self._record_epoch(np.nan, np.nan)

    def set_hyperparameters(self, *, lr: float, batch_size: int, momentum: float) -> None:
        check_hyperparameters(
            lr=lr, batch_size=batch_size, momentum=momentum, n_train=len(self.y_train)
        )
        self.optimizer.lr, self.optimizer.momentum, self.batch_size = lr, momentum, batch_size

    @property
    def batches_per_epoch(self) -> int:
        return -(-len(self.y_train) // self.batch_size)

    @property
    def progress(self) -> float:
        """Epochs done, with the current epoch's fraction."""
        if not self._batch_starts or self._next >= len(self._batch_starts):
            return float(self.epoch)
        return self.epoch + self._next / len(self._batch_starts)

    def evaluate(self, x: Array, y: Labels) -> tuple[float, float]:
        """(mean cross-entropy, accuracy) on a data set."""
        p = self.net.predict_proba(x)
        loss = float(-np.log(np.maximum(p[np.arange(len(y)), y], 1e-300)).mean())
        return loss, float((p.argmax(axis=1) == y).mean())

    def _record_epoch(self, train_loss: float, train_accuracy: float) -> None:
        h = self.history
        test_loss, test_acc = self.evaluate(self.x_test, self.y_test)
        h.epochs.append(self.epoch)
        h.train_loss.append(train_loss)
        h.train_accuracy.append(train_accuracy)
        h.test_loss.append(test_loss)
        h.test_accuracy.append(test_acc)
        h.seconds.append(self.seconds)

    def _start_epoch(self) -> None:
        n = len(self.y_train)
        self._order = self.rng.permutation(n)
        self._batch_starts = list(range(0, n, self.batch_size))
        self._batch_size_now = self.batch_size
        self._next = 0
        self._epoch_loss, self._epoch_correct = [], 0

    def train_step(self) -> float:
        """One minibatch step; finishes the epoch (and evaluates the test set) after its last."""
        if self.diverged:
            raise ValueError("Training diverged; start again with a smaller learning rate.")
        if self._next >= len(self._batch_starts):
            self._start_epoch()
        t0 = time.perf_counter()
        start = self._batch_starts[self._next]
        idx = self._order[start : start + self._batch_size_now]
        x, y = self.x_train[idx], self.y_train[idx]
        try:
            with np.errstate(over="ignore", invalid="ignore"):
                loss, logits = self.net.loss_and_grads(x, y)
        except FloatingPointError:
            self.diverged = True
            return float("inf")
        correct = int((logits.argmax(axis=1) == y).sum())
        if loss > DIVERGED_LOSS:
            self.diverged = True
            return loss
        self.optimizer.step(self.net.params(), self.net.grads())
        self.seconds += time.perf_counter() - t0
        self._next += 1
        self._epoch_loss.append(loss * len(idx))
        self._epoch_correct += correct
        h = self.history
        h.step_epoch.append(self.epoch + self._next / len(self._batch_starts))
        h.step_loss.append(loss)
        h.step_accuracy.append(correct / len(idx))
        if self._next == len(self._batch_starts):
            self.epoch += 1
            n = len(self.y_train)
            t0 = time.perf_counter()
            self._record_epoch(sum(self._epoch_loss) / n, self._epoch_correct / n)
            self.seconds += time.perf_counter() - t0
        return loss

    def run(
        self,
        *,
        until_epoch: int,
        max_steps: int | None = None,
        max_seconds: float | None = None,
    ) -> int:
        """Train until `until_epoch` epochs are done, or `max_steps` minibatches, or about
        `max_seconds` of wall-clock time, or divergence, whichever is first. Returns steps run."""
        t0 = time.perf_counter()
        steps = 0
        while self.progress < until_epoch and not self.diverged:
            if max_steps is not None and steps >= max_steps:
                break
            if max_seconds is not None and time.perf_counter() - t0 >= max_seconds:
                break
            self.train_step()
            steps += 1
        return steps


def confusion_matrix(y_true: Labels, y_pred: Labels, n_classes: int = 10) -> NDArray[np.int64]:
    """(K, K) counts: row = true class, column = predicted class."""
    m = np.zeros((n_classes, n_classes), dtype=np.int64)
    np.add.at(m, (np.asarray(y_true), np.asarray(y_pred)), 1)
    return m
