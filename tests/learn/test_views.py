"""Learn through the test client on a real database: rounds, mastery, first-try ratings, practice, sign-in."""

from __future__ import annotations

import re
from datetime import timedelta

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from studyapp import db
from studyapp.current import utcnow
from studyapp.flashcards import reviews
from studyapp.learn import service as learn
from studyapp.models import Card, LearnAnswer, Learner, LearnSession, Question, Quiz, ReviewLog
from studyapp.quizzes.question import QuizQuestion
from tests.conftest import AuthActions


def start(client: FlaskClient, **data: object) -> str:
    form = {"deck": "people", "category": "", "answer_types": "choice typed", **data}
    response = client.post("/learn/", data=form)
    assert response.status_code == 302, response.text
    return response.headers["Location"]


def asked(app: Flask, location: str) -> tuple[int, str, QuizQuestion]:
    """The step, question key and question the session asks now (as the page shows it)."""
    with app.app_context():
        session = db.get_session()
        row = session.scalar(select(LearnSession).where(LearnSession.token == location.rsplit("/", 1)[-1]))
        now = learn.current(session, row)
        assert now.question is not None
        return now.step, now.key, now.question


def response_for(question: QuizQuestion, right: bool) -> str:
    if question.form in ("choice", "truefalse"):
        index = question.options.index(question.answer)
        return str(index if right else (index + 1) % len(question.options))
    return question.typed_answer if right else "nothing like it"


def answer(client: FlaskClient, app: Flask, location: str, right: bool = True) -> tuple[str, QuizQuestion, str]:
    step, key, question = asked(app, location)
    response = client.post(f"{location}/answer", data={"step": step, "key": key, "response": response_for(question, right)})
    assert response.status_code == 302, response.text
    return key, question, client.get(response.headers["Location"]).text


def session_row(app: Flask, location: str) -> LearnSession:
    with app.app_context():
        return db.get_session().scalar(select(LearnSession).where(LearnSession.token == location.rsplit("/", 1)[-1])
                                       .options(selectinload(LearnSession.answers)))


def learn_to_the_end(client: FlaskClient, app: Flask, location: str, right: object = True) -> int:
    answers = 0
    while True:
        page = client.get(location).text
        if "All " in page and "mastered</h2>" in page:
            return answers
        if 'id="next-round"' in page:
            client.get(f"{location}?go=1")
            page = client.get(f"{location}?go=1").text
        step, key, question = asked(app, location)
        correct = right(key, question) if callable(right) else bool(right)
        client.post(f"{location}/answer", data={"step": step, "key": key, "response": response_for(question, correct)})
        answers += 1
        assert answers < 200


def cards_of(app: Flask, username: str) -> dict[str, Card]:
    with app.app_context():
        session = db.get_session()
        rows = session.execute(select(Question.key, Card).join(Card, Card.question_id == Question.id)
                               .join(Learner, Learner.id == Card.learner_id).where(Learner.username == username))
        return {key: card for key, card in rows}


def test_a_visitor_learns_a_deck_to_mastery(app: Flask, client: FlaskClient) -> None:
    page = client.get("/learn/").text
    assert "Rounds of 7 questions" in page and "Multiple choice, then typed recall" in page
    location = start(client)
    page = client.get(location).text
    assert "Round 1, question 1 of 5" in page and "0 of 7 mastered" in page  # 7 questions, 5 facts
    key, question, page = answer(client, app, location)
    assert "class=\"verdict right\"" in page and "source" in page
    answers = learn_to_the_end(client, app, location) + 1
    assert answers == 14  # each of the deck's 7 questions right twice
    row = session_row(app, location)
    assert row.finished_at is not None
    page = client.get(location).text
    assert "All 7 mastered" in page and "7 of 7 mastered" in page


def test_recall_is_typed_and_a_round_summary_comes_between_rounds(app: Flask, client: FlaskClient) -> None:
    location = start(client, deck="")  # 19 questions: rounds of 7
    for _ in range(7):
        *_, page = answer(client, app, location)
    assert 'id="next-round"' in page and "Round 1 done" in page
    assert "<th scope=\"row\">Familiar (right once, recalled later)</th><td>7</td>" in page
    assert "<th scope=\"row\">Not seen yet</th><td>12</td>" in page
    assert "Round 2, question 1 of" in client.get(f"{location}?go=1").text
    for _ in range(7):
        answer(client, app, location)
    client.get(f"{location}?go=1")
    forms = set()
    for _ in range(7):
        step, key, question = asked(app, location)
        forms.add((question.form, question.typed_answer != ""))
        answer(client, app, location)
    assert ("typed", True) in forms  # round 3 recalls round 1's questions, typed where the question allows


