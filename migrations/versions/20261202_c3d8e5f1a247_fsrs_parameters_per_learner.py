"""FSRS parameters fitted to each learner, and the history of fits

Revision ID: c3d8e5f1a247
Revises: 9b4e2d7c1a05
Create Date: 2026-12-02 18:20:00
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import studyapp.db

revision: str = "c3d8e5f1a247"
down_revision: str | None = "9b4e2d7c1a05"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # plain ADD COLUMN (a batch copy of `learners` would trip over its expression index on SQLite)
    op.add_column("learners", sa.Column("fsrs_parameters", sa.JSON(), nullable=True))
    op.add_column("learners", sa.Column("fitted_at_reviews", sa.Integer(), server_default="0", nullable=False))
    op.add_column("learners", sa.Column("fit_checked_on", sa.Date(), nullable=True))
    op.add_column("learners", sa.Column("fit_started_at", studyapp.db.UTCDateTime(timezone=True), nullable=True))
    op.create_table(
        "parameter_fits",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("learner_id", sa.Integer(), nullable=False),
        sa.Column("started_at", studyapp.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("finished_at", studyapp.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("trigger", sa.String(length=12), nullable=False),
        sa.Column("stage", sa.String(length=12), nullable=False),
        sa.Column("outcome", sa.String(length=12), nullable=True),
        sa.Column("reviews", sa.Integer(), nullable=False),
        sa.Column("items", sa.Integer(), nullable=False),
        sa.Column("log_loss_before", sa.Float(), nullable=True),
        sa.Column("log_loss_after", sa.Float(), nullable=True),
        sa.Column("rmse_before", sa.Float(), nullable=True),
        sa.Column("rmse_after", sa.Float(), nullable=True),
        sa.Column("parameters", sa.JSON(), nullable=True),
        sa.Column("message", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["learner_id"], ["learners.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_parameter_fits_learner_id"), "parameter_fits", ["learner_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_parameter_fits_learner_id"), table_name="parameter_fits")
    op.drop_table("parameter_fits")
    for column in ("fit_started_at", "fit_checked_on", "fitted_at_reviews", "fsrs_parameters"):
        op.drop_column("learners", column)  # SQLite 3.35+ drops a column in place
