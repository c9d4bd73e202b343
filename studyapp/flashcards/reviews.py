"""Service: flashcards on an FSRS schedule: the daily queue, rating, undo, suspend and bury."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cache

from sqlalchemy import Integer, bindparam, func, literal, or_, select, true, union_all, update
from sqlalchemy.orm import Session, object_session
from sqlalchemy.orm.exc import StaleDataError
from sqlalchemy.sql import ColumnElement, CompoundSelect, Select
from sqlalchemy.sql.elements import BindParameter
from sqlalchemy.sql.selectable import ScalarSelect

from studyapp import tallies
from studyapp.bank import catalog, sync
from studyapp.bank.items import Item
from studyapp.db import UTCDateTime
from studyapp.errors import InvalidInput, NotFound
from studyapp.flashcards import scheduler
from studyapp.flashcards.scheduler import CardState, Rating, State
from studyapp.models import Card, CardTally, Deck, Learner, Question, ReviewLog


@dataclass(frozen=True)
class Queue:
    """What is left today and the card to show next."""

    new: int
    learning: int
    review: int
    card: Card | None
    next_due: datetime | None
    due_tomorrow: int
    learning_now: int
    new_done: int = 0
    new_held_back: bool = False
    undoable_question_id: int | None = None  # the question of the card Undo would take back (read with the card)

    @property
    def new_limit_reached(self) -> bool:
        """Whether new cards wait only because today's new-card limit is used up."""
        return self.new == 0 and self.new_held_back

    @property
    def due_now(self) -> int:
        """Cards that can be reviewed right now (learning cards due later today are left out)."""
        return self.new + self.learning_now + self.review

    @property
    def later_today(self) -> int:
        """Learning cards that come due later today."""
        return self.learning - self.learning_now


@dataclass(frozen=True)
class RateResult:
    """The outcome of one rating; `recorded` is False for a duplicate."""

    recorded: bool
    card: Card
    became_leech: bool = False


def settings_of(learner: Learner, fuzz: bool = True) -> scheduler.Settings:
    """The learner's scheduling settings for fsrs."""
    return scheduler.Settings(
        desired_retention=learner.desired_retention,
        learning_steps=scheduler.parse_steps(learner.learning_steps),
        relearning_steps=scheduler.parse_steps(learner.relearning_steps),
        maximum_interval_days=learner.maximum_interval_days,
        enable_fuzzing=fuzz,
        parameters=tuple(learner.fsrs_parameters or scheduler.DEFAULT_PARAMETERS),
    )


SETTINGS = ("desired_retention", "learning_steps", "relearning_steps", "maximum_interval_days", "new_per_day",
            "reviews_per_day", "day_starts_hour", "timezone", "suspend_leeches")


def save_settings(session: Session, learner: Learner, values: dict[str, object]) -> None:
    """Store the learner's study settings (already checked by the form); one commit."""
    for name in SETTINGS:
        setattr(learner, name, float(values[name]) if name == "desired_retention" else values[name])  # type: ignore[arg-type]
    session.commit()


def state_of(card: Card) -> CardState:
    """The card's scheduling state."""
    return CardState(State(card.state), card.step, card.stability, card.difficulty, card.due,
                     card.last_review, card.reps, card.lapses)


def item_of(card: Card) -> Item:
    """The bank item a card asks (from the bank held in memory: no question row is read)."""
    return catalog.item(object_session(card), card.question_id)  # type: ignore[arg-type]


def ensure_cards(session: Session, learner: Learner) -> None:
    """Give the learner a (new) card for every live question that has none yet; the caller commits.

    Run where cards come into being for a learner (sign-up, sign-in; a bank sync gives every learner theirs),
    never on a page view. Cheap when nothing changed: one comparison with the newest sync.
    """
    latest = sync.latest_sync_id(session)
    if latest and learner.cards_synced_to >= latest:
        return
    sync.add_missing_cards(session, learner.id)
    learner.cards_synced_to = latest


def not_buried(now: datetime) -> ColumnElement[bool]:
    """The condition a card is not buried at `now` (every due count and filter leaves buried cards out)."""
    return or_(Card.buried_until.is_(None), Card.buried_until <= now)


