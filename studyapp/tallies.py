"""A learner's counts, kept as the review log and the cards change, so no page reads every log or card.

Four tables, each worked out from the log or the cards and kept with them in the same transaction:
- `review_quarters`: ratings per quarter hour (the review calendar: a study day in any zone is whole quarters),
  and of them those the daily limits count (the review queue's ratings done today);
- `retention_tallies`: ratings and passes per deck and category of the question (retention);
- `card_tallies`: cards per deck that are studied, learning, in review, suspended (new or not), mastered;
- `due_quarters`: studied, unsuspended cards per deck, quarter hour they fall due in, and whether they are in
  learning (the forecast, the cards due now, the review queue's learning cards).

A rating adds to them and an undo takes away (`rating_rows`, `change_rows`, `add`): one upsert per table (on
PostgreSQL all in one statement), made after the learner's row is held (`claim`) and before the card's own
UPDATE, so that writers of one learner's counts run one after the other, taking rows in one order. A data import, a parameter fit and a
sync that moves, retires or revives questions work the affected counts out again (`rebuild`,
`rebuild_cards`, `shift_cards`), as the migration that made the tables did; a learner's first rating of a study day works their card counts out again too,
so that a rating raced with such a sync is set right within the day (`studyapp db recount` does it for all).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import datetime
from functools import cache

from sqlalchemy import (
    Insert,
    and_,
    bindparam,
    case,
    delete,
    event,
    func,
    insert,
    literal,
    literal_column,
    or_,
    select,
    true,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, SessionTransaction
from sqlalchemy.sql import ColumnElement, Select
from sqlalchemy.sql.elements import BindParameter
from sqlalchemy.sql.selectable import ScalarSelect

from studyapp.db import EPOCH, QUARTER_HOUR, quarter_hour
from studyapp.models import (
    Card,
    CardTally,
    Deck,
    DueQuarter,
    Learner,
    Question,
    RetentionTally,
    ReviewLog,
    ReviewQuarter,
)

PASSED = 1  # a rating above Again (Hard, Good or Easy) passes
REVIEW_STATE = 2  # fsrs.State.Review (flashcards.scheduler.State.REVIEW)
NEW_CARD_ORIGINS = ("review", "learn")  # ratings that introduce a new card use up the day's new-card limit
MASTERED_DAYS = 21  # a review card with a stability of 21 days or more is mastered
COUNTS = ("studied", "learning", "review", "suspended", "suspended_new", "mastered")  # the columns of card_tallies


CLAIMED = "studyapp.tallies.claimed"  # Session.info key: the learners whose rows this transaction holds


def claim(session: Session, learner_ids: Iterable[int], also: ColumnElement | None = None) -> object:
    """Hold these learners' rows for the rest of the transaction before any of their counts change; returns
    `also` (a column read with them, such as the bank's version), or None when they were held already.

    Every writer of the counts takes its learners' rows first, in id order, and then the count rows: so two
    requests changing one learner's counts (a rating, an undo, a fit, an import, a sync) run one after the
    other and never wait on each other in a circle, and a rebuild never meets a rating half-way. PostgreSQL
    holds the rows FOR UPDATE. SQLite needs nothing: it has one writer at a time, and a transaction that has
    written keeps the database's write lock until it ends (taking that lock earlier, with a no-op UPDATE, made
    every rating hold it longer: half the ratings a second under load).
    """
    if session.get_bind().dialect.name != "postgresql":
        return None
    held = session.info.setdefault(CLAIMED, set())
    wanted = sorted(set(learner_ids) - held)
    if not wanted:
        return None
    columns = [Learner.id] if also is None else [Learner.id, also]
    statement = select(*columns).where(Learner.id.in_(wanted)).order_by(Learner.id).with_for_update(of=Learner)
    with session.no_autoflush:
        rows = session.execute(statement).all()
    held.update(wanted)
    return rows[0][1] if also is not None and rows else None


@event.listens_for(Session, "after_transaction_end")
def _release(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:  # the outermost transaction ended: its rows are let go
        session.info.pop(CLAIMED, None)


def quarter_of(moment: datetime) -> int:
    """db.quarter_hour of a time, in Python."""
    return (moment - EPOCH) // QUARTER_HOUR


def quarter_start(quarter: int) -> datetime:
    """When quarter hour `quarter` (quarter_of) begins."""
    return EPOCH + quarter * QUARTER_HOUR


def limits_counted(kind: str, origin: str) -> tuple[bool, bool]:
    """Whether a rating of this kind ("new", "review", ...) and origin counts towards the daily review limit (a
    card in review rated on the review screen), and towards the new-card limit (a new card introduced)."""
    return kind == "review" and origin == "review", kind == "new" and origin in NEW_CARD_ORIGINS


def _limits_counted_sql() -> tuple[ColumnElement[bool], ColumnElement[bool]]:
    """limits_counted, as conditions on the log's rows."""
    return (and_(ReviewLog.kind == "review", ReviewLog.origin == "review"),
            and_(ReviewLog.kind == "new", ReviewLog.origin.in_(NEW_CARD_ORIGINS)))


