"""Item statistics read from a real database: first attempts of finished quizzes, the page section, the preview, CSV."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import select
from sqlalchemy.orm import Session

from studyapp import db
from studyapp.instructor import statistics
from studyapp.models import LearnAnswer, LearnSession, Quiz, QuizItem
from studyapp.quizzes.question import QuizQuestion
from tests.builders import add_learner
from tests.conftest import NOW, AuthActions
from tests.instructor.test_instructor import make_instructor
from tests.instructor.test_itemstats import HAND, TABLE

RIVERS = ("the Tuman River", "the Amnok River", "the Songhua River", "the Taedong River")
CHOICE = QuizQuestion("choice", "Along which river?", ("tuman-river",), "place", "the Tuman River", options=RIVERS).to_dict()
TRUEFALSE = QuizQuestion("truefalse", "The SRC was formed in 1945.", ("src-no",), "date", "False",
                         options=("True", "False")).to_dict()
TYPED = QuizQuestion("typed", "In which village?", ("kalun-village",), "place", "Jiajiatun", typed_answer="Jiajiatun").to_dict()
KEYS = {"q1": "tuman-river", "q2": "src-no", "q3": "kalun-village"}
PLACE_TO_RIVER = {"Kalun": 0, "Onsong": 1, "Yanji": 2}  # the hand table's options, as this bank's rivers


def add_quiz(session: Session, learner_id: int | None, minutes: int, items: list[tuple[dict, str, bool]],
             finished: bool = True) -> Quiz:
    """A stored quiz with its questions answered (payload, response, right?); finished unless told."""
    quiz = Quiz(token=f"t{minutes}-{learner_id}", learner_id=learner_id, seed=0, length=len(items),
                created_at=NOW + timedelta(minutes=minutes), finished_at=NOW + timedelta(minutes=minutes + 1) if finished else None)
    quiz.items = [QuizItem(position=n, payload=payload, question_key=QuizQuestion.from_dict(payload).bank_key,
                           response=response, is_correct=right, answered_at=NOW) for n, (payload, response, right) in enumerate(items)]
    session.add(quiz)
    session.commit()
    return quiz


def hand_quizzes(session: Session) -> None:
    """The six attempts of tests/instructor/test_itemstats.py (four learners, two visitors), a later attempt and an
    unfinished one that must not count, and two "I was right" in Learn on kalun-village."""
    learners = [add_learner(session, f"learner{n}").id for n in range(4)]
    for number, (q1, q2, q3, place) in enumerate(TABLE):
        who = learners[number] if number < 4 else None
        add_quiz(session, who, number, [(CHOICE, str(PLACE_TO_RIVER[place]), bool(q1)),
                                        (TRUEFALSE, "1" if q2 else "0", bool(q2)),
                                        (TYPED, "Jiajiatun" if q3 else "Harbin", bool(q3))])
    add_quiz(session, learners[0], 60, [(CHOICE, "3", False), (TYPED, "nope", False)])  # a second attempt: left out
    add_quiz(session, learners[1], 70, [(CHOICE, "3", False)], finished=False)  # not finished: left out
    learn = LearnSession(token="learn", learner_id=learners[2], seed=0, answer_types="typed", question_keys=["kalun-village"],
                         created_at=NOW)
    learn.answers = [LearnAnswer(step=n, round=0, question_key="kalun-village", payload=TYPED, response="Jiajatun",
                                 is_correct=False, is_overridden=True, feedback="", answered_at=NOW) for n in range(2)]
    session.add(learn)
    session.commit()


def test_the_service_reads_first_attempts_of_finished_quizzes(session: Session) -> None:
    hand_quizzes(session)
    found = {row.item.key: row.stats for row in statistics.item_statistics(session).rows}
    assert set(found) == set(KEYS.values())
    for name, key in KEYS.items():
        stats = found[key]
        assert stats.attempts == 6
        assert (stats.facility, stats.sd, stats.discrimination, stats.efficiency) == pytest.approx(HAND[name])
    rates = {o.text: (o.chosen, o.top, o.bottom) for o in found["tuman-river"].options}
    assert rates == {"the Tuman River": (3, 1.0, 0.0), "the Amnok River": (2, 0.0, 0.5), "the Songhua River": (1, 0.0, 0.5),
                     "the Taedong River": (0, 0.0, 0.0)}
    assert found["kalun-village"].overrides == 2 and "“I was right” overrides" in [f.value for f in found["kalun-village"].flags]
    one = statistics.question_statistics(session, "src-no")  # one question: read from the quizzes that contain it
    assert (one.attempts, one.discrimination) == (6, pytest.approx(HAND["q2"][2]))
    assert [(o.text, o.chosen) for o in one.options] == [("False", 5), ("True", 1)]
    assert statistics.question_statistics(session, "bolshevik").attempts == 0


def test_a_matching_question_scores_the_share_of_its_pairs_right() -> None:
    matching = QuizQuestion("matching", "Match", ("m",), "place", "", options=("a", "b", "c", "d"),
                            answer_order=(0, 1, 2, 3), lefts=("A", "B", "C", "D")).to_dict()
    assert statistics.response_of(matching, "0,1,3,2", False).score == 0.5
    assert statistics.response_of(CHOICE, "2", False) == statistics.itemstats.Response(0.0, "the Songhua River", RIVERS,
                                                                                        "the Tuman River")
    assert statistics.response_of(TRUEFALSE, "False", True).chosen == "False"  # a response stored as the text
    assert statistics.response_of(TYPED, "Jiajiatun", True) == statistics.itemstats.Response(1.0)


def test_a_chronology_question_counts_in_the_quiz_score(session: Session) -> None:
    """Two attempts: tuman-river right beside a chronology right (rest 1), wrong beside one wrong (rest 0):
    the rest follows the item, so the correlation is 100."""
    order = QuizQuestion("order", "Order", ("src-formed", "party-founded"), "date", "", options=("x", "y"),
                         answer_order=(0, 1)).to_dict()
    add_quiz(session, None, 0, [(CHOICE, "0", True), (order, "0,1", True)])
    add_quiz(session, None, 5, [(CHOICE, "1", False), (order, "1,0", False)])
    stats = statistics.question_statistics(session, "tuman-river")
    assert (stats.attempts, stats.facility, stats.discrimination, stats.efficiency) == (2, 0.5, pytest.approx(100), pytest.approx(100))


def test_the_bank_page_shows_the_statistics_sorted_by_links(app: Flask, client: FlaskClient, runner: FlaskCliRunner,
                                                            auth: AuthActions) -> None:
    make_instructor(runner, auth)
    assert "No finished quiz yet" in client.get("/instructor/").text
    with app.app_context():
        hand_quizzes(db.get_session())
    page = client.get("/instructor/").text
    section = page[page.index('<section id="item-statistics"'):page.index('<section aria-labelledby="questions-heading"')]
    assert "from 7 finished quizzes" in section and 'href="/instructor/statistics.csv"' in section
    assert "What an attempt is, and what the figures mean" in section  # the definitions, folded away
    keys = lambda text: re.findall(r'href="/instructor/questions/([^"#]+)#item-statistics"', text)  # noqa: E731
    assert keys(section) == ["kalun-village", "src-no", "tuman-river"]  # by question id
    assert "<td data-label=\"Discrimination\">-41.5</td>" in section and "<td data-label=\"Efficiency\">-71.4</td>" in section
    assert "<td data-label=\"Facility\">83.3%</td>" in section and "<li>Negative discrimination</li>" in section
    assert "<li>Fewer than 30 attempts</li>" in section and "<li>An option nobody picks</li>" in section
    sorted_page = client.get("/instructor/?stats=discrimination").text
    assert keys(sorted_page) == ["src-no", "tuman-river", "kalun-village"]  # the weakest first: -41.5, 33.3, 50
    assert 'aria-sort="ascending">\n        <a href="/instructor/?stats=discrimination#item-statistics">' in sorted_page
    assert keys(client.get("/instructor/?stats=flags").text)[0] == "src-no"  # three flags, the others two
    assert keys(client.get("/instructor/?stats=nonsense").text) == ["kalun-village", "src-no", "tuman-river"]


def test_the_preview_shows_each_options_rates_and_the_flags(app: Flask, client: FlaskClient, runner: FlaskCliRunner,
                                                            auth: AuthActions) -> None:
    make_instructor(runner, auth)
    assert "No finished quiz contains it yet" in client.get("/instructor/questions/tuman-river").text
    with app.app_context():
        hand_quizzes(db.get_session())
    page = client.get("/instructor/questions/tuman-river").text
    section = page[page.index('<section id="item-statistics"'):]
    assert "<dt>Discrimination index</dt><dd>33.3</dd>" in section and "<dt>Facility index</dt><dd>50.0%</dd>" in section
    rows = re.findall(r"<tr><td>([^<]+?)(?: <span class=\"badge\">answer</span>)?</td>\s*<td data-label=\"Offered\">(\d+)</td>"
                      r"<td data-label=\"Chosen\">(\d+)</td>\s*<td data-label=\"Overall\">([^<]+)</td>"
                      r"<td data-label=\"Top 27%\">([^<]+)</td>\s*<td data-label=\"Bottom 27%\">([^<]+)</td>\s*"
                      r"<td data-label=\"Note\">([^<]+)</td>", section)
    assert rows == [("the Tuman River", "6", "3", "50.0%", "100.0%", "0.0%", "—"),
                    ("the Amnok River", "6", "2", "33.3%", "0.0%", "50.0%", "—"),
                    ("the Songhua River", "6", "1", "16.7%", "0.0%", "50.0%", "—"),
                    ("the Taedong River", "6", "0", "0.0%", "0.0%", "0.0%", "Nobody picks it")]
    typed = client.get("/instructor/questions/kalun-village").text
    assert "<dt>“I was right”</dt><dd>2</dd>" in typed and "<li>“i was right” overrides</li>".lower() in typed.lower()


def test_the_statistics_download_as_csv(app: Flask, client: FlaskClient, runner: FlaskCliRunner, auth: AuthActions) -> None:
    make_instructor(runner, auth)
    with app.app_context():
        hand_quizzes(db.get_session())
    response = client.get("/instructor/statistics.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == 'attachment; filename="item-statistics.csv"'
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert list(rows[0]) == list(statistics.CSV_COLUMNS)
    by_key = {row["question"]: row for row in rows}
    assert [row["question"] for row in rows] == ["kalun-village", "src-no", "tuman-river"]
    assert {k: by_key["src-no"][k] for k in ("attempts", "facility_percent", "sd_percent", "discrimination_index",
                                             "discriminative_efficiency", "i_was_right")} == {
        "attempts": "6", "facility_percent": "83.3", "sd_percent": "40.8", "discrimination_index": "-41.5",
        "discriminative_efficiency": "-71.4", "i_was_right": "0"}
    assert by_key["src-no"]["flags"] == "negative discrimination; discriminative efficiency under 15%; fewer than 30 attempts"
    assert by_key["tuman-river"]["options"].startswith("the Tuman River (answer): 50.0 / 100.0 / 0.0 | the Amnok River: 33.3")
    assert by_key["kalun-village"]["i_was_right"] == "2" and by_key["kalun-village"]["options"] == ""
    auth.logout()
    auth.register("learner")
    assert client.get("/instructor/statistics.csv").status_code == 403


def test_the_statistics_are_read_again_when_a_quiz_finishes_or_a_learner_overrides(session: Session) -> None:
    hand_quizzes(session)
    before = {row.item.key: row.stats for row in statistics.item_statistics(session).rows}
    assert before["tuman-river"].attempts == 6
    add_quiz(session, None, 80, [(CHOICE, "0", True)])  # a visitor's quiz, finished: a seventh attempt
    assert {row.item.key: row.stats for row in statistics.item_statistics(session).rows}["tuman-river"].attempts == 7
    learn = session.scalar(select(LearnSession))
    learn.answers.append(LearnAnswer(step=2, round=1, question_key="kalun-village", payload=TYPED, response="Jiajiatun!",
                                     is_correct=False, is_overridden=True, feedback="", answered_at=NOW))
    session.commit()
    assert {row.item.key: row.stats for row in statistics.item_statistics(session).rows}["kalun-village"].overrides == 3
