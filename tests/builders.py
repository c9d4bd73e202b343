"""Real rows for tests (no fakes): learners and their cards."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from studyapp.flashcards import reviews
from studyapp.models import Card, Learner, Question


def add_learner(session: Session, username: str = "ada", now: datetime | None = None, **settings: object) -> Learner:
    """A learner with default settings unless given."""
    learner = Learner(username=username, password_hash="x", created_at=now or datetime.fromisoformat("2026-01-01T00:00:00+00:00"),
                      **settings)
    session.add(learner)
    session.commit()
    return learner


def cards_of(session: Session, learner: Learner, now: datetime) -> dict[str, Card]:
    """Every card of the learner by question key, creating them first."""
    reviews.ensure_cards(session, learner)
    session.commit()
    rows = session.execute(select(Question.key, Card).join(Card.question).where(Card.learner_id == learner.id))
    return {key: card for key, card in rows}
