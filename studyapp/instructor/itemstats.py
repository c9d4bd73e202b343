"""Item statistics as Moodle's quiz statistics report computes them, per question on first attempts only. Pure.

Definitions follow Moodle's "Quiz statistics calculations" (docs.moodle.org/dev/Quiz_statistics_calculations) and its
code (question/classes/statistics/questions/calculator.php); what differs here, and why, is said where it is done.
"""

from __future__ import annotations

import enum
import math
from collections.abc import Iterable
from dataclasses import dataclass, replace

GROUP_SHARE = 0.27  # the top and bottom groups: 27% of the attempts each (Kelley)
SMALL_SAMPLE = 30  # under this many attempts the figures are too unsteady to act on
LOW_EFFICIENCY = 15  # Moodle marks a question whose discriminative efficiency is under 15% as one to review


@dataclass(frozen=True)
class Response:
    """One question as answered in one attempt: its score (0 to 1), the option chosen (None: typed, or no option),
    the options it was offered in this attempt and which of them was right (() and None when it had none)."""

    score: float
    chosen: str | None = None
    options: tuple[str, ...] = ()
    answer: str | None = None


@dataclass(frozen=True)
class Attempt:
    """One finished quiz: who took it (a learner, or the quiz itself for a visitor), how many questions it had, their
    total score, and the bank questions in it by key (chronology and generated matching questions count in `total`
    and `questions` but have no key)."""

    id: int
    taker: str
    questions: int
    total: float
    responses: dict[str, Response]

    @property
    def fraction(self) -> float:
        """The quiz score as a share of its maximum (each question scores at most 1)."""
        return self.total / self.questions


class Flag(enum.Enum):
    """Why a question deserves a look, in words (the page never says it with colour alone)."""

    NEGATIVE = "negative discrimination"
    LOW_EFFICIENCY = "discriminative efficiency under 15%"
    UNPICKED = "an option nobody picks"
    DRAWS_TOP = "a distractor draws the top scorers"
    OVERRIDDEN = "“I was right” overrides"
    SMALL_SAMPLE = "fewer than 30 attempts"


@dataclass(frozen=True)
class OptionRate:
    """One option of a question: how often it was offered and chosen, and the share choosing it overall and in the
    top and bottom groups (of the attempts offering it; None where none did)."""

    text: str
    is_answer: bool
    offered: int
    chosen: int
    overall: float | None
    top: float | None
    bottom: float | None
    draws_top: bool = False  # a distractor chosen by more of the top group than the answer is, or than of the bottom

    @property
    def is_unpicked(self) -> bool:
        """Offered, never chosen."""
        return self.offered > 0 and self.chosen == 0


@dataclass(frozen=True)
class ItemStats:
    """One question's statistics. Shares are 0..1; the discrimination index and efficiency are percentages
    (-100..100); None where undefined (no variance, or too few attempts)."""

    key: str
    attempts: int
    facility: float | None
    sd: float | None
    discrimination: float | None
    efficiency: float | None
    options: tuple[OptionRate, ...]
    overrides: int
    flags: tuple[Flag, ...]


def first_attempts(attempts: Iterable[Attempt]) -> dict[str, list[tuple[Attempt, Response]]]:
    """Per question key, each taker's first attempt containing it, with its response there.

    `attempts` come in the order they were started; a later attempt of the same taker is left out for the questions
    it met before (Moodle's default: first attempts only), and counts for the ones it meets for the first time.
    """
    seen: set[tuple[str, str]] = set()
    found: dict[str, list[tuple[Attempt, Response]]] = {}
    for attempt in attempts:
        for key, response in attempt.responses.items():
            if (attempt.taker, key) not in seen:
                seen.add((attempt.taker, key))
                found.setdefault(key, []).append((attempt, response))
    return found


def item_stats(key: str, taken: list[tuple[Attempt, Response]], overrides: int = 0) -> ItemStats:
    """The statistics of one question from its first attempts (see `first_attempts`) and its "I was right" count."""
    scores = [response.score for _, response in taken]
    facility = sum(scores) / len(scores) if scores else None
    sd = math.sqrt(_sum_of_products(scores, scores) / (len(scores) - 1)) if len(scores) > 1 else None
    with_rest = [(response.score, _rest(attempt, response)) for attempt, response in taken if attempt.questions > 1]
    discrimination, efficiency = discrimination_and_efficiency([x for x, _ in with_rest], [r for _, r in with_rest])
    options = option_rates(taken)
    return ItemStats(key, len(taken), facility, sd, discrimination, efficiency, options, overrides,
                     _flags(len(taken), discrimination, efficiency, options, overrides))


def _rest(attempt: Attempt, response: Response) -> float:
    """The score on the rest of the quiz, as a share of the rest's maximum.

    Moodle takes the rest in marks (X - x); its quizzes have one length, these do not (a learner picks 1 to 50
    questions), so marks would rank a 15 of 20 above a 4 of 4. As a share it orders takers across quizzes of any
    length, and for quizzes of one length it gives Moodle's figures exactly (a correlation and the efficiency's
    ratio of covariances do not change when the rest is scaled).
    """
    return (attempt.total - response.score) / (attempt.questions - 1)


