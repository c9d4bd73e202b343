"""Service: a learner's own data as JSON (settings, cards, review log, quizzes), out and back in.

The import merges into the signed-in account of any instance with the same bank:
cards are matched by question id, review-log entries and quizzes already present
are not added twice, and everything is written in one commit or not at all.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from studyapp import scheduler
from studyapp.errors import InvalidInput
from studyapp.models import Card, Learner, Question, Quiz, QuizItem, ReviewLog

FORMAT = "studyapp-learner-data"
SETTINGS = ("desired_retention", "learning_steps", "relearning_steps", "maximum_interval_days", "new_per_day",
            "reviews_per_day", "day_starts_hour", "timezone", "suspend_leeches")


# A count as the database stores it (INTEGER: at most 2**31 - 1 on PostgreSQL); bigger is refused here, by field.
Count = Annotated[int, Field(ge=0, le=2**31 - 1)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class SettingsData(_Model):
    desired_retention: float = Field(ge=0.7, le=0.99)
    learning_steps: str = Field(max_length=100)
    relearning_steps: str = Field(max_length=100)
    maximum_interval_days: int = Field(ge=1, le=36500)
    new_per_day: int = Field(ge=0, le=9999)
    reviews_per_day: int = Field(ge=0, le=99999)
    day_starts_hour: int = Field(ge=0, le=23)
    timezone: str = Field(max_length=64)
    suspend_leeches: bool


class CardData(_Model):
    question_key: str = Field(max_length=100)
    state: int = Field(ge=1, le=3)
    step: Count | None
    stability: float | None = Field(gt=0, le=1e6)
    difficulty: float | None = Field(ge=1, le=10)
    due: AwareDatetime
    last_review: AwareDatetime | None
    reps: Count
    lapses: Count
    is_suspended: bool
    is_leech: bool
    buried_until: AwareDatetime | None


class ReviewData(_Model):
    question_key: str = Field(max_length=100)
    rating: int = Field(ge=1, le=4)
    reviewed_at: AwareDatetime
    duration_ms: Count | None
    kind: Literal["new", "learning", "review", "relearning"]
    origin: Literal["review", "quiz"]
    state_before: dict
    state_after: dict
    is_undone: bool
    undone_at: AwareDatetime | None


class QuizItemData(_Model):
    position: int = Field(ge=0, le=1000)
    question_key: str | None
    payload: dict
    response: str | None
    is_correct: bool | None
    feedback: str | None
    answered_at: AwareDatetime | None


class QuizData(_Model):
    seed: Count
    deck_key: str | None
    category: str | None
    length: int = Field(ge=1, le=1000)
    created_at: AwareDatetime
    finished_at: AwareDatetime | None
    score: Count
    items: list[QuizItemData]


class LearnerData(_Model):
    format: Literal["studyapp-learner-data"]
    version: Literal[1]
    exported_at: AwareDatetime
    username: str
    settings: SettingsData
    cards: list[CardData]
    review_log: list[ReviewData]
    quizzes: list[QuizData]


@dataclass(frozen=True)
class ImportReport:
    """What an import added or updated, and what it had to skip."""

    cards: int
    reviews: int
    quizzes: int
    skipped_unknown_questions: int

    def summary(self) -> str:
        """One sentence for the learner."""
        skipped = (f"; {self.skipped_unknown_questions} entries for questions this instance does not have were skipped"
                   if self.skipped_unknown_questions else "")
        return f"Imported {self.cards} cards, {self.reviews} reviews and {self.quizzes} quizzes{skipped}."


def export_data(session: Session, learner: Learner, now: datetime) -> dict:
    """Everything of this learner's, JSON-ready."""
    keys = dict(session.execute(select(Card.id, Question.key).join(Question).where(Card.learner_id == learner.id)).all())
    cards = session.scalars(select(Card).where(Card.learner_id == learner.id).order_by(Card.id))
    logs = session.scalars(select(ReviewLog).where(ReviewLog.learner_id == learner.id).order_by(ReviewLog.id))
    quizzes = session.scalars(select(Quiz).where(Quiz.learner_id == learner.id).options(selectinload(Quiz.items))
                              .order_by(Quiz.id))
    data = LearnerData(
        format=FORMAT, version=1, exported_at=now, username=learner.username,
        settings=SettingsData(**{name: getattr(learner, name) for name in SETTINGS}),
        cards=[CardData(question_key=keys[c.id], **_columns(c, CardData, "question_key")) for c in cards],
        review_log=[ReviewData(question_key=keys[r.card_id], **_columns(r, ReviewData, "question_key")) for r in logs],
        quizzes=[QuizData(**_columns(q, QuizData, "items"), items=[QuizItemData(**_columns(i, QuizItemData)) for i in q.items])
                 for q in quizzes],
    )
    return data.model_dump(mode="json")


