"""Home: the lecture's opening question and the map of lessons."""

import streamlit as st

from ui.lessons import SECTIONS, lessons_in

st.title("How to classify cats vs. dogs?")
st.markdown(
    """
A picture is a grid of numbers. To tell a cat from a dog, a program must turn those numbers into
one decision, and a **neural network** learns how from examples. This lab walks through one
lecture, from a single neuron to convolutional networks, and lets you *do* every slide: step an
algorithm, move a slider, and watch the mathematics change.

Artificial neural networks borrow one idea from the brain: **networks of simple, homogeneous
units** (neurons), each doing a simple operation. The power comes from how they are connected and
how their weights are learned.
"""
)

st.subheader("The lessons")
for section in SECTIONS[1:]:
    lessons = lessons_in(section)
    if not lessons:
        continue
    st.markdown(f"##### {section}")
    columns = st.columns(min(3, len(lessons)))
    for column, lesson in zip(columns * 3, lessons, strict=False):
        with column, st.container(border=True):
            st.page_link(lesson.path, label=lesson.title, icon=lesson.icon)
            st.caption(lesson.does)

st.divider()
st.caption(
    "Slides adapted from the lecture notes, after Alex Smola and Mu Li's "
    "[Berkeley STAT 157](https://courses.d2l.ai/berkeley-stat-157/index.html) course."
)
