"""Anki exports, imported by the real Anki library: counts, decks, fields, tags, updates without duplicates."""

from __future__ import annotations

import csv
import dataclasses
import html
import io
import re
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner

from studyapp import db
from studyapp.anki import formats
from studyapp.bank import load, sync
from studyapp.bank.items import Bank, Kind
from tests.builders import add_learner, cards_of
from tests.conftest import DATA, NOW, AuthActions

TRICKY = load.load_bank(DATA / "tricky")
collection_module = pytest.importorskip("anki.collection", reason="the anki package (a test dependency) is not installed")


def export_csv(items: Bank | list, path: Path) -> Path:
    notes = [formats.note_for(item, "Tricky: text <&> 'quotes'") for item in (items.items if isinstance(items, Bank) else items)]
    with path.open("w", encoding="utf-8", newline="") as handle:
        formats.write_csv(notes, handle)
    return path


def import_csv(col, path: Path):
    metadata = col.get_csv_metadata(path=str(path), delimiter=None)
    return col.import_csv(collection_module.ImportCsvRequest(path=str(path), metadata=metadata))


def import_apkg(col, path: Path):
    import anki.import_export_pb2 as pb

    return col.import_anki_package(pb.ImportAnkiPackageRequest(package_path=str(path), options=pb.ImportAnkiPackageOptions()))


def notes_in(col) -> dict[str, object]:
    return {col.get_note(nid).guid: col.get_note(nid) for nid in col.find_notes("")}


def shown(field: str) -> str:
    """What a learner reads in a field: tags dropped, <br> as a line break, entities decoded."""
    return html.unescape(re.sub(r"<(?!br>)[^>]+>", "", field).replace("<br>", "\n"))


@pytest.fixture
def col(tmp_path: Path):
    collection = collection_module.Collection(str(tmp_path / "collection.anki2"))
    yield collection
    collection.close()


def test_csv_reads_back_with_the_csv_module(tmp_path: Path) -> None:
    text = export_csv(TRICKY, tmp_path / "t.csv").read_text(encoding="utf-8")
    lines = text.splitlines()
    assert lines[:6] == ["#separator:Comma", "#html:true", "#notetype:Basic", "#tags column:3", "#deck column:4",
                         "#guid column:5"]
    rows = list(csv.reader(io.StringIO("\n".join(lines[6:]) + "\n")))
    assert len(rows) == len(TRICKY.items) == 5
    assert all(not " " in t for row in rows for t in row[2].split(" ")) and rows[0][2].startswith("deck::tricky category::")
    assert [row[4] for row in rows] == [formats.guid_for(item.key) for item in TRICKY.items]
    assert all(line.startswith('"') for line in lines[6:] if line)  # a leading # can never start a row


def test_real_anki_imports_csv_exactly(tmp_path: Path, col) -> None:
    import_csv(col, export_csv(TRICKY, tmp_path / "t.csv"))
    notes = notes_in(col)
    assert len(notes) == 5
    for item in TRICKY.items:
        note = notes[formats.guid_for(item.key)]
        front = shown(note.fields[0]).removeprefix("True or false? ")
        assert front == item.prompt
        back = shown(note.fields[1])
        assert back.startswith(item.answer_text if item.kind != Kind.TRUEFALSE else "True")
        for part in (*item.alternatives, item.explanation, item.source):
            assert part in back
        assert sorted(note.tags) == sorted({"deck::tricky", f"category::{item.category.value}", *item.tags})
        assert col.decks.name(note.cards()[0].did) == "studyapp::Tricky: text <&> 'quotes'"
    assert "&amp;amp;" not in "".join(n.fields[0] + n.fields[1] for n in notes.values())


@pytest.mark.parametrize("lang", ["de_DE", "ja_JP"])
def test_csv_imports_into_a_collection_in_another_language(tmp_path: Path, lang: str) -> None:
    """Outside English the stock Basic note type has another name: Front and Back still land in its two fields."""
    from anki import lang as anki_lang

    before = anki_lang.current_lang
    anki_lang.set_lang(lang)
    try:
        collection = collection_module.Collection(str(tmp_path / "collection.anki2"))
        try:
            assert "Basic" not in [model["name"] for model in collection.models.all()]
            log = import_csv(collection, export_csv(TRICKY, tmp_path / "t.csv")).log
            notes = notes_in(collection)
            assert len(log.new) == len(notes) == 5
            for item in TRICKY.items:
                note = notes[formats.guid_for(item.key)]
                assert shown(note.fields[0]).removeprefix("True or false? ") == item.prompt
                assert item.source in shown(note.fields[1])
                assert sorted(note.tags) == sorted({"deck::tricky", f"category::{item.category.value}", *item.tags})
        finally:
            collection.close()
    finally:
        anki_lang.set_lang(before)


