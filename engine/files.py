"""Reading saved networks without trusting them.

A learner may upload any file as "my network": a truncated download, another program's file, or
one made to attack the server. Saved networks are JSON, which can describe data but never run
code (unlike pickle), and every value is checked here before anything is built from it. Anything
wrong raises a ValueError that says what, in words a learner can act on.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

Array = NDArray[np.float64]


def load_json(text: str | bytes, *, max_bytes: int) -> object:
    """Parse JSON text of at most ``max_bytes``; a ValueError for anything else.

    Python's own parser turns NaN and Infinity into floats (the array checks refuse them), and
    gives up on absurd nesting (RecursionError) and on integers with thousands of digits.
    """
    if not isinstance(text, str | bytes | bytearray):
        raise ValueError("A saved network is text (JSON).")
    if len(text) > max_bytes:
        raise ValueError(f"The file is too large ({len(text):,} bytes; at most {max_bytes:,}).")
    try:
        return json.loads(text)
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        raise ValueError(f"This is not valid JSON ({exc}).") from None
    except ValueError as exc:  # e.g. an integer with tens of thousands of digits
        raise ValueError(f"This is not valid JSON ({exc}).") from None


def mapping(data: object, what: str) -> dict:
    if not isinstance(data, dict):
        raise ValueError(f"{what} must be a JSON object; this file has something else.")
    return data


def is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def check_int(key: str, value: object, low: int, high: int) -> int:
    if not (is_int(value) and low <= value <= high):
        raise ValueError(f"{key} must be a whole number from {low} to {high}.")
    return value  # type: ignore[return-value]


def check_int_list(key: str, value: object, *, length: tuple[int, int], top: int) -> list[int]:
    ok = isinstance(value, list) and length[0] <= len(value) <= length[1]
    if not ok or not all(is_int(v) and 1 <= v <= top for v in value):  # type: ignore[union-attr]
        raise ValueError(
            f"{key} must be a list of {length[0]} to {length[1]} whole numbers from 1 to {top}."
        )
    return value  # type: ignore[return-value]


def check_name(key: str, value: object, choices: Sequence[str]) -> str:
    if value not in choices:
        raise ValueError(f"{key} must be one of {', '.join(choices)}.")
    return value  # type: ignore[return-value]


def finite_number(data: dict, key: str) -> float:
    value = data.get(key)
    if not (is_number(value) and math.isfinite(value)):  # type: ignore[arg-type]
        raise ValueError(f"{key} must be a finite number.")
    return float(value)  # type: ignore[arg-type]


def checked_arrays(raw: object, shapes: dict[str, tuple[int, ...]], what: str) -> dict[str, Array]:
    """{name: nested list} -> {name: float64 array}, with exactly these names and shapes, every
    number finite; a ValueError naming the first problem."""
    raw = mapping(raw, what)
    unknown, lacking = sorted(set(raw) - set(shapes))[:3], sorted(set(shapes) - set(raw))[:3]
    if unknown or lacking:
        problems = [f"unknown {', '.join(unknown)}"] if unknown else []
        problems += [f"missing {', '.join(lacking)}"] if lacking else []
        raise ValueError(f"The {what} do not fit this network: {'; '.join(problems)}.")
    arrays = {}
    for name, shape in shapes.items():
        try:
            value = np.asarray(raw[name], dtype=np.float64)
        except (TypeError, ValueError, RecursionError):
            raise ValueError(f"{what} {name}: must be numbers only, in a {shape} grid.") from None
        if value.shape != shape:
            raise ValueError(f"{what} {name}: must have shape {shape}; got {value.shape}.")
        if not np.all(np.isfinite(value)):
            raise ValueError(f"{what} {name}: every weight must be a finite number.")
        arrays[name] = value
    return arrays


def number_lists(raw: object, names: Sequence[str], what: str) -> dict[str, list[float]]:
    """{name: [number or null]} for exactly these names (more are ignored); null becomes NaN."""
    raw = mapping(raw, what)
    lists = {}
    for name in names:
        values = raw.get(name)
        if not isinstance(values, list) or not all(v is None or is_number(v) for v in values):
            raise ValueError(f"The {what}'s {name} must be a list of numbers.")
        if not all(v is None or math.isfinite(v) for v in values):
            raise ValueError(f"The {what}'s {name} must hold finite numbers.")
        lists[name] = [math.nan if v is None else v for v in values]
    return lists
