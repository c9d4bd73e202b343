"""The home page and the deck list."""

from __future__ import annotations

from flask import Blueprint, render_template

from studyapp import catalog
from studyapp.db import get_session
from studyapp.web.study import quiz_form

bp = Blueprint("decks", __name__)


@bp.get("/")
def index() -> str:
    """What the app is for and the one obvious next step."""
    decks = catalog.list_decks(get_session())
    return render_template("decks/index.html", decks=decks, form=quiz_form(decks))


@bp.get("/decks")
def deck_list() -> str:
    """Every deck with its questions per category."""
    return render_template("decks/list.html", decks=catalog.list_decks(get_session()))
