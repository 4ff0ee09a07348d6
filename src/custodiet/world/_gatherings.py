"""The day's gatherings: grievance groups' meetings, protests and petitions (NYT-4, NYT-17),
and the city's protests (lawful dissent) that anyone with a grievance or a protest history may
join on their own.

Each day every group draws (one uniform per group, indexed by group id) whether it meets,
protests or petitions, and every member (one uniform per person, indexed by person id) whether
they turn out, so nobody's draws depend on anyone else's state (a protest of one needs a second
member, so it depends on the people one acts with)."""

from __future__ import annotations

import numpy as np

from custodiet.scenario import WorldConfig
from custodiet.world._collective import Groups
from custodiet.world._context import Claim, Day
from custodiet.world._crn import Draws, integers
from custodiet.world._day import ERRAND_AFTER_WORK, Appetite, City, Gathering, Today, pick_place


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

    def event_of(code: int, where: np.ndarray, lo: int, hi: int) -> Gathering:
        who = np.flatnonzero(comes & (what == code))
        grp = groups.of[who]
        return Gathering(who, grp, where[grp], start[grp], integers(u_dur, lo, hi)[grp])

    return Today(meetings=event_of(0, groups.park, 45, 121),
                 protests=event_of(1, place, 60, 121),
                 petitioners=comes & (what == 2))


def group_events(day: Day) -> None:
    """The behaviour: what the groups do today, before trips are decided (a group's petition
    is a trip)."""
    day.together = today(day.city.config, day.state.groups, day.status.free, day.appetite,
                         day.draws)


def protests(city: City, available: np.ndarray, appetite: Appetite, draws: Draws) -> Gathering:
    """Protests (lawful) at parks: the day's protests, their places and times are the city's
    draws; each person with a grievance or a protest history joins one on their own, with a
    chance set so that a protest's expected size is drawn from ``protest_size``."""
    people, inc = city.people, city.config.incidents
    n = people.n
    city_draws = draws.generator("protests")
    n_protests = int(city_draws.poisson(inc.protest_rate_per_100k * n / 1e5))
    lo, hi = inc.protest_size
    sizes = city_draws.integers(lo, hi + 1, n_protests)
    place = pick_place(city.places, "park", city_draws.random(n_protests))
    start = city_draws.integers(*ERRAND_AFTER_WORK, n_protests)
    dur = city_draws.integers(60, 121, n_protests)
    if n_protests == 0:
        return Gathering.none()
    total = float(sizes.sum())
    p = (np.minimum(total * city.protest_weight, 1.0) * appetite.intent
         * appetite.deterrence["protest"])
    member = np.flatnonzero(available & (draws.uniform("protest") < p))
    cum = np.cumsum(sizes) / total
    group = np.minimum(np.searchsorted(cum, draws.at("protest_pick", member), side="right"),
                       n_protests - 1)
    return Gathering(member, group, place[group], start[group], dur[group])


def gatherings(day: Day, available: np.ndarray) -> Claim:
    """The outing kind: members at their group's meeting or protest, then the city's
    protesters among the rest; a protest of two or more is an incident."""
    together = day.together
    grouped = np.zeros(available.size, bool)
    for event in (together.protests, together.meetings):
        grouped[event.member] = True
    protest = protests(day.city, available & ~grouped, day.appetite, day.draws)
    events = (protest, together.protests, together.meetings)

    def record(day: Day, came: np.ndarray) -> None:
        protest.record(day.ledger, day.t0)
        together.protests.record(day.ledger, day.t0)

    return Claim(who=np.concatenate([e.member for e in events]),
                 place=np.concatenate([e.place for e in events]),
                 start=np.concatenate([e.start for e in events]),
                 dur=np.concatenate([e.dur for e in events]), record=record)
