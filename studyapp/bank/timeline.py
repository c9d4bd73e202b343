"""The bank's dated facts as a timeline's events: one per fact (or per date and event name), with every question about it.

Pure: items in, events out; `web/timeline_chart` draws them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from studyapp.bank import dates, identity
from studyapp.bank.items import Category, Item, Kind
from studyapp.bank.spelling import normalize

MAX_ABOUT = 200  # what a Learn session started from an event is about (its title): the form takes this many characters

_MONTH = r"(?:" + "|".join(sorted(dates.MONTHS, key=len, reverse=True)) + r")\.?"
_DAY = r"\d{1,2}(?:st|nd|rd|th)?"
_TO = r"\s*(?:–|—|-|\bto\b|\buntil\b)\s*"
_DATE_IN_TEXT = re.compile(
    rf"\b(?:{_MONTH}\s+{_DAY}(?:{_TO}(?:{_MONTH}\s+)?{_DAY})?,?\s+\d{{4}}"  # July 3, 1930; June 30–July 2, 1930
    rf"|(?:{_DAY}(?:\s+{_MONTH})?{_TO})?{_DAY}\s+{_MONTH},?\s+\d{{4}}"  # 3 July 1930; 30 June – 2 July 1930
    rf"|{_MONTH}\s+\d{{4}}"  # July 1930
    rf"|(?:the\s+)?\d{{3}}0'?s"  # the 1920s
    rf"|(?<![\d-])\d{{4}}(?![\d-]))\b",  # 1928 (not 70-year, not 1930-07)
    re.IGNORECASE)
_PREPOSITION = re.compile(r"[\s,]+(?:in|on|between|from|during|by)$", re.IGNORECASE)
_ACCORDING = re.compile(r"^according to the text,\s*", re.IGNORECASE)


@dataclass(frozen=True)
class Event:
    """Something the bank dates: when, what (the bank's own name for it, and any other it gives), the sentences
    that date it, and the key of every question about it (its own and those citing the same passage)."""

    when: dates.DateValue
    name: str
    also: tuple[str, ...]
    sources: tuple[str, ...]
    keys: tuple[str, ...]

    @property
    def about(self) -> str:
        """Its date and name in one line, as the title of a Learn session on it."""
        text = f"{self.when.display()}: {self.name}"
        return text if len(text) <= MAX_ABOUT else text[:MAX_ABOUT - 1].rstrip() + "…"


def dates_in(text: str) -> list[dates.DateValue]:
    """The dates a sentence spells out, in order (July 3, 1930; the 1920s; June 30–July 2, 1930)."""
    found = []
    for match in _DATE_IN_TEXT.finditer(text):
        value = dates.parse_text(match.group(0))
        if value is not None:
            found.append(value)
    return found


def find_events(items: Sequence[Item]) -> list[Event]:
    """The events of these (live) items, in date order.

    An item with a `date` and an `event` names one; the two directions of a fact, items giving the same date and
    event name, and items of one fact group (identity.fact_groups) giving the same date are one event. Any other
    question is about the events of its fact group whose dates agree with its own (a date question's `date`, its
    answer, or the one date its citation spells out); a date question that no such event takes is an event of its
    own, named after what it states. Matching questions are about several facts at once and join none.
    """
    askable = [item for item in items if item.kind != Kind.MATCHING]
    groups = identity.fact_groups(askable)
    members = _join_named([item for item in askable if item.date and item.event], groups)
    taken = {item.key for found in members for item in found}
    events = [_Building(found, groups) for found in members]
    of_group: dict[str, list[_Building]] = {}
    for event in events:
        for group in event.groups:
            of_group.setdefault(group, []).append(event)
    own: dict[tuple[str, str], _Building] = {}
    for item in askable:
        if item.key in taken:
            continue
        when = _date_of(item)
        agreeing = [event for event in of_group.get(groups[item.key], ()) if when is None or when.overlaps(event.when)]
        if not agreeing and when is not None:  # a short citation ("on July 3, 1930") of the sentence an event quotes
            agreeing = [event for event in events if event.when == when and event.quotes(item.source)]
        for event in agreeing:
            event.add(item, dated=when is not None)
        if not agreeing and when is not None:
            own.setdefault((groups[item.key], when.iso()), _Building([], groups, when)).add(item, dated=True)
    built = [event.done() for event in (*events, *own.values())]
    return sorted(built, key=lambda event: (event.when.first_day, event.when.last_day, event.name))


class _Building:
    """An event while its questions are gathered."""

    def __init__(self, named: list[Item], groups: dict[str, str], when: dates.DateValue | None = None) -> None:
        self.named = sorted(named, key=lambda item: (item.category != Category.DATE, item.key))  # the date fact's name first
        self.when = when or dates.parse_iso(named[0].date)
        self.groups = {groups[item.key] for item in named}
        self.keys = {item.key for item in named}
        self.dated: list[Item] = []

    def quotes(self, citation: str) -> bool:
        """Whether one of the event's own citations holds this one (quote marks and spacing aside)."""
        words = f" {normalize(citation)} "
        return bool(words.strip()) and any(words in f" {normalize(item.source)} " for item in self.named)

    def add(self, item: Item, dated: bool) -> None:
        self.keys.add(item.key)
        if dated:
            self.dated.append(item)

    def done(self) -> Event:
        names = list(dict.fromkeys(item.event for item in self.named)) or [_statement(self.dated[0])]
        return Event(self.when, names[0], tuple(names[1:]), _sources([*self.named, *self.dated]), tuple(sorted(self.keys)))


def _join_named(named: list[Item], groups: dict[str, str]) -> list[list[Item]]:
    """The items naming events, joined into one list per event (see find_events)."""
    parent: dict[str, str] = {}

    def find(name: str) -> str:
        while parent.setdefault(name, name) != name:
            name = parent[name]
        return name

    for item in named:
        when = dates.parse_iso(item.date).iso()
        root = find(f"key:{item.key}")
        for link in (f"fact:{item.fact}" if item.fact else "", f"name:{when}|{normalize(item.event)}",
                     f"group:{groups[item.key]}|{when}"):
            if link:
                parent[find(link)] = root
    joined: dict[str, list[Item]] = {}
    for item in named:
        joined.setdefault(find(f"key:{item.key}"), []).append(item)
    return list(joined.values())


def _date_of(item: Item) -> dates.DateValue | None:
    """When a question says its fact happened: its `date`; for a date question, its answer or its citation's one date."""
    try:
        if item.date:
            return dates.parse_iso(item.date)
        if item.category != Category.DATE:
            return None
        if item.kind in (Kind.CHOICE, Kind.TYPED, Kind.FACT):
            return dates.parse_iso(item.answer)
        if item.kind == Kind.CLOZE:
            return dates.parse_text(item.answer)
    except ValueError:
        return None
    cited = set(dates_in(item.source))  # a true/false question's prompt may be false: only its citation dates it
    return cited.pop() if len(cited) == 1 else None


def _statement(item: Item) -> str:
    """A name for an event only a question gives: what a true statement says, else its citation; its date left off."""
    if item.kind == Kind.TRUEFALSE and item.answer == "true":
        text = _ACCORDING.sub("", item.prompt).rstrip(" .")
    else:
        text = (item.source or _ACCORDING.sub("", item.prompt)).rstrip(" .")
    last = list(_DATE_IN_TEXT.finditer(text))
    if last and last[-1].end() == len(text):
        shorter = _PREPOSITION.sub("", text[:last[-1].start()].rstrip(" ,"))
        text = shorter if len(shorter.split()) >= 3 else text  # "on July 3, 1930" keeps its date: it says nothing else
    return text[:1].upper() + text[1:]


def _sources(items: list[Item]) -> tuple[str, ...]:
    """The items' citations, each once: one that another holds (quote marks and spacing aside) is left out."""
    cited = list(dict.fromkeys(item.source.strip() for item in items if item.source.strip()))
    plain = [f" {normalize(text)} " for text in cited]
    return tuple(text for i, text in enumerate(cited)
                 if not any(j != i and plain[i] in plain[j] and (plain[i] != plain[j] or j < i) for j in range(len(cited))))
