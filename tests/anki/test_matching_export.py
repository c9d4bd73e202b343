"""A matching question in Anki: one Basic note per pair, its GUID from the question id and the pair's left side."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import genanki
import pytest
from flask import Flask
from flask.testing import FlaskClient

from studyapp import db
from studyapp.anki import formats
from studyapp.anki import service as anki
from studyapp.bank import load
from studyapp.bank.items import Pair
from studyapp.bank.spelling import normalize
from tests.anki.test_export import import_apkg, import_csv, notes_in, shown
from tests.conftest import DATA, NOW, ROOT

MATCHING = load.load_bank(DATA / "matching")
ITEM = MATCHING.items[0]
collection_module = pytest.importorskip("anki.collection", reason="the anki package (a test dependency) is not installed")


@pytest.fixture
def col(tmp_path: Path):
    collection = collection_module.Collection(str(tmp_path / "collection.anki2"))
    yield collection
    collection.close()


def _csv(items: list, path: Path) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        formats.write_csv([note for item in items for note in formats.notes_for(item, "Matching")], handle)
    return path


def test_each_pair_is_a_basic_note_of_its_own() -> None:
    notes = formats.notes_for(ITEM, "Matching", 12.5)
    assert len(notes) == len(ITEM.pairs) == 3
    for note, pair in zip(notes, ITEM.pairs, strict=True):
        assert shown(note.front) == f"{ITEM.prompt}\n{pair.left}"
        assert shown(note.back).startswith(pair.right) and pair.source in shown(note.back)
        assert (note.tags, note.deck, note.changed_at) == (("deck::matching", "category::place", "matching"),
                                                           "studyapp::Matching", 12.5)
    assert "Also accepted: a homeland party organization was formed" in shown(notes[1].back)
    assert ITEM.explanation in shown(notes[0].back)


def test_a_pairs_guid_comes_from_the_question_id_and_its_left_side_and_stays() -> None:
    guids = [note.guid for note in formats.notes_for(ITEM, "Matching")]
    assert guids == [genanki.guid_for("studyapp", ITEM.key, normalize(pair.left)) for pair in ITEM.pairs]
    assert len(set(guids)) == 3 and formats.guid_for(ITEM.key) not in guids
    reordered = dataclasses.replace(ITEM, pairs=(ITEM.pairs[2], ITEM.pairs[0],
                                                 dataclasses.replace(ITEM.pairs[1], left="The Onsong Area", right="x")))
    assert {note.guid for note in formats.notes_for(reordered, "Matching")} == set(guids)  # order, case, wording of a right
    other = dataclasses.replace(ITEM, key="other-match")
    assert not {note.guid for note in formats.notes_for(other, "Matching")} & set(guids)
    plain = load.load_bank(ROOT / "questions").items[0]
    assert [note.guid for note in formats.notes_for(plain, "D")] == [genanki.guid_for("studyapp", plain.key)]  # as before


def test_real_anki_imports_the_pairs_and_a_reexport_updates_them(tmp_path: Path, col) -> None:
    log = import_csv(col, _csv([ITEM], tmp_path / "first.csv")).log
    notes = notes_in(col)
    assert len(log.new) == len(notes) == 3
    for pair in ITEM.pairs:
        note = notes[formats.pair_guid(ITEM.key, pair.left)]
        assert shown(note.fields[0]).endswith(pair.left) and shown(note.fields[1]).startswith(pair.right)
    edited = dataclasses.replace(ITEM, pairs=(*ITEM.pairs[1:], Pair(ITEM.pairs[0].left, "The Kalun Meeting took place there",
                                                                    source=ITEM.pairs[0].source)))
    log = import_csv(col, _csv([edited], tmp_path / "second.csv")).log
    assert (len(log.new), len(notes_in(col))) == (0, 3)
    assert shown(notes_in(col)[formats.pair_guid(ITEM.key, "Jiajiatun, Kalun")].fields[1]).startswith("The Kalun Meeting took")


def test_the_apkg_carries_the_same_pair_notes(tmp_path: Path, col) -> None:
    notes = formats.notes_for(ITEM, "Matching")
    formats.write_apkg(notes, tmp_path / "m.apkg", NOW.timestamp())
    import_apkg(col, tmp_path / "m.apkg")
    imported = notes_in(col)
    assert {guid: n.fields for guid, n in imported.items()} == {n.guid: [n.front, n.back] for n in notes}


def test_the_deck_download_holds_a_note_per_pair(matching_app: Flask, client: FlaskClient, tmp_path: Path, col) -> None:
    response = client.get("/decks/matching/export.csv")
    assert response.status_code == 200
    (tmp_path / "deck.csv").write_bytes(response.data)
    import_csv(col, tmp_path / "deck.csv")
    guids = set(notes_in(col))
    assert guids == {*(formats.pair_guid(ITEM.key, p.left) for p in ITEM.pairs), formats.guid_for("liberation-typed")}
    with matching_app.app_context():
        exported = list(anki.notes_for_export(db.get_session(), anki.ExportFilter(deck_key="matching", category="place")))
    assert len(exported) == 3
