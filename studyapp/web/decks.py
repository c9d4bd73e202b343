"""The home page and the deck list."""

from __future__ import annotations

from flask import Blueprint, g, render_template
from flask_login import current_user

from studyapp.bank import catalog
from studyapp.bank.items import CATEGORY_LABELS
from studyapp.current import utcnow
from studyapp.db import get_session
from studyapp.flashcards import reviews
from studyapp.quizzes.forms import quiz_form

bp = Blueprint("decks", __name__)


@bp.app_template_filter()
def deck_title(key: str) -> str:
    """A deck's title for a deck key (the key itself for a deck no longer in the bank); read once per request."""
    if "deck_titles" not in g:
        g.deck_titles = {deck.key: deck.title for deck in catalog.list_decks(get_session())}
    return g.deck_titles.get(key, key)


@bp.app_template_filter()
def category_label(value: str) -> str:
    """A category's label ("Dates") for its value ("date")."""
    return CATEGORY_LABELS.get(value, value)


@bp.get("/")
def index() -> str:
    """What the app is for and the one obvious next step."""
    session = get_session()
    decks = catalog.list_decks(session)
    queue = None
    if current_user.is_authenticated:
        now = utcnow()
        queue = reviews.get_queue(session, current_user, now, with_card=False)
    return render_template("decks/index.html", decks=decks, form=quiz_form(decks), queue=queue)


@bp.get("/decks")
def deck_list() -> str:
    """Every deck with its questions per category and, when signed in, what is due."""
    session = get_session()
    summaries = {}
    if current_user.is_authenticated:
        now = utcnow()
        summaries = reviews.due_counts_by_deck(session, current_user.id, now)
    return render_template("decks/list.html", decks=catalog.list_decks(session), summaries=summaries)


@bp.get("/decks/<key>")
def deck(key: str) -> str:
    """One deck: its questions per category, and quiz, review and download buttons."""
    session = get_session()
    found = catalog.get_deck(session, key)
    summary = next(d for d in catalog.list_decks(session) if d.key == found.key)
    return render_template("decks/deck.html", deck=summary)
