"""Service: what the bank offers, read from the database once per sync (requests never read YAML).

The bank changes only at a sync, so each process keeps the synced bank in memory as frozen items,
keyed by the bank's version (see `bank_version_column`). A request learns that version once (the
sign-in check reads it with the learner row), and pages then read decks and questions from memory;
a sync by another worker, host or the CLI is seen on the next request.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Mapping
from dataclasses import dataclass, field

from sqlalchemy import BigInteger, cast, func, literal, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session
from sqlalchemy.sql.selectable import ScalarSelect

from studyapp.bank import distractors, reading
from studyapp.bank.items import Item
from studyapp.errors import NotFound
from studyapp.models import BankSync, Deck, Question

SYNC_ID = "studyapp.bank_version"  # Session.info key: the bank version this session has seen


@dataclass(frozen=True)
class DeckSummary:
    """A deck and how many questions it has per category, and how many of them make flashcards."""

    key: str
    title: str
    description: str
    total: int
    by_category: dict[str, int]
    cards: int = 0  # questions that make flashcards (Item.is_card): a learner's new cards are these less those studied


@dataclass(frozen=True)
class Snapshot:
    """The bank as one sync left it: the live decks in order, and every question (retired too) by id."""

    version: int  # see bank_version_column
    decks: tuple[DeckSummary, ...]
    items: Mapping[int, Item]
    live: tuple[tuple[Item, ...], ...]  # per deck of `decks`, its live questions in key order
    deck_ids: tuple[int, ...] = ()  # per deck of `decks`, its row id
    not_cards: tuple[int, ...] = ()  # the question rows whose cards no queue shows: retired, or not making cards
    derived: dict[str, object] = field(default_factory=dict, compare=False)  # made from the above once, see pool()


_snapshots: weakref.WeakKeyDictionary[Engine, Snapshot] = weakref.WeakKeyDictionary()  # per database
_building = threading.Lock()


def bank_version_column() -> ScalarSelect[int]:
    """The bank's version, as a column to read along with another row: the newest applied sync's id and how
    many have applied, in one number (0 before the first). It changes whenever a sync commits, also when two
    syncs commit in another order than they took their ids (the id is taken before a sync's slow part)."""
    syncs = cast(func.count(), BigInteger) * literal(2**32, BigInteger)
    return select(func.coalesce(func.max(BankSync.id), 0) + syncs).where(BankSync.is_ok.is_(True)).scalar_subquery()


def note_bank_version(session: Session, version: int) -> None:
    """Tell the session the bank's version, read along with something else (the sign-in check does)."""
    session.info[SYNC_ID] = version


def snapshot(session: Session) -> Snapshot:
    """The bank of the newest sync: from memory when this process already holds it, else read once."""
    version = session.info.get(SYNC_ID)
    if version is None:
        version = session.info[SYNC_ID] = session.scalar(select(bank_version_column()))
    engine = session.get_bind()
    held = _snapshots.get(engine)  # type: ignore[call-overload]
    if held is not None and held.version == version:
        return held
    with _building:
        held = _snapshots.get(engine)  # type: ignore[call-overload]
        if held is None or held.version != version:
            held = _snapshots[engine] = _read(session, version)  # type: ignore[index]
    return held


def _read(session: Session, version: int) -> Snapshot:
    decks = list(session.execute(select(Deck.id, Deck.key, Deck.title, Deck.description)
                                 .where(Deck.is_retired.is_(False)).order_by(Deck.position, Deck.key)))
    items: dict[int, Item] = {}
    live: dict[int, list[Item]] = {deck_id: [] for deck_id, *_ in decks}
    not_cards = []
    for question_id, deck_id, data, retired in session.execute(select(Question.id, Question.deck_id, Question.data,
                                                                      Question.is_retired)):
        item = items[question_id] = Item.from_dict(data)
        if not retired and deck_id in live:
            live[deck_id].append(item)
        if retired or not item.is_card:  # as tallies.live_cards() has it in SQL
            not_cards.append(question_id)
    for found in live.values():  # by key as Python orders it: the same quiz for a seed on every database
        found.sort(key=lambda item: item.key)
    summaries = []
    for deck_id, key, title, description in decks:
        counts: dict[str, int] = {}
        for item in live[deck_id]:
            counts[item.category.value] = counts.get(item.category.value, 0) + 1
        summaries.append(DeckSummary(key, title, description, len(live[deck_id]), counts,
                                     sum(item.is_card for item in live[deck_id])))
    return Snapshot(version, tuple(summaries), items, tuple(tuple(live[deck_id]) for deck_id, *_ in decks),
                    tuple(deck_id for deck_id, *_ in decks), tuple(sorted(not_cards)))


def list_decks(session: Session) -> list[DeckSummary]:
    """The live decks in bank order, with their question counts."""
    return list(snapshot(session).decks)


def get_deck(session: Session, key: str) -> DeckSummary:
    """The live deck with this key; raises NotFound."""
    found = next((deck for deck in snapshot(session).decks if deck.key == key), None)
    if found is None:
        raise NotFound(f"There is no deck called '{key}'.")
    return found


def live_items(session: Session, deck_key: str | None = None, category: str | None = None) -> list[Item]:
    """The bank items in use, optionally of one deck and one category, in key order."""
    bank = snapshot(session)
    chosen = [item for deck, items in zip(bank.decks, bank.live, strict=True) if deck_key in (None, deck.key) for item in items]
    if category is not None:
        chosen = [item for item in chosen if item.category.value == category]
    return sorted(chosen, key=lambda item: item.key) if deck_key is None else chosen


def pool(session: Session) -> distractors.Pool:
    """Every live item indexed for picking distractors, made once per bank version (not once per quiz)."""
    derived = snapshot(session).derived
    if "pool" not in derived:
        derived["pool"] = distractors.Pool(live_items(session))
    return derived["pool"]  # type: ignore[return-value]


def item(session: Session, question_id: int) -> Item:
    """The bank item of a question row (retired ones too)."""
    found = snapshot(session).items.get(question_id)
    if found is None:  # a sync committed after this request read the bank's version: read it again
        session.info.pop(SYNC_ID, None)
        found = snapshot(session).items[question_id]
    return found


def citations(session: Session, article: reading.Article) -> tuple[list[reading.Citation], reading.Coverage]:
    """Where the live questions cite the article, and its coverage: worked out once per bank version and article."""
    derived = snapshot(session).derived
    held = derived.get("citations")
    if held is None or held[0] is not article:  # type: ignore[index]
        found, missing = reading.cite(article, live_items(session))
        held = derived["citations"] = (article, found, reading.coverage(article, found, missing))
    return held[1], held[2]  # type: ignore[index,return-value]


def live_by_key(session: Session) -> Mapping[str, Item]:
    """Every live question by its id, made once per bank version."""
    derived = snapshot(session).derived
    if "by_key" not in derived:
        derived["by_key"] = {item.key: item for item in live_items(session)}
    return derived["by_key"]  # type: ignore[return-value]


def card_deck(session: Session, question_id: int) -> str | None:
    """The deck key of a question that is live and makes flashcards; None for a retired or matching one."""
    deck = item(session, question_id).deck  # reads the bank again if a sync committed mid-request
    bank = snapshot(session)
    derived = bank.derived
    if "card_ids" not in derived:
        live = {id(found) for items in bank.live for found in items}
        derived["card_ids"] = frozenset(key for key, found in bank.items.items() if id(found) in live and found.is_card)
    return deck if question_id in derived["card_ids"] else None  # type: ignore[operator]
