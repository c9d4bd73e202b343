"""Item statistics against figures worked out by hand, and the cases where a figure is undefined."""

from __future__ import annotations

import math

import pytest

from studyapp.instructor import itemstats
from studyapp.instructor.itemstats import Attempt, Flag, Response

# Six first attempts of one 3-question quiz (q1 multiple choice, q2 true/false, q3 typed), one taker each:
#
#   attempt  q1  q2  q3  total | rest of q1 (q2+q3)  rest of q2 (q1+q3)  rest of q3 (q1+q2)
#   1         1   1   1    3   |        2                   2                   2
#   2         1   1   1    3   |        2                   2                   2
#   3         1   0   1    2   |        1                   2                   1
#   4         0   1   1    2   |        2                   1                   1
#   5         0   1   0    1   |        1                   0                   1
#   6         0   1   0    1   |        1                   0                   1
#
# With S(a, b) = sum of (a - mean a)(b - mean b) = sum(ab) - n mean(a) mean(b), n = 6:
# q1: x = 1 1 1 0 0 0 (mean 1/2), rest = 2 2 1 2 1 1 (mean 3/2).
#     S(x, r) = 5 - 9/2 = 1/2; S(x, x) = 3 - 3/2 = 3/2; S(r, r) = 15 - 27/2 = 3/2.
#     discrimination = 100 (1/2) / sqrt(3/2 * 3/2) = 100/3 = 33.33.
#     sorted alike: x 0 0 0 1 1 1, r 1 1 1 2 2 2: S_max = 6 - 9/2 = 3/2, efficiency = 100 (1/2)/(3/2) = 33.33.
#     facility 1/2; standard deviation sqrt((3/2)/5) = sqrt(0.3) = 0.5477.
# q2: x = 1 1 0 1 1 1 (mean 5/6), rest = 2 2 2 1 0 0 (mean 7/6).
#     S(x, r) = 5 - 35/6 = -5/6; S(x, x) = 5 - 25/6 = 5/6; S(r, r) = 13 - 49/6 = 29/6.
#     discrimination = 100 (-5/6) / sqrt(5/6 * 29/6) = -500/sqrt(145) = -41.52.
#     sorted alike: x 0 1 1 1 1 1, r 0 0 1 2 2 2: S_max = 7 - 35/6 = 7/6, efficiency = 100 (-5/6)/(7/6) = -71.43.
#     facility 5/6; standard deviation sqrt((5/6)/5) = sqrt(1/6) = 0.4082.
# q3: x = 1 1 1 1 0 0 (mean 2/3), rest = 2 2 1 1 1 1 (mean 4/3).
#     S(x, r) = 6 - 16/3 = 2/3; S(x, x) = 4 - 8/3 = 4/3; S(r, r) = 12 - 32/3 = 4/3.
#     discrimination = 100 (2/3)/(4/3) = 50; sorted alike: x 0 0 1 1 1 1, r 1 1 1 1 2 2: S_max = 6 - 16/3 = 2/3,
#     efficiency = 100. Facility 2/3; standard deviation sqrt((4/3)/5) = sqrt(4/15) = 0.5164.
# (The rest is taken as a share of its 2 questions; halving every rest changes neither ratio.)
#
# The 27% groups: round(0.27 x 6) = round(1.62) = 2 attempts each; top = attempts 1 and 2 (score 3 of 3),
# bottom = attempts 5 and 6 (1 of 3).
# q1 options (answer Kalun): attempts 1-3 chose Kalun, 4 and 5 Onsong, 6 Yanji, nobody Harbin.
#     overall Kalun 3/6, Onsong 2/6, Yanji 1/6, Harbin 0/6; top Kalun 2/2; bottom Onsong 1/2, Yanji 1/2, Kalun 0/2.
# q2 (answer True): only attempt 3 chose False: overall True 5/6, False 1/6; top True 2/2, bottom True 2/2.
PLACES = ("Kalun", "Onsong", "Yanji", "Harbin")
TABLE = [(1, 1, 1, "Kalun"), (1, 1, 1, "Kalun"), (1, 0, 1, "Kalun"), (0, 1, 1, "Onsong"), (0, 1, 0, "Onsong"),
         (0, 1, 0, "Yanji")]


