"""Service: apply a validated bank to the database, keeping every learner's history and giving them its new cards."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime

from sqlalchemy import exists, func, insert, literal, select, true, update
from sqlalchemy.orm import Session

from studyapp.bank import catalog
from studyapp.bank.items import Bank
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
    # Plain rows, not ORM objects: a sync that changes nothing reads the table once and writes nothing.
    existing = {key: (row_id, deck_id, data, retired) for row_id, key, deck_id, data, retired in
                session.execute(select(Question.id, Question.key, Question.deck_id, Question.data, Question.is_retired))}
    inserts, updates = [], []
    for item in bank.items:
        data = item.to_dict()
        deck_id = decks[item.deck].id
        row = existing.pop(item.key, None)
        if row is None:
            inserts.append({"key": item.key, "deck_id": deck_id, "kind": item.kind.value, "category": item.category.value,
                            "data": data, "is_retired": False, "updated_at": now})
            report.added.append(item.key)
            continue
        row_id, old_deck, old_data, retired = row
        if not retired and old_deck == deck_id and old_data == data:
            report.unchanged += 1
            continue
        if retired:
            report.revived.append(item.key)
        elif old_deck != deck_id or _content(old_data) != _content(data):
            report.changed.append(item.key)
        else:
            report.unchanged += 1
            if old_data != data:  # only the file or line moved: keep it current, report nothing
                updates.append({"id": row_id, "data": data})
            continue
        updates.append({"id": row_id, "deck_id": deck_id, "kind": item.kind.value, "category": item.category.value,
                        "data": data, "is_retired": False, "updated_at": now})
    for key, (row_id, _, _, retired) in existing.items():
        if not retired:
            updates.append({"id": row_id, "is_retired": True, "updated_at": now})
            report.retired.append(key)
    if inserts:
        session.execute(insert(Question), inserts)
    for row in updates:  # a few rows per edit; each its own UPDATE keeps the columns it sets exact
        session.execute(update(Question).where(Question.id == row["id"]).values({k: v for k, v in row.items() if k != "id"}))
    if dry_run:
        session.rollback()
        return report
    done = BankSync(synced_at=now, is_ok=True, summary=report.summary(), report=asdict(report))
    session.add(done)
    session.flush()
    if report.added or report.revived:  # changed questions keep their cards; new and revived ones need some
        add_missing_cards(session)
        # Every learner's cards now match this sync: their own check at sign-in is one comparison.
        session.execute(update(Learner).values(cards_synced_to=done.id).execution_options(synchronize_session=False))
    session.commit()
    session.info[catalog.SYNC_ID] = done.id  # pages this session shows next read the bank just applied
    return report


def add_missing_cards(session: Session, learner_id: int | None = None) -> None:
    """A new card for every live question that a learner (or every learner) has none of yet. Does not commit."""
    has_card = exists().where(Card.learner_id == Learner.id, Card.question_id == Question.id)
    constants = [literal(NEW_CARD_DUE, UTCDateTime()), *(literal(v) for v in (1, 0, 0, 0, False, False, 0))]
    missing = (select(Question.id, Learner.id, *constants).join(Deck, Question.deck_id == Deck.id).join(Learner, true())
               .where(Question.is_retired.is_(False), ~has_card).order_by(Learner.id, Deck.position, Question.id))
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


def _content(data: dict) -> dict:
    return {k: v for k, v in data.items() if k not in ("file", "line", "column")}
