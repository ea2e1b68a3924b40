"""The playground's pictures: colours mean class and confidence, nothing non-finite is drawn."""

import base64
import math
import re

import numpy as np
import plotly.graph_objects as go

from ui.figures.mlp import (
    boundary_rgb,
    confidence,
    curves_figure,
    encode_image,
    layer_labels,
    network_figure,
    probability_bars,
    unit_maps_figure,
)
from ui.style import CLASS_COLOURS


def test_confidence_is_zero_at_a_uniform_guess_and_one_at_certainty():
    probs = np.array([[0.5, 0.5], [0.0, 1.0]])
    winner, conf = confidence(probs)
    assert conf.tolist() == [0.0, 1.0] and winner.tolist()[1] == 1
    three = np.array([[1 / 3, 1 / 3, 1 / 3], [0.1, 0.1, 0.8]])
    winner, conf = confidence(three)
    assert math.isclose(conf[0], 0.0, abs_tol=1e-12) and winner[1] == 2
    assert math.isclose(conf[1], (0.8 - 1 / 3) / (2 / 3))


def test_boundary_image_colours_and_orientation():
    res = 2
    # Bottom row (first in the grid) sure of class 0, top row sure of class 2; softmax rows.
    probs = np.array([[1.0, 0, 0], [1.0, 0, 0], [0, 0, 1.0], [0, 0, 1.0]])
    img = boundary_rgb(probs, res)
    assert img.shape == (2, 2, 3) and img.dtype == np.uint8
    top, bottom = img[0, 0].astype(int), img[1, 0].astype(int)
    c0 = np.array([int(CLASS_COLOURS[0][i : i + 2], 16) for i in (1, 3, 5)])
    c2 = np.array([int(CLASS_COLOURS[2][i : i + 2], 16) for i in (1, 3, 5)])
    # Tinted towards the class colour, still lighter than it (points stay visible).
    assert np.abs(bottom - (0.28 * 255 + 0.72 * c0)).max() <= 1
    assert np.abs(top - (0.28 * 255 + 0.72 * c2)).max() <= 1
    unsure = boundary_rgb(np.full((4, 2), 0.5), res)
    assert np.all(unsure == 255)  # no confidence: white
    assert len(base64.b64decode(encode_image(img))) == 12


def test_curves_drop_non_finite_values_and_stack_loss_over_accuracy():
    fig = curves_figure([0, 1, 2], [0.7, float("nan"), 0.5], [0.8, 0.6, float("inf")],
                        [0.5, 0.6, 0.7], [float("nan")] * 3)  # fmt: skip
    named = [(t["name"], t["y"], t["yaxis"]) for t in fig["data"]]
    assert ("train", [0.7, 0.5], "y") in named and ("test", [0.8, 0.6], "y") in named
    assert ("train", [0.5, 0.6, 0.7], "y2") in named  # accuracy below, no test curve at all
    assert all(math.isfinite(v) for t in fig["data"] for v in t["y"])
    layout = fig["layout"]
    # One above the other (side by side, the accuracy ticks ran into the loss panel's title at
    # 1100 px), each panel named by its axis, one shared epoch axis at the bottom.
    assert layout["yaxis"]["title"]["text"] == "loss"
    assert layout["yaxis2"]["title"]["text"] == "accuracy"
    assert layout["xaxis2"]["title"]["text"] == "epoch"
    assert layout["yaxis2"]["domain"][1] < layout["yaxis"]["domain"][0]
    assert "annotations" not in layout  # no subplot titles to collide with ticks
    go.Figure(fig)  # plotly accepts it


