"""The quiz pages through the test client, on a real database."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from studyapp import db
from studyapp.models import Quiz
from studyapp.quizzes.question import QuizQuestion
from tests.conftest import AuthActions, make_app


def start(client: FlaskClient, **data: object) -> str:
    form = {"deck": "", "category": "", "length": "5", "seed": "7", **data}
    response = client.post("/quiz/new", data=form)
    assert response.status_code == 302, response.text
    return response.headers["Location"]


def quiz_of(app: Flask, token: str) -> Quiz:
    with app.app_context():
        return db.get_session().scalar(select(Quiz).where(Quiz.token == token).options(selectinload(Quiz.items)))


def right_answer(question: dict) -> str:
    if question["form"] in ("choice", "truefalse"):
        return str(question["options"].index(question["answer"]))
    if question["form"] in ("order", "matching"):
        return ",".join(map(str, question["answer_order"]))
    return question["typed_answer"]


def answer(client: FlaskClient, location: str, position: int, question: dict, correct: bool) -> None:
    response_text = right_answer(question) if correct else "0" if question["form"] != "typed" else "nothing like it"
    if question["form"] in ("choice", "truefalse") and not correct:
        response_text = str((int(right_answer(question)) + 1) % len(question["options"]))
    if question["form"] == "order":
        order = right_answer(question).split(",")
        ranks = [0] * len(order)
        for place, option in enumerate(order if correct else list(reversed(order))):
            ranks[int(option)] = place + 1
        data = {"position": position, "order": [str(r) for r in ranks]}
    elif question["form"] == "matching":  # wrong: every left side given the next one's right side
        chosen = question["answer_order"] if correct else question["answer_order"][1:] + question["answer_order"][:1]
        data = {"position": position, "match": [str(i) for i in chosen]}
    else:
        data = {"position": position, "response": response_text}
    response = client.post(f"{location}/answer", data=data)
    assert response.status_code == 302


def test_home_offers_one_click_quiz(client: FlaskClient) -> None:
    page = client.get("/").text
    assert "Start a 10-question quiz" in page and "Founding" in page


def test_take_a_quiz_to_results(app: Flask, client: FlaskClient) -> None:
    location = start(client)
    token = location.rsplit("/", 1)[1]
    page = client.get(location).text
    assert "Question 1 of 5" in page
    for item in quiz_of(app, token).items:
        answer(client, location, item.position, item.payload, correct=item.position % 2 == 0)
    page = client.get(location, follow_redirects=True).text
    assert "Results" in page and "3 of 5 right" in page
    stored = quiz_of(app, token)
    assert stored.finished_at is not None and stored.score == 3
    for item in stored.items:
        for source in item.payload["sources"]:
            assert source.replace("’", "&#39;").replace("'", "&#39;")[:20] in page.replace("’", "&#39;")


def test_feedback_after_a_wrong_answer(app: Flask, client: FlaskClient) -> None:
    location = start(client, category="place", length="3")
    item = quiz_of(app, location.rsplit("/", 1)[1]).items[0]
    answer(client, location, 0, item.payload, correct=False)
    page = client.get(f"{location}?answered=0").text
    assert "Not quite" in page and "Expected:" in page and "Question 2 of 3" in page


@pytest.mark.parametrize("response", ["²", "٣", "-1", "99999999999999999999", "1.0"])
def test_an_odd_option_number_is_a_wrong_answer_not_an_error(app: Flask, client: FlaskClient, response: str) -> None:
    """'²' passes str.isdigit() but not int(): any response that is not an option's number is simply not it."""
    location = start(client, category="place", length="1", seed="3")
    item = quiz_of(app, location.rsplit("/", 1)[1]).items[0]
    assert item.payload["form"] in ("choice", "truefalse")
    assert client.post(f"{location}/answer", data={"position": "0", "response": response}).status_code == 302
    assert quiz_of(app, location.rsplit("/", 1)[1]).items[0].is_correct is (response == "٣" and item.payload["options"][3] == item.payload["answer"])


def test_answering_twice_keeps_the_first(app: Flask, client: FlaskClient) -> None:
    location = start(client, length="2")
    token = location.rsplit("/", 1)[1]
    item = quiz_of(app, token).items[0]
    answer(client, location, 0, item.payload, correct=True)
    answer(client, location, 0, item.payload, correct=False)
    assert quiz_of(app, token).items[0].is_correct is True


def test_same_seed_same_questions(app: Flask, client: FlaskClient) -> None:
    first = quiz_of(app, start(client, seed="99").rsplit("/", 1)[1])
    second = quiz_of(app, start(client, seed="99").rsplit("/", 1)[1])
    assert [i.payload for i in first.items] == [i.payload for i in second.items]
    assert first.token != second.token


def test_share_link_prefills_the_form(client: FlaskClient) -> None:
    page = client.get("/quiz/new?deck=founding&category=date&length=4&seed=12").text
    assert re.search(r'<option selected value="founding">|<option value="founding" selected>', page)
    assert 'value="12"' in page and 'value="4"' in page
    assert "Someone shared this quiz with you" in page  # says why the form is filled in
    assert "Someone shared this quiz" not in client.get("/quiz/new").text


