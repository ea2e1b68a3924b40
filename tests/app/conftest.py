import base64
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import plotly.graph_objects as go
import pytest
import streamlit as st
from streamlit import config
from streamlit.testing.v1 import AppTest

from ui import charts as ui_charts

ROOT = Path(__file__).resolve().parents[2]

# The app hides exception details from learners (.streamlit/config.toml); a failing test should
# say what went wrong.
config.set_option("client.showErrorDetails", "full")

_validated: set[bytes] = set()


def validate_charts(at: AppTest) -> None:
    """Every chart a page sends is a valid plotly figure.

    The lab builds its figures as plain dicts (ui/figures/spec.py) and sends them unvalidated for
    speed; here plotly's own validators check each distinct one, so a misspelt property or a
    wrong value type fails a test instead of drawing nothing in a learner's browser.
    """
    for chart in at.get("plotly_chart"):
        spec = chart.proto.spec
        digest = hashlib.sha1(spec.encode()).digest()
        if digest not in _validated:
            go.Figure(json.loads(spec))  # raises ValueError on anything plotly does not know
            _validated.add(digest)


@pytest.fixture(autouse=True, scope="session")
def _every_run_validates_its_charts():
    original = AppTest._run

    def run_and_validate(self, *args, **kwargs):
        result = original(self, *args, **kwargs)
        validate_charts(self)
        return result

    AppTest._run = run_and_validate
    yield
    AppTest._run = original


@dataclass
class ChartLog:
    built: list[str] = field(default_factory=list)  # builders that ran (cache misses)
    sent: list[str] = field(default_factory=list)  # chart keys sent to the page

    def clear(self) -> None:
        self.built.clear()
        self.sent.clear()


@pytest.fixture
def chart_log():
    """Which charts a run built and sent: the check that a control in one section of a lesson
    does not rebuild the charts of another."""
    st.cache_resource.clear()  # what other tests built in this process would hide the builds
    log = ChartLog()
    ui_charts.build_listener, ui_charts.listener = log.built.append, log.sent.append
    yield log
    ui_charts.build_listener = ui_charts.listener = None


def specs(at: AppTest) -> dict[str, str]:
    """Every chart on the page by key (the spec as sent)."""
    return {c.proto.id.rsplit("-", 1)[-1]: c.proto.spec for c in at.get("plotly_chart")}


def charts(at: AppTest) -> dict[str, dict]:
    """Every chart on the page by key, as the figure dict the browser gets."""
    return {key: json.loads(spec) for key, spec in specs(at).items()}


def chart(at: AppTest, key: str) -> dict:
    """The chart whose key is ``key``, as a figure dict; fails naming the keys the page has."""
    sent = specs(at)
    assert key in sent, f"no chart {key!r} on the page; it has {sorted(sent)}"
    return json.loads(sent[key])


def array(value) -> np.ndarray:
    """A trace array of a figure dict as floats: a list (None for a gap: NaN), or the typed
    array plotly writes a NumPy array as ({"dtype", "bdata", "shape"})."""
    if isinstance(value, dict) and "bdata" in value:
        flat = np.frombuffer(base64.b64decode(value["bdata"]), dtype=value["dtype"])
        shape = [int(n) for n in str(value.get("shape", flat.size)).split(",")]
        return flat.reshape(shape).astype(float)
    return np.asarray(value, dtype=float)


@pytest.fixture
def run_page():
    """Run one page script in AppTest and return it, after checking it raised nothing."""

    def _run(page: str, *, timeout: float = 60) -> AppTest:
        at = AppTest.from_file(str(ROOT / page), default_timeout=timeout)
        at.run()
        assert not at.exception, [e.value for e in at.exception]
        return at

    return _run


# What a hand-edited or mangled link may hold; every lesson must open with any of these in any
# of its URL parameters (issue 13).
JUNK = ("inf", "-inf", "nan", "1e999", "99999999999999999999", "", "é", "😀", "x" * 5000)


def rerun(at_or_widget) -> AppTest:
    """Run the page (an AppTest, or a widget just set or clicked) and check it raised nothing."""
    at = at_or_widget.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def open_with(page: str, params: dict[str, str], *, timeout: float = 60) -> AppTest:
    """A fresh session that opens ``page`` from a link with ``params``; no exception allowed."""
    at = AppTest.from_file(str(ROOT / page), default_timeout=timeout)
    at.query_params.update(params)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at
