"""Instructors: the bank page, question previews with answer statistics, sync that keeps progress, live reload."""

from __future__ import annotations

import re
import shutil
from datetime import timedelta
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from studyapp import db
from studyapp.bank import catalog, files, sync
from studyapp.flashcards import reviews
from studyapp.flashcards.scheduler import Rating
from studyapp.models import BankSync, Card, Question, ReviewLog
from studyapp.quizzes import service as quizzes
from tests.builders import add_learner, cards_of
from tests.conftest import DATA, NOW, ROOT, AuthActions, make_app, small_bank
from tests.flashcards.test_reviews import rate


def make_instructor(runner: FlaskCliRunner, auth: AuthActions, name: str = "teacher") -> None:
    auth.register(name)
    assert runner.invoke(args=["users", "make-instructor", name]).exit_code == 0


def test_learners_cannot_reach_instructor_pages(client: FlaskClient, auth: AuthActions) -> None:
    assert client.get("/instructor/").status_code == 302
    auth.register("learner")
    for url in ("/instructor/", "/instructor/questions/src-formed"):
        response = client.get(url)
        assert response.status_code == 403 and "make-instructor" in response.text


def test_bank_page(client: FlaskClient, runner: FlaskCliRunner, auth: AuthActions) -> None:
    make_instructor(runner, auth)
    runner.invoke(args=["questions", "sync"])
    page = client.get("/instructor/").text
    assert "0 added, 0 changed, 0 retired, 0 revived" in page
    assert "Founding" in page and "date 5" in page and "fact 8" in page
    assert "has only 1 plausible distractor" in page  # current warnings of the files
    assert 'href="/instructor/questions/kalun-village"' in page


def test_bank_page_shows_errors_and_the_refused_sync(app: Flask, client: FlaskClient, runner: FlaskCliRunner,
                                                      auth: AuthActions, tmp_path: Path) -> None:
    make_instructor(runner, auth)
    shutil.copytree(DATA / "bank", tmp_path / "bank")
    shutil.copy(DATA / "bad" / "tab.yaml", tmp_path / "bank" / "tab.yaml")
    app.config["QUESTIONS_DIR"] = str(tmp_path / "bank")
    assert runner.invoke(args=["questions", "sync"]).exit_code == 1
    page = client.get("/instructor/").text
    assert "refused: 1 problem in the bank" in page and "bank/tab.yaml:4:1: tab character" in page


def test_preview_shows_each_form_and_the_distractors_learners_pick(app: Flask, client: FlaskClient,
                                                                    runner: FlaskCliRunner, auth: AuthActions) -> None:
    make_instructor(runner, auth)
    page = client.get("/instructor/questions/tuman-river").text
    assert "As multiple choice" in page and "Amnok River" in page and "No learner has answered it" in page
    with app.app_context():
        session = db.get_session()
        for seed in range(6):
            quiz = quizzes.start_quiz(session, None, quizzes.QuizRequest("founding", "place", 2, seed), NOW)
            item = next(i for i in quiz.items if i.question_key == "tuman-river")
            wrong = next(n for n, o in enumerate(item.payload["options"]) if o == "Amnok River")
            right = item.payload["options"].index(item.payload["answer"])
            quizzes.submit_answer(session, quiz.token, None, item.position, str(wrong if seed % 3 else right), NOW)
    page = client.get("/instructor/questions/tuman-river").text
    assert "Answered 6 times in quizzes and Learn, 33% right." in page
    assert "<td>Amnok River</td><td>4</td>" in page and "Tuman River <span class=\"badge\">answer</span></td><td>2</td>" in page
    overview = client.get("/instructor/").text
    assert "<td>6</td>\n          <td>33%</td>" in overview
    page = client.get("/instructor/questions/src-formed").text
    assert "As a typed answer" in page and "As a flashcard" in page
    # a dated fact also takes part in chronology questions: the preview shows one that includes it
    assert "As a chronology question, with other dated facts" in page
    assert "Society for Rallying Comrades" in page.split("As a chronology question")[1].split("As a flashcard")[0]
    assert "As a chronology question" not in client.get("/instructor/questions/tuman-river").text
    assert client.get("/instructor/questions/nope").status_code == 404


def test_edit_keeps_progress_retire_hides_revive_restores(session: Session) -> None:
    learner = add_learner(session, new_per_day=100)
    card = cards_of(session, learner, NOW)["kalun-village"]
    rate(session, learner, card, Rating.GOOD, NOW)
    original = small_bank()
    edited = [i if i.key != "kalun-village" else
              __import__("dataclasses").replace(i, prompt="According to the text, which village hosted the Kalun Meeting?")
              for i in original.items]
    sync.sync_bank(session, type(original)(original.decks, tuple(edited)), NOW)
    session.expire_all()
    kept = session.get(Card, card.id)
    assert kept.reps == 1 and reviews.item_of(kept).prompt.endswith("hosted the Kalun Meeting?")
    retired = type(original)(original.decks, tuple(i for i in edited if i.key != "kalun-village"))
    assert sync.sync_bank(session, retired, NOW).retired == ["kalun-village"]
    assert "kalun-village" not in {i.key for i in catalog.live_items(session)}
    queue_cards = set()
    for n in range(40):
        queue = reviews.get_queue(session, learner, NOW + timedelta(days=30, seconds=n))
        if queue.card is None:
            break
        queue_cards.add(queue.card.id)
        reviews.set_suspended(session, learner.id, queue.card.id, True)
    assert card.id not in queue_cards
    for other in queue_cards:
        reviews.set_suspended(session, learner.id, other, False)
    assert sync.sync_bank(session, original, NOW).revived == ["kalun-village"]
    session.expire_all()
    assert session.get(Card, card.id).reps == 1
    assert session.scalar(select(func.count()).select_from(ReviewLog).where(ReviewLog.card_id == card.id)) == 1


