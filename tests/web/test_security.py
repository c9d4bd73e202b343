"""Security: headers, CSRF on every POST, learners kept apart, throttled sign-in, cookies, limits, fuzzing."""

from __future__ import annotations

import io
import json
import re
import string
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from studyapp import config, create_app, db
from studyapp.accounts import service as accounts
from studyapp.models import Learner, LoginThrottle, ReviewLog
from tests.conftest import AuthActions, make_app


def test_security_headers(client: FlaskClient) -> None:
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_healthz(app: Flask, client: FlaskClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json == {"status": "ok", "database": "ok", "questions": 19}
    with app.app_context():
        session = db.get_session()
        from studyapp.models import Question

        for question in session.scalars(select(Question)):
            question.is_retired = True
        session.commit()
    response = client.get("/healthz")
    assert response.status_code == 503 and response.json["error"] == "the bank is not loaded"


def post_routes(app: Flask) -> list[str]:
    """Every POST URL of the app, with placeholder values for its parameters."""
    urls = []
    for rule in app.url_map.iter_rules():
        if "POST" not in rule.methods:
            continue
        values = {arg: ("suspend" if arg == "action" else 1 if "id" in arg else "x") for arg in rule.arguments}
        urls.append(rule.build(values, append_unknown=False)[1])
    return urls


def test_every_post_without_a_csrf_token_is_refused(database_url: str, tmp_path: Path) -> None:
    app = make_app(database_url, tmp_path, WTF_CSRF_ENABLED=True)
    client = app.test_client()
    urls = post_routes(app)
    assert len(urls) >= 10
    try:
        for url in urls:
            response = client.post(url, data={"rating": "3", "version": "0", "length": "5"})
            assert response.status_code == 400 and "Form refused" in response.text, url
    finally:
        db.Base.metadata.drop_all(db.engine_of(app))
        db.engine_of(app).dispose()


def test_another_learner_can_reach_nothing(app: Flask, client: FlaskClient, auth: AuthActions) -> None:
    auth.register("ada")
    quiz_url = client.post("/quiz/new", data={"deck": "", "category": "", "length": "3", "seed": "1"}).headers["Location"]
    card_id = int(re.search(r"/review/(\d+)/rate", client.get("/review").text).group(1))
    client.post(f"/review/{card_id}/rate", data={"rating": "1", "version": "0"})
    client.post("/settings", data={"desired_retention": "0.8", "learning_steps": "1m", "relearning_steps": "5m",
                                   "maximum_interval_days": "100", "new_per_day": "3", "reviews_per_day": "50",
                                   "day_starts_hour": "6", "timezone": "Asia/Seoul"})
    auth.logout()
    auth.register("bob")
    for url in (quiz_url, f"{quiz_url}/results"):
        assert client.get(url).status_code == 404, url
    assert client.post(f"{quiz_url}/answer", data={"position": "0", "response": "x"}).status_code == 404
    assert client.post(f"/review/{card_id}/rate", data={"rating": "3", "version": "1"}).status_code == 404
    for action in ("suspend", "unsuspend", "bury"):
        assert client.post(f"/cards/{card_id}/{action}").status_code == 404
    assert "No cards studied yet" in client.get("/cards").text
    assert [line for line in client.get("/cards/export.csv").text.splitlines() if not line.startswith("#")] == []
    exported = client.get("/auth/account/export.json").json
    assert exported["username"] == "bob" and exported["cards"] == [] or all(c["reps"] == 0 for c in exported["cards"])
    assert exported["review_log"] == [] and exported["quizzes"] == []
    assert 'value="1m 10m"' in client.get("/settings").text
    assert "No quizzes yet" in client.get("/quiz/mine").text
    with app.app_context():
        session = db.get_session()
        ada = session.scalar(select(Learner).where(Learner.username == "ada"))
        assert ada.desired_retention == 0.8
        assert session.scalar(select(func.count()).select_from(ReviewLog)) == 1


def test_card_ids_beyond_the_database_integer_are_a_404(client: FlaskClient, auth: AuthActions) -> None:
    """PostgreSQL's INTEGER stops at 2**31 - 1: a bigger id in a URL is "no such card", never a 500."""
    auth.register("ada")
    for card_id in (2**31 - 1, 2**31, 3989020132, 10**30):
        assert client.post(f"/review/{card_id}/rate", data={"rating": "3", "version": "0"}).status_code == 404, card_id
        for action in ("suspend", "unsuspend", "bury"):
            assert client.post(f"/cards/{card_id}/{action}").status_code == 404, (card_id, action)
    assert client.post("/review/0/rate", data={"rating": "3", "version": "0"}).status_code == 404


def test_nul_characters_are_refused_with_a_message(client: FlaskClient, auth: AuthActions) -> None:
    """PostgreSQL's text cannot hold NUL: anywhere in a request it is a 400 that says where, never a 500."""
    auth.register("ada")
    page = client.get("/decks/%00")
    assert page.status_code == 400 and "The address contains a NUL character" in page.text
    page = client.get("/cards", query_string={"tag": "a\x00b"})
    assert page.status_code == 400 and "query string field “tag”" in page.text
    page = client.post("/quiz/new", data={"deck": "\x00", "category": "", "length": "3"})
    assert page.status_code == 400 and "form field “deck”" in page.text
    upload = {"data_file": (io.BytesIO(json.dumps({"format": "studyapp-learner-data", "username": "a\x00"}).encode()), "d.json")}
    page = client.post("/auth/account/import", data=upload)
    assert page.status_code == 400 and "NUL character at username" in page.text


def test_sign_in_is_throttled_after_repeated_failures(client: FlaskClient, auth: AuthActions, session: Session) -> None:
    auth.register("ada")
    auth.logout()
    for _ in range(5):
        assert "do not match an account" in auth.login("ada", "wrong password").text
    response = auth.login("ada", "correct horse")
    assert response.status_code == 429 and "Too many failed sign-ins" in response.text
    session.execute(update(LoginThrottle).values(blocked_until=datetime.now(timezone.utc) - timedelta(seconds=1)))
    session.commit()
    assert auth.login("ada", "correct horse").status_code == 302


def _sign_in(client: FlaskClient, username: str, password: str, address: str) -> int:
    return client.post("/auth/login", data={"username": username, "password": password},
                       environ_base={"REMOTE_ADDR": address}).status_code


def test_wrong_passwords_from_elsewhere_never_keep_the_owner_out(app: Flask, client: FlaskClient, auth: AuthActions) -> None:
    auth.register("ada")
    auth.logout()
    attacker = app.test_client()
    statuses = [_sign_in(attacker, "ADA", "wrong password", "198.51.100.7") for _ in range(8)]  # any letter case
    assert statuses == [200] * 5 + [429] * 3
    assert _sign_in(app.test_client(), "ada", "correct horse", "192.0.2.10") == 302  # the owner, from home
    assert _sign_in(attacker, "ada", "correct horse", "198.51.100.7") == 429  # the attacker's address waits


def test_a_burst_from_many_addresses_slows_each_and_leaves_the_owner_in(app: Flask, client: FlaskClient,
                                                                        auth: AuthActions) -> None:
    auth.register("ada")
    auth.logout()
    for host in range(6):
        statuses = [_sign_in(app.test_client(), "ada", f"guess {n}", f"203.0.113.{host}") for n in range(6)]
        assert statuses == [200] * 5 + [429]
    assert _sign_in(app.test_client(), "ada", "correct horse", "192.0.2.10") == 302


def test_password_spraying_from_one_address_is_slowed(app: Flask, client: FlaskClient, auth: AuthActions) -> None:
    auth.register("ada")
    auth.logout()
    sprayer = app.test_client()
    statuses = [_sign_in(sprayer, f"user{n}", "Password1!", "198.51.100.9") for n in range(22)]
    assert statuses == [200] * 20 + [429] * 2
    page = sprayer.post("/auth/login", data={"username": "ada", "password": "correct horse"},
                        environ_base={"REMOTE_ADDR": "198.51.100.9"})
    assert page.status_code == 429 and "from your network" in page.text
    assert _sign_in(app.test_client(), "ada", "correct horse", "192.0.2.10") == 302


def test_each_further_failure_waits_twice_as_long(app: Flask, client: FlaskClient, auth: AuthActions,
                                                  session: Session) -> None:
    auth.register("ada")
    auth.logout()
    waits = []
    for _ in range(4):
        while _sign_in(client, "ada", "wrong password", "198.51.100.7") != 429:
            pass
        row = session.scalar(select(LoginThrottle).where(LoginThrottle.key == "account:ada@198.51.100.7"))
        session.refresh(row)
        waits.append(round((row.blocked_until - datetime.now(timezone.utc)).total_seconds() / 30))
        session.execute(update(LoginThrottle).values(blocked_until=datetime.now(timezone.utc) - timedelta(seconds=1)))
        session.commit()
    assert waits == [1, 2, 4, 8]  # 30 s, then 1, 2 and 4 minutes (at most LOGIN_LOCK_MINUTES)


def test_sign_ups_are_limited_per_address(app: Flask) -> None:
    client = app.test_client()
    form = {"password": "correct horse", "confirm": "correct horse"}
    statuses = [client.post("/auth/register", data={**form, "username": f"new{n}"},
                            environ_base={"REMOTE_ADDR": "198.51.100.20"}).status_code for n in range(11)]
    assert statuses == [302] * 10 + [429]
    assert app.test_client().post("/auth/register", data={**form, "username": "elsewhere"},
                                  environ_base={"REMOTE_ADDR": "192.0.2.30"}).status_code == 302


def test_behind_a_trusted_proxy_the_client_address_is_the_forwarded_one(database_url: str, tmp_path: Path) -> None:
    app = make_app(database_url, tmp_path, TRUSTED_PROXIES=1)
    AuthActions(app.test_client()).register("ada")
    proxy = app.test_client()

    def via_proxy(password: str, client_address: str) -> int:
        return proxy.post("/auth/login", data={"username": "ada", "password": password},
                          headers={"X-Forwarded-For": client_address}, environ_base={"REMOTE_ADDR": "127.0.0.1"}).status_code

    assert [via_proxy("wrong password", "198.51.100.7") for _ in range(6)] == [200] * 5 + [429]
    assert via_proxy("correct horse", "192.0.2.10") == 302  # the proxy's own address is not what is throttled
    engine = db.engine_of(app)
    db.Base.metadata.drop_all(engine)
    engine.dispose()


def test_session_cookie_flags(database_url: str, tmp_path: Path) -> None:
    for secure in (False, True):
        app = make_app(database_url, tmp_path, SESSION_COOKIE_SECURE=secure)
        client = app.test_client()
        response = AuthActions(client).register(f"user{int(secure)}")
        cookie = response.headers["Set-Cookie"]
        assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and ("Secure" in cookie) is secure
        db.Base.metadata.drop_all(db.engine_of(app))
        db.engine_of(app).dispose()


@pytest.mark.parametrize(("raw", "expected"), [
    ("1", True), ("true", True), ("True", True), ("YES", True), (" on ", True),
    ("0", False), ("false", False), ("False", False), ("no", False), ("OFF", False),
])
def test_boolean_env_settings_are_parsed(raw: str, expected: bool) -> None:
    assert config.parse_bool("STUDYAPP_SESSION_COOKIE_SECURE", raw) is expected


@pytest.mark.parametrize(("name", "raw", "message"), [
    ("STUDYAPP_SESSION_COOKIE_SECURE", "maybe", "STUDYAPP_SESSION_COOKIE_SECURE='maybe' is not a boolean"),
    ("STUDYAPP_SESSION_COOKIE_SECURE", "", "is not a boolean: use one of 1/true/yes/on or 0/false/no/off"),
    ("STUDYAPP_WTF_CSRF_ENABLED", "2", "STUDYAPP_WTF_CSRF_ENABLED='2' is not a boolean"),
    ("STUDYAPP_LOGIN_MAX_FAILURES", "five", "STUDYAPP_LOGIN_MAX_FAILURES='five' is not a whole number"),
    ("STUDYAPP_LOGIN_LOCK_MINUTES", "1.5", "STUDYAPP_LOGIN_LOCK_MINUTES='1.5' is not a whole number"),
    ("STUDYAPP_QUIZ_MAX_LENGTH", "true", "STUDYAPP_QUIZ_MAX_LENGTH='true' is not a whole number"),
])
def test_bad_env_settings_stop_startup_naming_the_variable(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                                           name: str, raw: str, message: str) -> None:
    monkeypatch.setenv("SECRET_KEY", "x")
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'e.sqlite'}")
    monkeypatch.setenv(name, raw)
    with pytest.raises(config.ConfigError, match=re.escape(message)):
        create_app()