def test_in_german_the_csv_takes_the_current_note_type_and_the_apkg_its_own(tmp_path: Path) -> None:
    """What the README and the download pages say: #notetype:Basic names nothing in a German Anki, so the CSV falls
    back to the current note type (a reversed one doubles the cards); the .apkg brings its own note type."""
    from anki import lang as anki_lang

    before = anki_lang.current_lang
    anki_lang.set_lang("de_DE")
    try:
        collection = collection_module.Collection(str(tmp_path / "collection.anki2"))
        try:
            reversed_type = collection.models.by_name("Einfach (und die umgekehrte Richtung)")
            collection.set_config("curModel", reversed_type["id"])
            csv_log = import_csv(collection, export_csv(TRICKY, tmp_path / "t.csv")).log
            assert (len(csv_log.new), collection.card_count()) == (5, 10)  # the trap: two cards a note
            assert {collection.get_note(n).note_type()["name"] for n in collection.find_notes("")} == {reversed_type["name"]}
        finally:
            collection.close()
        collection = collection_module.Collection(str(tmp_path / "other.anki2"))
        try:
            collection.set_config("curModel", collection.models.by_name("Einfach (und die umgekehrte Richtung)")["id"])
            formats.write_apkg([formats.note_for(i, "Tricky") for i in TRICKY.items], tmp_path / "t.apkg", NOW.timestamp())
            apkg_log = import_apkg(collection, tmp_path / "t.apkg").log
            assert (len(apkg_log.new), collection.card_count()) == (5, 5)
            assert {collection.get_note(n).note_type()["name"] for n in collection.find_notes("")} == {"studyapp Basic"}
        finally:
            collection.close()
    finally:
        anki_lang.set_lang(before)


def test_reimport_updates_the_edited_note_and_adds_none(tmp_path: Path, col) -> None:
    import_csv(col, export_csv(TRICKY, tmp_path / "first.csv"))
    edited = [dataclasses.replace(i, prompt="According to the text, reworded?") if i.key == "hash-first" else i
              for i in TRICKY.items]
    log = import_csv(col, export_csv(edited, tmp_path / "second.csv")).log
    notes = notes_in(col)
    assert len(notes) == 5 and len(log.new) == 0 and len(log.updated) == 1
    assert notes[formats.guid_for("hash-first")].fields[0] == "According to the text, reworded?"


def test_fact_gives_a_note_each_way(tmp_path: Path, col) -> None:
    import_csv(col, export_csv(TRICKY, tmp_path / "t.csv"))
    notes = notes_in(col)
    forward, reverse = notes[formats.guid_for("fact-both-ways")], notes[formats.guid_for("fact-both-ways.reverse")]
    assert forward.fields[0] == "According to the text, when was the Society for Rallying Comrades formed?"
    assert shown(reverse.fields[0]) == "According to the text, what was formed on 3 July 1930?"
    assert shown(reverse.fields[1]) == "Society for Rallying Comrades"