@dataclass(frozen=True)
class Rows:
    """Amounts to add to rows of one count table: the names of its key, and per row the key's values and the
    amounts (a row made when missing)."""

    model: type
    key: tuple[str, ...]
    rows: tuple[dict[str, object], ...]


def rating_rows(learner_id: int, reviewed_at: datetime, deck_key: str, category: str, rating: int, kind: str,
                origin: str, sign: int = 1) -> list[Rows]:
    """What one rating adds to the learner's counts (takes away with sign=-1): for `add`."""
    reviewed, introduced = limits_counted(kind, origin)
    return [Rows(ReviewQuarter, ("learner_id", "quarter"), ({
                "learner_id": learner_id, "quarter": quarter_of(reviewed_at), "reviews": sign,
                "reviewed": sign if reviewed else 0, "introduced": sign if introduced else 0},)),
            Rows(RetentionTally, ("learner_id", "deck_key", "category"), ({
                "learner_id": learner_id, "deck_key": deck_key, "category": category,
                "passed": sign if rating > PASSED else 0, "total": sign},))]


def change_rows(learner_id: int, deck_key: str, before: Standing, after: Standing) -> list[Rows]:
    """What moving a card's part of the counts (of a live question's card) from `before` to `after` adds: for `add`."""
    parts = []
    if before.counts != after.counts:
        parts.append(Rows(CardTally, ("learner_id", "deck_key"), ({
            "learner_id": learner_id, "deck_key": deck_key,
            **{name: new - old for name, old, new in zip(COUNTS, before.counts, after.counts, strict=True)}},)))
    if before.due_key != after.due_key:
        moves = sorted((key, amount) for key, amount in ((before.due_key, -1), (after.due_key, 1))
                       if key is not None)  # in key order, as every writer takes rows
        parts.append(Rows(DueQuarter, DUE_KEY, tuple(
            {"learner_id": learner_id, "learning": learning, "deck_key": deck_key, "quarter": quarter, "cards": amount}
            for (learning, quarter), amount in moves)))
    return parts


def add(session: Session, parts: list[Rows]) -> None:
    """Add these amounts to the counts, once the learners' rows are held (`claim`); no commit.

    On PostgreSQL in one statement (each upsert a data-modifying WITH query of it: a statement is a round trip to
    the server, and a rating changes four tables); on SQLite, in process, one statement per table."""
    parts = [part for part in parts if part.rows]
    dialect = session.get_bind().dialect.name
    if dialect != "postgresql" or len(parts) < 2:
        for part in parts:
            _add_rows(session, part.model, list(part.key), list(part.rows))
        return
    shape = tuple((part.model, part.key, tuple(name for name in part.rows[0] if name not in part.key), len(part.rows))
                  for part in parts)
    values = {f"u{i}_{r}_{name}": value for i, part in enumerate(parts) for r, row in enumerate(part.rows)
              for name, value in row.items()}
    with session.no_autoflush:  # the card's changes stay pending: they are written after, at commit
        session.execute(_upserts_in_one(shape), values)


