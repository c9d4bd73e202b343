"""The review counts kept with the log (`studyapp.tallies`) equal the log itself after every kind of change."""

from __future__ import annotations

import dataclasses
import random
from collections import Counter
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from studyapp import tallies
from studyapp.bank import catalog, sync
from studyapp.bank.items import Bank, Category
from studyapp.errors import InvalidInput
from studyapp.flashcards import reviews, stats
from studyapp.flashcards.scheduler import Rating
from studyapp.models import Card, RetentionTally, ReviewLog, ReviewQuarter
from tests.builders import add_learner, cards_of
from tests.conftest import NOW, small_bank
from tests.flashcards.test_reviews import NO_FUZZ, rate


def from_the_log(session: Session, learner_id: int) -> tuple[Counter, Counter]:
    """What the counts should be, worked out in Python from every log entry not undone."""
    quarters: Counter = Counter()
    groups: Counter = Counter()
    for log in session.scalars(select(ReviewLog).where(ReviewLog.learner_id == learner_id, ReviewLog.is_undone.is_(False))):
        item = catalog.item(session, session.get(Card, log.card_id).question_id)
        quarters[tallies.quarter_of(log.reviewed_at)] += 1
        groups[(item.deck, item.category.value, "total")] += 1
        groups[(item.deck, item.category.value, "passed")] += log.rating > 1
    return quarters, groups


def kept(session: Session, learner_id: int) -> tuple[Counter, Counter]:
    """The counts as the tables hold them (rows brought to zero by undos left out)."""
    session.expire_all()
    quarters = Counter({row.quarter: row.reviews for row in session.scalars(
        select(ReviewQuarter).where(ReviewQuarter.learner_id == learner_id)) if row.reviews})
    groups: Counter = Counter()
    for row in session.scalars(select(RetentionTally).where(RetentionTally.learner_id == learner_id)):
        groups[(row.deck_key, row.category, "total")] += row.total
        groups[(row.deck_key, row.category, "passed")] += row.passed
    return quarters, +groups


def test_counts_follow_ratings_undos_quiz_answers_and_changed_learn_answers(session: Session) -> None:
    learner = add_learner(session)
    other = add_learner(session, "bo")
    cards = list(cards_of(session, learner, NOW).values())
    cards_of(session, other, NOW)
    rng = random.Random(5)
    when = NOW
    for step in range(60):
        when += timedelta(minutes=rng.choice([1, 7, 20, 600]))
        action = rng.random()
        if action < 0.6:
            rate(session, learner, rng.choice(cards), rng.choice(list(Rating)), when)
        elif action < 0.75:
            try:
                reviews.undo_last(session, learner, when)
            except InvalidInput:  # nothing to undo, or a quiz answer moved the card since
                session.rollback()
        elif action < 0.9:
            studied = [card for card in cards if card.reps]
            keys = [catalog.item(session, card.question_id).key for card in rng.sample(studied, min(2, len(studied)))]
            reviews.feed_quiz_answer(session, learner, keys, rng.random() < 0.5, when, NO_FUZZ)
            session.commit()
        else:  # a Learn answer changed: its rating is taken back
            last = session.scalars(select(ReviewLog).where(ReviewLog.learner_id == learner.id, ReviewLog.is_undone.is_(False))
                                   .order_by(ReviewLog.id.desc())).first()
            if last is not None:
                reviews.take_back(session, last, when)
                session.commit()
        assert kept(session, learner.id) == from_the_log(session, learner.id), f"after step {step}"
    assert sum(kept(session, learner.id)[0].values()) > 20
    assert kept(session, other.id) == (Counter(), Counter())
    incremental = kept(session, learner.id)
    tallies.rebuild(session, [learner.id])
    session.commit()
    assert kept(session, learner.id) == incremental  # what the migration and an import work out is the same


def test_progress_reads_the_counts(session: Session) -> None:
    learner = add_learner(session, timezone="Asia/Kolkata", day_starts_hour=4)  # a zone 5 h 30 min from UTC
    cards = cards_of(session, learner, NOW)
    rate(session, learner, cards["kalun-village"], Rating.EASY, NOW - timedelta(days=1))
    rate(session, learner, cards["bolshevik"], Rating.AGAIN, NOW - timedelta(minutes=20))
    rate(session, learner, cards["bolshevik"], Rating.GOOD, NOW)
    figures = stats.progress(session, learner, NOW)
    assert {r.label: (r.passed, r.total) for r in figures.by_category} == {"place": (1, 1), "publication": (1, 2)}
    assert sorted(figures.calendar.values()) == [1, 2] and figures.total_reviews == 3
    session.execute(ReviewQuarter.__table__.delete())  # the calendar is read from the counts, not the log
    assert stats.progress(session, learner, NOW).total_reviews == 0


def test_a_sync_that_moves_a_question_moves_its_counts(session: Session) -> None:
    learner = add_learner(session)
    cards = cards_of(session, learner, NOW)
    rate(session, learner, cards["kalun-village"], Rating.GOOD, NOW)
    rate(session, learner, cards["bolshevik"], Rating.AGAIN, NOW)
    bank = small_bank()
    moved = {"kalun-village": {"category": Category.ORGANIZATION}, "bolshevik": {"deck": bank.items[-1].deck}}
    assert catalog.item(session, cards["bolshevik"].question_id).deck != moved["bolshevik"]["deck"]
    items = tuple(dataclasses.replace(item, **moved.get(item.key, {})) for item in bank.items)
    sync.sync_bank(session, Bank(bank.decks, items), NOW + timedelta(minutes=1))
    assert kept(session, learner.id) == from_the_log(session, learner.id)
    assert ("organization" in {key[1] for key in kept(session, learner.id)[1]})
