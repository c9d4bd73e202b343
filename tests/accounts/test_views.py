"""Sign up, sign in, sign out."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from studyapp.models import Learner
from tests.conftest import AuthActions


def test_register_hashes_the_password_and_signs_in(client: FlaskClient, auth: AuthActions, session: Session) -> None:
    response = auth.register("ada", "correct horse")
    assert response.status_code == 302
    learner = session.scalar(select(Learner).where(Learner.username == "ada"))
    assert learner is not None and "correct horse" not in learner.password_hash
    assert "Sign out (ada)" in client.get("/").text


def test_register_errors_sit_next_to_their_field(client: FlaskClient, auth: AuthActions) -> None:
    auth.register("ada")
    auth.logout()
    page = auth.register("ADA").text
    assert 'id="username-error"' in page and "already taken" in page
    page = client.post("/auth/register", data={"username": "x", "password": "short", "confirm": "other"}).text
    assert "3 to 40 characters" in page and "at least 8 characters" in page and "The two passwords differ" in page


def test_login_and_logout(client: FlaskClient, auth: AuthActions) -> None:
    auth.register("ada")
    auth.logout()
    assert "do not match an account" in auth.login("ada", "wrong password").text
    assert auth.login("Ada", "correct horse").status_code == 302
    assert "Sign out (ada)" in client.get("/").text
    auth.logout()
    assert "Sign in" in client.get("/").text


def test_login_never_redirects_off_site(client: FlaskClient, auth: AuthActions) -> None:
    auth.register("ada")
    auth.logout()
    response = client.post("/auth/login?next=//evil.example/", data={"username": "ada", "password": "correct horse"})
    assert response.headers["Location"] == "/"


def test_sign_up_takes_the_browsers_timezone(client: FlaskClient, session: Session) -> None:
    """The sign-up form carries the zone the browser reports; an unknown or missing one is UTC, never an error."""
    page = client.get("/auth/register").text
    assert 'name="timezone"' in page and "data-detect-timezone" in page and "timezone.js" in page
    for name, sent, kept in (("seoul", "Asia/Seoul", "Asia/Seoul"), ("nowhere", "Mars/Olympus", "UTC"), ("plain", None, "UTC")):
        data = {"username": name, "password": "correct horse", "confirm": "correct horse"}
        if sent:
            data["timezone"] = sent
        response = client.post("/auth/register", data=data, follow_redirects=True)
        assert response.status_code == 200 and f"{kept} time" in response.text, name
        client.post("/auth/logout")
        assert session.scalar(select(Learner.timezone).where(Learner.username == name)) == kept


@pytest.mark.parametrize("name", ["Ärger", "ΣΑΣ", "東京user", "ab\n", "a b c", "\u200fabc"])
def test_usernames_are_plain_ascii_so_they_always_match_again(client: FlaskClient, name: str) -> None:
    """SQLite's lower() folds ASCII alone and PostgreSQL folds Σ otherwise than Python: such a name could never sign in."""
    page = client.post("/auth/register", data={"username": name, "password": "correct horse", "confirm": "correct horse"})
    assert page.status_code == 200 and ("letters a to z" in page.text or "3 to 40 characters" in page.text), name


def test_a_username_is_trimmed_before_it_is_checked(client: FlaskClient, session: Session) -> None:
    response = client.post("/auth/register", data={"username": "  Ada.L-1_  ", "password": "correct horse",
                                                    "confirm": "correct horse"})
    assert response.status_code == 302
    assert session.scalar(select(Learner.username).where(Learner.username == "Ada.L-1_")) == "Ada.L-1_"


def test_a_copied_session_cookie_stops_working_after_sign_out(app, client: FlaskClient, auth: AuthActions) -> None:
    """Flask's session lives in the cookie: signing out must also end any copy of it (another tab, a stolen one)."""
    auth.register("ada")
    copy = app.test_client()
    copy.set_cookie("session", client.get_cookie("session").value)
    assert "Sign out (ada)" in copy.get("/").text
    auth.logout()
    assert "Sign out (ada)" not in copy.get("/").text
    assert copy.get("/cards").status_code == 302  # sent to sign in
    auth.login("ada")
    assert "Sign out (ada)" in client.get("/").text  # signing in again works as before


def test_sign_up_keeps_only_real_timezones(client: FlaskClient, session: Session) -> None:
    """The zones Settings offers: 'Factory' or 'EST5EDT' from a browser (or a forged form) become UTC."""
    for name, sent in (("fact", "Factory"), ("est", "EST5EDT"), ("kiev", "Europe/Kyiv")):
        client.post("/auth/register", data={"username": name, "password": "correct horse", "confirm": "correct horse",
                                            "timezone": sent})
        client.post("/auth/logout")
    zones = dict(session.execute(select(Learner.username, Learner.timezone)).all())
    assert zones["fact"] == zones["est"] == "UTC" and zones["kiev"] == "Europe/Kyiv"
