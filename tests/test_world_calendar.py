"""A calendar (NYT-13): a start date, weekends, and a Spring Festival during which migrants go
home and ordinary couples who live apart spend the nights together (sham couples do not).

Counts are binomial; tolerances 4 standard errors. Couples are counted on festival nights when
both spouses sleep in a city home (not away, not held).
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pyarrow as pa
import pytest

from custodiet.scenario import WorldConfig
from custodiet.world import World
from custodiet.world._calendar import festival_day, weekday
from custodiet.world._geography import KIND
from tests.test_world_occupancy import _zeroed

Z = 4.0
START = dt.date(2026, 2, 9)  # a Monday, six days before the 2026 holiday


def _run(config: WorldConfig) -> tuple[World, dict[str, pa.Table]]:
    world = World(config, seed=6)
    days = [world.step() for _ in range(config.days)]
    return world, {k: pa.concat_tables([d[k] for d in days]) for k in ("stays", "trips")}


@pytest.fixture(scope="module")
def city() -> tuple[World, dict[str, pa.Table]]:
    return _run(WorldConfig.model_validate({
        "people": 40_000, "days": 18, "start_date": START,
        "incidents": {"sham_marriage_share": 0.05}}))


def test_weekdays_and_the_holiday_follow_the_dates() -> None:
    festival = WorldConfig().spring_festival
    assert weekday(START, 0) == 0 and weekday(START, 5) == 5
    assert [festival_day(START, d, festival) for d in (5, 6, 14, 15)] == [False, True, True, False]


def test_migrants_go_home_for_the_festival(city) -> None:
    world, t = city
    trips = t["trips"].to_pandas()
    first, last = world.config.spring_festival
    first_day, last_day = (first - START).days, (last - START).days
    home = trips[(trips.depart // 1440 >= first_day - 2) & (trips.depart // 1440 <= first_day)
                 & (trips.return_day > last_day) & ~trips.petition]
    migrants = world.people.migrant
    # Ordinary trips that long are rare ((2/3)^10 of them): festival trips are the migrants'.
    assert migrants[home.person.to_numpy()].mean() > 0.98
    home = home[migrants[home.person.to_numpy()]]
    p, m = world.config.behaviour.festival_home_share, int(migrants.sum())
    got = home.person.nunique() / m
    # Only people at home and without a trip planned on the decision day can go (≥ 95%).
    assert 0.95 * p - Z * np.sqrt(p * (1 - p) / m) <= got <= p + Z * np.sqrt(p * (1 - p) / m)


def _together(world: World, stays: pa.Table, days: range) -> tuple[np.ndarray, np.ndarray]:
    """For each apart couple, nights both slept in a city home, and nights together."""
    person = stays["person"].to_numpy()
    place = stays["place"].to_numpy()
    start, end = stays["start"].to_numpy(), stays["end"].to_numpy()
    apart = world.ties.apart
    both = np.zeros(apart.shape[0])
    same = np.zeros(apart.shape[0])
    for d in days:
        t = (d + 1) * 1440 + 180  # 3 a.m. after the night of day d
        at = np.full(world.people.n, -1)
        now = (start <= t) & (t < end)
        at[person[now]] = place[now]
        a, b = at[apart[:, 0]], at[apart[:, 1]]
        homes = (world.places.kind[a] == KIND["home"]) & (world.places.kind[b] == KIND["home"])
        both += homes
        same += homes & (a == b)
    return both, same


def test_ordinary_couples_spend_the_festival_together_and_sham_couples_do_not(city) -> None:
    world, t = city
    beh = world.config.behaviour
    first, last = world.config.spring_festival
    nights = range((first - START).days, (last - START).days + 1)
    both, same = _together(world, t["stays"], nights)
    sham = world.ties.sham
    for group, p in ((~sham, beh.festival_night_together_rate),
                     (sham, beh.sham_night_together_rate)):
        m = both[group].sum()
        assert m > 100
        got = same[group].sum() / m
        assert p - 0.05 - Z * np.sqrt(p * (1 - p) / m) <= got <= p + Z * np.sqrt(p * (1 - p) / m)
    before, together_before = _together(world, t["stays"], range(0, 5))
    ordinary = together_before[~sham].sum() / before[~sham].sum()
    assert ordinary < beh.festival_night_together_rate - 0.3  # the holiday is the signal


def test_null_world_has_no_sham_marriage_only_couples_who_seldom_meet() -> None:
    """The strict null world keeps the city: the same couples live apart and seldom meet, for
    ordinary reasons, so a rule that tells them apart raises only false alerts."""
    config = _zeroed(WorldConfig.model_validate({
        "people": 40_000, "days": 1, "start_date": START,
        "incidents": {"sham_marriage_share": 0.05}}), "sham_marriage")
    world = World(config, seed=6)
    assert world.ties.apart.size
    assert "sham_marriage" not in world.step()["incidents"]["kind"].to_pylist()
