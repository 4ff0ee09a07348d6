"""The terminal for a newcomer: ``custodiet`` alone lists the commands and exits 0, every
--help is written for users with an example, and every command that writes ends with what it
found and what it wrote where."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from custodiet.cli import _COMMANDS, EXAMPLES, build_parser, main, user_text
from custodiet.cli._audit import audit_findings
from custodiet.cli._summary import wrote


def test_custodiet_alone_lists_every_command_and_exits_0(capsys) -> None:
    assert main([]) == 0
    out = capsys.readouterr().out
    listed = [line.split()[0] for line in out.splitlines() if line.startswith("  ")]
    assert listed == list(_COMMANDS)
    assert "custodiet COMMAND --help" in out and "report.html" in out


def test_custodiet_alone_from_the_shell_exits_0() -> None:
    done = subprocess.run([sys.executable, "-m", "custodiet"], capture_output=True, text=True,
                          env={**os.environ}, check=False, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "Commands:" in done.stdout and done.stderr == ""


def test_help_texts_are_written_for_users() -> None:
    parser = build_parser()
    sub = next(a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction")
    assert "``" not in (parser.description or "") and "sub-command" not in parser.description
    for name, command in sub.choices.items():
        text = command.description or ""
        assert text[:1].isupper() and "``" not in text, name
        assert not text.startswith("custodiet"), name
        assert command.epilog == f"Example: {EXAMPLES[name]}", name
        assert EXAMPLES[name].split()[1] == name


def test_user_text_strips_the_command_prefix_and_quotes() -> None:
    assert user_text("``custodiet world``: build a city,\n  see ``--out``.") == \
        "Build a city, see --out."


def test_wrote_lists_each_entry_with_what_it_is(tmp_path: Path) -> None:
    (tmp_path / "figures").mkdir()
    for stem in ("a", "b"):
        (tmp_path / "figures" / f"{stem}.svg").write_text("<svg/>")
        (tmp_path / "figures" / f"{stem}.png").write_bytes(b"")
    (tmp_path / "report.html").write_text("")
    (tmp_path / ".custodiet").write_text("")
    text = wrote(tmp_path, ["one finding"])
    lines = text.splitlines()
    assert lines[0] == "one finding" and lines[1] == f"wrote {tmp_path}"
    assert lines[2].split() == ["figures/", "2", "figures,", "each", "as", "SVG", "and", "PNG"]
    assert lines[3].startswith("  report.html") and "web browser" in lines[3]
    assert len(lines) == 4  # the hidden marker is not listed


def test_world_says_what_the_city_holds(tmp_path: Path, capsys) -> None:
    out = tmp_path / "city"
    assert main(["world", "--people", "1500", "--days", "2", "--seed", "2", "--out", str(out),
                 "--quiet"]) == 0
    text = capsys.readouterr().out
    rows = json.loads((out / "manifest.json").read_text())["rows"]
    assert (f"a city of 1,500 people in {rows['places']:,} places over 2 days: "
            f"{rows['stays']:,} stays") in text
    assert f"{rows['incidents']:,} incidents (ground truth)" in text
    assert f"wrote {out}\n" in text and "run.duckdb" in text and "manifest.json" in text


def _group(label: str, flag_ratio: float | None, status: str = "ok") -> dict:
    ratio = {"flag_rate": {"status": status, "value": flag_ratio}}
    return {"group": {"g": label}, "is_reference": False, "ratio_to_reference": ratio}


def test_audit_findings_name_the_group_furthest_from_the_reference() -> None:
    groups = [{"group": {"g": "a"}, "is_reference": True}, _group("b", 0.5), _group("c", 1.1),
              _group("d", None, "suppressed")]
    metrics = {"overall": {"counts": {"n": 400, "flagged": 100}},
               "settings": {"band": [0.8, 1.25]}, "groupings": {"g": {"groups": groups}},
               "disclosure": {"primary": 2, "secondary": 3, "values": 40, "min_cell": 10}}
    lines = audit_findings(metrics)
    assert lines[0] == "400 people, 100 flagged (25.0%)"
    assert lines[1] == ("by g, against a: flag rate furthest off in b (0.50×; 1 of 2 groups "
                        "outside 0.8–1.25×)")
    assert lines[2].startswith("5 of 40 values withheld (built from fewer than 10 people")


@pytest.mark.parametrize("name", ["ensign2018", "damour2020"])
def test_replicate_prints_its_answer(tmp_path: Path, capsys, name: str) -> None:
    out = tmp_path / name
    assert main(["replicate", name, "--out", str(out), "--runs", "3", "--days", "20",
                 "--quiet"]) == 0
    text = capsys.readouterr().out
    report = json.loads((out / "results.json").read_text())
    if name == "ensign2018":
        for case in report["cases"]:
            share = case["variants"]["corrected"]["measured"]["mean_final_share"]
            assert f"{case['title']} ({case['true_share']:.3f})" in text
            assert f"corrected {share:.3f}" in text
    else:
        for d in report["measured_claims"]["greedy_most_discovered_and_missed"]:
            assert f"d = {d}: most discovered" in text
    assert "results.json" in text and "README.md" in text


def test_a_command_describes_its_own_files_in_its_own_words(tmp_path: Path) -> None:
    """A replication of no paper does not call its numbers "beside the paper's"."""
    (tmp_path / "results.json").write_text("{}")
    usual = wrote(tmp_path)
    assert "beside the paper's" in usual
    own = wrote(tmp_path, what={"results.json": "the four answers, for other programs"})
    assert "beside the paper's" not in own and "the four answers" in own


def test_world_of_one_day_says_one_day(tmp_path: Path, capsys) -> None:
    out = tmp_path / "city"
    assert main(["world", "--people", "1500", "--days", "1", "--seed", "2", "--out", str(out),
                 "--quiet"]) == 0
    assert "places over 1 day: " in capsys.readouterr().out
