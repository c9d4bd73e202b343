"""What every page's view asks of the request: the one reading of the clock, and who is signed in."""

from __future__ import annotations

from datetime import datetime, timezone

from flask_login import current_user


def utcnow() -> datetime:
    """The request's one reading of the clock, in UTC."""
    return datetime.now(timezone.utc)


def learner_id() -> int | None:
    """The signed-in learner's id, or None for a visitor."""
    return current_user.id if current_user.is_authenticated else None


def practice_by_default() -> bool:
    """Whether the signed-in learner's quizzes and Learn sessions start as practice (a visitor's: no)."""
    return bool(current_user.is_authenticated and current_user.practice_by_default)
