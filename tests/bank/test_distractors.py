"""Options the text would defend are never offered: another name of the answer or of what the prompt names,
a date sharing a day with the answer; lint names the bank's own distractors that are never offered."""

from __future__ import annotations

import random

import pytest

from studyapp.bank import dates, distractors, identity, lint, load
from studyapp.bank.items import Bank, Category, Item, Kind
from studyapp.bank.spelling import normalize
from tests.conftest import ROOT

CURATED = list(load.load_bank(ROOT / "questions").items)
POOL = distractors.Pool(CURATED)
SEEDS = range(400)  # as many draws as the fact-check counted


def _offered(key: str) -> set[str]:
    item = next(item for item in CURATED if item.key == key)
    return {text for seed in SEEDS for text in distractors.pick_distractors(item, POOL, random.Random(seed))}


@pytest.mark.parametrize(("key", "never"), [
    # the text says the party originated as the first party organization
    ("bolshevik-advocate", {"the Workers' Party of Korea"}),
    # the first party organization is the Society itself, which the prompt names
    ("src-embryo-of-wpk", {"the first party organization", "the Society for Rallying Comrades", "the SRC"}),
    ("src-embryo-of-wpk.reverse", {"the first party organization"}),
    ("big-country-party-choice", {"the Society for Rallying Comrades", "the first party organization"}),
    # a reverse question asks for a body: not the category's descriptions
    ("kpra-committee-leadership.reverse", {"branches of the Korean Communist Party", "a lot of primary party organizations"}),
])
def test_options_the_fact_check_found_defensible_are_never_offered(key: str, never: set[str]) -> None:
    assert not _offered(key) & never


def test_no_date_range_shares_a_day_with_the_kalun_meeting() -> None:
    meeting = dates.parse_iso("1930-06-30/1930-07-02")
    offered = _offered("kalun-meeting-dates")
    assert offered and not [text for text in offered if dates.parse_text(text).overlaps(meeting)]  # type: ignore[union-attr]


@pytest.mark.parametrize("item", [item for item in CURATED if item.kind in (Kind.CHOICE, Kind.FACT)], ids=lambda item: item.key)
def test_no_option_names_the_answer_or_the_prompts_subject_by_any_name(item: Item) -> None:
    """Checked apart from the generator: the bank's own spellings, joined wherever two share one."""
    aliases = identity.Aliases(CURATED)
    prompt = f" {normalize(item.prompt)} "
    answer = dates.parse_iso(item.answer) if item.category == Category.DATE else None
    for seed in range(60):
        options = distractors.pick_distractors(item, POOL, random.Random(seed))
        for text in options:
            if answer is not None:
                assert not dates.parse_text(text).overlaps(answer), (seed, text)  # type: ignore[union-attr]
                continue
            names = aliases.names_of(text)
            assert not any(aliases.same(text, right) for right in (item.answer_text, *item.alternatives)), (seed, text)
            assert not [name for name in names if f" {name} " in prompt], (seed, text)
        assert not [(a, b) for a in options for b in options if a != b and aliases.same(a, b)]  # one thing, twice


def _choice(key: str, answer: str, prompt: str = "According to the text, which body?", **fields: object) -> Item:
    return Item(key=key, deck="d", kind=Kind.CHOICE, category=Category.ORGANIZATION, prompt=prompt, answer=answer,
                **fields)  # type: ignore[arg-type]


SRC = _choice("src", "the Society for Rallying Comrades", alternatives=("the SRC", "the first party organization"))
OTHERS = [_choice(f"o{n}", name) for n, name in enumerate(["the Comintern", "the Young Communist League",
                                                           "the Korean Communist Party", "the Profintern"])]


@pytest.mark.parametrize(("item", "text", "reason"), [
    (_choice("q", "the first party organization"), "the SRC", "it is another name of the answer"),  # by SRC's spellings
    (_choice("q", "the Comintern", prompt="Which body dismissed the first party organization?"),
     "the Society for Rallying Comrades", "the prompt names it ('first party organization')"),
    (_choice("q", "the Comintern"), "The Cominterm", "it is the answer"),  # one typo
    (_choice("q", "the Comintern"), "the Young Communist League", None),
    (Item(key="d", deck="d", kind=Kind.CHOICE, category=Category.DATE, prompt="When?", answer="1930-06-30/1930-07-02"),
     "1–3 July 1930", "it shares a day with the answer"),
    (Item(key="d", deck="d", kind=Kind.CHOICE, category=Category.DATE, prompt="When?", answer="1930-06-30/1930-07-02"),
     "3–5 July 1930", None),
])
def test_refusal(item: Item, text: str, reason: str | None) -> None:
    assert distractors.refusal(item, text, distractors.Pool([item, SRC, *OTHERS])) == reason


def test_generated_options_for_a_name_are_names() -> None:
    item = _choice("q", "the Comintern")
    described = [_choice(f"x{n}", text) for n, text in enumerate(["a lot of primary party organizations",
                                                                   "branches of the Korean Communist Party"])]
    for seed in range(50):
        offered = distractors.pick_distractors(item, [item, *OTHERS, *described], random.Random(seed))
        assert sorted(offered) == sorted(o.answer for o in OTHERS[1:])


def test_lint_names_own_distractors_never_offered_and_about_naming_nothing() -> None:
    item = _choice("big", "the party of a certain big country", prompt="Which party, when the first party organization was formed?",
                   distractors=("the Society for Rallying Comrades", "the Comintern", "the Profintern"), file="o.yaml", line=4, column=5)
    stray = Item(key="stray", deck="d", kind=Kind.TYPED, category=Category.PLACE, prompt="Where?", answer="Kalun",
                 source="in Kalun", about="no-such-id", file="o.yaml", line=9, column=5)
    found = [str(problem) for problem in lint.warnings_for(Bank((), (item, stray, SRC, *OTHERS)))]
    assert ("o.yaml:4:5: warning: 'big': the distractor 'the Society for Rallying Comrades' is never offered: "
            "the prompt names it ('first party organization')") in found
    assert ("o.yaml:9:5: warning: 'stray': about: 'no-such-id' names no question or fact of the bank, "
            "so it joins this question to none") in found
