"""Service: start a quiz, answer its questions, list a learner's quizzes."""

from __future__ import annotations

import random
import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.exc import StaleDataError

from studyapp import db
from studyapp.bank import catalog, dates
from studyapp.bank.items import Category
from studyapp.errors import InvalidInput, NotFound
from studyapp.flashcards import reviews
from studyapp.models import Learner, Quiz, QuizItem
from studyapp.quizzes import generate, grading
from studyapp.quizzes.question import QuizQuestion

MAX_SEED = 2**31 - 1
KINDS = (None, "matching")  # what a quiz may be made of: every kind, mixed, or matching questions only
RETRIES = 5


@dataclass(frozen=True)
class QuizRequest:
    """What a learner asked for: deck and category (None = all), length and seed."""

    deck_key: str | None
    category: str | None
    length: int
    seed: int
    practice: bool = False  # answers rate no card
    kind: str | None = None  # None: every kind, mixed; "matching": matching questions only


def start_quiz(session: Session, learner_id: int | None, request: QuizRequest, now: datetime,
               max_length: int = 50) -> Quiz:
    """Generate and store a quiz; the same bank and request always give the same questions."""
    if request.deck_key is not None:
        catalog.get_deck(session, request.deck_key)
    if request.category is not None and request.category not in Category.__members__.values():
        raise InvalidInput(f"Unknown category '{request.category}'.")
    if not 1 <= request.length <= max_length:
        raise InvalidInput(f"A quiz has 1 to {max_length} questions.")
    if not 0 <= request.seed <= MAX_SEED:
        raise InvalidInput("The seed must be a whole number from 0 to 2147483647.")
    candidates = catalog.live_items(session, request.deck_key, request.category)
    if not candidates:
        raise InvalidInput("There are no questions for that deck and category yet.")
    pool = catalog.pool(session)
    if request.kind not in KINDS:
        raise InvalidInput(f"Unknown kind of question '{request.kind}'.")
    rng = random.Random(request.seed)
    if request.kind == "matching":
        questions = generate.build_matching_quiz(candidates, pool, request.length, rng)
        if not questions:
            raise InvalidInput("That deck and category have no matching questions, and too few facts to pair up.")
    else:
        questions = generate.build_quiz(candidates, pool, request.length, rng,
                                        with_order=request.category in (None, Category.DATE.value))
    row = Quiz(token=secrets.token_urlsafe(16), learner_id=learner_id, seed=request.seed, deck_key=request.deck_key,
               category=request.category, length=len(questions), created_at=now, is_practice=request.practice,
               kind=request.kind)
    row.items = [QuizItem(position=i, payload=q.to_dict(), question_key=q.bank_key)
                 for i, q in enumerate(questions)]
    session.add(row)
    if learner_id is not None:  # the practice choice is remembered for the next quiz or Learn session
        session.get_one(Learner, learner_id).practice_by_default = request.practice
    session.commit()
    return row


def get_quiz(session: Session, token: str, learner_id: int | None, lock: bool = False) -> Quiz:
    """The quiz at this address if the asker may see it; raises NotFound. `lock` holds its row (PostgreSQL)."""
    row = db.find_by_token(session, Quiz, Quiz.items, token, lock)
    if row is None or (row.learner_id is not None and row.learner_id != learner_id):
        raise NotFound("There is no such quiz.")
    return row


def question_of(item: QuizItem) -> QuizQuestion:
    """The asked question stored in a quiz item."""
    return QuizQuestion.from_dict(item.payload)


def next_item(row: Quiz) -> QuizItem | None:
    """The first unanswered question, or None when the quiz is done."""
    return next((item for item in row.items if item.answered_at is None), None)


def submit_answer(session: Session, token: str, learner_id: int | None, position: int,
                  response: str, now: datetime, fuzz: bool = True) -> QuizItem:
    """Grade and store a response; answering the same question again changes nothing (see `recorded_now`).

    For a signed-in learner the verdict also rates the question's card when it is already
    being studied (right = Good, wrong = Again), unless the quiz is practice; new cards stay new. Safe under concurrent
    requests: the answer is written only if the question is still unanswered, and a clash
    with a rating of the same card is retried.
    """
    for attempt in range(RETRIES):
        try:
            return _submit_once(session, token, learner_id, position, response, now, fuzz)
        except (StaleDataError, OperationalError):
            session.rollback()
            if attempt == RETRIES - 1:
                raise
    raise AssertionError("unreachable")


def _submit_once(session: Session, token: str, learner_id: int | None, position: int,
                 response: str, now: datetime, fuzz: bool) -> QuizItem:
    row = get_quiz(session, token, learner_id, lock=True)
    item = next((i for i in row.items if i.position == position), None)
    if item is None:
        raise NotFound("That question is not part of this quiz.")
    if item.answered_at is not None:
        return item
    if not response.strip():
        raise InvalidInput("Give an answer first.")
    question = question_of(item)
    unclear = dates.ambiguity(response) if question.form == "typed" and question.category == "date" else None
    if unclear:  # not wrong, just unreadable: asked again, not marked
        raise InvalidInput(unclear)
    outcome = grading.check(question, response)
    claimed = session.execute(
        update(QuizItem).where(QuizItem.id == item.id, QuizItem.answered_at.is_(None))
        .values(response=response, is_correct=outcome.correct, feedback=outcome.feedback, answered_at=now)
        .execution_options(synchronize_session=False))
    if claimed.rowcount == 0:  # another request answered it first
        session.rollback()
        session.refresh(item)
        return item
    if learner_id is not None and not row.is_practice and question.form not in ("order", "matching"):
        learner = session.get(Learner, learner_id)
        reviews.feed_quiz_answer(session, learner, list(question.keys), outcome.correct, now,  # type: ignore[arg-type]
                                 reviews.settings_of(learner, fuzz))  # type: ignore[arg-type]
    unanswered = select(QuizItem.id).where(QuizItem.quiz_id == row.id, QuizItem.answered_at.is_(None)).exists()
    right = select(func.count()).select_from(QuizItem).where(QuizItem.quiz_id == row.id, QuizItem.is_correct.is_(True))
    session.execute(update(Quiz).where(Quiz.id == row.id, Quiz.finished_at.is_(None), ~unanswered)
                    .values(finished_at=now, score=right.scalar_subquery()).execution_options(synchronize_session=False))
    session.commit()
    for name, value in (("response", response), ("is_correct", outcome.correct), ("feedback", outcome.feedback),
                        ("answered_at", now)):  # as written: not read back (a transaction and a round trip more)
        set_committed_value(item, name, value)
    return item


def recorded_now(item: QuizItem, now: datetime) -> bool:
    """Whether submit_answer(..., now) recorded this answer, rather than finding the question answered before."""
    return item.answered_at == now


def list_quizzes(session: Session, learner_id: int) -> list[Quiz]:
    """A learner's quizzes, newest first."""
    query = select(Quiz).where(Quiz.learner_id == learner_id).order_by(Quiz.created_at.desc(), Quiz.id.desc())
    return list(session.scalars(query))