@pytest.mark.parametrize(("raw", "secure"), [("False", False), ("0", False), ("off", False), ("1", True), ("True", True)])
def test_secure_cookie_env_setting_is_a_real_boolean(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                                      raw: str, secure: bool) -> None:
    monkeypatch.setenv("SECRET_KEY", "x")
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'e.sqlite'}")
    monkeypatch.setenv("STUDYAPP_SESSION_COOKIE_SECURE", raw)
    monkeypatch.setenv("STUDYAPP_WTF_CSRF_ENABLED", "no")
    monkeypatch.setenv("STUDYAPP_LOGIN_MAX_FAILURES", " 7 ")
    app = create_app()
    assert app.config["SESSION_COOKIE_SECURE"] is secure and app.config["REMEMBER_COOKIE_SECURE"] is secure
    assert app.config["WTF_CSRF_ENABLED"] is False and app.config["LOGIN_MAX_FAILURES"] == 7
    db.Base.metadata.create_all(db.engine_of(app))
    try:
        response = AuthActions(app.test_client()).register("ada")
        cookie = response.headers["Set-Cookie"]
        assert response.status_code == 302 and "Secure=" not in cookie and ("; Secure" in cookie) is secure
        assert ("Strict-Transport-Security" in response.headers) is secure
    finally:
        db.engine_of(app).dispose()


