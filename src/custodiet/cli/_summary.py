"""The last lines of every command that writes: what it found, in a few lines, and what it
wrote where (each file or folder of the output directory with what it is for), so a user
knows what to open next without reading the documentation."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from custodiet.cli import printable

#: What each file or folder a command writes is for, as the terminal says it.
_WHAT: dict[str, str] = {
    "report.html": "the report: open it in a web browser",
    "metrics.json": "every figure of the report, for other programs",
    "results.json": "the measured numbers beside the paper's, for other programs",
    "README.md": "the numbers beside the paper's, as a table",
    "manifest.json": "the run's settings, versions and timings",
    "run.duckdb": "the city's tables (custodiet inspect DIR, or any DuckDB client)",
    "scenario.toml": "the scenario as run, every setting spelled out",
    "map.svg": "a map of the city: districts, enclaves, cameras (opens in a web browser)",
}


def _count(folder: Path, pattern: str) -> int:
    return sum(1 for _ in folder.glob(pattern))


def _folder_text(path: Path) -> str:
    """What a folder of the output holds, counted."""
    if path.name == "figures":
        svg = _count(path, "*.svg")
        return f"{svg} figure{'s' * (svg != 1)}, each as SVG and PNG"
    if path.name == "runs":
        stores = sorted(path.glob("**/manifest.json"),
                        key=lambda p: (p.parent.name != "watch", str(p)))  # the watch first
        first = f": custodiet inspect {printable(str(stores[0].parent))}" if stores else ""
        return f"{len(stores)} run store{'s' * (len(stores) != 1)}{first}"
    if path.name == "points":
        return f"{_count(path, '*')} design points' run stores"
    return "its files"


def describe(path: Path, what: Mapping[str, str] | None = None) -> str:
    """One line for one file or folder of an output directory (``what``: a command's own
    words for some of its files, in place of the usual ones)."""
    if what and path.name in what:
        return what[path.name]
    if path.is_dir():
        return _folder_text(path)
    if path.name in _WHAT:
        return _WHAT[path.name]
    if path.suffix == ".svg":
        return "a figure (vector; opens in a web browser)"
    if path.suffix == ".png":
        return "the same figure as an image"
    return _WHAT.get(path.name, "")


def wrote(out: Path, findings: list[str] | None = None,
          what: Mapping[str, str] | None = None) -> str:
    """The closing text of a command: its findings (one line each), then ``wrote DIR`` and,
    indented, each visible entry of ``DIR`` with what it is for (``what``: see
    :func:`describe`)."""
    out = Path(out)
    lines = [printable(f) for f in findings or []]
    entries = sorted(p for p in out.iterdir() if not p.name.startswith("."))
    width = max((len(p.name) + p.is_dir() for p in entries), default=0)
    lines.append(f"wrote {printable(str(out))}")
    for p in entries:
        name = p.name + ("/" if p.is_dir() else "")
        text = describe(p, what)
        lines.append(f"  {printable(name):<{width}}  {text}".rstrip())
    return "\n".join(lines)
