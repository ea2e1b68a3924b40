"""The lecture's backpropagation example as a graph to step through, and a chain of layers.

The lecture draws one neuron as five boxes: the inputs x1, x2 and weights w1, w2 feed
z = w1·x1 + w2·x2, then ŷ = σ(z), then the loss ℓ(ŷ, y). Each box here is one ``Value`` node with
the lecture's own local derivative (∂z/∂w1 = x1, ∂ŷ/∂z = σ(z)(1 − σ(z)),
∂ℓ/∂ŷ = (ŷ − y)/(ŷ(1 − ŷ))), so stepping the graph shows exactly the lecture's slides.

Everything returned is plain numbers and strings (no graph objects), so results can be cached.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from engine.graph import Value, numeric_grad, numeric_local_grads

ACTIVATIONS = ("sigmoid", "relu")
LOSSES = ("bce", "squared")
ACTIVATION_NAMES = {"sigmoid": "sigmoid σ", "relu": "ReLU"}
LOSS_NAMES = {"bce": "binary cross-entropy", "squared": "squared loss"}

# The lecture's worked example and its quiz, as keyword arguments of build_example.
LECTURE_EXAMPLE = {"x1": 1.0, "x2": -1.0, "w1": 1.0, "w2": 2.0, "y": 1.0, "activation": "sigmoid",
                   "loss": "bce"}  # fmt: skip
LECTURE_QUIZ = {"x1": 1.0, "x2": -1.0, "w1": 1.0, "w2": -2.0, "y": 1.0, "activation": "relu",
                "loss": "squared"}  # fmt: skip

# Node keys in forward order; leaves first (in the order their gradients are stepped).
LEAVES = ("w1", "w2", "x1", "x2")
COMPUTED = ("z", "yhat", "loss")
SYMBOLS = {"x1": "x_1", "x2": "x_2", "w1": "w_1", "w2": "w_2", "z": "z", "yhat": r"\hat y",
           "loss": r"\ell", "y": "y"}  # fmt: skip
TEXT_SYMBOLS = {"x1": "x₁", "x2": "x₂", "w1": "w₁", "w2": "w₂", "z": "z", "yhat": "ŷ",
                "loss": "ℓ", "y": "y"}  # fmt: skip
# Tolerance for a learner's typed answer: two correct decimals are enough.
ANSWER_TOL = 5e-3


# -- formatting numbers the way the lecture writes them -----------------------------------------


def fmt(x: float, *, tex: bool = False, paren: bool = False) -> str:
    """Integers as integers, others to 4 decimals; a true minus sign outside LaTeX.

    ``paren`` wraps negative numbers, for products: 2 × (−1).
    """
    text = str(round(x)) if abs(x - round(x)) < 1e-9 else f"{x:.4f}"
    if text in ("-0", "-0.0000"):
        text = text[1:]
    if paren and text.startswith("-"):
        text = f"({text})"
    return text if tex else text.replace("-", "−")


def _eq(x: float) -> str:
    """' = 3' for a number shown exactly, ' \\approx 0.2689' for a rounded one (LaTeX)."""
    exact = abs(x - round(x)) < 1e-9
    return (" = " if exact else r" \approx ") + fmt(x, tex=True)


def _text_eq(x: float) -> str:
    exact = abs(x - round(x)) < 1e-9
    return (" = " if exact else " ≈ ") + fmt(x)


@dataclass(frozen=True)
class Edge:
    """An arrow operand -> node of the graph, with ∂node/∂operand two ways."""

    src: str
    dst: str
    local: float  # by the formula (autodiff)
    local_numeric: float  # by central finite differences on the node's formula

    @property
    def tex(self) -> str:
        return rf"\frac{{\partial {SYMBOLS[self.dst]}}}{{\partial {SYMBOLS[self.src]}}}"

    @property
    def text(self) -> str:
        return f"∂{TEXT_SYMBOLS[self.dst]}/∂{TEXT_SYMBOLS[self.src]}"


@dataclass(frozen=True)
class Step:
    """One step of the walk through the graph: the node it fills in and how.

    Forward steps fill ``value``; backward steps fill ``grad`` = ``local`` × ``upstream`` (both
    ``None`` for the first backward step, where ∂ℓ/∂ℓ = 1).
    """

    phase: str  # "forward" or "backward"
    node: str
    formula: str  # LaTeX, the lecture's formula with the numbers put in
    text: str  # the result in one line of plain text
    value: float
    local_formula: str = ""  # LaTeX, backward steps: the local derivative, worked out
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
        raise ValueError(f"Binary cross-entropy needs a label y between 0 and 1, got y = {fmt(y)}.")
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
    steps = _forward_steps(example) + _backward_steps(example)
    return BackpropExample(**{**example.__dict__, "steps": tuple(steps)})


def _bce_domain_message(p: float, z: float, activation: str) -> str:
    if activation == "relu":
        return (
            f"Binary cross-entropy needs a probability 0 < ŷ < 1, but ReLU gives ŷ = {fmt(p)}: "
            "ReLU outputs are not probabilities. Use the sigmoid activation, or the squared loss."
        )
    return (
        f"σ(z) with z = {fmt(z)} rounds to exactly {fmt(p)} in floating point, so log ŷ or "
        "log(1 − ŷ) is −∞ and ∂ℓ/∂ŷ divides by ŷ(1 − ŷ) = 0. Use smaller inputs or weights."
    )


# -- the lecture's formulas, with this example's numbers -------------------------------------------


def _yhat_tex(ex: BackpropExample) -> str:
    """ŷ as the lecture writes it: σ(−1) for the sigmoid, the number itself for ReLU."""
    if ex.activation == "sigmoid":
        return rf"\sigma({fmt(ex.values['z'], tex=True)})"
    return fmt(ex.values["yhat"], tex=True, paren=True)


def _forward_steps(ex: BackpropExample) -> list[Step]:
    v, y = ex.values, ex.inputs["y"]
    x1, x2, w1, w2 = (fmt(v[k], tex=True, paren=True) for k in ("x1", "x2", "w1", "w2"))
    z_tex = rf"z = w_1 x_1 + w_2 x_2 = {w1} \times {x1} + {w2} \times {x2}{_eq(v['z'])}"
    z_text = f"z = w₁x₁ + w₂x₂{_text_eq(v['z'])}"
    if ex.activation == "sigmoid":
        y_tex = rf"\hat y = \sigma(z) = {_yhat_tex(ex)}{_eq(v['yhat'])}"
        y_text = f"ŷ = σ(z) = σ({fmt(v['z'])}){_text_eq(v['yhat'])}"
    else:
        y_tex = rf"\hat y = \mathrm{{ReLU}}(z) = \max(0, {fmt(v['z'], tex=True)}){_eq(v['yhat'])}"
        y_text = f"ŷ = ReLU(z) = max(0, {fmt(v['z'])}){_text_eq(v['yhat'])}"
    p = _yhat_tex(ex)
    if ex.loss == "bce":
        general = r"\ell = -y \log \hat y - (1 - y)\log(1 - \hat y)"
        if y == 1:
            middle = rf" = -\log \hat y = -\log {p}"
        elif y == 0:
            middle = rf" = -\log(1 - \hat y) = -\log(1 - {p})"
        else:
            middle = rf" = -{fmt(y, tex=True)} \log {p} - {fmt(1 - y, tex=True)} \log(1 - {p})"
        l_tex = general + middle + _eq(v["loss"])
        l_text = "ℓ = −y log ŷ − (1 − y) log(1 − ŷ)"
        if y == 1 and ex.activation == "sigmoid":
            l_text += f" = −log σ({fmt(v['z'])})"
        l_text += _text_eq(v["loss"])
    else:
        l_tex = rf"\ell = (\hat y - y)^2 = ({p} - {fmt(y, tex=True, paren=True)})^2{_eq(v['loss'])}"
        l_text = f"ℓ = (ŷ − y)²{_text_eq(v['loss'])}"
    return [
        Step("forward", "z", z_tex, z_text, v["z"]),
        Step("forward", "yhat", y_tex, y_text, v["yhat"]),
        Step("forward", "loss", l_tex, l_text, v["loss"]),
    ]


def _backward_steps(ex: BackpropExample) -> list[Step]:
    v, y = ex.values, ex.inputs["y"]
    p = _yhat_tex(ex)
    yt = fmt(y, tex=True)
    steps = [
        Step(
            "backward",
            "loss",
            r"\frac{\partial \ell}{\partial \ell} = 1 \quad\text{(the start of the backward pass)}",
            "∂ℓ/∂ℓ = 1",
            v["loss"],
            grad=1.0,
        )
    ]

    # ∂ℓ/∂ŷ: the loss is the only node above ŷ, so the upstream gradient is 1.
    local = ex.edge("yhat", "loss").local
    if ex.loss == "bce":
        local_tex = (
            r"\frac{\partial \ell}{\partial \hat y} = \frac{-y}{\hat y} + \frac{1 - y}{1 - \hat y}"
            rf" = \frac{{\hat y - y}}{{\hat y(1 - \hat y)}} = \frac{{{p} - {yt}}}{{{p}(1 - {p})}}"
        )
    else:
        local_tex = rf"\frac{{\partial \ell}}{{\partial \hat y}} = 2(\hat y - y) = 2({p} - {yt})"
    steps.append(_chain_step(ex, "yhat", "loss", local_tex + _eq(local)))

    # ∂ℓ/∂z = ∂ℓ/∂ŷ · ∂ŷ/∂z
    zt = fmt(v["z"], tex=True)
    if ex.activation == "sigmoid":
        local_tex = (
            rf"\frac{{\partial \hat y}}{{\partial z}} = \sigma(z)(1 - \sigma(z)) = {p}(1 - {p})"
            + _eq(ex.edge("z", "yhat").local)
        )
    else:
        why = rf"{zt} > 0" if v["z"] > 0 else rf"{zt} \le 0"
        local_tex = (
            rf"\frac{{\partial \hat y}}{{\partial z}} = {fmt(ex.edge('z', 'yhat').local, tex=True)}"
            rf"\quad\text{{(ReLU: 1 when }}z > 0\text{{, else 0; here }}z = {why})"
        )
    # Sigmoid with cross-entropy simplifies to ŷ − y: the lecture's σ(−1) − 1.
    closed = rf"{p} - {yt}" if (ex.activation, ex.loss) == ("sigmoid", "bce") else None
    steps.append(_chain_step(ex, "z", "yhat", local_tex, closed=closed))

    # ∂ℓ/∂w_i = ∂ℓ/∂z · x_i and ∂ℓ/∂x_i = ∂ℓ/∂z · w_i
    for key, other in (("w1", "x1"), ("w2", "x2"), ("x1", "w1"), ("x2", "w2")):
        local_tex = (
            rf"\frac{{\partial z}}{{\partial {SYMBOLS[key]}}} = \frac{{\partial}}{{\partial "
            rf"{SYMBOLS[key]}}}(w_1 x_1 + w_2 x_2) = {SYMBOLS[other]}{_eq(v[other])}"
        )
        closed_w = closed
        if closed and v[other] != 1:
            closed_w = rf"{fmt(v[other], tex=True, paren=True)}\,({closed})"
        steps.append(_chain_step(ex, key, "z", local_tex, closed=closed_w))
    return steps


def _chain_step(
    ex: BackpropExample, key: str, upstream: str, local_tex: str, *, closed: str | None = None
) -> Step:
    """gradient = upstream gradient × local derivative, as the lecture's two lines of LaTeX."""
    local = ex.edge(key, upstream).local
    up = ex.grads[upstream]
    grad = ex.grads[key]
    s, u = SYMBOLS[key], SYMBOLS[upstream]
    chain = rf"\frac{{\partial \ell}}{{\partial {s}}}"
    if upstream != "loss":
        chain += rf" = \frac{{\partial \ell}}{{\partial {u}}} \frac{{\partial {u}}}{{\partial {s}}}"
    chain += rf" = {fmt(up, tex=True, paren=True)} \times {fmt(local, tex=True, paren=True)}"
    if closed:
        chain += f" = {closed}"
    chain += _eq(grad)
    text = f"∂ℓ/∂{TEXT_SYMBOLS[key]} = upstream × local = {fmt(up)} × {fmt(local, paren=True)}"
    if closed:
        text += " = " + closed.replace(r"\sigma", "σ").replace(r"\,", " ").replace("-", "−")
    text += _text_eq(grad)
    return Step(
        "backward",
        key,
        chain,
        text,
        ex.values[key],
        local_formula=local_tex,
        grad=grad,
        local=local,
        upstream=up,
        upstream_node=upstream,
    )


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