def test_apkg_imports_with_the_same_guids_and_updates(tmp_path: Path, col) -> None:
    formats.write_apkg([formats.note_for(i, "Tricky") for i in TRICKY.items], tmp_path / "first.apkg", timestamp=NOW.timestamp())
    import_apkg(col, tmp_path / "first.apkg")
    notes = notes_in(col)
    assert set(notes) == {formats.guid_for(i.key) for i in TRICKY.items}
    assert shown(notes[formats.guid_for("korean")].fields[0]).endswith("“curly” ‘quotes’ … and café")
    assert col.models.get(notes[formats.guid_for("korean")].mid)["name"] == "studyapp Basic"
    for item in TRICKY.items:  # the same fields, tags and deck as the CSV gives
        note = notes[formats.guid_for(item.key)]
        expected = formats.note_for(item, "Tricky")
        assert note.fields == [expected.front, expected.back]
        assert shown(note.fields[0]).removeprefix("True or false? ") == item.prompt
        assert sorted(note.tags) == sorted({"deck::tricky", f"category::{item.category.value}", *item.tags})
        assert col.decks.name(note.cards()[0].did) == "studyapp::Tricky"
    edited = [dataclasses.replace(i, answer="<b>changed</b> & new") if i.key == "html-like" else i for i in TRICKY.items]
    later = NOW.timestamp() + 3600  # a later export: Anki takes a package's note only when it is newer
    formats.write_apkg([formats.note_for(i, "Tricky") for i in edited], tmp_path / "second.apkg", timestamp=later)
    import_apkg(col, tmp_path / "second.apkg")
    notes = notes_in(col)
    assert len(notes) == 5
    assert shown(notes[formats.guid_for("html-like")].fields[1]).startswith("<b>changed</b> & new")


@pytest.fixture
def tricky_app(app: Flask) -> Flask:
    with app.app_context():
        sync.sync_bank(db.get_session(), Bank(app_bank_decks() + TRICKY.decks, app_bank_items() + TRICKY.items), NOW)
    return app


def app_bank_decks() -> tuple:
    from tests.conftest import small_bank

    return small_bank().decks


def app_bank_items() -> tuple:
    from tests.conftest import small_bank

    return small_bank().items


