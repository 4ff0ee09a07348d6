"""Shares and rates of the synthetic city match their parameters within tolerances derived from
the sampling distribution: 4 standard errors (a false alarm about once in 16,000 checks).

Where a share is drawn per household, its standard error accounts for the clustering:
SE = sqrt(p(1-p) Σ s_h²) / Σ s_h over household sizes s_h.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pytest

from custodiet.scenario import WorldConfig
from custodiet.world import World

Z = 4.0
N = 100_000


@pytest.fixture(scope="module")
def world() -> World:
    return World(WorldConfig(people=N, days=1), seed=2024)


def _within(observed: float, expected: float, se: float) -> None:
    assert abs(observed - expected) <= Z * se, (observed, expected, se)


def test_sex_share(world: World) -> None:
    p = world.config.population.male_share
    _within(world.people.male.mean(), p, np.sqrt(p * (1 - p) / N))


def test_minority_share_is_drawn_per_household(world: World) -> None:
    p = world.config.population.minority_share
    s = world.people.hh_size.astype(float)
    _within(world.people.minority.mean(), p, np.sqrt(p * (1 - p) * (s**2).sum()) / s.sum())


def test_migrant_share_includes_crowded_rentals(world: World) -> None:
    ppl, pop = world.people, world.config.population
    crowded = ppl.hh_crowded
    s = ppl.hh_size[~crowded].astype(float)
    n_crowded = ppl.hh_size[crowded].sum()
    q = (N * pop.migrant_share - n_crowded) / (N - n_crowded)
    se = np.sqrt(q * (1 - q) * (s**2).sum()) / N
    _within(ppl.migrant.mean(), pop.migrant_share, se)
    assert ppl.migrant[ppl.hh_crowded[ppl.household]].all()


def test_household_sizes_follow_the_census_shares(world: World) -> None:
    ppl = world.people
    sizes = ppl.hh_size[~ppl.hh_crowded][:-1]  # the last household is cut to fit N
    shares = np.asarray(world.config.households.size_shares)
    m = sizes.size
    for k, p in enumerate(shares, start=1):
        _within((sizes == k).mean(), p, np.sqrt(p * (1 - p) / m))


def test_age_bands_of_members_drawn_freely(world: World) -> None:
    ppl = world.people
    rank = np.arange(N) - ppl.hh_start[ppl.household]
    free = (rank > 0) & ~ppl.hh_crowded[ppl.household]
    age = ppl.age[free]
    m = age.size
    for (lo, hi), p in zip(((0, 15), (15, 60), (60, 90)), world.config.population.age_band_shares,
                           strict=True):
        _within(((age >= lo) & (age < hi)).mean(), p, np.sqrt(p * (1 - p) / m))


@pytest.mark.parametrize("history", ["mental_illness", "drug_use", "criminal_record"])
def test_true_prevalence(world: World, history: str) -> None:
    p = getattr(world.config.history, history)
    eligible = np.ones(N, bool) if history == "mental_illness" else world.people.age >= 15
    q = p / eligible.mean()
    se = np.sqrt(eligible.sum() * q * (1 - q)) / N
    _within(world.people.history[history].mean(), p, se)


def test_recording_rate_is_the_same_for_everyone_by_default(world: World) -> None:
    ppl = world.people
    rate = world.config.history.recording_rate["mental_illness"]
    true = ppl.history["mental_illness"]
    for group in (ppl.minority, ~ppl.minority, ppl.migrant, ~ppl.migrant):
        k = true & group
        _within(ppl.recorded["mental_illness"][k].mean(), rate,
                np.sqrt(rate * (1 - rate) / k.sum()))
    # False records come at their own rate, among people without the history.
    false = world.config.history.false_record_rate["mental_illness"]
    _within(ppl.recorded["mental_illness"][~true].mean(), false,
            np.sqrt(false * (1 - false) / (~true).sum()))


def test_recording_multiplier_biases_records_not_behaviour() -> None:
    cfg = WorldConfig.model_validate({"people": N, "days": 1, "history": {
        "mental_illness": 0.05, "recording_multiplier": {"minority": 1.8}}})
    ppl = World(cfg, seed=5).people
    true, rec = ppl.history["mental_illness"], ppl.recorded["mental_illness"]
    base = cfg.history.recording_rate["mental_illness"]
    for group, rate in ((ppl.minority, min(1.0, base * 1.8)), (~ppl.minority, base)):
        k = true & group
        _within(rec[k].mean(), rate, np.sqrt(rate * (1 - rate) / k.sum()))
    # True prevalence does not depend on the group (difference of two proportions).
    p1, p0 = true[ppl.minority].mean(), true[~ppl.minority].mean()
    se = np.sqrt(0.05 * 0.95 * (1 / ppl.minority.sum() + 1 / (~ppl.minority).sum()))
    _within(p1 - p0, 0.0, se)  # histories are drawn per person, independently of the group


def test_full_segregation_puts_every_minority_household_in_its_enclave() -> None:
    cfg = WorldConfig.model_validate({"people": 20_000, "days": 1,
                                      "geography": {"segregation": 1.0}})
    world = World(cfg, seed=1)
    persons = world.static_tables()["persons"]
    minority = pc.equal(persons["ethnicity"], "minority")
    districts = set(persons.filter(minority)["district"].to_pylist())
    assert districts == {cfg.geography.districts_per_side ** 2 - 1}


def test_calls_per_person_day_match_the_poisson_mean() -> None:
    days, n = 3, 20_000
    cfg = WorldConfig.model_validate({
        "people": n, "days": days, "behaviour": {"phone_off_rate": 0.0, "calls_per_day": 3.0},
        "incidents": {"drug_call_rate": 0.0}})
    world = World(cfg, seed=8)
    calls = sum(world.step()["calls"].num_rows for _ in range(days))
    lam = 3.0
    _within(calls / (n * days), lam, np.sqrt(lam / (n * days)))


def test_hotel_nights_per_person_night() -> None:
    days, n, rate = 3, 30_000, 0.01
    cfg = WorldConfig.model_validate({
        "people": n, "days": days,
        "behaviour": {"hotel_night_rate": rate, "trip_rate": 0.0, "apart_couples_share": 0.0},
        "incidents": {"petition_rate": 0.0, "dealer_share": 0.0, "sham_marriage_share": 0.0}})
    world = World(cfg, seed=4)
    stays = pa.concat_tables([world.step()["stays"] for _ in range(days)])
    hotels = world.places.ids("hotel")
    minute = pc.subtract(stays["start"], pc.multiply(pc.divide(stays["start"], 1440), 1440))
    nightly = pc.and_(pc.is_in(stays["place"], pa.array(hotels)),
                      pc.greater_equal(minute, 1260))
    observed = pc.sum(nightly).as_py() / (n * days)
    _within(observed, rate, np.sqrt(rate * (1 - rate) / (n * days)))
