"""Service: a learner's own data as JSON (settings, cards, review log, quizzes), out and back in.

The import merges into the signed-in account of any instance with the same bank:
cards are matched by question id, review-log entries and quizzes already present
are not added twice, and everything is written in one commit or not at all.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import quote

from pydantic import BaseModel
from sqlalchemy import null, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.utils import secure_filename

from studyapp import tallies
from studyapp.accounts import datafile
from studyapp.accounts.datafile import (
    FORMAT,
    LATER_SETTINGS,
    SETTINGS,
    CardData,
    LearnAnswerData,
    LearnerData,
    LearnSessionData,
    QuizData,
    QuizItemData,
    ReviewData,
    SettingsData,
)
from studyapp.errors import InvalidInput
from studyapp.models import Card, LearnAnswer, Learner, LearnSession, Question, Quiz, QuizItem, ReviewLog


@dataclass(frozen=True)
class ImportReport:
    """What an import added or updated, and what it had to skip."""

    cards: int
    reviews: int
    quizzes: int
    skipped_unknown_questions: int
    settings_taken: bool = False
    learn_sessions: int = 0

    def summary(self) -> str:
        """What changed, for the learner: only what the file added or moved on."""
        skipped = (f"; {_count(self.skipped_unknown_questions, 'entry', 'entries')} for questions this instance "
                   "does not have were skipped" if self.skipped_unknown_questions else "")
        settings = "Your settings were taken from the file." if self.settings_taken else "Your settings were kept."
        learned = f", {_count(self.learn_sessions, 'Learn session')}" if self.learn_sessions else ""
        return (f"Imported {_count(self.cards, 'card')}, {_count(self.reviews, 'review')} and "
                f"{_count(self.quizzes, 'quiz', 'quizzes')}{learned}{skipped}. {settings}")


def _count(number: int, one: str, many: str | None = None) -> str:
    return f"{number} {one if number == 1 else many or one + 's'}"


def export_data(session: Session, learner: Learner, now: datetime) -> dict:
    """Everything of this learner's, JSON-ready.

    Written as stored, without the import's checks: a learner can always take their data out.
    """
    keys = dict(session.execute(select(Card.id, Question.key).join(Question).where(Card.learner_id == learner.id)).all())
    cards = session.scalars(select(Card).where(Card.learner_id == learner.id).order_by(Card.id))
    logs = session.scalars(select(ReviewLog).where(ReviewLog.learner_id == learner.id).order_by(ReviewLog.id))
    quizzes = session.scalars(select(Quiz).where(Quiz.learner_id == learner.id).options(selectinload(Quiz.items))
                              .order_by(Quiz.id))
    learned = session.scalars(select(LearnSession).where(LearnSession.learner_id == learner.id)
                              .options(selectinload(LearnSession.answers)).order_by(LearnSession.id))
    data = LearnerData.model_construct(
        format=FORMAT, version=1, exported_at=now, username=learner.username,
        settings=SettingsData.model_construct(**{name: getattr(learner, name) for name in SETTINGS}),
        cards=[CardData.model_construct(question_key=keys[c.id], **_columns(c, CardData, "question_key")) for c in cards],
        review_log=[ReviewData.model_construct(question_key=keys[r.card_id], **_columns(r, ReviewData, "question_key"))
                    for r in logs],
        quizzes=[QuizData.model_construct(**_columns(q, QuizData, "items"),
                                          items=[QuizItemData.model_construct(**_columns(i, QuizItemData)) for i in q.items])
                 for q in quizzes],
        learn_sessions=[LearnSessionData.model_construct(
            **_columns(s, LearnSessionData, "answers"),
            answers=[LearnAnswerData.model_construct(**_columns(a, LearnAnswerData)) for a in s.answers]) for s in learned],
    )
    return data.model_dump(mode="json", warnings=False)  # payloads and snapshots are the stored dicts


def attachment(filename: str) -> str:
    """A Content-Disposition value for a download named `filename`, whatever its characters.

    Headers are Latin-1: the plain filename is an ASCII fallback, and a name that needs more
    is given as RFC 5987 filename* (UTF-8), which browsers prefer.
    """
    fallback = secure_filename(filename) or "download"
    value = f'attachment; filename="{fallback}"'
    if fallback != filename:
        value += f"; filename*=UTF-8''{quote(filename, safe='')}"
    return value


def _columns(row: object, model: type[BaseModel], *skip: str) -> dict:
    return {name: getattr(row, name) for name in model.model_fields if name not in skip}


def _lock_learner(session: Session, learner_id: int) -> None:
    """Start a fresh transaction holding the learner's row for writing, so imports of one learner run one by one.

    An UPDATE locks the row on PostgreSQL and takes the database's write lock on SQLite; ending the
    session's transaction first means what is read next is what the previous import committed.
    """
    session.rollback()
    session.execute(update(Learner).where(Learner.id == learner_id)
                    .values(cards_synced_to=Learner.cards_synced_to).execution_options(synchronize_session=False))


def import_data(session: Session, learner: Learner, raw: object, now: datetime, take_settings: bool = False) -> ImportReport:
    """Merge exported data into this learner's account, in one commit; raises InvalidInput on bad data.

    Entries repeated in the file count once, like entries the account already has. Imports of one
    learner are serialized (a double submit adds nothing twice). The account's settings are replaced
    by the file's only when `take_settings` (an older backup must not undo today's changes silently).
    """
    data = datafile.read(raw, now)
    learner_id = learner.id
    _lock_learner(session, learner_id)
    try:
        report = _merge(session, learner, data, take_settings)
        session.commit()
    except (StaleDataError, IntegrityError):  # a review or quiz answer changed a card meanwhile
        session.rollback()
        raise InvalidInput("Your cards changed while the file was being imported; nothing was imported. "
                           "Try again.") from None
    return report


def _merge(session: Session, learner: Learner, data: LearnerData, take_settings: bool) -> ImportReport:
    if take_settings:
        for name in SETTINGS:  # a file from before fitting has no parameters: they stay as they are
            if name not in LATER_SETTINGS or name in data.settings.model_fields_set:
                setattr(learner, name, getattr(data.settings, name))
    questions = dict(session.execute(select(Question.key, Question.id)).all())
    cards = {c.question_id: c for c in session.scalars(select(Card).where(Card.learner_id == learner.id))}
    best: dict[str, CardData] = {}  # per question, the file's most studied entry (the first of equals)
    for card in data.cards:
        if card.question_key not in best or card.reps > best[card.question_key].reps:
            best[card.question_key] = card
    skipped = imported_cards = 0
    for card in best.values():
        question_id = questions.get(card.question_key)
        if question_id is None:
            skipped += 1
            continue
        row = cards.get(question_id)
        new = row is None
        if new:
            row = cards[question_id] = Card(learner_id=learner.id, question_id=question_id)
            session.add(row)
        elif row.reps > card.reps:
            continue  # this account has studied the card further: keep it
        values = card.model_dump(exclude={"question_key"})
        if not new and all(getattr(row, name) == value for name, value in values.items()):
            continue  # the same card: nothing to import
        for name, value in values.items():  # an INSERT takes None as "use the default": NULL must be said
            setattr(row, name, null() if new and value is None else value)
        imported_cards += 1
    session.flush()
    seen = set(session.execute(select(ReviewLog.card_id, ReviewLog.reviewed_at, ReviewLog.rating)
                               .where(ReviewLog.learner_id == learner.id)).all())
    reviews = 0
    for entry in data.review_log:
        card = cards.get(questions.get(entry.question_key, -1))
        if card is None:
            skipped += 1
            continue
        key = (card.id, entry.reviewed_at, entry.rating)
        if key in seen:
            continue
        seen.add(key)
        session.add(ReviewLog(card_id=card.id, learner_id=learner.id,
                              **entry.model_dump(exclude={"question_key", "state_before", "state_after"}),
                              state_before=entry.state_before.to_log(), state_after=entry.state_after.to_log()))
        reviews += 1
    if reviews or imported_cards:  # the progress counts, from the log and the cards as they now are
        session.flush()
        tallies.rebuild(session, [learner.id])
        tallies.rebuild_cards(session, [learner.id])
    quizzes = _import_quizzes(session, learner, data.quizzes)
    return ImportReport(imported_cards, reviews, quizzes, skipped, take_settings,
                        _import_learn_sessions(session, learner, data.learn_sessions))


def _import_quizzes(session: Session, learner: Learner, quizzes: list[QuizData]) -> int:
    return _import_new(session, learner, quizzes, Quiz, "items", QuizItem)


def _import_learn_sessions(session: Session, learner: Learner, sessions: list[LearnSessionData]) -> int:
    """A rating a Learn answer gave is in the review log already: the link to its entry is not carried."""
    return _import_new(session, learner, sessions, LearnSession, "answers", LearnAnswer)


def _import_new(session: Session, learner: Learner, entries: list[QuizData] | list[LearnSessionData], model: type,
                children: str, child: type) -> int:
    """Quizzes or Learn sessions the account does not have yet (by start time and seed), with their items or answers."""
    existing = set(session.execute(select(model.created_at, model.seed).where(model.learner_id == learner.id)).all())
    added = 0
    for entry in entries:
        if (entry.created_at, entry.seed) in existing:
            continue
        existing.add((entry.created_at, entry.seed))
        row = model(token=secrets.token_urlsafe(16), learner_id=learner.id, **entry.model_dump(exclude={children}))
        setattr(row, children, [child(**part.model_dump()) for part in getattr(entry, children)])
        session.add(row)
        added += 1
    return added
