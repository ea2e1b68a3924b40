"""The MLP playground in AppTest: widgets moved, buttons pressed, state and charts checked."""

import json
import math

import numpy as np
from streamlit.testing.v1 import AppTest

from engine.mlp import MLP
from tests.app.conftest import ROOT, chart, rerun, specs

PAGE = "lessons/mlp.py"


def trainer(at):
    return at.session_state["mlp_trainer"]


def all_chart_numbers_finite(at) -> bool:
    """No NaN or infinity in any chart's data (JSON turns them into null or NaN tokens)."""
    for el in at.get("plotly_chart"):
        spec = el.proto.spec
        if "NaN" in spec or "Infinity" in spec:
            return False
    return True


def test_defaults_step_epoch_and_counters(run_page):
    at = run_page(PAGE)
    t = trainer(at)
    assert t.model.layer_sizes == [2, 8, 8, 1] and t.model.activation == "tanh"
    assert t.iteration == 0 and len(t.X_train) == 160 and len(t.X_test) == 40
    at.button(key="mlp_step").click().run()
    assert trainer(at).iteration == 1 and trainer(at).epoch == 0
    at.button(key="mlp_epoch").click().run()
    t = trainer(at)
    assert t.iteration == t.batches_per_epoch == 16 and t.epoch == 1
    assert any("Epoch 1 · iteration 16" in m.value for m in at.markdown)
    curves = chart(at, "mlp_curves")
    train = [tr for tr in curves["data"] if tr["name"] == "train"]
    assert len(train[0]["x"]) == 3  # start, after the step, after the epoch
    assert not at.exception


def test_loss_falls_with_epochs_and_reset_returns_to_the_same_weights(run_page):
    at = run_page(PAGE)
    start = [W.copy() for W, _ in trainer(at).model.params]
    first_loss = trainer(at).history.train_loss[0]
    at.button(key="mlp_play").click().run()  # each run of frames: 24 × 5 steps, 7.5 epochs
    at.run()
    at.run()
    at.button(key="mlp_play").click().run()
    assert trainer(at).epoch >= 20
    assert trainer(at).history.train_loss[-1] < 0.5 * first_loss
    assert trainer(at).history.test_accuracy[-1] >= 0.85
    at.button(key="mlp_reset").click().run()
    t = trainer(at)
    assert t.iteration == 0
    for (W, _), W0 in zip(t.model.params, start, strict=True):
        np.testing.assert_array_equal(W, W0)
    at.button(key="mlp_new_weights").click().run()
    assert at.session_state["mlp_wseed"] == 1
    assert not np.array_equal(trainer(at).model.params[0][0], start[0])


def test_architecture_add_remove_resize_and_activation(run_page):
    at = run_page(PAGE)
    at.button(key="mlp_add_layer").click().run()
    assert trainer(at).model.layer_sizes == [2, 8, 8, 8, 1]
    at.number_input(key="mlp_units_2").set_value(3).run()
    assert trainer(at).model.layer_sizes == [2, 8, 8, 3, 1]
    at.button(key="mlp_remove_layer").click().run()
    at.button(key="mlp_remove_layer").click().run()
    assert trainer(at).model.layer_sizes == [2, 8, 1]
    at.selectbox(key="mlp_act").set_value("relu").run()
    assert trainer(at).model.activation == "relu"
    at.button(key="mlp_remove_layer").click().run()
    assert trainer(at).model.layer_sizes == [2, 1]
    assert at.button(key="mlp_remove_layer").disabled
    assert any("logistic regression" in c.value for c in at.caption)
    for _ in range(6):
        at.button(key="mlp_add_layer").click().run()
    assert len(trainer(at).model.layer_sizes) == 8 and at.button(key="mlp_add_layer").disabled
    units = chart(at, "mlp_units")
    assert sum(tr["type"] == "heatmap" for tr in units["data"]) == 6 * 4
    assert at.query_params["mlp_hidden"] == "4,4,4,4,4,4"
    assert not at.exception


