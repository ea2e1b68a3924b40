import numpy as np
import pytest

from engine.datasets import DATASETS, GENERATED_DATASETS, make_dataset, num_classes


@pytest.mark.parametrize("name", DATASETS)
def test_shapes_labels_and_determinism(name):
    X, y = make_dataset(name, n=60, noise=0.1, seed=3)
    assert X.shape == (len(y), 2) and X.dtype == np.float64
    assert set(np.unique(y).tolist()) == set(range(num_classes(name)))
    X2, y2 = make_dataset(name, n=60, noise=0.1, seed=3)
    np.testing.assert_array_equal(X, X2)
    np.testing.assert_array_equal(y, y2)


@pytest.mark.parametrize("name", GENERATED_DATASETS)
def test_generated_sets_honour_n_and_seed(name):
    X, _ = make_dataset(name, n=37, seed=1)
    assert X.shape == (37, 2)
    assert not np.array_equal(X, make_dataset(name, n=37, seed=2)[0])


def test_fixed_sets_ignore_n_and_noise():
    X, y = make_dataset("lecture", n=500, noise=3.0)
    np.testing.assert_array_equal(X, [[0, 1], [1, 0], [2, 1], [1, 2]])
    np.testing.assert_array_equal(y, [0, 0, 1, 1])
    X, y = make_dataset("xor", n=10)
    np.testing.assert_array_equal(y, [0, 1, 1, 0])


def test_circles_inner_radius_is_half_the_outer():
    X, y = make_dataset("circles", n=200)
    r = np.linalg.norm(X, axis=1)
    np.testing.assert_allclose(r[y == 0], 1.0)
    np.testing.assert_allclose(r[y == 1], 0.5)


def test_xor_cloud_is_the_gate_grown_into_quadrants():
    X, y = make_dataset("xor_cloud", n=400, seed=5)
    bits = (X > 0).astype(int)
    np.testing.assert_array_equal(y, bits[:, 0] ^ bits[:, 1])  # XOR of "x1 > 0", "x2 > 0"
    assert np.all(np.abs(X) >= 0.1) and np.all(np.abs(X) <= 1.0)  # clear of the axes
    assert np.bincount(y).tolist() == [200, 200]
    assert set(make_dataset("xor_cloud", n=2, seed=0)[1].tolist()) == {0, 1}


def test_unknown_and_bad_arguments():
    with pytest.raises(ValueError, match="Unknown data set"):
        make_dataset("cats")
    with pytest.raises(ValueError, match="between 2"):
        make_dataset("moons", n=1)
    with pytest.raises(ValueError, match="Noise"):
        make_dataset("moons", noise=-1)


# ----------------------------------------------------------------------------- regression


def test_regression_curves_are_the_named_functions():
    from engine.datasets import REGRESSION_DATASETS, REGRESSION_RANGE, make_regression

    expected = {"sine": lambda x: np.sin(np.pi * x), "step": lambda x: (x >= 0) * 1.0,
                "abs": np.abs}  # fmt: skip
    for name in REGRESSION_DATASETS:
        x, y = make_regression(name, n=64, seed=3)
        assert x.shape == (64, 1) and y.shape == (64,) and y.dtype == np.float64
        assert np.all(np.diff(x[:, 0]) >= 0)  # sorted, so the curve draws as a line
        assert REGRESSION_RANGE[0] <= x.min() and x.max() <= REGRESSION_RANGE[1]
        again = make_regression(name, n=64, seed=3)
        np.testing.assert_array_equal(again[1], y)  # same seed, same data
        if name in expected:
            np.testing.assert_array_equal(y, expected[name](x[:, 0]))
            noisy = make_regression(name, n=64, seed=3, noise=0.1)[1]
            assert 0.05 < np.std(noisy - y) < 0.2
    x, y = make_regression("noisy", n=2000, seed=0)
    residual = y - 0.5 * x[:, 0]
    assert abs(residual.mean()) < 0.03 and 0.27 < residual.std() < 0.33
    with pytest.raises(ValueError, match="Unknown data set"):
        make_regression("cosine")
    with pytest.raises(ValueError, match="between 2 and"):
        make_regression("sine", n=1)
