"""Flask-WTF forms: fields, their checks and CSRF."""

from __future__ import annotations

from collections.abc import Iterable

from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms.fields.choices import SelectChoice
from wtforms import BooleanField, DecimalField, HiddenField, IntegerField, PasswordField, SelectField, StringField, ValidationError
from wtforms.validators import DataRequired, EqualTo, InputRequired, Length, NumberRange, Optional, Regexp, StopValidation

from studyapp import scheduler
from studyapp.study import MAX_SEED

CATEGORY_CHOICES = [SelectChoice(value, label) for value, label in [
    ("", "All categories"), ("date", "Dates"), ("place", "Places"), ("organization", "Organizations"),
    ("person", "People"), ("event", "Events"), ("publication", "Publications"), ("idea", "Ideas"),
]]


class QuizForm(FlaskForm):
    """Choose what to be quizzed on."""

    deck = SelectField("Deck", choices=[SelectChoice("", "All decks")], default="")
    category = SelectField("Category", choices=CATEGORY_CHOICES, default="")
    length = IntegerField("Number of questions", default=10,
                          validators=[InputRequired("Say how many questions."), NumberRange(1, 50, "Choose 1 to 50 questions.")])
    seed = IntegerField("Seed (optional: the same seed gives the same quiz)",
                        validators=[Optional(), NumberRange(0, MAX_SEED, f"A seed is a whole number from 0 to {MAX_SEED}.")])

    def validate_given(self, names: Iterable[str]) -> bool:
        """Check only the fields a shared link gives (a link carries no CSRF token and may leave fields out)."""
        given = [self[name] for name in names if name in self and name != "csrf_token"]
        return all([field.validate(self) for field in given])


class AnswerForm(FlaskForm):
    """One answer to one quiz question."""

    position = HiddenField(validators=[DataRequired(), Regexp(r"^\d{1,3}$")])
    response = StringField("Your answer", validators=[Optional(), Length(max=500)])


def _finite(form: FlaskForm, field: DecimalField) -> None:
    """NaN, sNaN and infinities are numbers to Decimal, but no setting's (sNaN even breaks comparing)."""
    if field.data is not None and not field.data.is_finite():
        raise StopValidation("Give a number, like 0.90.")


class RegisterForm(FlaskForm):
    """Sign up."""

    # ASCII only: names are matched whatever their case, and SQLite's lower() folds ASCII letters alone
    # (and PostgreSQL's folds Σ otherwise than Python), so "Ärger" could never sign in again.
    username = StringField("Username", filters=[lambda value: value.strip() if isinstance(value, str) else value], validators=[
        DataRequired("Choose a username."), Length(3, 40, "A username has 3 to 40 characters."),
        Regexp(r"^[A-Za-z0-9._-]+\Z", message="Use the letters a to z, digits, dots, dashes or underscores."),
    ])
    password = PasswordField("Password", validators=[
        DataRequired("Choose a password."), Length(8, 200, "A password has at least 8 characters.")])
    confirm = PasswordField("Repeat the password", validators=[
        DataRequired("Repeat the password."), EqualTo("password", "The two passwords differ.")])
    # Filled in by the browser (static/timezone.js) with its own zone; an unknown or missing one means UTC.
    timezone = HiddenField(validators=[Optional(), Length(max=64)])


class LoginForm(FlaskForm):
    """Sign in."""

    username = StringField("Username", validators=[DataRequired("Enter your username."), Length(max=40)])
    password = PasswordField("Password", validators=[DataRequired("Enter your password."), Length(max=200)])


class RateForm(FlaskForm):
    """One rating of one card; `version` makes a resent rating harmless."""

    rating = IntegerField(validators=[InputRequired(), NumberRange(1, 4, "Rate 1 (Again) to 4 (Easy).")])
    version = IntegerField(validators=[InputRequired(), NumberRange(0, 2**31 - 1)])
    shown_at = IntegerField(validators=[Optional(), NumberRange(0, 2**53)])


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
    timezone = SelectField("Timezone")
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


class ImportForm(FlaskForm):
    """Upload a data file exported from this or another studyapp."""

    data_file = FileField("Data file (.json)", validators=[
        FileRequired("Choose the file you downloaded with “Download my data”."),
        FileAllowed(["json"], "Choose a .json file exported by studyapp.")])
    take_settings = BooleanField("Also take the settings in the file (retention, steps, limits, day start, timezone)")
