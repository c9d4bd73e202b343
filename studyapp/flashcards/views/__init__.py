"""Flashcard pages, one module per area (review, cards, progress, settings), and what they share."""

from __future__ import annotations

import threading
from datetime import date, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask import Flask, current_app, flash, request
from flask_login import current_user, login_required

from studyapp.current import utcnow
from studyapp.db import get_session, new_session
from studyapp.flashcards import fitting, reviews, scheduler
from studyapp.models import ParameterFit

STUDY_CLOCK = "studyapp.study_clock"  # the request's (zone, day_starts_hour) for study_day
_fits: dict[int, threading.Thread] = {}  # fit id -> the thread running it in this process


@login_required
def signed_in() -> None:
    """Every flashcard page belongs to a signed-in learner (each area's blueprint runs this first)."""


def learner_settings() -> scheduler.Settings:
    """The signed-in learner's scheduling settings."""
    return reviews.settings_of(current_user, fuzz=current_app.config["FSRS_FUZZ"])


def start_fit(trigger: str) -> ParameterFit | None:
    """Start fitting the signed-in learner's parameters off the request: a thread with a session of its own.

    None when a fit of theirs is already under way (in this process or another).
    """
    fit = fitting.start(get_session(), current_user, utcnow(), trigger)
    if fit is None:
        return None
    app, fit_id = current_app._get_current_object(), fit.id

    def work() -> None:
        with app.app_context():
            session = new_session()
            try:
                fitting.run(session, fit_id, utcnow)
            finally:
                session.close()
                _fits.pop(fit_id, None)

    _fits[fit_id] = threading.Thread(target=work, name=f"fsrs-fit-{fit_id}", daemon=True)
    _fits[fit_id].start()
    return fit


def fit_when_due(now: datetime) -> None:
    """After a rating: at the learner's first of the study day, start the automatic fit when it is due."""
    if fitting.automatic_fit_due(get_session(), current_user, now) and start_fit("automatic"):
        flash("You now have enough reviews for FSRS to learn how you remember: your parameters are being fitted "
              "(see Settings).", "info")


def wait_for_fits(timeout: float = 60) -> None:
    """Wait for every fit this process started (tests; a server that stops)."""
    for thread in list(_fits.values()):
        thread.join(timeout)


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
    clock = request.environ.get(STUDY_CLOCK)  # read from the learner once a request: a card list asks every row
    if clock is None:
        clock = request.environ[STUDY_CLOCK] = (_learner_zone().key, current_user.day_starts_hour)
    return scheduler.study_date(moment, *clock)


def _learner_zone() -> ZoneInfo:
    try:
        return ZoneInfo(current_user.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")
