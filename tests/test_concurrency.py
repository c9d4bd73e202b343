"""Many threads in two processes rating cards and answering quizzes at once: nothing lost, nothing doubled."""

from __future__ import annotations

import multiprocessing
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone

import pytest
from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from studyapp import db
from studyapp.accounts import service as accounts
from studyapp.flashcards import reviews, scheduler
from studyapp.models import Card, Learner, LoginThrottle, Quiz, ReviewLog
from studyapp.quizzes import service as quizzes
from tests import concurrency_worker
from tests.builders import add_learner, cards_of
from tests.conftest import AuthActions
from tests.quizzes.test_views import right_answer

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
        for learner in learners:  # studied once already, so a quiz answer on them rates them too (the race below)
            for card in cards[learner.id]:
                reviews.rate(session, learner, card.id, card.version, scheduler.Rating.GOOD, BASE - timedelta(days=1),
                             reviews.settings_of(learner, fuzz=False))
        # Same cards in both processes (races on one card) and several learners at once.
        card_tasks = [(learner_id, card.id) for learner_id, rows in cards.items() for card in rows]
        quiz_tasks = []
        for learner in learners:
            quiz = quizzes.start_quiz(session, learner.id, quizzes.QuizRequest("founding", None, 10, learner.id), BASE)
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
                from_quizzes = session.scalar(select(func.count()).select_from(ReviewLog).where(
                    ReviewLog.card_id == card.id, ReviewLog.origin == "quiz"))
                assert len(logs) == len(versions) + 1  # + the rating of the set-up
                # each of a process's six attempts met a version that somebody wrote: a rating or a quiz answer
                assert len(versions) + from_quizzes >= len(concurrency_worker.RATINGS)
                stored = session.get(Card, card.id)
                assert reviews.state_of(stored) == replay(session, stored, ids[learner_id])
        assert session.scalar(select(func.count()).select_from(ReviewLog).where(
            ReviewLog.origin == "quiz", ReviewLog.card_id.in_([c.id for rows in cards.values() for c in rows]))) > 0, \
            "no quiz answer met a card being rated: the race was not exercised"
        for token, learner_id, responses in quiz_tasks:
            quiz = session.scalar(select(Quiz).where(Quiz.token == token))
            assert all(item.answered_at is not None for item in quiz.items)
            assert quiz.finished_at is not None and quiz.score == len(responses)


def all_at_once(jobs: list[Callable[[], object]]) -> list[object]:
    """Run the jobs in threads of their own, released together, and return their results in order."""
    barrier = threading.Barrier(len(jobs))

    def run(job: Callable[[], object]) -> object:
        barrier.wait()
        return job()

    with ThreadPoolExecutor(max_workers=len(jobs)) as pool:
        return list(pool.map(run, jobs))


def test_simultaneous_sign_ups_for_one_name_in_any_case_make_one_account(app: Flask) -> None:
    names = ["raceN", "RACEN", "RaceN"] * 4

    def sign_up(name: str, host: int) -> Callable[[], tuple[int, str]]:
        def job() -> tuple[int, str]:
            client = app.test_client()
            client.environ_base["REMOTE_ADDR"] = f"192.0.2.{host}"  # many people (sign-ups per address are limited)
            response = AuthActions(client).register(name)
            return response.status_code, response.text
        return job

    results = all_at_once([sign_up(name, host) for host, name in enumerate(names)])
    assert sorted(status for status, _ in results) == [200] * 11 + [302]
    assert all("already taken" in text for status, text in results if status == 200)
    with app.app_context():
        count = db.get_session().scalar(select(func.count()).select_from(Learner).where(func.lower(Learner.username) == "racen"))
    assert count == 1


def test_parallel_wrong_passwords_check_no_more_than_the_limit(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    """40 wrong passwords at once from one address (as from 4 workers): only LOGIN_MAX_FAILURES of them are checked."""
    client = app.test_client()
    AuthActions(client).register("ada")
    checked, lock = [], threading.Lock()
    real_check = accounts.check_password_hash

    def slow_check(pwhash: str, password: str) -> bool:
        if pwhash != accounts._DUMMY_HASH:
            with lock:
                checked.append(password)
        time.sleep(0.05)  # as long as a real scrypt check: every attempt overlaps the others
        return real_check(pwhash, password)

    monkeypatch.setattr(accounts, "check_password_hash", slow_check)

    def attempt(n: int) -> Callable[[], int]:
        return lambda: AuthActions(app.test_client()).login("ada", f"wrong password {n}").status_code

    statuses = [status for batch in range(2) for status in all_at_once([attempt(batch * 20 + n) for n in range(20)])]
    limit = app.config["LOGIN_MAX_FAILURES"]
    assert len(checked) == limit and all(password.startswith("wrong") for password in checked)
    assert sorted(statuses) == [200] * limit + [429] * (40 - limit)
    assert AuthActions(app.test_client()).login("ada", "correct horse").status_code == 429
    with app.app_context():
        throttle = db.get_session().get(LoginThrottle, "account:ada@127.0.0.1")
        assert throttle.blocked_until is not None and throttle.blocked_until > datetime.now(timezone.utc)


def test_one_learn_step_answered_from_several_tabs_at_once_is_recorded_and_rated_once(app: Flask) -> None:
    from studyapp.learn import service as learn
    from studyapp.models import LearnAnswer

    with app.app_context():
        session = db.get_session()
        learner = add_learner(session, "tabs", now=BASE)
        cards_of(session, learner, BASE)
        row = learn.start(session, learner.id, learn.LearnRequest("founding", None, "typed", False), BASE, seed=9)
        asked = learn.current(session, row)
        token, step, key = row.token, asked.step, asked.key

    def tab(n: int) -> Callable[[], object]:
        def job() -> object:
            with app.app_context():
                given = learn.submit(db.new_session(), token, learner.id, step, key, f"wrong {n}", BASE, fuzz=False)
                return given is not None
        return job

    results = all_at_once([tab(n) for n in range(6)])
    assert results.count(True) == 1  # one tab's answer; the others find the step answered
    with app.app_context():
        session = db.get_session()
        assert session.scalar(select(func.count()).select_from(LearnAnswer)) == 1
        assert session.scalar(select(func.count()).select_from(ReviewLog).where(ReviewLog.origin == "learn")) == 1
