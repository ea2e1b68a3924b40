"""The gradient-descent page in AppTest: sliders, presets, URL settings, divergence, quiz."""

from __future__ import annotations

import numpy as np
from streamlit.testing.v1 import AppTest

import engine.sgd
from tests.app.conftest import ROOT, array, chart, rerun, specs

PAGE = "lessons/sgd.py"


def decode(value):
    """Plotly sends NumPy arrays as typed arrays ({"dtype", "bdata"}); turn them into lists."""
    if isinstance(value, dict) and "bdata" in value:
        return array(value).tolist()
    return value


def traces(at, key: str = "sgd_surface") -> dict[str, dict]:
    return {
        t["name"]: {k: decode(v) for k, v in t.items()}
        for t in chart(at, key)["data"]
        if t.get("name")
    }


def table(at) -> list[dict]:
    return at.table[0].value.to_dict("records")


def test_defaults_draw_three_runs_from_one_start(run_page):
    at = run_page(PAGE)
    paths = traces(at)
    gd, mb, sgd = (
        paths["Full-batch GD"],
        paths["Minibatch SGD (b = 10)"],
        paths["Single-sample SGD"],
    )
    assert gd["x"][0] == mb["x"][0] == sgd["x"][0] == -3.0
    assert gd["y"][0] == mb["y"][0] == sgd["y"][0] == -1.0
    # 5 epochs of n = 100: 5, 50 and 500 updates.
    assert len(gd["x"]) == 6 and len(mb["x"]) == 51 and len(sgd["x"]) == 501
    rows = table(at)
    assert [r["iterations per epoch"] for r in rows] == [1, 10, 100]
    assert [r["iterations in total"] for r in rows] == [5, 50, 500]
    assert not at.error


def test_batch_size_changes_iterations_per_epoch(run_page):
    at = run_page(PAGE)
    at.slider(key="sgd_batch").set_value(30)
    rerun(at)
    assert table(at)[1]["iterations per epoch"] == 4
    assert any("⌈100/30⌉ = 4 iterations per epoch" in m.value for m in at.markdown)
    assert "Minibatch SGD (b = 30)" in traces(at)
    assert len(traces(at)["Minibatch SGD (b = 30)"]["x"]) == 5 * 4 + 1


def test_large_learning_rate_diverges_with_an_explanation_and_finite_charts(run_page):
    at = run_page(PAGE)
    at.button(key="sgd_preset_50").click()
    rerun(at)
    assert at.session_state["sgd_lr"] == 50.0
    errors = " ".join(e.value for e in at.error)
    assert "Single-sample SGD diverged" in errors and "Minibatch SGD diverged" in errors
    assert "above the stop line L = 12.8 (4 × the starting loss)" in errors
    assert any("Make α smaller" in m.value for m in at.markdown)
    for key in ("sgd_surface", "sgd_curve"):
        for trace in traces(at, key).values():
            for axis in ("x", "y"):
                values = trace.get(axis)
                if isinstance(values, list):  # (a legend-only entry has [None])
                    data = [v for v in values if v is not None]
                    assert np.all(np.isfinite(np.asarray(data, dtype=float))), key
    assert any("diverged" in name for name in traces(at))
    notes = [a.get("text", "") for a in chart(at, "sgd_curve")["layout"]["annotations"]]
    assert any("divergence" in text for text in notes)


def test_bouncing_full_batch_gd_is_explained(run_page):
    at = run_page(PAGE)
    at.button(key="sgd_preset_8").click()
    rerun(at)
    warnings = " ".join(w.value for w in at.warning)
    assert "above 2 / λ_max ≈ 6.39" in warnings and "bounces across the valley" in warnings


def test_learning_rate_slider_moves_the_trajectories(run_page):
    at = run_page(PAGE)
    before = traces(at)["Full-batch GD"]["x"]
    at.select_slider(key="sgd_lr").set_value(0.05)
    rerun(at)
    after = traces(at)["Full-batch GD"]["x"]
    assert before[0] == after[0] and abs(after[1] - after[0]) < abs(before[1] - before[0])


