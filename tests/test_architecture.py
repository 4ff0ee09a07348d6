"""The package's shape, checked from the source: no module imports another package's private
module, no import cycle (imports inside functions and under ``TYPE_CHECKING`` included), no
module over 400 lines, no function over 60, and only the engine opens DuckDB connections.

A private module (``_name``) is visible to the package that holds it and to that package's
subpackages, never to a sibling or a parent: ``custodiet.audit.sim`` may use
``custodiet.audit._cells``, but ``custodiet.report`` may use only ``custodiet.audit``'s public
names, and ``custodiet.audit`` nothing of ``custodiet.audit.sim`` but its public names.
"""

from __future__ import annotations

import ast
from functools import cache
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"
PACKAGE = SRC / "custodiet"
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 60


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


@cache
def _modules() -> dict[str, Path]:
    return {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _is_package(name: str) -> bool:
    return _modules()[name].name == "__init__.py"


def _package_of(name: str) -> str:
    """The package a module belongs to (a package ``__init__`` belongs to itself)."""
    return name if _is_package(name) else name.rpartition(".")[0]


@cache
def _tree(name: str) -> ast.Module:
    return ast.parse(_modules()[name].read_text(), filename=str(_modules()[name]))


def _absolute(name: str, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    base = _package_of(name).split(".")
    base = base[: len(base) - node.level + 1]
    return ".".join(base + ([node.module] if node.module else []))


@cache
def _reexports(package: str) -> dict[str, str]:
    """The module each name a package's ``__init__`` imports comes from."""
    found: dict[str, str] = {}
    for node in ast.walk(_tree(package)):
        if isinstance(node, ast.ImportFrom):
            source = _absolute(package, node)
            for alias in node.names:
                found[alias.asname or alias.name] = source
    return found


def _resolve(target: str, name: str | None) -> str | None:
    """The module ``from target import name`` (or ``import target``) reaches, ours only."""
    modules = _modules()
    if name is not None and f"{target}.{name}" in modules:
        return f"{target}.{name}"
    if target not in modules:
        return None
    if name is not None and _is_package(target):
        source = _reexports(target).get(name)
        if source in modules and source != target:
            return _resolve(source, None) or source
    return target


def _named(source: str, name: str | None) -> str | None:
    """The module an import statement names itself (no re-export followed), ours only."""
    modules = _modules()
    if name is not None and f"{source}.{name}" in modules:
        return f"{source}.{name}"
    return source if source in modules else None


def imports(name: str, *, follow: bool = True) -> set[str]:
    """Every module of ours that ``name`` imports, anywhere in its body; with ``follow``, a
    name a package re-exports counts as an import of the module that defines it."""
    find = _resolve if follow else _named
    found: set[str] = set()
    for node in ast.walk(_tree(name)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if (module := find(alias.name, None)) is not None:
                    found.add(module)
        elif isinstance(node, ast.ImportFrom):
            source = _absolute(name, node)
            for alias in node.names:
                if (module := find(source, alias.name)) is not None:
                    found.add(module)
    found.discard(name)
    return found


def _private_owner(module: str) -> str | None:
    """The package whose private module ``module`` is (the innermost ``_name`` part)."""
    parts = module.split(".")
    owner = None
    for i, part in enumerate(parts):
        if part.startswith("_") and part != "__main__":
            owner = ".".join(parts[:i])
            break
    return owner


def test_no_module_imports_another_packages_private_module() -> None:
    bad = []
    for name in _modules():
        package = _package_of(name)
        for target in sorted(imports(name, follow=False)):
            owner = _private_owner(target)
            if owner is not None and not (package == owner or package.startswith(owner + ".")):
                bad.append(f"{name} imports {target}")
    assert not bad, "private imports across packages:\n" + "\n".join(bad)


def _cycles() -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan, iterative)."""
    graph = {name: sorted(imports(name)) for name in _modules()}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0
    for root in graph:
        if root in index:
            continue
        work = [(root, iter(graph[root]))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, edges = work[-1]
            for nxt in edges:
                if nxt not in index:
                    index[nxt] = low[nxt] = counter
                    counter += 1
                    stack.append(nxt)
                    on_stack.add(nxt)
                    work.append((nxt, iter(graph[nxt])))
                    break
                if nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    if len(component) > 1:
                        found.append(sorted(component))
    return found


def test_no_import_cycle() -> None:
    cycles = _cycles()
    assert not cycles, "import cycles:\n" + "\n".join(" <-> ".join(c) for c in cycles)


def test_no_module_is_too_long() -> None:
    long = {name: len(path.read_text().splitlines()) for name, path in _modules().items()}
    bad = {name: n for name, n in long.items() if n > MAX_MODULE_LINES}
    assert not bad, f"modules over {MAX_MODULE_LINES} lines: {bad}"


def test_no_function_is_too_long() -> None:
    bad = []
    for name in _modules():
        for node in ast.walk(_tree(name)):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                lines = node.end_lineno - node.lineno + 1
                if lines > MAX_FUNCTION_LINES:
                    bad.append(f"{name}.{node.name}: {lines} lines")
    assert not bad, f"functions over {MAX_FUNCTION_LINES} lines:\n" + "\n".join(bad)


def test_only_the_engine_connects_to_duckdb() -> None:
    bad = []
    for name in _modules():
        if name.startswith("custodiet.engine"):
            continue
        for node in ast.walk(_tree(name)):
            if isinstance(node, ast.Attribute) and node.attr == "connect" \
                    and isinstance(node.value, ast.Name) and node.value.id == "duckdb":
                bad.append(f"{name}:{node.lineno}")
    assert not bad, "duckdb.connect outside custodiet.engine: " + ", ".join(bad)


def test_the_checker_sees_a_private_import_and_a_cycle() -> None:
    """The checks above can fail: the resolver finds what they look for in known modules."""
    assert "custodiet.audit.sim._rules" in imports("custodiet.audit.sim._study")
    assert _private_owner("custodiet.audit.sim._rules") == "custodiet.audit.sim"
    assert _private_owner("custodiet.audit") is None