def hand_attempts() -> list[Attempt]:
    attempts = []
    for number, (q1, q2, q3, place) in enumerate(TABLE, start=1):
        responses = {"q1": Response(q1, place, PLACES, "Kalun"),
                     "q2": Response(q2, "True" if q2 else "False", ("True", "False"), "True"), "q3": Response(q3)}
        attempts.append(Attempt(number, f"taker {number}", 3, q1 + q2 + q3, responses))
    return attempts


HAND = {  # key: facility, sd, discrimination, efficiency
    "q1": (1 / 2, math.sqrt(3 / 10), 100 / 3, 100 / 3),
    "q2": (5 / 6, math.sqrt(1 / 6), -500 / math.sqrt(145), -500 / 7),
    "q3": (2 / 3, math.sqrt(4 / 15), 50.0, 100.0),
}


@pytest.mark.parametrize(("key", "expected"), HAND.items())
def test_facility_sd_discrimination_and_efficiency_match_the_hand_computation(key: str, expected: tuple) -> None:
    stats = itemstats.all_item_stats(hand_attempts(), {})[key]
    assert stats.attempts == 6
    assert (stats.facility, stats.sd, stats.discrimination, stats.efficiency) == pytest.approx(expected)
    assert [round(v, 2) for v in (stats.discrimination, stats.efficiency)] == {
        "q1": [33.33, 33.33], "q2": [-41.52, -71.43], "q3": [50.0, 100.0]}[key]


def test_option_rates_overall_and_in_the_top_and_bottom_27_percent() -> None:
    found = itemstats.all_item_stats(hand_attempts(), {})
    rates = {o.text: (o.is_answer, o.offered, o.chosen, o.overall, o.top, o.bottom) for o in found["q1"].options}
    assert rates == {"Kalun": (True, 6, 3, 1 / 2, 1.0, 0.0), "Onsong": (False, 6, 2, pytest.approx(1 / 3), 0.0, 1 / 2),
                     "Yanji": (False, 6, 1, pytest.approx(1 / 6), 0.0, 1 / 2), "Harbin": (False, 6, 0, 0.0, 0.0, 0.0)}
    assert [o.text for o in found["q1"].options] == ["Kalun", "Onsong", "Yanji", "Harbin"]  # the answer, then most chosen
    assert [(o.text, o.overall, o.top, o.bottom) for o in found["q2"].options] == [
        ("True", pytest.approx(5 / 6), 1.0, 1.0), ("False", pytest.approx(1 / 6), 0.0, 0.0)]
    assert found["q3"].options == ()  # typed: no options
    top, bottom = itemstats.groups(itemstats.first_attempts(hand_attempts())["q1"])
    assert sorted(top) == [0, 1] and sorted(bottom) == [4, 5]


def test_flags_in_words() -> None:
    found = itemstats.all_item_stats(hand_attempts(), {"q3": 2, "gone": 1})
    assert found["q1"].flags == (Flag.UNPICKED, Flag.SMALL_SAMPLE)  # nobody picks Harbin
    assert found["q2"].flags == (Flag.NEGATIVE, Flag.LOW_EFFICIENCY, Flag.SMALL_SAMPLE)
    assert found["q3"].flags == (Flag.OVERRIDDEN, Flag.SMALL_SAMPLE) and found["q3"].overrides == 2
    only_learn = found["gone"]  # overridden in Learn, never in a finished quiz
    assert (only_learn.attempts, only_learn.facility, only_learn.discrimination) == (0, None, None)
    assert only_learn.flags == (Flag.OVERRIDDEN, Flag.SMALL_SAMPLE)
    assert Flag.SMALL_SAMPLE.value == "fewer than 30 attempts"


def test_a_distractor_the_top_group_prefers_is_flagged() -> None:
    """Four attempts, groups of round(1.08) = 1: the top (3 of 3) chose the distractor B, the bottom (0 of 3) C.
    B: top 1/1 > the answer's top 0/1, and > its bottom 0/1."""
    rows = [(3, "B", 0), (2, "A", 1), (1, "A", 1), (0, "C", 0)]
    attempts = [Attempt(n, f"t{n}", 3, total, {"q": Response(score, chosen, ("A", "B", "C", "D"), "A")})
                for n, (total, chosen, score) in enumerate(rows)]
    stats = itemstats.all_item_stats(attempts, {})["q"]
    by_text = {o.text: o for o in stats.options}
    assert by_text["B"].draws_top and not by_text["C"].draws_top and not by_text["A"].draws_top
    assert Flag.DRAWS_TOP in stats.flags and Flag.UNPICKED in stats.flags  # and nobody picks D


