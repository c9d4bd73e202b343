"""Service: what the bank offers, read from the database (requests never read YAML)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from studyapp.bank.items import Item
from studyapp.errors import NotFound
from studyapp.models import Deck, Question


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
