"""Service: the Anki notes an export holds, read from the database (the bank's, or a learner's card list)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, select, union_all
from sqlalchemy.orm import Session

from studyapp.anki import formats
from studyapp.anki import progress as anki_progress
from studyapp.anki.progress import CardProgress, PackageProgress, Preset, Review, Timing
from studyapp.bank import catalog, sync
from studyapp.bank.items import Category, Item
from studyapp.errors import InvalidInput
from studyapp.flashcards import reviews
from studyapp.models import Card, Deck, LearnAnswer, Learner, LearnSession, Question, Quiz, QuizItem, ReviewLog

PRESET_BASE = 1_930_070_400_000  # + the learner's id: the preset a learner's package brings (Anki adds a new id only)


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


def _export_query(chosen: ExportFilter, learner_id: int | None, now: datetime | None, *columns: object) -> Select:
    """The rows of an export: each note's question, deck title and time of change, and any extra columns."""
    query = (select(Question.data, Deck.title, Question.updated_at, *columns).join(Deck)
             .where(Question.is_retired.is_(False), Deck.is_retired.is_(False))
             .order_by(Deck.position, Question.id))
    if chosen.deck_key is not None:
        query = query.where(Deck.key == chosen.deck_key)
    if chosen.category is not None:
        query = query.where(Question.category == chosen.category)
    if learner_id is not None:
        query = query.join(Card, Card.question_id == Question.id).where(Card.learner_id == learner_id,
                                                                        reviews.in_card_list(), sync.makes_cards())
        if chosen.due_only:  # as the review queue: buried (until later) and suspended cards are not due
            query = query.where(Card.reps > 0, Card.due <= now, Card.is_suspended.is_(False), reviews.not_buried(now))
        if chosen.leeches_only:
            query = query.where(Card.is_leech.is_(True))
    return query.execution_options(yield_per=1000)


def notes_for_export(session: Session, chosen: ExportFilter, learner_id: int | None = None,
                     now: datetime | None = None) -> Iterator[formats.AnkiNote]:
    """The bank's notes (or, with learner_id, the notes of that learner's card list), streamed in bank order.

    A learner's notes are those of the cards reviews.list_cards shows: studied or suspended, never the
    untouched new cards that ensure_cards creates for the whole bank.
    """
    for data, title, changed in session.execute(_export_query(chosen, learner_id, now)):
        if chosen.tag is None or chosen.tag in data.get("tags", ()):
            yield from formats.notes_for(Item.from_dict(data), title, changed.timestamp())  # a matching item: one per pair


def learner_package(session: Session, learner: Learner, chosen: ExportFilter,
                    now: datetime) -> tuple[list[formats.AnkiNote], PackageProgress]:
    """The notes of the learner's card list and, for each, what Anki needs to go on where the app left off:
    the card's schedule and memory state, its whole review log (undone ratings left out) and the learner's preset."""
    settings = reviews.settings_of(learner, fuzz=False)
    timing = Timing(learner.timezone, learner.day_starts_hour)
    preset = Preset(PRESET_BASE + learner.id, f"studyapp: {learner.username}", settings.desired_retention,
                    settings.learning_steps, settings.relearning_steps, settings.maximum_interval_days,
                    learner.new_per_day, learner.reviews_per_day, learner.suspend_leeches, settings.parameters)
    package = PackageProgress(timing, preset)
    notes, cards = [], {}
    for data, title, changed, card in session.execute(_export_query(chosen, learner.id, now, Card)):
        if chosen.tag is None or chosen.tag in data.get("tags", ()):
            note = formats.note_for(Item.from_dict(data), title, changed.timestamp())
            notes.append(note)
            cards[card.id] = (note.guid, card)
    history: dict[int, list[Review]] = {}
    logs = (select(ReviewLog).where(ReviewLog.learner_id == learner.id, ReviewLog.is_undone.is_(False))
            .order_by(ReviewLog.reviewed_at, ReviewLog.id).execution_options(yield_per=2000))
    for log in session.scalars(logs):
        if log.card_id in cards:
            history.setdefault(log.card_id, []).append(_review(log))
    taken: set[int] = set()
    practice = _practice_answers(session, learner.id)
    for card_id, (guid, card) in cards.items():
        shown = CardProgress(reviews.state_of(card), card.is_suspended, card.buried_until, tuple(history.get(card_id, ())))
        columns = anki_progress.card_columns(shown, now, preset, timing)
        if columns is not None:
            rows = anki_progress.revlog(shown.reviews, timing, taken)
            rows += anki_progress.cramming(practice.get(card.question_id, ()), taken)
            package.cards[guid] = (columns, sorted(rows, key=lambda row: row.id))
    return notes, package


def _practice_answers(session: Session, learner_id: int) -> dict[int, list[tuple[datetime, bool]]]:
    """Per question row, the learner's practice answers (quizzes and Learn marked practice): when, and right or not."""
    quiz = (select(Question.id, QuizItem.answered_at, QuizItem.is_correct).join(Quiz, Quiz.id == QuizItem.quiz_id)
            .join(Question, Question.key == QuizItem.question_key)
            .where(Quiz.learner_id == learner_id, Quiz.is_practice.is_(True), QuizItem.answered_at.is_not(None)))
    learned = (select(Question.id, LearnAnswer.answered_at, LearnAnswer.is_correct | LearnAnswer.is_overridden)
               .join(LearnSession, LearnSession.id == LearnAnswer.learn_session_id)
               .join(Question, Question.key == LearnAnswer.question_key)
               .where(LearnSession.learner_id == learner_id, LearnSession.is_practice.is_(True)))
    found: dict[int, list[tuple[datetime, bool]]] = {}
    for question_id, answered_at, right in session.execute(union_all(quiz, learned)):
        found.setdefault(question_id, []).append((answered_at, bool(right)))
    return found


def _review(log: ReviewLog) -> Review:
    return Review(log.rating, log.reviewed_at, log.duration_ms, log.kind, reviews.state_in(log.state_before),
                  reviews.state_in(log.state_after))
