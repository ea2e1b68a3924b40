"""The frame every lesson page shares: title, lecture summary, interactive part, quiz."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import streamlit as st


def lesson_header(title: str, summary: str, formulas: Sequence[str] = ()) -> None:
    """Title, the lecture's words in short, and its formulas typeset with LaTeX."""
    st.title(title)
    st.markdown(summary)
    for formula in formulas:
        st.latex(formula)


@dataclass(frozen=True)
class QuizQuestion:
    key: str  # session-state key prefix, unique across the app (lesson name first)
    question: str
    options: Sequence[str]
    answer: int  # index into options
    explanation: str


def quiz(questions: Sequence[QuizQuestion], *, heading: str = "Quiz break") -> None:
    """The lecture's quiz questions: pick, check, and read why.

    The explanation is shown only after an answer is checked, so the learner commits first.
    """
    st.divider()
    st.subheader(heading)
    for q in questions:
        _quiz_question(q)


def _quiz_question(q: QuizQuestion) -> None:
    letters = "ABCDEFGH"
    labels = [f"{letters[i]}. {opt}" for i, opt in enumerate(q.options)]
    with st.container(border=True):
        st.markdown(f"**{q.question}**")
        choice = st.radio(
            q.question,
            range(len(labels)),
            format_func=lambda i: labels[i],
            index=None,
            key=f"{q.key}_choice",
            label_visibility="collapsed",
        )
        checked_key = f"{q.key}_checked"
        if st.button("Check answer", key=f"{q.key}_check", disabled=choice is None):
            st.session_state[checked_key] = choice
        checked = st.session_state.get(checked_key)
        if checked is None or checked != choice:
            return
        if checked == q.answer:
            st.success(f"Correct: {labels[q.answer]}. {q.explanation}")
        else:
            st.error(
                f"Not quite: {labels[checked]} is not it. The answer is {labels[q.answer]}. "
                f"{q.explanation}"
            )