def test_three_classes_switch_to_softmax(run_page):
    at = run_page(PAGE)
    at.selectbox(key="mlp_dataset").set_value("blobs").run()
    t = trainer(at)
    assert t.model.layer_sizes[-1] == 3 and set(np.unique(t.y_train)) == {0, 1, 2}
    network = chart(at, "mlp_network")
    assert any("softmax" in a["text"] for a in network["layout"]["annotations"])
    at.button(key="mlp_epoch").click().run()
    assert trainer(at).history.train_accuracy[-1] > 0.5


def test_xor_reaches_full_accuracy(run_page):
    at = run_page(PAGE)
    at.selectbox(key="mlp_dataset").set_value("xor").run()
    at.select_slider(key="mlp_lr").set_value(1.0).run()
    at.select_slider(key="mlp_batch").set_value(4).run()
    assert len(trainer(at).X_train) == 4 and len(trainer(at).X_test) == 0
    for _ in range(3):
        at.button(key="mlp_play").click().run()  # Play: one run of frames per timer tick
        at.run()
        at.button(key="mlp_play").click().run()  # Pause
    t = trainer(at)
    assert t.iteration > 0 and not at.session_state["mlp_playing"]
    while t.history.train_accuracy[-1] < 1.0 and t.epoch < 400:
        at.button(key="mlp_epoch").click().run()
        t = trainer(at)
    assert t.history.train_accuracy[-1] == 1.0


def test_noisy_xor_quadrants_have_a_test_set_and_are_learned(run_page):
    at = run_page(PAGE)
    at.selectbox(key="mlp_dataset").set_value("xor_cloud").run()
    assert not at.select_slider(key="mlp_n").disabled  # a generated set: points, noise, split
    t = trainer(at)
    assert len(t.X_train) + len(t.X_test) == at.session_state["mlp_n"] and len(t.X_test) > 0
    for _ in range(40):
        at.button(key="mlp_epoch").click().run()
    t = trainer(at)
    assert t.history.test_accuracy[-1] >= 0.9 and t.history.test_accuracy[0] < 0.8
    assert at.query_params["mlp_dataset"] == "xor_cloud"  # a teacher can share the link


def test_play_advances_per_tick_and_pause_stops(run_page):
    at = run_page(PAGE)
    at.button(key="mlp_play").click().run()
    assert at.session_state["mlp_playing"]
    assert at.button(key="mlp_step").disabled
    first = trainer(at).iteration
    assert first == 24 * 5  # one run of frames: 24 frames of 5 steps
    at.run()  # what the timer does
    assert trainer(at).iteration == 2 * first
    at.button(key="mlp_play").click().run()
    assert not at.session_state["mlp_playing"]
    stopped = trainer(at).iteration
    at.run()
    assert trainer(at).iteration == stopped


def test_while_playing_the_charts_refresh_one_at_a_time_and_all_on_pause(run_page):
    """Each plotly refresh costs the browser animation frames, so Play spreads them out."""
    at = run_page(PAGE)
    at.button(key="mlp_play").click().run()
    views = ("mlp_curves", "mlp_network", "mlp_units")
    before = {v: chart(at, v) for v in views}
    changed_per_run, ever_changed = [], set()
    for _ in range(6):  # one cycle of the schedule
        at.run()  # what the timer does: the next run of frames
        now = {v: chart(at, v) for v in views}
        changed = {v for v in views if now[v] != before[v]}
        changed_per_run.append(changed)
        ever_changed |= changed
        before = now
    assert all(len(c) <= 1 for c in changed_per_run), changed_per_run
    assert ever_changed == set(views)  # every view follows the training within a cycle
    network = chart(at, "mlp_network")
    assert not any(t.get("name") == "weights" for t in network["data"])  # no hover layer
    at.button(key="mlp_play").click().run()  # pause
    network = chart(at, "mlp_network")
    assert any(t.get("name") == "weights" for t in network["data"])  # hover is back
    assert all_chart_numbers_finite(at)


