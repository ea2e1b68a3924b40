"""Points clicked into the MLP playground (issue 15), in AppTest.

A click in the picture is the player component's state "clicks" (ui.clicks); here the test sends
that state as the browser would, then checks the points, the training, the link and the file.
"""

from __future__ import annotations

import itertools
import json

import numpy as np
from streamlit.proto.WidgetStates_pb2 import WidgetState
from streamlit.testing.v1 import AppTest

from engine.datasets import make_dataset
from engine.mlp import MLP
from tests.app.conftest import ROOT, rerun, specs
from tests.app.links import assert_junk_gives_defaults
from ui.point_edits import Edits, from_text, to_text

PAGE = "lessons/mlp.py"
_seq = itertools.count(1)


def fresh(params: dict[str, str] | None = None) -> AppTest:
    at = AppTest.from_file(str(ROOT / PAGE), default_timeout=60)
    at.query_params.update(params or {})
    return rerun(at)


def player(at) -> dict:
    """The payload the canvas player was sent."""
    (el,) = [e for e in at.get("bidi_component") if e.proto.id.endswith("mlp_player")]
    return json.loads(el.proto.json)


def click(at, *points: tuple[float, float], mount: str = "browser-1") -> AppTest:
    """Clicks in the picture at data coordinates, as the browser reports them."""
    (el,) = [e for e in at.get("bidi_component") if e.proto.id.endswith("mlp_player")]
    states = at._tree.get_widget_states()
    clicks = [[next(_seq), x, y] for x, y in points]
    state = WidgetState(id=el.proto.id)
    state.json_value = json.dumps({"clicks": {"mount": mount, "clicks": clicks}})
    states.widgets.append(state)
    at._run(states)
    assert not at.exception, [e.value for e in at.exception]
    return at


def trainer(at):
    return at.session_state["mlp_trainer"]


def captions(at) -> str:
    return " ".join(c.value for c in at.caption)


def test_three_clicks_on_the_empty_canvas_make_a_data_set_that_trains_and_is_in_the_link():
    at = fresh({"mlp_dataset": "empty"})
    assert trainer(at) is None and player(at)["points"] == []
    assert at.button(key="mlp_step").disabled and at.button(key="mlp_play").disabled
    assert "Nothing to train on yet" in captions(at)
    click(at, (-0.5, 0.5), (0.25, -0.75))
    rerun(at.segmented_control(key="mlp_brush").set_value("1"))
    click(at, (1.0, 1.0))
    t = trainer(at)
    np.testing.assert_array_equal(t.X_train, [[-0.5, 0.5], [0.25, -0.75], [1.0, 1.0]])
    np.testing.assert_array_equal(t.y_train, [0, 0, 1])
    assert player(at)["points"] == [[-0.5, 0.5, 0, 0], [0.25, -0.75, 0, 0], [1.0, 1.0, 1, 0]]
    assert "3 points added." in captions(at)
    assert not at.button(key="mlp_step").disabled
    text = at.query_params["mlp_points"]
    assert from_text(text).added == ((-0.5, 0.5, 0), (0.25, -0.75, 0), (1.0, 1.0, 1))
    assert len(text) == 20  # 3 points × 5 bytes, base64
    # The browser stops drawing its own copies of the clicks the server has applied.
    assert player(at)["ack"]["mount"] == "browser-1"
    for _ in range(30):
        rerun(at.button(key="mlp_epoch").click())
    assert trainer(at).history.train_accuracy[-1] == 1.0

    shared = fresh(dict(at.query_params))  # the link opens the same points
    np.testing.assert_array_equal(trainer(shared).X_train, t.X_train)
    np.testing.assert_array_equal(trainer(shared).y_train, t.y_train)


def test_a_click_trains_on_from_the_same_weights():
    at = fresh()
    rerun(at.button(key="mlp_epoch").click())
    rerun(at.button(key="mlp_epoch").click())
    t = trainer(at)
    weights = [W.copy() for W, _ in t.model.params]
    click(at, (0.0, 0.0))
    assert trainer(at) is t and t.iteration == 32 and len(t.X_train) == 161
    for (W, _), W0 in zip(t.model.params, weights, strict=True):
        np.testing.assert_array_equal(W, W0)  # not back to the initial weights
    np.testing.assert_array_equal(t.X_train[-1], [0.0, 0.0])
    assert t.history.train_loss[-1] == t.model.loss(t.X_train, t.y_train)
    rerun(at.button(key="mlp_step").click())
    assert trainer(at).iteration == 33
    rerun(at.button(key="mlp_reset").click())  # Reset: initial weights, the edited points
    assert trainer(at).iteration == 0 and len(trainer(at).X_train) == 161


