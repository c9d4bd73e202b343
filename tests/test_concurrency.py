"""Many threads in two processes rating cards and answering quizzes at once: nothing lost, nothing doubled."""

from __future__ import annotations

import multiprocessing
from collections import defaultdict
from datetime import datetime, timezone

from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from studyapp import db, reviews, scheduler, study
from studyapp.models import Card, Learner, Quiz, ReviewLog
from tests import concurrency_worker
from tests.builders import add_learner, cards_of
from tests.test_web_study import right_answer

BASE = datetime(2026, 11, 1, 8, 0, tzinfo=timezone.utc)


def replay(session: Session, card: Card, learner: Learner) -> scheduler.CardState:
    """The card's state computed afresh from its review log."""
    state = scheduler.CardState()
    settings = reviews.settings_of(learner, fuzz=False)
    logs = session.scalars(select(ReviewLog).where(ReviewLog.card_id == card.id, ReviewLog.is_undone.is_(False))
                           .order_by(ReviewLog.id))
    for log in logs:
        state = scheduler.next_review(card.id, state, scheduler.Rating(log.rating), log.reviewed_at, settings)
    return state


def test_concurrent_ratings_and_answers_are_each_recorded_once(app: Flask, database_url: str) -> None:
    with app.app_context():
        session = db.get_session()
        learners = [add_learner(session, f"l{n}", now=BASE) for n in range(3)]
        cards = {learner.id: list(cards_of(session, learner, BASE).values())[:5] for learner in learners}
        # Same cards in both processes (races on one card) and several learners at once.
        card_tasks = [(learner_id, card.id) for learner_id, rows in cards.items() for card in rows]
        quiz_tasks = []
        for learner in learners:
            quiz = study.start_quiz(session, learner.id, study.QuizRequest(None, None, 6, learner.id), BASE)
            quiz_tasks.append((quiz.token, learner.id, [right_answer(item.payload) for item in quiz.items]))
        ids = {learner.id: learner for learner in learners}

    context = multiprocessing.get_context("spawn")
    with context.Pool(2) as pool:
        results = pool.starmap(concurrency_worker.run, [(database_url, BASE.isoformat(), card_tasks, quiz_tasks)] * 2)

    ratings = [row for rows in results for row in rows if len(row) == 4]
    recorded: dict[int, list[int]] = defaultdict(list)
    for card_id, version, _, was_recorded in ratings:
        if was_recorded:
            recorded[card_id].append(version)
    assert len(ratings) == 2 * len(card_tasks) * len(concurrency_worker.RATINGS)
    with app.app_context():
        session = db.get_session()
        for learner_id, rows in cards.items():
            for card in rows:
                versions = recorded[card.id]
                assert len(versions) == len(set(versions)), "the same version was recorded twice"
                logs = session.scalars(select(ReviewLog).where(ReviewLog.card_id == card.id, ReviewLog.origin == "review")).all()
                assert len(logs) == len(versions) >= len(concurrency_worker.RATINGS)
                stored = session.get(Card, card.id)
                assert reviews.state_of(stored) == replay(session, stored, ids[learner_id])
        for token, learner_id, responses in quiz_tasks:
            quiz = session.scalar(select(Quiz).where(Quiz.token == token))
            assert all(item.answered_at is not None for item in quiz.items)
            assert quiz.finished_at is not None and quiz.score == len(responses)
