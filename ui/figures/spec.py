"""Plotly figures as plain dicts, with the few parts of plotly's Figure API the lab uses.

Why not ``plotly.graph_objects``: every ``go.Scatter`` and every ``update_layout`` validates each
property through plotly's validator classes. That made building the figures most of the cost of a
click (20-90 ms a chart, half a second for an animated one), although the same figure as a dict
costs microseconds and plotly.js draws both alike. Here a figure is a dict from the start:

    fig = Fig()                                   # or Fig.subplots(rows=1, cols=2, ...)
    fig.add_trace(trace("scatter", x=x, y=y, mode="lines"), row=1, col=2)
    fig.update_layout(height=300)
    fig.update_xaxes(title="epochs", row=1, col=2)
    spec = fig.to_dict()

Validation moved to the tests: every chart a page sends is checked by ``go.Figure(spec)`` in the
AppTest suite (tests/app/conftest.py), so a misspelt property still fails a test.

Semantics follow plotly's: ``update_*`` merge nested dicts and replace everything else; a string
``title`` means ``{"text": ...}``; ``make_subplots``' domains, axis names and subplot titles are
reproduced by ``Fig.subplots``. No "magic underscore" paths: write nested dicts.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

Spec = dict[str, Any]


def trace(kind: str, **props: Any) -> Spec:
    """A trace of plotly type ``kind`` ("scatter", "heatmap", "bar", ...)."""
    return {"type": kind, **props}


def merge(base: dict, update: dict) -> dict:
    """Plotly's update rule, in place: nested dicts merge, everything else is replaced."""
    for key, value in update.items():
        if isinstance(value, dict) and isinstance(base.get(key), dict):
            merge(base[key], value)
        else:
            base[key] = _titles(value) if isinstance(value, dict) else value
        if key == "title" and isinstance(base[key], str):
            base[key] = {"text": base[key]}
    return base


def _titles(value: dict) -> dict:
    """A copy of ``value`` with every string ``title`` turned into ``{"text": title}``."""
    out = {}
    for key, v in value.items():
        if key == "title" and isinstance(v, str):
            out[key] = {"text": v}
        elif isinstance(v, dict):
            out[key] = _titles(v)
        else:
            out[key] = v
    return out


def _axis_name(kind: str, k: int) -> str:
    return kind if k == 1 else f"{kind}{k}"


def _domains(n: int, spacing: float, weights: Sequence[float] | None) -> list[tuple[float, float]]:
    """make_subplots' split of [0, 1] into n cells with ``spacing`` between them."""
    weights = list(weights) if weights else [1.0] * n
    total = sum(weights)
    room = 1.0 - spacing * (n - 1)
    out, start = [], 0.0
    for w in weights:
        size = room * w / total
        out.append((start, start + size))
        start += size + spacing
    return out


