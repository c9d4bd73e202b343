"""Service: a learner's progress figures (counts, forecast, review calendar, retention, leeches)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import case, func, or_, select
from sqlalchemy.orm import Session

from studyapp import tallies
from studyapp.bank import catalog, sync
from studyapp.db import quarter_hour, quarter_hour_start
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

    Reads studied and suspended cards only: a learner has a card for every live question, so the new
    ones are the rest (a learner with 40,000 new cards costs what one with 100 does).
    """
    live = select(func.count()).select_from(Card).join(Question).where(
        Card.learner_id == learner_id, Question.is_retired.is_(False), sync.makes_cards())
    studied = live.where(Card.reps > 0)
    row = session.execute(select(
        studied.where(Card.state != State.REVIEW, Card.is_suspended.is_(False)).scalar_subquery(),
        studied.where(Card.state == State.REVIEW, Card.is_suspended.is_(False)).scalar_subquery(),
        studied.scalar_subquery(),
        live.where(Card.is_suspended.is_(True)).scalar_subquery(),
        live.where(Card.is_suspended.is_(True), Card.reps + 0 == 0).scalar_subquery())).one()  # "+ 0": by the
    # suspension index, not the (learner, reps) one, which would walk every new card
    learning, review, studied_count, suspended, suspended_new = row
    total = sum(deck.cards for deck in catalog.snapshot(session).decks)
    return {"new": max(total - studied_count - suspended_new, 0), "learning": learning, "review": review,
            "suspended": suspended}


def progress(session: Session, learner: Learner, now: datetime) -> Progress:
    """The learner's figures at `now`, with days counted in the learner's own timezone."""
    zone, hour = learner.timezone, learner.day_starts_hour
    today = scheduler.study_date(now, zone, hour)
    horizon = scheduler.next_day_start(now, zone, hour) + timedelta(days=FORECAST_DAYS - 1)
    # Counted per quarter hour in SQL, each quarter's study day worked out once: a learner with 200,000 logs
    # costs a few hundred rows, not 200,000 conversions to their timezone.
    due_at = quarter_hour(Card.due)
    back_at = case((Card.buried_until > now, quarter_hour(Card.buried_until)), else_=None)  # buried: back then
    dues = session.execute(
        select(due_at, back_at, func.count()).join(Question).where(
            Card.learner_id == learner.id, Card.reps > 0, Card.is_suspended.is_(False), Question.is_retired.is_(False),
            Card.due < horizon).group_by(due_at, back_at))
    per_day: Counter[date] = Counter()
    for due, back, count in dues:  # a card buried today is due on the day it comes back, as the review queue has it
        day = scheduler.study_date(quarter_hour_start(due), zone, hour)
        if back is not None:
            day = max(day, scheduler.study_date(quarter_hour_start(back), zone, hour))
        per_day[max(day, today)] += count
    forecast = [(today + timedelta(days=i), per_day.get(today + timedelta(days=i), 0)) for i in range(FORECAST_DAYS)]
    since = scheduler.day_start(now, zone, hour) - timedelta(weeks=CALENDAR_WEEKS)
    calendar: Counter[date] = Counter()
    for number, count in tallies.calendar(session, learner.id, since):  # kept per quarter hour as ratings come
        calendar[scheduler.study_date(quarter_hour_start(number), zone, hour)] += count
    counts = card_counts(session, learner.id)
    by_category, by_deck = _retention(session, learner.id)
    return Progress(
        **counts, due_today=forecast[0][1], due_tomorrow=forecast[1][1], forecast=forecast, calendar=dict(calendar),
        today=today, streak=streak(calendar, today), total_reviews=sum(calendar.values()),
        by_category=by_category, by_deck=by_deck,
    )


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
