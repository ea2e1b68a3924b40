"""CNN architectures: the timeline, one network layer by layer, and two side by side."""

from __future__ import annotations

import streamlit as st

from engine.architectures import (
    NETWORKS,
    Totals,
    inside,
    min_input_size,
    shape_text,
    summarize,
    totals,
)
from ui import quizzes
from ui.charts import chart, show
from ui.figures.architectures import (
    compare_figure,
    giga,
    millions,
    shape_flow_figure,
    timeline_figure,
)
from ui.frame import lesson_header, quiz
from ui.state import Settings, choice, custom, integer
from ui.text.architectures import (
    branches_caption,
    error_trend,
    ilsvrc_help,
    parameters_story,
    ratio,
    resized_note,
)

MAX_SIDE = 1024
KEYS = tuple(NETWORKS)


def default_side(key: str) -> int:
    return NETWORKS[key].input_shape[1]


def _layer_name(text: str) -> str:
    if len(text) > 40 or (text and not text.replace("_", "").replace(".", "").isalnum()):
        raise ValueError(f"{text!r} is not a layer name")
    return text


def _old_size_link(text: str) -> dict[str, str]:
    """Links shared before the input size was two settings: size=HxW."""
    h, w = text.lower().split("x")
    return {"height": h, "width": w}


def _old_compare_link(text: str) -> dict[str, str]:
    """Links shared before the comparison was two settings: compare=a,b."""
    a, b = text.split(",")
    return {"cmp_a": a, "cmp_b": b}


S = Settings(
    "architectures",
    choice("net", "lenet5", KEYS, aliases=("net",)),
    integer("height", 28, 1, MAX_SIDE, default_from=lambda s: default_side(s["net"])),
    integer("width", 28, 1, MAX_SIDE, default_from=lambda s: default_side(s["net"])),
    # The layer or block looked inside: by default the network's first block.
    custom("inside", "", _layer_name, str, default_from=lambda s: first_block(s)),
    choice("cmp_a", "alexnet", KEYS),
    choice("cmp_b", "resnet50", KEYS),
    legacy={"size": _old_size_link, "compare": _old_compare_link},
)


# -- computations, cached and shared ---------------------------------------------------------------


@st.cache_resource(max_entries=64, show_spinner=False)
def summary(name: str, input_shape: tuple[int, int, int] | None = None) -> list[dict]:
    return summarize(name, input_shape)


@st.cache_resource(max_entries=64, show_spinner=False)
def parts(name: str, layer: str, input_shape: tuple[int, int, int]) -> list[dict]:
    return inside(name, layer, input_shape)


@st.cache_resource(show_spinner=False)
def reference_totals() -> dict[str, Totals]:
    return {key: totals(summary(key)) for key in KEYS}


@chart(max_entries=8)
def timeline_chart(selected: str):
    return timeline_figure(list(NETWORKS.values()), reference_totals(), selected=selected)


@chart(max_entries=32)
def flow_chart(key: str, shape: tuple[int, int, int]):
    return shape_flow_figure(summary(key, shape), shape)


@chart(max_entries=32)
def compare_chart(a: str, b: str):
    stats = reference_totals()
    return compare_figure([title(a), title(b)], [stats[a], stats[b]])


def first_block(s: Settings) -> str:
    key = s["net"]
    try:
        rows = summary(key, (NETWORKS[key].input_shape[0], s["height"], s["width"]))
    except ValueError:  # an input too small for the network: nothing to look inside
        return ""
    blocks = [r["layer"] for r in rows if r["kind"] == "block"]
    return (blocks or [rows[0]["layer"]])[0]


def title(key: str) -> str:
    return f"{NETWORKS[key].title} ({NETWORKS[key].year})"


# -- callbacks -------------------------------------------------------------------------------------


def set_size(side: int) -> None:
    S["height"] = S["width"] = side


def on_network_change() -> None:
    set_size(default_side(S["net"]))
    S.reset("inside")  # show the new network's first block


# -- sections --------------------------------------------------------------------------------------


