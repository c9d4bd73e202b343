"""Warnings about a valid bank: what loads fine but will make weak questions.

Pure: a Bank in, located Problems (is_warning=True) out.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Sequence

from studyapp.bank import distractors, identity
from studyapp.bank.items import Bank, Category, Item, Kind
from studyapp.bank.spelling import normalize
from studyapp.errors import Problem

MIN_DISTRACTORS = distractors.OPTIONS - 1


def warnings_for(bank: Bank, pool: Sequence[Item] | None = None) -> list[Problem]:
    """Questions without a source, questions whose multiple choice lacks plausible distractors or gives its answer away,
    distractors the text would defend, `about` naming nothing, matching pairs without a source or whose right
    sides are one thing by the bank's names for it.

    Distractors are drawn from `pool` (the whole bank's items) when only part of the bank is checked.
    """
    index = distractors.Pool(bank.items if pool is None else pool)
    found: list[Problem] = []
    ids = {name for item in index.items for name in (item.key, item.fact) if name}
    for item in bank.items:
        if item.kind == Kind.MATCHING:
            found.extend(_matching_warnings(item, index.aliases))
        elif not item.source and not item.key.endswith(".reverse"):
            found.append(Problem(item.file, item.line, item.column, f"'{item.key}' has no source: cite the sentence it rests on",
                                 is_warning=True))
        if item.kind in (Kind.CHOICE, Kind.FACT):
            found.extend(_refused_distractors(item, index))
            count = len(distractors.pick_distractors(item, index, random.Random(0)))
            if count < MIN_DISTRACTORS:
                found.append(Problem(
                    item.file, item.line, item.column,
                    f"'{item.key}' has only {count} plausible distractor{'s' if count != 1 else ''} for multiple choice "
                    f"(needs {MIN_DISTRACTORS}): add 'distractors' or more {item.category.value} answers",
                    is_warning=True))
            elif item.distractors and _stands_out_by_length(item):
                found.append(Problem(
                    item.file, item.line, item.column,
                    f"'{item.key}': the answer is much longer than all its distractors, so a learner can pick it "
                    "by its length alone: give at least one distractor about as long", is_warning=True))
        if item.about and item.about not in ids:
            found.append(Problem(item.file, item.line, item.column,
                                 f"'{item.key}': about: '{item.about}' names no question or fact of the bank, so it "
                                 "joins this question to none", is_warning=True))
        named = _answer_in_prompt(item)
        if named:
            found.append(Problem(item.file, item.line, item.column,
                                 f"'{item.key}': its accepted answer '{named}' stands in its own prompt: "
                                 "reword the prompt (or drop that spelling)", is_warning=True))
    return sorted(found)


def _refused_distractors(item: Item, index: distractors.Pool) -> list[Problem]:
    """The item's own distractors that quizzes never offer, because the text would defend them."""
    return [Problem(item.file, item.line, item.column,
                    f"'{item.key}': the distractor '{text}' is never offered: {reason}", is_warning=True)
            for text in item.distractors if (reason := distractors.refusal(item, text, index)) is not None]


def _answer_in_prompt(item: Item) -> str | None:
    """The answer, or an accepted spelling, that the prompt itself spells out (whole words, compared as answers are)."""
    if item.kind in (Kind.TRUEFALSE, Kind.MATCHING):  # a matching prompt names no answer of its own
        return None
    prompt = f" {normalize(item.prompt.replace('_____', ' '))} "
    for answer in (item.answer_text, *item.alternatives):
        key = normalize(answer)
        if key and not key.isdecimal() and f" {key} " in prompt:
            return answer
    return None


def _stands_out_by_length(item: Item) -> bool:
    """The instructor's distractors are all far shorter than the answer (the right option is the long one)."""
    answer = len(distractors.option_text(item.answer_text))
    longest = max(len(distractors.option_text(d)) for d in item.distractors)
    return answer >= 12 and answer > 1.5 * longest


def _matching_warnings(item: Item, aliases: identity.Aliases) -> list[Problem]:
    """A matching question's pairs without a source, and right sides the bank knows as names of one thing
    (the SRC and the first party organization): either would fit both left sides."""
    found = [] if item.source else [
        Problem(item.file, item.line, item.column, f"'{item.key}': pair {number} ('{pair.left}') has no source: "
                "cite the sentence it rests on", is_warning=True) for number, pair in enumerate(item.pairs, 1) if not pair.source]
    if item.category == Category.DATE:  # dates are compared by their days when the file is read
        return found
    for (number, first), (other, second) in itertools.combinations(enumerate(item.pairs, 1), 2):
        same = next(((a, b) for a in (first.right, *first.alternatives) for b in (second.right, *second.alternatives)
                     if aliases.same(a, b)), None)
        if same is not None:
            found.append(Problem(item.file, item.line, item.column, (
                f"'{item.key}': the right sides of pairs {number} and {other} name one thing ('{same[0]}' and '{same[1]}' "
                "are spellings of one answer in the bank), so either fits both left sides"), is_warning=True))
    return found
