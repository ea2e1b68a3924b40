"""Classic CNN architectures as layer specs: shapes, parameters and multiply-adds, layer by layer.

Every output shape is computed from the layer specs with :func:`engine.conv.output_size` (nothing is
typed in by hand), so changing the input size changes every shape, and an input that is too small
is refused with the layer where it breaks. The networks follow their reference definitions: LeNet-5
as in the d2l book, the others as torchvision defines them (1000 classes, batch-norm weights and
biases counted, GoogLeNet without its auxiliary heads).

Shapes are (C, H, W) for feature maps and (F,) after flattening, one image, no batch axis.
Multiply-adds count the multiplications of convolution and fully connected layers (the usual
"MACs"); pooling, batch norm, activations and additions are cheap next to them and not counted.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from engine.conv import output_size

Shape = tuple[int, ...]

# -- layer specs -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Conv:
    """2-D convolution to ``out`` channels, square ``k``×``k`` kernel (in channels: the input's)."""

    out: int
    k: int
    stride: int = 1
    padding: int = 0
    bias: bool = True


@dataclass(frozen=True)
class BatchNorm:
    """Batch norm over the channels: a scale and a shift per channel (running stats are buffers)."""


@dataclass(frozen=True)
class Act:
    fn: Literal["relu", "sigmoid"] = "relu"


@dataclass(frozen=True)
class Pool:
    """Max or average pooling; ``ceil`` rounds the output size up (PyTorch's ceil_mode)."""

    k: int
    stride: int
    padding: int = 0
    mode: Literal["max", "avg"] = "max"
    ceil: bool = False


@dataclass(frozen=True)
class AdaptivePool:
    """Average pooling to a fixed ``size``×``size`` output, whatever the input size."""

    size: int


@dataclass(frozen=True)
class Flatten:
    pass


@dataclass(frozen=True)
class Dropout:
    p: float


@dataclass(frozen=True)
class Linear:
    """Fully connected layer to ``out`` features (in features = the flattened input's)."""

    out: int
    bias: bool = True


@dataclass(frozen=True)
class Parallel:
    """Branches applied to the same input, then concatenated along channels or added.

    An empty branch is the identity (a ResNet shortcut, DenseNet's "keep the input").
    """

    branches: tuple[tuple[Op, ...], ...]
    merge: Literal["concat", "add"]
    names: tuple[str, ...] = ()  # one per branch, for showing what is inside


Op = Conv | BatchNorm | Act | Pool | AdaptivePool | Flatten | Dropout | Linear | Parallel


@dataclass(frozen=True)
class Row:
    """One row of the summary: a layer, or a block of layers shown as one line."""

    name: str
    ops: tuple[Op, ...]
    what: str = ""  # a description for blocks; layers describe themselves


@dataclass(frozen=True)
class Network:
    key: str
    title: str
    year: int
    rows: tuple[Row, ...]
    input_shape: Shape
    authors: str
    top5_ilsvrc: float | None  # ImageNet (ILSVRC) top-5 error in %, as reported, where known
    top5_single: float | None  # torchvision's pretrained weights, one 224×224 centre crop
    note: str = ""


# -- what one op does to a shape -------------------------------------------------------------------


@dataclass
class _Stats:
    params: int = 0
    mult_adds: int = 0
    depth: int = 0  # weight layers on the longest path
    by_type: dict[str, int] = field(
        default_factory=lambda: {"convolution": 0, "batch norm": 0, "fully connected": 0}
    )

    def add(self, other: _Stats) -> None:
        self.params += other.params
        self.mult_adds += other.mult_adds
        self.depth += other.depth
        for key, value in other.by_type.items():
            self.by_type[key] += value


class _TooSmall(ValueError):
    """Raised inside the walk; summarize() rewrites it with the network and input named."""


def describe(op: Op) -> str:
    """A short description a learner can read: 'conv 6@5×5, pad 2'."""
    if isinstance(op, Conv):
        text = f"conv {op.out}@{op.k}×{op.k}"
        extras = [f"stride {op.stride}"] * (op.stride != 1) + [f"pad {op.padding}"] * bool(
            op.padding
        )
        return text + (", " + ", ".join(extras) if extras else "")
    if isinstance(op, BatchNorm):
        return "batch norm"
    if isinstance(op, Act):
        return "ReLU" if op.fn == "relu" else "sigmoid"
    if isinstance(op, Pool):
        text = f"{op.mode} pool {op.k}×{op.k}, stride {op.stride}"
        return text + (f", pad {op.padding}" if op.padding else "") + (", ceil" if op.ceil else "")
    if isinstance(op, AdaptivePool):
        return f"adaptive avg pool to {op.size}×{op.size}"
    if isinstance(op, Flatten):
        return "flatten"
    if isinstance(op, Dropout):
        return f"dropout {op.p:g}"
    if isinstance(op, Linear):
        return f"fully connected → {op.out}"
    return f"{len(op.branches)} branches, {op.merge}"


def _window_out(n: int, k: int, stride: int, padding: int, ceil: bool) -> int | None:
    """Output length along one axis, or None when the window does not fit."""
    if not ceil:
        return output_size(n, k, stride=stride, padding=padding) if n + 2 * padding >= k else None
    # ceil_mode rounds up: as if the far side had stride - 1 more cells of padding, so a last
    # window may hang over the edge; one that would start in the padding is dropped (PyTorch's
    # rule).
    after = padding + stride - 1
    if n + padding + after < k:
        return None
    out = output_size(n, k, stride=stride, padding=(padding, after))
    if (out - 1) * stride >= n + padding:
        out -= 1
    return out


def _slide(op: Conv | Pool, shape: Shape) -> tuple[int, int]:
    """Output (H, W) of a sliding window over a (C, H, W) map, or _TooSmall saying why not."""
    _, h, w = shape
    ceil = isinstance(op, Pool) and op.ceil
    ho = _window_out(h, op.k, op.stride, op.padding, ceil)
    wo = _window_out(w, op.k, op.stride, op.padding, ceil)
    if ho is None or wo is None:
        n = min(h, w)
        padded = f" (with padding {op.padding} on each side: {n + 2 * op.padding})"
        raise _TooSmall(
            f"the {describe(op)} gets a {shape_text(shape)} feature map: "
            f"{n} pixel{'s' * (n != 1)}{padded if op.padding else ''} is less than its "
            f"{op.k}×{op.k} window, so its output would be empty"
        )
    return ho, wo


def _apply(op: Op, shape: Shape) -> tuple[Shape, _Stats]:
    stats = _Stats()
    if isinstance(op, Parallel):
        outs = []
        depths = []
        for branch in op.branches:
            s = shape
            branch_stats = _Stats()
            for inner in branch:
                s, st = _apply(inner, s)
                branch_stats.add(st)
            outs.append(s)
            depths.append(branch_stats.depth)
            branch_stats.depth = 0
            stats.add(branch_stats)
        stats.depth = max(depths)
        if op.merge == "add":
            if any(o != outs[0] for o in outs):
                raise _TooSmall(f"the branches give different shapes {outs} and cannot be added")
            return outs[0], stats
        if any(o[1:] != outs[0][1:] for o in outs):
            raise _TooSmall(f"the branches give different sizes {outs} and cannot be joined")
        return (sum(o[0] for o in outs), *outs[0][1:]), stats
    if isinstance(op, Linear):
        n_in = 1
        for d in shape:
            n_in *= d
        stats.params = n_in * op.out + (op.out if op.bias else 0)
        stats.mult_adds = n_in * op.out
        stats.depth = 1
        stats.by_type["fully connected"] = stats.params
        return (op.out,), stats
    if isinstance(op, Flatten):
        n = 1
        for d in shape:
            n *= d
        return (n,), stats
    if isinstance(op, Act | Dropout):
        return shape, stats
    c = shape[0]  # the rest work on (C, H, W) feature maps
    if isinstance(op, BatchNorm):
        stats.params = 2 * c
        stats.by_type["batch norm"] = stats.params
        return shape, stats
    if isinstance(op, AdaptivePool):
        return (c, op.size, op.size), stats
    if isinstance(op, Conv):
        ho, wo = _slide(op, shape)
        stats.params = op.out * c * op.k * op.k + (op.out if op.bias else 0)
        stats.mult_adds = op.out * ho * wo * c * op.k * op.k
        stats.depth = 1
        stats.by_type["convolution"] = stats.params
        return (op.out, ho, wo), stats
    return (c, *_slide(op, shape)), stats


def _kind(row: Row) -> str:
    """What a row mostly is, for colouring: block, conv, fc, pool or other."""
    types = {type(op) for op in row.ops}
    if Parallel in types:
        return "block"
    if Conv in types:
        return "conv"
    if Linear in types:
        return "fc"
    if types & {Pool, AdaptivePool}:
        return "pool"
    return "other"


# -- the networks ----------------------------------------------------------------------------------


def _conv_row(name: str, out: int, k: int, **kw) -> Row:
    return Row(name, (Conv(out, k, **kw), Act()))


def _bn_conv(out: int, k: int, *, stride: int = 1, padding: int = 0) -> tuple[Op, ...]:
    """conv (no bias: batch norm's shift replaces it) + batch norm + ReLU."""
    return Conv(out, k, stride=stride, padding=padding, bias=False), BatchNorm(), Act()


def _lenet5() -> tuple[Row, ...]:
    sig = Act("sigmoid")
    return (
        Row("conv1", (Conv(6, 5, padding=2), sig)),
        Row("pool1", (Pool(2, 2, mode="avg"),)),
        Row("conv2", (Conv(16, 5), sig)),
        Row("pool2", (Pool(2, 2, mode="avg"),)),
        Row("flatten", (Flatten(),)),
        Row("fc1", (Linear(120), sig)),
        Row("fc2", (Linear(84), sig)),
        Row("fc3", (Linear(10),)),
    )


def _classifier(*widths: int, dropout_first: bool) -> tuple[Row, ...]:
    """AlexNet's and VGG's three fully connected layers (dropout before or after the ReLU)."""
    rows = []
    for i, width in enumerate(widths):
        last = i == len(widths) - 1
        if last:
            ops: tuple[Op, ...] = (Linear(width),)
        elif dropout_first:
            ops = (Dropout(0.5), Linear(width), Act())
        else:
            ops = (Linear(width), Act(), Dropout(0.5))
        rows.append(Row(f"fc{6 + i}", ops))
    return tuple(rows)


def _alexnet() -> tuple[Row, ...]:
    return (
        _conv_row("conv1", 64, 11, stride=4, padding=2),
        Row("pool1", (Pool(3, 2),)),
        _conv_row("conv2", 192, 5, padding=2),
        Row("pool2", (Pool(3, 2),)),
        _conv_row("conv3", 384, 3, padding=1),
        _conv_row("conv4", 256, 3, padding=1),
        _conv_row("conv5", 256, 3, padding=1),
        Row("pool5", (Pool(3, 2),)),
        Row("avgpool", (AdaptivePool(6),)),
        Row("flatten", (Flatten(),)),
        *_classifier(4096, 4096, 1000, dropout_first=True),
    )


def _vgg16() -> tuple[Row, ...]:
    rows: list[Row] = []
    for stage, (width, n) in enumerate(((64, 2), (128, 2), (256, 3), (512, 3), (512, 3)), 1):
        rows += [_conv_row(f"conv{stage}_{i}", width, 3, padding=1) for i in range(1, n + 1)]
        rows.append(Row(f"pool{stage}", (Pool(2, 2),)))
    return (
        *rows,
        Row("avgpool", (AdaptivePool(7),)),
        Row("flatten", (Flatten(),)),
        *_classifier(4096, 4096, 1000, dropout_first=False),
    )


def _inception(name: str, c1: int, c3r: int, c3: int, c5r: int, c5: int, pp: int) -> Row:
    # torchvision's "5×5" branch uses a 3×3 kernel (a known slip it keeps for its weights).
    branches = (
        _bn_conv(c1, 1),
        (*_bn_conv(c3r, 1), *_bn_conv(c3, 3, padding=1)),
        (*_bn_conv(c5r, 1), *_bn_conv(c5, 3, padding=1)),
        (Pool(3, 1, padding=1, ceil=True), *_bn_conv(pp, 1)),
    )
    what = f"inception: 1×1 {c1} | 1×1 {c3r} → 3×3 {c3} | 1×1 {c5r} → 3×3 {c5} | pool → 1×1 {pp}"
    names = ("1×1", "1×1 → 3×3", "1×1 → 3×3 (the '5×5' branch)", "max pool → 1×1")
    return Row(name, (Parallel(branches, "concat", names),), what)


def _googlenet() -> tuple[Row, ...]:
    return (
        Row("conv1", _bn_conv(64, 7, stride=2, padding=3)),
        Row("maxpool1", (Pool(3, 2, ceil=True),)),
        Row("conv2", _bn_conv(64, 1)),
        Row("conv3", _bn_conv(192, 3, padding=1)),
        Row("maxpool2", (Pool(3, 2, ceil=True),)),
        _inception("inception3a", 64, 96, 128, 16, 32, 32),
        _inception("inception3b", 128, 128, 192, 32, 96, 64),
        Row("maxpool3", (Pool(3, 2, ceil=True),)),
        _inception("inception4a", 192, 96, 208, 16, 48, 64),
        _inception("inception4b", 160, 112, 224, 24, 64, 64),
        _inception("inception4c", 128, 128, 256, 24, 64, 64),
        _inception("inception4d", 112, 144, 288, 32, 64, 64),
        _inception("inception4e", 256, 160, 320, 32, 128, 128),
        Row("maxpool4", (Pool(2, 2, ceil=True),)),
        _inception("inception5a", 256, 160, 320, 32, 128, 128),
        _inception("inception5b", 384, 192, 384, 48, 128, 128),
        Row("avgpool", (AdaptivePool(1),)),
        Row("flatten", (Flatten(),)),
        Row("fc", (Dropout(0.2), Linear(1000))),
    )


def _resnet(blocks: Sequence[int], *, bottleneck: bool) -> tuple[Row, ...]:
    expansion = 4 if bottleneck else 1
    rows = [
        Row("conv1", _bn_conv(64, 7, stride=2, padding=3)),
        Row("maxpool", (Pool(3, 2, padding=1),)),
    ]
    in_ch = 64
    for stage, (planes, n) in enumerate(zip((64, 128, 256, 512), blocks, strict=True), 1):
        for i in range(n):
            stride = 2 if stage > 1 and i == 0 else 1
            out = planes * expansion
            if bottleneck:  # torchvision (v1.5) strides in the 3×3, not in the first 1×1
                main = (
                    *_bn_conv(planes, 1),
                    *_bn_conv(planes, 3, stride=stride, padding=1),
                    Conv(out, 1, bias=False),
                    BatchNorm(),
                )
                what = f"bottleneck 1×1 {planes} → 3×3 {planes} → 1×1 {out}"
            else:
                main = (
                    *_bn_conv(planes, 3, stride=stride, padding=1),
                    Conv(out, 3, padding=1, bias=False),
                    BatchNorm(),
                )
                what = f"basic block 3×3 {planes} → 3×3 {out}"
            shortcut: tuple[Op, ...] = ()
            if stride != 1 or in_ch != out:
                shortcut = (Conv(out, 1, stride=stride, bias=False), BatchNorm())
                what += ", 1×1 conv shortcut"
            else:
                what += ", identity shortcut"
            if stride == 2:
                what += ", stride 2"
            block = Parallel((main, shortcut), "add", ("main path", "shortcut"))
            rows.append(Row(f"layer{stage}.{i}", (block, Act()), what))
            in_ch = out
    rows += [
        Row("avgpool", (AdaptivePool(1),)),
        Row("flatten", (Flatten(),)),
        Row("fc", (Linear(1000),)),
    ]
    return tuple(rows)


def _densenet121() -> tuple[Row, ...]:
    growth, bn_size = 32, 4
    rows = [
        Row("conv0", _bn_conv(64, 7, stride=2, padding=3)),
        Row("pool0", (Pool(3, 2, padding=1),)),
    ]
    channels = 64
    blocks = (6, 12, 24, 16)
    for b, n in enumerate(blocks, 1):
        for i in range(1, n + 1):
            new = (
                BatchNorm(), Act(), Conv(bn_size * growth, 1, bias=False),
                BatchNorm(), Act(), Conv(growth, 3, padding=1, bias=False),
            )  # fmt: skip
            what = f"dense layer: BN-ReLU-1×1 {bn_size * growth} → BN-ReLU-3×3 {growth}, concat"
            block = Parallel(((), new), "concat", ("the input, passed on", "new features"))
            rows.append(Row(f"denseblock{b}.layer{i}", (block,), what))
            channels += growth
        if b < len(blocks):
            channels //= 2
            rows.append(
                Row(
                    f"transition{b}",
                    (BatchNorm(), Act(), Conv(channels, 1, bias=False), Pool(2, 2, mode="avg")),
                )
            )
    rows += [
        Row("norm5", (BatchNorm(), Act())),
        Row("avgpool", (AdaptivePool(1),)),
        Row("flatten", (Flatten(),)),
        Row("classifier", (Linear(1000),)),
    ]
    return tuple(rows)


IMAGENET = (3, 224, 224)

NETWORKS: dict[str, Network] = {
    net.key: net
    for net in (
        Network(
            "lenet5", "LeNet-5", 1998, _lenet5(), (1, 28, 28), "LeCun, Bottou, Bengio, Haffner",
            None, None,
            "Handwritten digits (MNIST), not ImageNet. This is the d2l book's version: sigmoid, "
            "average pooling, padding 2 on a 28×28 input.",
        ),
        Network(
            "alexnet", "AlexNet", 2012, _alexnet(), IMAGENET, "Krizhevsky, Sutskever, Hinton",
            15.3, 20.934,
            "torchvision's AlexNet (the 'one weird trick' variant) has 64 filters in conv1, not "
            "the paper's 96 (the lecture's slide shows 96), and no local response normalisation.",
        ),
        Network(
            "vgg16", "VGG-16", 2014, _vgg16(), IMAGENET, "Simonyan, Zisserman",
            7.3, 9.618, "Only 3×3 convolutions, stacked deep; most parameters sit in fc6.",
        ),
        Network(
            "googlenet", "GoogLeNet", 2014, _googlenet(), IMAGENET,
            "Szegedy et al.", 6.67, 10.47,
            "Also called Inception v1; here without the two auxiliary classifiers used only in "
            "training. Batch norm is torchvision's addition, and its '5×5' branches use 3×3 "
            "kernels (a slip torchvision keeps for compatibility with its weights).",
        ),
        Network(
            "resnet18", "ResNet-18", 2015, _resnet((2, 2, 2, 2), bottleneck=False), IMAGENET,
            "He, Zhang, Ren, Sun", None, 10.922,
            "ILSVRC 2015 was won by an ensemble of deeper ResNets (3.57 % top-5 error).",
        ),
        Network(
            "resnet50", "ResNet-50", 2015, _resnet((3, 4, 6, 3), bottleneck=True), IMAGENET,
            "He, Zhang, Ren, Sun", 3.57, 7.138,
            "The 3.57 % is the ILSVRC 2015 winning ensemble of ResNets (up to 152 layers).",
        ),
        Network(
            "densenet121", "DenseNet-121", 2017, _densenet121(), IMAGENET,
            "Huang, Liu, van der Maaten, Weinberger", None, 8.028,
            "Not an ILSVRC entry: each layer gets every earlier feature map of its block as input.",
        ),
    )
}  # fmt: skip


def _network(name: str) -> Network:
    try:
        return NETWORKS[name]
    except KeyError:
        raise ValueError(
            f"Unknown network {name!r}; choose one of {', '.join(NETWORKS)}."
        ) from None


def _check_shape(input_shape: Sequence[int]) -> Shape:
    message = f"The input shape must be three whole numbers (C, H, W); got {input_shape!r}."
    try:
        shape = tuple(int(d) for d in input_shape)
    except (TypeError, ValueError):
        raise ValueError(message) from None
    if len(shape) != 3 or any(d != v for d, v in zip(shape, input_shape, strict=True)):
        raise ValueError(message)
    if min(shape) < 1:
        raise ValueError(f"Every size of the input must be at least 1; got {shape}.")
    return shape


def _walk(net: Network, shape: Shape) -> list[dict]:
    rows = []
    for row in net.rows:
        total = _Stats()
        try:
            for op in row.ops:
                shape, st = _apply(op, shape)
                total.add(st)
        except _TooSmall as err:
            raise _TooSmall(f"At {row.name}, {err}.") from None
        rows.append(
            {
                "layer": row.name,
                "what": row.what or _row_what(row),
                "kind": _kind(row),
                "output_shape": shape,
                "params": total.params,
                "mult_adds": total.mult_adds,
                "depth": total.depth,
                "params_by_type": total.by_type,
            }
        )
    return rows


def _row_what(row: Row) -> str:
    return " · ".join(describe(op) for op in row.ops)


def shape_text(shape: Sequence[int]) -> str:
    """(3, 224, 224) -> '3×224×224'."""
    return "×".join(str(d) for d in shape)


def summarize(name: str, input_shape: Sequence[int] | None = None) -> list[dict]:
    """The network's rows with their output shape, parameters and multiply-adds.

    Parameters
    ----------
    name : one of ``NETWORKS`` (lenet5, alexnet, vgg16, googlenet, resnet18, resnet50,
        densenet121).
    input_shape : (C, H, W) of one input image; the network's own input (1×28×28 for LeNet-5,
        3×224×224 for the others) by default. Other channel counts or sizes change the first
        convolution's or the first fully connected layer's parameters where they depend on them.

    Returns
    -------
    One dict per layer or block, in order, with ``layer`` (name), ``what`` (description),
    ``kind`` (block, conv, fc, pool, other), ``output_shape`` ((C, H, W) or (F,)), ``params``,
    ``mult_adds``, ``depth`` (weight layers on its longest path) and ``params_by_type``
    (convolution, batch norm, fully connected). No total row: sum the rows.

    Raises
    ------
    ValueError
        For an unknown name, a malformed shape, or an input too small for the network (the
        message names the layer where it breaks and the smallest input that works).
    """
    net = _network(name)
    shape = net.input_shape if input_shape is None else _check_shape(input_shape)
    try:
        return _walk(net, shape)
    except _TooSmall as err:
        smallest = min_input_size(name, channels=shape[0])
        raise ValueError(
            f"The input {shape_text(shape)} is too small for {net.title}. {err} The smallest "
            f"input {net.title} accepts is {smallest}×{smallest}."
        ) from None


def min_input_size(name: str, *, channels: int | None = None) -> int:
    """The smallest square side the network accepts (every layer's output at least 1×1)."""
    net = _network(name)
    c = net.input_shape[0] if channels is None else channels

    def fits(side: int) -> bool:
        try:
            _walk(net, (c, side, side))
        except _TooSmall:
            return False
        return True

    # Output sizes never shrink when the input grows, so "fits" is monotone: bisect.
    lo, hi = 1, 1024
    if fits(lo):
        return lo
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if fits(mid):
            hi = mid
        else:
            lo = mid
    return hi


def inside(name: str, layer: str, input_shape: Sequence[int] | None = None) -> list[dict]:
    """Every layer inside one row of ``summarize(name, input_shape)``, branch by branch.

    Returns
    -------
    One dict per layer, in order, with ``branch`` (empty outside parallel branches),
    ``layer`` (description), ``output_shape``, ``params`` and ``mult_adds``. Each set of
    branches ends with a row for the merge (concatenate or add); an empty branch is one
    "identity" row. The ``params`` add up to the row's.
    """
    net = _network(name)
    shape = net.input_shape if input_shape is None else _check_shape(input_shape)
    rows = {r["layer"]: r for r in summarize(name, shape)}  # raises for a too-small input
    if layer not in rows:
        raise ValueError(f"{net.title} has no layer {layer!r}.")
    for row in net.rows:
        if row.name == layer:
            break
        for op in row.ops:
            shape, _ = _apply(op, shape)
    out: list[dict] = []

    def line(branch: str, text: str, shape: Shape, st: _Stats | None = None) -> None:
        params, mult_adds = (st.params, st.mult_adds) if st else (0, 0)
        out.append(
            {
                "branch": branch,
                "layer": text,
                "output_shape": shape,
                "params": params,
                "mult_adds": mult_adds,
            }
        )

    for op in row.ops:
        if not isinstance(op, Parallel):
            shape, st = _apply(op, shape)
            line("", describe(op), shape, st)
            continue
        names = op.names or tuple(f"branch {i}" for i in range(1, len(op.branches) + 1))
        for branch_name, branch in zip(names, op.branches, strict=True):
            s = shape
            if not branch:
                line(branch_name, "identity", s)
            for inner in branch:
                s, st = _apply(inner, s)
                line(branch_name, describe(inner), s, st)
        shape, _ = _apply(op, shape)
        line("", "concatenate channels" if op.merge == "concat" else "add", shape)
    return out


@dataclass(frozen=True)
class Totals:
    params: int
    mult_adds: int
    depth: int
    params_by_type: dict[str, int]


def totals(rows: Sequence[dict]) -> Totals:
    """Sum a summary's rows: parameters, multiply-adds, depth and the parameters by layer type."""
    by_type = {"convolution": 0, "batch norm": 0, "fully connected": 0}
    for row in rows:
        for key, value in row["params_by_type"].items():
            by_type[key] += value
    return Totals(
        params=sum(r["params"] for r in rows),
        mult_adds=sum(r["mult_adds"] for r in rows),
        depth=sum(r["depth"] for r in rows),
        params_by_type=by_type,
    )
