"""The lecture's backpropagation example as a graph to step through, and a chain of layers.

The lecture draws one neuron as five boxes: the inputs x1, x2 and weights w1, w2 feed
z = w1·x1 + w2·x2, then ŷ = σ(z), then the loss ℓ(ŷ, y). Each box here is one ``Value`` node with
the lecture's own local derivative (∂z/∂w1 = x1, ∂ŷ/∂z = σ(z)(1 − σ(z)),
∂ℓ/∂ŷ = (ŷ − y)/(ŷ(1 − ŷ))), so stepping the graph shows exactly the lecture's slides.

Everything returned is plain numbers, names and structures (no graph objects), so results can be
cached; ui/text/backprop.py writes them as the lecture's formulas.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from engine.activations import ACTIVATION_LABELS
from engine.graph import Value, numeric_grad, numeric_local_grads

ACTIVATIONS = ("sigmoid", "relu")
LOSSES = ("bce", "squared")
ACTIVATION_NAMES = {name: ACTIVATION_LABELS[name] for name in ACTIVATIONS}
LOSS_NAMES = {"bce": "binary cross-entropy", "squared": "squared loss"}

# The lecture's worked example and its quiz, as keyword arguments of build_example.
LECTURE_EXAMPLE = {"x1": 1.0, "x2": -1.0, "w1": 1.0, "w2": 2.0, "y": 1.0, "activation": "sigmoid",
                   "loss": "bce"}  # fmt: skip
LECTURE_QUIZ = {"x1": 1.0, "x2": -1.0, "w1": 1.0, "w2": -2.0, "y": 1.0, "activation": "relu",
                "loss": "squared"}  # fmt: skip

# Node keys in forward order; leaves first (in the order their gradients are stepped).
LEAVES = ("w1", "w2", "x1", "x2")
COMPUTED = ("z", "yhat", "loss")
# Tolerance for a learner's typed answer: two correct decimals are enough.
ANSWER_TOL = 5e-3


@dataclass(frozen=True)
class Edge:
    """An arrow operand -> node of the graph, with ∂node/∂operand two ways."""

    src: str
    dst: str
    local: float  # by the formula (autodiff)
    local_numeric: float  # by central finite differences on the node's formula


@dataclass(frozen=True)
class Step:
    """One step of the walk through the graph: the node it fills in and how.

    Forward steps fill ``value``; backward steps fill ``grad`` = ``local`` × ``upstream`` (both
    ``None`` for the first backward step, where ∂ℓ/∂ℓ = 1).
    """

    phase: str  # "forward" or "backward"
    node: str
    value: float
    grad: float | None = None
    local: float | None = None
    upstream: float | None = None
    upstream_node: str | None = None


@dataclass(frozen=True)
class BackpropExample:
    """The lecture's one-neuron graph, computed forward and backward."""

    inputs: dict[str, float]  # x1, x2, w1, w2, y
    activation: str
    loss: str
    values: dict[str, float]  # every node's value, by key (leaves, z, yhat, loss)
    grads: dict[str, float]  # ∂ℓ/∂node by backpropagation
    grads_numeric: dict[str, float]  # ∂ℓ/∂node by central finite differences on the whole graph
    edges: tuple[Edge, ...]
    steps: tuple[Step, ...]  # forward steps, then backward steps

    @property
    def n_forward(self) -> int:
        return len(COMPUTED)

    def edge(self, src: str, dst: str) -> Edge:
        return next(e for e in self.edges if e.src == src and e.dst == dst)


