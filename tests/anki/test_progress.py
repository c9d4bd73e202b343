"""A learner's .apkg carries their progress: the real Anki library imports it and goes on where the app left off."""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from pathlib import Path

import fsrs
import pytest
from flask import Flask
from sqlalchemy.orm import Session

from studyapp import db
from studyapp.anki import formats, progress
from studyapp.anki import service as anki
from studyapp.anki.progress import FIRST_DAY, Timing
from studyapp.bank import load, sync
from studyapp.flashcards import reviews, scheduler
from studyapp.flashcards.scheduler import Rating, State
from studyapp.models import Card, Learner, ReviewLog
from tests.builders import add_learner, cards_of
from tests.conftest import NOW, ROOT

pytest.importorskip("anki.collection", reason="the anki package (a test dependency) is not installed")
ANKI_SIDE = Path(__file__).with_name("anki_side.py")
DAYS = 90
AWAY = 6  # the learner's last evening of study was this many days ago: some cards are due again by now
CURATED = load.load_bank(ROOT / "questions")


def study(session: Session, learner: Learner, end: datetime, seed: int) -> dict[str, Card]:
    """Ninety days of a learner's study up to a few days before `end`: new cards for two weeks, every due card
    each evening, learning steps the same evening, lapses (a forgetful learner); then, at the end, a lapse, a
    suspended and a buried card, and one rating undone."""
    rng = random.Random(seed)
    random.seed(seed)  # fsrs fuzzes with the global generator
    settings = reviews.settings_of(learner)
    cards = cards_of(session, learner, end)
    pool = list(cards.values())[:30]
    zone = scheduler.ZoneInfo(learner.timezone)
    started = []
    for day in range(DAYS, AWAY, -1):
        evening = (end - timedelta(days=day)).astimezone(zone).replace(hour=20, minute=30, second=0, microsecond=0)
        moment = evening.astimezone(timezone.utc)
        if len(started) < 30:
            started += [pool.pop(0), pool.pop(0)]
        for _ in range(6):  # the evening's passes: each brings back the learning cards due by then
            due = [card for card in started if card.reps == 0 or card.due.astimezone(timezone.utc) <= moment]
            for card in due:
                learning = card.reps == 0 or card.state != State.REVIEW
                rating = rng.choices([1, 2, 3, 4], [20, 5, 70, 5] if learning else [15, 10, 65, 10])[0]
                reviews.record_rating(session, learner, card, Rating(rating), moment, settings, rng.randint(2000, 90000))
                moment += timedelta(seconds=20)
            session.commit()
            moment += timedelta(minutes=11)
    reviewed = sorted((card for card in started if card.state == State.REVIEW), key=lambda card: card.id)
    lapsing, suspended, buried = reviewed[:3]
    reviews.record_rating(session, learner, lapsing, Rating.AGAIN, end - timedelta(minutes=2), settings, 5000)
    reviews.record_rating(session, learner, suspended, Rating.GOOD, end - timedelta(minutes=1), settings, 5000)
    session.commit()
    reviews.undo_last(session, learner, end - timedelta(seconds=30))
    reviews.set_suspended(session, learner.id, suspended.id, True)
    reviews.bury(session, learner, buried.id, end - timedelta(seconds=10))
    return {key: card for key, card in cards.items() if card in started}


