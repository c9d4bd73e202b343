"""Wrong options for an item: same-category answers and the instructors' own distractors, or near dates.

Pure and reproducible: everything random comes from the `rng` passed in. Quizzes ask with these options;
lint checks that every multiple-choice item can get enough of them.
"""

from __future__ import annotations

import bisect
import itertools
import random
from collections.abc import Callable, Iterable, Iterator
from datetime import date, timedelta

from studyapp.bank import dates, identity
from studyapp.bank.items import Category, Item, Kind
from studyapp.bank.spelling import is_small_typo, normalize

OPTIONS = 4
WINDOW = 40  # options ranked per question: the nearest in length (and all of the same group)


class Pool:
    """The bank's items, indexed once for picking distractors, so a question costs a look-up, not a scan.

    Per category: every answer and instructor's distractor, sorted by length, and by group. Per kind of
    date (precision, single or range): the answers sorted by their first day.
    """

    def __init__(self, items: Iterable[Item]) -> None:
        self.items = list(items)
        self.aliases = identity.Aliases(self.items)
        self.texts: dict[Category, list[tuple[int, str, str, str]]] = {}  # (length, text, group, key)
        self.groups: dict[tuple[Category, str], list[tuple[int, str, str, str]]] = {}
        self.dates: dict[tuple[dates.Precision, bool], list[tuple[date, str, str]]] = {}  # (first day, answer, shown)
        for other in self.items:
            if other.kind in (Kind.TRUEFALSE, Kind.MATCHING):  # no answer of its category to offer
                continue
            for text in (other.answer_text, *other.distractors):
                entry = (len(text), text, other.group, other.key)
                self.texts.setdefault(other.category, []).append(entry)
                if other.group:
                    self.groups.setdefault((other.category, other.group), []).append(entry)
            if other.category == Category.DATE:
                value = dates.parse_iso(other.answer)
                self.dates.setdefault((value.precision, value.end is None), []).append(
                    (value.first_day, other.answer, value.display()))
        for entries in self.texts.values():
            entries.sort()
        for found in self.dates.values():
            found.sort()

    def near_in_length(self, category: Category, target: int) -> Iterator[tuple[int, str, str, str]]:
        """The category's texts, nearest in length to `target` first."""
        entries = self.texts.get(category, [])
        right = bisect.bisect_left(entries, (target,))
        left = right - 1
        while left >= 0 or right < len(entries):
            if right >= len(entries) or (left >= 0 and target - entries[left][0] <= entries[right][0] - target):
                yield entries[left]
                left -= 1
            else:
                yield entries[right]
                right += 1

    def nearest_dates(self, want: dates.DateValue, answer: str, count: int) -> list[str]:
        """Up to `count` other answers of the same kind of date, the nearest to `want` first."""
        found = self.dates.get((want.precision, want.end is None), [])
        right = bisect.bisect_left(found, (want.first_day,))
        left, picked = right - 1, []
        while len(picked) < count and (left >= 0 or right < len(found)):
            if right >= len(found) or (left >= 0 and (want.first_day - found[left][0]) <= (found[right][0] - want.first_day)):
                day, other, shown = found[left]
                left -= 1
            else:
                day, other, shown = found[right]
                right += 1
            if other != answer and shown not in picked:
                picked.append(shown)
        return picked


def option_text(text: str) -> str:
    """Options share one style, so none stands out by a leading 'the' or a small letter."""
    if text.lower().startswith("the ") and len(text) > 4:
        text = text[4:]
    return text[:1].upper() + text[1:]


def pick_distractors(item: Item, pool: list[Item] | Pool, rng: random.Random, count: int = OPTIONS - 1) -> list[str]:
    """Plausible wrong options from the same category; never the answer in disguise, never twice.

    `pool` is the bank's items; pass a Pool when asking many questions of one bank.
    """
    pool = pool if isinstance(pool, Pool) else Pool(pool)
    chosen: list[str] = []
    taken: set[str] = set()
    named = _is_name(item.answer_text)
    refuse = _refuser(item, pool)

    def take(text: str, own: bool) -> bool:
        """Add `text` if it is a fair wrong option; True once there are enough."""
        key = normalize(text)
        if key and key not in taken and (own or not named or _is_name(text)) and refuse(text) is None \
                and not any(pool.aliases.same(text, other) for other in chosen):  # two names of one thing
            chosen.append(text)
            taken.add(key)
        return len(chosen) >= count

    own = list(item.distractors)
    rng.shuffle(own)
    if any(take(_date_display(text) if item.category == Category.DATE else text, True) for text in own):
        return chosen
    if item.category == Category.DATE and item.kind != Kind.TRUEFALSE:
        any(take(text, False) for text in _date_distractors(item, pool, rng))
    else:
        any(take(text, False) for text in _same_category(item, pool, rng))
    return chosen


