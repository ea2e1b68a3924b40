"""The MLP playground's regression mode (issue 14), in AppTest: a curve fitted with f itself as
the output and the squared loss; the picture's numbers are the engine's."""

from __future__ import annotations

import base64

import numpy as np

from engine.mlp import MLP, line_points
from tests.app.conftest import chart, rerun, specs
from tests.app.links import assert_round_trip
from tests.app.test_mlp_clicks import fresh, player  # the playground opened from a link

PAGE = "lessons/mlp.py"


def floats(text: str) -> np.ndarray:
    return np.frombuffer(base64.b64decode(text), dtype="<f4")


def trainer(at):
    return at.session_state["mlp_trainer"]


def test_regression_from_the_link_fits_the_curve_with_f_itself():
    at = fresh({"mlp_task": "regression", "mlp_curve": "abs"})
    t = trainer(at)
    assert t.model.layer_sizes == [1, 8, 1] and t.model.activation == "relu"
    assert t.model.output_unit == "linear" and t.lr == 0.1
    assert len(t.X_train) == 40 and len(t.X_test) == 10  # 50 points, 20 % test
    np.testing.assert_array_equal(t.y_train, np.abs(t.X_train[:, 0]))
    page = " ".join(m.value for m in at.markdown)
    assert "*for regression, we can simply use f as the final output of the network*" in page
    assert any("(f(x) - y" in latex.value for latex in at.latex)
    assert "mlp_units" not in specs(at)
    network = chart(at, "mlp_network")
    assert any("linear" in a["text"] for a in network["layout"]["annotations"])
    curves = chart(at, "mlp_curves")
    assert curves["layout"]["yaxis"]["title"]["text"] == "squared loss"
    assert "yaxis2" not in curves["layout"]  # no accuracy for a regression
    assert "| output (linear) |" in next(m.value for m in at.markdown if m.value.startswith("|"))


def test_the_curves_drawn_are_the_engines_numbers():
    at = fresh({"mlp_task": "regression"})  # the sine, 1-8-1 tanh
    for _ in range(5):
        rerun(at.button(key="mlp_epoch").click())
    t = trainer(at)
    payload = player(at)
    assert payload["kind"] == "curve" and payload["units"] == 8
    x0, x1, n = payload["grid"]
    grid = line_points((x0, x1), n)
    (frame,) = payload["frames"]
    assert frame["it"] == t.iteration == 20
    np.testing.assert_allclose(floats(frame["values"]), t.model.forward(grid), rtol=1e-6, atol=1e-6)
    parts = floats(frame["contributions"]).reshape(n, 8)
    np.testing.assert_allclose(parts, t.model.output_contributions(grid), rtol=1e-6, atol=1e-6)
    assert frame["loss"] == t.history.train_loss[-1] == t.model.loss(t.X_train, t.y_train)
    assert frame["acc"] is None and frame["tacc"] is None  # JSON null, never NaN
    drawn = np.array(payload["points"])  # [x, y, 0, is_test], kept to 4 decimals
    train, test = drawn[drawn[:, 3] == 0], drawn[drawn[:, 3] == 1]
    np.testing.assert_allclose(train[:, :2], np.column_stack([t.X_train, t.y_train]), atol=5e-5)
    np.testing.assert_allclose(test[:, :2], np.column_stack([t.X_test, t.y_test]), atol=5e-5)
    # The loss chart is the history, the squared loss on both sets.
    train = next(tr for tr in chart(at, "mlp_curves")["data"] if tr["name"] == "train")
    assert train["y"] == t.history.train_loss and len(train["y"]) == 6


def test_play_steps_and_reset_work_as_in_classification():
    at = fresh({"mlp_task": "regression", "mlp_curve": "step"})
    start = [W.copy() for W, _ in trainer(at).model.params]
    first = trainer(at).history.train_loss[0]
    rerun(at.button(key="mlp_play").click())
    payload = player(at)
    assert payload["playing"] and len(payload["frames"]) == 24
    assert [f["it"] for f in payload["frames"][:3]] == [5, 10, 15]
    rerun(at)  # the timer
    rerun(at.button(key="mlp_play").click())
    t = trainer(at)
    assert t.iteration == 2 * 24 * 5 and t.history.train_loss[-1] < 0.5 * first
    rerun(at.button(key="mlp_reset").click())
    for (W, _), W0 in zip(trainer(at).model.params, start, strict=True):
        np.testing.assert_array_equal(W, W0)


def test_no_hidden_layer_is_linear_regression():
    at = fresh({"mlp_task": "regression", "mlp_hidden": "none"})
    assert trainer(at).model.layer_sizes == [1, 1]
    assert any("**linear regression**" in c.value for c in at.caption)
    assert player(at)["units"] == 0 and player(at)["frames"][0]["contributions"] is None


def test_the_task_and_curve_settings_round_trip_and_start_their_own_settings():
    at = fresh()
    rerun(at.radio(key="mlp_task").set_value("regression"))
    assert at.session_state["mlp_hidden"] == (8,) and at.session_state["mlp_n"] == 50
    assert dict(at.query_params) == {"mlp_task": "regression"}  # the curve's own starts
    rerun(at.selectbox(key="mlp_curve").set_value("step"))
    assert at.session_state["mlp_hidden"] == (16,) and at.session_state["mlp_act"] == "relu"
    rerun(at.radio(key="mlp_task").set_value("classification"))
    assert at.session_state["mlp_hidden"] == (8, 8) and at.session_state["mlp_n"] == 200
    assert_round_trip(
        PAGE,
        {
            "mlp_task": "regression",
            "mlp_curve": "noisy",
            "mlp_n": 100,
            "mlp_hidden": (3,),
            "mlp_noise": 0.2,
            "mlp_lr": 0.0001,  # sliders at their minimum
            "mlp_test": 0,
        },
    )


def test_a_control_rebuilds_only_its_charts_in_regression(chart_log):
    at = fresh({"mlp_task": "regression"})
    before = specs(at)
    assert set(before) == {"mlp_curves", "mlp_network", "mlp_quiz_bars"}
    chart_log.clear()
    rerun(at.select_slider(key="mlp_lr").set_value(0.5))
    assert chart_log.built == [] and specs(at) == before
    rerun(at.button(key="mlp_step").click())
    assert sorted(chart_log.built) == ["curves", "network"]
    assert specs(at)["mlp_quiz_bars"] == before["mlp_quiz_bars"]
    chart_log.clear()
    rerun(at.selectbox(key="mlp_curve").set_value("abs"))
    assert sorted(chart_log.built) == ["curves", "network"]


def test_weights_of_the_other_task_are_refused_with_a_way_forward():
    at = fresh({"mlp_task": "regression"})
    at.session_state["mlp_pending_import"] = MLP([2, 8, 1]).to_json().encode()
    rerun(at)
    assert any("Choose Classification first" in e.value for e in at.error)
    fitted = MLP([1, 5, 1], activation="relu", output="linear", seed=3)
    at.session_state["mlp_pending_import"] = fitted.to_json().encode()
    rerun(at)
    t = trainer(at)
    assert t.model.layer_sizes == [1, 5, 1] and t.model.output == "linear"
    np.testing.assert_array_equal(t.model.params[0][0], fitted.params[0][0])
    classifier = fresh()
    classifier.session_state["mlp_pending_import"] = fitted.to_json().encode()
    rerun(classifier)
    assert any("Choose Regression first" in e.value for e in classifier.error)
