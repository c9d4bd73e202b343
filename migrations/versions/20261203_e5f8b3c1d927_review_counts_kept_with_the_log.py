"""Progress counts kept with the log and the cards (reviews per quarter hour; retention per deck and category;
cards per deck; studied cards per quarter hour due), and an index of leeches

Revision ID: e5f8b3c1d927
Revises: d4e7a9b2c610
Create Date: 2026-12-03 14:00:00
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import studyapp.db

revision: str = "e5f8b3c1d927"
down_revision: str | None = "d4e7a9b2c610"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COUNTS = ("studied", "learning", "review", "suspended", "suspended_new", "mastered")


def upgrade() -> None:
    op.create_table(
        "review_quarters",
        sa.Column("learner_id", sa.Integer(), nullable=False),
        sa.Column("quarter", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("reviews", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["learner_id"], ["learners.id"], name=op.f("fk_review_quarters_learner_id_learners"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("learner_id", "quarter", name=op.f("pk_review_quarters")),
    )
    op.create_table(
        "retention_tallies",
        sa.Column("learner_id", sa.Integer(), nullable=False),
        sa.Column("deck_key", sa.String(length=80), nullable=False),
        sa.Column("category", sa.String(length=20), nullable=False),
        sa.Column("passed", sa.Integer(), nullable=False),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["learner_id"], ["learners.id"], name=op.f("fk_retention_tallies_learner_id_learners"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("learner_id", "deck_key", "category", name=op.f("pk_retention_tallies")),
    )
    op.create_table(
        "card_tallies",
        sa.Column("learner_id", sa.Integer(), nullable=False),
        sa.Column("deck_key", sa.String(length=80), nullable=False),
        *(sa.Column(name, sa.Integer(), nullable=False) for name in COUNTS),
        sa.ForeignKeyConstraint(["learner_id"], ["learners.id"], name=op.f("fk_card_tallies_learner_id_learners"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("learner_id", "deck_key", name=op.f("pk_card_tallies")),
    )
    op.create_table(
        "due_quarters",
        sa.Column("learner_id", sa.Integer(), nullable=False),
        sa.Column("deck_key", sa.String(length=80), nullable=False),
        sa.Column("quarter", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("cards", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["learner_id"], ["learners.id"], name=op.f("fk_due_quarters_learner_id_learners"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("learner_id", "deck_key", "quarter", name=op.f("pk_due_quarters")),
    )
    op.create_index("ix_cards_leeches", "cards", ["learner_id"], unique=False, sqlite_where=sa.text("is_leech = 1"),
                    postgresql_where=sa.text("is_leech"))
    op.create_index("ix_cards_buried", "cards", ["learner_id", "buried_until"], unique=False,
                    sqlite_where=sa.text("buried_until IS NOT NULL"), postgresql_where=sa.text("buried_until IS NOT NULL"))
    # The counts of the log as it stands (studyapp.tallies.rebuild, written out here so that it stays as it was).
    logs = sa.table("review_logs", sa.column("learner_id"), sa.column("card_id"), sa.column("rating"),
                    sa.column("reviewed_at", studyapp.db.UTCDateTime()), sa.column("is_undone", sa.Boolean()))
    cards = sa.table("cards", sa.column("id"), sa.column("learner_id"), sa.column("question_id"), sa.column("state"),
                     sa.column("stability"), sa.column("reps"), sa.column("is_suspended", sa.Boolean()),
                     sa.column("due", studyapp.db.UTCDateTime()), sa.column("buried_until", studyapp.db.UTCDateTime()))
    questions = sa.table("questions", sa.column("id"), sa.column("deck_id"), sa.column("category"), sa.column("kind"),
                         sa.column("is_retired", sa.Boolean()))
    decks = sa.table("decks", sa.column("id"), sa.column("key"))
    kept = logs.c.is_undone.is_(False)
    at = studyapp.db.quarter_hour(logs.c.reviewed_at)
    op.execute(sa.table("review_quarters", sa.column("learner_id"), sa.column("quarter"), sa.column("reviews")).insert()
               .from_select(["learner_id", "quarter", "reviews"],
                            sa.select(logs.c.learner_id, at, sa.func.count()).where(kept).group_by(logs.c.learner_id, at)))
    op.execute(sa.table("retention_tallies", sa.column("learner_id"), sa.column("deck_key"), sa.column("category"),
                        sa.column("passed"), sa.column("total")).insert()
               .from_select(["learner_id", "deck_key", "category", "passed", "total"],
                            sa.select(logs.c.learner_id, decks.c.key, questions.c.category,
                                      sa.func.sum(sa.case((logs.c.rating > 1, 1), else_=0)), sa.func.count())
                            .select_from(logs.join(cards, logs.c.card_id == cards.c.id)
                                         .join(questions, cards.c.question_id == questions.c.id)
                                         .join(decks, questions.c.deck_id == decks.c.id))
                            .where(kept).group_by(logs.c.learner_id, decks.c.key, questions.c.category)))
    # The cards of live questions that make cards: per deck (studied, learning, review, suspended, suspended while
    # new, mastered) and, studied and not suspended, per quarter hour due (when a buried one comes back).
    listed = sa.and_(questions.c.is_retired.is_(False), questions.c.kind != "matching")
    studied, suspended = cards.c.reps > 0, cards.c.is_suspended.is_(True)
    active, in_review = sa.and_(studied, ~suspended), cards.c.state == 2
    flags = [studied, sa.and_(active, ~in_review), sa.and_(active, in_review), suspended, sa.and_(suspended, cards.c.reps == 0),
             sa.and_(studied, in_review, cards.c.stability >= 21)]
    joined = cards.join(questions, cards.c.question_id == questions.c.id).join(decks, questions.c.deck_id == decks.c.id)
    op.execute(sa.table("card_tallies", sa.column("learner_id"), sa.column("deck_key"), *(sa.column(n) for n in COUNTS))
               .insert().from_select(["learner_id", "deck_key", *COUNTS],
                                     sa.select(cards.c.learner_id, decks.c.key, *(sa.func.sum(sa.case((f, 1), else_=0)) for f in flags))
                                     .select_from(joined).where(listed, studied | suspended)
                                     .group_by(cards.c.learner_id, decks.c.key)))
    back = studyapp.db.quarter_hour(sa.case((sa.and_(cards.c.buried_until.is_not(None), cards.c.buried_until > cards.c.due),
                                             cards.c.buried_until), else_=cards.c.due))
    op.execute(sa.table("due_quarters", sa.column("learner_id"), sa.column("deck_key"), sa.column("quarter"),
                        sa.column("cards")).insert()
               .from_select(["learner_id", "deck_key", "quarter", "cards"],
                            sa.select(cards.c.learner_id, decks.c.key, back, sa.func.count()).select_from(joined)
                            .where(listed, active).group_by(cards.c.learner_id, decks.c.key, back)))


def downgrade() -> None:
    op.drop_index("ix_cards_buried", table_name="cards")
    op.drop_index("ix_cards_leeches", table_name="cards")
    op.drop_table("due_quarters")
    op.drop_table("card_tallies")
    op.drop_table("retention_tallies")
    op.drop_table("review_quarters")
