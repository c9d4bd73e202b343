"""Warnings about a valid bank: what loads fine but will make weak questions.

Pure: a Bank in, located Problems (is_warning=True) out.
"""

from __future__ import annotations

import random
from collections.abc import Sequence

from studyapp.bank import distractors
from studyapp.bank.items import Bank, Item, Kind
from studyapp.bank.spelling import normalize
from studyapp.errors import Problem

MIN_DISTRACTORS = distractors.OPTIONS - 1


def warnings_for(bank: Bank, pool: Sequence[Item] | None = None) -> list[Problem]:
    """Questions without a source, questions whose multiple choice lacks plausible distractors or gives its answer away,
    distractors the text would defend, `about` naming nothing.

    Distractors are drawn from `pool` (the whole bank's items) when only part of the bank is checked.
    """
    index = distractors.Pool(bank.items if pool is None else pool)
    found: list[Problem] = []
    ids = {name for item in index.items for name in (item.key, item.fact) if name}
    for item in bank.items:
        if not item.source and not item.key.endswith(".reverse"):
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
    if item.kind == Kind.TRUEFALSE:
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
