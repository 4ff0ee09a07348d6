"""Collective action (NYT-4, NYT-17): grievance groups of fraud victims and parties to a land
dispute who meet at their park, protest together at the park or a government building, and
petition the capital as a group.

Groups are drawn once; each day every group draws (one uniform per group, indexed by group id)
whether it meets, protests or petitions, and every member (one uniform per person, indexed by
person id) whether they turn out, so nobody's draws depend on anyone else's state (a protest of
one needs a second member, so it depends on the people one acts with).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from custodiet.scenario import WorldConfig
from custodiet.schema import GRIEVANCES
from custodiet.world._crn import Draws, integers
from custodiet.world._day import ERRAND_AFTER_WORK, Appetite
from custodiet.world._geography import Places, nearest_in_district
from custodiet.world._incidents import Protests
from custodiet.world._population import People
from custodiet.world._rng import setup_rng

_GROUPED = (GRIEVANCES.index("fraud"), GRIEVANCES.index("land_dispute"))
_LAND = GRIEVANCES.index("land_dispute")


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


def draw_group_histories(cfg: WorldConfig, people: People, groups: Groups, seed: int) -> None:
    """Members of a grievance group who protested with it before: a true protest history for a
    ``grievance_group_protest_history`` share, recorded as other protest histories are (its
    recording rate times the person's group factor). One uniform per person for each."""
    rng = setup_rng(seed, "group_histories")
    hist = cfg.history
    u_history, u_record = rng.random(people.n), rng.random(people.n)
    protested = (groups.of >= 0) & (u_history < cfg.incidents.grievance_group_protest_history)
    rate = hist.recording_rate.get("protest_history", 1.0) * people.group_factor(
        hist.recording_multiplier)
    people.history["protest_history"] |= protested
    people.recorded["protest_history"] |= protested & (u_record < np.clip(rate, 0.0, 1.0))


@dataclass(frozen=True)
class Today:
    """What the groups do today: meetings and protests (members with their event's place,
    start and length), and who leaves to petition with their group."""

    meetings: Protests
    protests: Protests
    petitioners: np.ndarray


def today(cfg: WorldConfig, groups: Groups, free: np.ndarray, appetite: Appetite,
          draws: Draws) -> Today:
    """Draw the day's group events (a fixed number of draws per group, in group order) and
    each member's turnout (their own draw)."""
    inc = cfg.incidents
    g = groups.n
    u_meet, u_protest, u_petition, u_where, u_start, u_dur = draws.generator(
        "group_events").random((6, g))
    event = np.full(g, -1, np.int8)  # one event per group a day: petition, protest, meeting
    event[u_meet < -np.expm1(-inc.group_meeting_rate)] = 0
    event[u_protest < -np.expm1(-inc.group_protest_rate)] = 1
    event[u_petition < -np.expm1(-inc.group_petition_rate)] = 2
    member = groups.of >= 0
    what = np.full(free.size, -1, np.int8)
    what[member] = event[groups.of[member]]
    u_turnout = draws.uniform("group_turnout")
    act = {0: "protest", 1: "protest", 2: "petition_trip"}
    comes = np.zeros(free.size, bool)
    for code, name in act.items():
        p = np.clip(inc.group_turnout * appetite.of(name), 0.0, 1.0)
        comes |= (what == code) & (u_turnout < p)
    comes &= free
    start = integers(u_start, *ERRAND_AFTER_WORK)
    place = np.where(u_where < inc.protest_government_share, groups.government, groups.park)

    def event_of(code: int, where: np.ndarray, lo: int, hi: int) -> Protests:
        who = np.flatnonzero(comes & (what == code))
        grp = groups.of[who]
        return Protests(who, grp, where[grp], start[grp], integers(u_dur, lo, hi)[grp])

    return Today(meetings=event_of(0, groups.park, 45, 121),
                 protests=event_of(1, place, 60, 121),
                 petitioners=comes & (what == 2))
