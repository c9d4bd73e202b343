"""Service: apply a validated bank to the database, keeping every learner's history."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from studyapp.bank import Bank
from studyapp.errors import Problem
from studyapp.models import BankSync, Deck, Question


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
    existing = {q.key: q for q in session.scalars(select(Question))}
    for item in bank.items:
        data = item.to_dict()
        row = existing.pop(item.key, None)
        if row is None:
            session.add(Question(key=item.key, deck_id=decks[item.deck].id, kind=item.kind.value,
                                 category=item.category.value, data=data, updated_at=now))
            report.added.append(item.key)
            continue
        if row.is_retired:
            report.revived.append(item.key)
        elif _content(row.data) != _content(data) or row.deck_id != decks[item.deck].id:
            report.changed.append(item.key)
        else:
            report.unchanged += 1
            if row.data != data:  # only the file or line moved: keep it current, report nothing
                row.data = data
            continue
        row.deck_id, row.kind, row.category, row.data = decks[item.deck].id, item.kind.value, item.category.value, data
        row.is_retired, row.updated_at = False, now
    for row in existing.values():
        if not row.is_retired:
            row.is_retired, row.updated_at = True, now
            report.retired.append(row.key)
    if dry_run:
        session.rollback()
    else:
        session.add(BankSync(synced_at=now, is_ok=True, summary=report.summary(), report=asdict(report)))
        session.commit()
    return report


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
