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


def _page_with_session_charts():
    import streamlit as st

    from ui.charts import SessionCharts, show

    charts = SessionCharts("demo_charts")
    scope = st.session_state.setdefault("scope", "net A")
    step = st.session_state.setdefault("step", 0)
    due = st.session_state.setdefault("due", True)

    def build():
        st.session_state["builds"] = st.session_state.get("builds", 0) + 1
        return {"data": [{"type": "scatter", "x": [0, 1], "y": [step, step]}], "layout": {}}

    show(charts.get("line", build, scope=scope, state=step, due=due), key="line")


def test_session_charts_build_only_when_scope_or_due_state_changes(chart_log):
    at = AppTest.from_function(_page_with_session_charts).run()
    assert at.session_state["builds"] == 1 and chart_log.built == ["line"]
    at.run()  # nothing changed: the kept figure
    assert at.session_state["builds"] == 1
    at.session_state["step"] = 1
    at.run()  # the training moved on: a new figure
    assert at.session_state["builds"] == 2
    assert json.loads(at.get("plotly_chart")[0].proto.spec)["data"][0]["y"] == [1, 1]
    at.session_state["due"] = False
    at.session_state["step"] = 2
    at.run()  # not due: the figure of step 1 stays
    assert at.session_state["builds"] == 2
    assert json.loads(at.get("plotly_chart")[0].proto.spec)["data"][0]["y"] == [1, 1]
    at.session_state["scope"] = "net B"
    at.run()  # another network: rebuilt even when not due
    assert at.session_state["builds"] == 3
    assert chart_log.built == ["line"] * 3
