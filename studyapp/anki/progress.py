"""A learner's progress as Anki keeps it: card columns, FSRS memory state, review-log rows and a deck preset.

Pure: card states and log entries in, Anki's values out. The rules come from Anki's own importer
(rslib/src/import_export/package/apkg/import): review and day-learning `due` is a day number from the
collection's first day, shifted by the importer by the difference between the package's "today" and the
target's, so a day number here is simply the learner's study date less the package's first day; an
intraday learning card's `due` is a Unix time, kept as it is; the card's `data` holds the FSRS memory state
(`s`, `d`, `dr`, `decay`, `lrt`), which the importer does not recompute; review-log ids are the review times
in milliseconds.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta, timezone

from studyapp.flashcards import scheduler
from studyapp.flashcards.scheduler import CardState, State

FIRST_DAY = date(2000, 1, 1)  # the package collection's first day: its `crt` is noon (UTC) of it, creationOffset 0
PACKAGE_CRT = int(datetime(2000, 1, 1, 12, tzinfo=timezone.utc).timestamp())
MAX_TAKEN_MS = 60_000  # Anki's "maximum answer seconds" (60): it never logs a longer answer
STARTING_EASE = 2500  # a graduated card's ease factor (unused under FSRS, but Anki expects one)

# Anki's card types and queues (rslib/src/card/mod.rs)
NEW, LEARN, REVIEW, RELEARN = 0, 1, 2, 3
QUEUE_NEW, QUEUE_LEARN, QUEUE_REVIEW, QUEUE_DAY_LEARN, QUEUE_SUSPENDED, QUEUE_USER_BURIED = 0, 1, 2, 3, -1, -3
# Anki's review-log kinds: learning, review, relearning
LOG_KIND = {"new": 0, "learning": 0, "review": 1, "relearning": 2}
LOG_FILTERED = 3  # a review in a filtered deck; with factor 0, cramming that Anki's scheduler and FSRS leave out


@dataclass(frozen=True)
class Timing:
    """The learner's calendar: their timezone and the hour their study day starts."""

    timezone: str
    day_starts_hour: int

    def study_date(self, moment: datetime) -> date:
        """The study day a moment belongs to."""
        return scheduler.study_date(moment, self.timezone, self.day_starts_hour)

    def day_number(self, moment: datetime) -> int:
        """Anki's day number of the moment's study day in the package collection."""
        return (self.study_date(moment) - FIRST_DAY).days


@dataclass(frozen=True)
class Review:
    """One rating from the app's review log (undone ratings are never exported)."""

    rating: int
    reviewed_at: datetime
    duration_ms: int | None
    kind: str  # new | learning | review | relearning, before the rating
    before: CardState
    after: CardState


@dataclass(frozen=True)
class CardProgress:
    """A studied (or suspended) card of the learner: its state now and its history."""

    state: CardState
    is_suspended: bool = False
    buried_until: datetime | None = None
    reviews: tuple[Review, ...] = ()


@dataclass(frozen=True)
class Preset:
    """The learner's settings, as the deck preset ("options group") the package's decks use."""

    id: int
    name: str
    desired_retention: float
    learning_steps: tuple[timedelta, ...]
    relearning_steps: tuple[timedelta, ...]
    maximum_interval_days: int
    new_per_day: int
    reviews_per_day: int
    suspend_leeches: bool
    parameters: tuple[float, ...]


@dataclass(frozen=True)
class AnkiCard:
    """The scheduling columns of one row of Anki's `cards` table."""

    type: int
    queue: int
    due: int
    ivl: int
    factor: int
    reps: int
    lapses: int
    left: int
    data: str


@dataclass(frozen=True)
class AnkiReview:
    """One row of Anki's `revlog` table (without its card id)."""

    id: int
    ease: int
    ivl: int
    last_ivl: int
    factor: int
    time: int
    type: int


@dataclass
class PackageProgress:
    """What a learner's package carries beyond the notes: per note GUID its card and log, the preset, the calendar."""

    timing: Timing
    preset: Preset
    cards: dict[str, tuple[AnkiCard, list[AnkiReview]]] = field(default_factory=dict)


def difficulty_factor(difficulty: float | None) -> int:
    """The `factor` Anki writes in a review-log row under FSRS: difficulty from 1-10 mapped to 100-1100."""
    return 0 if difficulty is None else round(((difficulty - 1) / 9 + 0.1) * 1000)


def _interval(state: CardState, at: datetime, timing: Timing) -> int:
    """Anki's interval of a state reached at `at`: days (positive), or seconds (negative) within the study day."""
    if state.is_new or state.due is None:
        return 0
    if state.state == State.REVIEW:
        start = state.last_review or at
        return max(1, (timing.study_date(state.due) - timing.study_date(start)).days)
    if timing.study_date(state.due) == timing.study_date(at):
        return -max(1, round((state.due - at).total_seconds()))
    return max(1, (timing.study_date(state.due) - timing.study_date(at)).days)


