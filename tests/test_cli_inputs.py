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
