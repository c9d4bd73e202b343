"""Command line: `studyapp serve`, `studyapp questions check|sync|schema`, `studyapp db upgrade`, `studyapp users ...`.

The same commands run as `flask --app studyapp ...`.
"""

from __future__ import annotations

import json
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path

import click
from alembic import command
from alembic.config import Config
from flask import Flask, current_app
from flask.cli import AppGroup, FlaskGroup, with_appcontext

from studyapp.anki import service as anki
from studyapp.bank.items import Bank, Item
from studyapp.accounts import service as accounts
from studyapp.anki import formats
from studyapp.bank import lint, load, watch
from studyapp.bank import sync as bank_sync
from studyapp import config
from studyapp.config import shipped
from studyapp.db import get_session
from studyapp.errors import BankError, Problem, StudyError
from studyapp.bank.fileformat import DeckFile

questions = AppGroup("questions", help="Check and apply the question bank.")
database = AppGroup("db", help="Create and migrate the database.")
users = AppGroup("users", help="Manage learners.")
export = AppGroup("export", help="Export decks.")


def init_app(app: Flask) -> None:
    """Add the command groups to `flask` / `studyapp`."""
    for group in (questions, database, users, export):
        app.cli.add_command(group)
    app.cli.add_command(serve)


def main() -> None:
    """Entry point of the `studyapp` command."""
    from studyapp import create_app

    def create() -> Flask:
        try:
            return create_app()
        except config.ConfigError as error:  # a bad setting: its message, not a traceback
            raise click.ClickException(str(error)) from None

    FlaskGroup(create_app=create, help="studyapp: quizzes and flashcards for one text.")(prog_name="studyapp")


def read_bank(paths: tuple[str, ...] = ()) -> Bank:
    """Load the configured questions folder (or the given folders and files, as one bank); raises BankError."""
    chosen = [Path(p) for p in paths] or [Path(current_app.config["QUESTIONS_DIR"])]
    return load.load_bank(chosen, config.source_text(current_app))


def source_problem() -> str | None:
    """Why SOURCE_TEXT, when set, cannot be read (so citations go unchecked), or None."""
    path = current_app.config.get("SOURCE_TEXT")
    if not path:
        return None
    if not Path(path).is_file():
        return f"source text {path} not found: quotes were not checked"
    try:
        Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        return f"source text {path} cannot be read ({error.__class__.__name__}): quotes were not checked"
    return None


def alembic_config() -> Config:
    """Alembic's settings, pointing at the project's migrations."""
    cfg = Config()
    cfg.set_main_option("script_location", str(shipped("migrations")))
    return cfg


def upgrade_database() -> None:
    """Bring the database to the newest revision."""
    command.upgrade(alembic_config(), "head")


@database.command("upgrade")
@with_appcontext
def db_upgrade() -> None:
    """Create the tables or migrate them to the newest revision."""
    upgrade_database()
    click.echo("Database is at the newest revision.")


@questions.command("check")
@click.argument("paths", nargs=-1, type=click.Path(exists=True))
@with_appcontext
def check(paths: tuple[str, ...]) -> None:
    """Validate the bank, or the given folders and files together; print every problem as file:line:column.

    Exits 1 on any error.
    """
    unreadable = source_problem()
    if unreadable:
        click.echo(f"warning: {unreadable}", err=True)
    elif not current_app.config.get("SOURCE_TEXT"):
        click.echo("note: no source text is configured (SOURCE_TEXT): quotes were not checked", err=True)
    try:
        loaded = read_bank(paths)
        clashing = rest_of_bank_clashes(paths, loaded)
        if clashing:
            raise BankError(clashing)
    except BankError as error:
        for problem in error.problems:
            click.echo(str(problem), err=True)
        click.echo(f"{len(error.problems)} error{'s' if len(error.problems) != 1 else ''}: nothing can be synced", err=True)
        raise click.exceptions.Exit(1) from None
    warnings = lint.warnings_for(loaded, distractor_pool(paths, loaded))
    for problem in warnings:
        click.echo(str(problem), err=True)
    count = len(warnings) + (1 if unreadable else 0)
    click.echo(describe(loaded) + (f"; {count} warning{'s' if count != 1 else ''}" if count else ""))


def rest_of_bank_clashes(paths: tuple[str, ...], loaded: Bank) -> list[Problem]:
    """When only files of the configured bank are checked: their ids that its other files already use."""
    folder = Path(current_app.config["QUESTIONS_DIR"]).resolve()
    if not paths or not all(Path(p).resolve().is_relative_to(folder) for p in paths):
        return []
    checked = {path.resolve() for path, _ in load.bank_files([Path(p) for p in paths])[0]}
    others = [path for path, _ in load.bank_files([folder])[0] if path.resolve() not in checked]
    return load.clashes(loaded.items, others, folder)


