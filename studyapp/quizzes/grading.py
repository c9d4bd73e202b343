"""A learner's response against a question: one checker per question form.

Lenient where that is fair (case, accents, punctuation, quote styles, spacing,
declared alternatives, any common date format, one typo in a long word of a
name) and strict where it is not (numbers and dates are never typo-forgiven).
"""

from __future__ import annotations

from dataclasses import dataclass

from studyapp.bank import dates
from studyapp.bank.spelling import is_small_typo, normalize
from studyapp.quizzes.question import QuizQuestion


@dataclass(frozen=True)
class Outcome:
    """The verdict on one response, with what to tell the learner."""

    correct: bool
    expected: str
    feedback: str
    accepted_as: str | None = None


def match_text(response: str, answers: list[str]) -> tuple[bool, str | None]:
    """(matched, the answer it was accepted as when not typed exactly)."""
    got = normalize(response)
    if not got:
        return False, None
    if any(normalize(answer) == got for answer in answers):
        return True, None
    for answer in answers:
        if is_small_typo(got, normalize(answer)):
            return True, answer
    return False, None


def check_date(response: str, answer_iso: str) -> Outcome:
    """A typed date, in any common unambiguous format, at the precision asked."""
    want = dates.parse_iso(answer_iso)
    got = dates.parse_text(response)
    expected = want.display()
    if got is None:
        return Outcome(False, expected, f"“{response.strip()}” was not read as a date. Expected: {expected}.")
    if got.precision != want.precision or (got.end is None) != (want.end is None):
        asked = {dates.Precision.DECADE: "a decade", dates.Precision.YEAR: "a year",
                 dates.Precision.MONTH: "a month and year", dates.Precision.DAY: "a full date"}[want.precision]
        if want.end is not None:
            asked = "a range of dates"
        return Outcome(False, expected, f"The question asks for {asked}. Expected: {expected}.")
    if got == want:
        return Outcome(True, expected, "Correct.")
    return Outcome(False, expected, f"Expected: {expected}.")


def check_typed(response: str, answer: str, alternatives: tuple[str, ...] | list[str], is_date: bool) -> Outcome:
    """A typed answer: dates by value, text leniently against the answer and its alternatives."""
    if is_date:
        return check_date(response, answer)
    matched, accepted_as = match_text(response, [answer, *alternatives])
    if matched and accepted_as:
        return Outcome(True, answer, f"Correct, accepted as “{accepted_as}”.", accepted_as)
    if matched:
        return Outcome(True, answer, "Correct.")
    return Outcome(False, answer, f"Expected: {answer}.")


def check(question: QuizQuestion, response: str | list[str]) -> Outcome:
    """Grade a response to a generated quiz question."""
    if question.form == "order":
        order = list(response) if isinstance(response, list) else response.split(",")
        expected = "; ".join(question.options[int(i)] for i in question.answer_order)
        if order == [str(i) for i in question.answer_order]:
            return Outcome(True, expected, "Correct order.")
        return Outcome(False, expected, f"The order in the text: {expected}.")
    text = response if isinstance(response, str) else " ".join(response)
    if question.form in ("choice", "truefalse"):
        chosen = question.options[int(text)] if text.isdecimal() and int(text) < len(question.options) else text
        if chosen == question.answer:
            return Outcome(True, question.answer, "Correct.")
        return Outcome(False, question.answer, f"Expected: {question.answer}.")
    return check_typed(text, question.typed_answer, question.alternatives, question.category == "date")
