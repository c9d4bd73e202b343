"""The review counts kept with the log (`studyapp.tallies`) equal the log itself after every kind of change."""

from __future__ import annotations

import dataclasses
import random
import threading
from collections import Counter
from datetime import datetime, timedelta

import pytest
from flask import Flask
from sqlalchemy import event, select, update
from sqlalchemy.orm import Session

from studyapp import db, tallies
from studyapp.bank import catalog, sync
from studyapp.bank.items import Bank, Category
from studyapp.errors import InvalidInput
from studyapp.flashcards import reviews, scheduler, stats
from studyapp.flashcards.scheduler import Rating
from studyapp.models import Card, CardTally, DueQuarter, Learner, Question, RetentionTally, ReviewLog, ReviewQuarter
from tests.builders import add_learner, cards_of
from tests.conftest import NOW, small_bank
from tests.flashcards.test_reviews import NO_FUZZ, rate


def from_the_log(session: Session, learner_id: int) -> tuple[Counter, Counter]:
    """What the counts should be, worked out in Python from every log entry not undone."""
    quarters: Counter = Counter()
    groups: Counter = Counter()
    for log in session.scalars(select(ReviewLog).where(ReviewLog.learner_id == learner_id, ReviewLog.is_undone.is_(False))):
        item = catalog.item(session, session.get(Card, log.card_id).question_id)
        quarter = tallies.quarter_of(log.reviewed_at)
        quarters[quarter] += 1
        quarters[(quarter, "reviewed")] += log.kind == "review" and log.origin == "review"
        quarters[(quarter, "introduced")] += log.kind == "new" and log.origin in ("review", "learn")
        groups[(item.deck, item.category.value, "total")] += 1
        groups[(item.deck, item.category.value, "passed")] += log.rating > 1
    return +quarters, groups


def kept(session: Session, learner_id: int) -> tuple[Counter, Counter]:
    """The counts as the tables hold them (rows brought to zero by undos left out)."""
    session.expire_all()
    quarters: Counter = Counter()
    for row in session.scalars(select(ReviewQuarter).where(ReviewQuarter.learner_id == learner_id)):
        quarters.update({row.quarter: row.reviews, (row.quarter, "reviewed"): row.reviewed,
                         (row.quarter, "introduced"): row.introduced})
    groups: Counter = Counter()
    for row in session.scalars(select(RetentionTally).where(RetentionTally.learner_id == learner_id)):
        groups[(row.deck_key, row.category, "total")] += row.total
        groups[(row.deck_key, row.category, "passed")] += row.passed
    return +quarters, +groups


def cards_from_the_cards(session: Session, learner_id: int) -> tuple[Counter, Counter]:
    """What the card counts should be, worked out in Python from every card of a live question."""
    per_deck: Counter = Counter()
    due: Counter = Counter()
    for card in session.scalars(select(Card).where(Card.learner_id == learner_id)):
        item = catalog.item(session, card.question_id)
        if session.get(Question, card.question_id).is_retired or not item.is_card:
            continue
        standing = tallies.Standing.of(card.reps, card.state, card.stability, card.is_suspended, card.due, card.buried_until)
        for name, flag in zip(tallies.COUNTS, standing.counts, strict=True):
            per_deck[(item.deck, name)] += flag
        if standing.due_quarter is not None:
            due[(item.deck, card.state != 2, standing.due_quarter)] += 1
    return +per_deck, +due


def cards_kept(session: Session, learner_id: int) -> tuple[Counter, Counter]:
    session.expire_all()
    per_deck: Counter = Counter()
    for deck, counts in tallies.card_counts(session, learner_id).items():
        per_deck.update({(deck, name): value for name, value in counts.items()})
    due = Counter({(row.deck_key, row.learning, row.quarter): row.cards
                   for row in session.scalars(select(DueQuarter).where(DueQuarter.learner_id == learner_id))})
    return +per_deck, +due


