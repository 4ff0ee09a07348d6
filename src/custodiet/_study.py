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
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa

from custodiet._simulate import has_watch, simulate
from custodiet._variants import VARIANTS, with_seed
from custodiet.audit import AuditResult
from custodiet.audit._sim_study import SeedAudit, audit_seed
from custodiet.audit._sim_summary import pooled_group_metrics, summarise_headlines
from custodiet.errors import UserError
from custodiet.scenario import Scenario
from custodiet.store import Run, open_run

#: Removal rates tried by the list-feedback sweep (daily chance a member leaves a list), applied
#: to every list at once. Assumption: none (the reporting's "rarely removed", NYT-1), slow
#: (about a month on a list on average), fast (about a week).
DEFAULT_REMOVAL_RATES: tuple[float, ...] = (0.0, 0.03, 0.15)
#: Bootstrap resamples for the group metrics' intervals (assumption: enough for a 95% interval).
DEFAULT_BOOTSTRAP: int = 200

#: Figures ``custodiet run`` prints and the report's summary is written from.
FEEDBACK_FIGURES = ("listed_at_end", "listed_by_contact_at_end", "contact_listed_alert_share",
                    "list_days_per_person")

Progress = Callable[[str, int], None]
"""Called with (what, days done) as the simulations advance."""


def with_removal_rate(scenario: Scenario, rate: float) -> Scenario:
    """The scenario with every list's daily removal rate set to ``rate``."""
    data = scenario.model_dump()
    for item in data["lists"]:
        item["removal_rate"] = float(rate)
    return Scenario.model_validate(data)


def sized(scenario: Scenario, *, people: int | None = None, days: int | None = None,
          seed: int | None = None) -> Scenario:
    """The scenario with another population, horizon or root seed."""
    data = scenario.model_dump()
    if people is not None:
        data["world"]["people"] = int(people)
    if days is not None:
        data["world"]["days"] = int(days)
    if seed is not None:
        data["seed"] = int(seed)
    return Scenario.model_validate(data)


@dataclass
class Study:
    """What a study computed: the metrics (JSON-ready), the pooled group metrics, and where its
    run stores are."""

    scenario: Scenario
    seeds: list[int]
    metrics: dict[str, Any]
    groups: AuditResult
    runs: dict[int, dict[str, Path]]
    seconds: dict[str, float] = field(default_factory=dict)


def plan(scenario: Scenario, seeds: Sequence[int], removal_rates: Sequence[float]
         ) -> list[tuple[int, str, Scenario]]:
    """Every simulation of the study: (seed, run name, scenario)."""
    if not has_watch(scenario):
        raise UserError("the scenario has no watch (no lists, rules or scorers) to audit")
    out = []
    for s in seeds:
        base = with_seed(scenario, s)
        for name, variant in VARIANTS.items():
            out.append((s, name, variant(base)))
        if scenario.lists:
            for r in removal_rates:
                out.append((s, f"removal-{r:g}", with_removal_rate(base, r)))
    return out


def simulate_study(scenario: Scenario, folder: Path, *, seeds: Sequence[int],
                   removal_rates: Sequence[float] = DEFAULT_REMOVAL_RATES,
                   progress: Progress | None = None) -> dict[int, dict[str, Path]]:
    """Simulate every run of the study into ``folder/runs``; returns seed → name → store."""
    runs: dict[int, dict[str, Path]] = {}
    for s, name, sc in plan(scenario, seeds, removal_rates):
        out = folder / "runs" / f"seed-{s}" / name
        variant = name if name in VARIANTS else "watch"
        simulate(sc, out, variant=variant,
                 on_day=(lambda day, n=name: progress(n, day)) if progress else None)
        runs.setdefault(s, {})[name] = out
    return runs


