"""Synthetic data for the benchmarks, made with bulk inserts: banks, learners, cards and review logs."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from studyapp import db, models, tallies
from studyapp.bank.items import Item, Kind
from studyapp.models import NEW_CARD_DUE

NOW = datetime(2026, 11, 29, 12, 0, tzinfo=timezone.utc)
CATEGORIES = ["date", "place", "organization", "person"]


def write_bank(folder: Path, questions: int, per_file: int = 500) -> Path:
    """A valid bank of `questions` entries (plain questions and facts) in files of `per_file`."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(7)
    made = 0
    for number in range((questions + per_file - 1) // per_file):
        deck = f"deck-{number:03d}"
        lines = ["# yaml-language-server: $schema=schema.json", f"deck: {deck}", f"title: Generated deck {number}",
                 "tags: [generated]", "questions:"]
        for _ in range(min(per_file, questions - made)):
            category = CATEGORIES[made % 4]
            answer = f"{1900 + rng.randrange(100)}-{rng.randrange(1, 13):02d}-{rng.randrange(1, 29):02d}" \
                if category == "date" else f"Answer {made} {rng.choice(['Kalun', 'Onsong', 'Tuman', 'Jilin'])}"
            kind = ["choice", "typed", "truefalse", "cloze"][made // 4 % 4] if category != "date" else "typed"
            lines += [f"  - id: q-{made:06d}", f"    kind: {kind}", f"    category: {category}"]
            if kind == "cloze":
                lines.append(f"    text: According to the text, [[{answer}]] is question {made}.")
            elif kind == "truefalse":
                lines += [f"    prompt: According to the text, statement {made} holds.", "    answer: true"]
            else:
                lines += [f"    prompt: According to the text, what is asked by question {made}?", f"    answer: {answer}",
                          f"    alternatives: [Alt {made}]"]
            lines += ["    explanation: A generated question.", "    source: Society for Rallying Comrades", "    tags: [bench]"]
            made += 1
        (folder / f"{deck}.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


def item_data(number: int, deck: str) -> dict:
    """The stored form of one generated question."""
    category = CATEGORIES[number % 4]
    answer = f"19{number % 100:02d}-07-03" if category == "date" else f"Answer {number}"
    return Item(key=f"q-{number:07d}", deck=deck, kind=Kind.TYPED if category == "date" else Kind.CHOICE,
                category=category, prompt=f"According to the text, what is asked by question {number}?",  # type: ignore[arg-type]
                answer=answer, alternatives=(f"Alt {number}",), explanation="Generated.",
                source=f"Society for Rallying Comrades, number {number}",  # its own: one passage is one fact to a quiz
                tags=("bench",)).to_dict()


def fill(engine: Engine, learners: int, questions: int, cards_per_learner: int, logs_per_card: int,
         progress: object = print, heavy: int = 0) -> None:
    """Create the schema and bulk-insert decks, questions, learners, cards and review logs.

    `heavy`: one more learner (the last id) with that many cards, four in five studied, as many logs each.
    """
    db.Base.metadata.drop_all(engine)
    db.Base.metadata.create_all(engine)
    meta = db.Base.metadata.tables
    counts = [cards_per_learner] * learners + ([heavy] if heavy else [])
    with engine.begin() as conn:
        conn.execute(sa.insert(meta["decks"]), [{"id": 1, "key": "bench", "title": "Bench", "description": "", "position": 0,
                                                 "is_retired": False}])
        conn.execute(sa.insert(meta["bank_syncs"]), [{"id": 1, "synced_at": NOW, "is_ok": True, "summary": "bench", "report": {}}])
        _batches(conn, meta["questions"], ({"id": n + 1, "key": f"q-{n:07d}", "deck_id": 1, "kind": "choice",
                                             "category": CATEGORIES[n % 4], "data": item_data(n, "bench"),
                                             "is_retired": False, "updated_at": NOW} for n in range(questions)))
        _batches(conn, meta["learners"], ({"id": n + 1, "username": f"learner{n}", "password_hash": "x", "is_instructor": False,
                                            "created_at": NOW, "failed_logins": 0, "cards_synced_to": 1,
                                            "desired_retention": 0.9, "learning_steps": "1m 10m", "relearning_steps": "10m",
                                            "maximum_interval_days": 36500, "new_per_day": 20, "reviews_per_day": 200,
                                            "day_starts_hour": 4, "timezone": "UTC", "suspend_leeches": False}
                                           for n in range(len(counts))))
    rng = random.Random(1)

    def owned() -> Iterator[tuple[int, int, int]]:
        """(card id, learner id, the card's number among the learner's)"""
        card_id = 0
        for learner, count in enumerate(counts, 1):
            for n in range(count):
                card_id += 1
                yield card_id, learner, n

    def cards():
        for card_id, learner, n in owned():
            reviewed = logs_per_card != 0 and n % 5 != 0
            due = NOW + timedelta(hours=rng.randrange(-48, 24 * 40)) if reviewed else NEW_CARD_DUE
            yield {"id": card_id, "learner_id": learner, "question_id": (learner * 7919 + n) % questions + 1,
                   "state": 2 if reviewed else 1, "step": None if reviewed else 0,
                   "stability": rng.uniform(1, 60) if reviewed else None, "difficulty": rng.uniform(2, 8) if reviewed else None,
                   "due": due, "last_review": NOW - timedelta(days=rng.randrange(1, 30)) if reviewed else None,
                   "reps": _logs(card_id, logs_per_card) if reviewed else 0, "lapses": 0, "is_suspended": False,
                   "is_leech": False, "buried_until": None, "version": _logs(card_id, logs_per_card) if reviewed else 0}

    def logs():
        log_id = 0
        for card_id, learner, n in owned():
            if logs_per_card == 0:
                break
            if n % 5 == 0:
                continue
            for k in range(_logs(card_id, logs_per_card)):
                log_id += 1
                yield {"id": log_id, "card_id": card_id, "learner_id": learner, "rating": 1 + (log_id % 4),
                       "reviewed_at": NOW - timedelta(days=rng.randrange(0, 200), minutes=k), "duration_ms": 4000,
                       "kind": "review", "origin": "review", "state_before": {}, "state_after": {}, "is_undone": False,
                       "undone_at": None}

    with engine.begin() as conn:
        _batches(conn, meta["cards"], cards(), progress=progress, label="cards")
    with engine.begin() as conn:
        _batches(conn, meta["review_logs"], logs(), progress=progress, label="review logs")
    with Session(engine) as session:  # the review counts the app keeps with the log, as its migration makes them
        tallies.rebuild(session)
        tallies.rebuild_cards(session)
        session.commit()
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            for table in ("decks", "questions", "learners", "cards", "review_logs", "bank_syncs"):
                conn.execute(sa.text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"))
            conn.execute(sa.text("ANALYZE"))
    else:
        with engine.begin() as conn:
            conn.execute(sa.text("ANALYZE"))


def _logs(card_id: int, logs_per_card: int) -> int:
    """Logs of one reviewed card; -1 means 6 or 7 (6.25 on average: 5 per card when a fifth are new)."""
    if logs_per_card >= 0:
        return logs_per_card
    return 7 if card_id % 4 == 0 else 6


def _batches(conn: sa.Connection, table: sa.Table, rows, size: int = 20_000, progress: object = None, label: str = "") -> None:
    batch, total = [], 0
    for row in rows:
        batch.append(row)
        if len(batch) == size:
            conn.execute(sa.insert(table), batch)
            total += len(batch)
            batch = []
            if progress:
                progress(f"\r  {label}: {total:,} rows", end="", flush=True)
    if batch:
        conn.execute(sa.insert(table), batch)
        total += len(batch)
    if progress and label:
        progress(f"\r  {label}: {total:,} rows")


assert models  # the tables are registered by importing the models
