"""A learner who forgets by the FSRS curve with known parameters (not the defaults): the ground truth of the fit tests.

Each day the learner reviews what the app has due (and takes new cards); an inter-day review is recalled with
the probability the true parameters give, same-day steps with 0.9. The app's own scheduling is a callback, so
the same learner studies a bare fsrs Scheduler (pure tests) or the app's database (service and page tests).
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import datetime, timedelta

from fsrs import Card, Rating, Scheduler

from studyapp.flashcards.optimizer import Rated

# forgets faster than the defaults assume: lower first stabilities, slower growth, a steeper curve
TRUE = (0.10, 0.50, 1.20, 4.00, 7.0, 0.60, 2.50, 0.010, 1.20, 0.25, 0.90,
        1.70, 0.080, 0.35, 1.40, 0.50, 2.20, 0.50, 0.12, 0.08, 0.40)

Schedule = Callable[[int, Rating, datetime], datetime]  # (card number, rating, when) -> when the app shows it next


def study(cards: int, days: int, start: datetime, seed: int, schedule: Schedule) -> list[Rated]:
    """The learner's ratings over `days` days from `start`, in the order they were given."""
    rng = random.Random(seed)
    truth = Scheduler(parameters=TRUE, enable_fuzzing=False)
    memory: dict[int, Card] = {}
    due: dict[int, datetime] = {}
    done: list[Rated] = []
    per_day = max(1, -(-cards // max(1, int(days * 0.6))))
    for day in range(days):
        if rng.random() < 0.07:  # a day off
            continue
        now = start + timedelta(days=day, hours=8, minutes=rng.uniform(0, 240))
        day_end = start + timedelta(days=day + 1, hours=4)
        queue = [number for number, when in due.items() if when < day_end]
        for number in range(len(memory), min(len(memory) + per_day, cards)):
            memory[number] = Card(card_id=number + 1, due=now)
            queue.append(number)
        pending = [(now, number) for number in queue]
        while pending:
            pending.sort(key=lambda entry: entry[0])
            when, number = pending.pop(0)
            now = max(now, when) + timedelta(seconds=rng.uniform(5, 20))
            known = memory[number]
            if known.last_review is None:
                rating = rng.choices([1, 2, 3, 4], [0.2, 0.15, 0.55, 0.10])[0]
            else:
                recall = 0.9 if (now - known.last_review).days < 1 else truth.get_card_retrievability(known, now)
                rating = rng.choices([2, 3, 4], [0.15, 0.75, 0.10])[0] if rng.random() < recall else 1
            memory[number], _ = truth.review_card(known, Rating(rating), now)
            done.append(Rated(number, rating, now, known.last_review is None))
            due[number] = schedule(number, Rating(rating), now)
            if due[number] < day_end and due[number] - now < timedelta(hours=2):
                pending.append((due[number], number))
    return done


def on_scheduler(scheduler: Scheduler) -> Schedule:
    """The app's scheduling as a bare fsrs Scheduler."""
    cards: dict[int, Card] = {}

    def schedule(number: int, rating: Rating, now: datetime) -> datetime:
        card = cards.get(number) or Card(card_id=number + 1, due=now)
        cards[number], _ = scheduler.review_card(card, rating, now)
        return cards[number].due

    return schedule
