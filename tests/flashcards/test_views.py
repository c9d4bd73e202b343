"""The review, cards, progress and settings pages through the test client."""

from __future__ import annotations

import re
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from studyapp import db, tallies
from studyapp.models import Card, Learner, ReviewLog
from tests.conftest import NOW, AuthActions, make_app


def shown_card(page: str) -> tuple[int, int]:
    card_id = int(re.search(r'/review/(\d+)/rate', page).group(1))
    version = int(re.search(r'name="version" value="(\d+)"', page).group(1))
    return card_id, version


def test_flashcard_pages_need_sign_in(client: FlaskClient) -> None:
    for url in ("/review", "/progress", "/cards", "/settings"):
        assert client.get(url).headers["Location"].startswith("/auth/login"), url


def test_review_rate_undo(client: FlaskClient, auth: AuthActions, session: Session) -> None:
    auth.register()
    page = client.get("/review").text
    assert "Show answer" in page and re.search(r"\d+ new", page)
    assert re.search(r'rate-name">Good</span>\s*<span class="rate-interval">10m', page)
    card_id, version = shown_card(page)
    shown_at = re.search(r'name="shown_at" value="(\d+)"', page).group(1)
    response = client.post(f"/review/{card_id}/rate", data={"rating": "3", "version": version, "shown_at": shown_at})
    assert response.status_code == 302
    again = client.post(f"/review/{card_id}/rate", data={"rating": "3", "version": version}, follow_redirects=True)
    assert "already rated" in again.text
    assert session.scalar(select(func.count()).select_from(ReviewLog)) == 1
    log = session.scalar(select(ReviewLog))
    assert 0 <= log.duration_ms <= 60_000
    page = client.post("/review/undo", follow_redirects=True).text
    assert "is back as it was" in page
    session.expire_all()
    assert session.scalar(select(ReviewLog)).is_undone


def test_bad_ratings_get_400(client: FlaskClient, auth: AuthActions) -> None:
    auth.register()
    card_id, version = shown_card(client.get("/review").text)
    for data in ({"rating": "5", "version": version}, {"rating": "x", "version": version}, {"rating": "3"}):
        assert client.post(f"/review/{card_id}/rate", data=data).status_code == 400
    assert client.post("/review/999999/rate", data={"rating": "3", "version": 0}).status_code == 404


def test_other_learners_cards_are_out_of_reach(client: FlaskClient, auth: AuthActions, session: Session) -> None:
    auth.register("ada")
    card_id, version = shown_card(client.get("/review").text)
    auth.logout()
    auth.register("bob")
    assert client.post(f"/review/{card_id}/rate", data={"rating": "3", "version": version}).status_code == 404
    for action in ("suspend", "unsuspend", "bury"):
        assert client.post(f"/cards/{card_id}/{action}").status_code == 404
    assert session.scalar(select(func.count()).select_from(ReviewLog)) == 0


def test_suspend_from_review_and_unsuspend_from_card_list(client: FlaskClient, auth: AuthActions, session: Session) -> None:
    auth.register()
    card_id, version = shown_card(client.get("/review").text)
    client.post(f"/review/{card_id}/rate", data={"rating": "3", "version": version})
    client.post(f"/cards/{card_id}/suspend?next=/cards")
    page = client.get("/cards").text
    assert "suspended" in page and "Unsuspend" in page
    client.post(f"/cards/{card_id}/unsuspend?next=/cards")
    session.expire_all()
    assert not session.get(Card, card_id).is_suspended


def test_nothing_due_says_what_comes_next(client: FlaskClient, auth: AuthActions, session: Session) -> None:
    auth.register()
    learner = session.scalar(select(Learner))
    learner.new_per_day = 0
    session.commit()
    page = client.get("/review").text
    assert "Nothing more to review right now" in page and "due tomorrow" in page


