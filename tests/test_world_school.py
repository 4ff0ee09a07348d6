"""Violence at a school (NYT-8): anyone may, at ``school_violence_rate`` per adult per day, and
people with a serious mental illness at that rate times a factor (1 by default).

Each free adult draws once a day; the count over a run is a sum of Bernoulli draws with
p = 1 − e^{−rate}, so it is Poisson to a very good approximation. The rate is raised here
(the mechanism is linear in it) so that counts are large enough to test; 4 standard errors.
"""

from __future__ import annotations

import numpy as np
import pyarrow.compute as pc
import pytest

from custodiet.scenario import WorldConfig
from custodiet.world import World
from tests.test_world_occupancy import _zeroed

Z = 4.0
DAYS = 7


def _run(config: WorldConfig) -> tuple[World, list[tuple[int, int, int]]]:
    world = World(config, seed=21)
    rows = []
    for _ in range(config.days):
        tables = world.step()
        inc = tables["incidents"].filter(pc.equal(tables["incidents"]["kind"], "school_violence"))
        who = tables["stays"]["person"].to_numpy()
        where = tables["stays"]["place"].to_numpy()
        for persons, t, place in zip(inc["persons"].to_pylist(), inc["t"].to_pylist(),
                                     inc["place"].to_pylist(), strict=True):
            rows.append((persons[0], t, place))
            at = (who == persons[0]) & (where == place)
            assert at.sum() == 1, "the attacker's stay at the school is in the stays table"
    return world, rows


def _config(factor: float, rate: float = 2e-3) -> WorldConfig:
    return WorldConfig.model_validate({"people": 30_000, "days": DAYS, "incidents": {
        "school_violence_rate": rate, "school_violence_mental_illness_factor": factor}})


@pytest.mark.parametrize("factor", [1.0, 5.0])
def test_attacks_follow_the_two_rates(factor: float) -> None:
    world, rows = _run(_config(factor))
    people = world.people
    adult = people.age >= 18
    ill = people.history["mental_illness"]
    rate = world.config.incidents.school_violence_rate
    attackers = np.array([p for p, _, _ in rows])
    assert adult[attackers].all()
    # Days free for an ordinary outing are almost all days: an upper-bound expectation, and
    # a lower bound that allows 5% of person-days spent away or in a group.
    for group, f in ((adult & ~ill, 1.0), (adult & ill, factor)):
        expected = group.sum() * DAYS * -np.expm1(-rate * f)
        got = int(np.isin(attackers, np.flatnonzero(group)).sum())
        assert 0.95 * expected - Z * np.sqrt(expected) <= got <= expected + Z * np.sqrt(expected)


def test_never_at_their_own_school_or_workplace() -> None:
    world, rows = _run(_config(1.0))
    schools = set(world.places.ids("school").tolist())
    assert rows and all(place in schools and place != world.people.work_place[p]
                        for p, _, place in rows)


def test_default_rate_for_the_mentally_ill_is_no_higher() -> None:
    inc = WorldConfig().incidents
    assert inc.school_violence_mental_illness_factor <= 1.0 and inc.school_violence_rate > 0


def test_null_world_removes_school_violence() -> None:
    _, rows = _run(_zeroed(_config(5.0), "school_violence"))
    assert rows == []
