"""A page view never writes: every GET of the URL map, for a signed-in learner, leaves the database unchanged."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import event, func, select

from studyapp import db
from studyapp.models import Card, Deck, Learner, Question, Quiz
from tests.conftest import AuthActions
from tests.quizzes.test_views import answer, quiz_of, start

WRITES = ("INSERT", "UPDATE", "DELETE", "MERGE", "CREATE", "DROP", "ALTER")


def _url_values(app: Flask, token: str) -> dict[str, str]:
    """A value for each argument of the URL map's GET routes that names something of this learner's."""
    with app.app_context():
        session = db.get_session()
        return {"key": session.scalar(select(Deck.key).order_by(Deck.position).limit(1)),
                "question_key": session.scalar(select(Question.key).order_by(Question.id).limit(1)),
                "token": token, "fmt": "csv", "filename": "app.css",
                "card_id": str(session.scalar(select(Card.id).order_by(Card.id).limit(1)))}


def test_every_get_leaves_the_database_unchanged(app: Flask, client: FlaskClient, auth: AuthActions,
                                                 runner: FlaskCliRunner) -> None:
    auth.register("walker")
    assert runner.invoke(args=["users", "make-instructor", "walker"]).exit_code == 0
    location = start(client)
    token = location.rsplit("/", 1)[1]
    first = quiz_of(app, token).items[0]
    answer(client, location, first.position, first.payload, correct=True)
    values = _url_values(app, token)
    learning = client.post("/learn/", data={"deck": "", "category": "", "answer_types": "choice typed"})
    values["learn_token"] = learning.headers["Location"].rsplit("/", 1)[1]
    with app.app_context():
        learner = db.get_session().scalar(select(Learner).where(Learner.username == "walker"))
        assert learner is not None and db.get_session().scalar(select(Quiz.id).where(Quiz.token == token))
    writes: list[str] = []

    def note_write(conn, cursor, statement: str, parameters, context, executemany) -> None:  # noqa: ANN001
        if statement.lstrip().split(None, 1)[0].upper() in WRITES:
            writes.append(statement.split("\n")[0])

    engine = db.engine_of(app)
    event.listen(engine, "before_cursor_execute", note_write)
    try:
        visited = []
        for rule in app.url_map.iter_rules():
            if "GET" not in rule.methods:
                continue
            arguments = {name: values["question_key"] if rule.endpoint == "instructor.question" and name == "key"
                         else values["learn_token"] if rule.endpoint.startswith("learn.") and name == "token"
                         else values[name] for name in rule.arguments}
            for fmt in ("csv", "apkg") if "fmt" in arguments else (None,):  # both kinds of download
                url = rule.build({**arguments, **({"fmt": fmt} if fmt else {})}, append_unknown=False)[1]
                response = client.get(url)
                response.close()  # a static file or a download streams until closed
                assert response.status_code < 400, f"{url}: {response.status_code}"
                assert writes == [], f"GET {url} wrote: {writes}"
                visited.append(rule.endpoint if fmt != "apkg" else f"{rule.endpoint}.apkg")
    finally:
        event.remove(engine, "before_cursor_execute", note_write)
    assert {"review.show", "decks.index", "progress.index", "cards.card_list", "quizzes.take",
            "instructor.overview", "data.export_data", "anki.my_cards.apkg"} <= set(visited)


def test_a_new_learners_cards_exist_before_the_first_page(app: Flask, auth: AuthActions) -> None:
    auth.register("early")
    with app.app_context():
        session = db.get_session()
        learner = session.scalar(select(Learner).where(Learner.username == "early"))
        questions = session.scalar(select(func.count()).select_from(Question).where(Question.is_retired.is_(False)))
        assert session.scalar(select(func.count()).select_from(Card).where(Card.learner_id == learner.id)) == questions
