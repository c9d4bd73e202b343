"""The learner data file: its format as pydantic models within the database's limits, and how it is read.

A file that passes `read` can be merged without a database error and leaves no page broken:
every value fits its column, every time is storable, every card and snapshot is schedulable.
"""

from __future__ import annotations

import json
import math
from datetime import datetime, timedelta, timezone
from typing import Annotated, Literal

from fsrs.scheduler import LOWER_BOUNDS_PARAMETERS, UPPER_BOUNDS_PARAMETERS
from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    model_validator,
)

from studyapp.bank import dates
from studyapp.errors import InvalidInput
from studyapp.flashcards import scheduler
from studyapp.quizzes.question import QuizQuestion

FORMAT = "studyapp-learner-data"
SETTINGS = ("desired_retention", "learning_steps", "relearning_steps", "maximum_interval_days", "new_per_day",
            "reviews_per_day", "day_starts_hour", "timezone", "suspend_leeches", "fsrs_parameters", "practice_by_default")
LATER_SETTINGS = ("fsrs_parameters", "practice_by_default")  # added since version 1: absent keeps the learner's
TEXT_MAX = 10_000  # a Text column has no limit of its own; no answer, feedback or prompt comes near this
MAX_DEPTH = 20  # the deepest real value (quizzes.0.items.0.payload.options.0) is 7 levels down
EARLIEST = datetime(1970, 1, 1, tzinfo=timezone.utc)
LATEST = datetime(9999, 12, 31, tzinfo=timezone.utc)  # a new card's due date; any local time of it is still valid
PAST_SLACK = timedelta(days=1)  # a clock a little ahead elsewhere is fine; a review "in 2099" is not


# A count as the database stores it (INTEGER: at most 2**31 - 1 on PostgreSQL); bigger is refused here, by field.
Count = Annotated[int, Field(ge=0, le=2**31 - 1)]


def _in_range(value: datetime) -> datetime:
    """The moment in UTC, refused when it is outside the years the app (and every backend) can handle."""
    try:
        moment = value.astimezone(timezone.utc)
    except OverflowError:
        raise ValueError("is not a time between 1970 and 9999-12-31 (UTC)") from None
    if not EARLIEST <= moment <= LATEST:
        raise ValueError("is not a time between 1970 and 9999-12-31 (UTC)")
    return moment


def _not_future(value: datetime, info: ValidationInfo) -> datetime:
    """A moment that records the past may be a little ahead of this server's clock, not more."""
    now = (info.context or {}).get("now")
    if now is not None and value > now + PAST_SLACK:
        raise ValueError("is in the future, but records something that already happened")
    return value


Moment = Annotated[AwareDatetime, AfterValidator(_in_range)]
PastMoment = Annotated[AwareDatetime, AfterValidator(_in_range), AfterValidator(_not_future)]
Text = Annotated[str, Field(max_length=TEXT_MAX)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)


def _schedule_problem(state: int, step: int | None, stability: float | None, difficulty: float | None,
                      last_review: datetime | None, reps: int) -> str | None:
    """Why fsrs could not schedule a card in this state (see scheduler.next_review), or None when it can."""
    memory = {"stability": stability, "difficulty": difficulty, "last_review": last_review}
    if reps == 0:
        if state != scheduler.State.LEARNING:
            return "a card never reviewed (reps 0) must be in state 1 (learning)"
        given = [name for name, value in memory.items() if value is not None]
        if given:
            return f"a card never reviewed (reps 0) has no {', '.join(given)}"
    else:
        missing = [name for name, value in memory.items() if value is None]
        if missing:
            return f"a reviewed card (reps {reps}, state {state}) needs {', '.join(missing)}"
    if state in (scheduler.State.LEARNING, scheduler.State.RELEARNING) and step is None:
        return f"a card in state {state} (learning or relearning) needs a step"
    return None


class SettingsData(_Model):
    desired_retention: float = Field(ge=0.7, le=0.99)
    learning_steps: str = Field(max_length=100)
    relearning_steps: str = Field(max_length=100)
    maximum_interval_days: int = Field(ge=1, le=36500)
    new_per_day: int = Field(ge=0, le=9999)
    reviews_per_day: int = Field(ge=0, le=99999)
    day_starts_hour: int = Field(ge=0, le=23)
    timezone: str = Field(max_length=64)
    suspend_leeches: bool
    # fitted to the learner's reviews; absent or null: FSRS's defaults (files from before fitting have none)
    fsrs_parameters: list[float] | None = Field(default=None, min_length=21, max_length=21)
    practice_by_default: bool = False  # quizzes and Learn start as practice (they rate no card)

    @model_validator(mode="after")
    def _parameters_in_bounds(self) -> SettingsData:
        for index, value in enumerate(self.fsrs_parameters or ()):
            low, high = LOWER_BOUNDS_PARAMETERS[index], UPPER_BOUNDS_PARAMETERS[index]
            if not low <= value <= high:
                raise ValueError(f"fsrs_parameters.{index} is {value}, outside FSRS's bounds ({low} to {high})")
        return self


