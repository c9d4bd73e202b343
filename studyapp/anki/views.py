"""Anki downloads: every deck or one (CSV or .apkg), and the learner's own card list; filters in, file out."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

from flask import Blueprint, Response, request, send_file
from flask_login import current_user, login_required
from sqlalchemy.orm import Session
from wtforms import BooleanField, Form, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Optional, Regexp

from studyapp.anki import formats
from studyapp.anki import service as anki
from studyapp.anki.progress import PackageProgress
from studyapp.anki.service import ExportFilter
from studyapp.bank.items import CATEGORY_CHOICES
from studyapp.current import utcnow
from studyapp.db import get_session, new_session
from studyapp.errors import InvalidInput

bp = Blueprint("anki", __name__)
FORMATS = ("csv", "apkg")


class FilterForm(Form):
    """Query-string filters of an export (GET, so no CSRF)."""

    deck = StringField(validators=[Optional(), Regexp(r"^[a-z0-9-]{1,80}$", message="Not a deck key.")])
    category = SelectField(choices=[SelectChoice(*choice) for choice in CATEGORY_CHOICES], default="")
    tag = StringField(validators=[Optional(), Regexp(r"^\S{1,60}$", message="A tag has no spaces.")])
    due = BooleanField()
    leeches = BooleanField()


def read_filter(deck_key: str | None = None) -> ExportFilter:
    """The filters of this request; raises InvalidInput naming the bad parameter."""
    form = FilterForm(request.args)
    if not form.validate():
        field, errors = next(iter(form.errors.items()))
        raise InvalidInput(f"The '{field}' parameter is not valid: {errors[0]}")
    return ExportFilter(deck_key or form.deck.data or None, form.category.data or None, form.tag.data or None,
                        form.due.data, form.leeches.data)


NoteSource = Callable[[Session], Iterator[formats.AnkiNote]]
PackageSource = Callable[[Session], tuple[list[formats.AnkiNote], PackageProgress]]


def _stream(notes: NoteSource, session: Session) -> Iterator[str]:
    """The CSV a chunk at a time, read through a session of its own that closes when the stream ends.

    The request's session is closed when the view returns, before a streamed body is read.
    """
    try:
        yield from formats.iter_csv(notes(session))
    finally:
        session.close()


def download(notes: NoteSource, fmt: str, name: str, progress: PackageSource | None = None) -> Response:
    """A CSV (streamed) or .apkg attachment of the notes `notes(session)` yields; a learner's .apkg also
    carries what `progress(session)` gives (the notes and their schedules)."""
    if fmt == "csv":
        response = Response(_stream(notes, new_session()), mimetype="text/csv")
        response.headers["Content-Disposition"] = f'attachment; filename="{name}.csv"'
        return response
    handle, path = tempfile.mkstemp(suffix=".apkg")
    os.close(handle)
    try:
        with new_session() as session:  # in a transaction: the notes are read in batches through a server-side cursor
            if progress is None:
                formats.write_apkg(notes(session), Path(path), utcnow().timestamp())
            else:
                notes_of, package = progress(session)
                formats.write_apkg(notes_of, Path(path), utcnow().timestamp(), package)
        stream = open(path, "rb")  # noqa: SIM115 - closed by the server with the response
    finally:
        os.unlink(path)  # the open stream keeps the data until it is closed
    return send_file(stream, mimetype="application/apkg", as_attachment=True, download_name=f"{name}.apkg")


@bp.get("/decks/export.<any(csv, apkg):fmt>")
@bp.get("/decks/<key>/export.<any(csv, apkg):fmt>")
def decks(fmt: str, key: str | None = None) -> Response:
    """All decks (or one) as Anki notes; ?category= and ?tag= narrow it."""
    chosen = read_filter(key)
    anki.check_filter(get_session(), chosen)
    return download(lambda s: anki.notes_for_export(s, chosen), fmt, f"studyapp-{chosen.deck_key or 'all-decks'}")


@bp.get("/cards/export.<any(csv, apkg):fmt>")
@login_required
def my_cards(fmt: str) -> Response:
    """The learner's own cards as Anki notes, filtered by deck, category, tag, due or leeches; the .apkg carries
    each card's schedule, memory state and review log, and a preset with the learner's settings."""
    chosen = read_filter()
    anki.check_filter(get_session(), chosen)
    learner, now = current_user._get_current_object(), utcnow()  # the proxy is gone by the time a stream is read
    learner_id = learner.id
    return download(lambda s: anki.notes_for_export(s, chosen, learner_id, now), fmt, "studyapp-my-cards",
                    lambda s: anki.learner_package(s, learner, chosen, now))
