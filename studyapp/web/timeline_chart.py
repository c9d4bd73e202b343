"""The timeline drawn on the server: time runs down an axis that breaks where a long span has nothing dated, labels stacked.

Pure: events and a width in CSS px in, a Layout (every mark and text box, for tests) out; timeline_svg draws it. The
drawing is never scaled (its text stays 13 and 12 CSS px): the page draws one per width it may get (DRAWN_WIDTHS)
and CSS shows the widest that fits. Within a segment of the axis time is to scale, zoomed so that distinct moments
and neighbouring labels have room; between segments the axis breaks, saying how much time it leaves out.
"""

from __future__ import annotations

import calendar
import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from studyapp.bank.dates import Precision
from studyapp.bank.timeline import Event

DRAWN_WIDTHS = (280, 420, 700)  # for screens under 30rem (a 320px phone), 30-47.5rem, and wider (see app.css)
LABEL_PX, TICK_PX = 13, 12  # font sizes, as app.css sets them
CHAR_EM, BOLD_EM = 0.62, 0.68  # a conservative average glyph width of the system sans-serif, in em
LINE = 17  # px from one label line to the next
NAME_LINES = 3  # an event's name is cut after this many lines (the table gives it whole)
AXIS_X = math.ceil(6 * TICK_PX * CHAR_EM) + 12  # right of the tick labels ("30 Jun", "1925")
LANE, BAR, DOT = 12, 6, 5  # px per lane of marks, a span's bar width, a day's dot radius
MIN_SEP = 14  # px between two distinct moments of a segment: a three-day meeting and the next day stay apart
LABEL_GAP = 8  # px between stacked labels
MAX_SEGMENT = 420  # px: a segment taller than this breaks at its longest empty span, if breaking saves room
BREAK, PAD, TICK_GAP = 44, 14, 26  # px: a break in the axis, a segment's margin, the least room between ticks


@dataclass(frozen=True)
class Box:
    """A rectangle in the drawing's px: left, top, width, height."""

    x: float
    y: float
    width: float
    height: float

    def overlaps(self, other: Box) -> bool:
        """Whether the two boxes share any area."""
        return (self.x < other.x + other.width and other.x < self.x + self.width
                and self.y < other.y + other.height and other.y < self.y + self.height)


@dataclass(frozen=True)
class Label:
    """An event's label: its lines (the date's first, bold), top-left corner and estimated width."""

    event: int
    x: float
    y: float
    lines: tuple[str, ...]
    date_lines: int
    width: float
    anchor: float  # the y of the event's mark, where its leader line starts

    @property
    def box(self) -> Box:
        return Box(self.x, self.y, self.width, len(self.lines) * LINE)


@dataclass(frozen=True)
class Mark:
    """An event's mark: a bar from y1 to y2 (a span: a range, a year, a decade) or a dot at y1 (one day)."""

    event: int
    x: float
    y1: float
    y2: float
    is_day: bool


@dataclass(frozen=True)
class Tick:
    """A date on the axis, its label right-aligned left of it."""

    y: float
    text: str

    @property
    def box(self) -> Box:
        width = len(self.text) * TICK_PX * CHAR_EM
        return Box(AXIS_X - 6 - width, self.y - TICK_PX * 0.75, width, TICK_PX * 1.25)


@dataclass(frozen=True)
class Break:
    """Where the axis breaks: from y1 to y2, leaving out `text` ("15 years later")."""

    y1: float
    y2: float
    text: str

    @property
    def box(self) -> Box:
        middle = (self.y1 + self.y2) / 2
        return Box(AXIS_X + 10, middle - TICK_PX * 0.75, len(self.text) * TICK_PX * CHAR_EM, TICK_PX * 1.25)


@dataclass(frozen=True)
class Segment:
    """A stretch of the axis drawn to one scale: days from `start` to `end` (ordinals), its px from y1 to y2."""

    start: float
    end: float
    scale: float  # px per day
    y1: float
    y2: float


@dataclass(frozen=True)
class Layout:
    """Everything the drawing places, in px at its own size."""

    width: int
    height: float
    segments: tuple[Segment, ...]
    marks: tuple[Mark, ...]
    labels: tuple[Label, ...]
    ticks: tuple[Tick, ...]
    breaks: tuple[Break, ...]

    def text_boxes(self) -> list[Box]:
        """The box of every text: labels, ticks and breaks."""
        return [*(label.box for label in self.labels), *(tick.box for tick in self.ticks), *(b.box for b in self.breaks)]


