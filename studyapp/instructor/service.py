"""Service: what instructors see of the bank: counts, answer rates, distractor and pairing picks, previews."""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import func, literal, or_, select, union_all
from sqlalchemy.orm import Session

from studyapp.bank import catalog, distractors, files, reading
from studyapp.bank.items import Item, Kind
from studyapp.errors import NotFound, Problem
from studyapp.models import Deck, LearnAnswer, Question, QuizItem
from studyapp.quizzes import generate, grading
from studyapp.quizzes.question import QuizQuestion


@dataclass(frozen=True)
class AnswerRate:
    """How learners did on one question in quizzes and Learn; `overridden`: typed misses learners said were right
    ("I was right" in Learn, counted as right)."""

    answered: int
    correct: int
    overridden: int = 0

    @property
    def percent(self) -> int | None:
        """Share right, or None before anyone answered."""
        return round(100 * self.correct / self.answered) if self.answered else None


@dataclass(frozen=True)
class Preview:
    """One question as a learner would meet it: each form it can take, and how learners answered."""

    item: Item
    forms: list[QuizQuestion]
    rate: AnswerRate
    picks: list[tuple[str, int, bool]]  # option text, times chosen, is it the answer
    pairings: list[tuple[str, str, str, int]] = field(default_factory=list)  # a matching: left, its right, chosen, times


def bank_counts(session: Session) -> list[tuple[str, str, dict[str, int], dict[str, int]]]:
    """Per live deck: key, title, questions per category and per kind."""
    rows = session.execute(select(Deck.key, Deck.title, Question.category, Question.kind, func.count())
                           .join(Question).where(Question.is_retired.is_(False), Deck.is_retired.is_(False))
                           .group_by(Deck.key, Deck.title, Deck.position, Question.category, Question.kind)
                           .order_by(Deck.position))
    decks: dict[str, tuple[str, str, Counter, Counter]] = {}
    for key, title, category, kind, count in rows:
        entry = decks.setdefault(key, (key, title, Counter(), Counter()))
        entry[2][category] += count
        entry[3][kind] += count
    return [(k, t, dict(c), dict(n)) for k, t, c, n in decks.values()]


def answer_rates(session: Session) -> dict[str, AnswerRate]:
    """Per question key: answers in quizzes and Learn, how many were right, and how many learners overrode."""
    quizzes = (select(QuizItem.question_key.label("key"), func.count().label("answered"),
                      func.count().filter(QuizItem.is_correct.is_(True)).label("correct"), literal(0).label("overridden"))
               .where(QuizItem.question_key.is_not(None), QuizItem.answered_at.is_not(None))
               .group_by(QuizItem.question_key))
    learned = (select(LearnAnswer.question_key, func.count(),
                      func.count().filter(or_(LearnAnswer.is_correct.is_(True), LearnAnswer.is_overridden.is_(True))),
                      func.count().filter(LearnAnswer.is_overridden.is_(True)))
               .group_by(LearnAnswer.question_key))
    rates: dict[str, AnswerRate] = {}
    for key, answered, correct, overridden in session.execute(union_all(quizzes, learned)):
        before = rates.get(key, AnswerRate(0, 0))
        rates[key] = AnswerRate(before.answered + answered, before.correct + correct, before.overridden + overridden)
    return rates


@dataclass(frozen=True)
class QuestionRow:
    """One line of the instructor's question table."""

    item: Item
    rate: AnswerRate
    problems: tuple[Problem, ...]


SORTS = {
    "id": lambda row: row.item.key, "kind": lambda row: (row.item.kind.value, row.item.key),
    "category": lambda row: (row.item.category.value, row.item.key),
    "answered": lambda row: (-row.rate.answered, row.item.key),
    "right": lambda row: (row.rate.percent is None, row.rate.percent or 0, row.item.key),  # the hardest first
    "overridden": lambda row: (-row.rate.overridden, row.item.key),
    "problems": lambda row: (-len(row.problems), row.item.key),
}


@dataclass(frozen=True)
class TableChoice:
    """How the instructor asked the table to be sorted and filtered (empty: everything, in bank order)."""

    sort: str = ""
    deck: str = ""
    kind: str = ""
    category: str = ""
    only_problems: bool = False


def question_table(items: list[Item], rates: dict[str, AnswerRate], problems: list[Problem],
                   choice: TableChoice) -> list[tuple[str, list[QuestionRow]]]:
    """Per deck (bank order), its questions with answer rate and problems, filtered and sorted as chosen. Pure."""
    found: dict[str, list[QuestionRow]] = {}
    owners = _problem_owners(items, problems)
    for item in items:
        row = QuestionRow(item, rates.get(item.key, AnswerRate(0, 0)), tuple(owners.get(item.key, ())))
        if ((choice.deck and item.deck != choice.deck) or (choice.kind and item.kind.value != choice.kind)
                or (choice.category and item.category.value != choice.category) or (choice.only_problems and not row.problems)):
            continue
        found.setdefault(item.deck, []).append(row)
    order = SORTS.get(choice.sort)
    return [(deck, sorted(rows, key=order) if order else rows) for deck, rows in found.items()]


