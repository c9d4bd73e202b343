"""Service: fitting a learner's FSRS parameters to their reviews, on demand or automatically, one fit at a time.

A fit is claimed with a conditional write on the learner (two tabs, two workers: one fit), recorded as a
ParameterFit row whose stage the Settings page shows while it runs, and run off the request (a thread of
its own, with a session of its own). The automatic fit is checked at a learner's first rating of each study
day: once they have optimizer.MIN_REVIEWS reviews, and again each time their review count has doubled.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta

from sqlalchemy import bindparam, func, or_, select, update
from sqlalchemy.orm import Session

from studyapp import tallies
from studyapp.flashcards import optimizer, reviews, scheduler
from studyapp.flashcards.optimizer import Rated
from studyapp.models import Card, Learner, ParameterFit, ReviewLog

log = logging.getLogger(__name__)
STAGES = {"reading": "Reading your reviews", "fitting": "Fitting the model to them",
          "comparing": "Comparing with your current parameters", "done": "Done"}
STALE = timedelta(minutes=10)  # a claim older than this belongs to a fit whose process died: it may be taken again


def review_count(session: Session, learner_id: int) -> int:
    """The learner's ratings that stand (undone ones left out)."""
    return session.scalar(select(func.count()).select_from(ReviewLog).where(
        ReviewLog.learner_id == learner_id, ReviewLog.is_undone.is_(False))) or 0


def history(session: Session, learner_id: int) -> Iterator[Rated]:
    """The learner's ratings in review order, as the optimizer reads them."""
    rows = session.execute(select(ReviewLog.card_id, ReviewLog.rating, ReviewLog.reviewed_at, ReviewLog.kind)
                           .where(ReviewLog.learner_id == learner_id, ReviewLog.is_undone.is_(False))
                           .order_by(ReviewLog.reviewed_at, ReviewLog.id).execution_options(yield_per=5000))
    for card_id, rating, reviewed_at, kind in rows:
        yield Rated(card_id, rating, reviewed_at, kind == "new")


def latest(session: Session, learner_id: int) -> ParameterFit | None:
    """The learner's most recent fit (under way or done)."""
    return session.scalar(select(ParameterFit).where(ParameterFit.learner_id == learner_id)
                          .order_by(ParameterFit.id.desc()).limit(1))


def is_running(fit: ParameterFit | None, now: datetime) -> bool:
    """Whether the fit is still under way (one unfinished after STALE belongs to a process that died)."""
    return fit is not None and fit.stage != "done" and fit.started_at > now - STALE


def start(session: Session, learner: Learner, now: datetime, trigger: str) -> ParameterFit | None:
    """Claim the learner's fit and record it; None when a fit of theirs is already under way.

    Fits left unfinished by a process that died are closed as failed first.
    """
    claimed = session.execute(update(Learner).where(
        Learner.id == learner.id, or_(Learner.fit_started_at.is_(None), Learner.fit_started_at < now - STALE))
        .values(fit_started_at=now).execution_options(synchronize_session=False))
    if claimed.rowcount != 1:
        session.rollback()
        return None
    session.execute(update(ParameterFit).where(ParameterFit.learner_id == learner.id, ParameterFit.stage != "done")
                    .values(stage="done", outcome="failed", finished_at=now,
                            message="That fit stopped before it finished. Your parameters are as they were."))
    fit = ParameterFit(learner_id=learner.id, started_at=now, trigger=trigger, stage="reading")
    session.add(fit)
    session.commit()
    return fit


