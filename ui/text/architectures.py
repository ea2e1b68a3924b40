"""What the architectures lesson says about the networks, derived from their numbers."""

from __future__ import annotations

import itertools
from collections.abc import Sequence

from engine.architectures import Network, Totals

# The ILSVRC entries that were ensembles (several networks and many crops of each test image),
# from the papers: AlexNet (7 CNNs), VGG (7 nets; the best single-net result is 7.0-7.3 %),
# GoogLeNet (7 models, 144 crops per image), ResNet (an ensemble of six, up to 152 layers).
ENSEMBLES = {
    "alexnet": "7 CNNs",
    "vgg16": "7 networks",
    "googlenet": "7 models, 144 crops of each image",
    "resnet50": "6 ResNets, up to 152 layers",
}


def _steps(values: Sequence[tuple[str, float]]) -> str:
    return " → ".join(f"{title} {value:.1f} %" for title, value in values)


def falls_monotonically(values: Sequence[float]) -> bool:
    return all(b < a for a, b in itertools.pairwise(values))


def error_trend(networks: Sequence[Network]) -> str:
    """Which column of the table the 'error falls with each generation' story holds for."""
    ilsvrc = [(n.title, n.top5_ilsvrc) for n in networks if n.top5_ilsvrc is not None]
    single = [(n.title, n.top5_single) for n in networks if n.top5_single is not None]
    rises = [
        f"{a[0]} {a[1]:.1f} % → {b[0]} {b[1]:.1f} %"
        for a, b in itertools.pairwise(single)
        if b[1] >= a[1]
    ]
    text = (
        "**In the ImageNet challenge (ILSVRC column) the top-5 error falls with each "
        f"generation**: {_steps(ilsvrc)}."
    )
    if not falls_monotonically([v for _, v in ilsvrc]):
        text = f"In the ImageNet challenge (ILSVRC column) the top-5 errors were {_steps(ilsvrc)}."
    if rises:
        text += (
            " Those entries were ensembles of several networks tested on many crops; one "
            "network of each definition on one crop (torchvision column) does not always "
            "improve: " + ", ".join(rises) + "."
        )
    return text


def parameters_story(stats: dict[str, Totals]) -> str:
    vgg = stats["vgg16"]
    fc_share = vgg.params_by_type["fully connected"] / vgg.params
    return (
        f"The parameter count first explodes (VGG-16: {vgg.params / 1e6:.0f} M, {fc_share:.0%} "
        "of them in its fully connected layers) and then *shrinks*: GoogLeNet, ResNet and "
        "DenseNet replace the huge fully connected layers by global average pooling and spend "
        "their parameters on many small convolutions, while the networks get ever **deeper**."
    )


def ilsvrc_help() -> str:
    return (
        "ImageNet challenge result as published; every one of these was an ensemble: "
        + "; ".join(f"{_title(key)}, {what}" for key, what in ENSEMBLES.items())
        + "."
    )


def _title(key: str) -> str:
    return {
        "alexnet": "AlexNet",
        "vgg16": "VGG",
        "googlenet": "GoogLeNet",
        "resnet50": "ResNet",
    }[key]


def resized_note(title: str, shape_text: str, params: int, reference: int) -> str:
    return (
        f"With a {shape_text} input, {title} has {params:,} parameters instead of "
        f"{reference:,}: the first fully connected layer takes every number of the last feature "
        "map as an input, so its weight count follows the input size. Networks with adaptive "
        "(global) average pooling before their classifier do not have this problem."
    )


def branches_caption(merge: str) -> str:
    if merge == "added":
        return (
            "The branches all start from the same input and their outputs are added. Adding "
            "needs equal shapes: where the main path changes the shape, the shortcut gets a 1×1 "
            "convolution."
        )
    return (
        "The branches all start from the same input and their outputs are concatenated along "
        "the channels. Their heights and widths must match; the channels add up."
    )


def ratio(mine: int, other: int) -> str:
    r = mine / other
    return f"{r:.2f}× the other" if r < 10 else f"{r:,.0f}× the other"
