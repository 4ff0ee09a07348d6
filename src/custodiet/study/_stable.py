"""A study that runs until it can answer (``custodiet run --until-stable``): seeds are added in
batches, each seed audited as soon as it is simulated, until every answer's verdict is decided
(:func:`custodiet.audit.sim.answer_verdicts`) or a budget runs out
(:func:`custodiet.study.run_until`). The first ``k`` seeds are the same wherever it stops."""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from pathlib import Path

from custodiet.audit import Verdict
from custodiet.audit.sim import SeedAudit, answer_verdicts
from custodiet.scenario import Scenario
from custodiet.study._execute import Progress
from custodiet.study._plan import RunSpec, plan_study
from custodiet.study._study import (
    DEFAULT_BOOTSTRAP,
    DEFAULT_REMOVAL_RATES,
    Bundle,
    Study,
    pool_audits,
    simulate_and_audit,
)
from custodiet.study._until import Budget, UntilResult, run_until

#: Bootstrap resamples of the group metrics while deciding whether to go on (the final
#: report uses the study's own; assumption: enough to place a ratio's interval against 1).
DECIDING_BOOTSTRAP: int = 100


def run_study_until(scenario: Scenario, folder: Path, *, budget: Budget | None = None,
                    width: float | None = None,
                    removal_rates: Sequence[float] = DEFAULT_REMOVAL_RATES,
                    bootstrap: int = DEFAULT_BOOTSTRAP,
                    progress: Progress | None = None) -> tuple[Study, UntilResult]:
    """Simulate and audit batches of seeds from ``scenario.seed`` on until every answer is
    decided (or its interval narrower than ``width``) or ``budget`` is spent."""
    t0 = time.perf_counter()
    runs: dict[RunSpec, Path] = {}
    audits: dict[Bundle, SeedAudit] = {}

    def batch(seeds: Sequence[int]) -> Mapping[str, Verdict]:
        plan = plan_study(scenario, list(seeds), removal_rates)
        done, audited, _ = simulate_and_audit(plan, folder, scenario, progress=progress)
        runs.update(done.stores)
        audits.update(audited)
        metrics, _, _ = pool_audits(scenario, audits, runs, bootstrap=DECIDING_BOOTSTRAP)
        return answer_verdicts(metrics)

    until = run_until(batch, seed=scenario.seed, budget=budget or Budget(), width=width)
    t1 = time.perf_counter()
    metrics, groups, per_seed = pool_audits(scenario, audits, runs, bootstrap=bootstrap,
                                            stopped=until.sentence)
    t2 = time.perf_counter()
    seconds = {"simulate": round(t1 - t0, 3), "audit": round(t2 - t1, 3)}
    return Study(scenario, list(until.seeds), metrics, groups, runs, seconds, per_seed), until