@cache
def _upserts_in_one(shape: tuple[tuple[type, tuple[str, ...], tuple[str, ...], int], ...]) -> Insert:
    """One PostgreSQL statement of the upserts of `shape` (per table: model, key, amounts, rows), built once."""
    statements = [_upsert_of(postgresql, model, key, amounts, [f"u{i}_{r}_" for r in range(count)])
                  for i, (model, key, amounts, count) in enumerate(shape)]
    *first, last = statements
    return last.add_cte(*(statement.cte(f"u{i}") for i, statement in enumerate(first)))


def _add_rows(session: Session, model: type, key: list[str], rows: list[dict[str, object]]) -> None:
    """INSERT ... ON CONFLICT DO UPDATE adding each row's other columns to the row of its key (no key twice)."""
    statement = _upsert(session.get_bind().dialect.name, model, tuple(key), tuple(name for name in rows[0] if name not in key))
    with session.no_autoflush:  # the card's changes stay pending: they are written after, at commit
        session.execute(statement, rows)


@cache
def _upsert(dialect_name: str, model: type, key: tuple[str, ...], amounts: tuple[str, ...]) -> Insert:
    """The upsert of one table's rows (executed once per row given), built once (building it took longer than
    running it)."""
    return _upsert_of(postgresql if dialect_name == "postgresql" else sqlite, model, key, amounts, [""])


def _upsert_of(dialect: object, model: type, key: tuple[str, ...], amounts: tuple[str, ...], prefixes: list[str]) -> Insert:
    """INSERT ... ON CONFLICT DO UPDATE of one row per prefix, its values the parameters named prefix + column,
    each amount added to the row of its key."""
    table = model.__table__  # type: ignore[attr-defined]
    rows = [{name: bindparam(prefix + name, type_=table.c[name].type) for name in (*key, *amounts)} for prefix in prefixes]
    statement = dialect.insert(table).values(rows if len(rows) > 1 else rows[0])  # type: ignore[attr-defined]
    return statement.on_conflict_do_update(
        index_elements=list(key), set_={name: table.c[name] + statement.excluded[name] for name in amounts})


@dataclass(frozen=True)
class Standing:
    """What one card adds to its learner's card counts (nothing for a new card that is not suspended)."""

    counts: tuple[int, ...]  # one per name of COUNTS
    due_quarter: int | None  # the quarter hour it counts as due in, for a studied card that is not suspended

    @property
    def due_key(self) -> tuple[bool, int] | None:
        """Its row of due_quarters past the learner and deck: (in learning, quarter hour due)."""
        return None if self.due_quarter is None else (bool(self.counts[1]), self.due_quarter)

    @classmethod
    def of(cls, reps: int, state: int, stability: float | None, is_suspended: bool, due: datetime,
           buried_until: datetime | None) -> Standing:
        studied, active = reps > 0, reps > 0 and not is_suspended
        in_review = state == REVIEW_STATE
        counts = (studied, active and not in_review, active and in_review, is_suspended, is_suspended and not studied,
                  studied and in_review and (stability or 0) >= MASTERED_DAYS)
        back = max(due, buried_until) if buried_until is not None else due  # a buried card is due when it comes back
        return cls(tuple(int(flag) for flag in counts), quarter_of(back) if active else None)


DUE_KEY = ("learner_id", "learning", "deck_key", "quarter")  # due_quarters' key, in its order


def live_cards() -> ColumnElement[bool]:
    """The condition a card's question is live and makes cards (bank.sync.makes_cards; a test keeps them alike)."""
    return and_(Question.is_retired.is_(False), Question.kind != "matching")


def not_listed(not_cards: BindParameter[list[int]]) -> ColumnElement[bool]:
    """live_cards() without the join to questions: the card's question is none of `not_cards`, the ids of those
    that are retired or make no cards, as the bank held in memory lists them (catalog.Snapshot.not_cards)."""
    return Card.question_id.not_in(not_cards)


