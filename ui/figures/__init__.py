"""Pure figure builders: arrays in, plotly Figures out (no streamlit here).

One module per lesson (``ui.figures.perceptron``, ...) so each stays small; shared layout helpers
live in ``ui.figures.common``.
"""
