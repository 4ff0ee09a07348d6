"""Attention allocation (D'Amour et al., 2020; ML-fairness-gym's ``attention_allocation``).

Sites have incident rates; each day incidents occur (Poisson), the agent places its attention
units, and each unit discovers at most one incident at its site (no misses, no false finds: the
paper's setting). With dynamic factor ``d`` a site's rate rises by ``d`` on a day it gets no
attention and falls by ``d`` × its units (not below 0) on a day it gets some. Agents: uniform
random; proportional to estimated rates with ε-exploration; greedy (maximise expected finds)
under a fairness constraint α on the expected share of incidents each site's units discover.
All runs advance together: one array step per day.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import combinations
from typing import Literal

import numpy as np

from custodiet.errors import UserError
from custodiet.replicate._poisson import censored_poisson_mle, min_share_expectation, poisson_sf
from custodiet.replicate._seeds import POLICY, WORLD, day_rng

AgentKind = Literal["uniform", "proportional", "greedy"]


@dataclass(frozen=True)
class AttentionConfig:
    """The environment: starting rates per site, attention units per day, dynamic factor d."""

    rates: tuple[float, ...] = (8.0, 6.0, 4.0, 3.0, 1.5)
    units: int = 6
    dynamic: float = 0.0

    def __post_init__(self) -> None:
        if len(self.rates) < 2 or not all(math.isfinite(r) and r >= 0 for r in self.rates):
            raise UserError("need at least two finite rates ≥ 0", field="rates")
        if self.units < 1:
            raise UserError(f"must be at least 1, got {self.units}", field="units")
        if not (math.isfinite(self.dynamic) and self.dynamic >= 0):
            raise UserError(f"must be a finite number ≥ 0, got {self.dynamic}", field="dynamic")


@dataclass(frozen=True)
class Agent:
    """An allocation policy with fairness-gym's defaults for its estimates.

    ``epsilon``: chance per day of a uniform random allocation instead of the policy's own.
    ``alpha``: the greedy agent's bound on the gap between sites' expected discovery shares
    (1 = unconstrained). Estimates are censored-Poisson maximum likelihood over the last
    ``window`` days, refreshed every ``interval`` days once ``burn_in`` days have passed.
    """

    kind: AgentKind
    epsilon: float = 0.1
    alpha: float = 1.0
    burn_in: int = 25
    interval: int = 10
    window: int = 100
    label: str = field(default="", compare=False)

    def __post_init__(self) -> None:
        if self.kind not in ("uniform", "proportional", "greedy"):
            raise UserError(f"unknown agent kind {self.kind!r}", field="kind")
        if not 0 <= self.epsilon <= 1:
            raise UserError(f"must be in [0, 1], got {self.epsilon}", field="epsilon")
        if not self.alpha > 0:
            raise UserError(f"must be > 0, got {self.alpha}", field="alpha")
        if min(self.burn_in, self.interval, self.window) < 1:
            raise UserError("burn_in, interval and window must be at least 1", field="window")


@dataclass(frozen=True)
class AttentionResult:
    """Totals over the days per run and site, and the daily mean allocation and rates."""

    config: AttentionConfig
    agent: Agent
    occurred: np.ndarray  # (runs, sites) incidents that happened
    discovered: np.ndarray  # (runs, sites) incidents the attention found
    mean_allocation: np.ndarray  # (days, sites) units per site, averaged over runs
    mean_rates: np.ndarray  # (days + 1, sites) true rates, averaged over runs

    @property
    def missed(self) -> np.ndarray:
        """Incidents that happened and were not discovered, per run and site."""
        return self.occurred - self.discovered


def allocations(sites: int, units: int) -> np.ndarray:
    """Every way to place ``units`` identical units on ``sites`` sites, one row each.

    Rows are ordered so that the first row has the most units on the last site, then on the
    next-to-last, and so on; ``argmax`` therefore breaks exact ties the way fairness-gym's
    search does (it keeps its last candidate, which is this order's first).
    """
    rows = []
    for bars in combinations(range(units + sites - 1), sites - 1):
        edges = (-1, *bars, units + sites - 1)
        rows.append([edges[i + 1] - edges[i] - 1 for i in range(sites)])
    out = np.array(rows, dtype=np.int64)
    order = np.lexsort(tuple(out[:, i] for i in range(sites)))[::-1]
    return out[order]


def _multinomial_rows(rng: np.random.Generator, units: int, probs: np.ndarray) -> np.ndarray:
    """One multinomial(units, probs[r]) draw per row r, as (rows, sites) counts."""
    cum = np.cumsum(probs, axis=1)
    cum[:, -1] = 1.0
    draws = rng.random((probs.shape[0], units))
    site = (draws[:, :, None] >= cum[:, None, :]).sum(axis=2)
    return (site[:, :, None] == np.arange(probs.shape[1])).sum(axis=1)


def greedy_allocation(beliefs: np.ndarray, units: int, alpha: float,
                      table: np.ndarray | None = None) -> np.ndarray:
    """The allocation maximising expected discoveries under the α constraint, per row.

    Expected discoveries of ``v`` units at a site are Σ_{k≤v} P(C ≥ k); the constraint keeps
    max − min over sites of E[min(v, C)/C] within α. Solved exactly by enumerating every
    allocation (fairness-gym searches the same set). If no allocation meets the constraint the
    one with the smallest gap is used (the gym raises an error there).
    """
    runs, sites = beliefs.shape
    table = allocations(sites, units) if table is None else table
    tails = poisson_sf(np.arange(1, units + 1), beliefs[..., None])  # P(C ≥ k), k = 1 … units
    gain = np.concatenate([np.zeros((runs, sites, 1)), np.cumsum(tails, axis=-1)], axis=-1)
    site_idx = np.arange(sites)
    expected = gain[:, site_idx, table].sum(axis=-1)  # (runs, allocations)
    if alpha >= 1.0:
        return table[np.argmax(expected, axis=1)]
    share = min_share_expectation(beliefs, units)[:, site_idx, table]  # (runs, alloc, sites)
    gap = share.max(axis=-1) - share.min(axis=-1)
    feasible = gap <= alpha + 1e-12
    choice = np.argmax(np.where(feasible, expected, -np.inf), axis=1)
    fallback = np.argmin(gap, axis=1)
    return table[np.where(feasible.any(axis=1), choice, fallback)]


def simulate_attention(config: AttentionConfig, agent: Agent, *, days: int, runs: int,
                       seed: int, key: tuple[int, ...] = (0,),
                       on_day: Callable[[int], None] | None = None) -> AttentionResult:
    """Run the environment with ``agent`` for ``days`` days, ``runs`` runs at once.

    Order within a day follows fairness-gym: the agent takes in yesterday's observation (and,
    on refresh days, re-estimates rates), allocates, incidents occur at today's rates, units
    discover ``min(units, incidents)``, then the rates move by the dynamic factor. The world's
    draws come from a stream separate from the agent's, so agents compared under one seed face
    the same incidents whenever their actions leave the rates equal (always, when d = 0).
    """
    if days < 1 or runs < 1:
        raise UserError("days and runs must be at least 1", field="days" if days < 1 else "runs")
    sites, units = len(config.rates), config.units
    table = allocations(sites, units)
    rates = np.tile(np.asarray(config.rates, dtype=float), (runs, 1))
    beliefs = np.zeros((runs, sites))
    uniform = np.full((runs, sites), 1.0 / sites)
    seen_buf = np.zeros((runs, agent.window, sites), dtype=np.int64)
    alloc_buf = np.zeros((runs, agent.window, sites), dtype=np.int64)
    window_stats = _WindowStats(runs, sites, units)
    occurred = np.zeros((runs, sites), dtype=np.int64)
    discovered = np.zeros((runs, sites), dtype=np.int64)
    mean_alloc = np.empty((days, sites))
    mean_rates = np.empty((days + 1, sites))
    mean_rates[0] = rates.mean(axis=0)
    greedy_plan = greedy_allocation(beliefs, units, agent.alpha, table) \
        if agent.kind == "greedy" else None
    last_seen = last_alloc = None
    for day in range(1, days + 1):
        policy = day_rng(seed, key, day, POLICY)
        world = day_rng(seed, key, day, WORLD)
        if agent.kind != "uniform" and last_alloc is not None:
            slot = (day - 2) % agent.window
            window_stats.remove(seen_buf[:, slot], alloc_buf[:, slot])
            window_stats.add(last_seen, last_alloc)
            seen_buf[:, slot] = last_seen
            alloc_buf[:, slot] = last_alloc
            if day >= agent.burn_in and day % agent.interval == 0:
                beliefs = window_stats.estimate(min(day - 1, agent.window))
                if agent.kind == "greedy":
                    greedy_plan = greedy_allocation(beliefs, units, agent.alpha, table)
        alloc = _allocate(agent, policy, beliefs, greedy_plan, uniform, units)
        incidents = world.poisson(rates)
        seen = np.minimum(alloc, incidents)
        occurred += incidents
        discovered += seen
        rates = np.where(alloc == 0, rates + config.dynamic,
                         np.maximum(rates - config.dynamic * alloc, 0.0))
        mean_alloc[day - 1] = alloc.mean(axis=0)
        mean_rates[day] = rates.mean(axis=0)
        last_seen, last_alloc = seen, alloc
        if on_day is not None:
            on_day(day)
    return AttentionResult(config=config, agent=agent, occurred=occurred, discovered=discovered,
                           mean_allocation=mean_alloc, mean_rates=mean_rates)


def _allocate(agent: Agent, policy: np.random.Generator, beliefs: np.ndarray,
              greedy_plan: np.ndarray | None, uniform: np.ndarray, units: int) -> np.ndarray:
    """Today's allocation of every run: uniform at random, proportional to the beliefs, or the
    greedy plan, each run exploring uniformly with probability ``epsilon``."""
    explore = policy.random(beliefs.shape[0]) < agent.epsilon
    random_alloc = _multinomial_rows(policy, units, uniform)
    if agent.kind == "uniform":
        return random_alloc
    if agent.kind == "proportional":
        total = beliefs.sum(axis=1, keepdims=True)
        probs = np.where(total > 0, beliefs / np.where(total > 0, total, 1.0), uniform)
        alloc = _multinomial_rows(policy, units, probs)
        return np.where(explore[:, None], random_alloc, alloc)
    return np.where(explore[:, None], random_alloc, greedy_plan)


class _WindowStats:
    """Sufficient statistics of the observation window per run and site, kept incrementally.

    An observation (seen, units) is exact when seen < units, "at least units" when
    seen == units > 0, and says nothing when units == 0.
    """

    def __init__(self, runs: int, sites: int, units: int):
        self.n_exact = np.zeros((runs, sites))
        self.sum_exact = np.zeros((runs, sites))
        self.censored = np.zeros((runs, sites, units))
        self._levels = np.arange(1, units + 1)

    def _update(self, seen: np.ndarray, alloc: np.ndarray, sign: float) -> None:
        exact = (seen < alloc) & (alloc > 0)
        self.n_exact += sign * exact
        self.sum_exact += sign * np.where(exact, seen, 0)
        capped = (seen == alloc) & (alloc > 0)
        self.censored += sign * (capped[..., None] & (alloc[..., None] == self._levels))

    def add(self, seen: np.ndarray, alloc: np.ndarray) -> None:
        self._update(seen, alloc, 1.0)

    def remove(self, seen: np.ndarray, alloc: np.ndarray) -> None:
        self._update(seen, alloc, -1.0)

    def estimate(self, n_obs: int) -> np.ndarray:
        """Censored-Poisson rate estimates per run and site."""
        return censored_poisson_mle(self.n_exact, self.sum_exact, self.censored, n_obs)


def delta(result: AttentionResult) -> float:
    """The paper's Δ: the largest gap between sites in discovered / occurred incidents.

    As in fairness-gym's report: each site's ratio of totals over the days, averaged over runs,
    then max − min over sites.
    """
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = result.discovered / result.occurred
    ratio = np.nan_to_num(ratio, nan=0.0, posinf=1.0)
    per_site = ratio.mean(axis=0)
    return float(per_site.max() - per_site.min())


def delta_per_run(result: AttentionResult) -> np.ndarray:
    """Δ computed within each run (max − min over sites of that run's ratio), per run."""
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.nan_to_num(result.discovered / result.occurred, nan=0.0, posinf=1.0)
    return ratio.max(axis=1) - ratio.min(axis=1)