def test_a_miss_comes_back_later_in_the_round(app: Flask, client: FlaskClient) -> None:
    location = start(client)
    missed, _, page = answer(client, app, location, right=False)
    assert 'class="verdict wrong"' in page
    seen = []
    for _ in range(3):
        key, _, _ = answer(client, app, location)
        seen.append(key)
    assert seen[0] != missed and missed in seen


def test_first_try_answers_rate_cards_once(app: Flask, client: FlaskClient, auth: AuthActions) -> None:
    auth.register()
    location = start(client)
    first_missed = None

    def rule(key: str, question: QuizQuestion) -> bool:
        nonlocal first_missed
        if first_missed is None:
            first_missed = key
            return False
        return True

    learn_to_the_end(client, app, location, rule)
    cards = cards_of(app, "ada")
    with app.app_context():
        logs = db.get_session().execute(select(Question.key, ReviewLog.rating, ReviewLog.origin).join(Card, Card.id == ReviewLog.card_id)
                                        .join(Question, Question.id == Card.question_id)).all()
    ratings = {key: rating for key, rating, _ in logs}
    assert {origin for *_, origin in logs} == {"learn"}
    assert len(logs) == 7 and ratings[first_missed] == 1
    assert all(rating == 3 for key, rating in ratings.items() if key != first_missed)
    assert {key for key, card in cards.items() if card.reps == 1} == set(ratings)


def test_the_verdict_says_what_happened_to_the_card(app: Flask, client: FlaskClient, auth: AuthActions) -> None:
    auth.register()
    location = start(client)
    _, _, page = answer(client, app, location, right=False)
    assert 'id="schedule-note"' in page and "rated <strong>Again</strong>" in page


def test_new_cards_count_against_the_daily_limit(app: Flask, client: FlaskClient, auth: AuthActions) -> None:
    auth.register()
    with app.app_context():
        session = db.get_session()
        session.get_one(Learner, 1).new_per_day = 2
        session.commit()
    location = start(client)
    notes = [answer(client, app, location, right=False)[2] for _ in range(3)]
    assert "rated <strong>Again</strong>" in notes[0] and "rated <strong>Again</strong>" in notes[1]
    assert "today's new-card limit (2) is used up" in notes[2]
    with app.app_context():  # the review screen counts them as today's new cards: none left for today
        session = db.get_session()
        queue = reviews.get_queue(session, session.get_one(Learner, 1), utcnow(), with_card=False)
        assert (queue.new_done, queue.new, queue.new_limit_reached) == (2, 0, True)
    with app.app_context():
        held = db.get_session().scalars(select(LearnAnswer.held_back).order_by(LearnAnswer.step)).all()
    assert held == [None, None, "new-limit"]


def test_practice_leaves_every_card_as_it_was_and_is_remembered(app: Flask, client: FlaskClient, auth: AuthActions) -> None:
    auth.register()
    before = {key: (card.reps, card.due, card.version) for key, card in cards_of(app, "ada").items()}
    location = start(client, practice="y")
    seen: set[str] = set()

    def miss_every_other_first_time(key: str, question: QuizQuestion) -> bool:
        first = key not in seen
        seen.add(key)
        return not first or len(seen) % 2 == 0

    learn_to_the_end(client, app, location, miss_every_other_first_time)
    after = {key: (card.reps, card.due, card.version) for key, card in cards_of(app, "ada").items()}
    assert after == before
    with app.app_context():
        assert db.get_session().scalar(select(func.count()).select_from(ReviewLog)) == 0
    assert re.search(r'<input[^>]* checked [^>]*name="practice"', client.get("/learn/").text)


def test_i_was_right_counts_a_typed_miss_as_right(app: Flask, client: FlaskClient, auth: AuthActions) -> None:
    auth.register()
    location = start(client, category="person", answer_types="typed")  # two typed questions, whatever the deal
    key, question, page = answer(client, app, location, right=False)
    assert question.form == "typed" and 'id="i-was-right"' in page
    assert "rated <strong>Again</strong>" in page
    step = session_row(app, location).answers[-1].step
    response = client.post(f"{location}/right", data={"step": step})
    page = client.get(response.headers["Location"]).text
    assert "Counted as right, as you said." in page and 'id="i-was-right"' not in page
    with app.app_context():
        session = db.get_session()
        log = session.scalar(select(ReviewLog))
        answer_row = session.scalar(select(LearnAnswer))
        card = session.get(Card, log.card_id)
    assert log.is_undone and card.reps == 0 and answer_row.is_overridden and answer_row.rating is None
    # the question is familiar now, not missed: it does not come back in this round
    with app.app_context():
        session = db.get_session()
        standing = learn.current(session, session.scalar(select(LearnSession))).standing
        assert standing.status[key] == "familiar" and key not in standing.queue