def due_from_the_cards(session: Session, learner_id: int, now: datetime) -> dict[str, int]:
    """Cards due at `now` per deck, worked out in Python from every card (studied, not suspended, not buried)."""
    due: Counter = Counter()
    for card in session.scalars(select(Card).where(Card.learner_id == learner_id)):
        item = catalog.item(session, card.question_id)
        if (card.reps and not card.is_suspended and card.due <= now and (card.buried_until is None or card.buried_until <= now)
                and not session.get(Question, card.question_id).is_retired and item.is_card):
            due[item.deck] += 1
    return dict(+due)


def queue_from_the_cards(session: Session, learner: Learner, now: datetime) -> tuple:
    """The review queue's numbers, worked out in Python from every card and log entry of the learner: the reviews
    and new cards left today, the learning cards due today and due now, the next learning card's due time, the
    first learning card due now, the new cards introduced today."""
    start = scheduler.day_start(now, learner.timezone, learner.day_starts_hour)
    end = scheduler.next_day_start(now, learner.timezone, learner.day_starts_hour)
    logs = [log for log in session.scalars(select(ReviewLog).where(ReviewLog.learner_id == learner.id))
            if not log.is_undone and log.reviewed_at >= start]
    reviewed = sum(log.kind == "review" and log.origin == "review" for log in logs)
    introduced = sum(log.kind == "new" and log.origin in ("review", "learn") for log in logs)
    learning, reviews_due, new = [], 0, 0
    for card in session.scalars(select(Card).where(Card.learner_id == learner.id, Card.is_suspended.is_(False))):
        if session.get(Question, card.question_id).is_retired or not catalog.item(session, card.question_id).is_card:
            continue
        back = max(card.due, card.buried_until) if card.buried_until else card.due  # when a buried card comes back
        if card.reps and card.state != 2:
            learning.append((card, back))
        elif card.state == 2 and card.due < end and (card.buried_until is None or card.buried_until <= now):
            reviews_due += 1
        elif not card.reps and (card.buried_until is None or card.buried_until <= now):
            new += 1
    due_now = sorted((card.due, card.id) for card, back in learning if back <= now)
    unburied = [card.due for card, back in learning if not card.buried_until or card.buried_until <= now]
    return (min(reviews_due, max(learner.reviews_per_day - reviewed, 0)), min(new, max(learner.new_per_day - introduced, 0)),
            sum(back < end for _, back in learning), len(due_now), min(unburied, default=None),
            due_now[0][1] if due_now else None, introduced)


def queue_numbers(session: Session, learner: Learner, now: datetime) -> tuple:
    queue = reviews.get_queue(session, learner, now)
    return (queue.review, queue.new, queue.learning, queue.learning_now, queue.next_due,
            queue.card.id if queue.card is not None and queue.card.reps and queue.card.state != 2 else None, queue.new_done)


def due_by_deck(session: Session, learner_id: int, now: datetime) -> dict[str, int]:
    return {deck: counts["due"] for deck, counts in reviews.due_counts_by_deck(session, learner_id, now).items() if counts["due"]}