def discrimination_and_efficiency(x: list[float], rest: list[float]) -> tuple[float | None, float | None]:
    """Moodle's discrimination index and discriminative efficiency of item scores `x` against rest-of-quiz scores.

    Discrimination index D = 100 r(x, X) = 100 C(x, X) / sqrt(V(x) V(X)), the Pearson correlation of the item's
    score with the score on the rest of the quiz X (the quiz without this item), so the item is not correlated with
    itself. Discriminative efficiency E = 100 C(x, X) / C_max(x, X), where C_max is the covariance the same scores
    would give if they were ordered alike: x and X each sorted ascending and paired rank by rank (Moodle's
    `covariancemax`), the largest covariance any pairing of these scores can reach. E is D measured against the best
    this item could do given its facility and the spread of the rest (a negative item's can fall below -100, as in
    Moodle: C_max bounds C from above only). Both are None for fewer than two attempts or
    with no variance (all right, all wrong, or rests all alike), where Moodle shows nothing either.
    """
    if len(x) < 2:
        return None, None
    covariance = _sum_of_products(x, rest)
    variance = _sum_of_products(x, x) * _sum_of_products(rest, rest)
    most = _sum_of_products(sorted(x), sorted(rest))
    discrimination = 100 * covariance / math.sqrt(variance) if variance > 1e-12 else None
    efficiency = 100 * covariance / most if most > 1e-12 else None
    return discrimination, efficiency


def _sum_of_products(a: list[float], b: list[float]) -> float:
    """Sum of (a_i - mean a)(b_i - mean b): n - 1 times the sample covariance (Moodle divides by s - 1; the ratios
    above cancel it)."""
    mean_a, mean_b = sum(a) / len(a), sum(b) / len(b)
    return sum((p - mean_a) * (q - mean_b) for p, q in zip(a, b))


def groups(taken: list[tuple[Attempt, Response]]) -> tuple[list[int], list[int]]:
    """The indexes into `taken` of the top and bottom 27% by quiz score: round(0.27 n) attempts each, at least one
    (from two attempts on the groups never share one). Ties at a cut go by the attempts' order: the earlier lower."""
    size = max(1, math.floor(GROUP_SHARE * len(taken) + 0.5))
    order = sorted(range(len(taken)), key=lambda n: (taken[n][0].fraction, n))
    return order[len(order) - size:], order[:size]


def option_rates(taken: list[tuple[Attempt, Response]]) -> tuple[OptionRate, ...]:
    """Per option offered (the answer first, then the most chosen), the share choosing it overall, in the top and in
    the bottom group, each out of the attempts that offered it (distractors are drawn per quiz)."""
    top, bottom = groups(taken) if taken else ([], [])
    rates = []
    texts = {text: None for _, response in taken for text in response.options}  # first-seen order
    answers = {response.answer for _, response in taken if response.answer is not None}
    for text in texts:
        offering = [n for n, (_, response) in enumerate(taken) if text in response.options]
        chose = {n for n in offering if taken[n][1].chosen == text}
        rates.append(OptionRate(text, text in answers, len(offering), len(chose), _share(offering, chose),
                                _share([n for n in top if n in offering], chose),
                                _share([n for n in bottom if n in offering], chose)))
    answer_top = next((rate.top for rate in rates if rate.is_answer), None)
    rates = [replace(rate, draws_top=_draws_top(rate, answer_top)) for rate in rates]
    return tuple(sorted(rates, key=lambda rate: (not rate.is_answer, -rate.chosen)))


def _share(among: list[int], chose: set[int]) -> float | None:
    return sum(n in chose for n in among) / len(among) if among else None


def _flags(attempts: int, discrimination: float | None, efficiency: float | None, options: tuple[OptionRate, ...],
           overrides: int) -> tuple[Flag, ...]:
    flags = []
    if discrimination is not None and discrimination < 0:
        flags.append(Flag.NEGATIVE)
    if efficiency is not None and efficiency < LOW_EFFICIENCY:
        flags.append(Flag.LOW_EFFICIENCY)
    if any(option.is_unpicked for option in options):
        flags.append(Flag.UNPICKED)
    if any(option.draws_top for option in options):
        flags.append(Flag.DRAWS_TOP)
    if overrides:
        flags.append(Flag.OVERRIDDEN)
    if attempts < SMALL_SAMPLE:
        flags.append(Flag.SMALL_SAMPLE)
    return tuple(flags)


def _draws_top(option: OptionRate, answer_top: float | None) -> bool:
    """A distractor chosen by more of the top group than the answer is, or than of the bottom group."""
    if option.is_answer or not option.top:
        return False
    return (answer_top is not None and option.top > answer_top) or (option.bottom is not None and option.top > option.bottom)


def all_item_stats(attempts: Iterable[Attempt], overrides: dict[str, int]) -> dict[str, ItemStats]:
    """Every question's statistics: those met in a finished quiz, and those only overridden in Learn."""
    taken = first_attempts(attempts)
    keys = [*taken, *(key for key in overrides if key not in taken)]
    return {key: item_stats(key, taken.get(key, []), overrides.get(key, 0)) for key in keys}
