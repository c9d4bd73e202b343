"""Matching questions in the bank: loaded with their pairs, linted against the rest of the bank, joined to the facts they cite."""

from __future__ import annotations

from pathlib import Path

from studyapp.bank import identity, lint, load
from studyapp.bank.items import Kind
from tests.conftest import DATA, ROOT

MATCHING = """deck: m
title: M
facts:
  - id: src
    subject: the Society for Rallying Comrades
    subject_category: organization
    subject_alternatives: [the first party organization]
    verb: formed
    category: date
    answer: 1930-07-03
    source: "named Society for Rallying Comrades, on July 3, 1930"
questions:
  - id: m
    kind: matching
    category: {category}
    prompt: According to the text, match each description with the organization.
    pairs:
      - left: the embryo or seed of the Workers' Party of Korea
        right: {first}
        source: "The SRC was the embryo or seed of the Workers' Party of Korea."
      - left: the ideological advocate named in the text
        right: {second}
      - left: dismissed from the membership of the Comintern in 1928
        right: {third}
        source: "After the Korean Communist Party was dismissed from the membership of the Comintern in 1928"
"""


def _bank(tmp_path: Path, **values: str):
    fields = {"category": "organization", "first": "the Society for Rallying Comrades",
              "second": "the first party organization", "third": "the Korean Communist Party", **values}
    (tmp_path / "m.yaml").write_text(MATCHING.format(**fields), encoding="utf-8")
    return load.load_bank(tmp_path)


def test_a_matching_question_loads_its_pairs_in_order_with_the_pairing_as_its_answer(tmp_path: Path) -> None:
    item = next(i for i in _bank(tmp_path, second="Bolshevik").items if i.key == "m")
    assert item.kind == Kind.MATCHING and [p.left for p in item.pairs][0] == "the embryo or seed of the Workers' Party of Korea"
    assert item.answer.startswith("the embryo or seed of the Workers' Party of Korea: the Society for Rallying Comrades; ")
    assert (item.line, item.column) == (13, 5) and item.pairs[1].source == ""


def test_dates_on_the_right_are_spelt_out(tmp_path: Path) -> None:
    item = next(i for i in _bank(tmp_path, category="date", first="1930-07-03", second="1945", third="1928").items
                if i.key == "m")
    assert [item.right_text(p) for p in item.pairs] == ["3 July 1930", "1945", "1928"]
    assert item.answer_text == item.answer and item.answer.endswith("dismissed from the membership of the Comintern in 1928: 1928")


def test_lint_warns_of_a_pair_without_source_and_of_right_sides_the_bank_names_as_one(tmp_path: Path) -> None:
    bank = _bank(tmp_path)  # the fact says the SRC is the first party organization: two rights, one thing
    found = [p.message for p in lint.warnings_for(bank)]
    assert "'m': pair 2 ('the ideological advocate named in the text') has no source: cite the sentence it rests on" in found
    assert ("'m': the right sides of pairs 1 and 2 name one thing ('the Society for Rallying Comrades' and 'the first "
            "party organization' are spellings of one answer in the bank), so either fits both left sides") in found
    assert all(p.line == 13 for p in lint.warnings_for(bank) if p.message.startswith("'m'"))
    clean = [p.message for p in lint.warnings_for(_bank(tmp_path, second="the magazine Bolshevik"))]
    assert not [message for message in clean if "name one thing" in message]


def test_the_curated_matching_question_lints_clean() -> None:
    bank = load.load_bank(ROOT / "questions")
    assert [p for p in lint.warnings_for(bank) if "organizations-said-of-match" in p.message] == []


def test_a_pair_joins_the_questions_citing_its_sentence_but_not_the_other_pairs() -> None:
    bank = load.load_bank([DATA / "bank", DATA / "matching"])
    items = list(bank.items)
    groups = identity.fact_groups(items)
    item = next(i for i in items if i.key == "places-match")
    touched = identity.groups_of(item, groups)
    assert len(touched) == 4  # its own and one per pair
    assert groups[identity.pair_key(item, 1)] == groups["onsong"]  # the same Onsong sentence
    assert groups[identity.pair_key(item, 0)] != groups[identity.pair_key(item, 2)]


def test_the_pairs_spellings_join_the_banks_names() -> None:
    item = next(i for i in load.load_bank(DATA / "matching").items if i.key == "places-match")
    aliases = identity.Aliases([item])
    assert aliases.same("A homeland party organization was formed there", "a homeland party organization was formed")
    assert not aliases.same("The Kalun Meeting was held there", "A homeland party organization was formed there")
