"""The LeNet page in AppTest: train in chunks, stop, switch pages, settings, one test digit."""

import base64
import json

import numpy as np
from streamlit.testing.v1 import AppTest

from tests.app.conftest import ROOT

PAGE = "lessons/lenet.py"


def chart(at, key: str) -> dict:
    (el,) = [c for c in at.get("plotly_chart") if c.proto.id and key in c.proto.id]
    return json.loads(el.proto.spec)


def array(v) -> np.ndarray:
    """A plotly trace array: a plain list, or numpy's typed-array encoding."""
    if isinstance(v, dict):
        flat = np.frombuffer(base64.b64decode(v["bdata"]), dtype=v["dtype"])
        return flat.reshape([int(n) for n in str(v.get("shape", len(flat))).split(",")])
    return np.asarray(v, dtype=float)


def metric(at, label: str) -> str:
    (m,) = [m for m in at.metric if m.label == label]
    return m.value


def train_to_the_end(at: AppTest, *, press: bool = True, max_ticks: int = 200) -> int:
    """Press Train, then run the page the way the fragment's timer does until training stops."""
    if press:
        at.button(key="lenet_train").click().run()
    ticks = 0
    while at.session_state["lenet_training"] and ticks < max_ticks:
        at.run()
        ticks += 1
    assert not at.exception, [e.value for e in at.exception]
    return ticks


def test_page_starts_untrained_with_the_layer_table(run_page):
    at = run_page(PAGE)
    assert not at.session_state["lenet_training"]
    trainer = at.session_state["lenet_trainer"]
    assert trainer.progress == 0
    assert float(metric(at, "Test accuracy").rstrip("%")) < 30
    assert metric(at, "Epochs done") == "0 / 15"
    (layers,) = [d.value for d in at.dataframe]
    assert layers.set_index("layer").loc["conv1", "parameters"] == 156
    assert layers.set_index("layer").loc["pool2", "output (one image)"] == "16 × 2 × 2"
    assert not [c for c in at.get("plotly_chart") if "lenet_curves" in c.proto.id]
    assert any("Press **Train**" in c.value for c in at.caption)
    assert at.button(key="lenet_stop").disabled and at.button(key="lenet_reset").disabled


def test_training_runs_in_chunks_and_accuracy_rises(run_page):
    at = run_page(PAGE)
    at.slider(key="lenet_epochs").set_value(4).run()
    assert at.query_params["epochs"] == "4"
    at.button(key="lenet_train").click().run()
    assert at.session_state["lenet_training"]
    trainer = at.session_state["lenet_trainer"]
    # One run trains a few chunks of at most CHUNK_STEPS minibatches, not the whole run.
    assert 0 < len(trainer.history.step_loss) <= 3 * 40 < 4 * trainer.batches_per_epoch
    assert at.selectbox(key="lenet_activation").disabled  # settings locked while training
    assert train_to_the_end(at, press=False) >= 1
    trainer = at.session_state["lenet_trainer"]
    assert trainer.epoch == 4 and not at.session_state["lenet_training"]
    assert trainer.history.test_accuracy[-1] > 0.8
    assert metric(at, "Epochs done") == "4 / 4"
    assert at.button(key="lenet_train").disabled  # target reached
    curves = chart(at, "lenet_curves")
    test_acc = [t for t in curves["data"] if t.get("name") == "test set" and t["xaxis"] == "x2"]
    assert test_acc
    acc = array(test_acc[0]["y"])
    assert acc[-1] > 0.8 > acc[0]
    cm = chart(at, "lenet_confusion")
    assert any(t["type"] == "heatmap" for t in cm["data"])
    # Raise the target and continue from where it stopped.
    at.slider(key="lenet_epochs").set_value(5).run()
    assert at.button(key="lenet_train").label == "Continue"
    train_to_the_end(at)
    assert at.session_state["lenet_trainer"].epoch == 5


def test_stop_pauses_and_reset_returns_to_the_same_weights(run_page):
    at = run_page(PAGE)
    w0 = at.session_state["lenet_trainer"].model.params["conv1.W"].copy()
    at.button(key="lenet_train").click().run()
    at.button(key="lenet_stop").click().run()
    assert not at.session_state["lenet_training"]
    progress = at.session_state["lenet_trainer"].progress
    at.run()
    at.run()
    assert at.session_state["lenet_trainer"].progress == progress  # nothing trains while paused
    assert at.button(key="lenet_train").label == "Continue"
    assert any("Paused at epoch" in p.proto.text for p in at.get("progress"))
    at.button(key="lenet_reset").click().run()
    trainer = at.session_state["lenet_trainer"]
    assert trainer.progress == 0
    assert (trainer.model.params["conv1.W"] == w0).all()


