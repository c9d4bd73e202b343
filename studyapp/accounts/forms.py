"""The account forms: sign up, sign in, and a learner's data file to import."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import BooleanField, HiddenField, PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length, Optional, Regexp


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


class ImportForm(FlaskForm):
    """Upload a data file exported from this or another studyapp."""

    data_file = FileField("Data file (.json)", validators=[
        FileRequired("Choose the file you downloaded with “Download my data”."),
        FileAllowed(["json"], "Choose a .json file exported by studyapp.")])
    take_settings = BooleanField("Also take the settings in the file (retention, steps, limits, day start, timezone)")
