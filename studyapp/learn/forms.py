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
MAX_CHOSEN = 200


class LearnForm(FlaskForm):
    """Choose what to learn and how to answer."""

    deck = SelectField("Deck", choices=[SelectChoice("", "All decks")], default="")
    category = SelectField("Category", choices=[SelectChoice(*choice) for choice in CATEGORY_CHOICES], default="")
    answer_types = RadioField("Answer with", choices=[SelectChoice(*choice) for choice in ANSWER_TYPE_CHOICES], default="choice typed",
                              validators=[InputRequired("Choose how to answer.")])
    practice = BooleanField(PRACTICE_LABEL)


class ChosenForm(FlaskForm):
    """Learn (or practise) chosen questions: the timeline's about one event, the reading view's of a paragraph."""

    about = StringField(validators=[Optional(), Length(max=200)])
    practice = BooleanField(PRACTICE_LABEL)

    def chosen_keys(self, keys: list[str]) -> tuple[str, ...]:
        """The question ids the form names (`key`, repeated); raises ValueError saying what is wrong."""
        chosen = tuple(dict.fromkeys(key.strip() for key in keys if key.strip()))
        if not chosen or len(chosen) > MAX_CHOSEN or any(len(key) > 100 for key in chosen):
            raise ValueError(f"Choose 1 to {MAX_CHOSEN} questions to learn.")
        return chosen


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
