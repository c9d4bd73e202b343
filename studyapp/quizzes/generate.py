"""Quiz generation: bank items -> asked questions (choice, typed, true/false, order, matching).

Pure and reproducible: everything random comes from the `rng` passed in, so the
same bank and seed always give the same questions and options.
"""

from __future__ import annotations

import random

from studyapp.bank import dates, distractors, identity
from studyapp.bank.distractors import OPTIONS, Pool
from studyapp.bank.items import Category, Item, Kind
from studyapp.quizzes import matching
from studyapp.quizzes.matching import build_matching
from studyapp.quizzes.question import QuizQuestion

ORDER_SIZE = 4
ORDER_PROMPT = "According to the text, put these in chronological order, earliest first."


def build_quiz(candidates: list[Item], pool: list[Item] | Pool, length: int, rng: random.Random,
               with_order: bool = True, with_matching: bool = True) -> list[QuizQuestion]:
    """Pick up to `length` questions from `candidates`, mixing forms; distractors come from `pool`.

    Never two questions about one fact (identity.fact_groups), so no verdict gives away a later answer:
    a quiz is shorter than asked when the candidates hold fewer facts. A chronology (from 8 questions)
    takes the place of one question and the facts of its four events; so does a generated matching
    question (from 8 questions too) with the facts of its pairs, when the candidates hold facts to spare
    (it never makes a quiz shorter).
    """
    pool = pool if isinstance(pool, Pool) else Pool(pool)
    candidates = sorted(candidates, key=lambda item: item.key)
    groups = identity.fact_groups(candidates)
    questions: list[QuizQuestion] = []
    used: set[str] = set()
    if with_order and length >= 8:
        order = build_order(candidates, rng, groups)
        if order is not None:
            questions.append(order)
            used.update(groups[item.key] for item in candidates if (item.fact or item.key) in order.keys)
    if with_matching and length >= 8:
        free = [item for item in candidates if groups[item.key] not in used]
        facts = {groups[item.key] for item in free if item.kind != Kind.MATCHING}
        spare = len(facts) - (length - len(questions))  # facts no other question would ask
        paired = build_matching(free, rng, groups, pool.aliases, most=spare + 1) if spare >= 3 else None
        if paired is not None:
            questions.append(paired)
            used.update(groups[key] for key in paired.keys)
    for item in _pick_items(candidates, groups, used, length - len(questions), rng):
        questions.append(ask(item, pool, rng))
    rng.shuffle(questions)
    return questions


def build_matching_quiz(candidates: list[Item], pool: list[Item] | Pool, length: int,
                        rng: random.Random) -> list[QuizQuestion]:
    """A quiz of matching questions only: the candidates' authored ones, then as many generated ones as their
    facts allow (each from facts no other question of the quiz asks about), up to `length`; [] when there are none."""
    pool = pool if isinstance(pool, Pool) else Pool(pool)
    candidates = sorted(candidates, key=lambda item: item.key)
    groups = identity.fact_groups(candidates)
    authored = [item for item in candidates if item.kind == Kind.MATCHING]
    questions = [matching.ask_matching(item, rng) for item in _pick_items(authored, groups, set(), length, rng)]
    used = {group for question in questions for item in authored if item.key in question.keys
            for group in identity.groups_of(item, groups)}
    while len(questions) < length:
        paired = build_matching([item for item in candidates if groups[item.key] not in used], rng, groups, pool.aliases)
        if paired is None:
            break
        questions.append(paired)
        used.update(groups[key] for key in paired.keys)
    rng.shuffle(questions)
    return questions


def _pick_items(candidates: list[Item], groups: dict[str, str], used: set[str], count: int,
                rng: random.Random) -> list[Item]:
    """A sample of at most one item per fact group, none from the groups `used` already (a matching item
    stands for the groups of all its pairs)."""
    shuffled = candidates[:]
    rng.shuffle(shuffled)
    picked: list[Item] = []
    taken = set(used)
    for item in shuffled:
        if len(picked) == count:
            break
        touched = identity.groups_of(item, groups)
        if not touched & taken:
            taken.update(touched)
            picked.append(item)
    return picked


