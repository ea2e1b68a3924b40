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
from ui.figures.architectures import (
    NO_CONFIG,
    compare_figure,
    giga,
    millions,
    shape_flow_figure,
    timeline_figure,
)
from ui.frame import lesson_header, quiz

P = "architectures_"  # session-state prefix
MAX_SIDE = 1024
KEYS = list(NETWORKS)


@st.cache_data(show_spinner=False)
def summary(name: str, input_shape: tuple[int, int, int] | None = None) -> list[dict]:
    return summarize(name, input_shape)


@st.cache_data(show_spinner=False)
def parts(name: str, layer: str, input_shape: tuple[int, int, int]) -> list[dict]:
    return inside(name, layer, input_shape)


@st.cache_data(show_spinner=False)
def reference_totals() -> dict[str, Totals]:
    return {key: totals(summary(key)) for key in KEYS}


def title(key: str) -> str:
    return f"{NETWORKS[key].title} ({NETWORKS[key].year})"


# -- state and callbacks ---------------------------------------------------------------------------


def default_side(key: str) -> int:
    return NETWORKS[key].input_shape[1]


def set_size(side: int) -> None:
    st.session_state[P + "height"] = side
    st.session_state[P + "width"] = side
    sync_url()


def on_network_change() -> None:
    set_size(default_side(st.session_state[P + "net"]))
    st.session_state.pop(P + "inside", None)  # show the new network's first block


def sync_url() -> None:
    key = st.session_state[P + "net"]
    st.query_params["net"] = key
    h, w = st.session_state[P + "height"], st.session_state[P + "width"]
    if (h, w) == NETWORKS[key].input_shape[1:]:
        st.query_params.pop("size", None)
    else:
        st.query_params["size"] = f"{h}x{w}"


def sync_compare() -> None:
    st.query_params["compare"] = f"{st.session_state[P + 'cmp_a']},{st.session_state[P + 'cmp_b']}"


def _side_from_url(text: str) -> tuple[int, int] | None:
    try:
        h, w = (int(v) for v in text.lower().split("x"))
    except ValueError:
        return None
    return (h, w) if 1 <= h <= MAX_SIDE and 1 <= w <= MAX_SIDE else None


def init_state() -> None:
    if P + "net" in st.session_state:
        return
    key = st.query_params.get("net", "lenet5")
    key = key if key in NETWORKS else "lenet5"
    st.session_state[P + "net"] = key
    size = _side_from_url(st.query_params.get("size", "")) or NETWORKS[key].input_shape[1:]
    st.session_state[P + "height"], st.session_state[P + "width"] = size
    sync_url()  # a link copied right away already names the network
    pair = st.query_params.get("compare", "").split(",")
    if len(pair) != 2 or not set(pair) <= set(NETWORKS):
        pair = ["alexnet", "resnet50"]
    st.session_state[P + "cmp_a"], st.session_state[P + "cmp_b"] = pair


# -- widgets ---------------------------------------------------------------------------------------


def network_controls() -> tuple[str, tuple[int, int, int]]:
    """The network and its input size; returns (name, (C, H, W))."""
    c1, c2, c3 = st.columns([2.2, 1, 1])
    key = c1.selectbox(
        "Network", KEYS, format_func=title, key=P + "net", on_change=on_network_change
    )
    channels = NETWORKS[key].input_shape[0]
    c2.number_input(
        "Input height H", min_value=1, max_value=MAX_SIDE, step=1, key=P + "height",
        on_change=sync_url,
    )  # fmt: skip
    c3.number_input(
        "Input width W", min_value=1, max_value=MAX_SIDE, step=1, key=P + "width",
        on_change=sync_url,
    )  # fmt: skip
    return key, (channels, st.session_state[P + "height"], st.session_state[P + "width"])


def compare_controls() -> tuple[str, str]:
    c1, c2 = st.columns(2)
    a = c1.selectbox(
        "First network", KEYS, format_func=title, key=P + "cmp_a", on_change=sync_compare
    )
    b = c2.selectbox(
        "Second network", KEYS, format_func=title, key=P + "cmp_b", on_change=sync_compare
    )
    return a, b


