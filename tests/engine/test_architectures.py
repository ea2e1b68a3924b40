"""Architectures: reference totals exactly, shapes from output_size, too-small inputs refused."""

from __future__ import annotations

import math
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

import engine.architectures as arch
from engine.architectures import NETWORKS, min_input_size, summarize, totals

# LeNet-5 as in the d2l book; the others as torchvision defines them (its num_params metadata).
REFERENCE_PARAMS = {
    "lenet5": 61_706,
    "alexnet": 61_100_840,
    "vgg16": 138_357_544,
    "googlenet": 6_624_904,
    "resnet18": 11_689_512,
    "resnet50": 25_557_032,
    "densenet121": 7_978_856,
}
# The number in each name counts weight layers on the longest path (GoogLeNet: "22 layers deep").
DEPTH = {
    "lenet5": 5, "alexnet": 8, "vgg16": 16, "googlenet": 22, "resnet18": 18, "resnet50": 50,
    "densenet121": 121,
}  # fmt: skip
# torchvision's model table, "GFLOPS" at 224×224 (they are multiply-adds), to two decimals.
TORCHVISION_GMACS = {
    "alexnet": 0.71, "vgg16": 15.47, "googlenet": 1.50, "resnet18": 1.81, "resnet50": 4.09,
    "densenet121": 2.83,
}  # fmt: skip
# torchvision's min_size metadata; LeNet-5's worked out by hand below.
MIN_SIZE = {
    "lenet5": 12, "alexnet": 63, "vgg16": 32, "googlenet": 15, "resnet18": 1, "resnet50": 1,
    "densenet121": 29,
}  # fmt: skip


def row(rows: list[dict], name: str) -> dict:
    return next(r for r in rows if r["layer"] == name)


def test_every_network_is_covered():
    assert set(NETWORKS) == set(REFERENCE_PARAMS)


@pytest.mark.parametrize(("name", "expected"), REFERENCE_PARAMS.items())
def test_totals_equal_the_reference_definitions(name, expected):
    rows = summarize(name)
    assert sum(r["params"] for r in rows) == expected
    assert totals(rows).params == expected
    assert sum(totals(rows).params_by_type.values()) == expected


@pytest.mark.parametrize("name", NETWORKS)
def test_rows_are_layers_not_totals(name):
    rows = summarize(name)
    assert len({r["layer"] for r in rows}) == len(rows)
    assert not any("total" in r["layer"].lower() for r in rows)
    for r in rows:
        assert set(r) >= {"layer", "output_shape", "params"}
        assert r["params"] == sum(r["params_by_type"].values())
    assert rows[-1]["output_shape"] == ((10,) if name == "lenet5" else (1000,))


@pytest.mark.parametrize(("name", "depth"), DEPTH.items())
def test_depth_is_the_number_in_the_name(name, depth):
    assert totals(summarize(name)).depth == depth


@pytest.mark.parametrize(("name", "gmacs"), TORCHVISION_GMACS.items())
def test_multiply_adds_match_torchvision(name, gmacs):
    assert round(totals(summarize(name)).mult_adds / 1e9, 2) == gmacs


def test_lenet_layer_by_layer():
    rows = summarize("lenet5")
    assert [(r["layer"], r["output_shape"], r["params"]) for r in rows] == [
        ("conv1", (6, 28, 28), 6 * 1 * 5 * 5 + 6),  # padding 2 keeps 28
        ("pool1", (6, 14, 14), 0),
        ("conv2", (16, 10, 10), 16 * 6 * 5 * 5 + 16),  # 14 - 5 + 1
        ("pool2", (16, 5, 5), 0),
        ("flatten", (400,), 0),
        ("fc1", (120,), 400 * 120 + 120),
        ("fc2", (84,), 120 * 84 + 84),
        ("fc3", (10,), 84 * 10 + 10),
    ]
    assert row(rows, "conv1")["mult_adds"] == 6 * 28 * 28 * 25


