"""Anki notes from bank items: Anki's CSV text import (streamed) and .apkg packages.

Pure: items in, text or a file out. Each note's GUID comes from the question id,
so importing a newer export updates the notes a learner already has.
"""

from __future__ import annotations

import contextlib
import csv
import io
import itertools
import json
import os
import sqlite3
import tempfile
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from html import escape
from pathlib import Path

import genanki

from studyapp.anki import progress as anki_progress
from studyapp.anki.progress import PackageProgress, Preset
from studyapp.bank.items import Item, Kind
from studyapp.bank.spelling import normalize

ROOT_DECK = "studyapp"
NOTETYPE = "Basic"
# Stable ids for the .apkg note type and decks: changing them would make Anki see new ones.
APKG_MODEL_ID = 1_730_651_930
APKG_DECK_BASE = 1_930_070_300_000
# Front and Back come first and the columns are not named: Anki maps unnamed columns by position, so
# the file also imports into a collection whose Basic note type has another name ("Einfach", "基本"):
# there the notetype line names nothing and Anki uses the default note type, Front and Back in order.
# Named columns would be matched against field names and leave the back empty outside English.
CSV_HEADER = (
    "#separator:Comma\n"
    "#html:true\n"
    f"#notetype:{NOTETYPE}\n"
    "#tags column:3\n"
    "#deck column:4\n"
    "#guid column:5\n"
)


@dataclass(frozen=True)
class AnkiNote:
    """One Basic note: fields are HTML, tags have no spaces, deck uses :: for subdecks."""

    guid: str
    front: str
    back: str
    tags: tuple[str, ...]
    deck: str
    changed_at: float | None = None  # when its question last changed (Unix time): Anki takes a newer note only


def guid_for(key: str, *parts: str) -> str:
    """The note GUID for a question id (the same for CSV and .apkg); a matching pair's also from its left side."""
    return genanki.guid_for("studyapp", key, *parts)


def pair_guid(key: str, left: str) -> str:
    """The GUID of a matching pair's note: from the question id and the left side as answers are compared (so
    rewording its case or punctuation keeps the note), stable however the pairs are reordered."""
    return guid_for(key, normalize(left))


def deck_name(title: str) -> str:
    """The Anki deck a bank deck goes to."""
    return f"{ROOT_DECK}::{title.replace('::', ':')}"


def tag(text: str) -> str:
    """An Anki tag: no whitespace (Anki splits on it)."""
    return "_".join(text.split())


def _html(text: str) -> str:
    return escape(text, quote=False).replace("\r\n", "\n").replace("\n", "<br>")


def note_for(item: Item, deck_title: str, changed_at: float | None = None) -> AnkiNote:
    """The note for one bank item; a fact's two directions are two notes, each with its own wording."""
    front = _html(item.prompt)
    if item.kind == Kind.TRUEFALSE:
        front = f"True or false? {front}"
        answer = "True" if item.answer == "true" else "False"
    else:
        answer = item.answer_text
    back = [f'<div class="answer"><b>{_html(answer)}</b></div>']
    if item.other_spellings:
        back.append(f'<div class="alternatives">Also accepted: {_html(", ".join(item.other_spellings))}</div>')
    if item.explanation:
        back.append(f'<div class="explanation">{_html(item.explanation)}</div>')
    if item.source:
        back.append(f'<blockquote class="source">{_html(item.source)}</blockquote>')
    return AnkiNote(guid_for(item.key), front, "".join(back), _tags(item), deck_name(deck_title), changed_at)


def _tags(item: Item) -> tuple[str, ...]:
    tags = (f"deck::{tag(item.deck)}", f"category::{tag(item.category.value)}", *(tag(t) for t in item.tags))
    return tuple(dict.fromkeys(tags))