def _card_counts_select(where: ColumnElement[bool], sign: int = 1):  # noqa: ANN202  (two Selects)
    """What the cards matching `where` add to card_tallies and to due_quarters, per learner (times `sign`)."""
    studied, active = Card.reps > 0, and_(Card.reps > 0, Card.is_suspended.is_(False))
    in_review = Card.state == REVIEW_STATE
    flags = [studied, and_(active, ~in_review), and_(active, in_review), Card.is_suspended.is_(True),
             and_(Card.is_suspended.is_(True), Card.reps == 0), and_(studied, in_review, Card.stability >= MASTERED_DAYS)]
    listed = and_(where, live_cards(), (Card.reps > 0) | Card.is_suspended.is_(True))
    counts = (select(Card.learner_id, Deck.key, *(func.sum(case((flag, sign), else_=0)) for flag in flags))
              .select_from(Card).join(Question, Card.question_id == Question.id).join(Deck, Question.deck_id == Deck.id)
              .where(listed).group_by(Card.learner_id, Deck.key))
    back = quarter_hour(case((and_(Card.buried_until.is_not(None), Card.buried_until > Card.due), Card.buried_until),
                             else_=Card.due))
    learning = Card.state != REVIEW_STATE
    dues = (select(Card.learner_id, learning, Deck.key, back, func.count() * literal(sign)).select_from(Card)
            .join(Question, Card.question_id == Question.id).join(Deck, Question.deck_id == Deck.id)
            .where(where, live_cards(), active).group_by(Card.learner_id, learning, Deck.key, back))
    return counts, dues


def rebuild_cards(session: Session, learner_ids: Collection[int] | None = None) -> None:
    """Work the card counts of these learners (of all when None) out again from their cards; no commit."""
    ids = None if learner_ids is None else sorted(learner_ids)
    if ids == []:
        return
    claim(session, ids if ids is not None else session.scalars(select(Learner.id)))
    for model in (CardTally, DueQuarter):
        session.execute(delete(model) if ids is None else delete(model).where(model.learner_id.in_(ids)))
    counts, dues = _card_counts_select(Card.learner_id.in_(ids) if ids is not None else true())
    session.execute(insert(CardTally).from_select(["learner_id", "deck_key", *COUNTS], counts))
    session.execute(insert(DueQuarter).from_select([*DUE_KEY, "cards"], dues))


def shift_cards(session: Session, question_ids: Iterable[int], sign: int) -> None:
    """Add (sign 1) or take away (-1) what these questions' cards count, as the rows stand now; no commit.

    A sync takes them away before it retires, revives or moves questions and adds them back after: the cost
    is these questions' cards, not every learner's."""
    ids = sorted(question_ids)
    if not ids:
        return
    claim(session, learners_with_cards_of(session, ids))
    counts, dues = _card_counts_select(Card.question_id.in_(ids), sign)
    for model, key, columns, rows in ((CardTally, ["learner_id", "deck_key"], COUNTS, counts),
                                      (DueQuarter, list(DUE_KEY), ("cards",), dues)):
        found = sorted((dict(zip([*key, *columns], row, strict=True)) for row in session.execute(rows)),
                       key=lambda row: tuple(row[name] for name in key))  # in key order, as every writer takes rows
        for start in range(0, len(found), 500):
            _add_rows(session, model, key, found[start:start + 500])


def card_counts(session: Session, learner_id: int) -> dict[str, dict[str, int]]:
    """Per deck key, the learner's counts (see COUNTS) of the cards of live questions."""
    return {deck: dict(zip(COUNTS, values, strict=True)) for deck, *values in session.execute(
        select(CardTally.deck_key, *(CardTally.__table__.c[name] for name in COUNTS)).where(CardTally.learner_id == learner_id))}


def forecast(session: Session, learner_id: int, before: datetime) -> list[tuple[int, int]]:
    """(quarter hour, cards) of the learner's studied, unsuspended cards due before `before` (overdue ones too)."""
    cards = func.sum(DueQuarter.cards)
    return [(quarter, count) for quarter, count in session.execute(
        select(DueQuarter.quarter, cards).where(DueQuarter.learner_id == learner_id, DueQuarter.quarter < quarter_of(before))
        .group_by(DueQuarter.quarter).having(cards != 0))]


