"""The 8×8 handwritten digits (UCI optical recognition of handwritten digits, 1,797 images).

The file is the copy scikit-learn ships (`sklearn/datasets/data/digits.csv.gz`), stored unchanged in
`assets/digits/`: one image per line, 64 pixel counts in 0..16 row by row, then the digit. Source
and licence (CC BY 4.0) are in `assets/README.md`.
"""

from __future__ import annotations

import gzip
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

DIGITS_FILE = Path(__file__).resolve().parents[1] / "assets" / "digits" / "digits.csv.gz"
N_IMAGES = 1797
SIDE = 8
MAX_PIXEL = 16  # each pixel counts the ink in a 4×4 block of the original 32×32 bitmap
N_CLASSES = 10


@cache
def _read() -> tuple[NDArray[np.uint8], NDArray[np.int64]]:
    with gzip.open(DIGITS_FILE, "rt") as fh:
        table = np.loadtxt(fh, delimiter=",", dtype=np.int64)
    if table.shape != (N_IMAGES, SIDE * SIDE + 1):
        raise ValueError(f"{DIGITS_FILE} has shape {table.shape}, expected (1797, 65)")
    images = table[:, :-1].reshape(-1, SIDE, SIDE).astype(np.uint8)
    images.flags.writeable = False
    labels = table[:, -1].copy()
    labels.flags.writeable = False
    return images, labels


def load_digits() -> tuple[NDArray[np.uint8], NDArray[np.int64]]:
    """All 1,797 digits.

    Returns
    -------
    images : (1797, 8, 8) uint8 pixel counts in 0..16 (read-only).
    labels : (1797,) the digit 0..9 (read-only).
    """
    return _read()


@dataclass(frozen=True)
class DigitSplit:
    """A fixed train/test split, images scaled to [0, 1] with one channel: (N, 1, 8, 8)."""

    X_train: NDArray[np.float64]
    y_train: NDArray[np.int64]
    X_test: NDArray[np.float64]
    y_test: NDArray[np.int64]
    test_index: NDArray[np.int64]  # row of each test image in the file, for showing it


def split_digits(*, test_size: float = 0.2, seed: int = 0) -> DigitSplit:
    """Split the digits, stratified: every class keeps the same share in train and test.

    Parameters
    ----------
    test_size : share of each class held out for testing, in (0, 1).
    seed : the same seed gives the same split.
    """
    if not 0 < test_size < 1:
        raise ValueError(f"The test fraction must be between 0 and 1, not {test_size}.")
    images, labels = load_digits()
    rng = np.random.default_rng(seed)
    test_rows = []
    for digit in range(N_CLASSES):
        rows = rng.permutation(np.flatnonzero(labels == digit))
        test_rows.append(rows[: round(test_size * len(rows))])
    test = np.sort(np.concatenate(test_rows))
    train = np.setdiff1d(np.arange(len(labels)), test)
    x = images[:, None].astype(np.float64) / MAX_PIXEL
    return DigitSplit(x[train], labels[train], x[test], labels[test], test)
