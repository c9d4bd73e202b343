"""Alembic environment: the URL and metadata come from the app, never from alembic.ini."""

from __future__ import annotations

from alembic import context
from flask import current_app, has_app_context

from studyapp import create_app, db, models  # noqa: F401  (models register the tables)

app = current_app._get_current_object() if has_app_context() else create_app()  # type: ignore[attr-defined]
url = app.config["DATABASE_URL"]
options = dict(target_metadata=db.Base.metadata, render_as_batch=url.startswith("sqlite"), compare_type=True)

if context.is_offline_mode():
    context.configure(url=url, literal_binds=True, **options)
    with context.begin_transaction():
        context.run_migrations()
else:
    with db.engine_of(app).connect() as connection:
        context.configure(connection=connection, **options)
        with context.begin_transaction():
            context.run_migrations()
