"""The world's code keeps its contract: no import cycle between its modules (imports made only
for type checking and inside functions included), no module over 400 lines, no function over
60, and every behaviour and outing kind declared once."""

from __future__ import annotations

import ast
from pathlib import Path

from custodiet.world._behaviours import BEHAVIOURS, OUTINGS
from custodiet.world._context import Role

WORLD = Path(__file__).parents[1] / "src" / "custodiet" / "world"
PACKAGE = "custodiet.world"


def _imports(path: Path) -> set[str]:
    """Every module of the world package ``path`` imports, anywhere in the file."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module == PACKAGE:
                found |= {f"{PACKAGE}.{a.name}" if a.name.startswith("_") else PACKAGE
                          for a in node.names}
            elif node.module.startswith(PACKAGE + "."):
                found.add(node.module)
        elif isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith(PACKAGE + ".")}
    return found


def _graph() -> dict[str, set[str]]:
    def name(p: Path) -> str:
        return PACKAGE if p.stem == "__init__" else f"{PACKAGE}.{p.stem}"

    return {name(p): _imports(p) for p in sorted(WORLD.glob("*.py"))}


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle of ``graph`` (a depth-first search), or None."""
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return [*stack[stack.index(nxt):], nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (found := visit(node)):
            return found
    return None


def test_the_cycle_finder_finds_a_cycle() -> None:
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": set()}) is None


def test_world_modules_import_no_cycle() -> None:
    graph = _graph()
    assert f"{PACKAGE}._context" in graph[f"{PACKAGE}._outings"]  # the graph is read
    assert _cycle(graph) is None, " -> ".join(_cycle(graph) or [])


def test_world_modules_and_functions_are_small() -> None:
    long = []
    for path in sorted(WORLD.glob("*.py")):
        text = path.read_text()
        if text.count("\n") > 400:
            long.append(f"{path.name}: {text.count(chr(10))} lines")
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                size = node.end_lineno - node.lineno + 1
                if size > 60:
                    long.append(f"{path.name}:{node.name}: {size} lines")
    assert not long, long


def test_behaviours_and_outing_kinds_are_declared_once() -> None:
    names = [b.name for b in BEHAVIOURS]
    assert len(names) == len(set(names))
    kinds = [k.name for k in OUTINGS]
    assert len(kinds) == len(set(kinds))
    # Ordinary leisure is the chain's last link: any other kind wins over it.
    assert OUTINGS[-1].role is Role.ORDINARY
    assert all(k.role is not Role.ORDINARY for k in OUTINGS[:-1])
