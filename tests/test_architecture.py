"""The layout holds: features form a chain with no circle, cores are pure, views stay short."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).parent.parent / "studyapp"
# Features from the bottom up: each may use what stands below it, never what stands above or beside it.
CHAIN = [{"bank"}, {"flashcards"}, {"quizzes"}, {"learn"}, {"anki", "accounts", "instructor"}, {"web"}]
SHARED = {"config", "db", "models", "errors", "current", "tallies"}  # below every feature
APP = {"", "cli", "__main__"}  # the factory and the command line: above every feature
CORES = ["bank.yamltext", "bank.fileformat", "bank.fieldchecks", "bank.items", "bank.dates", "bank.spelling", "bank.distractors",
         "bank.load", "bank.lint", "quizzes.generate", "quizzes.matching", "quizzes.grading", "quizzes.question", "flashcards.scheduler",
         "flashcards.charts", "flashcards.optimizer", "anki.formats", "anki.progress", "accounts.datafile",
         "learn.progression", "learn.asking", "bank.reading", "instructor.itemstats",
         "bank.timeline", "web.timeline_chart", "web.timeline_svg"]
MAX_VIEW_LINES = 25


def _modules() -> dict[str, ast.Module]:
    found = {}
    for path in PACKAGE.rglob("*.py"):
        name = ".".join(path.relative_to(PACKAGE).with_suffix("").parts)
        found[name.removesuffix("__init__").rstrip(".")] = ast.parse(path.read_text(encoding="utf-8"))
    return found


MODULES = _modules()


def _imports(tree: ast.Module) -> set[str]:
    """Everything a module imports (at any depth, function-level imports too), as dotted names."""
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            for alias in node.names:  # a module imported from a package, or a name from a module
                names.add(f"{node.module}.{alias.name}")
                if f"{node.module}.{alias.name}".removeprefix("studyapp").lstrip(".") not in MODULES:
                    names.add(node.module)
    return names


def _studyapp_imports(name: str) -> set[str]:
    """The studyapp modules `name` imports (relative to the package)."""
    inside = {dotted.removeprefix("studyapp").lstrip(".") for dotted in _imports(MODULES[name])
              if dotted == "studyapp" or dotted.startswith("studyapp.")}
    return {module for module in inside if module in MODULES and module != name}


def _feature(module: str) -> str:
    return module.split(".")[0] if module else ""


def _rank(module: str) -> int:
    feature = _feature(module)
    if feature in SHARED:
        return -1
    if feature in APP:
        return len(CHAIN)
    return next(rank for rank, level in enumerate(CHAIN) if feature in level)


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One circle of the graph, or None."""
    state: dict[str, int] = {}
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return path[path.index(nxt):] + [nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        state[node] = 2
        path.pop()
        return None

    return next((found for node in sorted(graph) if node not in state and (found := visit(node))), None)


def test_every_module_belongs_to_a_known_place() -> None:
    unknown = {module for module in MODULES if _feature(module) not in SHARED | APP | set().union(*CHAIN)}
    assert not unknown


def test_no_import_cycle_between_modules() -> None:
    graph = {name: _studyapp_imports(name) for name in MODULES}
    assert _cycle(graph) is None


def test_features_form_a_chain_from_the_bank_up() -> None:
    upward = [f"{name} -> {other}" for name in MODULES for other in _studyapp_imports(name)
              if _feature(other) != _feature(name) and _feature(name) not in APP
              and (_rank(other) > _rank(name) or _rank(other) == _rank(name) >= 0)]
    assert upward == []


def test_a_feature_uses_no_other_features_views() -> None:
    crossing = [f"{name} -> {other}" for name in MODULES for other in _studyapp_imports(name)
                if ("views" in other.split(".")[1:]) and _feature(other) != _feature(name) and _feature(name) not in APP]
    assert crossing == []


@pytest.mark.parametrize("core", CORES)
def test_core_modules_import_no_flask_session_or_clock(core: str) -> None:
    tree = MODULES[core]
    imported = _imports(tree)
    assert not {name for name in imported if name.split(".")[0] in ("flask", "flask_login", "flask_wtf", "werkzeug", "sqlalchemy")}
    assert not {name for name in _studyapp_imports(core) if _feature(name) in ("db", "models", "current")}
    clock = [node.lineno for node in ast.walk(tree) if isinstance(node, ast.Attribute)
             and node.attr in ("now", "utcnow", "today", "time", "monotonic") and isinstance(node.value, (ast.Name, ast.Attribute))
             and getattr(node.value, "id", getattr(node.value, "attr", "")) in ("datetime", "date", "time")]
    assert clock == [], f"{core} reads the clock at lines {clock}: take `now` as a parameter"


def _views() -> list[tuple[str, str, int]]:
    """(module, function, lines) of every function a blueprint routes to."""
    found = []
    for name, tree in MODULES.items():
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef) and any(
                    isinstance(d, ast.Call) and isinstance(d.func, ast.Attribute) and isinstance(d.func.value, ast.Name)
                    and d.func.value.id == "bp" and d.func.attr in ("get", "post", "route") for d in node.decorator_list):
                found.append((name, node.name, node.end_lineno - node.lineno + 1))
    return found


def test_views_stay_short() -> None:
    views = _views()
    assert len(views) > 20  # the walk finds the routes
    assert [f"{module}.{view}: {lines} lines" for module, view, lines in views if lines > MAX_VIEW_LINES] == []


def test_views_leave_the_commit_to_a_service() -> None:
    committing = [name for name, tree in MODULES.items() if "views" in name.split(".") and any(
        isinstance(node, ast.Attribute) and node.attr == "commit" for node in ast.walk(tree))]
    assert committing == []
