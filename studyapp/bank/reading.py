"""The source text as the reading view shows it, pure: paragraphs, sentences, and the passages questions cite.

Citations are found as the bank's check finds them (load.normalize_quote: quote marks, apostrophe and dash
styles and runs of spaces aside), and mapped back onto the text as written, so a passage can be marked.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from studyapp.bank.items import Item, Kind
from studyapp.bank.load import normalize_quote

# A sentence ends at . ! or ? (and a closing quote mark), before a space and what starts the next one.
_SENTENCE_END = re.compile(r"[.!?][\"”’')\]]*(?=\s+[\"“‘(\[]?[A-Z0-9])")


@dataclass(frozen=True)
class Sentence:
    """One sentence of a paragraph: where it stands in the paragraph's text."""

    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Paragraph:
    """One paragraph of the article (numbered from 1, the title not counted) and its sentences."""

    number: int
    text: str
    sentences: tuple[Sentence, ...]


@dataclass(frozen=True)
class Article:
    """The source text without the web page's footer: its title and paragraphs."""

    title: str
    paragraphs: tuple[Paragraph, ...]


@dataclass(frozen=True)
class Citation:
    """Where one question's quoted sentence stands in the article."""

    key: str  # the question's id
    fact: str  # what counts as one question for coverage: a fact's id (both directions), else the question's
    paragraph: int
    start: int
    end: int


@dataclass(frozen=True)
class Segment:
    """A run of a paragraph's text and the questions that cite it (none: plain text)."""

    text: str
    keys: tuple[str, ...] = ()


@dataclass(frozen=True)
class Coverage:
    """How much of the article the bank cites: per sentence, the questions (a fact counted once) that cite it."""

    cited_by: dict[tuple[int, int], frozenset[str]] = field(default_factory=dict)  # (paragraph, sentence index)
    sentences: int = 0
    characters: int = 0
    characters_cited: int = 0
    unplaced: tuple[str, ...] = ()  # questions whose quote is not in the text

    @property
    def uncovered(self) -> list[tuple[int, int]]:
        return [place for place, keys in self.cited_by.items() if not keys]

    @property
    def several(self) -> list[tuple[int, int]]:
        return [place for place, keys in self.cited_by.items() if len(keys) > 1]

    @property
    def sentence_share(self) -> float:
        return (self.sentences - len(self.uncovered)) / self.sentences if self.sentences else 0.0

    @property
    def character_share(self) -> float:
        return self.characters_cited / self.characters if self.characters else 0.0


def read_article(text: str, footer_lines: int = 0) -> Article:
    """The article of a source text (NFC, as the bank's check reads it): its first line the title, blank lines
    between paragraphs, and its last `footer_lines` non-empty lines (a web page's footer) left out."""
    lines = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if footer_lines:
        kept = [index for index, line in enumerate(lines) if line.strip()]
        lines = lines[: kept[-footer_lines]] if len(kept) > footer_lines else []
    first = next((index for index, line in enumerate(lines) if line.strip()), None)
    if first is None:
        return Article("", ())
    blocks = [" ".join(line.strip() for line in block.split("\n") if line.strip())
              for block in re.split(r"\n\s*\n", "\n".join(lines[first + 1:]))]  # a blank line may hold spaces
    paragraphs = [block for block in blocks if block]
    return Article(lines[first].strip(),
                   tuple(Paragraph(number, block, split_sentences(block)) for number, block in enumerate(paragraphs, 1)))


def split_sentences(text: str) -> tuple[Sentence, ...]:
    """A paragraph's sentences, each with its place in the text."""
    sentences, start = [], 0
    for match in _SENTENCE_END.finditer(text):
        sentences.append(Sentence(start, match.end(), text[start:match.end()]))
        start = match.end() + (len(text[match.end():]) - len(text[match.end():].lstrip()))
    if start < len(text):
        sentences.append(Sentence(start, len(text), text[start:]))
    return tuple(sentences)