def test_network_figure_hover_and_edge_cap():
    rng = np.random.default_rng(0)
    params = [(rng.normal(size=(2, 3)), np.zeros(3)), (rng.normal(size=(3, 1)), np.array([0.5]))]
    fig = network_figure(params)
    hover = next(t for t in fig["data"] if t.get("name") == "weights")
    assert len(hover["text"]) == 2 * 3 + 3
    assert f"w = {params[0][0][0, 0]:.4g}" in hover["text"][0]
    units = next(t for t in fig["data"] if t.get("name") == "units")
    assert any("b = 0.5" in text for text in units["text"])
    big = [(rng.normal(size=(2, 64)), np.zeros(64)), (rng.normal(size=(64, 64)), np.zeros(64))]
    big.append((rng.normal(size=(64, 1)), np.zeros(1)))
    capped = network_figure(big, max_edges=300)
    assert len(next(t for t in capped["data"] if t.get("name") == "weights")["text"]) == 300
    assert any("300 strongest" in a["text"] for a in capped["layout"]["annotations"])
    go.Figure(capped)


def test_layer_labels_are_short_enough_for_a_narrow_chart():
    """The lecture's symbols with the layer's size; at most 8 characters a line once the
    markup is gone (four layers side by side in 220 px collided as "hidden 1 / 8 units")."""
    labels = layer_labels([2, 8, 8, 1], activation="tanh", output_label="sigmoid")
    assert labels == [
        ("x ∈ ℝ<sup>2</sup>", "input"),
        ("h<sub>1</sub> ∈ ℝ<sup>8</sup>", "tanh"),
        ("h<sub>2</sub> ∈ ℝ<sup>8</sup>", "tanh"),
        ("f ∈ ℝ", "sigmoid"),
    ]
    deep = layer_labels([2, 4, 4, 4, 3], activation="relu", output_label="softmax")
    assert deep[3] == ("h<sub>3</sub>", "4") and deep[4] == ("f", "3<br>softmax")
    for line, detail in labels + deep:
        for part in (line, *detail.split("<br>")):
            assert len(re.sub(r"<[^>]+>", "", part)) <= 8, part


def test_unit_maps_one_heatmap_per_unit_capped_per_layer_on_one_pair_of_axes():
    maps = [np.zeros((5, 5, 3)), np.linspace(-1, 1, 500).reshape(5, 5, 20)]
    fig = unit_maps_figure(maps, activation="tanh", max_per_layer=12)
    data = fig["data"]
    assert sum(t["type"] == "heatmap" for t in data) == 3 + 12
    assert all(t["zmin"] == -1 and t["zmax"] == 1 for t in data)
    assert all("xaxis" not in t for t in data) and "xaxis2" not in fig["layout"]
    names = [t["name"] for t in data]
    assert names[:4] == ["h1,1", "h1,2", "h1,3", "h2,1"] and names[-1] == "h2,12"
    # Tiles do not overlap: every unit of a layer starts a tile further right, layer 1 on top.
    assert [t["x0"] for t in data[3:6]] == [0, 7, 14]
    assert data[0]["y0"] > data[3]["y0"]
    np.testing.assert_array_equal(data[4]["z"], np.round(maps[1][:, :, 1], 3))
    assert list(fig["layout"]["yaxis"]["ticktext"]) == ["layer 1", "layer 2"]
    relu = unit_maps_figure([np.full((4, 4, 2), 3.0)], activation="relu")
    assert relu["data"][0]["zmin"] == -3.0 and relu["data"][0]["zmax"] == 3.0  # white at 0
    go.Figure(fig)


def test_network_without_weight_hover_keeps_edges_and_units():
    rng = np.random.default_rng(0)
    params = [(rng.normal(size=(2, 3)), np.zeros(3)), (rng.normal(size=(3, 1)), np.zeros(1))]
    full = network_figure(params)
    light = network_figure(params, weight_hover=False)
    assert any(t.get("name") == "weights" for t in full["data"])
    assert not any(t.get("name") == "weights" for t in light["data"])
    assert len(light["data"]) == len(full["data"]) - 1
    assert light["data"][:-1] == [t for t in full["data"] if t.get("name") != "weights"][:-1]


def test_quiz_bars():
    fig = probability_bars([0.01, 0.9, 0.05, 0.02, 0.02], highlight=2)
    (bars,) = fig["data"]
    assert bars["y"] == [0.01, 0.9, 0.05, 0.02, 0.02]
    assert bars["marker"]["color"][2] == CLASS_COLOURS[1] != bars["marker"]["color"][0]
    go.Figure(fig)