def test_training_stops_when_the_learner_leaves_the_page_and_comes_back():
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    at.switch_page(PAGE).run()
    at.select_slider(key="lenet_lr").set_value(0.05).run()
    at.button(key="lenet_train").click().run()
    assert at.session_state["lenet_training"]
    progress = at.session_state["lenet_trainer"].progress
    at.switch_page("lessons/backprop.py").run()
    at.switch_page(PAGE).run()
    assert not at.exception
    assert not at.session_state["lenet_training"]
    assert at.session_state["lenet_lr"] == 0.05  # the learner's settings survive the trip
    assert at.session_state["lenet_trainer"].progress == progress  # and so does the network
    assert at.button(key="lenet_train").label == "Continue"
    at.run()
    assert at.session_state["lenet_trainer"].progress == progress


def test_new_activation_builds_a_new_network_and_goes_in_the_url(run_page):
    at = run_page(PAGE)
    at.button(key="lenet_train").click().run()
    at.button(key="lenet_stop").click().run()
    assert at.session_state["lenet_trainer"].progress > 0
    at.selectbox(key="lenet_activation").set_value("sigmoid").run()
    trainer = at.session_state["lenet_trainer"]
    assert trainer.progress == 0 and trainer.model.activation == "sigmoid"
    assert at.query_params["activation"] == "sigmoid"
    assert any("try η = 0.1" in c.value for c in at.caption)
    assert "sigmoid" in " ".join(m.value for m in at.markdown)


def test_url_settings_are_used_and_bad_ones_ignored():
    at = AppTest.from_file(str(ROOT / PAGE), default_timeout=60)
    at.query_params.update(
        {"lr": "0.1", "activation": "tanh", "epochs": "7", "batch": "abc", "seed": "-3"}
    )
    at.run()
    assert not at.exception
    s = at.session_state
    assert (s["lenet_lr"], s["lenet_activation"], s["lenet_epochs"]) == (0.1, "tanh", 7)
    assert (s["lenet_batch"], s["lenet_seed"]) == (32, 0)  # defaults instead of bad values


def test_divergence_pauses_with_a_message():
    at = AppTest.from_file(str(ROOT / PAGE), default_timeout=60)
    at.query_params.update({"lr": "1.0", "momentum": "0.95", "activation": "tanh"})
    at.run()
    train_to_the_end(at)
    assert at.session_state["lenet_trainer"].divergence is not None
    assert not at.session_state["lenet_training"]
    assert any("Training diverged" in e.value for e in at.error)
    at.select_slider(key="lenet_lr").set_value(0.02).run()
    at.button(key="lenet_train").click().run()  # starts over with the smaller rate
    assert at.session_state["lenet_trainer"].divergence is None
    assert not at.exception


def test_one_test_digit_and_next_mistake(run_page):
    at = run_page(PAGE)
    at.number_input(key="lenet_digit").set_value(5).run()
    probs = array(chart(at, "lenet_probs")["data"][0]["y"])
    assert probs.shape == (10,) and abs(probs.sum() - 1) < 1e-9
    maps = array(chart(at, "lenet_map_act1")["data"][0]["z"])
    assert maps.shape == (3 * 8 + 2, 2 * 8 + 1)  # six 8×8 maps, two per row, one-pixel gaps
    assert array(chart(at, "lenet_units_act_fc1")["data"][0]["z"]).shape == (1, 120)
    at.button(key="lenet_mistake").click().run()  # untrained: plenty of mistakes
    assert at.session_state["lenet_digit"] > 5
    assert any("but it is a" in e.value for e in at.error)
    at.button(key="lenet_random").click().run()
    assert 1 <= at.session_state["lenet_digit"] <= 359
    assert any("untrained" in i.value for i in at.info)


def test_quiz_feedback(run_page):
    at = run_page(PAGE)
    at.radio(key="lenet_quiz_choice").set_value(3).run()
    at.button(key="lenet_quiz_check").click().run()
    assert any("Not quite" in w.value and "Try again" in w.value for w in at.warning)
    at.radio(key="lenet_quiz_choice").set_value(2).run()
    at.button(key="lenet_quiz_check").click().run()
    assert any("Correct" in s.value and "156" in s.value for s in at.success)