def test_database_errors_never_show_parameters(app: Flask, monkeypatch: pytest.MonkeyPatch,
                                               caplog: pytest.LogCaptureFixture) -> None:
    """A duplicate INSERT's error would print the password hash; it is hidden, and the sign-up race is a form error."""
    client = app.test_client()
    AuthActions(client).register("ada")
    AuthActions(client).logout()
    with app.app_context():
        session = db.get_session()
        session.add(Learner(username="ada", password_hash="scrypt:secret-hash", created_at=datetime.now(timezone.utc)))
        with pytest.raises(IntegrityError) as error:
            session.commit()
        session.rollback()
    assert "secret-hash" not in str(error.value) and "parameters hidden" in str(error.value)
    monkeypatch.setattr(accounts, "find_learner", lambda session, username: None)  # as if a racing sign-up won
    page = AuthActions(client).register("ADA")  # taken whatever the case: the unique index on lower(username)
    assert page.status_code == 200 and "already taken" in page.text
    assert "scrypt" not in caplog.text
    monkeypatch.undo()
    assert AuthActions(client).login("ada", "correct horse").status_code == 302
    with app.app_context():
        assert db.get_session().scalar(select(func.count()).select_from(Learner)) == 1


def test_production_errors_show_no_stack_trace(tmp_path: Path) -> None:
    app = make_app(f"sqlite:///{tmp_path / 'p.sqlite'}", tmp_path, TESTING=False)
    db.Base.metadata.drop_all(db.engine_of(app))  # every query now fails
    response = app.test_client().get("/")
    assert response.status_code == 500 and "nothing was half-saved" in response.text
    assert "Traceback" not in response.text and "sqlalchemy" not in response.text.lower()
    db.engine_of(app).dispose()