def test_i_was_right_is_refused_for_anything_but_the_last_typed_miss(app: Flask, client: FlaskClient) -> None:
    location = start(client, category="person", answer_types="typed")
    answer(client, app, location, right=False)
    answer(client, app, location, right=False)
    assert client.post(f"{location}/right", data={"step": 0}).status_code == 400
    assert client.post(f"{location}/right", data={"step": 1}).status_code == 302
    answer(client, app, location, right=True)
    assert client.post(f"{location}/right", data={"step": 2}).status_code == 400  # right already


def test_a_resent_answer_is_recorded_once(app: Flask, client: FlaskClient) -> None:
    location = start(client)
    step, key, question = asked(app, location)
    data = {"step": step, "key": key, "response": response_for(question, True)}
    assert client.post(f"{location}/answer", data=data).status_code == 302
    again = client.post(f"{location}/answer", data=data)
    assert "again=1" in again.headers["Location"]
    assert "answered already" in client.get(again.headers["Location"]).text
    assert len(session_row(app, location).answers) == 1


def test_a_blank_or_unreadable_answer_is_asked_again(app: Flask, client: FlaskClient) -> None:
    location = start(client, answer_types="typed")
    step, key, _ = asked(app, location)
    response = client.post(f"{location}/answer", data={"step": step, "key": key, "response": "  "})
    assert response.status_code == 400 and "Give an answer first." in response.text
    assert session_row(app, location).answers == []


def test_a_visitors_session_continues_after_signing_in(app: Flask, client: FlaskClient, auth: AuthActions) -> None:
    location = start(client)
    answer(client, app, location)
    auth.register()
    assert session_row(app, location).learner_id is not None
    page = client.get("/learn/").text
    assert "Continue" in page and location.rsplit("/", 1)[-1] in page
    answer(client, app, location, right=False)
    with app.app_context():
        assert db.get_session().scalar(select(func.count()).select_from(ReviewLog)) == 1  # signed in now: rated
    other = app.test_client()
    assert other.get(location).status_code == 404  # now the learner's own


def test_a_learners_session_is_theirs_alone(app: Flask, client: FlaskClient, auth: AuthActions) -> None:
    auth.register()
    location = start(client)
    assert app.test_client().get(location).status_code == 404


def test_the_start_form_says_what_is_wrong(app: Flask, client: FlaskClient) -> None:
    response = client.post("/learn/", data={"deck": "nope", "category": "", "answer_types": "choice typed"})
    assert response.status_code == 400 and "Not a valid choice" in response.text
    response = client.post("/learn/", data={"deck": "", "category": "", "answer_types": "everything"})
    assert response.status_code == 400


def test_a_question_retired_mid_session_drops_out(app: Flask, client: FlaskClient) -> None:
    location = start(client)
    key, _, _ = answer(client, app, location)
    with app.app_context():
        session = db.get_session()
        session.query(Question).filter(Question.key == key).update({"is_retired": True})
        from studyapp.models import BankSync
        session.add(BankSync(synced_at=utcnow() + timedelta(seconds=1), is_ok=True, summary="retire", report={}))
        session.commit()
    page = client.get(location).text
    assert "of 6 mastered" in page


def test_a_matching_question_in_learn_is_answered_per_pair_and_rates_no_card(matching_app: Flask, client: FlaskClient,
                                                                              auth: AuthActions) -> None:
    auth.register()
    location = start(client, deck="matching")
    for _ in range(4):
        step, key, question = asked(matching_app, location)
        if question.form == "matching":
            break
        answer(client, matching_app, location)
    assert question.form == "matching"
    page = client.get(location).text
    assert page.count('name="match"') == len(question.lefts)
    empty = client.post(f"{location}/answer", data={"step": step, "key": key, "match": ["0", ""][: len(question.lefts)]})
    assert empty.status_code == 400 and "Choose a match for every item" in empty.text
    wrong = [str((index + 1) % len(question.options)) for index in question.answer_order]
    response = client.post(f"{location}/answer", data={"step": step, "key": key, "match": wrong})
    page = client.get(response.headers["Location"]).text
    assert 'class="verdict wrong"' in page and "pairs right" in page
    assert "The Kalun Meeting was held there" in page and "Jiajiatun, Kalun" in page
    with matching_app.app_context():
        rated = db.get_session().scalars(select(LearnAnswer.rating).where(LearnAnswer.question_key == key)).all()
    assert rated == [None]  # matching rates no card, even a first-try miss


