"""D'Amour et al. (FAT* 2020), "Fairness is not static": the attention allocation experiments.

Settings from ML-fairness-gym's ``experiments/acm_fat_2020/attention_allocation_experiment_fat
_main.py``: 5 sites with rates [8, 6, 4, 3, 1.5], 6 attention units, no missed and no false
incidents, dynamic factors 0, 0.01, 0.05, 0.1, 0.15; five agents; 1000 steps (the paper
averages 50 runs; we default to 1000).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from custodiet.replicate._attention import (
    Agent,
    AttentionConfig,
    AttentionResult,
    delta,
    delta_per_run,
    simulate_attention,
)

PAPER = ("D'Amour, Srinivasan, Atwood, Baljekar, Sculley, Halpern, \"Fairness is Not Static: "
         "Deeper Understanding of Long Term Fairness via Simulation Studies\", Proceedings of "
         "FAT* 2020")

RATES = (8.0, 6.0, 4.0, 3.0, 1.5)
UNITS = 6
DYNAMICS = (0.0, 0.01, 0.05, 0.1, 0.15)

#: The paper's five agents (fairness-gym names in the comments).
AGENTS: dict[str, Agent] = {
    # MLEGreedyAgent, alpha = 1 (its epsilon default, 0.1, is kept by the experiment)
    "greedy": Agent("greedy", epsilon=0.1, alpha=1.0, label="greedy (α = 1)"),
    # MLEGreedyAgent, alpha = 0.75
    "greedy_fair": Agent("greedy", epsilon=0.1, alpha=0.75, label="greedy (α = 0.75)"),
    # RandomAgent: a multinomial draw with equal probabilities every day
    "uniform": Agent("uniform", epsilon=0.0, label="uniform"),
    # MLEProbabilityMatchingAgent, epsilon = 0.1 and 0.5
    "proportional_0.1": Agent("proportional", epsilon=0.1, label="proportional (ε = 0.1)"),
    "proportional_0.5": Agent("proportional", epsilon=0.5, label="proportional (ε = 0.5)"),
}

CLAIMS = {
    "greedy_most_discovered_and_missed":
        "for d > 0 the unconstrained greedy agent both discovers and misses the most incidents, "
        "so an auditor who sees only discovered incidents ranks the worst agent best",
    "static_world_alike":
        "at d = 0 the agents cannot change the world: every agent faces the same incidents",
}


def run_damour(*, runs: int, days: int, seed: int, dynamics: tuple[float, ...] = DYNAMICS,
               agents: dict[str, Agent] | None = None,
               on_day: Callable[[int], None] | None = None
               ) -> dict[tuple[str, float], AttentionResult]:
    """Every agent at every dynamic factor. All share a seed: at d = 0 they see the same world."""
    agents = AGENTS if agents is None else agents
    results = {}
    for name, agent in agents.items():
        for d in dynamics:
            results[name, d] = simulate_attention(
                AttentionConfig(rates=RATES, units=UNITS, dynamic=d), agent,
                days=days, runs=runs, seed=seed, key=(0,), on_day=on_day)
    return results


def _mean_se(values: np.ndarray) -> tuple[float, float]:
    sd = float(values.std(ddof=1)) if values.size > 1 else 0.0
    return float(values.mean()), sd / np.sqrt(values.size)


def summarise_attention(result: AttentionResult) -> dict[str, Any]:
    """Totals per run (mean, standard error), the paper's Δ and the per-site ratios."""
    discovered, discovered_se = _mean_se(result.discovered.sum(axis=1))
    missed, missed_se = _mean_se(result.missed.sum(axis=1))
    occurred, occurred_se = _mean_se(result.occurred.sum(axis=1))
    per_run, per_run_se = _mean_se(delta_per_run(result))
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.nan_to_num(result.discovered / result.occurred, nan=0.0, posinf=1.0)
    return {
        "discovered": discovered, "discovered_se": discovered_se,
        "missed": missed, "missed_se": missed_se,
        "occurred": occurred, "occurred_se": occurred_se,
        "delta": delta(result),
        "delta_per_run": per_run, "delta_per_run_se": per_run_se,
        "discovered_over_occurred_by_site": [float(x) for x in ratio.mean(axis=0)],
        "final_mean_rates": [float(x) for x in result.mean_rates[-1]],
    }


def check_claims(summary: dict[str, dict[float, dict[str, Any]]]) -> dict[str, Any]:
    """The paper's orderings, evaluated on our numbers (per dynamic factor)."""
    dynamics = sorted(next(iter(summary.values())).keys())
    greedy = {}
    for d in dynamics:
        if d == 0:
            continue
        best_found = max(summary, key=lambda a: summary[a][d]["discovered"])
        most_missed = max(summary, key=lambda a: summary[a][d]["missed"])
        greedy[str(d)] = {"most_discovered": best_found, "most_missed": most_missed,
                          "holds": best_found == most_missed == "greedy"}
    static = None
    if 0.0 in dynamics:
        occurred = [summary[a][0.0]["occurred"] for a in summary]
        static = {"occurred_by_agent": dict(zip(summary, occurred, strict=True)),
                  "holds": max(occurred) == min(occurred)}
    return {"greedy_most_discovered_and_missed": greedy, "static_world_alike": static}


def damour_report(results: dict[tuple[str, float], AttentionResult], *, runs: int, days: int,
                  seed: int) -> dict[str, Any]:
    """results.json content: our numbers per agent and dynamic factor, beside the claims."""
    summary: dict[str, dict[float, dict[str, Any]]] = {}
    for (name, d), result in results.items():
        summary.setdefault(name, {})[d] = summarise_attention(result)
    agents = {
        name: {
            "label": AGENTS[name].label if name in AGENTS else name,
            "kind": results[name, next(iter(by_d))].agent.kind,
            "epsilon": results[name, next(iter(by_d))].agent.epsilon,
            "alpha": results[name, next(iter(by_d))].agent.alpha,
            "by_dynamic_factor": {str(d): s for d, s in sorted(by_d.items())},
        }
        for name, by_d in summary.items()
    }
    return {
        "replication": "damour2020", "paper": PAPER,
        "settings": {"runs": runs, "days": days, "seed": seed, "rates": list(RATES),
                     "units": UNITS, "dynamic_factors": sorted({d for _, d in results})},
        "agents": agents,
        "published": CLAIMS,
        "measured_claims": check_claims(summary),
    }
