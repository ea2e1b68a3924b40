"""ui.figures.perceptron and ui.figures.xor: the geometry behind the planes, and what a learner
must be able to read on them."""

import numpy as np
import pytest

from engine.gates import XOR_NET, TwoLayerNet, gate_data
from engine.perceptron import train
from ui.figures.perceptron import boundary_segment, halfplane_polygon, perceptron_plane
from ui.figures.xor import (
    GATE_BOUNDS,
    cycle_plane,
    hidden_plane,
    input_plane,
    output_regions,
    steps_animation,
)

VIEW = (-1.0, 3.0, -1.0, 3.0)


def test_boundary_segment_ends_on_the_view_and_on_the_line():
    seg = boundary_segment((1, 2, -1), VIEW)
    np.testing.assert_allclose(seg, [[-1, 1], [3, -1]])
    # Through a corner: the corner is found twice, counted once, and both ends are distinct.
    seg = boundary_segment((1, -1, 0), VIEW)
    np.testing.assert_allclose(sorted(map(tuple, seg)), [(-1, -1), (3, 3)])
    assert boundary_segment((1, 1, -6), VIEW) is None  # touches the corner (3, 3) only
    assert boundary_segment((1, 0, -5), VIEW) is None  # x₁ = 5: off the view
    assert boundary_segment((0, 0, 1), VIEW) is None  # no line at all


@pytest.mark.parametrize("b", [-1.0, 0.0, 2.0])
def test_without_a_line_one_class_covers_the_view(b):
    """w₁ = w₂ = 0: the score is b everywhere, so σ says 1 everywhere if b > 0, else 0 (a
    score of exactly 0 is class 0); the two shadings must not overlap."""
    ones = halfplane_polygon((0, 0, b), VIEW, positive=True)
    zeros = halfplane_polygon((0, 0, b), VIEW, positive=False)
    assert (len(ones), len(zeros)) == ((4, 0) if b > 0 else (0, 4))


def _inside(p, poly):
    edges = np.roll(poly, -1, axis=0) - poly
    cross = edges[:, 0] * (p[1] - poly[:, 1]) - edges[:, 1] * (p[0] - poly[:, 0])
    return np.all(cross >= -1e-9) or np.all(cross <= 1e-9)


@pytest.mark.parametrize(
    "weights",
    [
        XOR_NET,
        TwoLayerNet(hidden=np.array([[1, -1, -0.5], [-1, 1, -0.5]]), output=np.array([1, 1, -0.5])),
        TwoLayerNet(hidden=np.array([[0, 0, 1], [2, -1, 0.3]]), output=np.array([-1, 2, 0.5])),
        TwoLayerNet(hidden=np.zeros((2, 3)), output=np.zeros(3)),
    ],
)
def test_output_regions_are_exactly_where_the_network_says_each_class(weights):
    regions = output_regions(weights, GATE_BOUNDS)
    points = np.random.default_rng(1).uniform(-0.75, 1.75, size=(400, 2))
    _, _, out = weights.forward(points)
    for p, cls in zip(points, out, strict=True):
        assert any(_inside(p, poly) for poly in regions[int(cls)])
    area = sum(
        0.5 * abs(np.dot(q[:, 0], np.roll(q[:, 1], -1)) - np.dot(q[:, 1], np.roll(q[:, 0], -1)))
        for polys in regions.values()
        for q in polys
    )
    assert area == pytest.approx(2.5 * 2.5)  # the cells tile the view, no overlap, no gap


def _labels(spec):
    return [a for a in spec["layout"].get("annotations", []) if a.get("text", "").startswith("(")]


def test_point_labels_sit_on_a_box_above_the_lines():
    """Issue 17 item 4: lines crossed the labels. Labels are annotations with a background,
    drawn above every trace, and no trace draws text of its own."""
    X, y = gate_data("xor")
    specs = [
        cycle_plane(X, y, [np.array([-1.0, 0, 1]), np.array([-1.0, 1, 1])]),
        input_plane(XOR_NET, X, y),
        perceptron_plane(X, y, (1, 1, -0.5)),
    ]
    for spec in specs:
        assert not any("text" in t.get("mode", "") for t in spec["data"])
    for spec in specs[:2]:
        labels = _labels(spec)
        assert sorted(a["text"] for a in labels) == ["(0, 0)", "(0, 1)", "(1, 0)", "(1, 1)"]
        assert all(a["bgcolor"].startswith("rgba(255, 255, 255") for a in labels)
    hidden = hidden_plane(XOR_NET, X, y)
    texts = [a["text"] for a in hidden["layout"]["annotations"] if a.get("bgcolor")]
    assert "x = (0, 1)<br>and (1, 0)" in texts


def test_the_animation_keeps_its_labels_while_the_frames_change_the_lines():
    X, y = gate_data("xor")
    run = train(X, y)
    spec = steps_animation(X, y, [s for s in run.steps if s.epoch >= run.cycle_start])
    assert {tuple(f["traces"]) for f in spec["frames"]} == {(0, 1, 2, 3)}
    assert len(_labels(spec)) == 4
