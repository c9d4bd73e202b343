"""sign-in throttled by account and address, not locked per account

Failed sign-ins are counted per account from one address and per address (login_throttles); the per-account
lock anyone could trigger goes. Plain DROP/ADD COLUMN (SQLite has both): a batch re-creation of `learners`
on SQLite would drop the lower(username) index, which SQLite cannot reflect.

Revision ID: 6c1a2f9d7e41
Revises: 53aaebc95adf
Create Date: 2026-12-02 05:40:00
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import studyapp.db

revision: str = "6c1a2f9d7e41"
down_revision: str | None = "53aaebc95adf"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "login_throttles",
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("first_at", studyapp.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("blocked_until", studyapp.db.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_login_throttles")),
    )
    op.drop_column("learners", "locked_until")
    op.drop_column("learners", "failed_logins")


def downgrade() -> None:
    op.add_column("learners", sa.Column("failed_logins", sa.Integer(), server_default="0", nullable=False))
    op.add_column("learners", sa.Column("locked_until", studyapp.db.UTCDateTime(timezone=True), nullable=True))
    op.drop_table("login_throttles")
