"""A LeNet-style convolutional network in NumPy, trained with minibatch SGD.

Every layer keeps its forward and backward pass side by side (the micrograd way): `forward` caches
what the backward pass needs, `backward` takes ∂ℓ/∂(output) and returns ∂ℓ/∂(input), storing the
gradients of its own parameters. Arrays are NCHW, float64; convolution is cross-correlation as in
PyTorch and the lecture.

The network and its trainer speak the MLP's vocabulary (engine.mlp): `forward` gives
probabilities and `logits` the scores, `predict_proba`, `predict`, `loss`, `gradients`, `params`;
the trainer has `run`, `history` (engine.training.History) and `divergence`; both save to JSON
with `to_json` / `from_json`.
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view
from numpy.typing import ArrayLike, NDArray

from engine.activations import HIDDEN_ACTIVATIONS, get_activation, softmax
from engine.conv import output_size
from engine.files import (
    check_int,
    check_int_list,
    check_name,
    checked_arrays,
    finite_number,
    is_int,
    load_json,
    mapping,
)
from engine.layers import dense_backward, dense_forward
from engine.losses import cross_entropy_with_logits, cross_entropy_with_logits_grad
from engine.training import (
    POINT_FIELDS,
    Divergence,
    History,
    MinibatchTrainer,
    check_learning_rate,
    epoch_order,
)

Array = NDArray[np.float64]
Labels = NDArray[np.int64]

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

    @property
    def params(self) -> dict[str, Array]:
        return {}

    @property
    def grads(self) -> dict[str, Array]:
        return {}

    def forward(self, x: Array) -> Array:
        raise NotImplementedError

    def backward(self, dout: Array) -> Array:
        raise NotImplementedError

    def output_shape(self, shape: tuple[int, ...]) -> tuple[int, ...]:
        return shape


class WeightedLayer(Layer):
    """A layer with weights W and biases b, normal(0, std) and 0 at the start, and their
    gradients dW and db, named "<layer>.W" and "<layer>.b"."""

    def __init__(
        self, shape: tuple[int, ...], n_out: int, *, std: float, rng: np.random.Generator, name: str
    ):
        self.name = name
        self.W = rng.normal(0.0, std, size=shape)
        self.b = np.zeros(n_out)
        self.dW = np.zeros_like(self.W)
        self.db = np.zeros_like(self.b)

    @property
    def params(self) -> dict[str, Array]:
        return {f"{self.name}.W": self.W, f"{self.name}.b": self.b}

    @property
    def grads(self) -> dict[str, Array]:
        return {f"{self.name}.W": self.dW, f"{self.name}.b": self.db}


class Conv2D(WeightedLayer):
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
        shape = (out_channels, in_channels, k, k)
        super().__init__(shape, out_channels, std=std, rng=rng, name=name)
        self.padding, self.stride, self.k = padding, stride, k

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
    """Element-wise ReLU, sigmoid or tanh, from the table in engine.activations."""

    kind = "activation"

    def __init__(self, activation: str = "relu", *, name: str = "act") -> None:
        self.fn = get_activation(activation)
        self.activation, self.name = activation, name

    def forward(self, x: Array) -> Array:
        self.out = self.fn(x)
        return self.out

    def backward(self, dout: Array) -> Array:
        return dout * self.fn.derivative_from_output(self.out)  # σ'(z) from the output σ(z)


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


class Dense(WeightedLayer):
    """out = x @ W + b, W (fan_in, fan_out) as in engine.mlp (engine.layers does both passes)."""

    kind = "dense"

    def __init__(
        self, fan_in: int, fan_out: int, *, std: float, rng: np.random.Generator, name: str
    ) -> None:
        super().__init__((fan_in, fan_out), fan_out, std=std, rng=rng, name=name)

    def output_shape(self, shape: tuple[int, ...]) -> tuple[int, ...]:
        return (self.W.shape[1],)

    def forward(self, x: Array) -> Array:
        self.x = x
        return dense_forward(x, self.W, self.b)

    def backward(self, dout: Array) -> Array:
        self.dW[...], self.db[...], dx = dense_backward(self.x, self.W, dout)
        return dx


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

# What a LeNet file may ask for: the lab's digits net is far below these, and a hostile file
# cannot make the loader allocate more than MAX_PARAMS weights.
MAX_PARAMS = 500_000
MAX_FILE_BYTES = 30_000_000
FILE_FORMAT = "nn-lab LeNet"


def count_params(
    *,
    input_shape: Sequence[int],
    channels: Sequence[int],
    kernel_sizes: Sequence[int],
    hidden: Sequence[int],
    n_classes: int,
) -> int:
    """The weights and biases a LeNet with these settings has, without building it: each
    convolution keeps H × W (padding k // 2) and each 2×2 pooling halves it."""
    c, h, w = input_shape
    total = 0
    for out_ch, k in zip(channels, kernel_sizes, strict=True):
        total += out_ch * (c * k * k + 1)
        c, h, w = out_ch, h // 2, w // 2
    fan_in = c * h * w
    for width in (*hidden, n_classes):
        total += width * (fan_in + 1)
        fan_in = width
    return total


class LeNet:
    """conv → act → pool → conv → act → pool → dense → act → … → dense → softmax.

    Parameters
    ----------
    input_shape : (C, H, W) of one image, (1, 8, 8) for the digits.
    channels : output channels of each convolution, e.g. (6, 16) as in LeNet-5.
    kernel_sizes : odd kernel side of each convolution; padding k // 2 keeps H and W.
    hidden : widths of the hidden dense layers, (120, 84) as in LeNet-5.
    n_classes : output scores.
    activation : relu, sigmoid or tanh (engine.activations), after every convolution and hidden
        dense layer.
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
        get_activation(activation)
        _check_choice("pooling", pool, POOLS)
        if len(channels) != len(kernel_sizes) or not channels:
            raise ValueError("Give one kernel size per convolution, and at least one convolution.")
        if any(k < 1 or k % 2 == 0 for k in kernel_sizes):
            raise ValueError("Kernel sizes must be odd (1, 3, 5, …) so padding k // 2 keeps H×W.")
        if len(input_shape) != 3 or min(*channels, *hidden, n_classes, *input_shape) < 1:
            raise ValueError("Every layer needs at least one channel or unit.")
        self.input_shape = tuple(input_shape)
        self.channels, self.kernel_sizes = tuple(channels), tuple(kernel_sizes)
        self.hidden, self.n_classes = tuple(hidden), n_classes
        self.activation, self.pool, self.seed = activation, pool, seed
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

    def _add(self, layer: Layer, shape: tuple[int, ...]) -> tuple[int, ...]:
        self.layers.append(layer)
        layer.shape_out = layer.output_shape(shape)
        return layer.shape_out

    @property
    def settings(self) -> dict:
        """The constructor's arguments: ``LeNet(**net.settings)`` builds the same network."""
        return {
            "input_shape": list(self.input_shape),
            "channels": list(self.channels),
            "kernel_sizes": list(self.kernel_sizes),
            "hidden": list(self.hidden),
            "n_classes": self.n_classes,
            "activation": self.activation,
            "pool": self.pool,
            "seed": self.seed,
        }

    # parameters ----------------------------------------------------------------------------------
    @property
    def params(self) -> dict[str, Array]:
        """Every weight array by name ("conv1.W", "fc1.b", …); the arrays themselves, not copies."""
        return {k: v for layer in self.layers for k, v in layer.params.items()}

    @property
    def n_params(self) -> int:
        return sum(v.size for v in self.params.values())

    def summary(self) -> list[dict]:
        """One row per layer: `layer`, `output_shape` (one image), `params`."""
        return [
            {
                "layer": layer.name,
                "output_shape": layer.shape_out,
                "params": sum(v.size for v in layer.params.values()),
            }
            for layer in self.layers
        ]

    # passes --------------------------------------------------------------------------------------
    def _check_X(self, X: ArrayLike) -> Array:
        """X as float64 (N, C, H, W); one image (C, H, W) becomes a batch of one."""
        X = np.asarray(X, dtype=np.float64)
        if X.ndim == 3:
            X = X[None]
        if X.ndim != 4 or X.shape[1:] != self.input_shape:
            raise ValueError(
                f"Expected images of shape (N, {', '.join(map(str, self.input_shape))}), "
                f"got {X.shape}."
            )
        return X

    def logits(self, X: ArrayLike) -> Array:
        """X (N, C, H, W) or one image (C, H, W) -> scores f (N, n_classes), before the softmax.

        Every layer keeps what its backward pass needs, so this is the pass training runs.
        """
        out = self._check_X(X)
        for layer in self.layers:
            out = layer.forward(out)
        return out

    def forward(self, X: ArrayLike, *, batch_size: int = 512) -> Array:
        """Probabilities softmax(f), (N, n_classes), evaluated in batches to bound memory."""
        X = self._check_X(X)
        return np.concatenate(
            [softmax(self.logits(X[i : i + batch_size])) for i in range(0, len(X), batch_size)]
        )

    def predict_proba(self, X: ArrayLike) -> Array:
        """(N, n_classes) class probabilities: the same as ``forward`` (scikit-learn's name)."""
        return self.forward(X)

    def predict(self, X: ArrayLike) -> Labels:
        """The most probable class per image, (N,)."""
        return self.forward(X).argmax(axis=1)

    def feature_maps(self, X: ArrayLike) -> list[tuple[Layer, Array]]:
        """Every layer's output for one image (C, H, W), in order, batch axis dropped."""
        out = self._check_X(X)
        maps = []
        for layer in self.layers:
            out = layer.forward(out)
            maps.append((layer, out[0]))
        return maps

    def loss(self, X: ArrayLike, y: Labels) -> float:
        """Mean cross-entropy over the images."""
        return softmax_cross_entropy(self.logits(X), np.asarray(y))[0]

    def _loss_and_backward(self, X: ArrayLike, y: Labels) -> tuple[float, Array]:
        """Forward, mean cross-entropy, backward: the gradients land in each layer's ``grads``.
        Returns (loss, logits). Raises FloatingPointError when the scores are not finite."""
        logits = self.logits(X)
        if not np.isfinite(logits).all():
            raise FloatingPointError("The scores overflowed: the weights have blown up.")
        loss, d = softmax_cross_entropy(logits, np.asarray(y))
        for layer in reversed(self.layers):
            d = layer.backward(d)
        return loss, logits

    def gradients(self, X: ArrayLike, y: Labels) -> dict[str, Array]:
        """Gradients of the mean loss by backpropagation, by name, with the shapes of ``params``."""
        self._loss_and_backward(X, y)
        return {k: g.copy() for k, g in self._grads().items()}

    # weights as JSON -----------------------------------------------------------------------------
    def to_dict(self) -> dict:
        return {**self.settings, "params": {k: v.tolist() for k, v in self.params.items()}}

    def to_json(self) -> str:
        return json.dumps(self.to_dict())

    @classmethod
    def from_dict(cls, data: object) -> LeNet:
        """Rebuild a network from ``to_dict`` output; a readable ValueError for anything else.

        The settings are checked before anything is built, so a file cannot make the loader
        allocate more than ``MAX_PARAMS`` weights; every array must have its layer's shape and
        finite numbers.
        """
        data = mapping(data, "The network")
        settings = {key: data.get(key) for key in _SETTING_CHECKS}
        missing = [key for key, value in settings.items() if value is None]
        if missing or "params" not in data:
            raise ValueError(f"The network lacks {', '.join([*missing, 'params'][:3])}.")
        for key, check in _SETTING_CHECKS.items():
            check(key, settings[key])
        n = count_params(**{k: settings[k] for k in _SHAPE_KEYS})
        if n > MAX_PARAMS:
            raise ValueError(f"The network would have {n:,} weights; at most {MAX_PARAMS:,}.")
        model = cls(**settings)
        for name, value in checked_arrays(data["params"], model._shapes, "params").items():
            model.params[name][...] = value
        return model

    @classmethod
    def from_json(cls, text: str | bytes) -> LeNet:
        return cls.from_dict(load_json(text, max_bytes=MAX_FILE_BYTES))

    @property
    def _shapes(self) -> dict[str, tuple[int, ...]]:
        return {k: v.shape for k, v in self.params.items()}

    def _grads(self) -> dict[str, Array]:
        """The gradients of the last backward pass, by name (the layers' own arrays)."""
        return {k: g for layer in self.layers for k, g in layer.grads.items()}


# Each setting a file may give, and its check: what the constructor does not check, or not before
# it allocates.
_SETTING_CHECKS = {
    "input_shape": lambda k, v: check_int_list(k, v, length=(3, 3), top=256),
    "channels": lambda k, v: check_int_list(k, v, length=(1, 4), top=256),
    "kernel_sizes": lambda k, v: check_int_list(k, v, length=(1, 4), top=11),
    "hidden": lambda k, v: check_int_list(k, v, length=(0, 4), top=4096),
    "n_classes": lambda k, v: check_int(k, v, 2, 1000),
    "activation": lambda k, v: check_name(k, v, HIDDEN_ACTIVATIONS),
    "pool": lambda k, v: check_name(k, v, POOLS),
    "seed": lambda k, v: check_int(k, v, 0, 2**63 - 1),
}
_SHAPE_KEYS = ("input_shape", "channels", "kernel_sizes", "hidden", "n_classes")


# -- training --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Checkpoint:
    """A trainer's state at one moment (``Trainer.checkpoint``): copies, not views."""

    params: dict[str, Array]
    velocity: dict[str, Array]
    counters: tuple
    points: int  # history points then
    steps: int  # history steps then


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
    check_learning_rate(lr)
    if not (isinstance(momentum, int | float) and 0 <= momentum < 1):
        raise ValueError(f"Momentum must be in [0, 1), not {momentum}.")
    if not (is_int(batch_size) or isinstance(batch_size, np.integer)) or not (
        1 <= batch_size <= n_train
    ):
        raise ValueError(f"The batch size must be between 1 and {n_train} (the training set).")


class Trainer(MinibatchTrainer):
    """Minibatch SGD over a training set, resumable in chunks (a page trains a few batches, shows
    progress, and carries on).

    Each epoch visits the training images once in the order ``default_rng([shuffle_seed,
    epoch])`` draws (as the MLP's trainer does); the test set is evaluated after every epoch.
    `lr`, `momentum` and `batch_size` may be changed between chunks; a new batch size applies from
    the next epoch. The history records every epoch (the first entry is before training: its
    training loss and accuracy are NaN) and every minibatch step.

    Parameters
    ----------
    model : the network, trained in place.
    X_train : (N, C, H, W), y_train : (N,). X_test : (M, C, H, W), y_test : (M,).
    """

    def __init__(
        self,
        model: LeNet,
        X_train: ArrayLike,
        y_train: Labels,
        X_test: ArrayLike,
        y_test: Labels,
        *,
        lr: float = 0.05,
        batch_size: int = 32,
        momentum: float = 0.9,
        shuffle_seed: int = 0,
    ) -> None:
        check_hyperparameters(lr=lr, batch_size=batch_size, momentum=momentum, n_train=len(y_train))
        self.model = model
        self.X_train, self.y_train = model._check_X(X_train), np.asarray(y_train)
        self.X_test, self.y_test = model._check_X(X_test), np.asarray(y_test)
        for X, y, name in (
            (self.X_train, self.y_train, "training"),
            (self.X_test, self.y_test, "test"),
        ):
            if len(X) != len(y) or len(y) == 0:
                raise ValueError(
                    f"The {name} set needs one label per image ({len(X)} images, {len(y)} labels)."
                )
            if y.min() < 0 or y.max() >= model.n_classes:
                raise ValueError(f"The {name} labels must be classes 0 to {model.n_classes - 1}.")
        self.batch_size = batch_size
        self.shuffle_seed = shuffle_seed
        self.optimizer = SGD(model.params, lr=lr, momentum=momentum)
        self.history = History()
        self.iteration = 0
        self._epoch = 0  # completed epochs
        self.divergence: Divergence | None = None
        self.seconds = 0.0
        # The epoch in progress: its order, batch size, next batch and running sums.
        self._order = np.zeros(0, dtype=np.int64)
        self._epoch_batch_size = batch_size
        self._next = 0
        self._n_batches = 0
        self._epoch_loss_sum = 0.0
        self._epoch_correct = 0
        self._record(math.nan, math.nan)  # before training: no epoch's means yet

    def set_hyperparameters(self, *, lr: float, batch_size: int, momentum: float) -> None:
        check_hyperparameters(
            lr=lr, batch_size=batch_size, momentum=momentum, n_train=len(self.y_train)
        )
        self.optimizer.lr, self.optimizer.momentum, self.batch_size = lr, momentum, batch_size

    @property
    def epoch(self) -> int:
        """Completed epochs."""
        return self._epoch

    @property
    def _in_epoch(self) -> bool:
        return self._next < self._n_batches

    @property
    def progress(self) -> float:
        """Epochs done, with the current epoch's fraction (a whole number between epochs)."""
        return self._epoch + self._next / self._n_batches if self._in_epoch else self._epoch

    def _steps_to_epoch(self, epoch: int) -> int:
        if self._epoch >= epoch:
            return 0
        left = self._n_batches - self._next if self._in_epoch else 0
        whole = epoch - self._epoch - (1 if self._in_epoch else 0)
        return left + whole * self.batches_per_epoch

    def evaluate(self, X: Array, y: Labels) -> tuple[float, float]:
        """(mean cross-entropy, accuracy) on a data set."""
        p = self.model.predict_proba(X)
        loss = float(-np.log(np.maximum(p[np.arange(len(y)), y], 1e-300)).mean())
        return loss, float((p.argmax(axis=1) == y).mean())

    def _start_epoch(self) -> None:
        n = len(self.y_train)
        self._order = epoch_order(self.shuffle_seed, self._epoch, n)
        self._epoch_batch_size = self.batch_size
        self._n_batches = -(-n // self._epoch_batch_size)
        self._next = 0
        self._epoch_loss_sum, self._epoch_correct = 0.0, 0

    def _train(self, n_steps: int) -> int:
        for done in range(n_steps):
            if not self._step():
                return done
        return n_steps

    def _step(self) -> bool:
        """One minibatch step; finishes the epoch (and evaluates the test set) after its last.
        False, with ``divergence`` set, if the loss blew up (the step is not taken)."""
        if not self._in_epoch:
            self._start_epoch()
        t0 = time.perf_counter()
        start = self._next * self._epoch_batch_size
        idx = self._order[start : start + self._epoch_batch_size]
        X, y = self.X_train[idx], self.y_train[idx]
        try:
            with np.errstate(over="ignore", invalid="ignore"):
                loss, logits = self.model._loss_and_backward(X, y)
        except FloatingPointError as exc:
            self.divergence = Divergence(self.iteration + 1, str(exc))
            return False
        if not loss <= DIVERGED_LOSS:
            self.divergence = Divergence(
                self.iteration + 1, f"the loss reached {loss:.3g}, above {DIVERGED_LOSS:g}"
            )
            return False
        correct = int((logits.argmax(axis=1) == y).sum())
        self.optimizer.step(self.model.params, self.model._grads())
        self.seconds += time.perf_counter() - t0
        self.iteration += 1
        self._next += 1
        self._epoch_loss_sum += loss * len(idx)
        self._epoch_correct += correct
        h = self.history
        h.step_epoch.append(self._epoch + self._next / self._n_batches)
        h.step_loss.append(loss)
        h.step_accuracy.append(correct / len(idx))
        if not self._in_epoch:
            self._epoch += 1
            n = len(self.y_train)
            t0 = time.perf_counter()
            self._record(self._epoch_loss_sum / n, self._epoch_correct / n)
            self.seconds += time.perf_counter() - t0
        return True

    # going back ----------------------------------------------------------------------------------
    def checkpoint(self) -> Checkpoint:
        """Where training stands now (weights, velocity, counters, how long the history is), in
        memory: ``rewind`` goes back to it, e.g. to the best epoch after a collapse."""
        return Checkpoint(
            params={k: v.copy() for k, v in self.model.params.items()},
            velocity={k: v.copy() for k, v in self.optimizer.velocity.items()},
            counters=(self.iteration, self._epoch, self.seconds, self._epoch_batch_size,
                      self._n_batches, self._next, self._epoch_loss_sum, self._epoch_correct),
            points=len(self.history.epoch),
            steps=len(self.history.step_loss),
        )  # fmt: skip

    def rewind(self, checkpoint: Checkpoint) -> None:
        """Go back to a checkpoint of this trainer: its weights, velocity, position and history
        as they were then; a divergence since is forgotten. The learning rate, momentum and batch
        size stay as they are now (set them with ``set_hyperparameters``)."""
        if checkpoint.points > len(self.history.epoch) or set(checkpoint.params) != set(
            self.model.params
        ):
            raise ValueError("This checkpoint is not from this trainer's past.")
        for k, p in self.model.params.items():
            p[...] = checkpoint.params[k]
        for k, v in self.optimizer.velocity.items():
            v[...] = checkpoint.velocity[k]
        (self.iteration, self._epoch, self.seconds, self._epoch_batch_size, self._n_batches,
         self._next, self._epoch_loss_sum, self._epoch_correct) = checkpoint.counters  # fmt: skip
        if self._in_epoch:
            self._order = epoch_order(self.shuffle_seed, self._epoch, len(self.y_train))
        h = self.history
        for name in POINT_FIELDS:
            del getattr(h, name)[checkpoint.points :]
        for name in ("step_epoch", "step_loss", "step_accuracy"):
            del getattr(h, name)[checkpoint.steps :]
        self.divergence = None

    # saving and loading --------------------------------------------------------------------------
    def to_dict(self) -> dict:
        """The network, the settings, where training stands and the history, as plain data.

        Raises ValueError after a divergence: blown-up weights are nothing to keep.
        """
        if self.divergence is not None:
            raise ValueError("Training diverged: there is nothing worth saving. Reset first.")
        opt = self.optimizer
        return {
            "format": FILE_FORMAT,
            "version": 1,
            "model": self.model.to_dict(),
            "training": {
                "lr": opt.lr,
                "momentum": opt.momentum,
                "batch_size": self.batch_size,
                "shuffle_seed": self.shuffle_seed,
                "iteration": self.iteration,
                "epoch": self._epoch,
                "seconds": self.seconds,
                # The epoch in progress: its batch size, batches, the next one, running sums.
                "epoch_batch_size": self._epoch_batch_size,
                "epoch_batches": self._n_batches,
                "next_batch": self._next,
                "epoch_loss_sum": self._epoch_loss_sum,
                "epoch_correct": self._epoch_correct,
                "velocity": {k: v.tolist() for k, v in opt.velocity.items()},
            },
            "history": self.history.to_dict(),
        }

    def to_json(self) -> str:
        """``to_dict`` as JSON text: what a learner downloads to keep a trained LeNet."""
        return json.dumps(self.to_dict())

    @classmethod
    def from_dict(
        cls, data: object, X_train: ArrayLike, y_train: Labels, X_test: ArrayLike, y_test: Labels
    ) -> Trainer:
        """A trainer that carries on where the saved one stood, on this data.

        Anything that is not what ``to_dict`` writes (another file, missing or extra arrays,
        wrong shapes, non-finite numbers, counters that do not fit) raises a ValueError that says
        what is wrong, before anything is built.
        """
        data = mapping(data, "A LeNet file")
        if data.get("format") != FILE_FORMAT or data.get("version") != 1:
            raise ValueError("This is not a LeNet file saved by this lab (no LeNet format mark).")
        model = LeNet.from_dict(data.get("model"))
        t = mapping(data.get("training"), "The training settings")
        history = History.from_dict(data.get("history"))
        trainer = cls(
            model, X_train, y_train, X_test, y_test, lr=finite_number(t, "lr"),
            batch_size=t.get("batch_size"), momentum=finite_number(t, "momentum"),
            shuffle_seed=t.get("shuffle_seed"),
        )  # fmt: skip
        n = len(trainer.y_train)
        for key, low, high in (
            ("shuffle_seed", 0, 2**63 - 1), ("iteration", 0, 10**9), ("epoch", 0, 10**6),
            ("epoch_batch_size", 1, n), ("epoch_correct", 0, n),
        ):  # fmt: skip
            check_int(key, t.get(key), low, high)
        batches = -(-n // t["epoch_batch_size"])
        if t.get("epoch_batches") not in (0, batches) or not (
            is_int(t.get("next_batch")) and 0 <= t["next_batch"] <= t["epoch_batches"]
        ):
            raise ValueError("The saved position in the epoch does not fit this training set.")
        seconds, loss_sum = finite_number(t, "seconds"), finite_number(t, "epoch_loss_sum")
        if seconds < 0 or loss_sum < 0:
            raise ValueError("The saved training time and loss must not be negative.")
        if len(history.epoch) != t["epoch"] + 1 or len(history.step_loss) != t["iteration"]:
            raise ValueError("The history does not have one entry per epoch and per step.")
        trainer.optimizer.velocity = checked_arrays(t.get("velocity"), model._shapes, "velocity")
        trainer.iteration, trainer._epoch, trainer.seconds = t["iteration"], t["epoch"], seconds
        trainer._epoch_batch_size, trainer._n_batches = t["epoch_batch_size"], t["epoch_batches"]
        trainer._next, trainer._epoch_loss_sum = t["next_batch"], loss_sum
        trainer._epoch_correct = t["epoch_correct"]
        if trainer._in_epoch:
            trainer._order = epoch_order(trainer.shuffle_seed, trainer._epoch, n)
        trainer.history = history
        return trainer

    @classmethod
    def from_json(
        cls, text: str | bytes, X_train: ArrayLike, y_train: Labels, X_test: ArrayLike,
        y_test: Labels,
    ) -> Trainer:  # fmt: skip
        data = load_json(text, max_bytes=MAX_FILE_BYTES)
        return cls.from_dict(data, X_train, y_train, X_test, y_test)


def strongest_windows(net: LeNet, X: ArrayLike, *, k: int = 20) -> tuple[Array, Array]:
    """What each first-layer filter responds to: the input windows that excite it most.

    Every filter of the first convolution is slid over every image of X (as the layer does,
    with its padding); its response at a position is b + <window, filter>. For each filter
    the k windows with the largest responses are averaged.

    Parameters
    ----------
    X : (N, C, H, W) images, e.g. the test set.
    k : windows averaged per filter, 1 to N·H·W.

    Returns
    -------
    mean_windows : (O, C, kh, kw), the average of each filter's k strongest windows.
    responses : (O, k), those responses, strongest first.
    """
    conv = net.layers[0]
    if not isinstance(conv, Conv2D):
        raise ValueError("The network's first layer is not a convolution.")
    X = net._check_X(X)
    out = conv.forward(X)  # (N, O, Ho, Wo); conv.windows is (N, C, Ho, Wo, kh, kw)
    n, o, ho, wo = out.shape
    if not (is_int(k) and 1 <= k <= n * ho * wo):
        raise ValueError(f"k must be a whole number from 1 to {n * ho * wo}.")
    windows = conv.windows.transpose(0, 2, 3, 1, 4, 5).reshape(n * ho * wo, *conv.W.shape[1:])
    scores = out.transpose(1, 0, 2, 3).reshape(o, -1)  # (O, N·Ho·Wo)
    top = np.argsort(-scores, axis=1, kind="stable")[:, :k]
    return windows[top].mean(axis=1), np.take_along_axis(scores, top, axis=1)


def filter_change(start: ArrayLike, now: ArrayLike) -> tuple[Array, Array]:
    """How training changed each filter: its growth and its likeness to where it started.

    Parameters
    ----------
    start, now : (O, ...) the same filters before and after training.

    Returns
    -------
    growth : (O,) each filter's Euclidean norm now over its norm at the start.
    correlation : (O,) the Pearson correlation of each filter's weights now with its weights at
        the start (1: the same pattern, only scaled and shifted; 0: unrelated).
    """
    a = np.asarray(start, dtype=np.float64)
    b = np.asarray(now, dtype=np.float64)
    if a.shape != b.shape or a.ndim < 2 or a[0].size < 2:
        raise ValueError("Give the same filters twice, (O, ...) with at least two weights each.")
    a, b = a.reshape(len(a), -1), b.reshape(len(b), -1)
    growth = np.linalg.norm(b, axis=1) / np.maximum(np.linalg.norm(a, axis=1), 1e-300)
    ac, bc = a - a.mean(axis=1, keepdims=True), b - b.mean(axis=1, keepdims=True)
    denom = np.linalg.norm(ac, axis=1) * np.linalg.norm(bc, axis=1)
    correlation = (ac * bc).sum(axis=1) / np.where(denom > 0, denom, np.inf)
    return growth, correlation


def confusion_matrix(y_true: Labels, y_pred: Labels, n_classes: int = 10) -> NDArray[np.int64]:
    """(K, K) counts: row = true class, column = predicted class."""
    m = np.zeros((n_classes, n_classes), dtype=np.int64)
    np.add.at(m, (np.asarray(y_true), np.asarray(y_pred)), 1)
    return m