def test_bad_quiz_requests_get_messages_not_errors(client: FlaskClient) -> None:
    for data, message in [({"length": "0"}, "Choose 1 to 50 questions."), ({"length": "5000"}, "Choose 1 to 50 questions."),
                          ({"seed": "-3"}, "A seed is a whole number"), ({"deck": "nope"}, "Not a valid choice"),
                          ({"length": "ten"}, "Not a valid integer value")]:
        response = client.post("/quiz/new", data={"deck": "", "category": "", "length": "5", **data})
        assert response.status_code == 400 and message in response.text, data
    assert client.get("/quiz/not-a-token").status_code == 404
    assert client.post("/quiz/not-a-token/answer", data={"position": "0", "response": "x"}).status_code == 404


def test_signed_in_quizzes_are_listed_and_private(app: Flask, client: FlaskClient, auth: AuthActions) -> None:
    auth.register("ada")
    location = start(client, length="2")
    token = location.rsplit("/", 1)[1]
    for item in quiz_of(app, token).items:
        answer(client, location, item.position, item.payload, correct=True)
    page = client.get("/quiz/mine").text
    assert "2 / 2" in page
    auth.logout()
    assert client.get(location).status_code == 404
    auth.register("bob")
    assert client.get(location).status_code == 404
    assert client.get(f"{location}/results").status_code == 404
    assert "No quizzes yet" in client.get("/quiz/mine").text


def test_mine_needs_sign_in(client: FlaskClient) -> None:
    assert client.get("/quiz/mine").headers["Location"].startswith("/auth/login")


def test_csrf_refuses_tokenless_post(database_url: str, tmp_path) -> None:
    app = make_app(database_url, tmp_path, WTF_CSRF_ENABLED=True)
    client = app.test_client()
    for url in ("/quiz/new", "/auth/login", "/auth/register", "/auth/logout", "/quiz/x/answer"):
        response = client.post(url, data={"length": "5"})
        assert response.status_code == 400 and "Form refused" in response.text, url
    db.Base.metadata.drop_all(db.engine_of(app))
    db.engine_of(app).dispose()


def test_chronology_question_through_the_form(app: Flask, client: FlaskClient) -> None:
    response = client.post("/quiz/new", data={"deck": "", "category": "date", "length": "8", "seed": "3"}, follow_redirects=True)
    # five dated facts, four of them in the chronology: the message says why the quiz is short
    assert "This quiz has 2 questions, not 8: that choice holds no more facts, and two questions on one fact would " \
           "give each other&#39;s answers away." in response.text
    location = response.request.path
    token = location.rsplit("/", 1)[1]
    items = quiz_of(app, token).items
    order_item = next(i for i in items if i.payload["form"] == "order")
    for item in items:
        if item.position == order_item.position:
            page = client.get(location).text
            assert re.findall(r'<option value="(\d)" selected>', page) == ["1", "2", "3", "4"]
            bad = client.post(f"{location}/answer", data={"position": item.position, "order": ["1", "1", "3", "2"]})
            assert bad.status_code == 400 and f"Question {item.position + 1} of {len(items)}" in bad.text
            assert re.search(r'<p class="error" id="answer-error">Give every event a different place', bad.text)
            assert re.findall(r'<option value="(\d)" selected>', bad.text) == ["1", "1", "3", "2"]  # as the learner left them
            assert bad.text.count('aria-invalid="true" aria-describedby="answer-error"') == 4
            assert 'class="flash flash' not in bad.text
        answer(client, location, item.position, item.payload, correct=True)
    assert quiz_of(app, token).score == len(items)


def test_a_blank_typed_answer_is_asked_again_with_the_error_at_the_field(app: Flask, client: FlaskClient) -> None:
    location = start(client, category="place", length="5", seed="1")
    items = quiz_of(app, location.rsplit("/", 1)[1]).items
    typed = next(i for i in items if i.payload["form"] == "typed")
    for item in items[:typed.position]:
        answer(client, location, item.position, item.payload, correct=True)
    bad = client.post(f"{location}/answer", data={"position": typed.position, "response": "   "})
    assert bad.status_code == 400 and "Give an answer first." in bad.text
    assert re.search(r'<input id="response"[^>]*value="   "[^>]*aria-invalid="true" aria-describedby="answer-error"', bad.text)
    assert quiz_of(app, location.rsplit("/", 1)[1]).items[typed.position].answered_at is None
    choice = next((i for i in items if i.payload["form"] == "choice" and i.position > typed.position), None)
    if choice is not None:  # a choice sent back keeps the option picked
        answer(client, location, typed.position, typed.payload, correct=True)
        page = client.post(f"{location}/answer", data={"position": choice.position, "response": ""}).text
        assert page.count('aria-invalid="true"') == len(choice.payload["options"])


