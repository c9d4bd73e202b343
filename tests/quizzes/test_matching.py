"""Matching questions, pure: generated from one relation of the bank's facts, authored ones as asked, graded per pair."""

from __future__ import annotations

import dataclasses
import random

import pytest

from studyapp.bank import dates, distractors, identity, load
from studyapp.bank.items import Category, Item, Kind, Pair
from studyapp.bank.spelling import normalize
from studyapp.quizzes import generate, grading, matching
from studyapp.quizzes.question import QuizQuestion
from tests.conftest import DATA, ROOT

CURATED = load.load_bank(ROOT / "questions")
ITEMS = list(CURATED.items)
GROUPS = identity.fact_groups(ITEMS)
BY_KEY = {item.key: item for item in ITEMS}
POOL = distractors.Pool(ITEMS)
AUTHORED = load.load_bank(DATA / "matching").items[0]


def _right(question: QuizQuestion) -> str:
    return ",".join(map(str, question.answer_order))


def _fact(key: str, answer: str, category: Category = Category.PLACE, **fields: object) -> Item:
    return Item(key=key, deck="d", kind=Kind.FACT, category=category, prompt=f"According to the text, where is {key}?",
                answer=answer, fact=key, source=f"{key} is in {answer}", **fields)  # type: ignore[arg-type]


@pytest.mark.parametrize("seed", range(40))
def test_a_generated_matching_pairs_four_to_six_facts_of_one_relation_none_confusable(seed: int) -> None:
    question = matching.build_matching(ITEMS, random.Random(seed))
    assert question is not None and question.form == "matching"
    items = [BY_KEY[key] for key in question.keys]
    assert 4 <= len(items) == len(question.lefts) == len(question.options) <= 6
    assert sorted(question.answer_order) == list(range(len(items)))
    assert len({GROUPS[item.key] for item in items}) == len(items)  # never two pairs of one fact
    rights = [question.options[i] for i in question.answer_order]
    if question.prompt == matching.DATES_PROMPT:  # events and their dates: no two dates that could share a day
        assert question.category == "date" and list(question.lefts) == [item.event for item in items]
        values = [dates.parse_iso(item.date) for item in items]
        assert rights == [value.display() for value in values]
        assert not any(a.overlaps(b) for i, a in enumerate(values) for b in values[i + 1:])
    else:  # the facts' questions and their answers, all of one category, no answer another's by any name
        assert {item.category.value for item in items} == {question.category} and all(i.kind == Kind.FACT for i in items)
        assert not any(POOL.aliases.same(a, b) for i, a in enumerate(rights) for b in rights[i + 1:])
        assert all(not left.lower().startswith("according to the text") for left in question.lefts)
    assert len({normalize(left) for left in question.lefts}) == len(items)
    assert list(question.pair_sources) == [item.source for item in items]


def test_a_generated_matching_is_the_same_for_the_same_seed() -> None:
    first, again, other = (matching.build_matching(ITEMS, random.Random(seed)) for seed in (7, 7, 8))
    assert first == again and first != other


def test_the_right_sides_are_never_offered_in_the_left_sides_order() -> None:
    for seed in range(60):
        question = matching.build_matching(ITEMS, random.Random(seed))
        assert list(question.answer_order) != sorted(question.answer_order)


def test_too_few_facts_of_any_relation_make_no_matching() -> None:
    three = [_fact("a", "Kalun"), _fact("b", "Onsong"), _fact("c", "Jilin Province")]
    assert matching.build_matching(three, random.Random(0)) is None