def test_a_quiz_of_matching_questions_only(matching_app: Flask, client: FlaskClient) -> None:
    response = client.post("/quiz/new", data={"deck": "", "category": "", "length": "3", "seed": "2", "kind": "matching"})
    assert response.status_code == 302
    with matching_app.app_context():
        quiz = db.get_session().scalar(select(Quiz).where(Quiz.token == response.headers["Location"].rsplit("/", 1)[1]))
        forms = [item.payload["form"] for item in quiz.items]
        assert quiz.kind == "matching" and forms and set(forms) == {"matching"}
        assert all(item.question_key in (None, "places-match") for item in quiz.items)
    results = client.get(f"{response.headers['Location']}/results").text
    assert "kind=matching" in results  # the shared link gives the same quiz
    none = client.post("/quiz/new", data={"deck": "people", "category": "person", "length": "3", "kind": "matching"})
    assert none.status_code == 400 and "no matching questions" in none.text


def test_chosen_questions_start_a_session_about_them(app: Flask, client: FlaskClient, auth: AuthActions) -> None:
    auth.register()
    response = client.post("/learn/chosen", data={"key": ["src-formed", "src-formed.reverse", "kalun-held"],
                                                  "about": "3 July 1930", "practice": "y"})
    assert response.status_code == 302
    row = session_row(app, response.headers["Location"])
    assert sorted(row.question_keys) == ["kalun-held", "src-formed", "src-formed.reverse"]
    assert row.is_practice and row.about == "3 July 1930"
    assert "Learn <span class=\"muted\">· 3 July 1930 · practice" in client.get(response.headers["Location"]).text
    assert client.post("/learn/chosen", data={"key": []}).status_code == 400
    gone = client.post("/learn/chosen", data={"key": ["no-such-question"]})
    assert gone.status_code == 400 and "no longer in the bank" in gone.text


def test_i_was_right_on_a_recall_miss_rates_good_once(app: Flask, client: FlaskClient, auth: AuthActions) -> None:
    """Right first, then a typed recall missed and overridden: mastered at the first try, so Good."""
    auth.register()
    location = start(client, deck="", category="place")
    right_once: set[str] = set()
    for _ in range(60):
        if 'id="next-round"' in client.get(location).text:
            client.get(f"{location}?go=1")
        step, key, question = asked(app, location)
        if key in right_once and question.form == "typed":
            break
        answer(client, app, location)
        right_once.add(key)
    else:
        raise AssertionError("no typed recall came")
    answer(client, app, location, right=False)  # the recall, missed
    client.post(f"{location}/right", data={"step": step})
    with app.app_context():
        ratings = db.get_session().scalars(select(ReviewLog.rating).join(Card).join(Question)
                                           .where(Question.key == key, ReviewLog.is_undone.is_(False))).all()
    assert ratings == [3]


def test_a_card_is_rated_once_a_session_even_when_an_again_cannot_be_taken_back(app: Flask, client: FlaskClient,
                                                                                auth: AuthActions) -> None:
    auth.register()
    location = start(client, answer_types="typed")
    while (found := asked(app, location))[2].form != "typed":
        answer(client, app, location)
    step, key, _ = found
    answer(client, app, location, right=False)  # Again
    with app.app_context():  # the card is rated since, on the review screen: that Again can no longer be undone
        session = db.get_session()
        learner = session.get_one(Learner, 1)
        card = session.scalar(select(Card).join(Question).where(Question.key == key, Card.learner_id == learner.id))
        reviews.rate(session, learner, card.id, card.version, reviews.Rating.GOOD, utcnow(), reviews.settings_of(learner))
    client.post(f"{location}/right", data={"step": step})
    learn_to_the_end(client, app, location)
    with app.app_context():
        origins = db.get_session().scalars(select(ReviewLog.origin).join(Card).join(Question)
                                           .where(Question.key == key, ReviewLog.is_undone.is_(False))).all()
    assert sorted(origins) == ["learn", "review"]  # the Again and the review: no Good on top


def test_answering_someone_elses_open_session_rates_none_of_your_cards(app: Flask, client: FlaskClient,
                                                                       auth: AuthActions) -> None:
    location = start(app.test_client())  # a visitor's session, reachable by its address
    auth.register()
    answer(client, app, location, right=False)
    with app.app_context():
        assert db.get_session().scalar(select(func.count()).select_from(ReviewLog)) == 0
    assert session_row(app, location).learner_id is None