def _columns(row: object, model: type[BaseModel], *skip: str) -> dict:
    return {name: getattr(row, name) for name in model.model_fields if name not in skip}


def _find_nul(value: object, where: str = "") -> str | None:
    """The dotted path of the first string (or key) holding a NUL character, if any."""
    if isinstance(value, str):
        return where if "\x00" in value else None
    children = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for key, child in children:
        path = f"{where}.{key}" if where else str(key)
        if isinstance(key, str) and "\x00" in key:
            return path.replace("\x00", "")
        found = _find_nul(child, path)
        if found is not None:
            return found
    return None


def import_data(session: Session, learner: Learner, raw: object) -> ImportReport:
    """Merge exported data into this learner's account, in one commit; raises InvalidInput on bad data."""
    nul = _find_nul(raw)
    if nul is not None:
        raise InvalidInput(f"This file has a NUL character at {nul or 'its top level'}, which no field accepts.")
    try:
        data = LearnerData.model_validate(raw)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise InvalidInput(f"This is not a studyapp data file this version can read ({where}: {first['msg']}).") from None
    try:
        scheduler.parse_steps(data.settings.learning_steps)
        scheduler.parse_steps(data.settings.relearning_steps)
        scheduler.day_start(data.exported_at, data.settings.timezone, data.settings.day_starts_hour)
    except (ValueError, KeyError) as error:
        raise InvalidInput(f"The settings in this file are not valid: {error}") from None
    for name in SETTINGS:
        setattr(learner, name, getattr(data.settings, name))
    questions = dict(session.execute(select(Question.key, Question.id)).all())
    cards = {c.question_id: c for c in session.scalars(select(Card).where(Card.learner_id == learner.id))}
    skipped = imported_cards = 0
    for card in data.cards:
        question_id = questions.get(card.question_key)
        if question_id is None:
            skipped += 1
            continue
        row = cards.get(question_id)
        if row is None:
            row = cards[question_id] = Card(learner_id=learner.id, question_id=question_id)
            session.add(row)
        elif row.reps > card.reps:
            continue  # this account has studied the card further: keep it
        for name, value in card.model_dump(exclude={"question_key"}).items():
            setattr(row, name, value)
        imported_cards += 1
    session.flush()
    seen = set(session.execute(select(ReviewLog.card_id, ReviewLog.reviewed_at, ReviewLog.rating)
                               .where(ReviewLog.learner_id == learner.id)).all())
    reviews = 0
    for entry in data.review_log:
        card = cards.get(questions.get(entry.question_key, -1))
        if card is None:
            skipped += 1
            continue
        if (card.id, entry.reviewed_at, entry.rating) in seen:
            continue
        session.add(ReviewLog(card_id=card.id, learner_id=learner.id, **entry.model_dump(exclude={"question_key"})))
        reviews += 1
    quizzes = _import_quizzes(session, learner, data.quizzes)
    session.commit()
    return ImportReport(imported_cards, reviews, quizzes, skipped)


def _import_quizzes(session: Session, learner: Learner, quizzes: list[QuizData]) -> int:
    existing = set(session.execute(select(Quiz.created_at, Quiz.seed).where(Quiz.learner_id == learner.id)).all())
    added = 0
    for quiz in quizzes:
        if (quiz.created_at, quiz.seed) in existing:
            continue
        row = Quiz(token=secrets.token_urlsafe(16), learner_id=learner.id, **quiz.model_dump(exclude={"items"}))
        row.items = [QuizItem(**item.model_dump()) for item in quiz.items]
        session.add(row)
        added += 1
    return added
