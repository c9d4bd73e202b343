"""Instructor pages: the bank at a glance, its problems, item statistics (also as CSV), a preview of every question."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Response, abort, current_app, render_template, request
from flask_login import current_user, login_required

from studyapp.bank import files, sync
from studyapp.db import get_session
from studyapp.errors import Problem
from studyapp.instructor import service as instructor
from studyapp.instructor import statistics

bp = Blueprint("instructor", __name__, url_prefix="/instructor")


@bp.before_request
@login_required
def instructors_only() -> None:
    """Learners get a 403; visitors are sent to sign in."""
    if not current_user.is_instructor:
        abort(403, "This page is for instructors. An administrator can run: studyapp users make-instructor NAME")


def current_problems() -> list[Problem]:
    """Errors and warnings of the bank files as they are now (instructors want the files' state)."""
    checked = files.check_files(Path(current_app.config["QUESTIONS_DIR"]), current_app.config.get("SOURCE_TEXT"))
    return [*checked.errors, *checked.warnings]


@bp.get("/")
def overview() -> str:
    """Decks with counts, the last sync, current problems, and per deck a table of its questions (sort, filter)."""
    session, args = get_session(), request.args
    problems = current_problems()
    choice = instructor.TableChoice(args.get("sort", ""), args.get("deck", ""), args.get("kind", ""),
                                    args.get("category", ""), args.get("problems") == "1")
    tables = instructor.question_table(instructor.live_questions(session), instructor.answer_rates(session), problems, choice)
    return render_template("instructor/bank.html", decks=instructor.bank_counts(session), last=sync.last_sync(session),
                           problems=problems, tables=tables, choice=choice, sorts=list(instructor.SORTS),
                           stats=statistics.item_statistics(session, args.get("stats", "")), stats_sorts=statistics.SORTS,
                           coverage=instructor.text_coverage(session, current_app.config.get("SOURCE_TEXT"),
                                                             int(current_app.config["SOURCE_FOOTER_LINES"])))


@bp.get("/questions/<key>")
def question(key: str) -> str:
    """One question in each form a learner meets it, with how learners answer it and its item statistics."""
    session = get_session()
    shown = instructor.preview(session, key)
    return render_template("instructor/question.html", shown=shown, stats=statistics.question_statistics(session, key))


@bp.get("/statistics.csv")
def statistics_csv() -> Response:
    """The item statistics as a CSV download: a header row, then one row per question."""
    text = statistics.statistics_csv(statistics.item_statistics(get_session()))
    return Response(text, mimetype="text/csv", headers={"Content-Disposition": 'attachment; filename="item-statistics.csv"'})