def test_counts_follow_ratings_undos_quiz_answers_and_changed_learn_answers(session: Session) -> None:
    learner = add_learner(session)
    other = add_learner(session, "bo")
    cards = list(cards_of(session, learner, NOW).values())
    cards_of(session, other, NOW)
    rng = random.Random(5)
    when = NOW
    seen: set[str] = set()  # the queue's numbers that were not zero at some moment
    for step in range(60):
        when += timedelta(minutes=rng.choice([1, 7, 20, 600]))
        action = rng.random()
        if action < 0.45:
            rate(session, learner, rng.choice(cards), rng.choice(list(Rating)), when)
        elif action < 0.6:  # suspend or unsuspend, bury or unbury (twice sometimes: a double click)
            card = rng.choice(cards)
            for _ in range(rng.choice([1, 1, 2])):
                if rng.random() < 0.5:
                    reviews.set_suspended(session, learner.id, card.id, not card.is_suspended)
                elif card.buried_until is None or card.buried_until <= when:
                    reviews.bury(session, learner, card.id, when)
                else:
                    reviews.unbury(session, learner.id, card.id)
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
        assert cards_kept(session, learner.id) == cards_from_the_cards(session, learner.id), f"after step {step}"
        for moment in (when, when + timedelta(minutes=rng.randrange(1, 15)), when + timedelta(days=1)):
            assert due_by_deck(session, learner.id, moment) == due_from_the_cards(session, learner.id, moment), step
            numbers = queue_numbers(session, learner, moment)
            assert numbers == queue_from_the_cards(session, learner, moment), step
            seen.update(name for name, value in zip(("review", "new", "learning", "learning now"), numbers, strict=False) if value)
    assert sum(kept(session, learner.id)[0].values()) > 20
    assert seen == {"review", "new", "learning", "learning now"}
    per_deck, due = cards_kept(session, learner.id)
    assert {name for _, name in per_deck} >= {"studied", "learning", "review", "suspended"} and due
    assert kept(session, other.id) == (Counter(), Counter())
    incremental = kept(session, learner.id), cards_kept(session, learner.id)
    tallies.rebuild(session, [learner.id])
    tallies.rebuild_cards(session, [learner.id])
    session.commit()
    assert (kept(session, learner.id), cards_kept(session, learner.id)) == incremental  # as the migration works them out


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
    reviews.set_suspended(session, learner.id, cards["comintern"].id, True)
    retired = "league"
    reviews.set_suspended(session, learner.id, cards[retired].id, True)
    sync.sync_bank(session, Bank(bank.decks, tuple(item for item in items if item.key != retired)), NOW + timedelta(minutes=1))
    assert kept(session, learner.id) == from_the_log(session, learner.id)
    assert ("organization" in {key[1] for key in kept(session, learner.id)[1]})
    assert cards_kept(session, learner.id) == cards_from_the_cards(session, learner.id)
    assert stats.card_counts(session, learner.id)["suspended"] == 1  # the retired question's card counts no more
    sync.sync_bank(session, bank, NOW + timedelta(minutes=2))  # back as they were, the retired one revived
    assert cards_kept(session, learner.id) == cards_from_the_cards(session, learner.id)
    assert stats.card_counts(session, learner.id)["suspended"] == 2


@pytest.mark.parametrize("listed", [True, False], ids=["retired listed", "joined to questions"])
def test_the_queue_leaves_out_a_retired_questions_card_whether_it_lists_them_or_joins(
        session: Session, monkeypatch: pytest.MonkeyPatch, listed: bool) -> None:
    if not listed:  # as with more retired questions than the queue lists (PostgreSQL lists them, SQLite joins)
        monkeypatch.setattr(reviews, "MAX_LISTED", -1)
    statements: list[str] = []

    def note(conn, cursor, statement: str, *rest) -> None:  # noqa: ANN001, ANN002
        statements.append(statement)

    event.listen(session.get_bind(), "before_cursor_execute", note)
    learner = add_learner(session)
    cards = cards_of(session, learner, NOW)
    for minutes, key in enumerate(("league", "kalun-village")):  # both in learning, the one to retire due first
        rate(session, learner, cards[key], Rating.AGAIN, NOW + timedelta(minutes=minutes))
    bank = small_bank()
    sync.sync_bank(session, Bank(bank.decks, tuple(item for item in bank.items if item.key != "league")), NOW + timedelta(minutes=2))
    assert cards["league"].question_id in catalog.snapshot(session).not_cards
    later = NOW + timedelta(minutes=30)
    numbers = queue_numbers(session, learner, later)
    assert numbers == queue_from_the_cards(session, learner, later)
    assert numbers[2:4] == (1, 1) and numbers[5] == cards["kalun-village"].id  # the learning card left is the live one
    sync.sync_bank(session, bank, NOW + timedelta(minutes=3))  # revived: its card is back in the queue
    assert catalog.snapshot(session).not_cards == tuple(sorted(
        question_id for question_id, item in catalog.snapshot(session).items.items() if not item.is_card))
    numbers = queue_numbers(session, learner, later)
    assert numbers == queue_from_the_cards(session, learner, later) and numbers[2:4] == (2, 2)
    assert numbers[5] == cards["league"].id
    queue = [statement for statement in statements
             if statement.startswith("SELECT") and "sum(review_quarters.introduced)" in statement]
    listing = listed and session.get_bind().dialect.name == "postgresql"
    assert queue and all(("NOT IN" in statement) is listing and ("JOIN questions" in statement) is not listing
                         for statement in queue)
    event.remove(session.get_bind(), "before_cursor_execute", note)


