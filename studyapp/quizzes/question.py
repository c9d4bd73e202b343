"""A question as a quiz asks it: the value that generation makes, grading reads and a quiz stores."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field


@dataclass(frozen=True)
class QuizQuestion:
    """One question as asked in a quiz; stored whole so a reload shows the same thing."""

    form: str  # choice | typed | truefalse | order | matching
    prompt: str
    keys: tuple[str, ...]  # the bank questions it asks (a chronology: its events' facts; a generated matching: per pair)
    category: str
    answer: str
    typed_answer: str = ""
    alternatives: tuple[str, ...] = ()
    options: tuple[str, ...] = ()  # a matching: the right sides, shuffled
    answer_order: tuple[int, ...] = ()  # a chronology: the options in the text's order; a matching: per left side, its option
    explanation: str = ""
    sources: tuple[str, ...] = field(default=())
    exact_date: str = ""  # a date question asking for less than the text gives: the full date (ISO) it gives
    dates: tuple[str, ...] = ()  # a chronology: each option's date as the text gives it, in the options' order
    lefts: tuple[str, ...] = ()  # a matching: the left sides, in the order asked (stored quizzes from before have none)
    pair_sources: tuple[str, ...] = ()  # a matching: each left side's pair's sentence ("" for none), in the lefts' order

    @property
    def bank_key(self) -> str | None:
        """The one bank question this asks, or None when it is made of several (a chronology, a generated matching)."""
        return self.keys[0] if len(self.keys) == 1 else None

    def to_dict(self) -> dict[str, object]:
        """A JSON-ready copy."""
        return {k: list(v) if isinstance(v, tuple) else v for k, v in asdict(self).items()}

    @classmethod
    def from_dict(cls, data: dict[str, object]) -> QuizQuestion:
        """Rebuild from to_dict."""
        values = {k: tuple(v) if isinstance(v, list) else v for k, v in data.items()}
        return cls(**values)  # type: ignore[arg-type]
