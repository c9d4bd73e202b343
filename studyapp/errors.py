"""The app's exceptions: services raise these, adapters turn them into pages or messages."""

from __future__ import annotations

from dataclasses import dataclass


class StudyError(Exception):
    """Base of every error a learner or instructor may be shown."""


class NotFound(StudyError):
    """The thing asked for does not exist (or is not the asker's)."""


class InvalidInput(StudyError):
    """A request's values are not acceptable; the message says which and why."""


@dataclass(frozen=True, order=True)
class Problem:
    """One mistake in a bank file, at a 1-based line and column."""

    file: str
    line: int
    column: int
    message: str
    is_warning: bool = False

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}: {'warning: ' if self.is_warning else ''}{self.message}"


class BankError(StudyError):
    """The bank has problems; nothing of it was loaded."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(problems)
        super().__init__("\n".join(str(p) for p in self.problems))
