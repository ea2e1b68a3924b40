"""ui.state: defaults that follow another setting (choice and int_list), in the URL and the page."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from ui.state import Settings, choice, int_list


def _page():
    import streamlit as st

    from ui.state import Settings, choice, int_list

    starts = {"small": ((4,), "tanh"), "big": ((32, 32), "relu")}
    S = Settings(
        "demo",
        choice("data", "small", tuple(starts), aliases=("data",)),
        int_list(
            "hidden", (4,), low=1, high=64, max_len=6,
            default_from=lambda s: starts[s["data"]][0],
        ),
        choice("act", "tanh", ("relu", "tanh"), default_from=lambda s: starts[s["data"]][1]),
    )  # fmt: skip
    S.init()
    st.markdown(f"{S['data']} {S['hidden']} {S['act']}")
    S.sync_url()


def shown(at: AppTest) -> str:
    return at.markdown[0].value


def test_defaults_follow_the_setting_they_depend_on():
    at = AppTest.from_function(_page).run()
    assert shown(at) == "small (4,) tanh" and dict(at.query_params) == {}
    fresh = AppTest.from_function(_page)
    fresh.query_params["demo_data"] = "big"
    fresh.run()
    # The link names only the data; the network follows its defaults and stays out of the URL.
    assert shown(fresh) == "big (32, 32) relu"
    assert dict(fresh.query_params) == {"demo_data": "big"}


def test_a_value_that_differs_from_the_followed_default_reaches_the_url():
    at = AppTest.from_function(_page)
    at.query_params.update({"data": "big", "demo_hidden": "4", "demo_act": "relu"})
    at.run()
    assert shown(at) == "big (4,) relu"
    # "relu" is big's default: left out; (4,) is small's default but not big's: kept. The old
    # bare name "data" becomes the prefixed one.
    assert dict(at.query_params) == {"demo_data": "big", "demo_hidden": "4"}


def test_junk_gives_the_followed_default():
    at = AppTest.from_function(_page)
    at.query_params.update({"demo_data": "big", "demo_hidden": "1,2,x", "demo_act": "é"})
    at.run()
    assert not at.exception
    assert shown(at) == "big (32, 32) relu"


def test_a_choice_default_must_be_an_option_and_a_dynamic_one_is_checked_when_set():
    with pytest.raises(ValueError, match="not one of the options"):
        choice("act", "sigmoid", ("relu", "tanh"))
    S = Settings("x", choice("act", "tanh", ("relu", "tanh"), default_from=lambda s: "relu"))
    assert S.default("act") == "relu"
    hidden = int_list("hidden", (), low=1, high=8, max_len=2, default_from=lambda s: (3,))
    assert hidden.valid((3,)) and not hidden.valid((9,)) and not hidden.valid((1, 1, 1))
    # The empty list is written "none"; an empty value is junk (the default), not ().
    assert hidden.to_text(()) == "none" and hidden.read("none") == () and hidden.valid(())
    with pytest.raises(ValueError):
        hidden.read("")
