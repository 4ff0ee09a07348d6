"""A report's figures drawn by worker processes (``custodiet.report._drawing``) are the figures
drawn at once, byte for byte, whichever process draws each; every one is in place and written
when the drawings are finished, an error in a worker is raised, and no worker is spawned where
one job is asked for or a worker could not be."""

from __future__ import annotations

import ast
import multiprocessing as mp
import os
import subprocess
import sys
from concurrent.futures.process import BrokenProcessPool
from importlib import import_module
from pathlib import Path

import numpy as np
import pytest

from custodiet._executor import executing
from custodiet.report import Bar, Figure, bars, sweep
from custodiet.report import _drawing as drawing
from custodiet.report._drawing import Pending, draw, on_cores
from custodiet.report._study_figures import grouped_bars, lines

#: (name, build, args, kwargs): figures of every kind a study report draws.
JOBS = [
    ("bars", bars, ([(f"panel {k}", [Bar("women", 1.4, 1.1, 1.9), Bar("men", 0.8),
                                     Bar("other", None, note="suppressed")])
                     for k in range(3)],), {"band": (0.8, 1.25), "reference_line": 1.0,
                                            "log": True}),
    ("grouped", grouped_bars, (["a", "b"], [("flags", [1.0, 30.0]), ("contacts", [0.5, None])]),
     {"xlabel": "per person", "log": True}),
    ("lines", lines, ([("x", [1, 2, 3], [0.1, None, 0.3])],), {"xlabel": "day",
                                                                "ylabel": "share"}),
    ("sweep", sweep, (np.linspace(0, 1, 5), [("precision", [("all", np.linspace(0, 1, 5))])]),
     {"xlabel": "threshold", "chosen": 0.5}),
]


def _marked(svg: str, name: str, folder: Path | None) -> str:
    """A ``finish`` step: run after the export, in whichever process drew the figure."""
    return svg + f"<!-- {name} -->"


def _draw_all(folder: Path) -> list[object]:
    return [draw(name, folder, build, *args, **kwargs) for name, build, args, kwargs in JOBS]


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


@pytest.fixture
def one_worker(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(drawing, "workers", lambda: 1)


def test_figures_drawn_by_workers_are_those_drawn_at_once(tmp_path: Path, one_worker: None
                                                          ) -> None:
    at_once = _draw_all(tmp_path / "here")
    with on_cores() as drawings:
        assert drawings is not None
        pending = _draw_all(tmp_path / "workers")
        assert all(isinstance(p, Pending) for p in pending)
        figures = [Figure(p, "caption", f"f{k}") for k, p in enumerate(pending)]  # type: ignore[arg-type]
        drawings.finish(figures)
    assert [f.svg for f in figures] == at_once
    assert _files(tmp_path / "workers") == _files(tmp_path / "here")
    assert len(_files(tmp_path / "here")) == 2 * len(JOBS)  # an SVG and a PNG each


def test_a_finishing_step_runs_on_the_drawn_markup(tmp_path: Path, one_worker: None) -> None:
    name, build, args, kwargs = JOBS[2]
    with on_cores() as drawings:
        assert drawings is not None
        # the first goes to the worker (its queue takes it at once), the last is drawn here
        got = [draw(f"{name}{k}", None, build, *args, finish=_marked, **kwargs)
               for k in range(3)]
        drawings.finish()
    svgs = [g.svg for g in got]
    assert all(s is not None and s.startswith("<svg") and s.endswith(f"<!-- {name}{k} -->")
               for k, s in enumerate(svgs))


def test_an_error_in_a_worker_is_raised(tmp_path: Path, one_worker: None) -> None:
    import matplotlib.pyplot as plt

    with pytest.raises(ValueError), on_cores() as drawings:
        assert drawings is not None
        draw("bad", None, lines, [("x", [1, 2], [1.0, 2.0, 3.0])], xlabel="", ylabel="")
        drawings.finish()
    assert not plt.get_fignums()  # drawn here or by the worker, nothing is left open


def test_a_figure_whose_drawing_fails_is_closed() -> None:
    import matplotlib.pyplot as plt

    with pytest.raises(ValueError):
        draw("bad", None, lines, [("x", [1, 2], [1.0, 2.0, 3.0])], xlabel="", ylabel="")
    assert not plt.get_fignums()


def test_no_worker_where_one_job_is_asked_for() -> None:
    with executing(jobs=1):
        assert drawing.workers() == 0
        with on_cores() as drawings:
            assert drawings is None
            _, build, args, kwargs = JOBS[2]
            svg = draw("now", None, build, *args, **kwargs)
    assert isinstance(svg, str) and svg.startswith("<svg")


def test_no_worker_in_a_daemon_process() -> None:
    ctx = mp.get_context("spawn")
    with ctx.Pool(1) as pool:  # a pool's workers are daemons: they may not have children
        assert pool.apply(drawing.workers) == 0


def test_each_public_name_comes_from_the_module_it_is_said_to() -> None:
    """``custodiet.report`` imports a name's module when the name is first used: the names it
    lists, the modules it says and the imports type checkers read agree."""
    import custodiet.report as report

    assert sorted(report._SOURCES) == sorted(report.__all__)
    typed = {alias.asname or alias.name: node.module.rpartition(".")[2]
             for node in ast.walk(ast.parse(Path(report.__file__).read_text()))
             if isinstance(node, ast.ImportFrom) and node.module
             and node.module.startswith("custodiet.report.") for alias in node.names}
    assert typed == report._SOURCES
    for name, module in report._SOURCES.items():
        assert getattr(report, name) is getattr(import_module(f"custodiet.report.{module}"), name)
    with pytest.raises(AttributeError, match="no attribute 'nothing'"):
        report.nothing  # noqa: B018


def test_a_worker_imports_what_draws_figures_not_every_report() -> None:
    code = ("import sys, custodiet.report._drawing, custodiet.report._map; "
            "print(sorted(m for m in sys.modules if m.startswith('custodiet.report.')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)})
    assert out.stdout.split() == ["['custodiet.report._drawing',", "'custodiet.report._figures',",
                                  "'custodiet.report._map']"]


def test_figures_are_drawn_here_when_the_worker_cannot_start(tmp_path: Path, one_worker: None,
                                                            monkeypatch: pytest.MonkeyPatch
                                                            ) -> None:
    at_once = _draw_all(tmp_path / "here")
    # a setting the worker refuses: its initialiser fails, and the pool breaks
    monkeypatch.setattr(drawing, "_settings", lambda: {"lines.linewidth": "not a width"})
    with on_cores() as drawings:
        assert drawings is not None
        got = _draw_all(tmp_path / "broken")
        # the pool breaks before any figure is taken back to be drawn here (Python 3.11's pool
        # reports a future cancelled while it breaks as an error of its own thread)
        assert isinstance(drawings.pending[0].future.exception(timeout=60), BrokenProcessPool)
        drawings.finish()
    assert [g if isinstance(g, str) else g.svg for g in got] == at_once
    assert _files(tmp_path / "broken") == _files(tmp_path / "here")
