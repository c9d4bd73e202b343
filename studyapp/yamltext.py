"""YAML read as the text an instructor typed, with the line of every value.

Plain scalars stay strings (no `no` -> False, `1930-07-03` -> date, `010` -> 8),
duplicate keys, language-specific tags, anchors/aliases and deep nesting are
errors, and every node's position is kept so messages can say file:line:column.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import yaml

try:  # the C parser is much faster; fall back where libyaml is missing
    from yaml import CSafeLoader as _BaseLoader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _BaseLoader  # type: ignore[assignment]

_NULLS = frozenset(("", "~", "null", "Null", "NULL"))
_NULL = "tag:yaml.org,2002:null"
# A bank file nests 4 deep (file > questions > question > distractors); the cap keeps
# the recursive build far from Python's recursion limit.
MAX_DEPTH = 10


class _Loader(_BaseLoader):  # type: ignore[misc, valid-type]
    """Only its parser is used: values are built from the events, resolving no types."""

Path = tuple[str | int, ...]


@dataclass(frozen=True)
class Mark:
    """A 1-based position in a file."""

    line: int
    column: int


@dataclass
class Document:
    """The plain Python value of one YAML file and the position of each of its parts."""

    value: object
    marks: dict[Path, Mark] = field(default_factory=dict)

    def mark(self, path: Path) -> Mark:
        """The position of the value at `path`, or of its nearest ancestor."""
        while path not in self.marks and path:
            path = path[:-1]
        return self.marks.get(path, Mark(1, 1))


class YamlProblem(ValueError):
    """The text is not YAML this app accepts; carries where."""

    def __init__(self, message: str, mark: Mark) -> None:
        super().__init__(message)
        self.message = message
        self.mark = mark


def load(text: str) -> Document:
    """Parse one YAML document into strings, lists and dicts; raises YamlProblem."""
    if "\t" in text:
        line = text[: text.index("\t")].count("\n") + 1
        column = text.index("\t") - (text.rfind("\n", 0, text.index("\t")) + 1) + 1
        raise YamlProblem("tab character: indent with spaces", Mark(line, column))
    document = Document(None)
    try:
        events = yaml.parse(text, Loader=_Loader)
        next(events)  # StreamStart
        event = next(events)
        if isinstance(event, yaml.DocumentStartEvent):
            document.value = _build(next(events), events, (), document.marks, 0)
            next(events)  # DocumentEnd
            event = next(events)
            if isinstance(event, yaml.DocumentStartEvent):
                raise YamlProblem("a bank file holds one YAML document: remove the second '---'", _mark(event))
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        where = Mark(mark.line + 1, mark.column + 1) if mark else Mark(1, 1)
        raise YamlProblem(f"YAML syntax error: {error.problem or error.context}", where) from None
    except yaml.YAMLError as error:
        raise YamlProblem(f"YAML error: {error}", Mark(1, 1)) from None
    return document


def _mark(event: yaml.Event) -> Mark:
    return Mark(event.start_mark.line + 1, event.start_mark.column + 1)


def _build(event: yaml.Event, events: Iterator[yaml.Event], path: Path, marks: dict[Path, Mark], depth: int) -> object:
    """The value that starts with `event`, built straight from the parser's events.

    No composer in between: an alias could point at its own parent (endless recursion) or be
    expanded exponentially ("billion laughs"), and libyaml's composer crashes on very deep
    nesting, so anchors and aliases are refused and nesting is capped as the events arrive.
    """
    if isinstance(event, yaml.AliasEvent) or event.anchor is not None:
        raise YamlProblem("anchors and aliases (&x, *x) are not allowed in a bank file: write the value out", _mark(event))
    tag = event.tag
    if tag is not None and (tag.startswith("tag:yaml.org,2002:python/") or tag.startswith("!")):
        raise YamlProblem(f"tag {tag} is not allowed: write plain values", _mark(event))
    marks[path] = _mark(event)
    if isinstance(event, yaml.ScalarEvent):
        value = event.value
        if value in _NULLS and (tag == _NULL if tag is not None else event.implicit[0]):
            return None
        return value
    if depth >= MAX_DEPTH:
        raise YamlProblem(f"lists and mappings nested more than {MAX_DEPTH} deep: a bank file needs 4 at most", _mark(event))
    if isinstance(event, yaml.SequenceStartEvent):
        items: list[object] = []
        for item in events:
            if isinstance(item, yaml.SequenceEndEvent):
                return items
            items.append(_build(item, events, (*path, len(items)), marks, depth + 1))
    result: dict[str, object] = {}
    for key_event in events:
        if isinstance(key_event, yaml.MappingEndEvent):
            break
        if not isinstance(key_event, yaml.ScalarEvent):
            if isinstance(key_event, yaml.AliasEvent):
                raise YamlProblem("anchors and aliases (&x, *x) are not allowed in a bank file: write the value out",
                                  _mark(key_event))
            raise YamlProblem("a key must be plain text", _mark(key_event))
        key = key_event.value
        if key_event.anchor is not None:
            raise YamlProblem("anchors and aliases (&x, *x) are not allowed in a bank file: write the value out",
                              _mark(key_event))
        if key == "<<":
            raise YamlProblem("merge keys (<<) are not supported: write the fields out", _mark(key_event))
        if key in result:
            first = marks[(*path, key)]
            raise YamlProblem(
                f"duplicate key '{key}' (first at line {first.line}): YAML would keep only the last",
                _mark(key_event),
            )
        result[key] = _build(next(events), events, (*path, key), marks, depth + 1)
        marks[(*path, key)] = _mark(key_event)
    return result
