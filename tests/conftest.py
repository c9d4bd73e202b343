"""Fixtures: an app on a real SQLite file (and on the real PostgreSQL), client, runner, auth."""

from __future__ import annotations

import functools
import os
import tomllib
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path

import hypothesis.database  # noqa: F401  (imported now: after the anki library has run, CPython 3.11's

#  parser can fail with "AST constructor recursion depth mismatch" when hypothesis imports it at session end)
import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy.orm import Session

from studyapp import create_app, db
from studyapp.bank import load, sync
from studyapp.bank.items import Bank

DATA = Path(__file__).parent / "data"
ROOT = Path(__file__).parent.parent
SOURCE = ROOT.parent / "shared" / "source" / "society-for-rallying-comrades.txt"
SERVER_URL = os.environ.get("STUDYAPP_TEST_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
# Each test run works in a schema of its own, so runs side by side (a developer and CI) never meet.
RUN_SCHEMA = f"studyapp_test_{os.getpid()}"
POSTGRES_URL = (f"{SERVER_URL}{'&' if '?' in SERVER_URL else '?'}"
                f"options=-csearch_path%3D{RUN_SCHEMA}&application_name={RUN_SCHEMA}")
NOW = datetime(2026, 11, 29, 12, 0, tzinfo=timezone.utc)

_postgres_problem: str | None = None
_postgres_probed = False


def postgres_unavailable() -> str | None:
    """Why PostgreSQL cannot be used here (probed once), or None when it can."""
    global _postgres_problem, _postgres_probed
    if not _postgres_probed:
        _postgres_probed = True
        try:
            engine = sa.create_engine(SERVER_URL, connect_args={"connect_timeout": 2})
            with engine.begin() as connection:
                connection.execute(sa.text(f"DROP SCHEMA IF EXISTS {RUN_SCHEMA} CASCADE"))
                connection.execute(sa.text(f"CREATE SCHEMA {RUN_SCHEMA}"))
            engine.dispose()
        except Exception as error:  # noqa: BLE001 - any failure means: skip with its reason
            _postgres_problem = str(error).strip().splitlines()[0]
    return _postgres_problem


def require_postgres() -> None:
    """Skip (or fail, where REQUIRE_POSTGRES=1) when PostgreSQL is unreachable."""
    problem = postgres_unavailable()
    if problem is None:
        return
    message = f"PostgreSQL at {SERVER_URL} is unreachable: {problem}"
    if os.environ.get("REQUIRE_POSTGRES") == "1":
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="session", autouse=True)
def drop_run_schema() -> Iterator[None]:
    """Remove this run's PostgreSQL schema at the end."""
    yield
    if _postgres_probed and _postgres_problem is None:
        engine = sa.create_engine(SERVER_URL)
        with engine.begin() as connection:
            connection.execute(sa.text(f"DROP SCHEMA IF EXISTS {RUN_SCHEMA} CASCADE"))
        engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A real, empty database: a SQLite file, or the PostgreSQL test database."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'test.sqlite'}"
    require_postgres()
    return POSTGRES_URL


def make_app(url: str, tmp_path: Path, **extra: object) -> Flask:
    """An app for tests: hermetic config, tables created fresh."""
    config = {
        "TESTING": True, "SECRET_KEY": "test", "DATABASE_URL": url, "WTF_CSRF_ENABLED": False, "FSRS_FUZZ": False,
        "QUESTIONS_DIR": str(DATA / "bank"), "SOURCE_TEXT": str(SOURCE) if SOURCE.exists() else "",
        **extra,
    }
    app = create_app(config)
    app.instance_path = str(tmp_path / "instance")
    engine = db.engine_of(app)
    db.Base.metadata.drop_all(engine)
    db.Base.metadata.create_all(engine)
    return app


@pytest.fixture
def app(database_url: str, tmp_path: Path) -> Iterator[Flask]:
    """The app on a fresh database with the test bank synced."""
    app = make_app(database_url, tmp_path)
    with app.app_context():
        sync.sync_bank(db.get_session(), small_bank(), NOW)
    yield app
    engine = db.engine_of(app)
    engine.dispose()
    if engine.dialect.name == "postgresql":  # a test that failed mid-stream may leave a transaction open
        with engine.begin() as connection:
            connection.execute(sa.text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = "
                                       ":run AND pid <> pg_backend_pid() AND state LIKE 'idle in transaction%'"), {"run": RUN_SCHEMA})
    db.Base.metadata.drop_all(engine)
    engine.dispose()


def small_bank() -> Bank:
    """The small valid bank in tests/data/bank."""
    return load.load_bank(DATA / "bank")


@pytest.fixture
def matching_app(app: Flask) -> Flask:
    """The app with the deck of tests/data/matching (an authored matching question) synced beside the small bank."""
    bank, matching = small_bank(), load.load_bank(DATA / "matching")
    with app.app_context():
        sync.sync_bank(db.get_session(), Bank(bank.decks + matching.decks, bank.items + matching.items), NOW)
    return app