def revlog(reviews: Iterable[Review], timing: Timing, taken: set[int]) -> list[AnkiReview]:
    """Anki's review-log rows for a card's history; `taken` holds the ids already used in the package.

    Two ratings in one millisecond (a quiz answer moves several cards at once) get the next free id: Anki
    drops a row whose id it already holds.
    """
    rows = []
    for review in reviews:
        stamp = int(review.reviewed_at.timestamp() * 1000)
        while stamp in taken:
            stamp += 1
        taken.add(stamp)
        last = 0 if review.before.is_new else _interval(review.before, review.before.last_review or review.reviewed_at, timing)
        rows.append(AnkiReview(stamp, review.rating, _interval(review.after, review.reviewed_at, timing), last,
                               difficulty_factor(review.after.difficulty), min(review.duration_ms or 0, MAX_TAKEN_MS),
                               LOG_KIND[review.kind]))
    return rows


def cramming(answers: Iterable[tuple[datetime, bool]], taken: set[int]) -> list[AnkiReview]:
    """Practice answers (when, right) as Anki's cramming rows: Filtered with factor 0 and no interval, the
    entries a filtered deck without rescheduling writes, which Anki's scheduling and FSRS ignore."""
    rows = []
    for answered_at, right in answers:
        stamp = int(answered_at.timestamp() * 1000)
        while stamp in taken:
            stamp += 1
        taken.add(stamp)
        rows.append(AnkiReview(stamp, 3 if right else 1, 0, 0, 0, 0, LOG_FILTERED))
    return rows


def memory_data(state: CardState, desired_retention: float, decay: float) -> str:
    """The card's `data` JSON with its FSRS memory state, as Anki stores it (and rounds it)."""
    if state.is_new or state.stability is None or state.difficulty is None:
        return ""
    values: dict[str, float | int] = {"s": round(state.stability, 4), "d": round(state.difficulty, 3),
                                      "dr": round(desired_retention, 2), "decay": round(decay, 3)}
    if state.last_review is not None:
        values["lrt"] = int(state.last_review.timestamp())
    return json.dumps(values, separators=(",", ":"))


def card_columns(progress: CardProgress, now: datetime, preset: Preset, timing: Timing) -> AnkiCard | None:
    """The card's row in Anki; None for a new card that is not suspended (the package's own new card)."""
    state = progress.state
    held = QUEUE_SUSPENDED if progress.is_suspended else (
        QUEUE_USER_BURIED if progress.buried_until is not None and progress.buried_until > now else None)
    if state.is_new:
        return None if held is None else AnkiCard(NEW, held, 0, 0, 0, 0, 0, 0, "")
    data = memory_data(state, preset.desired_retention, preset.parameters[20])
    due = state.due or now
    if state.state == State.REVIEW:
        columns = AnkiCard(REVIEW, QUEUE_REVIEW, timing.day_number(due), _interval(state, now, timing), STARTING_EASE,
                           state.reps, state.lapses, 0, data)
    else:
        relearning = state.state == State.RELEARNING
        steps = preset.relearning_steps if relearning else preset.learning_steps
        left = max(1, len(steps) - (state.step or 0))
        # Held (suspended, buried) learning cards keep a Unix time: Anki's importer shifts day numbers only in the
        # review and day-learning queues, and on unsuspending it takes a `due` past 10^9 for the intraday queue.
        today = held is not None or timing.study_date(due) <= timing.study_date(now)
        queue, when = (QUEUE_LEARN, int(due.timestamp())) if today else (QUEUE_DAY_LEARN, timing.day_number(due))
        ivl = fsrs_interval(state.stability, preset) if relearning else 0
        columns = AnkiCard(RELEARN if relearning else LEARN, queue, when, ivl, STARTING_EASE if relearning else 0,
                           state.reps, state.lapses, left, data)
    return columns if held is None else replace(columns, queue=held)


def fsrs_interval(stability: float | None, preset: Preset) -> int:
    """The review interval (days) FSRS gives a card of this stability: what a relearning card graduates to, which
    Anki keeps in its `ivl` (it set it from the lapse's new stability)."""
    if not stability:
        return 1
    decay = -preset.parameters[20]
    factor = 0.9 ** (1 / decay) - 1
    days = round(stability / factor * (preset.desired_retention ** (1 / decay) - 1))
    return min(max(days, 1), preset.maximum_interval_days)


def minutes(steps: Sequence[timedelta]) -> list[float]:
    """Steps as Anki's preset keeps them: minutes."""
    return [step.total_seconds() / 60 for step in steps]
