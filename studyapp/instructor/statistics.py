"""Service: item statistics for instructors (Moodle's, on first attempts of finished quizzes), as a table and as CSV.

An attempt is one finished quiz (every question answered), by a learner or by a visitor (each visitor quiz a taker
of its own); per question only each taker's first finished quiz containing it counts. Learn answers are no quiz
attempts: they only give each question its count of "I was right" overrides.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from studyapp.bank import catalog
from studyapp.bank.items import Item
from studyapp.instructor import itemstats
from studyapp.models import LearnAnswer, Quiz, QuizItem
from studyapp.quizzes import grading
from studyapp.quizzes.question import QuizQuestion


@dataclass(frozen=True)
class StatisticsRow:
    """One question of the statistics table."""

    item: Item
    stats: itemstats.ItemStats


@dataclass(frozen=True)
class Statistics:
    """The table: live questions met in a finished quiz or overridden in Learn; `quizzes`: finished quizzes read;
    `unmet`: live questions with neither yet; `sort`: the column it is sorted by."""

    rows: list[StatisticsRow]
    quizzes: int
    unmet: int
    sort: str = "question"


def _last(value: float | None) -> tuple[bool, float]:
    return value is None, value or 0.0


# column -> (sort key, direction): the weakest questions first where a column measures quality
SORTS = {
    "question": (lambda row: row.item.key, "ascending"),
    "attempts": (lambda row: (-row.stats.attempts, row.item.key), "descending"),
    "facility": (lambda row: (*_last(row.stats.facility), row.item.key), "ascending"),
    "sd": (lambda row: (row.stats.sd is None, -(row.stats.sd or 0), row.item.key), "descending"),
    "discrimination": (lambda row: (*_last(row.stats.discrimination), row.item.key), "ascending"),
    "efficiency": (lambda row: (*_last(row.stats.efficiency), row.item.key), "ascending"),
    "flags": (lambda row: (-len(row.stats.flags), row.item.key), "descending"),
}


def item_statistics(session: Session, sort: str = "") -> Statistics:
    """Every live question's statistics, sorted by a column of SORTS (unknown or empty: by question id)."""
    attempts, found = _computed(session)
    live = catalog.live_items(session)
    rows = [StatisticsRow(item, found[item.key]) for item in live if item.key in found]
    sort = sort if sort in SORTS else "question"
    return Statistics(sorted(rows, key=SORTS[sort][0]), len(attempts), len(live) - len(rows), sort)


def _computed(session: Session) -> tuple[list[itemstats.Attempt], dict[str, itemstats.ItemStats]]:
    """Every finished quiz and the statistics made from them, read again only when they change: one statement
    tells (how many quizzes are finished, the newest of them, how many Learn answers are overridden), and the
    bank held in memory keeps the last result for this bank version."""
    finished = select(func.count(), func.max(Quiz.id)).where(Quiz.finished_at.is_not(None)).subquery()
    overridden = select(func.count()).select_from(LearnAnswer).where(LearnAnswer.is_overridden.is_(True)).scalar_subquery()
    state = tuple(session.execute(select(finished, overridden)).one())
    derived = catalog.snapshot(session).derived
    held = derived.get("item_statistics")
    if held is None or held[0] != state:  # type: ignore[index]
        attempts = read_attempts(session)
        held = derived["item_statistics"] = (state, attempts, itemstats.all_item_stats(attempts, read_overrides(session)))
    return held[1], held[2]  # type: ignore[index,return-value]


def question_statistics(session: Session, key: str) -> itemstats.ItemStats:
    """One question's statistics (its option rates included), read from the finished quizzes that contain it."""
    taken = itemstats.first_attempts(read_attempts(session, key)).get(key, [])
    return itemstats.item_stats(key, taken, read_overrides(session, key).get(key, 0))