@dataclass(frozen=True)
class _Spot:
    """An event as the layout sees it: its days (ordinals, the last one's end exclusive) and its label's lines."""

    first: float
    last: float
    is_day: bool
    lines: tuple[str, ...]
    date_lines: int

    @property
    def anchor(self) -> float:
        return (self.first + self.last) / 2

    @property
    def moments(self) -> tuple[float, ...]:
        """What must be told apart on the axis: a day's dot (its middle), a span's two ends."""
        return (self.anchor,) if self.is_day else (self.first, self.last)

    @property
    def height(self) -> int:
        return len(self.lines) * LINE


def layout(events: Sequence[Event], width: int) -> Layout:
    """Place the events (in date order) on an axis `width` px wide (240 or more)."""
    spans = [(float(e.when.first_day.toordinal()), float(e.when.last_day.toordinal() + 1)) for e in events]
    lanes = _lanes(spans)
    label_x = AXIS_X + 8 + (max(lanes, default=-1) + 1) * LANE + 6
    spots = [_spot(event, first, last, width - label_x - 4) for event, (first, last) in zip(events, spans, strict=True)]
    parts = _split(_runs(spots), spots) if spots else []
    drawing = _Drawing(label_x)
    for number, members in enumerate(parts):
        drawing.segment(members, spots, lanes)
        if number + 1 < len(parts):
            drawing.leave_out(min(spots[i].first for i in parts[number + 1]) - max(spots[i].last for i in members))
    return Layout(width, math.ceil(drawing.top + 2), tuple(drawing.segments), tuple(drawing.marks),
                  tuple(drawing.labels), tuple(drawing.ticks), tuple(drawing.breaks))


class _Drawing:
    """The layout as it goes down the page, segment by segment."""

    def __init__(self, label_x: float) -> None:
        self.label_x, self.top = label_x, 0.0
        self.segments: list[Segment] = []
        self.marks: list[Mark] = []
        self.labels: list[Label] = []
        self.ticks: list[Tick] = []
        self.breaks: list[Break] = []

    def segment(self, members: list[int], spots: list[_Spot], lanes: list[int]) -> None:
        """Draw these events to one scale, labels stacked down from their marks, none above another's bottom."""
        start, end = min(spots[i].first for i in members), max(spots[i].last for i in members)
        stacked = sum(spots[i].height + LABEL_GAP for i in members)
        scale = min(_scale([spots[i] for i in members]), max(MAX_SEGMENT, stacked) / (end - start))
        top = self.top

        def y(day: float) -> float:
            return top + PAD + (day - start) * scale

        bottom, free = y(end) + PAD, top + 4  # free: where the next label may start
        for i in sorted(members, key=lambda i: (spots[i].anchor, i)):
            spot = spots[i]
            x = AXIS_X + 8 + lanes[i] * LANE
            self.marks.append(Mark(i, x, y(spot.anchor if spot.is_day else spot.first), y(spot.last), spot.is_day))
            placed = max(y(spot.anchor) - LINE / 2, free)
            width = max(len(line) * LABEL_PX * (BOLD_EM if n < spot.date_lines else CHAR_EM) for n, line in enumerate(spot.lines))
            self.labels.append(Label(i, self.label_x, placed, spot.lines, spot.date_lines, width, y(spot.anchor)))
            free = placed + spot.height + LABEL_GAP
            bottom = max(bottom, placed + spot.height + PAD / 2)
        self.ticks += _ticks(start, end, scale, y)
        self.segments.append(Segment(start, end, scale, top, bottom))
        self.top = bottom

    def leave_out(self, days: float) -> None:
        """Break the axis: `days` pass with nothing dated."""
        self.breaks.append(Break(self.top, self.top + BREAK, _gap_text(days)))
        self.top += BREAK


