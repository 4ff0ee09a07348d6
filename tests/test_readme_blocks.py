"""The README's Python blocks run as written: each saved as a file and run with ``python
file.py`` (on a small city: people, days and seeds scaled down), and in a notebook. A script
that calls custodiet at module level without ``if __name__ == "__main__":`` runs its
simulations in one process with a warning instead of crashing its worker processes."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from custodiet._main_guard import _guarded

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
#: A small city and one seed (its twins and removal rates still run in worker processes).
SMALL = ((r"people=[\d_]+", "people=500"), (r"days=\d+", "days=1"), (r"seeds=\d+", "seeds=1"))


def python_blocks(page: Path = README) -> list[str]:
    """A page's fenced ```python blocks, in order (the README's by default)."""
    return re.findall(r"^```python\n(.*?)^```", page.read_text(encoding="utf-8"),
                      flags=re.S | re.M)


def small(block: str) -> str:
    for pattern, value in SMALL:
        block = re.sub(pattern, value, block)
    return block


def run_script(path: Path, cwd: Path, *, as_module: bool = False
               ) -> subprocess.CompletedProcess[str]:
    """``python path`` (or ``python -m name``) as a user runs it, with two worker processes
    allowed; this checkout's package first on the path."""
    env = {**os.environ, "CUSTODIET_JOBS": "2",
           "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(cwd),
                                          os.environ.get("PYTHONPATH", "")])}
    env.pop("CUSTODIET_CLUSTER", None)
    args = ["-m", path.stem] if as_module else [str(path)]
    return subprocess.run([sys.executable, *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=600)


def test_the_readme_has_python_blocks_and_each_study_is_guarded():
    """Also in the docs pages, which show the same call."""
    assert len(python_blocks()) >= 2
    pages = [README, *sorted((ROOT / "docs").glob("**/*.md"))]
    for block in (b for page in pages for b in python_blocks(page)):
        for i, line in enumerate(block.splitlines(), 1):
            if "custodiet.run(" in line:
                assert _guarded(block, i), f"custodiet.run outside the __main__ guard: {line}"


@pytest.mark.parametrize("index", range(len(python_blocks())))
def test_readme_python_block_runs_as_a_file(index, tmp_path):
    """The study block: about 20 s of CPU (report 45%, simulation 35%); the others 5 s."""
    script = tmp_path / "example.py"
    script.write_text(small(python_blocks()[index]))
    done = run_script(script, tmp_path)
    assert done.returncode == 0, done.stderr[-3000:]
    # the guarded study ran in worker processes, not in the one-process fallback
    assert "SerialFallbackWarning" not in done.stderr, done.stderr[-3000:]


@pytest.mark.slow  # a kernel and the study again: about 40 s
def test_readme_study_block_runs_in_a_notebook(tmp_path):
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    study = next(b for b in python_blocks() if "custodiet.run(" in b)
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(small(study))])
    os.environ.setdefault("CUSTODIET_JOBS", "2")
    nbclient.NotebookClient(nb, timeout=600, resources={"metadata": {"path": str(tmp_path)}}
                            ).execute()
    assert (tmp_path / "runs" / "study" / "report.html").exists()


# ------------------------------------------------------------------ the __main__ guard
TASKS = """
import os
from custodiet._executor import Task, run_all
def work():
    return run_all([Task("a", os.getpid), Task("b", os.getpid)], jobs=2)
"""


@pytest.mark.parametrize(("guarded", "as_module"), [(False, False), (True, False),
                                                    (False, True)])
def test_a_script_without_the_guard_runs_in_one_process_with_a_warning(guarded, as_module,
                                                                        tmp_path):
    body = ("if __name__ == '__main__':\n    pids = work()\n" if guarded
            else "pids = work()\n")
    script = tmp_path / "script_under_test.py"
    script.write_text(TASKS + body + textwrap.dedent("""
        if __name__ == "__main__":
            print(sorted(set(pids)) == [os.getpid()])
        """))
    done = run_script(script, tmp_path, as_module=as_module)
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.strip() == str(not guarded)  # the pool's workers have other pids
    warned = "SerialFallbackWarning" in done.stderr
    assert warned is not guarded, done.stderr
    if not guarded:
        assert f"{script}:{TASKS.count(chr(10)) + 1}" in done.stderr  # names the line


@pytest.mark.parametrize(("source", "line", "expected"), [
    ("x = 1\nif __name__ == '__main__':\n    run()\n", 3, True),
    ("x = 1\nif '__main__' == __name__:\n    run()\n", 3, True),
    ("run()\nif __name__ == '__main__':\n    pass\n", 1, False),
    ("if __name__ == '__main__':\n    pass\nelse:\n    run()\n", 4, False),
    ("if __name__ != '__main__':\n    run()\n", 2, False),
    ("try:\n    if __name__ == '__main__':\n        run()\nexcept OSError:\n    pass\n", 3, True),
])
def test_guard_is_recognised_only_around_the_line(source, line, expected):
    assert _guarded(source, line) is expected
