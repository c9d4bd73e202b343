"""The reading view: the source text paragraph by paragraph, the passages questions cite marked, and coverage."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template, request
from flask_login import current_user

from studyapp import current
from studyapp.bank import catalog, files, reading
from studyapp.db import get_session
from studyapp.flashcards import stats

bp = Blueprint("reading", __name__, url_prefix="/text")


@bp.get("/")
def text() -> str:
    """The article with its cited passages; a learner's standing per question; coverage for instructors."""
    found = files.read_article(current_app.config.get("SOURCE_TEXT"), int(current_app.config["SOURCE_FOOTER_LINES"]))
    if found.article is None:
        return render_template("reading/missing.html", note=found.note)
    session, learner_id = get_session(), current.learner_id()
    citations, coverage = catalog.citations(session, found.article)
    shown_coverage = bool(learner_id and current_user.is_instructor and request.args.get("coverage") == "1")
    return render_template(
        "reading/text.html", article=found.article, citations=citations, items=catalog.live_by_key(session),
        coverage_view=shown_coverage, coverage=coverage,
        standing=stats.standing_by_question(session, learner_id) if learner_id else None)


@bp.app_template_global()
def paragraph_keys(citations: list[reading.Citation], number: int) -> list[str]:
    """The questions citing a paragraph, in the order their passages come."""
    return list(dict.fromkeys(c.key for c in sorted(citations, key=lambda c: (c.start, c.key)) if c.paragraph == number))


@bp.app_template_global()
def passages(paragraph: reading.Paragraph, citations: list[reading.Citation]) -> list[reading.Segment]:
    """The paragraph in runs, each cited passage with the questions citing it."""
    return reading.joined(reading.segments(paragraph, citations))


@bp.app_template_global()
def standing_counts(keys: list[str], items: dict, standing: dict[str, str]) -> dict[str, int]:
    """How many of these questions (those that make cards) the learner knows, is learning, has not met, or leeches."""
    counts = dict.fromkeys(("known", "learning", "new", "leech"), 0)
    for key in keys:
        if items[key].is_card:
            counts[standing.get(key, "new")] += 1
    return counts
