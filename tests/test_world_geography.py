"""Where homes lie: within the jitter of their compound's gate and inside its district, so a
household placed in a district (an enclave above all) lives there, whatever the seed."""

from __future__ import annotations

import numpy as np
import pytest

from custodiet.scenario import WorldConfig
from custodiet.world._geography import _HOME_JITTER_M, KIND, build_places
from custodiet.world._population import build_people

SEEDS = range(1, 7)


def _city(people: int, per_side: int, segregation: float, seed: int):
    cfg = WorldConfig.model_validate({"people": people, "days": 1, "geography": {
        "districts_per_side": per_side, "segregation": segregation}})
    persons = build_people(cfg, seed)
    places, _ = build_places(cfg, persons, seed)
    return cfg, persons, places


@pytest.mark.parametrize("people, per_side", [(3000, 8), (20_000, 4)])
def test_no_home_lies_outside_its_compounds_district(people: int, per_side: int) -> None:
    """Small districts (a 3,000-person city cut 8 × 8, about 80 m a side, less than two
    jitters) put most homes near an edge; every one stays in its compound's district, within
    the jitter of its gate on each axis, over six seeds."""
    near_edge = 0
    for seed in SEEDS:
        _, _, places = _city(people, per_side, 0.3, seed)
        home = np.flatnonzero(places.kind == KIND["home"])
        gate = places.compound[home]
        assert np.array_equal(places.district[home], places.district[gate]), seed
        assert np.all(np.abs(places.x[home] - places.x[gate]) <= _HOME_JITTER_M)
        assert np.all(np.abs(places.y[home] - places.y[gate]) <= _HOME_JITTER_M)
        cell = places.side_m / per_side
        edge = np.minimum(places.x[gate] % cell, cell - places.x[gate] % cell)
        near_edge += int((edge < _HOME_JITTER_M).sum())
    assert near_edge > 0, "no gate within a jitter of an edge: the check is vacuous"


@pytest.mark.parametrize("seed", SEEDS)
def test_full_segregation_keeps_every_minority_household_in_its_enclave(seed: int) -> None:
    cfg, persons, places = _city(5000, 4, 1.0, seed)
    head = persons.hh_start
    homes = np.flatnonzero(persons.minority[head])
    assert homes.size > 0
    assert set(places.district[homes].tolist()) == {cfg.geography.districts_per_side ** 2 - 1}
