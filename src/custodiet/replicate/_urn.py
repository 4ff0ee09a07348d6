"""The generalised Pólya urn of Ensign et al. (2018): place-based patrols fed by their own finds.

Two regions A and B; the urn holds ``n_A`` and ``n_B`` balls (the historical incident counts).
Each day one patrol visits A with probability ``n_A / (n_A + n_B)`` and discovers the crimes that
happen there that day (Poisson with the region's rate); the discovered count is added to that
region's balls. Variants: reported incidents from both regions are added every day whatever the
patrol does; balls decay (each ball is forgotten with a daily probability); and the paper's
correction, which accepts a discovered update with probability proportional to how unlikely the
visited region was to be visited. Every run is one column: a day is one array step over all runs.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import numpy as np

from custodiet.errors import UserError
from custodiet.replicate._seeds import WORLD, day_rng

Updates = Literal["poisson", "expected"]


@dataclass(frozen=True)
class UrnConfig:
    """One urn model. Rates are crimes per day; priors are the starting ball counts.

    ``discovered_weight`` and ``reported_weight`` scale the daily rate of discovered incidents (in
    the visited region only) and of reported incidents (in both regions, every day); the paper's
    discovered-only urn is (1, 0), its discovered-plus-reported example (1, 1). ``decay`` is the
    daily probability that a ball is forgotten (the paper's examples use 0.01). ``updates`` is
    ``"poisson"`` (counts drawn, as in the paper's Oakland runs) or ``"expected"`` (the expected
    count added deterministically, the urn of the paper's theorems).
    """

    rate_a: float
    rate_b: float
    prior_a: float
    prior_b: float
    discovered_weight: float = 1.0
    reported_weight: float = 0.0
    decay: float = 0.0
    correction: bool = False
    updates: Updates = "poisson"

    def __post_init__(self) -> None:
        for name in ("rate_a", "rate_b", "discovered_weight", "reported_weight"):
            value = getattr(self, name)
            if not (math.isfinite(value) and value >= 0):
                raise UserError(f"must be a finite number ≥ 0, got {value}", field=name)
        for name in ("prior_a", "prior_b"):
            value = getattr(self, name)
            if not (math.isfinite(value) and value > 0):
                raise UserError(f"must be a finite number > 0, got {value}", field=name)
        if not 0 <= self.decay < 1:
            raise UserError(f"must be in [0, 1), got {self.decay}", field="decay")
        if self.updates not in ("poisson", "expected"):
            raise UserError(f"must be 'poisson' or 'expected', got {self.updates!r}",
                            field="updates")

    @property
    def true_share(self) -> float:
        """λA / (λA + λB): the share of patrols A would get if allocation followed true crime."""
        return self.rate_a / (self.rate_a + self.rate_b)

    @property
    def prior_share(self) -> float:
        """The share of A in the starting urn."""
        return self.prior_a / (self.prior_a + self.prior_b)

    def model_limit(self) -> float | None:
        """Where the mean dynamics send A's share (the stable fixed point), or None if random.

        With the correction the expected daily additions are proportional to the true rates, so
        the share goes to λA/(λA+λB). Without it the expected additions are
        ``x·dA + rA`` to A and ``(1−x)·dB + rB`` to B, whose stable fixed point solves
        ``(dA−dB)x² + (rA+dB+rB−dA)x − rA = 0`` (the paper's quadratic); with no reports this is
        1 when λA > λB (runaway), 0 when λA < λB, and with equal rates the limit is random
        (Beta-distributed). With decay the urn stays finite and fluctuates about this point.
        """
        if self.correction:
            return self.true_share
        d_a, d_b = self.discovered_weight * self.rate_a, self.discovered_weight * self.rate_b
        r_a, r_b = self.reported_weight * self.rate_a, self.reported_weight * self.rate_b
        a2, a1, a0 = d_a - d_b, (r_a + r_b) + (d_b - d_a), -r_a  # keeps tiny reports
        if a2 == 0:
            if a1 == 0:
                return None
            return float(np.clip(-a0 / a1, 0.0, 1.0))
        disc = a1 * a1 - 4 * a2 * a0
        roots = [(-a1 + s * math.sqrt(max(disc, 0.0))) / (2 * a2) for s in (1, -1)]
        inside = [r for r in roots if -1e-12 <= r <= 1 + 1e-12]
        if r_a == 0 and r_b == 0:  # diagonal urn: 0 and 1 are the fixed points, 1 stable iff dA>dB
            return 1.0 if d_a > d_b else 0.0
        return float(np.clip(inside[0], 0.0, 1.0))


@dataclass(frozen=True)
class UrnResult:
    """The share of A's balls after each day (row 0 is the prior), one column per run."""

    config: UrnConfig
    share: np.ndarray  # (days + 1, runs)
    balls_a: np.ndarray  # (runs,) at the end
    balls_b: np.ndarray
    visits_a: np.ndarray  # (runs,) days on which the patrol went to A

    @property
    def final_share(self) -> np.ndarray:
        """A's share of the urn on the last day, per run."""
        return self.share[-1]


def simulate_urn(config: UrnConfig, *, days: int, runs: int, seed: int,
                 key: tuple[int, ...] = (0,),
                 on_day: Callable[[int], None] | None = None) -> UrnResult:
    """Run the urn ``runs`` times for ``days`` days, all runs at once.

    Each day draws, in a fixed order from that day's stream, the patrol choice, the acceptance
    coin of the correction, the crimes discovered and reported in both regions, and the decay;
    variants of one setting (same ``seed`` and ``key``) therefore share their random numbers.
    """
    if days < 1 or runs < 1:
        raise UserError("days and runs must be at least 1", field="days" if days < 1 else "runs")
    n_a = np.full(runs, float(config.prior_a))
    n_b = np.full(runs, float(config.prior_b))
    share = np.empty((days + 1, runs))
    share[0] = n_a / (n_a + n_b)
    visits_a = np.zeros(runs, dtype=np.int64)
    lam_d = config.discovered_weight * np.array([config.rate_a, config.rate_b])
    lam_r = config.reported_weight * np.array([config.rate_a, config.rate_b])
    for day in range(1, days + 1):
        rng = day_rng(seed, key, day, WORLD)
        visit_draw = rng.random(runs)
        accept_draw = rng.random(runs)
        if config.updates == "poisson":
            found = rng.poisson(lam_d, size=(runs, 2)).astype(float)
            reported = rng.poisson(lam_r, size=(runs, 2)).astype(float)
        else:
            found = np.broadcast_to(lam_d, (runs, 2))
            reported = np.broadcast_to(lam_r, (runs, 2))
        total = n_a + n_b
        p_a = n_a / total
        go_a = visit_draw < p_a
        visits_a += go_a
        if config.correction:
            # Accept with probability ∝ the chance of NOT visiting the region, normalised so the
            # likelier of the two acceptances is 1 (the reference code's "linear surprise").
            p_b = 1.0 - p_a
            top = np.maximum(p_a, p_b)
            accept = accept_draw < np.where(go_a, p_b, p_a) / top
        else:
            accept = np.ones(runs, dtype=bool)
        n_a = n_a + np.where(go_a & accept, found[:, 0], 0.0) + reported[:, 0]
        n_b = n_b + np.where(~go_a & accept, found[:, 1], 0.0) + reported[:, 1]
        if config.decay > 0:
            if config.updates == "poisson":
                n_a = n_a - rng.binomial(np.floor(n_a).astype(np.int64), config.decay)
                n_b = n_b - rng.binomial(np.floor(n_b).astype(np.int64), config.decay)
            else:
                n_a = n_a * (1.0 - config.decay)
                n_b = n_b * (1.0 - config.decay)
            n_a = np.maximum(n_a, 1.0)
            n_b = np.maximum(n_b, 1.0)
        share[day] = n_a / (n_a + n_b)
        if on_day is not None:
            on_day(day)
    return UrnResult(config=config, share=share, balls_a=n_a, balls_b=n_b, visits_a=visits_a)
