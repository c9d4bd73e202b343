"""Service: learners' accounts (sign-up, sign-in, sign-out) with werkzeug password hashes; a learner's cards come into being here."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache

from sqlalchemy import Select, bindparam, delete, func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from studyapp.bank import catalog
from studyapp.errors import InvalidInput, NotFound
from studyapp.flashcards import reviews, scheduler
from studyapp.models import Learner, LoginThrottle

_DUMMY_HASH = generate_password_hash("not a password of anyone")


class Throttled(InvalidInput):
    """Too many failed sign-ins (or sign-ups) from this address: it must wait a while; the message says how long."""


@cache
def _signed_in_statement() -> Select:
    """The sign-in check's one statement, built once (building it was a seventh of a small page's time)."""
    return select(Learner, catalog.bank_version_column()).where(Learner.id == bindparam("learner_id"))


def find_signed_in(session: Session, learner_id: int, epoch: int) -> Learner | None:
    """The learner of a session cookie, unless signed out since; one statement, which also tells the session
    the bank's version (so the pages this request shows read the bank from memory)."""
    row = session.execute(_signed_in_statement(), {"learner_id": learner_id}).first()
    if row is None:
        return None
    learner, version = row
    catalog.note_bank_version(session, version)
    return learner if learner.session_epoch == epoch else None


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


@dataclass(frozen=True)
class Limits:
    """How many failures (or sign-ups) are free before the waits begin, and the longest wait."""

    account_failures: int = 5  # wrong passwords for one account from one address
    address_failures: int = 20  # wrong passwords from one address, whatever the accounts (password spraying)
    signups_per_hour: int = 10  # new accounts from one address
    longest_wait: timedelta = timedelta(minutes=15)
    first_wait: timedelta = timedelta(seconds=30)  # then twice as long after each further failure


def authenticate(session: Session, username: str, password: str, now: datetime, address: str,
                 limits: Limits = Limits()) -> Learner | None:
    """The learner with these credentials, or None; raises Throttled while this address must wait.

    Failures are counted per account from this address and per address across accounts, each attempt before
    its password is checked (so parallel guesses check no more than the free ones); past the free ones each
    failure makes the next wait twice as long. Nothing another address does can keep a learner out.
    """
    account_key, address_key = f"account:{username.strip().lower()}@{address}", f"address:{address}"
    for key, free in ((account_key, limits.account_failures), (address_key, limits.address_failures)):
        if not _count_attempt(session, key, now, free, limits):
            session.rollback()
            raise Throttled(_wait_message(session, key, now))
    session.commit()  # counted and visible to other attempts before the slow password check
    learner = find_learner(session, username)
    if learner is None:
        check_password_hash(_DUMMY_HASH, password)  # the same work either way: no timing hint at which names exist
        return None
    if not check_password_hash(learner.password_hash, password):
        return None  # already counted
    session.execute(delete(LoginThrottle).where(LoginThrottle.key == account_key))
    session.execute(update(LoginThrottle).where(LoginThrottle.key == address_key, LoginThrottle.failures > 0)
                    .values(failures=LoginThrottle.failures - 1))  # this attempt was no failure
    reviews.ensure_cards(session, learner)  # questions a bank sync added since this learner's cards were made
    session.commit()
    return learner


def check_signup_allowed(session: Session, address: str, now: datetime, limits: Limits = Limits()) -> None:
    """Count a sign-up from this address; raises Throttled past `signups_per_hour` within the hour."""
    key, window = f"signup:{address}", timedelta(hours=1)
    session.execute(delete(LoginThrottle).where(LoginThrottle.key == key, LoginThrottle.first_at <= now - window))
    counted = _upsert(session, key, now)
    if counted > limits.signups_per_hour:
        session.rollback()
        first_at = session.scalar(select(LoginThrottle.first_at).where(LoginThrottle.key == key)) or now
        minutes = max(1, round((first_at + window - now).total_seconds() / 60))
        raise Throttled(f"Too many new accounts from your network. Try again in {minutes} minute{'s' if minutes != 1 else ''}.")
    session.commit()


def _wait(failures: int, free: int, limits: Limits) -> timedelta | None:
    """How long the next attempt must wait after `failures` of them, or None while they are free."""
    if failures < free:
        return None
    return min(limits.first_wait * 2 ** min(failures - free, 20), limits.longest_wait)


def _upsert(session: Session, key: str, now: datetime, unless_blocked: bool = False) -> int:
    """Count one more under `key` (one statement, safe in parallel); its new count, or 0 when it is blocked."""
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    statement = insert(LoginThrottle).values(key=key, failures=1, first_at=now, blocked_until=None)
    statement = statement.on_conflict_do_update(
        index_elements=[LoginThrottle.key], set_={"failures": LoginThrottle.failures + 1},
        where=or_(LoginThrottle.blocked_until.is_(None), LoginThrottle.blocked_until <= now) if unless_blocked else None)
    return session.scalar(statement.returning(LoginThrottle.failures)) or 0


def _count_attempt(session: Session, key: str, now: datetime, free: int, limits: Limits) -> bool:
    """Count a sign-in attempt under `key` unless it must wait; past the free ones, set the next wait."""
    failures = _upsert(session, key, now, unless_blocked=True)
    if not failures:
        return False
    wait = _wait(failures, free, limits)
    if wait is not None:
        session.execute(update(LoginThrottle).where(LoginThrottle.key == key).values(blocked_until=now + wait))
    return True


def _wait_message(session: Session, key: str, now: datetime) -> str:
    until = session.scalar(select(LoginThrottle.blocked_until).where(LoginThrottle.key == key))
    seconds = max(1, round((until - now).total_seconds())) if until is not None else 1
    wait = f"{seconds} seconds" if seconds < 90 else f"{round(seconds / 60)} minutes"
    what = "from your network" if key.startswith("address:") else "for this account from your network"
    return f"Too many failed sign-ins {what}. Try again in {wait}."


def sign_out(session: Session, learner_id: int) -> None:
    """End every copy of the learner's session: a new epoch makes every older session id void."""
    session.execute(update(Learner).where(Learner.id == learner_id).values(session_epoch=Learner.session_epoch + 1))
    session.commit()


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
