"""docs/sources.md lists every source id the project cites: in a scenario, the code (report
sentences, workbench and command-line help), a page or a notebook; and, where the project's
notes (``../shared/SOURCES.md``) are present, exactly their ids with their words verbatim."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from custodiet.cli import main
from custodiet.scenario import builtin_scenarios, load_scenario

ROOT = Path(__file__).resolve().parents[1]
PAGE = ROOT / "docs" / "sources.md"
NOTES = ROOT.parent / "shared" / "SOURCES.md"
#: What a source id looks like (NYT-3, HRW-1, MPS-1, or a new publication's prefix).
ID = re.compile(r"\b[A-Z]{2,5}-\d{1,3}\b")
#: Strings of that shape that are not source ids.
NOT_IDS = {"SHA-256", "UTF-8", "UTF-16"}
#: Every text a user reads a source id in.
CITING = ("src/custodiet/**/*.py", "src/custodiet/**/*.toml", "src/custodiet/**/*.html",
          "src/custodiet/**/*.js", "docs/**/*.md", "README.md", "examples/*.py",
          "notebooks/*.ipynb")


def listed() -> dict[str, str]:
    """Each id of docs/sources.md and its entry's text (anchor to the next anchor)."""
    parts = re.split(r'<a id="([A-Z]+-\d+)"></a>', PAGE.read_text(encoding="utf-8"))
    return dict(zip(parts[1::2], parts[2::2], strict=True))


def cited() -> dict[str, set[str]]:
    """Each id cited anywhere a user reads it, and the files citing it."""
    out: dict[str, set[str]] = {}
    for pattern in CITING:
        for path in ROOT.glob(pattern):
            if path == PAGE:
                continue
            for found in set(ID.findall(path.read_text(encoding="utf-8"))) - NOT_IDS:
                out.setdefault(found, set()).add(str(path.relative_to(ROOT)))
    return out


def test_every_entry_has_where_when_and_what_was_said():
    entries = listed()
    assert len(entries) >= 20
    for sid, text in entries.items():
        assert f"### {sid} · " in text, sid
        for label in ("**Where:**", "**When:**", "**What the source says:**", "**Modelled as:**"):
            assert label in text, f"{sid}: no {label}"


def test_every_cited_id_is_listed():
    ids = cited()
    assert {"NYT-1", "NYT-12", "HRW-1", "MPS-1"} <= set(ids), "the search finds no citations"
    missing = {sid: sorted(files) for sid, files in ids.items() if sid not in listed()}
    assert not missing, f"cited but not in docs/sources.md: {missing}"


def test_every_scenario_source_and_what_the_cli_prints_is_listed(capsys):
    known = set(listed())
    for name, path in builtin_scenarios().items():
        assert set(load_scenario(path).sources) <= known, name
    assert main(["scenarios"]) == 0
    printed = set(ID.findall(capsys.readouterr().out))
    assert printed and printed <= known


@pytest.mark.skipif(not NOTES.exists(), reason=f"shared notes absent: {NOTES}")
def test_the_page_holds_exactly_the_notes_ids_and_their_words():
    rows = re.findall(r"^\| ([A-Z]+-\d+) \| ([^|]+) \| ([^|]+) \|", NOTES.read_text(), re.M)
    entries = listed()
    assert [sid for sid, _, _ in rows] == list(entries)
    for sid, system, says in rows:
        assert f"### {sid} · {system.strip()}" in entries[sid]
        assert f"**What the source says:** {says.strip()}\n" in entries[sid], sid
