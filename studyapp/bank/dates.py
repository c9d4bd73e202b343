"""Dates as the bank writes them (ISO, at a precision) and as learners type them.

Pure: no Flask, no database, no clock.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date
from enum import IntEnum


class Precision(IntEnum):
    """How much of a date is known; larger is finer."""

    DECADE = 1
    YEAR = 2
    MONTH = 3
    DAY = 4


MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
MONTHS.update({name.lower(): i for i, name in enumerate(calendar.month_abbr) if name})
MONTHS["sept"] = 9

_ISO = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
_DECADE = re.compile(r"^(?:the\s+)?(\d{3}0)'?s$")


@dataclass(frozen=True, order=True)
class DateValue:
    """A calendar date at some precision, or a range of two such dates."""

    year: int
    month: int | None = None
    day: int | None = None
    precision: Precision = Precision.DAY
    end: DateValue | None = None

    @property
    def first_day(self) -> date:
        """The earliest day this value may mean."""
        return date(self.year, self.month or 1, self.day or 1)

    @property
    def last_day(self) -> date:
        """The latest day this value may mean (the end of a range)."""
        if self.end is not None:
            return self.end.last_day
        if self.precision == Precision.DECADE:
            return date(self.year + 9, 12, 31)
        month = self.month or 12
        day = self.day or calendar.monthrange(self.year, month)[1]
        return date(self.year, month, day)

    def iso(self) -> str:
        """The bank's own spelling: 1930, 1930-07, 1930-07-03, 1920s or start/end."""
        if self.end is not None:
            return f"{_single_iso(self)}/{_single_iso(self.end)}"
        return _single_iso(self)

    def display(self) -> str:
        """A reader's spelling: 3 July 1930, July 1930, the 1920s, 30 June – 2 July 1930."""
        if self.end is None:
            return _single_display(self)
        end = self.end
        if self.year == end.year and self.precision == Precision.DAY:
            if self.month == end.month:
                return f"{self.day}–{_single_display(end)}"
            return f"{self.day} {calendar.month_name[self.month or 1]} – {_single_display(end)}"
        return f"{_single_display(self)} – {_single_display(end)}"

    def phrase(self) -> str:
        """The date inside a sentence: 'on 3 July 1930', 'in 1928', 'from ... to ...'."""
        if self.end is not None:
            return f"between {_single_display(self)} and {_single_display(self.end)}"
        if self.precision == Precision.DAY:
            return f"on {self.display()}"
        return f"in {self.display()}"

    def overlaps(self, other: DateValue) -> bool:
        """Whether the two values could name the same day."""
        return not (self.last_day < other.first_day or other.last_day < self.first_day)


def _single_iso(value: DateValue) -> str:
    if value.precision == Precision.DECADE:
        return f"{value.year}s"
    if value.precision == Precision.YEAR:
        return f"{value.year:04d}"
    if value.precision == Precision.MONTH:
        return f"{value.year:04d}-{value.month:02d}"
    return f"{value.year:04d}-{value.month:02d}-{value.day:02d}"


def _single_display(value: DateValue) -> str:
    if value.precision == Precision.DECADE:
        return f"the {value.year}s"
    if value.precision == Precision.YEAR:
        return str(value.year)
    month = calendar.month_name[value.month or 1]
    if value.precision == Precision.MONTH:
        return f"{month} {value.year}"
    return f"{value.day} {month} {value.year}"


def make(year: int, month: int | None = None, day: int | None = None) -> DateValue:
    """Build a single date, checking that it exists; raises ValueError."""
    if not 1 <= year <= 9999:
        raise ValueError(f"year {year} is out of range")
    if month is None:
        return DateValue(year, precision=Precision.YEAR)
    if not 1 <= month <= 12:
        raise ValueError(f"there is no month {month}")
    if day is None:
        return DateValue(year, month, precision=Precision.MONTH)
    last = calendar.monthrange(year, month)[1]
    if not 1 <= day <= last:
        raise ValueError(f"{calendar.month_name[month]} {year} has no day {day}")
    return DateValue(year, month, day, Precision.DAY)


def parse_iso(text: str) -> DateValue:
    """Parse the bank's spelling (see DateValue.iso); raises ValueError with the reason."""
    text = text.strip()
    if "/" in text:
        left, _, right = text.partition("/")
        start, end = parse_iso(left), parse_iso(right)
        if start.end or end.end or start.precision != end.precision:
            raise ValueError("both ends of a range need the same precision")
        if end.first_day <= start.last_day:
            raise ValueError("a range must end after it starts")
        return DateValue(start.year, start.month, start.day, start.precision, end)
    decade = _DECADE.match(text)
    if decade:
        return DateValue(int(decade.group(1)), precision=Precision.DECADE)
    match = _ISO.match(text)
    if not match:
        raise ValueError(
            f"'{text}' is not a date written as YYYY, YYYY-MM, YYYY-MM-DD, "
            "YYYY-MM-DD/YYYY-MM-DD or a decade like 1920s"
        )
    year, month, day = (int(g) if g else None for g in match.groups())
    return make(year, month, day)  # type: ignore[arg-type]


