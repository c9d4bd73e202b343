"""Service: the Anki notes an export holds, read from the database (the bank's, or a learner's card list)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from studyapp.anki import formats
from studyapp.bank import catalog
from studyapp.bank.items import Category, Item
from studyapp.errors import InvalidInput
from studyapp.flashcards import reviews
from studyapp.models import Card, Deck, Question


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
        catalog.get_deck(session, chosen.deck_key)
    if chosen.category is not None and chosen.category not in Category.__members__.values():
        raise InvalidInput(f"Unknown category '{chosen.category}'.")


def notes_for_export(session: Session, chosen: ExportFilter, learner_id: int | None = None,
                     now: datetime | None = None) -> Iterator[formats.AnkiNote]:
    """The bank's notes (or, with learner_id, the notes of that learner's card list), streamed in bank order.

    A learner's notes are those of the cards reviews.list_cards shows: studied or suspended, never the
    untouched new cards that ensure_cards creates for the whole bank.
    """
    query = (select(Question.data, Deck.title, Question.updated_at).join(Deck)
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
    for data, title, changed in session.execute(query.execution_options(yield_per=1000)):
        if chosen.tag is None or chosen.tag in data.get("tags", ()):
            yield formats.note_for(Item.from_dict(data), title, changed.timestamp())
