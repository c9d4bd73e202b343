"""Typed ORM models: learners, the synced bank (decks, questions) and quizzes."""

from __future__ import annotations

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from studyapp.db import Base


class Learner(UserMixin, Base):
    """Someone who studies; instructors are learners with a flag."""

    __tablename__ = "learners"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(40), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    is_instructor: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime]


class Deck(Base):
    """A deck of the bank, upserted by its key on sync."""

    __tablename__ = "decks"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(80), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(default=0)
    is_retired: Mapped[bool] = mapped_column(default=False)

    questions: Mapped[list[Question]] = relationship(back_populates="deck")


class Question(Base):
    """One askable bank item (a fact gives two rows); retired, never deleted, when removed."""

    __tablename__ = "questions"
    __table_args__ = (Index("ix_questions_deck_id_is_retired", "deck_id", "is_retired"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(100), unique=True)
    deck_id: Mapped[int] = mapped_column(ForeignKey("decks.id"))
    kind: Mapped[str] = mapped_column(String(20))
    category: Mapped[str] = mapped_column(String(20))
    data: Mapped[dict]
    is_retired: Mapped[bool] = mapped_column(default=False)
    updated_at: Mapped[datetime]

    deck: Mapped[Deck] = relationship(back_populates="questions")


class Quiz(Base):
    """A generated quiz, stored whole so reload and back are safe; its token is its address."""

    __tablename__ = "quizzes"
    __table_args__ = (Index("ix_quizzes_learner_id_created_at", "learner_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(40), unique=True)
    learner_id: Mapped[int | None] = mapped_column(ForeignKey("learners.id", ondelete="CASCADE"))
    seed: Mapped[int]
    deck_key: Mapped[str | None] = mapped_column(String(80))
    category: Mapped[str | None] = mapped_column(String(20))
    length: Mapped[int]
    created_at: Mapped[datetime]
    finished_at: Mapped[datetime | None]
    score: Mapped[int] = mapped_column(default=0)

    items: Mapped[list[QuizItem]] = relationship(
        back_populates="quiz", order_by="QuizItem.position", cascade="all, delete-orphan"
    )


class QuizItem(Base):
    """One question of a quiz and, once answered, the learner's response and verdict."""

    __tablename__ = "quiz_items"
    __table_args__ = (UniqueConstraint("quiz_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    quiz_id: Mapped[int] = mapped_column(ForeignKey("quizzes.id", ondelete="CASCADE"))
    position: Mapped[int]
    payload: Mapped[dict]
    response: Mapped[str | None] = mapped_column(Text)
    is_correct: Mapped[bool | None]
    feedback: Mapped[str | None] = mapped_column(Text)
    answered_at: Mapped[datetime | None]

    quiz: Mapped[Quiz] = relationship(back_populates="items")
