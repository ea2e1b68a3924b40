"""Points a learner clicked into a data set: the ones added and the ones erased, and the short
text that carries them in a shared link.

A data set is drawn from its settings (name, number of points, seed), so an edit is stored as a
difference from it: the points added (coordinates and class) and the indices of the data set's
own points that were erased. The link text is

    <added>[.<erased>]

- ``added``: base64url (no padding) of 5 bytes per point: x and y as little-endian int16 in
  hundredths (coordinates are kept to 0.01, within ±COORD_LIMIT), then the class as one byte;
- ``erased``: base64url of a bit mask over the data set's points (bit i of byte i // 8 is point
  i), without its trailing zero bytes.

200 added points take 1,334 characters; erasing every one of 500 points takes 86. Anything else
(other characters, a wrong length, a coordinate out of range, too many points) is junk: a
ValueError, so the settings helper falls back to no edits.

Pure functions, no Streamlit: the playground calls them from its click callback.
"""

from __future__ import annotations

import base64
import binascii
import math
import re
import struct
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

MAX_ADDED = 200  # points a learner may add: enough to draw a data set, short enough for a link
MAX_BASE = 512  # the largest data set whose points may be erased (the playground has 500)
MAX_CLASSES = 10
COORD_LIMIT = 10.0  # |x1|, |x2| of an added point (views span about ±2)
SCALE = 100  # coordinates in hundredths
_POINT = struct.Struct("<hhB")
MAX_TEXT = 4 * -(-(MAX_ADDED * _POINT.size) // 3) + 1 + 4 * -(-(MAX_BASE // 8) // 3)
_BASE64URL = re.compile(r"[A-Za-z0-9_-]*")

Point = tuple[float, float, int]  # (x1, x2, class)


@dataclass(frozen=True)
class Edits:
    """Points added to a data set (in the order clicked) and indices of its points erased."""

    added: tuple[Point, ...] = ()
    erased: frozenset[int] = frozenset()

    def __bool__(self) -> bool:
        return bool(self.added or self.erased)

    def fit(self, n_base: int, n_classes: int) -> Edits:
        """Only what applies to a data set of ``n_base`` points and ``n_classes`` classes (a
        link made for another one may name more)."""
        added = tuple(p for p in self.added if p[2] < n_classes)
        erased = frozenset(i for i in self.erased if i < n_base)
        return self if (added, erased) == (self.added, self.erased) else Edits(added, erased)


def snap(value: float) -> float:
    """A coordinate as a link keeps it: hundredths, within ±COORD_LIMIT."""
    return round(min(max(float(value), -COORD_LIMIT), COORD_LIMIT), 2)


# ----------------------------------------------------------------------------- the link text


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def _unb64(text: str) -> bytes:
    if not _BASE64URL.fullmatch(text):
        raise ValueError("not base64url")
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError):
        raise ValueError("not base64url") from None