def _feedback_sweep(scenario: Scenario, audits: dict[float, list[SeedAudit]]) -> dict[str, Any]:
    rows = []
    for rate, seed_audits in sorted(audits.items()):
        summary = summarise_headlines([a.headline for a in seed_audits])
        row: dict[str, Any] = {"removal_rate": rate}
        for name in (*FEEDBACK_FIGURES, "alerts", "precision"):
            row[name] = summary.get(name)
        # composition at the end: each group's share of the people on a list
        comp: dict[str, dict[str, list[float]]] = {}
        for a in seed_audits:
            table = a.metrics.get("lists", {}).get("composition", [])
            last = max((r["day"] for r in table), default=None)
            end = [r for r in table if r["day"] == last]
            for col in {r["column"] for r in end}:
                total = sum(r["members"] for r in end if r["column"] == col)
                for r in end:
                    if r["column"] == col and total:
                        comp.setdefault(col, {}).setdefault(r["value"], []).append(
                            r["members"] / total)
        row["composition_at_end"] = {
            col: {v: sum(x) / len(x) for v, x in vals.items()} for col, vals in comp.items()}
        rows.append(row)
    return {"rates": rows, "applied_to": [x.name for x in scenario.lists]}


def audit_study(scenario: Scenario, runs: dict[int, dict[str, Path]], *,
                bootstrap: int = DEFAULT_BOOTSTRAP) -> tuple[dict[str, Any], AuditResult]:
    """Audit every seed's runs and combine them: headline figures with intervals across seeds,
    group metrics on the pooled people, the removal-rate sweep."""
    seeds = sorted(runs)
    per_seed: list[SeedAudit] = []
    sweep: dict[float, list[SeedAudit]] = {}
    for s in seeds:
        opened: dict[str, Run] = {}
        try:
            for name, path in runs[s].items():
                opened[name] = open_run(path)
            cons = {k: r.con for k, r in opened.items() if k in VARIANTS}
            per_seed.append(audit_seed(cons, scenario, seed=s))
            for name, run in opened.items():
                if name.startswith("removal-"):
                    rate = float(name.removeprefix("removal-"))
                    sweep.setdefault(rate, []).append(
                        audit_seed({"watch": run.con}, scenario, seed=s))
        finally:
            for r in opened.values():
                r.close()
    groups = pooled_group_metrics([a.people for a in per_seed],
                                  groups=scenario.audit.groups, bootstrap=bootstrap,
                                  seed=scenario.seed)
    metrics: dict[str, Any] = {
        "scenario": {"name": scenario.name, "description": scenario.description,
                     "sources": scenario.sources, "people": scenario.world.people,
                     "days": scenario.world.days, "seeds": seeds,
                     "horizon_minutes": scenario.audit.horizon_minutes,
                     "groups": list(scenario.audit.groups)},
        "headline": summarise_headlines([a.headline for a in per_seed]),
        "seeds": [a.metrics for a in per_seed],
        "groups": groups.to_dict(),
        "runs": {str(s): {name: f"runs/seed-{s}/{name}" for name in runs[s]} for s in seeds},
    }
    if sweep:
        metrics["feedback_sweep"] = _feedback_sweep(scenario, sweep)
    return metrics, groups


def people_table(runs: dict[int, dict[str, Path]], scenario: Scenario) -> pa.Table:
    """The person-level table of the first seed's watch run (for notebooks)."""
    s = min(runs)
    with open_run(runs[s]["watch"]) as run:
        return audit_seed({"watch": run.con}, scenario, seed=s).people


def run_study(scenario: Scenario, folder: Path, *, seeds: Sequence[int],
              removal_rates: Sequence[float] = DEFAULT_REMOVAL_RATES,
              bootstrap: int = DEFAULT_BOOTSTRAP, progress: Progress | None = None) -> Study:
    """Simulate and audit a study inside ``folder`` (which the caller publishes)."""
    t0 = time.perf_counter()
    runs = simulate_study(scenario, folder, seeds=seeds, removal_rates=removal_rates,
                          progress=progress)
    t1 = time.perf_counter()
    metrics, groups = audit_study(scenario, runs, bootstrap=bootstrap)
    t2 = time.perf_counter()
    seconds = {"simulate": round(t1 - t0, 3), "audit": round(t2 - t1, 3)}
    return Study(scenario, list(seeds), metrics, groups, runs, seconds)