def refusal(item: Item, text: str, pool: Pool) -> str | None:
    """Why `text` is no fair wrong option for `item` (the text would defend it), or None when it is one.

    Refused: the answer by any of the bank's names for it, or with one typo; whatever the prompt names,
    by any name; a date sharing a day with the answer.
    """
    return _refuser(item, pool)(text)


def _refuser(item: Item, pool: Pool) -> Callable[[str], str | None]:
    """`refusal` for one item, with what it compares against worked out once."""
    right = {normalize(item.answer_text), normalize(item.answer), *(normalize(a) for a in item.alternatives)}
    answer_names = {name for answer in right for name in pool.aliases.names_of(answer)}
    prompt = f" {normalize(item.prompt)} "
    date = dates.parse_iso(item.answer) if item.category == Category.DATE and item.kind != Kind.TRUEFALSE else None

    def refuse(text: str) -> str | None:
        key = normalize(text)
        if not key or key in right or any(is_small_typo(key, r) for r in right):
            return "it is the answer"
        if date is not None:
            value = dates.parse_text(text)
            if value is not None and value.overlaps(date):
                return "it shares a day with the answer"
        elif key in answer_names:
            return "it is another name of the answer"
        named = pool.aliases.named_in(text, prompt)
        return None if named is None else f"the prompt names it ('{named}')"

    return refuse


def _is_name(text: str) -> bool:
    """Whether a text is a name ('the Comintern', 'Kalun') rather than a description ('a lot of organizations')."""
    words = text.split()
    first = words[1] if len(words) > 1 and words[0].lower() in ("the", "a", "an") else text
    return first[:1].isupper() or first[:1].isdigit()


def _date_display(text: str) -> str:
    """A date distractor in the spelling answers are shown in, so its format gives nothing away."""
    value = dates.parse_text(text)
    return value.display() if value is not None else text


def _same_category(item: Item, pool: Pool, rng: random.Random) -> Iterator[str]:
    """Answers of the same category: the same group first, then lengths like the answer's (with some chance).

    Ranks the group and the WINDOW texts nearest in length; the rest follow, nearest first, should those run out.
    """
    target = len(item.answer_text)
    near = pool.near_in_length(item.category, target)
    ranked: dict[str, tuple[int, float]] = {}
    group = pool.groups.get((item.category, item.group), []) if item.group else []
    for length, text, other_group, key in [*group, *itertools.islice(near, WINDOW)]:
        if key == item.key:
            continue
        rank = (0 if item.group and other_group == item.group else 1, abs(length - target) / max(target, 1) + rng.random())
        if text not in ranked or rank < ranked[text]:
            ranked[text] = rank
    yield from sorted(ranked, key=lambda t: ranked[t])
    yield from (text for _, text, _, key in near if key != item.key)


def _date_distractors(item: Item, pool: Pool, rng: random.Random) -> list[str]:
    """Other dates of the text at the same precision, nearest first, then near dates made up."""
    want = dates.parse_iso(item.answer)
    nearby = pool.nearest_dates(want, item.answer, 2)
    made = [value.display() for value in _near_dates(want, rng)]
    return nearby + made


def _near_dates(want: dates.DateValue, rng: random.Random) -> list[dates.DateValue]:
    """Dates of the same precision close to `want`, shuffled."""
    results: list[dates.DateValue] = []
    for step in rng.sample([-3, -2, -1, 1, 2, 3, 4, -4], 8):
        results.append(_shift(want, step))
    return results


def _shift(value: dates.DateValue, step: int) -> dates.DateValue:
    if value.end is not None:
        start, end = _shift(_single(value), step), _shift(value.end, step)
        return dates.DateValue(start.year, start.month, start.day, start.precision, end)
    if value.precision == dates.Precision.DECADE:
        return dates.DateValue(value.year + 10 * step, precision=value.precision)
    if value.precision == dates.Precision.YEAR:
        return dates.make(value.year + step)
    if value.precision == dates.Precision.MONTH:
        index = value.year * 12 + (value.month or 1) - 1 + step
        return dates.make(index // 12, index % 12 + 1)
    moved = value.first_day + timedelta(days=step * 9 if abs(step) > 2 else step)
    return dates.make(moved.year, moved.month, moved.day)


def _single(value: dates.DateValue) -> dates.DateValue:
    return dates.DateValue(value.year, value.month, value.day, value.precision)
