"""One clear line for every bad input, in the command line and the Python API: tiny and huge
populations, booleans for numbers, NaN and infinity in any float, bad environment variables,
a full disk; terminal output carries no control characters from user strings."""

from __future__ import annotations

import errno

import pytest

from custodiet.cli import main, printable
from custodiet.errors import UserError
from custodiet.scenario import parse_scenario, scenario_from_mapping


def _one_line(capsys, rc: int, needle: str, tmp_path) -> None:
    err = capsys.readouterr().err
    assert rc == 2, err
    assert needle in err and len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert not [p for p in tmp_path.iterdir() if p.name.startswith((".o", "o"))]


@pytest.mark.parametrize("people", ["1", "2", "8", "99"])
def test_tiny_population(tmp_path, capsys, people):
    rc = main(["world", "--people", people, "--days", "1", "--quiet", "--out",
               str(tmp_path / "o")])
    _one_line(capsys, rc, "world.people: must be at least 100", tmp_path)


def test_huge_population_fails_fast_with_the_estimate(tmp_path, capsys):
    rc = main(["world", "--people", str(10**12), "--quiet", "--out", str(tmp_path / "o")])
    _one_line(capsys, rc, "need about", tmp_path)


@pytest.mark.parametrize(("text", "line", "needle"), [
    ("[world]\npeople = true\n", 2, "world.people: must be a whole number"),
    ("[world]\npeople = 1000\n[world.population]\nminority_share = nan\n", 4,
     "world.population.minority_share: must be a finite number"),
    ("seed = 1\n[world]\npeople = 1000\n[world.history.recording_multiplier]\nminority = inf\n",
     5, "recording_multiplier.minority: must be a finite number"),
    ("[world]\npeople = 1000\n[world.history.recording_multiplier]\nminority = -inf\n", 4,
     "must be a finite number"),
])
def test_scenario_values(tmp_path, capsys, text, line, needle):
    path = tmp_path / "s.toml"
    path.write_text(text)
    rc = main(["world", "--scenario", str(path), "--quiet", "--out", str(tmp_path / "o")])
    err = capsys.readouterr().err
    assert rc == 2 and f"s.toml:{line}: " in err and needle in err, err
    with pytest.raises(UserError, match=r"finite|whole number"):
        parse_scenario(text)


def test_python_api_rejects_non_finite_anywhere():
    for bad in (float("nan"), float("inf")):
        with pytest.raises(UserError, match="must be a finite number"):
            scenario_from_mapping({"world": {"people": 1000, "population": {
                "minority_share": bad}}})


@pytest.mark.parametrize(("var", "value", "needle"), [
    ("CUSTODIET_THREADS", "abc", "CUSTODIET_THREADS: must be a whole number"),
    ("CUSTODIET_THREADS", "-3", "CUSTODIET_THREADS: must be a whole number"),
    ("CUSTODIET_MEMORY_LIMIT", "lots", "CUSTODIET_MEMORY_LIMIT: is not a memory size"),
])
def test_bad_environment(tmp_path, capsys, monkeypatch, var, value, needle):
    monkeypatch.setenv(var, value)
    rc = main(["world", "--people", "200", "--days", "1", "--quiet", "--out",
               str(tmp_path / "o")])
    _one_line(capsys, rc, needle, tmp_path)


def test_disk_full_is_one_line(tmp_path, capsys, monkeypatch):
    import custodiet.store._atomic as atomic

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(atomic, "move_into_place", full)
    monkeypatch.setattr("custodiet.store._writer.move_into_place", full)
    rc = main(["world", "--people", "200", "--days", "1", "--quiet", "--out",
               str(tmp_path / "o")])
    _one_line(capsys, rc, "No space left on device", tmp_path)


def test_control_characters_are_stripped(tmp_path, capsys):
    assert printable("a\x1b[31mb\x07c\td") == "a[31mbc d"
    rc = main(["audit", str(tmp_path / "\x1b[2Jevil.csv"), "--out", str(tmp_path / "o"),
               "--flag", "f", "--group", "g"])
    err = capsys.readouterr().err
    assert rc == 2 and "\x1b" not in err and "evil.csv" in err


def _main(argv: list[str]) -> int:
    try:
        return main(argv)
    except SystemExit as exit_:  # argparse refuses a bad argument with exit 2
        return int(exit_.code)


@pytest.mark.parametrize("args, needle", [
    (["world", "--days", "100000000"], "must be at most 3,660"),
    (["run", "default", "--days", "100000000"], "must be at most 3,660"),
    (["run", "default", "--seeds", "5000"], "must be at most 1,000"),
    (["run", "default", "--bootstrap", "100000000"], "must be at most 100,000"),
    (["replicate", "ensign2018", "--runs", "100000000"], "must be at most 1,000,000"),
    (["sweep", "default", "--set", "name=../../escaped,x"], "cannot name a file or folder"),
    (["sweep", "default", "--set", "name=a\nb"], "cannot name a file or folder"),
])
def test_counts_and_names_are_bounded(tmp_path, capsys, args, needle):
    """--days and --runs accepted 1e8 (an ETA of 7,000 hours); --bootstrap had no bound; a
    swept name made a folder outside --out."""
    rc = _main([*args, "--out", str(tmp_path / "o")])
    _one_line(capsys, rc, needle, tmp_path)
    assert not (tmp_path.parent / "escaped").exists()


@pytest.mark.parametrize("text, needle", [
    ("a = " + "[" * 5000 + "]" * 5000 + "\n", "nests tables or arrays more than 32 deep"),
    ("[world]\npeople = 200\ndays = true\n", "world.days: is true, but a number"),
    ("[world]\npeople = 200\ndays = 100000000\n", "world.days: must be at most 3,660"),
    ('name = "x\\u001b[31m"\n', "name: holds a control character"),
])
def test_hostile_scenarios_are_one_line(tmp_path, capsys, text, needle):
    """Deep nesting was a RecursionError; days = true was read as 1; a name's terminal escapes
    were printed raw."""
    path = tmp_path / "s.toml"
    path.write_text(text)
    rc = _main(["world", "--scenario", str(path), "--out", str(tmp_path / "o")])
    _one_line(capsys, rc, needle, tmp_path)


def test_a_fifo_as_scenario_is_refused(tmp_path, capsys):
    """A FIFO as the scenario path blocked forever."""
    import os

    fifo = tmp_path / "s.toml"
    os.mkfifo(fifo)
    rc = _main(["run", str(fifo), "--out", str(tmp_path / "o")])
    _one_line(capsys, rc, "is not a regular file", tmp_path)


def test_a_full_disk_inside_the_engine_is_one_line(tmp_path, capsys, monkeypatch):
    """DuckDB's own "No space left on device" (world, run) was a traceback."""
    import duckdb

    import custodiet.store._writer as writer

    def full(*args, **kwargs):
        raise duckdb.IOException('IO Error: Could not write file "run.duckdb": '
                                 "No space left on device")

    monkeypatch.setattr(writer.RunWriter, "finish", full)
    rc = _main(["world", "--people", "200", "--days", "1", "--quiet", "--out",
                str(tmp_path / "o")])
    _one_line(capsys, rc, "no space left on the device", tmp_path)