@pytest.fixture
def session(app: Flask) -> Iterator[Session]:
    """A Session inside an app context."""
    with app.app_context():
        yield db.get_session()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """The test client."""
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    """The CLI runner."""
    return app.test_cli_runner()


class AuthActions:
    """Sign up, in and out through the real pages."""

    def __init__(self, client: FlaskClient) -> None:
        self.client = client

    def register(self, username: str = "ada", password: str = "correct horse") -> object:
        return self.client.post("/auth/register", data={"username": username, "password": password, "confirm": password})

    def login(self, username: str = "ada", password: str = "correct horse") -> object:
        return self.client.post("/auth/login", data={"username": username, "password": password})

    def logout(self) -> object:
        return self.client.post("/auth/logout")


@pytest.fixture
def auth(client: FlaskClient) -> AuthActions:
    """Auth helpers on the test client."""
    return AuthActions(client)


# -- skips that CI accepts ------------------------------------------------------

ALLOWED_SKIPS = Path(__file__).parent / "allowed-skips.toml"
_unlisted_skips: list[str] = []


@functools.cache
def allowed_skip_reasons() -> tuple[str, ...]:
    """The starts of the skip messages listed in tests/allowed-skips.toml, each with why it is by design."""
    entries = tomllib.loads(ALLOWED_SKIPS.read_text(encoding="utf-8"))["skip"]
    assert all(entry.get("why", "").strip() for entry in entries), f"every entry of {ALLOWED_SKIPS.name} says why"
    return tuple(entry["reason"] for entry in entries)


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    """Note each skip whose reason tests/allowed-skips.toml does not list."""
    if report.skipped and isinstance(report.longrepr, tuple):
        reason = report.longrepr[2].removeprefix("Skipped: ")
        if not any(reason.startswith(allowed) for allowed in allowed_skip_reasons()):
            _unlisted_skips.append(f"{report.nodeid}: {reason}")


def pytest_terminal_summary(terminalreporter, exitstatus: int) -> None:  # noqa: ANN001 - pytest's own type
    """Where REQUIRE_LISTED_SKIPS=1 (CI), name each unlisted skip and fail the run."""
    if _unlisted_skips and os.environ.get("REQUIRE_LISTED_SKIPS") == "1":
        terminalreporter.section("skips not in tests/allowed-skips.toml", red=True)
        for line in _unlisted_skips:
            terminalreporter.line(line, red=True)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """A run with an unlisted skip fails where REQUIRE_LISTED_SKIPS=1."""
    if _unlisted_skips and os.environ.get("REQUIRE_LISTED_SKIPS") == "1" and exitstatus == 0:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


# -- real browser ---------------------------------------------------------------

CHROMIUM = Path("/usr/bin/chromium")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    """Drive Debian's Chromium (Playwright cannot download its own here)."""
    if not CHROMIUM.exists():
        message = f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)"
        if os.environ.get("REQUIRE_CHROMIUM") == "1":
            pytest.fail(message)
        pytest.skip(message)
    return {
        **browser_type_launch_args,
        "executable_path": str(CHROMIUM),
        "args": ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    }


@pytest.fixture(scope="session")
def live_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """The app on a SQLite file with the curated bank, for the browser."""
    tmp = tmp_path_factory.mktemp("live")
    # Every browser test signs up its own learner, all from 127.0.0.1: past the per-address sign-up limit
    app = make_app(f"sqlite:///{tmp / 'live.sqlite'}", tmp, QUESTIONS_DIR=str(ROOT / "questions"), SIGNUPS_PER_HOUR=10_000)
    curated, tricky = load.load_bank(ROOT / "questions"), load.load_bank(DATA / "tricky")
    with app.app_context():
        sync.sync_bank(db.get_session(), Bank(curated.decks + tricky.decks, curated.items + tricky.items), NOW)
    yield app
    db.engine_of(app).dispose()


def _closed_before_sending(app: Flask):  # noqa: ANN202  (a WSGI callable)
    """The app with each response read whole and closed before the server sends it.

    Werkzeug's development server closes a response only after draining the socket, and a read
    there raises when the browser has already dropped the connection (it does for a favicon it
    has cached): the response's open static file is then left to the garbage collector, whose
    ResourceWarning lands in whichever test runs next.
    """

    def buffered(environ: dict, start_response):  # noqa: ANN001, ANN202
        body = app(environ, start_response)
        try:
            return [b"".join(body)]
        finally:
            getattr(body, "close", lambda: None)()

    return buffered


@pytest.fixture(scope="session")
def base_url(live_app: Flask) -> Iterator[str]:
    """Serve live_app on a free loopback port for the browser tests."""
    import threading

    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, _closed_before_sending(live_app), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
