"""Small number grids a learner edits in st.data_editor: to and from a DataFrame, with the cells
that cannot be read reported instead of raised."""

from __future__ import annotations

import numpy as np
import pandas as pd


def grid_frame(values: np.ndarray) -> pd.DataFrame:
    """(H, W) integers as a table with rows and columns numbered from 1."""
    frame = pd.DataFrame(values.astype(int), columns=[str(j + 1) for j in range(values.shape[1])])
    return frame.rename(index=lambda i: str(i + 1))


def grid_values(
    frame: pd.DataFrame, *, low: float, high: float
) -> tuple[np.ndarray, list[tuple[int, int]], list[tuple[int, int]]]:
    """The edited table as a float array.

    Returns
    -------
    values (H, W) with empty or unreadable cells as 0 and out-of-range cells clipped;
    the empty cells and the clipped cells as (row, column) pairs counted from 1.
    """
    grid = frame.apply(pd.to_numeric, errors="coerce").to_numpy(dtype=float)
    empty = ~np.isfinite(grid)
    grid = np.where(empty, 0.0, grid)
    clipped = (grid < low) | (grid > high)
    grid = np.clip(grid, low, high)

    def cells(mask: np.ndarray) -> list[tuple[int, int]]:
        return [(int(r) + 1, int(c) + 1) for r, c in zip(*np.nonzero(mask), strict=True)]

    return grid, cells(empty), cells(clipped)
