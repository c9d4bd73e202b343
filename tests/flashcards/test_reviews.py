"""Flashcards on a real database: fsrs cross-check, queue and limits, day rollover, undo, duplicates, leeches."""

from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone

import fsrs
import pytest
from sqlalchemy import event, select
from sqlalchemy.orm import ORMExecuteState, Session

from studyapp import db
from studyapp.anki import service as anki
from studyapp.errors import InvalidInput
from studyapp.flashcards import reviews, scheduler, stats
from studyapp.flashcards.scheduler import Rating, State
from studyapp.models import Card, Learner, ReviewLog
from tests.builders import add_learner, cards_of
from tests.conftest import NOW

NO_FUZZ = scheduler.Settings(enable_fuzzing=False)


def rate(session: Session, learner, card: Card, rating: Rating, when: datetime) -> reviews.RateResult:
    session.refresh(card)
    return reviews.rate(session, learner, card.id, card.version, rating, when, NO_FUZZ)


def test_replayed_history_matches_fsrs_itself(session: Session) -> None:
    learner = add_learner(session)
    card = cards_of(session, learner, NOW)["src-formed"]
    history = [(NOW, Rating.GOOD), (NOW + timedelta(minutes=10), Rating.GOOD), (NOW + timedelta(days=3), Rating.GOOD),
               (NOW + timedelta(days=12), Rating.AGAIN), (NOW + timedelta(days=12, minutes=10), Rating.HARD),
               (NOW + timedelta(days=15), Rating.EASY), (NOW + timedelta(days=60), Rating.GOOD)]
    reference = fsrs.Scheduler(enable_fuzzing=False)
    expected = fsrs.Card(card_id=card.id, due=NOW)
    for when, rating in history:
        assert rate(session, learner, card, rating, when).recorded
        expected, _ = reference.review_card(expected, fsrs.Rating(int(rating)), when)
        session.expire_all()
        stored = session.get(Card, card.id)
        assert (stored.state, stored.step) == (int(expected.state), expected.step)
        assert stored.stability == pytest.approx(expected.stability, rel=1e-12)
        assert stored.difficulty == pytest.approx(expected.difficulty, rel=1e-12)
        assert stored.due == expected.due and stored.last_review == expected.last_review
    assert stored.reps == len(history) and stored.lapses == 1
    logs = session.scalars(select(ReviewLog).where(ReviewLog.card_id == card.id).order_by(ReviewLog.id)).all()
    assert [log.rating for log in logs] == [int(r) for _, r in history]
    assert [log.kind for log in logs][:3] == ["new", "learning", "review"]


def test_replay_with_own_settings_and_seeded_fuzz_matches_fsrs(session: Session) -> None:
    """A learner's own retention, steps and maximum interval, and the app's fuzz, seeded: still exactly fsrs."""
    learner = add_learner(session)
    card = cards_of(session, learner, NOW)["src-formed"]
    steps, relearning = (timedelta(minutes=2), timedelta(minutes=15)), (timedelta(minutes=5), timedelta(minutes=30))
    settings = scheduler.Settings(desired_retention=0.8, learning_steps=steps, relearning_steps=relearning,
                                  maximum_interval_days=30, enable_fuzzing=True)
    reference = fsrs.Scheduler(desired_retention=0.8, learning_steps=steps, relearning_steps=relearning,
                               maximum_interval=30, enable_fuzzing=True)
    expected = fsrs.Card(card_id=card.id, due=NOW)
    when, intervals = NOW, []
    for number, rating in enumerate([Rating.GOOD, Rating.GOOD, Rating.GOOD, Rating.GOOD, Rating.AGAIN, Rating.GOOD,
                                     Rating.GOOD, Rating.EASY, Rating.GOOD], 1):
        session.refresh(card)
        random.seed(number)  # fsrs fuzzes with the random module: the same seed, the same fuzz
        assert reviews.rate(session, learner, card.id, card.version, rating, when, settings).recorded
        random.seed(number)
        expected, _ = reference.review_card(expected, fsrs.Rating(int(rating)), when)
        session.expire_all()
        stored = session.get(Card, card.id)
        assert stored.due == expected.due and stored.stability == pytest.approx(expected.stability, rel=1e-12)
        assert (stored.due - when).days <= 30  # the learner's maximum interval holds, fuzz or not
        intervals.append(stored.due - when)
        when = stored.due
    assert max(intervals) > timedelta(days=10)  # it got far enough for fuzz to apply (fsrs fuzzes from 2.5 days)