def test_hand_checked_shapes_of_the_big_networks():
    alex = summarize("alexnet")
    assert row(alex, "conv1")["output_shape"] == (64, 55, 55)  # (224 + 4 - 11) // 4 + 1
    assert row(alex, "pool1")["output_shape"] == (64, 27, 27)  # (55 - 3) // 2 + 1
    assert row(alex, "pool5")["output_shape"] == (256, 6, 6)
    assert row(alex, "conv1")["params"] == 64 * 3 * 11 * 11 + 64
    assert row(summarize("vgg16"), "pool5")["output_shape"] == (512, 7, 7)
    goog = summarize("googlenet")
    assert row(goog, "maxpool1")["output_shape"] == (64, 56, 56)  # ceil((112 - 3) / 2) + 1
    assert row(goog, "inception3a")["output_shape"] == (64 + 128 + 32 + 32, 28, 28)
    assert row(goog, "inception5b")["output_shape"] == (384 + 384 + 128 + 128, 7, 7)
    r50 = summarize("resnet50")
    assert row(r50, "layer1.0")["output_shape"] == (256, 56, 56)
    assert row(r50, "layer4.2")["output_shape"] == (2048, 7, 7)
    dense = summarize("densenet121")
    assert row(dense, "denseblock1.layer6")["output_shape"] == (64 + 6 * 32, 56, 56)
    assert row(dense, "transition1")["output_shape"] == (128, 28, 28)
    assert row(dense, "norm5")["output_shape"] == (1024, 7, 7)


def test_shapes_come_from_output_size(monkeypatch):
    calls = []
    real = arch.output_size

    def spy(n, k, *, stride=1, padding=0, dilation=1):
        calls.append((n, k, stride, padding))
        return real(n, k, stride=stride, padding=padding, dilation=dilation) + 1  # off by one

    monkeypatch.setattr(arch, "output_size", spy)
    rows = summarize("lenet5")
    assert calls[:2] == [(28, 5, 1, 2), (28, 5, 1, 2)]  # conv1: height, width; padding per side
    assert row(rows, "conv1")["output_shape"] == (6, 29, 29)  # the spy's answer, not a typed one
    assert row(rows, "pool1")["output_shape"] == (6, 15, 15)


def test_input_size_changes_shapes_and_where_it_matters_parameters():
    alex = summarize("alexnet", (3, 227, 227))
    assert row(alex, "conv1")["output_shape"] == (64, 56, 56)  # (227 + 4 - 11) // 4 + 1
    # Adaptive pooling before the classifier: same parameters whatever the input size.
    assert totals(alex).params == REFERENCE_PARAMS["alexnet"]
    # LeNet has none: a 32×32 input leaves 16×6×6 = 576 features for fc1 instead of 400.
    lenet = summarize("lenet5", (1, 32, 32))
    assert row(lenet, "flatten")["output_shape"] == (576,)
    assert totals(lenet).params == REFERENCE_PARAMS["lenet5"] + (576 - 400) * 120
    # Three input channels: conv1 gets 3× the weights.
    rgb = summarize("lenet5", (3, 28, 28))
    assert row(rgb, "conv1")["params"] == 6 * 3 * 25 + 6
    wide = summarize("vgg16", (3, 224, 448))
    assert row(wide, "pool5")["output_shape"] == (512, 7, 14)


@pytest.mark.parametrize(("name", "side"), MIN_SIZE.items())
def test_smallest_input_matches_torchvision(name, side):
    assert min_input_size(name) == side
    summarize(name, (NETWORKS[name].input_shape[0], side, side))
    if side > 1:
        with pytest.raises(ValueError, match="too small"):
            summarize(name, (NETWORKS[name].input_shape[0], side - 1, side - 1))


@pytest.mark.parametrize(
    ("name", "shape", "where"),
    [
        ("lenet5", (1, 8, 8), "At conv2, the conv 16@5×5 gets a 6×4×4 feature map"),
        ("alexnet", (3, 62, 62), "At pool5, the max pool 3×3, stride 2 gets a 256×2×2"),
        ("alexnet", (3, 224, 5), "At conv1"),
        ("densenet121", (3, 28, 28), "At transition3"),
    ],
)
def test_too_small_input_says_which_layer_and_why(name, shape, where):
    with pytest.raises(ValueError, match="too small") as err:
        summarize(name, shape)
    message = str(err.value)
    assert where in message
    assert "window" in message and "empty" in message
    assert f"accepts is {MIN_SIZE[name]}×{MIN_SIZE[name]}" in message


