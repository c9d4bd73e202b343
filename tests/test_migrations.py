"""Models and migrations agree: upgrade an empty database, then autogenerate finds nothing."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from datetime import datetime, timezone

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask import Flask

from studyapp import create_app, db
from studyapp.cli import alembic_config
from tests.conftest import DATA


@pytest.fixture
def empty_app(database_url: str) -> Iterator[Flask]:
    """An app on a database without tables, not even alembic_version."""
    app = create_app({"TESTING": True, "SECRET_KEY": "t", "DATABASE_URL": database_url, "QUESTIONS_DIR": str(DATA / "bank")})
    engine = db.engine_of(app)
    db.Base.metadata.drop_all(engine)
    with engine.begin() as connection:
        connection.execute(sa.text("DROP TABLE IF EXISTS alembic_version"))
    yield app
    db.Base.metadata.drop_all(engine)
    with engine.begin() as connection:
        connection.execute(sa.text("DROP TABLE IF EXISTS alembic_version"))
    engine.dispose()


def test_upgrade_then_no_difference(empty_app: Flask) -> None:
    engine = db.engine_of(empty_app)
    with empty_app.app_context():
        command.upgrade(alembic_config(), "head")
        with engine.connect() as connection, warnings.catch_warnings():
            if engine.dialect.name == "sqlite":  # cannot reflect lower(username): checked in sqlite_master below
                warnings.filterwarnings("ignore", message=".*expression-based index")
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            assert compare_metadata(context, db.Base.metadata) == []
        if engine.dialect.name == "sqlite":
            with engine.connect() as connection:
                sql = connection.scalar(sa.text("SELECT sql FROM sqlite_master WHERE name = 'uq_learners_lower_username'"))
            assert sql is not None and "UNIQUE INDEX" in sql and "lower(username)" in sql
        command.downgrade(alembic_config(), "base")
        assert sa.inspect(engine).get_table_names() == ["alembic_version"]


def test_usernames_differing_only_in_case_stop_the_upgrade(empty_app: Flask) -> None:
    engine = db.engine_of(empty_app)
    learner = ("INSERT INTO learners (username, password_hash, is_instructor, created_at, cards_synced_to, "
               "desired_retention, learning_steps, relearning_steps, maximum_interval_days, new_per_day, reviews_per_day, "
               "day_starts_hour, timezone, suspend_leeches) VALUES (:name, 'x', false, '2026-01-01 00:00:00', 0, 0.9, '1m', "
               "'10m', 100, 20, 200, 4, 'UTC', false)")
    with empty_app.app_context():
        command.upgrade(alembic_config(), "3d22b0cb62b5")
        with engine.begin() as connection:
            for name in ("Ada", "bob", "ADA", "Bob", "carol"):
                connection.execute(sa.text(learner), {"name": name})
        with pytest.raises(RuntimeError, match=r"names differ only in case: 'Ada' \(id 1\), 'ADA' \(id 3\), 'bob' "
                                               r"\(id 2\), 'Bob' \(id 4\)\. Rename"):
            command.upgrade(alembic_config(), "head")
        with engine.begin() as connection:
            connection.execute(sa.text("UPDATE learners SET username = username || '2' WHERE id IN (3, 4)"))
        command.upgrade(alembic_config(), "head")
        with engine.begin() as connection, pytest.raises(sa.exc.IntegrityError):
            connection.execute(sa.text(learner), {"name": "CAROL"})
        command.downgrade(alembic_config(), "base")


def test_the_review_counts_are_worked_out_from_the_log_at_upgrade(empty_app: Flask) -> None:
    engine = db.engine_of(empty_app)
    with empty_app.app_context():
        command.upgrade(alembic_config(), "d4e7a9b2c610")
        with engine.begin() as connection:
            run = lambda sql, **values: connection.execute(sa.text(sql), values)  # noqa: E731
            run("INSERT INTO learners (id, username, password_hash, is_instructor, created_at, cards_synced_to, "
                "desired_retention, learning_steps, relearning_steps, maximum_interval_days, new_per_day, reviews_per_day, "
                "day_starts_hour, timezone, suspend_leeches, practice_by_default) VALUES (1, 'ada', 'x', false, "
                "'2026-01-01 00:00:00', 0, 0.9, '1m', '10m', 100, 20, 200, 4, 'UTC', false, false)")
            run("INSERT INTO decks (id, key, title, description, position, is_retired) VALUES (1, 'founding', 'F', '', 0, false)")
            for n, category in ((1, "date"), (2, "place"), (3, "person")):
                run("INSERT INTO questions (id, key, deck_id, kind, category, data, is_retired, updated_at) "
                    "VALUES (:n, :key, 1, 'typed', :category, '{}', false, '2026-01-01 00:00:00')", n=n, key=f"q{n}", category=category)
                run("INSERT INTO cards (id, learner_id, question_id, state, stability, due, reps, lapses, is_suspended, "
                    "is_leech, version) VALUES (:n, 1, :n, 2, :stability, '2026-12-01 00:00:00', 2, 0, :suspended, false, 2)",
                    n=n, stability=30.0 * n, suspended=n == 2)
            run("UPDATE cards SET state = 1, reps = 1, stability = 1.0, due = '2026-11-29 12:26:00' WHERE id = 3")  # learning
            logs = [(1, 3, "2026-11-29 12:01:00", False, "review"), (1, 1, "2026-11-29 12:14:59", False, "review"),
                    (2, 4, "2026-11-29 12:15:00", False, "review"), (2, 1, "2026-11-29 12:20:00", True, "review"),  # undone
                    (3, 3, "2026-11-29 12:16:00", False, "new")]
            for card, rating, at, undone, kind in logs:
                run("INSERT INTO review_logs (card_id, learner_id, rating, reviewed_at, kind, origin, state_before, state_after, "
                    "is_undone) VALUES (:card, 1, :rating, :at, :kind, 'review', '{}', '{}', :undone)",
                    card=card, rating=rating, at=at, undone=undone, kind=kind)
        command.upgrade(alembic_config(), "head")
        with engine.connect() as connection:
            decks = connection.execute(sa.text("SELECT deck_key, studied, learning, review, suspended, suspended_new, "
                                               "mastered FROM card_tallies")).all()
            due = connection.execute(sa.text("SELECT learning, deck_key, quarter, cards FROM due_quarters ORDER BY quarter")).all()
            quarters = connection.execute(sa.text("SELECT quarter, reviews, reviewed, introduced FROM review_quarters "
                                                  "ORDER BY quarter")).all()
            retention = connection.execute(sa.text("SELECT deck_key, category, passed, total FROM retention_tallies "
                                                   "ORDER BY category")).all()
        first = int(datetime(2026, 11, 29, 12, tzinfo=timezone.utc).timestamp()) // 900
        # ratings of cards in review count towards the review limit, a new card's towards the new-card limit
        assert [tuple(row) for row in quarters] == [(first, 2, 2, 0), (first + 1, 2, 1, 1)]
        assert [tuple(row) for row in retention] == [("founding", "date", 1, 2), ("founding", "person", 1, 1),
                                                     ("founding", "place", 1, 1)]
        assert [tuple(row) for row in decks] == [("founding", 3, 1, 1, 1, 0, 2)]  # the second card is suspended
        assert [(bool(learning), *rest) for learning, *rest in due] == [
            (True, "founding", first + 1, 1), (False, "founding", int(datetime(2026, 12, 1, tzinfo=timezone.utc).timestamp()) // 900, 1)]
