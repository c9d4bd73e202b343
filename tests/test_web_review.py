"""The review, cards, progress and settings pages through the test client."""

from __future__ import annotations

import re

from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from studyapp.models import Card, Learner, ReviewLog
from tests.conftest import AuthActions


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
    for steps in ("99999999d", "99999999999d", "1m 366d"):  # once a 500, or a review page that overflowed for good
        response = client.post("/settings", data={**good, "relearning_steps": steps})
        assert response.status_code == 400 and "longer than a step can be (at most 365d)" in response.text, steps
    assert client.post("/settings", data={**good, "learning_steps": "1m 365d"}).status_code == 302
    assert client.get("/review").status_code == 200
    assert client.post("/settings", data=good).status_code == 302
    learner = session.scalar(select(Learner))
    session.refresh(learner)
    assert (learner.desired_retention, learner.learning_steps, learner.timezone, learner.new_per_day) == (0.85, "2m 15m", "Asia/Seoul", 5)


def test_home_and_deck_list_show_what_is_due(client: FlaskClient, auth: AuthActions) -> None:
    auth.register()
    assert re.search(r"Review \d+ cards due today", client.get("/").text)
    page = client.get("/decks").text
    assert re.search(r"<strong>0</strong> due now · <strong>\d+</strong> new · <strong>0</strong> mastered", page)
