"""Progress: counts, the forecast and the review calendar, drawn as charts, and the leeches."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user

from studyapp.current import utcnow
from studyapp.db import get_session
from studyapp.flashcards import charts, reviews, stats
from studyapp.flashcards.views import signed_in

bp = Blueprint("progress", __name__)
bp.before_request(signed_in)


@bp.get("/progress")
def index() -> str:
    """Counts, forecast, review calendar with streak, retention and leeches, drawn as charts."""
    now = utcnow()
    figures = stats.progress(get_session(), current_user, now)
    forecast_chart = charts.bar_chart(
        "forecast", "Cards due in the next 30 days",
        [(day.strftime("%d %b"), count) for day, count in figures.forecast],
        f"{sum(c for _, c in figures.forecast)} cards due over 30 days; {figures.due_today} today.")
    calendar_chart = charts.heatmap("calendar", "Reviews per day", figures.calendar, figures.today, stats.CALENDAR_WEEKS)
    leeches = reviews.list_cards(get_session(), current_user.id, now, leeches_only=True, limit=reviews.CARDS_PER_PAGE + 1)
    return render_template("flashcards/progress.html", figures=figures, forecast_chart=forecast_chart,
                           calendar_chart=calendar_chart, leeches=leeches, leeches_shown=reviews.CARDS_PER_PAGE,
                           item_of=reviews.item_of)