def test_seed_changes_the_stochastic_runs_only(run_page):
    at = run_page(PAGE)
    first = traces(at)
    at.number_input(key="sgd_seed").set_value(5)
    rerun(at)
    second = traces(at)
    assert first["Full-batch GD"]["x"] == second["Full-batch GD"]["x"]
    assert first["Single-sample SGD"]["x"] != second["Single-sample SGD"]["x"]


def test_settings_from_the_url(run_page):
    at = AppTest.from_file(str(ROOT / PAGE), default_timeout=60)
    at.query_params.update({"sgd_lr": "2", "sgd_batch": "25", "sgd_seed": "7", "sgd_n": "50"})
    rerun(at)
    assert at.session_state["sgd_lr"] == 2.0
    assert at.session_state["sgd_batch"] == 25
    assert at.session_state["sgd_seed"] == 7
    assert table(at)[1]["iterations per epoch"] == 2


def test_nonsense_in_the_url_falls_back_to_defaults(run_page):
    at = AppTest.from_file(str(ROOT / PAGE), default_timeout=60)
    at.query_params.update({"sgd_lr": "banana", "sgd_batch": "9999", "sgd_seed": "-3"})
    rerun(at)
    assert at.session_state["sgd_lr"] == 0.5
    assert at.session_state["sgd_batch"] == 10
    assert at.session_state["sgd_seed"] == 0


def test_fewer_points_clamp_the_batch(run_page):
    at = run_page(PAGE)
    at.slider(key="sgd_batch").set_value(80)
    rerun(at)
    at.select_slider(key="sgd_n").set_value(20)
    rerun(at)
    assert at.session_state["sgd_batch"] == 20
    assert table(at)[1]["iterations per epoch"] == 1


def test_sampling_each_iteration_reports_unused_points(run_page):
    at = run_page(PAGE)
    at.radio(key="sgd_sampling").set_value("sample")
    rerun(at)
    assert any("were never used" in c.value for c in at.caption)


def test_quiz_feedback(run_page):
    at = run_page(PAGE)
    at.radio(key="sgd_quiz_iters_choice").set_value(2)
    rerun(at)
    at.button(key="sgd_quiz_iters_check").click()
    rerun(at)
    assert any("Correct: C. 16" in s.value for s in at.success)
    at.radio(key="sgd_quiz_lr_choice").set_value(0)
    rerun(at)
    at.button(key="sgd_quiz_lr_check").click()
    rerun(at)
    assert any("Hint:" in w.value for w in at.warning)  # a second try before the answer
    at.radio(key="sgd_quiz_lr_choice").set_value(2)
    rerun(at)
    at.button(key="sgd_quiz_lr_check").click()
    rerun(at)
    assert any("The answer is B. A smaller learning rate" in e.value for e in at.error)


def test_zoom_out_frames_a_diverging_run(run_page):
    at = run_page(PAGE)
    at.button(key="sgd_preset_50").click()
    rerun(at)

    def outside(at) -> int:
        layout = chart(at, "sgd_surface")["layout"]
        (x0, x1), (y0, y1) = layout["xaxis"]["range"], layout["yaxis"]["range"]
        pts = [
            (x, y)
            for t in traces(at).values()
            if t.get("mode") in ("lines", "lines+markers")  # the three runs
            for x, y in zip(t["x"], t["y"], strict=True)
        ]
        return sum(not (x0 <= x <= x1 and y0 <= y <= y1) for x, y in pts)

    assert outside(at) > 0  # the runs leave the default view
    at.toggle(key="sgd_zoom").set_value(True)
    rerun(at)
    assert outside(at) == 0


def test_an_engine_error_is_shown_with_a_way_back(monkeypatch):
    def refuse(*args, **kwargs):
        raise ValueError("The learning rate must be a number in (0, 100].")

    monkeypatch.setattr(engine.sgd, "compare", refuse)
    at = AppTest.from_file(str(ROOT / PAGE), default_timeout=60)
    at.query_params["sgd_seed"] = "424242"  # settings no earlier test has cached
    rerun(at)
    assert any("The learning rate must be a number" in e.value for e in at.error)
    assert not at.get("plotly_chart")  # no chart drawn from a failed run
    at.button(key="sgd_recover").click()
    rerun(at)
    assert at.session_state["sgd_seed"] == 0


