"""The learner data import refuses hostile or inconsistent files with a 400 naming where, never a 500."""

from __future__ import annotations

import copy
import io
import json
import re
import threading
from datetime import datetime, timedelta, timezone

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from studyapp import db
from studyapp.accounts import portability
from studyapp.models import Card, Learner, Quiz, QuizItem, ReviewLog
from tests.conftest import AuthActions


def study_and_export(client: FlaskClient, auth: AuthActions) -> dict:
    """ada takes a quiz (one answer) and rates 3 cards; her export."""
    auth.register("ada")
    location = client.post("/quiz/new", data={"deck": "", "category": "", "length": "2", "seed": "4"}).headers["Location"]
    client.post(f"{location}/answer", data={"position": "0", "response": "1928"})
    for _ in range(3):
        page = client.get("/review").text
        card_id = int(re.search(r"/review/(\d+)/rate", page).group(1))
        version = re.search(r'name="version" value="(\d+)"', page).group(1)
        client.post(f"/review/{card_id}/rate", data={"rating": "4", "version": version})
    data = client.get("/auth/account/export.json").json
    assert len(data["review_log"]) == 3 and len(data["quizzes"]) == 1
    return data


@pytest.fixture
def exported(client: FlaskClient, auth: AuthActions) -> dict:
    """ada's export; the client is then signed in as bob, who has studied nothing."""
    data = study_and_export(client, auth)
    auth.logout()
    auth.register("bob")
    return data


def _upload(client: FlaskClient, content: bytes | dict) -> object:
    body = content if isinstance(content, bytes) else json.dumps(content).encode()
    return client.post("/auth/account/import", data={"data_file": (io.BytesIO(body), "data.json")})


def _refused(client: FlaskClient, content: bytes | dict, *expected: str) -> None:
    response = _upload(client, content)
    assert response.status_code == 400, response.text[:500]
    text = response.text.replace("&#34;", '"').replace("&#39;", "'").replace("&gt;", ">").replace("&lt;", "<")
    for part in expected:
        assert part in text, (part, re.findall(r"(?:not JSON|This [^<]*)", text))


def _counts(app: Flask, username: str = "bob") -> tuple[int, int, int, int]:
    with app.app_context():
        session = db.get_session()
        learner_id = session.scalar(select(Learner.id).where(Learner.username == username))
        count = lambda model: session.scalar(select(func.count()).select_from(model).where(model.learner_id == learner_id))  # noqa: E731
        items = session.scalar(select(func.count()).select_from(QuizItem).join(Quiz).where(Quiz.learner_id == learner_id))
        return count(ReviewLog), count(Quiz), items, session.scalar(
            select(func.count()).select_from(Card).where(Card.learner_id == learner_id, Card.reps > 0))


def _pages_work(client: FlaskClient) -> None:
    for page in ("/review", "/cards", "/progress", "/quiz/mine", "/auth/account", "/auth/account/export.json"):
        assert client.get(page).status_code == 200, page
    tokens = set(re.findall(r'href="/quiz/([\w-]{20,})', client.get("/quiz/mine").text))
    assert tokens
    for token in tokens:
        assert client.get(f"/quiz/{token}").status_code in (200, 302), token
        assert client.get(f"/quiz/{token}/results").status_code == 200, token
    assert client.post("/review/undo").status_code in (200, 302)


def test_json_that_python_chokes_on_is_not_json(client: FlaskClient, exported: dict) -> None:
    _refused(client, b"[" * 5000 + b"]" * 5000, "That file is not JSON", "nests values too deeply")
    _refused(client, b'{"format": ' + b"9" * 5000 + b"}", "That file is not JSON")
    for constant in (b"NaN", b"Infinity", b"-Infinity"):
        _refused(client, b'{"format": ' + constant + b"}", "That file is not JSON", f"{constant.decode().lstrip('-')}")
    _refused(client, b"\xff\xfe", "That file is not JSON")
    deep = copy.deepcopy(exported)
    deep["username"] = json.loads("[" * 100 + "]" * 100)
    _refused(client, deep, "nests values too deeply at username")
    huge = copy.deepcopy(exported)
    huge["cards"][0]["stability"] = float("inf")  # written as 1e999 below: json reads it as inf
    _refused(client, json.dumps(huge).replace("Infinity", "1e999").encode(), "number too large to store at cards.0.stability")


