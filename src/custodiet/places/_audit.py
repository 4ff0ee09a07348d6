"""The audit of a hot-spot system: where patrols went against where crime happened.

For an area (a district, an enclave, half of the city):

- its *share of patrol-days* over its *share of true crime* (1: patrolled as its crime
  warrants; above 1: over-policed);
- the growth of its patrol share from the first to the last days of the run, beside the growth
  of its true-crime share (the feedback loop: a share that grows while the crime does not);

and for the system: its *hit rate* (the share of true incidents that happened in patrolled
cells) against chance (``k`` cells at random catch ``k / cells`` of them) and against the oracle
that knew each day's true counts.

Intervals come from the bootstrap nested by city (seed) then day
(:class:`custodiet.audit.ClusteredSample`): a city's days are not independent, and the city
stage carries what cities differ beyond their days. Sentences state a verdict only where the
interval decides it (:func:`custodiet.audit.decide`).
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from custodiet.audit import (
    LIFT,
    MIN_SAME_CITIES,
    ClusteredSample,
    Interval,
    Scale,
    Verdict,
    decide,
    quote,
    sentence,
)
from custodiet.places._patrol import PatrolRun


@dataclass(frozen=True)
class Figure:
    """A ratio with its interval, its verdict against 1 and the sentence that says it."""

    name: str
    interval: Interval
    verdict: Verdict
    text: str

    def as_dict(self) -> dict[str, Any]:
        i = self.interval
        return {"estimate": i.estimate, "low": i.low, "high": i.high,
                "confidence": i.confidence, "cities": i.n_cities,
                "decision": self.verdict.decision.value, "sentence": self.text,
                "quoted": quote(i, Scale.TIMES, 2)}


def _rows(runs: list[PatrolRun], days: slice, num: Any, den: Any) -> ClusteredSample:
    """One row per (city, day): ``num(run)`` and ``den(run)`` give per-day arrays."""
    city, cluster, nums, dens = [], [], [], []
    for i, run in enumerate(runs):
        n, d = np.asarray(num(run))[days], np.asarray(den(run))[days]
        city.append(np.full(n.size, i))
        cluster.append(i * 100_000 + np.arange(n.size))
        nums.append(n)
        dens.append(d)
    return ClusteredSample.from_arrays(np.concatenate(city), np.concatenate(cluster),
                                       np.concatenate(nums), np.concatenate(dens),
                                       cities=np.arange(len(runs)))


def patrol_share(runs: list[PatrolRun], cells: np.ndarray, days: slice = slice(None)
                 ) -> ClusteredSample:
    """Patrol-days in ``cells`` out of all patrol-days."""
    return _rows(runs, days, lambda r: r.patrolled[:, cells].sum(axis=1),
                 lambda r: r.patrolled.sum(axis=1))


def crime_share(runs: list[PatrolRun], cells: np.ndarray, days: slice = slice(None)
                ) -> ClusteredSample:
    """True incidents in ``cells`` out of all true incidents."""
    return _rows(runs, days, lambda r: r.true[:, cells].sum(axis=1), lambda r: r.true.sum(axis=1))


def _figure(name: str, interval: Interval, above: str, below: str) -> Figure:
    absent = "nothing counted"
    if interval.width == 0 and math.isfinite(interval.estimate) and \
            interval.n_cities < MIN_SAME_CITIES:
        # Every resample gives the same ratio (the same cells patrolled day after day): a
        # zero-width interval from so few cities would decide what they cannot.
        interval = dataclasses.replace(interval, low=math.nan, high=math.nan)
        absent = (f"{interval.estimate:.2f}× in each of the {interval.n_cities} cities, the "
                  "same on every day resampled: too few cities for an interval")
    verdict = decide(interval, LIFT, absent=absent)
    return Figure(name, interval, verdict,
                  sentence(verdict, Scale.TIMES, above=above, below=below, unit="city-days",
                           digits=2))


def over_policing(runs: list[PatrolRun], cells: np.ndarray, area: str, *,
                  replicates: int = 2000, seed: int = 0) -> Figure:
    """``area``'s share of patrol-days over its share of true crime."""
    interval = patrol_share(runs, cells).ratio_of_ratios(crime_share(runs, cells),
                                                         replicates=replicates, seed=seed)
    return _figure(f"patrols_over_crime[{area}]", interval,
                   f"{area} gets more of the patrols than of the crime",
                   f"{area} gets less of the patrols than of the crime")


