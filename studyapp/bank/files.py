"""The bank files' use cases: check them (load and lint) and sync them, for the CLI, live reload and instructors.

Adapters pass in where the files and the source text are and print or show what comes back; the source text
is read in one place, so an unreadable one is the same located problem everywhere, never a traceback.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from studyapp.bank import lint, load, reading, sync
from studyapp.bank.items import Bank, Item
from studyapp.errors import BankError, Problem

QUOTES_UNCHECKED = "quotes were not checked"


@dataclass(frozen=True)
class Source:
    """The studied text, when one is configured and readable, and what to say when it is not."""

    text: str | None = None
    note: str | None = None  # not configured or not found: quotes go unchecked, a warning
    problem: Problem | None = None  # configured but unreadable: an error


def read_source(path: str | None) -> Source:
    """Read the source text at `path`; a missing file is a note, a folder or non-UTF-8 file a located problem."""
    if not path:
        return Source(note=f"no source text is configured (SOURCE_TEXT): {QUOTES_UNCHECKED}")
    try:
        raw = Path(path).read_bytes()
    except FileNotFoundError:
        return Source(note=f"source text {path} not found: {QUOTES_UNCHECKED}")
    except IsADirectoryError:
        return Source(problem=Problem(path, 0, 0, f"the source text is a folder, not a file: {QUOTES_UNCHECKED}"))
    except OSError as error:
        return Source(problem=Problem(path, 0, 0, f"the source text cannot be read ({error.strerror}): {QUOTES_UNCHECKED}"))
    try:
        return Source(text=raw.decode("utf-8"))
    except UnicodeDecodeError as error:
        before = raw[: error.start].decode("utf-8")
        line, column = before.count("\n") + 1, len(before) - (before.rfind("\n") + 1) + 1
        return Source(problem=Problem(path, line, column, f"the source text is not UTF-8 (byte 0x{raw[error.start]:02x}): "
                                                          f"save it as UTF-8; {QUOTES_UNCHECKED}"))


@dataclass(frozen=True)
class Checked:
    """What checking the bank files found: the bank when it loads, its errors, its warnings."""

    bank: Bank | None
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    note: str | None = None  # why quotes went unchecked, if they did


def check_files(questions_dir: Path, source_path: str | None, paths: Sequence[Path] = ()) -> Checked:
    """Load and lint the bank (or `paths` of it, against the rest of the configured bank); never raises."""
    source = read_source(source_path)
    if source.problem is not None:
        return Checked(None, [source.problem], note=source.note)
    try:
        loaded = load.load_bank(list(paths) or [questions_dir], source.text)
        clashing = _clashes_with_rest(questions_dir, paths, loaded)
        if clashing:
            raise BankError(clashing)
    except BankError as error:
        return Checked(None, error.problems, note=source.note)
    return Checked(loaded, warnings=lint.warnings_for(loaded, _distractor_pool(questions_dir, paths, loaded)),
                   note=source.note)


def _within(questions_dir: Path, paths: Sequence[Path]) -> bool:
    folder = questions_dir.resolve()
    return bool(paths) and all(path.resolve().is_relative_to(folder) for path in paths)


def _clashes_with_rest(questions_dir: Path, paths: Sequence[Path], loaded: Bank) -> list[Problem]:
    """When only files of the configured bank are checked: their ids that its other files already use."""
    if not _within(questions_dir, paths):
        return []
    folder = questions_dir.resolve()
    checked = {path.resolve() for path, _ in load.bank_files(list(paths))[0]}
    others = [path for path, _ in load.bank_files([folder])[0] if path.resolve() not in checked]
    return load.clashes(loaded.items, others, folder)


def _distractor_pool(questions_dir: Path, paths: Sequence[Path], loaded: Bank) -> list[Item]:
    """The items quizzes draw distractors from: the whole configured bank when only files of it are checked."""
    if not _within(questions_dir, paths):
        return list(loaded.items)
    try:
        whole = load.load_bank(questions_dir.resolve())
    except BankError:  # the rest of the bank has its own problems: lint what was checked on its own
        return list(loaded.items)
    checked = {item.key for item in loaded.items}
    return [*loaded.items, *(item for item in whole.items if item.key not in checked)]


def sync_files(session: Session, questions_dir: Path, source_path: str | None, now: datetime,
               dry_run: bool = False) -> sync.SyncReport:
    """Load the bank and apply it in one transaction; raises BankError (recorded unless a dry run) on problems.

    Another worker applying the same change first is no failure: the bank is then already as the files say.
    """
    source = read_source(source_path)
    try:
        if source.problem is not None:
            raise BankError([source.problem])
        loaded = load.load_bank(questions_dir, source.text)
    except BankError as error:
        if not dry_run:
            sync.record_failure(session, error.problems, now)
        raise
    try:
        return sync.sync_bank(session, loaded, now, dry_run=dry_run)
    except IntegrityError:
        session.rollback()
        return sync.sync_bank(session, loaded, now, dry_run=True)


@dataclass(frozen=True)
class Reading:
    """The article of the configured source text, or why there is none (not configured, not found, unreadable)."""

    article: reading.Article | None
    note: str = ""


_articles: dict[tuple[str, int, int, int], reading.Article] = {}  # (path, size, mtime, footer lines) -> article


def read_article(source_path: str | None, footer_lines: int) -> Reading:
    """The source text's article, read again only when the file changes."""
    if not source_path:
        return Reading(None, "No source text is configured.")
    try:
        stat = Path(source_path).stat()
    except OSError:
        return Reading(None, f"The source text {source_path} was not found.")
    key = (source_path, stat.st_size, stat.st_mtime_ns, footer_lines)
    article = _articles.get(key)
    if article is None:
        source = read_source(source_path)
        if source.text is None:
            return Reading(None, str(source.problem or source.note))
        article = reading.read_article(source.text, footer_lines)
        _articles.clear()  # the file changed (or another one is configured): only the newest is kept
        _articles[key] = article
    return Reading(article)


def coverage_of_files(questions_dir: Path, source_path: str | None, footer_lines: int) -> tuple[Reading, Checked,
                                                                                             reading.Coverage | None]:
    """How much of the source text the bank files cite (for `questions coverage`)."""
    found = read_article(source_path, footer_lines)
    checked = check_files(questions_dir, None)  # a quote the text lacks is reported here as not placed, not an error
    if found.article is None or checked.bank is None:
        return found, checked, None
    citations, missing = reading.cite(found.article, checked.bank.items)
    return found, checked, reading.coverage(found.article, citations, missing)
