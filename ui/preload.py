"""Import, once and before learners' sessions run, what would otherwise be imported lazily in them.

Streamlit runs every session's script in a thread of its own. A module imported for the first
time inside a script is imported in whichever session gets there first, while the other sessions
run on. Python's import lock makes a plain second `import pandas` wait, but plotly does not import
pandas: it looks it up with `sys.modules.get("pandas")` (`_plotly_utils.optional_imports`,
`should_load=False`) and so sees a module that another session is still importing, and the page
crashes with "partially initialized module 'pandas' has no attribute 'Series'" (plotly.py issue
2433). On a fresh server that happened to 4 of 10 learners arriving at once.

So everything is imported here, in one go: app.py imports this module first, so the first session
imports it and any session arriving meanwhile waits at `import ui.preload` for the module lock
(a plain import); `scripts/serve.py` (the `make classroom` and Docker launcher) imports it in the
main thread before the server even listens. The list comes from a fresh server run with an
import audit hook while a virtual learner walked every lesson and moved its controls: what was
imported in script threads. `tests/e2e/test_import_race.py` guards it.
"""

from __future__ import annotations

import importlib
import pkgutil

# Third-party modules the lessons, plotly and Streamlit's element code import on first use.
LAZY_MODULES = (
    "numpy",
    "numpy.random",
    "pandas",
    "pandas.io.formats.style",  # Streamlit checks for a Styler (jinja2 behind it) on tables
    "pyarrow",
    "pyarrow.pandas_compat",  # pandas -> Arrow for st.dataframe and st.table
    "narwhals",
    "narwhals._interchange.dataframe",
    "PIL.Image",
    "PIL.ImageOps",
    "plotly.graph_objects",
    "plotly.io",
    "plotly.io._utils",
    "plotly.io.json",
    "plotly.offline",
    "plotly.tools",
    "plotly.animation",
    "streamlit.emojis",
    "streamlit.material_icon_names",
    "streamlit.dataframe.lazy_df_adapters",
    "streamlit.elements.lib.streamlit_plotly_theme",
    "_strptime",  # datetime.strptime's first call imports it, and it has its own race
    "zoneinfo",
)

# The project's own packages: the lesson scripts are executed per run, but what they import
# from these is imported once, here.
OWN_PACKAGES = ("engine", "ui")


def _import_all() -> None:
    for name in LAZY_MODULES:
        importlib.import_module(name)
    for package_name in OWN_PACKAGES:
        package = importlib.import_module(package_name)
        for info in pkgutil.walk_packages(package.__path__, prefix=f"{package_name}."):
            if info.name != __name__:
                importlib.import_module(info.name)


def _warm_plotly() -> None:
    """Build and serialise one figure of every trace type the lessons draw, as st.plotly_chart
    does: plotly imports each trace type's validators the first time one is built."""
    import numpy as np
    import plotly.graph_objects as go
    import plotly.io
    import plotly.tools
    from PIL import Image

    z = np.arange(6.0).reshape(2, 3)
    figure = go.Figure(
        data=[
            go.Scatter(x=[0, 1], y=[1, 0], mode="lines+markers", customdata=z, text=["a", "b"]),
            go.Bar(x=["a", "b"], y=[1, 2]),
            go.Heatmap(z=z, colorscale="RdBu"),
            go.Contour(z=z),
            go.Image(z=np.zeros((2, 2, 3))),
        ],
        frames=[go.Frame(data=[go.Scatter(x=[0], y=[0])], name="0")],
        layout=go.Layout(title="warm-up", xaxis={"title": "x"}, sliders=[], updatemenus=[]),
    )
    figure = plotly.tools.return_figure_from_figure_or_data(figure, validate_figure=True)
    plotly.io.to_json(figure, validate=False)
    Image.init()  # Pillow imports its format plugins on the first open(); do it now


_import_all()
_warm_plotly()
