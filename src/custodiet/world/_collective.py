"""Collective action (NYT-4, NYT-17): grievance groups of fraud victims and parties to a land
dispute who meet at their park, protest together at the park or a government building, and
petition the capital as a group.

Groups are drawn once, here; what they do each day is :mod:`._gatherings`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from custodiet.scenario import WorldConfig
from custodiet.schema import GRIEVANCES
from custodiet.world._geography import Places, nearest_in_district
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