def ask(item: Item, pool: list[Item] | Pool, rng: random.Random) -> QuizQuestion:
    """Turn one bank item into a question, as multiple choice where it can be (a matching item: as it is written)."""
    if item.kind == Kind.MATCHING:
        return matching.ask_matching(item, rng)
    if item.kind == Kind.TRUEFALSE:
        answer = "True" if item.answer == "true" else "False"
        return QuizQuestion("truefalse", item.prompt, answer=answer, options=("True", "False"), **_common(item))  # type: ignore[arg-type]
    wants_choice = item.kind == Kind.CHOICE or (item.kind == Kind.FACT and rng.random() < 0.6)
    return (choice_question(item, pool, rng) if wants_choice else None) or typed_question(item)


def _common(item: Item) -> dict[str, object]:
    return dict(keys=(item.key,), category=item.category.value, explanation=item.explanation,
                sources=(item.source,) if item.source else ())


def choice_question(item: Item, pool: list[Item] | Pool, rng: random.Random) -> QuizQuestion | None:
    """The item as multiple choice (its answer and three same-category distractors); None when too few distractors."""
    pool = pool if isinstance(pool, Pool) else Pool(pool)
    wrong = distractors.pick_distractors(item, pool, rng)
    if len(wrong) != OPTIONS - 1:
        return None
    options = [distractors.option_text(item.answer_text), *(distractors.option_text(d) for d in wrong)]
    rng.shuffle(options)
    return QuizQuestion("choice", item.prompt, answer=distractors.option_text(item.answer_text), options=tuple(options),
                        **_common(item))  # type: ignore[arg-type]


def typed_question(item: Item) -> QuizQuestion:
    """The item as a typed answer (a date at the precision asked, the text's fuller date kept for grading)."""
    exact = item.date if item.category == Category.DATE and item.date and item.date != item.answer else ""
    return QuizQuestion("typed", item.prompt, answer=item.answer_text, typed_answer=item.answer,
                        alternatives=item.alternatives, exact_date=exact, **_common(item))  # type: ignore[arg-type]


def build_order(candidates: list[Item], rng: random.Random,
                groups: dict[str, str] | None = None) -> QuizQuestion | None:
    """A chronology question over dated facts of different groups whose dates cannot overlap; None if too few."""
    groups = groups if groups is not None else identity.fact_groups(candidates)
    events = sorted((item for item in candidates if item.date and item.event), key=lambda item: item.key)
    rng.shuffle(events)
    dated: dict[str, Item] = {}
    for item in events:  # one event per group, whichever the shuffle puts first
        dated.setdefault(groups[item.key], item)
    events = list(dated.values())
    chosen: list[tuple[dates.DateValue, Item]] = []
    for item in events:
        value = dates.parse_iso(item.date)
        if all(not value.overlaps(other) for other, _ in chosen):
            chosen.append((value, item))
        if len(chosen) == ORDER_SIZE:
            break
    if len(chosen) < ORDER_SIZE:
        return None
    options = tuple(item.event for _, item in chosen)
    chronological = sorted(range(len(chosen)), key=lambda i: chosen[i][0].first_day)
    return QuizQuestion(
        "order", ORDER_PROMPT, keys=tuple(item.fact or item.key for _, item in chosen), category="date",
        answer="; ".join(f"{options[i]} ({chosen[i][0].display()})" for i in chronological),
        options=options, answer_order=tuple(chronological), dates=tuple(value.display() for value, _ in chosen),
        explanation="; ".join(f"{chosen[i][0].display()}: {options[i]}" for i in chronological),
        sources=tuple(item.source for _, item in chosen if item.source),
    )
