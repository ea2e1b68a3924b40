"""Figures for the loss-functions lesson: scores and softmax probabilities, the quiz's bars, the
two branches of binary cross-entropy, and squared loss against cross-entropy."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from engine.loss_lesson import BinaryComparison, SoftmaxExplained
from ui.figures.common import base_layout
from ui.figures.spec import Fig, Spec, trace
from ui.formatting import num, power_of_ten
from ui.style import BOUNDARY, HIGHLIGHT, MUTED, NEGATIVE, POSITIVE, class_colour, rgba

CE_COLOUR = BOUNDARY  # cross-entropy, wherever it is drawn
SQUARED_COLOUR = "#009E73"  # the squared loss beside it
OTHER_CLASS = "#C4CCD8"  # probability bars of the classes that are not the true one


def _fmt(v: float, digits: int = 3) -> str:
    """Every decimal kept, so the bars' labels line up (the app's one formatter)."""
    return num(v, digits=digits, trim=False)


def _prob_label(p: float) -> str:
    """A bar's probability: 3 decimals, or powers of ten where 3 decimals would show 0.000."""
    return _fmt(p) if p >= 0.001 else power_of_ten(p, digits=2, style="html")


def softmax_figure(ex: SoftmaxExplained, *, height: int = 330) -> Spec:
    """Scores f_j (signed colours) → softmax → probabilities p_j (the true class highlighted).

    The true class is named in its tick label ("class 1 = y") and its bar carries its value like
    every other bar: a floating note would cover a neighbour's label when p_y is small.
    """
    true = ex.label - 1
    classes = [f"class {j}" for j in range(1, ex.k + 1)]
    ticks = [f"<b>class {j} = y</b>" if j - 1 == true else c for j, c in enumerate(classes, 1)]
    fig = Fig.subplots(
        rows=1,
        cols=2,
        column_widths=[0.42, 0.58],
        horizontal_spacing=0.1,
        subplot_titles=("scores f (logits)", "softmax probabilities p"),
    )
    fig.add_trace(
        trace(
            "bar",
            x=classes,
            y=[float(v) for v in ex.logits],
            marker={"color": [POSITIVE if v >= 0 else NEGATIVE for v in ex.logits]},
            text=[_fmt(v, 2) for v in ex.logits],
            textposition="outside",
            cliponaxis=False,
            hovertemplate="%{x}: f = %{y:.3f}<extra></extra>",
            name="scores",
        ),
        row=1,
        col=1,
    )
    fig.add_trace(
        trace(
            "bar",
            x=classes,
            y=[float(v) for v in ex.probs],
            marker={
                "color": [HIGHLIGHT if j == true else OTHER_CLASS for j in range(ex.k)],
                "line": {"color": [BOUNDARY if j == true else OTHER_CLASS for j in range(ex.k)]},
            },
            text=[_prob_label(float(v)) for v in ex.probs],
            textposition="outside",
            textfont={"color": [HIGHLIGHT if j == true else MUTED for j in range(ex.k)]},
            cliponaxis=False,
            hovertemplate="%{x}: p = %{y:.4g}<extra></extra>",
            name="probabilities",
        ),
        row=1,
        col=2,
    )
    base_layout(fig, height=height)
    fig.update_layout(showlegend=False, margin={"t": 40, "b": 10}, bargap=0.35)
    lim = max(6.0, float(np.abs(ex.logits).max()) + 1)
    # Only under the probabilities: the narrower scores plot would tilt its labels on a phone.
    fig.update_xaxes(tickvals=classes, ticktext=ticks, row=1, col=2)
    fig.update_yaxes(range=[-lim, lim], row=1, col=1)
    fig.update_yaxes(range=[0, 1.12], row=1, col=2)
    return fig.to_dict()


def quiz_figure(probs: Sequence[float], *, height: int = 300) -> Spec:
    """The quiz's bar chart: output probabilities on classes 1 to 5, nothing highlighted."""
    classes = [str(j) for j in range(1, len(probs) + 1)]
    fig = Fig(
        trace(
            "bar",
            x=classes,
            y=list(probs),
            marker={"color": MUTED},
            text=[f"{p:g}" for p in probs],
            textposition="outside",
            cliponaxis=False,
            hovertemplate="class %{x}: %{y}<extra></extra>",
        )
    )
    base_layout(fig, height=height, title="Output probabilities")
    fig.update_xaxes(title="class", type="category")
    fig.update_yaxes(range=[0, 1.05], title="p")
    return fig.to_dict()


def bce_figure(p_grid: np.ndarray, minus_log_p: np.ndarray, minus_log_1mp: np.ndarray,
               *, p: float, y: int, loss: float, height: int = 380) -> Spec:  # fmt: skip
    """−log p (label 1) and −log(1 − p) (label 0) over p, with the current (p, loss) marked."""
    fig = Fig()
    curves = ((1, minus_log_p, "y = 1: ℓ = −log p"), (0, minus_log_1mp, "y = 0: ℓ = −log(1 − p)"))
    for label, values, name in curves:
        active = label == y
        fig.add_trace(
            trace(
                "scatter",
                x=p_grid,
                y=values,
                mode="lines",
                name=name,
                line={
                    "color": class_colour(label) if active else rgba(class_colour(label), 0.45),
                    "width": 3.5 if active else 2,
                    "dash": "solid" if active else "dot",
                },
                hovertemplate="p = %{x:.3f}<br>ℓ = %{y:.3f}<extra></extra>",
            )
        )
    fig.add_trace(
        trace(
            "scatter",
            x=[p],
            y=[loss],
            mode="markers+text",
            marker={"size": 14, "color": class_colour(y), "line": {"color": "white", "width": 2}},
            text=[f"ℓ = −log p<sub>{y}</sub> = {_fmt(loss)}"],
            textposition="top right" if p < 0.6 else "top left",
            showlegend=False,
            hoverinfo="skip",
        )
    )
    base_layout(fig, height=height)
    fig.update_xaxes(title="p = p(y = 1 | x), the network's output", range=[0, 1])
    fig.update_yaxes(title="loss ℓ", range=[0, 5])
    return fig.to_dict()


def comparison_figure(cmp: BinaryComparison, *, z_now: float, height: int = 400) -> Spec:
    """Left: both losses against the score z. Right: their slopes ∂ℓ/∂z (what training uses)."""
    fig = Fig.subplots(
        rows=1,
        cols=2,
        horizontal_spacing=0.1,
        subplot_titles=("loss ℓ", "gradient ∂ℓ/∂z (the push on the score)"),
    )
    series = (
        ("cross-entropy", cmp.ce, cmp.grad_ce, CE_COLOUR, "solid"),
        ("squared loss (p − y)²", cmp.squared, cmp.grad_squared, SQUARED_COLOUR, "dash"),
    )
    for name, values, grads, colour, dash in series:
        for col, ys in ((1, values), (2, grads)):
            fig.add_trace(
                trace(
                    "scatter",
                    x=cmp.z,
                    y=ys,
                    mode="lines",
                    name=name,
                    legendgroup=name,
                    showlegend=col == 1,
                    line={"color": colour, "width": 3, "dash": dash},
                    hovertemplate="z = %{x:.2f}<br>%{y:.4f}<extra>" + name + "</extra>",
                ),
                row=1,
                col=col,
            )
    for col in (1, 2):
        fig.add_vline(x=z_now, line={"color": HIGHLIGHT, "width": 2}, row=1, col=col)
    base_layout(fig, height=height)
    fig.update_layout(margin={"t": 60}, legend={"y": 1.12})
    fig.update_xaxes(title="score z (p = σ(z))")
    return fig.to_dict()
