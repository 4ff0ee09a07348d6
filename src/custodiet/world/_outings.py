"""Outings: at most one a day per person, claimed along a priority chain of outing kinds
(:data:`custodiet.world._behaviours.OUTINGS`): each kind claims, among the persons no kind
before it claimed, those who go on it today; the last is ordinary leisure (a park, a bar, a
class, a station, a friend's compound). Then people with no outing of their own may be taken
along by a tie who asked them (a recruiter's companion, a friend visiting with another
friend), the first to ask in chain order; then each kind records its incidents (by
:class:`custodiet.world._context.Role`).

A person's own outing depends only on their own state and draws; a companion's on theirs and on
the tie who took them along, so an action on someone reaches no further than their ties and the
people they act with."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from custodiet.world._context import Claim, Day, OutingKind
from custodiet.world._crn import exponential, integers, neighbour
from custodiet.world._day import BACK, ERRAND, ERRAND_AFTER_WORK, NIGHT, City, Outings, pick_place

# Leisure outings by choice code: (place kind, shortest, longest + 1 minutes).
_LEISURE = ((0, "park", 30, 120), (1, "bar", 60, 180), (3, "language_school", 60, 120))
_FRIEND, _STATION = 2, 4


def outings(day: Day, chain: Sequence[OutingKind]) -> None:
    """Everyone's outing of the day, claimed along ``chain``, written into the schedule with
    the way back home before the night; incidents among them go to the ledger."""
    free = day.status.free
    available = free.copy()
    out = Outings.none(day.default_start)
    claims: list[Claim] = []
    for kind in chain:
        claim = kind.claim(day, available)
        available[claim.who] = False
        out.set(claim.who, claim.place, claim.start, claim.dur)
        claims.append(claim)
    drawer = np.concatenate([c.drawer for c in claims])
    drawn = np.concatenate([c.drawn for c in claims])
    came = np.split(_take_along(free, day.works, out, drawer, drawn),
                    np.cumsum([c.drawer.size for c in claims])[:-1])
    for i in sorted(range(len(chain)), key=lambda i: (chain[i].role, i)):
        if claims[i].record is not None:
            claims[i].record(day, came[i])
    _place(day, out)


def _place(day: Day, out: Outings) -> None:
    """The outing and the way back home before the night, in the schedule."""
    plan, home = day.plan, day.city.home
    has = np.flatnonzero(out.place >= 0)
    start = out.start[has]
    plan.place[has, ERRAND] = out.place[has]
    plan.start[has, ERRAND] = start
    plan.place[has, BACK] = home[has]
    start += out.dur[has]
    plan.start[has, BACK] = np.minimum(start, plan.start[has, NIGHT] - 1)


def leisure(day: Day, available: np.ndarray) -> Claim:
    """The outing kind: ordinary outings alone; a friend visitor may ask another friend
    along."""
    city, draws = day.city, day.draws
    people, places, beh = city.people, city.places, city.config.behaviour
    adult = people.age >= 18
    # Rates differ only between adults and minors (no bars): two rows of rates, each person's
    # kind the number of its row's cumulative shares below their draw.
    rates = np.array([[beh.park_visit_rate, bar, beh.friend_visit_rate,
                       beh.language_school_visit_rate, beh.station_visit_rate]
                      for bar in (0.0, beh.bar_visit_rate)])
    total = rates.sum(axis=1)
    goes = np.flatnonzero(
        available & (draws.uniform("outing") < (-np.expm1(-total))[adult.view(np.int8)]))
    cum = np.cumsum(rates, axis=1) / np.maximum(total, 1e-12)[:, None]
    u_kind = draws.uniform("outing_kind")[goes]  # a kind only for those who go out
    choice = np.where(adult[goes], np.searchsorted(cum[1], u_kind, side="left"),
                      np.searchsorted(cum[0], u_kind, side="left"))
    u_place, u_minutes = draws.uniform("outing_place"), draws.uniform("outing_minutes")
    place = np.full(people.n, -1, np.int64)
    dur = np.zeros(people.n, np.int64)
    for code, kind, lo, hi in _LEISURE:
        m = goes[choice == code]
        place[m] = pick_place(places, kind, u_place[m])
        dur[m] = integers(u_minutes[m], lo, hi)
    m = goes[choice == _STATION]
    place[m] = pick_place(places, "station", u_place[m])
    dur[m] = np.clip(exponential(u_minutes[m], beh.station_dwell_minutes), 5, 240)
    visitors = goes[choice == _FRIEND]
    ties = city.ties
    friend = neighbour(ties.friend_indptr, ties.friends, visitors, u_place[visitors])
    has_friend = friend >= 0
    visitors, friend = visitors[has_friend], friend[has_friend]
    place[visitors] = places.compound[city.home[friend]]
    dur[visitors] = integers(u_minutes[visitors], 60, 180)
    who = np.flatnonzero(place >= 0)
    mate_of, mate = _mates(city, visitors, friend, day)
    return Claim(who=who, place=place[who], start=day.default_start[who], dur=dur[who],
                 drawer=mate_of, drawn=mate)


def _mates(city: City, visitors: np.ndarray, host: np.ndarray,
           day: Day) -> tuple[np.ndarray, np.ndarray]:
    """Friends visiting a compound together (the look-alike of recruiting): the visitors who
    ask a friend along, and whom they ask."""
    draws = day.draws
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
