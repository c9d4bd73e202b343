"""Spaced repetition through the `fsrs` package: (card state, rating, now) -> new state.

Pure: no database, no clock. Times are timezone-aware UTC (fsrs insists on it).
"""

from __future__ import annotations

import functools
import re
from dataclasses import asdict, dataclass, replace
from datetime import date, datetime, time, timedelta, timezone
from enum import IntEnum
from zoneinfo import ZoneInfo, available_timezones

import fsrs
from fsrs.scheduler import DEFAULT_PARAMETERS

LEECH_LAPSES = 8
_STEP = re.compile(r"^(\d+)([smhd])$")
_UNIT = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days"}
# Real places (Area/Location) and UTC: not "localtime", "Factory", "posixrules", "EST5EDT" or the old "US/Eastern".
AREAS = ("Africa", "America", "Antarctica", "Arctic", "Asia", "Atlantic", "Australia", "Europe", "Indian", "Pacific")
REAL_ZONE = re.compile(rf"(?:{'|'.join(AREAS)})/[A-Z][\w+-]*(?:/[A-Z][\w+-]*)?")
MAX_STEP = timedelta(days=365)  # a step is minutes to days; a year is already far past any real one


class Rating(IntEnum):
    """Anki's four answer buttons (the same numbers as fsrs.Rating)."""

    AGAIN = 1
    HARD = 2
    GOOD = 3
    EASY = 4


class State(IntEnum):
    """fsrs's card states; 'new' is ours: a card never reviewed."""

    LEARNING = 1
    REVIEW = 2
    RELEARNING = 3


@dataclass(frozen=True)
class Settings:
    """A learner's scheduling settings."""

    desired_retention: float = 0.9
    learning_steps: tuple[timedelta, ...] = (timedelta(minutes=1), timedelta(minutes=10))
    relearning_steps: tuple[timedelta, ...] = (timedelta(minutes=10),)
    maximum_interval_days: int = 36500
    enable_fuzzing: bool = True
    parameters: tuple[float, ...] = tuple(DEFAULT_PARAMETERS)  # FSRS-6's 21 weights: the defaults, or fitted to the learner


@dataclass(frozen=True)
class CardState:
    """Everything fsrs needs of a card, plus Anki's counters (reps, lapses)."""

    state: State = State.LEARNING
    step: int | None = 0
    stability: float | None = None
    difficulty: float | None = None
    due: datetime | None = None  # a new card has no due date of its own
    last_review: datetime | None = None
    reps: int = 0
    lapses: int = 0

    @property
    def is_new(self) -> bool:
        """Never reviewed."""
        return self.reps == 0

    @property
    def kind(self) -> str:
        """new, learning, review or relearning: how Anki would count it."""
        return "new" if self.is_new else self.state.name.lower()

    def to_dict(self) -> dict[str, object]:
        """A JSON-ready snapshot, as kept in the review log."""
        data = asdict(self)
        data["state"] = int(self.state)
        for name in ("due", "last_review"):
            data[name] = data[name].isoformat() if data[name] else None
        return data

    @classmethod
    def from_dict(cls, data: dict[str, object]) -> CardState:
        """Rebuild a snapshot made by to_dict."""
        values = dict(data)
        values["state"] = State(values["state"])
        for name in ("due", "last_review"):
            values[name] = datetime.fromisoformat(values[name]) if values[name] else None  # type: ignore[arg-type]
        return cls(**values)  # type: ignore[arg-type]


def real_zones() -> list[str]:
    """The timezones a learner may choose: UTC, then every real Area/Location zone, sorted."""
    return list(_real_zones())


@functools.cache
def _real_zones() -> tuple[str, ...]:  # available_timezones() walks the tz database's folders: once per process
    return ("UTC", *sorted(name for name in available_timezones() if REAL_ZONE.fullmatch(name)))


def is_real_zone(name: str) -> bool:
    """Whether `name` is UTC or a real Area/Location zone this machine knows."""
    return name in _real_zones()


def parse_steps(text: str) -> tuple[timedelta, ...]:
    """'1m 10m 1h' -> timedeltas; raises ValueError naming the bad step."""
    steps = []
    for part in text.split():
        match = _STEP.match(part)
        if not match or int(match.group(1)) == 0:
            raise ValueError(f"'{part}' is not a step like 1m, 10m, 1h or 1d")
        amount = int(match.group(1))
        if amount > MAX_STEP // timedelta(**{_UNIT[match.group(2)]: 1}):
            raise ValueError(f"'{part}' is longer than a step can be (at most 365d)")
        steps.append(timedelta(**{_UNIT[match.group(2)]: amount}))
    return tuple(steps)


