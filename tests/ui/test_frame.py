"""ui.frame's quiz logic: a hint and a second try before the answer is given away; the source of
a question decides its heading."""

from __future__ import annotations

import pytest

from ui import quizzes
from ui.frame import HEADINGS, QuizQuestion, feedback

Q = QuizQuestion(
    key="t_q",
    question="2 + 2?",
    options=("3", "4", "5"),
    answer=1,
    explanation="Count.",
    source="ours",
    hint="Fingers.",
)


def test_right_answer_is_correct_at_any_attempt():
    for attempt in (1, 2, 5):
        verdict = feedback(Q, 1, attempt)
        assert verdict.kind == "correct" and verdict.text.startswith("Correct: B. 4. Count.")


def test_first_wrong_answer_gets_a_hint_not_the_answer():
    verdict = feedback(Q, 0, 1)
    assert verdict.kind == "retry"
    assert "Hint: Fingers." in verdict.text and "B. 4" not in verdict.text


def test_second_wrong_answer_reveals_it():
    verdict = feedback(Q, 2, 2)
    assert verdict.kind == "reveal" and "The answer is B. 4" in verdict.text


def test_a_question_must_say_where_it_comes_from():
    with pytest.raises(ValueError, match="source"):
        QuizQuestion("k", "q", ("a", "b"), 0, "e", source="book")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="answer"):
        QuizQuestion("k", "q", ("a", "b"), 2, "e", source="ours")


def every_question() -> list[QuizQuestion]:
    groups = [
        quizzes.PERCEPTRON, quizzes.XOR, quizzes.LOSS, quizzes.MLP, quizzes.SGD,
        quizzes.backprop(), quizzes.CONVOLUTION, quizzes.FILTERS, quizzes.architectures(),
        quizzes.LENET,
    ]  # fmt: skip
    return [q for group in groups for q in group]


def test_only_the_lectures_questions_are_under_its_heading():
    """The lecture has three quizzes: the perceptron's, cross-entropy's and backprop's."""
    lecture = {q.question.split("?")[0][:40] for q in every_question() if q.source == "lecture"}
    assert len(lecture) == 3
    assert HEADINGS == {"lecture": "Quiz break", "ours": "Check yourself"}


def test_keys_are_unique_and_every_question_has_a_hint():
    qs = every_question()
    assert len({q.key for q in qs}) == len(qs)
    assert all(q.hint for q in qs)


def test_a_display_formula_splits_into_its_pieces_only_at_the_top_level():
    from ui.frame import formula_parts

    assert formula_parts(r"a = 1,\quad b = 2 \qquad c") == ["a = 1", "b = 2", "c"]
    # Inside braces or an environment a space is part of the piece.
    assert formula_parts(r"\text{a \quad b}") == [r"\text{a \quad b}"]
    cases = r"\begin{cases} 1 \quad z > 0 \end{cases}"
    assert formula_parts(cases) == [cases]
    assert formula_parts(r"x \quadrature y") == [r"x \quadrature y"]  # not a separator
    # A thin space at the end of a piece is LaTeX, not a separating comma.
    assert formula_parts(r"x\, \qquad y = 1,\; \qquad z\,,") == [r"x\,", r"y = 1,\;", r"z\,"]
