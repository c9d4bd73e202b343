"""The home page and the deck list."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user

from studyapp import catalog, reviews
from studyapp.db import get_session
from studyapp.web import utcnow
from studyapp.web.study import quiz_form

bp = Blueprint("decks", __name__)


@bp.get("/")
def index() -> str:
    """What the app is for and the one obvious next step."""
    session = get_session()
    decks = catalog.list_decks(session)
    queue = None
    if current_user.is_authenticated:
        now = utcnow()
        reviews.ensure_cards(session, current_user.id, now)
        queue = reviews.get_queue(session, current_user, now)
    return render_template("decks/index.html", decks=decks, form=quiz_form(decks), queue=queue)


@bp.get("/decks")
def deck_list() -> str:
    """Every deck with its questions per category and, when signed in, what is due."""
    session = get_session()
    summaries = {}
    if current_user.is_authenticated:
        now = utcnow()
        reviews.ensure_cards(session, current_user.id, now)
        summaries = reviews.due_counts_by_deck(session, current_user.id, now)
    return render_template("decks/list.html", decks=catalog.list_decks(session), summaries=summaries)
