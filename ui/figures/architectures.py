"""Figures of the architectures lesson: the timeline, a network's shape flow, two side by side."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

from engine.architectures import Network, Totals, shape_text
from ui.figures.common import base_layout
from ui.figures.spec import Fig, Spec, trace
from ui.style import BOUNDARY, HIGHLIGHT, MUTED, rgba

# What a row of the summary is, one colour each on this page (Okabe–Ito).
KIND_COLOURS = {
    "conv": "#009E73",
    "block": "#56B4E9",
    "pool": "#E69F00",
    "fc": "#D55E00",
    "other": MUTED,
}
KIND_NAMES = {
    "conv": "convolution",
    "block": "block of convolutions",
    "pool": "pooling",
    "fc": "fully connected",
    "other": "flatten / batch norm",
}
TYPE_COLOURS = {"convolution": "#009E73", "batch norm": "#56B4E9", "fully connected": "#D55E00"}
NO_CONFIG = {"displayModeBar": False}


def millions(n: float) -> str:
    """61100840 -> '61.1 M'; small counts stay whole: 61706 -> '61,706'."""
    if n >= 1e6:
        return f"{n / 1e6:.1f} M"
    return f"{n:,.0f}"


def giga(n: float) -> str:
    """Multiply-adds: 714188480 -> '0.71 G', 416520 -> '0.42 M'."""
    if n >= 1e8:
        return f"{n / 1e9:.2f} G"
    return f"{n / 1e6:.2f} M"


def timeline_figure(
    networks: Sequence[Network], stats: Mapping[str, Totals], *, selected: str | None = None
) -> Spec:
    """One column per network in time order: parameters (log), depth, ImageNet top-5 error.

    The selected network is highlighted. The gap between LeNet (1998) and AlexNet (2012) is
    marked rather than drawn to scale, so the six networks of 2012-2017 get room.
    """
    labels = [f"{n.year}<br><b>{n.title}</b>" for n in networks]
    colours = [HIGHLIGHT if n.key == selected else MUTED for n in networks]
    hover = [
        f"<b>{n.title}</b> ({n.year}), {n.authors}<br>{stats[n.key].depth} weight layers "
        f"deep<br>{stats[n.key].params:,} parameters<br>{giga(stats[n.key].mult_adds)} "
        "multiply-adds per image"
        for n in networks
    ]
    fig = Fig.subplots(
        rows=3, cols=1, shared_xaxes=True, vertical_spacing=0.09, row_heights=[0.4, 0.3, 0.3],
        subplot_titles=("Parameters (log scale)", "Depth: weight layers on the longest path",
                        "ImageNet top-5 error, % (lower is better)"),
    )  # fmt: skip
    fig.add_trace(
        trace(
            "bar", x=labels, y=[stats[n.key].params for n in networks], marker={"color": colours},
            text=[millions(stats[n.key].params) for n in networks], textposition="outside",
            cliponaxis=False, hovertext=hover, hoverinfo="text", name="parameters",
            showlegend=False, customdata=[n.key for n in networks],
        ),
        row=1, col=1,
    )  # fmt: skip
    fig.add_trace(
        trace(
            "bar", x=labels, y=[stats[n.key].depth for n in networks], marker={"color": colours},
            text=[str(stats[n.key].depth) for n in networks], textposition="outside",
            cliponaxis=False, hovertext=hover, hoverinfo="text", name="depth", showlegend=False,
        ),
        row=2, col=1,
    )  # fmt: skip
    for label, attr, symbol, colour in (
        ("ILSVRC result as published (AlexNet, VGG, ResNet: ensembles)", "top5_ilsvrc",
         "diamond", BOUNDARY),
        ("torchvision's weights of this definition, one 224×224 crop", "top5_single",
         "circle-open", MUTED),
    ):  # fmt: skip
        known = [(lab, n) for lab, n in zip(labels, networks, strict=True) if getattr(n, attr)]
        fig.add_trace(
            trace(
                "scatter", x=[lab for lab, _ in known], y=[getattr(n, attr) for _, n in known],
                mode="markers+text", name=label, text=[f"{getattr(n, attr):.1f}" for _, n in known],
                textposition="middle right", textfont={"size": 11, "color": colour},
                marker={"symbol": symbol, "size": 11, "color": colour,
                        "line": {"width": 2, "color": colour}},
                hovertext=[f"{n.title}: {getattr(n, attr):g} % top-5 error" for _, n in known],
                hoverinfo="text",
            ),
            row=3, col=1,
        )  # fmt: skip
    base_layout(fig, height=600)
    fig.update_layout(
        legend={"orientation": "h", "yanchor": "top", "y": -0.12, "x": 0, "font": {"size": 12}},
        margin={"t": 30, "b": 10},
        bargap=0.35,
    )
    fig.update_yaxes(type="log", dtick=1, range=[4, 9.3], row=1, col=1)
    fig.update_yaxes(range=[0, 150], row=2, col=1)
    fig.update_yaxes(range=[0, 25], dtick=5, row=3, col=1, ticksuffix=" %")
    fig.update_xaxes(showgrid=False)
    # "14 years later": the axis is in network order, not to scale.
    for row in (1, 2, 3):
        fig.add_vline(x=0.5, line={"color": MUTED, "dash": "dot", "width": 1}, row=row, col=1)
    fig.add_annotation(
        x=0.5, y=1, yref="y2 domain", text="14 years", showarrow=False, xanchor="center",
        yanchor="bottom", font={"color": MUTED, "size": 11}, bgcolor="white",
    )  # fmt: skip
    fig.update_annotations(font={"size": 13})
    return fig.to_dict()


def _spatial(shape: Sequence[int]) -> int | None:
    return shape[1] if len(shape) == 3 else None


def shape_flow_figure(rows: Sequence[dict], input_shape: Sequence[int]) -> Spec:
    """Spatial size, channels and parameters of each row, from the input to the output.

    rows : summarize()'s rows. The input is drawn as the first bar.
    """
    names = ["input", *(r["layer"] for r in rows)]
    shapes = [tuple(input_shape), *(tuple(r["output_shape"]) for r in rows)]
    kinds = ["other", *(r["kind"] for r in rows)]
    colours = [BOUNDARY if i == 0 else KIND_COLOURS[k] for i, k in enumerate(kinds)]
    what = ["the image", *(r["what"] for r in rows)]
    params = [0, *(r["params"] for r in rows)]
    hover = [
        f"<b>{n}</b>: {w}<br>output {shape_text(s)}<br>{p:,} parameters"
        for n, w, s, p in zip(names, what, shapes, params, strict=True)
    ]
    fig = Fig.subplots(
        rows=3, cols=1, shared_xaxes=True, vertical_spacing=0.07,
        subplot_titles=("Spatial size H (height of the feature map; none after flattening)",
                        "Channels C (features after flattening), log scale",
                        "Parameters of the layer, log scale"),
    )  # fmt: skip
    spatial = [_spatial(s) for s in shapes]
    fig.add_trace(
        trace("bar", x=names, y=[s or 0 for s in spatial], marker={"color": colours},
              hovertext=hover, hoverinfo="text", name="H",
              text=[str(s) if s else "" for s in spatial], textposition="outside",
              cliponaxis=False, textfont={"size": 10}),
        row=1, col=1,
    )  # fmt: skip
    fig.add_trace(
        trace("bar", x=names, y=[s[0] for s in shapes], marker={"color": colours}, hovertext=hover,
               hoverinfo="text", name="C",
               text=[str(s[0]) for s in shapes] if len(shapes) <= 30 else None,
               textposition="outside", cliponaxis=False, textfont={"size": 10}),
        row=2, col=1,
    )  # fmt: skip
    fig.add_trace(
        trace("bar", x=names, y=[p or None for p in params], marker={"color": colours},
              hovertext=hover, hoverinfo="text", name="parameters"),
        row=3, col=1,
    )  # fmt: skip
    # A legend for the colours: one invisible point per kind present.
    for kind in dict.fromkeys(kinds[1:]):
        fig.add_trace(
            trace("scatter", x=[None], y=[None], mode="markers", name=KIND_NAMES[kind],
                       marker={"color": KIND_COLOURS[kind], "size": 10, "symbol": "square"}),
            row=1, col=1,
        )  # fmt: skip
    base_layout(fig, height=620)
    fig.update_layout(
        bargap=0.15, margin={"t": 70}, showlegend=True,
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.05, "x": 0},
    )  # fmt: skip
    for bars in fig.data[:3]:
        bars["showlegend"] = False
    # Log axes from 1 channel, and from just under the smallest layer with parameters.
    top_c = math.log10(max(s[0] for s in shapes))
    fig.update_yaxes(type="log", dtick=1, range=[-0.3, top_c + 0.35], row=2, col=1)
    nonzero = [p for p in params if p]
    fig.update_yaxes(
        type="log", dtick=1, row=3, col=1,
        range=[math.log10(min(nonzero)) - 0.5, math.log10(max(nonzero)) + 0.2],
    )  # fmt: skip
    fig.update_xaxes(tickangle=-60, tickfont={"size": 10 if len(names) < 40 else 8}, row=3, col=1)
    fig.update_annotations(font={"size": 13})
    return fig.to_dict()


def compare_figure(titles: Sequence[str], stats: Sequence[Totals]) -> Spec:
    """Where each network's parameters are: stacked bars by layer type, millions."""
    fig = Fig()
    for kind, colour in TYPE_COLOURS.items():
        values = [s.params_by_type[kind] / 1e6 for s in stats]
        fig.add_trace(
            trace(
                "bar", y=list(titles), x=values, name=kind, orientation="h",
                marker={"color": colour, "line": {"color": rgba(colour, 1.0), "width": 0}},
                text=[f"{v:.2f} M" if v >= 0.05 * max(s.params / 1e6 for s in stats) else ""
                      for v in values],
                textposition="inside", insidetextanchor="middle",
                hovertemplate="%{y}: %{x:.3f} M " + kind + " parameters<extra></extra>",
            )
        )  # fmt: skip
    base_layout(fig, height=240)
    fig.update_layout(barmode="stack", margin={"t": 40}, legend={"traceorder": "normal"})
    fig.update_xaxes(title="parameters (millions)")
    fig.update_yaxes(autorange="reversed", showgrid=False)
    return fig.to_dict()
