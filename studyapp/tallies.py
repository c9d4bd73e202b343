"""A learner's review counts, kept as the review log changes, so progress never reads every log.

Two tables, both worked out from the log and kept with it in the same transaction:
- `review_quarters`: ratings per quarter hour (the review calendar: a study day in any zone is whole quarters);
- `retention_tallies`: ratings and passes per deck and category of the question (retention).

A rating adds one (`count`), an undo takes it away (`count(..., -1)`); a data import and a sync that moves
questions to another deck or category work a learner's counts out again from the log (`rebuild`), as the
migration that made the tables did. Each change is one upsert per table, made before the card's own UPDATE
(so two requests take the rows in the same order, and on PostgreSQL never wait on each other in a circle).
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from sqlalchemy import case, delete, func, insert, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from studyapp.db import EPOCH, QUARTER_HOUR, quarter_hour
from studyapp.models import Card, Deck, Question, RetentionTally, ReviewLog, ReviewQuarter

PASSED = 1  # a rating above Again (Hard, Good or Easy) passes


def quarter_of(moment: datetime) -> int:
    """db.quarter_hour of a time, in Python."""
    return (moment - EPOCH) // QUARTER_HOUR


def count(session: Session, learner_id: int, reviewed_at: datetime, deck_key: str, category: str, rating: int,
          sign: int = 1) -> None:
    """Add one rating to the learner's counts (take it away with sign=-1); no commit."""
    _add(session, ReviewQuarter, {"learner_id": learner_id, "quarter": quarter_of(reviewed_at)}, {"reviews": sign})
    _add(session, RetentionTally, {"learner_id": learner_id, "deck_key": deck_key, "category": category},
         {"passed": sign if rating > PASSED else 0, "total": sign})


def _add(session: Session, model: type[ReviewQuarter] | type[RetentionTally], key: dict[str, object],
         amounts: dict[str, int]) -> None:
    """One INSERT ... ON CONFLICT DO UPDATE adding `amounts` to the row of `key` (made when missing)."""
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    table = model.__table__
    statement = dialect.insert(table).values(**key, **amounts)
    statement = statement.on_conflict_do_update(
        index_elements=list(key), set_={name: table.c[name] + statement.excluded[name] for name in amounts})
    with session.no_autoflush:  # the card's changes stay pending: they are written after, at commit
        session.execute(statement)


def rebuild(session: Session, learner_ids: Collection[int] | None = None) -> None:
    """Work the counts of these learners (of all when None) out again from the review log; no commit."""
    kept = ~ReviewLog.is_undone
    ids = None if learner_ids is None else sorted(learner_ids)
    if ids is not None:
        if not ids:
            return
        kept = kept & ReviewLog.learner_id.in_(ids)
    for model in (ReviewQuarter, RetentionTally):
        session.execute(delete(model).where(model.learner_id.in_(ids)) if ids is not None else delete(model))
    at = quarter_hour(ReviewLog.reviewed_at)
    session.execute(insert(ReviewQuarter).from_select(
        ["learner_id", "quarter", "reviews"],
        select(ReviewLog.learner_id, at, func.count()).where(kept).group_by(ReviewLog.learner_id, at)))
    session.execute(insert(RetentionTally).from_select(
        ["learner_id", "deck_key", "category", "passed", "total"],
        select(ReviewLog.learner_id, Deck.key, Question.category, func.sum(case((ReviewLog.rating > PASSED, 1), else_=0)),
               func.count())
        .select_from(ReviewLog).join(Card, ReviewLog.card_id == Card.id).join(Question, Card.question_id == Question.id)
        .join(Deck, Question.deck_id == Deck.id).where(kept).group_by(ReviewLog.learner_id, Deck.key, Question.category)))


def learners_who_rated(session: Session, question_ids: Collection[int]) -> set[int]:
    """The learners with ratings of these questions' cards (whose retention a move of them changes)."""
    if not question_ids:
        return set()
    return set(session.scalars(select(Card.learner_id).distinct().where(
        Card.question_id.in_(question_ids), select(ReviewLog.id).where(ReviewLog.card_id == Card.id).exists())))


def calendar(session: Session, learner_id: int, since: datetime) -> list[tuple[int, int]]:
    """(quarter hour, ratings) of the learner's quarters with ratings, from `since` (a quarter hour's start)."""
    return [(quarter, reviews) for quarter, reviews in session.execute(
        select(ReviewQuarter.quarter, ReviewQuarter.reviews).where(
            ReviewQuarter.learner_id == learner_id, ReviewQuarter.quarter >= quarter_of(since), ReviewQuarter.reviews > 0))]


def retention(session: Session, learner_id: int) -> list[tuple[str, str, int, int]]:
    """(deck key, category, passed, total) of every deck and category the learner has ratings in."""
    return [(deck, category, passed, total) for deck, category, passed, total in session.execute(
        select(RetentionTally.deck_key, RetentionTally.category, RetentionTally.passed, RetentionTally.total)
        .where(RetentionTally.learner_id == learner_id, RetentionTally.total > 0))]
