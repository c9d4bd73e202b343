"""The database: declarative Base, one engine per app, one Session per app context."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from functools import cache
from typing import TypeVar

from flask import Flask, current_app, g, has_request_context, request
from sqlalchemy import JSON, DateTime, Integer, MetaData, Select, bindparam, create_engine, event, select
from sqlalchemy.engine import Engine
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import DeclarativeBase, InstrumentedAttribute, Session, joinedload, selectinload, sessionmaker
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement
from sqlalchemy.types import TypeDecorator

T = TypeVar("T")

EXTENSION = "studyapp.db"

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware UTC datetime on every backend (SQLite hands back naive ones)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: object) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: pass a timezone-aware UTC time")
        return value.astimezone(timezone.utc)

    def process_result_value(self, value: datetime | None, dialect: object) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)


class quarter_hour(FunctionElement[int]):  # noqa: N801  (an SQL function, named like one)
    """The quarter of an hour (since 1970, UTC) a stored time falls in: times grouped by it count in SQL, and
    every zone's day starts on a quarter hour, so each group's study day is worked out once."""

    type = Integer()
    inherit_cache = True


@compiles(quarter_hour, "sqlite")
def _quarter_hour_sqlite(element: quarter_hour, compiler: SQLCompiler, **kw: object) -> str:
    return f"(CAST(strftime('%s', {compiler.process(element.clauses, **kw)}) AS INTEGER) / 900)"


@compiles(quarter_hour, "postgresql")
def _quarter_hour_postgresql(element: quarter_hour, compiler: SQLCompiler, **kw: object) -> str:
    return f"CAST(floor(extract(epoch FROM {compiler.process(element.clauses, **kw)}) / 900) AS INTEGER)"


QUARTER_HOUR = timedelta(minutes=15)


def quarter_hour_start(number: int) -> datetime:
    """The UTC moment a quarter_hour() number starts at."""
    return EPOCH + number * QUARTER_HOUR


EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


class Base(DeclarativeBase):
    """Base of every model; constraint names follow NAMING so migrations are stable."""

    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {datetime: UTCDateTime, dict: JSON, list: JSON}


def make_engine(url: str) -> Engine:
    """An engine for `url`; SQLite gets foreign keys, WAL and a busy timeout on every connection.

    Errors and logs never show the statements' parameters: they hold password hashes and learners' answers.
    """
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30}, hide_parameters=True)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True, hide_parameters=True)


def _sqlite_pragmas(connection: object, record: object) -> None:
    cursor = connection.cursor()  # type: ignore[attr-defined]
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")  # with WAL: safe against crashes, one fsync per checkpoint
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def init_app(app: Flask) -> None:
    """Build the app's engine and session factory; close the session after each context."""
    engine = make_engine(app.config["DATABASE_URL"])
    app.extensions[EXTENSION] = sessionmaker(engine, expire_on_commit=False)
    app.teardown_appcontext(close_session)


def engine_of(app: Flask) -> Engine:
    """The engine this app talks to."""
    return app.extensions[EXTENSION].kw["bind"]


def new_session() -> Session:
    """A Session of its own, in a transaction of its own: for work that outlives the request context (a streamed
    download), or reads through a server-side cursor (which PostgreSQL keeps only within a transaction)."""
    return current_app.extensions[EXTENSION]()


def get_session() -> Session:
    """The Session of the current app context, opened on first use.

    A page view's (GET or HEAD) reads each statement in autocommit on PostgreSQL: no BEGIN and no ROLLBACK around
    them, two round trips less a page (in-process, home 3.05 to 2.34 ms, a quiz question 1.9 to 1.55). It sees
    what it would see in a transaction: at PostgreSQL's isolation (read committed) every statement reads its own
    snapshot either way, and a page view writes nothing (tests/web/test_gets_change_nothing.py; what writes
    before a request, like the bank watcher, writes through a session of its own).
    """
    if "db_session" not in g:
        session = g.db_session = current_app.extensions[EXTENSION]()
        page_view = has_request_context() and request.method in ("GET", "HEAD")
        if page_view and session.get_bind().dialect.name == "postgresql":
            session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})  # the pool gives it back reset
    return g.db_session


def close_session(exception: BaseException | None = None) -> None:
    """Close the context's Session, rolling back what was not committed."""
    session = g.pop("db_session", None)
    if session is not None:
        session.close()


def find_by_token(session: Session, model: type[T], children: InstrumentedAttribute, token: str,
                  lock: bool = False) -> T | None:
    """The row of `model` (a quiz, a Learn session) at this token with its `children`, or None.

    `lock` holds the row alone FOR UPDATE (PostgreSQL), its children read after; else one statement joins them.
    """
    if lock:
        return session.scalar(_by_token(model, children, True), {"token": token})
    return session.scalars(_by_token(model, children, False), {"token": token}).unique().first()


@cache
def _by_token(model: type, children: InstrumentedAttribute, lock: bool) -> Select:
    """find_by_token's statement, built once per shape with the token as a parameter (building it with its
    loader option took a third as long as running it)."""
    query = select(model).where(model.token == bindparam("token"))  # type: ignore[attr-defined]
    if lock:
        return query.options(selectinload(children)).with_for_update(of=model)
    return query.options(joinedload(children))