def test_showing_the_runs_after_one_epoch_counts_updates(run_page):
    at = run_page(PAGE)
    assert at.session_state["sgd_upto"] == 5.0
    at.slider(key="sgd_upto").set_value(1.0)
    rerun(at)
    paths = traces(at)
    assert len(paths["Full-batch GD"]["x"]) == 2
    assert len(paths["Minibatch SGD (b = 10)"]["x"]) == 11
    assert len(paths["Single-sample SGD"]["x"]) == 101
    assert any(
        "After 1 epoch, updates made: Full-batch GD 1, Minibatch SGD 10, Single-sample SGD 100"
        in c.value
        for c in at.caption
    )
    assert len(traces(at, "sgd_curve")["Full-batch GD"]["x"]) == 6  # the curves stay whole
    at.slider(key="sgd_epochs").set_value(8)
    rerun(at)
    assert at.session_state["sgd_upto"] == 8.0  # more epochs: show the whole runs again


def test_the_descent_plays_in_the_browser_from_w0_to_the_shown_epoch(run_page):
    """Plotly frames: the paths grow from the start to the state the static figure shows."""
    at = run_page(PAGE)
    fig = chart(at, "sgd_surface")
    frames = fig["frames"]
    assert len(frames) == 25
    by_name = {t["name"]: t for t in fig["data"] if t.get("name")}
    names = [t.get("name") for t in fig["data"]]
    path_traces = [names.index(n) for n in ("Single-sample SGD", "Minibatch SGD (b = 10)")]
    assert all(i in frames[0]["traces"] for i in path_traces)
    assert 0 not in frames[0]["traces"]  # the loss surface stays as it is
    first = [decode(t["x"]) for t in frames[0]["data"][::2]]
    assert all(xs == [-3.0] for xs in first)  # epoch 0: every method still at w₀
    last = frames[-1]["data"]
    full_batch = next(t for t in last if t.get("name") == "Full-batch GD")
    assert decode(full_batch["x"]) == decode(by_name["Full-batch GD"]["x"])  # 5 epochs: 6 points
    sgd_last = next(t for t in last if t.get("name") == "Single-sample SGD")
    assert decode(sgd_last["x"])[-1] == decode(by_name["Single-sample SGD"]["x"])[-1]
    button = fig["layout"]["updatemenus"][0]["buttons"][0]
    assert button["method"] == "animate" and "5 epochs" in button["label"]
    # The surface is a picture below the plot; the loss under the pointer and the colour bar
    # come from a transparent heatmap of the same grid (trace 0), which frames leave alone.
    (picture,) = fig["layout"]["images"]
    assert picture["source"].startswith("data:image/png;base64,") and picture["layer"] == "below"
    surface = fig["data"][0]
    assert surface["type"] == "heatmap" and surface["opacity"] == 0
    assert surface["name"] == "loss surface" and "colorbar" in surface

    at.slider(key="sgd_upto").set_value(1.0).run()  # animate only as far as the slider shows
    fig = chart(at, "sgd_surface")
    button = fig["layout"]["updatemenus"][0]["buttons"][0]
    assert "1 epoch" in button["label"] and "epochs" not in button["label"]
    last = next(t for t in fig["frames"][-1]["data"] if t.get("name") == "Minibatch SGD (b = 10)")
    assert len(decode(last["x"])) == 11  # 10 updates after one epoch, and w₀


def test_a_control_rebuilds_only_the_charts_it_changes(run_page, chart_log):
    """The time slider redraws the surface and the curve, never the batches or the data; the
    quiz redraws no chart; charts that did not change are sent exactly as before."""
    at = run_page(PAGE)
    before = specs(at)
    chart_log.clear()
    at.slider(key="sgd_upto").set_value(2.0).run()
    assert set(chart_log.built) == {"surface_chart", "curve_chart"}
    after = specs(at)
    assert {k for k in before if before[k] != after[k]} == {"sgd_surface", "sgd_curve"}
    chart_log.clear()
    at.radio(key="sgd_quiz_iters_choice").set_value(1).run()
    assert chart_log.built == [] and specs(at) == after
