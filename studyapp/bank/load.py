"""The question bank: YAML files in `questions/` -> validated, frozen items (studyapp.bank.items).

Plain Python: no Flask, no database. `load_bank` either returns a whole Bank or
raises one BankError that lists every problem as file:line:column.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable, Sequence
from pathlib import Path

import pydantic

from studyapp.bank import dates, fileformat, yamltext
from studyapp.bank.fileformat import CLOZE_BLANK, DeckFile, FactModel, QuestionModel
from studyapp.bank.items import Bank, Category, Deck, Item, Kind, Pair
from studyapp.errors import BankError, Problem

SUFFIXES = (".yaml", ".yml")


def normalize_quote(text: str) -> str:
    """Fold what a citation may differ in: double quote marks (dropped), apostrophe styles, dashes, runs of spaces."""
    text = unicodedata.normalize("NFC", text)
    text = text.translate(_QUOTE_FOLD)
    return re.sub(r"\s+", " ", text).strip()


# A quote may leave out the text's own quote marks (or add its own): double quotes of any style are dropped.
_QUOTE_FOLD = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": None, "\u201d": None, '"': None,
                             "\u00ab": None, "\u00bb": None, "\u2014": "-", "\u2013": "-"})


def load_bank(paths: Path | Sequence[Path], source_text: str | None = None) -> Bank:
    """Load every `*.yaml` and `*.yml` file under the given folders, and the given files, as one bank.

    Raises BankError listing every problem; quotes are checked only when `source_text` is given.
    """
    files, problems = bank_files([paths] if isinstance(paths, Path) else paths)
    decks: list[Deck] = []
    items: list[Item] = []
    declared: list[Item] = []  # the ids of files with problems: they still clash with the ids of other files
    for position, (path, root) in enumerate(files):
        deck, file_items, file_problems = load_file(path, position, root, source_text)
        problems.extend(file_problems)
        if deck is not None:
            decks.append(deck)
            items.extend(file_items)
        else:
            declared.extend(_declared_ids(path, root))
    problems.extend(_check_across(decks, items, declared))
    if problems:
        raise BankError(problems)
    return Bank(tuple(decks), tuple(items))


def bank_files(paths: Iterable[Path]) -> tuple[list[tuple[Path, Path]], list[Problem]]:
    """The bank files under each folder (and each file given), with the folder names are shown from."""
    found: dict[Path, tuple[Path, Path]] = {}
    problems: list[Problem] = []
    for given in paths:
        if given.is_dir():
            inside = sorted(p for p in given.rglob("*") if p.suffix.lower() in SUFFIXES and p.is_file())
            if not inside:
                problems.append(Problem(str(given), 0, 0, "no *.yaml question files found"))
            for path in inside:
                found.setdefault(path.resolve(), (path, given))
        elif not given.exists():
            problems.append(Problem(str(given), 0, 0, "no such file or folder"))
        elif given.suffix.lower() not in SUFFIXES:
            problems.append(Problem(str(given), 0, 0, "not a question file: their names end in .yaml"))
        else:
            found.setdefault(given.resolve(), (given, given.parent))
    return list(found.values()), problems


def load_file(path: Path, position: int = 0, root: Path | None = None,
              source_text: str | None = None) -> tuple[Deck | None, list[Item], list[Problem]]:
    """Load one deck file; returns what it holds and the problems found in it (nothing when there are errors)."""
    name = _display_path(path, root)
    try:
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as error:
        line = path.read_bytes()[: error.start].count(b"\n") + 1
        return None, [], [Problem(name, line, 1, "the file is not UTF-8 text: save it as UTF-8")]
    document = yamltext.load(text)
    problems = [Problem(name, p.mark.line, p.mark.column, p.message) for p in document.problems]
    if document.value is None:
        return None, [], problems or [Problem(name, 1, 1, "the file is empty: it needs deck, title and questions or facts")]
    if not isinstance(document.value, dict):
        return None, [], [*problems, Problem(name, 1, 1, "the file must be a mapping (deck:, title:, questions:), not a list or a value")]
    try:
        model = DeckFile.model_validate(document.value)
    except pydantic.ValidationError as error:
        spoiled = [p.path for p in document.problems if p.path is not None]  # values a YAML problem already explains
        found = [p for e in error.errors() if not _within(_location(e), spoiled) for p in _problems(name, document, e)]
        quotes = [] if source_text is None else _check_quotes(_raw_sources(document.value), document, name, source_text)
        return None, [], [*problems, *found, *quotes]
    if problems:  # the YAML had problems that left the rest readable: all of it was checked, none of it loads
        return None, [], problems
    if model.deck != path.stem:
        mark = document.mark(("deck",))
        return None, [], [Problem(name, mark.line, mark.column, f"deck '{model.deck}' must match the file name '{path.stem}'")]
    deck = Deck(model.deck, model.title, model.description or "", name, position)
    items: list[Item] = []
    for index, question in enumerate(model.questions):
        items.append(_question_item(model, question, name, document.mark(("questions", index))))
    for index, fact in enumerate(model.facts):
        items.extend(_fact_items(model, fact, name, document.mark(("facts", index))))
    return deck, items, [] if source_text is None else _check_quotes(_raw_sources(document.value), document, name, source_text)


def _raw_sources(value: dict) -> list[tuple[yamltext.Path, str, str]]:
    """(path, whose, source) of every citation of a file (an entry's, a matching pair's), as far as they can be read."""
    found = []
    for part in ("questions", "facts"):
        entries = value.get(part)
        for index, entry in enumerate(entries if isinstance(entries, list) else []):
            if not isinstance(entry, dict):
                continue
            if isinstance(entry.get("source"), str):
                found.append(((part, index, "source"), f"'{entry.get('id')}'", entry["source"]))
            pairs = entry.get("pairs")
            for number, pair in enumerate(pairs if isinstance(pairs, list) else [], 1):
                if isinstance(pair, dict) and isinstance(pair.get("source"), str):
                    found.append(((part, index, "pairs", number - 1, "source"), f"'{entry.get('id')}' (pair {number})",
                                  pair["source"]))
    return found


def _check_quotes(sources: list[tuple[yamltext.Path, str, str]], document: yamltext.Document, name: str,
                  source_text: str) -> list[Problem]:
    haystack = normalize_quote(source_text)
    problems: list[Problem] = []
    for path, whose, source in sources:
        if source and normalize_quote(source) not in haystack:
            mark = document.mark(path)
            problems.append(Problem(name, mark.line, mark.column, f"source quote of {whose} is not in the source text"))
    return problems


def _display_path(path: Path, root: Path | None) -> str:
    try:
        return str(path.relative_to(root.parent)) if root else str(path)
    except ValueError:
        return str(path)


def _location(error: dict) -> tuple:
    return tuple(part for part in error["loc"] if not (isinstance(part, str) and part.startswith("function-")))


def _within(loc: tuple, paths: list[tuple]) -> bool:
    return any(loc[: len(path)] == path for path in paths)


def _problems(name: str, document: yamltext.Document, error: dict) -> list[Problem]:
    """The located problems of one validation error (a whole-question check may carry several)."""
    cause = error.get("ctx", {}).get("error")
    if isinstance(cause, fileformat.FieldProblem) and cause.more:
        return [_problem(name, document, {**error, "msg": str(each), "ctx": {"error": each}}) for each in (cause, *cause.more)]
    return [_problem(name, document, error)]


def _problem(name: str, document: yamltext.Document, error: dict) -> Problem:
    loc = _location(error)
    cause = error.get("ctx", {}).get("error")
    if isinstance(cause, fileformat.FieldProblem):  # a whole-question check blaming one field: point at it
        loc = (*loc, *cause.path)
    mark = document.mark(loc)
    field = ".".join(str(part) for part in loc)
    message = error["msg"].removeprefix("Value error, ")
    if error["type"] == "string_too_short":
        message = "must not be empty"
    elif error["type"] == "list_type":
        message = "should be a list: write [one, two] or one '- item' per line"
    elif error["type"] == "string_type" and error.get("input") is None:
        message = "is empty: write a value (or remove it)"
    elif error["type"] in ("model_type", "dict_type", "model_attributes_type"):
        message = "should be a mapping of fields (id: ..., kind: ..., on lines of their own)"
    elif error["type"] == "extra_forbidden":
        message = f"unknown field '{loc[-1]}'" + _did_you_mean(loc, document)
    elif error["type"] == "missing":
        message = f"missing field '{loc[-1]}'"
    return Problem(name, mark.line, mark.column, f"{field}: {message}" if field else message)


def _did_you_mean(loc: tuple, document: yamltext.Document) -> str:
    parent = loc[:-1]
    model = {("facts",): FactModel, ("questions",): QuestionModel, ("questions", "pairs"): fileformat.PairModel}.get(tuple(p for p in parent if isinstance(p, str)), DeckFile)
    close = difflib.get_close_matches(str(loc[-1]), model.model_fields, n=1)
    return f" (did you mean '{close[0]}'?)" if close else ""


def _question_item(deck: DeckFile, q: QuestionModel, file: str, mark: yamltext.Mark) -> Item:
    prompt, answer = q.prompt or "", q.answer or ""
    if q.kind == "cloze":
        answer = fileformat.cloze_answer(q.text or "")
        if q.category == "date":
            answer = dates.parse_text(answer).iso()  # type: ignore[union-attr]
        prompt = CLOZE_BLANK.sub("_____", q.text or "")
    pairs = tuple(Pair(p.left, p.right, tuple(p.alternatives), p.source or "") for p in q.pairs)
    if pairs:  # the answer, as instructors' pages show it: the right pairing
        answer = "; ".join(f"{p.left}: {dates.parse_iso(p.right).display() if q.category == 'date' else p.right}"
                           for p in pairs)
    return Item(
        key=q.id, deck=deck.deck, kind=Kind(q.kind), category=Category(q.category), prompt=prompt,
        answer=answer, alternatives=tuple(q.alternatives), distractors=tuple(q.distractors),
        explanation=q.explanation or "", source=q.source or "", tags=_tags(deck.tags, q.tags),
        group=q.group or "", date=q.date or "", event=q.event or "", about=q.about or "", pairs=pairs, file=file,
        line=mark.line, column=mark.column,
    )


def _fact_items(deck: DeckFile, f: FactModel, file: str, mark: yamltext.Mark) -> list[Item]:
    when = f.answer if f.category == "date" else (f.date or "")
    forward_prompt, reverse_prompt = f.prompt, f.reverse_prompt
    if f.category == "date":
        phrase = dates.parse_iso(f.answer).phrase()
        forward_prompt = forward_prompt or f"According to the text, when was {f.subject} {f.verb}?"
        reverse_prompt = reverse_prompt or f"According to the text, what was {f.verb} {phrase}?"
    elif f.category == "place":
        forward_prompt = forward_prompt or f"According to the text, where was {f.subject} {f.verb}?"
        reverse_prompt = reverse_prompt or f"According to the text, what was {f.verb} in {f.answer}?"
    event = f.event or _sentence(f"{f.subject} was {f.verb}")
    common = dict(
        deck=deck.deck, kind=Kind.FACT, explanation=f.explanation or "", source=f.source or "",
        tags=_tags(deck.tags, f.tags), date=when, event=event, fact=f.id, about=f.about or "", file=file, line=mark.line, column=mark.column,
    )
    forward = Item(
        key=f.id, category=Category(f.category), prompt=forward_prompt or "", answer=f.answer,
        alternatives=tuple(f.alternatives), distractors=tuple(f.distractors), group=f.group or "", **common,
    )
    reverse = Item(
        key=f"{f.id}.reverse", category=Category(f.subject_category), prompt=reverse_prompt or "",
        answer=_sentence(f.subject, capital=False), alternatives=tuple(f.subject_alternatives),
        distractors=tuple(f.subject_distractors), group=f.subject_group or "", **common,
    )
    return [forward, reverse]


def _sentence(text: str, capital: bool = True) -> str:
    text = text.strip()
    if capital:
        return text[:1].upper() + text[1:]
    if text.lower().startswith("the ") and text[4:5].isupper():
        return text[4:]  # "the Society for ..." is asked as "Society for ..."
    return text


def _tags(deck_tags: Iterable[str], own: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys([*deck_tags, *own]))


def _declared_ids(path: Path, root: Path | None) -> list[Item]:
    """The ids a file that did not load declares, as bare items carrying only a key and a place."""
    try:
        document = yamltext.load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError):
        return []
    found: list[Item] = []
    if isinstance(document.value, dict):
        for part in ("questions", "facts"):
            entries = document.value.get(part)
            for index, entry in enumerate(entries if isinstance(entries, list) else []):
                if isinstance(entry, dict) and isinstance(entry.get("id"), str):
                    mark = document.mark((part, index))
                    found.append(Item(key=entry["id"], deck="", kind=Kind.TYPED, category=Category.PLACE, prompt="",
                                      answer="", file=_display_path(path, root), line=mark.line, column=mark.column))
    return found


def _check_across(decks: list[Deck], items: list[Item], declared: Sequence[Item] = ()) -> list[Problem]:
    problems: list[Problem] = []
    seen_decks: dict[str, Deck] = {}
    for deck in decks:
        if deck.key in seen_decks:
            problems.append(Problem(deck.file, 1, 1, f"deck '{deck.key}' is also declared in {seen_decks[deck.key].file}"))
        seen_decks[deck.key] = deck
    seen: dict[str, Item] = {}
    reported: set[tuple[str, int]] = set()
    for item in sorted([*items, *declared], key=lambda i: (i.file, i.line)):
        other = seen.get(item.key)
        # the two directions of one fact have distinct keys, so any repeat is a clash; a fact's is said once
        if other is not None and (item.file, item.line) not in reported:
            reported.add((item.file, item.line))
            problems.append(Problem(item.file, item.line, item.column, f"id '{item.key}' is already used at {other.file}:{other.line}"))
        seen.setdefault(item.key, item)
    return problems


def clashes(items: Sequence[Item], others: Iterable[Path], root: Path) -> list[Problem]:
    """Ids of `items` already used in the bank files `others` (under `root`): checking a file checks it against the rest."""
    used = {entry.key: entry for path in others for entry in _declared_ids(path, root)}
    problems: list[Problem] = []
    for item in items:
        other = used.get(item.fact or item.key)
        if other is not None and not item.key.endswith(".reverse"):
            problems.append(Problem(item.file, item.line, item.column,
                                    f"id '{item.fact or item.key}' is already used at {other.file}:{other.line}"))
    return problems
