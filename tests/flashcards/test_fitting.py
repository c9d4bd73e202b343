"""FSRS parameters fitted to each learner: the fit itself on a learner who forgets by known parameters, the rules of
when it runs and what it keeps, and the Settings page, the rating that starts it, the command line and the data file."""

from __future__ import annotations

import copy
import io
import json
import statistics
from datetime import datetime, timedelta, timezone

import fsrs
import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import select
from sqlalchemy.orm import Session

from studyapp import db
from studyapp.bank import load, sync
from studyapp.flashcards import fitting, optimizer, reviews, scheduler
from studyapp.flashcards.optimizer import Rated
from studyapp.flashcards.scheduler import Rating
from studyapp.flashcards.views import wait_for_fits
from studyapp.models import Learner, ParameterFit, ReviewLog
from tests.builders import cards_of
from tests.conftest import NOW, ROOT, AuthActions
from tests.flashcards import forgetful
from tests.flashcards.test_views import shown_card

START = datetime(2025, 1, 1, tzinfo=timezone.utc)


@pytest.fixture(scope="module")
def forgetful_history() -> list[Rated]:
    """600 cards over 150 days, scheduled by fsrs's defaults, recalled by the true curve."""
    return forgetful.study(600, 150, START, 1, forgetful.on_scheduler(fsrs.Scheduler(enable_fuzzing=False)))


def recall_error(history: list[Rated], parameters: tuple[float, ...]) -> float:
    """How far these parameters' recall predictions fall from the true ones, on every card, 10 days on."""
    model, truth = (fsrs.Scheduler(parameters=p, enable_fuzzing=False) for p in (parameters, forgetful.TRUE))
    cards: dict[int, tuple[fsrs.Card, fsrs.Card]] = {}
    for rated in history:
        mine, true = cards.get(rated.card_id) or (fsrs.Card(card_id=rated.card_id + 1), fsrs.Card(card_id=rated.card_id + 1))
        cards[rated.card_id] = (model.review_card(mine, Rating(rated.rating), rated.reviewed_at)[0],
                                truth.review_card(true, Rating(rated.rating), rated.reviewed_at)[0])
    later = history[-1].reviewed_at + timedelta(days=10)
    return statistics.fmean(abs(model.get_card_retrievability(mine, later) - truth.get_card_retrievability(true, later))
                            for mine, true in cards.values())


def test_the_fit_learns_a_forgetful_learner(forgetful_history: list[Rated]) -> None:
    found = optimizer.fit(forgetful_history, len(forgetful_history), None, 1)
    assert found.outcome == "replaced", found.message
    assert found.log_loss_after < found.log_loss_before and found.rmse_after < found.rmse_before
    assert found.message == f"Your schedule now fits your memory {found.better_by:.0%} better."
    assert found.items > 2000 and len(found.parameters) == 21
    # near the known parameters where the history shows them (the first stabilities), and in what they predict
    assert found.parameters[1] == pytest.approx(forgetful.TRUE[1], rel=0.3)
    assert found.parameters[2] == pytest.approx(forgetful.TRUE[2], rel=0.3)
    fitted, defaults = recall_error(forgetful_history, found.parameters), recall_error(forgetful_history, scheduler.DEFAULT_PARAMETERS)
    assert fitted < defaults * 0.7  # measured: 0.022 against 0.040
    fsrs.Scheduler(parameters=found.parameters)  # within fsrs's own bounds


def test_a_second_fit_of_the_same_history_keeps_the_parameters(forgetful_history: list[Rated]) -> None:
    first = optimizer.fit(forgetful_history, len(forgetful_history), None, 1)
    again = optimizer.fit(forgetful_history, len(forgetful_history), first.parameters, 1)
    assert again.outcome == "kept" and again.message.startswith("Already a good fit")
    assert again.log_loss_before == pytest.approx(first.log_loss_after, abs=1e-6)


def test_below_the_threshold_the_fit_says_how_many_reviews_it_needs(forgetful_history: list[Rated]) -> None:
    found = optimizer.fit(forgetful_history[:120], 120, None, 1)
    assert (found.outcome, found.message, found.parameters) == ("too-few", "Not enough reviews yet (120 of 400).", None)


