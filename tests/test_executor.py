"""The executor runs independent simulations serially, in a process pool or on a Dask cluster,
and every way gives the same run stores (equal table digests), results in task order, named
errors and every progress call."""

from __future__ import annotations

from pathlib import Path

import pytest

from custodiet._executor import CLUSTER_ENV, JOBS_ENV, Task, TaskError, default_jobs, run_all
from custodiet.errors import UserError
from custodiet.scenario import builtin_scenarios, load_scenario
from custodiet.store import open_run
from custodiet.study._simulate import simulate
from custodiet.study._variants import VARIANTS

DAYS = 3


def _tiny_tasks(root: Path) -> list[Task]:
    """Three runs of the default scenario's watch on a small city: two variants, two seeds."""
    base = load_scenario(builtin_scenarios()["default"])
    data = base.model_dump()
    data["world"].update(people=2500, days=DAYS)
    tasks = []
    for seed, variant in ((3, "watch"), (3, "no_response"), (4, "watch")):
        data["seed"] = seed
        sc = VARIANTS[variant](type(base).model_validate(data))
        name = f"seed-{seed}/{variant}"
        tasks.append(Task(name, simulate, {"scenario": sc, "out": root / name,
                                           "variant": variant}, progress_arg="on_day"))
    return tasks


def _digests(paths: list[Path]) -> dict[str, dict[str, str]]:
    out = {}
    for p in paths:
        with open_run(p) as run:
            out[f"{p.parent.name}/{p.name}"] = {t: run.digest(t) for t in run.tables()}
    return out


@pytest.fixture(scope="module")
def serial(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, str]]:
    calls: list[tuple[str, int]] = []
    paths = run_all(_tiny_tasks(tmp_path_factory.mktemp("serial")), jobs=1,
                    progress=lambda n, d: calls.append((n, d)))
    assert sorted(calls) == sorted((f"seed-{s}/{v}", d) for s, v in
                                   ((3, "watch"), (3, "no_response"), (4, "watch"))
                                   for d in range(1, DAYS + 1))
    return _digests(paths)


def test_serial_runs_differ_between_seeds_and_variants(serial) -> None:
    # Otherwise equality across executors would prove little.
    assert serial["seed-3/watch"]["stays"] != serial["seed-4/watch"]["stays"]
    assert serial["seed-3/watch"]["alerts"] != serial["seed-4/watch"]["alerts"]


def test_process_pool_gives_the_serial_stores(serial, tmp_path) -> None:
    calls: list[tuple[str, int]] = []
    tasks = _tiny_tasks(tmp_path)
    paths = run_all(tasks, jobs=2, progress=lambda n, d: calls.append((n, d)))
    assert paths == [t.kwargs["out"] for t in tasks]  # results in task order
    assert _digests(paths) == serial
    assert len(calls) == len(tasks) * DAYS
    assert {n for n, _ in calls} == {t.name for t in tasks}


@pytest.fixture(scope="module")
def cluster():
    """A local Dask cluster: two worker processes of one thread each."""
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None, silence_logs=40) as c:
        yield c


def test_dask_cluster_of_two_workers_gives_the_serial_stores(serial, cluster, tmp_path) -> None:
    from distributed import Client

    calls: list[tuple[str, int]] = []
    tasks = _tiny_tasks(tmp_path)
    paths = run_all(tasks, cluster=cluster.scheduler_address,
                    progress=lambda n, d: calls.append((n, d)))
    with Client(cluster) as client:
        assert len(client.scheduler_info()["workers"]) == 2
    assert paths == [t.kwargs["out"] for t in tasks]
    assert _digests(paths) == serial
    # Progress events travel asynchronously; none may be invented.
    assert set(calls) <= {(t.name, d) for t in tasks for d in range(1, DAYS + 1)}


def test_a_failing_task_on_the_cluster_is_named(cluster, tmp_path) -> None:
    tasks = [Task("good", _fails, {"out": tmp_path / "a", "bad": False}),
             Task("bad one", _fails, {"out": tmp_path / "b", "bad": True})]
    with pytest.raises(TaskError, match=r"'bad one' failed: ValueError: boom"):
        run_all(tasks, cluster=cluster)