def test_answers_by_another_name_and_overlapping_dates_are_never_paired_together() -> None:
    places = [_fact("a", "the SRC"), _fact("b", "Society for Rallying Comrades", alternatives=("the SRC",)),
              _fact("c", "Onsong"), _fact("d", "Jilin Province"), _fact("e", "China")]
    for seed in range(20):  # a and b name one thing: at most one of them, so only four pairs
        question = matching.build_matching(places, random.Random(seed))
        assert len({"a", "b"} & set(question.keys)) == 1 and len(question.keys) == 4
    dated = [dataclasses.replace(_fact(k, "x", Category.DATE), answer=d, date=d, event=f"Event {k}")
             for k, d in (("a", "1930-07"), ("b", "1930-07-03"), ("c", "1928"), ("d", "1945-10-10"), ("e", "1926"))]
    for seed in range(20):
        question = matching.build_matching(dated, random.Random(seed))
        assert len({"a", "b"} & set(question.keys)) == 1 and question.prompt == matching.DATES_PROMPT


def test_a_left_side_never_names_another_pairs_answer() -> None:
    named = dataclasses.replace(_fact("a", "Kalun"), prompt="According to the text, which river is near Onsong?")
    others = [_fact("b", "Onsong"), _fact("c", "Jilin Province"), _fact("d", "China"), _fact("e", "the Tuman River")]
    for seed in range(20):
        assert {"a", "b"} - set(matching.build_matching([named, *others], random.Random(seed)).keys)


def test_an_authored_matching_is_asked_shuffled_with_its_sources() -> None:
    question = generate.ask(AUTHORED, POOL, random.Random(3))
    assert question.form == "matching" and question.keys == ("places-match",) and question.bank_key == "places-match"
    pairs = {pair.left: pair for pair in AUTHORED.pairs}
    assert sorted(question.lefts) == sorted(pairs)
    for left, index, source in zip(question.lefts, question.answer_order, question.pair_sources, strict=True):
        assert question.options[index] == pairs[left].right and source == pairs[left].source
    assert set(question.sources) == {pair.source for pair in AUTHORED.pairs}
    assert question.explanation == "The text names each place once."
    assert QuizQuestion.from_dict(question.to_dict()) == question


def test_a_stored_question_from_before_matching_still_loads() -> None:
    stored = {"form": "choice", "prompt": "P?", "keys": ["k"], "category": "place", "answer": "A", "options": ["A", "B"]}
    question = QuizQuestion.from_dict(stored)
    assert question.lefts == () and question.pair_sources == () and question.bank_key == "k"


@pytest.mark.parametrize(("response", "correct", "feedback"), [
    ("right", True, "3 of 3 pairs right."),
    ("two", False, "2 of 3 pairs right."),
    ("", False, "0 of 3 pairs right."),
    ("9,x,-1", False, "0 of 3 pairs right."),  # not options: wrong pairs, not an error
    ("short", False, "1 of 3 pairs right."),  # fewer choices than left sides: the rest are wrong
])
def test_matching_is_graded_pair_by_pair(response: str, correct: bool, feedback: str) -> None:
    question = generate.ask(AUTHORED, POOL, random.Random(3))
    order = list(question.answer_order)
    given = {"right": _right(question), "two": ",".join(map(str, [order[0], order[1], order[1]])),
             "short": str(order[0])}.get(response, response)
    outcome = grading.check(question, given)
    assert (outcome.correct, outcome.feedback) == (correct, feedback)
    assert grading.check(question, given.split(",")) == outcome  # a list of choices reads the same


def test_matching_pairs_say_what_was_chosen_and_what_fits() -> None:
    question = generate.ask(AUTHORED, POOL, random.Random(3))
    order = list(question.answer_order)
    rows = grading.matching_pairs(question, f"{order[1]},{order[1]}")
    assert [row.left for row in rows] == list(question.lefts)
    assert [row.is_correct for row in rows] == [False, True, False]
    assert rows[0].chosen == question.options[order[1]] and rows[0].right == question.options[order[0]]
    assert rows[2].chosen is None and rows[2].source == question.pair_sources[2]


