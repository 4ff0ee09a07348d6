"""Outings: at most one a day per person. Own outings first, by priority: a grievance group's
meeting or protest (:mod:`._collective`), a protest, recruiting (a recruiter), violence at a
school, an illicit outing (a pickpocket, a burglar), then an ordinary one (a park, a bar,
a class, a station, a friend's compound). Then people with no outing of their own may be taken
along by a tie: a recruiter's companion, a friend visiting with another friend.

A person's own outing depends only on their own state and draws; a companion's on theirs and on
the tie who took them along (the first of their ties to ask, recruiters before friends), so an
action on someone reaches no further than their ties and the people they act with."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from custodiet.world import _incidents as incidents
from custodiet.world._collective import Today
from custodiet.world._crn import Draws, exponential, integers, neighbour
from custodiet.world._day import ERRAND_AFTER_WORK, Appetite, City, pick_place
from custodiet.world._ledger import Ledger
from custodiet.world._school import school_violence

# Leisure outings by choice code: (place kind, shortest, longest + 1 minutes).
_LEISURE = ((0, "park", 30, 120), (1, "bar", 60, 180), (3, "language_school", 60, 120))
_FRIEND, _STATION = 2, 4


@dataclass
class Outings:
    """Each person's outing of the day: place (-1 = none), start and duration (minutes)."""

    place: np.ndarray
    start: np.ndarray
    dur: np.ndarray

    def set(self, persons: np.ndarray, place: np.ndarray, start: np.ndarray,
            dur: np.ndarray) -> None:
        self.place[persons], self.start[persons], self.dur[persons] = place, start, dur


def outings(city: City, free: np.ndarray, works: np.ndarray, default_start: np.ndarray,
            appetite: Appetite, together: Today, ledger: Ledger, t0: int,
            draws: Draws) -> Outings:
    """Everyone's outing of the day, the grievance groups' meetings and protests
    (``together``) first; incidents among them go to ``ledger``."""
    out, visitors, host = _leisure(city, free, default_start, draws)
    grouped = np.zeros(free.size, bool)
    for event in (together.protests, together.meetings):
        grouped[event.member] = True
    protest = incidents.protests(city, free & ~grouped, appetite, draws)
    protesting = grouped.copy()
    protesting[protest.member] = True
    recruit = incidents.recruiting(city, free & ~protesting, appetite, draws)
    busy = protesting.copy()
    busy[recruit.recruiter] = True
    busy |= school_violence(city, free & ~busy, appetite, out, ledger, t0, draws)
    illicit = incidents.illicit_outings(city, free & ~busy, works, default_start, appetite,
                                        out, ledger, t0, draws)
    out.set(recruit.recruiter, recruit.place, recruit.start, recruit.dur)
    for event in (protest, together.protests, together.meetings):
        out.set(event.member, event.place, event.start, event.dur)
    protest.record(ledger, t0)
    together.protests.record(ledger, t0)
    # Companions: a visitor still going on their visit may take a friend along.
    visiting = ~(busy | illicit)[visitors]
    mate_of, mate = _mates(city, visitors[visiting], host[visiting], draws)
    drawer = np.concatenate([recruit.recruiter, mate_of])
    drawn = np.concatenate([recruit.companion, mate])
    joined = _take_along(free, works, out, drawer, drawn)
    recruit.record(ledger, t0, joined[: recruit.recruiter.size])
    return out


def _leisure(city: City, free: np.ndarray, default_start: np.ndarray,
             draws: Draws) -> tuple[Outings, np.ndarray, np.ndarray]:
    """Ordinary outings alone; returns them with the friend visitors and whom they visit."""
    people, places, beh = city.people, city.places, city.config.behaviour
    n = people.n
    adult = people.age >= 18
    # Rates differ only between adults and minors (no bars): two rows of rates, each person's
    # kind the number of its row's cumulative shares below their draw.
    rates = np.array([[beh.park_visit_rate, bar, beh.friend_visit_rate,
                       beh.language_school_visit_rate, beh.station_visit_rate]
                      for bar in (0.0, beh.bar_visit_rate)])
    total = rates.sum(axis=1)
    goes = free & (draws.uniform("outing") < (-np.expm1(-total))[adult.view(np.int8)])
    cum = np.cumsum(rates, axis=1) / np.maximum(total, 1e-12)[:, None]
    u_kind = draws.uniform("outing_kind")
    choice = np.where(adult, np.searchsorted(cum[1], u_kind, side="left"),
                      np.searchsorted(cum[0], u_kind, side="left"))
    u_place, u_minutes = draws.uniform("outing_place"), draws.uniform("outing_minutes")
    out = Outings(place=np.full(n, -1, np.int64), start=default_start.copy(),
                  dur=np.zeros(n, np.int64))
    for code, kind, lo, hi in _LEISURE:
        m = np.flatnonzero(goes & (choice == code))
        out.place[m] = pick_place(places, kind, u_place[m])
        out.dur[m] = integers(u_minutes[m], lo, hi)
    m = np.flatnonzero(goes & (choice == _STATION))
    out.place[m] = pick_place(places, "station", u_place[m])
    out.dur[m] = np.clip(exponential(u_minutes[m], beh.station_dwell_minutes), 5, 240)
    visitors = np.flatnonzero(goes & (choice == _FRIEND))
    ties = city.ties
    friend = neighbour(ties.friend_indptr, ties.friends, visitors, u_place[visitors])
    has_friend = friend >= 0
    visitors, friend = visitors[has_friend], friend[has_friend]
    out.place[visitors] = places.compound[city.home[friend]]
    out.dur[visitors] = integers(u_minutes[visitors], 60, 180)
    return out, visitors, friend


def _mates(city: City, visitors: np.ndarray, host: np.ndarray,
           draws: Draws) -> tuple[np.ndarray, np.ndarray]:
    """Friends visiting a compound together (the look-alike of recruiting): the visitors who
    ask a friend along, and whom they ask."""
    asks = draws.at("companion", visitors) < city.config.behaviour.companion_visit_share
    guest, host = visitors[asks], host[asks]
    ties = city.ties
    mate = neighbour(ties.friend_indptr, ties.friends, guest, draws.at("companion_pick", guest))
    ok = (mate >= 0) & (mate != host)
    return guest[ok], mate[ok]


def _take_along(free: np.ndarray, works: np.ndarray, out: Outings, drawer: np.ndarray,
                drawn: np.ndarray) -> np.ndarray:
    """Each drawn person who is free, has no outing of their own and is not at work then joins
    the first drawer that asked them, on the drawer's outing. Returns, per (drawer, drawn)
    pair, whether the drawn person came."""
    ok = (drawn >= 0) & free[np.maximum(drawn, 0)]
    ok[ok] = (out.place[drawn[ok]] < 0) & (
        ~works[drawn[ok]] | (out.start[drawer[ok]] >= ERRAND_AFTER_WORK[0]))
    came = np.zeros(drawn.size, bool)
    asked = np.flatnonzero(ok)
    _, first = np.unique(drawn[asked], return_index=True)
    came[asked[first]] = True
    who, by = drawn[came], drawer[came]
    out.set(who, out.place[by], out.start[by], out.dur[by])
    return came
