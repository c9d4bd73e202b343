"""The quiz forms: what to be quizzed on, and one answer."""

from __future__ import annotations

from collections.abc import Iterable

from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, IntegerField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, Regexp

from studyapp.bank.catalog import DeckSummary
from studyapp.bank.items import CATEGORY_CHOICES
from studyapp.quizzes.service import MAX_SEED


class QuizForm(FlaskForm):
    """Choose what to be quizzed on."""

    deck = SelectField("Deck", choices=[SelectChoice("", "All decks")], default="")
    category = SelectField("Category", choices=[SelectChoice(*choice) for choice in CATEGORY_CHOICES], default="")
    length = IntegerField("Number of questions", default=10,
                          validators=[InputRequired("Say how many questions."), NumberRange(1, 50, "Choose 1 to 50 questions.")])
    seed = IntegerField("Seed (optional: the same seed gives the same quiz)",
                        validators=[Optional(), NumberRange(0, MAX_SEED, f"A seed is a whole number from 0 to {MAX_SEED}.")])
    kind = SelectField("Kinds of question", choices=[SelectChoice("", "Every kind, mixed"),
                                                     SelectChoice("matching", "Matching only")], default="")
    practice = BooleanField("Practice: don't change my schedule")

    def validate_given(self, names: Iterable[str]) -> bool:
        """Check only the fields a shared link gives (a link carries no CSRF token and may leave fields out)."""
        given = [self[name] for name in names if name in self and name != "csrf_token"]
        return all([field.validate(self) for field in given])


class AnswerForm(FlaskForm):
    """One answer to one quiz question."""

    position = HiddenField(validators=[DataRequired(), Regexp(r"^\d{1,3}$")])
    response = StringField("Your answer", validators=[Optional(), Length(max=500)])


def quiz_form(decks: list[DeckSummary], practice: bool = False, **kwargs: object) -> QuizForm:
    """A QuizForm offering the live decks, practice ticked as the learner left it."""
    form = QuizForm(practice=practice, **kwargs)
    form.deck.choices = [SelectChoice("", "All decks"), *(SelectChoice(d.key, d.title) for d in decks)]
    return form