def _live_cards(learner_id: int, now: datetime, deck_key: str | None,
                not_cards: BindParameter[list[int]] | None = None) -> Select:
    """The learner's unsuspended, unburied cards of live questions that make cards (of one deck); with
    `not_cards` (never with a deck), of the questions that are none of those listed (tallies.not_listed: no join)."""
    if not_cards is not None:
        return select(Card).where(Card.learner_id == learner_id, tallies.not_listed(not_cards), Card.is_suspended.is_(False),
                                  not_buried(now))
    query = (select(Card).join(Question, Card.question_id == Question.id)
             .where(Card.learner_id == learner_id, Question.is_retired.is_(False), sync.makes_cards(),
                    Card.is_suspended.is_(False), not_buried(now)))
    return query.join(Deck, Question.deck_id == Deck.id).where(Deck.key == deck_key) if deck_key is not None else query


def _capped(query: Select, cap: ColumnElement[int], order: ColumnElement) -> ScalarSelect[int]:
    """How many rows the query gives, counting no further than `cap` (the daily limits cap what is shown), in the
    order of the index that finds them (else PostgreSQL may walk the cards in question order, which are studied
    first)."""
    return select(func.count()).select_from(query.with_only_columns(Card.id).order_by(order).limit(cap).subquery()).scalar_subquery()


def _first_id(query: Select, *order: ColumnElement) -> ScalarSelect[int]:
    return query.with_only_columns(Card.id).order_by(*order).limit(1).scalar_subquery()


def get_queue(session: Session, learner: Learner, now: datetime, deck_key: str | None = None,
              with_card: bool = True) -> Queue:
    """Due learning cards first, then due reviews, then new cards, within the daily limits.

    One statement for every number (each count capped, so a learner with 40,000 new cards counts no further
    than the daily limit), and one for the card to show when `with_card`.
    """
    start = scheduler.day_start(now, learner.timezone, learner.day_starts_hour)
    end = scheduler.next_day_start(now, learner.timezone, learner.day_starts_hour)
    current = tallies.quarter_of(now)
    values = {"learner": learner.id, "now": now, "end": end, "today": tallies.quarter_of(start),
              "current": current, "current_start": tallies.quarter_start(current),
              "reviews_cap": max(learner.reviews_per_day, 0), "new_cap": max(learner.new_per_day, 1),
              "tomorrow": tallies.quarter_of(end),
              "after_tomorrow": tallies.quarter_of(scheduler.next_day_start(end, learner.timezone, learner.day_starts_hour))}
    if deck_key:
        values["deck"] = deck_key
    listed = False  # see MAX_LISTED
    if not deck_key and session.get_bind().dialect.name == "postgresql":
        not_cards = catalog.snapshot(session).not_cards
        listed = len(not_cards) <= MAX_LISTED
        if listed:
            values["not_cards"] = list(not_cards)
    row = session.execute(_queue_statement(bool(deck_key), with_card, listed), values).one()
    review_done, new_done, reviews_due, new_due, learning_today, learning_now, next_due, tomorrow = row[:8]
    # counts set wrong by a rating raced with a sync are set right within the day (see tallies): never below zero
    learning_now = max(learning_now, 0)
    learning_today = max(learning_today, learning_now)
    review_left = min(reviews_due, max(learner.reviews_per_day - review_done, 0))
    new_cap = max(learner.new_per_day - new_done, 0)
    new_left = min(new_due, new_cap)
    card, undoable = None, None
    if with_card:
        learning_id, review_id, new_id, undoable = row[8:]
        chosen = learning_id or (review_id if review_left else None) or (new_id if new_left else None)
        card = session.get(Card, chosen) if chosen else None
    return Queue(new_left, learning_today, review_left, card, next_due, tomorrow, learning_now, new_done,
                 not new_cap and new_due > 0, undoable)


# Up to this many retired questions (and ones that make no cards), the queue on PostgreSQL names them instead of
# joining cards to questions: it planned the statement in half the time (0.5 ms instead of 1.0, at every run).
# SQLite plans nothing again and joins by primary key cheaply: there the list's expansion per run cost more.
MAX_LISTED = 500