def timeline(selected: str) -> None:
    st.subheader("From LeNet to DenseNet, 1998 → 2017")
    stats = reference_totals()
    nets = list(NETWORKS.values())
    left, right = st.columns([5, 2], gap="large")
    with left:
        show(
            timeline_chart(selected), key=S.key("timeline"),
            alt="Parameters, depth and ImageNet top-5 error of seven networks, 1998 to 2017",
        )  # fmt: skip
    with right:
        st.markdown(error_trend(nets) + " " + parameters_story(stats))
        st.caption(
            "**Depth** counts convolution and fully connected layers along the longest path "
            "(the number in each name: ResNet-50 has 50). **Multiply-adds** for one 224×224 "
            "image (LeNet: one 28×28 digit), convolution and fully connected layers only. "
            "LeNet-5 was built for handwritten digits and never entered ImageNet. "
            "The highlighted column is the network picked below."
        )
    st.dataframe(
        [
            {
                "network": n.title,
                "year": str(n.year),
                "depth": stats[n.key].depth,
                "parameters": stats[n.key].params,
                "multiply-adds": giga(stats[n.key].mult_adds),
                "ILSVRC top-5 error": _percent(n.top5_ilsvrc),
                "torchvision top-5 error": _percent(n.top5_single),
            }
            for n in nets
        ],
        hide_index=True,
        key=S.key("timeline_table"),
        column_config={
            "parameters": st.column_config.NumberColumn(format="localized"),
            "depth": st.column_config.NumberColumn(help="weight layers on the longest path"),
            "ILSVRC top-5 error": st.column_config.TextColumn(help=ilsvrc_help()),
            "torchvision top-5 error": st.column_config.TextColumn(
                help="torchvision's pretrained weights of exactly this definition, one "
                "224×224 centre crop of each ImageNet validation image"
            ),
        },
    )


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f} %"


def too_small(err: ValueError, key: str) -> None:
    st.error(str(err), icon=":material/block:")
    smallest = min_input_size(key)
    c1, c2, _ = st.columns([1.3, 1.3, 3])
    c1.button(
        f"Use the smallest input, {smallest}×{smallest}", key=S.key("use_min"),
        on_click=set_size, args=(smallest,), width="stretch",
    )  # fmt: skip
    side = default_side(key)
    c2.button(
        f"Back to {side}×{side}", key=S.key("use_default"), on_click=set_size, args=(side,),
        width="stretch",
    )  # fmt: skip


def network_controls() -> tuple[str, tuple[int, int, int]]:
    """The network and its input size; returns (name, (C, H, W))."""
    c1, c2, c3 = st.columns([2.2, 1, 1])
    with c1:
        key = S.selectbox("net", "Network", format_func=title, on_change=on_network_change)
    with c2:
        h = S.number_input("height", "Input height H")
    with c3:
        w = S.number_input("width", "Input width W")
    return key, (NETWORKS[key].input_shape[0], int(h), int(w))


def explore(key: str, shape: tuple[int, int, int]) -> None:
    net = NETWORKS[key]
    try:
        rows = summary(key, shape)
    except ValueError as err:
        too_small(err, key)
        return
    t = totals(rows)
    ref = reference_totals()[key]
    c1, c2, c3, c4 = st.columns(4)
    c1.metric(
        "Parameters", f"{t.params:,}",
        delta=f"{t.params - ref.params:+,} vs {shape_text(net.input_shape)}"
        if t.params != ref.params else None, delta_color="off",
    )  # fmt: skip
    c2.metric("Depth (weight layers)", t.depth)
    c3.metric("Multiply-adds per image", giga(t.mult_adds))
    c4.metric(f"Output for a {shape_text(shape)} input", shape_text(rows[-1]["output_shape"]))
    st.caption(f"{net.title}, {net.authors}, {net.year}. {net.note}")
    if t.params != ref.params:
        st.info(resized_note(net.title, shape_text(shape), t.params, ref.params))
    show(
        flow_chart(key, shape), key=S.key("flow"),
        alt=f"{net.title}: feature-map size, channels and parameters, layer by layer",
    )  # fmt: skip
    st.dataframe(
        [
            {
                "layer": r["layer"],
                "what it does": r["what"],
                "output shape": shape_text(r["output_shape"]),
                "parameters": r["params"],
                "share of parameters": r["params"] / t.params,
                "multiply-adds": r["mult_adds"],
            }
            for r in rows
        ],
        hide_index=True,
        key=S.key("layers"),
        height=min(38 + 35 * len(rows), 460),
        column_config={
            "parameters": st.column_config.NumberColumn(format="localized"),
            "multiply-adds": st.column_config.NumberColumn(format="localized"),
            "share of parameters": st.column_config.ProgressColumn(
                format="percent", min_value=0.0, max_value=1.0
            ),
            "what it does": st.column_config.TextColumn(width="large"),
        },
    )
    st.caption(
        "Batch-norm layers have two parameters per channel (a scale and a shift). Blocks "
        "(inception modules, residual blocks, dense layers) are one row each: look inside one "
        "below."
    )
    look_inside(key, shape, rows)