def test_dry_run_reports_with_ids_and_changes_nothing(app: Flask, runner: FlaskCliRunner, tmp_path: Path) -> None:
    shutil.copytree(DATA / "bank", tmp_path / "bank")
    path = tmp_path / "bank" / "founding.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("in which village was", "in what village was"), encoding="utf-8")
    app.config["QUESTIONS_DIR"] = str(tmp_path / "bank")
    result = runner.invoke(args=["questions", "sync", "--dry-run"])
    assert result.exit_code == 0 and "changed: kalun-village" in result.output and "Would apply: 0 added, 1 changed" in result.output
    with app.app_context():
        session = db.get_session()
        stored = session.scalar(select(Question.data).where(Question.key == "kalun-village"))
        assert "in which village" in stored["prompt"]
        assert session.scalar(select(func.count()).select_from(BankSync)) == 1  # the fixture's own sync only
    result = runner.invoke(args=["questions", "sync"])
    assert "changed: kalun-village" in result.output and "Synced: 0 added, 1 changed" in result.output


def test_running_app_picks_up_edited_files(database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shutil.copytree(DATA / "bank", tmp_path / "bank")
    app = make_app(database_url, tmp_path, QUESTIONS_DIR=str(tmp_path / "bank"), BANK_AUTO_SYNC=True, BANK_CHECK_SECONDS=0)
    client = app.test_client()
    in_transaction = []  # a page view reads in autocommit on PostgreSQL; the sync it sets off writes in one transaction
    sync_files = files.sync_files
    monkeypatch.setattr(files, "sync_files", lambda session, *args: (
        in_transaction.append(session.connection().get_execution_options().get("isolation_level") != "AUTOCOMMIT"),
        sync_files(session, *args))[1])
    try:
        with app.app_context():
            sync.sync_bank(db.get_session(), small_bank(), NOW)
        path = tmp_path / "bank" / "founding.yaml"
        path.write_text(path.read_text(encoding="utf-8").replace("title: Founding", "title: Founding, renamed"), encoding="utf-8")
        assert "Founding, renamed" in client.get("/decks").text
        assert in_transaction == [True]
        good = path.read_text(encoding="utf-8")
        path.write_text(good + "\tbroken: [\n", encoding="utf-8")  # a bad edit: the last good bank stays
        page = client.get("/decks").text
        assert "Founding, renamed" in page and "People and places" in page
        with app.app_context():
            last = sync.last_sync(db.get_session())
            assert not last.is_ok and "tab character" in last.report["problems"][0]
        path.unlink()  # a .yml file is a bank file too, and its edits are picked up the same way
        path.with_suffix(".yml").write_text(good.replace("Founding, renamed", "Founding, now .yml"), encoding="utf-8")
        assert "Founding, now .yml" in client.get("/decks").text
        path.with_suffix(".yml").write_text(good.replace("Founding, renamed", "Founding, edited .yml"), encoding="utf-8")
        assert "Founding, edited .yml" in client.get("/decks").text
    finally:
        engine = db.engine_of(app)
        db.Base.metadata.drop_all(engine)
        engine.dispose()


def test_every_bank_file_points_editors_at_the_schema() -> None:
    for path in (ROOT / "questions").glob("*.yaml"):
        assert path.read_text(encoding="utf-8").splitlines()[0] == "# yaml-language-server: $schema=schema.json", path.name


def test_bank_page_shows_an_unreadable_source_text_as_a_problem(app: Flask, client: FlaskClient,
                                                                runner: FlaskCliRunner, auth: AuthActions,
                                                                tmp_path: Path) -> None:
    make_instructor(runner, auth)
    (tmp_path / "latin1.txt").write_bytes(b"caf\xe9\n")
    app.config["SOURCE_TEXT"] = str(tmp_path / "latin1.txt")
    page = client.get("/instructor/")
    assert page.status_code == 200
    assert f"{tmp_path / 'latin1.txt'}:1:4: the source text is not UTF-8 (byte 0xe9)" in page.text


def test_question_tables_sort_and_filter_without_javascript(app: Flask, client: FlaskClient, runner: FlaskCliRunner,
                                                            auth: AuthActions) -> None:
    make_instructor(runner, auth)
    with app.app_context():
        session = db.get_session()
        for seed in range(3):  # quiz answers on one question, so "answered" has something to sort by
            quiz = quizzes.start_quiz(session, None, quizzes.QuizRequest("founding", "place", 2, seed), NOW)
            for item in quiz.items:
                quizzes.submit_answer(session, quiz.token, None, item.position, "wrong", NOW)
    page = client.get("/instructor/").text
    assert page.count('<table class="questions stacked">') == 2 and "<h3>Founding" in page  # a table per deck
    keys = lambda text: re.findall(r'href="/instructor/questions/([^"]+)"><code>', text)  # noqa: E731
    by_answered = keys(client.get("/instructor/?sort=answered&deck=founding").text)
    answered_first = by_answered[0]
    assert answered_first in {"kalun-village", "tuman-river"} and set(by_answered) <= set(keys(page))
    by_id = keys(client.get("/instructor/?sort=id&deck=founding").text)
    assert by_id == sorted(by_id) and len(by_id) > 3
    facts = client.get("/instructor/?kind=fact").text
    assert keys(facts) and facts.count("<td>fact</td>") == len(keys(facts))
    flagged = client.get("/instructor/?problems=1").text
    assert "src-founder" in keys(flagged) and "tuman-river" not in keys(flagged)
    assert flagged.count('class="has-problems"') == len(keys(flagged)) and "has only 1 plausible distractor" in flagged
    assert "No question matches that choice" in client.get("/instructor/?kind=truefalse&category=publication").text


def test_the_last_syncs_question_ids_are_folded_away(client: FlaskClient, runner: FlaskCliRunner, auth: AuthActions,
                                                     app: Flask, tmp_path: Path) -> None:
    make_instructor(runner, auth)
    shutil.copytree(DATA / "bank", tmp_path / "bank")
    app.config["QUESTIONS_DIR"] = str(tmp_path / "bank")
    (tmp_path / "bank" / "extra.yaml").write_text(
        "deck: extra\ntitle: Extra\nquestions:\n" + "".join(
            f"  - {{id: q{n}, kind: typed, category: place, prompt: P{n}?, answer: X{n}, source: S}}\n" for n in range(30)))
    assert runner.invoke(args=["questions", "sync"]).exit_code == 0
    page = client.get("/instructor/").text
    assert "<details><summary>Added: 30 questions</summary>" in page and page.count("<li><code>q") == 30


def test_a_matching_preview_shows_it_as_asked_and_the_wrong_pairings_learners_pick(
        matching_app: Flask, client: FlaskClient, runner: FlaskCliRunner, auth: AuthActions) -> None:
    make_instructor(runner, auth)
    page = client.get("/instructor/questions/places-match").text
    assert "As a matching question" in page and '<select id="form-1-match-0" name="match" required>' in page
    assert "Not a flashcard" in page and "As a flashcard" not in page
    assert "No learner has answered it in a quiz yet." in page
    with matching_app.app_context():
        session = db.get_session()
        for seed in range(5):
            quiz = quizzes.start_quiz(session, None, quizzes.QuizRequest("matching", "place", 1, seed), NOW)
            item = quiz.items[0]
            lefts, order = item.payload["lefts"], item.payload["answer_order"]
            onsong, kalun = lefts.index("the Onsong area"), lefts.index("Jiajiatun, Kalun")
            chosen = list(order)
            if seed % 2:  # the Onsong area given the Kalun Meeting, and back: two wrong pairings
                chosen[onsong], chosen[kalun] = order[kalun], order[onsong]
            quizzes.submit_answer(session, quiz.token, None, 0, ",".join(map(str, chosen)), NOW)
    page = client.get("/instructor/questions/places-match").text
    assert "Answered 5 times in quizzes and Learn, 60% right." in page
    rows = re.findall(r"<tr><td>([^<]*)</td><td>([^<]*)</td><td>([^<]*)</td><td>(\d+)</td></tr>", page)
    assert rows == [("Jiajiatun, Kalun", "The Kalun Meeting was held there", "A homeland party organization was formed there", "2"),
                    ("the Onsong area", "A homeland party organization was formed there", "The Kalun Meeting was held there", "2")]
    assert "places-match" in client.get("/instructor/?kind=matching").text


def test_i_was_right_overrides_show_in_the_statistics(app: Flask, client: FlaskClient, runner: FlaskCliRunner,
                                                     auth: AuthActions) -> None:
    from studyapp.learn import service as learn

    with app.app_context():
        session = db.get_session()
        row = learn.start(session, None, learn.LearnRequest("people", None, "typed", False), NOW, seed=3)
        asked = learn.current(session, row)
        learn.submit(session, row.token, None, asked.step, asked.key, "a typo nobody forgives", NOW)
        learn.override(session, row.token, None, asked.step, NOW)
        key = asked.key
    make_instructor(runner, auth)
    page = client.get(f"/instructor/questions/{key}").text
    assert "Answered 1 time in quizzes and Learn, 100% right." in page
    assert "1 of those was a typed answer" in page and "the learner counted as right (“I was right”)" in page
    table = client.get("/instructor/?sort=overridden").text
    people = table[table.index("<h3>People and places"):]
    first = re.search(r'<tbody>\s*<tr[^>]*><td><a href="/instructor/questions/([^"]+)"', people)
    assert first and first.group(1) == key and "“I was right”" in table
