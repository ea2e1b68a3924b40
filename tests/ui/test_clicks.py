"""Clicks from the browser: applied once each, in order, whatever the browser merges or sends."""

from __future__ import annotations

import math

from ui.clicks import MAX_CLICKS, unseen_clicks


def test_each_click_is_applied_once_in_order():
    first = {"mount": "a1", "clicks": [[1, 0.5, -0.25]]}
    clicks, seen = unseen_clicks(first, None)
    assert clicks == [(0.5, -0.25)] and seen == ("a1", 1)
    assert unseen_clicks(first, seen) == ([], seen)  # the same state again: nothing new
    # Two clicks during one rerun arrive together; the list holds the earlier one too.
    merged = {"mount": "a1", "clicks": [[3, 2.0, 2.0], [1, 0.5, -0.25], [2, 1.0, 1.0]]}
    clicks, seen = unseen_clicks(merged, seen)
    assert clicks == [(1.0, 1.0), (2.0, 2.0)] and seen == ("a1", 3)


def test_a_new_mount_starts_its_numbers_afresh():
    clicks, seen = unseen_clicks({"mount": "b2", "clicks": [[1, 0.0, 0.0]]}, ("a1", 7))
    assert clicks == [(0.0, 0.0)] and seen == ("b2", 1)


def test_anything_malformed_is_no_click():
    seen = ("a1", 2)
    for junk in (
        None, "clicks", 3, [], {"clicks": [[3, 0, 0]]}, {"mount": "", "clicks": [[3, 0, 0]]},
        {"mount": "x" * 41, "clicks": [[3, 0, 0]]}, {"mount": "a1", "clicks": "1,2"},
        {"mount": "a1", "clicks": [[3, math.nan, 0]]}, {"mount": "a1", "clicks": [[3, 0]]},
        {"mount": "a1", "clicks": [[True, 0, 0]]}, {"mount": "a1", "clicks": [[3.5, 0, 0]]},
        {"mount": "a1", "clicks": [[3, "0", 0]]}, {"mount": "a1", "clicks": [[3, 1e999, 0]]},
        {"mount": "a1", "clicks": [[3, False, 0]]}, {"mount": 5, "clicks": [[3, 0, 0]]},
    ):  # fmt: skip
        assert unseen_clicks(junk, seen) == ([], seen), junk
    mixed = {"mount": "a1", "clicks": [[3, "x", 0], [4, 1, 2]]}
    assert unseen_clicks(mixed, seen) == ([(1.0, 2.0)], ("a1", 4))  # the good one is kept


def test_a_flood_is_cut_to_the_latest_clicks():
    flood = {"mount": "a1", "clicks": [[k, float(k), 0.0] for k in range(1, 10_001)]}
    clicks, seen = unseen_clicks(flood, None)
    assert len(clicks) == MAX_CLICKS and clicks[-1] == (10_000.0, 0.0) and seen == ("a1", 10_000)
