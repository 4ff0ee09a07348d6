"""Collective action (NYT-4, NYT-17): grievance groups meet, protest and petition together.

Each day a group draws one event: a petition (rate r_pe), else a protest (r_pr), else a
meeting (r_m), each with probability 1 − e^{−r}; the petition overrides the others. Every
member free that day turns out with probability q (the turnout); a meeting or protest needs
two. So on a day when everyone is free, group g of m_g members protests with probability

    P_g = (1 − e^{−r_pr}) e^{−r_pe} (1 − (1 − q)^{m_g} − m_g q (1 − q)^{m_g − 1}),

the expected number of protests over D days is D Σ_g P_g, and counts are sums of independent
Bernoulli draws (variance D Σ_g P_g (1 − P_g)). Tolerances: 4 standard errors.
"""

from __future__ import annotations

import numpy as np
import pytest

from custodiet.scenario import WorldConfig
from custodiet.scenario._world import ACTS
from custodiet.schema import GRIEVANCES
from custodiet.world import World
from custodiet.world._crn import Draws
from custodiet.world._day import Appetite
from custodiet.world._gatherings import today
from tests.test_world_occupancy import _zeroed

Z = 4.0


def _plain(n: int) -> Appetite:
    """Nobody chilled, no group factor, nobody deterred."""
    return Appetite(intent=np.ones(n), factor=np.ones(n), deterrence=dict.fromkeys(ACTS, 1.0))


@pytest.fixture(scope="module")
def world() -> World:
    return World(WorldConfig(people=200_000, days=14), seed=8)


def test_groups_hold_fraud_victims_and_land_disputes_by_district(world: World) -> None:
    people, groups = world.people, world.groups
    inc = world.config.incidents
    eligible = np.isin(people.grievance, [GRIEVANCES.index("fraud"),
                                          GRIEVANCES.index("land_dispute")])
    member = groups.of >= 0
    assert not (member & ~eligible).any()
    p, m = inc.grievance_group_share, int(eligible.sum())
    assert abs(member[eligible].mean() - p) <= Z * np.sqrt(p * (1 - p) / m)
    land = member & (people.grievance == GRIEVANCES.index("land_dispute"))
    district = world.places.district[people.household]
    per_group = {g: set(district[land & (groups.of == g)]) for g in np.unique(groups.of[land])}
    assert per_group and all(len(ds) == 1 for ds in per_group.values())


def test_protests_per_day_match_the_group_rates(world: World) -> None:
    inc = world.config.incidents
    n = world.people.n
    sizes = np.bincount(world.groups.of[world.groups.of >= 0], minlength=world.groups.n)
    q = inc.group_turnout
    two = 1 - (1 - q) ** sizes - sizes * q * (1 - q) ** (sizes - 1)
    p = -np.expm1(-inc.group_protest_rate) * np.exp(-inc.group_petition_rate) * two
    days = 60
    counts = [today(world.config, world.groups, np.ones(n, bool), _plain(n), Draws(123, d, n))
              for d in range(days)]
    got = sum(int((np.bincount(c.protests.group) >= 2).sum()) for c in counts)
    expected, se = days * p.sum(), np.sqrt(days * (p * (1 - p)).sum())
    assert abs(got - expected) <= Z * se, (got, expected, se)
    assert expected - Z * se > 0.5 * expected  # dozens: well clear of zero


def test_city_of_200k_sees_group_protests_at_parks_and_government(world: World) -> None:
    """The integrated world: protests of one group's members at its park or a government
    building, about as many as the rates imply (members are sometimes away: a lower bound)."""
    kinds = {}
    for _ in range(world.config.days):
        inc = world.step()["incidents"]
        for kind, persons, place in zip(inc["kind"].to_pylist(), inc["persons"].to_pylist(),
                                        inc["place"].to_pylist(), strict=True):
            kinds.setdefault(kind, []).append((persons, place))
    protests = kinds.get("protest", [])
    grouped = [(ps, pl) for ps, pl in protests
               if len({int(world.groups.of[x]) for x in ps}) == 1 and world.groups.of[ps[0]] >= 0]
    inc = world.config.incidents
    sizes = np.bincount(world.groups.of[world.groups.of >= 0], minlength=world.groups.n)
    q = inc.group_turnout
    two = 1 - (1 - q) ** sizes - sizes * q * (1 - q) ** (sizes - 1)
    p = -np.expm1(-inc.group_protest_rate) * np.exp(-inc.group_petition_rate) * two
    expected = world.config.days * p.sum()
    assert len(grouped) <= expected + Z * np.sqrt(expected)
    assert len(grouped) >= expected - Z * np.sqrt(expected) - 0.1 * expected
    assert len(protests) >= 20  # the check at 200k × 14 days
    gov = set(world.places.ids("government").tolist())
    assert any(pl in gov for _, pl in grouped) and any(pl not in gov for _, pl in grouped)
    # NYT-4's signal: a park protest of four or more people with a recorded protest history
    listed = world.people.recorded["protest_history"]
    assert any(pl not in gov and listed[ps].sum() >= 4 for ps, pl in grouped)


def test_group_members_carry_a_protest_history_recorded_as_others(world: World) -> None:
    """A member has a true protest history with probability 1 − (1 − b)(1 − s) (b: the city's
    own rate among adults, s: the group share); everyone else with b; each recorded at the
    protest-history recording rate."""
    people, cfg = world.people, world.config
    member = world.groups.of >= 0
    adult = people.age >= 15
    b = cfg.history.protest_history / adult.mean()
    s = cfg.incidents.grievance_group_protest_history
    true = people.history["protest_history"]
    for group, p in ((member, 1 - (1 - b) * (1 - s)), (adult & ~member, b)):
        m = int(group.sum())
        assert abs(true[group].mean() - p) <= Z * np.sqrt(p * (1 - p) / m) + 1e-12
    r = cfg.history.recording_rate["protest_history"]
    recorded = people.recorded["protest_history"][member & true]
    assert abs(recorded.mean() - r) <= Z * np.sqrt(r * (1 - r) / recorded.size)


def test_null_world_removes_protests_and_group_petitions_but_keeps_meetings() -> None:
    config = _zeroed(_zeroed(WorldConfig(people=50_000, days=10), "protest"), "petition_trip")
    world = World(config, seed=8)
    n = world.people.n
    days = [today(config, world.groups, np.ones(n, bool), _plain(n), Draws(8, d, n))
            for d in range(10)]
    assert all(c.protests.member.size == 0 and not c.petitioners.any() for c in days)
    assert any(c.meetings.member.size for c in days)  # the look-alike stays
    for _ in range(config.days):
        kinds = set(world.step()["incidents"]["kind"].to_pylist())
        assert not kinds & {"protest", "petition_trip"}
