"""A study's simulations run with ``--jobs 2`` or on a Dask cluster write the same stores
(table digests) and give the same metrics (what metrics.json holds, timings aside) as one after
another; the command-line flags reach the executor; ``--people tianjin`` and the memory
estimate: printed before a run, a refusal with the estimate when it cannot fit."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

import pytest

from custodiet._executor import executing
from custodiet._sizes import SIZES, people_count
from custodiet.cli import main
from custodiet.study import prepare, run_study
from tests._golden import _strip_timings, fingerprint

TINY = {"people": 1500, "days": 2, "removal_rates": (0.1,), "bootstrap": 10}
TINY_ARGS = ["default", "--people", "1500", "--days", "2", "--removal-rates", "0.1",
             "--bootstrap", "10", "--quiet"]


def _study(folder: Path, **where: Any) -> dict[str, Any]:
    """The tiny study simulated and audited in ``folder`` (no report): digests and metrics."""
    p = prepare("default", **TINY)
    with executing(**where):
        study = run_study(p.scenario, folder, seeds=p.seeds, removal_rates=p.removal_rates,
                          bootstrap=p.bootstrap, plan=p.plan)
    (folder / "metrics.json").write_text(json.dumps(study.metrics.to_dict()))  # as written
    return fingerprint(folder)


@pytest.fixture(scope="module")
def serial(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    return _study(tmp_path_factory.mktemp("serial"), jobs=1)


def test_the_tiny_study_has_runs_that_differ(serial) -> None:
    runs = serial["digests"]
    plan = prepare("default", **TINY).plan
    assert len(runs) == len(plan) >= 5  # the watch, its twins, one removal rate
    assert any(not spec.watch for spec in plan)  # a world-only run goes through the pool too
    (watch,) = (k for k in runs if k.endswith("/watch"))
    (null,) = (k for k in runs if k.endswith("/null_world"))
    # who would do wrong differs by construction (a 2-day city of 1,500 may see no unlawful act)
    assert runs[watch]["person_truth"] != runs[null]["person_truth"]
    assert serial["metrics"]["headline"]


def test_jobs_2_gives_the_serial_stores_and_metrics(serial, tmp_path) -> None:
    assert _study(tmp_path, jobs=2) == serial


def test_a_dask_cluster_gives_the_serial_stores_and_metrics(serial, tmp_path) -> None:
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None, silence_logs=40) as cluster:
        assert _study(tmp_path, cluster=cluster.scheduler_address) == serial


class _StopError(Exception):
    pass


@pytest.mark.parametrize(("argv", "env", "want"), [
    (["run", "--jobs", "2"], {}, (2, None)),
    (["run", "--jobs", "1"], {"CUSTODIET_JOBS": "2"}, (1, None)),
    (["run"], {"CUSTODIET_JOBS": "2"}, (2, None)),
    (["run", "--cluster", "tcp://10.0.0.1:8786"], {}, (1, "tcp://10.0.0.1:8786")),
    (["run"], {"CUSTODIET_CLUSTER": "tcp://10.0.0.2:8786"}, (1, "tcp://10.0.0.2:8786")),
    (["sweep", "--set", "rules.petitioner_high_risk.min_level=1,2", "--jobs", "2"], {},
     (2, None)),
    (["sensitivity", "--vary", "rules.mental_illness_near_school.radius_m=5:800", "--samples",
      "2", "--cluster", "tcp://10.0.0.3:8786"], {}, (1, "tcp://10.0.0.3:8786")),
])
def test_the_flags_reach_the_executor(argv, env, want, tmp_path, monkeypatch, capsys) -> None:
    seen = []

    def fake(tasks, *, jobs, cluster, progress=None):  # type: ignore[no-untyped-def]
        if progress is None:  # the shared cities, built before the simulations
            return []
        seen.append((jobs, cluster, len(list(tasks))))
        raise _StopError

    for k, v in env.items():
        monkeypatch.setenv(k, v)
    monkeypatch.setattr("custodiet.study._execute.run_all", fake)
    common = TINY_ARGS if argv[0] == "run" else ["default", "--people", "1500", "--days", "2",
                                                 "--quiet"]
    with pytest.raises(_StopError):
        main([argv[0], *common, *argv[1:], "--out", str(tmp_path / "out")])
    assert [s[:2] for s in seen] == [want]
    assert seen[0][2] >= 2
    assert not (tmp_path / "out").exists()


def test_people_presets() -> None:
    assert people_count("tianjin") == SIZES["tianjin"].people == 13_866_009
    assert people_count("Tianjin") == 13_866_009
    assert people_count("20_000") == 20_000
    assert "census" in SIZES["tianjin"].source
    for bad in ("0", "-3", "atlantis", "1.5"):
        with pytest.raises(argparse.ArgumentTypeError):
            people_count(bad)


def test_a_city_that_cannot_fit_is_refused_with_the_estimate(tmp_path, capsys,
                                                             monkeypatch) -> None:
    monkeypatch.setenv("CUSTODIET_MEMORY_AVAILABLE_GB", "4")
    out = tmp_path / "city"
    assert main(["world", "--people", "tianjin", "--days", "1", "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "13,866,009 people do not fit: memory estimate" in err
    assert "4.0 GiB available" in err
    assert list(tmp_path.iterdir()) == []
    assert main(["run", *TINY_ARGS, "--people", "tianjin", "--out", str(out)]) == 2
    assert "do not fit" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_the_estimate_is_printed_before_a_city_is_built(tmp_path, capsys) -> None:
    out = tmp_path / "city"
    assert main(["world", "--people", "500", "--days", "1", "--out", str(out)]) == 0
    err = capsys.readouterr().err
    assert "memory estimate" in err and "GiB available" in err
    assert err.index("memory estimate") < err.index("city of 500")  # before the city's bar
    assert json.loads((out / "manifest.json").read_text())["people"] == 500
    # --quiet: neither the bar nor the estimate
    assert main(["world", "--people", "500", "--days", "1", "--out", str(tmp_path / "q"),
                 "--quiet"]) == 0
    assert capsys.readouterr().err == ""


@pytest.mark.slow
def test_cli_jobs_2_writes_the_metrics_json_and_stores_of_jobs_1(tmp_path) -> None:
    fingerprints = []
    for jobs in ("1", "2"):
        out = tmp_path / f"jobs-{jobs}"
        assert main(["run", *TINY_ARGS, "--jobs", jobs, "--out", str(out)]) == 0
        fingerprints.append(fingerprint(out))
    assert fingerprints[0] == fingerprints[1]
    assert _strip_timings(fingerprints[0]["metrics"])["headline"]
