""""Run the full study": ``custodiet run`` on the saved rules, in the background, with its
progress read from the command's own progress bar."""

from __future__ import annotations

import re
import subprocess
import sys
import threading
from dataclasses import dataclass
from pathlib import Path

_PROGRESS = re.compile(r"(\d+)/(\d+)")


@dataclass
class StudyRun:
    """One background ``custodiet run``: its state (running, done, failed), days simulated
    out of the total, where it writes and, when it failed, the command's last message."""

    scenario: Path
    out: Path
    state: str = "running"
    done: int = 0
    total: int = 0
    error: str = ""
    process: subprocess.Popen | None = None

    @property
    def report(self) -> Path:
        return self.out / "report.html"


def command(scenario: Path, out: Path) -> list[str]:
    """The ``custodiet run`` command line for a saved scenario (its own size and seed)."""
    return [sys.executable, "-m", "custodiet", "run", str(scenario), "--out", str(out),
            "--force"]


def start(scenario: Path, out: Path) -> StudyRun:
    """Start ``custodiet run`` on ``scenario`` into ``out`` and follow it in a thread."""
    run = StudyRun(scenario, out)
    out.parent.mkdir(parents=True, exist_ok=True)
    run.process = subprocess.Popen(command(scenario, out), stdout=subprocess.DEVNULL,
                                   stderr=subprocess.PIPE, text=True, bufsize=1)
    threading.Thread(target=_follow, args=(run,), daemon=True).start()
    return run


def _follow(run: StudyRun) -> None:
    assert run.process is not None and run.process.stderr is not None
    tail = ""
    buf = ""
    while True:
        chunk = run.process.stderr.read(256)
        if not chunk:
            break
        buf = (buf + chunk)[-2000:]
        for line in re.split(r"[\r\n]", buf)[:-1]:
            match = _PROGRESS.search(line)
            if match:
                run.done, run.total = int(match.group(1)), int(match.group(2))
            elif line.strip():
                tail = line.strip()
        buf = re.split(r"[\r\n]", buf)[-1]
    code = run.process.wait()
    if code == 0 and run.report.is_file():
        run.state = "done"
        run.done = run.total
    else:
        run.state = "failed"
        run.error = (buf.strip() or tail or f"exit status {code}")[-300:]


def stop(run: StudyRun | None) -> None:
    """End a study still running (when the workbench stops)."""
    if run is not None and run.process is not None and run.process.poll() is None:
        run.process.terminate()