def _fails(out: Path, bad: bool) -> Path:
    if bad:
        raise ValueError("boom")
    out.mkdir()
    return out


def _write(out: Path, text: str) -> str:
    out.write_text(text)
    return text


def _read(paths: list[Path], out: Path) -> str:
    """What the tasks it comes after wrote (they have finished when it starts), kept in
    ``out``."""
    return _write(out, "".join(p.read_text() for p in paths))


def _waiting_tasks(root: Path, *, bad: bool = False) -> list[Task]:
    """Two writers, a reader after both (of a failing one when ``bad``), a lone writer."""
    first = (Task("a", _fails, {"out": root / "failed", "bad": True}) if bad
             else Task("a", _write, {"out": root / "a", "text": "A"}))
    return [first, Task("b", _write, {"out": root / "b", "text": "B"}),
            Task("read", _read, {"paths": [root / "a", root / "b"], "out": root / "read"},
                 after=("a", "b")),
            Task("c", _write, {"out": root / "c", "text": "C"})]


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_task_starts_after_the_tasks_it_waits_for(tmp_path, jobs) -> None:
    assert run_all(_waiting_tasks(tmp_path), jobs=jobs) == ["A", "B", "AB", "C"]


def test_a_task_waits_on_the_cluster_too(cluster, tmp_path) -> None:
    assert run_all(_waiting_tasks(tmp_path), cluster=cluster) == ["A", "B", "AB", "C"]


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_task_waiting_for_a_failed_one_never_starts(tmp_path, jobs) -> None:
    with pytest.raises(TaskError, match=r"'a' failed: ValueError: boom"):
        run_all(_waiting_tasks(tmp_path, bad=True), jobs=jobs)
    assert not (tmp_path / "read").exists()


def test_a_task_must_come_after_the_tasks_it_waits_for() -> None:
    with pytest.raises(ValueError, match="must come after"):
        run_all([Task("x", _user_mistake, after=("y",)), Task("y", _user_mistake)], jobs=1)
    with pytest.raises(ValueError, match="must come after"):
        run_all([Task("x", _user_mistake, after=("nobody",))], jobs=2)


def _user_mistake() -> None:
    raise UserError("no such field", where="x.toml:3")


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_failing_task_is_named(tmp_path, jobs) -> None:
    tasks = [Task("good", _fails, {"out": tmp_path / "a", "bad": False}),
             Task("bad one", _fails, {"out": tmp_path / "b", "bad": True})]
    with pytest.raises(TaskError, match=r"'bad one' failed: ValueError: boom"):
        run_all(tasks, jobs=jobs)


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_user_error_stays_a_user_error_with_the_task_name(jobs) -> None:
    tasks = [Task("t1", _user_mistake), Task("t2", _user_mistake)]
    with pytest.raises(UserError, match=r"^x.toml:3: t1: no such field$"):
        run_all(tasks, jobs=jobs)


def test_jobs_and_cluster_settings(monkeypatch) -> None:
    monkeypatch.setenv(JOBS_ENV, "3")
    assert default_jobs() == 3
    monkeypatch.setenv(JOBS_ENV, "zero")
    with pytest.raises(UserError, match=JOBS_ENV):
        default_jobs()
    monkeypatch.delenv(JOBS_ENV)
    assert default_jobs() >= 1
    with pytest.raises(UserError, match="jobs"):
        run_all([], jobs=0)
    with pytest.raises(ValueError, match="unique"):
        run_all([Task("a", _user_mistake), Task("a", _user_mistake)], jobs=1)
    monkeypatch.setattr("custodiet._executor.CONNECT_TIMEOUT", "1s")
    monkeypatch.setenv(CLUSTER_ENV, "tcp://127.0.0.1:1")  # nothing listens there
    with pytest.raises(UserError, match="Dask scheduler"):
        run_all([Task("a", _user_mistake)])