def _folded(text: str) -> tuple[str, list[int]]:
    """The text as normalize_quote folds it, and for each folded character the index it came from."""
    folded, origin = [], []
    for index, char in enumerate(text):
        piece = normalize_quote(f"x{char}x")[1:-1] if not char.isspace() else " "
        for out in piece:
            if out == " " and (not folded or folded[-1] == " "):
                continue
            folded.append(out)
            origin.append(index)
    return "".join(folded), origin


def quotes_of(item: Item) -> list[str]:
    """The quoted sentences a question rests on: its source and, for a matching question, each pair's."""
    quotes = [item.source] if item.source else []
    if item.kind == Kind.MATCHING:
        quotes += [pair.source for pair in item.pairs if pair.source]
    return quotes


def cite(article: Article, items: Iterable[Item]) -> tuple[list[Citation], list[str]]:
    """Where each question's quotes stand in the article, and the questions whose quote it does not hold."""
    folded = [_folded(paragraph.text) for paragraph in article.paragraphs]
    found: list[Citation] = []
    missing: list[str] = []
    for item in items:
        for quote in quotes_of(item):
            needle = normalize_quote(quote)
            place = next(((number, text.find(needle), origin) for number, (text, origin) in enumerate(folded, 1)
                          if needle and needle in text), None)
            if place is None:
                missing.append(item.key)
                continue
            number, at, origin = place
            found.append(Citation(item.key, item.fact or item.key, number, origin[at], origin[at + len(needle) - 1] + 1))
    return found, list(dict.fromkeys(missing))


def segments(paragraph: Paragraph, citations: Sequence[Citation]) -> list[Segment]:
    """The paragraph cut where citations start and end, each piece with the questions citing it."""
    mine = [c for c in citations if c.paragraph == paragraph.number]
    cuts = sorted({0, len(paragraph.text), *(c.start for c in mine), *(c.end for c in mine)})
    pieces = []
    for start, end in zip(cuts, cuts[1:], strict=False):
        keys = tuple(dict.fromkeys(c.key for c in mine if c.start <= start and end <= c.end))
        if pieces and pieces[-1].keys == keys:
            pieces[-1] = Segment(pieces[-1].text + paragraph.text[start:end], keys)
        else:
            pieces.append(Segment(paragraph.text[start:end], keys))
    return pieces


def joined(pieces: Sequence[Segment]) -> list[Segment]:
    """Cited runs that touch joined into one (the reading view marks a passage, not every quote's edge)."""
    out: list[Segment] = []
    for piece in pieces:
        if out and piece.keys and out[-1].keys:
            out[-1] = Segment(out[-1].text + piece.text, tuple(dict.fromkeys((*out[-1].keys, *piece.keys))))
        else:
            out.append(piece)
    return out


def coverage(article: Article, citations: Sequence[Citation], unplaced: Sequence[str] = ()) -> Coverage:
    """Per sentence, the facts citing it (a citation covers every sentence it overlaps), and the shares cited."""
    cited_by: dict[tuple[int, int], frozenset[str]] = {}
    characters = cited = 0
    for paragraph in article.paragraphs:
        mine = [c for c in citations if c.paragraph == paragraph.number]
        for index, sentence in enumerate(paragraph.sentences):
            cited_by[(paragraph.number, index)] = frozenset(
                c.fact for c in mine if c.start < sentence.end and sentence.start < c.end)
        marked = set()
        for c in mine:
            marked.update(range(c.start, c.end))
        characters += sum(1 for char in paragraph.text if not char.isspace())
        cited += sum(1 for index in marked if not paragraph.text[index].isspace())
    return Coverage(cited_by, len(cited_by), characters, cited, tuple(unplaced))


def first_words(text: str, count: int = 8) -> str:
    """The first words of a sentence, to name it in the terminal."""
    words = text.split()
    return " ".join(words[:count]) + (" …" if len(words) > count else "")
