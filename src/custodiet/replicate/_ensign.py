"""Ensign et al. (FAT* 2018), "Runaway Feedback Loops in Predictive Policing": the Oakland runs.

The paper's settings (and its reference code, github.com/algofairness/runaway-feedback-loops-src):
daily drug-crime rates estimated for Oakland's top region (λA = 3.68511), the second region
(λB = 2.816466) and a random region (λB = 2.35592); urn priors from historical arrests (609 vs
379, the same scaled down to 6.09 vs 3.79, and 609 vs 7); 1000 days, 1000 runs.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from custodiet.replicate._urn import UrnConfig, UrnResult, simulate_urn

PAPER = ("Ensign, Friedler, Neville, Scheidegger, Venkatasubramanian, \"Runaway Feedback Loops in "
         "Predictive Policing\", FAT* 2018, Proceedings of Machine Learning Research 81")

#: Daily rates from the paper (Oakland drug use estimates behind Lum and Isaac 2016).
RATE_TOP = 3.68511
RATE_SECOND = 2.816466
RATE_RANDOM = 2.35592
#: Daily probability that a ball is forgotten in the paper's decay examples.
PAPER_DECAY = 0.01


@dataclass(frozen=True)
class Case:
    """A pair of regions and a starting urn."""

    name: str
    title: str
    rate_a: float
    rate_b: float
    prior_a: float
    prior_b: float


CASES: tuple[Case, ...] = (
    Case("top2_strong", "top two, prior 609/379", RATE_TOP, RATE_SECOND, 609, 379),
    Case("top2_weak", "top two, prior 6.09/3.79", RATE_TOP, RATE_SECOND, 6.09, 3.79),
    Case("top_random_strong", "top vs random, prior 609/7", RATE_TOP, RATE_RANDOM, 609, 7),
)

#: Variants: keyword changes to the discovered-only urn, and what the paper says happens.
VARIANTS: dict[str, tuple[str, dict[str, Any], str]] = {
    "discovered": ("discovered only", {},
                   "runaway: the share moves away from λA/(λA+λB) towards 1 (all patrols to A)"),
    "reported": ("discovered + reported", {"reported_weight": 1.0},
                 "reported incidents attenuate the runaway but do not remove it: the limit is the "
                 "root of the paper's quadratic, between λA/(λA+λB) and 1"),
    "decay": ("discovered, with decay", {"decay": PAPER_DECAY},
              "forgetting does not stop the runaway: the share still heads for 1"),
    "corrected": ("corrected", {"correction": True},
                  "the correction makes the share converge to λA/(λA+λB)"),
    "corrected_decay": ("corrected, with decay", {"correction": True, "decay": PAPER_DECAY},
                        "with the correction the share fluctuates about λA/(λA+λB)"),
}


def config_for(case: Case, variant: str) -> UrnConfig:
    """The urn of one case under one variant."""
    base = UrnConfig(case.rate_a, case.rate_b, case.prior_a, case.prior_b)
    return replace(base, **VARIANTS[variant][1])


def run_ensign(*, runs: int, days: int, seed: int,
               on_day: Callable[[int], None] | None = None) -> dict[tuple[str, str], UrnResult]:
    """Every case under every variant; variants of a case share their random numbers."""
    results = {}
    for i, case in enumerate(CASES):
        for variant in VARIANTS:
            results[case.name, variant] = simulate_urn(config_for(case, variant), days=days,
                                                        runs=runs, seed=seed, key=(i,),
                                                        on_day=on_day)
    return results


def summarise_urn(result: UrnResult) -> dict[str, float]:
    """The final share across runs: mean with its standard error, and quantiles."""
    final = result.final_share
    runs = final.size
    sd = float(final.std(ddof=1)) if runs > 1 else 0.0
    q = np.quantile(final, [0.05, 0.25, 0.5, 0.75, 0.95])
    true = result.config.true_share
    return {
        "mean_final_share": float(final.mean()),
        "se": sd / np.sqrt(runs),
        "sd": sd,
        "q05": float(q[0]), "q25": float(q[1]), "median": float(q[2]),
        "q75": float(q[3]), "q95": float(q[4]),
        "share_of_runs_above_0.9": float(np.mean(final > 0.9)),
        "gap_to_true_share": float(final.mean() - true),
        "mean_share_of_visits_to_a": float(result.visits_a.mean() / (result.share.shape[0] - 1)),
    }


def ensign_report(results: dict[tuple[str, str], UrnResult], *, runs: int, days: int,
                  seed: int) -> dict[str, Any]:
    """results.json content: our numbers beside the paper's claims and limits."""
    cases = []
    for case in CASES:
        variants = {}
        for variant, (label, changes, claim) in VARIANTS.items():
            result = results[case.name, variant]
            limit = result.config.model_limit()
            variants[variant] = {
                "label": label,
                "settings": {k: v for k, v in changes.items()},
                "measured": summarise_urn(result),
                "published": {"claim": claim, "limit_of_the_model": limit},
            }
        cases.append({
            "case": case.name, "title": case.title,
            "rate_a": case.rate_a, "rate_b": case.rate_b,
            "prior_a": case.prior_a, "prior_b": case.prior_b,
            "true_share": case.rate_a / (case.rate_a + case.rate_b),
            "prior_share": case.prior_a / (case.prior_a + case.prior_b),
            "variants": variants,
        })
    return {
        "replication": "ensign2018", "paper": PAPER,
        "settings": {"runs": runs, "days": days, "seed": seed, "updates": "poisson",
                     "decay": PAPER_DECAY},
        "cases": cases,
    }
