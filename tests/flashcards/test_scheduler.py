"""The scheduler as a table: (old state, rating) -> new state, with fsrs's defaults, fuzz off; day starts in every zone."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from studyapp.flashcards.scheduler import (
    CardState,
    Rating,
    Settings,
    State,
    day_start,
    next_day_start,
    next_review,
    real_zones,
)

NOW = datetime(2026, 11, 29, 12, 0, tzinfo=timezone.utc)
SETTINGS = Settings(enable_fuzzing=False)  # steps 1m 10m, relearning 10m, retention 0.90
M, D = timedelta(minutes=1), timedelta(days=1)
OLD = {
    "new": CardState(),
    "learning": CardState(State.LEARNING, 1, 2.3065, 2.1181, NOW, NOW - 10 * M, reps=2),
    "review": CardState(State.REVIEW, None, 10.0, 5.0, NOW, NOW - 10 * D, reps=5),
    "relearning": CardState(State.RELEARNING, 0, 1.5, 7.0, NOW, NOW - 10 * M, reps=6, lapses=1),
}

# old state, rating -> state, step, stability, difficulty, next interval, reps, lapses
TABLE = [
    ("new", Rating.AGAIN, State.LEARNING, 0, 0.2120, 6.4133, 1 * M, 1, 0),
    ("new", Rating.HARD, State.LEARNING, 0, 1.2931, 5.1122, 5.5 * M, 1, 0),
    ("new", Rating.GOOD, State.LEARNING, 1, 2.3065, 2.1181, 10 * M, 1, 0),
    ("new", Rating.EASY, State.REVIEW, None, 8.2956, 1.0, 8 * D, 1, 0),
    ("learning", Rating.AGAIN, State.LEARNING, 0, 0.7751, 7.3945, 1 * M, 3, 0),
    ("learning", Rating.HARD, State.LEARNING, 1, 2.3065, 4.7529, 10 * M, 3, 0),
    ("learning", Rating.GOOD, State.REVIEW, None, 2.3065, 2.1112, 2 * D, 3, 0),
    ("learning", Rating.EASY, State.REVIEW, None, 3.9461, 1.0, 4 * D, 3, 0),
    ("review", Rating.AGAIN, State.RELEARNING, 0, 1.3920, 8.3418, 10 * M, 6, 1),  # a lapse
    ("review", Rating.HARD, State.REVIEW, None, 23.2469, 6.6660, 23 * D, 6, 0),
    ("review", Rating.GOOD, State.REVIEW, None, 32.0267, 4.9902, 32 * D, 6, 0),
    ("review", Rating.EASY, State.REVIEW, None, 51.2539, 3.3145, 51 * D, 6, 0),
    ("relearning", Rating.AGAIN, State.RELEARNING, 0, 0.5185, 8.9991, 10 * M, 7, 1),  # no second lapse
    ("relearning", Rating.HARD, State.RELEARNING, 0, 1.5, 7.9937, 15 * M, 7, 1),
    ("relearning", Rating.GOOD, State.REVIEW, None, 1.5346, 6.9882, 2 * D, 7, 1),
    ("relearning", Rating.EASY, State.REVIEW, None, 2.6400, 5.9828, 3 * D, 7, 1),
]


@pytest.mark.parametrize("old, rating, state, step, stability, difficulty, interval, reps, lapses", TABLE,
                         ids=[f"{row[0]}-{row[1].name.lower()}" for row in TABLE])
def test_next_review(old: str, rating: Rating, state: State, step: int | None, stability: float, difficulty: float,
                     interval: timedelta, reps: int, lapses: int) -> None:
    new = next_review(1, OLD[old], rating, NOW, SETTINGS)
    assert (new.state, new.step, new.reps, new.lapses) == (state, step, reps, lapses)
    assert new.stability == pytest.approx(stability, abs=1e-3) and new.difficulty == pytest.approx(difficulty, abs=1e-3)
    assert new.due - NOW == interval and new.last_review == NOW


def _transitions(zone: ZoneInfo, year: int) -> list[datetime]:
    """The moments (UTC, to the minute) the zone's clocks change in `year`."""
    found, moment = [], datetime(year, 1, 1, tzinfo=timezone.utc)
    while moment.year == year:
        later = moment + D
        if moment.astimezone(zone).utcoffset() != later.astimezone(zone).utcoffset():
            low, high = moment, later
            while high - low > M:
                middle = low + (high - low) / 2
                low, high = (middle, high) if middle.astimezone(zone).utcoffset() == low.astimezone(zone).utcoffset() \
                    else (low, middle)
            found.append(high)
        moment = later
    return found


def test_a_day_start_is_never_after_now_in_any_zone_with_a_gap_or_overlap_at_the_rollover() -> None:
    checked = 0
    for name in real_zones():
        zone = ZoneInfo(name)
        for change in _transitions(zone, 2026):
            hours = {(change + shift).astimezone(zone).hour for shift in (-90 * M, -30 * M, 0 * M, 30 * M, 90 * M)}
            for hour in hours:
                for minutes in range(-180, 181, 7):
                    now = change + minutes * M
                    start, following = day_start(now, name, hour), next_day_start(now, name, hour)
                    assert start <= now < following, (name, hour, now, start, following)
                    assert timedelta(hours=22) <= following - start <= timedelta(hours=26), (name, hour, now)
                    checked += 1
    assert checked > 10_000  # zones with daylight saving were found and walked


def test_chatham_at_its_spring_gap() -> None:
    now = datetime(2026, 9, 26, 14, 7, tzinfo=timezone.utc)  # 03:52 local, just after 02:45 jumped to 03:45
    assert day_start(now, "Pacific/Chatham", 3) == datetime(2026, 9, 26, 14, 0, tzinfo=timezone.utc)  # the gap's end
