"""Service: start a Learn session, answer its questions, "I was right", and continue it after signing in."""

from __future__ import annotations

import random
import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from studyapp import db
from studyapp.bank import catalog, dates, identity
from studyapp.bank.items import Category, Item
from studyapp.errors import InvalidInput, NotFound
from studyapp.flashcards import reviews
from studyapp.flashcards.scheduler import Rating
from studyapp.learn import asking, progression
from studyapp.learn.progression import ANSWER_TYPES, Event, Given, Plan, Standing
from studyapp.models import LearnAnswer, Learner, LearnSession, ReviewLog
from studyapp.quizzes import grading
from studyapp.quizzes.question import QuizQuestion

RETRIES = 5
MAX_QUESTIONS = 200  # a session larger than this would take hours: choose a deck or a category
RATINGS = {Event.AGAIN: Rating.AGAIN, Event.GOOD: Rating.GOOD}


@dataclass(frozen=True)
class LearnRequest:
    """What to learn: deck and category (None = all), the answer types, and whether it is practice."""

    deck_key: str | None
    category: str | None
    answer_types: str
    practice: bool
    keys: tuple[str, ...] = ()  # chosen questions (the timeline's, a paragraph's) instead of a deck and category
    about: str | None = None  # what the chosen questions are about, for the session's title


@dataclass(frozen=True)
class Current:
    """A session as its page shows it: the standing, and the question to answer now (None between rounds or at the end)."""

    row: LearnSession
    standing: Standing
    step: int
    question: QuizQuestion | None
    key: str | None
    prompts: dict[str, str]  # the prompt of every question of the session still in the bank

    @property
    def round_tally(self) -> progression.Tally:
        """Where the questions of the round just played stand."""
        return self.standing.tally(self.standing.dealt)


def start(session: Session, learner_id: int | None, request: LearnRequest, now: datetime, seed: int) -> LearnSession:
    """Store a new session over every live question of the choice, dealt in an order of its own."""
    if request.deck_key is not None:
        catalog.get_deck(session, request.deck_key)
    if request.category is not None and request.category not in Category.__members__.values():
        raise InvalidInput(f"Unknown category '{request.category}'.")
    if request.answer_types not in ANSWER_TYPES:
        raise InvalidInput("Choose multiple choice, typed answers, or both.")
    keys = [item.key for item in catalog.live_items(session, request.deck_key, request.category)
            if not request.keys or item.key in request.keys]
    if not keys:
        raise InvalidInput("Those questions are no longer in the bank." if request.keys
                           else "There are no questions for that deck and category yet.")
    if len(keys) > MAX_QUESTIONS:
        raise InvalidInput(f"That is {len(keys)} questions: choose a deck or a category (at most {MAX_QUESTIONS}).")
    random.Random(seed).shuffle(keys)
    row = LearnSession(token=secrets.token_urlsafe(16), learner_id=learner_id, seed=seed, deck_key=request.deck_key,
                       category=request.category, answer_types=request.answer_types, is_practice=request.practice,
                       question_keys=keys, created_at=now, about=request.about)
    session.add(row)
    if learner_id is not None:  # the practice choice is remembered for the next quiz or session
        session.get_one(Learner, learner_id).practice_by_default = request.practice
    session.commit()
    return row


def get(session: Session, token: str, learner_id: int | None, lock: bool = False) -> LearnSession:
    """The session at this address if the asker may see it; raises NotFound. `lock` holds its row (PostgreSQL)."""
    row = db.find_by_token(session, LearnSession, LearnSession.answers, token, lock)
    if row is None or (row.learner_id is not None and row.learner_id != learner_id):
        raise NotFound("There is no such Learn session.")
    return row


def _live(session: Session, row: LearnSession) -> dict[str, Item]:
    """The session's questions still in the bank (a sync may retire some: they drop out)."""
    wanted = set(row.question_keys)
    return {item.key: item for item in catalog.live_items(session) if item.key in wanted}