def notes_for(item: Item, deck_title: str, changed_at: float | None = None) -> list[AnkiNote]:
    """The notes of one bank item: one (note_for), or for a matching item one Basic note per pair."""
    if item.kind != Kind.MATCHING:
        return [note_for(item, deck_title, changed_at)]
    notes = []
    for pair in item.pairs:
        front = f"{_html(item.prompt)}<br><b>{_html(pair.left)}</b>"  # the prompt, asked of this left side
        back = [f'<div class="answer"><b>{_html(item.right_text(pair))}</b></div>']
        if pair.alternatives:
            back.append(f'<div class="alternatives">Also accepted: {_html(", ".join(pair.alternatives))}</div>')
        if item.explanation:
            back.append(f'<div class="explanation">{_html(item.explanation)}</div>')
        back += [f'<blockquote class="source">{_html(text)}</blockquote>' for text in dict.fromkeys((pair.source, item.source)) if text]
        notes.append(AnkiNote(pair_guid(item.key, pair.left), front, "".join(back), _tags(item), deck_name(deck_title), changed_at))
    return notes


def iter_csv(notes: Iterable[AnkiNote]) -> Iterator[str]:
    """Anki's text-import file, a chunk at a time: header lines, then one quoted row per note."""
    yield CSV_HEADER
    buffer = io.StringIO()
    writer = csv.writer(buffer, quoting=csv.QUOTE_ALL, lineterminator="\n")
    for count, note in enumerate(notes, 1):
        writer.writerow((note.front, note.back, " ".join(note.tags), note.deck, note.guid))
        if count % 500 == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def write_csv(notes: Iterable[AnkiNote], out: io.TextIOBase) -> int:
    """Write the CSV to a text stream; returns how many notes it holds."""
    count = 0

    def counted() -> Iterator[AnkiNote]:
        nonlocal count
        for note in notes:
            count += 1
            yield note

    for chunk in iter_csv(counted()):
        out.write(chunk)
    return count


APKG_MODEL = genanki.Model(
    APKG_MODEL_ID,
    "studyapp Basic",
    fields=[{"name": "Front"}, {"name": "Back"}],
    templates=[{
        "name": "Card 1",
        "qfmt": '<div class="front">{{Front}}</div>',
        "afmt": '<div class="front">{{Front}}</div><hr id="answer">{{Back}}',
    }],
    css=(".card { font-family: system-ui, sans-serif; font-size: 20px; text-align: left; max-width: 40em; margin: auto; }\n"
         ".answer { font-size: 1.2em; margin: .5em 0; }\n.alternatives { color: #555; }\n"
         ".source { font-style: italic; border-left: 4px solid #ccc; margin: 1em 0; padding-left: .75em; }\n"),
)


class _StampedNote(genanki.Note):  # type: ignore[misc]
    """A genanki note whose modification time is its question's, not the package's."""

    def __init__(self, changed_at: float | None, **fields: object) -> None:
        super().__init__(**fields)
        self.changed_at = changed_at

    def write_to_db(self, cursor, timestamp: float, deck_id, id_gen):  # noqa: ANN001 - genanki's own signature
        return super().write_to_db(cursor, self.changed_at if self.changed_at is not None else timestamp, deck_id, id_gen)


def write_apkg(notes: Iterable[AnkiNote], path: Path, timestamp: float,
               progress: PackageProgress | None = None) -> int:
    """Write an .apkg with the same GUIDs as the CSV and its own note type; returns the note count.

    Anki updates a note from a package only when the package's copy is newer: each note carries the time
    its question last changed (`changed_at`), so a re-import updates just the edited notes; a note without
    one gets `timestamp` (the export's time; ids of new notes and cards count up from it).

    With `progress` (a learner's package), the studied cards carry their schedule, FSRS memory state and
    review log, and the decks use a preset with the learner's settings: genanki writes the notes, cards and
    decks of Anki's schema-11 collection, then the columns and rows genanki leaves out are filled in.
    """
    decks: dict[str, genanki.Deck] = {}
    count = 0
    for note in notes:
        deck = decks.get(note.deck)
        if deck is None:
            deck = decks[note.deck] = genanki.Deck(APKG_DECK_BASE + int(guid_for(note.deck).encode().hex(), 16) % 10**9,
                                                   note.deck)
        deck.add_note(_StampedNote(note.changed_at, model=APKG_MODEL, fields=[note.front, note.back], tags=list(note.tags),
                                   guid=note.guid))
        count += 1
    package = genanki.Package(list(decks.values()) or [genanki.Deck(APKG_DECK_BASE, ROOT_DECK)])
    handle, collection = tempfile.mkstemp(suffix=".anki2")
    os.close(handle)
    partial = path.with_name(f".{path.name}.partial")  # the package appears whole or not at all
    try:
        with contextlib.closing(sqlite3.connect(collection)) as connection, connection:
            cursor = connection.cursor()
            package.write_to_db(cursor, timestamp, itertools.count(int(timestamp * 1000)))
            if progress is not None:
                _write_progress(cursor, progress, int(timestamp))
        with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.write(collection, "collection.anki2")
            archive.writestr("media", "{}")
        os.replace(partial, path)
    finally:
        os.unlink(collection)
        partial.unlink(missing_ok=True)
    return count


