"""The README walked as a newcomer: every ``custodiet`` command in its shell blocks runs, in
the order shown, on a small city (people, days, seeds and runs scaled down by flags), and each
says how long it takes."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

from custodiet.cli import main
from tests.conftest import SHARED_DATA

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
DATA = {"compas-scores-two-years.csv": SHARED_DATA / "compas" / "compas-scores-two-years.csv",
        "treemap_ssl_groups.csv": SHARED_DATA / "chicago_ssl" / "treemap_ssl_groups.csv"}
#: Flags set on a small city: later flags win in argparse, so these go last.
SMALL = {"--people": "200", "--days": "1", "--seeds": "1", "--runs": "10", "--bootstrap": "10",
         "--removal-rates": "none"}
SIZED = {"run": ("--people", "--days", "--seeds", "--bootstrap", "--removal-rates"),
         "world": ("--people", "--days"), "sweep": ("--people", "--days"),
         "replicate": ("--runs", "--days"), "audit": ("--bootstrap",),
         "sensitivity": ("--people", "--days"), "workbench": ("--people", "--days")}
TIMING = re.compile(r"\d+(\.\d+)?\s*(s|min|minutes|seconds)\b")


def blocks(language: str = "") -> list[str]:
    """The README's fenced code blocks of one language ("" for shell blocks without one)."""
    out, current, lang = [], None, None
    for line in README.read_text().splitlines():
        if line.startswith("```"):
            if current is None:
                current, lang = [], line[3:].strip()
            else:
                if lang == language:
                    out.append("\n".join(current) + "\n")
                current = None
        elif current is not None:
            current.append(line)
    return out


def shell_lines() -> list[str]:
    """Every command line of the README's shell blocks, continuations joined."""
    out = []
    for block in blocks():
        out += [ln.strip() for ln in block.replace("\\\n", " ").splitlines() if ln.strip()
                and not ln.strip().startswith("#")]
    return out


def _scaled(argv: list[str]) -> list[str]:
    command = argv[0]
    argv = [str(DATA.get(a, a)) for a in argv]
    extra = [x for flag in SIZED.get(command, ()) for x in (flag, SMALL[flag])]
    if command == "replicate":
        extra = ["--runs", "10", "--days", "20"]
    if command == "audit" and "--bootstrap" not in argv:
        extra = []
    if command == "world" and "--scenario" in argv:
        extra = []  # the scenario file (written small below) sets the size
    return [*argv, *extra]


def test_every_command_says_how_long_it_takes():
    """On its line, or in the comment line just above it."""
    for block in blocks():
        above = ""
        for line in block.replace("\\\n", " ").splitlines():
            line = line.strip()
            if line.startswith(("custodiet ", "make demo", "make test")):
                comment = line.partition("#")[2]
                assert TIMING.search(comment) or TIMING.search(above), \
                    f"no timing in the README for: {line}"
            above = line if line.startswith("#") else ""


@pytest.mark.slow  # about 1.5 minutes on a quiet 2-core machine
@pytest.mark.skipif(not all(p.exists() for p in DATA.values()), reason="shared data absent")
def test_readme_commands_run_in_order(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    # the workbench prepares its city, then would serve until Ctrl-C: record the serving instead
    # (the browser test drives a served workbench)
    served: list[dict] = []
    monkeypatch.setattr("uvicorn.run", lambda app, **kw: served.append(kw))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / ".cache"))  # the workbench's cache
    toml = [b for b in blocks("toml") if b.startswith("# my-study.toml")]
    assert toml, "the README defines my-study.toml"
    text = re.sub(r"people = \d+", "people = 200", toml[0])
    (tmp_path / "my-study.toml").write_text(re.sub(r"days = \d+", "days = 1", text))
    ran = 0
    for line in shell_lines():
        if not line.startswith("custodiet "):
            continue
        argv = _scaled(shlex.split(line.partition(" #")[0])[1:])
        rc = main(argv)
        err = capsys.readouterr().err
        assert rc == 0, f"{line}\n{err}"
        ran += 1
    assert ran >= 12
    assert [kw["host"] for kw in served] == ["127.0.0.1"]  # the README's workbench line ran
    assert not [p for p in tmp_path.iterdir() if p.name not in ("runs", "my-study.toml")
                and not p.name.startswith(".")], "outputs outside runs/"
