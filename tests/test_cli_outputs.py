"""Outputs never destroy: --force replaces only a directory custodiet wrote and never one that
holds the input; a directory that appears during a run is not replaced; publishing is locked;
SIGTERM cleans up like Ctrl-C; a leftover partial directory is never taken for a run."""

from __future__ import annotations

import fcntl
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from custodiet.cli import main
from custodiet.errors import UserError
from custodiet.store import MARKER, open_run, publish_directory

ROOT = Path(__file__).resolve().parents[1]


def _table(path: Path) -> Path:
    rows = [f"{'ab'[i % 2]},{i % 10},{i % 3 == 0:d}" for i in range(200)]
    path.write_text("g,s,y\n" + "\n".join(rows) + "\n")
    return path


def _audit(src: Path, out: Path, *extra: str) -> int:
    return main(["audit", str(src), "--out", str(out), "--score", "s", "--threshold", "5",
                 "--label", "y", "--group", "g", *extra])


def test_force_never_deletes_the_input(tmp_path, capsys):
    data = tmp_path / "data"
    data.mkdir()
    src = _table(data / "t.csv")
    assert _audit(src, data, "--force") == 2
    assert "holds the input" in capsys.readouterr().err
    assert src.is_file()
    assert _audit(src, tmp_path, "--force") == 2  # a parent of the input, too
    assert src.is_file()


def test_force_replaces_only_what_custodiet_wrote(tmp_path, capsys):
    src = _table(tmp_path / "t.csv")
    mine = tmp_path / "notes"
    mine.mkdir()
    (mine / "thesis.txt").write_text("years of work")
    assert _audit(src, mine, "--force") == 2
    assert "was not written by custodiet" in capsys.readouterr().err
    assert (mine / "thesis.txt").read_text() == "years of work"
    out = tmp_path / "out"
    assert _audit(src, out) == 0 and (out / MARKER).is_file()
    assert _audit(src, out) == 2  # exists, no --force
    assert _audit(src, out, "--force") == 0


def test_a_directory_that_appears_during_the_run_is_not_replaced(tmp_path):
    out = tmp_path / "out"

    def fill(tmp: Path) -> None:
        out.mkdir()
        (out / "theirs").write_text("x")
        (tmp / "mine").write_text("y")

    with pytest.raises(UserError, match="appeared while this command ran"):
        publish_directory(out, fill, force=False)
    assert (out / "theirs").read_text() == "x"
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".partial")] == []


def test_concurrent_publishers_are_locked_out(tmp_path):
    out = tmp_path / "out"
    fd = os.open(tmp_path / ".out.lock", os.O_CREAT | os.O_RDWR)
    fcntl.flock(fd, fcntl.LOCK_EX)
    try:
        with pytest.raises(UserError, match="another command is publishing"):
            publish_directory(out, lambda tmp: (tmp / "x").write_text("1"), force=False)
    finally:
        os.close(fd)
    assert not out.exists()
    publish_directory(out, lambda tmp: (tmp / "x").write_text("1"), force=False)
    assert (out / "x").read_text() == "1"


def test_partial_directory_is_not_a_run(tmp_path, capsys):
    partial = tmp_path / ".runs.abc123.partial"
    partial.mkdir()
    (partial / "manifest.json").write_text("{}")
    (partial / "run.duckdb").write_bytes(b"")
    assert main(["inspect", str(partial)]) == 2
    assert "unfinished output" in capsys.readouterr().err
    with pytest.raises(UserError):
        open_run(partial)


def test_sigterm_cleans_up_like_ctrl_c(tmp_path):
    out = tmp_path / "city"
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    proc = subprocess.Popen([sys.executable, "-m", "custodiet", "world", "--people", "30000",
                             "--days", "60", "--quiet", "--out", str(out)], env=env,
                            stderr=subprocess.PIPE, text=True)
    deadline = time.time() + 60
    while time.time() < deadline and not any(p.name.endswith(".partial")
                                             for p in tmp_path.iterdir()):
        time.sleep(0.1)
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 143, err
    assert "terminated; nothing was written" in err and "Traceback" not in err
    assert not out.exists()
    assert [p.name for p in tmp_path.iterdir() if not p.name.endswith(".lock")] == []


def test_sigterm_inside_an_import_is_delivered_again_outside_it(monkeypatch) -> None:
    """Python prints and drops an exception raised inside its import machinery's callbacks,
    so a SIGTERM landing there is sent again a moment later instead of raised there."""
    import types

    import custodiet.cli as cli
    from custodiet._interrupt import Terminated

    sent: list[bool] = []
    monkeypatch.setattr(cli, "SIGTERM_RETRY_S", 0.0)
    monkeypatch.setattr(cli, "_send_sigterm", lambda: sent.append(True))
    monkeypatch.setattr("custodiet._interrupt._requested", False)
    inside = types.SimpleNamespace(f_code=types.SimpleNamespace(
        co_filename="<frozen importlib._bootstrap>"))
    cli._on_sigterm(signal.SIGTERM, inside)  # no exception here
    deadline = time.time() + 5
    while not sent and time.time() < deadline:
        time.sleep(0.01)
    assert sent == [True]
    with pytest.raises(Terminated):
        cli._on_sigterm(signal.SIGTERM, sys._getframe())


def test_the_progress_bar_names_the_step_after_the_simulations() -> None:
    from custodiet.cli._run import progress_bar

    bar, tick = progress_bar(2, False, "2 runs")
    tick("watch", 0)
    assert "auditing" not in bar.desc
    tick("watch", 1)
    assert "auditing and drawing the report" in bar.desc
    bar.close()


def test_force_never_deletes_an_input_of_any_command(tmp_path, capsys):
    """--force deleted the scenario (run, world, sweep), the compared study (compare A B --out
    A) and the globbed CSV (audit 'a/*.csv' --glob --out a); now every command asks the same
    "may I replace this?" question, and a file put into an output later is never deleted."""
    out = tmp_path / "a"
    src = _table(tmp_path / "t.csv")
    assert _audit(src, out) == 0
    moved = out / "t.csv"
    moved.write_text(src.read_text())
    scenario = out / "city.toml"
    scenario.write_text((ROOT / "src/custodiet/scenarios/default.toml").read_text())
    capsys.readouterr()
    for args in (["audit", str(out / "*.csv"), "--glob", "--out", str(out), "--force",
                  "--score", "s", "--threshold", "5", "--label", "y", "--group", "g"],
                 ["world", "--scenario", str(scenario), "--out", str(out), "--force"],
                 ["run", str(scenario), "--out", str(out), "--force"],
                 ["compare", str(out), str(tmp_path), "--out", str(out), "--force"]):
        assert main(args) == 2, args
        err = capsys.readouterr().err
        assert len(err.strip().splitlines()) == 1 and "input" in err, (args, err)
    assert moved.is_file() and scenario.is_file()
    assert _audit(src, out, "--force") == 2  # files custodiet did not write are kept
    assert "which custodiet did not write" in capsys.readouterr().err
    moved.unlink()
    scenario.unlink()
    assert _audit(src, out, "--force") == 0
