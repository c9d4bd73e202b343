"""The review screen: the next card, its rating, undo."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask import session as flask_session
from flask_login import current_user
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response

from studyapp.bank import catalog
from studyapp.current import utcnow
from studyapp.db import get_session
from studyapp.errors import InvalidInput
from studyapp.flashcards import reviews, scheduler
from studyapp.flashcards.forms import RateForm
from studyapp.flashcards.scheduler import Rating
from studyapp.flashcards.views import fit_when_due, learner_settings, signed_in

bp = Blueprint("review", __name__)
bp.before_request(signed_in)
MAX_DURATION_MS = 60_000
REVERSIBLE = "review.reversible"  # session key: the suspend or bury the review screen offers to reverse


def back(deck: str | None) -> Response:
    """To the review screen, in the same deck."""
    return redirect(url_for("review.show", deck=deck or None))


@bp.get("/review")
def show() -> str:
    """The next card's front (its back one key away) and what is left today."""
    now, deck = utcnow(), request.args.get("deck") or None
    session = get_session()
    found = catalog.get_deck(session, deck) if deck is not None else None
    queue = reviews.get_queue(session, current_user, now, deck)
    card = queue.card
    reversible = _pop_reversible(session, deck)
    intervals = {}
    if card is not None:
        previews = scheduler.preview(card.id, reviews.state_of(card), now, learner_settings())
        intervals = {rating: scheduler.format_interval(interval) for rating, interval in previews.items()}
    return render_template("flashcards/show.html", queue=queue, card=card, item=reviews.item_of(card) if card else None,
                           intervals=intervals, ratings=list(Rating), deck=deck, form=RateForm(),
                           shown_at=int(now.timestamp() * 1000), undo_prompt=_undo_prompt(session, queue),
                           now=now, deck_title=found.title if found else None,
                           reversible=reversible, new_per_day=current_user.new_per_day)


def _undo_prompt(session: Session, queue: reviews.Queue) -> str | None:
    """The question of the card whose rating Undo would take back, if any."""
    question_id = queue.undoable_question_id
    return catalog.item(session, question_id).prompt if question_id else None


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
                          learner_settings(), duration)
    if result.recorded:
        fit_when_due(now)
    else:
        flash("That card was already rated; the rating was not counted twice.", "info")
    if result.became_leech:
        suspended = " and suspended" if result.card.is_suspended else ""
        flash(f"This card has lapsed {scheduler.LEECH_LAPSES} times: it is now marked as a leech{suspended}. "
              "Consider rewording it for yourself or studying its source sentence.", "error")
    return back(deck)


@bp.post("/review/undo")
def undo() -> Response:
    """Put the last rated card back as it was; when there is none (or it was just undone), say so."""
    try:
        card = reviews.undo_last(get_session(), current_user, utcnow())
    except InvalidInput as error:
        flash(str(error), "info")
        return back(request.args.get("deck"))
    flash(f"Undone: “{reviews.item_of(card).prompt}” is back as it was.", "success")
    return back(request.args.get("deck"))
