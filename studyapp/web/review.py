"""Flashcard pages: the review screen, card actions, the card list, progress and settings."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask import session as flask_session
from flask_login import current_user, login_required
from sqlalchemy.orm import Session
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
REVERSIBLE = "review.reversible"  # session key: the suspend or bury the review screen offers to reverse


@bp.before_request
@login_required
def signed_in() -> None:
    """Every flashcard page belongs to a signed-in learner."""


def _settings() -> scheduler.Settings:
    return reviews.settings_of(current_user, fuzz=current_app.config["FSRS_FUZZ"])


@bp.app_template_filter()
def learner_time(moment: datetime, now: datetime | None = None) -> str:
    """A time in the learner's timezone, with the day when it is not today there: "04:09 Asia/Seoul"."""
    zone = _learner_zone()
    local, today = moment.astimezone(zone), (now or utcnow()).astimezone(zone).date()
    if local.date() == today:
        shown = local.strftime("%H:%M")
    else:
        shown = local.strftime("%a %d %b, %H:%M" if local.year == today.year else "%a %d %b %Y, %H:%M")
    return f"{shown} {zone.key}"


@bp.app_template_filter()
def study_day(moment: datetime) -> date:
    """The learner's study day a moment belongs to (their timezone, their day_starts_hour)."""
    return scheduler.study_date(moment, _learner_zone().key, current_user.day_starts_hour)


def _learner_zone() -> ZoneInfo:
    try:
        return ZoneInfo(current_user.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def timezone_names(current: str | None = None) -> list[str]:
    """The zones Settings offers: UTC and real Area/Location zones (and the learner's current one, kept)."""
    names = scheduler.real_zones()
    return names + ([current] if current and current not in names else [])


def _back(deck: str | None) -> Response:
    return redirect(url_for("review.show", deck=deck or None))


@bp.get("/review")
def show() -> str:
    """The next card's front (its back one key away) and what is left today."""
    now, deck = utcnow(), request.args.get("deck") or None
    session = get_session()
    found = catalog.get_deck(session, deck) if deck is not None else None
    reviews.ensure_cards(session, current_user, now)
    queue = reviews.get_queue(session, current_user, now, deck)
    card = queue.card
    reversible = _pop_reversible(session, deck)
    intervals = {}
    if card is not None:
        previews = scheduler.preview(card.id, reviews.state_of(card), now, _settings())
        intervals = {rating: scheduler.format_interval(interval) for rating, interval in previews.items()}
    return render_template("review/show.html", queue=queue, card=card, item=reviews.item_of(card) if card else None,
                           intervals=intervals, ratings=list(Rating), deck=deck, form=RateForm(),
                           shown_at=int(now.timestamp() * 1000), undo_prompt=_undo_prompt(session),
                           now=now, deck_title=found.title if found else None,
                           reversible=reversible, new_per_day=current_user.new_per_day)


def _undo_prompt(session: Session) -> str | None:
    """The question of the card whose rating Undo would take back, if any."""
    card = reviews.find_undoable_card(session, current_user.id)
    return reviews.item_of(card).prompt if card else None


def _pop_reversible(session: Session, deck: str | None) -> dict[str, object] | None:
    """The suspend or bury just done on this review screen (shown once, like a flash) and its card's question."""
    done = flask_session.pop(REVERSIBLE, None)
    if not isinstance(done, dict) or done.get("deck") != deck:
        return None
    card = reviews.get_card(session, current_user.id, int(done["card_id"]))
    return {**done, "prompt": reviews.item_of(card).prompt}


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


CARD_MESSAGES = {
    "bury": "Card buried until tomorrow.", "unbury": "Card unburied: it is back in today's reviews.",
    "suspend": "Card suspended: it stays out of reviews until you unsuspend it.",
    "unsuspend": "Card unsuspended: it is back in your reviews.",
}


@bp.post("/cards/<id:card_id>/<any(suspend, unsuspend, bury, unbury):action>")
def card_action(card_id: int, action: str) -> Response:
    """Suspend, unsuspend, bury or unbury one card; back on the review screen, a suspend or bury can be reversed."""
    session, now, deck = get_session(), utcnow(), request.args.get("deck") or None
    if action == "bury":
        card = reviews.bury(session, current_user, card_id, now)
    elif action == "unbury":
        card = reviews.unbury(session, current_user.id, card_id)
    else:
        card = reviews.set_suspended(session, current_user.id, card_id, action == "suspend")
    target = request.args.get("next")
    if target in CARD_PAGES:
        flash(CARD_MESSAGES[action], "success")
        return redirect(target)
    if action in ("bury", "suspend"):  # the review screen shows this message with its reverse button
        flask_session[REVERSIBLE] = {"action": action, "card_id": card.id, "deck": deck}
    else:
        flash(CARD_MESSAGES[action], "success")
    return _back(deck)


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
    form.timezone.choices = [SelectChoice(name, name) for name in timezone_names(current_user.timezone)]
    if form.validate_on_submit():
        form.populate_obj(current_user)
        current_user.desired_retention = float(form.desired_retention.data)
        get_session().commit()
        flash("Settings saved.", "success")
        return redirect(url_for("review.settings"))
    return render_template("review/settings.html", form=form), 400 if form.errors else 200

