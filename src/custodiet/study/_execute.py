"""Executing a plan: every :class:`RunSpec` simulated into its store. The runs are independent
(each has its own scenario, seed and directory), so this one function is where a process pool
or a cluster can take over from the serial loop without changing any result."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from custodiet._executor import Task, run_all, settings
from custodiet._memory import run_bytes
from custodiet.study._plan import RunSpec
from custodiet.study._simulate import has_watch, simulate

Progress = Callable[[str, int], None]
"""Called with (what, days done) as the simulations advance."""


def execute(plan: Sequence[RunSpec], folder: Path, *, progress: Progress | None = None,
            jobs: int | None = None, cluster: Any = None) -> list[Path]:
    """Simulate every run of ``plan`` into ``folder / spec.path``; the stores, in plan order.

    ``jobs`` local processes (default: every core that memory allows, ``CUSTODIET_JOBS``, or
    what :func:`custodiet._executor.executing` set) or a Dask ``cluster`` (default
    ``CUSTODIET_CLUSTER``) run them; either way the stores are the same.
    """
    paths = [Path(folder) / spec.path for spec in plan]
    tasks = [Task(spec.path, simulate, {"scenario": spec.scenario, "out": path,
                                        "variant": spec.variant, "watch": spec.watch},
                  progress_arg="on_day")
             for spec, path in zip(plan, paths, strict=True)]
    label = {spec.path: spec.label for spec in plan}
    need = max((run_bytes(s.scenario.world.people,
                          watch=s.watch and has_watch(s.scenario)) for s in plan), default=None)
    jobs, cluster = settings(jobs, cluster, task_bytes=need)
    run_all(tasks, jobs=jobs, cluster=cluster,
            progress=(lambda name, day: progress(label[name], day)) if progress else None)
    return paths