class Fig:
    """A figure under construction: ``data`` (traces), ``layout``, optional ``frames``."""

    def __init__(self, *traces: Spec, layout: Spec | None = None) -> None:
        self.data: list[Spec] = [_titles(t) for t in traces]
        self.layout: Spec = {}
        self.frames: list[Spec] = []
        self._grid: dict[tuple[int, int], int] = {(1, 1): 1}
        if layout:
            merge(self.layout, layout)

    @classmethod
    def subplots(
        cls,
        rows: int = 1,
        cols: int = 1,
        *,
        shared_xaxes: bool = False,
        shared_yaxes: bool = False,
        horizontal_spacing: float | None = None,
        vertical_spacing: float | None = None,
        column_widths: Sequence[float] | None = None,
        row_heights: Sequence[float] | None = None,
        subplot_titles: Iterable[str] | None = None,
    ) -> Fig:
        """As ``plotly.subplots.make_subplots`` with its default ``start_cell="top-left"``."""
        fig = cls()
        h = 0.2 / cols if horizontal_spacing is None else horizontal_spacing
        if vertical_spacing is None:  # plotly leaves more room between rows for their titles
            vertical_spacing = (0.5 if subplot_titles is not None else 0.3) / rows
        v = vertical_spacing
        xs = _domains(cols, h, column_widths)
        # Rows are numbered from the top; domains are measured from the bottom.
        ys = _domains(rows, v, list(reversed(row_heights)) if row_heights else None)[::-1]
        fig._grid = {}
        for r in range(1, rows + 1):
            for c in range(1, cols + 1):
                k = (r - 1) * cols + c
                fig._grid[(r, c)] = k
                x_axis: Spec = {"anchor": _axis_name("y", k), "domain": list(xs[c - 1])}
                y_axis: Spec = {"anchor": _axis_name("x", k), "domain": list(ys[r - 1])}
                if shared_xaxes and r < rows:
                    x_axis["matches"] = _axis_name("x", (rows - 1) * cols + c)
                    x_axis["showticklabels"] = False
                if shared_yaxes and c > 1:
                    y_axis["matches"] = _axis_name("y", (r - 1) * cols + 1)
                    y_axis["showticklabels"] = False
                fig.layout[_axis_name("xaxis", k)] = x_axis
                fig.layout[_axis_name("yaxis", k)] = y_axis
        titles = list(subplot_titles or ())
        annotations = []
        for i, text in enumerate(titles):
            if not text:
                continue
            r, c = divmod(i, cols)
            x0, x1 = xs[c]
            annotations.append(
                {
                    "text": text,
                    "x": (x0 + x1) / 2,
                    "y": ys[r][1],
                    "xref": "paper",
                    "yref": "paper",
                    "xanchor": "center",
                    "yanchor": "bottom",
                    "showarrow": False,
                    "font": {"size": 16},
                }
            )
        if annotations:
            fig.layout["annotations"] = annotations
        return fig

    # -- traces -------------------------------------------------------------------------------

    def _cell(self, row: int | None, col: int | None) -> int:
        if row is None and col is None:
            return 1
        return self._grid[(row or 1, col or 1)]

    def add_trace(self, t: Spec, *, row: int | None = None, col: int | None = None) -> Fig:
        t = dict(t)
        if row is not None or col is not None:  # as plotly: a placed trace names its axes
            k = self._cell(row, col)
            t["xaxis"], t["yaxis"] = _axis_name("x", k), _axis_name("y", k)
        self.data.append(_titles(t))
        return self

    def add_traces(self, traces: Iterable[Spec]) -> Fig:
        for t in traces:
            self.add_trace(t)
        return self

    # -- layout -------------------------------------------------------------------------------

    def update_layout(self, layout: Spec | None = None, **props: Any) -> Fig:
        merge(self.layout, {**(layout or {}), **props})
        return self

    def _axes(self, kind: str, row: int | None, col: int | None) -> list[str]:
        if row is None and col is None:
            ks = sorted(set(self._grid.values()))
        else:
            ks = [
                k
                for (r, c), k in self._grid.items()
                if (row is None or r == row) and (col is None or c == col)
            ]
        return [_axis_name(kind, k) for k in ks]

    def update_xaxes(self, *, row: int | None = None, col: int | None = None, **props: Any) -> Fig:
        for name in self._axes("xaxis", row, col):
            merge(self.layout.setdefault(name, {}), props)
        return self

    def update_yaxes(self, *, row: int | None = None, col: int | None = None, **props: Any) -> Fig:
        for name in self._axes("yaxis", row, col):
            merge(self.layout.setdefault(name, {}), props)
        return self

    def _refs(self, row: int | None, col: int | None) -> tuple[str, str]:
        k = self._cell(row, col)
        return _axis_name("x", k), _axis_name("y", k)

    def add_annotation(
        self, *, row: int | None = None, col: int | None = None, **props: Any
    ) -> Fig:
        xref, yref = self._refs(row, col)
        note = {"xref": xref, "yref": yref, **props}
        self.layout.setdefault("annotations", []).append(_titles(note))
        return self

    def update_annotations(self, **props: Any) -> Fig:
        """Merge ``props`` into every annotation (subplot titles included)."""
        for note in self.layout.get("annotations", []):
            merge(note, props)
        return self

    def add_shape(self, *, row: int | None = None, col: int | None = None, **props: Any) -> Fig:
        xref, yref = self._refs(row, col)
        self.layout.setdefault("shapes", []).append({"xref": xref, "yref": yref, **props})
        return self

    def _line_cells(self, row: int | None, col: int | None) -> list[int]:
        """Where a line goes: as plotly, a subplot grid draws it in every cell unless placed."""
        if row is None and col is None:
            return sorted(set(self._grid.values()))
        return [self._cell(row, col)]

    def add_hline(
        self, y: float, *, row: int | None = None, col: int | None = None, **props: Any
    ) -> Fig:
        """A horizontal line across the plot at ``y`` (as plotly's add_hline)."""
        for k in self._line_cells(row, col):
            line = {"type": "line", "xref": f"{_axis_name('x', k)} domain", "x0": 0, "x1": 1}
            line |= {"yref": _axis_name("y", k), "y0": y, "y1": y}
            self.layout.setdefault("shapes", []).append({**line, **props})
        return self

    def add_vline(
        self, x: float, *, row: int | None = None, col: int | None = None, **props: Any
    ) -> Fig:
        """A vertical line across the plot at ``x`` (as plotly's add_vline)."""
        for k in self._line_cells(row, col):
            line = {"type": "line", "xref": _axis_name("x", k), "x0": x, "x1": x}
            line |= {"yref": f"{_axis_name('y', k)} domain", "y0": 0, "y1": 1}
            self.layout.setdefault("shapes", []).append({**line, **props})
        return self

    def add_layout_image(self, **props: Any) -> Fig:
        self.layout.setdefault("images", []).append(props)
        return self

    def to_dict(self) -> Spec:
        spec: Spec = {"data": self.data, "layout": self.layout}
        if self.frames:
            spec["frames"] = self.frames
        return spec
