"""Learn's rules on made-up plans: rounds of seven, misses back later in the round, recall two rounds later."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from studyapp.learn import progression
from studyapp.learn.progression import GAP, ROUND_SIZE, Event, Given, Plan, Status


def plan(count: int, groups: dict[str, str] | None = None, stages: tuple[str, ...] = ("choice", "typed")) -> Plan:
    keys = tuple(f"q{i:02d}" for i in range(count))
    return Plan(keys, {key: frozenset([(groups or {}).get(key, key)]) for key in keys}, stages, seed=5)


def play(standing: progression.Standing, right: object = True) -> tuple[str, str, Event | None]:
    """Answer the next question (right, or by a rule on the key); returns key, stage asked, and the event."""
    key = standing.next_key()
    assert key is not None
    stage = standing.stage_of(key)
    correct = right(key, stage) if callable(right) else bool(right)
    return key, stage, standing.answer(Given(key, correct))


def test_a_round_deals_seven_new_questions_as_multiple_choice() -> None:
    standing = progression.Standing(plan(20))
    first = standing.next_key()
    assert standing.round == 1 and len(standing.queue) == ROUND_SIZE and first == standing.queue[0]
    assert {standing.stage_of(key) for key in standing.queue} == {"choice"}


def test_right_once_is_familiar_then_recalled_typed_at_least_two_rounds_later_then_mastered() -> None:
    standing = progression.Standing(plan(30))
    asked: dict[str, list[tuple[int, str, bool]]] = {}
    while not standing.finished:
        key, stage, _ = play(standing)
        asked.setdefault(key, []).append((standing.round, stage, standing.early))
    for key, times in asked.items():
        assert [stage for _, stage, _ in times] == ["choice", "typed"], key
        # two rounds later, unless nothing else was left to ask (the last recalls then come back sooner)
        assert times[1][0] - times[0][0] >= GAP or times[1][2], key
    assert sum(1 for times in asked.values() if times[1][2]) <= ROUND_SIZE
    assert all(status == Status.MASTERED for status in standing.status.values())


def test_a_miss_comes_back_later_in_the_same_round_never_next() -> None:
    standing = progression.Standing(plan(20))
    missed = standing.next_key()
    play(standing, right=False)
    assert standing.status[missed] == Status.MISSED
    assert missed in standing.queue and standing.queue[0] != missed
    assert standing.queue.index(missed) == 2  # two other questions first
    order = []
    while standing.queue:
        key, stage, _ = play(standing)
        order.append((key, stage))
    assert (missed, "choice") in order  # asked again as at first, in the same round
    assert standing.status[missed] == Status.FAMILIAR and standing.familiar_in[missed] == 1


def test_a_miss_of_the_last_question_of_a_round_waits_for_the_next_and_does_not_open_it() -> None:
    standing = progression.Standing(plan(14))
    for _ in range(ROUND_SIZE - 1):
        play(standing)
    last = standing.next_key()
    play(standing, right=False)
    assert standing.between_rounds and standing.status[last] == Status.MISSED
    assert standing.next_key() != last and last in standing.queue


def test_a_miss_comes_back_once_per_round() -> None:
    standing = progression.Standing(plan(10))
    missed = standing.next_key()
    while standing.queue:
        play(standing, right=lambda key, stage: key != missed)
    assert standing.round == 1 and standing.status[missed] == Status.MISSED


def test_a_typed_miss_goes_back_to_multiple_choice() -> None:
    standing = progression.Standing(plan(14))
    while standing.stage_of(standing.next_key()) != "typed":
        play(standing)
    recalled = standing.next_key()
    assert standing.round == 3 and not standing.early
    play(standing, right=False)
    assert standing.status[recalled] == Status.MISSED and standing.stage_of(recalled) == "choice"


def test_two_questions_of_one_fact_never_share_a_round() -> None:
    groups = {f"q{i:02d}": f"fact{i // 2}" for i in range(14)}  # q00/q01 one fact, q02/q03 another...
    standing = progression.Standing(plan(14, groups))
    while not standing.finished:
        standing.next_key()
        dealt = [groups[key] for key in standing.queue]
        assert len(dealt) == len(set(dealt))
        while standing.queue:
            play(standing)


def test_recalls_not_yet_due_come_back_sooner_when_nothing_else_is_left() -> None:
    standing = progression.Standing(plan(3))
    for _ in range(3):
        play(standing)
    assert standing.between_rounds
    assert standing.next_key() is not None and standing.round == 2  # not an empty round
    while not standing.finished:
        play(standing)
    assert standing.round == 2


def test_one_answer_type_still_needs_two_right_answers() -> None:
    standing = progression.Standing(plan(7, stages=("typed",)))
    stages = []
    while not standing.finished:
        stages.append(play(standing)[1])
    assert stages == ["typed"] * 14 and standing.round == 2


def test_first_try_events_once_per_question() -> None:
    standing = progression.Standing(plan(8))
    wrong_first = standing.next_key()
    events: dict[str, list[Event]] = {}
    while not standing.finished:
        key, _, event = play(standing, right=lambda key, stage: not (key == wrong_first and key not in events))
        events.setdefault(key, [])
        if event:
            events[key].append(event)
    assert events[wrong_first] == [Event.AGAIN]  # no Good later, though mastered in the end
    assert all(found == [Event.GOOD] for key, found in events.items() if key != wrong_first)


def test_replay_gives_the_same_standing_and_a_changed_answer_changes_it() -> None:
    the_plan = plan(12)
    standing, answers = progression.Standing(the_plan), []
    for n in range(15):
        key = standing.next_key()
        answers.append(Given(key, n % 4 != 1))
        standing.answer(answers[-1])
    again = progression.replay(the_plan, answers)
    assert (again.round, again.queue, again.status) == (standing.round, standing.queue, standing.status)
    changed = [*answers[:-1], Given(answers[-1].key, not answers[-1].right)]
    assert progression.replay(the_plan, changed).status != standing.status


def test_answers_for_questions_no_longer_in_the_plan_are_ignored() -> None:
    standing = progression.replay(plan(5), [Given("gone", True)])
    assert standing.tally().new == 5


@settings(max_examples=60, deadline=None)
@given(count=st.integers(1, 40), misses=st.lists(st.booleans(), min_size=1, max_size=50), stages=st.sampled_from(
    [("choice", "typed"), ("choice",), ("typed",)]))
def test_any_answers_end_in_mastery_with_every_rule_kept(count: int, misses: list[bool], stages: tuple[str, ...]) -> None:
    standing = progression.Standing(plan(count, stages=stages))
    previous, answers = None, 0
    while not standing.finished:
        round_before = standing.round
        key = standing.next_key()
        # never the same question twice running, unless a round begins with it as the only one left
        assert key is not None and (key != previous or (standing.round > round_before and len(standing.queue) == 1))
        assert len(standing.dealt) <= ROUND_SIZE
        right = not misses[answers % len(misses)] or answers > 10 * count  # misses end, eventually
        standing.answer(Given(key, right))
        previous, answers = key, answers + 1
        assert answers < 40 * count + 100
    assert standing.tally().mastered == count and standing.tally().percent == 100
