"""ui.charts: a cached figure dict reaches the browser as plotly would send it, and the suite's
chart validation (conftest) really rejects a broken figure."""

from __future__ import annotations

import json

import pytest
from streamlit.testing.v1 import AppTest


def _page_with_two_charts():
    import plotly.graph_objects as go
    import streamlit as st

    from ui.charts import show

    fig = go.Figure(go.Scatter(x=[1, 2, 3], y=[3, 1, 2], name="a", line={"color": "#0072B2"}))
    fig.update_layout(height=300, title={"text": "t"})
    st.plotly_chart(fig, key="plotly_own", config={"displayModeBar": False})
    show(fig.to_dict(), key="ours")


def _page_with_a_broken_chart():
    from ui.charts import show

    show({"data": [{"type": "scatter", "x": [1], "y": [1], "colour": "red"}]}, key="bad")


def test_show_sends_what_st_plotly_chart_sends():
    at = AppTest.from_function(_page_with_two_charts)
    at.run()
    own, ours = (json.loads(c.proto.spec) for c in at.get("plotly_chart"))
    assert own == ours
    configs = [c.proto.config for c in at.get("plotly_chart")]
    assert configs[0] == configs[1]


def test_the_suite_rejects_a_chart_plotly_would_not_draw():
    at = AppTest.from_function(_page_with_a_broken_chart)
    with pytest.raises(ValueError, match="colour"):
        at.run()