@cache
def _queue_statement(by_deck: bool, with_card: bool, listed: bool = False) -> Select:
    """The review queue's one statement of numbers, built once per shape with its values as parameters (building
    it was a third of the home page's time); `listed`: the questions whose cards it leaves out are a parameter,
    `not_cards` (see MAX_LISTED).

    Its cost is the page's, not the learner's: today's ratings and the learning cards are counted from the
    counts kept with them (`tallies`), however many thousands there are; the first learning card and the first
    review come from partial indexes of each kind in due order, and the capped counts stop at their caps."""
    learner, now, end = bindparam("learner", type_=Integer), bindparam("now", type_=UTCDateTime), bindparam("end", type_=UTCDateTime)
    deck = bindparam("deck") if by_deck else None
    not_cards = bindparam("not_cards", expanding=True) if listed and not by_deck else None
    live = _live_cards(learner, now, deck, not_cards)  # type: ignore[arg-type]
    learning = live.where(tallies.in_learning())
    reviews = live.where(tallies.in_review(), Card.due < end)
    new = live.where(tallies.is_new())
    tomorrow = bindparam("tomorrow", type_=Integer)
    numbers = [
        *tallies.done_since(learner, bindparam("today", type_=Integer)),
        _capped(reviews, bindparam("reviews_cap", type_=Integer), Card.due),
        _capped(new, bindparam("new_cap", type_=Integer), Card.id),
        tallies.learning_before(learner, tomorrow, deck),
        tallies.learning_due_now(learner, now, bindparam("current", type_=Integer),
                                 bindparam("current_start", type_=UTCDateTime), deck, not_cards),
        learning.with_only_columns(Card.due).order_by(Card.due, Card.id).limit(1).scalar_subquery(),
        tallies.due_between(learner, tomorrow, bindparam("after_tomorrow", type_=Integer), deck),
    ]
    if with_card:  # the first card of each kind, and the question Undo would take back
        numbers += [_first_id(learning.where(Card.due <= now), Card.due, Card.id), _first_id(reviews, Card.due, Card.id),
                    _first_id(new, Card.id), _last_undoable_query(learner, Card.question_id)  # type: ignore[arg-type]
                    .join(Card, Card.id == ReviewLog.card_id).scalar_subquery()]
    return select(*numbers)


def get_card(session: Session, learner_id: int, card_id: int) -> Card:
    """The learner's own card; raises NotFound for anyone else's."""
    card = session.scalar(select(Card).where(Card.id == card_id, Card.learner_id == learner_id))
    if card is None:
        raise NotFound("There is no such card.")
    return card


def _snapshot(card: Card) -> dict[str, object]:
    return {**state_of(card).to_dict(), "is_leech": card.is_leech, "is_suspended": card.is_suspended}


def state_in(snapshot: dict[str, object]) -> CardState:
    """The scheduling state a review-log snapshot holds (its leech and suspension flags left aside)."""
    return CardState.from_dict({name: value for name, value in snapshot.items() if name not in ("is_leech", "is_suspended")})


def _apply(card: Card, state: CardState) -> None:
    card.state, card.step, card.stability, card.difficulty = int(state.state), state.step, state.stability, state.difficulty
    card.due, card.last_review, card.reps, card.lapses = state.due, state.last_review, state.reps, state.lapses  # type: ignore[assignment]


def record_rating(session: Session, learner: Learner, card: Card, rating: Rating, now: datetime,
                  settings: scheduler.Settings, duration_ms: int | None = None, origin: str = "review") -> bool:
    """Schedule the card and append its log entry (no commit); True when it became a leech."""
    return _record(session, learner, card, rating, now, settings, duration_ms, origin)[0]


def _record(session: Session, learner: Learner, card: Card, rating: Rating, now: datetime,
            settings: scheduler.Settings, duration_ms: int | None, origin: str) -> tuple[bool, ReviewLog]:
    standing = _standing(card)
    before = state_of(card)
    snapshot = _snapshot(card)
    after = scheduler.next_review(card.id, before, rating, now, settings, duration_ms)
    _apply(card, after)
    became_leech = scheduler.is_leech(after) and not card.is_leech
    if became_leech:
        card.is_leech = True
        card.is_suspended = card.is_suspended or learner.suspend_leeches
    log = ReviewLog(card_id=card.id, learner_id=learner.id, rating=int(rating), reviewed_at=now,
                    duration_ms=duration_ms, kind=before.kind, origin=origin, state_before=snapshot,
                    state_after=_snapshot(card))
    session.add(log)
    _recount(session, card, standing, log)
    return became_leech, log


def _recount(session: Session, card: Card, before: tallies.Standing, log: ReviewLog | None = None, sign: int = 1) -> None:
    """Add a rating to the learner's counts, or take it away (sign -1), and move the card's part of them from
    `before` to what the card is now: see `tallies` (one statement on PostgreSQL)."""
    with session.no_autoflush:  # the card's changes stay pending until commit, where a lost race is caught
        _claim(session, card.learner_id)
        parts = []
        if log is not None:
            item = catalog.item(session, card.question_id)
            parts += tallies.rating_rows(log.learner_id, log.reviewed_at, item.deck, item.category.value, log.rating,
                                         log.kind, log.origin, sign)
        deck = catalog.card_deck(session, card.question_id)
        if deck is not None:
            parts += tallies.change_rows(card.learner_id, deck, before, _standing(card))
        tallies.add(session, parts)