def test_playing_logistic_regression_has_no_unit_maps_to_refresh(run_page):
    at = run_page(PAGE)
    for _ in range(2):
        at.button(key="mlp_remove_layer").click().run()
    assert trainer(at).model.layer_sizes == [2, 1]
    at.button(key="mlp_play").click().run()
    for _ in range(6):  # a whole cycle, the unit maps' beat included
        at.run()
        assert not at.exception, [e.value for e in at.exception]
    assert "mlp_units" not in specs(at)
    at.button(key="mlp_play").click().run()


def test_divergence_pauses_and_offers_a_lower_learning_rate(run_page):
    at = run_page(PAGE)
    at.selectbox(key="mlp_dataset").set_value("spiral").run()
    at.selectbox(key="mlp_act").set_value("relu").run()
    for i in range(2):
        at.number_input(key=f"mlp_units_{i}").set_value(32).run()
    at.select_slider(key="mlp_lr").set_value(10.0).run()
    at.select_slider(key="mlp_batch").set_value(1).run()
    for _ in range(5):
        at.button(key="mlp_epoch").click().run()
        if trainer(at).divergence is not None:
            break
    t = trainer(at)
    assert t.divergence is not None
    assert any("Training paused: it diverged" in e.value for e in at.error)
    assert at.button(key="mlp_step").disabled and at.button(key="mlp_play").disabled
    assert all(math.isfinite(v) for v in t.history.train_loss)
    assert all_chart_numbers_finite(at)
    at.button(key="mlp_lower_lr").click().run()
    assert at.session_state["mlp_lr"] == 1.0
    assert trainer(at).divergence is None and not at.button(key="mlp_step").disabled
    assert not at.exception


def test_settings_come_from_the_url_and_bad_values_fall_back(run_page):
    from pathlib import Path

    from streamlit.testing.v1 import AppTest

    root = Path(__file__).resolve().parents[2]
    at = AppTest.from_file(str(root / PAGE), default_timeout=60)
    at.query_params.update(
        {"dataset": "moons", "hidden": "5,3", "act": "sigmoid", "lr": "0.5", "batch": "32"}
    )
    at.run()
    t = trainer(at)
    assert t.model.layer_sizes == [2, 5, 3, 1] and t.model.activation == "sigmoid"
    assert t.lr == 0.5 and t.batch_size == 32
    assert at.session_state["mlp_dataset"] == "moons"

    bad = AppTest.from_file(str(root / PAGE), default_timeout=60)
    bad.query_params.update({"dataset": "cats", "hidden": "999", "lr": "nan", "noise": "x"})
    bad.run()
    assert not bad.exception
    assert trainer(bad).model.layer_sizes == [2, 8, 8, 1] and trainer(bad).lr == 0.2


def test_import_weights_and_clear_errors(run_page):
    at = run_page(PAGE)
    model = MLP([2, 3, 1], activation="relu", seed=42)
    # What the file uploader's callback stores: the uploaded bytes, applied on the next run.
    at.session_state["mlp_pending_import"] = model.to_json().encode()
    at.run()
    t = trainer(at)
    assert t.model.layer_sizes == [2, 3, 1] and t.model.activation == "relu"
    np.testing.assert_array_equal(t.model.params[0][0], model.params[0][0])
    assert any("Loaded a 2-3-1 network" in s.value for s in at.success)
    at.button(key="mlp_epoch").click().run()
    at.button(key="mlp_reset").click().run()  # Reset returns to the imported weights
    np.testing.assert_array_equal(trainer(at).model.params[0][0], model.params[0][0])

    for data, message in (
        (b"{oops", "not valid JSON"),
        (MLP([2, 3, 3]).to_json().encode(), "needs 1 (one sigmoid unit)"),
        (MLP([3, 3, 1]).to_json().encode(), "take 3 inputs"),
        (json.dumps({"layer_sizes": [2, 3, 1]}).encode(), "lacks activation, params"),
    ):
        at.session_state["mlp_pending_import"] = data
        at.run()
        assert any(message in e.value for e in at.error), message
        assert trainer(at).model.layer_sizes == [2, 3, 1]  # the current network is kept
    assert not at.exception


