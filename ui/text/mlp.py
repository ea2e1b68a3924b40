"""What the multilayer-perceptron playground says: its summary, the network's dimensions, the
captions that depend on the network on screen, the divergence and import messages."""

from __future__ import annotations

import itertools
from collections.abc import Sequence

SUMMARY = (
    "A hidden layer is a row of perceptrons whose activation σ need not be the perceptron's "
    "step function (the lecture only asks for a different one; here you pick ReLU, the sigmoid "
    "or tanh). It computes $\\mathbf h = \\sigma(W\\mathbf x + \\mathbf b)$: one linear map, "
    "then σ on every entry. The output layer maps $\\mathbf h$ to scores $f$ and turns them "
    "into probabilities: the sigmoid for two classes, softmax for $k$ classes. Stacking layers "
    "composes nonlinear functions, so the boundary can bend around XOR, circles and spirals. "
    "Training minimises the cross-entropy $-\\log p_y$ averaged over the data by **minibatch "
    "SGD**: each iteration takes a random batch $B$ and steps against the average gradient "
    "(backpropagation)."
)

# The lecture writes σ for three functions; this page meets all three (issue 14).
SIGMA_NOTE = (
    "**One letter, three functions.** The lecture writes σ for the perceptron's step function, "
    "for the activation of a hidden layer in $\\mathbf h = \\sigma(W\\mathbf x + \\mathbf b)$, "
    "and for the sigmoid $1/(1 + e^{-z})$. On this page σ in a hidden layer is the activation "
    "you choose below (one of the choices is the sigmoid), and the output's sigmoid is written "
    "out as $1/(1 + e^{-f})$. None of them is the step function: its gradient is 0 wherever it "
    "is defined, so gradient descent could not train the layers below it."
)

FORMULAS = (
    r"\mathbf h_1 = \sigma(W_1 \mathbf x + \mathbf b_1),\quad "
    r"\mathbf h_2 = \sigma(W_2 \mathbf h_1 + \mathbf b_2),\quad \dots,\quad "
    r"\mathbf f = W_L \mathbf h_{L-1} + \mathbf b_L",
    r"p(y = 1 \mid \mathbf x) = \frac{1}{1 + e^{-f}} \qquad "
    r"p(y \mid \mathbf x) = \operatorname{softmax}(\mathbf f)_y = "
    r"\frac{e^{f_y}}{\sum_{i=1}^{k} e^{f_i}}",
    r"\ell(\mathbf x, y) = \sum_{j=1}^{k} -Y_j \log p_j = -\log p_y \qquad "
    r"\mathbf w_t = \mathbf w_{t-1} - \alpha \frac{1}{|B|} \sum_{i \in B} "
    r"\frac{\partial \ell(\mathbf x_i, y_i)}{\partial \mathbf w_{t-1}}",
)


def plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def network_heading(n_hidden: int) -> str:
    return f"**Network** · {plural(n_hidden, 'hidden layer')}"


def no_hidden_layer(n_classes: int) -> str:
    """What a network without hidden layers is, for this many classes (0: a regression).

    Two classes: one sigmoid unit, logistic regression, one straight boundary. More: softmax
    regression, whose boundaries between classes are straight lines, several of them. A
    regression: f = w x + b, a straight line fitted by least squares.
    """
    if n_classes == 0:
        return (
            "No hidden layer: the network is **linear regression**, "
            "$f(x) = w x + b$, a straight line, fitted by the squared loss. It cannot bend."
        )
    if n_classes == 2:
        return (
            "No hidden layer: the network is **logistic regression**, "
            "$p(y = 1 \\mid \\mathbf x) = 1/(1 + e^{-f})$ with "
            "$f = \\mathbf w^\\top \\mathbf x + b$. Its boundary, where $f = 0$, is a single "
            "straight line."
        )
    return (
        f"No hidden layer: the network is **softmax regression**, {n_classes} scores "
        "$\\mathbf f = W\\mathbf x + \\mathbf b$. Classes $i$ and $j$ meet where "
        "$f_i = f_j$, a straight line, so the plane is cut into "
        f"{n_classes} regions by straight boundaries, one line between each pair of classes "
        "that meet."
    )


def counters(epoch: int, iteration: int) -> str:
    return f"#### Epoch {epoch} · iteration {iteration}"


def counters_help(batches_per_epoch: int, n_train: int, batch_size: int) -> str:
    return (
        f"An iteration is one minibatch step; an epoch is {batches_per_epoch} iterations here "
        f"({n_train} training points in batches of {batch_size})."
    )


def divergence(iteration: int, reason: str, lr: float, healthy_iteration: int) -> str:
    return (
        f"**Training paused: it diverged.** Around iteration {iteration}, {reason}. A learning "
        f"rate of {lr:g} makes the steps so large that they overshoot the minimum and climb "
        f"out of it. The view shows the last healthy weights (iteration {healthy_iteration})."
    )


