"""Checks across the fields of a bank entry: distractors against the answer, matching pairs against each other,
dates as instructors write them. Each problem found names the field it blames (FieldProblem.path).

Pure: the pydantic models of studyapp.bank.fileformat call these from their validators.
"""

from __future__ import annotations

import re
from typing import Protocol

from studyapp.bank import dates
from studyapp.bank.spelling import normalize

_ISO_RANGE = re.compile(r"\s*\d{3}[\d-]*s?\s*/\s*\d{3}[\d-]*s?\s*")
_PRECISION_NAMES = {dates.Precision.DECADE: "a decade", dates.Precision.YEAR: "a year",
                    dates.Precision.MONTH: "a month", dates.Precision.DAY: "a day"}
MIN_PAIRS, MAX_PAIRS = 3, 8


class FieldProblem(ValueError):
    """A check across fields that found fault with one of them; `path` locates it inside the model.

    `more` carries further problems the same check found, so every one of them is reported in one run.
    """

    def __init__(self, path: tuple[str | int, ...], message: str, more: tuple[FieldProblem, ...] = ()) -> None:
        super().__init__(message)
        self.path = path
        self.more = more


def raise_all(found: list[FieldProblem]) -> None:
    """Raise the problems found (the first, carrying the rest), if any."""
    if found:
        raise FieldProblem(found[0].path, str(found[0]), tuple(found[1:]))


def parse_iso(value: str) -> dates.DateValue:
    """dates.parse_iso with a message that says how to write the date; raises ValueError."""
    try:
        return dates.parse_iso(value)
    except ValueError as error:
        reason = str(error)
        guess = dates.parse_text(value) if reason.startswith("'") else None  # a spelling problem, not a bad day
        if "/" in value and not _ISO_RANGE.fullmatch(value):  # 03/07/1930: the / was read as a range
            reason = (f"'{value}' is not a date: write it as {guess.iso() if guess else 'YYYY-MM-DD'} "
                      "(a / only joins the two ends of a range, as in 1930-06-30/1930-07-02)")
        elif guess:
            reason += f" (did you mean {guess.iso()}?)"
        raise ValueError(reason) from None


def option_problems(answer: str, alternatives: list[str], distractors: list[str], is_date: bool,
                     field: str = "distractors") -> list[FieldProblem]:
    """Every distractor that is the answer, a repeat or (for a date) not a date of the answer's precision."""
    right = {normalize(answer), *(normalize(a) for a in alternatives)}
    want = dates.parse_iso(answer) if is_date else None
    right_dates = [want, *(v for v in map(dates.parse_text, alternatives) if v is not None)] if want else []
    seen: set[str] = set()
    seen_dates: list[dates.DateValue] = []
    found = []
    for index, text in enumerate(distractors):
        key, value = normalize(text), dates.parse_text(text) if want else None
        message = None
        if key in right:
            message = f"distractor '{text}' is the answer or one of its alternatives"
        elif key in seen:
            message = f"distractor '{text}' is listed twice"
        elif want and value is None:
            message = f"distractor '{text}' is not a date: {_date_reason(text)}"
        elif want and value in right_dates:
            message = f"distractor '{text}' is the same date as the answer or one of its alternatives"
        elif want and value in seen_dates:
            message = f"distractor '{text}' is the same date as another distractor"
        elif want and _shape(value) != _shape(want):
            message = (f"distractor '{text}' is {_shape(value)} but the answer is {_shape(want)}: "
                       "give distractors of the same precision")
        seen.add(key)
        if value is not None:
            seen_dates.append(value)
        if message:
            found.append(FieldProblem((field, index), message))
    return found


def _date_reason(text: str) -> str:
    try:
        dates.parse_iso(text)
    except ValueError as error:
        if not str(error).startswith("'"):  # a real reason, such as "February 1930 has no day 30"
            return str(error)
    return "write one unambiguous date, like 1930-07-03 or 3 July 1930"


def _shape(value: dates.DateValue) -> str:
    name = _PRECISION_NAMES[value.precision]
    return name if value.end is None else f"a range of {name.removeprefix('a ')}s"

class Pairing(Protocol):
    """A matching pair as written (fileformat.PairModel)."""

    left: str
    right: str
    alternatives: list[str]


def pair_problems(pairs: list[Pairing], is_date: bool) -> list[FieldProblem]:
    """Too few or too many pairs, a left side given twice, and a right side that would fit another left side:
    the same spelling (compared as answers are) as another pair's right side or its alternatives, or a date that
    overlaps another pair's date."""
    found = []
    if not MIN_PAIRS <= len(pairs) <= MAX_PAIRS:
        found.append(FieldProblem(("pairs",), f"a matching question needs {MIN_PAIRS} to {MAX_PAIRS} pairs, found {len(pairs)}"))
    lefts: dict[str, int] = {}
    rights: list[tuple[int, set[str], list[dates.DateValue]]] = []
    for index, pair in enumerate(pairs):
        key = normalize(pair.left)
        if key in lefts:
            found.append(FieldProblem(("pairs", index, "left"), f"left side '{pair.left}' is pair {lefts[key] + 1}'s "
                                                                "left side too: write each left side once"))
        lefts.setdefault(key, index)
        values: list[dates.DateValue] = []
        if is_date:
            try:
                values = [parse_iso(pair.right), *(v for v in map(dates.parse_text, pair.alternatives) if v)]
            except ValueError as error:
                found.append(FieldProblem(("pairs", index, "right"), str(error)))
                continue
        spellings = {normalize(pair.right), *(normalize(text) for text in pair.alternatives)}
        same = next((other for other, words, _ in rights if spellings & words), None)
        overlapping = next((other for other, _, when in rights if any(a.overlaps(b) for a in values for b in when)), None)
        if same is not None:
            found.append(FieldProblem(("pairs", index, "right"), (
                f"right side '{pair.right}' (or one of its alternatives) is spelt as pair {same + 1}'s right side or "
                "one of its alternatives, so it would fit both left sides")))
        elif overlapping is not None:
            found.append(FieldProblem(("pairs", index, "right"), (
                f"right side '{pair.right}' overlaps the date of pair {overlapping + 1}: either date would fit "
                "either left side")))
        rights.append((index, spellings, values))
    return found
