"""Service: learners' accounts (sign-up, sign-in) with werkzeug password hashes."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from studyapp.errors import InvalidInput, NotFound
from studyapp.models import Learner

_DUMMY_HASH = generate_password_hash("not a password of anyone")


class Throttled(InvalidInput):
    """Too many failed sign-ins: the account is locked for a while."""


def register(session: Session, username: str, password: str, now: datetime) -> Learner:
    """Create a learner; raises InvalidInput when the name is taken."""
    username = username.strip()
    if find_learner(session, username) is not None:
        raise InvalidInput(f"The name '{username}' is already taken; choose another or sign in.")
    learner = Learner(username=username, password_hash=generate_password_hash(password), created_at=now)
    session.add(learner)
    session.commit()
    return learner


def authenticate(session: Session, username: str, password: str, now: datetime,
                 max_failures: int = 5, lock_minutes: int = 15) -> Learner | None:
    """The learner with these credentials, or None; raises Throttled after repeated failures."""
    learner = find_learner(session, username)
    if learner is None:
        check_password_hash(_DUMMY_HASH, password)  # the same work either way: no timing hint at which names exist
        return None
    if learner.locked_until is not None and learner.locked_until > now:
        minutes = max(1, round((learner.locked_until - now).total_seconds() / 60))
        raise Throttled(f"Too many failed sign-ins for this account. Try again in {minutes} minute{'s' if minutes != 1 else ''}.")
    if not check_password_hash(learner.password_hash, password):
        learner.failed_logins += 1
        if learner.failed_logins >= max_failures:
            learner.failed_logins, learner.locked_until = 0, now + timedelta(minutes=lock_minutes)
        session.commit()
        return None
    if learner.failed_logins or learner.locked_until:
        learner.failed_logins, learner.locked_until = 0, None
        session.commit()
    return learner


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
