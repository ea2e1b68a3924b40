"""A scalar computational graph with reverse-mode autodiff, in the style of micrograd.

Every operation builds one node and writes down, side by side, its forward value and its *local*
derivatives (the derivative of the node with respect to each operand). Backpropagation is then one
rule, the lecture's: gradient of an operand = gradient on the top × gradient of the current
operation, summed over every node that uses the operand.

    >>> w1, x1, w2, x2 = Value(1.0), Value(1.0), Value(2.0), Value(-1.0)
    >>> loss = -(w1 * x1 + w2 * x2).sigmoid().log()
    >>> loss.backward()
    >>> round(w1.grad, 4)  # σ(−1) − 1
    -0.7311

The nodes are kept with their forward functions, so a graph can also be re-evaluated with one
node's value nudged: that gives the central finite differences the lesson checks gradients with.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from numbers import Real

# The forward function of a node maps its operands' values to its value; the derivative function
# maps the operands' values and the node's value to one local derivative per operand.
Forward = Callable[..., float]
Derivative = Callable[..., Sequence[float]]


def _finite(x: float, what: str) -> float:
    if not math.isfinite(x):
        raise ValueError(f"{what} is not a finite number ({x}); try smaller inputs or weights.")
    return x


class Value:
    """One scalar node: its value ``data``, and ``grad`` = ∂(output)/∂(this node) after backward.

    Parameters
    ----------
    data : a finite real number.
    label : a name shown when the graph is drawn, e.g. ``"w1"``.
    """

    __slots__ = (
        "_forward",
        "data",
        "grad",
        "label",
        "local_grads",
        "op",
        "operands",
    )

    def __init__(self, data: float, label: str = "") -> None:
        if isinstance(data, bool) or not isinstance(data, Real):
            raise ValueError(f"A node's value must be a real number, not {data!r}.")
        self.data = _finite(float(data), f"The value of {label or 'a node'}")
        self.grad = 0.0
        self.label = label
        self.op = ""  # "" for a leaf (an input or a weight)
        self.operands: tuple[Value, ...] = ()
        self.local_grads: tuple[float, ...] = ()  # ∂self/∂operand, one per operand
        self._forward: Forward | None = None

    def __repr__(self) -> str:
        name = f"{self.label}, " if self.label else ""
        return f"Value({name}data={self.data:.6g}, grad={self.grad:.6g})"

    # -- the one way to build a node -------------------------------------------------------------

    @classmethod
    def apply(
        cls,
        op: str,
        operands: Sequence[Value | float],
        forward: Forward,
        derivative: Derivative,
        *,
        label: str = "",
    ) -> Value:
        """A node ``op(operands)``: value from ``forward``, local derivatives from ``derivative``.

        Every operation below goes through here; a lesson can also define a whole formula (say the
        binary cross-entropy) as one node, as the lecture draws it.
        """
        nodes = tuple(_as_value(o) for o in operands)
        values = [n.data for n in nodes]
        try:
            out = cls(_finite(float(forward(*values)), f"The result of {op}"), label)
            local = tuple(
                _finite(float(d), f"A derivative of {op}") for d in derivative(*values, out.data)
            )
        except (OverflowError, ZeroDivisionError) as err:
            raise ValueError(
                f"{op} of {', '.join(f'{v:g}' for v in values)} is not defined or too large "
                f"({err}); try other inputs or smaller weights."
            ) from None
        out.op = op
        out.operands = nodes
        out.local_grads = local
        out._forward = forward
        return out

    # -- arithmetic: forward value and local derivatives side by side ---------------------------

    def __add__(self, other: Value | float) -> Value:
        return Value.apply("+", (self, other), lambda a, b: a + b, lambda a, b, out: (1.0, 1.0))

    def __sub__(self, other: Value | float) -> Value:
        return Value.apply("−", (self, other), lambda a, b: a - b, lambda a, b, out: (1.0, -1.0))

    def __mul__(self, other: Value | float) -> Value:
        return Value.apply("×", (self, other), lambda a, b: a * b, lambda a, b, out: (b, a))

    def __truediv__(self, other: Value | float) -> Value:
        return Value.apply(
            "÷", (self, other), lambda a, b: a / b, lambda a, b, out: (1.0 / b, -a / (b * b))
        )

    def __pow__(self, exponent: float) -> Value:
        if isinstance(exponent, Value) or not isinstance(exponent, Real):
            raise ValueError("Only constant (number) exponents are supported: x ** 2, x ** -1.")
        c = float(exponent)
        if self.data < 0 and not c.is_integer():
            raise ValueError(f"A negative number to the power {c:g} is not a real number.")
        return Value.apply(
            f"^{c:g}", (self,), lambda a: a**c, lambda a, out: (c * a ** (c - 1) if c else 0.0,)
        )

    def __neg__(self) -> Value:
        return Value.apply("neg", (self,), lambda a: -a, lambda a, out: (-1.0,))

    def __radd__(self, other: float) -> Value:
        return _as_value(other) + self

    def __rsub__(self, other: float) -> Value:
        return _as_value(other) - self

    def __rmul__(self, other: float) -> Value:
        return _as_value(other) * self

    def __rtruediv__(self, other: float) -> Value:
        return _as_value(other) / self

    # -- functions ---------------------------------------------------------------------------------

    def exp(self) -> Value:
        return Value.apply("exp", (self,), math.exp, lambda a, out: (out,))

    def log(self) -> Value:
        if self.data <= 0:
            raise ValueError(f"log needs a positive number, got {self.data:g}.")
        return Value.apply("log", (self,), math.log, lambda a, out: (1.0 / a,))

    def sigmoid(self) -> Value:
        # σ'(z) = σ(z)(1 − σ(z)): the derivative is read off the node's own value.
        return Value.apply("σ", (self,), sigmoid, lambda a, out: (out * (1.0 - out),))

    def relu(self) -> Value:
        # The lecture: the gradient of ReLU(z) is 1 when z > 0 and 0 otherwise (z = 0 included).
        return Value.apply(
            "ReLU", (self,), lambda a: max(a, 0.0), lambda a, out: (1.0 if a > 0 else 0.0,)
        )

    def tanh(self) -> Value:
        return Value.apply("tanh", (self,), math.tanh, lambda a, out: (1.0 - out * out,))

    # -- backpropagation -------------------------------------------------------------------------

    def topological(self) -> list[Value]:
        """Every node this one depends on, each once, in forward order (operands before results).

        Iterative depth-first search, so a chain of any length works (no recursion limit).
        """
        order: list[Value] = []
        seen: set[int] = set()
        stack: list[tuple[Value, bool]] = [(self, False)]
        while stack:
            node, operands_done = stack.pop()
            if operands_done:
                order.append(node)
                continue
            if id(node) in seen:
                continue
            seen.add(id(node))
            stack.append((node, True))
            # Reversed so that the first operand is visited (and listed) first.
            stack.extend((o, False) for o in reversed(node.operands) if id(o) not in seen)
        return order

    def backward(self) -> None:
        """Fill ``grad`` of every node of the graph with ∂self/∂node.

        Gradients are reset first, so calling it twice gives the same gradients, not doubled ones.
        A node used several times collects one contribution per use (the chain rule's sum).
        """
        order = self.topological()
        for node in order:
            node.grad = 0.0
        self.grad = 1.0
        for node in reversed(order):
            for operand, local in zip(node.operands, node.local_grads, strict=True):
                operand.grad += local * node.grad


def sigmoid(z: float) -> float:
    """σ(z) = 1 / (1 + e^(−z)), computed without overflow for large |z|."""
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


def _as_value(x: Value | float) -> Value:
    return x if isinstance(x, Value) else Value(x)


# -- finite differences: the check on autodiff -------------------------------------------------


def evaluate(root: Value, overrides: dict[int, float] | None = None) -> float:
    """Re-run the forward pass of ``root``'s graph, with some nodes' values replaced.

    ``overrides`` maps ``id(node)`` to the value to use for that node instead of computing it;
    the graph itself is not changed.
    """
    overrides = overrides or {}
    values: dict[int, float] = {}
    for node in root.topological():
        if id(node) in overrides:
            values[id(node)] = overrides[id(node)]
        elif node._forward is None:
            values[id(node)] = node.data
        else:
            values[id(node)] = float(node._forward(*(values[id(o)] for o in node.operands)))
    return values[id(root)]


def _central(f: Callable[[float], float], v: float, h: float) -> float:
    """(f(v + h) − f(v − h)) / 2h, with h made smaller until two estimates agree.

    Near the edge of f's domain (log(1 − ŷ) with ŷ close to 1) a step can leave the domain or be
    too coarse; a smaller one fixes both. NaN when no step works.
    """
    previous = math.nan
    for _ in range(8):
        try:
            estimate = (f(v + h) - f(v - h)) / (2 * h)
        except (ValueError, ZeroDivisionError, OverflowError):
            h /= 10
            continue
        if math.isclose(estimate, previous, rel_tol=1e-4, abs_tol=1e-8):
            return estimate
        previous = estimate
        h /= 10
    return previous


def numeric_grad(root: Value, node: Value, *, h: float = 1e-5) -> float:
    """∂root/∂node by central finite differences on the whole graph."""
    return _central(lambda t: evaluate(root, {id(node): t}), node.data, h)


def numeric_local_grads(node: Value, *, h: float = 1e-5) -> tuple[float, ...]:
    """∂node/∂operand for each operand, by central finite differences on the node's own formula."""
    forward = node._forward
    if forward is None:
        return ()
    values = [o.data for o in node.operands]

    def moved(i: int) -> Callable[[float], float]:
        return lambda t: forward(*values[:i], t, *values[i + 1 :])

    return tuple(_central(moved(i), v, h) for i, v in enumerate(values))