def test_request_size_is_limited(client: FlaskClient) -> None:
    response = client.post("/quiz/new", data={"length": "5", "deck": "x" * (9 * 1024 * 1024)})
    assert response.status_code == 413


def test_data_export_and_import_on_another_instance(app: Flask, client: FlaskClient, auth: AuthActions,
                                                    database_url: str, tmp_path: Path) -> None:
    from tests.accounts.test_portability import study_and_export

    data = study_and_export(client, auth)
    exported = client.get("/auth/account/export.json")
    assert exported.headers["Content-Disposition"] == 'attachment; filename="studyapp-ada-data.json"'

    other = make_app(f"sqlite:///{tmp_path / 'other.sqlite'}", tmp_path / "other")
    with other.app_context():
        from studyapp.bank import sync
        from tests.conftest import NOW, small_bank

        sync.sync_bank(db.get_session(), small_bank(), NOW)
    other_client = other.test_client()
    AuthActions(other_client).register("ada-elsewhere")
    upload = {"data_file": (io.BytesIO(json.dumps(data).encode()), "data.json")}
    page = other_client.post("/auth/account/import", data=upload, follow_redirects=True).text
    assert "Imported" in page and "3 reviews and 1 quiz." in page
    again = other_client.post("/auth/account/import", data={"data_file": (io.BytesIO(json.dumps(data).encode()), "d.json")},
                              follow_redirects=True).text
    assert "Imported 0 cards, 0 reviews and 0 quizzes." in again
    mine = other_client.get("/auth/account/export.json").json
    strip = lambda cards: sorted((c["question_key"], c["reps"], c["due"], c["stability"]) for c in cards if c["reps"])  # noqa: E731
    assert strip(mine["cards"]) == strip(data["cards"])
    assert [r["rating"] for r in mine["review_log"]] == [r["rating"] for r in data["review_log"]]
    bad = other_client.post("/auth/account/import", data={"data_file": (io.BytesIO(b'{"format": "other"}'), "x.json")})
    assert bad.status_code == 400 and "not a studyapp data file" in bad.text
    notjson = other_client.post("/auth/account/import", data={"data_file": (io.BytesIO(b"\xff\xfe"), "x.json")})
    assert notjson.status_code == 400 and "not JSON" in notjson.text
    huge = json.loads(json.dumps(data))
    huge["cards"][0]["reps"] = 2**40  # beyond a database INTEGER: refused by field, not a 500
    refused = other_client.post("/auth/account/import",
                                data={"data_file": (io.BytesIO(json.dumps(huge).encode()), "h.json")})
    assert refused.status_code == 400 and "cards.0.reps" in refused.text
    db.Base.metadata.drop_all(db.engine_of(other))
    db.engine_of(other).dispose()


