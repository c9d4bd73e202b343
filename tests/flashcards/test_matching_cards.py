"""A matching question is no flashcard: no card, not in the queue, the card list, the counts or a learner's export."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

from flask import Flask
from sqlalchemy import select

from studyapp import db
from studyapp.anki import service as anki
from studyapp.bank import catalog, load, sync
from studyapp.bank.items import Bank, Kind
from studyapp.flashcards import reviews, stats
from studyapp.flashcards.scheduler import Rating
from studyapp.models import Card, Question
from tests.builders import add_learner, cards_of
from tests.conftest import DATA, NOW, small_bank

MATCHING = load.load_bank(DATA / "matching")


def test_a_matching_question_makes_no_card_and_no_new_count(matching_app: Flask) -> None:
    with matching_app.app_context():
        session = db.get_session()
        learner = add_learner(session)
        cards = cards_of(session, learner, NOW)
        assert "places-match" not in cards and "liberation-typed" in cards
        deck = catalog.get_deck(session, "matching")
        assert (deck.total, deck.cards) == (2, 1)  # the deck offers both to quizzes, one to flashcards
        assert reviews.get_queue(session, learner, NOW, "matching").new == 1
        assert reviews.due_counts_by_deck(session, learner.id, NOW)["matching"]["new"] == 1
        assert stats.card_counts(session, learner.id)["new"] == len(cards)
        sync.add_missing_cards(session)  # a later sync gives no card either
        session.commit()
        assert session.scalar(select(Card.id).join(Question).where(Question.kind == "matching")) is None


def test_a_card_whose_question_became_matching_leaves_every_list(matching_app: Flask) -> None:
    """An instructor rewrites a studied question as a matching one, keeping its id: the card is kept (its history
    too), but no longer reviewed, listed, counted or exported."""
    with matching_app.app_context():
        session = db.get_session()
        learner = add_learner(session)
        card = cards_of(session, learner, NOW)["liberation-typed"]
        reviews.record_rating(session, learner, card, Rating.GOOD, NOW, reviews.settings_of(learner, fuzz=False))
        session.commit()
        assert reviews.list_cards(session, learner.id, NOW) == [card]
        became = tuple(dataclasses.replace(item, kind=Kind.MATCHING, pairs=MATCHING.items[0].pairs, alternatives=())
                       if item.key == "liberation-typed" else item for item in MATCHING.items)
        bank = small_bank()
        report = sync.sync_bank(session, Bank(bank.decks + MATCHING.decks, bank.items + became), NOW)
        assert report.changed == ["liberation-typed"] and session.get(Card, card.id) is not None
        assert reviews.list_cards(session, learner.id, NOW) == []
        later = NOW + timedelta(days=60)
        queue = reviews.get_queue(session, learner, later, "matching")
        assert (queue.card, queue.new, queue.learning, queue.review) == (None, 0, 0, 0)
        assert reviews.due_counts_by_deck(session, learner.id, later)["matching"] == {"due": 0, "new": 0, "mastered": 0}
        assert stats.card_counts(session, learner.id)["learning"] + stats.card_counts(session, learner.id)["review"] == 0
        assert list(anki.notes_for_export(session, anki.ExportFilter(), learner.id, later)) == []
