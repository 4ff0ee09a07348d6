"""A whole study: for each seed, the scenario's watch and its twins (no response, no red list,
a null world) and a small sweep of the lists' removal rate, simulated into run stores; then the
audit, across seeds, and the report, all published atomically into one directory.

Layout of the output directory::

    report.html  metrics.json  figures/*.svg|png
    runs/seed-<S>/<variant>/      run stores (run.duckdb + manifest.json)
    runs/seed-<S>/removal-<R>/    the removal-rate sweep (watch only)
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa

from custodiet._executor import Task, run_all, settings
from custodiet._memory import run_bytes
from custodiet.audit import AuditResult
from custodiet.audit.sim import (
    FeedbackRate,
    FeedbackSweep,
    SeedAudit,
    SeedRuns,
    StudyInfo,
    StudyMetrics,
    audit_seed,
    burden_groups,
    pool_study,
    pooled_group_metrics,
    rule_claims,
    spreads,
)
from custodiet.engine import threads_by_default
from custodiet.scenario import Scenario
from custodiet.store import Run, open_run
from custodiet.study._execute import Executed, Progress, execute, execute_then
from custodiet.study._plan import RunSpec, plan_study
from custodiet.study._variants import Variant

#: Removal rates tried by the list-feedback sweep (daily chance a member leaves a list), applied
#: to every list at once. Assumption: none (the reporting's "rarely removed", NYT-1), slow
#: (about a month on a list on average), fast (about a week).
DEFAULT_REMOVAL_RATES: tuple[float, ...] = (0.0, 0.03, 0.15)
#: Bootstrap resamples for the group metrics' intervals (assumption: enough for a 95% interval).
DEFAULT_BOOTSTRAP: int = 200

#: Figures of the removal-rate sweep (besides alerts and precision).
FEEDBACK_FIGURES = ("listed_at_end", "listed_by_contact_at_end", "contact_listed_alert_share",
                    "list_days_per_person")


@dataclass
class Study:
    """What a study computed: the typed metrics (``metrics.json`` is their ``to_dict()``),
    each seed's typed audit, the pooled group metrics, and each planned run's store."""

    scenario: Scenario
    seeds: list[int]
    metrics: StudyMetrics
    groups: AuditResult
    runs: dict[RunSpec, Path]
    seconds: dict[str, float] = field(default_factory=dict)
    audits: list[SeedAudit] = field(default_factory=list)


@dataclass(frozen=True)
class Bundle:
    """Runs audited together: one seed's watch and the twins beside it. ``group`` is the
    plan's group (the seed in a study, the value in a sweep) and ``removal_rate`` tells a
    removal-sweep run, audited alone."""

    group: str
    seed: int
    removal_rate: float | None = None


def simulate_study(scenario: Scenario, folder: Path, *, seeds: Sequence[int],
                   removal_rates: Sequence[float] = DEFAULT_REMOVAL_RATES,
                   progress: Progress | None = None) -> dict[RunSpec, Path]:
    """Simulate every run of the study into ``folder/runs``; returns each run's store."""
    return execute(plan_study(scenario, seeds, removal_rates), folder, progress=progress)


def audit_runs(paths: Mapping[str, Path], scenario: Scenario, *, seed: int,
               threads: int | None = None) -> SeedAudit:
    """Open the stores of one seed (``watch`` and any twins, by :class:`Variant`) and audit
    them as one :class:`SeedRuns` bundle, on ``threads`` DuckDB threads (None: one a core)."""
    with threads_by_default(threads):
        return _audit_runs(paths, scenario, seed=seed)


def _audit_runs(paths: Mapping[str, Path], scenario: Scenario, *, seed: int) -> SeedAudit:
    opened: dict[str, Run] = {}
    try:
        for name, path in paths.items():
            opened[Variant(name).value] = open_run(path)
        return audit_seed(SeedRuns(**{k: r.con for k, r in opened.items()}), scenario,
                          seed=seed)
    finally:
        for r in opened.values():
            r.close()


def _bundles(stores: Mapping[RunSpec, Path]) -> dict[Bundle, dict[Variant, RunSpec]]:
    bundles: dict[Bundle, dict[Variant, RunSpec]] = {}
    for spec in stores:
        bundles.setdefault(Bundle(spec.group, spec.seed, spec.removal_rate), {})[
            spec.variant] = spec
    return bundles