HOSTILE = st.one_of(st.text(max_size=30), st.sampled_from(
    ["-1", "0", "99999999999999999999", "1e9", "null", "<script>alert(1)</script>", "' OR 1=1 --", "../../etc/passwd",
     "%00", "\x00", "🙂", "a" * 300, "[]", "{}", "NaN", "99999999d", "99999999999d", "1m 10m", "0.9", "Asia/Seoul"]))


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_fuzzed_requests_never_get_a_500(app: Flask, data: st.DataObject) -> None:
    client = app.test_client()
    if data.draw(st.booleans(), label="signed in"):
        AuthActions(client).register(data.draw(st.text(string.ascii_lowercase, min_size=8, max_size=12), label="name"))
    rules = [r for r in app.url_map.iter_rules() if r.endpoint != "static"]
    rule = data.draw(st.sampled_from(rules), label="rule")
    values = {arg: data.draw(st.integers(-5, 10**12) if "id" in arg else st.sampled_from(["suspend", "bury", "csv", "apkg"])
                             if arg in ("action", "fmt") else HOSTILE.filter(lambda s: "/" not in s and s.strip() and s not in (".", "..")),
                             label=arg) for arg in rule.arguments}
    try:
        url = rule.build(values, append_unknown=False)[1]
    except Exception:  # noqa: BLE001 - a value the converter refuses cannot be requested
        return
    params = data.draw(st.dictionaries(st.sampled_from(["deck", "category", "length", "seed", "tag", "due", "leeches",
                                                        "answered", "next", "position", "response", "rating", "version",
                                                        "shown_at", "order", "username", "password", "confirm", "desired_retention",
                                                        "learning_steps", "relearning_steps", "maximum_interval_days",
                                                        "new_per_day", "reviews_per_day", "day_starts_hour", "timezone"]),
                                       HOSTILE, max_size=5), label="params")
    method = data.draw(st.sampled_from(sorted(rule.methods - {"HEAD", "OPTIONS"})), label="method")
    response = client.open(url, method=method, query_string=params if method == "GET" else None,
                           data=params if method == "POST" else None)
    response.close()
    assert response.status_code < 500, (method, url, params, response.status_code)


@pytest.mark.parametrize("proxies", [0, 1])
def test_behind_a_trusted_proxy_forms_and_links_use_the_clients_host(tmp_path: Path, proxies: int) -> None:
    """nginx passes the client's scheme and host in X-Forwarded-*: believed only with STUDYAPP_TRUSTED_PROXIES."""
    app = make_app(f"sqlite:///{tmp_path / 'proxy.sqlite'}", tmp_path, WTF_CSRF_ENABLED=True, TRUSTED_PROXIES=proxies)
    try:
        client = app.test_client()
        behind = {"headers": {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "study.example.org"},
                  "base_url": "http://127.0.0.1:8000", "environ_overrides": {"wsgi.url_scheme": "https"}}
        page = client.get("/auth/register", **behind).text
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
        form = {"csrf_token": token, "username": "ada", "password": "correct horse", "confirm": "correct horse"}
        sent = client.post("/auth/register", data=form, **{**behind, "headers": {
            **behind["headers"], "Referer": "https://study.example.org/auth/register"}})
        assert sent.status_code == (302 if proxies else 400)  # without: the Referer's host is not the request's
    finally:
        db.Base.metadata.drop_all(db.engine_of(app))
        db.engine_of(app).dispose()
