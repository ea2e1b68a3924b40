"""The architectures page in AppTest: pick a network, change its input, compare two, the quiz."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from tests.app.conftest import JUNK, ROOT, charts, open_with, specs
from ui.style import HIGHLIGHT

PAGE = "lessons/architectures.py"
P = "architectures_"
TOTALS = {
    "lenet5": "61,706",
    "alexnet": "61,100,840",
    "vgg16": "138,357,544",
    "googlenet": "6,624,904",
    "resnet18": "11,689,512",
    "resnet50": "25,557,032",
    "densenet121": "7,978,856",
}


def chart_with_trace(at, name: str) -> dict:
    return next(c for c in charts(at).values() if any(t.get("name") == name for t in c["data"]))


def trace(chart: dict, name: str) -> dict:
    return next(t for t in chart["data"] if t.get("name") == name)


def layer_table(at):
    return next(d.value for d in at.dataframe if "layer" in d.value.columns)


def metric(at, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def ok(at):
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_lenet_by_default_layer_by_layer(run_page):
    at = run_page(PAGE)
    assert at.session_state[P + "net"] == "lenet5"
    assert metric(at, "Parameters") == "61,706"
    assert metric(at, "Depth (weight layers)") == "5"
    assert metric(at, "Output for a 1×28×28 input") == "10"
    table = layer_table(at)
    assert list(table["layer"]) == ["conv1", "pool1", "conv2", "pool2", "flatten", "fc1", "fc2",
                                    "fc3"]  # fmt: skip
    assert list(table["output shape"])[:5] == ["6×28×28", "6×14×14", "16×10×10", "16×5×5", "400"]
    assert list(table["parameters"]) == [156, 0, 2416, 0, 0, 48120, 10164, 850]
    flow = chart_with_trace(at, "H")
    assert trace(flow, "H")["y"] == [28, 28, 14, 10, 5, 0, 0, 0, 0]  # input first
    assert trace(flow, "C")["y"] == [1, 6, 6, 16, 16, 400, 120, 84, 10]


@pytest.mark.parametrize(("key", "total"), TOTALS.items())
def test_switching_network_shows_its_total_and_goes_in_the_url(run_page, key, total):
    at = run_page(PAGE)
    at.selectbox(key=P + "net").set_value(key).run()
    ok(at)
    assert metric(at, "Parameters") == total
    # Only what differs from the defaults is in the link; LeNet-5 is the default.
    assert at.query_params.get(P + "net") == (None if key == "lenet5" else key)
    side = 28 if key == "lenet5" else 224
    assert at.session_state[P + "height"] == side == at.session_state[P + "width"]
    timeline = chart_with_trace(at, "parameters")
    bars = trace(timeline, "parameters")
    highlighted = [k for k, c in zip(bars["customdata"], bars["marker"]["color"], strict=True)
                   if c == HIGHLIGHT]  # fmt: skip
    assert highlighted == [key]


def test_deep_link_and_broken_links():
    at = AppTest.from_file(str(ROOT / PAGE), default_timeout=60)
    at.query_params["net"] = "densenet121"
    at.query_params["size"] = "64x96"
    ok(at.run())
    assert at.session_state[P + "net"] == "densenet121"
    assert metric(at, "Output for a 3×64×96 input") == "1000"
    assert metric(at, "Parameters") == "7,978,856"  # global average pooling: any size

    at = AppTest.from_file(str(ROOT / PAGE), default_timeout=60)
    at.query_params["net"] = "lenet9"
    at.query_params["size"] = "huge"
    at.query_params["compare"] = "vgg16,vgg19"
    ok(at.run())
    assert at.session_state[P + "net"] == "lenet5"
    # What can be read is kept (vgg16), the rest starts at its default, and the learner is told.
    assert (at.session_state[P + "cmp_a"], at.session_state[P + "cmp_b"]) == (
        "vgg16", "resnet50"
    )  # fmt: skip
    assert metric(at, "Parameters") == "61,706"
    assert any("could not be read" in i.value for i in at.info)


def test_too_small_input_names_the_layer_and_offers_a_way_out(run_page):
    at = run_page(PAGE)
    at.selectbox(key=P + "net").set_value("alexnet").run()
    at.number_input(key=P + "height").set_value(40).run()
    ok(at)
    assert len(at.error) == 1
    message = at.error[0].value
    assert "The input 3×40×224 is too small for AlexNet" in message
    assert "At pool5" in message and "63×63" in message
    assert len(at.dataframe) == 1  # only the timeline's table: no layer table for a broken input
    assert (at.query_params[P + "height"], at.query_params.get(P + "width")) == ("40", None)

    at.button(key=P + "use_min").click().run()
    ok(at)
    assert not at.error
    assert at.session_state[P + "height"] == 63 == at.session_state[P + "width"]
    assert metric(at, "Output for a 3×63×63 input") == "1000"

    at.number_input(key=P + "width").set_value(5).run()
    assert "At conv1" in at.error[0].value
    at.button(key=P + "use_default").click().run()
    ok(at)
    assert not at.error
    assert P + "height" not in at.query_params and P + "width" not in at.query_params
    assert metric(at, "Parameters") == TOTALS["alexnet"]


def test_lenet_on_a_bigger_image_needs_more_parameters(run_page):
    at = run_page(PAGE)
    at.number_input(key=P + "height").set_value(32).run()
    at.number_input(key=P + "width").set_value(32).run()
    ok(at)
    assert metric(at, "Parameters") == "82,826"  # fc1 sees 16×6×6 = 576 inputs, not 400
    assert any("instead of 61,706" in i.value for i in at.info)
    table = layer_table(at)
    assert list(table["output shape"])[4] == "576"


def test_compare_two_networks(run_page):
    at = run_page(PAGE)
    at.selectbox(key=P + "cmp_a").set_value("vgg16").run()
    at.selectbox(key=P + "cmp_b").set_value("googlenet").run()
    ok(at)
    values = [m.value for m in at.metric][-6:]
    assert values == ["138.4 M", "16", "15.47 G", "6.6 M", "22", "1.50 G"]
    bars = next(c for c in charts(at).values() if c["data"][0].get("orientation") == "h")
    fc = trace(bars, "fully connected")
    assert fc["y"] == ["VGG-16 (2014)", "GoogLeNet (2014)"]
    assert fc["x"] == pytest.approx([123.642856, 1.025])
    assert any("89% of VGG-16's parameters" in c.value for c in at.caption)
    assert (at.query_params[P + "cmp_a"], at.query_params[P + "cmp_b"]) == ("vgg16", "googlenet")

    linked = AppTest.from_file(str(ROOT / PAGE), default_timeout=60)
    linked.query_params.update({P + "cmp_a": "vgg16", P + "cmp_b": "googlenet"})
    ok(linked.run())
    assert [m.value for m in linked.metric][-6:] == values
    old = AppTest.from_file(str(ROOT / PAGE), default_timeout=60)
    old.query_params["compare"] = "vgg16,googlenet"  # a link shared before the split
    ok(old.run())
    assert [m.value for m in old.metric][-6:] == values


@pytest.mark.parametrize(
    ("key", "answer", "says"),
    [
        ("quiz_conv1", 2, "6 × 26 = 156"),
        ("quiz_vgg", 1, "89% of them are in the fully connected layers"),
        ("quiz_gap", 1, "fc always sees 2,048 inputs"),
    ],
)
def test_quiz(run_page, key, answer, says):
    at = run_page(PAGE)
    at.radio(key=f"{P}{key}_choice").set_value(answer).run()
    at.button(key=f"{P}{key}_check").click().run()
    ok(at)
    assert any(says in s.value and s.value.startswith("Correct") for s in at.success)
    at.radio(key=f"{P}{key}_choice").set_value(0).run()
    at.button(key=f"{P}{key}_check").click().run()
    assert any("Not quite" in e.value for e in [*at.warning, *at.error])


def inside_table(at):
    """The look-inside table (a static st.table, numbers written with thousands separators)."""
    return next(t.value for t in at.table if "branch" in t.value.columns)


def test_look_inside_a_block(run_page):
    at = run_page(PAGE)
    at.selectbox(key=P + "net").set_value("googlenet").run()
    ok(at)
    assert at.selectbox(key=P + "inside").value == "inception3a"  # the first block
    table = inside_table(at)
    assert len(set(table["branch"]) - {"—"}) == 4
    assert list(table.iloc[-1][["operation", "output shape"]]) == [
        "concatenate channels", "256×28×28"
    ]  # fmt: skip
    assert sum(int(n.replace(",", "")) for n in table["parameters"]) == 155_872

    at.selectbox(key=P + "net").set_value("resnet18").run()
    assert at.selectbox(key=P + "inside").value == "layer1.0"
    at.selectbox(key=P + "inside").set_value("layer2.0").run()
    ok(at)
    table = inside_table(at)
    shortcut = table[table["branch"] == "shortcut"]
    assert list(shortcut["operation"]) == ["conv 128@1×1, stride 2", "batch norm"]
    assert any("the shortcut gets a 1×1 convolution" in c.value for c in at.caption)


SHARED = {  # a value other than the default for every setting, and each one's URL text
    "net": ("densenet121", "densenet121"),
    "height": (1, "1"),  # the minimum: a link must keep it
    "width": (300, "300"),
    "cmp_a": ("lenet5", "lenet5"),
    "cmp_b": ("vgg16", "vgg16"),
}


def test_every_setting_survives_a_shared_link(run_page):
    at = run_page(PAGE)
    at.selectbox(key=P + "net").set_value("densenet121").run()
    at.number_input(key=P + "height").set_value(1).run()
    at.number_input(key=P + "width").set_value(300).run()
    at.selectbox(key=P + "cmp_a").set_value("lenet5").run()
    at.selectbox(key=P + "cmp_b").set_value("vgg16").run()
    link = {k: at.query_params[k] for k in at.query_params}
    assert link.items() >= {P + name: text for name, (_, text) in SHARED.items()}.items()
    opened = open_with(PAGE, link)
    for name, (value, _) in SHARED.items():
        assert opened.session_state[P + name] == value, name


def test_a_block_looked_inside_is_in_the_link(run_page):
    at = run_page(PAGE)
    at.selectbox(key=P + "net").set_value("resnet18").run()
    at.selectbox(key=P + "inside").set_value("layer3.1").run()
    opened = open_with(PAGE, {k: at.query_params[k] for k in at.query_params})
    assert opened.selectbox(key=P + "inside").value == "layer3.1"


@pytest.mark.parametrize("junk", JUNK)
def test_junk_in_every_parameter_opens_the_defaults(junk):
    names = [P + n for n in (*SHARED, "inside")] + ["net", "size", "compare"]
    at = open_with(PAGE, dict.fromkeys(names, junk))
    assert at.session_state[P + "net"] == "lenet5"
    assert metric(at, "Parameters") == "61,706"


def test_a_control_rebuilds_only_the_charts_it_changes(run_page, chart_log):
    at = run_page(PAGE)
    before = specs(at)
    chart_log.clear()
    at.selectbox(key=P + "cmp_b").set_value("vgg16").run()  # the comparison section
    assert chart_log.built == ["compare_chart"]
    after = specs(at)
    assert {k for k in before if before[k] != after[k]} == {P + "compare"}
    chart_log.clear()
    at.number_input(key=P + "height").set_value(32).run()  # one network: its flow only
    assert chart_log.built == ["flow_chart"]
    chart_log.clear()
    at.radio(key=P + "quiz_vgg_choice").set_value(1).run()
    assert chart_log.built == []
