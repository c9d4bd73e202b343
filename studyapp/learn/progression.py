"""Learn's rules, pure: rounds of seven, multiple choice until right once, typed recall two rounds later.

A session's standing is never stored: `replay` works it out from the session's answers, in order, so
reload, back, another tab and signing in all see the same thing, and "I was right" is a changed answer.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

ROUND_SIZE = 7
GAP = 2  # a question right once comes back as recall at least this many rounds later
ANSWER_TYPES = {"choice typed": ("choice", "typed"), "choice": ("choice",), "typed": ("typed",)}


class Status(StrEnum):
    """Where one question stands in a session."""

    NEW = "new"  # not seen yet
    MISSED = "missed"  # last answered wrong: asked as at first again
    FAMILIAR = "familiar"  # right once: recalled later
    MASTERED = "mastered"  # right at recall too: done


class Event(StrEnum):
    """What an answer means for the question's card (first-try answers only)."""

    AGAIN = "again"  # the first answer in the session was wrong
    GOOD = "good"  # mastered, and the first answer was right


@dataclass(frozen=True)
class Plan:
    """What a session studies: its questions in the order dealt, their fact groups, the answer types, the seed."""

    keys: tuple[str, ...]
    groups: Mapping[str, frozenset[str]]  # question key -> its fact groups (no two questions sharing one in a round)
    stages: tuple[str, ...]  # the answer type asked first, and the one asked at recall
    seed: int


@dataclass(frozen=True)
class Given:
    """One answer as the replay reads it: which question, and whether it counts as right."""

    key: str
    right: bool


@dataclass(frozen=True)
class Tally:
    """How many questions stand where."""

    mastered: int
    familiar: int
    missed: int
    new: int

    @property
    def total(self) -> int:
        return self.mastered + self.familiar + self.missed + self.new

    @property
    def steps_done(self) -> int:
        """Progress in steps: two per question (right once, then right at recall)."""
        return 2 * self.mastered + self.familiar

    @property
    def percent(self) -> int:
        return round(100 * self.steps_done / (2 * self.total)) if self.total else 100


class Standing:
    """A session's standing: round, what is left of it, and each question's status. Built by `replay`."""

    def __init__(self, plan: Plan) -> None:
        self.plan = plan
        self.round = 0
        self.queue: list[str] = []  # what is left of this round, next first
        self.dealt: list[str] = []  # every question this round dealt, in order
        self.status = {key: Status.NEW for key in plan.keys}
        self.familiar_in: dict[str, int] = {}
        self.first_right: dict[str, bool] = {}
        self.rated: set[str] = set()
        self._back: set[str] = set()  # missed in this round and already put back in it
        self._last: str | None = None  # the question answered last (a new round does not open with it)
        self.early = False  # this round brings recalls back early: nothing else was left to ask
        self.answered_in_round = 0

    @property
    def finished(self) -> bool:
        return all(status == Status.MASTERED for status in self.status.values())

    @property
    def between_rounds(self) -> bool:
        """A round has just ended (its summary is due) and the session goes on."""
        return not self.queue and self.round > 0 and not self.finished

    def next_key(self) -> str | None:
        """The question asked next (dealing the next round if this one is over); None when finished."""
        if not self.queue and not self.finished:
            self._deal()
        return self.queue[0] if self.queue else None

    @property
    def round_length(self) -> int:
        """How many questions this round asks: those dealt and the misses put back in it."""
        return len(self.dealt) + len(self._back)

    def stage_of(self, key: str) -> str:
        """The answer type a question is asked in now: the first until right once, then the recall type."""
        return self.plan.stages[-1] if self.status[key] == Status.FAMILIAR else self.plan.stages[0]

    def tally(self, keys: Iterable[str] | None = None) -> Tally:
        chosen = [self.status[key] for key in (self.status if keys is None else keys) if key in self.status]
        return Tally(*(chosen.count(status) for status in (Status.MASTERED, Status.FAMILIAR, Status.MISSED, Status.NEW)))

    def answer(self, given: Given) -> Event | None:
        """Apply one answer; the event it means for the question's card, once per session, or None."""
        if given.key not in self.status:  # a question the bank has retired since: its answer no longer counts
            return None
        if not self.queue:
            self._deal()
        if given.key in self.queue:
            self.queue.remove(given.key)
        first = given.key not in self.first_right
        self._last = given.key
        self.answered_in_round += 1
        self.first_right.setdefault(given.key, given.right)
        if given.right:
            self._right(given.key)
        else:
            self._missed(given.key)
        return self._event(given.key, first)

    def _right(self, key: str) -> None:
        if self.status[key] == Status.FAMILIAR:
            self.status[key] = Status.MASTERED
        elif self.status[key] != Status.MASTERED:
            self.status[key], self.familiar_in[key] = Status.FAMILIAR, self.round

    def _missed(self, key: str) -> None:
        """Asked as at first again: later in this round, never next (and once a round), else next round."""
        self.status[key] = Status.MISSED
        self.familiar_in.pop(key, None)
        if self.queue and key not in self._back:
            self._back.add(key)
            self.queue.insert(min(len(self.queue), 2), key)

    def _event(self, key: str, first: bool) -> Event | None:
        if key in self.rated:
            return None
        if first and not self.first_right[key]:
            event: Event | None = Event.AGAIN
        elif self.status[key] == Status.MASTERED and self.first_right[key]:
            event = Event.GOOD
        else:
            return None
        self.rated.add(key)
        return event

    def _deal(self) -> None:
        """The next round: recalls that are due, then misses, then new questions, one per fact group."""
        self.round += 1
        self._back = set()
        self.answered_in_round = 0
        due = sorted((key for key in self.plan.keys if self.status[key] == Status.FAMILIAR
                      and self.familiar_in[key] + GAP <= self.round), key=lambda key: self.familiar_in[key])
        missed = [key for key in self.plan.keys if self.status[key] == Status.MISSED]
        new = [key for key in self.plan.keys if self.status[key] == Status.NEW]
        candidates = due + missed + new
        self.early = not candidates
        if not candidates:  # nothing left but recalls not yet due: they come back sooner rather than never
            candidates = sorted((key for key in self.plan.keys if self.status[key] == Status.FAMILIAR),
                                key=lambda key: self.familiar_in[key])
        self.queue = _one_per_group(candidates, self.plan.groups, ROUND_SIZE)
        random.Random(f"{self.plan.seed}:{self.round}").shuffle(self.queue)
        if len(self.queue) > 1 and self.queue[0] == self._last:  # never the same question twice running
            self.queue[0], self.queue[1] = self.queue[1], self.queue[0]
        self.dealt = list(self.queue)


def _one_per_group(keys: Sequence[str], groups: Mapping[str, frozenset[str]], size: int) -> list[str]:
    picked: list[str] = []
    taken: set[str] = set()
    for key in keys:
        touched = groups.get(key, frozenset((key,)))
        if not touched & taken and len(picked) < size:
            taken.update(touched)
            picked.append(key)
    return picked


def replay(plan: Plan, answers: Iterable[Given]) -> Standing:
    """The standing after these answers, in order."""
    standing = Standing(plan)
    for given in answers:
        standing.answer(given)
    return standing


def events_of(plan: Plan, answers: Sequence[Given]) -> list[Event | None]:
    """What each answer meant for its card, answer by answer (to reconcile a changed answer with its rating)."""
    standing = Standing(plan)
    return [standing.answer(given) for given in answers]
