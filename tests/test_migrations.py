"""Models and migrations agree: upgrade an empty database, then autogenerate finds nothing."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from studyapp import create_app, db
from studyapp.cli import alembic_config
from tests.conftest import DATA


def test_upgrade_then_no_difference(database_url: str, tmp_path: Path) -> None:
    app = create_app({"TESTING": True, "SECRET_KEY": "t", "DATABASE_URL": database_url, "QUESTIONS_DIR": str(DATA / "bank")})
    engine = db.engine_of(app)
    db.Base.metadata.drop_all(engine)
    with engine.begin() as connection:
        connection.execute(sa.text("DROP TABLE IF EXISTS alembic_version"))
    try:
        with app.app_context():
            command.upgrade(alembic_config(), "head")
            with engine.connect() as connection:
                context = MigrationContext.configure(connection, opts={"compare_type": True})
                assert compare_metadata(context, db.Base.metadata) == []
            command.downgrade(alembic_config(), "base")
            assert sa.inspect(engine).get_table_names() == ["alembic_version"]
    finally:
        with engine.begin() as connection:
            connection.execute(sa.text("DROP TABLE IF EXISTS alembic_version"))
        engine.dispose()
