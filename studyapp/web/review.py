"""Flashcard pages: the review screen, card actions, the card list, progress and settings."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response
from wtforms.fields.choices import SelectChoice

from studyapp import catalog, charts, reviews, scheduler, stats
from studyapp.db import get_session
from studyapp.errors import InvalidInput
from studyapp.forms import CATEGORY_CHOICES, RateForm, SettingsForm
from studyapp.scheduler import Rating
from studyapp.web import downloads, utcnow

bp = Blueprint("review", __name__)
MAX_DURATION_MS = 60_000
CARD_PAGES = ("/cards", "/cards?leeches=1", "/cards?suspended=1", "/progress")  # where a card action may return to


@bp.before_request
@login_required
def signed_in() -> None:
    """Every flashcard page belongs to a signed-in learner."""


def _settings() -> scheduler.Settings:
    return reviews.settings_of(current_user, fuzz=current_app.config["FSRS_FUZZ"])


@bp.app_template_filter()
def learner_time(moment: datetime, now: datetime) -> str:
    """A time in the learner's timezone, with the day when it is not today there: "04:09 Asia/Seoul"."""
    try:
        zone = ZoneInfo(current_user.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        zone = ZoneInfo("UTC")
    local = moment.astimezone(zone)
    shown = local.strftime("%H:%M") if local.date() == now.astimezone(zone).date() else local.strftime("%a %d %b, %H:%M")
    return f"{shown} {zone.key}"


def _back(deck: str | None) -> Response:
    return redirect(url_for("review.show", deck=deck or None))


@bp.get("/review")
def show() -> str:
    """The next card's front (its back one key away) and what is left today."""
    now, deck = utcnow(), request.args.get("deck") or None
    session = get_session()
    if deck is not None:
        catalog.get_deck(session, deck)
    reviews.ensure_cards(session, current_user, now)
    queue = reviews.get_queue(session, current_user, now, deck)
    card = queue.card
    intervals = {}
    if card is not None:
        previews = scheduler.preview(card.id, reviews.state_of(card), now, _settings())
        intervals = {rating: scheduler.format_interval(interval) for rating, interval in previews.items()}
    return render_template("review/show.html", queue=queue, card=card, item=reviews.item_of(card) if card else None,
                           intervals=intervals, ratings=list(Rating), deck=deck, form=RateForm(),
                           shown_at=int(now.timestamp() * 1000), can_undo=reviews.can_undo(session, current_user.id),
                           now=now)


@bp.post("/review/<id:card_id>/rate")
def rate(card_id: int) -> Response:
    """Record one rating (once), then straight to the next card."""
    form, now, deck = RateForm(), utcnow(), request.args.get("deck")
    if not form.validate():
        raise InvalidInput("That rating could not be read: " + "; ".join(e for errs in form.errors.values() for e in errs))
    duration = None
    if form.shown_at.data:
        duration = max(0, min(int(now.timestamp() * 1000) - form.shown_at.data, MAX_DURATION_MS))
    result = reviews.rate(get_session(), current_user, card_id, form.version.data, Rating(form.rating.data), now,
                          _settings(), duration)
    if not result.recorded:
        flash("That card was already rated; the rating was not counted twice.", "info")
    elif result.became_leech:
        suspended = " and suspended" if result.card.is_suspended else ""
        flash(f"This card has lapsed {scheduler.LEECH_LAPSES} times: it is now marked as a leech{suspended}. "
              "Consider rewording it for yourself or studying its source sentence.", "error")
    return _back(deck)


@bp.post("/review/undo")
def undo() -> Response:
    """Put the last rated card back as it was; when there is none (or it was just undone), say so."""
    try:
        card = reviews.undo_last(get_session(), current_user, utcnow())
    except InvalidInput as error:
        flash(str(error), "info")
        return _back(request.args.get("deck"))
    flash(f"Undone: “{reviews.item_of(card).prompt}” is back as it was.", "success")
    return _back(request.args.get("deck"))


@bp.post("/cards/<id:card_id>/<any(suspend, unsuspend, bury):action>")
def card_action(card_id: int, action: str) -> Response:
    """Suspend, unsuspend or bury one card."""
    session, now = get_session(), utcnow()
    if action == "bury":
        reviews.bury(session, current_user, card_id, now)
        flash("Card buried until tomorrow.", "success")
    else:
        reviews.set_suspended(session, current_user.id, card_id, action == "suspend")
        flash("Card suspended: it stays out of reviews until you unsuspend it." if action == "suspend"
              else "Card unsuspended: it is back in your reviews.", "success")
    target = request.args.get("next")
    return redirect(target if target in CARD_PAGES else url_for("review.show"))


@bp.get("/cards")
def card_list() -> str:
    """The learner's studied and suspended cards with their schedule; only leeches or only suspended when asked."""
    session, now = get_session(), utcnow()
    leeches, suspended = request.args.get("leeches") == "1", request.args.get("suspended") == "1"
    if suspended and not leeches:
        cards = reviews.list_suspended_cards(session, current_user.id, now)
    else:
        cards = reviews.list_cards(session, current_user.id, now, leeches_only=leeches)
    return render_template("review/cards.html", cards=cards, leeches=leeches, suspended=suspended and not leeches,
                           item_of=reviews.item_of, decks=catalog.list_decks(session), categories=CATEGORY_CHOICES)


@bp.get("/cards/export.<any(csv, apkg):fmt>")
def export_cards(fmt: str) -> Response:
    """The learner's own cards as Anki notes, filtered by deck, category, tag, due or leeches."""
    session = get_session()
    chosen = downloads.read_filter()
    catalog.check_filter(session, chosen)
    learner_id, now = current_user.id, utcnow()
    return downloads.download(lambda s: catalog.notes_for_export(s, chosen, learner_id, now), fmt, "studyapp-my-cards")


@bp.get("/progress")
def progress() -> str:
    """Counts, forecast, review calendar with streak, retention and leeches, drawn as charts."""
    now = utcnow()
    figures = stats.progress(get_session(), current_user, now)
    forecast_chart = charts.bar_chart(
        "forecast", "Cards due in the next 30 days",
        [(day.strftime("%d %b"), count) for day, count in figures.forecast],
        f"{sum(c for _, c in figures.forecast)} cards due over 30 days; {figures.due_today} today.")
    calendar_chart = charts.heatmap("calendar", "Reviews per day", figures.calendar, figures.today, stats.CALENDAR_WEEKS)
    leeches = reviews.list_cards(get_session(), current_user.id, now, leeches_only=True)
    return render_template("review/progress.html", figures=figures, forecast_chart=forecast_chart,
                           calendar_chart=calendar_chart, leeches=leeches, item_of=reviews.item_of)


@bp.route("/settings", methods=["GET", "POST"])
def settings() -> str | Response:
    """The learner's scheduling and daily-limit settings."""
    form = SettingsForm(obj=current_user)
    form.timezone.choices = [SelectChoice(name, name) for name in sorted(available_timezones())]
    if form.validate_on_submit():
        form.populate_obj(current_user)
        current_user.desired_retention = float(form.desired_retention.data)
        get_session().commit()
        flash("Settings saved.", "success")
        return redirect(url_for("review.settings"))
    return render_template("review/settings.html", form=form), 400 if form.errors else 200

