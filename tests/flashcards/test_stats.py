"""Progress figures on a known, hand-checked review history; charts; quiz answers feeding the schedule."""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

import studyapp
from studyapp.flashcards import charts, reviews, stats
from studyapp.flashcards.scheduler import Rating, State
from studyapp.models import Card, Learner, ReviewLog
from studyapp.quizzes import service as quizzes
from tests.builders import add_learner, cards_of
from tests.conftest import NOW, AuthActions
from tests.flashcards.test_reviews import rate
from tests.quizzes.test_views import right_answer


def test_figures_of_a_known_history(session: Session) -> None:
    learner = add_learner(session, timezone="Asia/Seoul", day_starts_hour=4)
    cards = cards_of(session, learner, NOW)
    day = timedelta(days=1)
    # Three study days in a row (NOW is 21:00 in Seoul, so NOW - 1 day and NOW - 2 days are distinct days).
    rate(session, learner, cards["kalun-village"], Rating.EASY, NOW - 2 * day)      # place: pass
    rate(session, learner, cards["bolshevik"], Rating.AGAIN, NOW - day)             # publication: fail
    rate(session, learner, cards["bolshevik"], Rating.GOOD, NOW - day + timedelta(minutes=1))  # pass
    rate(session, learner, cards["comintern"], Rating.HARD, NOW)                    # organization: pass
    reviews.set_suspended(session, learner.id, cards["league"].id, True)
    figures = stats.progress(session, learner, NOW)
    total = len(cards)
    assert (figures.new, figures.learning, figures.review, figures.suspended) == (total - 4, 2, 1, 1)
    assert figures.streak == 3 and figures.total_reviews == 4
    assert figures.today == date(2026, 11, 29)
    assert sum(figures.calendar.values()) == 4 and len(figures.calendar) == 3
    by_category = {r.label: (r.passed, r.total) for r in figures.by_category}
    assert by_category == {"organization": (1, 1), "place": (1, 1), "publication": (1, 2)}
    assert {r.label: r.percent for r in figures.by_deck} == {"Founding": 67, "People and places": 100}
    assert figures.due_today == 2  # the two learning cards
    assert sum(count for _, count in figures.forecast) == 3 and len(figures.forecast) == 30


def test_streak_and_charts() -> None:
    today = date(2026, 11, 29)
    counts = {today - timedelta(days=n): 2 for n in (1, 2, 3, 5)}
    assert charts.streak(counts, today) == 3
    assert charts.streak({**counts, today: 1}, today) == 4
    svg = charts.heatmap("c", "Reviews <per> day", counts, today)
    assert "Reviews &lt;per&gt; day" in svg and 'role="img"' in svg and "8 reviews on 4 of the days" in svg
    months = [m for m in re.findall(r'<text class="axis" x="\d+" y="\d+">([A-Z][a-z]{2})</text>', svg)
              if m not in ("Mon", "Wed", "Fri")]
    assert months == ["Jun", "Jul", "Aug", "Sep", "Oct", "Nov"]  # 26 weeks to 29 Nov 2026, one label per month
    bars = charts.bar_chart("f", "Due", [("29 Nov", 3), ("30 Nov", 0)], "3 cards")
    assert bars.count("<rect") == 2 and "<desc id=\"f-desc\">3 cards</desc>" in bars


def test_quiz_answers_rate_cards_being_studied_but_not_new_ones(app: Flask, session: Session) -> None:
    learner = add_learner(session)
    cards = cards_of(session, learner, NOW)
    for key in ("kalun-village", "tuman-river"):
        rate(session, learner, cards[key], Rating.EASY, NOW - timedelta(days=20))
    quiz = quizzes.start_quiz(session, learner.id, quizzes.QuizRequest("founding", "place", 1, 1), NOW)
    [key] = quiz.items[0].payload["keys"]
    quizzes.submit_answer(session, quiz.token, learner.id, 0, right_answer(quiz.items[0].payload), NOW, fuzz=False)
    logs = session.scalars(select(ReviewLog).where(ReviewLog.origin == "quiz")).all()
    assert [(log.rating, log.card_id) for log in logs] == [(int(Rating.GOOD), cards[key].id)]
    quiz = quizzes.start_quiz(session, learner.id, quizzes.QuizRequest("founding", "publication", 1, 1), NOW)
    quizzes.submit_answer(session, quiz.token, learner.id, 0, "Pravda", NOW, fuzz=False)
    session.expire_all()
    assert session.get(Card, cards["bolshevik"].id).reps == 0  # new cards stay new
    assert session.get(Card, cards[key].id).state == State.REVIEW


