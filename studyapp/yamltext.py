"""YAML read as the text an instructor typed, with the line of every value.

Plain scalars stay strings (no `no` -> False, `1930-07-03` -> date, `010` -> 8),
duplicate keys and language-specific tags are errors, and every node's position
is kept so validation messages can say file:line:column.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import yaml

try:  # the C parser is much faster; fall back where libyaml is missing
    from yaml import CSafeLoader as _BaseLoader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _BaseLoader  # type: ignore[assignment]

_NULLS = frozenset(("", "~", "null", "Null", "NULL"))
_STR, _NULL = "tag:yaml.org,2002:str", "tag:yaml.org,2002:null"
_SEQ, _MAP = "tag:yaml.org,2002:seq", "tag:yaml.org,2002:map"


class _Loader(_BaseLoader):  # type: ignore[misc, valid-type]
    """Resolves no types: a plain scalar is text (or null when empty), so nothing is guessed."""

    def resolve(self, kind: type, value: object, implicit: tuple[bool, bool]) -> str:
        if kind is yaml.ScalarNode:
            return _NULL if implicit[0] and value in _NULLS else _STR
        return _SEQ if kind is yaml.SequenceNode else _MAP

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
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        where = Mark(mark.line + 1, mark.column + 1) if mark else Mark(1, 1)
        raise YamlProblem(f"YAML syntax error: {error.problem or error.context}", where) from None
    except yaml.YAMLError as error:
        raise YamlProblem(f"YAML error: {error}", Mark(1, 1)) from None
    document = Document(None)
    if node is not None:
        document.value = _convert(node, (), document.marks)
    return document


def _mark(node: yaml.Node) -> Mark:
    return Mark(node.start_mark.line + 1, node.start_mark.column + 1)


def _convert(node: yaml.Node, path: Path, marks: dict[Path, Mark]) -> object:
    marks[path] = _mark(node)
    if node.tag.startswith("tag:yaml.org,2002:python/") or node.tag.startswith("!"):
        raise YamlProblem(f"tag {node.tag} is not allowed: write plain values", _mark(node))
    if isinstance(node, yaml.ScalarNode):
        if node.tag == _NULL and node.value in _NULLS:
            return None
        return node.value
    if isinstance(node, yaml.SequenceNode):
        return [_convert(child, (*path, i), marks) for i, child in enumerate(node.value)]
    assert isinstance(node, yaml.MappingNode)
    result: dict[str, object] = {}
    for key_node, value_node in node.value:
        if not isinstance(key_node, yaml.ScalarNode):
            raise YamlProblem("a key must be plain text", _mark(key_node))
        key = key_node.value
        if key == "<<":
            raise YamlProblem("merge keys (<<) are not supported: write the fields out", _mark(key_node))
        if key in result:
            first = marks[(*path, key)]
            raise YamlProblem(
                f"duplicate key '{key}' (first at line {first.line}): YAML would keep only the last",
                _mark(key_node),
            )
        marks[(*path, key)] = _mark(key_node)
        result[key] = _convert(value_node, (*path, key), marks)
        marks[(*path, key)] = _mark(key_node)
    return result
