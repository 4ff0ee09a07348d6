"""The ``world`` and ``inspect`` commands, and every bad-input case: one line, exit 2, nothing
written."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from custodiet.cli import main


def _run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "custodiet", *args], capture_output=True,
                          text=True, env={**os.environ, "PYTHONUNBUFFERED": "1"}, check=False)


def test_world_then_inspect(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "run"
    assert main(["world", "--people", "2000", "--days", "2", "--seed", "3", "--out", str(out),
                 "--quiet"]) == 0
    assert (out / "run.duckdb").is_file() and (out / "manifest.json").is_file()
    assert main(["inspect", str(out)]) == 0
    text = capsys.readouterr().out
    assert "stays" in text and "minority" in text and "incidents" in text
    assert not list(tmp_path.glob(".*partial"))


def test_existing_output_needs_force(tmp_path: Path) -> None:
    out = tmp_path / "run"
    out.mkdir()
    result = _run_cli("world", "--people", "100", "--days", "1", "--out", str(out))
    assert result.returncode == 2
    assert "already exists" in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert not any(out.iterdir())


def _bad_scenario(tmp_path: Path, text: str) -> tuple[subprocess.CompletedProcess[str], Path]:
    scenario = tmp_path / "bad.toml"
    scenario.write_text(text)
    out = tmp_path / "out"
    return _run_cli("world", "--scenario", str(scenario), "--out", str(out)), out


@pytest.mark.parametrize(
    ("text", "line", "fragment"),
    [
        ("[world]\npeople = 100\npeeple = 3\n", 3, "did you mean 'people'"),
        ("[world]\npeople = -5\n", 2, "world.people"),
        ("[world]\npeople = 1000\n[world.population]\nminority_share = 1.5\n", 4,
         "world.population.minority_share"),
        ("[world.households]\nsize_shares = [0.5, 0.4]\n", 1, "add up to 1"),
        ("[world]\npeople = \n", 2, "not valid TOML"),
        ("[wrld]\npeople = 3\n", 1, "did you mean 'world'"),
    ],
)
def test_bad_scenario_gets_one_line_naming_file_line_and_field(
        tmp_path: Path, text: str, line: int, fragment: str) -> None:
    result, out = _bad_scenario(tmp_path, text)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert f"bad.toml:{line}" in lines[0] and fragment in lines[0]
    assert "Traceback" not in result.stderr
    assert not out.exists() and not list(tmp_path.glob(".out*"))


@pytest.mark.parametrize("args", [
    ["--people", "-3"], ["--people", "many"], ["--days", "0"], ["--seed", "-1"],
])
def test_bad_arguments_get_one_line_and_exit_2(tmp_path: Path, args: list[str]) -> None:
    out = tmp_path / "out"
    result = _run_cli("world", *args, "--out", str(out))
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr
    assert not out.exists()


def test_missing_scenario_file(tmp_path: Path) -> None:
    result = _run_cli("world", "--scenario", str(tmp_path / "nope.toml"), "--out",
                      str(tmp_path / "o"))
    assert result.returncode == 2 and "no such scenario file" in result.stderr


def test_inspect_rejects_a_directory_that_is_not_a_run(tmp_path: Path) -> None:
    result = _run_cli("inspect", str(tmp_path))
    assert result.returncode == 2 and "not a custodiet run directory" in result.stderr


def test_a_failure_mid_run_leaves_nothing_behind(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    from custodiet.scenario import Scenario
    from custodiet.study import _simulate

    calls = {"n": 0}
    original = _simulate.World.step

    def failing_step(self):  # type: ignore[no-untyped-def]
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("disk on fire")
        return original(self)

    monkeypatch.setattr(_simulate.World, "step", failing_step)
    scenario = Scenario.model_validate({"world": {"people": 500, "days": 3}})
    with pytest.raises(RuntimeError):
        _simulate.simulate_world(scenario, tmp_path / "run")
    assert list(tmp_path.iterdir()) == []


def test_missing_parent_directories_are_created(tmp_path: Path) -> None:
    out = tmp_path / "a" / "b" / "run"
    assert main(["world", "--people", "300", "--days", "1", "--out", str(out), "--quiet"]) == 0
    assert (out / "manifest.json").is_file()


def test_world_draws_its_map(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                             monkeypatch: pytest.MonkeyPatch) -> None:
    """``custodiet world`` writes ``map.svg`` (districts, enclaves, cameras; no alerts: a
    world has no watch), lists it, and its cameras are the ones a watched run of the same
    scenario and seed places."""
    from custodiet.cli._world import scenario_cameras
    from custodiet.report._map import city_data
    from custodiet.scenario import builtin_scenarios, load_scenario
    from custodiet.store import open_run
    from custodiet.study import simulate, with_changes

    path = builtin_scenarios()["yitu_menu"]
    out = tmp_path / "world"
    assert main(["world", "--scenario", str(path), "--people", "2000", "--days", "1",
                 "--seed", "3", "--out", str(out), "--quiet"]) == 0
    printed = capsys.readouterr().out
    assert "  map.svg        a map of the city: districts, enclaves, cameras" in printed
    svg = (out / "map.svg").read_text(encoding="utf-8")
    assert svg.startswith('<?xml version="1.0"') and "<svg" in svg
    assert "camera (not at a home)" in svg and "Who lives there" in svg
    assert "other rules" not in svg and "named" not in svg
    # the cameras are the watch's own: a watched run of the same city places the same ones
    scenario = with_changes(load_scenario(path), {"world.people": 2000, "world.days": 1,
                                                  "seed": 3}, source="test")
    watched = simulate(scenario, tmp_path / "watched")
    with open_run(watched) as run:
        placed = run.con.execute("SELECT place_id FROM cameras ORDER BY 1").fetchall()
    cameras = scenario_cameras(scenario, out)
    assert cameras.size > 0 and cameras.tolist() == [p for (p,) in placed]
    data = city_data(out, cameras)
    with open_run(out) as run:
        assert sum(d[5] for d in data["districts"]) == run.rows("persons")
    assert data["alerts"] == [] and all(d[8] == 0 for d in data["districts"])
    # a city with more cameras than the map draws says how many it drew
    from custodiet.report import _map, world_map

    outside = sum(1 for c in data["cameras"] if not c[2])
    monkeypatch.setattr(_map, "MAX_CAMERAS", 3)
    thinned = world_map(out, tmp_path / "thin.svg", cameras).read_text(encoding="utf-8")
    step = -(-outside // 3)
    assert outside > 3 and f"1 in {step} of {outside:,} drawn" in thinned
