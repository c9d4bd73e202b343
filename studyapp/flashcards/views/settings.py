"""Settings: a learner's scheduling, daily limits, day start and timezone."""

from __future__ import annotations

from functools import lru_cache

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user
from werkzeug.wrappers import Response
from wtforms.fields.choices import SelectChoice

from studyapp.current import utcnow
from studyapp.db import get_session
from studyapp.flashcards import fitting, optimizer, reviews, scheduler
from studyapp.flashcards.forms import FitForm, SettingsForm
from studyapp.flashcards.views import signed_in, start_fit

bp = Blueprint("settings", __name__)
bp.before_request(signed_in)


def timezone_names(current: str | None = None) -> list[str]:
    """The zones Settings offers: UTC and real Area/Location zones (and the learner's current one, kept)."""
    names = scheduler.real_zones()
    return names + ([current] if current and current not in names else [])


@lru_cache(maxsize=64)
def _zone_choices(current: str | None) -> tuple[SelectChoice, ...]:
    """The zone menu's choices, made once per current zone (400-odd of them on every view was a tenth of it)."""
    return tuple(SelectChoice(name, name) for name in timezone_names(current))


@bp.route("/settings", methods=["GET", "POST"])
def edit() -> str | Response:
    """The learner's scheduling and daily-limit settings."""
    form = SettingsForm(obj=current_user)
    form.timezone.choices = _zone_choices(current_user.timezone)
    if form.validate_on_submit():
        reviews.save_settings(get_session(), current_user, {field.name: field.data for field in form if field.name in reviews.SETTINGS})
        flash("Settings saved.", "success")
        return redirect(url_for("settings.edit"))
    return render_template("flashcards/settings.html", form=form, **_fit_shown()), 400 if form.errors else 200


def _fit_shown() -> dict[str, object]:
    fit = fitting.latest(get_session(), current_user.id)
    return dict(fit=fit, running=fitting.is_running(fit, utcnow()), fit_form=FitForm(), stages=fitting.STAGES,
                defaults=scheduler.DEFAULT_PARAMETERS, minimum=optimizer.MIN_REVIEWS)


@bp.get("/settings/fit-status")
def fit_status() -> str:
    """The parameters part of Settings alone: what app.js fetches each second while a fit runs."""
    return render_template("flashcards/_fit_status.html", **_fit_shown())


@bp.post("/settings/fit")
def fit() -> Response:
    """Fit the learner's FSRS parameters to their reviews now (off the request; Settings shows how it goes)."""
    if FitForm().validate_on_submit() and start_fit("button") is None:
        flash("A fit of your parameters is already under way.", "info")
    return redirect(url_for("settings.edit", _anchor="fsrs-heading"))


@bp.post("/settings/reset-parameters")
def reset_parameters() -> Response:
    """Go back to FSRS's default parameters."""
    if FitForm().validate_on_submit():
        fitting.reset(get_session(), current_user)
        flash("Your schedule uses FSRS's default parameters again.", "success")
    return redirect(url_for("settings.edit", _anchor="fsrs-heading"))
