"""What the bank is made of: kinds, categories, items (one askable question each), decks and the bank.

Frozen values, no I/O: `bank` reads YAML into them; quizzes, cards and exports are made from them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from studyapp.bank import dates


class Kind(StrEnum):
    """How a bank item is written; facts are asked as choice or typed questions."""

    CHOICE = "choice"
    TYPED = "typed"
    TRUEFALSE = "truefalse"
    CLOZE = "cloze"
    FACT = "fact"
    MATCHING = "matching"  # pairs to match: asked in quizzes only (a flashcard shows one prompt and one answer)


class Category(StrEnum):
    """What an answer is; distractors come from the same category."""

    DATE = "date"
    PLACE = "place"
    ORGANIZATION = "organization"
    PERSON = "person"
    EVENT = "event"
    PUBLICATION = "publication"
    IDEA = "idea"


# Fields added after questions were first stored: kept only when set, so that an upgrade's first sync
# finds the questions that do not use them unchanged.
_STORED_WHEN_SET = ("about", "pairs")


@dataclass(frozen=True)
class Pair:
    """One pair of a matching question: a left side, the right side that belongs to it (a date: ISO, as
    answers are written), other accepted spellings of that right side, and the sentence the pair rests on."""

    left: str
    right: str
    alternatives: tuple[str, ...] = ()
    source: str = ""

    def to_dict(self) -> dict[str, object]:
        """A JSON-ready copy."""
        return {"left": self.left, "right": self.right, "alternatives": list(self.alternatives), "source": self.source}

    @classmethod
    def from_dict(cls, data: dict[str, object]) -> Pair:
        """Rebuild a pair stored with to_dict."""
        return cls(str(data["left"]), str(data["right"]), tuple(data.get("alternatives") or ()),  # type: ignore[arg-type]
                   str(data.get("source") or ""))


@dataclass(frozen=True)
class Item:
    """One askable question of the bank (a fact gives two: forward and reverse)."""

    key: str
    deck: str
    kind: Kind
    category: Category
    prompt: str
    answer: str
    alternatives: tuple[str, ...] = ()
    distractors: tuple[str, ...] = ()
    explanation: str = ""
    source: str = ""
    tags: tuple[str, ...] = ()
    group: str = ""
    date: str = ""
    event: str = ""
    fact: str = ""  # a fact's id, on both of its directions
    about: str = ""  # the id of another question or fact this one asks about (see identity.fact_groups)
    pairs: tuple[Pair, ...] = ()  # a matching question's pairs, in the bank's order
    file: str = ""
    line: int = 0
    column: int = 0

    @property
    def answer_text(self) -> str:
        """The answer as a learner reads it (dates spelt out)."""
        if self.category == Category.DATE and self.kind not in (Kind.TRUEFALSE, Kind.MATCHING):
            return dates.parse_iso(self.answer).display()
        return self.answer

    @property
    def is_card(self) -> bool:
        """Whether it makes a flashcard (one prompt, one answer): every kind but matching."""
        return self.kind != Kind.MATCHING

    def right_text(self, pair: Pair) -> str:
        """A matching pair's right side as a learner reads it (dates spelt out)."""
        return dates.parse_iso(pair.right).display() if self.category == Category.DATE else pair.right

    @property
    def other_spellings(self) -> tuple[str, ...]:
        """The alternatives worth showing beside the answer: not those that differ from it only in case,
        punctuation or a leading article (which every typed answer is forgiven anyway); accents count."""
        shown = {_plain(self.answer_text)}
        spellings = []
        for alternative in self.alternatives:
            if _plain(alternative) not in shown:
                shown.add(_plain(alternative))
                spellings.append(alternative)
        return tuple(spellings)

    def to_dict(self) -> dict[str, object]:
        """A JSON-ready copy, for the database."""
        data = dict(self.__dict__)
        data["alternatives"], data["distractors"], data["tags"] = list(self.alternatives), list(self.distractors), list(self.tags)
        data["pairs"] = [pair.to_dict() for pair in self.pairs]
        for name in _STORED_WHEN_SET:
            if not data[name]:
                del data[name]
        return data

    @classmethod
    def from_dict(cls, data: dict[str, object]) -> Item:
        """Rebuild an item stored with to_dict."""
        values = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        for name in ("alternatives", "distractors", "tags"):
            values[name] = tuple(values.get(name) or ())  # type: ignore[arg-type]
        values["pairs"] = tuple(Pair.from_dict(pair) for pair in values.get("pairs") or ())  # type: ignore[attr-defined]
        values["kind"] = Kind(values["kind"])
        values["category"] = Category(values["category"])
        return cls(**values)  # type: ignore[arg-type]


@dataclass(frozen=True)
class Deck:
    """A deck as the bank declares it."""

    key: str
    title: str
    description: str
    file: str
    position: int


@dataclass(frozen=True)
class Bank:
    """Every deck and item of a valid bank."""

    decks: tuple[Deck, ...]
    items: tuple[Item, ...]

    def by_category(self) -> dict[Category, int]:
        """How many items each category has."""
        counts: dict[Category, int] = {}
        for item in self.items:
            counts[item.category] = counts.get(item.category, 0) + 1
        return counts


def _plain(text: str) -> str:
    """Text without case, punctuation or a leading article, for telling spellings apart."""
    words = re.sub(r"[^\w]+", " ", text.casefold()).split()
    return " ".join(words[1:] if words[:1] in (["the"], ["a"], ["an"]) else words)


# How categories are named to learners, in the order the category menus list them.
CATEGORY_LABELS = {"date": "Dates", "place": "Places", "organization": "Organizations", "person": "People",
                   "event": "Events", "publication": "Publications", "idea": "Ideas"}
CATEGORY_CHOICES = [("", "All categories"), *CATEGORY_LABELS.items()]