def test_quiz_feedback(run_page):
    at = run_page(PAGE)
    at.radio(key="mlp_quiz_choice").set_value(3).run()
    at.button(key="mlp_quiz_check").click().run()
    assert any("Not quite" in w.value and "Try again" in w.value for w in at.warning)
    at.radio(key="mlp_quiz_choice").set_value(0).run()
    at.button(key="mlp_quiz_check").click().run()
    assert any("Correct" in s.value and "−log(0.05)" in s.value for s in at.success)
    bars = chart(at, "mlp_quiz_bars")
    # The same bars as the loss lesson's quiz: p₃ = 0.05, the answer's probability.
    assert bars["data"][0]["y"] == [0.01, 0.9, 0.05, 0.02, 0.02]


# ----------------------------------------------------------------------------- the conversion


def test_a_control_rebuilds_only_the_charts_it_changes(run_page, chart_log):
    """α does not change the network: no chart is rebuilt and the player is sent what it shows.
    A step changes the three views of the network, never the quiz's bars; a quiz answer builds
    nothing; new data rebuilds the three views."""
    at = run_page(PAGE)
    before = specs(at)
    assert set(before) == {"mlp_curves", "mlp_network", "mlp_units", "mlp_quiz_bars"}
    chart_log.clear()
    rerun(at.select_slider(key="mlp_lr").set_value(0.5))
    assert chart_log.built == [] and specs(at) == before
    rerun(at.button(key="mlp_step").click())
    assert sorted(chart_log.built) == ["curves", "network", "units"]
    after = specs(at)
    changed = {k for k in before if before[k] != after[k]}
    assert changed == {"mlp_curves", "mlp_network", "mlp_units"}
    chart_log.clear()
    rerun(at.radio(key="mlp_quiz_choice").set_value(1))
    assert chart_log.built == [] and specs(at) == after
    rerun(at.slider(key="mlp_noise").set_value(0.2))
    assert sorted(chart_log.built) == ["curves", "network", "units"]
    assert specs(at)["mlp_quiz_bars"] == before["mlp_quiz_bars"]


SETTINGS_AWAY_FROM_DEFAULTS = {
    # every setting at a value that is not its default, sliders at their minimum
    "mlp_dataset": "moons",
    "mlp_noise": "0",
    "mlp_n": "50",
    "mlp_test": "0",
    "mlp_dseed": "7",
    "mlp_hidden": "5,3",
    "mlp_act": "sigmoid",
    "mlp_lr": "0.0001",
    "mlp_batch": "1",
    "mlp_wseed": "3",
    "mlp_speed": "1",
}


def test_every_setting_round_trips_through_the_url(run_page):
    at = run_page(PAGE)
    at.selectbox(key="mlp_dataset").set_value("moons")
    rerun(at)
    at.slider(key="mlp_noise").set_value(0.0)
    at.select_slider(key="mlp_n").set_value(50)
    at.select_slider(key="mlp_test").set_value(0)
    at.number_input(key="mlp_dseed").set_value(7)
    at.number_input(key="mlp_units_0").set_value(5)
    at.number_input(key="mlp_units_1").set_value(3)
    at.selectbox(key="mlp_act").set_value("sigmoid")
    at.select_slider(key="mlp_lr").set_value(0.0001)
    at.select_slider(key="mlp_batch").set_value(1)
    at.number_input(key="mlp_wseed").set_value(3)
    at.select_slider(key="mlp_speed").set_value(1)
    rerun(at)
    assert dict(at.query_params) == SETTINGS_AWAY_FROM_DEFAULTS
    fresh = AppTest.from_file(str(ROOT / PAGE), default_timeout=60)
    fresh.query_params.update(SETTINGS_AWAY_FROM_DEFAULTS)
    rerun(fresh)
    for name in ("dataset", "noise", "n", "test", "dseed", "hidden", "act", "lr", "batch",
                 "wseed", "speed"):  # fmt: skip
        assert fresh.session_state[f"mlp_{name}"] == at.session_state[f"mlp_{name}"], name
    t = trainer(fresh)
    assert t.model.layer_sizes == [2, 5, 3, 1] and t.model.activation == "sigmoid"
    assert len(t.X_train) == 50 and len(t.X_test) == 0 and t.batch_size == 1 and t.lr == 0.0001
    assert dict(fresh.query_params) == SETTINGS_AWAY_FROM_DEFAULTS


