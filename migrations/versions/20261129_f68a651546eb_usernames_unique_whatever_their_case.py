"""usernames unique whatever their case

Sign-in finds a learner by lower(username), so "Ada" and "ADA" must not be two accounts: a unique
index on lower(username) stops concurrent sign-ups that each passed the "name taken?" check.

Existing names that differ only in case stop the upgrade with the list of them: which account keeps the
name is a decision for a person (rename one with SQL), never for a migration.

SQLite cannot reflect expression indexes: a later batch_alter_table("learners") on SQLite re-creates the
table without this index, so such a revision must create it again.

Revision ID: f68a651546eb
Revises: 3d22b0cb62b5
Create Date: 2026-11-29 13:25:59.638264
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = 'f68a651546eb'
down_revision: str | None = '3d22b0cb62b5'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEX = "uq_learners_lower_username"


def upgrade() -> None:
    learners = sa.table("learners", sa.column("id", sa.Integer), sa.column("username", sa.String))
    lowered = sa.func.lower(learners.c.username)
    clashing = sa.select(lowered).group_by(lowered).having(sa.func.count() > 1)
    rows = op.get_bind().execute(
        sa.select(learners.c.id, learners.c.username).where(lowered.in_(clashing)).order_by(lowered, learners.c.id)
    ).all()
    if rows:
        names = ", ".join(f"{username!r} (id {learner_id})" for learner_id, username in rows)
        raise RuntimeError(
            f"Cannot make usernames unique whatever their case: these learners' names differ only in case: {names}. "
            "Rename all but one of each group (UPDATE learners SET username = ... WHERE id = ...), then upgrade again."
        )
    op.create_index(INDEX, "learners", [sa.text("lower(username)")], unique=True)


def downgrade() -> None:
    op.drop_index(INDEX, table_name="learners")
