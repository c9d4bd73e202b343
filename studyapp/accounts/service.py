"""Service: learners' accounts (sign-up, sign-in, sign-out) with werkzeug password hashes; a learner's cards come into being here."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import case, func, literal, null, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from studyapp.db import UTCDateTime
from studyapp.errors import InvalidInput, NotFound
from studyapp.flashcards import reviews, scheduler
from studyapp.models import Learner

_DUMMY_HASH = generate_password_hash("not a password of anyone")


class Throttled(InvalidInput):
    """Too many failed sign-ins: the account is locked for a while."""


def register(session: Session, username: str, password: str, now: datetime, timezone: str | None = None) -> Learner:
    """Create a learner (in `timezone` when it is a known zone, else UTC); raises InvalidInput when the name is taken."""
    username = username.strip()
    if find_learner(session, username) is not None:
        raise InvalidInput(_taken(username))
    learner = Learner(username=username, password_hash=generate_password_hash(password), created_at=now,
                      timezone=timezone if timezone and scheduler.is_real_zone(timezone) else "UTC")
    session.add(learner)
    try:
        session.flush()
        reviews.ensure_cards(session, learner)
        session.commit()
    except IntegrityError:  # a sign-up for the same name committed after our check (the unique indexes decide)
        session.rollback()
        raise InvalidInput(_taken(username)) from None
    return learner


def _taken(username: str) -> str:
    return f"The name '{username}' is already taken; choose another or sign in."


def authenticate(session: Session, username: str, password: str, now: datetime,
                 max_failures: int = 5, lock_minutes: int = 15) -> Learner | None:
    """The learner with these credentials, or None; raises Throttled after repeated failures.

    Each attempt is counted before its password is checked, so even attempts in parallel check at most
    `max_failures` wrong passwords before the account locks for `lock_minutes`.
    """
    learner = find_learner(session, username)
    if learner is None:
        check_password_hash(_DUMMY_HASH, password)  # the same work either way: no timing hint at which names exist
        return None
    if _start_attempt(session, learner.id, now, max_failures, lock_minutes) is None:
        raise Throttled(_lock_message(session, learner.id, now))
    if not check_password_hash(learner.password_hash, password):
        return None  # already counted (and locked at the limit) by _start_attempt
    session.execute(update(Learner).where(Learner.id == learner.id).values(failed_logins=0, locked_until=None))
    reviews.ensure_cards(session, learner)  # questions a bank sync added since this learner's cards were made
    session.commit()
    return learner


def sign_out(session: Session, learner_id: int) -> None:
    """End every copy of the learner's session: a new epoch makes every older session id void."""
    session.execute(update(Learner).where(Learner.id == learner_id).values(session_epoch=Learner.session_epoch + 1))
    session.commit()


def _start_attempt(session: Session, learner_id: int, now: datetime, max_failures: int, lock_minutes: int) -> int | None:
    """Count a sign-in attempt, locking the account when it reaches the limit; None when it is locked.

    One UPDATE, committed before the slow password check: parallel attempts (other workers) see each
    other's counts, and a worker that dies mid-check still leaves a lock that expires.
    """
    lock_expired = Learner.locked_until.is_not(None)  # the WHERE below lets only an expired lock through
    attempt = case((lock_expired, 0), else_=Learner.failed_logins) + 1
    counted = session.scalar(
        update(Learner)
        .where(Learner.id == learner_id, or_(Learner.locked_until.is_(None), Learner.locked_until <= now))
        .values(failed_logins=attempt,
                locked_until=case((attempt >= max_failures, literal(now + timedelta(minutes=lock_minutes), UTCDateTime())),
                                  else_=null()))
        .returning(Learner.failed_logins)
    )
    session.commit()  # its own commit: the count must be visible to other attempts before the password is checked
    return counted


def _lock_message(session: Session, learner_id: int, now: datetime) -> str:
    locked_until = session.scalar(select(Learner.locked_until).where(Learner.id == learner_id))
    minutes = max(1, round((locked_until - now).total_seconds() / 60)) if locked_until is not None else 1
    return f"Too many failed sign-ins for this account. Try again in {minutes} minute{'s' if minutes != 1 else ''}."


def find_learner(session: Session, username: str) -> Learner | None:
    """The learner with this name (case does not matter), or None."""
    return session.scalar(select(Learner).where(func.lower(Learner.username) == username.strip().lower()))


def make_instructor(session: Session, username: str) -> Learner:
    """Give a learner the instructor role; raises NotFound."""
    learner = find_learner(session, username)
    if learner is None:
        raise NotFound(f"No learner is called '{username}'.")
    learner.is_instructor = True
    session.commit()
    return learner