def test_attempts_35_carry_no_small_sample_warning() -> None:
    attempts = [Attempt(n, f"t{n}", 2, (n % 2) + (n % 3 > 0), {"q": Response(n % 2)}) for n in range(35)]
    stats = itemstats.all_item_stats(attempts, {})["q"]
    assert stats.attempts == 35 and Flag.SMALL_SAMPLE not in stats.flags
    assert itemstats.groups(itemstats.first_attempts(attempts)["q"])[0].__len__() == 9  # round(0.27 x 35) = round(9.45)


def test_only_first_attempts_count_and_each_visitor_quiz_is_a_taker_of_its_own() -> None:
    first = Attempt(1, "learner 1", 2, 1, {"a": Response(1), "b": Response(0)})
    again = Attempt(2, "learner 1", 2, 2, {"a": Response(1), "c": Response(1)})  # a: second time, c: first time
    visitor = Attempt(3, "visitor quiz 3", 1, 0, {"a": Response(0)})
    taken = itemstats.first_attempts([first, again, visitor])
    assert {key: [attempt.id for attempt, _ in pairs] for key, pairs in taken.items()} == {"a": [1, 3], "b": [1], "c": [2]}


@pytest.mark.parametrize(("scores", "rests"), [
    ([1, 1, 1], [0, 0.5, 1]),  # all right: no variance in the item
    ([0, 0, 0], [0, 0.5, 1]),  # all wrong
    ([0, 1, 1], [0.5, 0.5, 0.5]),  # the rest alike everywhere
    ([1], [0.5]),  # a single attempt
    ([], []),
])
def test_no_variance_or_one_attempt_leaves_discrimination_undefined(scores: list[float], rests: list[float]) -> None:
    assert itemstats.discrimination_and_efficiency(scores, rests) == (None, None)


def test_a_single_attempt_and_an_item_alone_in_every_quiz() -> None:
    one = itemstats.all_item_stats([Attempt(1, "t", 3, 2, {"q": Response(1, "A", ("A", "B"), "A")})], {})["q"]
    assert (one.attempts, one.facility, one.sd, one.discrimination, one.efficiency) == (1, 1.0, None, None, None)
    assert [(o.text, o.top, o.bottom) for o in one.options] == [("A", 1.0, 1.0), ("B", 0.0, 0.0)]  # one attempt: both groups
    alone = [Attempt(n, f"t{n}", 1, n % 2, {"q": Response(n % 2)}) for n in range(6)]  # one-question quizzes: no rest
    stats = itemstats.all_item_stats(alone, {})["q"]
    assert (stats.attempts, stats.facility, stats.discrimination, stats.efficiency) == (6, 0.5, None, None)
    assert stats.sd == pytest.approx(math.sqrt((6 * 0.25) / 5))


def test_a_matching_questions_partial_score_and_quizzes_of_other_lengths() -> None:
    """The rest as a share: (total - x) / (questions - 1). Item x = 0.5, 1, 0 (a matching: share of pairs right)
    in quizzes of 3, 5 and 2 questions with totals 1.5, 4, 1: rests 1/2, 3/4, 1. Mean x 1/2, mean rest 3/4;
    S(x, r) = (0)(-1/4) + (1/2)(0) + (-1/2)(1/4) = -1/8; S(x, x) = 1/2; S(r, r) = 1/8: discrimination
    = 100 (-1/8)/sqrt(1/16) = -50. Sorted alike: x 0 1/2 1, r 1/2 3/4 1: S_max = (-1/2)(-1/4) + 0 + (1/2)(1/4) = 1/4,
    efficiency = 100 (-1/8)/(1/4) = -50."""
    attempts = [Attempt(1, "a", 3, 1.5, {"m": Response(0.5)}), Attempt(2, "b", 5, 4, {"m": Response(1)}),
                Attempt(3, "c", 2, 1, {"m": Response(0)})]
    stats = itemstats.all_item_stats(attempts, {})["m"]
    assert (stats.facility, stats.discrimination, stats.efficiency) == pytest.approx((0.5, -50.0, -50.0))
