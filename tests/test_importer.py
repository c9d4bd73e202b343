"""Syncing the bank into a real database: upsert by id, retire and revive, dry run."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from studyapp.bank import sync
from studyapp.bank.items import Bank
from studyapp.models import Question
from tests.conftest import NOW, small_bank


def rows(session: Session) -> dict[str, Question]:
    session.expire_all()
    return {q.key: q for q in session.scalars(select(Question))}


def test_first_sync_added_everything(session: Session) -> None:
    stored = rows(session)
    assert set(stored) == {i.key for i in small_bank().items}
    assert stored["src-formed"].data["answer"] == "1930-07-03"


def test_sync_again_changes_nothing(session: Session) -> None:
    report = sync.sync_bank(session, small_bank(), NOW + timedelta(days=1))
    assert report.is_empty and report.unchanged == len(small_bank().items)


def test_edit_keeps_row_retire_and_revive(session: Session) -> None:
    original = small_bank()
    before = rows(session)["kalun-village"].id
    edited = Bank(original.decks, tuple(
        dataclasses.replace(i, prompt="According to the text, where was the Kalun Meeting held?")
        if i.key == "kalun-village" else i for i in original.items if i.key != "bolshevik"))
    report = sync.sync_bank(session, edited, NOW)
    assert (report.changed, report.retired, report.added) == (["kalun-village"], ["bolshevik"], [])
    stored = rows(session)
    assert stored["kalun-village"].id == before and stored["bolshevik"].is_retired
    report = sync.sync_bank(session, original, NOW)
    assert report.revived == ["bolshevik"] and report.changed == ["kalun-village"]
    assert not rows(session)["bolshevik"].is_retired


def test_dry_run_changes_nothing(session: Session) -> None:
    original = small_bank()
    smaller = Bank(original.decks, tuple(i for i in original.items if i.key != "bolshevik"))
    report = sync.sync_bank(session, smaller, NOW, dry_run=True)
    assert report.retired == ["bolshevik"]
    assert not rows(session)["bolshevik"].is_retired