# -- sections --------------------------------------------------------------------------------------


def timeline(selected: str) -> None:
    st.subheader("From LeNet to DenseNet, 1998 → 2017")
    stats = reference_totals()
    nets = list(NETWORKS.values())
    left, right = st.columns([5, 2], gap="large")
    with left:
        st.plotly_chart(
            timeline_figure(nets, stats, selected=selected), key=P + "timeline", config=NO_CONFIG
        )
    with right:
        st.markdown(
            "**The ImageNet error falls with each generation.** The parameter count first "
            "explodes (VGG-16: 138 M, three quarters of them in its first fully connected "
            "layer) and then *shrinks*: GoogLeNet, ResNet and DenseNet replace the huge fully "
            "connected layers by global average pooling and spend their parameters on many "
            "small convolutions, while the networks get ever **deeper**."
        )
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
        key=P + "timeline_table",
        column_config={
            "parameters": st.column_config.NumberColumn(format="localized"),
            "depth": st.column_config.NumberColumn(help="weight layers on the longest path"),
            "ILSVRC top-5 error": st.column_config.TextColumn(
                help="ImageNet challenge result as published; AlexNet, VGG and ResNet are "
                "ensembles of several networks"
            ),
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
        f"Use the smallest input, {smallest}×{smallest}", key=P + "use_min", on_click=set_size,
        args=(smallest,), width="stretch",
    )  # fmt: skip
    side = default_side(key)
    c2.button(
        f"Back to {side}×{side}", key=P + "use_default", on_click=set_size, args=(side,),
        width="stretch",
    )  # fmt: skip


def explore() -> str:
    st.subheader("One network, layer by layer")
    st.markdown(
        "Pick a network and watch an image's shape change on its way through: convolutions "
        "and pooling shrink the height and width, channels grow, and at the end everything is "
        "flattened into one vector of class scores. Every shape here is computed with the "
        "convolution lesson's formula ⌊(n − k + p + s) / s⌋. Change the input size to see "
        "which layers care."
    )
    key, shape = network_controls()
    net = NETWORKS[key]
    try:
        rows = summary(key, shape)
    except ValueError as err:
        too_small(err, key)
        return key
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
        st.info(
            f"With a {shape_text(shape)} input, {net.title} has {t.params:,} parameters instead "
            f"of {ref.params:,}: the first fully connected layer takes every number of the last "
            "feature map as an input, so its weight count follows the input size. Networks "
            "with adaptive (global) average pooling before their classifier do not have this "
            "problem."
        )
    st.plotly_chart(shape_flow_figure(rows, shape), key=P + "flow", config=NO_CONFIG)
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
        key=P + "layers",
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
    return key


def look_inside(key: str, shape: tuple[int, int, int], rows: list[dict]) -> None:
    names = [r["layer"] for r in rows]
    blocks = [r["layer"] for r in rows if r["kind"] == "block"]
    if st.session_state.get(P + "inside") not in names:
        st.session_state[P + "inside"] = (blocks or names)[0]
    left, right = st.columns([1, 3], gap="large")
    with left:
        layer = st.selectbox(
            "Look inside a layer or block", names, key=P + "inside",
            help="Every operation inside it, branch by branch, with its output shape",
        )  # fmt: skip
        row = rows[names.index(layer)]
        st.markdown(f"**{layer}**: {row['what']}")
        if row["kind"] == "block":
            merge = (
                "added"
                if any(p["layer"] == "add" for p in parts(key, layer, shape))
                else ("concatenated along the channels")
            )
            st.caption(
                f"The branches all start from the same input and their outputs are {merge}."
                + (" Adding needs equal shapes: where the main path changes the shape, the "
                   "shortcut gets a 1×1 convolution." if merge == "added" else
                   " Their heights and widths must match; the channels add up.")
            )  # fmt: skip
    with right:
        st.dataframe(
            [
                {
                    "branch": p["branch"] or "—",
                    "operation": p["layer"],
                    "output shape": shape_text(p["output_shape"]),
                    "parameters": p["params"],
                    "multiply-adds": p["mult_adds"],
                }
                for p in parts(key, layer, shape)
            ],
            hide_index=True,
            key=P + "inside_table",
            height=min(38 + 35 * len(parts(key, layer, shape)), 740),
            column_config={
                "parameters": st.column_config.NumberColumn(format="localized"),
                "multiply-adds": st.column_config.NumberColumn(format="localized"),
            },
        )