def test_a_quiz_of_eight_or_more_holds_one_generated_matching_on_facts_no_other_question_asks() -> None:
    for seed in range(15):
        questions = generate.build_quiz(ITEMS, POOL, 12, random.Random(seed))
        generated = [q for q in questions if q.form == "matching" and q.bank_key is None]
        assert len(generated) <= 1
        asked = [group for q in questions for group in {g for item in ITEMS if item.key in q.keys or (item.fact or item.key)
                                                         in q.keys for g in identity.groups_of(item, GROUPS)}]
        assert len(asked) == len(set(asked))
    assert any(q.form == "matching" for seed in range(5) for q in generate.build_quiz(ITEMS, POOL, 8, random.Random(seed)))
    assert not any(q.form == "matching" and q.bank_key is None
                   for seed in range(10) for q in generate.build_quiz(ITEMS, POOL, 7, random.Random(seed)))
    assert not any(q.form == "matching" and q.bank_key is None
                   for q in generate.build_quiz(ITEMS, POOL, 12, random.Random(1), with_matching=False))


@pytest.mark.parametrize("length", [8, 20, 34, 35, 50])
def test_a_generated_matching_never_makes_a_quiz_shorter(length: int) -> None:
    """It takes the place of one question only from facts to spare: a quiz asked for as many questions as the bank
    has facts gets as many questions with it as without it."""
    for seed in range(6):
        mixed = generate.build_quiz(ITEMS, POOL, length, random.Random(seed))
        plain = generate.build_quiz(ITEMS, POOL, length, random.Random(seed), with_matching=False)
        assert len(mixed) == len(plain)


def test_a_matching_quiz_holds_matching_questions_only() -> None:
    candidates = [*ITEMS, AUTHORED]
    questions = generate.build_matching_quiz(candidates, candidates, 10, random.Random(2))
    assert {q.form for q in questions} == {"matching"} and 2 <= len(questions) <= 10
    assert any(q.keys == ("places-match",) for q in questions)
    asked = [GROUPS.get(key, key) for q in questions if q.bank_key is None for key in q.keys]
    assert len(asked) == len(set(asked))
    assert generate.build_matching_quiz(candidates, candidates, 1, random.Random(2))[0].form == "matching"
    assert generate.build_matching_quiz([BY_KEY["src-formed"]], ITEMS, 5, random.Random(0)) == []


def test_an_authored_matching_stands_for_the_facts_its_pairs_cite() -> None:
    item = BY_KEY["organizations-said-of-match"]
    groups = identity.groups_of(item, GROUPS)
    assert GROUPS["src-embryo-of-wpk"] in groups and GROUPS["kcp-comintern-dismissal"] in groups
    assert GROUPS["src-embryo-of-wpk"] != GROUPS["kcp-comintern-dismissal"]  # its pairs join no fact to another
    for seed in range(30):
        keys = {k for q in generate.build_quiz(ITEMS, POOL, 40, random.Random(seed)) for k in q.keys}
        if item.key in keys:
            assert not keys & {"src-embryo-of-wpk", "src-embryo-of-wpk.reverse", "kcp-comintern-dismissal"}


def test_a_matching_item_round_trips_and_other_items_store_no_pairs() -> None:
    assert Item.from_dict(AUTHORED.to_dict()) == AUTHORED
    assert AUTHORED.pairs[1] == Pair("the Onsong area", "A homeland party organization was formed there",
                                     ("a homeland party organization was formed",), AUTHORED.pairs[1].source)
    assert "pairs" not in BY_KEY["src-formed"].to_dict()  # stored as before: the first sync after upgrade changes nothing
    assert not AUTHORED.is_card and BY_KEY["src-formed"].is_card


@pytest.mark.parametrize(("posted", "stored"), [
    (["2", "0", "1"], "2,0,1"), ([" 1", "0 "], "1,0"), (["2", "", "1"], None), (["x"], None), ([], None),
])
def test_the_posted_selects_become_the_stored_response(posted: list[str], stored: str | None) -> None:
    assert grading.matching_response(posted) == stored
