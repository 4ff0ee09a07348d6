"""Outings: at most one a day per person, after work or during a free day. Ordinary ones
(a park, a bar, a class, a station, a friend's compound), outings of several people at one
place and time (friends together, and the protests and recruiting of :mod:`._incidents`), then
the illicit ones of people with a role."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from custodiet.world import _incidents as incidents
from custodiet.world._day import ERRAND_AFTER_WORK, City, pick_place
from custodiet.world._ledger import Ledger

# Kinds of group outing, and the incident each one is (None: ordinary life).
PROTEST, RECRUIT, FRIENDS = 0, 1, 2
_GROUP_INCIDENTS = ((PROTEST, "protest"), (RECRUIT, "pyramid_recruit"))
# Leisure outings by choice code: (place kind, shortest, longest + 1 minutes).
_LEISURE = ((0, "park", 30, 120), (1, "bar", 60, 180), (3, "language_school", 60, 120))
_FRIEND, _STATION = 2, 4


@dataclass
class Outings:
    """Each person's outing of the day: place (-1 = none), start and duration (minutes)."""

    place: np.ndarray
    start: np.ndarray
    dur: np.ndarray


@dataclass
class Groups:
    """Proposed group outings: members (a person may be drawn into several), their group, and
    each group's place and kind."""

    members: list[np.ndarray] = field(default_factory=list)
    group: list[np.ndarray] = field(default_factory=list)
    place: list[np.ndarray] = field(default_factory=list)
    kind: list[np.ndarray] = field(default_factory=list)
    count: int = 0

    def add(self, proposal: tuple[np.ndarray, np.ndarray, np.ndarray] | None, kind: int) -> None:
        """Add ``(members, group index within the proposal, place of each group)``."""
        if proposal is None:
            return
        members, group, place = proposal
        self.members.append(members)
        self.group.append(group + self.count)
        self.place.append(place)
        self.kind.append(np.full(place.size, kind, np.int8))
        self.count += place.size


def outings(city: City, free: np.ndarray, works: np.ndarray, default_start: np.ndarray,
            appetite: np.ndarray, ledger: Ledger, t0: int,
            rng: np.random.Generator) -> Outings:
    """Everyone's outing of the day; incidents among them go to ``ledger``."""
    out, visitors, friend = _leisure(city, free, default_start, rng)
    # Outings together come first; a person who joined one does nothing else outside.
    groups = Groups()
    groups.add(incidents.propose_protests(city, free, appetite, rng), PROTEST)
    groups.add(incidents.propose_recruiting(city, free, appetite, rng), RECRUIT)
    groups.add(_propose_friends_together(city, visitors, friend, rng), FRIENDS)
    joined = _join(groups, free, out, ledger, t0, rng)
    incidents.illicit_outings(city, free & ~joined, works, default_start, appetite, out,
                              ledger, t0, rng)
    return out


def _leisure(city: City, free: np.ndarray, default_start: np.ndarray,
             rng: np.random.Generator) -> tuple[Outings, np.ndarray, np.ndarray]:
    """Ordinary outings alone; returns them with the friend visitors and whom they visit."""
    people, places, beh = city.people, city.places, city.config.behaviour
    n = people.n
    adult = people.age >= 18
    rates = np.stack([
        np.full(n, beh.park_visit_rate), np.where(adult, beh.bar_visit_rate, 0.0),
        np.full(n, beh.friend_visit_rate), np.full(n, beh.language_school_visit_rate),
        np.full(n, beh.station_visit_rate),
    ], axis=1)
    total = rates.sum(axis=1)
    goes = free & (rng.random(n) < -np.expm1(-total))
    cum = np.cumsum(rates, axis=1) / np.maximum(total, 1e-12)[:, None]
    choice = (rng.random(n)[:, None] > cum).sum(axis=1)
    out = Outings(place=np.full(n, -1, np.int64), start=default_start.copy(),
                  dur=np.zeros(n, np.int64))
    for code, kind, lo, hi in _LEISURE:
        m = goes & (choice == code)
        out.place[m] = pick_place(places, kind, int(m.sum()), rng)
        out.dur[m] = rng.integers(lo, hi, int(m.sum()))
    m = goes & (choice == _STATION)
    out.place[m] = pick_place(places, "station", int(m.sum()), rng)
    out.dur[m] = np.clip(rng.exponential(beh.station_dwell_minutes, int(m.sum())), 5, 240)
    visitors = np.flatnonzero(goes & (choice == _FRIEND))
    friend = city.ties.random_neighbour(rng, visitors, friends_only=True)
    has_friend = friend >= 0
    visitors, friend = visitors[has_friend], friend[has_friend]
    out.place[visitors] = places.compound[city.home[friend]]
    out.dur[visitors] = rng.integers(60, 180, visitors.size)
    return out, visitors, friend


def _propose_friends_together(city: City, visitors: np.ndarray, friend: np.ndarray,
                              rng: np.random.Generator
                              ) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """Friends visiting a compound together (the look-alike of recruiting)."""
    together = rng.random(visitors.size) < city.config.behaviour.companion_visit_share
    if not together.any():
        return None
    host, guest = friend[together], visitors[together]
    mate = city.ties.random_neighbour(rng, guest, friends_only=True)
    ok = (mate >= 0) & (mate != host)
    guest, mate, host = guest[ok], mate[ok], host[ok]
    ids = np.arange(guest.size)
    return (np.concatenate([guest, mate]), np.concatenate([ids, ids]),
            city.places.compound[city.home[host]])


def _join(groups: Groups, free: np.ndarray, out: Outings, ledger: Ledger, t0: int,
          rng: np.random.Generator) -> np.ndarray:
    """A person joins only the first group that drew them, and only if free today; a group
    needs two members. Sets the members' outings, records the incidents; returns who joined."""
    joined = np.zeros(free.size, bool)
    count = groups.count
    if count == 0:
        return joined
    member = np.concatenate(groups.members)
    gid = np.concatenate(groups.group)
    place_of = np.concatenate(groups.place)
    kind_of = np.concatenate(groups.kind)
    order = np.argsort(gid, kind="stable")  # keeps a recruiter before the companion
    member, gid = member[order], gid[order]
    _, first = np.unique(member, return_index=True)
    keep = np.zeros(member.size, bool)
    keep[first] = True
    keep &= free[member]
    member, gid = member[keep], gid[keep]
    valid = np.bincount(gid, minlength=count) >= 2
    in_valid = valid[gid]
    member, gid = member[in_valid], gid[in_valid]
    g_start = rng.integers(*ERRAND_AFTER_WORK, count)
    g_dur = np.where(kind_of == PROTEST, rng.integers(60, 121, count),
                     rng.integers(30, 121, count))
    out.place[member] = place_of[gid]
    out.start[member] = g_start[gid]
    out.dur[member] = g_dur[gid]
    joined[member] = True
    for code, kind in _GROUP_INCIDENTS:
        sel = np.flatnonzero(valid & (kind_of == code))
        if sel.size == 0:
            continue
        in_sel = np.isin(gid, sel)
        m, g = member[in_sel], gid[in_sel]
        o = np.argsort(g, kind="stable")
        m, g = m[o], g[o]
        ids, counts = np.unique(g, return_counts=True)
        ledger.incidents(kind, (m, counts), g_start[ids] + t0 + 1, place_of[ids])
    return joined
