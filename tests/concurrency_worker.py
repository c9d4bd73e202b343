"""Runs in a separate process for test_concurrency: threads rating cards and answering quizzes at once."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta

from studyapp import create_app, db
from studyapp.flashcards import reviews
from studyapp.flashcards.scheduler import Rating
from studyapp.models import Card, Learner
from studyapp.quizzes import service as quizzes

RATINGS = [Rating.GOOD, Rating.AGAIN, Rating.EASY, Rating.HARD, Rating.GOOD, Rating.GOOD]


def run(url: str, base_iso: str, card_tasks: list[tuple[int, int]], quiz_tasks: list[tuple[str, int, list[str]]]) -> list:
    """Rate each (learner, card) several times and answer quizzes; returns what was submitted and recorded."""
    app = create_app({"TESTING": True, "SECRET_KEY": "t", "DATABASE_URL": url, "FSRS_FUZZ": False})
    base = datetime.fromisoformat(base_iso)

    def rate_card(task: tuple[int, int]) -> list[tuple[int, int, int, bool]]:
        learner_id, card_id = task
        done = []
        with app.app_context():
            session = db.get_session()
            learner = session.get(Learner, learner_id)
            settings = reviews.settings_of(learner, fuzz=False)
            for step in range(len(RATINGS)):
                session.expire_all()
                version = session.get(Card, card_id).version
                rating = RATINGS[version % len(RATINGS)]
                result = reviews.rate(session, learner, card_id, version, rating, base + timedelta(minutes=version), settings)
                done.append((card_id, version, int(rating), result.recorded))
        return done

    def answer_quiz(task: tuple[str, int, list[str]]) -> list[tuple[str, int, bool]]:
        token, learner_id, responses = task
        with app.app_context():
            session = db.get_session()
            out = []
            for position, response in enumerate(responses):
                item = quizzes.submit_answer(session, token, learner_id, position, response, base + timedelta(hours=1), fuzz=False)
                out.append((token, position, bool(item.is_correct)))
            return out

    # Ratings and quiz answers interleaved in one pool, so both are in flight at the same time.
    jobs: list = [(rate_card, task) for task in card_tasks]
    every = max(1, len(jobs) // max(1, len(quiz_tasks)))
    for index, task in enumerate(quiz_tasks):
        jobs.insert(index * (every + 1), (answer_quiz, task))
    with ThreadPoolExecutor(max_workers=4) as pool:
        futures = [pool.submit(job, task) for job, task in jobs]
        done = [row for future in futures for row in future.result()]
    db.engine_of(app).dispose()
    return done


def die_before_commit(url: str, learner_id: int, card_id: int, quiz_token: str, when_iso: str) -> None:
    """Start a rating and a quiz answer, and have this process killed (SIGKILL) just before commit."""
    import os
    import signal

    from sqlalchemy import event
    from sqlalchemy.orm import Session

    app = create_app({"TESTING": True, "SECRET_KEY": "t", "DATABASE_URL": url, "FSRS_FUZZ": False})
    when = datetime.fromisoformat(when_iso)
    with app.app_context():
        session = db.get_session()
        learner = session.get(Learner, learner_id)

        @event.listens_for(Session, "before_commit")
        def kill(_: Session) -> None:
            session.flush()  # the rows are written in the transaction...
            os.kill(os.getpid(), signal.SIGKILL)  # ...and the worker dies before it commits

        if quiz_token:
            quizzes.submit_answer(session, quiz_token, learner_id, 0, "anything", when, fuzz=False)
        else:
            reviews.rate(session, learner, card_id, session.get(Card, card_id).version, Rating.GOOD, when,
                         reviews.settings_of(learner, fuzz=False))