def test_wrong_quiz_answer_counts_as_again(session: Session) -> None:
    learner = add_learner(session)
    cards = cards_of(session, learner, NOW)
    for key in ("kalun-village", "tuman-river"):
        rate(session, learner, cards[key], Rating.EASY, NOW - timedelta(days=20))
    quiz = quizzes.start_quiz(session, learner.id, quizzes.QuizRequest("founding", "place", 1, 1), NOW)
    payload = quiz.items[0].payload
    wrong = "Seoul" if payload["form"] == "typed" else str((payload["options"].index(payload["answer"]) + 1) % 4)
    quizzes.submit_answer(session, quiz.token, learner.id, 0, wrong, NOW, fuzz=False)
    session.expire_all()
    card = session.get(Card, cards[payload["keys"][0]].id)
    assert card.lapses == 1 and card.state == State.RELEARNING


def test_progress_page_draws_charts(client: FlaskClient, auth: AuthActions, session: Session) -> None:
    auth.register("ada")
    page = client.get("/progress").text
    assert "No reviews yet" in page and 'id="forecast"' in page
    learner = session.scalar(select(Learner).where(Learner.username == "ada"))
    cards = cards_of(session, learner, NOW)
    rate(session, learner, cards["bolshevik"], Rating.GOOD, NOW)
    page = client.get("/progress").text
    assert 'id="calendar"' in page and "Publication" in page and "1 / 1" in page


def contrast(one: str, other: str) -> float:
    """WCAG contrast ratio of two #rrggbb colours."""
    def luminance(colour: str) -> float:
        channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
        r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
        return 0.2126 * r + 0.7152 * g + 0.0722 * b
    high, low = sorted((luminance(one), luminance(other)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_more_reviews_stand_out_more_from_an_empty_day_in_both_themes() -> None:
    css = (Path(studyapp.__file__).parent / "static" / "app.css").read_text()
    light, dark = css.split("@media (prefers-color-scheme: dark)", 1)
    dark = dark.split("\n}\n", 1)[0]
    for theme, block in (("light", light), ("dark", dark)):
        colours = dict(re.findall(r"--(line|heat\d): (#[0-9a-f]{6})", block))
        ratios = [contrast(colours[f"heat{level}"], colours["line"]) for level in range(1, 5)]
        assert ratios == sorted(ratios) and len(set(ratios)) == 4, (theme, ratios)
        if theme == "dark":  # each level a visible step away from the empty cell (non-text contrast, 3:1)
            assert ratios[0] >= 3, ratios
    assert "#005a32" not in dark and ".heat4 { fill: var(--heat4); }" in css


def test_a_practice_quiz_rates_no_card_and_is_remembered(session: Session) -> None:
    learner = add_learner(session)
    cards = cards_of(session, learner, NOW)
    for key in ("kalun-village", "tuman-river"):
        rate(session, learner, cards[key], Rating.EASY, NOW - timedelta(days=20))
    before = {key: (card.version, card.due, card.reps) for key, card in cards.items()}
    quiz = quizzes.start_quiz(session, learner.id, quizzes.QuizRequest("founding", "place", 2, 1, practice=True), NOW)
    for item in quiz.items:
        quizzes.submit_answer(session, quiz.token, learner.id, item.position, right_answer(item.payload), NOW, fuzz=False)
    session.expire_all()
    assert {key: (card.version, card.due, card.reps) for key, card in cards_of(session, learner, NOW).items()} == before
    assert session.scalars(select(ReviewLog).where(ReviewLog.origin == "quiz")).all() == []
    answered = session.get(quizzes.Quiz, quiz.id)
    assert answered.is_practice and answered.score == 2 and answered.finished_at is not None  # kept for results
    assert session.get(Learner, learner.id).practice_by_default
    quizzes.start_quiz(session, learner.id, quizzes.QuizRequest("founding", "place", 1, 2), NOW)
    assert not session.get(Learner, learner.id).practice_by_default
