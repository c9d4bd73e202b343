"""Inline SVG charts drawn on the server: a bar chart and a calendar heatmap.

Pure: values in, markup out. Each chart carries a title and a description for
screen readers; pages also show the same figures as a table. Charts are drawn at their own size
(labels at 12 CSS px), in a frame that scrolls sideways where the screen is narrower, never shrunk.
"""

from __future__ import annotations

from datetime import date, timedelta

from markupsafe import Markup, escape

BAR_WIDTH = 14
BAR_GAP = 4
CHART_HEIGHT = 120
CELL = 11
CELL_GAP = 2


def bar_chart(chart_id: str, title: str, bars: list[tuple[str, int]], description: str) -> Markup:
    """Vertical bars, one per (label, value); labels every 7th bar and at the ends."""
    top = max((value for _, value in bars), default=0) or 1
    width = len(bars) * (BAR_WIDTH + BAR_GAP) + 30
    parts = [
        f'<div class="chart-frame" tabindex="0" aria-label="{escape(title)}, scrolls sideways on a narrow screen">'
        f'<svg class="chart" id="{escape(chart_id)}" viewBox="0 0 {width} {CHART_HEIGHT + 36}" width="{width}" '
        f'height="{CHART_HEIGHT + 36}" role="img" '
        f'aria-labelledby="{escape(chart_id)}-title {escape(chart_id)}-desc" preserveAspectRatio="xMinYMin meet">',
        f'<title id="{escape(chart_id)}-title">{escape(title)}</title>',
        f'<desc id="{escape(chart_id)}-desc">{escape(description)}</desc>',
        f'<text class="axis" x="0" y="10">{top}</text>',
        f'<line class="base" x1="24" x2="{width}" y1="{CHART_HEIGHT}" y2="{CHART_HEIGHT}"/>',
    ]
    for index, (label, value) in enumerate(bars):
        height = round(value / top * (CHART_HEIGHT - 14))
        x = 28 + index * (BAR_WIDTH + BAR_GAP)
        parts.append(f'<rect class="bar" x="{x}" y="{CHART_HEIGHT - height}" width="{BAR_WIDTH}" height="{height}">'
                     f'<title>{escape(label)}: {value}</title></rect>')
        if index % 7 == 0:
            parts.append(f'<text class="axis" x="{x}" y="{CHART_HEIGHT + 14}">{escape(label)}</text>')
    parts.append("</svg></div>")
    return Markup("".join(parts))


def heatmap(chart_id: str, title: str, counts: dict[date, int], last_day: date, weeks: int = 26) -> Markup:
    """A GitHub-style calendar: one column per week, one cell per day, darker for more reviews."""
    first_day = last_day - timedelta(days=last_day.weekday() + 7 * (weeks - 1))
    top = max(counts.values(), default=0)
    total = sum(v for d, v in counts.items() if first_day <= d <= last_day)
    active = sum(1 for d, v in counts.items() if first_day <= d <= last_day and v)
    width = weeks * (CELL + CELL_GAP)
    height = 7 * (CELL + CELL_GAP) + 20
    description = f"{total} reviews on {active} of the days from {first_day:%d %b %Y} to {last_day:%d %b %Y}."
    days = "".join(f'<text class="axis" x="0" y="{row * (CELL + CELL_GAP) + CELL}">{name}</text>'
                   for row, name in ((0, "Mon"), (2, "Wed"), (4, "Fri")))
    parts = [  # the weekday names stay put beside a grid that may scroll (it opens on the latest weeks)
        f'<div class="heatmap-row"><svg class="chart heat-days" viewBox="0 0 30 {height}" width="30" height="{height}" '
        f'aria-hidden="true">{days}</svg>'
        f'<div class="chart-frame latest" tabindex="0" aria-label="{escape(title)}, scrolls sideways on a narrow screen">'
        f'<svg class="chart heatmap" id="{escape(chart_id)}" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}" role="img" '
        f'aria-labelledby="{escape(chart_id)}-title {escape(chart_id)}-desc" preserveAspectRatio="xMinYMin meet">',
        f'<title id="{escape(chart_id)}-title">{escape(title)}</title>',
        f'<desc id="{escape(chart_id)}-desc">{escape(description)}</desc>',
    ]
    for week, label in _month_labels(first_day, weeks):
        parts.append(f'<text class="axis" x="{week * (CELL + CELL_GAP)}" y="{7 * (CELL + CELL_GAP) + 12}">{label}</text>')
    day = first_day
    while day <= last_day:
        week = (day - first_day).days // 7
        value = counts.get(day, 0)
        level = 0 if not value else min(4, 1 + (3 * value) // max(top, 1))
        parts.append(f'<rect x="{week * (CELL + CELL_GAP)}" y="{day.weekday() * (CELL + CELL_GAP)}" '
                     f'width="{CELL}" height="{CELL}" rx="2" class="heat{level}">'
                     f'<title>{day:%a %d %b %Y}: {value} reviews</title></rect>')
        day += timedelta(days=1)
    parts.append("</svg></div></div>")
    return Markup("".join(parts))


def _month_labels(first_day: date, weeks: int) -> list[tuple[int, str]]:
    """(week column, "Jul") under the first week of each month; none crowded against the next one."""
    labels: list[tuple[int, str]] = []
    for week in range(weeks):
        start = first_day + timedelta(days=7 * week)
        if week == 0 or start.month != (start - timedelta(days=7)).month:
            labels.append((week, f"{start:%b}"))
    if len(labels) > 1 and labels[1][0] - labels[0][0] < 3:
        labels.pop(0)  # a partial first month: its label would overlap the next
    return labels


def streak(counts: dict[date, int], today: date) -> int:
    """Days in a row with at least one review, ending today (or yesterday, if today has none yet)."""
    day = today if counts.get(today) else today - timedelta(days=1)
    length = 0
    while counts.get(day):
        length += 1
        day -= timedelta(days=1)
    return length
