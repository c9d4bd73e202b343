"""Typed answers: lenient where fair, strict where not; dates in any common format."""

from __future__ import annotations

import pytest

from studyapp.bank import dates, spelling
from studyapp.quizzes import grading
from studyapp.quizzes.question import QuizQuestion


@pytest.mark.parametrize(("response", "answer", "alternatives", "correct"), [
    ("Kim Il Sung", "Kim Il Sung", [], True),
    ("kim il-sung", "Kim Il Sung", [], True),
    ("  KIM   IL SUNG ", "Kim Il Sung", [], True),
    ("Workers’ Party of Korea", "Workers' Party of Korea", [], True),
    ("Workers Party of Korea", "Workers' Party of Korea", [], True),
    ("the Tumen River", "the Tuman River", ["Tumen River"], True),
    ("Tumen", "the Tuman River", ["Tumen River"], False),
    ("Onsŏng", "Onsong", [], True),
    ("Onsöng", "Onsong", [], True),
    ("Jiajiatum", "Jiajiatun", [], True),            # one typo in a long word
    ("Jiajaitun", "Jiajiatun", [], True),            # swapped neighbours count as one edit
    ("Jiajiatom", "Jiajiatun", [], False),           # two edits
    ("Kalum", "Kalun", [], False),                   # short words are never typo-forgiven
    ("Comintren", "the Comintern", [], True),
    ("Bolshevk", "Bolshevik", [], True),
    ("Bolshevik magazine", "Bolshevik", [], False),
    ("71", "70", [], False),                         # numbers are strict
    ("", "Kim Il Sung", [], False),
])
def test_typed_text(response: str, answer: str, alternatives: list[str], correct: bool) -> None:
    assert grading.check_typed(response, answer, alternatives, is_date=False).correct is correct


def test_typo_says_what_it_was_accepted_as() -> None:
    outcome = grading.check_typed("Jiajiatum", "Jiajiatun", [], is_date=False)
    assert outcome.correct and outcome.accepted_as == "Jiajiatun"
    assert "accepted as “Jiajiatun”" in outcome.feedback


@pytest.mark.parametrize(("response", "answer", "correct"), [
    ("3 July 1930", "1930-07-03", True),
    ("July 3, 1930", "1930-07-03", True),
    ("july 3rd 1930", "1930-07-03", True),
    ("3rd of July, 1930", "1930-07-03", True),
    ("the 3rd of July 1930", "1930-07-03", True),
    ("July the 3rd, 1930", "1930-07-03", True),
    ("3-Jul-1930", "1930-07-03", True),
    ("1930 July 3", "1930-07-03", True),
    ("1930 July", "1930-07", True),
    ("1930 July 4", "1930-07-03", False),
    ("July 3, 1930.", "1930-07-03", True),   # a sentence's full stop
    ("1930.", "1930", True),
    ("1930-07-03", "1930-07-03", True),
    ("03.07.1930", "1930-07-03", True),
    ("Jul 3 1930", "1930-07-03", True),
    ("3/7/1930", "1930-07-03", False),       # day and month could be either way round
    ("31/07/1930", "1930-07-31", True),      # only one reading possible
    ("4 July 1930", "1930-07-03", False),
    ("3 July 1931", "1930-07-03", False),    # never typo-forgiven
    ("July 1930", "1930-07-03", False),      # less precise than asked
    ("1930", "1930-07-03", False),
    ("1928", "1928", True),
    ("in 1928", "1928", True),
    ("1929", "1928", False),
    ("1928-05-01", "1928", False),           # more precise than the text
    ("October 10, 1945", "1945-10-10", True),
    ("10 Oct 1945", "1945-10-10", True),
    ("June 30–July 2, 1930", "1930-06-30/1930-07-02", True),
    ("30 June - 2 July 1930", "1930-06-30/1930-07-02", True),
    ("June 30 to July 2, 1930", "1930-06-30/1930-07-02", True),
    ("1930-06-30/1930-07-02", "1930-06-30/1930-07-02", True),
    ("30 June 1930", "1930-06-30/1930-07-02", False),
    ("the 1920s", "1920s", True),
    ("1920s", "1920s", True),
    ("1930s", "1920s", False),
    ("yesterday", "1930-07-03", False),
    ("30 February 1930", "1930-07-03", False),
])
def test_typed_date(response: str, answer: str, correct: bool) -> None:
    assert grading.check_typed(response, answer, [], is_date=True).correct is correct


