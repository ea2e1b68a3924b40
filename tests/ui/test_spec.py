"""ui.figures.spec builds the same figures as plotly's own API (checked against plotly)."""

from __future__ import annotations

import plotly.graph_objects as go
import pytest
from plotly.subplots import make_subplots

from ui.figures.spec import Fig, trace


def _layout(fig) -> dict:
    layout = fig.to_dict()["layout"]
    layout.pop("template", None)
    return layout


def _close(a, b) -> None:
    """Equal dicts, with floats compared to 1e-9 (plotly rounds its domains a little)."""
    if isinstance(a, dict):
        assert set(a) == set(b), (sorted(a), sorted(b))
        for key in a:
            _close(a[key], b[key])
    elif isinstance(a, list | tuple):
        assert len(a) == len(b)
        for x, y in zip(a, b, strict=True):
            _close(x, y)
    elif isinstance(a, float) or isinstance(b, float):
        assert a == pytest.approx(b, abs=1e-9)
    else:
        assert a == b


@pytest.mark.parametrize(
    "kwargs",
    [
        {"rows": 1, "cols": 2, "subplot_titles": ("loss", "accuracy"), "horizontal_spacing": 0.2},
        {"rows": 1, "cols": 3, "column_widths": [5, 3, 4], "horizontal_spacing": 0.07},
        {
            "rows": 3,
            "cols": 1,
            "shared_xaxes": True,
            "vertical_spacing": 0.09,
            "row_heights": [0.4, 0.3, 0.3],
            "subplot_titles": ("a", "b", "c"),
        },
        {"rows": 2, "cols": 3, "subplot_titles": ("a", "b", "c", "d", "e", "f")},
        {"rows": 2, "cols": 2},
    ],
)
def test_subplots_match_make_subplots(kwargs):
    ours = Fig.subplots(**kwargs)
    theirs = make_subplots(**kwargs)
    _close(_layout(ours), _layout(theirs))


def test_traces_in_cells_and_axis_updates_match_plotly():
    ours, theirs = Fig.subplots(rows=1, cols=2), make_subplots(rows=1, cols=2)
    for fig, make in ((ours, lambda **k: trace("scatter", **k)), (theirs, go.Scatter)):
        fig.add_trace(make(x=[1, 2], y=[2, 1], name="left"), row=1, col=1)
        fig.add_trace(make(x=[1, 2], y=[1, 2], name="right"), row=1, col=2)
        fig.update_xaxes(title="epoch", range=[0, 3])
        fig.update_yaxes(type="log", row=1, col=2)
        fig.update_layout(height=300, margin={"l": 10}, legend={"orientation": "h"})
        fig.update_layout(margin={"t": 5})  # merges with the earlier margin
        fig.add_hline(y=1.5, line={"dash": "dot"}, row=1, col=2)
        fig.add_vline(x=2, line={"color": "#000000"})
        fig.add_annotation(x=1, y=1, text="here", showarrow=False, row=1, col=2)
    a, b = ours.to_dict(), theirs.to_dict()
    assert a["data"] == [{k: v for k, v in t.items()} for t in b["data"]]
    _close(_layout(ours), _layout(theirs))


def test_string_titles_become_objects_everywhere():
    fig = Fig(trace("heatmap", z=[[1]], colorbar={"title": "loss"}))
    fig.update_layout(title="Top")
    fig.update_xaxes(title="x")
    spec = fig.to_dict()
    assert spec["layout"]["title"] == {"text": "Top"}
    assert spec["layout"]["xaxis"]["title"] == {"text": "x"}
    assert spec["data"][0]["colorbar"]["title"] == {"text": "loss"}
    go.Figure(spec)  # valid


def test_update_annotations_reaches_subplot_titles_as_plotly_does():
    ours = Fig.subplots(rows=1, cols=2, subplot_titles=("a", "b"))
    theirs = make_subplots(rows=1, cols=2, subplot_titles=("a", "b"))
    ours.update_annotations(font={"size": 13})
    theirs.update_annotations(font_size=13)
    _close(_layout(ours), _layout(theirs))