def test_settings_validate_each_field(client: FlaskClient, auth: AuthActions, session: Session) -> None:
    auth.register()
    assert 'value="1m 10m"' in client.get("/settings").text
    good = {"desired_retention": "0.85", "learning_steps": "2m 15m", "relearning_steps": "10m",
            "maximum_interval_days": "365", "new_per_day": "5", "reviews_per_day": "100",
            "day_starts_hour": "5", "timezone": "Asia/Seoul"}
    response = client.post("/settings", data={**good, "learning_steps": "soon", "day_starts_hour": "25",
                                              "desired_retention": "2"})
    assert response.status_code == 400
    assert "Steps are written like 1m 10m 1h" in response.text and "from 0 to 23" in response.text
    assert "between 0.70 and 0.99" in response.text
    for retention in ("sNaN", "NaN", "Infinity", "-Infinity"):
        response = client.post("/settings", data={**good, "desired_retention": retention})
        assert response.status_code == 400 and "Give a number, like 0.90." in response.text, retention
    for steps in ("99999999d", "99999999999d", "1m 366d"):  # once a 500, or a review page that overflowed for good
        response = client.post("/settings", data={**good, "relearning_steps": steps})
        assert response.status_code == 400 and "longer than a step can be (at most 365d)" in response.text, steps
    assert client.post("/settings", data={**good, "learning_steps": "1m 365d"}).status_code == 302
    assert client.get("/review").status_code == 200
    assert client.post("/settings", data=good).status_code == 302
    learner = session.scalar(select(Learner))
    session.refresh(learner)
    assert (learner.desired_retention, learner.learning_steps, learner.timezone, learner.new_per_day) == (0.85, "2m 15m", "Asia/Seoul", 5)


def test_home_and_deck_list_show_what_is_due(client: FlaskClient, auth: AuthActions, session: Session) -> None:
    auth.register()
    assert re.search(r"Review \d+ cards now", client.get("/").text)
    learner = session.scalar(select(Learner))
    learner.new_per_day = 1
    session.commit()
    assert "Review 1 card now" in client.get("/").text
    card_id, version = shown_card(client.get("/review").text)
    client.post(f"/review/{card_id}/rate", data={"rating": "1", "version": version})  # Again: back in a minute
    page = client.get("/").text
    assert "Review" not in re.sub(r"review\.|to review|Review</a>", "", page.split("<main", 1)[1].split("decks-heading")[0])
    assert "No cards due right now. 1 more later today;" in page
    page = client.get("/decks").text
    assert re.search(r"<strong>0</strong> due now · <strong>\d+</strong> new · <strong>0</strong> mastered", page)


def test_undo_with_nothing_to_undo_goes_back_to_the_review(client: FlaskClient, auth: AuthActions) -> None:
    auth.register()
    page = client.get("/review?deck=founding").text
    assert 'id="undo"' not in page and "u undoes" not in page
    response = client.post("/review/undo?deck=founding")
    assert response.status_code == 302 and response.headers["Location"] == "/review?deck=founding"
    assert "Nothing to undo." in client.get(response.headers["Location"]).text
    card_id, version = shown_card(client.get("/review?deck=founding").text)
    client.post(f"/review/{card_id}/rate?deck=founding", data={"rating": "3", "version": version})
    assert 'id="undo"' in client.get("/review?deck=founding").text


def test_simultaneous_undos_are_each_answered_without_an_error(app: Flask, client: FlaskClient, auth: AuthActions,
                                                               session: Session) -> None:
    auth.register()
    for _ in range(3):
        card_id, version = shown_card(client.get("/review").text)
        client.post(f"/review/{card_id}/rate", data={"rating": "3", "version": version})
    cookie = client.get_cookie("session").value
    clients = [app.test_client() for _ in range(8)]
    for other in clients:
        other.set_cookie("session", cookie)
    start = threading.Barrier(len(clients))

    def undo(other: FlaskClient) -> tuple[int, str]:
        start.wait()
        response = other.post("/review/undo")  # TESTING: a StaleDataError would be raised right here
        return response.status_code, other.get("/review").text

    with ThreadPoolExecutor(len(clients)) as pool:
        results = list(pool.map(undo, clients))
    assert [status for status, _ in results] == [302] * len(clients)
    said = ["undone" if "is back as it was" in page else "raced" if "already undone" in page
            else "none" if "Nothing to undo." in page else page for _, page in results]
    session.expire_all()
    logs = session.scalars(select(ReviewLog)).all()
    assert said.count("undone") == sum(log.is_undone for log in logs) >= 1
    assert set(said) <= {"undone", "raced", "none"}
    for log in logs:  # each card is exactly where its undone (or kept) rating leaves it
        assert session.get(Card, log.card_id).reps == (0 if log.is_undone else 1)


