"""Router: page config, navigation over the lesson pages, and the shared sidebar."""

from pathlib import Path

import streamlit as st

import ui.preload  # noqa: F401  (first: imports what sessions would race to import; see there)
from ui.lessons import APP_TITLE, HOME_TITLE, LESSONS, SECTIONS

APP_CSS = "<style>" + (Path(__file__).parent / "ui" / "static" / "app.css").read_text() + "</style>"

# "auto": open beside the lesson on a wide screen, closed on a phone, where it would cover the
# page's buttons until the learner found how to close it.
st.set_page_config(
    page_title=APP_TITLE,
    page_icon=":material/neurology:",
    layout="wide",
    initial_sidebar_state="auto",
)

home = st.Page("lessons/home.py", title=HOME_TITLE, icon=":material/home:", default=True)
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
# Each lesson its own browser title, so tabs, history and bookmarks say which lesson is open.
st.set_page_config(page_title=f"{current.title} · {APP_TITLE}")

st.html(APP_CSS)  # a style-only block: it takes no room on the page

with st.sidebar:
    st.caption(
        "An interactive lecture: from one perceptron to convolutional networks. "
        "Every number on these pages is computed live by a small NumPy engine."
    )

current.run()
