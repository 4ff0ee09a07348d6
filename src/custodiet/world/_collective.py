"""Collective action (NYT-4, NYT-17): grievance groups of fraud victims and parties to a land
dispute who meet at their park, protest together at the park or a government building, and
petition the capital as a group.

Groups are drawn once; each day every group draws (one uniform per group, indexed by group id)
whether it meets, protests or petitions, and every member (one uniform per person, indexed by
person id) whether they turn out, so nobody's draws depend on anyone else's state.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from custodiet.scenario import WorldConfig
from custodiet.schema import GRIEVANCES
from custodiet.world._geography import Places, nearest_in_district
from custodiet.world._population import People
from custodiet.world._rng import day_rng, setup_rng

_GROUPED = (GRIEVANCES.index("fraud"), GRIEVANCES.index("land_dispute"))
_LAND = GRIEVANCES.index("land_dispute")
Proposal = tuple[np.ndarray, np.ndarray, np.ndarray]


@dataclass(frozen=True)
class Groups:
    """Grievance groups: each person's group (-1 none), and each group's park and government
    building."""

    of: np.ndarray
    park: np.ndarray
    government: np.ndarray

    @property
    def n(self) -> int:
        return int(self.park.size)


def _cut(members: np.ndarray, mean_size: float, rng: np.random.Generator) -> np.ndarray:
    """Consecutive runs of ``members`` as groups of 2 + Poisson(mean - 2) (a short last run
    joins the one before); returns each member's group index from 0."""
    sizes = 2 + rng.poisson(mean_size - 2.0, members.size // 2 + 1)
    ends = np.cumsum(sizes)
    group = np.searchsorted(ends, np.arange(members.size), side="right")
    if members.size and (group == group[-1]).sum() < 2:
        group[group == group[-1]] = max(int(group[-1]) - 1, 0)
    return group


def build_groups(cfg: WorldConfig, people: People, places: Places, seed: int) -> Groups:
    """Fraud victims grouped across the city, land disputes within a home district."""
    inc = cfg.incidents
    rng = setup_rng(seed, "groups")
    n = people.n
    joins = rng.random(n) < inc.grievance_group_share
    district = places.district[people.household]
    of = np.full(n, -1, np.int64)
    count = 0
    for kind in _GROUPED:
        members = np.flatnonzero(joins & (people.grievance == kind))
        # Land disputes are local: members of one group share a district.
        key = district[members] if kind == _LAND else rng.random(members.size)
        members = members[np.argsort(key, kind="stable")]
        group = _cut(members, inc.grievance_group_size, rng)
        if kind == _LAND and members.size:
            # Never mix districts: a new group starts wherever the district changes.
            d = district[members]
            change = np.concatenate([[0], np.cumsum((group[1:] != group[:-1])
                                                    | (d[1:] != d[:-1]))])
            group = change
        of[members] = count + group
        count += int(group.max()) + 1 if members.size else 0
    parks, gov = places.ids("park"), places.ids("government")  # at least one of each
    home_district = np.full(count, -1, np.int64)
    grouped = of >= 0
    home_district[of[grouped]] = district[grouped]
    park = nearest_in_district(rng, np.maximum(home_district, 0), parks, places)
    government = gov[rng.integers(0, gov.size, count)]
    return Groups(of=of, park=park, government=government)


@dataclass(frozen=True)
class Today:
    """What the groups do today: proposals for meetings and protests (members, group index,
    place), and who leaves to petition with their group."""

    meetings: Proposal | None
    protests: Proposal | None
    petitioners: np.ndarray


def today(cfg: WorldConfig, groups: Groups, free: np.ndarray, appetite: np.ndarray,
          seed: int, d: int) -> Today:
    """Draw the day's group events and turnouts (fixed-size draws: per group, per person)."""
    inc = cfg.incidents
    n, g = free.size, groups.n
    rng = day_rng(seed, d, "collective")
    u_meet, u_protest, u_petition, u_where = (rng.random(g) for _ in range(4))
    u_turnout = rng.random(n)
    event = np.full(g, -1, np.int8)  # one event per group a day: petition, protest, meeting
    event[u_meet < -np.expm1(-inc.group_meeting_rate)] = 0
    event[u_protest < -np.expm1(-inc.group_protest_rate)] = 1
    event[u_petition < -np.expm1(-inc.group_petition_rate)] = 2
    member = groups.of >= 0
    grp = np.where(member, groups.of, 0)
    turns_out = (member & free
                 & (u_turnout < np.clip(inc.group_turnout * appetite, 0.0, 1.0)))
    what = np.where(member, event[grp], -1) if g else np.full(n, -1, np.int8)

    def proposal(code: int, place: np.ndarray) -> Proposal | None:
        who = np.flatnonzero(turns_out & (what == code))
        if who.size == 0:
            return None
        ids, group = np.unique(groups.of[who], return_inverse=True)
        return who, group, place[ids]

    at_government = u_where < inc.protest_government_share
    protest_place = np.where(at_government, groups.government, groups.park)
    return Today(meetings=proposal(0, groups.park), protests=proposal(1, protest_place),
                 petitioners=turns_out & (what == 2))
