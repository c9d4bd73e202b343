"""The timeline page: every dated fact of the bank, drawn and listed, each with buttons to study its questions."""

from __future__ import annotations

from flask import Blueprint, render_template
from markupsafe import Markup
from sqlalchemy.orm import Session

from studyapp.bank import catalog
from studyapp.bank import timeline as events_of
from studyapp.db import get_session
from studyapp.web import timeline_chart, timeline_svg

bp = Blueprint("timeline", __name__)


def drawn(session: Session) -> tuple[list[events_of.Event], list[tuple[int, Markup]]]:
    """The live bank's events and their drawing at each width, made once per bank version (a sync shows at once)."""
    derived = catalog.snapshot(session).derived
    if "timeline" not in derived:
        found = events_of.find_events(catalog.live_items(session))
        derived["timeline"] = (found, [(width, timeline_svg.draw(found, width, f"timeline-{width}"))
                                       for width in timeline_chart.DRAWN_WIDTHS])
    return derived["timeline"]  # type: ignore[return-value]


@bp.get("/timeline")
def index() -> str:
    """The events on a timeline and in a table, with Learn and Practise buttons for each."""
    events, charts = drawn(get_session())
    return render_template("timeline/index.html", events=events, charts=charts)
