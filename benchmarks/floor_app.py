"""Streamlit's own floor: the cheapest page a slider can drive (the reference of bench_interaction).

``?chart=heatmap`` adds one 100 x 100 plotly heatmap that follows the slider, the floor for a page
that redraws a chart.
"""

import numpy as np
import plotly.graph_objects as go
import streamlit as st

value = st.slider("Value", 0, 100, 50)
st.write(f"The value is {value}.")
if st.query_params.get("chart") == "heatmap":
    z = np.add.outer(np.arange(100), np.arange(100)) * value / 100
    st.plotly_chart(go.Figure(go.Heatmap(z=z)), key="heatmap")
