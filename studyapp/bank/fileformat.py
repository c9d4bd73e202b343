"""The bank's file format as pydantic models: validation and the editors' JSON Schema."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Annotated, Any, Literal, TypeVar

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints, model_validator

from studyapp.bank import dates, fieldchecks
from studyapp.bank.fieldchecks import MAX_PAIRS, MIN_PAIRS, FieldProblem, parse_iso

CategoryName = Literal["date", "place", "organization", "person", "event", "publication", "idea"]
CLOZE_BLANK = re.compile(r"\[\[([^\[\]]*)\]\]")


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
    parse_iso(value)  # raises ValueError with the reason
    return value


def cloze_answer(text: str) -> str:
    """The answer in the one [[blank]] of a cloze text; raises ValueError saying what is wrong."""
    blanks = CLOZE_BLANK.findall(text)
    rest = CLOZE_BLANK.sub("", text)
    if "[[" in rest or "]]" in rest:
        raise ValueError("a '[[' or ']]' does not belong to a [[blank]]: a blank holds the answer, without [ or ]")
    if len(blanks) != 1:
        raise ValueError(f"a cloze needs exactly one [[blank]] in its text, found {len(blanks)}")
    if not blanks[0].strip():
        raise ValueError("the [[blank]] is empty: write the answer inside it")
    return blanks[0].strip()


IsoDate = Annotated[str, AfterValidator(_iso)]


def _widen_text_types(schema: dict[str, Any], model: object = None) -> None:
    """Let editors' JSON Schema accept what YAML 1.2 types as a number or boolean (`answer: 1930`).

    The loader reads every plain value as text, so an unquoted year is valid;
    editors type it as a number and would underline it against "type": "string".
    """
    if schema.get("type") == "string" and "enum" not in schema and "const" not in schema:
        schema["type"] = ["string", "number", "boolean"]
    for value in schema.values():
        for child in value if isinstance(value, list) else [value]:
            if isinstance(child, dict):
                _widen_text_types(child)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True, json_schema_extra=_widen_text_types)


_T = TypeVar("_T")


def _at(path: tuple[str | int, ...], check: Callable[[str], _T], value: str) -> _T:
    """Run `check(value)`, reporting its ValueError at the field `path`."""
    try:
        return check(value)
    except FieldProblem:
        raise
    except ValueError as error:
        raise FieldProblem(path, str(error)) from None


class PairModel(_Strict):
    """One pair of a matching question: a left side and the one right side that fits it."""

    left: Text
    right: Text = Field(description="on a date question, a date in ISO form (1930-07-03), shown spelt out")
    alternatives: list[Text] = Field([], description="other spellings of the right side")
    source: Text | None = Field(None, description="the sentence of the text this pair rests on")


class QuestionModel(_Strict):
    """A question written out in full."""

    id: Key
    kind: Literal["choice", "typed", "truefalse", "cloze", "matching"]
    category: CategoryName
    prompt: Text | None = None
    text: Text | None = Field(None, description="cloze only: the sentence with one [[blank]]")
    answer: Text | None = None
    alternatives: list[Text] = []
    distractors: list[Text] = []
    group: Key | None = None
    about: Key | None = Field(None, description="the id of another question or fact asking about the same fact "
                                                "(a quiz never asks both); questions citing the same passage are joined anyway")
    explanation: Text | None = None
    source: Text | None = None
    tags: list[Tag] = []
    date: IsoDate | None = Field(None, description="when it happened, for chronology; on a date question asking for "
                                                    "less (a year), the full date the text gives")
    event: Text | None = None
    pairs: list[PairModel] = Field([], description=f"matching only: {MIN_PAIRS} to {MAX_PAIRS} pairs, each right side "
                                                   "fitting its own left side only")

    @model_validator(mode="after")
    def _consistent(self) -> QuestionModel:
        if self.kind == "matching":
            return self._matching()
        if self.pairs:
            raise FieldProblem(("pairs",), "only matching questions take 'pairs'")
        if self.kind == "cloze":
            if self.text is None:
                raise ValueError("a cloze needs 'text' with one [[blank]]")
            answer = _at(("text",), cloze_answer, self.text)
            for name in ("answer", "prompt"):
                if getattr(self, name) is not None:
                    raise FieldProblem((name,), f"a cloze takes its answer from the [[blank]]: remove '{name}'")
        else:
            if self.prompt is None:
                raise ValueError(f"a {self.kind} question needs a 'prompt'")
            if self.text is not None:
                raise FieldProblem(("text",), "'text' is for cloze questions; use 'prompt'")
            if self.answer is None:
                raise ValueError("missing or empty 'answer'")
            answer = self.answer
        where = ("text",) if self.kind == "cloze" else ("answer",)
        if self.kind == "truefalse":
            answer = _TRUTH.get(answer.strip().lower(), "")
            if not answer:
                raise FieldProblem(where, "a truefalse answer is true or false (yes and no also do)")
            object.__setattr__(self, "answer", answer)  # stored as true/false, whatever case or word was written (frozen model)
        if self.category == "date" and self.kind == "cloze" and dates.parse_text(answer) is None:
            raise FieldProblem(where, f"the blank '{answer}' is not an unambiguous date (write e.g. 3 July 1930)")
        if self.category == "date" and self.kind in ("choice", "typed"):
            _at(where, parse_iso, answer)
        if self.category == "date" and self.date is not None:
            asked, given = dates.parse_text(answer) or parse_iso(answer), parse_iso(self.date)
            if not (asked.first_day <= given.first_day and given.last_day <= asked.last_day):
                raise FieldProblem(("date",), f"the date {self.date} does not fall within the answer {answer}: "
                                              "a date question's 'date' is the full date its answer is part of")
        if self.distractors and self.kind != "choice":
            raise FieldProblem(("distractors",), "only choice questions take 'distractors'")
        fieldchecks.raise_all(fieldchecks.option_problems(answer, self.alternatives, self.distractors,
                                    self.category == "date" and self.kind == "choice"))
        return self

    def _matching(self) -> QuestionModel:
        """A matching question: a prompt and its pairs; its answers are the pairs' right sides."""
        found = [] if self.prompt is not None else [FieldProblem(("prompt",), "a matching question needs a 'prompt'")]
        found += [FieldProblem((name,), f"a matching question takes its answers from its 'pairs': remove '{name}'")
                  for name in ("text", "answer", "alternatives", "distractors", "date", "event") if getattr(self, name)]
        fieldchecks.raise_all([*found, *fieldchecks.pair_problems(self.pairs, self.category == "date")])
        return self


_TRUTH = {"true": "true", "yes": "true", "false": "false", "no": "false"}


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
    about: Key | None = Field(None, description="the id of another question or fact asking about the same fact "
                                                "(a quiz never asks both); questions citing the same passage are joined anyway")
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
            _at(("answer",), parse_iso, self.answer)
            if self.date is not None and self.date != self.answer:
                raise FieldProblem(("date",), "a date fact's date is its answer: remove 'date'")
        templated = self.category in ("date", "place")
        if not templated and (self.prompt is None or self.reverse_prompt is None):
            raise ValueError(f"a {self.category} fact needs 'prompt' and 'reverse_prompt' (only date and place facts are worded automatically)")
        if templated and self.verb is None and (self.prompt is None or self.reverse_prompt is None):
            raise ValueError("missing 'verb' (or both 'prompt' and 'reverse_prompt')")
        fieldchecks.raise_all([*fieldchecks.option_problems(self.answer, self.alternatives, self.distractors, self.category == "date"),
                    *fieldchecks.option_problems(self.subject, self.subject_alternatives, self.subject_distractors, False,
                                      "subject_distractors")])
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
