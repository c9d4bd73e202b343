"""A worker killed mid-request, or a dropped connection, leaves nothing half-written; the retry succeeds."""

from __future__ import annotations

import multiprocessing
from datetime import datetime, timezone

import pytest
import sqlalchemy as sa
from flask import Flask
from sqlalchemy import event, func, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from studyapp import db
from studyapp.flashcards import reviews
from studyapp.flashcards.scheduler import Rating
from studyapp.models import Card, QuizItem, ReviewLog
from studyapp.quizzes import service as quizzes
from tests import concurrency_worker
from tests.builders import add_learner, cards_of

WHEN = datetime(2026, 11, 2, 9, 0, tzinfo=timezone.utc)


def count_logs(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(ReviewLog)) or 0


@pytest.mark.parametrize("what", ["rating", "quiz answer"])
def test_worker_killed_before_commit_leaves_nothing(app: Flask, database_url: str, what: str) -> None:
    with app.app_context():
        session = db.get_session()
        learner = add_learner(session, now=WHEN)
        card = cards_of(session, learner, WHEN)["src-formed"]
        reviews.rate(session, learner, card.id, card.version, Rating.GOOD, WHEN, reviews.settings_of(learner, fuzz=False))
        quiz = quizzes.start_quiz(session, learner.id, quizzes.QuizRequest("founding", "date", 2, 1), WHEN)
        learner_id, card_id, token, version = learner.id, card.id, quiz.token, session.get(Card, card.id).version
    process = multiprocessing.get_context("spawn").Process(
        target=concurrency_worker.die_before_commit,
        args=(database_url, learner_id, card_id, token if what == "quiz answer" else "", WHEN.isoformat()))
    process.start()
    process.join(60)
    assert process.exitcode == -9
    with app.app_context():
        session = db.get_session()
        assert count_logs(session) == 1 and session.get(Card, card_id).version == version
        item = session.scalar(select(QuizItem).join(QuizItem.quiz).where(QuizItem.position == 0))
        assert item.answered_at is None
        learner = session.get(type(learner), learner_id)
        if what == "rating":  # the learner's retry goes through
            result = reviews.rate(session, learner, card_id, version, Rating.GOOD, WHEN, reviews.settings_of(learner, fuzz=False))
            assert result.recorded and count_logs(session) == 2
        else:
            assert quizzes.submit_answer(session, token, learner_id, 0, "1930", WHEN).answered_at is not None


def test_dropped_connection_leaves_nothing_and_the_retry_succeeds(app: Flask, database_url: str) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("a dropped server connection is a PostgreSQL matter (SQLite has no server)")
    with app.app_context():
        session = db.get_session()
        learner = add_learner(session, now=WHEN)
        card = cards_of(session, learner, WHEN)["src-formed"]
        version, learner_id, card_id = card.version, learner.id, card.id
        engine = db.engine_of(app)

        def drop(s: Session) -> None:
            pid = s.connection().exec_driver_sql("SELECT pg_backend_pid()").scalar()
            with engine.connect() as other:
                other.execute(sa.text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})

        event.listen(session, "before_commit", drop)
        with pytest.raises(OperationalError):
            reviews.rate(session, learner, card.id, version, Rating.GOOD, WHEN, reviews.settings_of(learner, fuzz=False))
        event.remove(session, "before_commit", drop)
        session.rollback()
        session.close()
    with app.app_context():
        session = db.get_session()
        learner = session.get(type(learner), learner_id)
        assert count_logs(session) == 0 and session.get(Card, card_id).version == version
        assert reviews.rate(session, learner, card_id, version, Rating.GOOD, WHEN, reviews.settings_of(learner, fuzz=False)).recorded
        assert count_logs(session) == 1