def _spot(event: Event, first: float, last: float, room: float) -> _Spot:
    when = event.when.display()
    dated = _wrap(when[:1].upper() + when[1:], int(room // (LABEL_PX * BOLD_EM)), 2)
    named = _wrap(event.name, int(room // (LABEL_PX * CHAR_EM)), NAME_LINES)
    is_day = event.when.end is None and event.when.precision == Precision.DAY
    return _Spot(first, last, is_day, (*dated, *named), len(dated))


def _wrap(text: str, chars: int, most: int) -> list[str]:
    """The text in lines of at most `chars` characters, at most `most` of them (the last cut with …)."""
    chars = max(chars, 8)
    lines: list[str] = []
    line = ""
    for word in text.split():
        while len(word) > chars:  # a word longer than a line is hyphenated where the line ends
            if line:
                lines.append(line)
                line = ""
            lines.append(word[:chars - 1] + "-")
            word = word[chars - 1:]
        if line and len(line) + 1 + len(word) > chars:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    if line:
        lines.append(line)
    if len(lines) > most:  # cut after the last whole word that leaves room for the ellipsis
        last = lines[most - 1]
        lines = [*lines[:most - 1], (last if len(last) < chars else last[:chars - 1].rpartition(" ")[0] or last[:chars - 1]) + "…"]
    return lines


def _lanes(spans: list[tuple[float, float]]) -> list[int]:
    """A lane per event, side by side along the axis: events whose days overlap never share one."""
    ends: list[float] = []
    lanes = [0] * len(spans)
    for i in sorted(range(len(spans)), key=lambda i: spans[i]):
        lane = next((n for n, end in enumerate(ends) if end <= spans[i][0]), len(ends))
        if lane == len(ends):
            ends.append(spans[i][1])
        else:
            ends[lane] = spans[i][1]
        lanes[i] = lane
    return lanes


def _runs(spots: list[_Spot]) -> list[list[int]]:
    """The events in runs whose days overlap, in date order: the axis may break only between two runs."""
    runs: list[list[int]] = []
    end = -math.inf
    for i in sorted(range(len(spots)), key=lambda i: (spots[i].first, spots[i].last)):
        if runs and spots[i].first < end:
            runs[-1].append(i)
        else:
            runs.append([i])
        end = max(end, spots[i].last)
    return runs


def _scale(spots: list[_Spot]) -> float:
    """Px per day for a segment: distinct moments MIN_SEP apart, neighbouring labels beside their marks, and room
    for the tallest label."""
    moments = sorted({moment for spot in spots for moment in spot.moments})
    steps = [b - a for a, b in zip(moments, moments[1:], strict=False)]
    days = max(spot.last for spot in spots) - min(spot.first for spot in spots)
    scale = max(MIN_SEP / min(steps) if steps else MIN_SEP, max(spot.height for spot in spots) / days)
    anchors = sorted((spot.anchor, spot.height) for spot in spots)
    for (a, high_a), (b, high_b) in zip(anchors, anchors[1:], strict=False):
        if b > a:
            scale = max(scale, ((high_a + high_b) / 2 + LABEL_GAP) / (b - a))
    return scale


def _split(runs: list[list[int]], spots: list[_Spot]) -> list[list[int]]:
    """The segments: the runs split at their longest empty span while a segment is too tall and breaking saves room."""
    members = [i for run in runs for i in run]
    scale = _scale([spots[i] for i in members])
    days = max(spots[i].last for i in members) - min(spots[i].first for i in members)
    if len(runs) == 1 or days * scale <= MAX_SEGMENT:
        return [members]
    gap, at = max((min(spots[i].first for i in runs[n + 1]) - max(spots[i].last for i in runs[n]), n)
                  for n in range(len(runs) - 1))
    if gap * scale < BREAK + 2 * PAD:  # the empty span takes less room than a break would
        return [members]
    return _split(runs[:at + 1], spots) + _split(runs[at + 1:], spots)


_STEPS = [("day", 1), ("day", 2), ("day", 7), ("month", 1), ("month", 3), ("month", 6),
          *(("year", n) for n in (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000))]
_UNIT_DAYS = {"day": 1.0, "month": 30.44, "year": 365.25}


def _ticks(start: float, end: float, scale: float, y: object) -> list[Tick]:
    """Dates along a segment, the finest step that leaves TICK_GAP px between them: days (at their middle, as the
    dots are), months, years."""
    for unit, step in _STEPS:
        if _UNIT_DAYS[unit] * step * scale >= TICK_GAP:
            found = [Tick(y(day), text) for day, text in _dates(unit, step, int(start), int(end))]  # type: ignore[operator]
            if found:
                return found
    return []


def _dates(unit: str, step: int, start: int, end: int) -> list[tuple[float, str]]:
    """(day ordinal, label) of every `step`-th day, month or year from `start` to `end`."""
    if unit == "day":
        return [(day + 0.5, f"{date.fromordinal(day).day} {calendar.month_abbr[date.fromordinal(day).month]}")
                for day in range(start, end, step)]
    first, last = date.fromordinal(start), date.fromordinal(min(end, date.max.toordinal()))
    if unit == "month":
        months = range(first.year * 12 + first.month - 1, last.year * 12 + last.month)
        found = [date(m // 12, m % 12 + 1, 1) for m in months if (m % 12) % step == 0]
        return [(d.toordinal(), str(d.year) if d.month == 1 else calendar.month_abbr[d.month])
                for d in found if start <= d.toordinal() <= end]
    years = [year for year in range(first.year, last.year + 1) if year % step == 0]
    return [(date(year, 1, 1).toordinal(), str(year)) for year in years if start <= date(year, 1, 1).toordinal() <= end]


def _gap_text(days: float) -> str:
    """How much time a break leaves out, roughly."""
    if days >= 548:
        return f"{round(days / 365.25)} years later"
    if days >= 60:
        return f"{round(days / 30.44)} months later"
    return f"{int(days)} day{'' if int(days) == 1 else 's'} later"