def growth(runs: list[PatrolRun], cells: np.ndarray, area: str, *, span: int = 10,
           replicates: int = 2000, seed: int = 0) -> tuple[Figure, Figure]:
    """``area``'s patrol share and true-crime share in the last ``span`` days over the first."""
    first, last = slice(0, span), slice(-span, None)
    patrols = patrol_share(runs, cells, last).ratio_of_ratios(
        patrol_share(runs, cells, first), replicates=replicates, seed=seed)
    crime = crime_share(runs, cells, last).ratio_of_ratios(
        crime_share(runs, cells, first), replicates=replicates, seed=seed)
    return (_figure(f"patrol_share_growth[{area}]", patrols,
                    f"{area}'s share of patrols grew", f"{area}'s share of patrols shrank"),
            _figure(f"crime_share_growth[{area}]", crime,
                    f"{area}'s share of true crime grew",
                    f"{area}'s share of true crime shrank"))


def hit_rates(runs: list[PatrolRun], *, replicates: int = 2000, seed: int = 0
              ) -> tuple[Figure, Figure]:
    """The hit rate over chance, and over the oracle that patrols each day's k worst cells."""
    k = int(runs[0].patrolled[0].sum())
    cells = runs[0].true.shape[1]

    def hits(r: PatrolRun) -> np.ndarray:
        return (r.true * r.patrolled).sum(axis=1)

    def oracle(r: PatrolRun) -> np.ndarray:
        return -np.sort(-r.true, axis=1)[:, :k].sum(axis=1)

    total = lambda r: r.true.sum(axis=1)  # noqa: E731
    system = _rows(runs, slice(None), hits, total)
    chance = _rows(runs, slice(None), lambda r: total(r) * k / cells, total)
    best = _rows(runs, slice(None), oracle, total)
    over_chance = system.ratio_of_ratios(chance, replicates=replicates, seed=seed)
    over_oracle = system.ratio_of_ratios(best, replicates=replicates, seed=seed)
    return (_figure("hit_rate_over_chance", over_chance, "patrols find more crime than chance",
                    "patrols find less crime than chance"),
            _figure("hit_rate_over_oracle", over_oracle, "patrols beat the oracle",
                    "patrols find less crime than the oracle"))


def areas(runs: list[PatrolRun]) -> dict[str, np.ndarray]:
    """The areas audited: each district, each enclave, and each half of the city."""
    g = runs[0].config.grid
    found = {f"district {d}": g.district == d for d in range(g.n_districts)}
    for name, d in g.enclaves.items():
        found[f"{name} enclave"] = g.district == d
    found["east half"], found["west half"] = g.east, ~g.east
    return found


def audit(runs: list[PatrolRun], *, replicates: int = 2000, seed: int = 0,
          span: int = 10) -> dict[str, Any]:
    """Every figure of a set of cities run under one setting, as JSON-ready dictionaries
    (growth from the first ``span`` days to the last)."""
    figures = {}
    for area, cells in areas(runs).items():
        for f in (over_policing(runs, cells, area, replicates=replicates, seed=seed),
                  *growth(runs, cells, area, span=span, replicates=replicates, seed=seed)):
            figures[f.name] = f.as_dict()
    for f in hit_rates(runs, replicates=replicates, seed=seed):
        figures[f.name] = f.as_dict()
    return figures