class SnapshotData(_Model):
    """A card as reviews.py keeps it in the review log (state_before, state_after) and undo puts back."""

    state: int = Field(ge=1, le=3)
    step: Count | None
    stability: float | None = Field(gt=0, le=1e6)
    difficulty: float | None = Field(ge=1, le=10)
    due: Moment
    last_review: PastMoment | None
    reps: Count
    lapses: Count
    is_leech: bool
    is_suspended: bool

    @model_validator(mode="after")
    def _schedulable(self) -> SnapshotData:
        problem = _schedule_problem(self.state, self.step, self.stability, self.difficulty, self.last_review, self.reps)
        if problem:
            raise ValueError(problem)
        return self

    def to_log(self) -> dict[str, object]:
        """The dict as reviews._snapshot writes it (times as isoformat, UTC)."""
        data = self.model_dump()
        for name in ("due", "last_review"):
            data[name] = data[name].isoformat() if data[name] else None
        return data


class CardData(SnapshotData):
    """A learner's card: its schedule (as a snapshot has it), the question it is for, and a bury."""

    question_key: str = Field(max_length=100)
    buried_until: Moment | None


class ReviewData(_Model):
    question_key: str = Field(max_length=100)
    rating: int = Field(ge=1, le=4)
    reviewed_at: PastMoment
    duration_ms: Count | None
    kind: Literal["new", "learning", "review", "relearning"]
    origin: Literal["review", "quiz", "learn"]
    state_before: SnapshotData
    state_after: SnapshotData
    is_undone: bool
    undone_at: PastMoment | None


class QuestionData(_Model):
    """A quiz item's payload: studyapp.quizzes.question.QuizQuestion, as its to_dict writes it."""

    form: Literal["choice", "typed", "truefalse", "order", "matching"]
    prompt: Text
    keys: list[Annotated[str, Field(max_length=100)]] = Field(min_length=1, max_length=1000)
    category: str = Field(max_length=20)
    answer: Text
    typed_answer: Text = ""
    alternatives: list[Text] = Field(default=[], max_length=100)
    options: list[Text] = Field(default=[], max_length=100)
    answer_order: list[int] = Field(default=[], max_length=100)
    explanation: Text = ""
    sources: list[Text] = Field(default=[], max_length=100)
    exact_date: str = Field(default="", max_length=30)  # files written before it existed have none
    dates: list[Text] = Field(default=[], max_length=100)
    lefts: list[Text] = Field(default=[], max_length=100)  # a matching's left sides (files from before have none)
    pair_sources: list[Text] = Field(default=[], max_length=100)

    @model_validator(mode="after")
    def _answerable(self) -> QuestionData:
        if self.form == "order" and sorted(self.answer_order) != list(range(len(self.options))):
            raise ValueError("an order question's answer_order must number each of its options once")
        if self.form == "matching" and (len(self.answer_order) != len(self.lefts)
                                        or not all(0 <= i < len(self.options) for i in self.answer_order)):
            raise ValueError("a matching question's answer_order must give each of its lefts one of its options")
        if self.form in ("choice", "truefalse") and self.answer not in self.options:
            raise ValueError(f"a {self.form} question's answer must be one of its options")
        if self.exact_date:
            dates.parse_iso(self.exact_date)  # a ValueError names what is wrong with it
        try:
            QuizQuestion.from_dict(self.model_dump())
        except (TypeError, ValueError) as error:
            raise ValueError(f"not a quiz question ({error})") from None
        return self


class QuizItemData(_Model):
    position: int = Field(ge=0, le=1000)
    question_key: str | None = Field(max_length=100)
    payload: QuestionData
    response: Text | None
    is_correct: bool | None
    feedback: Text | None
    answered_at: PastMoment | None


class QuizData(_Model):
    seed: Count
    deck_key: str | None = Field(max_length=80)
    category: str | None = Field(max_length=20)
    length: int = Field(ge=1, le=1000)
    created_at: PastMoment
    finished_at: PastMoment | None
    score: Count
    is_practice: bool = False
    kind: Literal["matching"] | None = None  # a quiz of matching questions only
    items: list[QuizItemData] = Field(max_length=1000)

    @model_validator(mode="after")
    def _distinct_positions(self) -> QuizData:
        seen: set[int] = set()
        for item in self.items:
            if item.position in seen:
                raise ValueError(f"two items have position {item.position}: each position may appear once")
            seen.add(item.position)
        return self


class LearnAnswerData(_Model):
    step: int = Field(ge=0, le=10_000)
    round: int = Field(ge=1, le=10_000)
    question_key: str = Field(max_length=100)
    payload: QuestionData
    response: Text
    is_correct: bool
    is_overridden: bool
    feedback: Text
    rating: int | None = Field(ge=1, le=4)
    held_back: Literal["new-limit", "suspended", "no-card"] | None
    answered_at: PastMoment