JUNK = ("inf", "nan", "1e999", "99999999999999999999", "", "é", "x" * 5000)
DEFAULTS = {
    "dataset": "circles", "noise": 0.1, "n": 200, "test": 20, "dseed": 0, "hidden": (8, 8),
    "act": "tanh", "lr": 0.2, "batch": 10, "wseed": 0, "speed": 5,
}  # fmt: skip


def test_junk_in_every_parameter_gives_the_defaults_and_a_note():
    for junk in JUNK:
        at = AppTest.from_file(str(ROOT / PAGE), default_timeout=60)
        at.query_params.update({f"mlp_{name}": junk for name in DEFAULTS})
        rerun(at)
        assert {name: at.session_state[f"mlp_{name}"] for name in DEFAULTS} == DEFAULTS, junk
        assert trainer(at).model.layer_sizes == [2, 8, 8, 1]
        assert any("could not be read" in i.value for i in at.info), junk
        assert dict(at.query_params) == {}  # the junk is gone from the address bar


def test_old_links_with_bare_names_still_open():
    at = AppTest.from_file(str(ROOT / PAGE), default_timeout=60)
    at.query_params.update({"dataset": "xor", "hidden": "4", "lr": "1", "batch": "4",
                            "speed": "10", "noise": "0.3"})  # fmt: skip
    rerun(at)
    t = trainer(at)
    assert t.model.layer_sizes == [2, 4, 1] and t.lr == 1.0 and t.batch_size == 4
    assert at.session_state["mlp_speed"] == 10 and at.session_state["mlp_noise"] == 0.3
    # Rewritten to the prefixed names; XOR's own starting values (4 units, α = 1) drop out.
    assert dict(at.query_params) == {
        "mlp_dataset": "xor", "mlp_batch": "4", "mlp_speed": "10", "mlp_noise": "0.3",
    }  # fmt: skip


def test_spiral_starts_with_settings_that_learn_it(run_page):
    """Issue 17 item 9: at noise 0.1 with 200 points and a 2-8-8-1 tanh net the spiral did not
    look like one and the net stayed near 66 % (test points near 50 %). Its own starting
    settings reach 99 % on test points in 100 epochs (20 s of Play at 10 steps per frame)."""
    at = run_page(PAGE)
    rerun(at.selectbox(key="mlp_dataset").set_value("spiral"))
    assert (at.session_state["mlp_noise"], at.session_state["mlp_n"]) == (0.05, 500)
    t = trainer(at)
    assert t.model.layer_sizes == [2, 32, 32, 1] and t.model.activation == "relu"
    assert dict(at.query_params) == {"mlp_dataset": "spiral"}  # a short link
    t.run_epochs(100)
    assert t.history.test_accuracy[-1] >= 0.95 and t.divergence is None