def _claim(session: Session, learner_id: int) -> None:
    """Hold the learner's row before their counts change (see tallies.claim), and read the bank's version with
    it: a sync that committed since this request began is the bank the counts are kept by."""
    version = tallies.claim(session, [learner_id], catalog.bank_version_column())
    if version is not None:
        catalog.note_bank_version(session, version)


def _standing(card: Card) -> tallies.Standing:
    return tallies.Standing.of(card.reps, card.state, card.stability, card.is_suspended, card.due, card.buried_until)


def rate(session: Session, learner: Learner, card_id: int, version: int, rating: Rating, now: datetime,
         settings: scheduler.Settings, duration_ms: int | None = None) -> RateResult:
    """Rate a card once: a resent or raced rating of the same version is not recorded again."""
    card = get_card(session, learner.id, card_id)
    if card.version != version:
        return RateResult(False, card)
    became_leech = record_rating(session, learner, card, rating, now, settings, duration_ms)
    try:
        session.commit()
    except StaleDataError:  # another request rated this version first
        session.rollback()
        return RateResult(False, get_card(session, learner.id, card_id))
    return RateResult(True, card, became_leech)


def _last_undoable_query(learner_id: int, *columns: ColumnElement) -> Select:
    """The learner's last rating that Undo would take back (its log row, or the given columns)."""
    return (select(*(columns or [ReviewLog])).select_from(ReviewLog)
            .where(ReviewLog.learner_id == learner_id, ReviewLog.origin == "review", ReviewLog.is_undone.is_(False))
            .order_by(ReviewLog.reviewed_at.desc(), ReviewLog.id.desc()).limit(1))


def _last_undoable(session: Session, learner_id: int) -> ReviewLog | None:
    return session.scalar(_last_undoable_query(learner_id))


def _rated_since(session: Session, log: ReviewLog) -> bool:
    """Whether a later rating (not undone) of the same card stands on this one: it can no longer be taken back."""
    return bool(session.scalar(select(func.count()).select_from(ReviewLog).where(
        ReviewLog.card_id == log.card_id, ReviewLog.id > log.id, ReviewLog.is_undone.is_(False))))


def _restore(session: Session, card: Card, log: ReviewLog) -> None:
    """Put the card back as it was before this rating (its schedule, leech and suspension), the rating taken out of
    the learner's counts and the card's part of them moved back."""
    standing = _standing(card)
    card.is_leech, card.is_suspended = bool(log.state_before["is_leech"]), bool(log.state_before["is_suspended"])
    _apply(card, state_in(log.state_before))
    _recount(session, card, standing, log, -1)


def can_undo(session: Session, learner_id: int) -> bool:
    """Whether the learner has a rating that Undo would take back."""
    return _last_undoable(session, learner_id) is not None


def undo_last(session: Session, learner: Learner, now: datetime) -> Card:
    """Put the card of the learner's last rating back as it was; the log entry is marked undone.

    Raises InvalidInput when there is nothing to undo, when a quiz answer moved the card since, and when
    another request undid (or changed) the same rating first.
    """
    log = _last_undoable(session, learner.id)
    if log is None:
        raise InvalidInput("Nothing to undo.")
    if _rated_since(session, log):
        raise InvalidInput("That card has changed since (a quiz answer); it can no longer be undone.")
    lost_race = InvalidInput("That rating was already undone (in another tab, or by a double click).")
    # Claimed with a conditional write, so two simultaneous undos never both restore it.
    claimed = session.execute(update(ReviewLog).where(ReviewLog.id == log.id, ReviewLog.is_undone.is_(False))
                              .values(is_undone=True, undone_at=now).execution_options(synchronize_session=False))
    if claimed.rowcount == 0:
        session.rollback()
        raise lost_race
    card = get_card(session, learner.id, log.card_id)
    _restore(session, card, log)
    try:
        session.commit()
    except StaleDataError:  # the card changed since it was read: leave both as they are
        session.rollback()
        raise lost_race from None
    return card


def set_suspended(session: Session, learner_id: int, card_id: int, suspended: bool) -> Card:
    """Suspend (out of every queue) or unsuspend a card."""
    return _set(session, learner_id, card_id, is_suspended=suspended)


