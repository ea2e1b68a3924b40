"""The playground's pictures: colours mean class and confidence, nothing non-finite is drawn."""

import base64
import math

import numpy as np

from ui.figures.mlp import (
    boundary_rgb,
    confidence,
    curves_figure,
    encode_image,
    network_figure,
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


def test_curves_drop_non_finite_values():
    fig = curves_figure([0, 1, 2], [0.7, float("nan"), 0.5], [0.8, 0.6, float("inf")],
                        [0.5, 0.6, 0.7], [float("nan")] * 3)  # fmt: skip
    names = [(t.name, list(t.y)) for t in fig.data]
    assert ("train", [0.7, 0.5]) in names and ("test", [0.8, 0.6]) in names
    assert all(math.isfinite(v) for t in fig.data for v in t.y)


def test_network_figure_hover_and_edge_cap():
    rng = np.random.default_rng(0)
    params = [(rng.normal(size=(2, 3)), np.zeros(3)), (rng.normal(size=(3, 1)), np.array([0.5]))]
    fig = network_figure(params)
    hover = next(t for t in fig.data if t.name == "weights")
    assert len(hover.text) == 2 * 3 + 3
    assert f"w = {params[0][0][0, 0]:.4g}" in hover.text[0]
    units = next(t for t in fig.data if t.name == "units")
    assert any("b = 0.5" in text for text in units.text)
    big = [(rng.normal(size=(2, 64)), np.zeros(64)), (rng.normal(size=(64, 64)), np.zeros(64))]
    big.append((rng.normal(size=(64, 1)), np.zeros(1)))
    capped = network_figure(big, max_edges=300)
    assert len(next(t for t in capped.data if t.name == "weights").text) == 300
    assert any("300 strongest" in a.text for a in capped.layout.annotations)


def test_unit_maps_one_heatmap_per_unit_capped_per_layer_on_one_pair_of_axes():
    maps = [np.zeros((5, 5, 3)), np.linspace(-1, 1, 500).reshape(5, 5, 20)]
    fig = unit_maps_figure(maps, activation="tanh", max_per_layer=12)
    assert sum(t.type == "heatmap" for t in fig.data) == 3 + 12
    assert all(t.zmin == -1 and t.zmax == 1 for t in fig.data)
    assert {t.xaxis for t in fig.data} == {None} and "xaxis2" not in fig.to_dict()["layout"]
    names = [t.name for t in fig.data]
    assert names[:4] == ["h1,1", "h1,2", "h1,3", "h2,1"] and names[-1] == "h2,12"
    # Tiles do not overlap: every unit of a layer starts a tile further right, layer 1 on top.
    assert [t.x0 for t in fig.data[3:6]] == [0, 7, 14]
    assert fig.data[0].y0 > fig.data[3].y0
    np.testing.assert_array_equal(fig.data[4].z, np.round(maps[1][:, :, 1], 3))
    assert list(fig.layout.yaxis.ticktext) == ["layer 1", "layer 2"]
    relu = unit_maps_figure([np.full((4, 4, 2), 3.0)], activation="relu")
    assert relu.data[0].zmin == -3.0 and relu.data[0].zmax == 3.0  # white at 0


def test_network_without_weight_hover_keeps_edges_and_units():
    rng = np.random.default_rng(0)
    params = [(rng.normal(size=(2, 3)), np.zeros(3)), (rng.normal(size=(3, 1)), np.zeros(1))]
    full = network_figure(params)
    light = network_figure(params, weight_hover=False)
    assert any(t.name == "weights" for t in full.data)
    assert not any(t.name == "weights" for t in light.data)
    assert len(light.data) == len(full.data) - 1