def test_precision_mismatch_explains() -> None:
    outcome = grading.check_date("July 1930", "1930-07-03")
    assert not outcome.correct
    assert outcome.feedback == "The question asks for a full date. Expected: 3 July 1930."


@pytest.mark.parametrize(("iso", "display", "phrase"), [
    ("1930-07-03", "3 July 1930", "on 3 July 1930"),
    ("1930-07", "July 1930", "in July 1930"),
    ("1928", "1928", "in 1928"),
    ("1920s", "the 1920s", "in the 1920s"),
    ("1930-06-30/1930-07-02", "30 June – 2 July 1930", "between 30 June 1930 and 2 July 1930"),
])
def test_date_spellings(iso: str, display: str, phrase: str) -> None:
    value = dates.parse_iso(iso)
    assert (value.display(), value.phrase(), value.iso()) == (display, phrase, iso)


@pytest.mark.parametrize("bad", ["1930-02-30", "1930-13", "July 3 1930", "1930-07-03/1930-07-01", "193"])
def test_bank_dates_must_be_real_iso(bad: str) -> None:
    with pytest.raises(ValueError):
        dates.parse_iso(bad)


@pytest.mark.parametrize(("a", "b", "distance"), [
    ("kitten", "sitten", 1), ("abcdef", "abcdfe", 1), ("abc", "abc", 0), ("abcdef", "ghijkl", 2),
])
def test_edit_distance(a: str, b: str, distance: int) -> None:
    assert spelling.edit_distance(a, b) == distance


def test_an_ambiguous_numeric_date_is_ambiguous_with_a_closing_full_stop_too() -> None:
    assert "could be 3 July 1930 or 7 March 1930" in dates.ambiguity("03/07/1930.")
    assert dates.ambiguity("3.7.1930") is None  # dotted: day first, as in most of Europe


FOUNDED = "According to the text, a revolutionary party of Juche type was founded on October 10, _____."


@pytest.mark.parametrize(("response", "exact", "correct", "says"), [
    ("1945", "1945-10-10", True, "Correct."),
    ("October 10, 1945", "1945-10-10", True, "the text gives 10 October 1945"),   # with the blank's own words
    ("10 October 1945", "1945-10-10", True, "asks only for a year"),
    ("October 1945", "1945-10-10", True, "asks only for a year"),
    ("11 October 1945", "1945-10-10", False, "the text gives 10 October 1945, not 11 October 1945"),
    ("September 1945", "1945-10-10", False, "not September 1945"),
    ("10 October 1946", "1945-10-10", False, "Expected: 1945."),
    ("3 July 1945", "", False, "The text gives only 1945, not 3 July 1945."),  # the text says no more than the year
])
def test_a_date_finer_than_asked_is_right_when_it_agrees_with_the_text(response: str, exact: str, correct: bool,
                                                                       says: str) -> None:
    question = QuizQuestion("typed", FOUNDED, ("k",), "date", "1945", typed_answer="1945", exact_date=exact)
    outcome = grading.check(question, response)
    assert outcome.correct is correct and says in outcome.feedback


RIVER = "According to the text, a lot of primary party organizations followed in the east Manchurian region along the _____ River and the northern borderline area of Korea."
AREA = "According to the text, a homeland party organization was formed involving core members of revolutionary organizations active in the _____ area in Korea."


@pytest.mark.parametrize(("prompt", "answer", "alternatives", "response", "correct"), [
    (RIVER, "Tuman", ("Tumen",), "Tuman River", True),
    (RIVER, "Tuman", ("Tumen",), "Tumen River", True),
    (RIVER, "Tuman", ("Tumen",), "the Tuman River", True),
    (RIVER, "Tuman", ("Tumen",), "along the Tuman River", True),
    (RIVER, "Tuman", ("Tumen",), "River", False),
    (RIVER, "Tuman", ("Tumen",), "the River", False),
    (RIVER, "Tuman", ("Tumen",), "Tuman Riverside", False),
    (RIVER, "Tuman", ("Tumen",), "Yalu River", False),
    (AREA, "Onsong", (), "Onsong area", True),
    (AREA, "Onsong", (), "the Onsong area in Korea", True),
    (AREA, "Onsong", (), "Onsong County", False),
])
def test_a_cloze_blank_typed_with_its_neighbours_is_right(prompt: str, answer: str, alternatives: tuple[str, ...],
                                                          response: str, correct: bool) -> None:
    question = QuizQuestion("typed", prompt, ("k",), "place", answer, typed_answer=answer, alternatives=alternatives)
    assert grading.check(question, response).correct is correct
