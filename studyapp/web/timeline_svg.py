"""The timeline's SVG, pure: timeline_chart's layout drawn as inline SVG at its own size, with a title and a description."""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup, escape

from studyapp.bank.timeline import Event
from studyapp.web.timeline_chart import AXIS_X, BAR, DOT, LABEL_PX, LINE, layout

_WHEN = ' class="when"'  # a label's date lines, in bold


def _n(value: float) -> str:
    return f"{value:.1f}".removesuffix(".0")


def draw(events: Sequence[Event], width: int, chart_id: str) -> Markup:
    """The timeline as inline SVG at its own size, with a title and a description (the page's table lists the events)."""
    drawn = layout(events, width)
    title = "Timeline of the dated events in the questions"
    between = f"from {events[0].when.display()} to {events[-1].when.display()}" if events else "none yet"
    left_out = f" The axis breaks where a long span has nothing dated: {', '.join(b.text for b in drawn.breaks)}." if drawn.breaks else ""
    description = f"{len(events)} events, {between}; time runs down the page.{left_out} The table after it lists every event."
    parts = [f'<svg class="timeline" id="{chart_id}" viewBox="0 0 {width} {drawn.height}" width="{width}" '
             f'height="{drawn.height}" role="img" aria-labelledby="{chart_id}-title {chart_id}-desc">',
             f'<title id="{chart_id}-title">{escape(title)}</title><desc id="{chart_id}-desc">{escape(description)}</desc>']
    for segment in drawn.segments:
        parts.append(f'<line class="axis-line" x1="{AXIS_X}" x2="{AXIS_X}" y1="{_n(segment.y1)}" y2="{_n(segment.y2)}"/>')
    for gap in drawn.breaks:
        parts.append(f'<line class="axis-gap" x1="{AXIS_X}" x2="{AXIS_X}" y1="{_n(gap.y1)}" y2="{_n(gap.y2)}" '
                     f'stroke-dasharray="2 4"/>')
        parts += [f'<path class="break" d="M{AXIS_X - 6} {_n(at + 3)} l12 -6"/>' for at in (gap.y1 + 4, gap.y2 - 4)]
        parts.append(f'<text class="break-label" x="{AXIS_X + 10}" y="{_n((gap.y1 + gap.y2) / 2 + 4)}">{escape(gap.text)}</text>')
    for tick in drawn.ticks:
        parts.append(f'<line class="tick" x1="{AXIS_X - 4}" x2="{AXIS_X}" y1="{_n(tick.y)}" y2="{_n(tick.y)}"/>'
                     f'<text class="tick-label" x="{AXIS_X - 6}" y="{_n(tick.y + 4)}" text-anchor="end">{escape(tick.text)}</text>')
    marks = {mark.event: mark for mark in drawn.marks}
    for mark in drawn.marks:
        if mark.is_day:
            parts.append(f'<circle class="day" cx="{_n(mark.x + BAR / 2)}" cy="{_n(mark.y1)}" r="{DOT}"/>')
        else:
            parts.append(f'<rect class="span" x="{_n(mark.x)}" y="{_n(mark.y1)}" width="{BAR}" '
                         f'height="{_n(max(mark.y2 - mark.y1, BAR))}" rx="3"/>')
    for label in drawn.labels:
        start = marks[label.event].x + (BAR / 2 + DOT + 2 if marks[label.event].is_day else BAR + 2)
        parts.append(f'<path class="leader" d="M{_n(start)} {_n(label.anchor)} L{_n(label.x - 8)} {_n(label.y + LINE / 2)} '
                     f'H{_n(label.x - 3)}"/>')
        lines = "".join(f'<tspan x="{_n(label.x)}" dy="{0 if n == 0 else LINE}"{_WHEN if n < label.date_lines else ""}>'
                        f'{escape(line)}</tspan>' for n, line in enumerate(label.lines))
        parts.append(f'<text class="event-label" x="{_n(label.x)}" y="{_n(label.y + LABEL_PX)}">{lines}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))