def audit_tasks(stores: Mapping[RunSpec, Path], scenario: Scenario | None = None, *,
                threads: int | None = None, waits: bool = True) -> dict[Bundle, Task]:
    """One task a bundle (a seed's watch and its twins), auditing its stores against
    ``scenario`` (default: the bundle's watch scenario) on ``threads`` DuckDB threads and
    returning its :class:`SeedAudit` and the CPU seconds it took. Named ``audit of <watch
    path>``; with ``waits``, it comes after the bundle's simulations (named ``spec.path``)."""
    return {key: Task(f"audit of {specs[Variant.WATCH].path}", timed_audit_runs,
                      {"paths": {v: stores[spec] for v, spec in specs.items()},
                       "scenario": scenario or specs[Variant.WATCH].scenario, "seed": key.seed,
                       "threads": threads},
                      after=tuple(spec.path for spec in specs.values()) if waits else ())
            for key, specs in _bundles(stores).items()}


def timed_audit_runs(**kwargs: Any) -> tuple[SeedAudit, float]:
    """:func:`audit_runs`, and the CPU seconds it took (in the process that ran it)."""
    started = time.process_time()
    audit = audit_runs(**kwargs)
    return audit, time.process_time() - started


def _audit_settings(stores: Mapping[RunSpec, Path], jobs: int | None = None,
                    cluster: Any = None) -> tuple[int, Any, int | None, int]:
    """(jobs, cluster) to audit ``stores`` on, the DuckDB threads of each audit (one where
    bundles are audited side by side, one process a core; else DuckDB's choice) and the
    memory an audit needs (bytes)."""
    need = max((run_bytes(s.scenario.world.people, watch=True) for s in stores), default=0)
    jobs, cluster = settings(jobs, cluster, task_bytes=need or None)
    side = len(_bundles(stores)) > 1 and (cluster is not None or jobs > 1)
    return jobs, cluster, 1 if side else None, need


def audit_stores(stores: Mapping[RunSpec, Path], scenario: Scenario | None = None, *,
                 jobs: int | None = None, cluster: Any = None) -> dict[Bundle, SeedAudit]:
    """Audit the stores of a plan, the runs of one bundle (a seed's watch and its twins)
    together, against ``scenario`` (default: each bundle's watch scenario), in plan order.
    (The commands audit each bundle as soon as it is simulated: :func:`simulate_and_audit`.)
    The bundles are independent, so they are audited on the executor the simulations ran on
    (``jobs``, ``cluster``: as :func:`custodiet.study.execute` takes them); the audits are the
    same either way."""
    jobs, cluster, threads, _ = _audit_settings(stores, jobs, cluster)
    tasks = audit_tasks(stores, scenario, threads=threads, waits=False)
    results = run_all(tasks.values(), jobs=jobs, cluster=cluster)
    return {key: audit for key, (audit, _) in zip(tasks, results, strict=True)}


def _composition_at_end(seed_audits: Sequence[SeedAudit]) -> dict[str, dict[str, float]]:
    """Each group's mean share (over seeds) of the people on a list on the last day."""
    comp: dict[str, dict[str, list[float]]] = {}
    for a in seed_audits:
        table = a.lists.composition if a.lists is not None else []
        last = max((r.day for r in table), default=None)
        end = [r for r in table if r.day == last]
        for col in {r.column for r in end}:
            total = sum(r.members for r in end if r.column == col)
            for r in end:
                if r.column == col and total:
                    comp.setdefault(col, {}).setdefault(r.value, []).append(r.members / total)
    return {col: {v: sum(x) / len(x) for v, x in vals.items()} for col, vals in comp.items()}


def _feedback_sweep(scenario: Scenario, audits: dict[float, list[SeedAudit]]) -> FeedbackSweep:
    rows = []
    for rate, seed_audits in sorted(audits.items()):
        summary = spreads([a.headline for a in seed_audits])
        rows.append(FeedbackRate(
            removal_rate=rate, **{name: summary.get(name)
                                  for name in (*FEEDBACK_FIGURES, "alerts", "precision")},
            composition_at_end=_composition_at_end(seed_audits)))
    return FeedbackSweep(rows, [x.name for x in scenario.lists])


def audit_study(scenario: Scenario, runs: Mapping[RunSpec, Path], *,
                bootstrap: int = DEFAULT_BOOTSTRAP
                ) -> tuple[StudyMetrics, AuditResult, list[SeedAudit]]:
    """Audit every seed's runs and combine them: headline figures with intervals across seeds,
    group metrics on the pooled people, the removal-rate sweep."""
    return pool_audits(scenario, audit_stores(runs, scenario), runs, bootstrap=bootstrap)


