"""Clicks on the perceptron's training plane add or erase points (issue 15), in AppTest: the
click layer's state is sent as the browser sends it."""

from __future__ import annotations

import itertools
import json

import numpy as np
from streamlit.proto.WidgetStates_pb2 import WidgetState
from streamlit.testing.v1 import AppTest

from tests.app.conftest import ROOT, chart, rerun

PAGE = "lessons/perceptron.py"
_seq = itertools.count(1)


def click(at, *points: tuple[float, float]) -> AppTest:
    (el,) = [e for e in at.get("bidi_component") if e.proto.id.endswith("click_layer")]
    states = at._tree.get_widget_states()
    state = WidgetState(id=el.proto.id)
    clicks = [[next(_seq), x, y] for x, y in points]
    state.json_value = json.dumps({"clicks": {"mount": "browser", "clicks": clicks}})
    states.widgets.append(state)
    at._run(states)
    assert not at.exception, [e.value for e in at.exception]
    return at


def plane_points(at) -> list[tuple[float, float]]:
    """The points the training plane draws (both classes' marker traces)."""
    spec = chart(at, "perceptron_train_chart")
    return sorted(
        (x, y)
        for t in spec["data"]
        if t.get("name") in ("class 0", "class 1")
        for x, y in zip(t["x"], t["y"], strict=True)
    )


def test_clicks_add_and_erase_points_on_the_plane_and_the_run_starts_again():
    at = AppTest.from_file(str(ROOT / PAGE), default_timeout=60)
    rerun(at)
    (layer,) = [e for e in at.get("bidi_component") if e.proto.id.endswith("click_layer")]
    assert json.loads(layer.proto.json) == {"target": "perceptron_train_chart", "enabled": False}
    click(at, (0.5, 2.5))  # no brush chosen: a click does nothing
    assert len(plane_points(at)) == 4
    rerun(at.button(key="perceptron_step").click())
    assert at.session_state["perceptron_cursor"] == 1

    rerun(at.segmented_control(key="perceptron_brush").set_value("1"))
    (layer,) = [e for e in at.get("bidi_component") if e.proto.id.endswith("click_layer")]
    assert json.loads(layer.proto.json)["enabled"] is True
    click(at, (2.54, 2.46))  # kept to a step of 0.1
    assert (2.5, 2.5) in plane_points(at) and len(plane_points(at)) == 5
    assert at.session_state["perceptron_cursor"] == 0  # new data: the run begins again
    assert any("step 0 of" in m.value for m in at.markdown)

    rerun(at.segmented_control(key="perceptron_brush").set_value("erase"))
    click(at, (1.02, 0.03))  # near the lecture's (1, 0)
    assert plane_points(at) == [(0.0, 1.0), (1.0, 2.0), (2.0, 1.0), (2.5, 2.5)]
    click(at, (-0.9, -0.9))  # nothing that close: nothing erased
    assert len(plane_points(at)) == 4
    table = at.session_state["perceptron_shown_points"]
    assert table.to_dict("list") == {
        "x1": [0.0, 2.0, 1.0, 2.5], "x2": [1.0, 1.0, 2.0, 2.5], "label": [0, 1, 1, 1],
    }  # fmt: skip
    assert np.isfinite(table[["x1", "x2"]].to_numpy()).all()