@pytest.mark.parametrize("action", ["suspend", "unsuspend", "bury"])
def test_a_double_clicked_card_action_is_done_once_without_an_error(app: Flask, client: FlaskClient, auth: AuthActions,
                                                                    session: Session, action: str) -> None:
    auth.register()
    card_id, _ = shown_card(client.get("/review").text)
    cookie = client.get_cookie("session").value
    clients = [app.test_client() for _ in range(6)]
    for other in clients:
        other.set_cookie("session", cookie)
    start = threading.Barrier(len(clients))

    def press(other: FlaskClient) -> int:
        start.wait()
        return other.post(f"/cards/{card_id}/{action}?next=/cards").status_code  # TESTING: errors would raise here

    with ThreadPoolExecutor(len(clients)) as pool:
        assert list(pool.map(press, clients)) == [302] * len(clients)
    session.expire_all()
    card = session.get(Card, card_id)
    assert card.is_suspended == (action == "suspend") and (card.buried_until is not None) == (action == "bury")


def test_an_unexpected_error_still_gets_the_sites_error_page(database_url: str, tmp_path) -> None:
    app = make_app(database_url, tmp_path, TESTING=False)

    @app.get("/broken")
    def broken() -> str:
        session = db.get_session()
        session.add(Learner(username="ada", password_hash="x", created_at=NOW))  # taken: the flush fails
        session.flush()
        return "unreachable"

    client = app.test_client()
    AuthActions(client).register("ada")
    app.logger.disabled = True
    response = client.get("/broken")
    assert response.status_code == 500
    assert "Something went wrong on our side" in response.text and "Sign out (ada)" in response.text
    db.Base.metadata.drop_all(db.engine_of(app))
    db.engine_of(app).dispose()


def test_a_new_card_suspended_from_the_review_can_be_unsuspended(client: FlaskClient, auth: AuthActions,
                                                                 session: Session) -> None:
    auth.register()
    card_id, _ = shown_card(client.get("/review").text)
    client.post(f"/cards/{card_id}/suspend")
    progress = client.get("/progress").text
    assert re.search(r'id="stat-suspended"><a href="/cards\?suspended=1">1<', progress)
    for url in ("/cards", "/cards?suspended=1"):
        page = client.get(url).text
        assert f"/cards/{card_id}/unsuspend" in page and ">new</td>" in page, url
    assert "Suspended cards" in client.get("/cards?suspended=1").text
    response = client.post(f"/cards/{card_id}/unsuspend?next=/cards%3Fsuspended%3D1")
    assert response.headers["Location"] == "/cards?suspended=1"
    assert "No suspended cards" in client.get("/cards?suspended=1").text
    session.expire_all()
    assert not session.get(Card, card_id).is_suspended


def test_an_unknown_deck_is_not_found(client: FlaskClient, auth: AuthActions) -> None:
    auth.register()
    response = client.get("/review?deck=nope")
    assert response.status_code == 404 and "You have reviewed every card" not in response.text
    assert client.get("/review?deck=founding").status_code == 200


def test_next_learning_card_time_is_in_the_learners_timezone(client: FlaskClient, auth: AuthActions,
                                                             session: Session) -> None:
    auth.register()
    learner = session.scalar(select(Learner))
    learner.new_per_day, learner.timezone = 1, "Asia/Kathmandu"  # UTC+05:45: no whole-hour coincidence
    session.commit()
    card_id, version = shown_card(client.get("/review").text)
    client.post(f"/review/{card_id}/rate", data={"rating": "1", "version": version})
    page = client.get("/review").text
    due = session.scalar(select(Card).where(Card.id == card_id)).due
    local = due.astimezone(ZoneInfo("Asia/Kathmandu"))
    assert local.strftime("%H:%M") + " Asia/Kathmandu</time>" in page and "UTC</time>" not in page