def due_between(learner_id: int | ColumnElement[int], first: int | ColumnElement[int], last: int | ColumnElement[int],
                deck_key: str | ColumnElement[str] | None = None) -> ScalarSelect[int]:
    """How many of the learner's studied, unsuspended cards (of one deck) fall due from quarter hour `first` to
    before `last` (a buried card when it comes back), as a column."""
    query = select(func.coalesce(func.sum(DueQuarter.cards), 0)).where(
        DueQuarter.learner_id == learner_id, DueQuarter.quarter >= first, DueQuarter.quarter < last)
    return (query.where(DueQuarter.deck_key == deck_key) if deck_key is not None else query).scalar_subquery()


def in_learning() -> ColumnElement[bool]:
    """The condition a card is studied and in learning or relearning, in the terms of the partial index of such
    cards (ix_cards_learning: a planner uses it only for a query that names them, as constants)."""
    return and_(Card.reps > literal_column("0"), Card.state != literal_column(str(REVIEW_STATE)))


def in_review() -> ColumnElement[bool]:
    """The condition a card is in review, in the terms of the partial index of such cards (ix_cards_reviews)."""
    return Card.state == literal_column(str(REVIEW_STATE))


def is_new() -> ColumnElement[bool]:
    """The condition a card is new (never rated), in the terms of the partial index of such cards (ix_cards_new)."""
    return Card.reps == literal_column("0")


def done_since(learner_id: int | ColumnElement[int], first: int | ColumnElement[int]) -> tuple[ScalarSelect[int], ...]:
    """The ratings the learner has given from quarter hour `first` on that count towards the daily review limit,
    and those towards the new-card limit (see limits_counted), as two columns."""
    since = and_(ReviewQuarter.learner_id == learner_id, ReviewQuarter.quarter >= first)
    return tuple(select(func.coalesce(func.sum(column), 0)).where(since).scalar_subquery()
                 for column in (ReviewQuarter.reviewed, ReviewQuarter.introduced))


def learning_before(learner_id: int | ColumnElement[int], last: int | ColumnElement[int],
                    deck_key: str | ColumnElement[str] | None = None) -> ScalarSelect[int]:
    """How many of the learner's unsuspended cards in learning (of one deck) fall due before quarter hour `last`
    (a buried card when it comes back), as a column."""
    query = select(func.coalesce(func.sum(DueQuarter.cards), 0)).where(
        DueQuarter.learner_id == learner_id, DueQuarter.learning.is_(True), DueQuarter.quarter < last)
    return (query.where(DueQuarter.deck_key == deck_key) if deck_key is not None else query).scalar_subquery()


def learning_due_now(learner_id: int | ColumnElement[int], now: datetime | ColumnElement[datetime],
                     current: int | ColumnElement[int], current_start: datetime | ColumnElement[datetime],
                     deck_key: str | ColumnElement[str] | None = None,
                     not_cards: BindParameter[list[int]] | None = None) -> ColumnElement[int]:
    """How many of the learner's unsuspended, unburied cards in learning (of one deck) are due at `now`, whose
    quarter hour is `current`, starting at `current_start`: as due_now counts them, as one column (with
    `not_cards`, never with a deck, by not_listed in place of the join to questions)."""
    mine = and_(Card.learner_id == learner_id, in_learning(), Card.is_suspended.is_(False))
    this_quarter = []
    for came in _came_in_this_quarter(now, current_start):
        query = select(func.count()).select_from(Card).where(mine, came)
        if not_cards is not None:
            query = query.where(not_listed(not_cards))
        else:
            query = query.join(Question, Card.question_id == Question.id).where(live_cards())
        if deck_key is not None:
            query = query.join(Deck, Question.deck_id == Deck.id).where(Deck.key == deck_key)
        this_quarter.append(query.scalar_subquery())
    return learning_before(learner_id, current, deck_key) + this_quarter[0] + this_quarter[1]


