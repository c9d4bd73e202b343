"""What every connection of the engine is set up with, on both databases."""

from __future__ import annotations

from flask import Flask

from studyapp import db


def test_every_connection_is_set_up_for_the_app(app: Flask, database_url: str) -> None:
    engine = db.engine_of(app)
    engine.dispose()  # new connections, each through the engine's connect hook
    with engine.connect() as connection:
        if database_url.startswith("sqlite"):
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 30000
        else:  # the row locks the counts' writers take (tallies.claim) assume PostgreSQL's default isolation
            assert connection.exec_driver_sql("SHOW transaction_isolation").scalar() == "read committed"


def test_a_page_view_reads_in_autocommit_on_postgresql_and_a_form_writes_in_a_transaction(app: Flask, database_url: str) -> None:
    postgresql = database_url.startswith("postgresql")
    for method in ("GET", "POST", "HEAD", "GET", "POST"):  # one connection in turn: each gets its own mode back
        with app.test_request_context("/", method=method):
            connection = db.get_session().connection()
            reads = method != "POST" and postgresql
            assert connection.get_execution_options().get("isolation_level") == ("AUTOCOMMIT" if reads else None)
            if postgresql:
                assert connection.connection.driver_connection.autocommit is reads
    with app.app_context():  # the CLI, a fit's thread: in a transaction
        connection = db.get_session().connection()
        assert "isolation_level" not in connection.get_execution_options()
        assert not postgresql or connection.connection.driver_connection.autocommit is False