# -- learner input ---------------------------------------------------------

_ORDINAL = re.compile(r"(\d+)(?:st|nd|rd|th)\b")
_RANGE_SPLIT = re.compile(r"\s*(?:–|—|\bto\b|\buntil\b|\s-\s|(?<=[a-z\d])-(?=[a-z]))\s*|(?<=\D)-(?=\d{1,2}\b)")
_NUMERIC = re.compile(r"^(\d{1,4})[./-](\d{1,2})[./-](\d{1,4})$")


def parse_text(text: str) -> DateValue | None:
    """Read a date as a learner may type it; None when it is not one unambiguous date."""
    cleaned = _clean(text)
    if not cleaned:
        return None
    try:
        iso = parse_iso(cleaned.replace(" ", ""))
    except ValueError:
        pass
    else:
        return iso
    parts = _RANGE_SPLIT.split(cleaned)
    if len(parts) == 2 and all(parts):
        return _parse_range(parts[0], parts[1])
    try:
        return _parse_single(cleaned)
    except ValueError:
        return None


def ambiguity(text: str) -> str | None:
    """Why a typed date cannot be read although it is one (03/07/1930: which is the month?), or None."""
    numeric = _NUMERIC.match(_clean(text))
    if not numeric or len(numeric.group(1)) == 4:
        return None
    first, second, year = numeric.groups()
    if len(year) != 4:
        return f"“{text.strip()}”: write the year in full, for example 3 July 1930."
    try:
        day_first, month_first = make(int(year), int(second), int(first)), make(int(year), int(first), int(second))
    except ValueError:
        return None
    if "." in numeric.group(0) or day_first == month_first:  # 3.7.1930 reads day first; a closing "." is not that
        return None
    return (f"“{text.strip()}” could be {day_first.display()} or {month_first.display()}: "
            f"write the month as a word, for example {day_first.display()}.")


def _clean(text: str) -> str:
    text = text.strip().rstrip(".!?;").lower().replace(",", " ").replace("\u2019", "'")
    text = _ORDINAL.sub(r"\1", text)
    text = re.sub(r"\b(?:on|in|of|the year|the|between)\b", " ", text)
    text = re.sub(r"\b(\d{1,2})-([a-z]{3,9}\.?)-(\d{4})\b", r"\1 \2 \3", text)  # 3-Jul-1930
    text = re.sub(r"\band\b", " to ", text)
    return re.sub(r"\s+", " ", text).strip()


def _parse_range(left: str, right: str) -> DateValue | None:
    try:
        end = _parse_single(right)
    except ValueError:
        return None
    try:
        start = _parse_single(left)
    except ValueError:
        # "30 June – 2 July 1930", "30–31 July 1930": the start borrows the end's year/month.
        try:
            start = _parse_single(f"{left} {end.year}")
        except ValueError:
            try:
                start = _parse_single(f"{left} {calendar.month_name[end.month or 1]} {end.year}")
            except ValueError:
                return None
    if start.precision != end.precision or end.first_day <= start.last_day:
        return None
    return DateValue(start.year, start.month, start.day, start.precision, end)


def _parse_single(text: str) -> DateValue:
    text = text.strip()
    decade = _DECADE.match(text)
    if decade:
        return DateValue(int(decade.group(1)), precision=Precision.DECADE)
    numeric = _NUMERIC.match(text)
    if numeric:
        return _parse_numeric(*numeric.groups(), dotted="." in text)
    words = text.split()
    if len(words) == 1 and words[0].isdecimal() and len(words[0]) == 4:
        return make(int(words[0]))
    if len(words) == 2:
        month, year = _month(words[0]), words[1]
        if month and year.isdecimal() and len(year) == 4:
            return make(int(year), month)
        if _month(words[1]) and words[0].isdecimal() and len(words[0]) == 4:  # 1930 July
            return make(int(words[0]), _month(words[1]))
    if len(words) == 3:
        day_first = _month(words[1])
        month_first = _month(words[0])
        if day_first and len(words[0]) == 4 and words[0].isdecimal() and words[2].isdecimal():  # 1930 July 3
            return make(int(words[0]), day_first, int(words[2]))
        if day_first and words[0].isdecimal() and words[2].isdecimal():
            return make(int(words[2]), day_first, int(words[0]))
        if month_first and words[1].isdecimal() and words[2].isdecimal():
            return make(int(words[2]), month_first, int(words[1]))
    raise ValueError(f"not a date: {text}")


def _parse_numeric(a: str, b: str, c: str, dotted: bool) -> DateValue:
    if len(a) == 4:  # 1930-07-03, 1930/07/03
        return make(int(a), int(b), int(c))
    if len(c) != 4:
        raise ValueError("two-digit years are ambiguous")
    first, second, year = int(a), int(b), int(c)
    if dotted or first > 12:  # 03.07.1930 and 31/07/1930 are day first
        return make(year, second, first)
    if second > 12:  # 07/31/1930 is month first
        return make(year, first, second)
    if first == second:
        return make(year, first, second)
    raise ValueError("day and month could be either way round")


def _month(word: str) -> int | None:
    return MONTHS.get(word.rstrip(".").lower())