def test_queue_order_learning_then_review_then_new(session: Session) -> None:
    learner = add_learner(session)
    cards = cards_of(session, learner, NOW)
    first = reviews.get_queue(session, learner, NOW).card
    assert first is not None and first.reps == 0
    rate(session, learner, cards["kalun-village"], Rating.EASY, NOW - timedelta(days=30))  # a review card, due by now
    rate(session, learner, cards["bolshevik"], Rating.AGAIN, NOW - timedelta(minutes=5))  # learning, due by now
    queue = reviews.get_queue(session, learner, NOW)
    assert queue.card.id == cards["bolshevik"].id
    rate(session, learner, cards["bolshevik"], Rating.GOOD, NOW)
    queue = reviews.get_queue(session, learner, NOW + timedelta(seconds=1))
    assert queue.card.id == cards["kalun-village"].id and queue.review == 1
    rate(session, learner, cards["kalun-village"], Rating.GOOD, NOW)
    assert reviews.get_queue(session, learner, NOW + timedelta(seconds=2)).card.reps == 0


def test_daily_new_limit(session: Session) -> None:
    learner = add_learner(session, new_per_day=2)
    cards_of(session, learner, NOW)
    total = len(cards_of(session, learner, NOW))
    assert reviews.get_queue(session, learner, NOW).new == 2
    for n in range(2):
        card = reviews.get_queue(session, learner, NOW + timedelta(seconds=n)).card
        rate(session, learner, card, Rating.EASY, NOW + timedelta(seconds=n))
    queue = reviews.get_queue(session, learner, NOW + timedelta(minutes=1))
    assert queue.new == 0 and queue.card is None and total > 2


def test_daily_review_limit(session: Session) -> None:
    learner = add_learner(session, reviews_per_day=1)
    cards = cards_of(session, learner, NOW)
    for key in ("kalun-village", "bolshevik"):
        rate(session, learner, cards[key], Rating.EASY, NOW - timedelta(days=60))
    assert reviews.get_queue(session, learner, NOW).review == 1
    card = reviews.get_queue(session, learner, NOW).card
    rate(session, learner, card, Rating.GOOD, NOW)
    assert reviews.get_queue(session, learner, NOW + timedelta(seconds=1)).review == 0


@pytest.mark.parametrize(("zone", "rollover_utc"), [
    ("Asia/Seoul", datetime(2026, 11, 29, 19, 0, tzinfo=timezone.utc)),          # 04:00 KST, UTC+9
    ("America/Los_Angeles", datetime(2026, 11, 30, 12, 0, tzinfo=timezone.utc)),  # 04:00 PST, UTC-8
])
def test_new_cards_return_when_the_learners_day_rolls_over(session: Session, zone: str, rollover_utc: datetime) -> None:
    learner = add_learner(session, new_per_day=1, timezone=zone, day_starts_hour=4)
    cards_of(session, learner, NOW)
    before = rollover_utc - timedelta(minutes=1)
    day_start = scheduler.day_start(before, zone, 4)
    card = reviews.get_queue(session, learner, day_start + timedelta(minutes=1)).card
    rate(session, learner, card, Rating.EASY, day_start + timedelta(minutes=1))
    assert reviews.get_queue(session, learner, before).new == 0
    assert reviews.get_queue(session, learner, rollover_utc).new == 1


def test_undo_restores_the_exact_state_and_marks_the_log(session: Session) -> None:
    learner = add_learner(session)
    card = cards_of(session, learner, NOW)["src-formed"]
    rate(session, learner, card, Rating.GOOD, NOW)
    rate(session, learner, card, Rating.GOOD, NOW + timedelta(minutes=10))
    session.refresh(card)
    before = reviews.state_of(card)
    rate(session, learner, card, Rating.AGAIN, NOW + timedelta(days=3))
    reviews.undo_last(session, learner, NOW + timedelta(days=3, seconds=5))
    session.expire_all()
    assert reviews.state_of(session.get(Card, card.id)) == before
    logs = session.scalars(select(ReviewLog).order_by(ReviewLog.id)).all()
    assert len(logs) == 3 and [log.is_undone for log in logs] == [False, False, True]
    assert logs[-1].undone_at == NOW + timedelta(days=3, seconds=5)