def compare() -> None:
    st.subheader("Two networks side by side")
    a, b = compare_controls()
    stats = reference_totals()
    sa, sb = stats[a], stats[b]
    cols = st.columns(2)
    for col, key, mine, other in ((cols[0], a, sa, sb), (cols[1], b, sb, sa)):
        with col, st.container(border=True):
            st.markdown(f"**{title(key)}**")
            m1, m2, m3 = st.columns(3)
            m1.metric(
                "Parameters", millions(mine.params), delta=_ratio(mine.params, other.params),
                delta_color="off", delta_arrow=_arrow(mine.params, other.params),
            )  # fmt: skip
            m2.metric(
                "Depth", mine.depth, delta=f"{mine.depth - other.depth:+d}".replace("-", "−"),
                delta_color="off", delta_arrow=_arrow(mine.depth, other.depth),
            )  # fmt: skip
            m3.metric(
                "Multiply-adds", giga(mine.mult_adds),
                delta=_ratio(mine.mult_adds, other.mult_adds), delta_color="off",
                delta_arrow=_arrow(mine.mult_adds, other.mult_adds),
            )  # fmt: skip
    st.plotly_chart(
        compare_figure([title(a), title(b)], [sa, sb]), key=P + "compare", config=NO_CONFIG
    )
    fc_a = sa.params_by_type["fully connected"] / sa.params
    fc_b = sb.params_by_type["fully connected"] / sb.params
    st.caption(
        f"Fully connected layers hold {fc_a:.0%} of {NETWORKS[a].title}'s parameters and "
        f"{fc_b:.0%} of {NETWORKS[b].title}'s. Deltas compare each network with the other one; "
        "multiply-adds for one 224×224 image (LeNet-5: 28×28)."
    )


def _ratio(mine: int, other: int) -> str:
    ratio = mine / other
    return f"{ratio:.2f}× the other" if ratio < 10 else f"{ratio:,.0f}× the other"


def _arrow(mine: int, other: int) -> str:
    return "up" if mine > other else "down" if mine < other else "off"


# -- the page --------------------------------------------------------------------------------------

init_state()
lesson_header(
    "CNN architectures",
    "A very brief history: **LeNet** (1998) read handwritten digits, and pretraining techniques "
    "came in 2006, but only after **AlexNet** (2012) won the ImageNet challenge was the "
    "community convinced of deep networks. Then came better and better designs: **VGG** "
    "(deep stacks of 3×3 convolutions), **Inception/GoogLeNet** (parallel branches), "
    "**ResNet** (shortcut connections that let 50 and more layers train), **DenseNet** (every "
    "layer sees all earlier ones). Each is built from the same parts as the convolution "
    "lessons: convolutions with stride and padding, pooling, and fully connected layers.",
    [r"n_{\text{out}} = \left\lfloor \frac{n - k + p + s}{s} \right\rfloor, \qquad "
     r"\#\text{params}_{\text{conv}} = c_{\text{out}} (c_{\text{in}} k_h k_w + 1)"],
)  # fmt: skip
timeline_slot = st.container()
st.divider()
chosen = explore()
with timeline_slot:
    timeline(chosen)
st.divider()
compare()

lenet = summary("lenet5")
vgg = reference_totals()["vgg16"]
vgg_fc = vgg.params_by_type["fully connected"] / vgg.params
quiz(quizzes.architectures())