def bury(session: Session, learner: Learner, card_id: int, now: datetime) -> Card:
    """Hide a card until the learner's next day begins."""
    return _set(session, learner.id, card_id, buried_until=scheduler.next_day_start(now, learner.timezone, learner.day_starts_hour))


def unbury(session: Session, learner_id: int, card_id: int) -> Card:
    """Bring a buried card back into today's queue."""
    return _set(session, learner_id, card_id, buried_until=None)


def _set(session: Session, learner_id: int, card_id: int, **values: object) -> Card:
    """Set a card's suspension or burial, its counts moved with it, once: a double click or another tab that set
    it first leaves it be, and a change that loses a race with a rating is made again on the card as it is now."""
    for _ in range(3):
        card = get_card(session, learner_id, card_id)
        if all(getattr(card, name) == value for name, value in values.items()):
            return card
        standing = _standing(card)
        for name, value in values.items():
            setattr(card, name, value)
        _recount(session, card, standing)
        try:
            session.commit()
            return card
        except StaleDataError:  # changed by another request since it was read
            session.rollback()
    raise InvalidInput("That card is changing in another tab; try again.")


def feed_quiz_answer(session: Session, learner: Learner, question_keys: list[str], correct: bool,
                     now: datetime, settings: scheduler.Settings) -> int:
    """A quiz answer counts as Good (right) or Again (wrong) for cards already being studied.

    New cards (never reviewed) and suspended cards are left alone. No commit; returns how many cards moved.
    """
    cards = session.scalars(select(Card).join(Question).where(
        Card.learner_id == learner.id, Question.key.in_(question_keys), Card.reps > 0, Card.is_suspended.is_(False)))
    moved = 0
    for card in cards:
        record_rating(session, learner, card, Rating.GOOD if correct else Rating.AGAIN, now, settings, origin="quiz")
        moved += 1
    return moved


@dataclass(frozen=True)
class LearnRating:
    """What a Learn answer did to its card: the log entry it wrote, or why it wrote none."""

    log: ReviewLog | None
    card: Card | None
    held_back: str = ""  # "suspended", "new-limit" or "no-card" when nothing was rated


def new_cards_today(session: Session, learner: Learner, now: datetime) -> int:
    """New cards the learner has introduced today (on the review screen or in Learn): the new-card limit's count."""
    today = tallies.quarter_of(scheduler.day_start(now, learner.timezone, learner.day_starts_hour))
    return session.scalar(select(tallies.done_since(learner.id, today)[1])) or 0


def rate_from_learn(session: Session, learner: Learner, question_key: str, rating: Rating, now: datetime,
                    settings: scheduler.Settings) -> LearnRating:
    """Rate the question's card for a first-try Learn answer (no commit); a new card only within today's limit."""
    card = session.scalar(select(Card).join(Question).where(Card.learner_id == learner.id, Question.key == question_key))
    if card is None:
        return LearnRating(None, None, "no-card")
    if card.is_suspended:
        return LearnRating(None, card, "suspended")
    if card.reps == 0 and new_cards_today(session, learner, now) >= learner.new_per_day:
        return LearnRating(None, card, "new-limit")
    return LearnRating(_record(session, learner, card, rating, now, settings, None, "learn")[1], card)


def take_back(session: Session, log: ReviewLog, now: datetime) -> bool:
    """Undo one rating (no commit) if nothing has rated its card since: a changed Learn answer; True if undone."""
    card = session.get(Card, log.card_id)
    if card is None or log.is_undone or _rated_since(session, log):
        return False
    log.is_undone, log.undone_at = True, now
    _restore(session, card, log)
    return True


def in_card_list() -> ColumnElement[bool]:
    """The card list's rule (and the learner's Anki export's): studied or suspended (a new card can be suspended too)."""
    return or_(Card.reps > 0, Card.is_suspended.is_(True))


def _live(query: Select) -> Select:
    """Only cards of live questions that make flashcards."""
    return query.join(Question, Card.question_id == Question.id).where(Question.is_retired.is_(False), sync.makes_cards())


def _few_in_due_order(query: Select, limit: int | None, offset: int) -> Select:
    """A query of few cards (found by an index of their own) sorted by due: not by walking the (learner, due) index."""
    return query.order_by(func.coalesce(Card.due, Card.due), Card.id).limit(limit).offset(offset)