def plan_of(session: Session, row: LearnSession) -> tuple[Plan, dict[str, Item]]:
    live = _live(session, row)
    groups = identity.fact_groups(list(live.values()))
    keys = tuple(key for key in row.question_keys if key in live)
    touched = {key: frozenset(identity.groups_of(live[key], groups)) for key in keys}  # a matching: its pairs' too
    return Plan(keys, touched, ANSWER_TYPES[row.answer_types], row.seed), live


def _given(answers: list[LearnAnswer]) -> list[Given]:
    return [Given(answer.question_key, answer.is_correct or answer.is_overridden) for answer in answers]


def current(session: Session, row: LearnSession, next_round: bool = True) -> Current:
    """Where the session stands and what to ask now; between rounds nothing is asked unless `next_round`."""
    plan, live = plan_of(session, row)
    standing = progression.replay(plan, _given(row.answers))
    step, prompts = len(row.answers), {key: item.prompt for key, item in live.items()}
    if standing.finished or (standing.between_rounds and not next_round):
        return Current(row, standing, step, None, None, prompts)
    key = standing.next_key()
    question = asking.ask_at(live[key], standing.stage_of(key), catalog.pool(session), row.seed, step) if key else None
    return Current(row, standing, step, question, key, prompts)


def answer_at(row: LearnSession, step: int | None) -> LearnAnswer | None:
    """The session's answer to that step, if there is one."""
    return next((answer for answer in row.answers if answer.step == step), None) if step is not None else None


def question_of(answer: LearnAnswer) -> QuizQuestion:
    """The question as it was asked for this answer."""
    return QuizQuestion.from_dict(answer.payload)


def submit(session: Session, token: str, learner_id: int | None, step: int, key: str, response: str,
           now: datetime, fuzz: bool = True) -> LearnAnswer | None:
    """Grade and store the answer to step `step`; None when that step was answered already (another tab, a resend).

    A signed-in learner's first-try answers rate the question's card, once per session (see progression.Event),
    unless the session is practice.
    """
    for attempt in range(RETRIES):
        try:
            return _submit_once(session, token, learner_id, step, key, response, now, fuzz)
        except (StaleDataError, OperationalError):
            session.rollback()
            if attempt == RETRIES - 1:
                raise
    raise AssertionError("unreachable")


def _submit_once(session: Session, token: str, learner_id: int | None, step: int, key: str, response: str,
                 now: datetime, fuzz: bool) -> LearnAnswer | None:
    row = get(session, token, learner_id, lock=True)
    now_asked = current(session, row)
    if step != now_asked.step or key != now_asked.key or now_asked.question is None:
        session.rollback()  # answered meanwhile: let go of the session's row
        return None
    question = now_asked.question
    unclear = dates.ambiguity(response) if question.form == "typed" and question.category == "date" else None
    if unclear:  # not wrong, just unreadable: asked again, not marked
        raise InvalidInput(unclear)
    outcome = grading.check(question, response)
    answer = LearnAnswer(step=step, round=now_asked.standing.round, question_key=key, payload=question.to_dict(),
                         response=response, is_correct=outcome.correct, feedback=outcome.feedback, answered_at=now)
    event = now_asked.standing.answer(Given(key, outcome.correct))
    if _rates_cards(row, learner_id) and question.form not in ("order", "matching") and not _rated(row, key):
        _rate(session, learner_id, answer, event, now, fuzz)  # type: ignore[arg-type]  # before the answer is added
    row.answers.append(answer)
    if now_asked.standing.finished:
        row.finished_at = now
    try:
        session.commit()
    except IntegrityError:  # another request answered this step first
        session.rollback()
        return None
    return answer


def _rates_cards(row: LearnSession, learner_id: int | None) -> bool:
    """Whether this session's answers rate cards: the signed-in owner's, not practice (a signed-in learner
    answering a visitor's session by its address rates nothing of theirs)."""
    return learner_id is not None and row.learner_id == learner_id and not row.is_practice


