"""Service: a learner's progress figures (counts, forecast, review calendar, retention, leeches)."""

from __future__ import annotations

from bisect import bisect_right
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from studyapp import tallies
from studyapp.bank import catalog
from studyapp.flashcards import scheduler
from studyapp.flashcards.charts import streak
from studyapp.flashcards.scheduler import State
from studyapp.models import Card, Deck, Learner, Question

FORECAST_DAYS = 30
CALENDAR_WEEKS = 26


@dataclass(frozen=True)
class Retention:
    """Reviews passed (Hard, Good or Easy) out of all reviews, for one group."""

    label: str
    passed: int
    total: int

    @property
    def percent(self) -> int:
        """Passed as a whole percentage of total."""
        return round(100 * self.passed / self.total) if self.total else 0


@dataclass(frozen=True)
class Progress:
    """Everything the progress page shows."""

    new: int
    learning: int
    review: int
    suspended: int
    due_today: int
    due_tomorrow: int
    forecast: list[tuple[date, int]]
    calendar: dict[date, int]
    today: date
    streak: int
    total_reviews: int
    by_category: list[Retention]
    by_deck: list[Retention]


def card_counts(session: Session, learner_id: int) -> dict[str, int]:
    """How many of the learner's live cards are new, learning, review and suspended.

    From the counts kept per deck (`tallies`): a learner has a card for every live question, so the new ones
    are the rest (a learner with 40,000 cards costs what one with 100 does).
    """
    kept = tallies.card_counts(session, learner_id).values()
    learning, review, studied, suspended, suspended_new = (
        sum(deck[name] for deck in kept) for name in ("learning", "review", "studied", "suspended", "suspended_new"))
    total = sum(deck.cards for deck in catalog.snapshot(session).decks)
    return {"new": max(total - studied - suspended_new, 0), "learning": learning, "review": review,
            "suspended": suspended}


def progress(session: Session, learner: Learner, now: datetime) -> Progress:
    """The learner's figures at `now`, with days counted in the learner's own timezone."""
    zone, hour = learner.timezone, learner.day_starts_hour
    today = scheduler.study_date(now, zone, hour)
    horizon = scheduler.next_day_start(now, zone, hour) + timedelta(days=FORECAST_DAYS - 1)
    # Both kept per quarter hour (`tallies`), each quarter put in its study day by bisecting the days' first
    # quarters (worked out once a day per zone, DST-aware): a learner with 40,000 cards costs a bisection per
    # quarter, not 40,000 conversions to their timezone. Overdue cards count today.
    ahead = _first_quarters(zone, hour, scheduler.next_day_start(now, zone, hour), FORECAST_DAYS)
    per_day: Counter[date] = Counter()
    for number, count in tallies.forecast(session, learner.id, horizon):
        per_day[today + timedelta(days=bisect_right(ahead, number))] += count
    forecast = [(today + timedelta(days=i), per_day.get(today + timedelta(days=i), 0)) for i in range(FORECAST_DAYS)]
    since = scheduler.day_start(now, zone, hour) - timedelta(weeks=CALENDAR_WEEKS)
    first = scheduler.study_date(since, zone, hour)
    behind = _first_quarters(zone, hour, scheduler.next_day_start(since, zone, hour), (today - first).days + 1)
    calendar: Counter[date] = Counter()
    for number, count in tallies.calendar(session, learner.id, since):
        calendar[first + timedelta(days=bisect_right(behind, number))] += count
    counts = card_counts(session, learner.id)
    by_category, by_deck = _retention(session, learner.id)
    return Progress(
        **counts, due_today=forecast[0][1], due_tomorrow=forecast[1][1], forecast=forecast, calendar=dict(calendar),
        today=today, streak=streak(calendar, today), total_reviews=sum(calendar.values()),
        by_category=by_category, by_deck=by_deck,
    )


@lru_cache(maxsize=512)
def _first_quarters(zone: str, hour: int, start: datetime, days: int) -> tuple[int, ...]:
    """The first quarter hours of `days` study days in a row, the first of them starting at `start`: a quarter
    hour falls in the day before the first of these that is after it."""
    starts = [start]
    while len(starts) < days:
        starts.append(scheduler.next_day_start(starts[-1], zone, hour))
    return tuple(tallies.quarter_of(moment) for moment in starts)


def _retention(session: Session, learner_id: int) -> tuple[list[Retention], list[Retention]]:
    """Reviews passed per category and per deck, from the counts kept per deck and category (`tallies`)."""
    titles = {deck.key: deck.title for deck in catalog.snapshot(session).decks}
    rows = tallies.retention(session, learner_id)
    retired = {deck for deck, *_ in rows} - titles.keys()
    if retired:  # ratings of a deck the bank no longer has: its last title
        titles.update(session.execute(select(Deck.key, Deck.title).where(Deck.key.in_(retired))).tuples())
    by_category: dict[str, list[int]] = {}
    by_deck: dict[str, list[int]] = {}
    for deck, category, passed, total in rows:
        for totals, label in ((by_category, category), (by_deck, titles.get(deck, deck))):
            counted = totals.setdefault(str(label), [0, 0])
            counted[0] += passed
            counted[1] += total
    return ([Retention(label, *by_category[label]) for label in sorted(by_category)],
            [Retention(label, *by_deck[label]) for label in sorted(by_deck)])


def standing_by_question(session: Session, learner_id: int) -> dict[str, str]:
    """How well the learner knows each question they have studied: "learning", "known" (in review) or "leech";
    a question left out is new. Reads studied and leech cards only (the index on (learner, reps))."""
    rows = session.execute(select(Question.key, Card.state, Card.is_leech).join(Card, Card.question_id == Question.id)
                           .where(Card.learner_id == learner_id, or_(Card.reps > 0, Card.is_leech.is_(True))))
    return {key: "leech" if leech else "known" if state == State.REVIEW else "learning" for key, state, leech in rows}
