"""Every page's SQL-statement budget, counted per request on both databases, so none creeps back up.

A budget counts every statement of one request, the sign-in check included (one statement: the learner
row, with the bank's newest sync id). Pages read decks and questions from the bank held in memory; the
first request after a sync reads it once (two statements), which the warm-up request below pays.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from studyapp import db
from studyapp.models import Card, Learner, Question, Quiz
from tests.conftest import AuthActions

# page -> the most statements one request may issue (signed in as a learner with a rating, a quiz and a verdict)
BUDGETS = {
    "/": 2,  # the learner; every number of the review queue
    "/decks": 2,
    "/decks/founding": 1,
    "/review": 3,  # the learner; the queue's numbers, the next card's id and Undo's question; the card
    "/review?deck=founding": 3,
    "/progress": 6,
    "/cards": 2,
    "/cards?leeches=1": 2,
    "/cards?suspended=1": 2,
    "/settings": 2,  # the learner; their latest parameter fit
    "/settings/fit-status": 2,  # the same, for the part app.js fetches while a fit runs
    "/quiz/new": 1,
    "/quiz/mine": 2,
    "/auth/account": 1,
    "QUIZ": 2,  # a quiz question: the learner; the quiz with its questions
    "QUIZ?answered=0": 2,  # a verdict above the next question
    "QUIZ/results": 2,
    "/timeline": 1,  # the learner (the events are made from the bank in memory)
    "/text/": 2,  # the learner; how well they know each question (the text and the bank are in memory)
    "/learn/": 2,  # the learner; their sessions still going
    "LEARN": 2,  # a Learn question: the learner; the session with its answers
    "LEARN?answered=0": 2,  # a verdict above the next question
}
# rate: the POST (learner, card, the four counts kept with it (see studyapp.tallies), log, card update), then the
# page it redirects to; learn: session, answers, card, new today, card, the four counts, log, answer; the page.
# PostgreSQL holds the learner's row first (with the bank's version) and writes the four counts in one statement.
POSTS = {"sqlite": {"rate": 11, "answer": 8, "learn": 14}, "postgresql": {"rate": 9, "answer": 8, "learn": 12}}
# a study day's first rating also notes the day, counts the reviews (is a fit due?), holds the learner's row and
# works their card counts out again (two deletes, two inserts)
FIRST_OF_THE_DAY = 7


@contextmanager
def counting(app: Flask) -> Iterator[list[str]]:
    """The statements the app's engine runs inside the block."""
    seen: list[str] = []

    def count(conn: object, cursor: object, statement: str, *args: object) -> None:
        seen.append(statement)

    engine = db.engine_of(app)
    sa.event.listen(engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        sa.event.remove(engine, "before_cursor_execute", count)


@pytest.fixture
def studied(app: Flask, client: FlaskClient, auth: AuthActions) -> str:
    """A signed-in learner who rated a card and answered a quiz question; the quiz's address."""
    auth.register("ada")
    page = client.get("/review").text
    card_id = re.search(r'action="/review/(\d+)/rate', page).group(1)  # type: ignore[union-attr]
    client.post(f"/review/{card_id}/rate", data={"rating": "3", "version": "0"})
    location = client.post("/quiz/new", data={"length": "3", "seed": "4", "deck": "", "category": ""}).headers["Location"]
    client.post(f"{location}/answer", data={"position": "0", "response": "anything"})
    # practice: this session's answers move no card, so which cards the measurements below meet is fixed
    learning = client.post("/learn/", data={"deck": "", "category": "", "answer_types": "typed",
                                            "practice": "y"}).headers["Location"]
    page = client.get(learning).text
    client.post(f"{learning}/answer", data={"step": "0", "key": _asked_key(page), "response": "anything"})
    client.get("/")  # the first request after the sync holds the bank in memory
    return f"{location} {learning}"


def _asked_key(page: str) -> str:
    return re.search(r'name="key" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]


@pytest.mark.parametrize(("page", "budget"), BUDGETS.items())
def test_each_page_keeps_its_statement_budget(app: Flask, client: FlaskClient, studied: str, page: str, budget: int) -> None:
    quiz, learning = studied.split()
    url = page.replace("QUIZ", quiz).replace("LEARN", learning)
    with counting(app) as statements:
        response = client.get(url)
    assert response.status_code == 200, url
    assert len(statements) <= budget, "\n".join([f"{url}: {len(statements)} statements", *statements])


# instructor page -> budget (the learner made an instructor; their quiz finished, so the statistics have an attempt)
INSTRUCTOR_BUDGETS = {
    # the instructor; counts by deck; the last sync; the questions; answer rates; whether quizzes finished since
    # (the statistics themselves are read again only then)
    "/instructor/": 6,
    "/instructor/questions/tuman-river": 7,  # the instructor; the question; the bank; its answers (2); its quizzes; overrides
    "/instructor/statistics.csv": 3,  # the instructor; the finished quizzes with their questions; "I was right" counts
}


@pytest.mark.parametrize(("page", "budget"), INSTRUCTOR_BUDGETS.items())
def test_each_instructor_page_keeps_its_statement_budget(app: Flask, client: FlaskClient, studied: str, page: str,
                                                        budget: int) -> None:
    quiz = studied.split()[0]
    for position in (1, 2):
        client.post(f"{quiz}/answer", data={"position": str(position), "response": "anything"})
    assert app.test_cli_runner().invoke(args=["users", "make-instructor", "ada"]).exit_code == 0
    client.get(page)  # the bank, and the statistics of these quizzes, held in memory
    with counting(app) as statements:
        response = client.get(page)
    assert response.status_code == 200, page
    assert len(statements) <= budget, "\n".join([f"{page}: {len(statements)} statements", *statements])


def test_rating_and_answering_keep_their_budgets(app: Flask, client: FlaskClient, studied: str) -> None:
    studied, learning = studied.split()
    with app.app_context():  # the rating measured is the study day's first
        session = db.get_session()
        session.execute(sa.update(Learner).values(fit_checked_on=None))
        session.commit()
    page = client.get("/review").text
    card_id, version = re.search(r'action="/review/(\d+)/rate.*?name="version"[^>]*value="(\d+)"', page, re.S).groups()  # type: ignore[union-attr]
    with counting(app) as rating:
        client.post(f"/review/{card_id}/rate", data={"rating": "3", "version": version}, follow_redirects=True)
    with counting(app) as answering:
        client.post(f"{studied}/answer", data={"position": "1", "response": "anything"}, follow_redirects=True)
    with app.app_context():  # a question whose card is new and that no quiz question asks
        asked = {key for item in db.get_session().scalar(sa.select(Quiz).where(Quiz.token == studied.rsplit("/", 1)[1])).items
                 for key in item.payload["keys"]}
        fresh = db.get_session().scalars(sa.select(Question.key).join(Card).where(Card.reps == 0).order_by(Question.key)).all()
    key = next(key for key in fresh if key not in asked)
    learning = client.post("/learn/chosen", data={"key": [key]}).headers["Location"]
    with counting(app) as learned:  # a first-try miss of a new card: rated Again, within the new-card limit
        client.post(f"{learning}/answer", data={"step": "0", "key": key, "response": "anything"}, follow_redirects=True)
    budgets = POSTS[db.engine_of(app).dialect.name]
    assert len(rating) <= budgets["rate"] + FIRST_OF_THE_DAY, "\n".join(rating)
    assert len(learned) <= budgets["learn"], "\n".join(learned)
    assert len(answering) <= budgets["answer"], "\n".join(answering)
    with app.app_context():
        session = db.get_session()
        learner = session.scalar(sa.select(Learner).where(Learner.username == "ada"))
        assert session.scalar(sa.select(Card.reps).where(Card.id == int(card_id))) == 1  # recorded, once
        # two ratings and a Learn miss (a new card's Again); the practice answer moved nothing
        assert session.scalar(sa.select(sa.func.sum(Card.reps)).where(Card.learner_id == learner.id)) == 3
        assert sum(i.answered_at is not None for i in session.scalar(sa.select(Quiz).where(Quiz.learner_id == learner.id)).items) == 2


def test_a_sync_is_seen_by_the_next_request(app: Flask, client: FlaskClient, studied: str, tmp_path) -> None:
    """The bank held in memory is that of the newest sync: a sync (here the CLI's) shows on the next page."""
    from studyapp.bank import load, sync
    from tests.conftest import DATA, NOW

    assert "Founding" in client.get("/decks").text
    bank = load.load_bank(DATA / "bank")
    renamed = type(bank)(tuple(d.__class__(**{**d.__dict__, "title": f"{d.title} (renamed)"}) for d in bank.decks), bank.items)
    with app.app_context():
        sync.sync_bank(db.new_session(), renamed, NOW)
    assert "Founding (renamed)" in client.get("/decks").text