def test_download_routes_import_into_anki(tricky_app: Flask, client: FlaskClient, tmp_path: Path, col) -> None:
    response = client.get("/decks/tricky/export.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == 'attachment; filename="studyapp-tricky.csv"'
    (tmp_path / "d.csv").write_bytes(response.data)
    import_csv(col, tmp_path / "d.csv")
    assert len(notes_in(col)) == 5
    everything = client.get("/decks/export.csv?category=place")
    rows = [line for line in everything.text.splitlines() if not line.startswith("#")]
    assert rows and all("category::place" in row for row in rows)
    apkg = client.get("/decks/tricky/export.apkg")
    assert apkg.status_code == 200 and apkg.headers["Content-Disposition"] == "attachment; filename=studyapp-tricky.apkg"
    (tmp_path / "d.apkg").write_bytes(apkg.data)
    apkg.close()
    import_apkg(col, tmp_path / "d.apkg")
    assert len(notes_in(col)) == 5
    assert client.get("/decks/nope/export.csv").status_code == 404
    assert client.get("/decks/export.csv?category=colour").status_code == 400
    assert client.get("/decks/export.csv?tag=two%20words").status_code == 400


def exported_guids(client: FlaskClient, query: str = "") -> list[str]:
    """The GUIDs of the learner's card-list CSV export with these filters."""
    text = client.get(f"/cards/export.csv{query}").text
    return [row[4] for row in csv.reader(io.StringIO(text)) if row and not row[0].startswith("#")]


def test_card_list_export_is_filtered_and_private(tricky_app: Flask, client: FlaskClient, auth: AuthActions,
                                                  tmp_path: Path, col) -> None:
    """The export holds what /cards lists (studied or suspended), whether or not the new cards exist yet."""
    from sqlalchemy import select

    from studyapp.flashcards import reviews
    from studyapp.flashcards.scheduler import Rating
    from studyapp.models import Learner
    from tests.flashcards.test_reviews import rate

    auth.register("ada")
    assert exported_guids(client) == []  # before ensure_cards made any card
    with tricky_app.app_context():
        session = db.get_session()
        ada = session.scalar(select(Learner).where(Learner.username == "ada"))
        earlier = datetime.now(timezone.utc) - timedelta(days=1)  # the route reads the real clock
        cards = cards_of(session, ada, earlier)  # a new card for every question of the bank
        assert exported_guids(client) == []  # new cards are not in the card list, so not in its export
        rate(session, ada, cards["html-like"], Rating.AGAIN, earlier)
        reviews.set_suspended(session, ada.id, cards["korean"].id, True)  # never studied, but suspended
        listed = {formats.guid_for(card.question.key) for card in reviews.list_cards(session, ada.id, datetime.now(timezone.utc))}
        bob = add_learner(session, "bob")
        bob_cards = cards_of(session, bob, earlier)
        rate(session, bob, bob_cards["fact-both-ways"], Rating.AGAIN, earlier)
        reviews.set_suspended(session, bob.id, bob_cards["hash-first"].id, True)
    assert formats.guid_for("html-like") in listed and len(listed) < len(cards)
    everything = exported_guids(client)
    assert sorted(everything) == sorted(listed) and len(everything) == len(set(everything))
    assert formats.guid_for("fact-both-ways") not in everything and formats.guid_for("hash-first") not in everything
    assert exported_guids(client, "?due=y") == [formats.guid_for("html-like")]  # suspended cards are never due
    assert exported_guids(client, "?tag=html&deck=tricky") == [formats.guid_for("html-like")]
    assert exported_guids(client, "?leeches=y") == []
    apkg = client.get("/cards/export.apkg")
    (tmp_path / "mine.apkg").write_bytes(apkg.data)
    apkg.close()
    import_apkg(col, tmp_path / "mine.apkg")
    assert set(notes_in(col)) == listed
    auth.logout()
    assert client.get("/cards/export.csv").status_code == 302


def test_cli_export(tricky_app: Flask, runner: FlaskCliRunner, tmp_path: Path, col) -> None:
    result = runner.invoke(args=["export", "anki", "--deck", "tricky", "-o", str(tmp_path / "c.csv")])
    assert result.exit_code == 0 and "Wrote 5 notes" in result.output
    import_csv(col, tmp_path / "c.csv")
    assert len(notes_in(col)) == 5
    stdout = runner.invoke(args=["export", "anki", "--category", "date"])
    assert stdout.output.startswith("#separator:Comma") and "category::date" in stdout.output
    result = runner.invoke(args=["export", "anki", "--format", "apkg", "-o", str(tmp_path / "c.apkg")])
    assert result.exit_code == 0 and (tmp_path / "c.apkg").stat().st_size > 0
    assert runner.invoke(args=["export", "anki", "--deck", "nope"]).exit_code == 1


def test_csv_is_streamed_not_built_whole() -> None:
    consumed = 0

    def notes():
        nonlocal consumed
        for n in range(100_000):
            consumed += 1
            yield formats.AnkiNote(f"g{n}", "front", "back", ("t",), "studyapp::d")

    chunks = formats.iter_csv(notes())
    next(chunks), next(chunks)
    assert consumed <= 501


def test_deck_page_offers_downloads(tricky_app: Flask, client: FlaskClient) -> None:
    page = client.get("/decks/tricky").text
    assert "/decks/tricky/export.csv" in page and "/decks/tricky/export.apkg" in page
    assert "/decks/export.csv" in client.get("/decks").text
    assert client.get("/decks/nope").status_code == 404


def test_a_reexported_apkg_updates_only_the_note_whose_question_changed(tricky_app: Flask, tmp_path: Path, col) -> None:
    from studyapp.anki import service as anki

    def export(name: str) -> Path:
        with tricky_app.app_context():
            notes = list(anki.notes_for_export(db.get_session(), anki.ExportFilter(deck_key="tricky")))
        formats.write_apkg(notes, tmp_path / name, timestamp=(NOW + timedelta(days=30)).timestamp())  # export time: later
        return tmp_path / name

    first = import_apkg(col, export("first.apkg"))
    assert (len(first.log.new), len(first.log.updated)) == (5, 0)
    edited = [dataclasses.replace(i, answer="an edited answer") if i.key == "html-like" else i for i in TRICKY.items]
    with tricky_app.app_context():
        sync.sync_bank(db.get_session(), Bank(app_bank_decks() + TRICKY.decks, app_bank_items() + tuple(edited)),
                       NOW + timedelta(hours=1))
    second = import_apkg(col, export("second.apkg"))
    assert (len(second.log.new), len(second.log.updated)) == (0, 1)
    assert shown(notes_in(col)[formats.guid_for("html-like")].fields[1]).startswith("an edited answer")


def test_the_download_pages_say_which_format_anki_in_another_language_takes(app: Flask, client: FlaskClient,
                                                                           auth: AuthActions) -> None:
    assert "Anki in another language: take the .apkg" in client.get("/decks").text
    assert "Anki in another language (German, say): take the .apkg." in client.get("/decks/founding").text
    auth.register()
    assert "Anki in another language (German, say): take the .apkg" in client.get("/cards").text