def _came_in_this_quarter(now: datetime | ColumnElement[datetime],
                          start: datetime | ColumnElement[datetime]) -> tuple[ColumnElement[bool], ColumnElement[bool]]:
    """The conditions a card's time came in the quarter hour from `start` to `now`: due in it and not buried (the
    (learner, due) index), or back from a burial in it (the index of buried cards)."""
    return (and_(Card.due >= start, Card.due <= now, or_(Card.buried_until.is_(None), Card.buried_until <= now)),
            and_(Card.buried_until >= start, Card.buried_until <= now, Card.due < start))


def due_now(learner_id: int | ColumnElement[int], now: datetime | ColumnElement[datetime], current: int | ColumnElement[int],
            current_start: datetime | ColumnElement[datetime], columns: int = 0) -> list[Select]:
    """Per deck key, the learner's studied, unsuspended, unburied cards due at `now`, whose quarter hour is
    `current`, starting at `current_start`: selects of (deck key, cards) to add up (with `columns` zeros before
    the count, for a UNION with other counts).

    Those of the quarter hours before this one come from due_quarters; those of this quarter hour whose time has
    come from the cards themselves: due in it (the (learner, due) index), or back from a burial in it (the
    index of buried cards). Every other card of due_quarters falls due after `now`."""
    zeros = [literal(0) for _ in range(columns)]
    past = (select(DueQuarter.deck_key, *zeros, func.sum(DueQuarter.cards))
            .where(DueQuarter.learner_id == learner_id, DueQuarter.quarter < current).group_by(DueQuarter.deck_key))
    # "+ 0": by the due and burial indexes, not the (learner, reps) one, which holds every studied card
    studied = and_(Card.learner_id == learner_id, Card.reps + 0 > 0, Card.is_suspended.is_(False), live_cards())
    return [past, *(select(Deck.key, *zeros, func.count()).select_from(Card).join(Question, Card.question_id == Question.id)
                    .join(Deck, Question.deck_id == Deck.id).where(studied, came).group_by(Deck.key)
                    for came in _came_in_this_quarter(now, current_start))]


def rebuild(session: Session, learner_ids: Collection[int] | None = None) -> None:
    """Work the counts of these learners (of all when None) out again from the review log; no commit."""
    kept = ~ReviewLog.is_undone
    ids = None if learner_ids is None else sorted(learner_ids)
    if ids is not None:
        if not ids:
            return
        kept = kept & ReviewLog.learner_id.in_(ids)
    claim(session, ids if ids is not None else session.scalars(select(Learner.id)))
    for model in (ReviewQuarter, RetentionTally):
        session.execute(delete(model).where(model.learner_id.in_(ids)) if ids is not None else delete(model))
    at = quarter_hour(ReviewLog.reviewed_at)
    limited = [func.sum(case((counted, 1), else_=0)) for counted in _limits_counted_sql()]
    session.execute(insert(ReviewQuarter).from_select(
        ["learner_id", "quarter", "reviews", "reviewed", "introduced"],
        select(ReviewLog.learner_id, at, func.count(), *limited).where(kept).group_by(ReviewLog.learner_id, at)))
    session.execute(insert(RetentionTally).from_select(
        ["learner_id", "deck_key", "category", "passed", "total"],
        select(ReviewLog.learner_id, Deck.key, Question.category, func.sum(case((ReviewLog.rating > PASSED, 1), else_=0)),
               func.count())
        .select_from(ReviewLog).join(Card, ReviewLog.card_id == Card.id).join(Question, Card.question_id == Question.id)
        .join(Deck, Question.deck_id == Deck.id).where(kept).group_by(ReviewLog.learner_id, Deck.key, Question.category)))


def learners_with_cards_of(session: Session, question_ids: Collection[int]) -> set[int]:
    """The learners with studied or suspended cards of these questions (whose card counts they are part of)."""
    if not question_ids:
        return set()
    return set(session.scalars(select(Card.learner_id).distinct().where(
        Card.question_id.in_(question_ids), (Card.reps > 0) | Card.is_suspended.is_(True))))


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
