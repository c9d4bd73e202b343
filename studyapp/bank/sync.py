"""Service: apply a validated bank to the database, keeping every learner's history and giving them its new cards."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from datetime import datetime

from sqlalchemy import exists, func, insert, literal, select, true, update
from sqlalchemy.orm import Session
from sqlalchemy.sql import ColumnElement

from studyapp import tallies
from studyapp.bank import catalog
from studyapp.bank.items import Bank, Kind
from studyapp.db import UTCDateTime
from studyapp.errors import Problem
from studyapp.models import NEW_CARD_DUE, BankSync, Card, Deck, Learner, Question


@dataclass
class SyncReport:
    """What a sync added, changed, retired and revived, by question key."""

    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    retired: list[str] = field(default_factory=list)
    revived: list[str] = field(default_factory=list)
    unchanged: int = 0

    @property
    def is_empty(self) -> bool:
        """True when the database already matched the bank."""
        return not (self.added or self.changed or self.retired or self.revived)

    def summary(self) -> str:
        """One line for a terminal or a log."""
        return (f"{len(self.added)} added, {len(self.changed)} changed, {len(self.retired)} retired, "
                f"{len(self.revived)} revived, {self.unchanged} unchanged")


def sync_bank(session: Session, bank: Bank, now: datetime, dry_run: bool = False) -> SyncReport:
    """Upsert decks by key and questions by id; retire what the bank no longer has. One commit."""
    report = SyncReport()
    decks = {deck.key: deck for deck in session.scalars(select(Deck))}
    for deck in bank.decks:
        row = decks.get(deck.key)
        if row is None:
            row = decks[deck.key] = Deck(key=deck.key)
            session.add(row)
        row.title, row.description, row.position, row.is_retired = deck.title, deck.description, deck.position, False
    wanted = {deck.key for deck in bank.decks}
    for key, row in decks.items():
        if key not in wanted:
            row.is_retired = True
    session.flush()
    # Plain rows, not ORM objects, and digests, not data: a sync that changes nothing decodes no question.
    existing = {key: (row_id, deck_id, digest, retired) for row_id, key, deck_id, digest, retired in session.execute(
        select(Question.id, Question.key, Question.deck_id, Question.content_hash, Question.is_retired))}
    inserts, updates, compare = [], [], []
    for item in bank.items:
        data = item.to_dict()
        digest, deck_id = digest_of(data), decks[item.deck].id
        row = existing.pop(item.key, None)
        if row is None:
            inserts.append({"key": item.key, "deck_id": deck_id, "kind": item.kind.value, "category": item.category.value,
                            "data": data, "content_hash": digest, "is_retired": False, "updated_at": now})
            report.added.append(item.key)
        elif not row[3] and row[1] == deck_id and row[2] == digest:
            report.unchanged += 1
        else:
            compare.append((item, data, digest, deck_id, row))
    stored = _data_of(session, [row[0] for *_, row in compare])
    moved = []  # questions in another deck or category now: their learners' retention counts move with them
    reshaped = []  # questions revived, retired, in another deck or of another kind: their cards' counts move
    for item, data, digest, deck_id, (row_id, old_deck, _, retired) in compare:
        old_data = stored[row_id]
        if old_deck != deck_id or old_data.get("category") != item.category.value:
            moved.append(row_id)
        if retired or old_deck != deck_id or old_data.get("kind") != item.kind.value:
            reshaped.append(row_id)
        if retired:
            report.revived.append(item.key)
        elif old_deck != deck_id or _content(old_data) != _content(data):
            report.changed.append(item.key)
        else:  # only the file or line moved (or the digest was missing): keep it current, report nothing
            report.unchanged += 1
            updates.append({"id": row_id, "data": data, "content_hash": digest})
            continue
        updates.append({"id": row_id, "deck_id": deck_id, "kind": item.kind.value, "category": item.category.value,
                        "data": data, "content_hash": digest, "is_retired": False, "updated_at": now})
    for key, (row_id, _, _, retired) in existing.items():
        if not retired:
            updates.append({"id": row_id, "is_retired": True, "updated_at": now})
            report.retired.append(key)
            reshaped.append(row_id)
    # the learners whose counts change, held at once and in id order (see tallies.claim)
    tallies.claim(session, tallies.learners_with_cards_of(session, reshaped) | tallies.learners_who_rated(session, moved))
    tallies.shift_cards(session, reshaped, -1)  # what their cards count as the questions stand, taken away
    if inserts:
        session.execute(insert(Question), inserts)
    for row in updates:  # a few rows per edit; each its own UPDATE keeps the columns it sets exact
        session.execute(update(Question).where(Question.id == row["id"]).values({k: v for k, v in row.items() if k != "id"}))
    if dry_run:
        session.rollback()
        return report
    tallies.shift_cards(session, reshaped, 1)  # and added back as they stand now
    tallies.rebuild(session, tallies.learners_who_rated(session, moved))
    done = BankSync(synced_at=now, is_ok=True, summary=report.summary(), report=asdict(report))
    session.add(done)
    session.flush()
    if report.added or report.revived:  # changed questions keep their cards; new and revived ones need some
        add_missing_cards(session)
        # Every learner's cards now match this sync: their own check at sign-in is one comparison.
        session.execute(update(Learner).values(cards_synced_to=done.id).execution_options(synchronize_session=False))
    session.commit()
    session.info.pop(catalog.SYNC_ID, None)  # pages this session shows next read the bank's version again
    return report


def makes_cards() -> ColumnElement[bool]:
    """The condition a question row makes a flashcard (Item.is_card): every kind but matching, whose pairs are no
    one prompt and one answer. Card queries keep it too, for a card whose question has become a matching one."""
    return Question.kind != Kind.MATCHING.value


def add_missing_cards(session: Session, learner_id: int | None = None) -> None:
    """A new card for every live question that a learner (or every learner) has none of yet. Does not commit."""
    has_card = exists().where(Card.learner_id == Learner.id, Card.question_id == Question.id)
    constants = [literal(NEW_CARD_DUE, UTCDateTime()), *(literal(v) for v in (1, 0, 0, 0, False, False, 0))]
    missing = (select(Question.id, Learner.id, *constants).join(Deck, Question.deck_id == Deck.id).join(Learner, true())
               .where(Question.is_retired.is_(False), makes_cards(), ~has_card).order_by(Learner.id, Deck.position, Question.id))
    if learner_id is not None:
        missing = missing.where(Learner.id == learner_id)
    session.execute(insert(Card).from_select(
        ["question_id", "learner_id", "due", "state", "step", "reps", "lapses", "is_suspended", "is_leech", "version"],
        missing))


def latest_sync_id(session: Session) -> int:
    """The id of the newest sync that applied, 0 before the first."""
    return session.scalar(select(func.max(BankSync.id)).where(BankSync.is_ok.is_(True))) or 0


def record_failure(session: Session, problems: list[Problem], now: datetime) -> None:
    """Remember that a sync was refused and why (the bank in the database stays as it was)."""
    summary = f"refused: {len(problems)} problem{'s' if len(problems) != 1 else ''} in the bank"
    session.add(BankSync(synced_at=now, is_ok=False, summary=summary, report={"problems": [str(p) for p in problems]}))
    session.commit()


def last_sync(session: Session) -> BankSync | None:
    """The newest sync attempt, or None."""
    return session.scalar(select(BankSync).order_by(BankSync.id.desc()).limit(1))


def digest_of(data: dict) -> str:
    """A question's stored data, digested: equal digests, equal data."""
    return hashlib.sha1(json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()).hexdigest()


def _data_of(session: Session, row_ids: list[int], chunk: int = 500) -> dict[int, dict]:
    """The stored data of these questions, read in a few statements."""
    found: dict[int, dict] = {}
    for start in range(0, len(row_ids), chunk):
        rows = session.execute(select(Question.id, Question.data).where(Question.id.in_(row_ids[start:start + chunk])))
        found.update({row_id: data for row_id, data in rows})
    return found


def _content(data: dict) -> dict:
    return {k: v for k, v in data.items() if k not in ("file", "line", "column")}