def test_the_eraser_removes_the_nearest_point_and_undo_and_clear_bring_points_back():
    at = fresh()
    X, _ = make_dataset("circles", n=200, noise=0.1, seed=0)
    rerun(at.segmented_control(key="mlp_brush").set_value("erase"))
    test_point = at.session_state["mlp_trainer"].X_test[0]
    index = int(np.flatnonzero((test_point == X).all(axis=1))[0])
    click(at, (float(test_point[0]) + 0.01, float(test_point[1])))
    assert at.session_state["mlp_points"] == Edits((), frozenset({index}))
    assert len(trainer(at).X_test) == 39 and len(trainer(at).X_train) == 160
    assert len(player(at)["points"]) == 199
    click(at, (5.0, 5.0))  # outside the picture: nothing
    assert at.session_state["mlp_points"] == Edits((), frozenset({index}))
    assert "." in at.query_params["mlp_points"]
    rerun(at.segmented_control(key="mlp_brush").set_value("1"))
    click(at, (0.0, 0.0))
    rerun(at.button(key="mlp_undo_click").click())
    assert at.session_state["mlp_points"] == Edits((), frozenset({index}))
    rerun(at.button(key="mlp_clear_points").click())
    assert at.session_state["mlp_points"] == Edits() and "mlp_points" not in at.query_params
    assert len(trainer(at).X_test) == 40
    rerun(at.button(key="mlp_undo_click").click())
    assert at.session_state["mlp_points"] == Edits((), frozenset({index}))


def test_clicks_merged_into_one_rerun_are_all_applied_once():
    at = fresh({"mlp_dataset": "empty"})
    click(at, (0.1, 0.1), (0.2, 0.2), (0.3, 0.3), mount="tab-a")
    at.run()  # the same state again (a rerun for another reason): no new point
    assert len(at.session_state["mlp_points"].added) == 3
    click(at, (0.4, 0.4), mount="tab-b")  # the page reloaded: its own numbers
    assert len(at.session_state["mlp_points"].added) == 4


def test_a_new_data_set_forgets_the_clicks_new_points_forget_the_erased_ones():
    at = fresh()
    click(at, (0.0, 0.0))
    rerun(at.segmented_control(key="mlp_brush").set_value("erase"))
    X, _ = make_dataset("circles", n=200, noise=0.1, seed=0)
    click(at, tuple(map(float, X[5])))
    assert at.session_state["mlp_points"] == Edits(((0.0, 0.0, 0),), frozenset({5}))
    rerun(at.select_slider(key="mlp_n").set_value(100))
    assert at.session_state["mlp_points"] == Edits(((0.0, 0.0, 0),))  # added points stay
    rerun(at.selectbox(key="mlp_dataset").set_value("moons"))
    assert at.session_state["mlp_points"] == Edits()


def test_a_link_made_for_another_data_set_keeps_only_what_applies():
    made = Edits(((0.0, 0.0, 2), (0.5, 0.5, 1)), frozenset({3, 480}))
    at = fresh({"mlp_points": to_text(made)})  # circles: 2 classes, 200 points
    assert at.session_state["mlp_points"] == Edits(((0.5, 0.5, 1),), frozenset({3}))
    blobs = fresh({"mlp_dataset": "blobs", "mlp_n": "500", "mlp_points": to_text(made)})
    assert blobs.session_state["mlp_points"] == made
    assert set(trainer(blobs).y_train[-2:]) == {2, 1}


def test_junk_in_the_new_parameters_gives_the_defaults():
    assert_junk_gives_defaults(
        PAGE, {"mlp_points": Edits(), "mlp_task": "classification", "mlp_curve": "sine"}
    )
    at = fresh({"mlp_points": "MgCD_wEAAAAAAA.AQI.x"})
    assert at.session_state["mlp_points"] == Edits()
    assert any("could not be read (`mlp_points`)" in i.value for i in at.info)


def test_a_click_rebuilds_only_the_loss_curves_and_the_brush_nothing(chart_log):
    at = fresh()
    before = specs(at)
    chart_log.clear()
    rerun(at.segmented_control(key="mlp_brush").set_value("1"))
    assert chart_log.built == [] and specs(at) == before
    click(at, (0.0, 0.0))
    assert chart_log.built == ["curves"]  # the loss on the new points; the weights are the same
    after = specs(at)
    assert {k for k in before if before[k] != after[k]} == {"mlp_curves"}


def test_the_weights_file_holds_the_points_and_loading_it_brings_them_back():
    at = fresh()
    click(at, (0.0, 0.0), (0.5, -0.5))
    saved = at.session_state["mlp_live"]["data"]  # what the download button writes
    assert saved == {
        "task": "classification",
        "dataset": "circles",
        "points": {"added": [[0.0, 0.0, 0], [0.5, -0.5, 0]], "erased": []},
    }
    content = {**MLP([2, 8, 8, 1], activation="tanh", seed=4).to_dict(), "data": saved}

    other = fresh()
    other.session_state["mlp_pending_import"] = json.dumps(content).encode()
    rerun(other)
    assert other.session_state["mlp_points"].added == ((0.0, 0.0, 0), (0.5, -0.5, 0))
    assert any("Loaded a 2-8-8-1 network. 2 points added." in s.value for s in other.success)
    assert len(trainer(other).X_train) == 162

    moons = fresh({"mlp_dataset": "moons"})  # points clicked into circles are not moons'
    moons.session_state["mlp_pending_import"] = json.dumps(content).encode()
    rerun(moons)
    assert moons.session_state["mlp_points"] == Edits()
    assert any("Loaded a 2-8-8-1 network." in s.value for s in moons.success)

    junk = {**content, "data": {**saved, "points": {"added": [[0, 0, 7.5]]}}}
    other.session_state["mlp_pending_import"] = json.dumps(junk).encode()
    rerun(other)
    assert any("[x1, x2, class]" in e.value for e in other.error)
    assert other.session_state["mlp_points"].added == ((0.0, 0.0, 0), (0.5, -0.5, 0))