def list_cards(session: Session, learner_id: int, now: datetime, leeches_only: bool = False,
               limit: int | None = None, offset: int = 0) -> list[Card]:
    """The learner's studied or suspended cards (or only leeches), soonest due first; `limit` of them from `offset`.

    One statement whose cost is the page's, not the learner's: studied cards are read in the order of the
    (learner, due) index and only as far as the page goes; suspended new cards (their due is the far end,
    after every studied card's) come after them, from the suspension index; leeches from their own index.
    """
    mine = Card.learner_id == learner_id
    if leeches_only:
        return list(session.scalars(_few_in_due_order(_live(select(Card).where(mine, Card.is_leech == true())), limit, offset)))
    reach = None if limit is None else offset + limit
    # "+ 0": studied ones in due order, not by the (learner, reps) index, which would give every studied card to
    # sort; suspended new ones by the suspension index, not that one, which would walk every new card
    studied = _live(select(Card.id, Card.due, literal(0).label("part")).where(mine, Card.reps + 0 > 0))
    new = _live(select(Card.id, Card.due, literal(1).label("part")).where(mine, Card.is_suspended.is_(True), Card.reps + 0 == 0))
    parts = [select(studied.order_by(Card.due, Card.id).limit(reach).subquery()),
             select(new.order_by(Card.id).limit(reach).subquery())]  # new cards share one due: by id, as the index has them
    listed = union_all(*parts).subquery()
    return list(session.scalars(select(Card).join(listed, Card.id == listed.c.id)
                                .order_by(listed.c.part, listed.c.due, listed.c.id).limit(limit).offset(offset)))


def list_suspended_cards(session: Session, learner_id: int, now: datetime, limit: int | None = None,
                         offset: int = 0) -> list[Card]:
    """The learner's suspended cards, studied or not, soonest due first; `limit` of them from `offset`."""
    suspended = _live(select(Card).where(Card.learner_id == learner_id, Card.is_suspended.is_(True)))
    return list(session.scalars(_few_in_due_order(suspended, limit, offset)))


@dataclass(frozen=True)
class CardPage:
    """One page of a card list: its cards, its number (from 1) and whether another follows."""

    cards: list[Card]
    number: int
    has_next: bool


CARDS_PER_PAGE = 100


def page_of_cards(session: Session, learner_id: int, now: datetime, number: int, leeches_only: bool = False,
                  suspended_only: bool = False) -> CardPage:
    """A page of the card list (one statement: a page and one card more, to know whether another page follows)."""
    offset, limit = (number - 1) * CARDS_PER_PAGE, CARDS_PER_PAGE + 1
    if suspended_only:
        cards = list_suspended_cards(session, learner_id, now, limit, offset)
    else:
        cards = list_cards(session, learner_id, now, leeches_only, limit, offset)
    return CardPage(cards[:CARDS_PER_PAGE], number, len(cards) > CARDS_PER_PAGE)


@cache
def _due_counts_statement() -> CompoundSelect:
    """due_counts_by_deck's one statement, built once with its values as parameters (building it took longer than
    running it)."""
    learner, now = bindparam("learner", type_=Integer), bindparam("now", type_=UTCDateTime)
    kept = select(CardTally.deck_key, CardTally.studied, CardTally.mastered, literal(0)).where(CardTally.learner_id == learner)
    return union_all(kept, *tallies.due_now(learner, now, bindparam("current", type_=Integer),
                                            bindparam("current_start", type_=UTCDateTime), columns=2))


def due_counts_by_deck(session: Session, learner_id: int, now: datetime) -> dict[str, dict[str, int]]:
    """Per deck key: cards due now, new, and mastered (review cards with stability of 21 days or more).

    One statement of counts kept per deck (`tallies`): studied, mastered, and the cards due now. A learner has
    a card for every live question (sign-up, sign-in and each sync make them), so a deck's new cards are its
    questions less those studied.
    """
    bank = catalog.snapshot(session)
    current = tallies.quarter_of(now)
    values = {"learner": learner_id, "now": now, "current": current, "current_start": tallies.quarter_start(current)}
    found: dict[str, list[int]] = {}
    for key, listed, mastered, due_now in session.execute(_due_counts_statement(), values):
        counted = found.setdefault(key, [0, 0, 0])
        counted[0], counted[1], counted[2] = counted[0] + listed, counted[1] + mastered, counted[2] + due_now
    counts = {}
    for deck in bank.decks:
        listed, mastered, due_now = found.get(deck.key, (0, 0, 0))
        counts[deck.key] = {"due": due_now, "new": max(deck.cards - listed, 0), "mastered": mastered}
    return counts
