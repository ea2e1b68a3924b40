"""engine.perceptron.start_weights: the one place the perceptron and XOR lessons start from."""

import numpy as np
import pytest

from engine.datasets import LECTURE_START_WEIGHTS
from engine.perceptron import START_KINDS, start_weights


def test_the_lectures_start_and_zeros():
    np.testing.assert_array_equal(start_weights("lecture"), [1.0, 2.0, -1.0])
    np.testing.assert_array_equal(start_weights("zeros"), [0.0, 0.0, 0.0])
    start_weights("lecture")[0] = 99.0  # a copy: the lecture's constant cannot be changed
    np.testing.assert_array_equal(LECTURE_START_WEIGHTS, [1.0, 2.0, -1.0])


def test_random_starts_are_small_integers_repeatable_by_seed():
    draws = [start_weights("random", seed) for seed in range(50)]
    for seed, w in enumerate(draws):
        assert w.shape == (3,) and w.dtype == np.float64
        assert np.all(np.isin(w, np.arange(-3, 4)))
        np.testing.assert_array_equal(w, start_weights("random", seed))
    assert len({w.tobytes() for w in draws}) > 25  # the seed does change them


def test_unknown_start_is_a_readable_error():
    assert START_KINDS == ("lecture", "zeros", "random")
    with pytest.raises(ValueError, match="Unknown start 'ones'"):
        start_weights("ones")
