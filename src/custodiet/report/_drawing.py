"""A report's figures drawn on more than one core. Within :func:`on_cores`, :func:`draw` does not
draw a figure but hands what draws it (a function and its arguments) to a spawned worker
process, and returns a :class:`Pending` in place of the figure's SVG markup; when the report is
built, :meth:`Drawings.finish` draws here, last first, every figure no worker has started, waits
for the others and puts each figure's markup in place. A figure is a function of what draws it
alone, so whichever process draws it writes the same SVG and PNG bytes. Outside it (and where a
worker cannot be spawned: one core, one job asked for, a daemon process, a script that spawned
workers would run again), :func:`draw` draws at once, as :func:`export` does."""

from __future__ import annotations

import multiprocessing as mp
import os
import warnings
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from custodiet.report._figures import export

#: Worker processes that draw a report's figures at most. Each costs about 0.9 CPU seconds to
#: start (importing custodiet and matplotlib) against a study report's 25 figures of 0.1-0.5 s
#: each: with a second core free the report takes about 0.7 of the time (a 50k x 7 study's:
#: 6.9 -> 5.0 s), and where other work keeps the cores busy about a second more (``--jobs 1``
#: or ``CUSTODIET_JOBS=1``: no worker).
MAX_WORKERS: int = 3

Finish = Callable[[str, str, "Path | None"], str]
"""What a figure's markup becomes once exported: (markup, name, folder) -> markup."""


@dataclass(frozen=True)
class Job:
    """One figure: ``build(*args, **kwargs)`` draws it, :func:`export` writes it as ``name``
    into ``folder``, then ``finish`` (a module-level function, like ``build``) may rework the
    markup."""

    name: str
    folder: Path | None
    build: Callable[..., Any]
    args: tuple[Any, ...]
    kwargs: dict[str, Any]
    finish: Finish | None = None

    def __call__(self) -> str:
        import matplotlib.pyplot as plt

        before = set(plt.get_fignums())
        try:
            figure = self.build(*self.args, **self.kwargs)
        except BaseException:  # a figure the build opened before it failed is closed
            for number in set(plt.get_fignums()) - before:
                plt.close(number)
            raise
        svg = export(figure, self.name, self.folder)
        return svg if self.finish is None else self.finish(svg, self.name, self.folder)


@dataclass
class Pending:
    """A figure handed to a worker: its SVG markup once drawn."""

    job: Job
    future: Future[str]
    svg: str | None = None


@dataclass
class Drawings:
    """The figures of one report handed to workers, in the order they were asked for."""

    pool: ProcessPoolExecutor
    pending: list[Pending] = field(default_factory=list)

    def submit(self, job: Job) -> Pending | str:
        """The job handed to a worker; drawn here where no worker can take it."""
        try:
            drawing = Pending(job, self.pool.submit(job))
        except _CANNOT:
            return job()
        self.pending.append(drawing)
        return drawing

    def finish(self, figures: Sequence[Any] = ()) -> None:
        """Draw here, last first, each figure no worker has started (the workers take the
        first), wait for the rest, and put every figure's markup in place of its
        :class:`Pending` in ``figures`` (``report.figures``); the first error is raised."""
        for drawing in reversed(self.pending):
            if not drawing.future.cancel():
                break  # the workers have started this one, and so every one before it
            drawing.svg = drawing.job()
        for drawing in self.pending:
            if drawing.svg is None:
                try:
                    drawing.svg = drawing.future.result()
                except BrokenProcessPool:  # a worker died or never started: drawn here
                    drawing.svg = drawing.job()
        for figure in figures:
            if isinstance(figure.svg, Pending):
                figure.svg = figure.svg.svg


#: What submitting to a pool raises when no worker can be started or take a task.
_CANNOT = (BrokenProcessPool, OSError, RuntimeError)
_DRAWINGS: ContextVar[Drawings | None] = ContextVar("custodiet_drawings", default=None)


def draw(name: str, folder: Path | None, build: Callable[..., Any], *args: Any,
         finish: Finish | None = None, **kwargs: Any) -> Any:
    """The SVG markup of the figure ``build(*args, **kwargs)`` draws, also written as
    ``name.svg`` and ``name.png`` into ``folder`` when given (see :func:`export`); within
    :func:`on_cores`, a :class:`Pending` that a worker draws. ``build`` and ``finish`` are
    module-level functions and the arguments picklable, so that a worker can draw it."""
    job = Job(name, folder, build, args, kwargs, finish)
    drawings = _DRAWINGS.get()
    return job() if drawings is None else drawings.submit(job)


def workers() -> int:
    """Worker processes to draw figures beside this one: one fewer than the local jobs
    (``custodiet._executor.settings``: ``--jobs``, ``CUSTODIET_JOBS``, else every core), at
    most :data:`MAX_WORKERS`; none where a worker cannot be spawned."""
    from custodiet._executor import settings
    from custodiet._main_guard import unguarded_caller

    if mp.current_process().daemon or unguarded_caller() is not None:
        return 0
    jobs, cluster = settings()
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") \
        else (os.cpu_count() or 1)
    return 0 if cluster is not None else max(0, min(jobs, cores, MAX_WORKERS + 1) - 1)


def _settings() -> dict[str, Any]:
    """This process's matplotlib settings, to draw with in a worker."""
    import matplotlib

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return dict(matplotlib.rcParams)


def _start(rc: dict[str, Any]) -> None:
    """Worker initialiser: the parent's matplotlib settings, so that a figure drawn here is
    the one the parent would draw."""
    import matplotlib

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        matplotlib.rcParams.update({k: v for k, v in rc.items() if k != "backend"})


def _ready() -> None:
    """A first task, so that the workers start (and import matplotlib) at once."""


@contextmanager
def on_cores() -> Iterator[Drawings | None]:
    """Within it, :func:`draw` hands figures to worker processes (the :class:`Drawings`
    yielded; None where there are none to spawn: then figures are drawn at once). Call its
    ``finish`` before leaving; on leaving, the workers are stopped."""
    n = workers()
    pool = None
    if n:
        pool = ProcessPoolExecutor(max_workers=n, mp_context=mp.get_context("spawn"),
                                   initializer=_start, initargs=(_settings(),))
        try:
            for _ in range(n):
                pool.submit(_ready)
        except _CANNOT:  # no process can be started here: every figure is drawn here
            pool.shutdown(wait=True, cancel_futures=True)
            pool = None
    if pool is None:
        yield None
        return
    drawings = Drawings(pool)
    token = _DRAWINGS.set(drawings)
    try:
        yield drawings
    finally:
        _DRAWINGS.reset(token)
        pool.shutdown(wait=True, cancel_futures=True)