def build_example(
    *,
    x1: float,
    x2: float,
    w1: float,
    w2: float,
    y: float,
    activation: str = "sigmoid",
    loss: str = "bce",
) -> BackpropExample:
    """Forward and backward through ŷ = act(w1·x1 + w2·x2), ℓ = loss(ŷ, y), no bias.

    Raises ValueError (with what to change) for an unknown activation or loss, and for the binary
    cross-entropy when ŷ is not strictly between 0 and 1.
    """
    if activation not in ACTIVATIONS:
        raise ValueError(f"Unknown activation {activation!r}; choose one of {ACTIVATIONS}.")
    if loss not in LOSSES:
        raise ValueError(f"Unknown loss {loss!r}; choose one of {LOSSES}.")
    if loss == "bce" and not 0 <= y <= 1:
        raise ValueError(f"Binary cross-entropy needs a label y between 0 and 1, got y = {y:g}.")
    inputs = {"x1": x1, "x2": x2, "w1": w1, "w2": w2, "y": y}
    leaves = {key: Value(inputs[key], key) for key in LEAVES}

    # z = w1·x1 + w2·x2 as one node, as the lecture draws it: ∂z/∂w1 = x1, ∂z/∂x1 = w1, ...
    z = Value.apply(
        "linear",
        (leaves["w1"], leaves["w2"], leaves["x1"], leaves["x2"]),
        lambda a, b, c, d: a * c + b * d,
        lambda a, b, c, d, out: (c, d, a, b),
        label="z",
    )
    yhat = z.sigmoid() if activation == "sigmoid" else z.relu()
    yhat.label = "yhat"
    if loss == "bce":
        if not 0 < yhat.data < 1:
            raise ValueError(_bce_domain_message(yhat.data, z.data, activation))
        ell = Value.apply(
            "BCE",
            (yhat,),
            lambda p: -y * math.log(p) - (1 - y) * math.log(1 - p),
            lambda p, out: ((p - y) / (p * (1 - p)),),
            label="loss",
        )
    else:
        ell = Value.apply(
            "square", (yhat,), lambda p: (p - y) ** 2, lambda p, out: (2 * (p - y),), label="loss"
        )
    ell.backward()

    nodes = {**leaves, "z": z, "yhat": yhat, "loss": ell}
    edges = []
    for key in COMPUTED:
        node = nodes[key]
        numeric = numeric_local_grads(node)
        for operand, local, local_num in zip(node.operands, node.local_grads, numeric, strict=True):
            edges.append(Edge(operand.label, key, local, local_num))
    example = BackpropExample(
        inputs=inputs,
        activation=activation,
        loss=loss,
        values={k: n.data for k, n in nodes.items()},
        grads={k: n.grad for k, n in nodes.items()},
        grads_numeric={k: numeric_grad(ell, n) for k, n in nodes.items()},
        edges=tuple(edges),
        steps=(),
    )
    return BackpropExample(**{**example.__dict__, "steps": _steps(example)})


def _bce_domain_message(p: float, z: float, activation: str) -> str:
    if activation == "relu":
        return (
            f"Binary cross-entropy needs a probability 0 < ŷ < 1, but ReLU gives ŷ = {p:g}: "
            "ReLU outputs are not probabilities. Use the sigmoid activation, or the squared loss."
        )
    return (
        f"σ(z) with z = {z:g} rounds to exactly {p:g} in floating point, so log ŷ or "
        "log(1 − ŷ) is −∞ and ∂ℓ/∂ŷ divides by ŷ(1 − ŷ) = 0. Use smaller inputs or weights."
    )


# -- the walk: forward, then backward from the loss -----------------------------------------------

# Backward steps after ∂ℓ/∂ℓ: (node, the node above it whose gradient it reuses).
BACKWARD_ORDER = (("yhat", "loss"), ("z", "yhat"), ("w1", "z"), ("w2", "z"), ("x1", "z"),
                  ("x2", "z"))  # fmt: skip


def _steps(ex: BackpropExample) -> tuple[Step, ...]:
    """Forward steps fill z, ŷ, ℓ; backward steps start at ℓ and end at the inputs, each one the
    upstream gradient × the local derivative (the lecture's "gradient on the top × gradient
    from the current operation")."""
    v = ex.values
    steps = [Step("forward", key, v[key]) for key in COMPUTED]
    steps.append(Step("backward", "loss", v["loss"], grad=1.0))
    for key, upstream in BACKWARD_ORDER:
        local = ex.edge(key, upstream).local
        up = ex.grads[upstream]
        steps.append(Step("backward", key, v[key], ex.grads[key], local, up, upstream))
    return tuple(steps)


# -- practice: the learner's local derivatives -----------------------------------------------------


