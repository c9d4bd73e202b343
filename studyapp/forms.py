"""Flask-WTF forms: fields, their checks and CSRF."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms.fields.choices import SelectChoice
from wtforms import HiddenField, IntegerField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, EqualTo, InputRequired, Length, NumberRange, Optional, Regexp

from studyapp.study import MAX_SEED

CATEGORY_CHOICES = [SelectChoice(value, label) for value, label in [
    ("", "All categories"), ("date", "Dates"), ("place", "Places"), ("organization", "Organizations"),
    ("person", "People"), ("event", "Events"), ("publication", "Publications"), ("idea", "Ideas"),
]]


class QuizForm(FlaskForm):
    """Choose what to be quizzed on."""

    deck = SelectField("Deck", choices=[SelectChoice("", "All decks")])
    category = SelectField("Category", choices=CATEGORY_CHOICES)
    length = IntegerField("Number of questions", default=10,
                          validators=[InputRequired("Say how many questions."), NumberRange(1, 50, "Choose 1 to 50 questions.")])
    seed = IntegerField("Seed (optional: the same seed gives the same quiz)",
                        validators=[Optional(), NumberRange(0, MAX_SEED, f"A seed is a whole number from 0 to {MAX_SEED}.")])


class AnswerForm(FlaskForm):
    """One answer to one quiz question."""

    position = HiddenField(validators=[DataRequired(), Regexp(r"^\d{1,3}$")])
    response = StringField("Your answer", validators=[Optional(), Length(max=500)])


class RegisterForm(FlaskForm):
    """Sign up."""

    username = StringField("Username", validators=[
        DataRequired("Choose a username."), Length(3, 40, "A username has 3 to 40 characters."),
        Regexp(r"^[\w.-]+$", message="Use letters, digits, dots, dashes or underscores."),
    ])
    password = PasswordField("Password", validators=[
        DataRequired("Choose a password."), Length(8, 200, "A password has at least 8 characters.")])
    confirm = PasswordField("Repeat the password", validators=[
        DataRequired("Repeat the password."), EqualTo("password", "The two passwords differ.")])


class LoginForm(FlaskForm):
    """Sign in."""

    username = StringField("Username", validators=[DataRequired("Enter your username."), Length(max=40)])
    password = PasswordField("Password", validators=[DataRequired("Enter your password."), Length(max=200)])
