"""Fuzzing: the scenario loader, the audit's CSV reader and every command's arguments, under
random (mostly wrong) input, end in exit 0 or 2, never a traceback, and write nothing on 2."""

from __future__ import annotations

import string
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from custodiet.cli import main
from custodiet.errors import UserError
from custodiet.scenario import parse_scenario


def fast(n: int) -> settings:
    """Few examples, no deadline, the same examples on every run."""
    return settings(max_examples=n, deadline=None, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.too_slow,
                                           HealthCheck.function_scoped_fixture])

KEYS = ["seed", "name", "people", "days", "world", "population", "minority_share",
        "recording_multiplier", "minority", "geography", "segregation", "behaviour",
        "calls_per_day", "rules", "lists", "redlist", "template", "k", "sensors", "x"]
VALUES = ["1", "0", "-1", "1e400", "nan", "inf", "-inf", "true", "\"text\"", "[]", "[1, 2]",
          "{}", "3.5", "100000000000000", "\"\\u0000\"", "0.5", "2000", "=", "[[", ""]


@st.composite
def toml_text(draw):
    lines = []
    for _ in range(draw(st.integers(0, 8))):
        if draw(st.booleans()):
            parts = draw(st.lists(st.sampled_from(KEYS), min_size=1, max_size=3))
            lines.append(("[[%s]]" if draw(st.booleans()) else "[%s]") % ".".join(parts))
        else:
            lines.append(f"{draw(st.sampled_from(KEYS))} = {draw(st.sampled_from(VALUES))}")
    if draw(st.booleans()):
        lines.append(draw(st.text(string.printable, max_size=20)))
    return "\n".join(lines) + "\n"


@fast(200)
@given(toml_text())
def test_scenario_loader_never_crashes(text):
    try:
        parse_scenario(text, source="fuzz.toml")
    except UserError as err:
        assert "\n" not in err.format()


CELLS = ["0", "1", "2", "", "NaN", "inf", "-1", "abc", "1e308", "0.5", "\"a,b\"", "10", "x"]


@st.composite
def csv_text(draw):
    cols = draw(st.lists(st.sampled_from(["g", "s", "y", "w", "f", "h", "g"]), min_size=1,
                         max_size=6))
    rows = draw(st.lists(st.lists(st.sampled_from(CELLS), min_size=len(cols),
                                  max_size=len(cols) + 1), max_size=30))
    return ",".join(cols) + "\n" + "\n".join(",".join(r) for r in rows) + "\n"


AUDIT_FLAGS = st.lists(st.sampled_from([
    ["--label", "y"], ["--score", "s"], ["--threshold", "1"], ["--threshold", "nan"],
    ["--flag", "f"], ["--top-k", "3"], ["--top-pct", "7"], ["--top-pct", "0"], ["--group", "g"],
    ["--group", "h"], ["--weight", "w"], ["--bootstrap", "5"], ["--min-cell", "5"],
    ["--min-cell", "1"], ["--reference", "g=a"], ["--band", "0.8", "1.25"], ["--glob"]]),
    max_size=7)


def _written(root: Path) -> list[str]:
    return sorted(p.name for p in root.iterdir() if p.name not in ("in.csv", "in.toml"))


def _run(argv: list[str], root: Path) -> None:
    try:
        rc = main(argv)
    except SystemExit as exit_:  # argparse: --help (0) or a bad argument (2)
        rc = exit_.code
    assert rc in (0, 2)
    if rc == 2:
        assert [n for n in _written(root) if not n.endswith(".lock")] == []


@fast(100)
@given(csv_text(), AUDIT_FLAGS)
def test_audit_csv_reader_never_crashes(text, flags):
    with tempfile.TemporaryDirectory() as d:
        root = Path(d)
        (root / "in.csv").write_text(text)
        _run(["audit", str(root / "in.csv"), "--out", str(root / "out"),
              *[a for f in flags for a in f]], root)


COMMANDS = ["world", "inspect", "replicate", "audit", "scenarios", "run", "compare", "sweep"]
TOKENS = ["--people", "--days", "--seed", "--seeds", "--runs", "--force", "--quiet", "--set",
          "--scenario", "--removal-rates", "--bootstrap", "--out", "default", "ensign2018",
          "nosuch", "0", "-1", "1", "2", "150", "nan", "1e9", "true", "k=1,2", "none", "--",
          "\x1b[31m", "in.toml", "in.csv", "--help", "--version"]
SMALL = ["--people", "120", "--days", "1", "--seeds", "1", "--runs", "2", "--bootstrap", "0",
         "--removal-rates", "none", "--quiet"]


