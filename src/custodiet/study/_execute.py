"""Executing a plan: every :class:`RunSpec` simulated into its store. The runs are independent
(each has its own scenario, seed and directory), so this one function is where a process pool
or a cluster can take over from the serial loop without changing any result."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from custodiet._executor import Task, run_all, settings
from custodiet._memory import run_bytes
from custodiet.study._cities import prepare_city, shared_cities
from custodiet.study._plan import RunSpec
from custodiet.study._simulate import has_watch, simulate

#: Where shared cities are built inside the study folder, for the length of :func:`execute`.
CITIES = ".cities"

Progress = Callable[[str, int], None]
"""Called with (what, days done) as the simulations advance."""


def execute(plan: Sequence[RunSpec], folder: Path, *, progress: Progress | None = None,
            jobs: int | None = None, cluster: Any = None, share_cities: bool = True
            ) -> dict[RunSpec, Path]:
    """Simulate every run of ``plan`` into ``folder / spec.path``; each spec's store, in plan
    order.

    ``jobs`` local processes (default: every core that memory allows, ``CUSTODIET_JOBS``, or
    what :func:`custodiet._executor.executing` set) or a Dask ``cluster`` (default
    ``CUSTODIET_CLUSTER``) run them; either way the stores are the same. With
    ``share_cities``, a city (world config and seed) that two or more runs simulate is built
    once, first, under ``folder/.cities`` (removed at the end), and those runs start from it:
    the stores are the same as without.
    """
    folder = Path(folder)
    paths = [folder / spec.path for spec in plan]
    cities = (shared_cities([s.scenario for s in plan], folder / CITIES) if share_cities
              else [None] * len(plan))
    tasks = [Task(spec.path, simulate, {"scenario": spec.scenario, "out": path,
                                        "variant": spec.variant.value, "watch": spec.watch,
                                        "city": city},
                  progress_arg="on_day")
             for spec, path, city in zip(plan, paths, cities, strict=True)]
    builds = {city: spec.scenario for spec, city in zip(plan, cities, strict=True) if city}
    label = {spec.path: spec.label for spec in plan}
    need = max((run_bytes(s.scenario.world.people,
                          watch=s.watch and has_watch(s.scenario)) for s in plan), default=None)
    jobs, cluster = settings(jobs, cluster, task_bytes=need)
    try:
        run_all([Task(f"city {c.name}", prepare_city, {"scenario": sc, "folder": c})
                 for c, sc in builds.items()], jobs=jobs, cluster=cluster)
        run_all(tasks, jobs=jobs, cluster=cluster,
                progress=(lambda name, day: progress(label[name], day)) if progress else None)
    finally:
        if builds:
            shutil.rmtree(folder / CITIES, ignore_errors=True)
    return dict(zip(plan, paths, strict=True))