def import_into_anki(package: Path, tmp_path: Path, learner: Learner, scheduling: bool = True) -> dict:
    environment = {**os.environ, "TZ": learner.timezone, "ANKI_TEST_MODE": "1"}
    args = [sys.executable, str(ANKI_SIDE), str(package), str(tmp_path / "collection.anki2"), str(learner.day_starts_hour)]
    done = subprocess.run([*args, *([] if scheduling else ["--no-scheduling"])], env=environment, capture_output=True,
                          text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


@pytest.fixture
def curated_app(app: Flask) -> Flask:
    with app.app_context():
        sync.sync_bank(db.get_session(), CURATED, NOW + timedelta(seconds=1))
    return app


FITTED = (0.3, 1.1, 3.2, 9.5, *scheduler.DEFAULT_PARAMETERS[4:])  # as a fit might leave them


@pytest.mark.parametrize(("zone", "hour", "steps", "parameters"),
                         [("Asia/Seoul", 4, "1m 10m", None), ("America/New_York", 0, "10m 1d", FITTED)])
def test_anki_goes_on_where_the_app_left_off(curated_app: Flask, tmp_path: Path, zone: str, hour: int, steps: str,
                                             parameters: tuple[float, ...] | None) -> None:
    end = datetime.now(timezone.utc).replace(microsecond=0)
    with curated_app.app_context():
        session = db.get_session()
        learner = add_learner(session, "mover", end - timedelta(days=DAYS + 1), timezone=zone, day_starts_hour=hour,
                              learning_steps=steps, desired_retention=0.87, new_per_day=15, reviews_per_day=150,
                              fsrs_parameters=list(parameters) if parameters else None)
        studied = study(session, learner, end, seed=len(zone))
        logs = session.query(ReviewLog).filter_by(learner_id=learner.id, is_undone=False).count()
        assert logs >= 200
        notes, package = anki.learner_package(session, learner, anki.ExportFilter(), end)
        formats.write_apkg(notes, tmp_path / "mine.apkg", end.timestamp(), package)
        plain = reviews.settings_of(learner, fuzz=False)
        timing = Timing(zone, hour)
        anki_side = import_into_anki(tmp_path / "mine.apkg", tmp_path, learner)
        assert anki_side["imports"][0] == {"new": len(studied), "duplicate": 0, "revlog": logs}
        # a second import of the same package adds nothing and changes no schedule: Anki skips cards it holds
        assert anki_side["imports"][1] == {"new": 0, "duplicate": len(studied), "revlog": logs}
        cards = anki_side["cards"]
        kinds = set()
        good_checked, now = 0, datetime.now(timezone.utc)
        for key, card in studied.items():
            session.refresh(card)
            theirs = cards[formats.guid_for(key)]
            state = reviews.state_of(card)
            mine = session.query(ReviewLog).filter_by(card_id=card.id, is_undone=False).order_by(ReviewLog.reviewed_at).all()
            assert theirs["reps"] == card.reps and theirs["lapses"] == card.lapses
            assert theirs["revlog"] == [int(log.reviewed_at.timestamp() * 1000) for log in mine]
            assert [row[0] for row in theirs["revlog_rows"]] == [log.rating for log in mine]
            assert theirs["memory"] == pytest.approx([card.stability, card.difficulty], abs=1e-3)
            assert round(theirs["memory"][0], 4) == pytest.approx(round(card.stability, 4), abs=1.5e-4)
            kinds.add((card.state, theirs["queue"]))
            if card.is_suspended:
                assert theirs["queue"] == -1
            elif card.buried_until and card.buried_until > end:
                assert theirs["queue"] == -3
            if "due_date" in theirs:
                assert theirs["due_date"] == timing.study_date(card.due).isoformat(), key
            else:
                assert theirs["queue"] in (1, -1, -3) and theirs["due"] == int(card.due.timestamp())
            if card.state == State.REVIEW:
                assert theirs["type"] == 2
                assert theirs["ivl"] == (timing.study_date(card.due) - timing.study_date(card.last_review)).days
                if "good_days" in theirs and theirs["due_date"] <= timing.study_date(now).isoformat():
                    # Due or overdue (reviewed early, Anki keeps Good longer than the current interval). Anki counts
                    # the days since the last review by day starts passed, fsrs by 24-hour periods: the app is
                    # asked at the moment its count is Anki's.
                    elapsed = (scheduler.next_day_start(now, zone, hour) - card.last_review) // timedelta(days=1)
                    app_good = scheduler.preview(card.id, state, card.last_review + timedelta(days=elapsed, hours=1),
                                                 plain)[Rating.GOOD]
                    assert abs(theirs["good_days"] - app_good / timedelta(days=1)) <= 1, key
                    good_checked += 1
        assert {(State.REVIEW, 2), (State.REVIEW, -1), (State.REVIEW, -3)} <= kinds
        # the lapse of the last minutes is relearning today, or tomorrow when the learner's day rolls over meanwhile
        assert {(State.RELEARNING, 1), (State.RELEARNING, 3)} & kinds
        assert good_checked >= 3
        preset = anki_side["preset"]
        assert preset["params"] == pytest.approx(list(parameters or scheduler.DEFAULT_PARAMETERS), abs=1e-5)
        assert preset["desired_retention"] == pytest.approx(0.87)
        assert preset["learning_steps"] == [step / timedelta(minutes=1) for step in plain.learning_steps]
        assert (preset["new_per_day"], preset["reviews_per_day"]) == (15, 150)


def test_my_cards_apkg_from_the_browser_carries_twelve_ratings(app: Flask, client, auth, tmp_path: Path) -> None:
    """The issue's measurement: 12 cards rated Good on the review page, then My cards' .apkg imported with scheduling."""
    from tests.flashcards.test_views import shown_card

    auth.register("ada")
    page = client.get("/cards").text
    assert "“Import any learning progress”" in page and "“Import any deck presets”" in page and "once" in page
    for _ in range(12):
        card_id, version = shown_card(client.get("/review").text)
        assert client.post(f"/review/{card_id}/rate", data={"rating": "3", "version": version}).status_code == 302
    response = client.get("/cards/export.apkg")
    (tmp_path / "mine.apkg").write_bytes(response.data)
    response.close()
    with app.app_context():
        ada = db.get_session().query(Learner).filter_by(username="ada").one()
        anki_side = import_into_anki(tmp_path / "mine.apkg", tmp_path, ada)
    cards = anki_side["cards"].values()
    assert anki_side["imports"][0] == {"new": 12, "duplicate": 0, "revlog": 12}
    assert sum(card["reps"] == 1 for card in cards) == 12
    assert sum("memory" in card for card in cards) == 12
    assert all(card["type"] == 1 and card["queue"] == 1 and card["left"] == 1 for card in cards)  # at the 10m step
    assert anki_side["preset"]["params"] == pytest.approx(list(scheduler.DEFAULT_PARAMETERS), abs=1e-5)


def one_card_rated(session: Session, name: str, rating: Rating, days_ago: int) -> Learner:
    """A learner who has rated one card, `days_ago` days ago (by the real clock, which exports read)."""
    learner = add_learner(session, name, NOW - timedelta(days=3))
    card = next(iter(cards_of(session, learner, NOW).values()))
    reviews.record_rating(session, learner, card, rating, datetime.now(timezone.utc) - timedelta(days=days_ago),
                          reviews.settings_of(learner))
    session.commit()
    return learner


def test_cli_exports_a_named_learners_progress(app: Flask, runner, tmp_path: Path) -> None:
    with app.app_context():
        learner = one_card_rated(db.get_session(), "bea", Rating.EASY, days_ago=2)
    result = runner.invoke(args=["export", "anki", "--learner", "bea", "--format", "apkg", "-o", str(tmp_path / "b.apkg")])
    assert result.exit_code == 0, result.output
    assert "Wrote 1 notes" in result.output
    with app.app_context():
        anki_side = import_into_anki(tmp_path / "b.apkg", tmp_path, db.get_session().get(Learner, learner.id))
    (theirs,) = anki_side["cards"].values()
    assert theirs["type"] == 2 and theirs["queue"] == 2 and theirs["revlog_rows"][0][0] == 4
    missing = runner.invoke(args=["export", "anki", "--learner", "nobody", "--format", "apkg", "-o", str(tmp_path / "n.apkg")])
    assert missing.exit_code == 1 and "There is no learner called 'nobody'." in missing.output
    assert not (tmp_path / "n.apkg").exists()


def test_without_scheduling_anki_takes_the_notes_as_new(app: Flask, tmp_path: Path) -> None:
    """What the download page says of leaving "Import any learning progress" unticked."""
    with app.app_context():
        session = db.get_session()
        learner = one_card_rated(session, "cy", Rating.GOOD, days_ago=1)
        notes, package = anki.learner_package(session, learner, anki.ExportFilter(), datetime.now(timezone.utc))
        formats.write_apkg(notes, tmp_path / "c.apkg", NOW.timestamp(), package)
        anki_side = import_into_anki(tmp_path / "c.apkg", tmp_path, learner, scheduling=False)
    (theirs,) = anki_side["cards"].values()
    assert (theirs["type"], theirs["queue"], theirs["reps"], theirs["revlog"]) == (0, 0, 0, [])


SEOUL = Timing("Asia/Seoul", 4)
AT = datetime(2026, 11, 29, 12, 0, tzinfo=timezone.utc)  # 21:00 in Seoul


def preset(**changes: object) -> progress.Preset:
    values = dict(id=1, name="p", desired_retention=0.9, learning_steps=(timedelta(minutes=10), timedelta(days=1)),
                  relearning_steps=(timedelta(minutes=10),), maximum_interval_days=36500, new_per_day=20,
                  reviews_per_day=200, suspend_leeches=True, parameters=tuple(scheduler.DEFAULT_PARAMETERS))
    return progress.Preset(**{**values, **changes})


def test_day_numbers_are_study_dates_from_the_package_s_first_day() -> None:
    assert SEOUL.day_number(datetime(2000, 1, 1, 12, tzinfo=timezone.utc)) == 0  # 21:00 in Seoul, 1 January 2000
    assert SEOUL.day_number(datetime(2000, 1, 1, 18, tzinfo=timezone.utc)) == 0  # 03:00 the next morning: still day 0
    assert SEOUL.day_number(datetime(2000, 1, 1, 19, tzinfo=timezone.utc)) == 1  # 04:00: the next study day
    assert progress.FIRST_DAY == FIRST_DAY


def test_learning_cards_go_to_the_intraday_or_the_day_learning_queue() -> None:
    step = scheduler.CardState(State.LEARNING, 1, 3.0, 5.0, AT + timedelta(minutes=10), AT, reps=1)
    today = progress.card_columns(progress.CardProgress(step), AT, preset(), SEOUL)
    assert (today.type, today.queue, today.due, today.left) == (1, 1, int((AT + timedelta(minutes=10)).timestamp()), 1)
    tomorrow = progress.card_columns(progress.CardProgress(replace(step, due=AT + timedelta(days=1))), AT, preset(), SEOUL)
    assert (tomorrow.queue, tomorrow.due) == (3, SEOUL.day_number(AT) + 1)
    assert json.loads(today.data) == {"s": 3.0, "d": 5.0, "dr": 0.9, "decay": 0.154, "lrt": int(AT.timestamp())}


def test_held_learning_cards_keep_a_unix_time_and_relearning_ones_their_coming_interval() -> None:
    """Anki shifts day numbers only in the review and day-learning queues; a relearning card's ivl is what it
    graduates to, which Anki set from the lapse's stability."""
    tomorrow = scheduler.CardState(State.LEARNING, 1, 3.0, 5.0, AT + timedelta(days=1), AT, reps=1)
    held = progress.card_columns(progress.CardProgress(tomorrow, is_suspended=True), AT, preset(), SEOUL)
    assert (held.type, held.queue, held.due) == (1, -1, int((AT + timedelta(days=1)).timestamp()))
    relearning = scheduler.CardState(State.RELEARNING, 0, 4.2, 7.0, AT + timedelta(minutes=10), AT, reps=6, lapses=1)
    columns = progress.card_columns(progress.CardProgress(relearning), AT, preset(desired_retention=0.85), SEOUL)
    plain = fsrs.Scheduler(desired_retention=0.85, enable_fuzzing=False)
    assert (columns.type, columns.queue, columns.ivl) == (3, 1, plain._next_interval(stability=4.2))


def test_new_cards_stay_new_unless_suspended() -> None:
    new = scheduler.CardState()
    assert progress.card_columns(progress.CardProgress(new), AT, preset(), SEOUL) is None
    held = progress.card_columns(progress.CardProgress(new, is_suspended=True), AT, preset(), SEOUL)
    assert (held.type, held.queue, held.reps, held.data) == (0, -1, 0, "")
    review = scheduler.CardState(State.REVIEW, None, 20.0, 4.0, AT + timedelta(days=20), AT, reps=5)
    gone = progress.card_columns(progress.CardProgress(review, buried_until=AT), AT, preset(), SEOUL)
    assert gone.queue == 2  # a burial that has ended is no burial


def test_two_ratings_in_one_millisecond_get_two_revlog_ids() -> None:
    before, after = scheduler.CardState(), scheduler.CardState(State.LEARNING, 1, 2.3, 6.4, AT + timedelta(minutes=10), AT, 1)
    both = [progress.Review(3, AT, None, "new", before, after)] * 2
    taken: set[int] = set()
    rows = progress.revlog(both, SEOUL, taken) + progress.revlog(both[:1], SEOUL, taken)
    stamp = int(AT.timestamp() * 1000)
    assert [row.id for row in rows] == [stamp, stamp + 1, stamp + 2]
    assert rows[0].ivl == -600 and rows[0].last_ivl == 0 and rows[0].type == 0 and rows[0].time == 0
    assert rows[0].factor == round(((6.4 - 1) / 9 + 0.1) * 1000)


def test_practice_answers_go_as_cramming_that_anki_ignores(app: Flask, tmp_path: Path) -> None:
    """Practice (quiz and Learn) answers ride along as Anki's cramming rows; Anki's memory state leaves them out."""
    from studyapp.learn import service as learn
    from studyapp.quizzes import service as quizzes
    from tests.quizzes.test_views import right_answer

    now = datetime.now(timezone.utc).replace(microsecond=0)
    with app.app_context():
        session = db.get_session()
        learner = add_learner(session, "crammer", now - timedelta(days=10))
        quiz = quizzes.start_quiz(session, learner.id, quizzes.QuizRequest("founding", "place", 2, 3, practice=True),
                                  now - timedelta(minutes=5))
        keys = [item.payload["keys"][0] for item in quiz.items]
        cards = cards_of(session, learner, now)
        for key in keys:
            reviews.record_rating(session, learner, cards[key], Rating.GOOD, now - timedelta(days=3), reviews.settings_of(learner))
        session.commit()
        for item in quiz.items:  # one right, one wrong
            quizzes.submit_answer(session, quiz.token, learner.id, item.position,
                                  right_answer(item.payload) if item.position == 0 else "nowhere", now - timedelta(minutes=4))
        row = learn.start(session, learner.id, learn.LearnRequest(None, None, "typed", True, tuple(keys)), now, seed=1)
        asked = learn.current(session, row)
        learn.submit(session, row.token, learner.id, asked.step, asked.key, asked.question.typed_answer, now - timedelta(minutes=1))
        session.expire_all()
        graded = [item.is_correct for item in session.get(quizzes.Quiz, quiz.id).items]
        assert asked.key in keys
        graded.append(session.get(learn.LearnSession, row.id).answers[0].is_correct)
        states = {key: session.get(Card, cards[key].id) for key in keys}
        assert all(card.reps == 1 for card in states.values())  # practice rated nothing
        notes, package = anki.learner_package(session, learner, anki.ExportFilter(), now)
        formats.write_apkg(notes, tmp_path / "cram.apkg", now.timestamp(), package)
        anki_side = import_into_anki(tmp_path / "cram.apkg", tmp_path, learner)
    expected_cram = 3  # two quiz answers and one Learn answer, all practice
    assert anki_side["imports"][0]["revlog"] == 2 + expected_cram
    rows = [row for card in anki_side["cards"].values() for row in card["revlog_rows"]]
    cram = [row for row in rows if row[5] == progress.LOG_FILTERED]
    assert len(cram) == expected_cram and all(row[3] == 0 and row[2] == 0 for row in cram)  # factor 0: cramming
    assert sorted(row[0] for row in cram) == sorted(3 if right else 1 for right in graded)
    for key, card in states.items():
        theirs = anki_side["cards"][formats.guid_for(key)]
        assert theirs["reps"] == 1
        # Anki works the memory state out from the log, the cramming rows left out: the app's one rating
        assert theirs["computed"] == pytest.approx([card.stability, card.difficulty], abs=1e-3)