@pytest.mark.parametrize(
    ("name", "shape", "match"),
    [
        ("lenet", None, "Unknown network 'lenet'"),
        ("vgg16", (3, 224), "three whole numbers"),
        ("vgg16", (3, 22.5, 224), "three whole numbers"),
        ("vgg16", (3, 0, 224), "at least 1"),
        ("vgg16", "big", "three whole numbers"),
    ],
)
def test_bad_arguments_are_explained(name, shape, match):
    with pytest.raises(ValueError, match=match):
        summarize(name, shape)


@given(st.integers(1, 600))
def test_resnet_halves_five_times_rounding_up(n):
    # conv1 and every stride-2 layer map n to ceil(n / 2): five of them in a row.
    rows = summarize("resnet18", (3, n, n))
    assert row(rows, "layer4.1")["output_shape"] == (512, -(-n // 32), -(-n // 32))
    assert totals(rows).params == REFERENCE_PARAMS["resnet18"]


@given(st.integers(32, 600), st.integers(32, 600))
def test_vgg_pools_floor_each_axis(h, w):
    assert row(summarize("vgg16", (3, h, w)), "pool5")["output_shape"] == (512, h // 32, w // 32)


@given(st.integers(1, 60), st.integers(1, 5), st.integers(1, 3), st.integers(0, 2))
def test_ceil_mode_matches_pytorchs_formula(n, k, s, p):
    if p > k // 2:
        return  # PyTorch refuses such pooling
    got = arch._window_out(n, k, s, p, True)
    out = math.ceil((n + 2 * p - k) / s) + 1
    if (out - 1) * s >= n + p:
        out -= 1
    assert got == (out if out >= 1 else None)


@pytest.mark.parametrize("name", NETWORKS)
def test_inside_every_row_adds_up_to_the_row(name):
    shape = (NETWORKS[name].input_shape[0], 96, 80) if name != "lenet5" else None
    for r in summarize(name, shape):
        parts = arch.inside(name, r["layer"], shape)
        assert sum(p["params"] for p in parts) == r["params"], r["layer"]
        assert sum(p["mult_adds"] for p in parts) == r["mult_adds"], r["layer"]
        assert parts[-1]["output_shape"] == r["output_shape"]


def test_inside_an_inception_module_and_a_residual_block():
    parts = arch.inside("googlenet", "inception3a")
    branches = list(dict.fromkeys(p["branch"] for p in parts if p["branch"]))
    assert len(branches) == 4
    ends = [[p for p in parts if p["branch"] == b][-1]["output_shape"] for b in branches]
    assert ends == [(64, 28, 28), (128, 28, 28), (32, 28, 28), (32, 28, 28)]
    assert parts[-1] == {
        "branch": "", "layer": "concatenate channels", "output_shape": (256, 28, 28),
        "params": 0, "mult_adds": 0,
    }  # fmt: skip
    block = arch.inside("resnet18", "layer2.0")
    shortcut = [p for p in block if p["branch"] == "shortcut"]
    assert shortcut[0]["layer"] == "conv 128@1×1, stride 2"
    assert shortcut[0]["params"] == 64 * 128
    assert [p["layer"] for p in block[-2:]] == ["add", "ReLU"]
    same = arch.inside("resnet18", "layer1.0")
    assert [p["layer"] for p in same if p["branch"] == "shortcut"] == ["identity"]
    with pytest.raises(ValueError, match="has no layer 'layer9'"):
        arch.inside("resnet18", "layer9")


@given(st.sampled_from(sorted(NETWORKS)), st.integers(1, 300), st.integers(1, 300))
def test_accepted_exactly_when_both_sides_reach_the_smallest_input(name, h, w):
    # Height and width go through the same layers independently.
    shape = (NETWORKS[name].input_shape[0], h, w)
    if min(h, w) >= MIN_SIZE[name]:
        rows = summarize(name, shape)
        assert all(d >= 1 for r in rows for d in r["output_shape"])
        assert rows[-1]["output_shape"] == ((10,) if name == "lenet5" else (1000,))
    else:
        with pytest.raises(ValueError, match=re.escape(f"too small for {NETWORKS[name].title}")):
            summarize(name, shape)