def distractor_pool(paths: tuple[str, ...], loaded: Bank) -> list[Item]:
    """The items quizzes draw distractors from: the whole configured bank when only files of it are checked."""
    folder = Path(current_app.config["QUESTIONS_DIR"]).resolve()
    if not paths or not all(Path(p).resolve().is_relative_to(folder) for p in paths):
        return list(loaded.items)
    try:
        whole = load.load_bank(folder)
    except BankError:  # the rest of the bank has its own problems: lint what was checked on its own
        return list(loaded.items)
    checked = {item.key for item in loaded.items}
    return [*loaded.items, *(item for item in whole.items if item.key not in checked)]


def describe(loaded: Bank) -> str:
    """A one-line summary of a bank."""
    categories = Counter(item.category.value for item in loaded.items)
    kinds = Counter(item.kind.value for item in loaded.items)
    return (f"OK: {len(loaded.decks)} decks, {len(loaded.items)} questions "
            f"({', '.join(f'{n} {c}' for c, n in sorted(categories.items()))}; "
            f"{', '.join(f'{n} {k}' for k, n in sorted(kinds.items()))})")


@questions.command("sync")
@click.option("--dry-run", is_flag=True, help="Report what would change; change nothing.")
@with_appcontext
def sync(dry_run: bool) -> None:
    """Apply the bank to the database in one transaction."""
    try:
        loaded = read_bank()
    except BankError as error:
        for problem in error.problems:
            click.echo(str(problem), err=True)
        if not dry_run:
            bank_sync.record_failure(get_session(), error.problems, datetime.now(timezone.utc))
        raise click.ClickException("the bank has problems: nothing was changed") from None
    report = bank_sync.sync_bank(get_session(), loaded, datetime.now(timezone.utc), dry_run=dry_run)
    for label, keys in (("added", report.added), ("changed", report.changed),
                        ("retired", report.retired), ("revived", report.revived)):
        for key in keys:
            click.echo(f"{label}: {key}")
    click.echo(("Would apply: " if dry_run else "Synced: ") + report.summary())


@questions.command("schema")
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write to this file instead of stdout.")
def schema(output: str | None) -> None:
    """Print the JSON Schema of a bank file, for editors."""
    text = schema_text()
    if output:
        Path(output).write_text(text, encoding="utf-8")
    else:
        click.echo(text, nl=False)


def schema_text() -> str:
    """The JSON Schema of DeckFile, as committed in questions/schema.json."""
    document = DeckFile.model_json_schema()
    document["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    document["title"] = "studyapp question bank file"
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


@export.command("anki")
@click.option("--deck", "deck_key", help="Only this deck (its key); all decks by default.")
@click.option("--category", help="Only this category (date, place, organization, ...).")
@click.option("--tag", help="Only questions with this tag.")
@click.option("--format", "fmt", type=click.Choice(["csv", "apkg"]), default="csv", show_default=True)
@click.option("-o", "--output", default="-", show_default=True, help="File to write; - is standard output (CSV only).")
@with_appcontext
def export_anki(deck_key: str | None, category: str | None, tag: str | None, fmt: str, output: str) -> None:
    """Write decks as Anki notes: a CSV for File > Import, or an .apkg package."""
    session = get_session()
    chosen = anki.ExportFilter(deck_key, category, tag)
    try:
        anki.check_filter(session, chosen)
    except StudyError as error:
        raise click.ClickException(str(error)) from None
    notes = anki.notes_for_export(session, chosen)
    if fmt == "apkg":
        if output == "-":
            raise click.UsageError("an .apkg is a binary file: give -o FILE.apkg")
        count = formats.write_apkg(notes, Path(output))
    else:  # "-" is standard output; a file is written whole or not at all
        with click.open_file(output, "w", encoding="utf-8", atomic=True) as handle:
            count = formats.write_csv(notes, handle)
    if output != "-":
        click.echo(f"Wrote {count} notes to {output}", err=True)


@users.command("make-instructor")
@click.argument("username")
@with_appcontext
def make_instructor(username: str) -> None:
    """Give a learner the instructor role."""
    try:
        learner = accounts.make_instructor(get_session(), username)
    except StudyError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"{learner.username} is now an instructor.")


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@with_appcontext
def serve(host: str, port: int) -> None:
    """Migrate the database, sync the bank, then serve the app (for one machine; see README for production)."""
    upgrade_database()
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    report = watch.apply_files(app)
    if report is None:
        click.echo("The bank has problems (see `studyapp questions check`): serving the last good bank in the database.", err=True)
    else:
        click.echo(f"Bank synced: {report.summary()}")
    app.config["BANK_AUTO_SYNC"] = True
    watch.init_app(app)
    click.echo(f"Edits to {app.config['QUESTIONS_DIR']} are applied while it runs.")
    click.echo(f"studyapp is running at http://{host}:{port}/ (Ctrl+C stops it)")
    from werkzeug.serving import run_simple

    run_simple(host, port, app, threaded=True)