def test_undo_with_nothing_to_undo(session: Session) -> None:
    learner = add_learner(session)
    with pytest.raises(Exception, match="Nothing to undo"):
        reviews.undo_last(session, learner, NOW)


def test_an_undo_that_loses_a_race_says_it_was_already_undone(session: Session) -> None:
    learner = add_learner(session)
    card = cards_of(session, learner, NOW)["src-formed"]
    before = reviews.state_of(card)
    rate(session, learner, card, Rating.GOOD, NOW)
    other = db.new_session()

    def undo_elsewhere_first(state: ORMExecuteState) -> None:  # after this undo read the log, before it writes
        if state.is_update and not raced:
            raced.append(True)
            reviews.undo_last(other, other.get(Learner, learner.id), NOW + timedelta(seconds=1))

    raced: list[bool] = []

    event.listen(session, "do_orm_execute", undo_elsewhere_first)
    try:
        with pytest.raises(InvalidInput, match="already undone"):
            reviews.undo_last(session, learner, NOW + timedelta(seconds=2))
    finally:
        other.close()
    session.expire_all()
    assert reviews.state_of(session.get(Card, card.id)) == before
    assert [log.undone_at for log in session.scalars(select(ReviewLog))] == [NOW + timedelta(seconds=1)]
    assert not reviews.can_undo(session, learner.id)


def test_learning_cards_due_later_today_are_not_due_now(session: Session) -> None:
    learner = add_learner(session)
    cards = cards_of(session, learner, NOW)
    rate(session, learner, cards["bolshevik"], Rating.AGAIN, NOW)  # back in 1 minute
    queue = reviews.get_queue(session, learner, NOW + timedelta(seconds=30))
    assert (queue.learning, queue.learning_now, queue.later_today) == (1, 0, 1)
    assert queue.due_now == queue.new + queue.review
    assert reviews.get_queue(session, learner, NOW + timedelta(minutes=2)).learning_now == 1


def test_card_list_shows_suspended_new_cards(session: Session) -> None:
    learner = add_learner(session)
    cards = cards_of(session, learner, NOW)
    rate(session, learner, cards["bolshevik"], Rating.GOOD, NOW)
    reviews.set_suspended(session, learner.id, cards["src-formed"].id, True)  # never studied
    listed = {card.id for card in reviews.list_cards(session, learner.id, NOW)}
    assert listed == {cards["bolshevik"].id, cards["src-formed"].id}
    assert [card.id for card in reviews.list_suspended_cards(session, learner.id, NOW)] == [cards["src-formed"].id]
    assert reviews.list_cards(session, learner.id, NOW, leeches_only=True) == []


def test_same_rating_twice_is_recorded_once(session: Session) -> None:
    learner = add_learner(session)
    card = cards_of(session, learner, NOW)["src-formed"]
    version = card.version
    first = reviews.rate(session, learner, card.id, version, Rating.GOOD, NOW, NO_FUZZ)
    second = reviews.rate(session, learner, card.id, version, Rating.GOOD, NOW + timedelta(seconds=1), NO_FUZZ)
    assert first.recorded and not second.recorded
    assert len(session.scalars(select(ReviewLog)).all()) == 1


@pytest.mark.parametrize("suspend", [False, True])
def test_eight_lapses_make_a_leech(session: Session, suspend: bool) -> None:
    learner = add_learner(session, suspend_leeches=suspend)
    card = cards_of(session, learner, NOW)["src-formed"]
    when = NOW
    rate(session, learner, card, Rating.EASY, when)
    for lapse in range(1, 9):
        session.refresh(card)
        when = card.due + timedelta(hours=1)
        result = rate(session, learner, card, Rating.AGAIN, when)
        assert result.became_leech is (lapse == 8)
        session.refresh(card)
        rate(session, learner, card, Rating.EASY, card.due + timedelta(minutes=1))
    session.refresh(card)
    assert card.lapses == 8 and card.is_leech and card.is_suspended is suspend