def test_a_bad_shared_link_shows_the_form_with_its_errors(client: FlaskClient) -> None:
    response = client.get("/quiz/new?deck=nope&length=-1")
    assert response.status_code == 400
    assert "Not a valid choice" in response.text and "Choose 1 to 50 questions." in response.text
    assert re.search(r'<input aria-describedby="length-hint length-error" aria-invalid="true" id="length"', response.text)
    for link in ("/quiz/new", "/quiz/new?deck=&category=", "/quiz/new?deck=founding&category=date&length=4&seed=12"):
        assert client.get(link).status_code == 200, link
    assert client.get("/quiz/new?seed=x").status_code == 400


def test_an_ambiguous_typed_date_is_asked_again_not_marked_wrong(app: Flask, client: FlaskClient) -> None:
    """03/07/1930 could be 3 July or 7 March: the learner is asked to write the month as a word."""
    location = start(client, length="7", seed="0")
    token = location.rsplit("/", 1)[1]
    position = next(i.position for i in quiz_of(app, token).items
                    if i.payload["form"] == "typed" and len(i.payload["typed_answer"]) == 10)
    for earlier in range(position):
        answer(client, location, earlier, quiz_of(app, token).items[earlier].payload, correct=True)
    page = client.post(f"{location}/answer", data={"position": str(position), "response": "03/07/1930"})
    assert page.status_code == 400 and "write the month as a word" in page.text
    assert quiz_of(app, token).items[position].answered_at is None  # not marked: asked again


def test_answering_again_after_back_says_the_first_answer_counted(app: Flask, client: FlaskClient) -> None:
    location = start(client, length="2")
    token = location.rsplit("/", 1)[1]
    item = quiz_of(app, token).items[0]
    first = client.post(f"{location}/answer", data={"position": 0, "response": right_answer(item.payload)})
    assert "again" not in first.headers["Location"]
    assert "already answered" not in client.get(first.headers["Location"]).text
    again = client.post(f"{location}/answer", data={"position": 0, "response": "something else entirely"})
    page = client.get(again.headers["Location"]).text
    assert "You had already answered this question." in page and "the answer just sent was not recorded" in page
    assert "Correct" in page and quiz_of(app, token).items[0].is_correct is True


FOUNDED_BLANK = "According to the text, a revolutionary party of Juche type was founded on October 10, _____."


@pytest.mark.parametrize(("answer", "placeholder"), [
    ("1945", "e.g. 1900"), ("1930-07", "e.g. May 1900"), ("1930-07-03", "e.g. 1 May 1900"),
    ("1920s", "e.g. the 1900s"), ("1930-06-30/1930-07-02", "e.g. 1–3 May 1900"),
])
def test_a_date_field_suggests_the_precision_asked(app: Flask, answer: str, placeholder: str) -> None:
    question = QuizQuestion("typed", FOUNDED_BLANK, ("k",), "date", answer, typed_answer=answer)
    with app.test_request_context():
        html = app.jinja_env.get_template("quizzes/_fields.html").render(question=question)
    assert f'placeholder="{placeholder}"' in html


def test_a_chronology_verdict_is_one_dated_list_marking_what_was_misplaced(app: Flask, client: FlaskClient) -> None:
    location = start(client, category="date", length="8", seed="1")
    token = location.rsplit("/", 1)[1]
    item = next(i for i in quiz_of(app, token).items if i.payload["form"] == "order")
    answer(client, location, item.position, item.payload, correct=False)  # the text's order, reversed
    page = client.get(f"{location}?answered={item.position}").text
    verdict = page[page.index('id="feedback"'):page.index("</section>", page.index('id="feedback"'))]
    rows = re.findall(r"<li( class=\"moved\")?><span class=\"event\">(.*?)</span> <span class=\"when\">(.*?)</span>", verdict)
    options, order = item.payload["options"], item.payload["answer_order"]
    assert [event for _, event, _ in rows] == [options[i] for i in order]  # the text's order, once
    assert all(when for _, _, when in rows) and all(moved for moved, _, _ in rows)  # reversed: every one elsewhere
    assert verdict.count("you put it 4th") == 1 and verdict.count("you put it 1st") == 1
    assert "Your answer:" not in verdict and verdict.count('class="chronology"') == 1
    results = client.get(f"/quiz/{token}/results").text
    assert results.count('class="chronology"') == 1  # the right order once, not again as a sentence
    assert item.payload["answer"] not in results and item.payload["explanation"] not in results


def test_the_practice_choice_is_offered_to_learners_and_remembered(client: FlaskClient, auth: AuthActions) -> None:
    assert 'name="practice"' not in client.get("/quiz/new").text  # a visitor's answers rate nothing anyway
    auth.register()
    box = re.compile(r'<input[^>]*name="practice"[^>]*>')
    assert "checked" not in box.search(client.get("/quiz/new").text).group(0)
    location = start(client, practice="y")
    assert "· practice" in client.get(location).text
    assert "checked" in box.search(client.get("/quiz/new").text).group(0)
    assert "checked" in box.search(client.get("/quiz/new?deck=people&length=3&seed=2").text).group(0)  # a shared link
    assert "· practice" in client.get("/quiz/mine").text
