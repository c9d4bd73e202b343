"""The timeline's drawing: an axis broken where long spans are empty, a scale per segment, labels that never overlap."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from studyapp.bank import dates, load, timeline
from studyapp.web import timeline_chart as chart
from studyapp.web import timeline_svg
from tests.conftest import ROOT

EVENTS = timeline.find_events(load.load_bank(ROOT / "questions").items)
WIDTHS = sorted({320, 390, 768, 1280, *chart.DRAWN_WIDTHS})


def made_up(days: list[date], name: str = "Something happened that day") -> list[timeline.Event]:
    values = [dates.make(day.year, day.month, day.day) for day in days]
    return sorted((timeline.Event(value, f"{name} ({n})", (), (), (f"k{n}",)) for n, value in enumerate(values)),
                  key=lambda event: event.when.first_day)


CROWDED = made_up([date(1930, 7, 1) + timedelta(days=n) for n in range(10)] + [date(1980, 7, 1)])


def assert_readable(drawn: chart.Layout) -> None:
    """No two texts overlap; every text is inside the drawing; labels come in the order of their marks."""
    boxes = drawn.text_boxes()
    assert [(a, b) for n, a in enumerate(boxes) for b in boxes[n + 1:] if a.overlaps(b)] == []
    assert all(box.x >= 0 and box.x + box.width <= drawn.width and 0 <= box.y and box.y + box.height <= drawn.height
               for box in boxes)
    by_mark = sorted(drawn.labels, key=lambda label: (label.anchor, label.event))
    assert [label.y for label in by_mark] == sorted(label.y for label in drawn.labels)


@pytest.mark.parametrize("width", WIDTHS)
def test_the_curated_axis_breaks_twice_and_scales_each_segment_on_its_own(width: int) -> None:
    drawn = chart.layout(EVENTS, width)
    assert [b.text for b in drawn.breaks] == ["6 months later", "15 years later"]
    years = [(date.fromordinal(int(s.start)), date.fromordinal(int(s.end))) for s in drawn.segments]
    assert years == [(date(1920, 1, 1), date(1930, 1, 1)), (date(1930, 6, 30), date(1930, 7, 4)),
                     (date(1945, 10, 10), date(1945, 10, 11))]
    decade, days, _ = drawn.segments
    assert days.scale > 300 * decade.scale  # the four days of 1930 are drawn hundreds of times larger than the 1920s
    assert_readable(drawn)


@pytest.mark.parametrize("width", WIDTHS)
def test_ranges_years_and_decades_are_bars_single_days_dots(width: int) -> None:
    drawn = chart.layout(EVENTS, width)
    marks = {EVENTS[mark.event].when.iso(): mark for mark in drawn.marks}
    assert [mark.is_day for mark in drawn.marks] == [False, False, False, False, True, True]
    decade, year = marks["1920s"], marks["1928"]
    assert decade.y2 - decade.y1 == pytest.approx(10 * (year.y2 - year.y1), rel=0.01)
    assert decade.x != year.x  # the year sits beside the decade that holds it, not on it
    kalun, src = marks["1930-06-30/1930-07-02"], marks["1930-07-03"]
    assert kalun.y2 - kalun.y1 >= 3 * chart.MIN_SEP and src.y1 - kalun.y2 >= chart.MIN_SEP / 2  # three days, then the next


@pytest.mark.parametrize("width", WIDTHS)
def test_ten_days_in_a_row_and_one_fifty_years_on_stay_readable(width: int) -> None:
    drawn = chart.layout(CROWDED, width)
    assert [b.text for b in drawn.breaks] == ["50 years later"]
    assert len(drawn.segments) == 2
    marks = sorted(mark.y1 for mark in drawn.marks)[:10]
    assert min(b - a for a, b in zip(marks, marks[1:], strict=False)) >= chart.MIN_SEP
    assert_readable(drawn)


@pytest.mark.parametrize("width", WIDTHS)
def test_ticks_name_days_months_or_years_as_the_scale_allows(width: int) -> None:
    ticks = [tick.text for tick in chart.layout(EVENTS, width).ticks]
    assert ticks[0] == "1920" and "1928" in ticks and "30 Jun" in ticks and "3 Jul" in ticks and ticks[-1] == "10 Oct"
    months = chart.layout(made_up([date(1950, 1, 1), date(1950, 3, 1), date(1950, 6, 1)]), width)
    assert months.breaks == () and [tick.text for tick in months.ticks][:1] == ["1950"]
    assert len(months.ticks) >= 2 and {tick.text for tick in months.ticks} <= {"1950", "Feb", "Mar", "Apr", "May", "Jun", "Jul"}


def test_no_events_no_drawing_to_speak_of() -> None:
    drawn = chart.layout([], 280)
    assert drawn.segments == drawn.labels == () and drawn.height == 2


def test_many_events_on_one_day_stack_their_labels() -> None:
    drawn = chart.layout(made_up([date(1930, 7, 3)] * 8, "A long name of an event that wraps onto several lines"), 280)
    assert len(drawn.segments) == 1 and len({mark.y1 for mark in drawn.marks}) == 1
    assert_readable(drawn)


def test_labels_wrap_and_cut_to_three_lines_of_the_name() -> None:
    event = timeline.Event(dates.parse_iso("1930-06-30/1930-07-02"), "word " * 60, (), (), ("k",))
    label = chart.layout([event], 240).labels[0]
    assert label.lines[:label.date_lines] == ("30 June – 2 July", "1930")  # bold: wraps sooner
    assert len(label.lines) == label.date_lines + chart.NAME_LINES and label.lines[-1].endswith("…")


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.dates(date(1800, 1, 1), date(2050, 12, 31)), st.integers(0, 3), st.integers(0, 60)),
                min_size=1, max_size=14),
       st.sampled_from(WIDTHS))
def test_no_labels_overlap_whatever_the_dates(found: list[tuple[date, int, int]], width: int) -> None:
    events = []
    for n, (day, precision, length) in enumerate(found):
        value = [dates.make(day.year, day.month, day.day), dates.make(day.year), dates.make(day.year, day.month),
                 dates.parse_iso(f"{day.year // 10 * 10}s")][precision]
        if precision == 0 and length:
            end = day + timedelta(days=length)
            value = dates.parse_iso(f"{day.isoformat()}/{end.isoformat()}")
        events.append(timeline.Event(value, "An event " * (n % 5 + 1), (), (), (f"k{n}",)))
    events.sort(key=lambda event: (event.when.first_day, event.when.last_day))
    drawn = chart.layout(events, width)
    assert_readable(drawn)
    assert all(segment.y2 - segment.y1 <= max(chart.MAX_SEGMENT, 20 * len(events) * chart.LINE) + 200 for segment in drawn.segments)


def test_the_svg_is_an_image_with_a_title_a_description_and_its_text_at_12px_or_more() -> None:
    svg = str(timeline_svg.draw(EVENTS, 280, "timeline-280"))
    assert svg.startswith('<svg class="timeline" id="timeline-280" viewBox="0 0 280 ') and 'width="280"' in svg
    assert 'role="img" aria-labelledby="timeline-280-title timeline-280-desc"' in svg
    assert re.search(r'<desc id="timeline-280-desc">6 events, from the 1920s to 10 October 1945; .*6 months later, 15 years '
                     r'later\.', svg)
    assert "style=" not in svg and "font-size" not in svg  # app.css sets the sizes the layout assumes (CSP: no inline styles)
    assert svg.count('<text class="event-label"') == 6 and svg.count('<text class="break-label"') == 2
    assert chart.LABEL_PX >= 12 and chart.TICK_PX >= 12
    assert ".timeline text { font-size: 13px;" in (ROOT / "studyapp" / "static" / "app.css").read_text(encoding="utf-8")