def import_problem(
    layer_sizes: Sequence[int], want_outputs: int, *, output: str = "auto", regression: bool = False
) -> str | None:
    """Why uploaded weights do not fit the playground's data, or None if they do.

    ``output`` is the file's output ("auto" or "linear"), ``regression`` the playground's task.
    """
    if (output == "linear") != regression:
        if regression:
            return (
                "These weights are a classifier's; the playground is fitting a curve. Choose "
                "Classification first, then import again."
            )
        return (
            "These weights are a regression network's (one linear output, f itself); the "
            "playground is classifying points. Choose Regression first, then import again."
        )
    want_inputs = 1 if regression else 2
    if layer_sizes[0] != want_inputs:
        if regression:
            return f"These weights take {layer_sizes[0]} inputs; a curve's points have one input x."
        return (
            f"These weights take {layer_sizes[0]} inputs; the playground's points have 2 "
            "coordinates (x₁, x₂)."
        )
    if layer_sizes[-1] != want_outputs:
        needs = "one sigmoid unit" if want_outputs == 1 else f"{want_outputs} softmax units"
        return (
            f"These weights have {layer_sizes[-1]} output unit(s), but this data set needs "
            f"{want_outputs} ({needs}). Choose a matching data set first, then import again."
        )
    return None


def starting_settings(
    label: str, noise: float | None, hidden: Sequence[int], activation: str, lr: float
) -> str:
    """The settings a data set starts with ("Spiral starts with ...")."""
    network = "no hidden layer" if not hidden else f"hidden layers {'-'.join(map(str, hidden))}"
    parts = [] if noise is None else [f"noise {noise:g}"]
    parts += [network, activation, f"α = {lr:g}"]
    return f"{label} starts with " + ", ".join(parts) + "."


# ----------------------------------------------------------------------------- dimensions


def _R(*dims: int) -> str:
    """ℝ, ℝ^m or ℝ^{m×n} in LaTeX; a dimension of 1 on its own is just ℝ."""
    if len(dims) == 1:
        return r"\mathbb R" if dims[0] == 1 else rf"\mathbb R^{{{dims[0]}}}"
    return rf"\mathbb R^{{{dims[0]}\times {dims[1]}}}"


def dimension_rows(
    layer_sizes: Sequence[int], engine_shapes: Sequence[tuple[int, int]], *, output: str
) -> list[dict[str, str]]:
    """One row per layer of the network on screen: what it computes and the shapes of its
    weights W, bias b and output, in the lecture's notation and as the engine stores them.

    Parameters
    ----------
    layer_sizes : [d, m₁, …, k], e.g. [2, 8, 8, 1].
    engine_shapes : the shape of every weight matrix in the model's ``params``, as it is.
    output : "sigmoid" (one output unit), "softmax" or "linear" (a regression: f itself).
    """
    sizes = list(layer_sizes)
    n = len(sizes) - 1  # layers with weights
    if len(engine_shapes) != n:
        raise ValueError(f"{n} layers of weights, but {len(engine_shapes)} shapes")
    rows = []
    prev = r"\mathbf x"
    for layer in range(1, n + 1):
        fan_in, fan_out = sizes[layer - 1], sizes[layer]
        W, b = f"W_{{{layer}}}", rf"\mathbf b_{{{layer}}}"
        if layer < n:
            out = rf"\mathbf h_{{{layer}}}"
            computes = rf"{out} = \sigma({W}{prev} + {b}) \in {_R(fan_out)}"
            name = f"hidden {layer}"
        elif output == "linear":
            computes = rf"f = {W}{prev} + {b} \in \mathbb R \text{{, the prediction}}"
            name = "output (linear)"
        elif fan_out == 1:
            computes = rf"f = {W}{prev} + {b} \in \mathbb R,\ p = \tfrac{{1}}{{1 + e^{{-f}}}}"
            name = f"output ({output})"
        else:
            computes = (
                rf"\mathbf f = {W}{prev} + {b} \in {_R(fan_out)},\ "
                r"\mathbf p = \operatorname{softmax}(\mathbf f)"
            )
            name = f"output ({output})"
        rows_, cols_ = engine_shapes[layer - 1]
        rows.append(
            {
                "layer": name,
                "computes": f"${computes}$",
                "W (lecture)": f"${W} \\in {_R(fan_out, fan_in)}$",
                "W (engine)": f"`({rows_}, {cols_})`",
                "b": f"${b} \\in {_R(fan_out)}$",
                "parameters": f"{fan_out}·{fan_in} + {fan_out} = {fan_out * fan_in + fan_out:,}",
            }
        )
        prev = rf"\mathbf h_{{{layer}}}"
    return rows


