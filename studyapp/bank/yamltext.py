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
    _C_PARSER = True
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _BaseLoader  # type: ignore[assignment]
    _C_PARSER = False

_NULLS = frozenset(("", "~", "null", "Null", "NULL"))
_NULL = "tag:yaml.org,2002:null"
# A bank file nests 6 deep (file > questions > question > pairs > pair > alternatives); the cap keeps
# the recursive build far from Python's recursion limit.
MAX_DEPTH = 10


class _Loader(_BaseLoader):  # type: ignore[misc, valid-type]
    """Only its parser is used: values are built from the events, resolving no types."""


class _PureLoader(yaml.SafeLoader):
    """PyYAML's own parser, which reads no further ahead than it must (see `_LIBRARY_DEPTH`)."""


# libyaml (PyYAML 6.0.4 on) stops at a nesting depth of its own while its scanner looks ahead in
# `[[[...`, before an event reaches `_build`: such a file is read again by the pure-Python parser,
# which meets our own, located limit first; a parser that still stops gets our message at its mark.
_LIBRARY_DEPTH = "maximum nesting depth"

Path = tuple[str | int, ...]


@dataclass(frozen=True)
class Mark:
    """A 1-based position in a file."""

    line: int
    column: int


@dataclass
class Document:
    """The plain Python value of one YAML file, the position of each of its parts, and its problems."""

    value: object
    marks: dict[Path, Mark] = field(default_factory=dict)
    problems: list[YamlProblem] = field(default_factory=list)
    anchors: int = 0  # anchors and aliases seen (the first is a problem; the others are counted into it)

    def mark(self, path: Path) -> Mark:
        """The position of the value at `path`, or of its nearest ancestor."""
        while path not in self.marks and path:
            path = path[:-1]
        return self.marks.get(path, Mark(1, 1))


