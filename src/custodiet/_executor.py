"""Running independent simulations: one after another, in a process pool (every core busy), or on
a Dask distributed cluster, with the same results whichever is used.

Each task is a picklable function and its keyword arguments; it writes its own run store to a
path given in those arguments (on a cluster, a path every worker can reach). Simulations share
nothing and draw every number from their own seed, so where a task runs cannot change what it
writes: a pool or a cluster gives bit-identical stores to a serial run.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import queue
import threading
import warnings
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from custodiet.errors import UserError

#: Environment variable naming a Dask scheduler (``tcp://host:8786``) to run simulations on.
CLUSTER_ENV = "CUSTODIET_CLUSTER"
#: Environment variable with the default number of local worker processes.
JOBS_ENV = "CUSTODIET_JOBS"

Progress = Callable[[str, int], None]
"""Called with (task name, days done) as a task advances."""


@dataclass(frozen=True)
class Task:
    """One independent simulation: ``function(**kwargs)``, reported under ``name``.

    When ``progress_arg`` is set, the function accepts a callback under that keyword, calls it
    with the number of days done, and the executor routes the calls to ``run_all``'s progress.
    """

    name: str
    function: Callable[..., Any]
    kwargs: dict[str, Any] = field(default_factory=dict)
    progress_arg: str | None = None
    after: tuple[str, ...] = ()
    """Names of earlier tasks that must have finished before this one starts (a seed's audit
    after its simulations): a worker takes the first task in order whose are all done."""


class TaskError(RuntimeError):
    """A task failed; the message names it and the original exception is the cause."""


def default_jobs() -> int:
    """Local worker processes when none are asked for: ``CUSTODIET_JOBS`` or every core."""
    env = os.environ.get(JOBS_ENV, "").strip()
    if env:
        try:
            value = int(env)
        except ValueError:
            raise UserError(f"expected a whole number, got {env!r}", field=JOBS_ENV) from None
        if value < 1:
            raise UserError("must be at least 1", field=JOBS_ENV)
        return value
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity")
               else (os.cpu_count() or 1))


def resolve_cluster(cluster: Any = None) -> Any:
    """The cluster to use: the argument, else ``CUSTODIET_CLUSTER``, else None (local)."""
    if cluster is None:
        cluster = os.environ.get(CLUSTER_ENV, "").strip() or None
    return cluster


_SETTINGS: ContextVar[tuple[int | None, Any]] = ContextVar("custodiet_execution",
                                                          default=(None, None))


@contextmanager
def executing(*, jobs: int | None = None, cluster: Any = None) -> Iterator[None]:
    """Within the block, simulations run on ``jobs`` local processes or on ``cluster`` unless
    a call says otherwise (the command line sets ``--jobs`` and ``--cluster`` this way)."""
    token = _SETTINGS.set((jobs, cluster))
    try:
        yield
    finally:
        _SETTINGS.reset(token)


def settings(jobs: int | None = None, cluster: Any = None, *,
             task_bytes: int | None = None) -> tuple[int, Any]:
    """(jobs, cluster) to use: the arguments, else :func:`executing`'s, else the environment
    (``CUSTODIET_CLUSTER``, ``CUSTODIET_JOBS``), else every core, but no more processes than
    memory holds when each task needs ``task_bytes``. A ``jobs`` asked for explicitly is kept
    (the caller checks that it fits)."""
    ctx_jobs, ctx_cluster = _SETTINGS.get()
    cluster = resolve_cluster(cluster if cluster is not None else ctx_cluster)
    if cluster is not None:
        return 1, cluster
    jobs = jobs if jobs is not None else ctx_jobs
    if jobs is not None:
        return int(jobs), None
    jobs = default_jobs()
    if task_bytes and jobs > 1:
        from custodiet._memory import available_bytes

        free = available_bytes()
        if free is not None:
            jobs = max(1, min(jobs, free // task_bytes))
    return jobs, None


def run_all(tasks: Iterable[Task], *, jobs: int | None = None, cluster: Any = None,
            progress: Progress | None = None) -> list[Any]:
    """Run every task and return their results in task order.

    ``cluster`` (a scheduler address, a ``distributed.Client`` or a cluster object; default
    ``CUSTODIET_CLUSTER``) sends the tasks to Dask; otherwise ``jobs`` local processes run them
    (default every core; 1 runs them here, one after another). A failing task stops the rest
    and is re-raised naming the task (a user error stays a user error).
    """
    tasks = list(tasks)
    names = [t.name for t in tasks]
    if len(set(names)) != len(names):
        raise ValueError("task names must be unique")
    for i, t in enumerate(tasks):
        if not set(t.after) <= set(names[:i]):
            raise ValueError(f"task {t.name!r} must come after the tasks it waits for")
    cluster = resolve_cluster(cluster)
    if cluster is not None:
        return _run_dask(tasks, cluster, progress)
    jobs = default_jobs() if jobs is None else int(jobs)
    if jobs < 1:
        raise UserError("must be at least 1", field="jobs")
    if jobs > 1 and len(tasks) > 1 and _unsafe_to_spawn():
        jobs = 1
    if jobs == 1 or len(tasks) <= 1:
        return [_call(t, progress) for t in tasks]
    return _run_pool(tasks, min(jobs, len(tasks)), progress)


class SerialFallbackWarning(RuntimeWarning):
    """The simulations ran one after another because worker processes could not be spawned."""


def _unsafe_to_spawn() -> bool:
    """Whether spawned workers would run the calling script's module-level code again; says
    once per script line that the simulations will run here, one after another, and why."""
    from custodiet._main_guard import unguarded_caller

    where = unguarded_caller()
    if where is None:
        return False
    if where not in _WARNED:
        _WARNED.add(where)
        warnings.warn_explicit(
            "custodiet is called outside 'if __name__ == \"__main__\":', so every worker "
            "process would run this line again: its simulations run in this process, one after "
            "another. Put the call under that guard to use every core.",
            SerialFallbackWarning, filename=str(where[0]), lineno=where[1])
    return True


_WARNED: set[tuple[str, int]] = set()


# ------------------------------------------------------------------ running one task
def _call(task: Task, progress: Progress | None) -> Any:
    """Run one task here; its progress goes straight to ``progress``."""
    kwargs = dict(task.kwargs)
    if task.progress_arg and progress is not None:
        kwargs[task.progress_arg] = lambda day, name=task.name: progress(name, day)
    try:
        return task.function(**kwargs)
    except Exception as err:
        raise _named(task.name, err) from err


def _named(name: str, err: BaseException) -> BaseException:
    """The exception to raise for a failed task: a user error keeps its type, else TaskError."""
    if isinstance(err, UserError):
        return UserError(f"{name}: {err.message}", where=err.where, field=err.field)
    if isinstance(err, TaskError):
        return err
    return TaskError(f"task {name!r} failed: {type(err).__name__}: {err}")


# ------------------------------------------------------------------ a local process pool
_WORKER_QUEUE: Any = None


def _init_worker(progress_queue: Any) -> None:
    """Pool initialiser: remember the queue progress messages go to."""
    global _WORKER_QUEUE
    _WORKER_QUEUE = progress_queue


def _pool_call(task: Task) -> Any:
    """Run one task in a pool worker, sending its progress over the queue."""
    kwargs = dict(task.kwargs)
    if task.progress_arg and _WORKER_QUEUE is not None:
        kwargs[task.progress_arg] = lambda day, q=_WORKER_QUEUE, n=task.name: q.put((n, day))
    return task.function(**kwargs)


def _drain(progress_queue: Any, progress: Progress | None, stop: threading.Event) -> None:
    """Forward progress messages from the workers until told to stop and the queue is empty."""
    while True:
        try:
            name, day = progress_queue.get(timeout=0.1)
        except queue.Empty:
            if stop.is_set():
                return
            continue
        if progress is not None:
            progress(name, day)


def _run_pool(tasks: Sequence[Task], jobs: int, progress: Progress | None) -> list[Any]:
    """Run the tasks in ``jobs`` fresh (spawned) processes; results in task order."""
    ctx = mp.get_context("spawn")
    progress_queue = ctx.Queue() if progress is not None else None
    stop = threading.Event()
    drainer = None
    if progress_queue is not None:
        drainer = threading.Thread(target=_drain, args=(progress_queue, progress, stop),
                                   daemon=True)
        drainer.start()
    try:
        with ProcessPoolExecutor(max_workers=jobs, mp_context=ctx, initializer=_init_worker,
                                 initargs=(progress_queue,)) as pool:
            futures = _schedule(tasks, jobs, lambda t: pool.submit(_pool_call, t))
            failed = _first_failure(tasks, futures)
            if failed is not None:
                raise _named(failed[0].name, failed[1]) from failed[1]
            return [f.result() for f in futures]  # type: ignore[union-attr]
    finally:
        stop.set()
        if drainer is not None:
            drainer.join()


def _schedule(tasks: Sequence[Task], jobs: int, submit: Callable[[Task], Future[Any]]
              ) -> list[Future[Any] | None]:
    """Keep ``jobs`` tasks running, each time starting the first in order whose ``after`` are
    done, until every task has run; each task's future (None: never started).

    As a serial run would, the first failure in task order wins: once a task fails no later
    one starts, and earlier ones still run, since one of them may fail too."""
    futures: list[Future[Any] | None] = [None] * len(tasks)
    done: set[str] = set()
    stop_at = len(tasks)
    while True:
        running = [f for f in futures if f is not None and not f.done()]
        for i, task in enumerate(tasks[:stop_at]):
            if len(running) >= jobs:
                break
            if futures[i] is None and done.issuperset(task.after):
                futures[i] = submit(task)
                running.append(futures[i])  # type: ignore[arg-type]
        if not running:
            return futures
        wait(running, return_when=FIRST_COMPLETED)
        for i, f in enumerate(futures):
            if f is not None and f.done() and tasks[i].name not in done:
                if f.exception() is None:
                    done.add(tasks[i].name)
                else:
                    stop_at = min(stop_at, i)


def _first_failure(tasks: Sequence[Task], futures: Sequence[Future[Any] | None]
                   ) -> tuple[Task, BaseException] | None:
    """The first task (in task order) among the finished ones that raised, if any."""
    for task, f in zip(tasks, futures, strict=True):
        if f is not None and f.done() and not f.cancelled() and f.exception() is not None:
            return task, f.exception()  # type: ignore[return-value]
    return None


# ------------------------------------------------------------------ a Dask cluster
_TOPIC = "custodiet-progress"
#: How long to wait for a Dask scheduler to answer.
CONNECT_TIMEOUT = "30s"


def _dask_call(task: Task, *_after: Any) -> Any:
    """Run one task on a Dask worker (once the tasks it comes ``after``, passed as arguments,
    have finished); progress goes out as events on the scheduler."""
    kwargs = dict(task.kwargs)
    if task.progress_arg:
        from distributed import get_worker

        worker = get_worker()
        kwargs[task.progress_arg] = lambda day, n=task.name: worker.log_event(
            _TOPIC, {"name": n, "day": int(day)})
    return task.function(**kwargs)


def _client(cluster: Any) -> tuple[Any, bool]:
    """A Dask client for ``cluster`` and whether we own it (and must close it)."""
    try:
        from distributed import Client
    except ImportError:  # pragma: no cover - distributed is a dependency
        raise UserError("running on a cluster needs dask[distributed] installed",
                        field="--cluster") from None
    if isinstance(cluster, Client):
        return cluster, False
    address = getattr(cluster, "scheduler_address", cluster)
    try:
        return Client(address, timeout=CONNECT_TIMEOUT), True
    except (OSError, TimeoutError) as err:
        raise UserError(f"could not reach the Dask scheduler: {err}", where=str(address),
                        field="--cluster") from None


def _run_dask(tasks: Sequence[Task], cluster: Any, progress: Progress | None) -> list[Any]:
    """Submit every task to the cluster; results in task order."""
    from distributed import as_completed

    client, owned = _client(cluster)
    if progress is not None:
        client.subscribe_topic(_TOPIC, lambda event: progress(event[1]["name"],
                                                               event[1]["day"]))
    try:
        futures: list[Any] = []
        by_name: dict[str, Any] = {}
        for i, t in enumerate(tasks):  # a task's ``after`` travel as arguments Dask waits for
            by_name[t.name] = client.submit(_dask_call, t, *(by_name[n] for n in t.after),
                                            key=f"custodiet-{i}-{t.name}", pure=False)
            futures.append(by_name[t.name])
        task_of = {f.key: t for f, t in zip(futures, tasks, strict=True)}
        for f in as_completed(futures):
            if f.status == "error":
                err = f.exception()
                client.cancel(futures)
                raise _named(task_of[f.key].name, err) from err
        return client.gather(futures)
    finally:
        if progress is not None:
            client.unsubscribe_topic(_TOPIC)
        if owned:
            client.close()
