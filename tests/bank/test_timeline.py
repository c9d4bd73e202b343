"""The timeline's events, pinned on the curated bank: its dates, one event per fact, the questions about each."""

from __future__ import annotations

import pytest

from studyapp.bank import dates, load, timeline
from studyapp.bank.items import Bank, Kind
from tests.conftest import DATA, ROOT

CURATED = load.load_bank(ROOT / "questions")
EVENTS = timeline.find_events(CURATED.items)


def test_the_curated_bank_dates_these_events_in_this_order() -> None:
    assert [(event.when.iso(), event.when.display(), event.name) for event in EVENTS] == [
        ("1920s", "the 1920s", "The young communists of a new generation were engaged in the struggle against the Japanese imperialists"),
        ("1928", "1928", "The Korean Communist Party was dismissed from the membership of the Comintern"),
        ("1930-06-30/1930-07-02", "30 June – 2 July 1930", "The Juche idea was expounded at the Kalun Meeting"),
        ("1930-06-30/1930-07-02", "30 June – 2 July 1930", "The Kalun Meeting was held"),
        ("1930-07-03", "3 July 1930", "The Society for Rallying Comrades was formed"),
        ("1945-10-10", "10 October 1945", "A revolutionary party of Juche type was founded"),
    ]


def test_each_dated_fact_is_one_event_with_both_its_directions() -> None:
    facts = {item.fact for item in CURATED.items if item.fact and item.date and item.event}
    for fact in facts:
        holding = [event for event in EVENTS if fact in event.keys]
        assert len(holding) == 1, fact
        assert f"{fact}.reverse" in holding[0].keys
    assert len({key for event in EVENTS for key in event.keys}) == sum(len(event.keys) for event in EVENTS)  # no key twice


def test_two_facts_of_one_sentence_and_date_are_one_event_under_both_names() -> None:
    src = next(event for event in EVENTS if event.when.iso() == "1930-07-03")
    assert src.also == ("Kim Il Sung formed the first party organization with young communists of a new generation",)
    assert src.sources == ("Kim Il Sung formed the first party organization with young communists of a new generation, "
                           "named Society for Rallying Comrades, on July 3, 1930.",)  # the shorter citations it holds are left out
    assert src.keys == ("kis-first-org-1928-tf", "src-day-after-kalun-tf", "src-formed", "src-formed.reverse", "src-founder",
                        "src-founder.reverse", "src-year-tf", "src-year-typed")
    assert src.about == "3 July 1930: The Society for Rallying Comrades was formed"


def test_questions_citing_an_events_sentence_are_about_it_dated_or_not() -> None:
    kalun = next(event for event in EVENTS if event.name == "The Kalun Meeting was held")
    assert {"kalun-meeting-dates", "kalun-meeting-dates.reverse", "kalun-year-typed", "kalun-start-typed",  # dated by answer
            "kalun-end-choice", "kalun-meeting-place", "jilin-province-country", "kalun-in-korea-tf"} <= set(kalun.keys)
    assert len(kalun.keys) == 13 and len(kalun.sources) == 1
    kcp = next(event for event in EVENTS if event.when.iso() == "1928")
    assert kcp.keys == ("earliest-event-choice", "kcp-after-src-tf", "kcp-comintern-dismissal", "kcp-comintern-dismissal.reverse",
                        "kcp-dismissed-from-choice")  # not the matching question, one of whose pairs cites the sentence


def test_a_date_question_no_fact_dates_is_an_event_named_by_what_it_states() -> None:
    decade = EVENTS[0]
    assert decade.keys == ("struggle-1920s-tf",)
    assert decade.sources == ("young communists of a new generation engaged in the struggle in the 1920s",)
    assert decade.when == dates.DateValue(1920, precision=dates.Precision.DECADE)


def test_a_short_citation_of_an_events_sentence_joins_it_and_alone_is_named_by_itself() -> None:
    small = load.load_bank(DATA / "bank").items
    src = next(event for event in timeline.find_events(small) if event.when.iso() == "1930-07-03")
    assert src.keys == ("src-formed", "src-formed.reverse", "src-no")  # src-no cites "on July 3, 1930" only
    alone = timeline.find_events([item for item in small if item.key == "src-no"])
    assert [(event.name, event.keys) for event in alone] == [("On July 3, 1930", ("src-no",))]  # its prompt is false


def test_the_same_date_and_event_name_in_another_deck_is_the_same_event() -> None:
    tricky = load.load_bank(DATA / "tricky")
    both = timeline.find_events(Bank(CURATED.decks + tricky.decks, CURATED.items + tricky.items).items)
    assert len(both) == len(EVENTS)
    src = next(event for event in both if event.when.iso() == "1930-07-03")
    assert {"fact-both-ways", "fact-both-ways.reverse", "src-formed"} <= set(src.keys)


def test_matching_questions_and_undated_questions_make_no_event() -> None:
    matching = {item.key for item in CURATED.items if item.kind == Kind.MATCHING}
    assert matching and not matching & {key for event in EVENTS for key in event.keys}
    assert "liberation-two-months-tf" not in {key for event in EVENTS for key in event.keys}  # a date question, no date given


def test_no_dated_question_no_event() -> None:
    assert timeline.find_events([item for item in CURATED.items if item.category != "date" and not item.date]) == []


@pytest.mark.parametrize(("text", "found"), [
    ("on June 30–July 2, 1930", ["1930-06-30/1930-07-02"]),
    ("young communists engaged in the struggle in the 1920s", ["1920s"]),
    ("the Comintern in 1928, and then on July 3, 1930.", ["1928", "1930-07-03"]),
    ("30 June – 2 July 1930 and 3 July 1930", ["1930-06-30/1930-07-02", "1930-07-03"]),
    ("in March 1931", ["1931-03"]),
    ("the 70-year history of the Workers' Party of Korea", []),
    ("less than two months after the country was liberated", []),
])
def test_dates_are_found_as_sentences_spell_them(text: str, found: list[str]) -> None:
    assert [value.iso() for value in timeline.dates_in(text)] == found


def test_a_long_about_is_cut_to_what_the_form_takes() -> None:
    event = timeline.Event(dates.parse_iso("1930"), "x" * 300, (), (), ("k",))
    assert len(event.about) == timeline.MAX_ABOUT and event.about.endswith("…")