def test_times_must_fit_the_database_and_the_past_must_be_past(app: Flask, client: FlaskClient, exported: dict) -> None:
    new_card = next(c for c in exported["cards"] if c["reps"] == 0)
    assert new_card["due"] == "9999-12-31T00:00:00Z"  # scheduler.NEW_CARD_DUE, imported below
    for value in ("9999-12-31T23:00:00-05:00", "0001-01-01T00:30:00+01:00", "1969-12-31T23:59:59Z", "10000-01-01T00:00:00Z"):
        bad = copy.deepcopy(exported)
        bad["cards"][0]["due"] = value
        _refused(client, bad, "cards.0.due")
    future = (datetime.now(timezone.utc) + timedelta(days=2)).isoformat()
    for path in (("review_log", 0, "reviewed_at"), ("review_log", 1, "state_before", "last_review"), ("exported_at",),
                 ("quizzes", 0, "created_at"), ("quizzes", 0, "items", 0, "answered_at"), ("cards", 1, "last_review")):
        bad = copy.deepcopy(exported)
        target = bad
        for step in path[:-1]:
            target = target[step]
        if path[-1] == "last_review" and target[path[-1]] is None:
            continue
        target[path[-1]] = "2099-01-01T00:00:00Z" if path[0] != "cards" else future
        _refused(client, bad, ".".join(map(str, path)), "in the future")
    bad = copy.deepcopy(exported)
    bad["review_log"][0]["undone_at"], bad["review_log"][0]["is_undone"] = "2099-01-01T00:00:00Z", True
    _refused(client, bad, "review_log.0.undone_at")
    soon = copy.deepcopy(exported)  # a clock a little ahead elsewhere is fine; far-future dues and buries too
    soon["exported_at"] = (datetime.now(timezone.utc) + timedelta(hours=2)).isoformat()
    soon["cards"][0]["buried_until"] = "9999-12-30T23:00:00-01:00"
    assert _upload(client, soon).status_code == 302
    assert _counts(app) == (3, 1, 2, 3)


def test_strings_must_fit_their_columns(client: FlaskClient, exported: dict) -> None:
    cases = [(("quizzes", 0, "deck_key"), 81), (("quizzes", 0, "category"), 21), (("quizzes", 0, "items", 0, "question_key"), 101),
             (("cards", 0, "question_key"), 101), (("review_log", 0, "question_key"), 101), (("username",), 41),
             (("quizzes", 0, "items", 0, "response"), 10_001), (("quizzes", 0, "items", 0, "feedback"), 10_001),
             (("quizzes", 0, "items", 0, "payload", "prompt"), 10_001), (("settings", "timezone"), 65)]
    for path, length in cases:
        bad = copy.deepcopy(exported)
        target = bad
        for step in path[:-1]:
            target = target[step]
        target[path[-1]] = "x" * length
        _refused(client, bad, ".".join(map(str, path)), "at most")


def test_text_that_cannot_be_stored_is_refused_with_its_path(client: FlaskClient, exported: dict) -> None:
    bad = copy.deepcopy(exported)
    bad["quizzes"][0]["items"][1]["response"] = "a\ud800b"
    _refused(client, bad, "not valid Unicode", "quizzes.0.items.1.response")
    bad = copy.deepcopy(exported)
    bad["review_log"][2]["state_after"]["\udfff"] = 1
    _refused(client, bad, "not valid Unicode", "review_log.2.state_after.?")
    bad = copy.deepcopy(exported)
    bad["cards"][3]["question_key"] = "k\x00"
    _refused(client, bad, "NUL character at cards.3.question_key")


def test_quiz_positions_must_differ(app: Flask, client: FlaskClient, exported: dict) -> None:
    bad = copy.deepcopy(exported)
    bad["quizzes"][0]["items"][1]["position"] = bad["quizzes"][0]["items"][0]["position"]
    _refused(client, bad, "quizzes.0:", "position")
    assert _counts(app) == (0, 0, 0, 0)


