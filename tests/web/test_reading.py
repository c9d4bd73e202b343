"""The reading view through the test client on a real database: the text, its cited passages, a learner's
standing, practice on a paragraph, coverage for instructors, and `questions coverage` in the terminal."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import select

from studyapp import db
from studyapp.flashcards import reviews
from studyapp.flashcards.scheduler import Rating
from studyapp.models import Learner, LearnSession
from tests.builders import cards_of
from tests.conftest import DATA, NOW, AuthActions

SMALL = DATA / "texts" / "small-article.txt"


@pytest.fixture
def small_text(app: Flask) -> Flask:
    app.config.update(SOURCE_TEXT=str(SMALL), SOURCE_FOOTER_LINES=2)
    return app


def paragraph(page: str, number: int) -> str:
    return re.search(rf'<section class="reading-paragraph" id="p{number}".*?</section>', page, re.S).group(0)  # type: ignore[union-attr]


def test_without_a_source_text_the_page_says_how_to_configure_it(app: Flask, client: FlaskClient) -> None:
    app.config["SOURCE_TEXT"] = ""
    page = client.get("/text/").text
    assert "The app has not been given the source text." in page and "STUDYAPP_SOURCE_TEXT" in page
    app.config["SOURCE_TEXT"] = str(DATA / "texts" / "nothing-here.txt")
    assert "nothing-here.txt" not in client.get("/text/").text  # no server path for visitors


def test_the_text_marks_what_questions_cite_and_leaves_out_the_footer(small_text: Flask, client: FlaskClient) -> None:
    page = client.get("/text/").text
    assert "A made-up article for tests" in page and "Copyright line" not in page and "feedbacks" not in page
    first = paragraph(page, 1)
    assert ('<a class="cited" href="#p1-questions"><mark>Kim Il Sung formed the first party organization</mark></a>'
            in first)
    assert "<mark>named Society for Rallying Comrades, on July 3, 1930</mark>" in first
    assert "Nobody cites this second sentence." in first and "<mark>Nobody" not in first
    assert "According to the text, who formed the Society for Rallying Comrades?" in first
    assert 'id="p4-questions"' not in paragraph(page, 4)  # no question cites it: nothing to practise
    assert "status-" not in page  # a visitor has no standing


def test_a_learner_sees_how_well_they_know_each_paragraphs_questions(small_text: Flask, client: FlaskClient,
                                                                     auth: AuthActions) -> None:
    auth.register()
    with small_text.app_context():
        session = db.get_session()
        learner = session.scalar(select(Learner))
        card = cards_of(session, learner, NOW)["src-founder"]
        reviews.record_rating(session, learner, card, Rating.EASY, NOW - timedelta(days=1), reviews.settings_of(learner))
        session.commit()
    first = paragraph(client.get("/text/").text, 1)
    assert '<span class="tag status-known">Known</span>' in first
    assert re.search(r"\d+ questions: 1 known, 0 learning, \d+ new", first)


def test_practise_this_paragraph_starts_practice_on_its_questions(small_text: Flask, client: FlaskClient,
                                                                 auth: AuthActions) -> None:
    auth.register()
    first = paragraph(client.get("/text/").text, 1)
    form = re.search(r'<form method="post" action="/learn/chosen".*?</form>', first, re.S).group(0)  # type: ignore[union-attr]
    keys = re.findall(r'name="key" value="([^"]+)"', form)
    assert 'name="practice" value="y"' in form and "Practise this paragraph" in form
    response = client.post("/learn/chosen", data={"key": keys, "about": "Paragraph 1 of the text", "practice": "y"})
    with small_text.app_context():
        row = db.get_session().scalar(select(LearnSession))
    assert sorted(row.question_keys) == sorted(keys) and row.is_practice and row.about == "Paragraph 1 of the text"
    assert {"src-founder", "src-formed"} <= set(keys) and "kcp-dismissed" not in keys
    assert "Paragraph 1 of the text · practice" in client.get(response.headers["Location"]).text


def test_instructors_see_coverage_learners_do_not(small_text: Flask, client: FlaskClient, auth: AuthActions,
                                                 runner: FlaskCliRunner) -> None:
    auth.register("learner")
    assert "Coverage" not in client.get("/text/?coverage=1").text
    auth.logout()
    auth.register("teacher")
    assert runner.invoke(args=["users", "make-instructor", "teacher"]).exit_code == 0
    assert 'id="show-coverage"' in client.get("/text/").text
    page = client.get("/text/?coverage=1").text
    # 5 sentences: 1.1 (two facts), 1.2 none, 2.1 (several), 3.1 (the Comintern), 3.2 none, 4.1 none
    assert "<strong>3 of 6 sentences</strong>" in page and "(50%)" in page
    assert '<span class="sentence uncovered">Nobody cites this second sentence.</span>' in page
    assert "<li><a href=\"#p4\">Paragraph 4</a>: A closing paragraph that no question cites.</li>" in page
    assert "Not found in the text, so not counted" in page and "leader-today" in page


def test_questions_coverage_in_the_terminal(small_text: Flask, runner: FlaskCliRunner) -> None:
    result = runner.invoke(args=["questions", "coverage"])
    assert result.exit_code == 0, result.output
    assert "3 of 6 sentences cited (50%)" in result.output
    assert "  paragraph 1: Nobody cites this second sentence." in result.output
    assert "  paragraph 4: A closing paragraph that no question cites." in result.output
    small_text.config["SOURCE_TEXT"] = ""
    failed = runner.invoke(args=["questions", "coverage"])
    assert failed.exit_code == 1 and "STUDYAPP_SOURCE_TEXT" in failed.output


def test_the_bank_page_sums_up_coverage_next_to_the_item_statistics(small_text: Flask, client: FlaskClient,
                                                                  auth: AuthActions, runner: FlaskCliRunner) -> None:
    auth.register("teacher")
    assert runner.invoke(args=["users", "make-instructor", "teacher"]).exit_code == 0
    page = client.get("/instructor/").text
    section = page[page.index('id="coverage"'):page.index('id="item-statistics"')]
    assert "<strong>3 of 6 sentences</strong>" in section and "3 cited by none" in section
    assert 'href="/text/?coverage=1"' in section
    small_text.config["SOURCE_TEXT"] = ""
    assert "No source text is configured" in client.get("/instructor/").text
