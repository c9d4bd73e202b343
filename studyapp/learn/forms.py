"""The Learn forms: what to learn and how, and one answer."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, RadioField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional, Regexp

from studyapp.bank.catalog import DeckSummary
from studyapp.bank.items import CATEGORY_CHOICES

ANSWER_TYPE_CHOICES = [("choice typed", "Multiple choice, then typed recall"), ("choice", "Multiple choice only"),
                       ("typed", "Typed answers only")]
PRACTICE_LABEL = "Practice: don't change my schedule"


class LearnForm(FlaskForm):
    """Choose what to learn and how to answer."""

    deck = SelectField("Deck", choices=[SelectChoice("", "All decks")], default="")
    category = SelectField("Category", choices=[SelectChoice(*choice) for choice in CATEGORY_CHOICES], default="")
    answer_types = RadioField("Answer with", choices=[SelectChoice(*choice) for choice in ANSWER_TYPE_CHOICES], default="choice typed",
                              validators=[InputRequired("Choose how to answer.")])
    practice = BooleanField(PRACTICE_LABEL)


class LearnAnswerForm(FlaskForm):
    """One answer to the question of one step."""

    step = HiddenField(validators=[DataRequired(), Regexp(r"^\d{1,4}$")])
    key = HiddenField(validators=[DataRequired(), Length(max=100)])
    response = StringField("Your answer", validators=[Optional(), Length(max=500)])


class OverrideForm(FlaskForm):
    """"I was right" for one step."""

    step = HiddenField(validators=[DataRequired(), Regexp(r"^\d{1,4}$")])


def learn_form(decks: list[DeckSummary], practice: bool, **kwargs: object) -> LearnForm:
    """A LearnForm offering the live decks, practice ticked as the learner left it."""
    form = LearnForm(practice=practice, **kwargs)
    form.deck.choices = [SelectChoice("", "All decks"), *(SelectChoice(d.key, d.title) for d in decks)]
    return form