def test_inconsistent_cards_snapshots_and_payloads_are_refused(app: Flask, client: FlaskClient, exported: dict) -> None:
    studied = next(i for i, c in enumerate(exported["cards"]) if c["reps"])
    new = next(i for i, c in enumerate(exported["cards"]) if not c["reps"])
    cases = [
        (("cards", studied), {"state": 2, "stability": None, "reps": 3}, f"cards.{studied}: a reviewed card"),
        (("cards", studied), {"last_review": None}, "needs last_review"),
        (("cards", new), {"stability": 3.0}, f"cards.{new}: a card never reviewed"),
        (("cards", new), {"state": 2}, "must be in state 1"),
        (("cards", studied), {"state": 1, "step": None}, "needs a step"),
        (("review_log", 0, "state_before"), {"state": 9}, "review_log.0.state_before.state"),
        (("review_log", 0, "state_after"), {"reps": 0}, "review_log.0.state_after: a card never reviewed"),
        (("quizzes", 0, "items", 0, "payload"), {"form": "essay"}, "quizzes.0.items.0.payload.form"),
        (("quizzes", 0, "items", 0, "payload"), {"keys": "abc"}, "quizzes.0.items.0.payload.keys"),
    ]
    for path, change, message in cases:
        bad = copy.deepcopy(exported)
        target = bad
        for step in path:
            target = target[step]
        target.update(change)
        _refused(client, bad, message)
    bad = copy.deepcopy(exported)
    bad["review_log"][0]["state_before"] = {}
    _refused(client, bad, "review_log.0.state_before.state", "Field required")
    bad = copy.deepcopy(exported)
    bad["quizzes"][0]["items"][0]["payload"] = {}
    _refused(client, bad, "quizzes.0.items.0.payload.form", "Field required")
    bad = copy.deepcopy(exported)
    bad["review_log"][0]["state_before"]["extra"] = 1
    _refused(client, bad, "review_log.0.state_before.extra")
    assert _counts(app) == (0, 0, 0, 0)


def test_entries_repeated_in_the_file_are_imported_once(app: Flask, client: FlaskClient, exported: dict) -> None:
    doubled = copy.deepcopy(exported)
    doubled["review_log"] = exported["review_log"] * 3
    doubled["quizzes"] = exported["quizzes"] * 2
    doubled["cards"] = exported["cards"] + exported["cards"]
    page = client.post("/auth/account/import", data={"data_file": (io.BytesIO(json.dumps(doubled).encode()), "d.json")},
                       follow_redirects=True).text
    assert "3 reviews and 1 quiz. Your settings were kept." in page
    assert _counts(app) == (3, 1, 2, 3)
    again = client.post("/auth/account/import", data={"data_file": (io.BytesIO(json.dumps(doubled).encode()), "d.json")},
                        follow_redirects=True).text
    assert "Imported 0 cards, 0 reviews and 0 quizzes." in again, re.findall(r"Imported[^<]*", again)
    assert _counts(app) == (3, 1, 2, 3)
    mine = client.get("/auth/account/export.json").json
    studied = lambda cards: sorted((c["question_key"], c["state"], c["step"], c["reps"]) for c in cards if c["reps"])  # noqa: E731
    assert studied(mine["cards"]) == studied(exported["cards"])  # a review card's step stays None, not the column's 0
    assert [r["state_before"] for r in mine["review_log"]] == [r["state_before"] for r in exported["review_log"]] or all(
        datetime.fromisoformat(a["due"]) == datetime.fromisoformat(b["due"])
        for a, b in zip((r["state_before"] for r in mine["review_log"]), (r["state_before"] for r in exported["review_log"])))
    _pages_work(client)


