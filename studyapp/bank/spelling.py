"""How answers are compared as text: case, accents, punctuation, quote styles and articles folded; small typos.

The bank's validation and the quiz's grading and distractors all compare answers this one way.
"""

from __future__ import annotations

import re
import unicodedata

_ARTICLE = re.compile(r"^(?:the|a|an) ")
_NOT_WORD = re.compile(r"[^\w\s]|_")
TYPO_MIN_LENGTH = 6


def normalize(text: str) -> str:
    """Fold case, accents, punctuation, quote styles, hyphens, spacing and a leading article."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = text.casefold().replace("\u2019", "").replace("'", "")
    text = re.sub(r"\s+", " ", _NOT_WORD.sub(" ", text)).strip()
    return unicodedata.normalize("NFC", _ARTICLE.sub("", text))


def edit_distance(a: str, b: str, limit: int = 2) -> int:
    """Optimal string alignment distance (a swap of neighbours is one edit), capped at `limit`."""
    if abs(len(a) - len(b)) >= limit:
        return limit
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            cost = 0 if ca == cb else 1
            value = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                value = min(value, previous2[j - 2] + 1)
            current.append(value)
        previous2, previous = previous, current
    return min(previous[-1], limit)


def is_small_typo(response: str, answer: str) -> bool:
    """True when normalized `response` differs from `answer` by one edit in one long word."""
    got, want = response.split(), answer.split()
    if len(got) != len(want):
        return False
    differing = [(g, w) for g, w in zip(got, want, strict=True) if g != w]
    if len(differing) != 1:
        return False
    g, w = differing[0]
    if any(ch.isdigit() for ch in g + w) or len(w) < TYPO_MIN_LENGTH:
        return False
    return edit_distance(g, w) == 1