def test_a_new_data_set_keeps_what_the_learner_changed(run_page):
    at = run_page(PAGE)
    rerun(at.slider(key="mlp_noise").set_value(0.2))
    rerun(at.selectbox(key="mlp_dataset").set_value("spiral"))
    assert at.session_state["mlp_noise"] == 0.2  # changed by the learner: kept
    assert at.session_state["mlp_hidden"] == (32, 32)  # still at circles' start: follows
    assert at.button(key="mlp_starting_settings")
    rerun(at.button(key="mlp_starting_settings").click())
    assert at.session_state["mlp_noise"] == 0.05
    assert not [b for b in at.button if b.key == "mlp_starting_settings"]
    rerun(at.selectbox(key="mlp_dataset").set_value("linear"))
    assert trainer(at).model.layer_sizes == [2, 1]  # a line is all it needs
    assert any("a single straight line" in c.value for c in at.caption)


def test_no_hidden_layer_on_three_classes_is_softmax_regression(run_page):
    """Issue 14 item 7: the caption said "logistic regression, a single line" on 3-class blobs."""
    at = run_page(PAGE)
    rerun(at.selectbox(key="mlp_dataset").set_value("blobs"))
    for _ in range(2):
        rerun(at.button(key="mlp_remove_layer").click())
    assert trainer(at).model.layer_sizes == [2, 3]
    captions = " ".join(c.value for c in at.caption)
    assert "**softmax regression**, 3 scores" in captions
    assert "logistic regression" not in captions and "single straight line" not in captions


def test_the_summary_says_what_the_lecture_says_about_sigma(run_page):
    at = run_page(PAGE)
    page_text = " ".join(m.value for m in at.markdown) + " ".join(c.value for c in at.caption)
    assert "smooth activation" not in page_text  # issue 14 item 6: ReLU is offered
    assert "One letter, three functions." in page_text


def test_dimensions_of_every_layer_follow_the_network(run_page):
    at = run_page(PAGE)

    def table(at) -> str:
        return next(m.value for m in at.markdown if m.value.startswith("| layer |"))

    rows = table(at).splitlines()
    assert len(rows) == 2 + 3 + 1 and rows[-1].endswith("| **105** |")
    assert "`(2, 8)`" in rows[2] and r"\mathbb R^{8\times 2}" in rows[2]
    assert any("**transposed**, as (fan_in, fan_out) = (2, 8)" in c.value for c in at.caption)
    at.button(key="mlp_add_layer").click()
    rerun(at)
    rows = table(at).splitlines()
    assert len(rows) == 2 + 4 + 1
    assert rows[-1].endswith(f"| **{trainer(at).model.n_params}** |")
    rerun(at.selectbox(key="mlp_dataset").set_value("blobs"))
    assert "output (softmax)" in table(at) and "`(8, 3)`" in table(at)


def test_the_players_code_is_the_linted_js_file():
    from ui import mlp_player

    assert mlp_player.JS_FILE.suffix == ".js" and mlp_player.JS_FILE.parent.name == "js"
    assert mlp_player.JS_FILE.read_text(encoding="utf-8") == mlp_player.JS
    assert "export default function" in mlp_player.JS


# What each data set's starting settings reach at the default seeds (epochs, accuracy on the test
# points, or on the training points for the fixed sets without a test set).
START_ACCURACY = {
    "circles": (50, 0.97), "moons": (50, 0.95), "xor_cloud": (50, 0.95), "spiral": (100, 0.95),
    "blobs": (50, 0.95), "gaussian": (50, 0.9), "linear": (50, 0.97), "xor": (200, 1.0),
    "lecture": (25, 1.0),
}  # fmt: skip


def test_every_data_set_starts_with_settings_that_learn_it(run_page):
    at = run_page(PAGE)
    for name, (epochs, accuracy) in START_ACCURACY.items():
        rerun(at.selectbox(key="mlp_dataset").set_value(name))
        t = trainer(at)
        t.run_epochs(epochs)
        h = t.history
        reached = h.test_accuracy[-1] if len(t.X_test) else h.train_accuracy[-1]
        assert reached >= accuracy and t.divergence is None, (name, reached)
