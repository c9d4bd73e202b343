"""The site's header, kept rendered per page and kind of visitor: each request still shows its own learner."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import update

from studyapp import db
from studyapp.bank import sync
from studyapp.models import Learner
from tests.conftest import NOW, AuthActions, make_app, small_bank


def _token(page: str) -> str:
    return re.search(r'name="csrf_token"[^>]*?value="([^"]+)"', page).group(1)  # type: ignore[union-attr]


@pytest.fixture
def csrf_app(database_url: str, tmp_path: Path) -> Iterator[Flask]:
    """The app with its CSRF check on, as in production."""
    app = make_app(database_url, tmp_path, WTF_CSRF_ENABLED=True)
    with app.app_context():
        sync.sync_bank(db.get_session(), small_bank(), NOW)
    yield app
    db.engine_of(app).dispose()
    db.Base.metadata.drop_all(db.engine_of(app))
    db.engine_of(app).dispose()


def test_each_learner_sees_their_own_name_escaped_and_their_own_token(csrf_app: Flask) -> None:
    app = csrf_app
    first, second = app.test_client(), app.test_client()
    for client, name in ((first, "ada"), (second, "grace")):
        page = client.get("/auth/register").text
        assert client.post("/auth/register", data={"csrf_token": _token(page), "username": name, "password": "correct horse",
                                                   "confirm": "correct horse"}).status_code == 302
    with app.app_context():  # the sign-up form allows no markup in a name, but a name is escaped wherever it came from
        db.get_session().execute(update(Learner).where(Learner.username == "ada").values(username="ada<b>&amp;"))
        db.get_session().commit()
    mine, theirs = first.get("/decks").text, second.get("/decks").text
    assert "Sign out (ada&lt;b&gt;&amp;amp;)" in mine and "<b>" not in mine.split("<main")[0] and "grace" not in mine
    assert "Sign out (grace)" in theirs and "ada" not in theirs
    assert "\x1e" not in mine + theirs
    # the kept header's token is this learner's: signing out with it works, with the other's it does not
    assert second.post("/auth/logout", data={"csrf_token": _token(mine)}).status_code == 400
    assert first.post("/auth/logout", data={"csrf_token": _token(mine)}).status_code == 302
    assert "Sign in" in first.get("/decks").text and "Sign out (grace)" in second.get("/decks").text


def test_the_current_page_and_the_instructors_link_follow_the_request(app: Flask, client: FlaskClient,
                                                                     auth: AuthActions) -> None:
    visitor = client.get("/decks").text
    assert 'href="/decks" aria-current="page"' in visitor and "Sign up" in visitor and "Review" not in visitor
    auth.register("ada")
    decks, review = client.get("/decks").text, client.get("/review").text
    assert 'href="/decks" aria-current="page"' in decks and 'href="/review" aria-current="page"' not in decks
    assert 'href="/review" aria-current="page"' in review and 'href="/decks" aria-current="page"' not in review
    assert ">Bank<" not in review
    assert app.test_cli_runner().invoke(args=["users", "make-instructor", "ada"]).exit_code == 0
    other = AuthActions(app.test_client())
    other.register("grace")
    assert ">Bank<" in client.get("/review").text and ">Bank<" not in other.client.get("/review").text
    assert ">Bank<" in client.get("/review").text  # the learner's kept header did not become the instructor's