def to_text(edits: Edits) -> str:
    added = b"".join(_POINT.pack(round(x * SCALE), round(y * SCALE), c) for x, y, c in edits.added)
    text = _b64(added)
    if edits.erased:
        mask = bytearray(max(edits.erased) // 8 + 1)
        for i in edits.erased:
            mask[i // 8] |= 1 << (i % 8)
        text += "." + _b64(bytes(mask))
    return text


def from_text(text: str) -> Edits:
    """The edits a link holds; ValueError for anything ``to_text`` would not write."""
    parts = text.strip().split(".")
    if len(parts) > 2:
        raise ValueError("at most two parts")
    added_bytes = _unb64(parts[0])
    if len(added_bytes) % _POINT.size:
        raise ValueError("a broken point")
    if len(added_bytes) > MAX_ADDED * _POINT.size:
        raise ValueError(f"more than {MAX_ADDED} points")
    limit = round(COORD_LIMIT * SCALE)
    added = []
    for x, y, c in _POINT.iter_unpack(added_bytes):
        if abs(x) > limit or abs(y) > limit or c >= MAX_CLASSES:
            raise ValueError("a point out of range")
        added.append((x / SCALE, y / SCALE, c))
    erased: set[int] = set()
    if len(parts) == 2:
        mask = _unb64(parts[1])
        if not mask or len(mask) > MAX_BASE // 8:
            raise ValueError("a broken mask")
        erased = {8 * k + bit for k, byte in enumerate(mask) for bit in range(8) if byte >> bit & 1}
    return Edits(tuple(added), frozenset(erased))


# ----------------------------------------------------------------------------- editing


def add_point(edits: Edits, x: float, y: float, label: int) -> Edits:
    """One more point of class ``label`` at (x, y), kept to hundredths; unchanged at the cap."""
    if len(edits.added) >= MAX_ADDED or not (math.isfinite(x) and math.isfinite(y)):
        return edits
    return Edits((*edits.added, (snap(x), snap(y), int(label))), edits.erased)


def erase_near(edits: Edits, base: np.ndarray, x: float, y: float, radius: float) -> Edits:
    """Erase the point nearest to (x, y) within ``radius``: an added one, or one of the data
    set's own (``base``, (n, 2)) not yet erased. Unchanged if none is that close."""
    candidates = [(p[0], p[1], -1 - k) for k, p in enumerate(edits.added)]
    candidates += [
        (float(a), float(b), i) for i, (a, b) in enumerate(base) if i not in edits.erased
    ]
    if not candidates:
        return edits
    xy = np.array([c[:2] for c in candidates])
    distance = np.hypot(xy[:, 0] - x, xy[:, 1] - y)
    best = int(np.argmin(distance))
    if not distance[best] <= radius:
        return edits
    source = candidates[best][2]
    if source < 0:
        k = -1 - source
        return Edits(edits.added[:k] + edits.added[k + 1 :], edits.erased)
    return Edits(edits.added, edits.erased | {source})


@dataclass(frozen=True)
class EditedSplit:
    """A data set after the edits, split as the data set was: its own points keep their side
    (erasing one never moves another between training and test); added points train."""

    X_train: np.ndarray
    y_train: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray


def apply_edits(
    X: np.ndarray,
    y: np.ndarray,
    train: Sequence[int],
    test: Sequence[int],
    edits: Edits,
) -> EditedSplit:
    """``X`` (n, 2), ``y`` (n,) the data set; ``train``, ``test`` its split as indices."""
    train_kept = [i for i in train if i not in edits.erased]
    test_kept = [i for i in test if i not in edits.erased]
    added = np.array([p[:2] for p in edits.added], dtype=np.float64).reshape(-1, 2)
    labels = np.array([p[2] for p in edits.added], dtype=np.int64)
    return EditedSplit(
        np.vstack([X[train_kept].reshape(-1, 2), added]),
        np.concatenate([y[train_kept].astype(np.int64), labels]),
        X[test_kept].reshape(-1, 2),
        y[test_kept].astype(np.int64),
    )


# ----------------------------------------------------------------------------- the weights file


def to_export(edits: Edits) -> dict:
    """The edits as readable JSON: {"added": [[x1, x2, class], ...], "erased": [i, ...]}."""
    return {"added": [list(p) for p in edits.added], "erased": sorted(edits.erased)}


def from_export(data: object) -> Edits:
    """The edits ``to_export`` wrote; a ValueError for anything else (the same limits as a
    link: it is the same data, in another dress)."""
    if not isinstance(data, dict) or set(data) - {"added", "erased"}:
        raise ValueError("The points must be an object with added and erased.")
    added_raw, erased_raw = data.get("added", []), data.get("erased", [])
    if not isinstance(added_raw, list) or not isinstance(erased_raw, list):
        raise ValueError("added and erased must be lists.")
    added = []
    for p in added_raw[: MAX_ADDED + 1]:
        ok = isinstance(p, list) and len(p) == 3 and all(_is_number(v) for v in p)
        if not ok or p[2] != int(p[2]) or not 0 <= p[2] < MAX_CLASSES:
            raise ValueError("Each added point must be [x1, x2, class].")
        if max(abs(p[0]), abs(p[1])) > COORD_LIMIT:
            raise ValueError(f"Added points must lie within ±{COORD_LIMIT:g}.")
        added.append((snap(p[0]), snap(p[1]), int(p[2])))
    if any(
        not (isinstance(i, int) and not isinstance(i, bool) and 0 <= i < MAX_BASE)
        for i in erased_raw
    ):
        raise ValueError("Erased points are given by their index, a whole number.")
    edits = Edits(tuple(added), frozenset(erased_raw))
    return from_text(to_text(edits))  # the link's caps and ranges


def _is_number(v: object) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v)