@fast(100)
@given(st.sampled_from(COMMANDS), st.lists(st.sampled_from(TOKENS), max_size=6))
def test_every_command_handles_random_arguments(command, tokens):
    with tempfile.TemporaryDirectory() as d:
        root = Path(d)
        (root / "in.toml").write_text("[world]\npeople = 150\ndays = 1\n")
        (root / "in.csv").write_text("g,f\na,1\nb,0\n")
        args = [str(root / t) if t.startswith("in.") else t for t in tokens]
        args = [str(root / "out") if prev == "--out" else a
                for prev, a in zip(["", *args], args, strict=False)]
        # keep whatever runs small; later flags win in argparse, so the fuzzed ones go last
        small = [a for i in range(0, len(SMALL) - 1, 2)
                 for a in SMALL[i:i + 2] if _accepts(command, SMALL[i])]
        _run([command, *small, *args], root)


def _accepts(command: str, flag: str) -> bool:
    from custodiet.cli import build_parser

    sub = build_parser()._subparsers._group_actions[0].choices[command]
    return any(flag in a.option_strings for a in sub._actions)


# -- hostile input, round two: names, weights, crafted stores and metrics files ----------------

NAME_CHARS = st.sampled_from([*"aZ9 _.-+/\\\n\t\x1b\x00\u202eé:*?", "..", "../"])


@fast(300)
@given(st.lists(NAME_CHARS, max_size=90).map("".join))
def test_a_name_becomes_a_path_only_inside_its_folder(name):
    """Every name is either refused by the path-name rule or names one entry of its folder;
    path_name turns any text into such a name."""
    from custodiet.store import check_path_name, is_path_name, path_name

    root = Path("/base")
    for candidate in (name, path_name(name)):
        if is_path_name(candidate):
            assert (root / candidate).parent == root and candidate not in (".", "..")
            assert "\n" not in candidate and "\x1b" not in candidate
            check_path_name(candidate, field="x")
        else:
            try:
                check_path_name(candidate, field="x")
            except UserError as err:
                assert "\n" not in err.format() and "\x1b" not in err.format()
            else:
                raise AssertionError(candidate)
    assert is_path_name(path_name(name))


WEIGHTS = st.sampled_from(["1", "0", "10.5", "15.5", "1e308", "0.001", "3", "100.25"])


@fast(25)
@given(st.lists(st.tuples(st.sampled_from("abcz"), st.integers(0, 1), st.integers(1, 6),
                          WEIGHTS), min_size=1, max_size=80))
def test_weighted_audits_never_publish_a_group_of_few_respondents(rows):
    """Whatever the weights, a published group has at least --min-cell respondents when the
    weights are survey weights (and never a traceback or an infinite count)."""
    import json as _json

    from custodiet.audit import AuditSpec, audit_file

    with tempfile.TemporaryDirectory() as d:
        src = Path(d) / "t.csv"
        src.write_text("g,y,s,w\n" + "\n".join(f"{g},{y},{s},{w}" for g, y, s, w in rows)
                       + "\n")
        try:
            real = audit_file(AuditSpec(path=src, groups=["g"], label="y", score="s",
                                        threshold=3.0, weight="w", min_cell=5))
        except UserError as err:
            assert "\n" not in err.format()
            return
        out = _json.loads(_json.dumps(real.to_dict(), allow_nan=False, default=str))
        respondents = {}
        for g, _, _, w in rows:
            respondents[g] = respondents.get(g, 0) + (float(w) > 0)
        if out["input"]["weights"] == "survey":
            for e in out["groupings"]["g"]["groups"]:
                assert respondents[e["group"]["g"]] >= 5


JSON_PIECES = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(-10**30, 10**30),
              st.floats(allow_nan=False), st.text(max_size=5)),
    lambda kids: st.one_of(st.lists(kids, max_size=3),
                           st.dictionaries(st.sampled_from(
                               ["mean", "low", "high", "n", "values", "headline", "alerts",
                                "precision", "rows", "database", "bytes", "seed"]), kids,
                               max_size=4)), max_leaves=12)


@fast(60)
@given(JSON_PIECES, st.sampled_from(["", "huge", "deep"]))
def test_compare_and_inspect_on_crafted_files_are_one_line(data, twist):
    """compare on a crafted metrics.json and inspect on a crafted manifest end in 0 or 2."""
    import json as _json

    text = _json.dumps({"headline": data} if isinstance(data, dict) else data)
    if twist == "huge":
        text = '{"headline": {"alerts": {"mean": ' + "9" * 50_000 + "}}}"
    elif twist == "deep":
        text = "[" * 50_000 + "]" * 50_000
    with tempfile.TemporaryDirectory() as d:
        root = Path(d)
        for name in ("a", "b"):
            (root / name).mkdir()
            (root / name / "metrics.json").write_text(text)
        assert main(["compare", str(root / "a"), str(root / "b")]) in (0, 2)
        run = root / "run"
        run.mkdir()
        import duckdb

        duckdb.connect(str(run / "run.duckdb")).close()
        (run / "manifest.json").write_text(text)
        assert main(["inspect", str(run)]) in (0, 2)
