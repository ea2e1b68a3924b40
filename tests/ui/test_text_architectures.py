"""ui.text.architectures: the error story is told for the column where it holds."""

from __future__ import annotations

from engine.architectures import NETWORKS, Network
from ui.text.architectures import error_trend, ilsvrc_help


def test_the_error_falls_in_the_ilsvrc_column_and_the_exceptions_are_named():
    text = error_trend(list(NETWORKS.values()))
    assert "ILSVRC column) the top-5 error falls with each generation" in text
    assert "AlexNet 15.3 % → VGG-16 7.3 % → GoogLeNet 6.7 % → ResNet-50 3.6 %" in text
    # The torchvision column does not fall monotonically; the page says where.
    assert "VGG-16 9.6 % → GoogLeNet 10.5 %" in text
    assert "ResNet-50 7.1 % → DenseNet-121 8.0 %" in text


def test_a_column_that_does_not_fall_is_not_said_to_fall():
    nets = list(NETWORKS.values())
    swapped = [
        Network(**{**vars(n), "top5_ilsvrc": 20.0}) if n.key == "resnet50" else n for n in nets
    ]
    assert "falls with each generation" not in error_trend(swapped)


def test_googlenet_is_named_an_ensemble_too():
    assert "GoogLeNet, 7 models, 144 crops of each image" in ilsvrc_help()