def test_suspend_and_bury_leave_the_queue(session: Session) -> None:
    learner = add_learner(session, new_per_day=100)
    cards_of(session, learner, NOW)
    first = reviews.get_queue(session, learner, NOW).card
    reviews.set_suspended(session, learner.id, first.id, True)
    second = reviews.get_queue(session, learner, NOW).card
    assert second.id != first.id
    reviews.bury(session, learner, second.id, NOW)
    assert reviews.get_queue(session, learner, NOW).card.id not in (first.id, second.id)
    tomorrow = scheduler.next_day_start(NOW, "UTC", 4)
    assert reviews.get_queue(session, learner, tomorrow).card.id == second.id
    reviews.set_suspended(session, learner.id, first.id, False)
    assert reviews.get_queue(session, learner, tomorrow).card.id == first.id


def test_another_learners_card_is_not_found(session: Session) -> None:
    ada, bob = add_learner(session, "ada"), add_learner(session, "bob")
    card = cards_of(session, ada, NOW)["src-formed"]
    with pytest.raises(Exception, match="no such card"):
        reviews.rate(session, bob, card.id, card.version, Rating.GOOD, NOW, NO_FUZZ)
    with pytest.raises(Exception, match="no such card"):
        reviews.set_suspended(session, bob.id, card.id, True)


def test_preview_intervals_for_a_new_card() -> None:
    shown = scheduler.preview(1, scheduler.CardState(due=NOW), NOW, NO_FUZZ)
    assert {r: scheduler.format_interval(i) for r, i in shown.items()} == {
        Rating.AGAIN: "1m", Rating.HARD: "6m", Rating.GOOD: "10m", Rating.EASY: "8d"}
    assert scheduler.State(int(fsrs.State.Review)) == State.REVIEW


def test_buried_and_suspended_cards_are_due_nowhere(session: Session) -> None:
    """The deck list, the progress figures and the "only due" export agree with the review queue."""
    learner = add_learner(session, new_per_day=100)
    cards = cards_of(session, learner, NOW)
    studied = [cards[key] for key in ("src-formed", "kalun-village", "bolshevik")]
    for n, card in enumerate(studied):
        rate(session, learner, card, Rating.AGAIN, NOW + timedelta(seconds=n))  # due again in a minute
    later = NOW + timedelta(minutes=5)
    assert reviews.get_queue(session, learner, later).learning_now == 3
    reviews.bury(session, learner, studied[0].id, later)
    reviews.set_suspended(session, learner.id, studied[1].id, True)
    assert reviews.get_queue(session, learner, later).learning_now == 1
    assert sum(deck["due"] for deck in reviews.due_counts_by_deck(session, learner.id, later).values()) == 1
    figures = stats.progress(session, learner, later)
    assert (figures.due_today, figures.due_tomorrow) == (1, 1)  # the buried card is due when it comes back
    due_only = anki.ExportFilter(due_only=True)
    exported = [note.front for note in anki.notes_for_export(session, due_only, learner.id, later)]
    assert len(exported) == 1 and reviews.item_of(studied[2]).prompt in exported[0]
    tomorrow = scheduler.next_day_start(later, learner.timezone, learner.day_starts_hour)
    assert len(list(anki.notes_for_export(session, due_only, learner.id, tomorrow))) == 2


def test_unbury_brings_a_card_back_today(session: Session) -> None:
    learner = add_learner(session)
    cards_of(session, learner, NOW)
    first = reviews.get_queue(session, learner, NOW).card
    reviews.bury(session, learner, first.id, NOW)
    assert reviews.get_queue(session, learner, NOW).card.id != first.id
    reviews.unbury(session, learner.id, first.id)
    assert reviews.get_queue(session, learner, NOW).card.id == first.id


def test_the_queue_tells_the_new_card_limit_from_an_empty_deck(session: Session) -> None:
    learner = add_learner(session, new_per_day=1)
    cards_of(session, learner, NOW)
    queue = reviews.get_queue(session, learner, NOW)
    assert queue.new == 1 and not queue.new_limit_reached
    rate(session, learner, queue.card, Rating.EASY, NOW)
    queue = reviews.get_queue(session, learner, NOW + timedelta(seconds=1))
    assert queue.card is None and queue.new_limit_reached and queue.new_done == 1
    for card in cards_of(session, learner, NOW).values():
        reviews.set_suspended(session, learner.id, card.id, True)
    assert not reviews.get_queue(session, learner, NOW + timedelta(seconds=2)).new_limit_reached
