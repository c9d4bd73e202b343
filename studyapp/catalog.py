"""Service: what the bank offers, read from the database (requests never read YAML)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from studyapp import anki, reviews
from studyapp.items import Category, Item
from studyapp.errors import InvalidInput, NotFound
from studyapp.models import Card, Deck, Question


@dataclass(frozen=True)
class DeckSummary:
    """A deck and how many questions it has per category."""

    key: str
    title: str
    description: str
    total: int
    by_category: dict[str, int]


def list_decks(session: Session) -> list[DeckSummary]:
    """The live decks in bank order, with their question counts."""
    counts: dict[int, dict[str, int]] = {}
    rows = session.execute(
        select(Question.deck_id, Question.category, func.count())
        .where(Question.is_retired.is_(False))
        .group_by(Question.deck_id, Question.category)
    )
    for deck_id, category, count in rows:
        counts.setdefault(deck_id, {})[category] = count
    decks = session.scalars(select(Deck).where(Deck.is_retired.is_(False)).order_by(Deck.position, Deck.key))
    return [
        DeckSummary(d.key, d.title, d.description, sum(counts.get(d.id, {}).values()), counts.get(d.id, {}))
        for d in decks
    ]


def get_deck(session: Session, key: str) -> Deck:
    """The live deck with this key; raises NotFound."""
    deck = session.scalar(select(Deck).where(Deck.key == key, Deck.is_retired.is_(False)))
    if deck is None:
        raise NotFound(f"There is no deck called '{key}'.")
    return deck


def live_items(session: Session, deck_key: str | None = None, category: str | None = None) -> list[Item]:
    """The bank items in use, optionally of one deck and one category."""
    query = select(Question.data).join(Deck).where(Question.is_retired.is_(False), Deck.is_retired.is_(False))
    if deck_key is not None:
        query = query.where(Deck.key == deck_key)
    if category is not None:
        query = query.where(Question.category == category)
    return [Item.from_dict(data) for data in session.scalars(query.order_by(Question.key))]


@dataclass(frozen=True)
class ExportFilter:
    """Which notes an export holds; None means any."""

    deck_key: str | None = None
    category: str | None = None
    tag: str | None = None
    due_only: bool = False
    leeches_only: bool = False


def check_filter(session: Session, chosen: ExportFilter) -> None:
    """Raise NotFound/InvalidInput for an unknown deck or category before anything is streamed."""
    if chosen.deck_key is not None:
        get_deck(session, chosen.deck_key)
    if chosen.category is not None and chosen.category not in Category.__members__.values():
        raise InvalidInput(f"Unknown category '{chosen.category}'.")


def notes_for_export(session: Session, chosen: ExportFilter, learner_id: int | None = None,
                     now: datetime | None = None) -> Iterator[anki.AnkiNote]:
    """The bank's notes (or, with learner_id, the notes of that learner's card list), streamed in bank order.

    A learner's notes are those of the cards reviews.list_cards shows: studied or suspended, never the
    untouched new cards that ensure_cards creates for the whole bank.
    """
    query = (select(Question.data, Deck.title).join(Deck)
             .where(Question.is_retired.is_(False), Deck.is_retired.is_(False))
             .order_by(Deck.position, Question.id))
    if chosen.deck_key is not None:
        query = query.where(Deck.key == chosen.deck_key)
    if chosen.category is not None:
        query = query.where(Question.category == chosen.category)
    if learner_id is not None:
        query = query.join(Card, Card.question_id == Question.id).where(Card.learner_id == learner_id,
                                                                        reviews.in_card_list())
        if chosen.due_only:  # as the review queue: buried (until later) and suspended cards are not due
            query = query.where(Card.reps > 0, Card.due <= now, Card.is_suspended.is_(False), reviews.not_buried(now))
        if chosen.leeches_only:
            query = query.where(Card.is_leech.is_(True))
    for data, title in session.execute(query.execution_options(yield_per=1000)):
        if chosen.tag is None or chosen.tag in data.get("tags", ()):
            yield anki.note_for(Item.from_dict(data), title)