def test_bury_and_suspend_keep_the_deck_and_can_be_reversed_at_once(client: FlaskClient, auth: AuthActions,
                                                                     session: Session) -> None:
    auth.register()
    page = client.get("/review?deck=people").text
    assert "Review <span class=\"muted\">· People and places</span>" in page  # the deck's title, not its key
    card_id, version = shown_card(page)
    assert f"/cards/{card_id}/bury?deck=people" in page and f"/cards/{card_id}/suspend?deck=people" in page
    client.post(f"/review/{card_id}/rate?deck=people", data={"rating": "1", "version": version})
    page = client.get("/review?deck=people").text
    prompt = session.get(Card, card_id).question.data["prompt"]
    assert re.search(r'id="undo" title="Undo your rating of “[^"]+”">Undo last rating', page)
    assert "u undoes your last rating" in page
    other, _ = shown_card(page)
    for action, reverse, says in (("suspend", "unsuspend", "unsuspends"), ("bury", "unbury", "unburies")):
        response = client.post(f"/cards/{other}/{action}?deck=people")
        assert response.headers["Location"] == "/review?deck=people", action
        page = client.get(response.headers["Location"]).text
        # The page offers to reverse this action, and u presses that button (#reverse), not the rating Undo (#undo).
        assert f'action="/cards/{other}/{reverse}?deck=people"' in page and 'id="reverse"' in page, action
        assert f"u {says} the card you just set aside" in page
        assert 'Undo last rating <kbd' not in page  # the u key is not shown on the rating Undo now
        assert f'id="reverse">{reverse.capitalize()}' in page
        response = client.post(f"/cards/{other}/{reverse}?deck=people")
        assert response.headers["Location"] == "/review?deck=people"
        page = client.get("/review?deck=people").text
        assert 'id="reverse"' not in page and shown_card(page)[0] == other, action  # back at the front of the queue
        session.expire_all()
        card = session.get(Card, other)
        assert not card.is_suspended and card.buried_until is None
    assert prompt  # the rated card still waits for its Undo
    assert "is back as it was" in client.post("/review/undo?deck=people", follow_redirects=True).text


def test_key_hints_only_show_once_the_script_runs(client: FlaskClient, auth: AuthActions) -> None:
    auth.register()
    page = client.get("/review").text
    assert re.search(r'<p class="muted keys" id="key-hints" hidden>Keys:', page)


def test_the_daily_new_card_limit_is_named_as_the_reason(client: FlaskClient, auth: AuthActions,
                                                         session: Session) -> None:
    auth.register()
    learner = session.scalar(select(Learner))
    learner.new_per_day = 1
    session.commit()
    card_id, version = shown_card(client.get("/review?deck=founding").text)
    client.post(f"/review/{card_id}/rate", data={"rating": "4", "version": version})  # Easy: out of today's queue
    page = client.get("/review?deck=founding").text
    assert "Nothing more to review right now" in page
    assert re.search(r"You have studied today's 1 new card\s+\(your limit is 1 a day\); more come tomorrow, "
                     r"or raise the limit in <a href=\"/settings\">Settings</a>", page)
    assert "no new cards are waiting" not in page


def test_an_emptied_deck_does_not_blame_the_limit(client: FlaskClient, auth: AuthActions, session: Session) -> None:
    auth.register()
    client.get("/review")  # makes the learner's cards
    for card in session.scalars(select(Card)):
        card.is_suspended = True
    session.commit()
    page = client.get("/review?deck=founding").text
    assert "no new cards are waiting" in page and "today's 0 new cards" not in page and 'id="new-limit"' not in page


def test_buried_cards_are_not_counted_as_due_on_the_deck_list(client: FlaskClient, auth: AuthActions,
                                                              session: Session) -> None:
    auth.register()
    learner = session.scalar(select(Learner))
    learner.new_per_day = 2
    session.commit()
    for _ in range(2):
        card_id, version = shown_card(client.get("/review?deck=founding").text)
        client.post(f"/review/{card_id}/rate", data={"rating": "1", "version": version})
    for card in session.scalars(select(Card).where(Card.reps > 0)):
        card.due = card.due.replace(year=2000)  # both due now
    tallies.rebuild_cards(session, [learner.id])  # a change by hand: counted again, as `studyapp db recount` does
    session.commit()
    page = client.get("/decks").text
    assert "<strong>2</strong> due now" in page
    card_id, _ = shown_card(client.get("/review?deck=founding").text)
    client.post(f"/cards/{card_id}/bury?deck=founding")
    assert "<strong>1</strong> due now" in client.get("/decks").text
    assert re.search(r'id="stat-due-today">1<', client.get("/progress").text)


def test_card_list_shows_due_dates_as_the_learners_study_day(client: FlaskClient, auth: AuthActions,
                                                            session: Session) -> None:
    auth.register()
    card_id, version = shown_card(client.get("/review").text)
    client.post(f"/review/{card_id}/rate", data={"rating": "3", "version": version})
    learner = session.scalar(select(Learner))
    learner.timezone, learner.day_starts_hour = "Asia/Seoul", 4
    card = session.get(Card, card_id)
    card.due = datetime(2026, 12, 1, 20, 0, tzinfo=timezone.utc)  # 05:00 on 2 December in Seoul
    session.commit()
    page = client.get("/cards").text
    assert ">2026-12-02</time>" in page and "2026-12-01<" not in page
    learner.day_starts_hour = 6  # 05:00 still belongs to the study day of 1 December
    session.commit()
    assert ">2026-12-01</time>" in client.get("/cards").text