def test_the_card_counts_and_the_bank_agree_on_what_makes_cards() -> None:
    compiled = str(tallies.live_cards().compile(compile_kwargs={"literal_binds": True}))
    assert str(sync.makes_cards().compile(compile_kwargs={"literal_binds": True})) in compiled


def test_recount_sets_counts_right_that_a_hand_made_change_left_wrong(app: Flask, session: Session) -> None:
    learner = add_learner(session)
    cards = cards_of(session, learner, NOW)
    rate(session, learner, cards["kalun-village"], Rating.GOOD, NOW)
    right = kept(session, learner.id), cards_kept(session, learner.id)
    session.execute(update(ReviewQuarter).values(reviews=7))
    session.execute(update(CardTally).values(studied=40))
    session.commit()
    result = app.test_cli_runner().invoke(args=["db", "recount"])
    assert result.exit_code == 0, result.output
    assert "Counted again" in result.output
    assert (kept(session, learner.id), cards_kept(session, learner.id)) == right


def test_a_card_is_due_again_the_moment_its_burial_ends_and_not_a_moment_before(session: Session) -> None:
    learner = add_learner(session)
    card = cards_of(session, learner, NOW)["kalun-village"]
    rate(session, learner, card, Rating.AGAIN, NOW)  # due again in a minute
    reviews.bury(session, learner, card.id, NOW + timedelta(minutes=5))
    session.refresh(card)
    back = card.buried_until
    for moment, due in ((back - timedelta(minutes=5), {}), (back, {"founding": 1}), (back + timedelta(minutes=7), {"founding": 1}),
                        (back + timedelta(days=3), {"founding": 1})):
        assert due_by_deck(session, learner.id, moment) == due == due_from_the_cards(session, learner.id, moment), moment
    learning = cards_of(session, learner, NOW)["bolshevik"]
    rate(session, learner, learning, Rating.AGAIN, back + timedelta(minutes=1))  # due at back + 2 min, in that quarter
    assert due_by_deck(session, learner.id, back + timedelta(minutes=1, seconds=30)) == {"founding": 1}
    assert due_by_deck(session, learner.id, back + timedelta(minutes=2)) == {"founding": 2}


def test_counts_stay_right_when_ratings_suspensions_and_recounts_of_one_learner_race(app: Flask, session: Session) -> None:
    learner = add_learner(session)
    cards = list(cards_of(session, learner, NOW).values())
    learner_id = learner.id
    failures: list[BaseException] = []

    def work(kind: int) -> None:
        with app.app_context():
            mine = db.get_session()
            me = mine.get(Learner, learner_id)
            rng = random.Random(kind)
            try:
                for step in range(12):
                    when = NOW + timedelta(minutes=step)
                    card = cards[(kind * 5 + step) % len(cards)]
                    if kind < 3:  # ratings, each thread its own cards at first, the same cards later
                        mine.expire_all()
                        found = mine.get(Card, card.id)
                        reviews.rate(mine, me, card.id, found.version, rng.choice(list(Rating)), when, NO_FUZZ)
                    elif kind == 3:
                        reviews.set_suspended(mine, learner_id, card.id, step % 2 == 0)
                    else:  # what a fit, an import and the day's first rating do
                        tallies.rebuild(mine, [learner_id])
                        tallies.rebuild_cards(mine, [learner_id])
                        mine.commit()
            except BaseException as error:  # noqa: BLE001  (reported below, with the thread's kind)
                failures.append(error)

    threads = [threading.Thread(target=work, args=(kind,)) for kind in range(5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not failures, failures
    assert kept(session, learner_id) == from_the_log(session, learner_id)
    assert cards_kept(session, learner_id) == cards_from_the_cards(session, learner_id)
    assert sum(kept(session, learner_id)[0].values()) >= 20
