"""Service: learners' accounts (sign-up, sign-in) with werkzeug password hashes."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from studyapp.errors import InvalidInput, NotFound
from studyapp.models import Learner


def register(session: Session, username: str, password: str, now: datetime) -> Learner:
    """Create a learner; raises InvalidInput when the name is taken."""
    username = username.strip()
    if find_learner(session, username) is not None:
        raise InvalidInput(f"The name '{username}' is already taken; choose another or sign in.")
    learner = Learner(username=username, password_hash=generate_password_hash(password), created_at=now)
    session.add(learner)
    session.commit()
    return learner


def authenticate(session: Session, username: str, password: str) -> Learner | None:
    """The learner with these credentials, or None."""
    learner = find_learner(session, username)
    if learner is None or not check_password_hash(learner.password_hash, password):
        return None
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