def _rated(row: LearnSession, key: str, besides: LearnAnswer | None = None) -> bool:
    """Whether an answer of the session has rated this question's card already (once per session, whatever the
    replay says after a changed answer or an import)."""
    return any(answer.rating for answer in row.answers if answer.question_key == key and answer is not besides)


def _rate(session: Session, learner_id: int, answer: LearnAnswer, event: Event | None, now: datetime,
          fuzz: bool) -> None:
    if event is None:
        return
    learner = session.get_one(Learner, learner_id)
    rated = reviews.rate_from_learn(session, learner, answer.question_key, RATINGS[event], now,
                                    reviews.settings_of(learner, fuzz))
    if rated.log is not None:
        session.flush()
        answer.rating, answer.review_log_id, answer.held_back = int(RATINGS[event]), rated.log.id, None
    else:
        answer.held_back = rated.held_back


def override(session: Session, token: str, learner_id: int | None, step: int, now: datetime,
             fuzz: bool = True) -> LearnAnswer:
    """"I was right": the session's last answer, a typed miss, counts as right; its card's rating follows."""
    for attempt in range(RETRIES):
        try:
            return _override_once(session, token, learner_id, step, now, fuzz)
        except (StaleDataError, OperationalError):
            session.rollback()
            if attempt == RETRIES - 1:
                raise
    raise AssertionError("unreachable")


def _override_once(session: Session, token: str, learner_id: int | None, step: int, now: datetime,
                   fuzz: bool) -> LearnAnswer:
    row = get(session, token, learner_id, lock=True)
    answer = row.answers[-1] if row.answers else None
    if answer is None or answer.step != step:
        raise InvalidInput("Only the last answer can be changed, before the next one.")
    if answer.is_overridden:
        return answer
    if answer.is_correct or answer.payload.get("form") != "typed":
        raise InvalidInput("Only a typed answer marked wrong can be counted as right.")
    plan, _ = plan_of(session, row)
    before = progression.events_of(plan, _given(row.answers))[-1]
    answer.is_overridden = True
    after = progression.events_of(plan, _given(row.answers))[-1]
    rateable = _rates_cards(row, learner_id)
    if before != after:
        answer.held_back = None  # an Again held back by the new-card limit is no longer due
    if rateable and before != after and answer.review_log_id is not None:
        log = session.get(ReviewLog, answer.review_log_id)
        if log is not None and reviews.take_back(session, log, now):
            answer.rating, answer.review_log_id = None, None
    if rateable and after is not None and after != before and not _rated(row, answer.question_key):
        _rate(session, learner_id, answer, after, now, fuzz)  # type: ignore[arg-type]
    if progression.replay(plan, _given(row.answers)).finished:
        row.finished_at = now
    session.commit()
    return answer


def claim(session: Session, tokens: list[str], learner_id: int) -> int:
    """A visitor's sessions become the learner's who has just signed in (their answers from now on rate cards)."""
    if not tokens:
        return 0
    claimed = session.execute(update(LearnSession).where(LearnSession.token.in_(tokens), LearnSession.learner_id.is_(None))
                              .values(learner_id=learner_id).execution_options(synchronize_session=False))
    session.commit()
    return claimed.rowcount


def by_tokens(session: Session, tokens: list[str]) -> list[LearnSession]:
    """A visitor's unfinished sessions, by the tokens their browser keeps, newest first."""
    if not tokens:
        return []
    query = (select(LearnSession).where(LearnSession.token.in_(tokens), LearnSession.learner_id.is_(None),
                                        LearnSession.finished_at.is_(None)).order_by(LearnSession.created_at.desc()))
    return list(session.scalars(query))


def unfinished(session: Session, learner_id: int, limit: int = 5) -> list[LearnSession]:
    """The learner's sessions still going, newest first (to continue from the Learn page)."""
    query = (select(LearnSession).where(LearnSession.learner_id == learner_id, LearnSession.finished_at.is_(None))
             .order_by(LearnSession.created_at.desc(), LearnSession.id.desc()).limit(limit))
    return list(session.scalars(query))