def read_attempts(session: Session, key: str | None = None) -> list[itemstats.Attempt]:
    """The finished quizzes (only those containing question `key`, if given), oldest first, in one statement."""
    query = (select(Quiz.id, Quiz.learner_id, QuizItem.question_key, QuizItem.payload, QuizItem.response,
                    QuizItem.is_correct)
             .join(QuizItem, QuizItem.quiz_id == Quiz.id).where(Quiz.finished_at.is_not(None))
             .order_by(Quiz.created_at, Quiz.id, QuizItem.position))
    if key is not None:
        query = query.where(Quiz.id.in_(select(QuizItem.quiz_id).where(QuizItem.question_key == key)))
    quizzes: dict[int, tuple[int | None, list[tuple[str | None, itemstats.Response]]]] = {}
    for quiz_id, learner_id, question_key, payload, response, is_correct in session.execute(query):
        quizzes.setdefault(quiz_id, (learner_id, []))[1].append((question_key, response_of(payload, response, is_correct)))
    return [_attempt(quiz_id, learner_id, answered) for quiz_id, (learner_id, answered) in quizzes.items()]


def _attempt(quiz_id: int, learner_id: int | None, answered: list[tuple[str | None, itemstats.Response]]) -> itemstats.Attempt:
    taker = f"learner {learner_id}" if learner_id is not None else f"visitor quiz {quiz_id}"
    responses: dict[str, itemstats.Response] = {}
    for key, response in answered:
        if key is not None:
            responses.setdefault(key, response)
    return itemstats.Attempt(quiz_id, taker, len(answered), sum(response.score for _, response in answered), responses)


def response_of(payload: dict, response: str | None, is_correct: bool | None) -> itemstats.Response:
    """A stored answer as the statistics read it. Pure.

    The score is 1 or 0, except for a matching question: the share of its pairs right (Moodle scores a matching
    question in part, pair by pair). A multiple-choice or true/false answer also gives the option chosen.
    """
    form = payload.get("form")
    if form == "matching" and response:
        pairs = grading.matching_pairs(QuizQuestion.from_dict(payload), response)
        return itemstats.Response(sum(pair.is_correct for pair in pairs) / len(pairs) if pairs else 0.0)
    score = 1.0 if is_correct else 0.0
    if form not in ("choice", "truefalse"):
        return itemstats.Response(score)
    options = tuple(payload.get("options") or ())
    text = (response or "").strip()
    chosen = options[int(text)] if text.isdecimal() and int(text) < len(options) else text if text in options else None
    return itemstats.Response(score, chosen, options, payload.get("answer"))


def read_overrides(session: Session, key: str | None = None) -> dict[str, int]:
    """Per question key, the Learn answers learners marked "I was right"."""
    query = (select(LearnAnswer.question_key, func.count()).where(LearnAnswer.is_overridden.is_(True))
             .group_by(LearnAnswer.question_key))
    if key is not None:
        query = query.where(LearnAnswer.question_key == key)
    return {question_key: count for question_key, count in session.execute(query)}


CSV_COLUMNS = ("question", "deck", "kind", "prompt", "attempts", "facility_percent", "sd_percent",
               "discrimination_index", "discriminative_efficiency", "i_was_right", "flags", "options")


def statistics_csv(statistics: Statistics) -> str:
    """The table as CSV: a header row naming the columns, then one row per question. Pure.

    Shares are percentages with one decimal, an undefined figure is empty; `options` lists each option as
    "text: overall / top 27% / bottom 27%" (percent of the attempts offering it), the answer marked "(answer)".
    """
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for row in statistics.rows:
        stats = row.stats
        writer.writerow([row.item.key, row.item.deck, row.item.kind.value, _cell(row.item.prompt), stats.attempts,
                         _number(stats.facility, 100), _number(stats.sd, 100), _number(stats.discrimination),
                         _number(stats.efficiency), stats.overrides, "; ".join(flag.value for flag in stats.flags),
                         _cell(" | ".join(_option(option) for option in stats.options))])
    return out.getvalue()


def _number(value: float | None, scale: float = 1) -> str:
    return "" if value is None else f"{value * scale:.1f}"


def _option(option: itemstats.OptionRate) -> str:
    shares = " / ".join(_number(share, 100) or "-" for share in (option.overall, option.top, option.bottom))
    return f"{option.text}{' (answer)' if option.is_answer else ''}: {shares}"


def _cell(text: str) -> str:
    """Text a spreadsheet will not take for a formula (a prompt starting with = + - or @)."""
    return f"'{text}" if text[:1] in ("=", "+", "-", "@") else text

