"""The frame every lesson page shares: title, lecture summary, interactive part, quiz."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import streamlit as st

from ui.text import Message

Source = Literal["lecture", "ours"]
# The lecture's own questions keep its heading; the ones we wrote say so.
HEADINGS: dict[Source, str] = {"lecture": "Quiz break", "ours": "Check yourself"}
SOURCE_NOTES: dict[Source, str] = {
    "lecture": "The lecture's own quiz.",
    "ours": "Questions written for this lab, beyond the lecture's quiz.",
}
LETTERS = "ABCDEFGH"


def lesson_header(title: str, summary: str, formulas: Sequence[str] = ()) -> None:
    """Title, the lecture's words in short, and its formulas typeset with LaTeX."""
    st.title(title)
    st.markdown(summary)
    for formula in formulas:
        formula_row(formula)


_SEPARATOR = re.compile(r"\\qquad|\\quad")


def formula_parts(latex: str) -> list[str]:
    r"""Split a display formula where it is a row of separate pieces: at ``\quad`` and
    ``\qquad`` outside any braces or environment. A piece is never split."""
    parts, depth, env, start = [], 0, 0, 0
    i = 0
    while i < len(latex):
        c = latex[i]
        if c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
        elif latex.startswith("\\begin", i):
            env += 1
        elif latex.startswith("\\end", i):
            env -= 1
        elif (
            c == "\\"
            and depth == 0
            and env == 0
            and (m := _SEPARATOR.match(latex, i))
            and not latex[m.end() : m.end() + 1].isalpha()
        ):
            parts.append(latex[start:i])
            start = i = m.end()
            continue
        i += 1
    parts.append(latex[start:])
    return [p for p in map(_trim, parts) if p]


def _trim(part: str) -> str:
    """A piece without the spaces and commas that separated it ("a = 1,\\quad b"); a thin
    space ``\\,`` at its end is LaTeX, not a separator, and stays."""
    part = part.strip().lstrip(",").strip()
    while part.endswith(",") and not part.endswith("\\,"):
        part = part[:-1].rstrip()
    return part


def formula_row(latex: str) -> None:
    """A display formula that is never cut off: its pieces side by side, centred, wrapping onto
    the next line where the screen is narrow (a phone, a projector at 1100 px)."""
    parts = formula_parts(latex)
    if len(parts) == 1:
        st.latex(latex)
        return
    with st.container(horizontal=True, horizontal_alignment="center", gap="medium"):
        for part in parts:
            st.markdown(f"$\\displaystyle {part}$", width="content")


@dataclass(frozen=True)
class QuizQuestion:
    key: str  # session-state key prefix, unique across the app (lesson name first)
    question: str
    options: Sequence[str]
    answer: int  # index into options
    explanation: str
    source: Source  # the lecture's question, or one we wrote: decides its heading
    hint: str = ""  # shown after a first wrong answer, before the answer is given away

    def __post_init__(self) -> None:
        if not 0 <= self.answer < len(self.options):
            raise ValueError(f"{self.key}: answer {self.answer} is not one of the options")
        if self.source not in HEADINGS:
            raise ValueError(f"{self.key}: source must be 'lecture' or 'ours'")


@dataclass(frozen=True)
class Feedback:
    """What the learner is told after checking an answer."""

    kind: Literal["correct", "retry", "reveal"]
    text: str


def feedback(q: QuizQuestion, choice: int, attempt: int) -> Feedback:
    """The verdict on ``choice`` at the learner's ``attempt``-th check (from 1).

    A first wrong answer earns a hint and a second try; the answer is revealed only after that.
    """
    labels = option_labels(q)
    if choice == q.answer:
        return Feedback("correct", f"Correct: {labels[q.answer]}. {q.explanation}")
    if attempt <= 1:
        hint = f" Hint: {q.hint}" if q.hint else ""
        return Feedback("retry", f"Not quite: {labels[choice]} is not it.{hint} Try again.")
    return Feedback(
        "reveal",
        f"Not quite: {labels[choice]} is not it. The answer is {labels[q.answer]}. {q.explanation}",
    )


def option_labels(q: QuizQuestion) -> list[str]:
    return [f"{LETTERS[i]}. {opt}" for i, opt in enumerate(q.options)]


def quiz(questions: Sequence[QuizQuestion]) -> None:
    """The quiz at the end of a lesson, grouped by source: the lecture's questions under its
    heading "Quiz break", ours under "Check yourself". Each question is a fragment: checking
    an answer reruns that question only."""
    for source, heading in HEADINGS.items():
        group = [q for q in questions if q.source == source]
        if not group:
            continue
        st.divider()
        st.subheader(heading, help=SOURCE_NOTES[source])
        for q in group:
            _quiz_question(q)


@st.fragment
def _quiz_question(q: QuizQuestion) -> None:
    labels = option_labels(q)
    state = st.session_state
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
        checked_key, tries_key = f"{q.key}_checked", f"{q.key}_tries"
        if st.button("Check answer", key=f"{q.key}_check", disabled=choice is None):
            state[checked_key] = choice
            state[tries_key] = state.get(tries_key, 0) + 1
        checked = state.get(checked_key)
        if checked is None or checked != choice:
            return
        verdict = feedback(q, checked, state.get(tries_key, 1))
        {"correct": st.success, "retry": st.warning, "reveal": st.error}[verdict.kind](verdict.text)


def say(messages: Sequence[Message]) -> None:
    """Show text builders' messages, each in its kind of box."""
    for m in messages:
        if m.kind in ("markdown", "caption"):
            getattr(st, m.kind)(m.text)
        else:
            getattr(st, m.kind)(m.text, icon=m.icon)
