"""Syncing the bank into a real database: upsert by id, retire and revive, dry run, every learner's new cards."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session
from werkzeug.security import generate_password_hash

from studyapp.accounts import service as accounts
from studyapp.bank import sync
from studyapp.bank.items import Bank
from studyapp.flashcards import reviews
from studyapp.models import Card, Learner, Question
from tests.builders import add_learner
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


def _card_keys(session: Session, learner_id: int) -> set[str]:
    return set(session.scalars(select(Question.key).join(Card, Card.question_id == Question.id)
                               .where(Card.learner_id == learner_id)))


def test_a_sync_gives_every_learner_the_cards_of_new_and_revived_questions(session: Session) -> None:
    original = small_bank()
    without = Bank(original.decks, tuple(i for i in original.items if i.key != "bolshevik"))
    sync.sync_bank(session, without, NOW)  # bolshevik retired
    ada, bo = add_learner(session, "ada"), add_learner(session, "bo")
    for learner in (ada, bo):
        reviews.ensure_cards(session, learner)
    session.commit()
    assert "bolshevik" not in _card_keys(session, ada.id)
    renamed = dataclasses.replace(original.items[0], key="brand-new", fact="")
    sync.sync_bank(session, Bank(original.decks, (*original.items, renamed)), NOW)  # bolshevik revived, one added
    live = {key for key, in session.execute(select(Question.key).where(Question.is_retired.is_(False)))}
    for learner in (ada, bo):
        assert _card_keys(session, learner.id) == live and {"bolshevik", "brand-new"} <= live
    session.expire_all()
    assert session.get(Learner, ada.id).cards_synced_to == sync.latest_sync_id(session)


def test_signing_in_gives_the_cards_a_sync_added_since(session: Session) -> None:
    learner = add_learner(session, "late")  # made directly, with no cards: as after an import from elsewhere
    assert _card_keys(session, learner.id) == set()
    session.execute(update(Learner).where(Learner.id == learner.id).values(password_hash=generate_password_hash("pw pw pw pw")))
    session.commit()
    assert accounts.authenticate(session, "late", "pw pw pw pw", NOW, "192.0.2.1") is not None
    assert _card_keys(session, learner.id) == {i.key for i in small_bank().items}


def test_a_sync_with_no_change_compares_digests_and_decodes_no_question(session: Session) -> None:
    import sqlalchemy as sa

    statements: list[str] = []

    def seen(conn: object, cursor: object, statement: str, *args: object) -> None:
        statements.append(statement)

    engine = session.get_bind()
    sa.event.listen(engine, "before_cursor_execute", seen)
    try:
        report = sync.sync_bank(session, small_bank(), NOW + timedelta(days=1))
    finally:
        sa.event.remove(engine, "before_cursor_execute", seen)
    assert report.is_empty
    read = [s for s in statements if s.lstrip().startswith("SELECT") and "questions" in s]
    assert read and not [s for s in read if "questions.data" in s], read  # digests only


def test_rows_stored_before_digests_are_compared_once_and_get_theirs(session: Session) -> None:
    """After the upgrade that adds the digest, the first sync compares the old rows' data (no change reported)."""
    session.execute(update(Question).values(content_hash=None))
    session.commit()
    report = sync.sync_bank(session, small_bank(), NOW + timedelta(days=1))
    assert report.is_empty and report.unchanged == len(small_bank().items)
    stored = rows(session)
    assert all(row.content_hash == sync.digest_of(row.data) for row in stored.values())
    edited = Bank(small_bank().decks, tuple(dataclasses.replace(i, explanation="Now explained.") if i.key == "kalun-village"
                                            else i for i in small_bank().items))
    assert sync.sync_bank(session, edited, NOW + timedelta(days=2)).changed == ["kalun-village"]
