"""Quiz generation: four distinct options with one right, plausible distractors, reproducible by seed."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from studyapp.bank import dates, distractors, identity, load, spelling
from studyapp.bank.items import Category, Item, Kind
from studyapp.quizzes import generate, grading
from studyapp.quizzes.question import QuizQuestion
from tests.conftest import ROOT, small_bank

CURATED = load.load_bank(ROOT / "questions")
ITEMS = list(CURATED.items)


def test_same_seed_same_quiz() -> None:
    first = generate.build_quiz(ITEMS, ITEMS, 12, random.Random(42))
    second = generate.build_quiz(ITEMS, ITEMS, 12, random.Random(42))
    other = generate.build_quiz(ITEMS, ITEMS, 12, random.Random(43))
    assert first == second and first != other


def test_quiz_mixes_forms_and_never_asks_both_directions() -> None:
    questions = generate.build_quiz(ITEMS, ITEMS, 30, random.Random(1))
    assert len(questions) == 30
    assert {q.form for q in questions} == {"choice", "typed", "truefalse", "order", "matching"}
    facts = [i.fact for q in questions if q.form != "order" for i in ITEMS if i.key in q.keys and i.fact]
    assert len(facts) == len(set(facts))


GROUPS = identity.fact_groups(ITEMS)


def _groups_asked(question: QuizQuestion) -> list[str]:
    """The fact groups a question asks about (a chronology: those of its four events; a matching: its pairs')."""
    return [group for item in ITEMS if (item.fact or item.key) in question.keys or item.key in question.keys
            for group in identity.groups_of(item, GROUPS)]


@pytest.mark.parametrize("length", [10, 30, 50])
@pytest.mark.parametrize("seed", range(25))
def test_a_quiz_never_asks_one_fact_twice(seed: int, length: int) -> None:
    """No verdict shows a later question's answer: every question (a chronology's every event) its own fact group."""
    questions = generate.build_quiz(ITEMS, ITEMS, length, random.Random(seed))
    asked = [group for question in questions for group in set(_groups_asked(question))]
    assert len(asked) == len(set(asked))
    forward_and_reverse = {"factionalists-restore-tf", "factionalists-restore-typed"} & {k for q in questions for k in q.keys}
    assert len(forward_and_reverse) <= 1  # the case: the true/false's verdict names the party the other asks for


def test_a_quiz_is_as_long_as_the_facts_allow() -> None:
    """Asking more than the bank's facts gives every fact once (a chronology or a matching question standing for several)."""
    facts = {GROUPS[item.key] for item in ITEMS if item.kind != Kind.MATCHING}
    assert len(facts) < 50
    for with_more in (True, False):
        questions = generate.build_quiz(ITEMS, ITEMS, 50, random.Random(3), with_order=with_more, with_matching=with_more)
        asked = [set(_groups_asked(question)) for question in questions]
        assert sum(map(len, asked)) == len(set().union(*asked))  # no fact twice
        assert set().union(*asked) >= facts  # and every fact once
        assert ("order" in {q.form for q in questions}) == with_more
        assert not any(q.form == "matching" and q.bank_key is None for q in questions)  # no facts to spare for one
    without = generate.build_quiz(ITEMS, ITEMS, 50, random.Random(3), with_order=False, with_matching=False)
    assert "order" not in {q.form for q in without} and not any(q.form == "matching" and len(q.keys) > 1 for q in without)


def _item(key: str, source: str, **fields: str) -> Item:
    return Item(key=key, deck="d", kind=Kind.TYPED, category=Category.PLACE, prompt="Where?", answer=key,
                source=source, **fields)  # type: ignore[arg-type]


SENTENCE = "A conference that was later named as the Kalun Meeting was held in Jiajiatun, Kalun, Changchun County"


@pytest.mark.parametrize(("first", "second", "joined"), [
    (_item("a", SENTENCE), _item("b", SENTENCE), True),  # the same citation
    (_item("a", SENTENCE), _item("b", "was held in Jiajiatun, Kalun, Changchun County"), True),  # one holds the other
    (_item("a", SENTENCE), _item("b", "later named as the Kalun Meeting was held in Jiajiatun, Kalun, Changchun County, "
                                      "Jilin Province"), True),  # overlapping by ten words
    (_item("a", SENTENCE), _item("b", "named as the Kalun Meeting"), True),  # a short citation held in a longer one
    (_item("a", SENTENCE), _item("b", "Kalun"), False),  # a word is no passage
    (_item("a", "Kalun"), _item("b", "Kalun"), True),  # ...but the same word is the same citation
    (_item("a", "the building of a revolutionary party of Juche type"),
     _item("b", "to build a revolutionary party of Juche type at an early date"), False),  # a recurring phrase
    (_item("a", SENTENCE), _item("b", "", about="a"), True),  # declared: about a question's id
    (_item("a", "", fact="f"), _item("b", "", about="f"), True),  # declared: about a fact's id
    (_item("a", "", fact="f"), _item("a.reverse", "", fact="f"), True),  # a fact's two directions
    (_item("a", SENTENCE), _item("b", "Kim Il Sung formed the first party organization"), False),
    (_item("a", ""), _item("b", ""), False),  # no citation joins nothing
])
def test_fact_groups(first: Item, second: Item, joined: bool) -> None:
    groups = identity.fact_groups([first, second])
    assert (groups[first.key] == groups[second.key]) is joined


@settings(max_examples=300, deadline=None)
@given(st.integers(0, 2**31 - 1), st.sampled_from([i for i in ITEMS if i.kind in (Kind.CHOICE, Kind.FACT)]))
def test_choice_has_four_distinct_options_one_right(seed: int, item: Item) -> None:
    rng = random.Random(seed)
    question = generate.ask(item, ITEMS, rng)
    if question.form != "choice":
        return
    assert len(question.options) == 4
    keys = [spelling.normalize(o) for o in question.options]
    assert len(set(keys)) == 4
    right = {spelling.normalize(item.answer_text), *(spelling.normalize(a) for a in item.alternatives)}
    assert sum(k in right for k in keys) == 1
    assert question.answer in question.options


@settings(max_examples=200, deadline=None)
@given(st.integers(0, 2**31 - 1), st.sampled_from([i for i in ITEMS if i.category == Category.DATE and i.kind == Kind.FACT]))
def test_date_distractors_have_the_answers_precision(seed: int, item: Item) -> None:
    want = dates.parse_iso(item.answer)
    for text in distractors.pick_distractors(item, ITEMS, random.Random(seed)):
        value = dates.parse_text(text)
        assert value is not None and value.precision == want.precision and value != want
        assert abs(value.first_day.year - want.first_day.year) <= 45


def test_date_distractors_are_shown_like_answers() -> None:
    item = Item(key="q", deck="d", kind=Kind.CHOICE, category=Category.DATE, prompt="When?", answer="1930-07-03",
                distractors=("July 4, 1930", "1930-07-05", "6th of July 1930"))
    shown = distractors.pick_distractors(item, [item], random.Random(0))
    assert sorted(shown) == ["4 July 1930", "5 July 1930", "6 July 1930"]


@st.composite
def banks(draw: st.DrawFn) -> list[Item]:
    """Random banks: answers drawn from a small alphabet so near-duplicates are common."""
    words = st.text(alphabet="abcdeé' -", min_size=1, max_size=12).filter(lambda t: spelling.normalize(t))
    count = draw(st.integers(1, 12))
    items = []
    for n in range(count):
        items.append(Item(key=f"q{n}", deck="d", kind=Kind.CHOICE, category=Category.PLACE, prompt="Where?",
                          answer=draw(words), alternatives=tuple(draw(st.lists(words, max_size=2))),
                          distractors=tuple(draw(st.lists(words, max_size=4)))))
    return items


@settings(max_examples=300, deadline=None)
@given(banks(), st.integers(0, 1000))
def test_any_bank_gives_valid_options(items: list[Item], seed: int) -> None:
    for item in items:
        question = generate.ask(item, items, random.Random(seed))
        if question.form == "choice":
            keys = [spelling.normalize(o) for o in question.options]
            assert len(keys) == 4 and len(set(keys)) == 4
            right = {spelling.normalize(item.answer), *(spelling.normalize(a) for a in item.alternatives)}
            assert sum(k in right for k in keys) == 1
        else:
            assert question.form == "typed"


def test_order_question_is_graded_against_the_dates() -> None:
    items = list(small_bank().items)
    question = generate.build_order(items, random.Random(5))
    assert question is not None and len(question.options) == 4
    right = ",".join(str(i) for i in question.answer_order)
    assert grading.check(question, right).correct
    assert not grading.check(question, ",".join(reversed(right.split(",")))).correct
    ordered = [dates.parse_iso(next(i.date for i in items if (i.fact or i.key) == question.keys[k])).first_day
               for k in question.answer_order]
    assert ordered == sorted(ordered)


@pytest.mark.parametrize("seed", range(20))
def test_options_are_shuffled(seed: int) -> None:
    item = next(i for i in ITEMS if i.kind == Kind.CHOICE)
    positions = {generate.ask(item, ITEMS, random.Random(s)).options.index(distractors.option_text(item.answer_text))
                 for s in range(seed, seed + 30)}
    assert len(positions) >= 3


def test_a_year_question_carries_the_full_date_the_text_gives() -> None:
    items = {item.key: item for item in CURATED.items}
    asked = generate.ask(items["src-year-typed"], list(CURATED.items), random.Random(0))
    assert (asked.form, asked.typed_answer, asked.exact_date) == ("typed", "1930", "1930-07-03")
    assert grading.check(asked, "July 3, 1930").correct and not grading.check(asked, "July 4, 1930").correct
    cloze = generate.ask(items["juche-party-year-cloze"], list(CURATED.items), random.Random(0))
    assert grading.check(cloze, "10 October 1945").correct and grading.check(cloze, "October 10, 1945").correct
    assert generate.ask(items["kcp-comintern-dismissal"], [], random.Random(0)).exact_date == ""