def run(session: Session, fit_id: int, clock: Callable[[], datetime],
        progress: Callable[[str], None] | None = None) -> ParameterFit:
    """Do the fit: read the history, fit, compare; store the parameters only when they predict it better."""
    fit = session.get(ParameterFit, fit_id)
    learner = session.get(Learner, fit.learner_id)
    started_from = learner.fsrs_parameters
    try:
        fit.reviews = review_count(session, learner.id)
        _stage(session, fit, "fitting", progress)
        settings = reviews.settings_of(learner)
        same_day = sum(step < timedelta(days=1) for step in settings.relearning_steps)
        rated = list(history(session, learner.id))  # read once: the fit, then (when kept) the memory states
        found = optimizer.fit(rated, fit.reviews, learner.fsrs_parameters, same_day)
        _stage(session, fit, "comparing", progress)
        fit.outcome, fit.message, fit.items = found.outcome, found.message, found.items
        fit.parameters = list(found.parameters) if found.parameters else None
        fit.log_loss_before, fit.log_loss_after = found.log_loss_before, found.log_loss_after
        fit.rmse_before, fit.rmse_after = found.rmse_before, found.rmse_after
        session.refresh(learner)  # a reset or an import while the fit ran is not overwritten
        if found.outcome == "replaced" and learner.fsrs_parameters != started_from:
            fit.outcome = "kept"
            fit.message = ("Your parameters changed while the fit ran (a reset or an import): they are left as they "
                           "are now.")
        elif found.outcome == "replaced":
            learner.fsrs_parameters = list(found.parameters)  # type: ignore[arg-type]
            fit.message += (f" The memory states of your {_recompute(session, learner.id, rated, found.parameters)} studied "
                            "cards were worked out again with them; due dates are as they were.")
        if found.outcome != "too-few":
            learner.fitted_at_reviews = fit.reviews
    except Exception:  # any failure keeps the parameters and says so; the claim is released below
        log.exception("fitting the FSRS parameters of learner %s failed", learner.id)
        session.rollback()
        fit, learner = session.get(ParameterFit, fit_id), session.get(Learner, learner.id)
        fit.outcome = "failed"
        fit.message = "The fit stopped on an error (it is in the server's log). Your parameters are as they were."
    fit.stage, fit.finished_at, learner.fit_started_at = "done", clock(), None
    session.commit()
    if progress:
        progress("done")
    return fit


def _recompute(session: Session, learner_id: int, rated: list[Rated], parameters: tuple[float, ...]) -> int:
    """Replay every studied card's history with the new parameters and store its memory state (due dates stay).

    A plain UPDATE, not the versioned flush: a rating open in another tab still counts (no card changed hands).
    """
    states = optimizer.memory_states(rated, parameters)
    cards = Card.__table__
    if states:
        tallies.claim(session, [learner_id])  # before the cards, as every writer of the counts (see tallies)
        session.execute(update(cards).where(cards.c.id == bindparam("card"), cards.c.learner_id == learner_id)
                        .values(stability=bindparam("s"), difficulty=bindparam("d")),
                        [{"card": card, "s": s, "d": d} for card, (s, d) in states.items()])
        tallies.rebuild_cards(session, [learner_id])  # a card's stability says whether it is mastered
    return len(states)


def _stage(session: Session, fit: ParameterFit, stage: str, progress: Callable[[str], None] | None) -> None:
    fit.stage = stage
    session.commit()  # the Settings page (another request) shows it
    if progress:
        progress(stage)


def automatic_fit_due(session: Session, learner: Learner, now: datetime) -> bool:
    """At the learner's first rating of a study day: whether an automatic fit is due (the day is noted either way)."""
    today = scheduler.study_date(now, learner.timezone, learner.day_starts_hour)
    if learner.fit_checked_on == today:
        return False
    learner.fit_checked_on = today
    tallies.rebuild_cards(session, [learner.id])  # once a day: sets right a rating raced with a sync (see tallies)
    session.commit()
    count = review_count(session, learner.id)
    return count >= optimizer.MIN_REVIEWS and count >= 2 * learner.fitted_at_reviews


def reset(session: Session, learner: Learner) -> None:
    """Back to fsrs's default parameters."""
    learner.fsrs_parameters = None
    session.commit()