class YamlProblem(ValueError):
    """The text is not YAML this app accepts; carries where."""

    def __init__(self, message: str, mark: Mark, path: Path | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.mark = mark
        self.path = path  # the value it spoils, whose own validation errors would only repeat it


_ANCHOR = "anchors and aliases (&x, *x) are not allowed in a bank file: write the value out"


def load(text: str, loader: type[yaml.SafeLoader] = _Loader) -> Document:
    """Parse one YAML document into strings, lists and dicts, collecting every problem found on the way.

    Problems that leave the rest readable (a duplicate key, a tag, an anchor) are collected and reading
    goes on, so an instructor sees them all at once; a syntax error, tab indentation or nesting too deep
    ends the reading (the value is then None). Never raises.
    """
    document = Document(None)
    tabs = [Mark(number, line.index("\t") + 1) for number, line in enumerate(text.split("\n"), 1)
            if "\t" in line[: len(line) - len(line.lstrip(" \t"))]]  # a tab in the indentation; elsewhere YAML allows it
    if tabs:
        document.problems = [YamlProblem("tab character: indent with spaces", mark) for mark in tabs]
        return document
    try:
        events = yaml.parse(text, Loader=loader)
        next(events)  # StreamStart
        event = next(events)
        if isinstance(event, yaml.DocumentStartEvent):
            document.value = _build(next(events), events, (), document, 0)
            next(events)  # DocumentEnd
            event = next(events)
            if isinstance(event, yaml.DocumentStartEvent):
                raise YamlProblem("a bank file holds one YAML document: remove the second '---'", _mark(event))
    except YamlProblem as problem:
        document.value = None
        document.problems.append(problem)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        where = Mark(mark.line + 1, mark.column + 1) if mark else Mark(1, 1)
        if _LIBRARY_DEPTH in str(error.problem):
            if loader is not _PureLoader:
                return load(text, _PureLoader)
            document.value = None
            document.problems.append(YamlProblem(_too_deep(), where))
            return document
        line = text.split("\n")[where.line - 1] if where.line <= text.count("\n") + 1 else ""
        hint = _syntax_hint(str(error.problem), line)
        document.value = None
        document.problems.append(YamlProblem(f"YAML syntax error: {error.problem or error.context}{hint}", where))
    except yaml.reader.ReaderError as error:  # a character YAML does not allow, at a character offset
        # libyaml counts bytes of UTF-8, PyYAML's own reader counts characters
        before = text.encode("utf-8")[: error.position].decode("utf-8", "ignore") if _C_PARSER and loader is _Loader else text[: error.position]
        where = Mark(before.count("\n") + 1, len(before) - (before.rfind("\n") + 1) + 1)
        document.value = None
        document.problems.append(YamlProblem(f"control character U+{error.character:04X} is not allowed: delete it", where)
                                 if isinstance(error.character, int) else YamlProblem(f"YAML error: {error.reason}", where))
    except yaml.YAMLError as error:
        document.value = None
        document.problems.append(YamlProblem(f"YAML error: {' '.join(str(error).split())}", Mark(1, 1)))
    return document


def _anchor_problem(document: Document, event: yaml.Event, path: Path) -> None:
    """Report the first anchor or alias of a file; count the others into its message rather than list them all."""
    document.anchors += 1
    if document.anchors == 1:
        document.problems.append(YamlProblem(_ANCHOR, _mark(event), path))
        return
    first = next(p for p in document.problems if p.message.startswith(_ANCHOR))
    first.message = f"{_ANCHOR} ({document.anchors - 1} more in this file)"
    first.path = ()  # the file's values are no longer what was written: their own errors would mislead


def _syntax_hint(problem: str, line: str) -> str:
    """What usually causes this syntax error on this line, as a hint to append."""
    value = line.split(":", 1)[1].strip() if ":" in line else line.strip().lstrip("- ")
    if "\t" in line:
        return " (this line has a tab character: use spaces)"
    if "mapping values are not allowed" in problem and (": " in value or value.endswith(":")):
        return " (a value that contains ': ' must be quoted: \"...\")"
    if value.startswith(("[[", "*", "&", "!", "%", "@", "`")):
        return f" (a value starting with {value[:2]!r} must be quoted: \"...\")"
    return ""


def _too_deep() -> str:
    return f"lists and mappings nested more than {MAX_DEPTH} deep: a bank file needs 6 at most"


def _mark(event: yaml.Event) -> Mark:
    return Mark(event.start_mark.line + 1, event.start_mark.column + 1)


def _build(event: yaml.Event, events: Iterator[yaml.Event], path: Path, document: Document, depth: int) -> object:
    """The value that starts with `event`, built straight from the parser's events.

    No composer in between: an alias could point at its own parent (endless recursion) or be
    expanded exponentially ("billion laughs"), and libyaml's composer crashes on very deep
    nesting, so aliases are never followed and nesting is capped as the events arrive.
    """
    if isinstance(event, yaml.AliasEvent):
        _anchor_problem(document, event, path)
        return None
    if event.anchor is not None:
        _anchor_problem(document, event, path)
    tag = event.tag
    if tag is not None and tag not in (_NULL, "tag:yaml.org,2002:str"):  # !!binary, !!python/..., !local: no
        document.problems.append(YamlProblem(f"tag {tag} is not allowed: write plain values", _mark(event), path))
        tag = None
    document.marks[path] = _mark(event)
    if isinstance(event, yaml.ScalarEvent):
        value = event.value
        if value in _NULLS and (tag == _NULL if tag is not None else event.implicit[0]):
            return None
        return value
    if depth >= MAX_DEPTH:
        raise YamlProblem(_too_deep(), _mark(event))
    if isinstance(event, yaml.SequenceStartEvent):
        items: list[object] = []
        for item in events:
            if isinstance(item, yaml.SequenceEndEvent):
                return items
            items.append(_build(item, events, (*path, len(items)), document, depth + 1))
    result: dict[str, object] = {}
    for key_event in events:
        if isinstance(key_event, yaml.MappingEndEvent):
            break
        value_path: Path | None = None
        if isinstance(key_event, yaml.AliasEvent) or key_event.anchor is not None:
            _anchor_problem(document, key_event, path)
            if not isinstance(key_event, (yaml.AliasEvent, yaml.ScalarEvent)):
                _build(key_event, events, (*path, "?"), document, depth + 1)  # read past it
        elif not isinstance(key_event, yaml.ScalarEvent):
            document.problems.append(YamlProblem("a key must be plain text", _mark(key_event), path))
            _build(key_event, events, (*path, "?"), document, depth + 1)  # read past it
        elif key_event.value == "<<":
            document.problems.append(YamlProblem("merge keys (<<) are not supported: write the fields out",
                                                 _mark(key_event), path))
        elif key_event.value in result:
            first = document.marks[(*path, key_event.value)]
            document.problems.append(YamlProblem(
                f"duplicate key '{key_event.value}' (first at line {first.line}): YAML would keep only the last",
                _mark(key_event)))
        else:
            value_path = (*path, key_event.value)
        value = _build(next(events), events, value_path or (*path, "?"), document, depth + 1)
        if value_path is not None:  # a key with a problem: its value is read past, not kept
            result[key_event.value] = value
            document.marks[value_path] = _mark(key_event)
    return result