class LearnSessionData(_Model):
    """A Learn session: what it studies and its answers (where it stands is worked out from them)."""

    seed: Count
    deck_key: str | None = Field(max_length=80)
    category: str | None = Field(max_length=20)
    answer_types: Literal["choice typed", "choice", "typed"]
    is_practice: bool
    question_keys: list[Annotated[str, Field(max_length=100)]] = Field(min_length=1, max_length=1000)
    about: str | None = Field(default=None, max_length=200)
    created_at: PastMoment
    finished_at: PastMoment | None
    answers: list[LearnAnswerData] = Field(max_length=10_000)

    @model_validator(mode="after")
    def _steps_in_order(self) -> LearnSessionData:
        if [answer.step for answer in self.answers] != list(range(len(self.answers))):
            raise ValueError("a Learn session's answers must have the steps 0, 1, 2... in order")
        return self


class LearnerData(_Model):
    format: Literal["studyapp-learner-data"]
    version: Literal[1]
    exported_at: PastMoment
    username: str = Field(max_length=40)
    settings: SettingsData
    cards: list[CardData]
    review_log: list[ReviewData]
    quizzes: list[QuizData]
    learn_sessions: list[LearnSessionData] = []  # files from before Learn have none


def parse_json(content: bytes) -> object:
    """A data file's JSON; raises InvalidInput ("That file is not JSON (...)") for anything json would choke on.

    Besides syntax: not UTF-8, NaN and Infinity (JSON has no such numbers), integers too long for
    Python to read, and nesting deep enough to exhaust the parser's recursion.
    """
    try:
        return json.loads(content.decode("utf-8"), parse_constant=_refuse_constant)
    except RecursionError:
        raise InvalidInput("That file is not JSON (it nests values too deeply).") from None
    except ValueError as error:  # UnicodeDecodeError, JSONDecodeError, too many digits, NaN/Infinity
        raise InvalidInput(f"That file is not JSON ({_printable(str(error))}).") from None


def _refuse_constant(name: str) -> object:
    raise ValueError(f"{name} is not a JSON number")


def _printable(path: str) -> str:
    """A JSON path fit for a message: no NUL, nothing that cannot be encoded, not endless."""
    text = path.replace("\x00", "").encode("utf-8", "replace").decode("utf-8")
    return text if len(text) <= 200 else f"{text[:200]}…"


def _find_unstorable(value: object) -> str | None:
    """A message naming the first place in parsed JSON that no field can take, or None.

    Refused: strings (and keys) with a NUL character (PostgreSQL's text cannot hold it) or that cannot be
    encoded as UTF-8 (lone surrogates such as "\\ud800"), numbers that are not finite (1e999), and nesting
    deeper than any data file has. Walked with a stack of its own, so no depth overflows Python's.
    """
    stack: list[tuple[object, str, int]] = [(value, "", 0)]
    while stack:
        item, path, depth = stack.pop()
        where = _printable(path) or "its top level"
        if isinstance(item, str):
            if "\x00" in item:
                return f"This file has a NUL character at {where}, which no field accepts."
            if not _encodable(item):
                return f"This file has text that is not valid Unicode (a lone surrogate) at {where}."
        elif isinstance(item, float) and not math.isfinite(item):
            return f"This file has a number too large to store at {where}."
        elif isinstance(item, (dict, list)):
            if depth >= MAX_DEPTH:
                return f"This file nests values too deeply at {where}."
            children = item.items() if isinstance(item, dict) else enumerate(item)
            for key, child in reversed(list(children)):
                child_path = f"{path}.{key}" if path else str(key)
                if isinstance(key, str) and "\x00" in key:
                    return f"This file has a NUL character at {_printable(child_path)}, which no field accepts."
                if isinstance(key, str) and not _encodable(key):
                    return f"This file has text that is not valid Unicode (a lone surrogate) at {_printable(child_path)}."
                stack.append((child, child_path, depth + 1))
    return None


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def read(raw: object, now: datetime) -> LearnerData:
    """The file as LearnerData; raises InvalidInput naming the JSON path of the first problem."""
    problem = _find_unstorable(raw)
    if problem is not None:
        raise InvalidInput(problem)
    try:
        data = LearnerData.model_validate(raw, context={"now": now})
    except ValidationError as error:
        first = error.errors(include_url=False)[0]
        where = _printable(".".join(str(p) for p in first["loc"])) or "its top level"
        message = first["msg"].removeprefix("Value error, ")
        raise InvalidInput(f"This is not a studyapp data file this version can read ({where}: {message}).") from None
    try:
        scheduler.parse_steps(data.settings.learning_steps)
        scheduler.parse_steps(data.settings.relearning_steps)
        scheduler.day_start(data.exported_at, data.settings.timezone, data.settings.day_starts_hour)
    except (ValueError, KeyError) as error:
        raise InvalidInput(f"The settings in this file are not valid: {error}") from None
    return data
