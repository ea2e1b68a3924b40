"""Shared links in AppTest: every setting survives a round trip through the URL, and junk in the
URL gives the defaults (used by the lessons' app tests)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from streamlit.testing.v1 import AppTest

from tests.app.conftest import ROOT

JUNK = ("inf", "nan", "-inf", "1e999", "99999999999999999999", "", "é", "x" * 5000)


def fresh(page: str, params: Mapping[str, str] | None = None) -> AppTest:
    at = AppTest.from_file(str(ROOT / page), default_timeout=60)
    at.query_params.update(params or {})
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def url_after(page: str, values: Mapping[str, Any]) -> dict[str, str]:
    """Open the page, give every setting in ``values`` (session-state key -> value) one after
    the other, in that order, as a learner would, and return the URL's parameters."""
    at = fresh(page)
    for key, value in values.items():
        at.session_state[key] = value
        at.run()
        assert not at.exception, [e.value for e in at.exception]
    for key, value in values.items():
        assert at.session_state[key] == value, key  # nothing clamped or reset on the way
    return dict(at.query_params)


def assert_round_trip(page: str, values: Mapping[str, Any]) -> dict[str, str]:
    """Every value reaches the URL, and a fresh page opened at that URL has every value back."""
    params = url_after(page, values)
    assert set(values) <= set(params), set(values) - set(params)
    opened = fresh(page, params)
    for key, value in values.items():
        assert opened.session_state[key] == value, (key, params[key])
    assert dict(opened.query_params) == params  # and the URL stays as it was shared
    return params


def assert_junk_gives_defaults(page: str, defaults: Mapping[str, Any]) -> None:
    """Each junk text in every parameter at once: a page without exception, every default."""
    for junk in JUNK:
        at = fresh(page, dict.fromkeys(defaults, junk))
        for key, value in defaults.items():
            assert at.session_state[key] == value, (junk[:20], key)
        if junk:  # an empty value is no setting at all; anything else is noted
            assert any("could not be read" in i.value for i in at.info), junk[:20]
