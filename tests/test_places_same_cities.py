"""A place figure that is the same on every day of too few cities gets no interval and no
verdict: a zero-width interval from two cities would decide what two cities cannot."""

from __future__ import annotations

import math

import numpy as np

from custodiet.audit import MIN_SAME_CITIES, Decision
from custodiet.places import PatrolConfig, PatrolRun, audit_growth, city_grid_of
from custodiet.scenario import WorldConfig

WORLD = WorldConfig.model_validate({"people": 32_000, "days": 3})
G = city_grid_of(WORLD, 500.0)
DAYS = 20


def _city(seed: int, wobble: bool = False) -> PatrolRun:
    """Four patrols a day; the area (cells 0 and 1) gets one of them on the first ten days and
    two on the last ten (in a city that ``wobble``s, one on day 15 as well), with one true
    incident a day in cells 0 and 2."""
    cfg = PatrolConfig(G, np.zeros(G.n_cells), k=4, history_days=1, days=DAYS)
    true = np.zeros((DAYS, G.n_cells), np.int64)
    true[:, 0] = true[:, 2] = 1
    patrolled = np.zeros((DAYS, G.n_cells), bool)
    patrolled[:10, [0, 2, 3, 4]] = True
    patrolled[10:, [0, 1, 2, 3]] = True
    if wobble:
        patrolled[15, 1], patrolled[15, 4] = False, True
    return PatrolRun(cfg, seed, true, true, np.zeros_like(true), patrolled)


AREA = np.array([0, 1])


def test_the_same_growth_in_two_cities_gets_no_verdict() -> None:
    runs = [_city(0), _city(1)]
    patrols, crime = audit_growth(runs, AREA, "the area", span=10, replicates=200)
    assert patrols.interval.estimate == 2.0
    assert math.isnan(patrols.interval.low) and math.isnan(patrols.interval.high)
    assert patrols.verdict.decision is Decision.ABSENT
    assert "too few cities for an interval" in patrols.text, patrols.text
    assert patrols.as_dict()["quoted"] == "2.00× (no interval)"
    assert crime.verdict.decision is Decision.ABSENT  # 1.00× every day: no verdict either


def test_enough_cities_or_any_spread_keep_the_interval() -> None:
    same = [_city(s) for s in range(MIN_SAME_CITIES)]
    patrols, _ = audit_growth(same, AREA, "the area", span=10, replicates=200)
    assert patrols.interval.low == patrols.interval.high == 2.0
    assert patrols.verdict.decision is Decision.ABOVE
    spread = [_city(0), _city(1, wobble=True)]
    patrols, _ = audit_growth(spread, AREA, "the area", span=10, replicates=200)
    assert patrols.interval.low < patrols.interval.high
    assert patrols.verdict.decision is not Decision.ABSENT
