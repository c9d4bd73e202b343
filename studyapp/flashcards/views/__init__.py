"""Flashcard pages, one module per area (review, cards, progress, settings), and what they share."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask import Flask, current_app
from flask_login import current_user, login_required

from studyapp.current import utcnow
from studyapp.flashcards import reviews, scheduler


@login_required
def signed_in() -> None:
    """Every flashcard page belongs to a signed-in learner (each area's blueprint runs this first)."""


def learner_settings() -> scheduler.Settings:
    """The signed-in learner's scheduling settings."""
    return reviews.settings_of(current_user, fuzz=current_app.config["FSRS_FUZZ"])


def init_app(app: Flask) -> None:
    """The template filters every page that shows a learner's times uses."""
    app.add_template_filter(learner_time)
    app.add_template_filter(study_day)


def learner_time(moment: datetime, now: datetime | None = None) -> str:
    """A time in the learner's timezone, with the day when it is not today there: "04:09 Asia/Seoul"."""
    zone = _learner_zone()
    local, today = moment.astimezone(zone), (now or utcnow()).astimezone(zone).date()
    if local.date() == today:
        shown = local.strftime("%H:%M")
    else:
        shown = local.strftime("%a %d %b, %H:%M" if local.year == today.year else "%a %d %b %Y, %H:%M")
    return f"{shown} {zone.key}"


def study_day(moment: datetime) -> date:
    """The learner's study day a moment belongs to (their timezone, their day_starts_hour)."""
    return scheduler.study_date(moment, _learner_zone().key, current_user.day_starts_hour)


def _learner_zone() -> ZoneInfo:
    try:
        return ZoneInfo(current_user.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")