def dimensions_table(
    layer_sizes: Sequence[int], engine_shapes: Sequence[tuple[int, int]], *, output: str
) -> str:
    """The rows of ``dimension_rows`` as a markdown table, with the total."""
    rows = dimension_rows(layer_sizes, engine_shapes, output=output)
    heads = (
        "layer",
        "computes",
        "$W_l$ (lecture)",
        "`W` in `MLP.params`",
        "$\\mathbf b_l$",
        "parameters",
    )
    keys = ("layer", "computes", "W (lecture)", "W (engine)", "b", "parameters")
    lines = ["| " + " | ".join(heads) + " |", "|" + "---|" * len(heads)]
    lines += ["| " + " | ".join(row[k] for k in keys) + " |" for row in rows]
    sizes = list(layer_sizes)
    total = sum(m * k + k for m, k in itertools.pairwise(sizes))
    lines.append(f"| **total** | input $\\mathbf x \\in {_R(sizes[0])}$ | | | | **{total:,}** |")
    return "\n".join(lines)


def dimensions_note(
    layer_sizes: Sequence[int], engine_shape: tuple[int, int], batch_size: int
) -> str:
    """How the engine lays out the first layer's W against the lecture's, with this network's
    numbers (derived from the shape the engine really has, ``engine_shape``)."""
    d, m = layer_sizes[0], layer_sizes[1]
    first = (
        f"$H_1 = \\sigma(XW + \\mathbf b)$ is {batch_size} × {m}"
        if len(layer_sizes) > 2
        else f"$F = XW + \\mathbf b$ is {batch_size} × {m}"
    )
    lecture = (
        "The lecture writes a layer for one point, a column vector $\\mathbf x \\in "
        f"{_R(d)}$: $W_1$ has one row per unit of the layer and one column per input "
        f"({m} × {d} here), so $W_1\\mathbf x$ has the layer's {m} entries. "
    )
    batch = (
        "The engine computes a whole minibatch at once, one point per **row** of a matrix $X$ "
        f"($|B| \\times {d}$, here {batch_size} × {d}): {first}. "
    )
    if tuple(engine_shape) == (d, m) and d != m:
        layout = (
            "For that product it stores every weight matrix **transposed**, as (fan_in, "
            f"fan_out) = ({d}, {m}): `MLP.params[0][0]` is $W_1^\\top$, the same numbers."
        )
    elif tuple(engine_shape) == (d, m):
        layout = (
            "It stores every weight matrix as (fan_in, fan_out), the lecture's $W$ "
            "**transposed** (here both are square): `MLP.params[0][0]` is $W_1^\\top$."
        )
    else:
        layout = f"It stores $W_1$ as the lecture writes it, {engine_shape[0]} × {engine_shape[1]}."
    return lecture + batch + layout


# ----------------------------------------------------------------------------- regression

# What the lecture says about regression, and what the page does with it (issue 14).
REGRESSION = (
    "**Regression: f itself is the output.** The lecture: *for regression, we can simply use f "
    "as the final output of the network*, and train it with the squared loss. So the output "
    "layer here is one unit with no sigmoid and no softmax: the prediction is the score "
    "$f(x) = W_L\\mathbf h_{L-1} + b_L$ itself, a number, and training minimises the squared "
    "loss by the same minibatch SGD and backpropagation. Only the start of backpropagation "
    "changes: the gradient of the loss at the output is $2(f(x_i) - y_i)/|B|$ instead of "
    "$(p_i - Y_i)/|B|$."
)

REGRESSION_LOSS = (
    r"\ell(x, y) = \bigl(f(x) - y\bigr)^2 \qquad "
    r"L = \frac{1}{|B|} \sum_{i \in B} \bigl(f(x_i) - y_i\bigr)^2"
)


def curve_caption(units: int) -> str:
    """What the regression picture shows, for a last hidden layer of ``units`` units (0: none)."""
    if units == 0:
        parts = "No hidden layer: f is one straight line."
    else:
        parts = (
            f"Thin grey lines: what each of the {plural(units, 'unit')} of the last hidden "
            "layer adds to the output, $h_j(x)\\,w_j$; f is their sum plus the output bias $b$."
        )
    return (
        "Thick line: the network's prediction $f(x)$. "
        + parts
        + " Filled points train, ringed points test."
    )


# ----------------------------------------------------------------------------- clicked points

EMPTY_CANVAS = "An empty plane: click in the picture to add points of the class chosen above it."

BRUSH_HELP = (
    "Click in the picture to add a point of this class, or to erase the nearest point. The "
    "network keeps its weights and goes on training on the edited points; the link and the "
    "weights file keep them."
)


def edits_summary(added: int, erased: int) -> str:
    """What the clicks did ("3 points added, 1 erased."); empty when nothing was edited."""
    parts = []
    if added:
        parts.append(f"{plural(added, 'point')} added")
    if erased:
        parts.append(f"{erased} erased" if added else f"{plural(erased, 'point')} erased")
    return ", ".join(parts) + "." if parts else ""


def no_points(empty_canvas: bool) -> str:
    """Why training waits: nothing to train on."""
    if empty_canvas:
        return "Nothing to train on yet: click in the picture to add points."
    return "Every training point was erased: click in the picture to add some."