def _write_progress(cursor: sqlite3.Cursor, progress: PackageProgress, stamp: int) -> None:
    """Fill in what genanki leaves out of a learner's collection: the calendar, schedules, review log, preset."""
    conf = json.loads(cursor.execute("SELECT conf FROM col").fetchone()[0])
    # schedVer 2 keeps Anki from upgrading a "version 1" package on import (which renumbers learning ratings);
    # the first day and its offset make day numbers plain dates: see anki.progress.
    conf.update(schedVer=2, rollover=progress.timing.day_starts_hour, creationOffset=0)
    preset = progress.preset
    decks = json.loads(cursor.execute("SELECT decks FROM col").fetchone()[0])
    for deck in decks.values():
        deck["conf"] = preset.id
    dconf = json.loads(cursor.execute("SELECT dconf FROM col").fetchone()[0])
    dconf[str(preset.id)] = preset_json(preset, stamp)
    cursor.execute("UPDATE col SET crt = ?, conf = ?, decks = ?, dconf = ?",
                   (anki_progress.PACKAGE_CRT, json.dumps(conf), json.dumps(decks), json.dumps(dconf)))
    cards = dict(cursor.execute("SELECT notes.guid, cards.id FROM cards JOIN notes ON notes.id = cards.nid"))
    for guid, (card, reviews) in progress.cards.items():
        card_id = cards.get(guid)
        if card_id is None:
            continue
        cursor.execute("UPDATE cards SET type = ?, queue = ?, due = ?, ivl = ?, factor = ?, reps = ?, lapses = ?,"
                       " left = ?, data = ? WHERE id = ?",
                       (card.type, card.queue, card.due, card.ivl, card.factor, card.reps, card.lapses, card.left,
                        card.data, card_id))
        cursor.executemany("INSERT INTO revlog VALUES (?, ?, -1, ?, ?, ?, ?, ?, ?)",
                           [(row.id, card_id, row.ease, row.ivl, row.last_ivl, row.factor, row.time, row.type)
                            for row in reviews])


def preset_json(preset: Preset, stamp: int) -> dict[str, object]:
    """The deck preset in Anki's schema-11 form (every key its parser requires), with FSRS-6's 21 parameters."""
    return {
        "id": preset.id, "name": preset.name, "mod": stamp, "usn": -1, "maxTaken": 60, "autoplay": True, "timer": 0,
        "replayq": True, "dyn": False,
        "new": {"bury": False, "delays": anki_progress.minutes(preset.learning_steps), "initialFactor": 2500,
                "ints": [1, 4, 0], "order": 1, "perDay": preset.new_per_day, "separate": True},
        "rev": {"bury": False, "ease4": 1.3, "fuzz": 0.05, "ivlFct": 1, "maxIvl": preset.maximum_interval_days,
                "minSpace": 1, "perDay": preset.reviews_per_day, "hardFactor": 1.2},
        "lapse": {"delays": anki_progress.minutes(preset.relearning_steps), "leechAction": 0 if preset.suspend_leeches else 1,
                  "leechFails": 8, "minInt": 1, "mult": 0},
        "desiredRetention": preset.desired_retention,
        "fsrsParams6": list(preset.parameters),
    }