def test_a_history_of_single_days_keeps_the_parameters_and_says_why() -> None:
    day = [Rated(card, rating, START + timedelta(minutes=index), first=index % 3 == 0)
           for index, (card, rating) in enumerate((n // 3, 3) for n in range(600))]
    found = optimizer.fit(day, len(day), None, 1)
    assert found.outcome == "failed" and "FSRS learns from reviews on later days" in found.message
    assert found.parameters is None


def test_a_degenerate_history_keeps_the_parameters_and_says_why() -> None:
    """Every card seen once, then once more 200 days later: the optimizer leaves such intervals out, learns nothing."""
    rows = [Rated(card, 3, START + timedelta(days=day, seconds=card), first=day == 0) for day in (0, 200) for card in range(250)]
    rows.sort(key=lambda rated: rated.reviewed_at)
    found = optimizer.fit(rows, len(rows), None, 1)
    assert found.outcome == "kept" and found.message.startswith("Your reviews give the optimizer too little to learn")
    assert found.parameters == optimizer.storable(scheduler.DEFAULT_PARAMETERS)


def test_training_items_follow_anki_s_rules() -> None:
    at = START
    rows = [Rated(1, 3, at, True), Rated(1, 3, at + timedelta(minutes=10), False),  # same day: no item of its own
            Rated(1, 1, at + timedelta(days=2, hours=1), False), Rated(2, 3, at + timedelta(days=1), False),  # no first
            Rated(1, 3, at + timedelta(days=2, hours=2), False)]
    items, card_ids = optimizer.training_items(rows)
    assert card_ids == [1] and len(items) == 1 and len(items[0].reviews) == 3


def test_stored_parameters_are_within_fsrs_bounds() -> None:
    upper = list(scheduler.DEFAULT_PARAMETERS)
    upper[20] = 0.800000011920929  # a weight at its bound, as the optimizer's 32-bit floats return it
    stored = optimizer.storable(upper)
    assert stored[20] == 0.8
    fsrs.Scheduler(parameters=stored)


# -- the service, the pages, the command line ---------------------------------------------------------------------

CURATED = load.load_bank(ROOT / "questions")


@pytest.fixture
def curated(app: Flask) -> Flask:
    with app.app_context():
        sync.sync_bank(db.get_session(), CURATED, NOW + timedelta(seconds=1))
    return app


def studied_learner(session: Session, username: str, days: int = 60) -> Learner:
    """A learner (signed up already) who has studied 90 cards for `days` days, ending yesterday, and forgets fast."""
    learner = session.scalar(select(Learner).where(Learner.username == username))
    cards = list(cards_of(session, learner, NOW).values())
    settings = reviews.settings_of(learner, fuzz=False)

    def schedule(number: int, rating: Rating, now: datetime) -> datetime:
        reviews.record_rating(session, learner, cards[number], rating, now, settings)
        return cards[number].due

    forgetful.study(90, days, datetime.now(timezone.utc) - timedelta(days=days + 1), 7, schedule)
    session.commit()
    return learner


def test_fit_from_settings_then_reset(curated: Flask, client: FlaskClient, auth: AuthActions) -> None:
    auth.register("ada")
    with curated.app_context():
        session = db.get_session()
        count = fitting.review_count(session, studied_learner(session, "ada").id)
    assert count >= optimizer.MIN_REVIEWS
    page = client.get("/settings").text
    assert "Your schedule uses FSRS's default parameters" in page and "Reset to defaults" not in page
    response = client.post("/settings/fit")
    assert response.status_code == 302 and response.headers["Location"].endswith("/settings#fsrs-heading")
    wait_for_fits()
    page = client.get("/settings").text
    assert "Your schedule now fits your memory" in page and "% better." in page
    assert "Log loss" in page and "RMSE (bins)" in page and "Reset to defaults" in page
    with curated.app_context():
        session = db.get_session()
        ada = session.scalar(select(Learner).where(Learner.username == "ada"))
        fit = fitting.latest(session, ada.id)
        assert (fit.outcome, fit.trigger, fit.stage, fit.reviews) == ("replaced", "button", "done", count)
        assert ada.fsrs_parameters == fit.parameters and ada.fitted_at_reviews == count and ada.fit_started_at is None
        assert ", ".join(str(value) for value in ada.fsrs_parameters) in page  # behind the disclosure
        # the schedule is fsrs's own with those parameters
        card = next(card for card in cards_of(session, ada, NOW).values() if card.reps > 1)
        now = card.due + timedelta(hours=1)
        mine = scheduler.next_review(card.id, reviews.state_of(card), Rating.GOOD, now, reviews.settings_of(ada, fuzz=False))
        theirs, _ = fsrs.Scheduler(parameters=ada.fsrs_parameters, desired_retention=ada.desired_retention,
                                   enable_fuzzing=False).review_card(
            fsrs.Card(card_id=card.id, state=fsrs.State(card.state), step=card.step, stability=card.stability,
                      difficulty=card.difficulty, due=card.due, last_review=card.last_review), fsrs.Rating.Good, now)
        assert (mine.due, mine.stability, mine.difficulty) == (theirs.due, theirs.stability, theirs.difficulty)
        # every studied card's memory state was worked out again from its history with the new parameters
        replay = fsrs.Scheduler(parameters=ada.fsrs_parameters, enable_fuzzing=False)
        logs = session.scalars(select(ReviewLog).where(ReviewLog.card_id == card.id, ReviewLog.is_undone.is_(False))
                               .order_by(ReviewLog.reviewed_at, ReviewLog.id))
        replayed = fsrs.Card(card_id=card.id)
        for log in logs:
            replayed, _ = replay.review_card(replayed, fsrs.Rating(log.rating), log.reviewed_at)
        assert card.stability == pytest.approx(replayed.stability, rel=1e-4)
        assert card.difficulty == pytest.approx(replayed.difficulty, rel=1e-4)
        assert "studied cards were worked out again with them" in fit.message
    page = client.post("/settings/reset-parameters", follow_redirects=True).text.replace("&#39;", "'")
    assert "Your schedule uses FSRS's default parameters again." in page
    with curated.app_context():
        assert db.get_session().scalar(select(Learner.fsrs_parameters).where(Learner.username == "ada")) is None


def test_a_fit_under_way_shows_its_progress_and_is_not_started_twice(app: Flask, client: FlaskClient,
                                                                    auth: AuthActions) -> None:
    auth.register("ada")
    with app.app_context():
        session = db.get_session()
        ada = session.scalar(select(Learner).where(Learner.username == "ada"))
        fit = fitting.start(session, ada, datetime.now(timezone.utc), "button")
        fit.stage, fit.reviews = "fitting", 812
        session.commit()
        assert fitting.start(session, ada, datetime.now(timezone.utc), "button") is None  # claimed already
    page = client.get("/settings").text
    assert 'data-poll="/settings/fit-status"' in page and "Reload to see how it goes" in page
    assert "Fitting the model to them (812 reviews)" in page and '<progress id="fit-progress" max="3" value="2">' in page
    assert "disabled>Fit to my reviews now" in page
    part = client.get("/settings/fit-status").text  # what app.js fetches each second
    assert part.lstrip().startswith("<div id=\"fit-status\"") and "(812 reviews)" in part and "<html" not in part
    assert "already under way" in client.post("/settings/fit", follow_redirects=True).text
    with app.app_context():  # a fit whose process died long ago: no longer shown as running, and taken over
        session = db.get_session()
        ada = session.scalar(select(Learner).where(Learner.username == "ada"))
        dead = fitting.latest(session, ada.id)
        dead.started_at -= fitting.STALE * 2
        ada.fit_started_at = dead.started_at
        session.commit()
    page = client.get("/settings").text
    assert "data-poll" not in page and "disabled>" not in page
    with app.app_context():
        session = db.get_session()
        ada = session.scalar(select(Learner).where(Learner.username == "ada"))
        assert fitting.start(session, ada, datetime.now(timezone.utc), "button") is not None
        old = session.get(ParameterFit, dead.id)
        assert (old.stage, old.outcome) == ("done", "failed") and "stopped before it finished" in old.message


def test_below_the_threshold_the_button_says_how_many_reviews_are_needed(app: Flask, client: FlaskClient,
                                                                        auth: AuthActions) -> None:
    auth.register("ada")
    card_id, version = shown_card(client.get("/review").text)
    client.post(f"/review/{card_id}/rate", data={"rating": "3", "version": version})
    client.post("/settings/fit")
    wait_for_fits()
    assert "Not enough reviews yet (1 of 400)." in client.get("/settings").text


def test_the_first_rating_of_a_day_starts_the_automatic_fit_when_due(curated: Flask, client: FlaskClient,
                                                                    auth: AuthActions) -> None:
    auth.register("ada")
    with curated.app_context():
        session = db.get_session()
        studied_learner(session, "ada")

    def rate_one() -> str:
        card_id, version = shown_card(client.get("/review").text)
        return client.post(f"/review/{card_id}/rate", data={"rating": "3", "version": version}, follow_redirects=True).text

    assert "your parameters are being fitted" in rate_one()
    wait_for_fits()
    assert "your parameters are being fitted" not in rate_one()  # checked once a study day
    with curated.app_context():
        session = db.get_session()
        ada = session.scalar(select(Learner).where(Learner.username == "ada"))
        (fit,) = session.scalars(select(ParameterFit).where(ParameterFit.learner_id == ada.id))
        assert fit.trigger == "automatic" and fit.outcome == "replaced" and ada.fitted_at_reviews == fit.reviews
        ada.fit_checked_on = None  # another day, and fewer than twice the reviews of the last fit: no fit
        session.commit()
    rate_one()
    with curated.app_context():
        session = db.get_session()
        ada = session.scalar(select(Learner).where(Learner.username == "ada"))
        assert session.scalar(select(ParameterFit.id).where(ParameterFit.id != fit.id)) is None
        ada.fit_checked_on, ada.fitted_at_reviews = None, ada.fitted_at_reviews // 2  # reviews have doubled since
        session.commit()
    assert "your parameters are being fitted" in rate_one()
    wait_for_fits()


def test_a_reset_while_the_fit_runs_is_not_overwritten(curated: Flask, auth: AuthActions) -> None:
    auth.register("ada")
    with curated.app_context():
        session = db.get_session()
        ada = studied_learner(session, "ada")
        mine = [0.3, 1.1, *scheduler.DEFAULT_PARAMETERS[2:]]

        def meanwhile(stage: str) -> None:  # another request (an import, say) sets the parameters while it fits
            if stage == "fitting":
                other = db.new_session()
                other.get(Learner, ada.id).fsrs_parameters = mine
                other.commit()
                other.close()

        fit = fitting.run(session, fitting.start(session, ada, datetime.now(timezone.utc), "button").id,
                          lambda: datetime.now(timezone.utc), meanwhile)
        assert fit.outcome == "kept" and "changed while the fit ran" in fit.message
        assert session.get(Learner, ada.id).fsrs_parameters == mine
        fitting.reset(session, ada)  # stored as SQL NULL, not JSON null
        assert session.scalar(select(Learner.id).where(Learner.id == ada.id, Learner.fsrs_parameters.is_(None))) == ada.id


def test_cli_fits_a_named_learner(curated: Flask, runner: FlaskCliRunner, auth: AuthActions) -> None:
    auth.register("bea")
    with curated.app_context():
        session = db.get_session()
        studied_learner(session, "bea")
    result = runner.invoke(args=["users", "fit", "bea"])
    assert result.exit_code == 0, result.output
    assert "Fitting the model to them" in result.output and "Your schedule now fits your memory" in result.output
    assert "log loss" in result.output
    assert runner.invoke(args=["users", "fit", "nobody"]).exit_code == 1


def test_the_data_file_carries_the_parameters(curated: Flask, client: FlaskClient, auth: AuthActions) -> None:
    auth.register("ada")
    with curated.app_context():
        session = db.get_session()
        ada = session.scalar(select(Learner).where(Learner.username == "ada"))
        ada.fsrs_parameters = [0.3, 1.1, *scheduler.DEFAULT_PARAMETERS[2:]]
        session.commit()
        fitted = ada.fsrs_parameters
    exported = client.get("/auth/account/export.json").json
    assert exported["settings"]["fsrs_parameters"] == fitted
    auth.logout()
    auth.register("bob")

    def upload(content: dict) -> str:
        body = io.BytesIO(json.dumps(content).encode())
        return client.post("/auth/account/import", data={"data_file": (body, "data.json"), "take_settings": "y"},
                           follow_redirects=True).text

    bad = copy.deepcopy(exported)
    bad["settings"]["fsrs_parameters"][20] = 3.0
    assert "settings: fsrs_parameters.20 is 3.0, outside FSRS's bounds (0.1 to 0.8)" in upload(bad).replace("&#39;", "'")
    assert "Your settings were taken from the file." in upload(exported)
    with curated.app_context():
        assert db.get_session().scalar(select(Learner.fsrs_parameters).where(Learner.username == "bob")) == fitted
    older = copy.deepcopy(exported)  # a file from before fitting has no parameters: bob keeps his
    del older["settings"]["fsrs_parameters"]
    older["settings"]["new_per_day"] = 7
    assert "Your settings were taken from the file." in upload(older)
    with curated.app_context():
        bob = db.get_session().scalar(select(Learner).where(Learner.username == "bob"))
        assert (bob.new_per_day, bob.fsrs_parameters) == (7, fitted)


def test_instructors_never_see_a_learner_s_parameters(curated: Flask, client: FlaskClient, runner: FlaskCliRunner,
                                                     auth: AuthActions) -> None:
    from tests.instructor.test_instructor import make_instructor

    auth.register("ada")
    with curated.app_context():
        session = db.get_session()
        ada = session.scalar(select(Learner).where(Learner.username == "ada"))
        ada.fsrs_parameters = [0.123457, *scheduler.DEFAULT_PARAMETERS[1:]]
        session.commit()
    auth.logout()
    make_instructor(runner, auth)
    for url in ("/instructor/", "/instructor/questions/src-formed"):
        page = client.get(url)
        assert page.status_code == 200 and "0.123457" not in page.text and "parameters" not in page.text.lower()