@st.fragment
def look_inside(key: str, shape: tuple[int, int, int], rows: list[dict]) -> None:
    names = [r["layer"] for r in rows]
    if S["inside"] not in names:
        S.reset("inside")
    left, right = st.columns([1, 3], gap="large")
    with left:
        layer = st.selectbox(
            "Look inside a layer or block", names, key=S.key("inside"),
            help="Every operation inside it, branch by branch, with its output shape",
        )  # fmt: skip
        row = rows[names.index(layer)]
        st.markdown(f"**{layer}**: {row['what']}")
        inner = parts(key, layer, shape)
        if row["kind"] == "block":
            added = any(p["layer"] == "add" for p in inner)
            st.caption(branches_caption("added" if added else "concatenated"))
    with right:
        # A static table, not st.dataframe: the data grid took a second or more to settle in
        # the browser after each choice (a canvas it measures and redraws), this one a frame.
        st.table(
            [
                {
                    "branch": p["branch"] or "—",
                    "operation": p["layer"],
                    "output shape": shape_text(p["output_shape"]),
                    "parameters": f"{p['params']:,}",
                    "multiply-adds": f"{p['mult_adds']:,}",
                }
                for p in inner
            ],
            hide_index=True,
        )
    S.sync_url()


@st.fragment
def network_section() -> None:
    """The timeline and one network explored: the network picked below is the one highlighted
    in the timeline above, so both live in one fragment."""
    timeline_slot = st.container()
    st.divider()
    st.subheader("One network, layer by layer")
    st.markdown(
        "Pick a network and watch an image's shape change on its way through: convolutions "
        "and pooling shrink the height and width, channels grow, and at the end everything is "
        "flattened into one vector of class scores. Every shape here is computed with the "
        "convolution lesson's formula ⌊(n − k + p + s) / s⌋. Change the input size to see "
        "which layers care."
    )
    key, shape = network_controls()
    explore(key, shape)
    with timeline_slot:
        timeline(key)
    S.sync_url()


@st.fragment
def compare_section() -> None:
    st.subheader("Two networks side by side")
    c1, c2 = st.columns(2)
    with c1:
        a = S.selectbox("cmp_a", "First network", format_func=title)
    with c2:
        b = S.selectbox("cmp_b", "Second network", format_func=title)
    stats = reference_totals()
    sa, sb = stats[a], stats[b]
    cols = st.columns(2)
    for col, key, mine, other in ((cols[0], a, sa, sb), (cols[1], b, sb, sa)):
        with col, st.container(border=True):
            st.markdown(f"**{title(key)}**")
            # A row that wraps, each metric as wide as its value: three fixed columns in half
            # the page cut "61.1 M" to "61.…" on a projector (1100 px).
            m1 = m2 = m3 = st.container(horizontal=True, gap="medium")
            m1.metric(
                "Parameters", millions(mine.params), delta=ratio(mine.params, other.params),
                delta_color="off", delta_arrow=_arrow(mine.params, other.params), width="content",
            )  # fmt: skip
            m2.metric(
                "Depth", mine.depth, delta=f"{mine.depth - other.depth:+d}".replace("-", "−"),
                delta_color="off", delta_arrow=_arrow(mine.depth, other.depth), width="content",
            )  # fmt: skip
            m3.metric(
                "Multiply-adds", giga(mine.mult_adds),
                delta=ratio(mine.mult_adds, other.mult_adds), delta_color="off",
                delta_arrow=_arrow(mine.mult_adds, other.mult_adds), width="content",
            )  # fmt: skip
    show(
        compare_chart(a, b), key=S.key("compare"),
        alt=f"Where the parameters are, by layer type: {title(a)} and {title(b)}",
    )  # fmt: skip
    fc_a = sa.params_by_type["fully connected"] / sa.params
    fc_b = sb.params_by_type["fully connected"] / sb.params
    st.caption(
        f"Fully connected layers hold {fc_a:.0%} of {NETWORKS[a].title}'s parameters and "
        f"{fc_b:.0%} of {NETWORKS[b].title}'s. Deltas compare each network with the other one; "
        "multiply-adds for one 224×224 image (LeNet-5: 28×28)."
    )
    S.sync_url()


def _arrow(mine: int, other: int) -> str:
    return "up" if mine > other else "down" if mine < other else "off"


# -- the page --------------------------------------------------------------------------------------

S.init()
lesson_header(
    "CNN architectures",
    "A very brief history: **LeNet** (1998) read handwritten digits, and pretraining techniques "
    "came in 2006, but only after **AlexNet** (2012) won the ImageNet challenge was the "
    "community convinced of deep networks. Then came better and better designs: **VGG** "
    "(deep stacks of 3×3 convolutions), **Inception/GoogLeNet** (parallel branches), "
    "**ResNet** (shortcut connections that let 50 and more layers train), **DenseNet** (within "
    "each dense block, every layer sees the outputs of all earlier layers of that block). Each "
    "is built from the same parts as the convolution lessons: convolutions with stride and "
    "padding, pooling, and fully connected layers.",
    [r"n_{\text{out}} = \left\lfloor \frac{n - k + p + s}{s} \right\rfloor, \qquad "
     r"\#\text{params}_{\text{conv}} = c_{\text{out}} (c_{\text{in}} k_h k_w + 1)"],
)  # fmt: skip
S.notice()
network_section()
st.divider()
compare_section()
quiz(quizzes.architectures())
S.sync_url()
