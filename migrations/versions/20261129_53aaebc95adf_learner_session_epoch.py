"""learner session epoch

Every session id carries the learner's session epoch; signing out moves it on, so a copied session
cookie stops working. Plain ADD/DROP COLUMN (SQLite has both): a batch re-creation of `learners`
on SQLite would drop the lower(username) index, which SQLite cannot reflect.

Revision ID: 53aaebc95adf
Revises: f68a651546eb
Create Date: 2026-11-29 14:21:25.621478
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '53aaebc95adf'
down_revision: str | None = 'f68a651546eb'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("learners", sa.Column("session_epoch", sa.Integer(), server_default="0", nullable=False))


def downgrade() -> None:
    op.drop_column("learners", "session_epoch")
