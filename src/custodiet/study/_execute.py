"""Executing a plan: every :class:`RunSpec` simulated into its store. The runs are independent
(each has its own scenario, seed and directory), so this one function is where a process pool
or a cluster can take over from the serial loop without changing any result."""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
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
    return execute_then(plan, folder, (), progress=progress, jobs=jobs, cluster=cluster,
                        share_cities=share_cities).stores


@dataclass(frozen=True)
class Executed:
    """What :func:`execute_then` did: each spec's store (plan order), the followers' results
    (their order) and when (``time.perf_counter``) the last simulated day was reported: the
    end of the simulating, before the followers still running."""

    stores: dict[RunSpec, Path]
    results: list[Any]
    simulated_at: float


def execute_then(plan: Sequence[RunSpec], folder: Path, followers: Sequence[Task], *,
                 progress: Progress | None = None, jobs: int | None = None,
                 cluster: Any = None, share_cities: bool = True, follower_bytes: int = 0
                 ) -> Executed:
    """:func:`execute`, and ``followers`` run on the same workers as soon as the simulations
    they wait for are done (their ``after`` name runs by ``spec.path``; a seed's audit while
    the next seed simulates). ``follower_bytes``: the memory a follower needs, if more than a
    simulation."""
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
    jobs, cluster = settings(jobs, cluster, task_bytes=max(need or 0, follower_bytes) or None)
    try:
        run_all([Task(f"city {c.name}", prepare_city, {"scenario": sc, "folder": c})
                 for c, sc in builds.items()], jobs=jobs, cluster=cluster)
        ending = _Ending({spec.path: spec.scenario.world.days for spec in plan})

        def forward(name: str, day: int) -> None:
            ending(name, day)
            if progress is not None:
                progress(label[name], day)

        ordered = _interleaved(tasks, followers)
        results = run_all(ordered, jobs=jobs, cluster=cluster,
                          progress=forward if progress is not None or followers else None)
    finally:
        if builds:
            shutil.rmtree(folder / CITIES, ignore_errors=True)
    by_name = dict(zip((t.name for t in ordered), results, strict=True))
    return Executed(dict(zip(plan, paths, strict=True)), [by_name[t.name] for t in followers],
                    ending.at if ending.at is not None else time.perf_counter())


class _Ending:
    """Notes when every run has reported its last day (progress from a cluster may be lost:
    then never)."""

    def __init__(self, days: dict[str, int]) -> None:
        self.left = {name: d for name, d in days.items() if d > 0}
        self.at: float | None = None

    def __call__(self, name: str, day: int) -> None:
        if day >= self.left.get(name, day + 1):
            del self.left[name]
            if not self.left:
                self.at = time.perf_counter()


def _interleaved(tasks: Sequence[Task], followers: Sequence[Task]) -> list[Task]:
    """``tasks`` in order, each follower placed right after the last task it waits for (the
    executor starts the first ready task in order: a follower ready early runs early)."""
    at = {t.name: i for i, t in enumerate(tasks)}
    slots: dict[int, list[Task]] = {}
    for f in followers:
        slots.setdefault(max((at[n] for n in f.after), default=-1), []).append(f)
    out = list(slots.get(-1, []))
    for i, t in enumerate(tasks):
        out += [t, *slots.get(i, [])]
    return out
