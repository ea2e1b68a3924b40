"""The "Learned from photos" view's text builders and figures: numbers in, sentences and one
heatmap per montage out."""

from __future__ import annotations

import math

import numpy as np
import plotly.graph_objects as go
import pytest

from ui.figures.filter_learning import convergence_figure, montage_figure, tile
from ui.text import filter_learning as text


def test_orientation_bands_wrap_around_180_degrees():
    counts = dict(text.orientation_counts(np.array([0, 10, 170, 179.9, 44, 50, 90, 100, 135, 157])))
    assert counts == {"vertical ┃": 4, "diagonal ╱": 2, "horizontal ━": 2, "diagonal ╲": 2}


def test_shape_numbers_count_oriented_localised_and_both():
    k = 12
    even = text.even_spread(k)
    assert even == pytest.approx(math.sqrt(2 * 143 / 12))  # 4.9 px
    selectivity = np.array([0.9, 0.8, 0.6, 0.2, 0.1])
    spread = np.array([0.5, 0.95, 0.7, 0.6, 1.0]) * even
    degrees = np.array([0.0, 90.0, 45.0, 0.0, 0.0])
    out = text.shape_numbers(selectivity, spread, degrees, k=k, kind="features")
    assert out.startswith("**Read off the 5 features**")
    assert "**3 of 5 are oriented**" in out
    assert "1 vertical ┃, 1 diagonal ╱, 1 horizontal ━, 0 diagonal ╲" in out  # oriented only
    assert "**3 of 5 are localised**" in out and "within 3.9 px" in out and "lies 4.9 px out" in out
    assert "**2 are both**" in out


def test_the_summary_says_whether_fastica_converged():
    done = text.learned_summary(n=32, k=12, source="the four sample photos", n_patches=20000,
                                iterations=60, converged=True, seed=0)  # fmt: skip
    assert done == (
        "**32 filters of 12 × 12** learned from 20,000 patches of the four sample photos "
        "(seed 0); FastICA converged in 60 iterations."
    )
    stuck = text.learned_summary(n=16, k=8, source="x", n_patches=640, iterations=200,
                                 converged=False, seed=4)  # fmt: skip
    assert "stopped after 200 iterations without fully converging" in stuck


def test_an_engine_error_about_one_picture_reads_naturally():
    engine = (
        "Image 1 is too small (10 × 12 pixels): it needs at least 24 × 24 for 12 × 12 patches "
        "(it is shrunk 2 times first)."
    )
    m = text.learn_error(engine, what="your picture")
    assert m.kind == "warning"
    assert m.text.startswith("No filters could be learned from your picture. It is too small")
    assert "Image 1" not in m.text and "the four sample photos" in m.text
    other = text.learn_error("These images do not vary enough for 32 filters.", what="y")
    assert "These images do not vary enough" in other.text


def test_captions_and_messages():
    assert text.source_label("photos", "your picture") == "the four sample photos"
    assert text.source_label("picture", "the sample “Cat”") == "the sample “Cat”"
    pending = text.pending_message(n=64, k=16, source="the four sample photos")
    assert pending.kind == "info" and "learn 64 filters of 16 × 16" in pending.text
    assert "after 1 epoch, 88 % right" in text.lenet_caption(1, 0.88)
    assert "after 3 epochs." in text.lenet_caption(3, None)
    assert text.progress_text(7, 200, 0.0123) == (
        "FastICA iteration 7 (at most 200): the filters turned by 1.2e-02"
    )
    assert "32 learned 12 by 12 features" in text.montage_alt(32, 12, "features", 24)
    assert "stopped before converging" in text.curve_alt(200, False)


def test_what_it_is_not_and_the_link_to_v1_are_said():
    assert "*unsupervised*" in text.NOT and "*supervised*" in text.NOT
    assert "no labels" in text.NOT and "ImageNet" in text.NOT
    for name in ("Hubel", "Wiesel", "Olshausen", "Field (1996)", "Bell", "Sejnowski (1997)"):
        assert name in text.V1
    assert "(V1)" in text.V1 and "simple cells" in text.V1
    assert "PCA" in text.METHOD and "FastICA" in text.METHOD and "sparse" in text.METHOD


def test_tiles_have_their_own_contrast_and_a_one_cell_gap():
    kernels = np.stack([np.full((3, 3), 2.0), -0.5 * np.eye(3), np.zeros((3, 3))])
    z, index = tile(kernels, cols=2)
    assert z.shape == (7, 7)
    assert np.isnan(z[3]).all() and np.isnan(z[:, 3]).all() and np.isnan(z[4:, 4:]).all()
    assert (z[:3, :3] == 1).all()  # 2 / 2
    assert z[0, 4] == -1 and z[0, 5] == 0  # -0.5 / 0.5
    assert (z[4:, :3] == 0).all()  # all zero: no division by 0
    assert index[0, 0] == 1 and index[0, 4] == 2 and index[4, 0] == 3 and index[3, 3] == -1


def test_a_montage_is_one_valid_heatmap():
    rng = np.random.default_rng(0)
    spec = montage_figure(rng.standard_normal((64, 16, 16)), cols=8, width=400)
    go.Figure(spec)  # plotly's validators accept it
    (heat,) = spec["data"]
    assert heat["type"] == "heatmap" and heat["zmin"] == -1 and heat["zmax"] == 1
    assert spec["layout"]["height"] == 400 + 4  # square tiles at that width
    grey = montage_figure(rng.uniform(size=(4, 5, 5)), cols=4, signed=False, width=200)
    assert grey["data"][0]["colorscale"][0][1] == "#000000"
    curve = convergence_figure(np.array([0.5, 0.01, 1e-5]), 1e-4)
    go.Figure(curve)
    assert curve["layout"]["yaxis"]["type"] == "log"
