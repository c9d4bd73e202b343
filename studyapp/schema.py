"""The bank's file format as pydantic models: validation and the editors' JSON Schema."""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints, model_validator

from studyapp import dates
from studyapp.grading import normalize

CategoryName = Literal["date", "place", "organization", "person", "event", "publication", "idea"]
def _key(value: str) -> str:
    if not re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", value) or len(value) > 80:
        raise ValueError(f"'{value}' is not a key: use lowercase letters, digits and single hyphens, like src-formed")
    return value


def _tag(value: str) -> str:
    if not value or any(c.isspace() for c in value) or len(value) > 60:
        raise ValueError(f"'{value}' is not a tag: a tag has no spaces (use - or :: for a hierarchy)")
    return value


Key = Annotated[str, AfterValidator(_key), Field(json_schema_extra={"pattern": "^[a-z0-9]+(?:-[a-z0-9]+)*$"})]
Tag = Annotated[str, AfterValidator(_tag), Field(json_schema_extra={"pattern": "^\\S+$"})]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]


def _iso(value: str) -> str:
    dates.parse_iso(value)  # raises ValueError with the reason
    return value


IsoDate = Annotated[str, AfterValidator(_iso)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


def _check_options(answer: str, alternatives: list[str], distractors: list[str]) -> None:
    right = {normalize(answer), *(normalize(a) for a in alternatives)}
    seen: set[str] = set()
    for distractor in distractors:
        key = normalize(distractor)
        if key in right:
            raise ValueError(f"distractor '{distractor}' is the answer or one of its alternatives")
        if key in seen:
            raise ValueError(f"distractor '{distractor}' is listed twice")
        seen.add(key)


class QuestionModel(_Strict):
    """A question written out in full."""

    id: Key
    kind: Literal["choice", "typed", "truefalse", "cloze"]
    category: CategoryName
    prompt: Text | None = None
    text: Text | None = Field(None, description="cloze only: the sentence with one [[blank]]")
    answer: Text | None = None
    alternatives: list[Text] = []
    distractors: list[Text] = []
    group: Key | None = None
    explanation: Text | None = None
    source: Text | None = None
    tags: list[Tag] = []
    date: IsoDate | None = Field(None, description="when it happened, for chronology")
    event: Text | None = None

    @model_validator(mode="after")
    def _consistent(self) -> QuestionModel:
        if self.kind == "cloze":
            blanks = re.findall(r"\[\[(.+?)\]\]", self.text or "")
            if self.text is None:
                raise ValueError("a cloze needs 'text' with one [[blank]]")
            if len(blanks) != 1:
                raise ValueError(f"a cloze needs exactly one [[blank]] in its text, found {len(blanks)}")
            if self.answer is not None or self.prompt is not None:
                raise ValueError("a cloze takes its answer from the [[blank]]: remove 'answer' and 'prompt'")
            answer = blanks[0]
        else:
            if self.prompt is None:
                raise ValueError(f"a {self.kind} question needs a 'prompt'")
            if self.text is not None:
                raise ValueError("'text' is for cloze questions; use 'prompt'")
            if self.answer is None:
                raise ValueError("missing or empty 'answer'")
            answer = self.answer
        if self.kind == "truefalse" and answer not in ("true", "false"):
            raise ValueError("a truefalse answer is true or false")
        if self.category == "date" and self.kind == "cloze" and dates.parse_text(answer) is None:
            raise ValueError(f"the blank '{answer}' is not an unambiguous date (write e.g. 3 July 1930)")
        if self.category == "date" and self.kind in ("choice", "typed"):
            dates.parse_iso(answer)
        if self.distractors and self.kind != "choice":
            raise ValueError("only choice questions take 'distractors'")
        _check_options(answer, self.alternatives, self.distractors)
        return self


class FactModel(_Strict):
    """A fact, asked in both directions: subject -> answer and answer -> subject."""

    id: Key
    subject: Text
    subject_category: CategoryName
    subject_alternatives: list[Text] = []
    subject_distractors: list[Text] = []
    subject_group: Key | None = None
    verb: Text | None = Field(None, description="past participle: 'formed', 'held'")
    category: CategoryName
    answer: Text
    alternatives: list[Text] = []
    distractors: list[Text] = []
    group: Key | None = None
    date: IsoDate | None = None
    event: Text | None = None
    prompt: Text | None = None
    reverse_prompt: Text | None = None
    explanation: Text | None = None
    source: Text | None = None
    tags: list[Tag] = []

    @model_validator(mode="after")
    def _consistent(self) -> FactModel:
        if self.category == "date":
            dates.parse_iso(self.answer)
            if self.date is not None and self.date != self.answer:
                raise ValueError("a date fact's date is its answer: remove 'date'")
        templated = self.category in ("date", "place")
        if not templated and (self.prompt is None or self.reverse_prompt is None):
            raise ValueError(f"a {self.category} fact needs 'prompt' and 'reverse_prompt' (only date and place facts are worded automatically)")
        if templated and self.verb is None and (self.prompt is None or self.reverse_prompt is None):
            raise ValueError("missing 'verb' (or both 'prompt' and 'reverse_prompt')")
        _check_options(self.answer, self.alternatives, self.distractors)
        _check_options(self.subject, self.subject_alternatives, self.subject_distractors)
        return self


class DeckFile(_Strict):
    """One file of the bank: a deck and its questions."""

    deck: Key
    title: Text
    description: Text | None = None
    tags: list[Tag] = []
    questions: list[QuestionModel] = []
    facts: list[FactModel] = []

    @model_validator(mode="after")
    def _not_empty(self) -> DeckFile:
        if not self.questions and not self.facts:
            raise ValueError("a deck needs at least one entry under 'questions' or 'facts'")
        return self