def pool_audits(scenario: Scenario, audits: Mapping[Bundle, SeedAudit],
                runs: Mapping[RunSpec, Path], *, bootstrap: int = DEFAULT_BOOTSTRAP,
                stopped: str = "") -> tuple[StudyMetrics, AuditResult, list[SeedAudit]]:
    """Pool audited bundles into the study's metrics (``stopped``: why a study that ran until
    its answers were decided stopped)."""
    per_seed = [a for k, a in sorted(audits.items(), key=lambda ka: ka[0].seed)
                if k.removal_rate is None]
    seeds = [a.seed for a in per_seed]
    sweep: dict[float, list[SeedAudit]] = {}
    for k, a in sorted(audits.items(), key=lambda ka: ka[0].seed):
        if k.removal_rate is not None:
            sweep.setdefault(k.removal_rate, []).append(a)
    burden = burden_groups(scenario, per_seed[0].people)
    groups = pooled_group_metrics([a.people for a in per_seed], groups=burden,
                                  bootstrap=bootstrap, seed=scenario.seed)
    info = StudyInfo(
        name=scenario.name, description=scenario.description, sources=scenario.sources,
        people=scenario.world.people, days=scenario.world.days, seeds=seeds,
        horizon_minutes=scenario.audit.horizon_minutes, groups=list(scenario.audit.groups),
        categories=[g for g in burden if g not in scenario.audit.groups],
        rules=rule_claims(scenario), stopped=stopped)
    metrics = pool_study(info, per_seed, groups=groups.to_dict(),
                         runs={str(s): {spec.name: spec.path for spec in runs if spec.seed == s}
                               for s in seeds},
                         feedback_sweep=_feedback_sweep(scenario, sweep) if sweep else None)
    return metrics, groups, per_seed


def people_table(runs: Mapping[int, Mapping[str, Path]], scenario: Scenario) -> pa.Table:
    """The person-level table of the first seed's watch run (for notebooks): ``runs`` maps a
    seed to its stores by run name."""
    s = min(runs)
    return audit_runs({Variant.WATCH: runs[s][Variant.WATCH]}, scenario, seed=s).people


def run_study(scenario: Scenario, folder: Path, *, seeds: Sequence[int],
              removal_rates: Sequence[float] = DEFAULT_REMOVAL_RATES,
              bootstrap: int = DEFAULT_BOOTSTRAP, progress: Progress | None = None,
              plan: Sequence[RunSpec] | None = None) -> Study:
    """Simulate (``plan``, by default the study's own) and audit a study inside ``folder``
    (which the caller publishes). Each bundle (a seed's watch and twins) is audited on the
    simulations' workers as soon as its runs are written, beside the next seed's simulations;
    then the audits are pooled. ``seconds``: ``simulate`` (the simulations and the bundles'
    audits beside them), ``audit`` (what is left after the last simulation: the last audits
    and the pooling) and ``audit_cpu`` (the CPU seconds of every bundle's audit and of the
    pooling)."""
    t0 = time.perf_counter()
    if plan is None:
        plan = plan_study(scenario, seeds, removal_rates)
    done, audits, audit_cpu = simulate_and_audit(plan, folder, scenario, progress=progress)
    cpu = time.process_time()
    metrics, groups, per_seed = pool_audits(scenario, audits, done.stores, bootstrap=bootstrap)
    t2 = time.perf_counter()
    seconds = {"simulate": round(done.simulated_at - t0, 3),
               "audit": round(t2 - done.simulated_at, 3),
               "audit_cpu": round(audit_cpu + time.process_time() - cpu, 3)}
    return Study(scenario, list(seeds), metrics, groups, done.stores, seconds, per_seed)


def simulate_and_audit(plan: Sequence[RunSpec], folder: Path, scenario: Scenario | None = None,
                       *, progress: Progress | None = None
                       ) -> tuple[Executed, dict[Bundle, SeedAudit], float]:
    """Simulate ``plan`` into ``folder`` and audit each bundle against ``scenario`` (default:
    the bundle's watch scenario) on the simulations' workers as soon as its runs are written:
    what ran, each bundle's audit in plan order (the same as :func:`audit_stores` gives
    afterwards) and the audits' CPU seconds. ``run``, ``--until-stable``, ``sweep`` and
    ``sensitivity`` all go through here."""
    stores = {spec: Path(folder) / spec.path for spec in plan}
    jobs, cluster, threads, need = _audit_settings(stores)
    tasks = audit_tasks(stores, scenario, threads=threads)
    done = execute_then(plan, folder, list(tasks.values()), jobs=jobs, cluster=cluster,
                        progress=progress, follower_bytes=need)
    audits = {key: audit for key, (audit, _) in zip(tasks, done.results, strict=True)}
    return done, audits, sum(cpu for _, cpu in done.results)