def _problem_owners(items: list[Item], problems: list[Problem]) -> dict[str, list[Problem]]:
    """Each problem under the question it stands in: the last one of its file starting at or before its line."""
    starts: dict[str, list[tuple[int, str]]] = {}
    for item in items:
        if not item.key.endswith(".reverse"):
            starts.setdefault(item.file, []).append((item.line, item.key))
    owners: dict[str, list[Problem]] = {}
    for problem in problems:
        before = [key for line, key in sorted(starts.get(problem.file, [])) if line <= problem.line]
        if before:
            owners.setdefault(before[-1], []).append(problem)
    return owners


def live_questions(session: Session) -> list[Item]:
    """Every live question, in bank order."""
    rows = session.scalars(select(Question.data).join(Deck).where(Question.is_retired.is_(False))
                           .order_by(Deck.position, Question.id))
    return [Item.from_dict(data) for data in rows]


def _order_with(item: Item, pool: list[Item]) -> QuizQuestion | None:
    """A chronology question this dated fact takes part in, with other dated facts of the bank; None if it takes none."""
    if not (item.date and item.event):
        return None
    others = [other for other in pool if (other.fact or other.key) != (item.fact or item.key)]
    for seed in range(50):  # build_order picks facts at random: find a draw that includes this one
        order = generate.build_order([item, *others], random.Random(seed))
        if order is not None and (item.fact or item.key) in order.keys:
            return order
    return None


def preview(session: Session, key: str) -> Preview:
    """The forms a question is asked in (with the options the generator picks) and learners' answers to it."""
    data = session.scalar(select(Question.data).where(Question.key == key, Question.is_retired.is_(False)))
    if data is None:
        raise NotFound(f"There is no question '{key}'.")
    item = Item.from_dict(data)
    pool = distractors.Pool(live_questions(session))
    forms = []
    if item.kind in (Kind.TRUEFALSE, Kind.MATCHING):
        forms.append(generate.ask(item, pool, random.Random(0)))
    else:
        choice = distractors.pick_distractors(item, pool, random.Random(0))
        can_choose = len(choice) == distractors.OPTIONS - 1 and item.kind in (Kind.CHOICE, Kind.FACT)
        if can_choose:
            options = [distractors.option_text(item.answer_text), *(distractors.option_text(d) for d in choice)]
            random.Random(0).shuffle(options)
            forms.append(QuizQuestion("choice", item.prompt, (item.key,), item.category.value,
                                           distractors.option_text(item.answer_text), options=tuple(options)))
        if item.kind != Kind.CHOICE or not can_choose:  # a choice question short of options is asked typed
            forms.append(QuizQuestion("typed", item.prompt, (item.key,), item.category.value, item.answer_text,
                                           typed_answer=item.answer, alternatives=item.alternatives))
        order = _order_with(item, pool.items)
        if order is not None:
            forms.append(order)
    answered = [*session.execute(select(QuizItem.payload, QuizItem.response, QuizItem.is_correct, literal(False)).where(
        QuizItem.question_key == key, QuizItem.answered_at.is_not(None))),
        *session.execute(select(LearnAnswer.payload, LearnAnswer.response, LearnAnswer.is_correct,
                                LearnAnswer.is_overridden).where(LearnAnswer.question_key == key))]
    picks: Counter[str] = Counter()
    for payload, response, *_ in answered:
        options = payload.get("options") or []
        if payload.get("form") == "choice" and response and response.isdecimal() and int(response) < len(options):
            picks[options[int(response)]] += 1
    rate = AnswerRate(len(answered), sum(1 for *_, correct, overridden in answered if correct or overridden),
                      sum(1 for *_, overridden in answered if overridden))
    right = distractors.option_text(item.answer_text)
    return Preview(item, forms, rate, [(text, n, text == right) for text, n in picks.most_common()],
                   wrong_pairings([(payload, response) for payload, response, *_ in answered]))


def wrong_pairings(answers: list[tuple[dict, str | None]]) -> list[tuple[str, str, str, int]]:
    """The wrong pairings learners chose in a matching question's answers (stored payload, response), most chosen
    first: left side, the right side that fits it, the one chosen instead, how many times. Pure."""
    chosen: Counter[tuple[str, str, str]] = Counter()
    for payload, response in answers:
        if payload.get("form") == "matching" and response:
            for pair in grading.matching_pairs(QuizQuestion.from_dict(payload), response):
                if not pair.is_correct and pair.chosen is not None:
                    chosen[(pair.left, pair.right, pair.chosen)] += 1
    return [(left, right, wrong, count) for (left, right, wrong), count in
            sorted(chosen.items(), key=lambda entry: (-entry[1], entry[0]))]


def text_coverage(session: Session, source_path: str | None, footer_lines: int) -> reading.Coverage | None:
    """How much of the source text the live bank cites (None without a readable source text)."""
    found = files.read_article(source_path, footer_lines)
    if found.article is None:
        return None
    return catalog.citations(session, found.article)[1]
