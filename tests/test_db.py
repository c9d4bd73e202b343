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
