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
from flask.cli import AppGroup, with_appcontext

from studyapp import tallies
from studyapp.accounts import service as accounts
from studyapp.anki import formats
from studyapp.anki import service as anki
from studyapp.bank import files, reading, watch
from studyapp.bank.fileformat import DeckFile
from studyapp.bank.items import Bank
from studyapp.config import shipped
from studyapp.current import utcnow
from studyapp.db import get_session
from studyapp.errors import BankError, StudyError
from studyapp.flashcards import fitting

questions = AppGroup("questions", help="Check and apply the question bank.")
database = AppGroup("db", help="Create and migrate the database; count progress again.")
users = AppGroup("users", help="Manage learners.")
export = AppGroup("export", help="Export decks.")


def init_app(app: Flask) -> None:
    """Add the command groups to `flask` / `studyapp`."""
    for group in (questions, database, users, export):
        app.cli.add_command(group)
    app.cli.add_command(serve)


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


@database.command("recount")
@with_appcontext
def db_recount() -> None:
    """Work every learner's progress counts out again from the review log and the cards (they are kept as
    ratings come; this sets them right after an outage or a hand-made change to the database)."""
    session = get_session()
    tallies.rebuild(session)
    tallies.rebuild_cards(session)
    session.commit()
    click.echo("Counted again: reviews per quarter hour, retention per deck and category, cards per deck and due time.")


@questions.command("check")
@click.argument("paths", nargs=-1, type=click.Path(exists=True))
@with_appcontext
def check(paths: tuple[str, ...]) -> None:
    """Validate the bank, or the given folders and files together; print every problem as file:line:column.

    Exits 1 on any error.
    """
    checked = files.check_files(Path(current_app.config["QUESTIONS_DIR"]), current_app.config.get("SOURCE_TEXT"),
                                [Path(p) for p in paths])
    if checked.note:
        click.echo(("warning: " if current_app.config.get("SOURCE_TEXT") else "note: ") + checked.note, err=True)
    for problem in [*checked.errors, *checked.warnings]:
        click.echo(str(problem), err=True)
    if checked.bank is None:
        count = len(checked.errors)
        click.echo(f"{count} error{'s' if count != 1 else ''}: nothing can be synced", err=True)
        raise click.exceptions.Exit(1)
    count = len(checked.warnings) + (1 if checked.note and current_app.config.get("SOURCE_TEXT") else 0)
    click.echo(describe(checked.bank) + (f"; {count} warning{'s' if count != 1 else ''}" if count else ""))


@questions.command("coverage")
@with_appcontext
def coverage() -> None:
    """How much of the source text the bank cites: the share, and each sentence no question cites.

    Exits 1 when there is no source text to read or the bank has errors.
    """
    found, checked, covered = files.coverage_of_files(Path(current_app.config["QUESTIONS_DIR"]),
                                                      current_app.config.get("SOURCE_TEXT"),
                                                      int(current_app.config["SOURCE_FOOTER_LINES"]))
    if found.article is None:
        raise click.ClickException(f"{found.note} Set STUDYAPP_SOURCE_TEXT to the text's path.")
    if covered is None:
        for problem in checked.errors:
            click.echo(str(problem), err=True)
        raise click.ClickException("the bank has errors: run `studyapp questions check`")
    click.echo(f"{covered.sentences - len(covered.uncovered)} of {covered.sentences} sentences cited "
               f"({covered.sentence_share:.0%}); cited passages hold {covered.character_share:.0%} of the text; "
               f"{len(covered.several)} sentences cited by several questions")
    if covered.uncovered:
        click.echo("Not cited:")
    for number, index in covered.uncovered:
        click.echo(f"  paragraph {number}: {reading.first_words(found.article.paragraphs[number - 1].sentences[index].text)}")
    for key in covered.unplaced:
        click.echo(f"warning: the quote of {key} is not in the source text", err=True)


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
        report = files.sync_files(get_session(), Path(current_app.config["QUESTIONS_DIR"]),
                                  current_app.config.get("SOURCE_TEXT"), datetime.now(timezone.utc), dry_run)
    except BankError as error:
        for problem in error.problems:
            click.echo(str(problem), err=True)
        raise click.ClickException("the bank has problems: nothing was changed") from None
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
@click.option("--learner", "username", help="That learner's cards (studied or suspended); an .apkg carries their "
              "schedules, review log and settings.")
@with_appcontext
def export_anki(deck_key: str | None, category: str | None, tag: str | None, fmt: str, output: str,
                username: str | None) -> None:
    """Write decks as Anki notes: a CSV for File > Import, or an .apkg package."""
    session = get_session()
    chosen = anki.ExportFilter(deck_key, category, tag)
    learner = accounts.find_learner(session, username) if username else None
    if username and learner is None:
        raise click.ClickException(f"There is no learner called '{username}'.")
    try:
        anki.check_filter(session, chosen)
    except StudyError as error:
        raise click.ClickException(str(error)) from None
    now = utcnow()
    notes = anki.notes_for_export(session, chosen, learner.id if learner else None, now)
    if fmt == "apkg":
        if output == "-":
            raise click.UsageError("an .apkg is a binary file: give -o FILE.apkg")
        if learner is None:
            count = formats.write_apkg(notes, Path(output), now.timestamp())
        else:
            shown, package = anki.learner_package(session, learner, chosen, now)
            count = formats.write_apkg(shown, Path(output), now.timestamp(), package)
    else:  # "-" is standard output; a file is written whole or not at all
        with click.open_file(output, "w", encoding="utf-8", atomic=True) as handle:
            count = formats.write_csv(notes, handle)
    if output != "-":
        click.echo(f"Wrote {count} notes to {output}", err=True)


@users.command("fit")
@click.argument("username")
@with_appcontext
def fit_parameters(username: str) -> None:
    """Fit a learner's FSRS parameters to their reviews now, as the button in Settings does."""
    session = get_session()
    learner = accounts.find_learner(session, username)
    if learner is None:
        raise click.ClickException(f"There is no learner called '{username}'.")
    fit = fitting.start(session, learner, utcnow(), "command")
    if fit is None:
        raise click.ClickException(f"A fit of {username}'s parameters is already under way.")
    done = fitting.run(session, fit.id, utcnow, progress=lambda stage: click.echo(f"{fitting.STAGES[stage]}...", err=True))
    click.echo(done.message)
    if done.log_loss_before is not None:
        click.echo(f"On {done.reviews} reviews: log loss {done.log_loss_before:.4f} -> {done.log_loss_after:.4f}, "
                   f"RMSE(bins) {done.rmse_before:.2%} -> {done.rmse_after:.2%}")


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