def parse_number(text: str) -> float:
    """A number typed by a learner: 0.25, -3.7183, −1 (true minus), 1/4, 1e-3, or 2,5.

    Raises ValueError with a plain message for anything else (empty, words, division by zero).
    """
    cleaned = text.strip().replace("−", "-").replace(" ", "")
    if re.fullmatch(r"[-+]?\d+,\d+", cleaned):
        cleaned = cleaned.replace(",", ".")
    if not cleaned:
        raise ValueError("Type a number, e.g. 0.25 or -1/4.")
    number = r"[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?"
    match = re.fullmatch(rf"({number})(/({number}))?", cleaned)
    if not match:
        raise ValueError(f"“{text.strip()}” is not a number; type e.g. 0.25, -3.72 or 1/4.")
    numerator = float(match.group(1))
    if match.group(5) is None:
        return numerator
    denominator = float(match.group(5))
    if denominator == 0:
        raise ValueError(f"“{text.strip()}” divides by zero.")
    return numerator / denominator


@dataclass(frozen=True)
class LocalCheck:
    """A learner's value for one local derivative, against autodiff and finite differences."""

    edge: Edge
    answer: float
    correct: bool


def check_local_grads(
    ex: BackpropExample, answers: dict[tuple[str, str], float]
) -> list[LocalCheck]:
    """Compare each typed ∂dst/∂src (keyed (src, dst)) with the autodiff value.

    An answer is right within ``ANSWER_TOL`` (absolute, or relative for large values), so two
    correct decimals are enough.
    """
    checks = []
    for edge in ex.edges:
        if (edge.src, edge.dst) not in answers:
            continue
        answer = answers[(edge.src, edge.dst)]
        ok = math.isclose(answer, edge.local, rel_tol=ANSWER_TOL, abs_tol=ANSWER_TOL)
        checks.append(LocalCheck(edge, answer, ok))
    return checks


def chain_with(ex: BackpropExample, answers: dict[tuple[str, str], float], key: str) -> float:
    """∂ℓ/∂key using the learner's local derivatives (the autodiff ones where none is given)."""
    grad = 1.0
    node = key
    while node != "loss":
        edge = next(e for e in ex.edges if e.src == node)
        grad *= answers.get((edge.src, edge.dst), edge.local)
        node = edge.dst
    return grad


# -- vanishing gradients -------------------------------------------------------------------------

CHAIN_ACTIVATIONS = ("sigmoid", "relu", "tanh")
MAX_LAYERS = 60


@dataclass(frozen=True)
class ChainResult:
    """h_0 = x, z_k = w·h_(k−1) + b, h_k = act(z_k) for k = 1..n; output h_n.

    Arrays are lists of length n, layer k at index k − 1.
    """

    z: list[float]  # pre-activations z_k
    h: list[float]  # activations h_k
    factors: list[float]  # ∂h_k/∂h_(k−1) = w · act'(z_k): the small factors the lecture multiplies
    grad_w: list[float]  # ∂h_n/∂w_k, the gradient that reaches layer k's weight
    grad_h: list[float]  # ∂h_n/∂h_(k−1)


def chain_gradients(
    n_layers: int, *, activation: str = "sigmoid", w: float = 1.0, b: float = 0.0, x: float = 1.0
) -> ChainResult:
    """Backpropagate through a chain of one-unit layers, each with its own weight w_k = w."""
    if activation not in CHAIN_ACTIVATIONS:
        raise ValueError(f"Unknown activation {activation!r}; choose one of {CHAIN_ACTIVATIONS}.")
    if not 1 <= n_layers <= MAX_LAYERS or int(n_layers) != n_layers:
        raise ValueError(f"The number of layers must be a whole number from 1 to {MAX_LAYERS}.")
    h_prev = Value(x, "h0")
    weights, zs, hs, inputs = [], [], [], [h_prev]
    for _ in range(int(n_layers)):
        w_k = Value(w)
        z_k = w_k * h_prev + b
        h_prev = getattr(z_k, activation)()
        weights.append(w_k)
        zs.append(z_k)
        hs.append(h_prev)
        inputs.append(h_prev)
    h_prev.backward()
    return ChainResult(
        z=[n.data for n in zs],
        h=[n.data for n in hs],
        factors=[w * h.local_grads[0] for h in hs],
        grad_w=[n.grad for n in weights],
        grad_h=[n.grad for n in inputs[:-1]],
    )
