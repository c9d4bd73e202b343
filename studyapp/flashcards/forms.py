"""The flashcard forms: one rating of one card, and a learner's study settings."""

from __future__ import annotations

import functools

from flask_wtf import FlaskForm
from markupsafe import Markup, escape
from wtforms import BooleanField, DecimalField, IntegerField, SelectField, StringField, ValidationError, widgets
from wtforms.validators import InputRequired, Length, NumberRange, Optional, StopValidation

from studyapp.flashcards import scheduler


class RateForm(FlaskForm):
    """One rating of one card; `version` makes a resent rating harmless."""

    rating = IntegerField(validators=[InputRequired(), NumberRange(1, 4, "Rate 1 (Again) to 4 (Easy).")])
    version = IntegerField(validators=[InputRequired(), NumberRange(0, 2**31 - 1)])
    shown_at = IntegerField(validators=[Optional(), NumberRange(0, 2**53)])


class FitForm(FlaskForm):
    """Fit (or reset) the learner's FSRS parameters: nothing but the CSRF token."""


class ZoneMenu(widgets.Select):
    """WTForms' select, with its 400-odd options rendered once per process (escaping each on every request took
    most of the settings page's time)."""

    def __call__(self, field: SelectField, **kwargs: object) -> Markup:
        kwargs.setdefault("id", field.id)
        shown = _options(tuple(choice.value for choice in field.choices))  # type: ignore[union-attr]
        chosen = escape(str(field.data)) if field.data is not None else None
        if chosen is not None:
            shown = shown.replace(f'<option value="{chosen}">', f'<option selected value="{chosen}">', 1)
        return Markup(f"<select {widgets.html_params(name=field.name, **kwargs)}>{shown}</select>")


@functools.lru_cache(maxsize=16)
def _options(values: tuple[str, ...]) -> str:
    return "".join(f'<option value="{escape(value)}">{escape(value)}</option>' for value in values)


def _finite(form: FlaskForm, field: DecimalField) -> None:
    """NaN, sNaN and infinities are numbers to Decimal, but no setting's (sNaN even breaks comparing)."""
    if field.data is not None and not field.data.is_finite():
        raise StopValidation("Give a number, like 0.90.")


class SettingsForm(FlaskForm):
    """A learner's study settings."""

    desired_retention = DecimalField("Desired retention", places=2, validators=[
        InputRequired("Give a desired retention."), _finite, NumberRange(0.7, 0.99, "Choose between 0.70 and 0.99.")])
    learning_steps = StringField("Learning steps", validators=[InputRequired(), Length(max=100)])
    relearning_steps = StringField("Relearning steps", validators=[InputRequired(), Length(max=100)])
    maximum_interval_days = IntegerField("Maximum interval (days)", validators=[
        InputRequired(), NumberRange(1, 36500, "Choose 1 to 36500 days.")])
    new_per_day = IntegerField("New cards per day", validators=[InputRequired(), NumberRange(0, 9999, "Choose 0 to 9999.")])
    reviews_per_day = IntegerField("Reviews per day", validators=[InputRequired(), NumberRange(0, 99999, "Choose 0 to 99999.")])
    day_starts_hour = IntegerField("Next day starts at (hour)", validators=[InputRequired(), NumberRange(0, 23, "Choose an hour from 0 to 23.")])
    timezone = SelectField("Timezone", widget=ZoneMenu())
    suspend_leeches = BooleanField("Suspend a card when it becomes a leech")

    def validate_learning_steps(self, field: StringField) -> None:
        _steps(field)

    def validate_relearning_steps(self, field: StringField) -> None:
        _steps(field)


def _steps(field: StringField) -> None:
    try:
        if not scheduler.parse_steps(field.data or ""):
            raise ValueError("give at least one step, like 10m")
    except ValueError as error:
        raise ValidationError(f"Steps are written like 1m 10m 1h: {error}.") from None