def make_scheduler(settings: Settings) -> fsrs.Scheduler:
    """An fsrs Scheduler for these settings."""
    return fsrs.Scheduler(
        parameters=settings.parameters,
        desired_retention=settings.desired_retention,
        learning_steps=settings.learning_steps,
        relearning_steps=settings.relearning_steps,
        maximum_interval=settings.maximum_interval_days,
        enable_fuzzing=settings.enable_fuzzing,
    )


def _to_fsrs(card_id: int, state: CardState, now: datetime) -> fsrs.Card:
    return fsrs.Card(card_id=card_id, state=fsrs.State(int(state.state)), step=state.step,
                     stability=state.stability, difficulty=state.difficulty,
                     due=_utc(now if state.is_new or state.due is None else state.due), last_review=_utc(state.last_review) if state.last_review else None)


def _utc(value: datetime) -> datetime:
    return value.astimezone(timezone.utc)


def next_review(card_id: int, state: CardState, rating: Rating, now: datetime, settings: Settings,
                duration_ms: int | None = None) -> CardState:
    """The card's state after rating it at `now`."""
    card, _ = make_scheduler(settings).review_card(_to_fsrs(card_id, state, now), fsrs.Rating(int(rating)), _utc(now), duration_ms)
    lapsed = state.state == State.REVIEW and rating == Rating.AGAIN
    return CardState(
        state=State(int(card.state)), step=card.step, stability=card.stability, difficulty=card.difficulty,
        due=card.due, last_review=card.last_review, reps=state.reps + 1, lapses=state.lapses + int(lapsed),
    )


def preview(card_id: int, state: CardState, now: datetime, settings: Settings) -> dict[Rating, timedelta]:
    """The interval each rating would give now (without fuzz, as Anki shows them)."""
    plain = replace(settings, enable_fuzzing=False)
    return {rating: next_review(card_id, state, rating, now, plain).due - now for rating in Rating}  # type: ignore[operator]


def format_interval(interval: timedelta) -> str:
    """Anki's short spelling: 45s, 10m, 3h, 2d, 1.5mo, 2.1y."""
    seconds = max(interval.total_seconds(), 0)
    if seconds < 60:
        return f"{round(seconds)}s"
    if seconds < 3600:
        return f"{round(seconds / 60)}m"
    if seconds < 86400:
        return f"{round(seconds / 3600)}h"
    days = seconds / 86400
    if days < 30:
        return f"{round(days)}d"
    if days < 365:
        return f"{days / 30:.1f}mo".replace(".0mo", "mo")
    return f"{days / 365:.1f}y".replace(".0y", "y")


def is_leech(state: CardState) -> bool:
    """A card that has lapsed LEECH_LAPSES times or more."""
    return state.lapses >= LEECH_LAPSES


def day_start(now: datetime, timezone_name: str, hour: int) -> datetime:
    """When the learner's current study day began (it rolls over at `hour` local time), in UTC."""
    zone = ZoneInfo(timezone_name)
    local = now.astimezone(zone)
    start = _first_moment_at(local.date(), hour, zone)  # where the clocks went back, local.hour alone would mislead
    return start if start <= now else _first_moment_at(local.date() - timedelta(days=1), hour, zone)


def next_day_start(now: datetime, timezone_name: str, hour: int) -> datetime:
    """When the learner's next study day begins, in UTC (DST-aware)."""
    zone = ZoneInfo(timezone_name)
    start = day_start(now, timezone_name, hour).astimezone(zone)
    return _first_moment_at(start.date() + timedelta(days=1), hour, zone)


def _first_moment_at(day: date, hour: int, zone: ZoneInfo) -> datetime:
    """The first moment (UTC) whose local time on `day` is `hour`:00 or later.

    Where the clocks go back, that is the first of the two; where they jump over the hour (a daylight-saving
    gap), it is the end of the gap, never an hour later (zoneinfo reads a missing time with the old offset).
    """
    wall = datetime.combine(day, time(hour))
    moment = wall.replace(tzinfo=zone).astimezone(timezone.utc)
    if moment.astimezone(zone).replace(tzinfo=None) == wall:
        return moment
    # In the gap: its end lies between the two readings of the missing time; halve to the whole second.
    early, late = sorted(int(reading.timestamp()) for reading in (moment, wall.replace(tzinfo=zone, fold=1)))
    while late - early > 1:
        middle = (early + late) // 2
        if datetime.fromtimestamp(middle, zone).replace(tzinfo=None) >= wall:
            late = middle
        else:
            early = middle
    return datetime.fromtimestamp(late, timezone.utc)


def study_date(moment: datetime, timezone_name: str, hour: int) -> date:
    """The study day a moment belongs to (a review at 2 am counts for the day before)."""
    return day_start(moment, timezone_name, hour).astimezone(ZoneInfo(timezone_name)).date()
