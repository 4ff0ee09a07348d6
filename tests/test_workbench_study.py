""""Run the full study" follows ``custodiet run``: its progress read from the progress bar, a
finished run with a report is done, a failing one says why."""

from __future__ import annotations

import sys
import time

from custodiet.workbench import _study


def _fake(monkeypatch, script: str) -> None:
    monkeypatch.setattr(_study, "command", lambda scenario, out: [sys.executable, "-c", script])


def _wait(run: _study.StudyRun) -> None:
    for _ in range(200):
        if run.state != "running":
            return
        time.sleep(0.05)
    raise AssertionError("the study never finished")


def test_progress_then_done(monkeypatch, tmp_path) -> None:
    out = tmp_path / "study"
    _fake(monkeypatch, f"""
import sys, pathlib
for i in range(1, 29):
    sys.stderr.write(f"\\r7 runs × 3,000 people:  {{i * 100 // 28}}%|##| {{i}}/28 [00:01<00:00]")
    sys.stderr.flush()
pathlib.Path({str(out)!r}).mkdir()
pathlib.Path({str(out)!r}, "report.html").write_text("<html></html>")
""")
    run = _study.start(tmp_path / "s.toml", out)
    _wait(run)
    assert run.state == "done"
    assert (run.done, run.total) == (28, 28)


def test_a_failed_run_says_why(monkeypatch, tmp_path) -> None:
    _fake(monkeypatch, "import sys; sys.stderr.write('custodiet: error: x.toml:3: k: bad\\n');"
                       " sys.exit(2)")
    run = _study.start(tmp_path / "s.toml", tmp_path / "study")
    _wait(run)
    assert run.state == "failed"
    assert run.error == "custodiet: error: x.toml:3: k: bad"


def test_the_command_is_custodiet_run_on_the_saved_file(tmp_path) -> None:
    cmd = _study.command(tmp_path / "s.toml", tmp_path / "out")
    assert cmd[1:4] == ["-m", "custodiet", "run"]
    assert cmd[4] == str(tmp_path / "s.toml") and "--out" in cmd
