"""Anki downloads shared by the deck pages and the learner's card list: filters in, file out."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

from flask import Response, request, send_file
from sqlalchemy.orm import Session
from wtforms import BooleanField, Form, SelectField, StringField
from wtforms.validators import Optional, Regexp

from studyapp import anki
from studyapp.catalog import ExportFilter
from studyapp.db import get_session, new_session
from studyapp.errors import InvalidInput
from studyapp.forms import CATEGORY_CHOICES

FORMATS = ("csv", "apkg")


class FilterForm(Form):
    """Query-string filters of an export (GET, so no CSRF)."""

    deck = StringField(validators=[Optional(), Regexp(r"^[a-z0-9-]{1,80}$", message="Not a deck key.")])
    category = SelectField(choices=CATEGORY_CHOICES, default="")
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


NoteSource = Callable[[Session], Iterator[anki.AnkiNote]]


def _stream(notes: NoteSource, session: Session) -> Iterator[str]:
    """The CSV a chunk at a time, read through a session of its own that closes when the stream ends.

    The request's session is closed when the view returns, before a streamed body is read.
    """
    try:
        yield from anki.iter_csv(notes(session))
    finally:
        session.close()


def download(notes: NoteSource, fmt: str, name: str) -> Response:
    """A CSV (streamed) or .apkg attachment of the notes `notes(session)` yields."""
    if fmt == "csv":
        response = Response(_stream(notes, new_session()), mimetype="text/csv")
        response.headers["Content-Disposition"] = f'attachment; filename="{name}.csv"'
        return response
    handle, path = tempfile.mkstemp(suffix=".apkg")
    os.close(handle)
    try:
        anki.write_apkg(notes(get_session()), Path(path))
        stream = open(path, "rb")  # noqa: SIM115 - closed by the server with the response
    finally:
        os.unlink(path)  # the open stream keeps the data until it is closed
    return send_file(stream, mimetype="application/apkg", as_attachment=True, download_name=f"{name}.apkg")
