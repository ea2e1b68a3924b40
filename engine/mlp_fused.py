"""Many SGD steps of an MLP in one tight loop: the fast path behind ``Trainer.run``.

``MLP._step`` is the readable version: a forward pass, a backward pass and an update over a list
of (W, b), allocating new arrays as it goes. That is fine for one step, but the playground's Play
takes thousands of tiny steps (batches of 10 through a 2-8-8-1 net), and there every NumPy call
costs about a microsecond however little it computes. So the number of calls per step, and how
cheap each one is, set the speed. This module

- folds each bias into its weight matrix: a layer's input carries an extra row of ones and its
  weights an extra last row b, so ``[W; b]ᵀ [h; 1] = Wᵀh + b`` is one product, and one product
  ``[h; 1] δᵀ`` gives dW and db together;
- keeps activations features × batch (a column per sample, the lecture's own W x layout), so the
  activations of a layer are one contiguous block above its ones row, and every elementwise call
  runs over contiguous memory;
- keeps all weights in one flat array and all gradients in another, so the update
  w ← w − lr · ∇L is two calls for the whole network;
- allocates every intermediate once per batch length and writes into it (``out=``);
- permutes the training set once per epoch, so a batch is a slice, not a gather.

The numbers are those of ``MLP._step`` up to rounding (tests/engine/test_mlp.py compares them
step by step); the losses come from the scores as there, so nothing overflows.

It knows nothing of the ``MLP`` class: it takes the layer sizes, the activation, the output unit
and, on every run, the list of (W, b) to read and write.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence

import numpy as np
from numpy.typing import NDArray

from engine.activations import get_activation

Array = NDArray[np.float64]
Params = list[tuple[Array, Array]]
Step = Callable[[Array, Array, float, float], float]
OUTPUTS = ("sigmoid", "softmax", "linear")


class FusedSGD:
    """Runs SGD steps of a network over the training set (X, y), batches from an epoch order.

    Parameters
    ----------
    layer_sizes : [d, m_1, ..., m_L, k]. activation : a name of ``engine.activations.ACTIVATIONS``.
    output : "sigmoid" (k = 1, binary cross-entropy), "softmax" (k ≥ 2, cross-entropy) or
        "linear" (k = 1, squared loss).
    X : (n, d) training inputs. y : (n,) labels 0..k−1, or target values for "linear".

    ``run`` copies the weights in from the list of (W, b) it is given, steps, and writes them
    back into the same arrays: between runs that list is the single source of truth, so anything
    may replace or edit the weights (import, roll-back) and the next run starts from them.
    """

    def __init__(
        self, layer_sizes: Sequence[int], activation: str, output: str, X: Array, y: Array
    ):
        sizes = list(layer_sizes)
        if output not in OUTPUTS:
            raise ValueError(f"Unknown output {output!r}; choose one of: {', '.join(OUTPUTS)}.")
        self.activation = get_activation(activation)
        self.output = output
        self.sizes = sizes
        self.n = X.shape[0]
        shapes = [(fan_in + 1, fan_out) for fan_in, fan_out in itertools.pairwise(sizes)]
        self.theta = np.empty(sum(a * b for a, b in shapes))
        self.grad = np.empty_like(self.theta)
        self.weights: list[Array] = []  # [W; b] per layer, views into theta
        self.grads: list[Array] = []  # [dW; db] per layer, views into grad
        offset = 0
        for a, b in shapes:
            self.weights.append(self.theta[offset : offset + a * b].reshape(a, b))
            self.grads.append(self.grad[offset : offset + a * b].reshape(a, b))
            offset += a * b
        self.X1 = np.column_stack([X, np.ones(self.n)])  # a sample per row, ones column last
        k = sizes[-1]
        # Targets a column per sample: (n,) labels 0/1 or values, or (k, n) one-hot.
        self.targets = y.astype(np.float64) if output != "softmax" else np.eye(k)[y].T.copy()
        self._epoch = -1
        self._X1_epoch = self.X1
        self._targets_epoch = self.targets
        self._steps: dict[int, Step] = {}

    # ------------------------------------------------------------------ weights in and out

    def load(self, params: Params) -> None:
        for w, (W, b) in zip(self.weights, params, strict=True):
            w[:-1] = W
            w[-1] = b

    def store(self, params: Params) -> None:
        for w, (W, b) in zip(self.weights, params, strict=True):
            W[...] = w[:-1]
            b[...] = w[-1]

    # ------------------------------------------------------------------ one step

    def _compile(self, m: int) -> Step:
        """A step for batches of ``m`` samples, with every intermediate allocated here, once.

        The step takes the batch (a sample per row with its ones column, and the targets), the
        learning rate and the loss limit; it returns the batch loss, and takes the step only if
        that loss is at most the limit (a NaN is not).
        """
        dot, multiply, subtract = np.dot, np.multiply, np.subtract
        add_reduce, logaddexp, exp = np.add.reduce, np.logaddexp, np.exp
        sizes, weights, grads, theta, grad = (
            self.sizes, self.weights, self.grads, self.theta, self.grad
        )  # fmt: skip
        L = len(weights)
        act, local_derivative = self.activation.apply, self.activation.derivative
        is_tanh = self.activation.name == "tanh"
        # Features × batch: [h; 1] of every hidden layer, the pre-activations z and dL/dz.
        hidden = [np.ones((w + 1, m)) for w in sizes[1:-1]]
        scores = [np.empty((w, m)) for w in sizes[1:]]
        deltas = [np.empty((w, m)) for w in sizes[1:]]
        # Layer 1 reads the batch, layer i > 1 reads hidden[i - 2]; a hidden layer's activation
        # fills the rows above the ones row of its hidden[] array (a contiguous block).
        weights_t = [w.T for w in weights]  # [W; b]ᵀ, views: always current
        first_Wt, first_z = weights_t[0], scores[0]
        first_out = hidden[0][:-1] if L > 1 else None
        middle = [(hidden[i - 1], weights_t[i], scores[i], hidden[i][:-1]) for i in range(1, L - 1)]
        last_in, last_Wt, f = (hidden[-1] if L > 1 else None), weights_t[-1], scores[-1]
        backward = [
            (
                hidden[i - 1],
                deltas[i],
                grads[i],
                weights[i][:-1],
                deltas[i - 1],
                hidden[i - 1][:-1],
                np.empty((sizes[i], m)),
            )
            for i in range(L - 1, 0, -1)
        ]
        first_delta_t, first_grad = deltas[0].T, grads[0]
        binary, linear = self.output == "sigmoid", self.output == "linear"
        if binary or linear:
            s, delta_out = f.reshape(m), deltas[-1].reshape(m)
            softplus, p = np.empty(m), np.empty(m)
        else:
            col_max, col_sum, e = np.empty((1, m)), np.empty((1, m)), np.empty_like(f)
            delta_out = deltas[-1]

        def step(x: Array, targets: Array, lr: float, loss_limit: float) -> float:
            # Forward: z = [W; b]ᵀ [h; 1], the activation written above the ones row.
            x_t = x.T
            if L > 1:
                dot(first_Wt, x_t, first_z)
                act(first_z, first_out)
                for h, W_t, z, out in middle:
                    dot(W_t, h, z)
                    act(z, out)
                dot(last_Wt, last_in, f)
            else:
                dot(first_Wt, x_t, f)
            # Loss from the scores, and δ = p − Y at the scores (2(f − y) for the squared loss);
            # the 1/m goes into the step.
            if binary:
                logaddexp(0.0, s, softplus)  # softplus(s) = log(1 + e^s), no overflow
                loss = (add_reduce(softplus) - dot(s, targets)) / m  # BCE = softplus(s) − y s
                subtract(s, softplus, p)
                exp(p, p)  # σ(s) = e^(s − softplus(s)): the exponent is ≤ 0
                subtract(p, targets, delta_out)
            elif linear:
                subtract(s, targets, delta_out)  # f − y
                loss = dot(delta_out, delta_out) / m  # the mean of (f − y)²
                multiply(delta_out, 2.0, delta_out)  # ∂(f − y)²/∂f = 2(f − y)
            else:
                np.maximum.reduce(f, 0, None, col_max, True)
                subtract(f, col_max, f)  # shifted scores: every exponent ≤ 0
                exp(f, e)
                add_reduce(e, 0, None, col_sum, True)
                # CE = log Σ e^f − f_y, with f_y = ⟨f, one-hot y⟩
                loss = (add_reduce(np.log(col_sum), None) - np.vdot(f, targets)) / m
                np.divide(e, col_sum, delta_out)
                subtract(delta_out, targets, delta_out)
            if not loss <= loss_limit:  # also catches NaN
                return loss
            # Backward: [dW; db] = [h; 1] δᵀ, then δ ← (W δ) ⊙ σ'(z) one layer down.
            for h1, delta, g, W, delta_below, h, local in backward:
                dot(h1, delta.T, g)
                dot(W, delta, delta_below)
                if is_tanh:  # written out: the playground's default, and a call saved
                    multiply(h, h, local)
                    subtract(1.0, local, local)  # 1 − tanh² z
                else:
                    local_derivative(h, local)
                multiply(delta_below, local, delta_below)
            dot(x_t, first_delta_t, first_grad)
            multiply(grad, lr / m, grad)
            subtract(theta, grad, theta)
            return loss  # a NumPy float64, which is a Python float

        return step

    # ------------------------------------------------------------------ the loop

    def run(
        self,
        params: Params,
        first: int,
        n_steps: int,
        *,
        lr: float,
        batch_size: int,
        loss_limit: float,
        order_of: Callable[[int], NDArray[np.int64]],
    ) -> tuple[int, float | None]:
        """Iterations ``first, first + 1, …`` up to ``n_steps`` of them.

        Iteration i uses batch i mod B of epoch i div B (B batches per epoch) of the order
        ``order_of(epoch)``. Stops at the first batch whose loss (before its step) is not finite
        or exceeds ``loss_limit``, without taking that step.

        Returns
        -------
        (iterations done, the offending loss or None); the weights are written back into
        ``params`` either way.
        """
        self.load(params)
        n = self.n
        per_epoch = -(-n // batch_size)
        steps = self._steps
        done, bad = 0, None
        epoch, k = divmod(first, per_epoch)
        inputs, targets = self._epoch_data(epoch, order_of)
        for _ in range(n_steps):
            lo = k * batch_size
            hi = min(lo + batch_size, n)
            step = steps.get(hi - lo) or self._compiled(hi - lo)
            loss = step(inputs[lo:hi], targets[..., lo:hi], lr, loss_limit)
            if not loss <= loss_limit:
                bad = loss
                break
            done += 1
            k += 1
            if k == per_epoch:
                epoch, k = epoch + 1, 0
                inputs, targets = self._epoch_data(epoch, order_of)
        self.store(params)
        return done, bad

    def _compiled(self, m: int) -> Step:
        self._steps[m] = self._compile(m)
        return self._steps[m]

    def _epoch_data(
        self, epoch: int, order_of: Callable[[int], NDArray[np.int64]]
    ) -> tuple[Array, Array]:
        """The training inputs (with ones column) and targets in the order of ``epoch``."""
        if epoch != self._epoch:
            order = order_of(epoch)
            self._X1_epoch = self.X1[order]
            self._targets_epoch = self.targets[..., order]
            self._epoch = epoch
        return self._X1_epoch, self._targets_epoch