def test_my_quizzes_show_local_times_deck_titles_and_category_labels(client: FlaskClient, auth: AuthActions,
                                                                     session: Session) -> None:
    auth.register()
    learner = session.scalar(select(Learner))
    learner.timezone = "Asia/Kathmandu"
    session.commit()
    location = client.post("/quiz/new", data={"deck": "people", "category": "place", "length": "1", "seed": "1"})
    page = client.get(location.headers["Location"]).text
    assert "Quiz <span class=\"muted\">· Places · People and places</span>" in page
    page = client.get("/quiz/mine").text
    assert "Asia/Kathmandu</time>" in page and " UTC</time>" not in page
    assert ">People and places</td>" in page and ">Places</td>" in page and ">people</td>" not in page


def test_settings_offer_only_real_timezones(client: FlaskClient, auth: AuthActions, session: Session) -> None:
    auth.register()
    page = client.get("/settings").text
    offered = re.findall(r'<option[^>]*value="([^"]+)"', page.split('name="timezone"', 1)[1].split("</select>", 1)[0])
    assert offered[0] == "UTC" and "Asia/Seoul" in offered and "America/Argentina/Buenos_Aires" in offered
    for name in ("localtime", "Factory", "posixrules", "EST5EDT", "Etc/GMT+5", "US/Eastern", "GMT"):
        assert name not in offered, name
    good = {"desired_retention": "0.9", "learning_steps": "1m 10m", "relearning_steps": "10m",
            "maximum_interval_days": "365", "new_per_day": "20", "reviews_per_day": "200", "day_starts_hour": "4"}
    for name in ("localtime", "Factory"):
        assert client.post("/settings", data={**good, "timezone": name}).status_code == 400, name
    assert client.post("/settings", data={**good, "timezone": "UTC"}).status_code == 302


def study_cards(client: FlaskClient, auth: AuthActions, count: int) -> None:
    """Sign up ada and rate `count` cards Easy on the review screen, so the card list holds them."""
    auth.register("ada")
    for _ in range(count):
        card_id, version = shown_card(client.get("/review").text)
        client.post(f"/review/{card_id}/rate", data={"rating": "4", "version": str(version)})


def test_the_card_list_comes_a_page_at_a_time(client: FlaskClient, auth: AuthActions, session: Session,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """A learner with many studied cards gets them 100 to a page (here 5), soonest due first, with links between."""
    from studyapp.flashcards import reviews

    monkeypatch.setattr(reviews, "CARDS_PER_PAGE", 5)
    study_cards(client, auth, 7)
    first, second = client.get("/cards").text, client.get("/cards?page=2").text
    assert first.count("<tr>") - 1 == 5 and 'rel="next" href="/cards?page=2"' in first and 'rel="prev"' not in first
    assert second.count("<tr>") - 1 == 2 and 'rel="prev" href="/cards?page=1"' in second and 'rel="next"' not in second
    learner_id = session.scalar(select(Learner.id).where(Learner.username == "ada"))
    due = list(session.scalars(select(Card.due).where(Card.learner_id == learner_id, Card.reps > 0).order_by(Card.due, Card.id)))
    shown = re.findall(r'<time datetime="([^"]+)"', first + second)
    assert shown == [moment.isoformat() for moment in due]  # in due order across the pages
    for url in ("/cards?page=3", "/cards?page=0", "/cards?page=x"):
        assert client.get(url).status_code == 404, url


def test_a_card_action_on_a_later_page_returns_to_that_page(client: FlaskClient, auth: AuthActions,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    from studyapp.flashcards import reviews

    monkeypatch.setattr(reviews, "CARDS_PER_PAGE", 2)
    study_cards(client, auth, 3)
    second = client.get("/cards?page=2").text
    action = re.search(r'action="(/cards/\d+/suspend\?next=[^"]+)"', second).group(1).replace("&amp;", "&")
    assert client.post(action).headers["Location"] == "/cards?page=2"
    assert client.post(action.replace("page%3D2", "page%3D2%26x")).headers["Location"] != "/cards?page=2&x"
