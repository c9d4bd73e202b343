"""Matching questions: an authored matching item as asked, and matching questions generated from the bank's facts.

Pure and reproducible: everything random comes from the `rng` passed in. A generated matching question pairs
4 to 6 facts of one relation (events and their dates, or questions and the answers of one category), one fact
per fact group, with no right side that would also fit another left side.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from studyapp.bank import dates, distractors, identity
from studyapp.bank.items import Category, Item, Kind
from studyapp.bank.spelling import normalize
from studyapp.quizzes.question import QuizQuestion

SIZES = (4, 5, 6)  # pairs in a generated matching question
DATES_PROMPT = "According to the text, match each event with its date."
# Per answer category: how a matching of questions and their answers is asked.
ANSWER_NOUNS = {Category.PLACE: "the place that answers it", Category.ORGANIZATION: "the organization that answers it",
                Category.PERSON: "the person who answers it", Category.EVENT: "the event that answers it",
                Category.PUBLICATION: "the publication that answers it", Category.IDEA: "the idea that answers it"}
_LEAD = "according to the text, "


@dataclass(frozen=True)
class _Pairing:
    """One candidate pair of a generated matching question, with what tells it apart from the others."""

    item: Item
    left: str
    right: str
    names: frozenset[str]  # the right side's spellings, by every name the bank has for it (normalized)
    when: dates.DateValue | None = None


def ask_matching(item: Item, rng: random.Random) -> QuizQuestion:
    """An authored matching item as asked: its left sides and its right sides each in an order of their own."""
    pairs = list(item.pairs)
    rng.shuffle(pairs)
    sources = tuple(dict.fromkeys(text for text in (item.source, *(p.source for p in pairs)) if text))
    return _asked(item.prompt, (item.key,), item.category.value, [p.left for p in pairs],
                  [item.right_text(p) for p in pairs], [p.source for p in pairs], sources, item.explanation, rng)


def build_matching(candidates: Sequence[Item], rng: random.Random, groups: Mapping[str, str] | None = None,
                   aliases: identity.Aliases | None = None, most: int = SIZES[-1]) -> QuizQuestion | None:
    """A matching question over 4 to 6 facts (at `most` pairs) of one relation, each of another fact group; None
    when no relation holds enough pairs that no right side would fit another left side (by any of the bank's
    names, or an overlapping date). `aliases` are the bank's names (the candidates' when not given)."""
    if most < SIZES[0]:
        return None
    candidates = sorted((item for item in candidates if item.kind != Kind.MATCHING), key=lambda item: item.key)
    groups = groups if groups is not None else identity.fact_groups(candidates)
    aliases = aliases if aliases is not None else identity.Aliases(candidates)
    relations = _relations(candidates, aliases)
    size = rng.choice([size for size in SIZES if size <= most])
    for name in rng.sample(sorted(relations), len(relations)):
        chosen = _choose(relations[name], groups, aliases, size, rng)
        if len(chosen) >= SIZES[0]:
            prompt = DATES_PROMPT if name == "dates" else f"According to the text, match each question with {ANSWER_NOUNS[Category(name)]}."
            return _asked(prompt, tuple(p.item.key for p in chosen), "date" if name == "dates" else name,
                          [p.left for p in chosen], [p.right for p in chosen], [p.item.source for p in chosen],
                          tuple(dict.fromkeys(p.item.source for p in chosen if p.item.source)), "", rng)
    return None


def _relations(candidates: list[Item], aliases: identity.Aliases) -> dict[str, list[_Pairing]]:
    """The pairs each relation offers: dated events and their dates; per category, facts' questions and answers."""
    found: dict[str, list[_Pairing]] = {}
    for item in candidates:
        if item.date and item.event:
            when = dates.parse_iso(item.date)
            found.setdefault("dates", []).append(_Pairing(item, item.event, when.display(), frozenset(), when))
        if item.kind == Kind.FACT and item.category in ANSWER_NOUNS:
            spellings = (item.answer_text, *item.alternatives)
            names = frozenset(name for text in spellings for name in aliases.names_of(text))
            found.setdefault(item.category.value, []).append(
                _Pairing(item, _bare(item.prompt), distractors.option_text(item.answer_text), names))
    return found


def _bare(prompt: str) -> str:
    """A prompt without its "According to the text, " (the matching question's own prompt says it once)."""
    text = prompt[len(_LEAD):] if prompt.lower().startswith(_LEAD) else prompt
    return text[:1].upper() + text[1:]


def _choose(offered: list[_Pairing], groups: Mapping[str, str], aliases: identity.Aliases, size: int,
            rng: random.Random) -> list[_Pairing]:
    """Up to `size` pairs, in a random order, one per fact group, none that could be confused with one chosen before."""
    shuffled = offered[:]
    rng.shuffle(shuffled)
    chosen: list[_Pairing] = []
    taken: set[str] = set()
    for pairing in shuffled:
        group = groups[pairing.item.key]
        if group not in taken and not any(_confusable(pairing, other, aliases) for other in chosen):
            chosen.append(pairing)
            taken.add(group)
            if len(chosen) == size:
                break
    return chosen


def _confusable(a: _Pairing, b: _Pairing, aliases: identity.Aliases) -> bool:
    """Whether a learner could defend pairing a's left side with b's right side (or the other way round)."""
    if normalize(a.left) == normalize(b.left) or normalize(a.right) == normalize(b.right):
        return True
    if a.when is not None and b.when is not None:
        return a.when.overlaps(b.when)
    if a.names & b.names:
        return True
    left_a, left_b = f" {normalize(a.left)} ", f" {normalize(b.left)} "  # a left side naming the other's answer
    return aliases.named_in(b.right, left_a) is not None or aliases.named_in(a.right, left_b) is not None


def _asked(prompt: str, keys: tuple[str, ...], category: str, lefts: list[str], rights: list[str],
           pair_sources: list[str], sources: tuple[str, ...], explanation: str, rng: random.Random) -> QuizQuestion:
    """The question as asked: the right sides shuffled (never in the lefts' own order), the answer as each option's index."""
    order = list(range(len(rights)))
    rng.shuffle(order)
    if order == sorted(order):  # the right sides in the lefts' order would give the pairing away
        order = order[1:] + order[:1]
    options = tuple(rights[i] for i in order)
    return QuizQuestion(
        "matching", prompt, keys=keys, category=category, answer="; ".join(f"{left}: {right}" for left, right in zip(lefts, rights, strict=True)),
        options=options, answer_order=tuple(order.index(i) for i in range(len(rights))), explanation=explanation,
        sources=sources, lefts=tuple(lefts), pair_sources=tuple(pair_sources))
