"""Settings: a learner's scheduling, daily limits, day start and timezone."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user
from werkzeug.wrappers import Response
from wtforms.fields.choices import SelectChoice

from studyapp.db import get_session
from studyapp.flashcards import reviews, scheduler
from studyapp.flashcards.forms import SettingsForm
from studyapp.flashcards.views import signed_in

bp = Blueprint("settings", __name__)
bp.before_request(signed_in)


def timezone_names(current: str | None = None) -> list[str]:
    """The zones Settings offers: UTC and real Area/Location zones (and the learner's current one, kept)."""
    names = scheduler.real_zones()
    return names + ([current] if current and current not in names else [])


@bp.route("/settings", methods=["GET", "POST"])
def edit() -> str | Response:
    """The learner's scheduling and daily-limit settings."""
    form = SettingsForm(obj=current_user)
    form.timezone.choices = [SelectChoice(name, name) for name in timezone_names(current_user.timezone)]
    if form.validate_on_submit():
        reviews.save_settings(get_session(), current_user, {field.name: field.data for field in form if field.name in reviews.SETTINGS})
        flash("Settings saved.", "success")
        return redirect(url_for("settings.edit"))
    return render_template("flashcards/settings.html", form=form), 400 if form.errors else 200
