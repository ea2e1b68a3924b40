"""Clicked points: the link text round-trips, junk is refused, erasing finds the nearest point,
the edited data keep the data set's split."""

from __future__ import annotations

import base64

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from ui.point_edits import (
    MAX_ADDED,
    MAX_TEXT,
    Edits,
    add_point,
    apply_edits,
    erase_near,
    from_text,
    snap,
    to_text,
)

coordinates = st.floats(-10, 10, allow_nan=False).map(snap)
points = st.tuples(coordinates, coordinates, st.integers(0, 9))
edits = st.builds(
    Edits,
    st.lists(points, max_size=MAX_ADDED).map(tuple),
    st.frozensets(st.integers(0, 511), max_size=60),
)


@given(edits)
def test_every_edit_round_trips_through_its_link_text(e):
    text = to_text(e)
    assert from_text(text) == e
    assert len(text) <= MAX_TEXT
    assert set(text) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.")


def test_the_text_is_compact_and_exact():
    e = Edits(((0.5, -1.25, 1), (0.0, 0.0, 0)), frozenset({0, 9}))
    text = to_text(e)
    # (50, −125, 1) and (0, 0, 0) in hundredths: 10 bytes, 14 characters; bits 0 and 9: 3.
    assert text == "MgCD_wEAAAAAAA.AQI"  # 32 00 83 FF 01 | 00 00 00 00 00 . 01 02
    assert to_text(Edits()) == "" and from_text("") == Edits()
    everything = Edits(tuple((9.99, -9.99, 2) for _ in range(MAX_ADDED)), frozenset(range(500)))
    assert len(to_text(everything)) == 1334 + 1 + 84


@pytest.mark.parametrize(
    "junk",
    [
        "x" * 5000,
        "é",
        "MgOD_wEAAAAAA",  # 9 bytes: not whole points
        "MgOD_wEAAAAAAA.",  # an empty mask
        "MgOD_wEAAAAAAA.AQI.AQI",  # three parts
        "Mg+D/wEAAAAAAA",  # standard base64, not the URL's
        "MgOD_wEAAAAAAA==",  # padding is never written
        "A",  # not base64 at all
        base64.urlsafe_b64encode(bytes([0x11, 0x27, 0, 0, 0])).decode(),  # x = 100.01
        base64.urlsafe_b64encode(bytes([0, 0, 0, 0, 10])).decode(),  # class 10
        base64.urlsafe_b64encode(bytes(5 * (MAX_ADDED + 1))).decode(),  # too many points
        "." + base64.urlsafe_b64encode(bytes(65)).decode(),  # a mask for 520 points
        "inf",
        "nan",
    ],
)
def test_junk_is_refused(junk):
    with pytest.raises(ValueError):
        from_text(junk)


def test_adding_keeps_hundredths_and_stops_at_the_cap():
    e = add_point(Edits(), 0.123456, -20.0, 1)
    assert e.added == ((0.12, -10.0, 1),)
    assert add_point(e, float("nan"), 0.0, 0) is e
    full = Edits(tuple((0.0, 0.0, 0) for _ in range(MAX_ADDED)))
    assert add_point(full, 1.0, 1.0, 0) is full


def test_erasing_removes_the_nearest_point_within_the_radius():
    base = np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 1.0]])
    e = Edits(((0.9, 0.1, 1), (3.0, 3.0, 0)))
    assert erase_near(e, base, 5.0, 5.0, 0.5) is e  # nothing that close
    once = erase_near(e, base, 0.92, 0.08, 0.5)  # the added point is nearer than base point 1
    assert once.added == ((3.0, 3.0, 0),) and once.erased == frozenset()
    twice = erase_near(once, base, 0.92, 0.08, 0.5)
    assert twice.erased == {1}
    assert erase_near(twice, base, 0.92, 0.08, 0.5) is twice  # point 1 is gone already
    assert erase_near(Edits(), np.zeros((0, 2)), 0.0, 0.0, 1.0) == Edits()


def test_fit_drops_what_does_not_belong_to_the_data_set():
    e = Edits(((0.0, 0.0, 2), (1.0, 1.0, 1)), frozenset({3, 250}))
    assert e.fit(200, 2) == Edits(((1.0, 1.0, 1),), frozenset({3}))
    assert e.fit(500, 3) is e


def test_edited_data_keep_the_split_of_the_data_set():
    X = np.arange(12, dtype=float).reshape(6, 2)
    y = np.array([0, 1, 0, 1, 0, 1])
    train, test = [4, 0, 2, 5], [1, 3]
    e = Edits(((9.0, 9.0, 1),), frozenset({0, 3}))
    d = apply_edits(X, y, train, test, e)
    np.testing.assert_array_equal(d.X_train, [X[4], X[2], X[5], [9.0, 9.0]])
    np.testing.assert_array_equal(d.y_train, [0, 0, 1, 1])
    np.testing.assert_array_equal(d.X_test, [X[1]])
    np.testing.assert_array_equal(d.y_test, [1])
    empty = apply_edits(np.zeros((0, 2)), np.zeros(0, int), [], [], Edits(((1.0, 2.0, 0),)))
    assert empty.X_train.shape == (1, 2) and empty.X_test.shape == (0, 2)
    assert empty.y_train.dtype == np.int64


def test_the_weights_file_holds_the_points_readably_and_refuses_junk():
    from ui.point_edits import from_export, to_export

    e = Edits(((0.5, -1.25, 1),), frozenset({9, 0}))
    assert to_export(e) == {"added": [[0.5, -1.25, 1]], "erased": [0, 9]}
    assert from_export(to_export(e)) == e
    assert from_export({"added": [[0.123, 4, 1.0]]}) == Edits(((0.12, 4.0, 1),))
    for junk in (
        [], {"added": "x"}, {"added": [[0, 0]]}, {"added": [[0, 0, 1.5]]},
        {"added": [[0, 0, -1]]}, {"added": [[float("nan"), 0, 0]]}, {"added": [[True, 0, 0]]},
        {"erased": [1.5]}, {"erased": [-1]}, {"erased": [600]}, {"other": 1},
        {"added": [[0, 0, 0]] * (MAX_ADDED + 1)}, {"added": [[50, 0, 0]]},
    ):  # fmt: skip
        with pytest.raises(ValueError):
            from_export(junk)