def test_parallel_imports_of_one_learner_add_everything_once(app: Flask, client: FlaskClient, exported: dict) -> None:
    body = json.dumps(exported).encode()
    clients = []
    for _ in range(6):
        other = app.test_client()
        AuthActions(other).login("bob")
        clients.append(other)
    barrier = threading.Barrier(len(clients))
    statuses: list[int] = []

    def run(each: FlaskClient) -> None:
        barrier.wait()
        statuses.append(each.post("/auth/account/import", data={"data_file": (io.BytesIO(body), "d.json")}).status_code)

    threads = [threading.Thread(target=run, args=(each,)) for each in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sorted(statuses) == [302] * len(clients)
    assert _counts(app) == (3, 1, 2, 3)
    _pages_work(client)


def test_export_names_the_file_safely_for_any_username(app: Flask, client: FlaskClient, auth: AuthActions) -> None:
    auth.register("ada")
    with app.app_context():
        session = db.get_session()
        session.scalar(select(Learner).where(Learner.username == "ada")).username = "東京user"
        session.commit()
    response = client.get("/auth/account/export.json")
    assert response.status_code == 200 and response.json["username"] == "東京user"
    disposition = response.headers["Content-Disposition"]
    disposition.encode("latin-1")  # what a WSGI server (gunicorn) insists on
    assert disposition == ("attachment; filename=\"studyapp-user-data.json\"; "
                           "filename*=UTF-8''studyapp-%E6%9D%B1%E4%BA%ACuser-data.json")
    assert portability.attachment('a"b\r\nc.json').encode("ascii")
    assert "\r" not in portability.attachment('a"b\r\nc.json') and '"b' not in portability.attachment('a"b\r\nc.json')


GOOD_SETTINGS = {"desired_retention": "0.85", "learning_steps": "2m 15m", "relearning_steps": "10m",
                 "maximum_interval_days": "365", "new_per_day": "5", "reviews_per_day": "100", "day_starts_hour": "6",
                 "timezone": "Asia/Seoul"}


def test_an_older_backup_keeps_todays_settings_unless_asked(client: FlaskClient, auth: AuthActions) -> None:
    """Importing yesterday's file must not silently undo today's settings; re-importing one's own file changes nothing."""
    data = study_and_export(client, auth)
    assert client.post("/settings", data=GOOD_SETTINGS).status_code == 302
    page = client.post("/auth/account/import", data={"data_file": (io.BytesIO(json.dumps(data).encode()), "d.json")},
                       follow_redirects=True).text
    assert "Imported 0 cards, 0 reviews and 0 quizzes. Your settings were kept." in page
    assert 'value="2m 15m"' in client.get("/settings").text
    page = client.post("/auth/account/import", data={"data_file": (io.BytesIO(json.dumps(data).encode()), "d.json"),
                                                     "take_settings": "y"}, follow_redirects=True).text
    assert "Your settings were taken from the file." in page
    assert 'value="1m 10m"' in client.get("/settings").text


def test_learn_sessions_go_out_and_come_back_in(app: Flask, client: FlaskClient, auth: AuthActions) -> None:
    from studyapp.models import LearnAnswer, LearnSession
    from tests.learn.test_views import answer, start

    auth.register("ada")
    location = start(client, practice="y")
    answer(client, app, location, right=False)
    answer(client, app, location, right=True)
    data = client.get("/auth/account/export.json").json
    (learned,) = data["learn_sessions"]
    assert learned["is_practice"] and [a["step"] for a in learned["answers"]] == [0, 1]
    assert data["settings"]["practice_by_default"] is True
    auth.logout()
    auth.register("bob")
    assert "1 Learn session" in client.post("/auth/account/import", data={
        "data_file": (io.BytesIO(json.dumps(data).encode()), "d.json")}, follow_redirects=True).text
    again = client.post("/auth/account/import", data={"data_file": (io.BytesIO(json.dumps(data).encode()), "d.json")},
                        follow_redirects=True).text
    assert "Imported 0 cards, 0 reviews and 0 quizzes." in again  # nothing twice
    with app.app_context():
        session = db.get_session()
        bob = session.scalar(select(Learner.id).where(Learner.username == "bob"))
        row = session.scalar(select(LearnSession).where(LearnSession.learner_id == bob))
        assert [(a.step, a.is_correct) for a in session.scalars(select(LearnAnswer).where(
            LearnAnswer.learn_session_id == row.id).order_by(LearnAnswer.step))] == [(0, False), (1, True)]
        token = row.token
    assert "Round 1, question" in client.get(f"/learn/{token}").text  # it goes on where it stood
    older = copy.deepcopy(data)
    del older["learn_sessions"], older["settings"]["practice_by_default"]  # a file from before Learn and practice
    assert _upload(client, older).status_code == 302
    shuffled = copy.deepcopy(data)
    shuffled["learn_sessions"][0]["answers"][0]["step"] = 5
    _refused(client, shuffled, "learn_sessions.0", "steps 0, 1, 2")
