"""Registered versus actual occupancy (NYT-10): crowded rentals hold unregistered occupants,
meters read what is really used, the records know registered residents only.

A household's reading per registered resident is X = c · (1 + U/s) · H · e with c the
per-person use, s the registered residents, U ~ Poisson(μ) the unregistered occupants (0 outside
crowded rentals), H ~ lognormal(0, σ_H) the household's lasting factor and e ~ lognormal(0, σ)
the day's noise, all independent. So E[X] = c (1 + μ/s) m_H m_e, and the ratio of the
crowded rentals' mean to the others' is 1 + μ/s; its standard error follows from
E[X²] = c² ((1 + μ/s)² + μ/s²) e^{2σ_H²} e^{2σ²} by the delta method. Tolerances: 4 SE.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from custodiet import schema
from custodiet.scenario import WorldConfig
from custodiet.world import World
from custodiet.world._calendar import season
from custodiet.world._meters import meter_readings

Z = 4.0


def _zeroed(config: WorldConfig, kind: str) -> WorldConfig:
    """``config`` with every parameter that removes ``kind`` (schema.INCIDENT_TABLE) at zero."""
    data = config.model_dump()
    (row,) = [k for k in schema.INCIDENT_TABLE if k.kind == kind]
    for dotted in row.removed_by:
        *path, leaf = dotted.split(".")
        target = data
        for key in path:
            target = target[key]
        target[leaf] = 0
    return WorldConfig.model_validate(data)


def _per_resident_water(world: World) -> tuple[np.ndarray, np.ndarray]:
    """Day 0's water per registered resident, and which households are crowded rentals."""
    water = world.step()["utility"]["water"].to_numpy().astype(float)
    return water / world.people.hh_size, world.people.hh_crowded


def _ratio_se(mean_ratio: float, cv2_a: float, n_a: int, cv2_b: float, n_b: int) -> float:
    return mean_ratio * np.sqrt(cv2_a / n_a + cv2_b / n_b)


@pytest.fixture(scope="module")
def world() -> World:
    return World(WorldConfig(people=60_000, days=1), seed=11)


def test_unregistered_occupants_are_poisson_in_crowded_rentals_only(world: World) -> None:
    mu = world.config.households.unregistered_occupants_mean
    extra = world.people.hh_unregistered
    crowded = world.people.hh_crowded
    assert (extra[~crowded] == 0).all()
    n = int(crowded.sum())
    assert n > 500
    assert abs(extra[crowded].mean() - mu) <= Z * np.sqrt(mu / n)


def test_crowded_rentals_use_more_per_registered_resident_by_the_implied_factor(
        world: World) -> None:
    cfg = world.config
    s, mu = cfg.households.crowded_size, cfg.households.unregistered_occupants_mean
    sh, se = cfg.behaviour.household_use_sd, cfg.behaviour.utility_noise_sd
    per, crowded = _per_resident_water(world)
    expected = 1.0 + mu / s
    lognormal_m2 = np.exp(2 * sh**2 + 2 * se**2) / np.exp(sh**2 + se**2)  # E[(He)²]/E[He]²
    cv2_crowded = ((expected**2 + mu / s**2) * lognormal_m2) / expected**2 - 1.0
    cv2_other = lognormal_m2 - 1.0
    observed = per[crowded].mean() / per[~crowded].mean()
    tol = Z * _ratio_se(expected, cv2_crowded, int(crowded.sum()), cv2_other,
                        int((~crowded).sum()))
    assert abs(observed - expected) <= tol, (observed, expected, tol)
    assert expected - tol > 1.5  # the signal is there, not just consistent with it


def test_null_world_keeps_the_rentals_but_no_incident() -> None:
    """The strict null world keeps the city (the same rentals and meters) and makes living in
    a crowded rental lawful: the whistle's alerts on them are then false by construction."""
    base = WorldConfig(people=20_000, days=1)
    plain, null = World(base, seed=11), World(_zeroed(base, "crowded_rental"), seed=11)
    assert (plain.people.hh_unregistered == null.people.hh_unregistered).all()
    a, b = plain.step(), null.step()
    assert a["utility"].equals(b["utility"])
    assert "crowded_rental" in a["incidents"]["kind"].to_pylist()
    assert "crowded_rental" not in b["incidents"]["kind"].to_pylist()


def test_meters_follow_the_weekday_and_the_season(world: World) -> None:
    """The same households, present alike, on a Monday and the Saturday after: the ratio of
    total use is the weekend factor times the seasons' ratio (noise averages out; SE from
    σ over the households)."""
    city = world._city
    beh = world.config.behaviour
    start = world.config.start_date
    assert start.weekday() == 0
    present = (world.people.hh_size + world.people.hh_unregistered).astype(float)
    rng = np.random.default_rng(0)
    monday = meter_readings(0, city, present, rng)["power"].to_numpy().astype(float)
    saturday = meter_readings(5, city, present, rng)["power"].to_numpy().astype(float)
    expected = beh.weekend_use_factor * (season(start, 5, beh.power_seasonal_amplitude, 15.0, 2)
                                         / season(start, 0, beh.power_seasonal_amplitude, 15.0, 2))
    weights = present * world.people.hh_use[:, 1]
    cv2 = np.exp(beh.utility_noise_sd**2) - 1.0
    se_each = np.sqrt(cv2 * (weights**2).sum()) / weights.sum()
    observed = saturday.sum() / monday.sum()
    assert abs(observed - expected) <= Z * expected * np.sqrt(2) * se_each
    assert abs(expected - 1.0) > 0.03  # a real difference, not noise


def test_winter_and_summer_differ_by_the_seasonal_amplitude() -> None:
    a = 0.15
    summer = season(dt.date(2026, 7, 15), 0, a, 196.0, 1)
    winter = season(dt.date(2026, 1, 15), 0, a, 196.0, 1)
    assert summer == pytest.approx(1 + a, abs=1e-3) and winter == pytest.approx(1 - a, abs=2e-3)
