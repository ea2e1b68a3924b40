"""Router: page config, navigation over the lesson pages, and the shared sidebar."""

import streamlit as st

import ui.preload  # noqa: F401  (first: imports what sessions would race to import; see there)
from ui.lessons import LESSONS, SECTIONS

st.set_page_config(
    page_title="Neural-network lab",
    page_icon=":material/neurology:",
    layout="wide",
    initial_sidebar_state="expanded",
)

home = st.Page("lessons/home.py", title="Cats vs. dogs?", icon=":material/home:", default=True)
navigation: dict[str, list] = {"Start": [home]}
for section in SECTIONS[1:]:
    pages = [
        st.Page(lesson.path, title=lesson.title, icon=lesson.icon, url_path=lesson.url_path)
        for lesson in LESSONS
        if lesson.section == section
    ]
    if pages:
        navigation[section] = pages

current = st.navigation(navigation)

with st.sidebar:
    st.caption(
        "An interactive lecture: from one perceptron to convolutional networks. "
        "Every number on these pages is computed live by a small NumPy engine."
    )

current.run()
