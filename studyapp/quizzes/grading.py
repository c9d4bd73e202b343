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


_ASKED = {dates.Precision.DECADE: "a decade", dates.Precision.YEAR: "a year",
          dates.Precision.MONTH: "a month and year", dates.Precision.DAY: "a full date"}


def check_date(response: str, answer_iso: str, exact_iso: str = "") -> Outcome:
    """A typed date, in any common unambiguous format, at the precision asked.

    A finer date than asked (a full date for a year) is right when it agrees with the text: with the answer,
    and with `exact_iso`, the fuller date the text gives (the question's `date` in the bank); its extra detail
    is wrong when it contradicts that date, or when the text gives no more than the answer. The verdict says which.
    """
    want = dates.parse_iso(answer_iso)
    got = dates.parse_text(response)
    expected = want.display()
    if got is None:
        return Outcome(False, expected, f"“{response.strip()}” was not read as a date. Expected: {expected}.")
    if got == want:
        return Outcome(True, expected, "Correct.")
    if want.end is None and got.end is None and got.precision > want.precision:
        return _finer_date(got, want, dates.parse_iso(exact_iso) if exact_iso else None)
    if got.precision != want.precision or (got.end is None) != (want.end is None):
        asked = "a range of dates" if want.end is not None else _ASKED[want.precision]
        return Outcome(False, expected, f"The question asks for {asked}. Expected: {expected}.")
    return Outcome(False, expected, f"Expected: {expected}.")


def _finer_date(got: dates.DateValue, want: dates.DateValue, exact: dates.DateValue | None) -> Outcome:
    """A date finer than the question asks for: right if it falls within the answer and agrees with the text."""
    expected, asked = want.display(), _ASKED[want.precision]
    if not (want.first_day <= got.first_day and got.last_day <= want.last_day):
        return Outcome(False, expected, f"Expected: {expected}.")
    if exact is None:  # the text gives no more than the answer: the extra detail is not the text's
        return Outcome(False, expected, f"The text gives only {expected}, not {got.display()}.")
    if not got.overlaps(exact):
        return Outcome(False, expected, f"{expected} is right, but the text gives {exact.display()}, not {got.display()}. "
                                        f"The question asks only for {asked}.")
    return Outcome(True, expected, f"Correct. The question asks only for {asked} ({expected}): the text gives {exact.display()}.")


def check_typed(response: str, answer: str, alternatives: tuple[str, ...] | list[str], is_date: bool,
                exact_date: str = "") -> Outcome:
    """A typed answer: dates by value, text leniently against the answer and its alternatives."""
    if is_date:
        return check_date(response, answer, exact_date)
    matched, accepted_as = match_text(response, [answer, *alternatives])
    if matched and accepted_as:
        return Outcome(True, answer, f"Correct, accepted as “{accepted_as}”.", accepted_as)
    if matched:
        return Outcome(True, answer, "Correct.")
    return Outcome(False, answer, f"Expected: {answer}.")


def check(question: QuizQuestion, response: str | list[str]) -> Outcome:
    """Grade a response to a generated quiz question.

    A matching response gives, per left side in the question's order, the index of the option chosen for it
    ("2,0,1" or ["2", "0", "1"]); a missing or unreadable choice is a wrong pair. Right only when every pair is.
    """
    if question.form == "matching":
        pairs = matching_pairs(question, response)
        right = sum(pair.is_correct for pair in pairs)
        return Outcome(right == len(pairs), question.answer, f"{right} of {len(pairs)} pairs right.")
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
    outcome = check_typed(text, question.typed_answer, question.alternatives, question.category == "date",
                          question.exact_date)
    if not outcome.correct and CLOZE_BLANK in question.prompt:  # typed with the words around the blank?
        bare = without_neighbours(text, question.prompt)
        if bare != text:
            retried = check_typed(bare, question.typed_answer, question.alternatives, question.category == "date",
                                  question.exact_date)
            return retried if retried.correct else outcome
    return outcome


@dataclass(frozen=True)
class PairVerdict:
    """One pair of a matching question as answered: its left side, the right side that belongs to it, the one the
    learner gave it (None: none, or not one of the options) and the sentence it rests on."""

    left: str
    right: str
    chosen: str | None
    is_correct: bool
    source: str = ""


def matching_response(chosen: list[str]) -> str | None:
    """The response to store for a matching question from its posted selects (the `match` fields, one per left side
    in order, each an option's index): "2,0,1"; None when one is still empty or not an index (ask again)."""
    if not chosen or not all(choice.strip().isdecimal() for choice in chosen):
        return None
    return ",".join(choice.strip() for choice in chosen)


def matching_pairs(question: QuizQuestion, response: str | list[str]) -> list[PairVerdict]:
    """Each pair of a matching question, in the order its left sides are asked, with the learner's choice for it."""
    given = response.split(",") if isinstance(response, str) else list(response)
    count = len(question.options)
    chosen = [int(text) if text.strip().isdecimal() and int(text) < count else None for text in given]
    chosen += [None] * (len(question.lefts) - len(chosen))
    return [PairVerdict(left, question.options[want], None if got is None else question.options[got], got == want,
                        question.pair_sources[index] if index < len(question.pair_sources) else "")
            for index, (left, want, got) in enumerate(zip(question.lefts, question.answer_order, chosen))]


CLOZE_BLANK = "_____"
NEIGHBOURS = 3  # words on each side of a blank a learner may type with it


def without_neighbours(response: str, prompt: str) -> str:
    """A cloze response with the words around the blank, as the prompt has them, taken off ("Tuman River" -> "Tuman").

    Only words that stand next to the blank, in order, are taken off; anything else is graded as typed.
    """
    before, _, after = prompt.partition(CLOZE_BLANK)
    left, right, words = normalize(before).split()[-NEIGHBOURS:], normalize(after).split()[:NEIGHBOURS], normalize(response).split()
    for count in range(len(left), 0, -1):
        if len(words) > count and words[:count] == left[-count:]:
            words = words[count:]
            break
    for count in range(len(right), 0, -1):
        if len(words) > count and words[-count:] == right[:count]:
            words = words[:-count]
            break
    return " ".join(words) if words != normalize(response).split() else response
